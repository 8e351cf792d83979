/*
 * cmd_search.c: `prsearch search`, for reporters at a terminal or a pipe.
 */
#include "cli.h"
#include "remote.h"
#include "search.h"
#include "strutil.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char search_help[] =
    "usage: prsearch search [--db DIR | --server URL] [--json] [--limit N]\n"
    "                       [--offset N] [--since DATE] [--until DATE]\n"
    "                       [--sort relevance|date] QUERY...\n"
    "\n"
    "Searches the index, or a running 'prsearch serve' (--server); the words\n"
    "of QUERY are joined by spaces.\n"
    "\n"
    "query language:\n"
    "  skyddsmasker försvaret   releases with all the words (any inflection)\n"
    "  tivoli OR nöjespark      either word\n"
    "  NOT polisen, -polisen    without the word\n"
    "  \"exact phrase\"           the words in this order\n"
    "  title:word org:word      in the title / organisation only; also\n"
    "                           body: and contact:, and with (...) or \"...\"\n"
    "  handläggn*               words starting with handläggn\n"
    "  (a OR b) c               grouping\n"
    "  kkv                      also Konkurrensverket: abbreviations the index\n"
    "                           learned, and the synonyms file\n"
    "                           ($PRSEARCH_SYNONYMS, else config/synonyms.txt)\n"
    "\n"
    "options:\n"
    "  --db DIR         the index folder (default $PRSEARCH_DB or ./" PRS_DEFAULT_DB ")\n"
    "  --server URL     ask the prsearch server at URL (http://HOST:PORT[/PATH])\n"
    "                   instead; default $PRSEARCH_SERVER unless --db is given\n"
    "  --json           one JSON object: {query, total, hits: [{id, title,\n"
    "                   date, org, type, url, score, snippet}]}; snippet is\n"
    "                   HTML with the matched words in <mark>\n"
    "  --limit N        hits to show, 1..1000 (default 10)\n"
    "  --offset N       hits to skip (default 0)\n"
    "  --since DATE     published on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)\n"
    "  --until DATE     published on or before DATE\n"
    "  --sort ORDER     relevance (default) or date (newest first)\n"
    "  --color WHEN     mark matched words with colour: auto (on a terminal,\n"
    "                   default), always, never\n"
    "  --help           this text\n"
    "\n"
    "exit status: 0 searched (also with no hits), 2 usage, 4 no index,\n"
    "6 query syntax error, 8 server unreachable, 9 server error, 1 failure.\n";

/* Hit i's snippet: from the local snippet, or from the server's HTML
 * (html non-NULL: `search --server`), as HTML or as terminal text. */
static int hit_snippet(const struct prs_search_result *r, char *const *html,
                       size_t i, bool as_html, const char *on,
                       const char *off, struct prs_buf *out)
{
    if (html)
        return as_html ? prs_buf_puts(out, html[i])
                       : prs_remote_snippet_text(html[i], on, off, out);
    return as_html ? prs_snippet_html(&r->hits[i].snippet, out)
                   : prs_snippet_text(&r->hits[i].snippet, on, off, out);
}

static int print_json(const char *query, const struct prs_search_result *r,
                      char *const *html)
{
    json_t *hits = json_array();
    json_t *root = json_pack("{s:s, s:I, s:o}", "query", query, "total",
                             (json_int_t)r->total, "hits", hits);
    struct prs_buf snip = {0};
    int rc = root ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < r->nhits; i++) {
        const struct prs_search_hit *h = &r->hits[i];
        prs_buf_reset(&snip);
        if (hit_snippet(r, html, i, true, NULL, NULL, &snip) < 0) {
            rc = -1;
            break;
        }
        json_t *o = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:f, s:s}",
                              "id", h->doc.id, "title", h->doc.title, "date",
                              h->doc.published, "org", h->doc.org, "type",
                              h->doc.type, "url", h->doc.url, "score", h->score,
                              "snippet", snip.data ? snip.data : "");
        if (!o || json_array_append_new(hits, o) < 0)
            rc = -1;
    }
    if (r->warning && rc == 0)
        json_object_set_new(root, "warning", json_string(r->warning));
    if (r->corrected && rc == 0)
        json_object_set_new(root, "corrected", json_string(r->corrected));
    if (rc == 0) {
        /* Remote scores arrive with the server's 10 digits; printing
         * more would only show the binary rounding of those. */
        char *text = json_dumps(root, html ? JSON_COMPACT | JSON_REAL_PRECISION(10)
                                           : JSON_COMPACT);
        if (text)
            puts(text);
        else
            rc = -1;
        free(text);
    }
    json_decref(root);
    prs_buf_free(&snip);
    return rc;
}

