#include "config.h"

#include "strutil.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type {
    KEY_STRING, /* char * (an empty value stores NULL) */
    KEY_INT,    /* long long within [min, max] */
    KEY_LIST,   /* comma-separated, into cors_origins */
    KEY_LISTEN, /* "HOST:PORT" */
};

struct key {
    const char *name;
    int type;
    size_t offset;
    long long min, max;
};

#define STR(f) KEY_STRING, offsetof(struct prs_config, f), 0, 0
#define INT(f, lo, hi) KEY_INT, offsetof(struct prs_config, f), lo, hi

/* The one key table: every key the file may hold. */
static const struct key keys[] = {
    {"listen", KEY_LISTEN, offsetof(struct prs_config, listen), 0, 0},
    {"threads", INT(threads, 0, 256)},
    {"db", STR(db)},
    {"access_log", STR(access_log)},
    {"token_file", STR(token_file)},
    {"cors_origins", KEY_LIST, 0, 0, 0},
    {"max_body_bytes", INT(max_body_bytes, 1024, 256LL * 1024 * 1024)},
    {"max_url_bytes", INT(max_url_bytes, 256, 1024 * 1024)},
    {"max_header_bytes", INT(max_header_bytes, 1024, 1024 * 1024)},
    {"request_timeout", INT(request_timeout, 1, 3600)},
    {"shutdown_timeout", INT(shutdown_timeout, 0, 3600)},
    {"static_dir", STR(static_dir)},
    {"synonyms", STR(synonyms)},
    {"cache_max_age", INT(cache_max_age, 0, 86400 * 365)},
    {"cache_mb", INT(cache_mb, 0, 65536)},
    {"recency_weight", INT(recency_weight, 0, 1000)},
    {"recency_half_life_days", INT(recency_half_life_days, 1, 36500)},
};

int prs_config_init(struct prs_config *c)
{
    memset(c, 0, sizeof *c);
    c->listen = strdup(PRS_CONFIG_DEFAULT_LISTEN);
    c->threads = 0;
    c->max_body_bytes = 10LL * 1024 * 1024;
    c->max_url_bytes = 8192;
    c->max_header_bytes = 16384;
    c->request_timeout = 30;
    c->shutdown_timeout = 10;
    c->cache_max_age = 10;
    c->cache_mb = 64;
    c->recency_weight = 30;
    c->recency_half_life_days = 365;
    return c->listen ? 0 : PRS_E_NOMEM;
}

static void free_origins(struct prs_config *c)
{
    for (size_t i = 0; i < c->ncors_origins; i++)
        free(c->cors_origins[i]);
    free(c->cors_origins);
    c->cors_origins = NULL;
    c->ncors_origins = 0;
}

void prs_config_free(struct prs_config *c)
{
    if (!c)
        return;
    free(c->listen);
    free(c->db);
    free(c->access_log);
    free(c->token_file);
    free(c->static_dir);
    free(c->synonyms);
    free_origins(c);
    memset(c, 0, sizeof *c);
}

int prs_config_split_listen(const char *s, char *host, size_t cap, int *port)
{
    const char *colon = s ? strrchr(s, ':') : NULL;
    if (!colon || colon == s)
        return PRS_E_BADARG;
    const char *h = s;
    size_t hlen = (size_t)(colon - s);
    if (h[0] == '[') {
        if (hlen < 3 || h[hlen - 1] != ']')
            return PRS_E_BADARG;
        h++;
        hlen -= 2;
    } else if (memchr(h, ':', hlen)) {
        return PRS_E_BADARG; /* a bare IPv6 address needs brackets */
    }
    long long p;
    if (hlen == 0 || hlen >= cap ||
        prs_parse_int_range(colon + 1, 0, 65535, &p) < 0)
        return PRS_E_BADARG;
    for (size_t i = 0; i < hlen; i++)
        if (h[i] == ' ' || h[i] == '/' || (unsigned char)h[i] < 0x21)
            return PRS_E_BADARG;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (int)p;
    return 0;
}

static int set_list(struct prs_config *c, const char *key, const char *value,
                    struct prs_err *err)
{
    free_origins(c);
    const char *p = value;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = prs_trim(p, &len);
        if (len > 0) {
            if (memchr(item, ' ', len) || len > 512)
                return prs_err_set(err, PRS_E_BADARG,
                                   "key '%s': '%.*s' is not an origin "
                                   "(scheme://host[:port] or *)",
                                   key, (int)(len > 80 ? 80 : len), item);
            char **v = realloc(c->cors_origins,
                               (c->ncors_origins + 1) * sizeof *v);
            if (!v)
                return prs_err_set(err, PRS_E_NOMEM, "out of memory");
            c->cors_origins = v;
            if (!(v[c->ncors_origins] = strndup(item, len)))
                return prs_err_set(err, PRS_E_NOMEM, "out of memory");
            c->ncors_origins++;
        }
        p = comma ? comma + 1 : p + strlen(p);
    }
    return 0;
}

