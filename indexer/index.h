/*
 * index.h: the indexing run behind `prsearch index`: walk the paths, parse
 * each file, analyse each release, write it under its id, commit in
 * batches, skip unchanged files, prune vanished ones.
 */
#ifndef PRS_INDEX_H
#define PRS_INDEX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct prs_index_opts {
    bool prune;          /* remove releases whose source file is gone */
    bool progress;       /* redraw a progress line on stderr */
    bool force;          /* re-index unchanged files too */
    size_t batch_docs;   /* commit after this many releases (0: default) */
    size_t max_file_bytes; /* larger files are skipped (0: default) */
    /* Writers for a new (empty) index, built in bulk (bulk.h): 0 is one
     * per core, 1 writes in committed batches as an update does. */
    size_t jobs;
    /* Set asynchronously (SIGINT/SIGTERM) to stop after the current
     * release; what was written so far is committed. May be NULL. */
    volatile sig_atomic_t *stop;
};

#define PRS_INDEX_DEFAULT_BATCH 1000
#define PRS_INDEX_DEFAULT_MAX_FILE (512u * 1024 * 1024)

struct prs_index_stats {
    size_t files_seen;
    size_t files_indexed;
    size_t files_unchanged; /* skipped: same size and mtime as last time */
    size_t files_failed;    /* unreadable, binary, empty, too large, ... */
    size_t docs_written;
    size_t records_bad;     /* malformed records inside good files */
    size_t docs_pruned;
    size_t paths_bad;       /* paths that could not be walked */
    uint64_t bytes;         /* bytes of the files indexed */
    double seconds;
    bool interrupted;
};

/* Indexes paths[0..npaths) into the index at db_path (created if
 * missing). Problems with single files or records are reported through
 * the log and counted in stats; the return value is 0 unless the run
 * could not go on at all (index locked or unwritable, out of memory). */
int prs_index_run(const char *db_path, const char *const *paths,
                  size_t npaths, const struct prs_index_opts *opts,
                  struct prs_index_stats *stats, struct prs_err *err);

/* Deletes releases by id; *deleted counts those that existed. */
int prs_index_delete(const char *db_path, const char *const *ids, size_t n,
                     size_t *deleted, struct prs_err *err);

#endif
