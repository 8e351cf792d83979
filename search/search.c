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

/* Appends the page in hits to out->hits (the total is the caller's). */
static int load_hits(struct prs_analyzer *an, const struct prs_marker *marker,
                     const struct prs_hits *hits, size_t snippet_bytes,
                     bool snippets, struct prs_search_result *out,
                     struct prs_err *err)
{
    size_t n = prs_hits_count(hits);
    if (n == 0)
        return 0;
    struct prs_search_hit *v = realloc(out->hits, (out->nhits + n) * sizeof *v);
    if (!v)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    out->hits = v;
    memset(v + out->nhits, 0, n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        struct prs_search_hit *h = &out->hits[out->nhits];
        size_t len = 0;
        const char *data = prs_hits_data(hits, i, &len);
        out->nhits++;
        h->score = prs_hits_score(hits, i);
        if (prs_doc_unpack(data, len, &h->doc, err) < 0)
            return err->code;
        if (!snippets)
            continue;
        if (!(h->snippet_source = snippet_source(&h->doc)))
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (prs_snippet_make(an, marker, h->snippet_source,
                             strlen(h->snippet_source), snippet_bytes,
                             &h->snippet) < 0)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    }
    return 0;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* The filter terms for org, type and year (NULL where not asked for). */
static int facet_filters(struct prs_analyzer *an,
                         const struct prs_search_request *req,
                         struct prs_query *out[PRS_NFACETS],
                         struct prs_err *err)
{
    const char *labels[PRS_NFACETS] = {req->year, req->org, req->type};
    static const char *const prefixes[PRS_NFACETS] = {
        PRS_PREFIX_YEAR, PRS_PREFIX_ORGNAME, PRS_PREFIX_TYPE};
    for (int f = 0; f < PRS_NFACETS; f++) {
        out[f] = NULL;
        if (!labels[f])
            continue;
        const char *v = labels[f];
        size_t len = strlen(v);
        if (f == PRS_FACET_YEAR) {
            long long y;
            if (prs_parse_int_range(v, 1000, 9999, &y) < 0 || len != 4)
                return prs_err_set(err, PRS_E_BADARG,
                                   "year '%.40s' is not a year (YYYY)", v);
        } else if (!(v = prs_analyzer_fold(an, v, len, &len)) || len == 0) {
            return prs_err_set(err, PRS_E_BADARG, "%s '%.40s' is not usable",
                               f == PRS_FACET_ORG ? "org" : "type", labels[f]);
        }
        struct prs_buf term = {0};
        if (prs_buf_puts(&term, prefixes[f]) < 0 ||
            prs_buf_append(&term, v, len) < 0) {
            prs_buf_free(&term);
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        }
        out[f] = prs_query_term(term.data, 1, err);
        prs_buf_free(&term);
        if (!out[f])
            return err->code;
    }
    return 0;
}

/* AND of date and the facet filters except skip (-1: none); NULL if none. */
static int combine_filters(struct prs_query *date,
                           struct prs_query *const ff[PRS_NFACETS], int skip,
                           struct prs_query **out, struct prs_err *err)
{
    struct prs_query *v[PRS_NFACETS + 1];
    size_t n = 0;
    *out = NULL;
    if (date)
        v[n++] = date;
    for (int f = 0; f < PRS_NFACETS; f++)
        if (ff[f] && f != skip)
            v[n++] = ff[f];
    if (n == 0)
        return 0;
    *out = prs_query_combine(PRS_QOP_AND, v, n, err);
    return *out ? 0 : err->code;
}

struct facet_collect {
    struct prs_facet *facets; /* the result's array */
    const bool *want;         /* which facets this run fills */
    int rc;
};

static int slot_facet(unsigned slot)
{
    switch (slot) {
    case PRS_SLOT_YEAR: return PRS_FACET_YEAR;
    case PRS_SLOT_ORG: return PRS_FACET_ORG;
    case PRS_SLOT_TYPE: return PRS_FACET_TYPE;
    default: return -1;
    }
}

static int on_facet_value(unsigned slot, const char *value, size_t len,
                          uint64_t count, void *ctx)
{
    struct facet_collect *fc = ctx;
    int f = slot_facet(slot);
    if (f < 0 || !fc->want[f] || len == 0)
        return 0;
    struct prs_facet *fa = &fc->facets[f];
    struct prs_facet_value *v = realloc(fa->values, (fa->n + 1) * sizeof *v);
    if (!v)
        return fc->rc = PRS_E_NOMEM;
    fa->values = v;
    if (!(v[fa->n].value = strndup(value, len)))
        return fc->rc = PRS_E_NOMEM;
    v[fa->n].count = count;
    fa->n++;
    return 0;
}

static int by_value_desc(const void *a, const void *b)
{
    return strcmp(((const struct prs_facet_value *)b)->value,
                  ((const struct prs_facet_value *)a)->value);
}

static int by_count_desc(const void *a, const void *b)
{
    const struct prs_facet_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->value, y->value);
}

