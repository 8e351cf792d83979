/*
 * api_admin.c: the token-protected writes (POST /api/documents, DELETE
 * /api/documents/{id}) and the operator's endpoints (GET /healthz,
 * GET /metrics).
 *
 * Writes are serialised by one mutex. Each takes a write handle for just
 * its own transaction and closes it after the commit, so `prsearch index`
 * in another process can take the index lock in between; while that
 * process holds it, writes answer 503 index_locked (Retry-After: 1).
 */
#include "server_int.h"

#include "doc.h"
#include "log.h"
#include "params.h"
#include "parse.h"
#include "schema.h"
#include "termgen.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* True if the request may write; otherwise answers 403 or 401. */
static bool authorized_or_reply(struct prs_reqctx *rc)
{
    const char *token = rc->srv->token;
    if (!token) {
        prs_reply_error(rc, 403, "forbidden", NULL,
                        "the write API is off (no token_file configured)");
        return false;
    }
    const char *auth = evhttp_find_header(
        evhttp_request_get_input_headers(rc->req), "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *given = auth + 7;
        while (*given == ' ')
            given++;
        if (prs_secret_equal(given, strlen(given), token, strlen(token)))
            return true;
    }
    prs_reply_header(rc, "WWW-Authenticate", "Bearer realm=\"prsearch\"");
    prs_reply_error(rc, 401, "unauthorized", NULL,
                    auth ? "wrong token" : "Authorization: Bearer <token> needed");
    return false;
}

struct batch {
    struct prs_doc *docs;
    size_t n, cap;
    char bad[512]; /* the first bad record */
    int rc;
};

static int on_doc(struct prs_doc *doc, void *ctx)
{
    struct batch *b = ctx;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct prs_doc *v = realloc(b->docs, cap * sizeof *v);
        if (!v)
            return b->rc = PRS_E_NOMEM;
        b->docs = v;
        b->cap = cap;
    }
    /* Take every field: the parser clears what is left. */
    b->docs[b->n++] = *doc;
    memset(doc, 0, sizeof *doc);
    return 0;
}

static void on_bad(const char *path, size_t line, const char *msg, void *ctx)
{
    struct batch *b = ctx;
    if (!b->bad[0])
        snprintf(b->bad, sizeof b->bad, "record %zu: %s", line, msg);
}

static void free_batch(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        prs_doc_clear(&b->docs[i]);
    free(b->docs);
}

static void stamp_now(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Opens the writer under the lock; NULL after answering 503/500. */
static struct prs_db *open_writer_or_reply(struct prs_reqctx *rc)
{
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(rc->srv->db_path, PRS_DB_WRITE, &err);
    if (db)
        return db;
    if (err.code == PRS_E_LOCKED) {
        prs_reply_header(rc, "Retry-After", "1");
        prs_reply_error(rc, 503, "index_locked", NULL,
                        "another process is writing the index; try again");
    } else {
        prs_reply_error(rc, 500, "internal", NULL, "%s", err.msg);
    }
    return NULL;
}

static int write_batch(struct prs_reqctx *rc, struct prs_db *db,
                       struct batch *b, struct prs_err *err)
{
    char stamp[32];
    int r = prs_db_begin(db, err);
    for (size_t i = 0; r == 0 && i < b->n; i++) {
        struct prs_xdoc *xd = prs_xdoc_new(err);
        r = xd ? prs_termgen_doc(rc->w->an, &b->docs[i], NULL, xd, err)
               : err->code;
        if (r == 0)
            r = prs_db_replace(db, b->docs[i].id, xd, err);
        prs_xdoc_free(xd);
    }
    stamp_now(stamp, sizeof stamp);
    if (r == 0)
        r = prs_db_set_metadata(db, PRS_META_UPDATED, stamp, err);
    if (r == 0)
        return prs_db_commit_transaction(db, err);
    prs_db_cancel_transaction(db, NULL);
    return r;
}

void prs_api_doc_post(struct prs_reqctx *rc)
{
    if (!authorized_or_reply(rc))
        return;
    struct evbuffer *in = evhttp_request_get_input_buffer(rc->req);
    size_t len = evbuffer_get_length(in);
    const char *data = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
    if (!data) {
        prs_reply_error(rc, 400, "bad_body", NULL,
                        "the body must be a JSON release or an array of them");
        return;
    }
    struct batch b = {0};
    struct prs_err err = {0};
    int r = prs_parse_json_buffer(data, len, PRS_FMT_JSON, "body", on_doc,
                                  on_bad, &b, &err);
    if (b.rc < 0 || r == PRS_E_NOMEM) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        goto out;
    }
    if (r < 0 || b.bad[0] || b.n == 0) {
        prs_reply_error(rc, 400, "bad_body", NULL, "%s",
                        b.bad[0] ? b.bad
                        : r < 0  ? err.msg
                                 : "the body holds no release");
        goto out;
    }
    pthread_mutex_lock(&rc->srv->write_lock);
    struct prs_db *db = open_writer_or_reply(rc);
    if (db) {
        r = write_batch(rc, db, &b, &err);
        prs_db_close(db);
    }
    pthread_mutex_unlock(&rc->srv->write_lock);
    if (!db)
        goto out;
    if (r < 0) {
        prs_reply_error(rc, r == PRS_E_LOCKED ? 503 : 500,
                        r == PRS_E_LOCKED ? "index_locked" : "internal", NULL,
                        "%s", err.msg);
        goto out;
    }
    atomic_fetch_add(&rc->srv->metrics.writes_committed, 1);
    atomic_fetch_add(&rc->srv->write_gen, 1);
    prs_worker_refresh(rc->w);
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < b.n; i++)
        json_array_append_new(ids, json_string(b.docs[i].id));
    prs_reply_json(rc, 200, json_pack("{s:I, s:o}", "indexed", (json_int_t)b.n,
                                      "ids", ids),
                   PRS_CACHE_NONE);
