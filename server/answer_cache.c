/*
 * answer_cache.c: an LRU map from requests to answers (answer_cache.h):
 * a chained hash table for lookups and a doubly linked list in order of
 * use for eviction, under one mutex. Hand-written: GLib's GHashTable and
 * GQueue would do it, but pulling GLib into the server for two hundred
 * lines is not worth it.
 */
#include "answer_cache.h"

#include "strutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *chain;      /* next in the hash bucket */
    struct entry *newer, *older;
    uint64_t gen;
    uint64_t hash;
    size_t klen, vlen;
    char data[];              /* key, then answer and a NUL */
};

struct prs_answer_cache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
    struct entry **buckets;
    size_t nbuckets; /* a power of two */
    size_t entries;
    struct entry *newest, *oldest;
    uint64_t hits, misses;
};

#define MIN_BUCKETS 256

static size_t entry_bytes(size_t klen, size_t vlen)
{
    return sizeof(struct entry) + klen + vlen + 1;
}

struct prs_answer_cache *prs_answer_cache_new(size_t max_bytes)
{
    struct prs_answer_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->buckets = calloc(MIN_BUCKETS, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->nbuckets = MIN_BUCKETS;
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void prs_answer_cache_free(struct prs_answer_cache *c)
{
    if (!c)
        return;
    for (struct entry *e = c->newest, *next; e; e = next) {
        next = e->older;
        free(e);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static struct entry **slot_of(struct prs_answer_cache *c, uint64_t hash,
                              const char *key, size_t klen)
{
    struct entry **p = &c->buckets[hash & (c->nbuckets - 1)];
    while (*p && !((*p)->hash == hash && (*p)->klen == klen &&
                   memcmp((*p)->data, key, klen) == 0))
        p = &(*p)->chain;
    return p;
}

static void unlink_use(struct prs_answer_cache *c, struct entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void link_newest(struct prs_answer_cache *c, struct entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Removes the entry *p points at (its bucket link) and frees it. */
static void drop(struct prs_answer_cache *c, struct entry **p)
{
    struct entry *e = *p;
    *p = e->chain;
    unlink_use(c, e);
    c->bytes -= entry_bytes(e->klen, e->vlen);
    c->entries--;
    free(e);
}

/* Doubles the buckets when there are more entries than buckets; stays
 * as it is when memory runs out (chains just get longer). */
static void grow(struct prs_answer_cache *c)
{
    if (c->entries <= c->nbuckets)
        return;
    size_t n = c->nbuckets * 2;
    struct entry **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < c->nbuckets; i++)
        for (struct entry *e = c->buckets[i], *next; e; e = next) {
            next = e->chain;
            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

bool prs_answer_cache_get(struct prs_answer_cache *c, const char *key,
                          size_t klen, uint64_t gen, char **value,
                          size_t *len)
{
    if (!c)
        return false;
    uint64_t h = prs_hash64(key, klen);
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    struct entry **p = slot_of(c, h, key, klen);
    if (*p && (*p)->gen != gen) {
        drop(c, p); /* made from another index generation */
    } else if (*p) {
        struct entry *e = *p;
        char *copy = malloc(e->vlen + 1);
        if (copy) {
            memcpy(copy, e->data + e->klen, e->vlen + 1);
            *value = copy;
            *len = e->vlen;
            unlink_use(c, e);
            link_newest(c, e);
            hit = true;
        }
    }
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void prs_answer_cache_put(struct prs_answer_cache *c, const char *key,
                          size_t klen, uint64_t gen, const char *value,
                          size_t len)
{
    size_t need = entry_bytes(klen, len);
    if (!c || need > c->max_bytes / 8)
        return;
    struct entry *e = malloc(need);
    if (!e)
        return;
    e->gen = gen;
    e->hash = prs_hash64(key, klen);
    e->klen = klen;
    e->vlen = len;
    memcpy(e->data, key, klen);
    memcpy(e->data + klen, value, len);
    e->data[klen + len] = '\0';
    pthread_mutex_lock(&c->lock);
    struct entry **p = slot_of(c, e->hash, key, klen);
    if (*p)
        drop(c, p);
    while (c->oldest && c->bytes + need > c->max_bytes)
        drop(c, slot_of(c, c->oldest->hash, c->oldest->data,
                        c->oldest->klen));
    e->chain = c->buckets[e->hash & (c->nbuckets - 1)];
    c->buckets[e->hash & (c->nbuckets - 1)] = e;
    link_newest(c, e);
    c->bytes += need;
    c->entries++;
    grow(c);
    pthread_mutex_unlock(&c->lock);
}

void prs_answer_cache_stats(struct prs_answer_cache *c,
                            struct prs_answer_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    out->hits = c->hits;
    out->misses = c->misses;
    out->entries = c->entries;
    out->bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}
