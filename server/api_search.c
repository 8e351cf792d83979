/*
 * api_search.c: GET /api/search and GET /api/suggest.
 */
#include "server_int.h"

#include "search.h"
#include "strutil.h"

#include <stdlib.h>
#include <string.h>

#define Q_MAX_BYTES 1024      /* longer queries are refused */
#define SUGGEST_Q_MAX_BYTES 256
#define LABEL_MAX_BYTES 256   /* org, type */
#define MAX_SIZE 100
#define MAX_DEPTH 10000       /* page * size */

static json_t *facet_json(const struct prs_facet *f)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < f->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "value",
                                           f->values[i].value, "count",
                                           (json_int_t)f->values[i].count));
    return a;
}

static json_t *facets_json(const struct prs_facet f[PRS_NFACETS])
{
    return json_pack("{s:o, s:o, s:o}", "year", facet_json(&f[PRS_FACET_YEAR]),
                     "org", facet_json(&f[PRS_FACET_ORG]), "type",
                     facet_json(&f[PRS_FACET_TYPE]));
}

static json_t *hit_json(const struct prs_search_hit *h, struct prs_buf *snip)
{
    prs_buf_reset(snip);
    if (prs_snippet_html(&h->snippet, snip) < 0)
        return NULL;
    return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:f}", "id",
                     h->doc.id, "title", h->doc.title, "url", h->doc.url,
                     "date", h->doc.published, "org", h->doc.org, "type",
                     h->doc.type, "snippet", snip->data ? snip->data : "",
                     "score", h->score);
}

/* Answers from the cache when this very request (its path and query
 * string) was answered from the index generation the worker reads; true
 * if it did. *gen gets that generation (0: unknown, not cached). */
static bool answer_from_cache(struct prs_reqctx *rc, bool took, uint64_t *gen)
{
    const char *uri = evhttp_request_get_uri(rc->req);
    char *text = NULL;
    size_t len = 0;
    *gen = 0;
    if (!rc->srv->answers || !uri)
        return false;
    *gen = prs_db_generation(rc->w->db);
    if (!*gen || !prs_answer_cache_get(rc->srv->answers, uri, strlen(uri),
                                       *gen, &text, &len))
        return false;
    prs_reply_header(rc, "X-Cache", "hit");
    prs_reply_json_text(rc, text, len, took);
    free(text);
    return true;
}

/* Sends body (taken) as the answer, and keeps it in the cache for
 * generation gen. */
static void answer(struct prs_reqctx *rc, json_t *body, bool took,
                   uint64_t gen)
{
    char *text = body ? json_dumps(body, PRS_JSON_FLAGS) : NULL;
    const char *uri = evhttp_request_get_uri(rc->req);
    json_decref(body);
    if (!text) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        return;
    }
    size_t len = strlen(text);
    if (rc->srv->answers) {
        if (gen && uri)
            prs_answer_cache_put(rc->srv->answers, uri, strlen(uri), gen, text,
                                 len);
        prs_reply_header(rc, "X-Cache", "miss");
    }
    prs_reply_json_text(rc, text, len, took);
    free(text);
}

static int date_or_reply(struct prs_reqctx *rc, const char *name,
                         bool upper, const char **out)
{
    char bound[13];
    if (param_str_or_reply(rc, name, 10, out) < 0)
        return -1;
    if (*out && !**out)
        *out = NULL;
    if (*out && prs_search_date_bound(*out, upper, bound) < 0) {
        prs_reply_error(rc, 400, "bad_parameter", name,
                        "%s must be a date: YYYY, YYYY-MM or YYYY-MM-DD", name);
        return -1;
    }
    return 0;
}

