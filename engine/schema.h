/*
 * schema.h: how a release is laid out in the index, defined once.
 *
 * Term prefixes (Xapian convention: upper-case prefixes, folded terms are
 * lower-case so no separator is needed):
 *
 *   (none)  exact folded words of every field, with positions
 *   Z       Snowball stems of every field, "Z" + stem; also the stem of a
 *           word's lemma where it differs ("tullmötet" -> Ztullmöt, the
 *           stem of tullmöte), without position
 *   S/XO/XC the same words per field: title, organisation, contact names;
 *           stems as "Z" + prefix
 *   XNB     the words of those three fields that the lead and body lack
 *           (stems, lemma stems included, as ZXNB), as filter terms: a
 *           word is in the body when the release has it and not its XNB
 *           term. A field copy of the body's words would be a fifth of
 *           all postings; these are a few dozen per release
 *           (indexer/outside.h)
 *   ZF      å/ä/ö-folded stem of a word that has diacritics ("ZFmalmo"
 *           for malmö, "ZFtingsrat" for tingsrätten), without positions,
 *           in every field: a query typed without Swedish letters matches
 *           it at a lower weight. (The folded form itself is not indexed:
 *           it would add postings and rank nothing differently.)
 *   P       lemma of a compound part, without positions ("Pkabla" and
 *           "Pundervattens" for undervattenskablar): a part match
 *   Q       unique id term (hashed when the id is too long for a term)
 *   Y       year ("Y2026"), M month ("M202601"): boolean filters
 *   XK      type, folded ("XKpressmeddelande"): boolean filter
 *   XF      organisation as a whole, folded ("XFnorrköpings kommun")
 *   XSRC    source file key (hex hash of its absolute path): for --prune
 *   XA      abbreviations the release introduces (indexer/abbrev.h):
 *           "XAivo" for every "(IVO)" in it, "XAivo inspektionen för vård
 *           och omsorg" for the full name spelled before it; boolean, read
 *           back by search/synonyms.c through their term frequencies
 */
#ifndef PRS_SCHEMA_H
#define PRS_SCHEMA_H

#include <stddef.h>

#define PRS_PREFIX_STEM "Z"
#define PRS_PREFIX_FOLDED_STEM "ZF"
#define PRS_PREFIX_PART "P"
#define PRS_PREFIX_TITLE "S"
#define PRS_PREFIX_ORG "XO"
#define PRS_PREFIX_CONTACT "XC"
#define PRS_PREFIX_OUTSIDE_BODY "XNB"
#define PRS_PREFIX_ID "Q"
#define PRS_PREFIX_YEAR "Y"
#define PRS_PREFIX_MONTH "M"
#define PRS_PREFIX_TYPE "XK"
#define PRS_PREFIX_ORGNAME "XF"
#define PRS_PREFIX_SOURCE "XSRC"
#define PRS_PREFIX_ABBREV "XA"

/* Value slots. */
enum prs_slot {
    /* Sortable date "YYYYMMDDHHMM"; unknown parts are "00" so a release
     * known only to its month sorts and filters at the month's start. */
    PRS_SLOT_DATE = 0,
    PRS_SLOT_YEAR = 1, /* "2026" */
    PRS_SLOT_ORG = 2,  /* organisation as written, for facets */
    PRS_SLOT_TYPE = 3, /* type as written, for facets */
};

/* Metadata keys. */
#define PRS_META_SCHEMA "prs:schema"   /* PRS_SCHEMA_VERSION of the writer */
#define PRS_META_UPDATED "prs:updated" /* ISO 8601 UTC time of last commit */
#define PRS_META_SOURCE "prs:src:"     /* + absolute path -> "mtime size" */
/* The zstd dictionary stored data is compressed with (engine/datacodec.h);
 * binary. */
#define PRS_META_DATA_DICT "prs:data-dict"

/* Bump when analysis or layout changes: unchanged files are then
 * re-indexed instead of skipped. */
#define PRS_SCHEMA_VERSION "5"

/* Longest term Xapian stores is 245 bytes; keep well clear of it. */
#define PRS_TERM_MAX 240

#endif
