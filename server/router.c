/*
 * router.c: the route table, request limits, CORS preflight and the
 * answers for unknown paths (404) and wrong methods (405 with Allow).
 */
#include "server_int.h"

#include "params.h"
#include "strutil.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#define DOCS_PREFIX "/api/documents/"
#define SIMILAR_SUFFIX "/similar"
#define ID_MAX_BYTES 1024

typedef void (*plain_fn)(struct prs_reqctx *rc);
typedef void (*id_fn)(struct prs_reqctx *rc, const char *id);

struct route {
    const char *path; /* exact path; for id routes the prefix */
    bool with_id;     /* path + ID (+ suffix) */
    const char *suffix;
    int metric_get, metric_post, metric_delete;
    plain_fn get, post;
    id_fn get_id, delete_id;
};

static const struct route routes[] = {
    {"/api/search", false, NULL, PRS_ROUTE_SEARCH, 0, 0, prs_api_search, NULL,
     NULL, NULL},
    {"/api/suggest", false, NULL, PRS_ROUTE_SUGGEST, 0, 0, prs_api_suggest,
     NULL, NULL, NULL},
    {"/api/documents", false, NULL, 0, PRS_ROUTE_DOC_POST, 0, NULL,
     prs_api_doc_post, NULL, NULL},
    {DOCS_PREFIX, true, SIMILAR_SUFFIX, PRS_ROUTE_DOC_SIMILAR, 0, 0, NULL,
     NULL, prs_api_doc_similar, NULL},
    {DOCS_PREFIX, true, NULL, PRS_ROUTE_DOC_GET, 0, PRS_ROUTE_DOC_DELETE, NULL,
     NULL, prs_api_doc_get, prs_api_doc_delete},
    {"/healthz", false, NULL, PRS_ROUTE_HEALTHZ, 0, 0, prs_api_healthz, NULL,
     NULL, NULL},
    {"/metrics", false, NULL, PRS_ROUTE_METRICS, 0, 0, prs_api_metrics, NULL,
     NULL, NULL},
};

/* Finds the route for a raw path; id_raw and id_len give the raw id. */
static const struct route *match(const char *path, const char **id_raw,
                                 size_t *id_len)
{
    size_t plen = strlen(path);
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        const struct route *r = &routes[i];
        size_t n = strlen(r->path);
        if (!r->with_id) {
            if (strcmp(path, r->path) == 0)
                return r;
            continue;
        }
        if (plen <= n || strncmp(path, r->path, n) != 0)
            continue;
        size_t sl = r->suffix ? strlen(r->suffix) : 0;
        if (r->suffix && (plen - n <= sl ||
                          strcmp(path + plen - sl, r->suffix) != 0))
            continue;
        *id_raw = path + n;
        *id_len = plen - n - sl;
        return r;
    }
    return NULL;
}

/* The methods a route answers, for Allow and preflights. */
static void allowed(const struct route *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%sOPTIONS", (r->get || r->get_id) ? "GET, HEAD, " : "",
             r->post ? "POST, " : "", r->delete_id ? "DELETE, " : "");
}

static const char *header(struct evhttp_request *req, const char *key)
{
    return evhttp_find_header(evhttp_request_get_input_headers(req), key);
}

/* OPTIONS: a CORS preflight when it has Origin and
 * Access-Control-Request-Method, else a plain "what can I do here". */
static void options(struct prs_reqctx *rc, const struct route *r,
                    const char *allow)
{
    const char *origin = header(rc->req, "Origin");
    const char *want = header(rc->req, "Access-Control-Request-Method");
    if (!origin || !want) {
        prs_reply_header(rc, "Allow", allow);
        prs_reply_raw(rc, 204, NULL, NULL, 0, PRS_CACHE_NONE);
        return;
    }
    if (!rc->origin) {
        prs_reply_error(rc, 403, "forbidden", NULL,
                        "origin not allowed (see cors_origins)");
        return;
    }
    bool ok = (strcmp(want, "GET") == 0 || strcmp(want, "HEAD") == 0)
                  ? (r->get || r->get_id)
                  : strcmp(want, "POST") == 0     ? r->post != NULL
                  : strcmp(want, "DELETE") == 0   ? r->delete_id != NULL
                                                  : false;
    if (!ok) {
        prs_reply_header(rc, "Allow", allow);
        prs_reply_error(rc, 405, "method_not_allowed", NULL,
                        "this resource answers %s", allow);
        return;
    }
    prs_reply_header(rc, "Access-Control-Allow-Methods", allow);
    prs_reply_header(rc, "Access-Control-Allow-Headers",
                     "Authorization, Content-Type");
    prs_reply_header(rc, "Access-Control-Max-Age", "600");
    prs_reply_raw(rc, 204, NULL, NULL, 0, PRS_CACHE_NONE);
}

/* Decodes a raw id; NULL (after answering) if it is unusable. */
static char *decode_id(struct prs_reqctx *rc, const char *raw, size_t len)
{
    char *copy = strndup(raw, len);
    size_t n = 0;
    char *id = copy ? evhttp_uridecode(copy, 0, &n) : NULL;
    free(copy);
    if (!id) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        return NULL;
    }
    if (n == 0 || n != strlen(id) || n > ID_MAX_BYTES ||
        !prs_utf8_valid(id, n)) {
        free(id);
        prs_reply_error(rc, 404, "not_found", NULL,
                        "no release with this id (ids are UTF-8, at most "
                        "%d bytes)", ID_MAX_BYTES);
        return NULL;
    }
    return id;
}

