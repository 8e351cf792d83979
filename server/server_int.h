/*
 * server_int.h: what the files of the server module share; nothing outside
 * server/ includes it.
 */
#ifndef PRS_SERVER_INT_H
#define PRS_SERVER_INT_H

#include <event2/event.h>
#include <event2/http.h>
#include <sys/queue.h>

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "answer_cache.h"
#include "config.h"
#include "engine.h"
#include "metrics.h"
#include "synonyms.h"

/* Shared by every worker; read-only after start except where noted. */
struct prs_server {
    const struct prs_config *cfg;
    const char *db_path;
    const char *static_dir;
    char *token;             /* write API token, or NULL: writes are off */
    FILE *access_log;        /* stderr or the configured file */
    pthread_mutex_t write_lock; /* one writer at a time */
    struct prs_metrics metrics; /* atomics */
    /* Bumped after every write API commit, so that every worker reopens
     * before its next request (a client reads its own writes). */
    _Atomic uint64_t write_gen;
    /* Answers of searches and suggestions (answer_cache.h); NULL: off. */
    struct prs_answer_cache *answers;
};

/* One worker thread; touched only by its own thread, except stop_ev. */
struct prs_worker {
    struct prs_server *srv;
    int index;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound;
    struct prs_db *db;
    struct prs_analyzer *an;
    /* The synonyms file and the index's learned abbreviations, reloaded
     * when the index changes. */
    struct prs_synonyms *syn;
    double last_reopen; /* monotonic seconds */
    uint64_t seen_gen;  /* srv->write_gen at the last reopen */
    struct event *stop_ev;  /* activated by the main thread */
    struct event *drain_ev; /* polls until in-flight requests are done */
    bool stopping;
    double stop_deadline;
    pthread_t thread;
    /* Connection tracking for a graceful stop (see server.c). */
    uint64_t conns_opened; /* bufferevents handed to evhttp */
    uint64_t conns_seen;   /* distinct connections that sent a request */
    struct evhttp_connection **conns; /* seen and still open */
    size_t nconns, capconns;
    unsigned inflight;     /* handled, response not yet fully written */
};

/* One request while it is handled (on the worker's stack). */
struct prs_reqctx {
    struct evhttp_request *req;
    struct prs_worker *w;
    struct prs_server *srv;
    int route;              /* enum prs_route */
    const char *path;       /* the raw (percent-encoded) path */
    struct evkeyvalq params; /* the decoded query parameters */
    const char *origin;     /* the Origin header if allowed, else NULL */
    double start;           /* monotonic seconds */
    bool replied;
};

double prs_now(void);

/* ---- reply.c ------------------------------------------------------------ */

enum prs_cache {
    PRS_CACHE_NONE,   /* Cache-Control: no-store */
    PRS_CACHE_API,    /* public, max-age=cache_max_age */
    PRS_CACHE_STATIC, /* no-cache (revalidate with the ETag) */
};

/* How every JSON answer is written. */
#define PRS_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))

/* Sends body (ownership taken, NULL allowed for 204/304) as JSON. */
void prs_reply_json(struct prs_reqctx *rc, int status, json_t *body,
                    int cache);
/* Sends the JSON object json[0..len) as a successful API answer; with
 * took, a last key "took_ms" gives the milliseconds since the request
 * came (an answer from the cache is sent as it was made, with its own
 * time). */
void prs_reply_json_text(struct prs_reqctx *rc, const char *json, size_t len,
                         bool took);
/* Sends {"error":{"code","parameter"?,"message"}} with status. */
void prs_reply_error(struct prs_reqctx *rc, int status, const char *code,
                     const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Sends data[0..len) (copied) with the given content type. */
void prs_reply_raw(struct prs_reqctx *rc, int status, const char *ctype,
                   const void *data, size_t len, int cache);
/* Adds a response header. */
void prs_reply_header(struct prs_reqctx *rc, const char *key,
                      const char *value);

/* Parameter helpers that answer 400 bad_parameter themselves and return
 * -1 when the value is unusable (Redis's ...OrReply). */
int param_str_or_reply(struct prs_reqctx *rc, const char *name,
                       size_t max_bytes, const char **out);
int param_int_or_reply(struct prs_reqctx *rc, const char *name, long long min,
                       long long max, long long def, long long *out);

/* ---- the handlers --------------------------------------------------------- */

void prs_api_search(struct prs_reqctx *rc);
void prs_api_suggest(struct prs_reqctx *rc);
void prs_api_doc_get(struct prs_reqctx *rc, const char *id);
void prs_api_doc_similar(struct prs_reqctx *rc, const char *id);
void prs_api_doc_post(struct prs_reqctx *rc);
void prs_api_doc_delete(struct prs_reqctx *rc, const char *id);
void prs_api_healthz(struct prs_reqctx *rc);
void prs_api_metrics(struct prs_reqctx *rc);
/* Serves a file of static_dir for path ("/" is index.html); 404 else. */
void prs_static_serve(struct prs_reqctx *rc, const char *path);

/* router.c: the entry point evhttp calls for every request. */
void prs_router_handle(struct evhttp_request *req, void *worker);

/* server.c: reopens the worker's read handle now (after a write). */
void prs_worker_refresh(struct prs_worker *w);

#endif
