/*
 * api_docs.c: GET /api/documents/{id} and GET /api/documents/{id}/similar.
 */
#include "server_int.h"

#include "doc.h"
#include "search.h"

#include <stdlib.h>
#include <string.h>

/* Terms of the release that make up the "more like this" query. */
#define SIMILAR_TERMS 40

void prs_api_doc_get(struct prs_reqctx *rc, const char *id)
{
    char *data = NULL;
    size_t len = 0;
    struct prs_err err = {0};
    int r = prs_db_get_data(rc->w->db, id, &data, &len, &err);
    if (r == PRS_E_NOTFOUND) {
        prs_reply_error(rc, 404, "not_found", NULL, "no release with this id");
        return;
    }
    if (r < 0) {
        prs_reply_error(rc, 500, "internal", NULL, "%s", err.msg);
        return;
    }
    struct prs_doc d = {0};
    r = prs_doc_unpack(data, len, &d, &err);
    free(data);
    char *text = r == 0 ? prs_doc_to_json(&d, &len) : NULL;
    prs_doc_clear(&d);
    json_error_t jerr;
    json_t *doc = text ? json_loadb(text, len, 0, &jerr) : NULL;
    free(text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        prs_reply_error(rc, 500, "internal", NULL, "%s",
                        r < 0 ? err.msg : "out of memory");
        return;
    }
    /* The source is a path on the server's disk: not for visitors. */
    json_object_del(doc, "source");
    json_t *published = json_object_get(doc, "published");
    json_object_set(doc, "date", published ? published : json_null());
    prs_reply_json(rc, 200, doc, PRS_CACHE_API);
}

void prs_api_doc_similar(struct prs_reqctx *rc, const char *id)
{
    long long size;
    if (param_int_or_reply(rc, "size", 1, 50, 5, &size) < 0)
        return;
    struct prs_search_opts opts = {.limit = (size_t)size,
                                   .check_at_least = (uint64_t)size};
    struct prs_hits *hits = NULL;
    struct prs_err err = {0};
    int r = prs_db_similar(rc->w->db, id, SIMILAR_TERMS, &opts, &hits, &err);
    if (r == PRS_E_NOTFOUND) {
        prs_reply_error(rc, 404, "not_found", NULL, "no release with this id");
        return;
    }
    if (r < 0) {
        prs_reply_error(rc, 500, "internal", NULL, "%s", err.msg);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < prs_hits_count(hits); i++) {
        size_t len = 0;
        const char *data = prs_hits_data(hits, i, &len);
        struct prs_doc d = {0};
        struct prs_err derr = {0};
        if (prs_doc_unpack(data, len, &d, &derr) == 0)
            json_array_append_new(
                list, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:f}",
                                "id", d.id, "title", d.title, "url", d.url,
                                "date", d.published, "org", d.org, "type",
                                d.type, "score", prs_hits_score(hits, i)));
        prs_doc_clear(&d);
    }
    prs_hits_free(hits);
    json_t *body = json_pack("{s:s, s:o}", "id", id, "hits", list);
    if (!body) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        return;
    }
    prs_reply_json(rc, 200, body, PRS_CACHE_API);
}
