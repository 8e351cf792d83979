/*
 * remote.h: `prsearch search --server URL` and `prsearch show --server URL`:
 * the same requests as against a local index, sent to a running
 * `prsearch serve` through its HTTP API (docs/API.md) with libevent's
 * evhttp client, the answers turned back into the structs the local
 * commands print.
 *
 * Only plain http:// is spoken; a URL may carry a path prefix (a server
 * behind a proxy at http://host/prsearch/).
 */
#ifndef PRS_REMOTE_H
#define PRS_REMOTE_H

#include <stdbool.h>

#include "doc.h"
#include "err.h"
#include "search.h"
#include "strutil.h"

/* Seconds a request may take (connect, send, answer) before it fails. */
#define PRS_REMOTE_TIMEOUT 30

/* What went wrong talking to the server. Caller-allocated, zeroed. */
struct prs_remote_err {
    int status;      /* HTTP status of an error answer; 0: none */
    char code[32];   /* the API's error code word ("bad_query"), or "" */
    bool usage;      /* the URL itself is unusable (https://, garbage) */
    bool unreachable; /* no answer: unknown host, refused, timed out */
    char msg[PRS_ERR_MSG_MAX]; /* one line, starting with the URL */
};

/* The server to ask: opt (--server) if given, else $PRSEARCH_SERVER unless
 * --db was given (db_opt); NULL: use the local index. Borrowed. */
const char *prs_remote_server(const char *opt, const char *db_opt);

/* A search answer: the hits as prs_search() gives them, except that each
 * hit's snippet is the server's HTML (html[i], owned) and hit.snippet is
 * empty. Free with prs_remote_result_free(). */
struct prs_remote_result {
    struct prs_search_result r;
    char **html;
};

/* Runs req (query, offset, limit, sort, since, until) on the server at
 * url. The API pages in pages of at most 100; offsets that do not fall on
 * a page boundary and limits above 100 are served by asking for the pages
 * that cover [offset, offset + limit) and slicing them. Returns 0, or a
 * negative PRS_E_* with err filled. Free out whatever the result. */
int prs_remote_search(const char *url, const struct prs_search_request *req,
                      struct prs_remote_result *out,
                      struct prs_remote_err *err);
void prs_remote_result_free(struct prs_remote_result *rr); /* NULL ok */

/* Fetches the release id into doc (cleared first; the API leaves out
 * `source`). Returns 0 or a negative PRS_E_* with err filled; free doc
 * with prs_doc_clear() either way. */
int prs_remote_get_doc(const char *url, const char *id, struct prs_doc *doc,
                       struct prs_remote_err *err);

/* Prints err as one line on stderr ("prsearch: <msg>") and returns the
 * exit status (cli.h): 2 for an unusable URL or 400 bad_parameter, 6 for
 * 400 bad_query, 7 for 404 not_found when doc_request, 8 when the server
 * could not be reached, 9 for any other error answer. */
int prs_remote_fail(const struct prs_remote_err *err, bool doc_request);

/* Appends the API's HTML snippet as terminal text: the entities
 * evhttp_htmlescape() writes are decoded and <mark>/</mark> become on and
 * off. Returns 0 or PRS_E_NOMEM. */
int prs_remote_snippet_text(const char *html, const char *on, const char *off,
                            struct prs_buf *out);

#endif
