/*
 * snippet.h: picks the passage of a release that best shows why it
 * matched, and marks the matched words.
 *
 * Words are matched the way the query matched them: by the analyzer's
 * exact form, its stem, or a typed prefix, so "skyddsmask*" marks
 * "skyddsmasker" and "försvaret" marks "försvar".
 */
#ifndef PRS_SNIPPET_H
#define PRS_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "err.h"
#include "strutil.h"

/* What to mark; built once per query. */
struct prs_marker;

struct prs_marker *prs_marker_new(void); /* NULL on allocation failure */
void prs_marker_free(struct prs_marker *m); /* NULL ok */
/* Marks tokens whose folded text equals word or whose stem equals stem
 * (either may be NULL). */
int prs_marker_add_word(struct prs_marker *m, const char *word,
                        const char *stem);
/* Marks tokens that have a variant of this kind (enum prs_variant_kind)
 * with this text: (PRS_VAR_FOLDED, "malmo") marks "Malmö",
 * (PRS_VAR_COMPOUND_PART, "kabla") marks "undervattenskablar". */
int prs_marker_add_variant(struct prs_marker *m, int kind, const char *text);
/* Marks tokens whose folded text starts with prefix. */
int prs_marker_add_prefix(struct prs_marker *m, const char *prefix);
/* True if the marker has nothing to mark. */
bool prs_marker_empty(const struct prs_marker *m);

struct prs_mark {
    size_t start, end; /* byte range in the source text */
};

/* A window of a borrowed source text with its marked words. */
struct prs_snippet {
    const char *text;  /* the source text (borrowed) */
    size_t start, end; /* the window */
    struct prs_mark *marks;
    size_t nmarks, cap;
};

/* Chooses the window of at most max_bytes of text with the most distinct
 * marked words (the start of the text when nothing matches) and fills s,
 * whose marks array is reused between calls (free with
 * prs_snippet_free()). Returns 0 or PRS_E_NOMEM. */
int prs_snippet_make(struct prs_analyzer *an, const struct prs_marker *m,
                     const char *text, size_t len, size_t max_bytes,
                     struct prs_snippet *s);
void prs_snippet_free(struct prs_snippet *s);

/* Appends the window to out with white space collapsed and "…" where it
 * cuts the text: as HTML (escaped, matched words in <mark>), as terminal
 * text (matched words between the given on/off strings), or plain. */
int prs_snippet_html(const struct prs_snippet *s, struct prs_buf *out);
int prs_snippet_text(const struct prs_snippet *s, const char *on,
                     const char *off, struct prs_buf *out);

/* Appends s[0..len) HTML-escaped (& < > " ') to out. */
int prs_html_escape(const char *s, size_t len, struct prs_buf *out);

#endif
