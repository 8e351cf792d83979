/*
 * stem_int.h: the Snowball Swedish stemmer, for the stemming module only.
 *
 * stem.c is the only file that includes <libstemmer.h>; the rest of the
 * module goes through these three functions, so a change of stemming
 * library (or a second algorithm) stays in one place.
 */
#ifndef PRS_STEM_INT_H
#define PRS_STEM_INT_H

#include <stddef.h>

#include "err.h"

struct prs_stem;

/* Returns a new Swedish (UTF-8) stemmer; free with prs_stem_free().
 * NULL + err on failure. */
struct prs_stem *prs_stem_new(struct prs_err *err);
void prs_stem_free(struct prs_stem *s); /* NULL ok */

/* Stems word[0..len). Borrowed, NUL-ended result owned by s, valid until
 * the next call on s; NULL when Snowball runs out of memory or len does not
 * fit Snowball's int. */
const char *prs_stem_word(struct prs_stem *s, const char *word, size_t len,
                          size_t *out_len);

#endif
