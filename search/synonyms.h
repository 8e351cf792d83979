/*
 * synonyms.h: words and phrases that mean the same thing to a reader, for
 * the query side (qbuild.c). Two sources, both read once and then only
 * looked up:
 *
 *   - abbreviations the index learned from its releases ("Inspektionen
 *     för vård och omsorg (IVO)", indexer/abbrev.h): each abbreviation
 *     with the full names that introduce it in at least
 *     PRS_ABBREV_MIN_DOCS releases and in at least 1/PRS_ABBREV_SHARE of
 *     the releases that put it in parentheses at all. The share keeps out
 *     party letters after a person ("Jessica Stegrud (SD)" spells SD, but
 *     most "(SD)" follow other names); a genitive form of a full name
 *     ("Statens institutionsstyrelses (SiS)") counts for the base form
 *     and is kept beside it;
 *   - the synonyms file (config/synonyms.txt, docs/CONFIG.md): one group
 *     per line, phrases separated by '=', '#' starts a comment:
 *
 *         os = olympiska spelen
 *
 * Every phrase goes through the analyzer, so it is held as the terms the
 * index has (folded words and their stems). A query word or run of words
 * that equals a phrase of a group, word by word by exact form or stem,
 * also matches the group's other phrases (qbuild.h).
 *
 * A struct prs_synonyms is immutable once loaded: threads may share one.
 */
#ifndef PRS_SYNONYMS_H
#define PRS_SYNONYMS_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "engine.h"
#include "err.h"

/* Share of a word's weight that its synonyms get: a release with the very
 * word typed ranks above one with only its synonym. */
#define PRS_SYNONYM_WEIGHT 0.8

#define PRS_SYNONYMS_MAX_BYTES (1024 * 1024) /* largest synonyms file */
#define PRS_SYN_MAX_WORDS 8 /* most words in one phrase */
#define PRS_SYN_MAX_ALTS 8  /* most alternatives one lookup returns */

/* Learned pairs: see above. */
#define PRS_ABBREV_MIN_DOCS 2
#define PRS_ABBREV_SHARE 3
#define PRS_ABBREV_MAX_FORMS 4 /* full names kept per abbreviation */

/* One word of a phrase, as the analyzer gives it. */
struct prs_syn_word {
    const char *text; /* folded */
    const char *stem; /* Snowball stem; == text for numbers */
    bool stop;        /* a stop word (PRS_TOKF_STOP) */
    bool number;      /* PRS_TOK_NUMBER: no stem term in the index */
};

struct prs_syn_phrase {
    const struct prs_syn_word *words;
    size_t n;
};

struct prs_synonyms;

/* An empty set; free with prs_synonyms_free(). NULL on allocation failure. */
struct prs_synonyms *prs_synonyms_new(void);
void prs_synonyms_free(struct prs_synonyms *s); /* NULL ok */

/* Adds the groups of a synonyms file held in text[0..len); name is what
 * messages call the file. A bad line is PRS_E_BADARG "name:line: what",
 * and nothing of the text is kept. */
int prs_synonyms_parse(struct prs_synonyms *s, struct prs_analyzer *an,
                       const char *text, size_t len, const char *name,
                       struct prs_err *err);
/* Reads the synonyms file at path. A missing file is PRS_E_NOTFOUND unless
 * missing_ok (then nothing is added); unreadable: PRS_E_IO; too large:
 * PRS_E_RANGE; a bad line: PRS_E_BADARG. */
int prs_synonyms_read_file(struct prs_synonyms *s, struct prs_analyzer *an,
                           const char *path, bool missing_ok,
                           struct prs_err *err);
/* Adds the abbreviations db learned (PRS_PREFIX_ABBREV terms). */
int prs_synonyms_learn(struct prs_synonyms *s, struct prs_analyzer *an,
                       struct prs_db *db, struct prs_err *err);

/* The synonyms file to read: path if given (not NULL or ""), else
 * $PRSEARCH_SYNONYMS if set, else the bundled config/synonyms.txt (of
 * the source tree the program was built from, else the installed one).
 * *named (may be NULL) tells whether the file was named by the caller or
 * the environment, rather than being the bundled default. */
const char *prs_synonyms_path(const char *path, bool *named);

/* prs_synonyms_new() + the file prs_synonyms_path(path) names (a missing
 * default file is no error, a missing named one is) + what db learned
 * (db may be NULL). Free with prs_synonyms_free(); NULL + err on failure. */
struct prs_synonyms *prs_synonyms_load(struct prs_db *db,
                                       struct prs_analyzer *an,
                                       const char *path, struct prs_err *err);

/* Number of groups. */
size_t prs_synonyms_count(const struct prs_synonyms *s);

/* Looks for the longest phrase of any group that the query words
 * q[0..k) equal (each word by exact form or stem) and returns k, or 0 if
 * none. alts[0..*nalts) (at most max) get the other phrases of every
 * group holding such a phrase, without repeats; borrowed from s. */
size_t prs_synonyms_lookup(const struct prs_synonyms *s,
                           const struct prs_syn_word *q, size_t n,
                           const struct prs_syn_phrase **alts, size_t max,
                           size_t *nalts);

#endif
