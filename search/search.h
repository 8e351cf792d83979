/*
 * search.h: one search, from the reporter's query string to ranked hits
 * with snippets. The command line uses it, and so will the server.
 */
#ifndef PRS_SEARCH_H
#define PRS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "doc.h"
#include "engine.h"
#include "err.h"
#include "snippet.h"
#include "synonyms.h"

#define PRS_SEARCH_MAX_LIMIT 1000
#define PRS_SNIPPET_BYTES 240
/* Most values a facet reports (the most frequent; years: the latest). */
#define PRS_FACET_MAX_VALUES 50
/* A "did you mean" is computed when a query finds fewer than this. */
#define PRS_SUGGEST_BELOW 3
/* Proximity reorders this many of the best matches (qbuild.h; engine.h,
 * prs_search_opts.rescore): those a reader pages through, without
 * reading positions for every match of common words. */
#define PRS_RESCORE_WINDOW 200
/* Defaults of the recency tie-breaker (prs_search_request). */
#define PRS_RECENCY_WEIGHT 0.3
#define PRS_RECENCY_HALF_LIFE_DAYS 365.0

/* Facets: counts of the matches per year, organisation and type. */
enum prs_facet_kind {
    PRS_FACET_YEAR = 0,
    PRS_FACET_ORG = 1,
    PRS_FACET_TYPE = 2,
    PRS_NFACETS = 3,
};

struct prs_facet_value {
    char *value; /* as written in the releases (years "YYYY") */
    uint64_t count;
};

struct prs_facet {
    struct prs_facet_value *values; /* years newest first, else by count */
    size_t n;
};

struct prs_search_request {
    const char *query;  /* the query language of docs/CLI.md; blank: all */
    size_t offset;
    size_t limit;
    int sort;           /* enum prs_sort */
    const char *since;  /* "YYYY[-MM[-DD]]", inclusive; NULL: open */
    const char *until;  /* "YYYY[-MM[-DD]]", inclusive; NULL: open */
    size_t snippet_bytes; /* 0: PRS_SNIPPET_BYTES */
    /* Leave the hits without snippets (snippet_source NULL, an empty
     * snippet): for titles only, as completion wants, this saves
     * analysing every hit's whole text. */
    bool no_snippets;
    /* Filters (NULL: none): organisation and type as written (compared
     * folded, so case does not matter), year "YYYY". */
    const char *org;
    const char *type;
    const char *year;
    /* Count facets: each facet over the query with every filter except
     * its own applied, so a visitor sees what choosing another value of
     * the same facet would give. Counting also makes the total exact. */
    bool facets;
    /* Look for a "did you mean" when the query finds little. */
    bool suggest;
    /* When the query finds nothing and a spelling correction finds
     * releases, search for the correction instead (result: corrected). */
    bool correct;
    /* Recency tie-breaker, relevance order only: the newest release in
     * the index gains this much weight, one half_life_days older half of
     * it (0: the default half-life). A matched word weighs about 1..10, so
     * a small value only reorders releases that are about equally
     * relevant. 0 turns it off; PRS_RECENCY_WEIGHT is the default. */
    double recency_weight;
    double recency_half_life_days;
    /* Synonyms and learned abbreviations the query also matches
     * (synonyms.h; borrowed). NULL: none. */
    const struct prs_synonyms *synonyms;
};

struct prs_search_hit {
    struct prs_doc doc; /* the stored release */
    double score;
    char *snippet_source; /* lead and body, what the snippet points into */
    struct prs_snippet snippet;
};

struct prs_search_result {
    uint64_t total;
    /* Whether total is exact: always with facets; without, only when the
     * matches were few enough to count on the way (else an estimate). */
    bool total_exact;
    size_t nhits;
    struct prs_search_hit *hits;
    char *warning; /* a query problem that was worked around, or NULL */
    struct prs_facet facets[PRS_NFACETS]; /* filled when req->facets */
    /* A "did you mean" (req->suggest), or NULL; NULL too when the
     * correction was searched for instead (see corrected). */
    char *suggestion;
    /* The query that was searched for instead of req->query because it
     * was misspelt (req->correct), or NULL. */
    char *corrected;
};

/* Runs req: the releases matching the query, and for a plain list of 3+
 * words then those matching all words but one (qbuild.h), in one list
 * that pages across both; total counts both. A query syntax error returns PRS_E_PARSE with a message that
 * says what and where; a bad date PRS_E_BADARG. Free out with
 * prs_search_result_free() whatever the return value. */
int prs_search(struct prs_db *db, struct prs_analyzer *an,
               const struct prs_search_request *req,
               struct prs_search_result *out, struct prs_err *err);
void prs_search_result_free(struct prs_search_result *r);

/* Turns "YYYY", "YYYY-MM" or "YYYY-MM-DD" into the bounds of the date
 * value (schema.h) it covers: its first (lower) or last (upper) moment.
 * Returns 0 or PRS_E_BADARG. out needs 13 bytes. */
int prs_search_date_bound(const char *date, bool upper, char *out);

/* ---- Spelling and completion (spell.c) -------------------------------- */

/* A "did you mean" for query from the index's own vocabulary: each word
 * that no release contains is replaced by the most frequent indexed word
 * within edit distance 2 that starts with the same letter (a, å and ä
 * count as one letter, so do o and ö); the rest of the text is kept. *out
 * is malloc'ed, or NULL when no word was replaced. Bounded: at most
 * PRS_SPELL_MAX_SCAN terms are looked at per word, not counting those
 * skipped unread because no word near it starts as they do. */
#define PRS_SPELL_MAX_SCAN 200000
int prs_spell_suggest(struct prs_db *db, struct prs_analyzer *an,
                      const char *query, char **out, struct prs_err *err);

/* Search-as-you-type: completions of the last, partial word of text (the
 * most frequent indexed words starting with it, each as the whole text
 * completed) and the titles of the best matches of text with that word
 * as a prefix: those whose title matches first, then the others. */
struct prs_completion {
    char **texts;  /* completed texts, most frequent word first */
    size_t ntexts;
    struct prs_completion_title {
        char *id;
        char *title;
    } *titles;
    size_t ntitles;
};
#define PRS_COMPLETE_MAX_SCAN 50000
int prs_complete(struct prs_db *db, struct prs_analyzer *an, const char *text,
                 size_t max_texts, size_t max_titles,
                 struct prs_completion *out, struct prs_err *err);
void prs_completion_free(struct prs_completion *c);

#endif
