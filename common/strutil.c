#include "strutil.h"

#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int prs_parse_int_range(const char *s, long long min, long long max,
                        long long *out)
{
    if (!s || !*s)
        return PRS_E_BADARG;
    /* strtoll accepts leading space and '+'; a parameter should not. */
    if (!(*s == '-' || (*s >= '0' && *s <= '9')))
        return PRS_E_BADARG;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0')
        return PRS_E_BADARG;
    if (errno == ERANGE || v < min || v > max)
        return PRS_E_RANGE;
    *out = v;
    return 0;
}

static int reserve(struct prs_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return PRS_E_NOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return PRS_E_NOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int prs_buf_append(struct prs_buf *b, const void *data, size_t len)
{
    if (reserve(b, len) < 0)
        return PRS_E_NOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int prs_buf_puts(struct prs_buf *b, const char *s)
{
    return prs_buf_append(b, s, strlen(s));
}

int prs_buf_putc(struct prs_buf *b, char c) { return prs_buf_append(b, &c, 1); }

int prs_buf_printf(struct prs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) < 0)
        return PRS_E_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void prs_buf_reset(struct prs_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void prs_buf_free(struct prs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *prs_buf_steal(struct prs_buf *b)
{
    char *s = b->data ? b->data : strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

char *prs_read_file(const char *path, size_t max_bytes, size_t *len_out,
                    struct prs_err *err)
{
    char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        prs_err_errno(err, errno == ENOENT ? PRS_E_NOTFOUND : PRS_E_IO, errno,
                      "%s", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0) {
        prs_err_errno(err, PRS_E_IO, errno, "%s", path);
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        prs_err_set(err, PRS_E_BADARG, "%s: is a directory", path);
        goto out;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        prs_err_set(err, PRS_E_RANGE, "%s: file too large (%lld bytes, limit %zu)",
                    path, (long long)st.st_size, max_bytes);
        goto out;
    }
    struct prs_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            prs_buf_free(&b);
            prs_err_set(err, PRS_E_RANGE, "%s: file too large (limit %zu bytes)",
                        path, max_bytes);
            goto out;
        }
        if (prs_buf_append(&b, chunk, n) < 0) {
            prs_buf_free(&b);
            prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
            goto out;
        }
    }
    if (ferror(f)) {
        prs_err_errno(err, PRS_E_IO, errno, "%s", path);
        prs_buf_free(&b);
        goto out;
    }
    if (len_out)
        *len_out = b.len;
    data = prs_buf_steal(&b);
    if (!data)
        prs_err_set(err, PRS_E_NOMEM, "%s: out of memory", path);
out:
    fclose(f);
    return data;
}

/* How many of the 8 bytes at p, from the first, are neither NUL nor above
 * 0x7F: Swedish text is mostly such runs, checked a word at a time, and
 * the bytes before an å are skipped without a second look. */
static size_t ascii_run8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    /* (v - ones) & ~v has a byte's high bit set where that byte is 0 (and
     * maybe in later bytes, after a borrow: never before the first). */
    const uint64_t flags = (((v - ones) & ~v) | v) & highs;
    if (!flags)
        return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(flags) / 8;
#else
    return 0; /* the byte-wise check finds it */
#endif
}

size_t prs_utf8_error_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            size_t ascii = ascii_run8(p + i);
            i += ascii;
            if (ascii == 8)
                continue;
        }
        unsigned c = p[i];
        size_t n;
        unsigned min;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
            c = (c << 6) | (p[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

bool prs_utf8_valid(const char *s, size_t len)
{
    return prs_utf8_error_at(s, len) == len;
}

/* Length of the white space (ASCII or U+00A0/U+2000..U+200B/U+202F/U+3000)
 * starting at p, 0 if none. */
static size_t space_len(const unsigned char *p, size_t avail)
{
    if (avail >= 1 && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
        return 1;
    if (avail >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8B) || p[2] == 0xAF))
        return 3;
    if (avail >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    return 0;
}

const char *prs_trim(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = *len, k;
    while (n && (k = space_len(p, n)) > 0)
        p += k, n -= k;
    /* Trailing: step back over single-byte spaces and multi-byte ones. */
    for (;;) {
        if (n && space_len(p + n - 1, 1) == 1) {
            n--;
        } else if (n >= 2 && space_len(p + n - 2, 2) == 2) {
            n -= 2;
        } else if (n >= 3 && space_len(p + n - 3, 3) == 3) {
            n -= 3;
        } else {
            break;
        }
    }
    *len = n;
    return (const char *)p;
}

uint64_t prs_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
