/*
 * remote.c: the HTTP client behind `search --server` and `show --server`.
 *
 * One blocking GET at a time: each request gets its own event base and
 * connection, and runs the loop until the answer (or the failure) is in.
 * That is all a command-line tool needs, and it keeps the lifetimes
 * simple. The host name is resolved here rather than by libevent so that
 * every address is tried in turn ("localhost" is often ::1 first while
 * the server listens on 127.0.0.1) and an unknown host is reported as
 * such.
 */
#include "remote.h"

#include "cli.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* The API's largest page (docs/API.md: size 1..100). */
#define API_MAX_SIZE 100
/* Answers larger than this are refused (a page of 100 hits is ~100 KB). */
#define MAX_ANSWER_BYTES (16 * 1024 * 1024)

/* Where to send requests, parsed from the --server URL. */
struct target {
    char label[256];  /* the URL as shown in messages, no trailing '/' */
    char host[256];   /* for getaddrinfo: no IPv6 brackets */
    char hostport[300]; /* the Host header */
    int port;
    char prefix[512]; /* path before "api/...", ends in '/' */
};

static int fail(struct prs_remote_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct prs_remote_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* One line, whatever the server's message quotes. */
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return code;
}

const char *prs_remote_server(const char *opt, const char *db_opt)
{
    if (opt && *opt)
        return opt;
    if (db_opt && *db_opt)
        return NULL;
    const char *env = getenv("PRSEARCH_SERVER");
    return env && *env ? env : NULL;
}

static int parse_target(const char *url, struct target *t,
                        struct prs_remote_err *err)
{
    char full[600];
    /* "host:8080" is taken as "http://host:8080". */
    int n = snprintf(full, sizeof full, "%s%s",
                     strstr(url, "://") ? "" : "http://", url);
    if (n < 0 || (size_t)n >= sizeof full) {
        err->usage = true;
        return fail(err, PRS_E_BADARG, "--server: the URL is too long");
    }
    size_t len = strlen(full);
    while (len > 0 && full[len - 1] == '/')
        len--;
    snprintf(t->label, sizeof t->label, "%.*s", (int)len, full);

    struct evhttp_uri *u = evhttp_uri_parse(full);
    int rc = 0;
    const char *scheme = u ? evhttp_uri_get_scheme(u) : NULL;
    const char *host = u ? evhttp_uri_get_host(u) : NULL;
    const char *path = u ? evhttp_uri_get_path(u) : NULL;
    err->usage = true;
    if (scheme && strcasecmp(scheme, "https") == 0) {
        rc = fail(err, PRS_E_BADARG,
                  "%s: https is not supported: prsearch serve speaks plain "
                  "HTTP, so give its own http:// address (through an SSH "
                  "tunnel if it is only reachable behind an HTTPS proxy)",
                  t->label);
        goto out;
    }
    if (!u || !scheme || strcasecmp(scheme, "http") != 0 || !host || !*host ||
        evhttp_uri_get_userinfo(u) || evhttp_uri_get_query(u) ||
        evhttp_uri_get_fragment(u) || strlen(host) >= sizeof t->host ||
        (path && strlen(path) + 2 > sizeof t->prefix)) {
        rc = fail(err, PRS_E_BADARG,
                  "%s: not a server URL (expected http://HOST[:PORT][/PATH])",
                  t->label);
        goto out;
    }
    err->usage = false;
    t->port = evhttp_uri_get_port(u) < 0 ? 80 : evhttp_uri_get_port(u);
    size_t hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']')
        snprintf(t->host, sizeof t->host, "%.*s", (int)(hl - 2), host + 1);
    else
        snprintf(t->host, sizeof t->host, "%s", host);
    if (evhttp_uri_get_port(u) < 0)
        snprintf(t->hostport, sizeof t->hostport, "%s", host);
    else
        snprintf(t->hostport, sizeof t->hostport, "%s:%d", host, t->port);
    path = path && *path ? path : "/";
    size_t pl = strlen(path);
    snprintf(t->prefix, sizeof t->prefix, "%s%s", path,
             path[pl - 1] == '/' ? "" : "/");
out:
    if (u)
        evhttp_uri_free(u);
    return rc;
}

/* ---- One GET -------------------------------------------------------- */

struct fetch {
    struct event_base *base;
    bool done;
    int status;    /* HTTP status; 0: no answer */
    char reason[64];
    int req_err;   /* enum evhttp_request_error, or -1 */
    int sock_err;  /* why connecting failed (probe_connect()), or 0 */
    struct prs_buf body;
    bool nomem;
};

