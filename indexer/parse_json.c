/*
 * parse_json.c: JSON Lines and JSON array exports, streamed.
 *
 * The file is read in chunks through zlib (gzread reads plain files as they
 * are), so a 50 MB export never sits in memory as a whole: JSON Lines are
 * cut at newlines, arrays and concatenated objects at the end of each
 * top-level value by a small structural scanner (strings, escapes and
 * bracket depth only). jansson parses each record on its own, so one bad
 * record costs that record and nothing else.
 */
#include "parse.h"
#include "parse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- byte source --------------------------------------------------------- */

struct src {
    gzFile gz;          /* or NULL: reading mem */
    const char *mem;
    size_t mem_len, mem_pos;
    char buf[65536];
    size_t pos, len;
    size_t total;       /* bytes delivered so far */
    size_t max_bytes;   /* 0: no cap */
    const char *name;
    struct prs_err *err;
    int failed;         /* negative once the source cannot go on */
};

/* Refills the buffer; returns > 0, 0 at the end, or < 0 (err set). */
static int src_fill(struct src *s)
{
    if (s->failed)
        return s->failed;
    s->pos = s->len = 0;
    if (!s->gz) {
        size_t n = s->mem_len - s->mem_pos;
        if (n > sizeof s->buf)
            n = sizeof s->buf;
        memcpy(s->buf, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        s->len = n;
    } else {
        int n = gzread(s->gz, s->buf, sizeof s->buf);
        int zerr = Z_OK;
        const char *zmsg = gzerror(s->gz, &zerr);
        if (n < 0 || (zerr != Z_OK && zerr != Z_BUF_ERROR) ||
            (n == 0 && zerr == Z_BUF_ERROR)) {
            if (zerr == Z_ERRNO)
                s->failed = prs_err_errno(s->err, PRS_E_IO, errno, "%s", s->name);
            else
                s->failed = prs_err_set(s->err, PRS_E_PARSE,
                                        "%s: gzip data is corrupt after %zu "
                                        "bytes: %s", s->name, s->total,
                                        zmsg ? zmsg : "unknown error");
            return s->failed;
        }
        s->len = (size_t)n;
    }
    if (s->total == 0 && s->len >= 3 && memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0)
        s->pos = 3; /* a byte-order mark */
    s->total += s->len;
    if (s->max_bytes && s->total > s->max_bytes) {
        s->failed = prs_err_set(s->err, PRS_E_RANGE,
                                "%s: file too large (limit %zu bytes%s)",
                                s->name, s->max_bytes,
                                s->gz && !gzdirect(s->gz) ? " after decompression"
                                                          : "");
        return s->failed;
    }
    return s->len > 0;
}

/* Next byte, -1 at the end, or < -1 on error (s->failed set). */
static int src_getc(struct src *s)
{
    while (s->pos == s->len) {
        int rc = src_fill(s);
        if (rc <= 0)
            return rc < 0 ? -2 : -1;
    }
    return (unsigned char)s->buf[s->pos++];
}

/* ---- records ------------------------------------------------------------- */

struct run {
    struct src *src;
    prs_record_fn ok;
    prs_bad_record_fn bad;
    void *ctx;
    struct prs_doc doc;
    struct prs_buf text;  /* scratch for cleaned text */
    struct prs_buf rec;   /* the record's bytes */
    bool array;           /* records are array elements */
    size_t stop;          /* 0 go on, 1 stopped by ok() */
    int abort;            /* ok() returned this negative code */
};

/* Copies at most max bytes of s into out, cut at a character boundary. */
static void snip(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Reports a bad record; where = line (or element) number. */
static void report(struct run *r, size_t where, size_t line, const char *msg)
{
    if (!r->bad)
        return;
    if (r->array) {
        char full[PRS_ERR_MSG_MAX + 64];
        snprintf(full, sizeof full, "array element %zu (line %zu): %s", where,
                 line, msg);
        r->bad(r->src->name, where, full, r->ctx);
    } else {
        r->bad(r->src->name, where, msg, r->ctx);
    }
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* The string at obj[key] (first of the names present), NULL if absent or
 * null; PRS_E_PARSE (msg set) if it has another type. */
static int get_string(json_t *obj, const char *const *keys, json_t **out,
                      const char *prefix, char *msg, size_t cap)
{
    *out = NULL;
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(obj, keys[i]);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            snprintf(msg, cap, "'%s%s' must be a string, not %s", prefix,
                     keys[i], type_name(v));
            return PRS_E_PARSE;
        }
        *out = v;
        return 0;
    }
    return 0;
}

static int set_plain(char **field, json_t *v, struct prs_buf *scratch)
{
    if (!v)
        return 0;
    prs_buf_reset(scratch);
    int rc = prs__append_collapsed(scratch, json_string_value(v),
                                   json_string_length(v));
    return rc ? rc : prs_doc_set(field, scratch->data ? scratch->data : "",
                                 scratch->len);
}

static int set_verbatim(char **field, json_t *v)
{
    return v ? prs_doc_set(field, json_string_value(v), json_string_length(v))
             : 0;
}

static int set_markdown(char **field, json_t *v, struct prs_buf *scratch)
{
    if (!v)
        return 0;
    prs_buf_reset(scratch);
    int rc = prs_md_to_text(json_string_value(v), json_string_length(v),
                            scratch);
    return rc ? rc : prs_doc_set(field, scratch->data ? scratch->data : "",
                                 scratch->len);
}

static int contacts(struct run *r, json_t *arr, char *msg, size_t cap)
{
    static const char *const k_name[] = {"name", NULL};
    static const char *const k_role[] = {"role", "title", NULL};
    static const char *const k_phone[] = {"phone", "telephone", "tel", NULL};
    static const char *const k_email[] = {"email", "e-mail", "mail", NULL};
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr)) {
        snprintf(msg, cap, "'contacts' must be an array, not %s",
                 type_name(arr));
        return PRS_E_PARSE;
    }
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c) {
        char prefix[40];
        snprintf(prefix, sizeof prefix, "contacts[%zu].", i);
        int rc;
        if (json_is_string(c)) {
            rc = prs_doc_add_contact(&r->doc, json_string_value(c), NULL, NULL,
                                     NULL);
        } else if (json_is_object(c)) {
            json_t *name, *role, *phone, *email;
            rc = get_string(c, k_name, &name, prefix, msg, cap);
            if (rc == 0)
                rc = get_string(c, k_role, &role, prefix, msg, cap);
            if (rc == 0)
                rc = get_string(c, k_phone, &phone, prefix, msg, cap);
            if (rc == 0)
                rc = get_string(c, k_email, &email, prefix, msg, cap);
            if (rc == 0)
                rc = prs_doc_add_contact(
                    &r->doc, name ? json_string_value(name) : NULL,
                    role ? json_string_value(role) : NULL,
                    phone ? json_string_value(phone) : NULL,
                    email ? json_string_value(email) : NULL);
        } else {
            snprintf(msg, cap, "'contacts[%zu]' must be an object or a string, "
                     "not %s", i, type_name(c));
            return PRS_E_PARSE;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Fills r->doc from one decoded record. Returns 0, PRS_E_PARSE with msg
 * (a bad record) or PRS_E_NOMEM. */
static int to_doc(struct run *r, json_t *obj, char *msg, size_t cap)
{
    static const char *const k_id[] = {"id", NULL};
    static const char *const k_title[] = {"title", NULL};
    static const char *const k_org[] = {"org", "organisation", "organization",
                                        NULL};
    static const char *const k_pub[] = {"published", "date", NULL};
    static const char *const k_type[] = {"type", NULL};
    static const char *const k_section[] = {"section", NULL};
    static const char *const k_lead[] = {"lead", "ingress", NULL};
    static const char *const k_body[] = {"body", NULL};
    static const char *const k_url[] = {"url", NULL};
    static const char *const k_sender[] = {"sender", NULL};
    static const char *const k_about[] = {"about", NULL};
    struct prs_doc *doc = &r->doc;
    if (!json_is_object(obj)) {
        snprintf(msg, cap, "record must be a JSON object, not %s",
                 type_name(obj));
        return PRS_E_PARSE;
    }
    json_t *id, *title, *org, *pub, *type, *section, *lead, *body, *url,
        *sender, *about;
    int rc = get_string(obj, k_id, &id, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_title, &title, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_org, &org, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_pub, &pub, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_type, &type, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_section, &section, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_lead, &lead, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_body, &body, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_url, &url, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_sender, &sender, "", msg, cap);
    if (rc == 0)
        rc = get_string(obj, k_about, &about, "", msg, cap);
    if (rc < 0)
        return rc;
    rc = set_plain(&doc->id, id, &r->text);
    if (rc == 0 && !doc->id) {
        snprintf(msg, cap, id ? "'id' is empty" : "missing 'id'");
        return PRS_E_PARSE;
    }
    if (rc == 0)
        rc = set_plain(&doc->title, title, &r->text);
    if (rc == 0 && !doc->title) {
        snprintf(msg, cap, title ? "'title' is empty" : "missing 'title'");
        return PRS_E_PARSE;
    }
    if (rc == 0 && pub) {
        rc = prs__set_date(&doc->published, json_string_value(pub),
                           json_string_length(pub));
        if (rc == PRS_E_PARSE) {
            char v[48];
            snip(json_string_value(pub), json_string_length(pub), v, sizeof v);
            snprintf(msg, cap, "'published' is not a date: \"%s\"", v);
            return rc;
        }
    }
    if (rc == 0)
        rc = set_plain(&doc->org, org, &r->text);
    if (rc == 0)
        rc = set_plain(&doc->type, type ? type : section, &r->text);
    if (rc == 0)
        rc = set_verbatim(&doc->url, url);
    if (rc == 0)
        rc = set_plain(&doc->sender, sender, &r->text);
    if (rc == 0)
        rc = set_verbatim(&doc->about, about);
    if (rc == 0)
        rc = set_markdown(&doc->lead, lead, &r->text);
    if (rc == 0 && body) {
        prs_buf_reset(&r->text);
        rc = prs_md_to_text(json_string_value(body), json_string_length(body),
                            &r->text);
        if (rc == 0 && r->text.len)
            rc = prs__set_lead_body(doc, r->text.data, r->text.len);
    }
    if (rc == 0)
        rc = contacts(r, json_object_get(obj, "contacts"), msg, cap);
    if (rc == PRS_E_PARSE && !msg[0])
        snprintf(msg, cap, "text is not valid UTF-8");
    return rc;
}

/* Parses one record's bytes and hands the document on. Returns < 0 only
 * when the whole run must stop (out of memory, ok() aborted). */
static int record(struct run *r, const char *data, size_t len, size_t where,
                  size_t line)
{
    char msg[PRS_ERR_MSG_MAX] = "";
    json_error_t jerr;
    json_t *obj = json_loadb(data, len, JSON_DECODE_ANY, &jerr);
    if (!obj) {
        if (r->array || jerr.line > 1)
            snprintf(msg, sizeof msg, "invalid JSON at line %zu, column %d: %s",
                     line + (size_t)(jerr.line > 0 ? jerr.line - 1 : 0),
                     jerr.column, jerr.text);
        else
            snprintf(msg, sizeof msg, "invalid JSON at column %d: %s",
                     jerr.column, jerr.text);
        report(r, where, line, msg);
        return 0;
    }
    int rc = to_doc(r, obj, msg, sizeof msg);
    json_decref(obj);
    if (rc == PRS_E_PARSE) {
        report(r, where, line, msg);
        rc = 0;
    } else if (rc == 0 && r->ok) {
        rc = r->ok(&r->doc, r->ctx);
        if (rc > 0) {
            r->stop = 1;
            rc = 0;
        } else if (rc < 0) {
            r->abort = rc;
            prs_err_set(r->src->err, rc, "%s:%zu: stopped by the record handler",
                        r->src->name, where);
        }
    } else if (rc < 0) {
        prs_err_set(r->src->err, rc, "%s:%zu: out of memory", r->src->name,
                    where);
    }
    prs_doc_clear(&r->doc);
    return rc;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* ---- shapes -------------------------------------------------------------- */

static int run_lines(struct run *r, size_t line)
{
    struct src *s = r->src;
    int rc = 0;
    for (;;) {
        bool too_long = false, any = false;
        prs_buf_reset(&r->rec);
        line++;
        for (;;) {
            if (s->pos == s->len) {
                int f = src_fill(s);
                if (f < 0)
                    return f;
                if (f == 0)
                    break;
            }
            any = true;
            const char *start = s->buf + s->pos;
            size_t avail = s->len - s->pos;
            const char *nl = memchr(start, '\n', avail);
            size_t take = nl ? (size_t)(nl - start) : avail;
            if (!too_long && r->rec.len + take > PRS_PARSE_MAX_RECORD) {
                too_long = true;
                prs_buf_free(&r->rec);
            }
            if (!too_long && prs_buf_append(&r->rec, start, take) < 0)
                return prs_err_set(s->err, PRS_E_NOMEM, "%s:%zu: out of memory",
                                   s->name, line);
            s->pos += take + (nl ? 1 : 0);
            if (nl)
                break;
        }
        if (!any)
            return 0;
        if (too_long) {
            char msg[96];
            snprintf(msg, sizeof msg, "line longer than %u bytes; skipped",
                     PRS_PARSE_MAX_RECORD);
            report(r, line, line, msg);
        } else if (!blank(r->rec.data ? r->rec.data : "", r->rec.len)) {
            rc = record(r, r->rec.data, r->rec.len, line, line);
            if (rc < 0 || r->stop)
                return rc;
        }
    }
}

/* Structural state while cutting a value out of the stream. */
struct cut {
    int depth;
    bool in_str, esc;
};

/* Feeds one byte; returns true when it closes a bracket back to depth 0. */
static bool cut_step(struct cut *c, int ch)
{
    if (c->in_str) {
        if (c->esc)
            c->esc = false;
        else if (ch == '\\')
            c->esc = true;
        else if (ch == '"')
            c->in_str = false;
        return false;
    }
    if (ch == '"') {
        c->in_str = true;
    } else if (ch == '{' || ch == '[') {
        c->depth++;
    } else if (ch == '}' || ch == ']') {
        c->depth--;
        return c->depth == 0;
    }
    return false;
}

static bool is_ws(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Appends a byte to the record unless it grew too large. */
static int rec_put(struct run *r, int ch, bool *too_long)
{
    if (*too_long)
        return 0;
    if (r->rec.len >= PRS_PARSE_MAX_RECORD) {
        *too_long = true;
        prs_buf_free(&r->rec);
        return 0;
    }
    char c = (char)ch;
    return prs_buf_append(&r->rec, &c, 1);
}

/* Hands on the collected bytes of one value (or reports why not). */
static int finish_value(struct run *r, bool too_long, bool complete,
                        size_t where, size_t line)
{
    if (too_long) {
        char msg[96];
        snprintf(msg, sizeof msg, "record longer than %u bytes; skipped",
                 PRS_PARSE_MAX_RECORD);
        report(r, where, line, msg);
        return 0;
    }
    if (!complete) {
        report(r, where, line, "unterminated record at the end of the file");
        return 0;
    }
    return record(r, r->rec.data ? r->rec.data : "", r->rec.len, where, line);
}

/* "[ {...}, {...} ]", element by element. ch is the '[' already read. */
static int run_array(struct run *r, size_t *line)
{
    struct src *s = r->src;
    size_t index = 0;
    r->array = true;
    for (;;) {
        int ch;
        do {
            ch = src_getc(s);
            *line += ch == '\n';
        } while (is_ws(ch));
        if (ch < -1)
            return s->failed;
        if (ch == -1) {
            report(r, index + 1, *line, "the array is not closed with ']'");
            return 0;
        }
        if (ch == ']' && index == 0)
            break; /* "[]" */
        index++;
        size_t start_line = *line;
        struct cut c = {0};
        bool too_long = false, complete = false;
        prs_buf_reset(&r->rec);
        /* Collect up to the ',' or ']' that ends the element. */
        for (;;) {
            if (!c.in_str && c.depth == 0 && (ch == ',' || ch == ']')) {
                complete = true;
                break;
            }
            int rc = rec_put(r, ch, &too_long);
            if (rc < 0)
                return prs_err_set(s->err, rc, "%s: out of memory", s->name);
            cut_step(&c, ch);
            if (c.depth < 0) {
                complete = true; /* an extra '}' or ']': jansson says why */
                ch = ',';
                break;
            }
            ch = src_getc(s);
            if (ch < -1)
                return s->failed;
            if (ch == -1)
                break;
            *line += ch == '\n';
        }
        size_t n = r->rec.len;
        while (n && is_ws((unsigned char)r->rec.data[n - 1]))
            n--;
        if (r->rec.data)
            r->rec.len = n;
        if (complete && n == 0 && !too_long)
            report(r, index, start_line, "empty array element");
        else {
            int rc = finish_value(r, too_long, complete, index, start_line);
            if (rc < 0 || r->stop)
                return rc;
        }
        if (!complete)
            return 0;
        if (ch == ']')
            break;
    }
    /* Only white space may follow the array. */
    int ch;
    do {
        ch = src_getc(s);
        *line += ch == '\n';
    } while (is_ws(ch));
    if (ch < -1)
        return s->failed;
    if (ch != -1)
        report(r, index + 1, *line, "text after the end of the array");
    return 0;
}

/* One or more top-level values that may span lines ("{...}\n{...}"). ch is
 * the first non-blank byte, already read. */
static int run_values(struct run *r, int ch, size_t *line)
{
    struct src *s = r->src;
    for (;;) {
        while (is_ws(ch)) {
            ch = src_getc(s);
            *line += ch == '\n';
        }
        if (ch < -1)
            return s->failed;
        if (ch == -1)
            return 0;
        size_t start_line = *line;
        struct cut c = {0};
        bool too_long = false, complete = false, bracketed = ch == '{' || ch == '[';
        prs_buf_reset(&r->rec);
        for (;;) {
            int rc = rec_put(r, ch, &too_long);
            if (rc < 0)
                return prs_err_set(s->err, rc, "%s: out of memory", s->name);
            bool closed = cut_step(&c, ch);
            if (bracketed && (closed || c.depth < 0)) {
                complete = true;
                ch = src_getc(s);
                *line += ch == '\n';
                break;
            }
            ch = src_getc(s);
            if (ch < 0)
                break;
            *line += ch == '\n';
            if (!bracketed && !c.in_str && c.depth == 0 && is_ws(ch)) {
                complete = true;
                break;
            }
        }
        if (ch < -1)
            return s->failed;
        if (!bracketed && ch == -1)
            complete = true;
        int rc = finish_value(r, too_long, complete, start_line, start_line);
        if (rc < 0 || r->stop || !complete)
            return rc;
    }
}

static int run_any(struct run *r, int format)
{
    struct src *s = r->src;
    /* The first non-blank byte picks the shape. */
    size_t line = 1;
    int ch;
    do {
        ch = src_getc(s);
        line += ch == '\n';
    } while (is_ws(ch));
    if (ch < -1)
        return s->failed;
    if (ch == -1)
        return 0;
    if (ch == '[')
        return run_array(r, &line);
    if (format == PRS_FMT_JSON)
        return run_values(r, ch, &line);
    /* JSON Lines: put the byte back (src_getc just took it from the
     * buffer) and go line by line. */
    s->pos--;
    return run_lines(r, line - 1);
}

static int parse_src(struct src *s, int format, prs_record_fn ok,
                     prs_bad_record_fn bad, void *ctx)
{
    struct run r = {.src = s, .ok = ok, .bad = bad, .ctx = ctx};
    int rc = run_any(&r, format);
    if (rc == 0 && r.abort)
        rc = r.abort;
    prs_doc_clear(&r.doc);
    prs_buf_free(&r.text);
    prs_buf_free(&r.rec);
    return rc;
}

int prs_parse_json_file(const char *path, size_t max_bytes, prs_record_fn ok,
                        prs_bad_record_fn bad, void *ctx, struct prs_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return prs_err_errno(err, errno == ENOENT ? PRS_E_NOTFOUND : PRS_E_IO,
                             errno, "%s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return prs_err_errno(err, PRS_E_IO, e, "%s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return prs_err_set(err, PRS_E_BADARG, "%s: is a directory", path);
    }
    struct src *s = calloc(1, sizeof *s);
    gzFile gz = s ? gzdopen(fd, "rb") : NULL;
    if (!gz) {
        free(s);
        close(fd);
        return prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
    }
    gzbuffer(gz, 128 * 1024);
    s->gz = gz;
    s->name = path;
    s->err = err;
    s->max_bytes = max_bytes;
    int format = prs_format_from_path(path);
    int rc = parse_src(s, format == PRS_FMT_JSON ? PRS_FMT_JSON : PRS_FMT_JSONL,
                       ok, bad, ctx);
    gzclose(gz);
    free(s);
    return rc;
}

int prs_parse_json_buffer(const char *data, size_t len, int format,
                          const char *name, prs_record_fn ok,
                          prs_bad_record_fn bad, void *ctx,
                          struct prs_err *err)
{
    struct src *s = calloc(1, sizeof *s);
    if (!s)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    s->mem = data;
    s->mem_len = len;
    s->name = name ? name : "(buffer)";
    s->err = err;
    int rc = parse_src(s, format, ok, bad, ctx);
    free(s);
    return rc;
}
