/*
 * parse_int.h: helpers shared by the parsers inside prs_parse only.
 * Not part of the contract for other modules (that is parse.h).
 */
#ifndef PRS_PARSE_INT_H
#define PRS_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "err.h"
#include "strutil.h"

/* Checks that s[0..len) is UTF-8 text: no NUL byte ("binary file") and no
 * malformed sequence. Returns 0, or PRS_E_PARSE with a message naming the
 * byte offset and 1-based line. */
int prs__check_text(const char *s, size_t len, struct prs_err *err);

/* Advances *s past a UTF-8 byte-order mark, if any. */
void prs__skip_bom(const char **s, size_t *len);
/* Skips a BOM, refuses an empty or blank text ("empty file") and, when
 * check_utf8, anything prs__check_text() refuses. */
int prs__begin_text(const char **text, size_t *len, bool check_utf8,
                    struct prs_err *err);

/* Length of the white space at p (ASCII white space and C0 controls, DEL,
 * U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000), 0 if none. */
size_t prs__space_len(const char *p, size_t avail);

/* Length of an invisible character at p that text drops (U+00AD soft
 * hyphen, U+200B zero-width space, U+2060 word joiner, U+FEFF), 0 if none. */
size_t prs__ignorable_len(const char *p, size_t avail);

/* Appends s[0..len) to out with every run of white space (see
 * prs__space_len(), newlines included) collapsed to one ' ', ignorable
 * characters dropped, and no space at either end. s must be valid UTF-8.
 * Returns 0 or PRS_E_NOMEM. */
int prs__append_collapsed(struct prs_buf *out, const char *s, size_t len);

/* True if s[0..len) equals word ignoring ASCII case. */
bool prs__eq_nocase(const char *s, size_t len, const char *word);

/* True if s[0..len) starts with prefix ignoring ASCII case. */
bool prs__starts_nocase(const char *s, size_t len, const char *prefix);

/* Stores text (paragraphs separated by "\n\n") in the document: if the
 * lead is still unset, the first paragraph becomes the lead and the rest
 * the body; otherwise all of it becomes the body. Returns 0 or
 * PRS_E_NOMEM. */
int prs__set_lead_body(struct prs_doc *doc, const char *text, size_t len);

/* Stores a date written in any form prs_doc_normalize_date() accepts in
 * *field. Returns 0, PRS_E_PARSE (not a date; *field untouched) or
 * PRS_E_NOMEM. */
int prs__set_date(char **field, const char *s, size_t len);

/* Words in s[0..len) (runs of non-' '). */
size_t prs__count_words(const char *s, size_t len);

/* True if s[0..len) ends with sentence punctuation (. ! ? : ;). */
bool prs__ends_sentence(const char *s, size_t len);

/* A publication line: "25.11.2022 14:00:06 CET | Pressmeddelande". */
struct prs__dateline {
    bool standalone; /* the line is only a date (and a type) */
    bool teaser;     /* "Some title25.11.2022 14:00:06 CET | Type" */
    char date[32];   /* normalised (prs_doc_normalize_date()) */
    const char *type; /* into the line, or NULL */
    size_t type_len;
};

/* Recognises a line (white space collapsed) that is, or ends in, a
 * publication date, with an optional type after '|', '•' or '·' (or before
 * it). A date inside a sentence is not one. Returns true and fills dl. */
bool prs__scan_dateline(const char *s, size_t len, struct prs__dateline *dl);

/* Writes the code point cp (not NUL, not a surrogate, <= 0x10FFFF) as UTF-8
 * into out[4]; returns the byte count, 0 if cp is not allowed. */
size_t prs__utf8_encode(unsigned long cp, char *out);

#endif
