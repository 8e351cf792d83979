/*
 * parse_util.c: what every parser shares: format detection, reading a
 * (possibly gzipped) file, the UTF-8 gate, white-space normalisation and
 * the lead/body split.
 */
#include "parse.h"
#include "parse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- formats ------------------------------------------------------------ */

static const struct {
    const char *ext;
    int format;
} format_exts[] = {
    {".md", PRS_FMT_MARKDOWN},   {".markdown", PRS_FMT_MARKDOWN},
    {".txt", PRS_FMT_DUMP},      {".html", PRS_FMT_HTML},
    {".htm", PRS_FMT_HTML},      {".jsonl", PRS_FMT_JSONL},
    {".ndjson", PRS_FMT_JSONL},  {".json", PRS_FMT_JSON},
};

static bool ends_with_nocase(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len > n && strncasecmp(s + len - n, suffix, n) == 0;
}

int prs_format_from_path(const char *path)
{
    if (!path)
        return PRS_FMT_UNKNOWN;
    size_t len = strlen(path);
    if (ends_with_nocase(path, len, ".gz"))
        len -= 3;
    for (size_t i = 0; i < sizeof format_exts / sizeof *format_exts; i++) {
        if (ends_with_nocase(path, len, format_exts[i].ext)) {
            /* "dir/.md" is a hidden file named ".md", not Markdown. */
            size_t n = strlen(format_exts[i].ext);
            if (path[len - n - 1] == '/')
                return PRS_FMT_UNKNOWN;
            return format_exts[i].format;
        }
    }
    return PRS_FMT_UNKNOWN;
}

const char *prs_format_name(int format)
{
    switch (format) {
    case PRS_FMT_MARKDOWN: return "markdown";
    case PRS_FMT_DUMP: return "dump";
    case PRS_FMT_HTML: return "html";
    case PRS_FMT_JSONL: return "jsonl";
    case PRS_FMT_JSON: return "json";
    }
    return "unknown";
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

int prs_date_from_path(const char *path, char *out, size_t cap)
{
    if (!path || !out || cap < 8)
        return PRS_E_NOTFOUND;
    /* The last "/YYYY/MM/" wins: a folder named like a year higher up the
     * tree (an archive of 2019 copied into "backup/2024/") is less
     * specific than the one next to the file. */
    const char *found = NULL;
    for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
        if (is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
            is_digit(p[4]) && p[5] == '/' && is_digit(p[6]) &&
            is_digit(p[7]) && p[8] == '/') {
            int year = (p[1] - '0') * 1000 + (p[2] - '0') * 100 +
                       (p[3] - '0') * 10 + (p[4] - '0');
            int month = (p[6] - '0') * 10 + (p[7] - '0');
            if (year >= 1900 && year <= 2999 && month >= 1 && month <= 12)
                found = p + 1;
        }
    }
    if (!found)
        return PRS_E_NOTFOUND;
    memcpy(out, found, 4);
    out[4] = '-';
    memcpy(out + 5, found + 5, 2);
    out[7] = '\0';
    return 0;
}

char *prs_parse_read_file(const char *path, size_t max_bytes, size_t *len_out,
                          struct prs_err *err)
{
    struct prs_buf b = {0};
    gzFile gz = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        prs_err_errno(err, errno == ENOENT ? PRS_E_NOTFOUND : PRS_E_IO, errno,
                      "%s", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        prs_err_errno(err, PRS_E_IO, errno, "%s", path);
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        prs_err_set(err, PRS_E_BADARG, "%s: is a directory", path);
        close(fd);
        return NULL;
    }
    gz = gzdopen(fd, "rb");
    if (!gz) {
        prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
        close(fd);
        return NULL;
    }
    gzbuffer(gz, 128 * 1024);
    char chunk[65536];
    for (;;) {
        int n = gzread(gz, chunk, sizeof chunk);
        if (n < 0)
            break;
        if (n == 0)
            break;
        if (max_bytes && b.len + (size_t)n > max_bytes) {
            prs_err_set(err, PRS_E_RANGE,
                        "%s: file too large (limit %zu bytes%s)", path,
                        max_bytes, gzdirect(gz) ? "" : " after decompression");
            goto fail;
        }
        if (prs_buf_append(&b, chunk, (size_t)n) < 0) {
            prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
            goto fail;
        }
    }
    int zerr = Z_OK;
    const char *zmsg = gzerror(gz, &zerr);
    if (zerr == Z_ERRNO) {
        prs_err_errno(err, PRS_E_IO, errno, "%s", path);
        goto fail;
    }
    if (zerr != Z_OK) {
        prs_err_set(err, PRS_E_PARSE, "%s: gzip data is corrupt: %s", path,
                    zmsg ? zmsg : "unknown error");
        goto fail;
    }
    gzclose(gz);
    if (len_out)
        *len_out = b.len;
    char *data = prs_buf_steal(&b);
    if (!data)
        prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
    return data;
fail:
    gzclose(gz);
    prs_buf_free(&b);
    return NULL;
}

int prs_parse_buffer(int format, const char *text, size_t len,
                     struct prs_doc *doc, struct prs_err *err)
{
    switch (format) {
    case PRS_FMT_MARKDOWN: return prs_parse_markdown(text, len, doc, err);
    case PRS_FMT_DUMP: return prs_parse_dump(text, len, doc, err);
    case PRS_FMT_HTML: return prs_parse_html(text, len, doc, err);
    }
    return prs_err_set(err, PRS_E_BADARG,
                       "format '%s' has no single-release parser",
                       prs_format_name(format));
}

