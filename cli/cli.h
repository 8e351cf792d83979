/*
 * cli.h: what the subcommands of the prsearch tool share.
 */
#ifndef PRS_CLI_H
#define PRS_CLI_H

#include "err.h"

/* Exit statuses, documented in `prsearch --help` and docs/CLI.md. */
enum prs_exit {
    PRS_EXIT_OK = 0,
    PRS_EXIT_FAILURE = 1,  /* the command failed (I/O, index error) */
    PRS_EXIT_USAGE = 2,    /* bad command line */
    PRS_EXIT_PARTIAL = 3,  /* index: some files or records were skipped */
    PRS_EXIT_NOINDEX = 4,  /* no index at --db */
    PRS_EXIT_LOCKED = 5,   /* another process is writing the index */
    PRS_EXIT_QUERY = 6,    /* the query has a syntax error */
    PRS_EXIT_NOTFOUND = 7, /* show/delete: no release with that id */
    PRS_EXIT_CONNECT = 8,  /* --server: the server could not be reached */
    PRS_EXIT_HTTP = 9,     /* --server: it answered with another error */
    PRS_EXIT_INTERRUPTED = 130, /* stopped by SIGINT/SIGTERM */
};

#define PRS_DEFAULT_DB "prsearch-index"

/* The index folder: the --db value, else $PRSEARCH_DB, else the default. */
const char *prs_cli_db_path(const char *opt);

/* Prints "prsearch: <msg>" for err and returns the matching exit status. */
int prs_cli_fail(const struct prs_err *err);

/* Prints a usage error ("prsearch <cmd>: <msg>" + hint) and returns 2. */
int prs_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int prs_cmd_index(int argc, char **argv);
int prs_cmd_delete(int argc, char **argv);
int prs_cmd_search(int argc, char **argv);
int prs_cmd_show(int argc, char **argv);
int prs_cmd_stats(int argc, char **argv);
int prs_cmd_serve(int argc, char **argv);

#endif
