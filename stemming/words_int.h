/*
 * words_int.h: what the lexicon says about a word, for the analyzer only.
 *
 * For each word the analyzer emits, this adds the variants that need the
 * Swedish lexicon: its lemmas (PRS_VAR_LEMMA: "tullmötet" -> tullmöte,
 * "lägenheten" -> lägenhet, where Snowball's stems differ or over-stem)
 * and its compound parts (PRS_VAR_COMPOUND_PART, or
 * PRS_VAR_COMPOUND_GUESS for a split with an unknown first part).
 * Lexicon lookups and splitting cost microseconds, so results are kept in
 * a two-way set-associative cache of recent words: running text repeats
 * its words, and a hit costs one hash and one or two comparisons.
 */
#ifndef PRS_WORDS_INT_H
#define PRS_WORDS_INT_H

#include <stddef.h>

#include "analyzer.h"
#include "err.h"
#include "lexicon_int.h"
#include "stem_int.h"

/* Most lexicon variants of one word: 2 lemmas + 4 parts. */
#define PRS_WORD_MAX_VARIANTS 6

struct prs_words;

/* A cache of nslots words (rounded up to a power of two, at least 2;
 * 192 bytes each) over lx (borrowed: it must outlive the cache). */
struct prs_words *prs_words_new(const struct prs_lexicon *lx,
                                size_t nslots, struct prs_err *err);
void prs_words_free(struct prs_words *w); /* NULL ok */

/* Writes the lexicon variants of the folded word text[0..len) into out
 * (PRS_WORD_MAX_VARIANTS entries) and returns how many. stem is used
 * for the parts' stems, so it ends the life of its previous result. The
 * variants' strings live in w until the next call. */
size_t prs_words_variants(struct prs_words *w, struct prs_stem *stem,
                          const char *text, size_t len,
                          struct prs_variant *out);

#endif