static void facet_finish(struct prs_facet *fa, int f)
{
    if (fa->n == 0)
        return;
    qsort(fa->values, fa->n, sizeof *fa->values,
          f == PRS_FACET_YEAR ? by_value_desc : by_count_desc);
    while (fa->n > PRS_FACET_MAX_VALUES)
        free(fa->values[--fa->n].value);
}

/* Facet counts: facets whose own filter is not set share one run with
 * every filter; each facet whose filter is set gets a run without it.
 * The run with every filter is the search that gave hits (NULL: none such)
 * again, so when hits hold every match they are counted instead. */
static int count_facets(struct prs_db *db, const struct prs_query *q,
                        const struct prs_hits *hits, struct prs_query *date,
                        struct prs_query *const ff[PRS_NFACETS],
                        struct prs_search_result *out, struct prs_err *err)
{
    static const unsigned slots[PRS_NFACETS] = {PRS_SLOT_YEAR, PRS_SLOT_ORG,
                                                PRS_SLOT_TYPE};
    int rc = 0;
    for (int run = -1; run < PRS_NFACETS && rc == 0; run++) {
        bool want[PRS_NFACETS] = {false};
        unsigned run_slots[PRS_NFACETS];
        size_t nslots = 0;
        for (int f = 0; f < PRS_NFACETS; f++) {
            want[f] = run < 0 ? !ff[f] : f == run && ff[f];
            if (want[f])
                run_slots[nslots++] = slots[f];
        }
        if (nslots == 0)
            continue;
        struct prs_query *filter = NULL;
        struct facet_collect fc = {.facets = out->facets, .want = want};
        uint64_t total = 0;
        bool counted = false;
        if (run < 0 && hits)
            rc = prs_hits_count_values(db, hits, run_slots, nslots,
                                       on_facet_value, &fc, &total, &counted,
                                       err);
        if (rc == 0 && !counted)
            rc = combine_filters(date, ff, run, &filter, err);
        if (rc == 0 && !counted)
            rc = prs_db_count_values(db, q, filter, run_slots, nslots,
                                     on_facet_value, &fc, &total, err);
        if (rc == 0 && fc.rc < 0)
            rc = prs_err_set(err, fc.rc, "out of memory");
        /* The run with every filter counts the matches exactly. */
        if (rc == 0 && run < 0) {
            out->total = total;
            out->total_exact = true;
        }
        prs_query_free(filter);
    }
    for (int f = 0; rc == 0 && f < PRS_NFACETS; f++)
        facet_finish(&out->facets[f], f);
    return rc;
}

/* A compiled query: what matches (b.query, b.relaxed) and the same
 * ranked, with the ranking bonus and the recency tie-breaker. */
struct compiled {
    struct prs_qbuild b;
    struct prs_query *ranked;         /* what to run for the page */
    struct prs_query *relaxed_ranked; /* the forgiving tier's; or NULL */
};

static void compiled_clear(struct compiled *c)
{
    prs_qbuild_clear(&c->b);
    prs_query_free(c->ranked);
    prs_query_free(c->relaxed_ranked);
    memset(c, 0, sizeof *c);
}

/* q AND_MAYBE opt, into *out; a NULL opt leaves *out a copy of q. */
static int and_maybe(struct prs_query *q, struct prs_query *opt,
                     struct prs_query **out, struct prs_err *err)
{
    struct prs_query *pair[2] = {q, opt};
    *out = opt ? prs_query_combine(PRS_QOP_AND_MAYBE, pair, 2, err)
               : prs_query_combine(PRS_QOP_AND, pair, 1, err);
    return *out ? 0 : err->code;
}

/* q ranked: AND_MAYBE the bonus, then AND_MAYBE recency (see
 * prs_search_request.recency_weight); NULL q gives NULL. */
