/*
 * analyzer.h: THE Swedish analyzer. Text in, terms out.
 *
 * The indexer and the query parser both call this, so a word is turned
 * into terms the same way on both sides. The pipeline, per token:
 *
 *   UTF-8 validation -> tokenisation (words, numbers, inner hyphens and
 *   colons) -> NFC + case folding (utf8proc) -> colon genitive (JO:s -> jo)
 *   -> Snowball Swedish stem -> stop word flag -> variants: lemmas and
 *   compound parts from the Swedish lexicon (Debian's hunspell-sv, see
 *   lexicon_int.h), å/ä/ö-folded forms
 *
 * An analyzer is not thread-safe: use one per thread. It reuses internal
 * buffers, so analysing text allocates nothing per token.
 *
 * Tokenisation rules, in the order a reader of the code meets them:
 *
 *   - Word characters are Unicode letters (L*), marks (M*, never at the
 *     start of a token) and decimal digits (Nd). Everything else separates:
 *     spaces (Zs, U+00A0, U+200B), punctuation, symbols, controls, NUL and
 *     every byte that is not part of well-formed UTF-8. Apostrophes (' and
 *     U+2019) separate too: "Macy's" -> "macy", "s".
 *   - Other default-ignorable characters (U+00AD soft hyphen, U+200D, U+2060,
 *     U+FEFF, ...) neither split nor join: "skydds<SHY>masker" is one token
 *     and folding removes them.
 *   - '.', ',' and ':' between two digits join: "3,5", "12:30", "1.5".
 *   - A hyphen ('-', U+2010, U+2011) between two word characters joins the
 *     parts of a hyphenated word (see PRS_TOKF_PART/JOINED); a hyphen at a
 *     word's edge and the en dash U+2013 separate.
 *   - A colon after a word character followed by 1-3 lower-case letters
 *     (Ll) at the end of the word is an inflection: "JO:s", "VD:n", "EU:ns",
 *     and ordinals "1:a", "3:e" (text "jo", "vd", "eu", "1"). Not when an
 *     address goes on after the letters ("mailto:ud@gov.se").
 *   - A token is a PRS_TOK_NUMBER when it has digits (and joiners) only,
 *     else a PRS_TOK_WORD ("co2", "covid-19").
 *   - Tokens longer than PRS_TOKEN_MAX_BYTES after folding are dropped and
 *     take no position. So are all tokens inside a run of more than
 *     PRS_TOKEN_MAX_BYTES base64 characters [A-Za-z0-9+/=] that mixes upper
 *     case, lower case and digits (inline images), since '+' and '/' would
 *     otherwise cut a blob into short garbage tokens.
 */
#ifndef PRS_ANALYZER_H
#define PRS_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Tokens longer than this (in bytes, after folding) are dropped: they are
 * base64 blobs or URLs, never words, and Xapian terms are limited to 245. */
#define PRS_TOKEN_MAX_BYTES 64

/* prs_analyzer_fold() refuses results longer than this (in bytes, after
 * folding). It folds whole labels ("Norrköpings kommun") for boolean terms,
 * so it allows more than a token; with a short prefix it stays within the
 * Xapian term limit. */
#define PRS_FOLD_MAX_BYTES 200

enum prs_token_kind {
    PRS_TOK_WORD = 0,   /* contains at least one letter (or mark) */
    PRS_TOK_NUMBER = 1, /* digits, with inner . , or : between digits */
};

enum prs_token_flags {
    /* One part of a hyphenated word ("est" and "effektiv" in EST-effektiv);
     * parts take consecutive positions, so phrases over them work. */
    PRS_TOKF_PART = 1u << 0,
    /* The whole hyphenated word ("est-effektiv"), reported after its parts
     * with the position of the first part; index it without a position. */
    PRS_TOKF_JOINED = 1u << 1,
    /* A colon genitive/inflection was removed (JO:s -> jo, VD:n -> vd). */
    PRS_TOKF_COLON_SUFFIX = 1u << 2,
    /* A Swedish stop word ("och", "att"): kept with its position, so
     * phrases stay exact; the query side may make it optional. */
    PRS_TOKF_STOP = 1u << 3,
};