void prs_api_search(struct prs_reqctx *rc)
{
    const char *q, *sort, *org, *type, *year, *from, *to;
    long long page, size, facets;
    uint64_t gen;
    if (answer_from_cache(rc, true, &gen))
        return;
    if (param_str_or_reply(rc, "q", Q_MAX_BYTES, &q) < 0 ||
        param_int_or_reply(rc, "page", 1, MAX_DEPTH, 1, &page) < 0 ||
        param_int_or_reply(rc, "size", 1, MAX_SIZE, 10, &size) < 0 ||
        param_str_or_reply(rc, "sort", 32, &sort) < 0 ||
        param_str_or_reply(rc, "org", LABEL_MAX_BYTES, &org) < 0 ||
        param_str_or_reply(rc, "type", LABEL_MAX_BYTES, &type) < 0 ||
        param_str_or_reply(rc, "year", 4, &year) < 0 ||
        param_int_or_reply(rc, "facets", 0, 1, 1, &facets) < 0 ||
        date_or_reply(rc, "from", false, &from) < 0 ||
        date_or_reply(rc, "to", true, &to) < 0)
        return;
    if (page * size > MAX_DEPTH) {
        prs_reply_error(rc, 400, "bad_parameter", "page",
                        "page * size must be at most %d (deep pages are not "
                        "served; narrow the search instead)", MAX_DEPTH);
        return;
    }
    int sort_order = PRS_SORT_RELEVANCE;
    if (sort && *sort && strcmp(sort, "relevance") != 0) {
        if (strcmp(sort, "date") != 0) {
            prs_reply_error(rc, 400, "bad_parameter", "sort",
                            "sort must be relevance or date");
            return;
        }
        sort_order = PRS_SORT_DATE;
    }
    long long y;
    if (year && *year &&
        (strlen(year) != 4 || prs_parse_int_range(year, 1000, 9999, &y) < 0)) {
        prs_reply_error(rc, 400, "bad_parameter", "year",
                        "year must be a year (YYYY)");
        return;
    }
    struct prs_search_request req = {
        .query = q ? q : "",
        .offset = (size_t)((page - 1) * size),
        .limit = (size_t)size,
        .sort = sort_order,
        .since = from,
        .until = to,
        .org = org && *org ? org : NULL,
        .type = type && *type ? type : NULL,
        .year = year && *year ? year : NULL,
        .facets = facets == 1,
        .suggest = true,
        .correct = true,
        .synonyms = rc->w->syn,
        .recency_weight = (double)rc->srv->cfg->recency_weight / 100,
        .recency_half_life_days = (double)rc->srv->cfg->recency_half_life_days,
    };
    struct prs_search_result r = {0};
    struct prs_err err = {0};
    int rc_ = prs_search(rc->w->db, rc->w->an, &req, &r, &err);
    if (rc_ == PRS_E_PARSE) {
        prs_reply_error(rc, 400, "bad_query", "q", "%s", err.msg);
        goto out;
    }
    if (rc_ == PRS_E_BADARG) {
        prs_reply_error(rc, 400, "bad_parameter", NULL, "%s", err.msg);
        goto out;
    }
    if (rc_ < 0) {
        prs_reply_error(rc, 500, "internal", NULL, "search failed: %s",
                        err.msg);
        goto out;
    }
    struct prs_buf snip = {0};
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < r.nhits; i++) {
        json_t *h = hit_json(&r.hits[i], &snip);
        if (!h || json_array_append_new(hits, h) < 0) {
            json_decref(hits);
            hits = NULL;
        }
    }
    prs_buf_free(&snip);
    json_t *body = hits ? json_pack(
        "{s:s, s:I, s:b, s:I, s:I, s:o, s:o, s:s?}", "query", req.query,
        "total", (json_int_t)r.total, "total_exact", r.total_exact, "page",
        (json_int_t)page, "size", (json_int_t)size, "hits", hits, "facets",
        req.facets ? facets_json(r.facets) : json_null(), "suggestion",
        r.suggestion) : NULL;
    if (body && r.warning)
        json_object_set_new(body, "warning", json_string(r.warning));
    if (body && r.corrected)
        json_object_set_new(body, "corrected", json_string(r.corrected));
    answer(rc, body, true, gen);
out:
    prs_search_result_free(&r);
}

void prs_api_suggest(struct prs_reqctx *rc)
{
    const char *q;
    long long size;
    uint64_t gen;
    if (answer_from_cache(rc, false, &gen))
        return;
    if (param_str_or_reply(rc, "q", SUGGEST_Q_MAX_BYTES, &q) < 0 ||
        param_int_or_reply(rc, "size", 1, 20, 8, &size) < 0)
        return;
    struct prs_completion c = {0};
    struct prs_err err = {0};
    if (q && *q &&
        prs_complete(rc->w->db, rc->w->an, q, (size_t)size, (size_t)size / 2 + 1,
                     &c, &err) < 0) {
        prs_reply_error(rc, 500, "internal", NULL, "suggest failed: %s",
                        err.msg);
        return;
    }
    json_t *completions = json_array(), *titles = json_array();
    for (size_t i = 0; completions && i < c.ntexts; i++)
        json_array_append_new(completions, json_string(c.texts[i]));
    for (size_t i = 0; titles && i < c.ntitles; i++)
        json_array_append_new(titles, json_pack("{s:s, s:s}", "id", c.titles[i].id,
                                                "title", c.titles[i].title));
    prs_completion_free(&c);
    answer(rc,
           json_pack("{s:s, s:o, s:o}", "query", q ? q : "", "completions",
                     completions, "titles", titles),
           false, gen);
}
