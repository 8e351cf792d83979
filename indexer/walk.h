/*
 * walk.h: finds the files to index under the paths given on the command
 * line and names the releases they hold.
 */
#ifndef PRS_WALK_H
#define PRS_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct prs_file {
    char *path;    /* as reachable from the working directory */
    char *abspath; /* canonical absolute path: the source key */
    char *id;      /* release id for single-release files */
    int format;    /* enum prs_format */
    uint64_t size;
    int64_t mtime_ns;
};

struct prs_filelist {
    struct prs_file *files;
    size_t n, cap;
    uint64_t total_bytes;
};

/* Reports a path that cannot be used (unreadable folder, unknown format
 * named explicitly); walking goes on. */
typedef void (*prs_walk_bad_fn)(const char *path, const char *msg, void *ctx);

/* Adds every indexable file under root (a file or a folder, recursively;
 * hidden entries and files of unknown formats inside folders are skipped;
 * symbolic links to folders are not followed) to list, sorted by path.
 * A release's id is its path relative to root's parent, without the
 * format's extension: root "corpus/pressmeddelanden" gives
 * "pressmeddelanden/2026/01/slug". Returns 0, or a negative code when
 * root itself does not exist (err says so). */
int prs_walk(const char *root, struct prs_filelist *list, prs_walk_bad_fn bad,
             void *ctx, struct prs_err *err);

void prs_filelist_free(struct prs_filelist *list);

/* Removes the extension of a known format (".md", ".jsonl.gz", ...) from
 * the end of name[0..*len) by shortening *len. */
void prs_strip_format_ext(const char *name, size_t *len);

#endif
