/*
 * answer_cache.h: the server's answers to recent searches and
 * suggestions, by request, so that a query asked again is answered
 * without searching again (a press room's readers ask the same few
 * things at once after an announcement; a search box asks for the same
 * prefixes as people type).
 *
 * One cache serves every worker (a mutex guards it). An answer is kept
 * with the index generation it was made from (prs_db_generation()): a
 * reader whose index has changed since then misses it, so no answer
 * outlives the index it came from. Least recently used answers go first
 * once the cache holds max_bytes (keys, answers and bookkeeping).
 */
#ifndef PRS_ANSWER_CACHE_H
#define PRS_ANSWER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prs_answer_cache;

struct prs_answer_cache_stats {
    uint64_t hits, misses;
    uint64_t entries, bytes;
};

/* A cache of at most max_bytes; NULL when out of memory. max_bytes 0
 * keeps nothing (every get misses). */
struct prs_answer_cache *prs_answer_cache_new(size_t max_bytes);
void prs_answer_cache_free(struct prs_answer_cache *c); /* NULL ok */

/* Looks key[0..klen) up for generation gen. On a hit returns true with a
 * malloc'ed copy of the answer in *value (*len bytes, NUL-terminated);
 * on a miss (also when the answer is from another generation, which is
 * then dropped, or when the copy cannot be made) returns false. NULL c:
 * always a miss, not counted. */
bool prs_answer_cache_get(struct prs_answer_cache *c, const char *key,
                          size_t klen, uint64_t gen, char **value,
                          size_t *len);

/* Keeps a copy of value[0..len) as key's answer for generation gen,
 * replacing an older one. An answer larger than an eighth of the cache
 * is not kept (it would push out many others); neither is anything when
 * memory runs out. NULL c: nothing. */
void prs_answer_cache_put(struct prs_answer_cache *c, const char *key,
                          size_t klen, uint64_t gen, const char *value,
                          size_t len);

void prs_answer_cache_stats(struct prs_answer_cache *c,
                            struct prs_answer_cache_stats *out);

#endif
