/*
 * engine.h: our C API over xapian-core. The only way C code reaches the
 * index; engine.cc is the only file that includes <xapian.h>.
 *
 * Every function catches every C++ exception and maps it to a PRS_E_* code
 * with a message that names the cause (Xapian's error type and text).
 * Handles are opaque. Nothing here knows about Swedish or releases: terms,
 * values and data come in ready-made (see schema.h for the layout).
 */
#ifndef PRS_ENGINE_H
#define PRS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* ---- Opening -------------------------------------------------------- */

enum prs_db_mode {
    PRS_DB_READ = 0,  /* read-only; PRS_E_NOTFOUND if there is no index */
    PRS_DB_WRITE = 1, /* read-write, created if missing; PRS_E_LOCKED if
                         another writer has it */
    /* A new staging index for a bulk build: anything at path is
     * overwritten, and nothing is synced or kept crash-safe (Xapian's
     * DB_NO_SYNC | DB_DANGEROUS), which makes writing faster. A crash
     * leaves it unusable: only for an index thrown away unless the build
     * completes. */
    PRS_DB_WRITE_STAGING = 2,
};

struct prs_db;

/* Opens the index at path. Free with prs_db_close(). NULL + err on failure. */
struct prs_db *prs_db_open(const char *path, int mode, struct prs_err *err);
/* Merges the indexes srcs[0..n) into a new compacted index at dest, which
 * must not exist: documents are renumbered in order (those of srcs[0]
 * first), terms and postings merged; of metadata keys found in several,
 * the first source's value is kept. Sources whose stored data is
 * compressed with different dictionaries (prs_db_set_data_dict()) are
 * refused: PRS_E_BADARG. */
int prs_db_merge(const char *const *srcs, size_t n, const char *dest,
                 struct prs_err *err);
/* Closes; a writer's uncommitted changes are committed first (as Xapian
 * does). NULL ok. */
void prs_db_close(struct prs_db *db);
/* Moves a reader to the latest commit. Returns 1 if it changed, 0 if it was
 * current, or a negative code. */
int prs_db_reopen(struct prs_db *db, struct prs_err *err);

/* A number that changes whenever what db reads changes: a commit, or the
 * index rebuilt in its place. Answers made from one generation hold for
 * as long as a reader sees it (the server's answer cache). 0 on error. */
uint64_t prs_db_generation(struct prs_db *db);

struct prs_db_stats {
    uint64_t doccount;
    uint64_t last_docid;
    double avg_length; /* mean document length in terms */
};
int prs_db_stats(struct prs_db *db, struct prs_db_stats *out,
                 struct prs_err *err);

/* ---- Building documents -------------------------------------------- */

struct prs_xdoc;

/* A new empty document; free with prs_xdoc_free(). NULL + err on failure. */
struct prs_xdoc *prs_xdoc_new(struct prs_err *err);
void prs_xdoc_free(struct prs_xdoc *d); /* NULL ok */
/* d's terms, positions, values and data as bytes (malloc'ed; *len set),
 * and back: bench/write_floor replays documents into Xapian with no
 * analysis. NULL + err on failure (unserialise: also on bad bytes). */
char *prs_xdoc_serialise(const struct prs_xdoc *d, size_t *len,
                         struct prs_err *err);
struct prs_xdoc *prs_xdoc_unserialise(const char *data, size_t len,
                                      struct prs_err *err);
/* Adds term at position pos, raising its wdf by wdf_inc. */
int prs_xdoc_add_posting(struct prs_xdoc *d, const char *term, size_t len,
                         uint32_t pos, unsigned wdf_inc, struct prs_err *err);
/* Adds term without a position, raising its wdf by wdf_inc. */
int prs_xdoc_add_term(struct prs_xdoc *d, const char *term, size_t len,
                      unsigned wdf_inc, struct prs_err *err);
/* Adds a filter term: wdf 0, never contributes to the score. */
int prs_xdoc_add_boolean(struct prs_xdoc *d, const char *term, size_t len,
                         struct prs_err *err);
int prs_xdoc_set_value(struct prs_xdoc *d, unsigned slot, const char *value,
                       size_t len, struct prs_err *err);
