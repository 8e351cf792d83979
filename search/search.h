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

#define PRS_SEARCH_MAX_LIMIT 1000
#define PRS_SNIPPET_BYTES 240

struct prs_search_request {
    const char *query;  /* the query language of docs/CLI.md */
    size_t offset;
    size_t limit;
    int sort;           /* enum prs_sort */
    const char *since;  /* "YYYY[-MM[-DD]]", inclusive; NULL: open */
    const char *until;  /* "YYYY[-MM[-DD]]", inclusive; NULL: open */
    size_t snippet_bytes; /* 0: PRS_SNIPPET_BYTES */
};

struct prs_search_hit {
    struct prs_doc doc; /* the stored release */
    double score;
    char *snippet_source; /* lead and body, what the snippet points into */
    struct prs_snippet snippet;
};

struct prs_search_result {
    uint64_t total;
    size_t nhits;
    struct prs_search_hit *hits;
    char *warning; /* a query problem that was worked around, or NULL */
};

/* Runs req. A query syntax error returns PRS_E_PARSE with a message that
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

#endif
