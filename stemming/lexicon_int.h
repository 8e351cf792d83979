/*
 * lexicon_int.h: the Swedish word list, for the stemming module only.
 *
 * Compound splitting and lemmas need to know which strings are Swedish
 * words and what their base forms are. The build derives that list from
 * Debian's hunspell-sv (stemming/make_lexicon.py): one "form<TAB>lemma
 * <TAB>kind" line per word form, sorted by bytes. It is mapped read-only
 * and searched in place, so its pages are shared by every analyzer and
 * every process on the machine; opening it indexes where its lines start
 * (one pass, 4 bytes a line: 3 MB).
 */
#ifndef PRS_LEXICON_INT_H
#define PRS_LEXICON_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct prs_lexicon;

/* One lemma of a form; lemma points into the mapped file (not NUL-ended). */
struct prs_lex_entry {
    const char *lemma;
    size_t lemma_len;
    /* Hunspell allows the form only inside compounds ("kvinno", "skol"). */
    bool compound_only;
};

/* Maps the lexicon at path. A missing or empty file is PRS_E_IO with a
 * message naming the path. */
struct prs_lexicon *prs_lexicon_open(const char *path, struct prs_err *err);
void prs_lexicon_close(struct prs_lexicon *lx); /* NULL ok */

/* Fills out[0..cap) with the entries of form[0..len) (already folded) and
 * returns how many there are (possibly more than cap; 0 if the form is
 * not a word). A malformed file never reads out of bounds. */
size_t prs_lexicon_find(const struct prs_lexicon *lx, const char *form,
                        size_t len, struct prs_lex_entry *out, size_t cap);

/* The path the analyzer opens: $PRSEARCH_LEXICON if set, else the build
 * tree's lexicon if it exists, else the installed one. */
const char *prs_lexicon_default_path(void);

#endif
