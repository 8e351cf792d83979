/*
 * qbuild.h: compiles a reporter's query into an engine query.
 *
 * The query language is parsed by query/qparse; every word then goes
 * through the same analyzer as the indexed text (stemming/), and gets the
 * terms and prefixes that engine/schema.h gives indexed words:
 *
 *   word            OR(exact, Z+stem, Z+lemma stem, P+lemma, AND of its
 *                   compound parts, ZF+folded stem unless typed with
 *                   å/ä/ö, when the stem finds what it would), the
 *                   later ones scaled down: a release with the very form
 *                   ranks above its inflections, those above compounds
 *                   holding the word ("kablar" finds "undervattenskablar")
 *                   or the compound's parts written apart, and those above
 *                   å/ä/ö-folded matches ("malmo" finds "Malmö")
 *   EST-effektiv    OR(joined "est-effektiv", PHRASE(est, effektiv))
 *   "a b c"         PHRASE of the exact forms
 *   title:word      the same with the field's prefix; body:word, which
 *                   has no prefix of its own, is the word AND_NOT its XNB
 *                   term (schema.h), and body:prefix* looks its words up
 *                   in the index to do the same for each
 *   prefix*         the exact terms starting with prefix (bounded)
 *   last word       also as a prefix, weighted below the word: the query
 *                   may have been sent while the word was being typed
 *                   (not a stop word that is optional: its completions
 *                   could only reorder the other words' matches, at the
 *                   cost of some of the longest lists in the index)
 *   stop word       optional beside other words ("handel med haj"), and
 *                   then its exact form alone, for the same reason
 *   kkv             a word or run of plain words that is a phrase of the
 *                   synonyms (search/synonyms.h) also matches the other
 *                   phrases of its group: OR(the words, 0.8 x SYNONYM(the
 *                   words, "konkurrensverket")), so "kkv" finds releases
 *                   that only write Konkurrensverket, ranked below those
 *                   with "KKV", and "statens institutionsstyrelse" finds
 *                   "SiS"
 *
 * Every plain word also adds PRS_TITLE_BONUS x its title stem (ZS) as an
 * optional bonus: a release whose title names more of the words ranks
 * above one whose body only repeats them. Two consecutive words found
 * close together add PRS_NEAR_BONUS x their weight (proximity), to the
 * best PRS_RESCORE_WINDOW matches (search.h).
 *
 * A plain list of 3+ words (no operators, phrases, prefixes or fields) also
 * gets a forgiving query, the releases matching all words but one, which
 * search.c runs as a second tier below the releases that match them all.
 */
#ifndef PRS_QBUILD_H
#define PRS_QBUILD_H

#include <stddef.h>

#include "analyzer.h"
#include "engine.h"
#include "err.h"
#include "snippet.h"
#include "synonyms.h"

/* Most terms a prefix query expands to (the most frequent are kept). */
#define PRS_PREFIX_MAX_TERMS 100
/* The last word of a query may be unfinished: it also matches as a prefix
 * when it is at least this long, with this share of a word's weight. */
#define PRS_TYPING_MIN_BYTES 3
/* Most words the word being typed expands to. Every query's last word is
 * such a prefix, so it keeps the most frequent few: the rare completions
 * of a longer tail changed no ranking of the relevance dev sets. */
#define PRS_TYPING_MAX_TERMS 30
#define PRS_TYPING_WEIGHT 0.5
/* Shares of a word's weight for its other matches: a lemma ("tullmöte"
 * for "tullmötet"), the word as a compound part or the compound's parts
 * written apart, an å/ä/ö-folded form. */
#define PRS_LEMMA_WEIGHT 0.9
#define PRS_PART_WEIGHT 0.6
/* A split with an unknown first part ("ipcei" + "projekt") is a guess:
 * below the typed-prefix matches of a word that may be unfinished. */
#define PRS_GUESS_WEIGHT 0.3
#define PRS_FOLDED_WEIGHT 0.5
/* A compound's parts written apart (or in other compounds) are a recall
 * aid for compounds that are rare as written: a word whose stem is in at
 * least this many releases matches as written only. Each part is an OR of
 * terms, so the aid is a large share of a query's cost, and for common
 * words it mostly adds releases that mention the parts anywhere. */
#define PRS_APART_BELOW 20
/* Weight share of a query word found in the title, and of two
 * consecutive words found within PRS_NEAR_WINDOW positions of each other
 * (ranking_bonus). */
#define PRS_TITLE_BONUS 0.5
#define PRS_NEAR_BONUS 0.3
#define PRS_NEAR_WINDOW 4

/* Plain word lists of at least this many words get a forgiving query;
 * up to the max it is the OR of each all-but-one AND, beyond it the OR of
 * every word (the subsets would grow quadratically). */
#define PRS_RELAX_MIN_WORDS 3
#define PRS_RELAX_MAX_WORDS 8

/* What matches and what ranks are kept apart: counting the matches
 * (facets, totals of a tier) needs neither the bonus nor its cost (the
 * proximity pairs are found by queries of their own, engine.h). */
struct prs_qbuild {
    struct prs_query *query;   /* the releases that match */
    /* All words but one, for a plain word list (a superset of query);
     * NULL otherwise. */
    struct prs_query *relaxed;
    /* The ranking bonus for title words (ranking_bonus()) to run as
     * query AND_MAYBE bonus, or relaxed AND_MAYBE bonus; NULL if the
     * query has none. It never changes what matches. */
    struct prs_query *bonus;
    /* The proximity bonus, weighed on the best matches alone
     * (prs_search_opts.rescore); NULL if the query has none. */
    struct prs_query *proximity;
    struct prs_marker *marker; /* what snippets should mark */
    char *warning;             /* a query problem worked around, or NULL */
};

/* Parses and compiles q, with the synonyms of syn (borrowed; NULL: none).
 * db, if not NULL, is the index the query will run on: its word
 * frequencies decide where parts written apart are searched for
 * (PRS_APART_BELOW); without it they always are. A syntax error is PRS_E_PARSE with the message of the parser; a query
 * that has no searchable word (only stop characters) is PRS_E_PARSE too.
 * Clear out with prs_qbuild_clear() in every case. */
int prs_qbuild(struct prs_analyzer *an, const struct prs_synonyms *syn,
               struct prs_db *db, const char *q, size_t len,
               struct prs_qbuild *out, struct prs_err *err);
void prs_qbuild_clear(struct prs_qbuild *b);

#endif