static int rank(const struct prs_search_request *req, struct prs_query *q,
                struct prs_query *bonus,
                struct prs_query **out, struct prs_err *err)
{
    *out = NULL;
    if (!q)
        return 0;
    struct prs_query *with_bonus = NULL, *recency = NULL;
    int rc = and_maybe(q, bonus, &with_bonus, err);
    if (rc == 0 && req->recency_weight > 0 &&
        req->sort == PRS_SORT_RELEVANCE) {
        double half_life = req->recency_half_life_days > 0
                               ? req->recency_half_life_days
                               : PRS_RECENCY_HALF_LIFE_DAYS;
        recency = prs_query_recency(req->recency_weight, half_life, err);
        rc = recency ? 0 : err->code;
    }
    if (rc == 0)
        rc = and_maybe(with_bonus, recency, out, err);
    prs_query_free(recency);
    prs_query_free(with_bonus);
    return rc;
}

/* Compiles query (blank: every release) for db into *c, ranked as req
 * asks. */
static int compile(struct prs_db *db, struct prs_analyzer *an,
                   const struct prs_search_request *req, const char *query,
                   struct compiled *c, struct prs_err *err)
{
    if (!blank(query)) {
        int rc = prs_qbuild(an, req->synonyms, db, query, strlen(query), &c->b,
                            err);
        if (rc == 0)
            rc = rank(req, c->b.query, c->b.bonus, &c->ranked, err);
        if (rc == 0)
            rc = rank(req, c->b.relaxed, c->b.bonus, &c->relaxed_ranked, err);
        return rc;
    }
    /* No words: every release (the filters and facets still apply). */
    c->b.query = prs_query_match_all(err);
    c->ranked = prs_query_match_all(err);
    c->b.marker = prs_marker_new();
    if (!c->b.query || !c->ranked || !c->b.marker)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    return 0;
}

/* Runs q, a query of c, with opts and c's proximity bonus on the best
 * matches. */
static int run_ranked(struct prs_db *db, const struct prs_query *q,
                      const struct compiled *c,
                      const struct prs_search_opts *opts,
                      struct prs_hits **hits, struct prs_err *err)
{
    struct prs_search_opts o = *opts;
    o.rescore = c->b.proximity;
    o.rescore_window = PRS_RESCORE_WINDOW;
    return prs_db_search(db, q, &o, hits, err);
}

/* The releases matching all but one word of a plain word list, below
 * those matching them all: runs the forgiving query without the first
 * tier's matches on the part of the page the first tier left empty, and
 * adds its matches to the total. Returns 1 when the tier ran. */
static int forgiving_tier(struct prs_db *db, struct prs_analyzer *an,
                          const struct compiled *c,
                          const struct prs_search_opts *first,
                          size_t snippet_bytes, bool snippets,
                          struct prs_search_result *out, struct prs_err *err)
{
    uint64_t total1 = out->total; /* exact: below check_at_least */
    if (!c->relaxed_ranked || total1 >= first->offset + first->limit)
        return 0;
    struct prs_query *pair[2] = {c->relaxed_ranked, c->b.query};
    struct prs_query *q = prs_query_combine(PRS_QOP_AND_NOT, pair, 2, err);
    struct prs_hits *hits = NULL;
    if (!q)
        return err->code;
    struct prs_search_opts opts = *first;
    opts.offset = first->offset > total1 ? first->offset - (size_t)total1 : 0;
    opts.limit = first->limit - out->nhits;
    opts.check_at_least = opts.offset + opts.limit + 100;
    int rc = opts.limit ? run_ranked(db, q, c, &opts, &hits, err) : 0;
    if (rc == 0 && opts.limit == 0) {
        /* An empty page still counts the tier's matches. */
        opts.limit = 1;
        rc = prs_db_search(db, q, &opts, &hits, err);
        if (rc == 0) {
            out->total += prs_hits_total(hits);
            out->total_exact &= prs_hits_total_exact(hits);
            prs_hits_free(hits);
            hits = NULL;
        }
    } else if (rc == 0) {
        out->total += prs_hits_total(hits);
        out->total_exact &= prs_hits_total_exact(hits);
        rc = load_hits(an, c->b.marker, hits, snippet_bytes, snippets, out,
                       err);
    }
    prs_hits_free(hits);
    prs_query_free(q);
    return rc < 0 ? rc : 1;
}

