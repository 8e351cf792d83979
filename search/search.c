#include "search.h"

#include "qbuild.h"
#include "schema.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int prs_search_date_bound(const char *date, bool upper, char *out)
{
    /* Accept "YYYY", "YYYY-MM", "YYYY-MM-DD" with valid month and day. */
    size_t len = date ? strlen(date) : 0;
    if (len != 4 && len != 7 && len != 10)
        return PRS_E_BADARG;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? date[i] != '-' : (date[i] < '0' || date[i] > '9'))
            return PRS_E_BADARG;
    }
    int month = len >= 7 ? (date[5] - '0') * 10 + (date[6] - '0') : 1;
    int day = len >= 10 ? (date[8] - '0') * 10 + (date[9] - '0') : 1;
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return PRS_E_BADARG;
    /* Stored dates keep unknown parts as "00", so a lower bound of a month
     * starts at day 00 and an upper bound ends at day 99: a release known
     * only by its month falls inside a range that covers that month. */
    snprintf(out, 13, "%.4s%.2s%.2s%s", date, len >= 7 ? date + 5 : (upper ? "99" : "00"),
             len >= 10 ? date + 8 : (upper ? "99" : "00"), upper ? "9999" : "0000");
    return 0;
}

static int date_filter(const struct prs_search_request *req,
                       struct prs_query **out, struct prs_err *err)
{
    char lo[13], hi[13];
    *out = NULL;
    if (!req->since && !req->until)
        return 0;
    if (req->since && prs_search_date_bound(req->since, false, lo) < 0)
        return prs_err_set(err, PRS_E_BADARG,
                           "--since '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                           req->since);
    if (req->until && prs_search_date_bound(req->until, true, hi) < 0)
        return prs_err_set(err, PRS_E_BADARG,
                           "--until '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                           req->until);
    *out = prs_query_value_range(PRS_SLOT_DATE, req->since ? lo : NULL,
                                 req->until ? hi : NULL, err);
    return *out ? 0 : err->code;
}

/* Lead and body, the text snippets are taken from. */
static char *snippet_source(const struct prs_doc *d)
{
    struct prs_buf b = {0};
    int rc = 0;
    if (d->lead)
        rc = prs_buf_puts(&b, d->lead);
    if (rc == 0 && d->lead && d->body)
        rc = prs_buf_puts(&b, "\n\n");
    if (rc == 0 && d->body)
        rc = prs_buf_puts(&b, d->body);
    if (rc < 0) {
        prs_buf_free(&b);
        return NULL;
    }
    return prs_buf_steal(&b);
}

static int load_hits(struct prs_analyzer *an, const struct prs_marker *marker,
                     const struct prs_hits *hits, size_t snippet_bytes,
                     struct prs_search_result *out, struct prs_err *err)
{
    size_t n = prs_hits_count(hits);
    out->total = prs_hits_total(hits);
    if (n == 0)
        return 0;
    out->hits = calloc(n, sizeof *out->hits);
    if (!out->hits)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct prs_search_hit *h = &out->hits[i];
        size_t len = 0;
        const char *data = prs_hits_data(hits, i, &len);
        out->nhits++;
        h->score = prs_hits_score(hits, i);
        if (prs_doc_from_json(data, len, &h->doc, err) < 0)
            return err->code;
        if (!(h->snippet_source = snippet_source(&h->doc)))
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (prs_snippet_make(an, marker, h->snippet_source,
                             strlen(h->snippet_source), snippet_bytes,
                             &h->snippet) < 0)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    }
    return 0;
}

int prs_search(struct prs_db *db, struct prs_analyzer *an,
               const struct prs_search_request *req,
               struct prs_search_result *out, struct prs_err *err)
{
    memset(out, 0, sizeof *out);
    struct prs_qbuild built = {0};
    struct prs_query *filter = NULL;
    struct prs_hits *hits = NULL;
    int rc = date_filter(req, &filter, err);
    if (rc < 0)
        goto out;
    rc = prs_qbuild(an, req->query, strlen(req->query), &built, err);
    if (rc < 0)
        goto out;
    if (built.warning && !(out->warning = strdup(built.warning))) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    struct prs_search_opts opts = {
        .offset = req->offset,
        .limit = req->limit,
        .sort = req->sort,
        .filter = filter,
        /* Exact totals for the page counts a reporter sees. */
        .check_at_least = req->offset + req->limit + 100,
    };
    rc = prs_db_search(db, built.query, &opts, &hits, err);
    if (rc < 0)
        goto out;
    rc = load_hits(an, built.marker, hits,
                   req->snippet_bytes ? req->snippet_bytes : PRS_SNIPPET_BYTES,
                   out, err);
out:
    prs_hits_free(hits);
    prs_query_free(filter);
    prs_qbuild_clear(&built);
    return rc;
}

void prs_search_result_free(struct prs_search_result *r)
{
    for (size_t i = 0; i < r->nhits; i++) {
        prs_doc_clear(&r->hits[i].doc);
        free(r->hits[i].snippet_source);
        prs_snippet_free(&r->hits[i].snippet);
    }
    free(r->hits);
    free(r->warning);
    memset(r, 0, sizeof *r);
}
