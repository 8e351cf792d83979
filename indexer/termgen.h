/*
 * termgen.h: turns a release into index terms, values and stored data.
 *
 * The same analyzer (stemming/) that the query side uses produces the
 * words; this module decides which prefixes, positions and weights they
 * get, following engine/schema.h.
 */
#ifndef PRS_TERMGEN_H
#define PRS_TERMGEN_H

#include "analyzer.h"
#include "doc.h"
#include "engine.h"
#include "err.h"

/* Within-document frequency added per occurrence: title and lead weigh
 * more than body, so BM25 ranks a release whose title names the topic
 * above one that mentions it in passing. */
#define PRS_WDF_TITLE 5
#define PRS_WDF_LEAD 2
#define PRS_WDF_ORG 2
#define PRS_WDF_BODY 1
#define PRS_WDF_CONTACT 1

/* Fills xd (a new, empty document) from doc: terms for every field,
 * filter terms, values and the stored JSON. source_key is the XSRC hash of
 * the file the release came from (NULL if none). */
int prs_termgen_doc(struct prs_analyzer *an, const struct prs_doc *doc,
                    const char *source_key, struct prs_xdoc *xd,
                    struct prs_err *err);

/* Analyses doc and writes it into db under its id, replacing any release
 * with that id. Errors are doc's (PRS_E_PARSE, PRS_E_RANGE, ...) or the
 * index's (PRS_E_NOMEM, PRS_E_ENGINE, PRS_E_IO). */
int prs_termgen_write(struct prs_analyzer *an, struct prs_db *db,
                      const struct prs_doc *doc, const char *source_key,
                      struct prs_err *err);

/* Writes the sortable date value ("YYYYMMDDHHMM", unknown parts "00") for
 * a normalised date ("YYYY[-MM[-DD[THH:MM]]]") into out (cap >= 13).
 * Returns 0 or PRS_E_PARSE. Also used for --since/--until. */
int prs_termgen_date_value(const char *published, char *out, size_t cap);

#endif
