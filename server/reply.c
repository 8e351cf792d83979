/*
 * reply.c: every answer leaves through here, so each gets the same
 * headers (type, caching, CORS, nosniff), one access-log line and its
 * metrics.
 */
#include "server_int.h"

#include "params.h"

#include <event2/buffer.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

void prs_reply_header(struct prs_reqctx *rc, const char *key,
                      const char *value)
{
    evhttp_add_header(evhttp_request_get_output_headers(rc->req), key, value);
}

static const char *method_name(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "?";
}

/* One line per request: time, client, method, path, status, ms. The path
 * is cut at 200 bytes and anything unprintable shown as '?'. */
static void access_log(struct prs_reqctx *rc, int status, double seconds)
{
    char path[201];
    size_t n = 0;
    for (const char *p = rc->path ? rc->path : "-"; *p && n < 200; p++)
        path[n++] = (*p > 0x20 && *p < 0x7f) ? *p : '?';
    path[n] = '\0';
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *peer = "-";
    ev_uint16_t port = 0;
    struct evhttp_connection *evcon = evhttp_request_get_connection(rc->req);
    char *addr = NULL;
    if (evcon) {
        evhttp_connection_get_peer(evcon, &addr, &port);
        if (addr)
            peer = addr;
    }
    /* One fprintf per line keeps lines whole across threads. */
    fprintf(rc->srv->access_log, "%s %s %s %s %d %.3fms\n", stamp, peer,
            method_name(evhttp_request_get_command(rc->req)), path, status,
            seconds * 1000.0);
    fflush(rc->srv->access_log);
}

static void common_headers(struct prs_reqctx *rc, int cache)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(rc->req);
    char cc[64];
    if (cache == PRS_CACHE_API && rc->srv->cfg->cache_max_age > 0)
        snprintf(cc, sizeof cc, "public, max-age=%lld",
                 rc->srv->cfg->cache_max_age);
    else
        snprintf(cc, sizeof cc, "%s",
                 cache == PRS_CACHE_NONE ? "no-store" : "no-cache");
    evhttp_add_header(h, "Cache-Control", cc);
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    if (rc->srv->cfg->ncors_origins)
        evhttp_add_header(h, "Vary", "Origin");
    if (rc->origin)
        evhttp_add_header(h, "Access-Control-Allow-Origin", rc->origin);
    if (rc->w->stopping)
        evhttp_add_header(h, "Connection", "close");
}

static void finish(struct prs_reqctx *rc, int status, struct evbuffer *body)
{
    double secs = prs_now() - rc->start;
    rc->replied = true;
    const char *reason = NULL; /* libevent's own phrase */
    if (status == 431)
        reason = "Request Header Fields Too Large";
    else if (status == 414)
        reason = "URI Too Long";
    evhttp_send_reply(rc->req, status, reason, body);
    prs_metrics_add(&rc->srv->metrics, rc->route, status, secs);
    access_log(rc, status, secs);
}

void prs_reply_raw(struct prs_reqctx *rc, int status, const char *ctype,
                   const void *data, size_t len, int cache)
{
    struct evbuffer *body = evbuffer_new();
    common_headers(rc, cache);
    if (ctype)
        prs_reply_header(rc, "Content-Type", ctype);
    if (body && data && len)
        evbuffer_add(body, data, len);
    finish(rc, status, body);
    if (body)
        evbuffer_free(body);
}

void prs_reply_json_text(struct prs_reqctx *rc, const char *json, size_t len,
                         bool took)
{
    struct evbuffer *body = evbuffer_new();
    common_headers(rc, PRS_CACHE_API);
    prs_reply_header(rc, "Content-Type", "application/json; charset=utf-8");
    if (body && took && len >= 2 && json[len - 1] == '}') {
        /* Milliseconds to the thousandth, as a number. */
        double ms = (prs_now() - rc->start) * 1000.0;
        evbuffer_add(body, json, len - 1);
        evbuffer_add_printf(body, "%s\"took_ms\":%.3f}",
                            len > 2 ? "," : "", ms);
    } else if (body) {
        evbuffer_add(body, json, len);
    }
    finish(rc, 200, body);
    if (body)
        evbuffer_free(body);
}

void prs_reply_json(struct prs_reqctx *rc, int status, json_t *body,
                    int cache)
{
    char *text = body ? json_dumps(body, PRS_JSON_FLAGS) : NULL;
    json_decref(body);
    if (body && !text) {
        status = 500;
        text = strdup("{\"error\":{\"code\":\"internal\","
                      "\"message\":\"out of memory\"}}");
        cache = PRS_CACHE_NONE;
    }
    prs_reply_raw(rc, status, text ? "application/json; charset=utf-8" : NULL,
                  text, text ? strlen(text) : 0, cache);
    free(text);
}

void prs_reply_error(struct prs_reqctx *rc, int status, const char *code,
                     const char *parameter, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages may quote client input: keep them valid UTF-8 for jansson. */
    for (size_t i = 0; msg[i]; i++)
        if ((unsigned char)msg[i] >= 0x80 && !prs_utf8_valid(msg, strlen(msg)))
            msg[i] = '?';
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (err && parameter)
        json_object_set_new(err, "parameter", json_string(parameter));
    prs_reply_json(rc, status, err ? json_pack("{s:o}", "error", err) : NULL,
                   PRS_CACHE_NONE);
}

int param_str_or_reply(struct prs_reqctx *rc, const char *name,
                       size_t max_bytes, const char **out)
{
    struct prs_err err = {0};
    if (prs_param_str(&rc->params, name, max_bytes, out, &err) < 0) {
        prs_reply_error(rc, 400, "bad_parameter", name, "%s", err.msg);
        return -1;
    }
    return 0;
}

int param_int_or_reply(struct prs_reqctx *rc, const char *name, long long min,
                       long long max, long long def, long long *out)
{
    struct prs_err err = {0};
    if (prs_param_int(&rc->params, name, min, max, def, out, &err) < 0) {
        prs_reply_error(rc, 400, "bad_parameter", name, "%s", err.msg);
        return -1;
    }
    return 0;
}