/* The stored payload returned with hits (we store JSON). */
int prs_xdoc_set_data(struct prs_xdoc *d, const char *data, size_t len,
                      struct prs_err *err);

/* ---- Writing -------------------------------------------------------- */

/* Writes d as the document with unique id uid, replacing any document with
 * that id (so re-indexing never duplicates). Adds the id term itself. */
int prs_db_replace(struct prs_db *db, const char *uid,
                   const struct prs_xdoc *d, struct prs_err *err);
/* Stored data may be compressed with a zstd dictionary trained on the
 * index's own releases, which the index keeps (engine/datacodec.h); reads
 * decompress it. prs_data_dict_train() trains one of at most max_bytes on
 * samples[0..n) (each what prs_xdoc_set_data() will be given): *dict is
 * malloc'ed, or NULL with *len 0 when there is too little to learn from. */
int prs_data_dict_train(const char *const *samples, const size_t *lens,
                        size_t n, size_t max_bytes, char **dict, size_t *len,
                        struct prs_err *err);
/* Makes the writer db compress the data it writes from now on with dict,
 * and keeps dict in the index for its readers (written with the next
 * commit). PRS_E_BADARG (or an engine error) if dict is not one. */
int prs_db_set_data_dict(struct prs_db *db, const char *dict, size_t len,
                         struct prs_err *err);
/* Deletes the document with unique id uid: 1 if deleted, 0 if absent. */
int prs_db_delete(struct prs_db *db, const char *uid, struct prs_err *err);
/* Deletes every document indexed with term; returns how many (>= 0). */
int64_t prs_db_delete_by_term(struct prs_db *db, const char *term,
                              struct prs_err *err);
/* Makes all changes so far durable and visible to new readers. */
int prs_db_commit(struct prs_db *db, struct prs_err *err);
/* Transactions: changes between begin and commit are applied all or none. */
int prs_db_begin(struct prs_db *db, struct prs_err *err);
int prs_db_commit_transaction(struct prs_db *db, struct prs_err *err);
int prs_db_cancel_transaction(struct prs_db *db, struct prs_err *err);

/* Metadata: small key/value strings stored with the index. An absent key
 * reads as *out = NULL and returns 0. *out is malloc'ed: free() it. */
int prs_db_get_metadata(struct prs_db *db, const char *key, char **out,
                        struct prs_err *err);
/* Sets key (value "" deletes it). Written with the next commit. */
int prs_db_set_metadata(struct prs_db *db, const char *key, const char *value,
                        struct prs_err *err);
/* Calls fn(key, value, ctx) for every metadata key starting with prefix;
 * nonzero from fn stops and is returned. */
typedef int (*prs_kv_fn)(const char *key, const char *value, void *ctx);
int prs_db_metadata_each(struct prs_db *db, const char *prefix, prs_kv_fn fn,
                         void *ctx, struct prs_err *err);

/* ---- Reading -------------------------------------------------------- */

/* The stored data of the document with unique id uid, malloc'ed (free()
 * it), length in *len. PRS_E_NOTFOUND if there is none. */
int prs_db_get_data(struct prs_db *db, const char *uid, char **out,
                    size_t *len, struct prs_err *err);
/* Number of documents indexed with term (0 if none). */
int prs_db_termfreq(struct prs_db *db, const char *term, uint64_t *out,
                    struct prs_err *err);
/* Calls fn(term, termfreq, ctx) for every term starting with prefix, in
 * byte order; nonzero from fn stops and is returned. */
typedef int (*prs_term_fn)(const char *term, size_t len, uint64_t termfreq,
                           void *ctx);
int prs_db_terms_each(struct prs_db *db, const char *prefix, prs_term_fn fn,
                      void *ctx, struct prs_err *err);
/* prs_db_terms_each() that fn can steer past terms it has no use for:
 * setting *skip to n (1 <= n <= len) goes on after every term that starts
 * with this term's first n bytes. A search for the words near a misspelt
 * one passes over each prefix no such word starts with (search/spell.c). */