out:
    free_batch(&b);
}

void prs_api_doc_delete(struct prs_reqctx *rc, const char *id)
{
    if (!authorized_or_reply(rc))
        return;
    struct prs_err err = {0};
    char stamp[32];
    int r = 0;
    pthread_mutex_lock(&rc->srv->write_lock);
    struct prs_db *db = open_writer_or_reply(rc);
    if (db) {
        r = prs_db_delete(db, id, &err);
        stamp_now(stamp, sizeof stamp);
        if (r > 0 && prs_db_set_metadata(db, PRS_META_UPDATED, stamp, &err) < 0)
            r = err.code;
        if (r > 0 && prs_db_commit(db, &err) < 0)
            r = err.code;
        prs_db_close(db);
    }
    pthread_mutex_unlock(&rc->srv->write_lock);
    if (!db)
        return;
    if (r < 0) {
        prs_reply_error(rc, 500, "internal", NULL, "%s", err.msg);
        return;
    }
    if (r == 0) {
        prs_reply_error(rc, 404, "not_found", NULL, "no release with this id");
        return;
    }
    atomic_fetch_add(&rc->srv->metrics.writes_committed, 1);
    atomic_fetch_add(&rc->srv->write_gen, 1);
    prs_worker_refresh(rc->w);
    prs_reply_json(rc, 200, json_pack("{s:s}", "deleted", id), PRS_CACHE_NONE);
}

/* Unix time of the index's last commit (0 if unknown). */
static int64_t last_commit(struct prs_db *db)
{
    char *v = NULL;
    int64_t t = 0;
    if (prs_db_get_metadata(db, PRS_META_UPDATED, &v, NULL) == 0 && v) {
        struct tm tm = {0};
        const char *end = strptime(v, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (end && !*end)
            t = (int64_t)timegm(&tm);
    }
    free(v);
    return t;
}

void prs_api_healthz(struct prs_reqctx *rc)
{
    struct prs_db_stats st = {0};
    struct prs_err err = {0};
    if (prs_db_stats(rc->w->db, &st, &err) < 0) {
        prs_reply_json(rc, 503,
                       json_pack("{s:s, s:s}", "status", "error", "message",
                                 err.msg),
                       PRS_CACHE_NONE);
        return;
    }
    int64_t t = last_commit(rc->w->db);
    prs_reply_json(rc, 200,
                   json_pack("{s:s, s:b, s:I, s:I, s:b}", "status", "ok",
                             "index_open", 1, "documents",
                             (json_int_t)st.doccount, "last_commit",
                             (json_int_t)t, "write_api", rc->srv->token != NULL),
                   PRS_CACHE_NONE);
}

/* The answer cache's counters (answer_cache.h), in Prometheus text. */
static int cache_metrics(struct prs_answer_cache *c, struct prs_buf *out)
{
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    return prs_buf_printf(
        out,
        "# HELP prsearch_answer_cache_hits_total Searches and suggestions "
        "answered from the answer cache.\n"
        "# TYPE prsearch_answer_cache_hits_total counter\n"
        "prsearch_answer_cache_hits_total %llu\n"
        "# HELP prsearch_answer_cache_misses_total Searches and suggestions "
        "the answer cache did not hold.\n"
        "# TYPE prsearch_answer_cache_misses_total counter\n"
        "prsearch_answer_cache_misses_total %llu\n"
        "# HELP prsearch_answer_cache_entries Answers in the cache.\n"
        "# TYPE prsearch_answer_cache_entries gauge\n"
        "prsearch_answer_cache_entries %llu\n"
        "# HELP prsearch_answer_cache_bytes Memory the cached answers take.\n"
        "# TYPE prsearch_answer_cache_bytes gauge\n"
        "prsearch_answer_cache_bytes %llu\n",
        (unsigned long long)st.hits, (unsigned long long)st.misses,
        (unsigned long long)st.entries, (unsigned long long)st.bytes);
}

void prs_api_metrics(struct prs_reqctx *rc)
{
    struct prs_db_stats st = {0};
    struct prs_buf out = {0};
    prs_db_stats(rc->w->db, &st, NULL);
    if (prs_metrics_format(&rc->srv->metrics, st.doccount, last_commit(rc->w->db),
                           &out) < 0 ||
        (rc->srv->answers && cache_metrics(rc->srv->answers, &out) < 0)) {
        prs_buf_free(&out);
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        return;
    }
    prs_reply_raw(rc, 200, "text/plain; version=0.0.4; charset=utf-8", out.data,
                  out.len, PRS_CACHE_NONE);
    prs_buf_free(&out);
}
