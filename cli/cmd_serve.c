/*
 * cmd_serve.c: `prsearch serve`, the search service (server/).
 */
#include "cli.h"
#include "config.h"
#include "server.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char serve_help[] =
    "usage: prsearch serve [--config FILE] [--listen ADDR:PORT] [--threads N]\n"
    "                      [--db DIR]\n"
    "\n"
    "Serves the HTTP JSON API (docs/API.md) and the search page until SIGTERM\n"
    "or SIGINT, then finishes the requests in flight and exits 0.\n"
    "\n"
    "options:\n"
    "  --config FILE       settings (INI, see config/prsearch.conf and\n"
    "                      docs/CONFIG.md); the flags below override it\n"
    "  --listen ADDR:PORT  where to listen (default " PRS_CONFIG_DEFAULT_LISTEN
    "); port 0\n"
    "                      picks a free port; the address bound is printed as\n"
    "                      'prsearch: listening on http://ADDR:PORT/'\n"
    "  --threads N         worker threads (default: one per core)\n"
    "  --db DIR            the index folder (default: the config's db, else\n"
    "                      $PRSEARCH_DB, else ./" PRS_DEFAULT_DB ")\n"
    "  --help              this text\n"
    "\n"
    "exit status: 0 stopped by a signal, 2 usage or configuration error,\n"
    "4 no index, 1 failure (e.g. the address is in use).\n";

int prs_cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *config_path = NULL, *listen_at = NULL, *threads = NULL,
               *dbpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        case 'l': listen_at = optarg; break;
        case 't': threads = optarg; break;
        case 'd': dbpath = optarg; break;
        case 'h': fputs(serve_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("serve", "unknown option");
        }
    }
    if (optind < argc)
        return prs_cli_usage_error("serve", "unexpected argument '%s'",
                                   argv[optind]);
    struct prs_config cfg;
    struct prs_err err = {0};
    int status = PRS_EXIT_OK;
    if (prs_config_init(&cfg) < 0) {
        fprintf(stderr, "prsearch: out of memory\n");
        return PRS_EXIT_FAILURE;
    }
    if (config_path && prs_config_load(&cfg, config_path, &err) < 0) {
        fprintf(stderr, "prsearch: %s\n", err.msg);
        status = PRS_EXIT_USAGE;
        goto out;
    }
    /* Flags override the file, with the file's checks. */
    if ((listen_at && prs_config_set(&cfg, "listen", listen_at, &err) < 0) ||
        (threads && prs_config_set(&cfg, "threads", threads, &err) < 0) ||
        (dbpath && prs_config_set(&cfg, "db", dbpath, &err) < 0)) {
        status = prs_cli_usage_error("serve", "%s", err.msg);
        goto out;
    }
    const char *db = prs_cli_db_path(cfg.db);
    struct stat st;
    if (stat(db, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "prsearch: %s: no index there (run 'prsearch index "
                "--db %s FILES...' first)\n", db, db);
        status = PRS_EXIT_NOINDEX;
        goto out;
    }
    if (prs_server_run(&cfg, db, &err) < 0)
        status = err.code == PRS_E_BADARG ? (fprintf(stderr, "prsearch: %s\n",
                                                     err.msg), PRS_EXIT_USAGE)
                                          : prs_cli_fail(&err);
out:
    prs_config_free(&cfg);
    return status;
}