int prs_config_set(struct prs_config *c, const char *key, const char *value,
                   struct prs_err *err)
{
    const struct key *k = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof *keys && !k; i++)
        if (strcmp(keys[i].name, key) == 0)
            k = &keys[i];
    if (!k)
        return prs_err_set(err, PRS_E_BADARG, "unknown key '%s'", key);
    if (!prs_utf8_valid(value, strlen(value)))
        return prs_err_set(err, PRS_E_BADARG,
                           "key '%s': value is not valid UTF-8", key);
    size_t vlen = strlen(value);
    const char *v = prs_trim(value, &vlen);
    char *field_copy = NULL;
    switch (k->type) {
    case KEY_INT: {
        long long n;
        char buf[32];
        if (vlen >= sizeof buf)
            return prs_err_set(err, PRS_E_BADARG,
                               "key '%s': '%.40s' is not a number in %lld..%lld",
                               key, v, k->min, k->max);
        memcpy(buf, v, vlen);
        buf[vlen] = '\0';
        if (prs_parse_int_range(buf, k->min, k->max, &n) < 0)
            return prs_err_set(err, PRS_E_BADARG,
                               "key '%s': '%s' is not a number in %lld..%lld",
                               key, buf, k->min, k->max);
        *(long long *)((char *)c + k->offset) = n;
        return 0;
    }
    case KEY_LIST:
        return set_list(c, key, v, err);
    case KEY_LISTEN: {
        char host[256];
        int port;
        if (!(field_copy = strndup(v, vlen)))
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (prs_config_split_listen(field_copy, host, sizeof host, &port) < 0) {
            prs_err_set(err, PRS_E_BADARG,
                        "key '%s': '%.80s' is not ADDR:PORT (port 0..65535)",
                        key, field_copy);
            free(field_copy);
            return PRS_E_BADARG;
        }
        break;
    }
    default: /* KEY_STRING */
        if (vlen > 0 && !(field_copy = strndup(v, vlen)))
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        break;
    }
    char **field = (char **)((char *)c + k->offset);
    free(*field);
    *field = field_copy;
    return 0;
}

bool prs_config_origin_allowed(const struct prs_config *c, const char *origin)
{
    if (!origin || !*origin)
        return false;
    for (size_t i = 0; i < c->ncors_origins; i++)
        if (strcmp(c->cors_origins[i], "*") == 0 ||
            strcmp(c->cors_origins[i], origin) == 0)
            return true;
    return false;
}

/* ---- the file ----------------------------------------------------------- */

struct reader {
    const char *p;   /* next line */
    int line;        /* number of the line last handed to inih */
    bool too_long;   /* a line did not fit inih's buffer */
    int too_long_line;
};

struct load {
    struct prs_config *c;
    struct reader *rd;
    const char *name;
    unsigned seen[sizeof keys / sizeof *keys];
    struct prs_err *err;
    int rc;
};

/* inih's line reader over a string: counts lines so that the handler
 * knows where it is (Debian's inih passes no line number). */
static char *read_line(char *str, int num, void *stream)
{
    struct reader *rd = stream;
    if (!*rd->p)
        return NULL;
    const char *nl = strchr(rd->p, '\n');
    size_t len = nl ? (size_t)(nl - rd->p) + 1 : strlen(rd->p);
    rd->line++;
    if (len + 1 > (size_t)num) {
        if (!rd->too_long)
            rd->too_long_line = rd->line;
        rd->too_long = true;
        len = (size_t)num - 1;
        memcpy(str, rd->p, len);
        str[len] = '\0';
        rd->p = nl ? nl + 1 : rd->p + strlen(rd->p);
        return str;
    }
    memcpy(str, rd->p, len);
    str[len] = '\0';
    rd->p += len;
    return str;
}

static int on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    struct load *ld = user;
    if (ld->rc < 0)
        return 0;
    if (section && *section) {
        ld->rc = prs_err_set(ld->err, PRS_E_BADARG,
                             "%s:%d: unknown section '[%s]' (keys stand "
                             "outside sections)",
                             ld->name, ld->rd->line, section);
        return 0;
    }
    size_t i;
    for (i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strcmp(keys[i].name, name) == 0)
            break;
    if (i < sizeof keys / sizeof *keys && ld->seen[i]) {
        ld->rc = prs_err_set(ld->err, PRS_E_BADARG,
                             "%s:%d: key '%s' given twice (first on line %u)",
                             ld->name, ld->rd->line, name, ld->seen[i]);
        return 0;
    }
    struct prs_err e = {0};
    if (prs_config_set(ld->c, name, value ? value : "", &e) < 0) {
        ld->rc = prs_err_set(ld->err, e.code, "%s:%d: %s", ld->name,
                             ld->rd->line, e.msg);
        return 0;
    }
    ld->seen[i] = (unsigned)ld->rd->line;
    return 1;
}

int prs_config_load_string(struct prs_config *c, const char *text,
                           const char *name, struct prs_err *err)
{
    if (!prs_utf8_valid(text, strlen(text)))
        return prs_err_set(err, PRS_E_BADARG, "%s: not valid UTF-8 text", name);
    struct reader rd = {.p = text};
    struct load ld = {.c = c, .rd = &rd, .name = name, .err = err};
    /* Single-line values only: an indented line is a mistake, not a
     * continuation. Lines up to 4 KB. */
    ini_allow_multiline = false;
    ini_max_line = 4096;
    int rc = ini_parse_stream(read_line, &rd, on_key, &ld);
    if (ld.rc < 0)
        return ld.rc;
    if (rd.too_long)
        return prs_err_set(err, PRS_E_BADARG, "%s:%d: line longer than %d bytes",
                           name, rd.too_long_line, ini_max_line - 3);
    if (rc > 0)
        return prs_err_set(err, PRS_E_BADARG,
                           "%s:%d: not 'key = value', a comment or blank", name,
                           rc);
    if (rc < 0)
        return prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", name);
    return 0;
}

int prs_config_load(struct prs_config *c, const char *path,
                    struct prs_err *err)
{
    size_t len = 0;
    char *text = prs_read_file(path, 1024 * 1024, &len, err);
    if (!text)
        return err->code;
    int rc;
    if (strlen(text) != len)
        rc = prs_err_set(err, PRS_E_BADARG, "%s: holds NUL bytes", path);
    else
        rc = prs_config_load_string(c, text, path, err);
    free(text);
    return rc;
}