/* When the query as typed finds fewer than PRS_SUGGEST_BELOW releases, a
 * spelling correction from the index's vocabulary (spell.c) is tried; it
 * replaces the query when the query finds nothing and the correction
 * does (a query that finds a few releases may be a rare word typed right,
 * or a word still being typed: it keeps them and gets a "did you mean").
 * *suggestion gets the correction either way (NULL if none). Returns 1
 * when the corrected query was taken: then *c and *hits are the
 * corrected ones. */
static int try_correction(struct prs_db *db, struct prs_analyzer *an,
                          const struct prs_search_request *req,
                          const struct prs_search_opts *opts,
                          struct compiled *c, struct prs_hits **hits,
                          char **suggestion, struct prs_err *err)
{
    int rc = prs_spell_suggest(db, an, req->query, suggestion, err);
    if (rc < 0 || !*suggestion || !req->correct || prs_hits_total(*hits) > 0)
        return rc;
    struct compiled fixed = {0};
    struct prs_hits *fixed_hits = NULL;
    struct prs_err ferr = {0};
    /* A correction that does not compile or run is simply not taken. */
    if (compile(db, an, req, *suggestion, &fixed, &ferr) == 0 &&
        run_ranked(db, fixed.ranked, &fixed, opts, &fixed_hits, &ferr) == 0 &&
        prs_hits_total(fixed_hits) > prs_hits_total(*hits)) {
        compiled_clear(c);
        *c = fixed;
        prs_hits_free(*hits);
        *hits = fixed_hits;
        return 1;
    }
    prs_hits_free(fixed_hits);
    compiled_clear(&fixed);
    return 0;
}

int prs_search(struct prs_db *db, struct prs_analyzer *an,
               const struct prs_search_request *req,
               struct prs_search_result *out, struct prs_err *err)
{
    memset(out, 0, sizeof *out);
    struct compiled built = {0};
    struct prs_query *date = NULL, *filter = NULL;
    struct prs_query *ff[PRS_NFACETS] = {NULL};
    struct prs_hits *hits = NULL;
    char *suggestion = NULL;
    size_t snippet_bytes = req->snippet_bytes ? req->snippet_bytes
                                              : PRS_SNIPPET_BYTES;
    int rc = date_filter(req, &date, err);
    if (rc == 0)
        rc = facet_filters(an, req, ff, err);
    if (rc == 0)
        rc = combine_filters(date, ff, -1, &filter, err);
    if (rc == 0)
        rc = compile(db, an, req, req->query, &built, err);
    if (rc < 0)
        goto out;
    if (built.b.warning && !(out->warning = strdup(built.b.warning))) {
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
    rc = run_ranked(db, built.ranked, &built, &opts, &hits, err);
    if (rc < 0)
        goto out;
    if ((req->suggest || req->correct) && !blank(req->query) &&
        prs_hits_total(hits) < PRS_SUGGEST_BELOW) {
        rc = try_correction(db, an, req, &opts, &built, &hits, &suggestion,
                            err);
        if (rc < 0)
            goto out;
        if (rc == 1 && !(out->corrected = strdup(suggestion))) {
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
    }
    out->total = prs_hits_total(hits);
    out->total_exact = prs_hits_total_exact(hits);
    rc = load_hits(an, built.b.marker, hits, snippet_bytes, !req->no_snippets,
                   out, err);
    bool tiered = false;
    if (rc == 0) {
        rc = forgiving_tier(db, an, &built, &opts, snippet_bytes,
                            !req->no_snippets, out, err);
        tiered = rc == 1;
        rc = rc < 0 ? rc : 0;
    }
    /* With the forgiving tier, facets count both tiers: the relaxed query
     * is their union, since it holds every release of the first. */
    if (rc == 0 && req->facets)
        rc = count_facets(db, tiered ? built.b.relaxed : built.b.query,
                          tiered ? NULL : hits, date, ff, out, err);
    if (rc == 0 && req->suggest && suggestion && !out->corrected) {
        out->suggestion = suggestion;
        suggestion = NULL;
    }
out:
    free(suggestion);
    prs_hits_free(hits);
    prs_query_free(filter);
    prs_query_free(date);
    for (int f = 0; f < PRS_NFACETS; f++)
        prs_query_free(ff[f]);
    compiled_clear(&built);
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
    free(r->suggestion);
    free(r->corrected);
    for (int f = 0; f < PRS_NFACETS; f++) {
        for (size_t i = 0; i < r->facets[f].n; i++)
            free(r->facets[f].values[i].value);
        free(r->facets[f].values);
    }
    memset(r, 0, sizeof *r);
}