/* ---- UTF-8 and white space ----------------------------------------------- */

/* 1-based line of byte offset at. */
static size_t line_of(const char *s, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; i++)
        line += s[i] == '\n';
    return line;
}

int prs__check_text(const char *s, size_t len, struct prs_err *err)
{
    /* A NUL anywhere says "binary file" better than the first stray byte. */
    const char *nul = memchr(s, '\0', len);
    if (nul) {
        size_t at = (size_t)(nul - s);
        return prs_err_set(err, PRS_E_PARSE,
                           "binary content: NUL byte at byte %zu (line %zu)",
                           at, line_of(s, at));
    }
    size_t bad = prs_utf8_error_at(s, len);
    if (bad == len)
        return 0;
    return prs_err_set(err, PRS_E_PARSE,
                       "invalid UTF-8 at byte %zu (line %zu); convert the file "
                       "to UTF-8", bad, line_of(s, bad));
}

/* Skips a BOM, refuses an empty (or all-blank) text and checks the rest
 * is UTF-8 without NUL bytes (check_utf8), as every text format does. */
int prs__begin_text(const char **text, size_t *len, bool check_utf8,
                    struct prs_err *err)
{
    prs__skip_bom(text, len);
    size_t tl = *len;
    prs_trim(*text, &tl);
    if (tl == 0)
        return prs_err_set(err, PRS_E_PARSE, "empty file");
    return check_utf8 ? prs__check_text(*text, *len, err) : 0;
}

void prs__skip_bom(const char **s, size_t *len)
{
    if (*len >= 3 && memcmp(*s, "\xEF\xBB\xBF", 3) == 0) {
        *s += 3;
        *len -= 3;
    }
}

size_t prs__space_len(const char *s, size_t avail)
{
    const unsigned char *p = (const unsigned char *)s;
    if (avail == 0)
        return 0;
    if (p[0] < 0x20 || p[0] == ' ' || p[0] == 0x7F)
        return 1;
    if (avail >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2; /* U+00A0 */
    if (avail >= 3) {
        if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
            return 3; /* U+1680 */
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x80 && p[2] <= 0x8A)
            return 3; /* U+2000..U+200A */
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF)
            return 3; /* U+202F */
        if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
            return 3; /* U+205F */
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            return 3; /* U+3000 */
    }
    return 0;
}

size_t prs__ignorable_len(const char *s, size_t avail)
{
    const unsigned char *p = (const unsigned char *)s;
    if (avail >= 2 && p[0] == 0xC2 && p[1] == 0xAD)
        return 2; /* U+00AD */
    if (avail >= 3) {
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8B)
            return 3; /* U+200B */
        if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0)
            return 3; /* U+2060 */
        if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
            return 3; /* U+FEFF */
    }
    return 0;
}

int prs__append_collapsed(struct prs_buf *out, const char *s, size_t len)
{
    bool pending_space = false;
    bool any = false;
    size_t i = 0;
    while (i < len) {
        size_t k = prs__space_len(s + i, len - i);
        if (k) {
            pending_space = any;
            i += k;
            continue;
        }
        k = prs__ignorable_len(s + i, len - i);
        if (k) {
            i += k;
            continue;
        }
        /* Copy the run of ordinary bytes up to the next special one. */
        size_t j = i + 1;
        while (j < len && (unsigned char)s[j] >= 0x20 && s[j] != ' ' &&
               s[j] != 0x7F &&
               !((unsigned char)s[j] >= 0xC2 && (unsigned char)s[j] <= 0xEF &&
                 (prs__space_len(s + j, len - j) ||
                  prs__ignorable_len(s + j, len - j))))
            j++;
        if (pending_space && prs_buf_putc(out, ' ') < 0)
            return PRS_E_NOMEM;
        pending_space = false;
        if (prs_buf_append(out, s + i, j - i) < 0)
            return PRS_E_NOMEM;
        any = true;
        i = j;
    }
    return 0;
}

size_t prs__count_words(const char *s, size_t len)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') {
            in = false;
        } else if (!in) {
            in = true;
            w++;
        }
    }
    return w;
}

bool prs__ends_sentence(const char *s, size_t len)
{
    return len && strchr(".!?:;", s[len - 1]);
}

bool prs__eq_nocase(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

bool prs__starts_nocase(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

int prs__set_lead_body(struct prs_doc *doc, const char *text, size_t len)
{
    if (doc->lead)
        return prs_doc_set(&doc->body, text, len);
    const char *brk = NULL;
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] == '\n' && text[i + 1] == '\n') {
            brk = text + i;
            break;
        }
    }
    if (!brk)
        return prs_doc_set(&doc->lead, text, len);
    int rc = prs_doc_set(&doc->lead, text, (size_t)(brk - text));
    if (rc == 0)
        rc = prs_doc_set(&doc->body, brk, len - (size_t)(brk - text));
    return rc;
}

int prs__set_date(char **field, const char *s, size_t len)
{
    char in[64], out[32];
    size_t n = len;
    const char *t = prs_trim(s, &n);
    if (n == 0 || n >= sizeof in)
        return PRS_E_PARSE;
    memcpy(in, t, n);
    in[n] = '\0';
    if (prs_doc_normalize_date(in, out, sizeof out) < 0)
        return PRS_E_PARSE;
    return prs_doc_set(field, out, strlen(out));
}

size_t prs__utf8_encode(unsigned long cp, char *out)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
