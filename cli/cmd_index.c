/*
 * cmd_index.c: `prsearch index` and `prsearch delete`.
 */
#include "cli.h"
#include "index.h"
#include "log.h"
#include "strutil.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static const char index_help[] =
    "usage: prsearch index [--db DIR] [--prune] [--force] [--jobs N] [--quiet]\n"
    "                      PATH...\n"
    "\n"
    "Adds the releases in each PATH (files, or folders searched recursively)\n"
    "to the index, creating it if needed. Formats, by extension:\n"
    "  .md .markdown       Markdown, '# Title' first; /YYYY/MM/ in the path\n"
    "                      gives the month\n"
    "  .txt                press-room page dumps (organisation, title, body,\n"
    "                      contacts; page boilerplate is dropped)\n"
    "  .html .htm          web pages (title, date, organisation from markup)\n"
    "  .jsonl .ndjson      JSON Lines, one release per line; and .json with\n"
    "  .json               an array of releases; all may end in .gz. Fields:\n"
    "                      id title org published type lead body url contacts\n"
    "\n"
    "A release from a file gets the id of its path below the folder given,\n"
    "without extension, prefixed by that folder's name. Re-indexing replaces\n"
    "releases in place; unchanged files are skipped. Batches are committed\n"
    "as the run goes, so an interrupted run keeps what it committed and the\n"
    "next run completes the work.\n"
    "\n"
    "A new (empty) index is built in bulk instead: one writer per core, each\n"
    "on a share of the releases, merged and compacted at the end. It appears\n"
    "whole when the run completes; an interrupted bulk build leaves the\n"
    "index empty, and the next run starts it again.\n"
    "\n"
    "options:\n"
    "  --db DIR     the index folder (default $PRSEARCH_DB or ./" PRS_DEFAULT_DB ")\n"
    "  --prune      remove releases whose source file below PATH is gone\n"
    "  --force      re-index files even if they are unchanged\n"
    "  --batch N    commit every N releases (default 1000)\n"
    "  --jobs N     writers for a new index (default: one per core; 1 builds\n"
    "               it in committed batches like any other run)\n"
    "  --max-file-size BYTES\n"
    "               skip (and report) larger files (default 512 MiB)\n"
    "  --quiet      no progress and no summary, only problems\n"
    "  --help       this text\n"
    "\n"
    "exit status: 0 all indexed, 3 some files or records were skipped\n"
    "(each reported on stderr), 1 failure, 2 usage, 5 index locked,\n"
    "130 interrupted (what was committed stays).\n";

static void print_summary(const struct prs_index_stats *s)
{
    double rate = s->seconds > 0 ? (double)s->docs_written / s->seconds : 0;
    fprintf(stderr,
            "prsearch: indexed %zu releases from %zu of %zu files in %.1f s "
            "(%.0f releases/s, %.1f MB/s); %zu unchanged, %zu failed, "
            "%zu bad records",
            s->docs_written, s->files_indexed, s->files_seen, s->seconds, rate,
            s->seconds > 0 ? (double)s->bytes / 1e6 / s->seconds : 0.0,
            s->files_unchanged, s->files_failed, s->records_bad);
    if (s->docs_pruned)
        fprintf(stderr, ", %zu pruned", s->docs_pruned);
    fprintf(stderr, "%s\n", s->interrupted ? " (interrupted)" : "");
}

int prs_cmd_index(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"prune", no_argument, NULL, 'p'},
        {"force", no_argument, NULL, 'f'},
        {"batch", required_argument, NULL, 'b'},
        {"max-file-size", required_argument, NULL, 'm'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *db = NULL;
    bool quiet = false;
    struct prs_index_opts opts = {.stop = &stop_flag};
    long long n;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': opts.prune = true; break;
        case 'f': opts.force = true; break;
        case 'q': quiet = true; break;
        case 'b':
            if (prs_parse_int_range(optarg, 1, 1000000, &n) < 0)
                return prs_cli_usage_error("index", "--batch must be 1..1000000");
            opts.batch_docs = (size_t)n;
            break;
        case 'm':
            if (prs_parse_int_range(optarg, 1, 1LL << 40, &n) < 0)
                return prs_cli_usage_error("index",
                                           "--max-file-size must be 1..2^40 bytes");
            opts.max_file_bytes = (size_t)n;
            break;
        case 'j':
            if (prs_parse_int_range(optarg, 1, 64, &n) < 0)
                return prs_cli_usage_error("index", "--jobs must be 1..64");
            opts.jobs = (size_t)n;
            break;
        case 'h': fputs(index_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("index", "unknown option");
        }
    }
    if (optind >= argc)
        return prs_cli_usage_error("index", "no PATH to index");
    opts.progress = !quiet && isatty(STDERR_FILENO);
    if (quiet)
        prs_log_set_level(PRS_LOG_WARN);

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct prs_index_stats stats;
    struct prs_err err = {0};
    int rc = prs_index_run(prs_cli_db_path(db), (const char *const *)argv + optind,
                           (size_t)(argc - optind), &opts, &stats, &err);
    if (!quiet)
        print_summary(&stats);
    if (rc < 0)
        return prs_cli_fail(&err);
    if (stats.interrupted)
        return PRS_EXIT_INTERRUPTED;
    if (stats.files_failed || stats.records_bad || stats.paths_bad)
        return PRS_EXIT_PARTIAL;
    return PRS_EXIT_OK;
}

static const char delete_help[] =
    "usage: prsearch delete [--db DIR] ID...\n"
    "\n"
    "Removes the releases with these ids from the index.\n"
    "\n"
    "exit status: 0 all removed, 7 some id was not in the index (the others\n"
    "are removed), 4 no index, 5 index locked, 1 failure.\n";

int prs_cmd_delete(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *db = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'h': fputs(delete_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("delete", "unknown option");
        }
    }
    if (optind >= argc)
        return prs_cli_usage_error("delete", "no ID to delete");
    size_t want = (size_t)(argc - optind), deleted = 0;
    struct prs_err err = {0};
    if (prs_index_delete(prs_cli_db_path(db), (const char *const *)argv + optind,
                         want, &deleted, &err) < 0)
        return prs_cli_fail(&err);
    fprintf(stderr, "prsearch: deleted %zu of %zu releases\n", deleted, want);
    return deleted == want ? PRS_EXIT_OK : PRS_EXIT_NOTFOUND;
}