static int print_human(const struct prs_search_request *req,
                       const struct prs_search_result *r, char *const *html,
                       bool color)
{
    const char *bold = color ? "\033[1m" : "";
    const char *dim = color ? "\033[2m" : "";
    const char *mark_on = color ? "\033[1;33m" : "";
    const char *reset = color ? "\033[0m" : "";
    struct prs_buf snip = {0};
    if (r->warning)
        fprintf(stderr, "prsearch: note: %s\n", r->warning);
    if (r->corrected)
        fprintf(stderr, "Showing results for \"%s\"\n", r->corrected);
    if (r->nhits == 0) {
        printf("No releases found%s.\n",
               r->total && req->offset ? " on this page" : "");
        return 0;
    }
    printf("%zu-%zu of %s%llu releases\n\n", req->offset + 1,
           req->offset + r->nhits, r->total_exact ? "" : "about ",
           (unsigned long long)r->total);
    for (size_t i = 0; i < r->nhits; i++) {
        const struct prs_search_hit *h = &r->hits[i];
        prs_buf_reset(&snip);
        /* Without colour, matched words are set off with brackets. */
        if (hit_snippet(r, html, i, false, color ? mark_on : "[",
                        color ? reset : "]", &snip) < 0) {
            prs_buf_free(&snip);
            return -1;
        }
        printf("%3zu. %s%s%s\n", req->offset + i + 1, bold,
               h->doc.title ? h->doc.title : "(untitled)", reset);
        printf("     %s%s%s%s%s\n", dim, h->doc.published ? h->doc.published : "",
               h->doc.published && h->doc.org ? "  " : "",
               h->doc.org ? h->doc.org : "", reset);
        printf("     %s%s%s\n", dim, h->doc.id, reset);
        if (snip.len)
            printf("     %s\n", snip.data);
        printf("\n");
    }
    prs_buf_free(&snip);
    return 0;
}

/* Joins argv[first..argc) with single spaces. */
static char *join_words(int argc, char **argv, int first)
{
    struct prs_buf b = {0};
    for (int i = first; i < argc; i++) {
        if ((i > first && prs_buf_putc(&b, ' ') < 0) ||
            prs_buf_puts(&b, argv[i]) < 0) {
            prs_buf_free(&b);
            return NULL;
        }
    }
    return prs_buf_steal(&b);
}

