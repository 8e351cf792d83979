/*
 * main.c: the prsearch tool: a table of subcommands.
 */
#include "cli.h"
#include "log.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"index", prs_cmd_index, "add files and folders of releases to the index"},
    {"search", prs_cmd_search, "search the index"},
    {"show", prs_cmd_show, "print a stored release"},
    {"delete", prs_cmd_delete, "remove releases by id"},
    {"stats", prs_cmd_stats, "print document count, size and last update"},
    {"serve", prs_cmd_serve, "serve the HTTP API and the search page"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: prsearch <command> [options] [arguments]\n"
            "\n"
            "Full-text search for Swedish press releases.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Run 'prsearch <command> --help' for a command's options.\n"
            "The index folder is --db DIR, else $PRSEARCH_DB, else ./%s.\n"
            "search and show ask a running 'prsearch serve' instead with\n"
            "--server URL, or with $PRSEARCH_SERVER when --db is not given.\n"
            "\n"
            "exit status:\n"
            "  0 success, 1 failure, 2 usage error, 3 some input skipped,\n"
            "  4 no index, 5 index locked by another writer,\n"
            "  6 query syntax error, 7 release not found,\n"
            "  8 server unreachable, 9 server answered with an error,\n"
            "  130 interrupted\n",
            PRS_DEFAULT_DB);
}

const char *prs_cli_db_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("PRSEARCH_DB");
    return env && *env ? env : PRS_DEFAULT_DB;
}

int prs_cli_fail(const struct prs_err *err)
{
    prs_log_error("%s", err->msg[0] ? err->msg : prs_err_name(err->code));
    switch (err->code) {
    case PRS_E_NOTFOUND: return PRS_EXIT_NOINDEX;
    case PRS_E_LOCKED: return PRS_EXIT_LOCKED;
    case PRS_E_PARSE: return PRS_EXIT_QUERY;
    default: return PRS_EXIT_FAILURE;
    }
}

int prs_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "prsearch %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'prsearch %s --help'.\n", cmd);
    return PRS_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* Byte-oriented C locale for parsing; UTF-8 is handled by utf8proc. */
    setlocale(LC_ALL, "C");
    if (argc < 2) {
        usage(stderr);
        return PRS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return PRS_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("prsearch %s\n", PRS_VERSION);
        return PRS_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "prsearch: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return PRS_EXIT_USAGE;
}
