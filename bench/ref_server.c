/*
 * ref_server.c: the reference of the HTTP benchmark (bench/server.sh,
 * docs/BENCHMARKS.md), the least a search server over prsearch's index
 * can do, to measure `prsearch serve` against.
 *
 *   ref_server --db DIR --listen ADDR:PORT --threads N
 *
 * GET /search?q=... lower-cases the words of q (runs of letters, marks and
 * digits), stems them with Snowball's Swedish stemmer, ANDs their "Z"
 * stem terms and answers the top 10 as [{"id": ..., "title": ...}, ...],
 * read from the stored releases (MessagePack maps: the two keys are
 * picked out, nothing else decoded). Nothing else: no snippets, facets,
 * spelling, synonyms, compounds, phrases or filters, no access log.
 *
 * Threads as in `prsearch serve`: the socket is bound once and each
 * thread has its own event base and evhttp, accepting on its own dup() of
 * the socket, its own read handle on the index and its own stemmer.
 * Port 0 binds a free port; the bound address is printed on stderr
 * ("ref_server: listening on http://127.0.0.1:PORT/"). SIGINT or SIGTERM
 * stops it.
 *
 * It calls libstemmer itself rather than stemming/: the reference must
 * share prsearch's index layout (schema.h), not its analysis.
 */
#include <errno.h>
#include <getopt.h>
#include <msgpack.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <jansson.h>
#include <libstemmer.h>
#include <utf8proc.h>

#include "engine.h"
#include "schema.h"
#include "strutil.h"

#define MAX_WORDS 32 /* later words of a query are ignored */
#define TOP_N 10

struct worker {
    pthread_t thread;
    struct event_base *base;
    struct evhttp *http;
    struct prs_db *db;
    struct sb_stemmer *stemmer; /* not thread-safe: one per worker */
};

/* Letters, marks and decimal digits make words; everything else
 * separates. */
static bool is_word_char(utf8proc_int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
           cat == UTF8PROC_CATEGORY_ND;
}

/* Appends the term query of one folded word's stem to terms[*n]. */
static int add_word(struct worker *w, const char *word, size_t len,
                    struct prs_query **terms, size_t *n, struct prs_err *err)
{
    if (*n == MAX_WORDS)
        return 0;
    const sb_symbol *stem = sb_stemmer_stem(w->stemmer,
                                            (const sb_symbol *)word, (int)len);
    if (!stem)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    size_t stem_len = (size_t)sb_stemmer_length(w->stemmer);
    char term[PRS_TERM_MAX + 1];
    /* Words this long are never indexed, so they could only match
     * nothing; leaving them out is simpler than failing. */
    if (stem_len + 1 > PRS_TERM_MAX)
        return 0;
    snprintf(term, sizeof term, "%s%.*s", PRS_PREFIX_STEM, (int)stem_len,
             (const char *)stem);
    if (!(terms[*n] = prs_query_term(term, 1, err)))
        return err->code;
    (*n)++;
    return 0;
}

/* Sets *out to the AND of the stem terms of q's words, or to NULL when q
 * has none. Returns 0, PRS_E_BADARG if q is not UTF-8, or another
 * negative code. */
static int build_query(struct worker *w, const char *q, struct prs_query **out,
                       struct prs_err *err)
{
    struct prs_query *terms[MAX_WORDS];
    size_t n = 0;
    utf8proc_uint8_t *folded = NULL;
    int rc = 0;
    *out = NULL;
    utf8proc_ssize_t len = utf8proc_map(
        (const utf8proc_uint8_t *)q, 0, &folded,
        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
            UTF8PROC_CASEFOLD);
    if (len < 0) {
        rc = prs_err_set(err, PRS_E_BADARG, "q: %s", utf8proc_errmsg(len));
        goto out;
    }
    /* One pass over the code points; pos == len closes the last word. */
    utf8proc_ssize_t pos = 0, start = -1;
    while (pos <= len) {
        utf8proc_int32_t c = -1;
        utf8proc_ssize_t step = 1;
        if (pos < len)
            step = utf8proc_iterate(folded + pos, len - pos, &c);
        bool word = pos < len && is_word_char(c);
        if (word && start < 0)
            start = pos;
        if (!word && start >= 0) {
            rc = add_word(w, (const char *)folded + start,
                          (size_t)(pos - start), terms, &n, err);
            if (rc < 0)
                goto out;
            start = -1;
        }
        pos += step;
    }
    if (n == 1) {
        *out = terms[0];
        n = 0;
    } else if (n > 1 && !(*out = prs_query_combine(PRS_QOP_AND, terms, n,
                                                   err))) {
        rc = err->code;
    }
out:
    for (size_t i = 0; i < n; i++)
        prs_query_free(terms[i]);
    free(folded);
    return rc;
}

