/*
 * fold_int.h: å/ä/ö-forgiving forms, for the stemming module only.
 *
 * The analyzer keeps å, ä and ö as letters of their own ("för" is not
 * "for"); the variants stage adds the folded form as an extra term so that
 * a visitor typing without Swedish letters ("malmo tingsratt") still
 * reaches "Malmö tingsrätt", ranked below the exact form.
 */
#ifndef PRS_FOLD_INT_H
#define PRS_FOLD_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes text[0..len) (NFC, case-folded UTF-8, as the analyzer makes it)
 * with every diacritic removed into out (cap bytes incl. NUL): å, ä -> a,
 * ö -> o, é -> e, ü -> u, ç -> c, ..., plus ø -> o and æ -> ae, which do
 * not decompose. Returns true, with the length in *out_len, when the result
 * differs from text and fits; false when text has nothing to fold (the
 * common, ASCII case costs one scan) or the result does not fit.
 * Allocates nothing. */
bool prs_fold_diacritics(const char *text, size_t len, char *out, size_t cap,
                         size_t *out_len);

#endif