/* Kinds of extra terms a token can carry (stemming/words.c, fold.c). */
enum prs_variant_kind {
    /* A part of a compound, as its lemma, with the Snowball stem of the
     * part as written: "undervattenskablar" -> undervattens (stem
     * "undervatten"), kabla (stem "kabl"); "kvinnojourer" -> kvinna, jour.
     * Only splits whose parts the lexicon knows (compound_int.h). */
    PRS_VAR_COMPOUND_PART = 1,
    /* å/ä/ö-folded form (malmö -> malmo, café -> cafe), only for words
     * whose folded form differs; stem is the folded stem (stemming/fold.c) */
    PRS_VAR_FOLDED = 2,
    /* A lemma from the lexicon ("tullmötet" -> tullmöte, "lägenheten" ->
     * lägenhet; at most 2), or for an unlisted compound the lemma of its
     * head after the rest ("statsbidraget" -> statsbidrag); stem is the
     * Snowball stem of the lemma */
    PRS_VAR_LEMMA = 3,
    /* The two parts of a word that ends in a known word after an unknown
     * first part ("hrdirektör" -> hr, direktör): a guess for finding the
     * parts written apart at query time, never indexed */
    PRS_VAR_COMPOUND_GUESS = 4,
};

/* Most variants one token carries. */
#define PRS_MAX_VARIANTS 8

struct prs_variant {
    const char *text;
    size_t len;
    int kind; /* enum prs_variant_kind */
    const char *stem; /* the variant's stem; never NULL */
    size_t stem_len;
};

/* One token; every pointer is borrowed and valid only during the callback. */
struct prs_token {
    const char *text; /* NFC, case-folded, colon suffix removed; NUL-ended */
    size_t len;
    const char *stem; /* Snowball Swedish stem of text (numbers: == text) */
    size_t stem_len;
    uint32_t pos;     /* word position: first_pos, first_pos + 1, ... */
    size_t start;     /* byte offset of the token in the input text */
    size_t end;       /* byte offset just past the token (incl. ":s") */
    int kind;         /* enum prs_token_kind */
    unsigned flags;   /* enum prs_token_flags */
    const struct prs_variant *variants;
    size_t nvariants;
};

/* Called once per token, in text order. Return 0 to go on, nonzero to stop
 * (prs_analyzer_run then returns that value). The callback may call
 * prs_analyzer_fold() or prs_analyzer_stem() on the same analyzer (which
 * ends the life of tok->stem), but not prs_analyzer_run(). */
typedef int (*prs_token_fn)(const struct prs_token *tok, void *ctx);

struct prs_analyzer;

/* How many distinct words an analyzer remembers the lexicon's answers for
 * (lemmas, compound parts: a new word costs dozens of lookups), at 192
 * bytes a word once it is met. A search's snippets meet the words of
 * every release it shows, so a server's analyzer meets much of the
 * vocabulary over time; indexing a corpus meets all of it (about 120,000
 * words in 44,000 releases). A cache much smaller than what it meets
 * looks words up again and again. */
#define PRS_ANALYZER_WORDS_QUERY 131072
#define PRS_ANALYZER_WORDS_CORPUS 262144

/* Returns a new Swedish analyzer for queries (PRS_ANALYZER_WORDS_QUERY);
 * free with prs_analyzer_free(). NULL + err on failure, also when the
 * lexicon is missing (its path: $PRSEARCH_LEXICON, else the build tree's,
 * else the installed one). */
struct prs_analyzer *prs_analyzer_new(struct prs_err *err);
/* The same with room for cache_words distinct words. */
struct prs_analyzer *prs_analyzer_new_sized(size_t cache_words,
                                            struct prs_err *err);
void prs_analyzer_free(struct prs_analyzer *a); /* NULL ok */

/* Tokenises text[0..len) and calls fn for every token. Invalid UTF-8 bytes
 * act as separators and never reach a token. Positions start at first_pos;
 * the position after the last token is stored in *next_pos (may be NULL;
 * also set when the callback stops the run or an error ends it).
 * Returns 0, the callback's nonzero value, or PRS_E_NOMEM (PRS_E_BADARG if
 * a or fn is NULL, or text is NULL with len > 0). */
int prs_analyzer_run(struct prs_analyzer *a, const char *text, size_t len,
                     uint32_t first_pos, prs_token_fn fn, void *ctx,
                     uint32_t *next_pos);