typedef int (*prs_term_skip_fn)(const char *term, size_t len,
                                uint64_t termfreq, size_t *skip, void *ctx);
int prs_db_terms_walk(struct prs_db *db, const char *prefix,
                      prs_term_skip_fn fn, void *ctx, struct prs_err *err);

/* ---- Queries -------------------------------------------------------- */

/* An immutable query tree node. Constructors return a new handle (free with
 * prs_query_free()) or NULL + err; they copy what they are given, so the
 * caller keeps and still frees its sub-queries. */
struct prs_query;

enum prs_qop {
    PRS_QOP_AND,
    PRS_QOP_OR,
    PRS_QOP_AND_NOT,   /* first minus the union of the others */
    PRS_QOP_AND_MAYBE, /* first, scored up by the others where they match */
    PRS_QOP_FILTER,    /* first, restricted by the others without weight */
    PRS_QOP_SYNONYM,   /* OR scored as if one term (for variants of a word) */
};

/* A term query; wqf is the within-query frequency (1 normally). */
struct prs_query *prs_query_term(const char *term, unsigned wqf,
                                 struct prs_err *err);
/* Terms in this order, at most window positions apart (window 0 means
 * exactly adjacent: a phrase). */
struct prs_query *prs_query_phrase(const char *const *terms, size_t n,
                                   unsigned window, struct prs_err *err);
/* Terms in any order within window positions. */
struct prs_query *prs_query_near(const char *const *terms, size_t n,
                                 unsigned window, struct prs_err *err);
/* All terms starting with prefix, OR'ed as synonyms; at most max_terms of
 * the most frequent are used (0: no limit). */
struct prs_query *prs_query_prefix(const char *prefix, unsigned max_terms,
                                   struct prs_err *err);
/* prs_query_prefix() with db's terms found up front: the same terms, in
 * the same order, so the same matches and weights. Xapian's wildcard
 * opens a list, and looks up statistics, for every term that starts
 * with prefix, in every search that runs it, before keeping the most
 * frequent few; this reads them once, from the reader's word list where
 * it can (prs_db_terms_walk()). max_terms must not be 0. */
struct prs_query *prs_query_completions(struct prs_db *db, const char *prefix,
                                        unsigned max_terms,
                                        struct prs_err *err);
/* The terms prs_query_completions() keeps, in its order: fn(term, len,
 * termfreq, ctx) for each; nonzero from fn stops and is returned. For
 * callers that make each into a query of their own. */
int prs_db_completions(struct prs_db *db, const char *prefix,
                       unsigned max_terms, prs_term_fn fn, void *ctx,
                       struct prs_err *err);
/* Documents whose value in slot lies in [lo, hi] (byte order); NULL for an
 * open end. */
struct prs_query *prs_query_value_range(unsigned slot, const char *lo,
                                        const char *hi, struct prs_err *err);
struct prs_query *prs_query_match_all(struct prs_err *err);
/* Combines n >= 1 sub-queries with op. */
struct prs_query *prs_query_combine(int op, struct prs_query *const *subs,
                                    size_t n, struct prs_err *err);
/* q with its weight multiplied by factor (0 makes it a pure filter). */
struct prs_query *prs_query_scale(const struct prs_query *q, double factor,
                                  struct prs_err *err);
/* Human-readable form (Xapian's description), malloc'ed; NULL on failure. */
char *prs_query_describe(const struct prs_query *q);
/* Matches every dated release with weight max_weight * 2^(-age /
 * half_life_days), age in days before the newest release: combined with
 * PRS_QOP_AND_MAYBE it lets the newer of two equally relevant releases
 * rank first without changing what matches. */
struct prs_query *prs_query_recency(double max_weight, double half_life_days,
                                    struct prs_err *err);
void prs_query_free(struct prs_query *q); /* NULL ok */

/* ---- Searching ------------------------------------------------------ */

enum prs_sort {
    PRS_SORT_RELEVANCE = 0,
    PRS_SORT_DATE = 1, /* newest first (PRS_SLOT_DATE), then relevance */
};

