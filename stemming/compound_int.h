/*
 * compound_int.h: Swedish compound splitting, for the stemming module only.
 *
 * Swedish writes compounds as one word ("undervattenskablar",
 * "kvinnojourer"), so a search for a part ("kablar") must reach the
 * compound, and a compound must reach its parts written apart
 * ("beredskaps- och försörjningsplanering"). A split is accepted only
 * when the lexicon (lexicon_int.h) knows every part:
 *
 *   head      the last part, a word of at least 3 letters that may end a
 *             compound (not a stop word, not a suffix-like word such as
 *             "het"); the longest such head is tried first
 *   modifier  what precedes it: a word ("skogs" -> skog), a word plus a
 *             linking letter -s-, -e-, -a-, -u-, -o- ("beredskaps"), a
 *             shortened first part ("kvinno" -> kvinna, "skol" -> skola),
 *             a compound-only form from Hunspell, or itself a compound;
 *             never a particle ("för", "an", "be", "upp", ...) so that
 *             "förslag" and "anslag" stay whole
 */
#ifndef PRS_COMPOUND_INT_H
#define PRS_COMPOUND_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lexicon_int.h"

#define PRS_COMPOUND_MAX_PARTS 4

struct prs_compound_part {
    const char *surface; /* the part as written in the word */
    size_t surface_len;
    const char *lemma;   /* its base form (lexicon memory or the word) */
    size_t lemma_len;
};

/* Splits word[0..len) (folded, letters only) into at most
 * PRS_COMPOUND_MAX_PARTS parts and returns how many (0: not a compound).
 * scratch (at least len + 1 bytes) holds the spellings tried for
 * shortened modifiers; parts point into word or into the lexicon. With guess, a word that does not split but ends in a head
 * after an unknown first part of 2+ letters ("hrdirektör", "ipceiprojekt")
 * is split into those two, and *guessed is set: good enough to look for
 * the parts written apart at query time, not to index. */
size_t prs_compound_split(const struct prs_lexicon *lx, const char *word,
                          size_t len, bool guess, char *scratch,
                          struct prs_compound_part *parts, bool *guessed);

/* Swedish stop words ("och", "att", "för", ...), folded. */
bool prs_is_stopword(const char *w, size_t len);

#endif