static size_t header_bytes(struct evhttp_request *req)
{
    size_t n = 0;
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
        n += strlen(kv->key) + strlen(kv->value) + 4;
    return n;
}

static void route(struct prs_reqctx *rc)
{
    struct evhttp_request *req = rc->req;
    const struct prs_config *cfg = rc->srv->cfg;
    const char *uri = evhttp_request_get_uri(req);
    if (strlen(uri) > (size_t)cfg->max_url_bytes) {
        prs_reply_error(rc, 414, "uri_too_long", NULL,
                        "the URL is longer than %lld bytes", cfg->max_url_bytes);
        return;
    }
    if (header_bytes(req) > (size_t)cfg->max_header_bytes) {
        prs_reply_error(rc, 431, "headers_too_large", NULL,
                        "the headers are larger than %lld bytes",
                        cfg->max_header_bytes);
        return;
    }
    if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) >
        (size_t)cfg->max_body_bytes) {
        prs_reply_error(rc, 413, "body_too_large", NULL,
                        "the body is larger than %lld bytes",
                        cfg->max_body_bytes);
        return;
    }
    const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
    const char *path = u ? evhttp_uri_get_path(u) : NULL;
    rc->path = path && *path ? path : "/";
    struct prs_err err = {0};
    if (prs_params_parse(u ? evhttp_uri_get_query(u) : NULL, &rc->params,
                         &err) < 0) {
        prs_reply_error(rc, 400, "bad_parameter", NULL, "%s", err.msg);
        return;
    }
    const char *origin = header(req, "Origin");
    if (prs_config_origin_allowed(cfg, origin))
        rc->origin = origin;

    const char *id_raw = NULL;
    size_t id_len = 0;
    const struct route *r = match(rc->path, &id_raw, &id_len);
    enum evhttp_cmd_type m = evhttp_request_get_command(req);
    if (!r) {
        /* Everything else is a static file, or nothing. */
        if (strncmp(rc->path, "/api/", 5) == 0 || strcmp(rc->path, "/api") == 0) {
            prs_reply_error(rc, 404, "not_found", NULL, "no such endpoint");
        } else if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) {
            rc->route = PRS_ROUTE_STATIC;
            prs_static_serve(rc, rc->path);
        } else if (m == EVHTTP_REQ_OPTIONS) {
            prs_reply_header(rc, "Allow", "GET, HEAD, OPTIONS");
            prs_reply_raw(rc, 204, NULL, NULL, 0, PRS_CACHE_NONE);
        } else {
            prs_reply_header(rc, "Allow", "GET, HEAD, OPTIONS");
            prs_reply_error(rc, 405, "method_not_allowed", NULL,
                            "this resource answers GET, HEAD, OPTIONS");
        }
        return;
    }
    char allow[64];
    allowed(r, allow, sizeof allow);
    if (m == EVHTTP_REQ_OPTIONS) {
        options(rc, r, allow);
        return;
    }
    plain_fn fn = NULL;
    id_fn idfn = NULL;
    if ((m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) && (r->get || r->get_id)) {
        rc->route = r->metric_get;
        fn = r->get;
        idfn = r->get_id;
    } else if (m == EVHTTP_REQ_POST && r->post) {
        rc->route = r->metric_post;
        fn = r->post;
    } else if (m == EVHTTP_REQ_DELETE && r->delete_id) {
        rc->route = r->metric_delete;
        idfn = r->delete_id;
    } else {
        prs_reply_header(rc, "Allow", allow);
        prs_reply_error(rc, 405, "method_not_allowed", NULL,
                        "this resource answers %s", allow);
        return;
    }
    if (fn) {
        fn(rc);
        return;
    }
    char *id = decode_id(rc, id_raw, id_len);
    if (id)
        idfn(rc, id);
    free(id);
}

static void on_complete(struct evhttp_request *req, void *arg)
{
    struct prs_worker *w = arg;
    if (w->inflight)
        w->inflight--;
}

static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
    struct prs_worker *w = arg;
    for (size_t i = 0; i < w->nconns; i++)
        if (w->conns[i] == evcon) {
            w->conns[i] = w->conns[--w->nconns];
            break;
        }
}

/* Remembers the request's connection for the graceful stop. */
static void track(struct prs_worker *w, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    if (!evcon)
        return;
    for (size_t i = 0; i < w->nconns; i++)
        if (w->conns[i] == evcon)
            return;
    if (w->nconns == w->capconns) {
        size_t cap = w->capconns ? w->capconns * 2 : 64;
        struct evhttp_connection **v = realloc(w->conns, cap * sizeof *v);
        if (!v)
            return;
        w->conns = v;
        w->capconns = cap;
    }
    w->conns[w->nconns++] = evcon;
    w->conns_seen++;
    evhttp_connection_set_closecb(evcon, on_conn_close, w);
}

void prs_router_handle(struct evhttp_request *req, void *arg)
{
    struct prs_worker *w = arg;
    struct prs_reqctx rc = {.req = req, .w = w, .srv = w->srv,
                            .route = PRS_ROUTE_OTHER, .start = prs_now()};
    TAILQ_INIT(&rc.params);
    track(w, req);
    w->inflight++;
    evhttp_request_set_on_complete_cb(req, on_complete, w);
    /* Searches see commits of other processes within ~200 ms, and the
     * write API's commits at once. */
    if (rc.start - w->last_reopen >= 0.2 ||
        atomic_load(&w->srv->write_gen) != w->seen_gen)
        prs_worker_refresh(w);
    route(&rc);
    if (!rc.replied)
        prs_reply_error(&rc, 500, "internal", NULL, "no answer was made");
    evhttp_clear_headers(&rc.params);
}