struct prs_search_opts {
    size_t offset;
    size_t limit;
    int sort;                       /* enum prs_sort */
    const struct prs_query *filter; /* restricts without scoring; may be NULL */
    /* Count matches exactly up to this many (0: Xapian's estimate). */
    uint64_t check_at_least;
    /* Slots (bit n: slot n < 32) whose values the hits keep for
     * prs_hits_value(); 0: none, as reading values costs. */
    uint32_t value_slots;
    /* Weighed on the best rescore_window matches alone, which it then
     * reorders; the matches after them keep their order. For what costs
     * too much to weigh every match by, as proximity does (it reads
     * positions). With PRS_SORT_RELEVANCE only; NULL: none. */
    const struct prs_query *rescore;
    size_t rescore_window;
};

struct prs_hits;

/* Runs q (which must not be NULL). *out is new: free with prs_hits_free().
 * A concurrent commit is handled by reopening and retrying once. */
int prs_db_search(struct prs_db *db, const struct prs_query *q,
                  const struct prs_search_opts *opts, struct prs_hits **out,
                  struct prs_err *err);
size_t prs_hits_count(const struct prs_hits *h); /* hits in this page */
/* Matching documents in all: exact when small, else Xapian's estimate. */
uint64_t prs_hits_total(const struct prs_hits *h);
/* Whether prs_hits_total() is exact (Xapian's bounds met), not estimated. */
bool prs_hits_total_exact(const struct prs_hits *h);
double prs_hits_score(const struct prs_hits *h, size_t i);
/* Borrowed: valid until prs_hits_free(). */
const char *prs_hits_data(const struct prs_hits *h, size_t i, size_t *len);
/* Borrowed likewise; NULL (and *len 0) if hit i has no value in slot or
 * the slot was not in opts->value_slots. */
const char *prs_hits_value(const struct prs_hits *h, size_t i, unsigned slot,
                           size_t *len);
void prs_hits_free(struct prs_hits *h); /* NULL ok */

/* ---- Facets and similar releases ------------------------------------ */

/* Receives one distinct value of a slot and how many matches have it. */
typedef int (*prs_slot_value_fn)(unsigned slot, const char *value, size_t len,
                                 uint64_t count, void *ctx);

/* Counts, over every document matching q (restricted by filter, which may
 * be NULL), how many have each (non-empty) value in each of
 * slots[0..nslots), then calls fn for every (slot, value) in slot order,
 * values in byte order; nonzero from fn stops and is returned.
 * *total (may be NULL) receives the exact number of matches. Cost grows
 * with the number of matches: meant for facets. */
int prs_db_count_values(struct prs_db *db, const struct prs_query *q,
                        const struct prs_query *filter, const unsigned *slots,
                        size_t nslots, prs_slot_value_fn fn, void *ctx,
                        uint64_t *total, struct prs_err *err);

/* The same over the matches of the search that gave h, without running
 * it again, when h holds them all: a search from the first match that
 * found fewer than it asked for (its page, or its rescore window when it
 * has one). *counted tells whether it did; if not, nothing was called
 * and prs_db_count_values() is the way. Returns 0, fn's nonzero, or an
 * error. */
int prs_hits_count_values(struct prs_db *db, const struct prs_hits *h,
                          const unsigned *slots, size_t nslots,
                          prs_slot_value_fn fn, void *ctx, uint64_t *total,
                          bool *counted, struct prs_err *err);

/* Documents like the one with unique id uid: the nterms most telling of
 * its word terms (Xapian's expansion set of a relevance set holding just
 * it; prefixed terms such as ids and filters are left out) OR'ed, the
 * document itself excluded, run with opts. *out as for prs_db_search().
 * PRS_E_NOTFOUND if there is no document uid. */
int prs_db_similar(struct prs_db *db, const char *uid, unsigned nterms,
                   const struct prs_search_opts *opts, struct prs_hits **out,
                   struct prs_err *err);

/* The id term for uid: "Q" + uid, or "Q#" + a hex hash when uid is too
 * long for a Xapian term or starts with '#' (so a plain id term never looks
 * like a hashed one). Writes at most cap bytes incl. NUL to buf. */
void prs_schema_id_term(const char *uid, char *buf, size_t cap);

#endif
