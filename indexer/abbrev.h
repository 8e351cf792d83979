/*
 * abbrev.h: learns abbreviations from the releases themselves.
 *
 * Swedish releases introduce an abbreviation by writing the full name
 * first and the abbreviation in parentheses after it: "Inspektionen för
 * vård och omsorg (IVO)", "Konkurrensverket (KKV)", "Statens
 * institutionsstyrelse (SiS)". The scanner finds every "(ABBR)" of 2-6
 * letters with at least 2 upper-case ones (the first among them) and looks
 * for the shortest run of words before it that spells ABBR:
 *
 *   - the run's first word is no stop word and starts with ABBR's first
 *     letter;
 *   - ABBR's letters appear in order in the run, and every word of the
 *     run that is not a stop word (för, och, i, av, ...) gives at least
 *     one of them, so "Sveriges Kommuner och Regioner (SKR)" matches
 *     while "säger Tobias Andersson (SD)" does not (no d in "tobias");
 *   - a letter after the first of a word may come from inside it, which
 *     is how compounds abbreviate: Konkurrensverket -> KKV, Försvarets
 *     radioanstalt -> FRA;
 *   - the run has at most ABBR's length + PRS_ABBREV_EXTRA_WORDS words and
 *     stays within its sentence (it stops at . ! ? , ; : and brackets);
 *   - "(S)" (one letter), "(2024)", "(se bilaga)" and "(Pdf)" are not
 *     abbreviations.
 *
 * Both sides are folded by the analyzer, so the result is in the terms
 * the query side sees: ("ivo", "inspektionen för vård och omsorg").
 *
 * The indexer stores what it finds as boolean terms of the release
 * (engine/schema.h, PRS_PREFIX_ABBREV): "XA" + abbr for every "(ABBR)" in
 * it, and "XA" + abbr + " " + full name for every pair it introduces.
 * Xapian then counts the releases of each term exactly, whatever is
 * re-indexed, replaced or pruned; search/synonyms.c decides from those
 * counts which pairs to trust.
 */
#ifndef PRS_ABBREV_H
#define PRS_ABBREV_H

#include <stddef.h>

#include "analyzer.h"
#include "doc.h"
#include "engine.h"
#include "err.h"

#define PRS_ABBREV_MIN_LETTERS 2
#define PRS_ABBREV_MAX_LETTERS 6
/* A full name has at most this many more words than ABBR has letters. */
#define PRS_ABBREV_EXTRA_WORDS 3
/* How far before "(" the full name is looked for, in bytes. */
#define PRS_ABBREV_WINDOW_BYTES 400

/* Called for every "(ABBR)" of the text, in order. abbr is folded
 * ("sis"); full is the folded words of the run that spells it joined by
 * single spaces ("statens institutionsstyrelse"), or NULL when no run
 * does. Both are borrowed for the call. Nonzero stops the scan. */
typedef int (*prs_abbrev_fn)(const char *abbr, const char *full, void *ctx);

/* Scans text[0..len) (UTF-8; invalid bytes are never part of a match).
 * Returns 0, the callback's nonzero value, or PRS_E_NOMEM. */
int prs_abbrev_scan(struct prs_analyzer *an, const char *text, size_t len,
                    prs_abbrev_fn fn, void *ctx, struct prs_err *err);

/* Adds the PRS_PREFIX_ABBREV terms of doc's title, lead and body to xd.
 * Returns 0 or a negative code. */
int prs_abbrev_add_terms(struct prs_analyzer *an, const struct prs_doc *doc,
                         struct prs_xdoc *xd, struct prs_err *err);

#endif