static void on_error(enum evhttp_request_error e, void *arg)
{
    struct fetch *f = arg;
    f->req_err = (int)e;
}

static void on_done(struct evhttp_request *req, void *arg)
{
    struct fetch *f = arg;
    f->done = true;
    int code = req ? evhttp_request_get_response_code(req) : 0;
    if (code > 0) {
        f->status = code;
        const char *line = evhttp_request_get_response_code_line(req);
        snprintf(f->reason, sizeof f->reason, "%s", line ? line : "");
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(in);
        if (n && prs_buf_append(&f->body, evbuffer_pullup(in, -1), n) < 0)
            f->nomem = true;
    }
    event_base_loopbreak(f->base);
}

/* GETs target uri from addr (numeric); fills f. Returns 0 when the loop
 * ran (f says how it went), PRS_E_NOMEM when libevent could not start. */
static int fetch_once(const struct target *t, const char *addr,
                      const char *uri, struct fetch *f)
{
    struct evhttp_connection *evcon = NULL;
    struct evhttp_request *req = NULL;
    int rc = PRS_E_NOMEM;
    f->req_err = -1;
    f->base = event_base_new();
    if (!f->base)
        goto out;
    evcon = evhttp_connection_base_new(f->base, NULL, addr,
                                       (ev_uint16_t)t->port);
    if (!evcon)
        goto out;
    evhttp_connection_set_timeout(evcon, PRS_REMOTE_TIMEOUT);
    evhttp_connection_set_max_body_size(evcon, MAX_ANSWER_BYTES);
    req = evhttp_request_new(on_done, f);
    if (!req)
        goto out;
    evhttp_request_set_error_cb(req, on_error);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", t->hostport);
    evhttp_add_header(h, "Accept", "application/json");
    evhttp_add_header(h, "User-Agent", "prsearch/" PRS_VERSION);
    evhttp_add_header(h, "Connection", "close");
    /* evcon owns req from here on, also when this fails. */
    if (evhttp_make_request(evcon, req, EVHTTP_REQ_GET, uri) < 0) {
        f->done = true;
        rc = 0;
        goto out;
    }
    event_base_dispatch(f->base);
    rc = 0;
out:
    if (evcon)
        evhttp_connection_free(evcon); /* and a request it still holds */
    else if (req)
        evhttp_request_free(req);
    if (f->base)
        event_base_free(f->base);
    f->base = NULL;
    return rc;
}

/* libevent does not say why a connection failed (errno is gone by the
 * time the callback runs), so after a failure without an answer one
 * plain connect() to the same address finds out: 0 if it connects now,
 * else its errno. */
static int probe_connect(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0)
        return errno;
    int e = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        e = errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (e == EINPROGRESS) {
            int n = poll(&p, 1, PRS_REMOTE_TIMEOUT * 1000);
            socklen_t len = sizeof e;
            if (n == 0)
                e = ETIMEDOUT;
            else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
                e = errno;
        }
    }
    close(fd);
    return e;
}

/* Failures where another address of the host may do better. */
static bool connect_failed(const struct fetch *f)
{
    return f->status == 0 && f->req_err != EVREQ_HTTP_TIMEOUT &&
           (f->sock_err == ECONNREFUSED || f->sock_err == EHOSTUNREACH ||
            f->sock_err == ENETUNREACH || f->sock_err == EADDRNOTAVAIL ||
            f->sock_err == EAFNOSUPPORT);
}

/* Why no answer came, for "prsearch: URL: <why>". */
static void no_answer(const struct target *t, const struct fetch *f,
                      struct prs_remote_err *err)
{
    if (f->req_err == EVREQ_HTTP_TIMEOUT) {
        fail(err, PRS_E_IO, "%s: no answer within %d s", t->label,
             PRS_REMOTE_TIMEOUT);
    } else if (f->req_err == EVREQ_HTTP_DATA_TOO_LONG) {
        fail(err, PRS_E_IO, "%s: the answer is larger than %d bytes",
             t->label, MAX_ANSWER_BYTES);
    } else if (f->sock_err == ECONNREFUSED || f->sock_err == EHOSTUNREACH ||
               f->sock_err == ENETUNREACH || f->sock_err == ETIMEDOUT ||
               f->sock_err == ECONNRESET || f->sock_err == EADDRNOTAVAIL ||
               f->sock_err == EPIPE) {
        /* strerror() capitalises; messages here are lower case. */
        char why[128];
        snprintf(why, sizeof why, "%s", strerror(f->sock_err));
        if (why[0] >= 'A' && why[0] <= 'Z')
            why[0] = (char)(why[0] - 'A' + 'a');
        fail(err, PRS_E_IO, "%s: %s", t->label, why);
    } else {
        fail(err, PRS_E_IO,
             "%s: the connection closed without an answer (is it a "
             "prsearch server?)", t->label);
    }
}

