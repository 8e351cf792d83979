/*
 * strutil.h: checked number parsing and a growable byte buffer.
 */
#ifndef PRS_STRUTIL_H
#define PRS_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parses all of s as a decimal integer in [min, max] (strtoll with errno and
 * end checks; no atoi). Returns 0, or PRS_E_BADARG / PRS_E_RANGE. */
int prs_parse_int_range(const char *s, long long min, long long max,
                        long long *out);

/* A growable, always NUL-terminated byte buffer. Zero-initialise, then
 * append; free with prs_buf_free(). Appends return 0 or PRS_E_NOMEM. */
struct prs_buf {
    char *data;
    size_t len;
    size_t cap;
};

int prs_buf_append(struct prs_buf *b, const void *data, size_t len);
int prs_buf_puts(struct prs_buf *b, const char *s);
int prs_buf_putc(struct prs_buf *b, char c);
int prs_buf_printf(struct prs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory for reuse. */
void prs_buf_reset(struct prs_buf *b);
/* Releases the memory; the buffer is empty and reusable afterwards. */
void prs_buf_free(struct prs_buf *b);
/* Hands the string to the caller (free() it); the buffer is left empty.
 * Never NULL unless out of memory: an empty buffer yields "". */
char *prs_buf_steal(struct prs_buf *b);

/* Reads a whole file into a new NUL-terminated buffer (free() it), refusing
 * files larger than max_bytes with PRS_E_RANGE. NULL + err on failure. */
char *prs_read_file(const char *path, size_t max_bytes, size_t *len_out,
                    struct prs_err *err);

/* Offset of the first byte of s[0..len) that is a NUL or not part of
 * well-formed UTF-8; len if there is none. */
size_t prs_utf8_error_at(const char *s, size_t len);

/* True if s[0..len) is well-formed UTF-8 without NUL bytes. */
bool prs_utf8_valid(const char *s, size_t len);

/* Trims ASCII and Unicode white space (incl. U+00A0) from both ends;
 * returns a pointer into s and the new length through len. */
const char *prs_trim(const char *s, size_t *len);

/* 64-bit FNV-1a hash, for stable short keys from long strings. */
uint64_t prs_hash64(const void *data, size_t len);

#endif