/* The string under key in the stored release data[0..len) (a MessagePack
 * map), as JSON; null when it is missing or not a string. */
static json_t *stored_string(const char *data, size_t len, const char *key)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    json_t *out = NULL;
    size_t klen = strlen(key);
    if (msgpack_unpack_next(&u, data, len, NULL) == MSGPACK_UNPACK_SUCCESS &&
        u.data.type == MSGPACK_OBJECT_MAP) {
        const msgpack_object_map *m = &u.data.via.map;
        for (uint32_t i = 0; !out && i < m->size; i++) {
            const msgpack_object *k = &m->ptr[i].key, *v = &m->ptr[i].val;
            if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
                memcmp(k->via.str.ptr, key, klen) == 0 &&
                v->type == MSGPACK_OBJECT_STR)
                out = json_stringn(v->via.str.ptr, v->via.str.size);
        }
    }
    msgpack_unpacked_destroy(&u);
    return out ? out : json_null();
}

/* The top hits of query as [{"id", "title"}]; NULL + err on failure. */
static json_t *search_json(struct worker *w, const struct prs_query *query,
                           struct prs_err *err)
{
    struct prs_search_opts opts = {.limit = TOP_N,
                                   .sort = PRS_SORT_RELEVANCE};
    struct prs_hits *hits = NULL;
    if (prs_db_search(w->db, query, &opts, &hits, err) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < prs_hits_count(hits); i++) {
        size_t len = 0;
        const char *data = prs_hits_data(hits, i, &len);
        json_t *hit = json_pack("{s:o, s:o}", "id", stored_string(data, len, "id"),
                                "title", stored_string(data, len, "title"));
        if (!hit || json_array_append_new(arr, hit) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    prs_hits_free(hits);
    if (!arr)
        prs_err_set(err, PRS_E_NOMEM, "out of memory");
    return arr;
}

/* Sends body (a new reference, released here) as JSON with status code. */
static void reply_json(struct evhttp_request *req, int code,
                       const char *reason, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json; charset=utf-8");
    evbuffer_add(evhttp_request_get_output_buffer(req), text, strlen(text));
    free(text);
    evhttp_send_reply(req, code, reason, NULL);
}

static void on_search(struct evhttp_request *req, void *arg)
{
    struct worker *w = arg;
    struct evkeyvalq params;
    struct prs_query *query = NULL;
    struct prs_err err = {0};
    const char *qs = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    if (evhttp_parse_query_str(qs ? qs : "", &params) < 0) {
        reply_json(req, 400, "Bad Request",
                   json_pack("{s:s}", "error", "malformed query string"));
        return;
    }
    const char *q = evhttp_find_header(&params, "q");
    int rc = build_query(w, q ? q : "", &query, &err);
    if (rc == PRS_E_BADARG)
        reply_json(req, 400, "Bad Request", json_pack("{s:s}", "error", err.msg));
    else if (rc < 0)
        reply_json(req, 500, "Internal Server Error",
                   json_pack("{s:s}", "error", err.msg));
    else if (!query) /* no words: nothing to find */
        reply_json(req, 200, "OK", json_array());
    else {
        json_t *hits = search_json(w, query, &err);
        if (hits)
            reply_json(req, 200, "OK", hits);
        else
            reply_json(req, 500, "Internal Server Error",
                       json_pack("{s:s}", "error", err.msg));
    }
    prs_query_free(query);
    evhttp_clear_headers(&params);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

static int worker_init(struct worker *w, const char *db_path, int listen_fd,
                       struct prs_err *err)
{
    if (!(w->db = prs_db_open(db_path, PRS_DB_READ, err)))
        return err->code;
    if (!(w->stemmer = sb_stemmer_new("swedish", "UTF_8")))
        return prs_err_set(err, PRS_E_NOMEM, "cannot create a stemmer");
    if (!(w->base = event_base_new()) || !(w->http = evhttp_new(w->base)))
        return prs_err_set(err, PRS_E_NOMEM, "cannot create an event base");
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET);
    evhttp_set_cb(w->http, "/search", on_search, w);
    /* evhttp closes the socket it accepts on, so each needs its own. */
    int fd = dup(listen_fd);
    if (fd < 0)
        return prs_err_errno(err, PRS_E_IO, errno, "dup");
    if (evhttp_accept_socket(w->http, fd) < 0) {
        close(fd);
        return prs_err_set(err, PRS_E_IO, "cannot accept on the socket");
    }
    return 0;
}

static void worker_free(struct worker *w)
{
    if (w->http)
        evhttp_free(w->http);
    if (w->base)
        event_base_free(w->base);
    if (w->stemmer)
        sb_stemmer_delete(w->stemmer);
    prs_db_close(w->db);
}

/* Binds listen_at (ADDR:PORT, IPv6 as [ADDR]:PORT) and writes the bound
 * address, port 0 resolved, to shown. */
static int bind_socket(const char *listen_at, int *out, char *shown,
                       size_t cap, struct prs_err *err)
{
    char host[256];
    const char *colon = strrchr(listen_at, ':');
    size_t hlen = colon ? (size_t)(colon - listen_at) : 0;
    if (!colon || hlen >= sizeof host)
        return prs_err_set(err, PRS_E_BADARG, "--listen '%s' is not ADDR:PORT",
                           listen_at);
    if (hlen >= 2 && listen_at[0] == '[' && listen_at[hlen - 1] == ']')
        snprintf(host, sizeof host, "%.*s", (int)hlen - 2, listen_at + 1);
    else
        snprintf(host, sizeof host, "%.*s", (int)hlen, listen_at);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int gai = getaddrinfo(host, colon + 1, &hints, &ai);
    if (gai != 0)
        return prs_err_set(err, PRS_E_BADARG, "--listen '%s': %s", listen_at,
                           gai_strerror(gai));
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int one = 1;
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    char h[NI_MAXHOST], p[NI_MAXSERV];
    int rc = 0;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0 ||
        evutil_make_socket_nonblocking(fd) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) < 0) {
        rc = prs_err_errno(err, PRS_E_IO, errno, "--listen '%s'", listen_at);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    if (getnameinfo((struct sockaddr *)&sa, salen, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(shown, cap, strchr(h, ':') ? "http://[%s]:%s/" : "http://%s:%s/",
                 h, p);
    else
        snprintf(shown, cap, "http://%s/", listen_at);
    *out = fd;
out:
    freeaddrinfo(ai);
    return rc;
}

static const char usage[] =
    "usage: ref_server --db DIR --listen ADDR:PORT --threads N\n";

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    const char *db_path = NULL, *listen_at = NULL, *threads = NULL;
    long long nthreads = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'd': db_path = optarg; break;
        case 'l': listen_at = optarg; break;
        case 't': threads = optarg; break;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!db_path || !listen_at || !threads || optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    if (prs_parse_int_range(threads, 1, 256, &nthreads) < 0) {
        fprintf(stderr, "ref_server: --threads must be 1..256\n");
        return 2;
    }

    struct worker *workers = calloc((size_t)nthreads, sizeof *workers);
    struct prs_err err = {0};
    int listen_fd = -1, started = 0, status = 1;
    char shown[NI_MAXHOST + NI_MAXSERV + 16];
    sigset_t sigs;
    /* event_base_loopbreak() from the main thread needs libevent's
     * locking; signals are taken by sigwait() in the main thread only, so
     * block them before any worker starts (threads inherit the mask). */
    if (!workers || evthread_use_pthreads() < 0) {
        prs_err_set(&err, PRS_E_NOMEM, "cannot set up the threads");
        goto out;
    }
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (bind_socket(listen_at, &listen_fd, shown, sizeof shown, &err) < 0)
        goto out;
    for (int i = 0; i < nthreads; i++)
        if (worker_init(&workers[i], db_path, listen_fd, &err) < 0)
            goto out;
    for (; started < nthreads; started++)
        if (pthread_create(&workers[started].thread, NULL, worker_main,
                           &workers[started]) != 0) {
            prs_err_set(&err, PRS_E_INTERNAL, "cannot start a thread");
            goto out;
        }
    /* bench/server.sh reads the bound address from this line. */
    fprintf(stderr, "ref_server: listening on %s\n", shown);
    fflush(stderr);
    int sig = 0;
    sigwait(&sigs, &sig);
    status = 0;
out:
    for (int i = 0; i < started; i++)
        event_base_loopbreak(workers[i].base);
    for (int i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    if (status != 0)
        fprintf(stderr, "ref_server: %s\n", err.msg);
    if (listen_fd >= 0)
        close(listen_fd);
    for (int i = 0; workers && i < nthreads; i++)
        worker_free(&workers[i]);
    free(workers);
    return status;
}