/* Turns an error answer into err: "URL: 400 bad_query: message" when it
 * is the API's JSON error, else "URL: 502 Bad Gateway". */
static int error_answer(const struct target *t, const struct fetch *f,
                        struct prs_remote_err *err)
{
    err->status = f->status;
    json_t *root = json_loadb(f->body.data ? f->body.data : "", f->body.len,
                              0, NULL);
    json_t *e = json_object_get(root, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (code) {
        snprintf(err->code, sizeof err->code, "%s", code);
        fail(err, PRS_E_IO, "%s: %d %s: %s", t->label, f->status, code,
             msg ? msg : "(no message)");
    } else {
        fail(err, PRS_E_IO, "%s: %d %s", t->label, f->status,
             f->reason[0] ? f->reason : "error");
    }
    json_decref(root);
    return PRS_E_IO;
}

/* GETs t->prefix + rel and parses the 200 answer as a JSON object into
 * *out (a new reference). Anything else fills err. */
static int get_json(const struct target *t, const char *rel, json_t **out,
                    struct prs_remote_err *err)
{
    *out = NULL;
    struct prs_buf uri = {0};
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ais = NULL;
    struct fetch f = {0};
    int rc = 0;
    if (prs_buf_puts(&uri, t->prefix) < 0 || prs_buf_puts(&uri, rel) < 0) {
        rc = fail(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    char port[8];
    snprintf(port, sizeof port, "%d", t->port);
    int gai = getaddrinfo(t->host, port, &hints, &ais);
    if (gai != 0) {
        err->unreachable = true;
        rc = fail(err, PRS_E_IO, "%s: cannot resolve '%s': %s", t->label,
                  t->host, gai_strerror(gai));
        goto out;
    }
    for (struct addrinfo *ai = ais; ai; ai = ai->ai_next) {
        char addr[NI_MAXHOST];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr, NULL,
                        0, NI_NUMERICHOST) != 0)
            continue;
        prs_buf_free(&f.body);
        memset(&f, 0, sizeof f);
        if (fetch_once(t, addr, uri.data, &f) < 0) {
            rc = fail(err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
        if (f.status == 0 && f.req_err != EVREQ_HTTP_TIMEOUT &&
            f.req_err != EVREQ_HTTP_DATA_TOO_LONG)
            f.sock_err = probe_connect(ai);
        if (!connect_failed(&f))
            break;
    }
    if (f.nomem) {
        rc = fail(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    if (f.status == 0) {
        /* Too long an answer is the server's fault, not the network's. */
        err->unreachable = f.req_err != EVREQ_HTTP_DATA_TOO_LONG;
        if (!err->unreachable)
            err->status = 200;
        no_answer(t, &f, err);
        rc = PRS_E_IO;
        goto out;
    }
    if (f.status != 200) {
        rc = error_answer(t, &f, err);
        goto out;
    }
    json_error_t jerr;
    *out = json_loadb(f.body.data ? f.body.data : "", f.body.len, 0, &jerr);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        err->status = f.status;
        rc = fail(err, PRS_E_PARSE,
                  "%s: the answer is not prsearch's JSON (line %d: %s)",
                  t->label, jerr.line, jerr.text);
    }
out:
    if (ais)
        freeaddrinfo(ais);
    prs_buf_free(&f.body);
    prs_buf_free(&uri);
    return rc;
}

/* ---- Search ----------------------------------------------------------- */

/* Appends "&name=value" (value percent-encoded) when value is set. */
static int add_param(struct prs_buf *b, const char *name, const char *value)
{
    if (!value)
        return 0;
    char *enc = evhttp_uriencode(value, -1, 0);
    int rc = enc ? prs_buf_printf(b, "&%s=%s", name, enc) : PRS_E_NOMEM;
    free(enc);
    return rc;
}

/* Copies obj[key] (string or null/absent) into a new string at *field. */
static int take_str(json_t *obj, const char *key, char **field)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return PRS_E_PARSE;
    *field = strdup(json_string_value(v));
    return *field ? 0 : PRS_E_NOMEM;
}

static int take_hit(json_t *o, struct prs_search_hit *h, char **html)
{
    int rc = json_is_object(o) ? 0 : PRS_E_PARSE;
    if (rc == 0)
        rc = take_str(o, "id", &h->doc.id);
    if (rc == 0 && !h->doc.id)
        rc = PRS_E_PARSE;
    if (rc == 0)
        rc = take_str(o, "title", &h->doc.title);
    if (rc == 0)
        rc = take_str(o, "date", &h->doc.published);
    if (rc == 0)
        rc = take_str(o, "org", &h->doc.org);
    if (rc == 0)
        rc = take_str(o, "type", &h->doc.type);
    if (rc == 0)
        rc = take_str(o, "url", &h->doc.url);
    if (rc == 0)
        rc = take_str(o, "snippet", html);
    if (rc == 0 && !*html && !(*html = strdup("")))
        rc = PRS_E_NOMEM;
    if (rc == 0)
        h->score = json_number_value(json_object_get(o, "score"));
    return rc;
}

/* The pages that cover [offset, offset + limit): one page when some page
 * size up to 100 holds the whole range, else pages of min(limit, 100). */
static void plan_pages(size_t offset, size_t limit, size_t *size,
                       size_t *first, size_t *last)
{
    *size = limit < API_MAX_SIZE ? limit : API_MAX_SIZE;
    for (size_t s = *size; limit <= API_MAX_SIZE && s <= API_MAX_SIZE; s++) {
        if (offset / s == (offset + limit - 1) / s) {
            *size = s;
            break;
        }
    }
    *first = offset / *size + 1;
    *last = (offset + limit - 1) / *size + 1;
}

int prs_remote_search(const char *url, const struct prs_search_request *req,
                      struct prs_remote_result *out,
                      struct prs_remote_err *err)
{
    memset(out, 0, sizeof *out);
    struct target t;
    int rc = parse_target(url, &t, err);
    if (rc < 0)
        return rc;
    size_t limit = req->limit ? req->limit : 10, offset = req->offset;
    size_t size, first, last;
    plan_pages(offset, limit, &size, &first, &last);
    out->r.hits = calloc(limit, sizeof *out->r.hits);
    out->html = calloc(limit, sizeof *out->html);
    if (!out->r.hits || !out->html)
        return fail(err, PRS_E_NOMEM, "out of memory");
    struct prs_buf rel = {0};
    json_t *root = NULL;
    for (size_t page = first; rc == 0 && page <= last; page++) {
        prs_buf_reset(&rel);
        if (prs_buf_printf(&rel, "api/search?page=%zu&size=%zu", page, size) < 0 ||
            add_param(&rel, "q", req->query ? req->query : "") < 0 ||
            add_param(&rel, "sort", req->sort == PRS_SORT_DATE ? "date" : NULL) < 0 ||
            add_param(&rel, "from", req->since) < 0 ||
            add_param(&rel, "to", req->until) < 0) {
            rc = fail(err, PRS_E_NOMEM, "out of memory");
            break;
        }
        json_decref(root);
        rc = get_json(&t, rel.data, &root, err);
        if (rc < 0)
            break;
        json_t *hits = json_object_get(root, "hits");
        json_t *total = json_object_get(root, "total");
        if (!json_is_array(hits) || !json_is_integer(total)) {
            err->status = 200;
            rc = fail(err, PRS_E_PARSE, "%s: the answer has no hits or total",
                      t.label);
            break;
        }
        if (page == first) {
            out->r.total = (uint64_t)json_integer_value(total);
            /* An older server without the field counted exactly. */
            json_t *exact = json_object_get(root, "total_exact");
            out->r.total_exact = !json_is_false(exact);
            const char *w = json_string_value(json_object_get(root, "warning"));
            const char *c = json_string_value(json_object_get(root, "corrected"));
            if ((w && !(out->r.warning = strdup(w))) ||
                (c && !(out->r.corrected = strdup(c)))) {
                rc = fail(err, PRS_E_NOMEM, "out of memory");
                break;
            }
        }
        size_t n = json_array_size(hits);
        for (size_t j = 0; rc == 0 && j < n; j++) {
            size_t at = (page - 1) * size + j;
            if (at < offset || at >= offset + limit || out->r.nhits >= limit)
                continue;
            size_t k = out->r.nhits++;
            rc = take_hit(json_array_get(hits, j), &out->r.hits[k],
                          &out->html[k]);
            if (rc == PRS_E_NOMEM) {
                fail(err, rc, "out of memory");
            } else if (rc < 0) {
                err->status = 200; /* an answer, but not the API's */
                fail(err, rc, "%s: hit %zu of the answer is malformed",
                     t.label, j);
            }
        }
        if (n < size)
            break; /* the last page there is */
    }
    json_decref(root);
    prs_buf_free(&rel);
    return rc;
}

void prs_remote_result_free(struct prs_remote_result *rr)
{
    if (!rr)
        return;
    for (size_t i = 0; rr->html && i < rr->r.nhits; i++)
        free(rr->html[i]);
    free(rr->html);
    prs_search_result_free(&rr->r);
    rr->html = NULL;
}

/* ---- Show ------------------------------------------------------------- */

int prs_remote_get_doc(const char *url, const char *id, struct prs_doc *doc,
                       struct prs_remote_err *err)
{
    prs_doc_clear(doc);
    struct target t;
    int rc = parse_target(url, &t, err);
    if (rc < 0)
        return rc;
    /* Slashes in the id go as %2F, which the API accepts. */
    char *enc = evhttp_uriencode(id, -1, 0);
    struct prs_buf rel = {0};
    json_t *root = NULL;
    if (!enc || prs_buf_printf(&rel, "api/documents/%s", enc) < 0) {
        rc = fail(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    rc = get_json(&t, rel.data, &root, err);
    if (rc < 0)
        goto out;
    /* The answer is the stored record less `source`, plus `date`, which
     * prs_doc_from_json() ignores. */
    char *text = json_dumps(root, JSON_COMPACT);
    struct prs_err derr = {0};
    if (!text) {
        rc = fail(err, PRS_E_NOMEM, "out of memory");
    } else {
        rc = prs_doc_from_json(text, strlen(text), doc, &derr);
        if (rc < 0) {
            err->status = 200;
            fail(err, rc, "%s: the release in the answer is malformed: %s",
                 t.label, derr.msg);
        }
    }
    free(text);
out:
    json_decref(root);
    prs_buf_free(&rel);
    free(enc);
    return rc;
}

/* ---- Reporting -------------------------------------------------------- */

int prs_remote_fail(const struct prs_remote_err *err, bool doc_request)
{
    fprintf(stderr, "prsearch: %s\n", err->msg[0] ? err->msg : "server error");
    if (err->usage)
        return PRS_EXIT_USAGE;
    if (err->unreachable)
        return PRS_EXIT_CONNECT;
    if (err->status == 0)
        return PRS_EXIT_FAILURE; /* out of memory */
    if (err->status == 400 && strcmp(err->code, "bad_query") == 0)
        return PRS_EXIT_QUERY;
    if (err->status == 400 && strcmp(err->code, "bad_parameter") == 0)
        return PRS_EXIT_USAGE;
    if (err->status == 404 && strcmp(err->code, "not_found") == 0 &&
        doc_request)
        return PRS_EXIT_NOTFOUND;
    return PRS_EXIT_HTTP;
}

int prs_remote_snippet_text(const char *html, const char *on, const char *off,
                            struct prs_buf *out)
{
    static const struct {
        const char *entity;
        char c;
    } entities[] = {
        {"&amp;", '&'},  {"&lt;", '<'},  {"&gt;", '>'},   {"&quot;", '"'},
        {"&#039;", '\''}, {"&#39;", '\''}, {"&apos;", '\''},
    };
    int rc = 0;
    for (const char *p = html; *p && rc == 0;) {
        if (strncmp(p, "<mark>", 6) == 0) {
            rc = prs_buf_puts(out, on);
            p += 6;
            continue;
        }
        if (strncmp(p, "</mark>", 7) == 0) {
            rc = prs_buf_puts(out, off);
            p += 7;
            continue;
        }
        size_t skip = 1;
        char c = *p;
        for (size_t i = 0; c == '&' && i < sizeof entities / sizeof *entities;
             i++) {
            size_t n = strlen(entities[i].entity);
            if (strncmp(p, entities[i].entity, n) == 0) {
                c = entities[i].c;
                skip = n;
                break;
            }
        }
        rc = prs_buf_putc(out, c);
        p += skip;
    }
    return rc;
}