/* What prs_analyzer_run_flags() leaves out. */
enum prs_run_flags {
    /* The lexicon's variants (lemmas, compound parts and guesses): tokens
     * carry their text, stem and å/ä/ö-folded form only. For finding
     * where words are in a long text: a word the cache has not seen costs
     * dozens of lexicon lookups, the rest of a token very little. */
    PRS_RUN_NO_LEXICON = 1u << 0,
    /* Tokens come unstemmed: stem NULL (stem_len 0), no variants, no
     * PRS_TOKF_STOP. The callback completes those it needs with
     * prs_analyzer_complete(). For scanning a long text for a few words,
     * where most tokens can be ruled out by their first letters (a stem is
     * always a prefix of its word) and stemming is most of a token's cost. */
    PRS_RUN_LAZY = 1u << 1,
};

/* prs_analyzer_run() with flags (enum prs_run_flags); 0 is a full run. */
int prs_analyzer_run_flags(struct prs_analyzer *a, const char *text,
                           size_t len, uint32_t first_pos, unsigned flags,
                           prs_token_fn fn, void *ctx, uint32_t *next_pos);

/* Which tokens a run may skip (prs_analyzer_run_some()): a token passes
 * when its text starts with one of the filter's prefixes, or its
 * å/ä/ö-folded form (PRS_VAR_FOLDED) with one of its folded prefixes. A
 * new filter passes nothing. */
struct prs_token_filter;

struct prs_token_filter *prs_token_filter_new(void); /* NULL: no memory */
void prs_token_filter_free(struct prs_token_filter *f); /* NULL ok */
/* 0, or PRS_E_NOMEM (PRS_E_BADARG for a NULL filter). */
int prs_token_filter_add(struct prs_token_filter *f, const char *prefix,
                         size_t len);
int prs_token_filter_add_folded(struct prs_token_filter *f,
                                const char *prefix, size_t len);

/* prs_analyzer_run_flags() over the stretches of text between ASCII
 * white space that may hold a token passing filter; the others are
 * skipped without being tokenised, by a byte test far cheaper than
 * tokenising. Every token that passes reaches fn, in text order and with
 * the offsets of a whole run, and so may some that do not. Positions are
 * not those of a whole run: tok->pos is meaningless. For finding a few
 * words in a long text. */
int prs_analyzer_run_some(struct prs_analyzer *a, const char *text,
                          size_t len, unsigned flags,
                          const struct prs_token_filter *filter,
                          prs_token_fn fn, void *ctx);

/* Where a run may start inside a text and give, from there on, the very
 * tokens (offsets shifted) that a run over the whole text gives: the
 * start of the stretch between ASCII white space that holds offset i. */
size_t prs_analyzer_resume_at(const char *text, size_t i);

/* Gives tok, an unstemmed token of a PRS_RUN_LAZY run, what a run with
 * flags (the run's, less PRS_RUN_LAZY) would have given it: its stem, stop
 * word flag and variants. Call it from the callback, on a copy of the
 * token; the results live as the token's do. 0 or PRS_E_NOMEM. */
int prs_analyzer_complete(struct prs_analyzer *a, struct prs_token *tok,
                          unsigned flags);

/* Gives tok, an unstemmed token of a PRS_RUN_LAZY run, its lexicon
 * variants alone: its lemmas and compound parts, the first variants
 * prs_analyzer_complete() would give it; no stem, stop word flag or
 * folded form, which cost more than the lookup when the lookup's
 * answer is all the caller needs. Called as prs_analyzer_complete(). */
void prs_analyzer_lexicon_variants(struct prs_analyzer *a,
                                   struct prs_token *tok);

/* Folds one word the way tokens are folded (NFC + case fold, soft hyphens
 * removed, U+2010/U+2011 -> '-'). Nothing else changes: spaces and
 * punctuation stay. Borrowed result, NUL-ended, valid until the next call
 * on a; NULL if the input is invalid UTF-8 (or holds NUL), the result is
 * longer than PRS_FOLD_MAX_BYTES, or memory ran out. */
const char *prs_analyzer_fold(struct prs_analyzer *a, const char *word,
                              size_t len, size_t *out_len);

/* Stems one already folded word with Snowball's Swedish stemmer, nothing
 * else (no genitive handling, no variants). Borrowed result, NUL-ended,
 * valid until the next call on a; NULL on allocation failure (or len >
 * INT_MAX). Any bytes are safe to pass: Snowball bounds-checks its UTF-8
 * decoding. */
const char *prs_analyzer_stem(struct prs_analyzer *a, const char *word,
                              size_t len, size_t *out_len);

#endif
