/*
 * bulk.h: a new index written by several writers at once.
 *
 * A first run meets many releases and an empty index. Xapian allows one
 * writer per index and writing is most of the work, so each of `jobs`
 * threads analyses and writes its share of the releases into a shard of
 * its own, a staging index that is not synced or kept crash-safe (faster
 * to write). The finished shards are merged by compaction, and the merged
 * index takes the empty one's place with a rename. Until then the index
 * stays as it was: an interrupted or crashed bulk build leaves nothing
 * half-done, and the next run starts again (removing what a crashed run
 * left in its staging directory).
 *
 * The first releases wait until a dictionary for the stored data is
 * trained on them (prs_data_dict_train()); every shard then writes with
 * it, and the merged index keeps it.
 */
#ifndef PRS_BULK_H
#define PRS_BULK_H

#include <stddef.h>

#include "doc.h"
#include "engine.h"
#include "err.h"

struct prs_bulk;

/* Starts jobs (>= 1) writer threads on shards in a staging directory
 * beside db_path ("<db_path>.build-<pid>"); each commits its shard every
 * batch_docs releases to bound its memory. NULL + err on failure. */
struct prs_bulk *prs_bulk_start(const char *db_path, size_t jobs,
                                size_t batch_docs, struct prs_err *err);

/* Hands doc over (*doc is left empty) to the writer of its id's shard, so
 * a release given twice is replaced as in a normal run. source_key tags
 * it for --prune (may be NULL); where names it in messages about it.
 * Waits while that writer is behind. Returns 0, or the fatal error a
 * writer met (copied into err). */
int prs_bulk_add(struct prs_bulk *b, struct prs_doc *doc,
                 const char *source_key, const char *where,
                 struct prs_err *err);

/* Sets a metadata key of the index being built (kept until finish). */
int prs_bulk_set_metadata(struct prs_bulk *b, const char *key,
                          const char *value, struct prs_err *err);

/* Waits for the writers and merges the shards; then every metadata key
 * of *target (the empty index at db_path, open for writing) and those set
 * with prs_bulk_set_metadata() are copied in, *target is closed (set to
 * NULL) and the merged index put in its place. *written and *bad receive
 * the releases written and those the writers refused (reported through
 * the log). */
int prs_bulk_finish(struct prs_bulk *b, struct prs_db **target,
                    size_t *written, size_t *bad, struct prs_err *err);

/* Stops the writers if they still run, removes the staging directory and
 * frees b; NULL ok. Without prs_bulk_finish() the index is unchanged. */
void prs_bulk_free(struct prs_bulk *b);

#endif
