/*
 * server.c: setting up `prsearch serve`: the listening socket, the worker
 * threads, signals and the graceful stop.
 *
 * Each worker accepts on a listening socket of its own, all bound to the
 * same address with SO_REUSEPORT, so that the kernel spreads new
 * connections over the workers. On one shared socket the worker that
 * happened to be idle took a whole burst of connections, and a benchmark
 * run at 64 connections used one core of two. A first bind without
 * SO_REUSEPORT checks that the address is free: a second server started
 * on it by mistake fails, rather than joining this one's group.
 *
 * Stopping: the main thread waits in sigwait() for SIGTERM/SIGINT, then
 * activates every worker's stop event (libevent's pthreads locking makes
 * that safe across threads). A stopping worker closes its listener, asks
 * every later response to close its connection, and polls every 20 ms
 * until (a) no response is still being written, (b) every connection it
 * accepted has sent at least one request (so a request still arriving is
 * not cut off), and (c) every such connection that is still open is idle
 * (nothing unread); then it frees evhttp, which closes the idle
 * keep-alive connections. shutdown_timeout bounds the wait: a client that
 * connects and never sends a request delays the stop by that much.
 */
#include "server.h"
#include "server_int.h"

#include "log.h"
#include "strutil.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/thread.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PRS_STATIC_DIR
#define PRS_STATIC_DIR "server/static"
#endif

double prs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void prs_worker_refresh(struct prs_worker *w)
{
    struct prs_err err = {0};
    w->last_reopen = prs_now();
    w->seen_gen = atomic_load(&w->srv->write_gen);
    /* A failed reopen keeps the old revision; searches retry on their own
     * (the engine reopens once on DatabaseModifiedError). */
    int changed = prs_db_reopen(w->db, &err);
    if (changed < 0)
        prs_log_warn("worker %d: reopening the index: %s", w->index, err.msg);
    if (changed != 1)
        return;
    /* New releases may teach new abbreviations; a synonyms file broken
     * since the start keeps the synonyms that were good. */
    struct prs_synonyms *syn = prs_synonyms_load(w->db, w->an,
                                                 w->srv->cfg->synonyms, &err);
    if (!syn) {
        prs_log_warn("worker %d: synonyms: %s", w->index, err.msg);
        return;
    }
    prs_synonyms_free(w->syn);
    w->syn = syn;
}

static void on_libevent_log(int severity, const char *msg)
{
    if (severity >= EVENT_LOG_WARN)
        prs_log_warn("libevent: %s", msg);
}

/* ---- the graceful stop ---------------------------------------------------- */

static bool drained(struct prs_worker *w)
{
    if (w->inflight > 0 || w->conns_seen < w->conns_opened)
        return false;
    for (size_t i = 0; i < w->nconns; i++) {
        struct bufferevent *bev = evhttp_connection_get_bufferevent(w->conns[i]);
        if (bev && evbuffer_get_length(bufferevent_get_input(bev)) > 0)
            return false;
    }
    return true;
}

static void on_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct prs_worker *w = arg;
    if (drained(w) || prs_now() >= w->stop_deadline)
        event_base_loopbreak(w->base);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    struct prs_worker *w = arg;
    if (w->stopping)
        return;
    w->stopping = true;
    w->stop_deadline = prs_now() + (double)w->srv->cfg->shutdown_timeout;
    if (w->bound) {
        evhttp_del_accept_socket(w->http, w->bound);
        w->bound = NULL;
    }
    struct timeval tick = {0, 20000};
    w->drain_ev = event_new(w->base, -1, EV_PERSIST, on_drain_tick, w);
    if (!w->drain_ev) {
        event_base_loopbreak(w->base);
        return;
    }
    event_add(w->drain_ev, &tick);
}

/* evhttp asks for each new connection's bufferevent: counting them tells
 * the stop about connections that have not sent a request yet. */
static struct bufferevent *on_new_conn(struct event_base *base, void *arg)
{
    struct prs_worker *w = arg;
    w->conns_opened++;
    return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
}