/* Runs req on the server; returns an exit status (errors reported). */
static int search_remote(const char *server,
                         const struct prs_search_request *req,
                         struct prs_remote_result *out)
{
    /* Dates are checked here, with the messages of the local search,
     * rather than answered by the server in terms of its parameters. */
    char bound[13];
    if (req->since && prs_search_date_bound(req->since, false, bound) < 0)
        return prs_cli_usage_error(
            "search", "--since '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            req->since);
    if (req->until && prs_search_date_bound(req->until, true, bound) < 0)
        return prs_cli_usage_error(
            "search", "--until '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            req->until);
    struct prs_remote_err rerr = {0};
    if (prs_remote_search(server, req, out, &rerr) < 0)
        return prs_remote_fail(&rerr, false);
    return PRS_EXIT_OK;
}

int prs_cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"server", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, 'o'},
        {"since", required_argument, NULL, 's'},
        {"until", required_argument, NULL, 'u'},
        {"sort", required_argument, NULL, 'S'},
        {"color", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *dbpath = NULL, *server_opt = NULL, *color_when = "auto";
    bool json = false;
    struct prs_search_request req = {.limit = 10};
    long long n;
    int c;
    optind = 1;
    /* "+" stops at the first word, so "-polisen" in a query is a word. */
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'R': server_opt = optarg; break;
        case 'j': json = true; break;
        case 'n':
            if (prs_parse_int_range(optarg, 1, PRS_SEARCH_MAX_LIMIT, &n) < 0)
                return prs_cli_usage_error("search", "--limit must be 1..%d",
                                           PRS_SEARCH_MAX_LIMIT);
            req.limit = (size_t)n;
            break;
        case 'o':
            if (prs_parse_int_range(optarg, 0, 1000000, &n) < 0)
                return prs_cli_usage_error("search", "--offset must be 0..1000000");
            req.offset = (size_t)n;
            break;
        case 's': req.since = optarg; break;
        case 'u': req.until = optarg; break;
        case 'S':
            if (strcmp(optarg, "relevance") == 0)
                req.sort = PRS_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0)
                req.sort = PRS_SORT_DATE;
            else
                return prs_cli_usage_error("search",
                                           "--sort must be relevance or date");
            break;
        case 'c':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
                strcmp(optarg, "never"))
                return prs_cli_usage_error("search",
                                           "--color must be auto, always or never");
            color_when = optarg;
            break;
        case 'h': fputs(search_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("search", "unknown option");
        }
    }
    if (optind >= argc)
        return prs_cli_usage_error("search", "no QUERY given");
    if (dbpath && server_opt)
        return prs_cli_usage_error("search", "give --db or --server, not both");
    const char *server = prs_remote_server(server_opt, dbpath);
    char *query = join_words(argc, argv, optind);
    if (!query)
        return PRS_EXIT_FAILURE;
    req.query = query;
    req.correct = true;
    /* Counting facets counts the matches exactly, as `prsearch serve` does:
     * the total is then the same here and through --server. */
    req.facets = true;
    req.recency_weight = PRS_RECENCY_WEIGHT;

    struct prs_err err = {0};
    struct prs_remote_result remote = {0};
    struct prs_search_result result = {0};
    struct prs_search_result *r = server ? &remote.r : &result;
    struct prs_analyzer *an = NULL;
    struct prs_db *db = NULL;
    struct prs_synonyms *syn = NULL;
    int status = PRS_EXIT_OK;
    if (server) {
        status = search_remote(server, &req, &remote);
        if (status != PRS_EXIT_OK)
            goto out;
    } else {
        db = prs_db_open(prs_cli_db_path(dbpath), PRS_DB_READ, &err);
        if (!db || !(an = prs_analyzer_new(&err))) {
            status = prs_cli_fail(&err);
            goto out;
        }
        /* $PRSEARCH_SYNONYMS or the bundled file, and what the index
         * learned; a bad file is a configuration error. */
        if (!(syn = prs_synonyms_load(db, an, NULL, &err))) {
            if (err.code == PRS_E_NOMEM || err.code == PRS_E_ENGINE)
                status = prs_cli_fail(&err);
            else
                status = (fprintf(stderr, "prsearch: %s\n", err.msg),
                          PRS_EXIT_USAGE);
            goto out;
        }
        req.synonyms = syn;
        int rc = prs_search(db, an, &req, &result, &err);
        if (rc == PRS_E_BADARG) {
            status = prs_cli_usage_error("search", "%s", err.msg);
            goto out;
        }
        if (rc < 0) {
            status = prs_cli_fail(&err);
            goto out;
        }
    }
    bool color = strcmp(color_when, "always") == 0 ||
                 (strcmp(color_when, "auto") == 0 && isatty(STDOUT_FILENO) &&
                  !getenv("NO_COLOR"));
    if ((json ? print_json(query, r, remote.html)
              : print_human(&req, r, remote.html, color)) < 0) {
        fprintf(stderr, "prsearch: out of memory\n");
        status = PRS_EXIT_FAILURE;
    }
out:
    prs_remote_result_free(&remote);
    prs_search_result_free(&result);
    prs_synonyms_free(syn);
    prs_analyzer_free(an);
    prs_db_close(db);
    free(query);
    return status;
}