static void *worker_main(void *arg)
{
    struct prs_worker *w = arg;
    event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* ---- setup ------------------------------------------------------------- */

/* A socket listening on addr (SO_REUSEPORT when shared), nonblocking;
 * -1 with errno on failure. */
static evutil_socket_t listen_on(const struct sockaddr *addr, socklen_t len,
                                 bool shared)
{
    evutil_socket_t fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if ((shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
                              sizeof one) < 0) ||
        bind(fd, addr, len) < 0 || (shared && listen(fd, 1024) < 0) ||
        evutil_make_socket_nonblocking(fd) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Binds n sockets to listen_at (fds[0..n)), all on the same address and
 * port (the first one's, when the port is 0); shown gets its URL. */
static int bind_sockets(const char *listen_at, evutil_socket_t *fds, int n,
                        char *shown, size_t cap, struct prs_err *err)
{
    char host[256], portstr[8];
    int port;
    if (prs_config_split_listen(listen_at, host, sizeof host, &port) < 0)
        return prs_err_set(err, PRS_E_BADARG,
                           "listen '%s' is not ADDR:PORT", listen_at);
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int gai = getaddrinfo(host, portstr, &hints, &ai);
    if (gai != 0)
        return prs_err_set(err, PRS_E_BADARG, "listen '%s': %s", listen_at,
                           gai_strerror(gai));
    int rc = prs_err_set(err, PRS_E_IO, "listen '%s': no usable address",
                         listen_at);
    for (struct addrinfo *a = ai; a && rc < 0; a = a->ai_next) {
        /* The address must be free: bound alone first, which also picks
         * the port for port 0. */
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        evutil_socket_t probe = listen_on(a->ai_addr, a->ai_addrlen, false);
        if (probe < 0 || getsockname(probe, (struct sockaddr *)&ss, &sl) < 0) {
            rc = prs_err_errno(err, PRS_E_IO, errno, "listen '%s'", listen_at);
            if (probe >= 0)
                close(probe);
            continue;
        }
        close(probe);
        int k = 0;
        for (; k < n; k++)
            if ((fds[k] = listen_on((struct sockaddr *)&ss, sl, true)) < 0)
                break;
        if (k < n) {
            rc = prs_err_errno(err, PRS_E_IO, errno, "listen '%s'", listen_at);
            while (k > 0)
                close(fds[--k]);
            continue;
        }
        char numhost[NI_MAXHOST], numport[NI_MAXSERV];
        if (getnameinfo((struct sockaddr *)&ss, sl, numhost, sizeof numhost,
                        numport, sizeof numport,
                        NI_NUMERICHOST | NI_NUMERICSERV) == 0)
            snprintf(shown, cap, "http://%s%s%s:%s/",
                     ss.ss_family == AF_INET6 ? "[" : "", numhost,
                     ss.ss_family == AF_INET6 ? "]" : "", numport);
        else
            snprintf(shown, cap, "http://%s/", listen_at);
        rc = 0;
    }
    freeaddrinfo(ai);
    return rc;
}

/* Sets up worker index, which takes over the listening socket fd. */
static int worker_init(struct prs_worker *w, struct prs_server *srv, int index,
                       evutil_socket_t fd, struct prs_err *err)
{
    const struct prs_config *cfg = srv->cfg;
    w->srv = srv;
    w->index = index;
    if (!(w->db = prs_db_open(srv->db_path, PRS_DB_READ, err)))
        return err->code;
    if (!(w->an = prs_analyzer_new(err)))
        return err->code;
    /* A synonyms file that is missing (when named) or bad is a
     * configuration error, as a bad key is. */
    if (!(w->syn = prs_synonyms_load(w->db, w->an, cfg->synonyms, err))) {
        if (err->code != PRS_E_NOMEM && err->code != PRS_E_ENGINE)
            err->code = PRS_E_BADARG;
        return err->code;
    }
    w->last_reopen = prs_now();
    if (!(w->base = event_base_new()) || !(w->http = evhttp_new(w->base)))
        return prs_err_set(err, PRS_E_NOMEM, "cannot create an event base");
    /* libevent's own limits sit above ours, so that requests between the
     * two get our JSON 413/414/431; beyond them libevent answers itself
     * (see docs/API.md). */
    evhttp_set_max_headers_size(w->http, (ev_ssize_t)(cfg->max_url_bytes +
                                                      cfg->max_header_bytes +
                                                      1024 * 1024));
    evhttp_set_max_body_size(w->http, (ev_ssize_t)(cfg->max_body_bytes +
                                                   1024 * 1024));
    evhttp_set_timeout(w->http, (int)cfg->request_timeout);
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                            EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS |
                                            EVHTTP_REQ_PATCH | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT);
    evhttp_set_default_content_type(w->http, "application/json; charset=utf-8");
    evhttp_set_gencb(w->http, prs_router_handle, w);
    evhttp_set_bevcb(w->http, on_new_conn, w);
    if (!(w->stop_ev = event_new(w->base, -1, 0, on_stop, w)))
        return prs_err_set(err, PRS_E_NOMEM, "cannot create an event");
    if (!(w->bound = evhttp_accept_socket_with_handle(w->http, fd)))
        return prs_err_set(err, PRS_E_IO, "cannot accept on the socket");
    return 0;
}

static void worker_free(struct prs_worker *w)
{
    if (w->http)
        evhttp_free(w->http); /* closes the listener and every connection */
    if (w->stop_ev)
        event_free(w->stop_ev);
    if (w->drain_ev)
        event_free(w->drain_ev);
    if (w->base)
        event_base_free(w->base);
    free(w->conns);
    prs_synonyms_free(w->syn);
    prs_analyzer_free(w->an);
    prs_db_close(w->db);
}

static int read_token(const char *path, char **out, struct prs_err *err)
{
    size_t len = 0;
    *out = NULL;
    char *text = prs_read_file(path, 4096, &len, err);
    if (!text) {
        prs_err_prefix(err, "token_file");
        return err->code;
    }
    const char *t = prs_trim(text, &len);
    if (len < 16 || strlen(text) < len || memchr(t, '\n', len)) {
        free(text);
        return prs_err_set(err, PRS_E_BADARG,
                           "token_file %s: the token must be one line of at "
                           "least 16 characters", path);
    }
    *out = strndup(t, len);
    free(text);
    return *out ? 0 : prs_err_set(err, PRS_E_NOMEM, "out of memory");
}

int prs_server_run(const struct prs_config *cfg, const char *db_path,
                   struct prs_err *err)
{
    struct prs_server srv = {.cfg = cfg, .db_path = db_path,
                             .access_log = stderr};
    struct prs_worker *workers = NULL;
    evutil_socket_t *fds = NULL; /* the workers' sockets until evhttp owns them */
    int nworkers = 0, started = 0, rc = 0;
    char shown[NI_MAXHOST + 64];
    sigset_t sigs;

    prs_metrics_init(&srv.metrics);
    pthread_mutex_init(&srv.write_lock, NULL);
    srv.static_dir = cfg->static_dir ? cfg->static_dir : PRS_STATIC_DIR;
    if (evthread_use_pthreads() < 0) {
        rc = prs_err_set(err, PRS_E_INTERNAL, "libevent has no pthreads support");
        goto out;
    }
    event_set_log_callback(on_libevent_log);
    if (cfg->token_file && (rc = read_token(cfg->token_file, &srv.token, err)) < 0)
        goto out;
    if (cfg->cache_mb > 0 &&
        !(srv.answers = prs_answer_cache_new((size_t)cfg->cache_mb << 20))) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    if (cfg->access_log && strcmp(cfg->access_log, "-") != 0) {
        if (!(srv.access_log = fopen(cfg->access_log, "ae"))) {
            rc = prs_err_errno(err, PRS_E_IO, errno, "access_log %s",
                               cfg->access_log);
            srv.access_log = stderr;
            goto out;
        }
    }
    /* Signals are taken by sigwait() in this thread only: block them
     * before any worker starts (threads inherit the mask). */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    nworkers = cfg->threads > 0 ? (int)cfg->threads : (cores > 0 ? (int)cores : 1);
    if (nworkers > 256)
        nworkers = 256;
    if (!(workers = calloc((size_t)nworkers, sizeof *workers)) ||
        !(fds = malloc((size_t)nworkers * sizeof *fds))) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < nworkers; i++)
        fds[i] = -1;
    if ((rc = bind_sockets(cfg->listen, fds, nworkers, shown, sizeof shown,
                           err)) < 0)
        goto out;
    for (int i = 0; i < nworkers; i++) {
        rc = worker_init(&workers[i], &srv, i, fds[i], err);
        if (workers[i].bound)
            fds[i] = -1;
        if (rc < 0)
            goto out;
    }
    for (; started < nworkers; started++)
        if (pthread_create(&workers[started].thread, NULL, worker_main,
                           &workers[started]) != 0) {
            rc = prs_err_set(err, PRS_E_INTERNAL, "cannot start a thread");
            break;
        }
    if (rc == 0) {
        struct prs_db_stats st = {0};
        prs_db_stats(workers[0].db, &st, NULL);
        prs_log_info("%d workers, %llu releases in %s, write API %s, answer "
                     "cache %lld MiB", nworkers,
                     (unsigned long long)st.doccount, db_path,
                     srv.token ? "on" : "off", cfg->cache_mb);
        /* Tests and scripts read the bound address from this line. */
        fprintf(stderr, "prsearch: listening on %s\n", shown);
        fflush(stderr);
        int sig = 0;
        sigwait(&sigs, &sig);
        prs_log_info("%s: finishing requests in flight, then stopping",
                     sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
    for (int i = 0; i < started; i++)
        event_active(workers[i].stop_ev, 0, 0);
    for (int i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    if (rc == 0)
        prs_log_info("stopped");
out:
    for (int i = 0; fds && i < nworkers; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    for (int i = 0; workers && i < nworkers; i++)
        worker_free(&workers[i]);
    free(workers);
    free(srv.token);
    prs_answer_cache_free(srv.answers);
    if (srv.access_log && srv.access_log != stderr)
        fclose(srv.access_log);
    pthread_mutex_destroy(&srv.write_lock);
    libevent_global_shutdown();
    return rc;
}
