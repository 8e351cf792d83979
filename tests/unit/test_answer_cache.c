/* Unit tests for server/answer_cache.c: hits, generations, eviction
 * order, the byte budget, and two threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer_cache.h"

static bool get(struct prs_answer_cache *c, const char *key, uint64_t gen,
                char **value)
{
    size_t len = 0;
    *value = NULL;
    bool hit = prs_answer_cache_get(c, key, strlen(key), gen, value, &len);
    if (hit)
        assert_int_equal(len, strlen(*value));
    return hit;
}

static void put(struct prs_answer_cache *c, const char *key, uint64_t gen,
                const char *value)
{
    prs_answer_cache_put(c, key, strlen(key), gen, value, strlen(value));
}

/* Whether key is held for gen; like any get, it makes the entry the most
 * recently used. */
static bool holds(struct prs_answer_cache *c, const char *key, uint64_t gen)
{
    char *v = NULL;
    bool hit = get(c, key, gen, &v);
    free(v);
    return hit;
}

static void hit_returns_the_answer(void **state)
{
    (void)state;
    struct prs_answer_cache *c = prs_answer_cache_new(1 << 20);
    char *v = NULL;
    assert_false(get(c, "/api/search?q=skatt", 7, &v));
    put(c, "/api/search?q=skatt", 7, "{\"total\":3}");
    assert_true(get(c, "/api/search?q=skatt", 7, &v));
    assert_string_equal(v, "{\"total\":3}");
    free(v);
    /* Another request is another answer. */
    assert_false(get(c, "/api/search?q=skatter", 7, &v));
    /* A new answer for the same request replaces the old one. */
    put(c, "/api/search?q=skatt", 7, "{\"total\":4}");
    assert_true(get(c, "/api/search?q=skatt", 7, &v));
    assert_string_equal(v, "{\"total\":4}");
    free(v);
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 2);
    assert_int_equal(st.entries, 1);
    assert_true(st.bytes > strlen("/api/search?q=skatt{\"total\":4}"));
    prs_answer_cache_free(c);
}

static void another_generation_misses_and_drops(void **state)
{
    (void)state;
    struct prs_answer_cache *c = prs_answer_cache_new(1 << 20);
    put(c, "/api/suggest?q=sk", 1, "{\"completions\":[]}");
    assert_false(holds(c, "/api/suggest?q=sk", 2));
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    /* Dropped: its own generation no longer finds it either. */
    assert_false(holds(c, "/api/suggest?q=sk", 1));
    prs_answer_cache_free(c);
}

/* The bytes one entry of key and a 100-byte answer take: measured, so
 * that the test does not copy the cache's bookkeeping size. */
static size_t entry_size(const char *key)
{
    struct prs_answer_cache *c = prs_answer_cache_new(1 << 20);
    char answer[101];
    memset(answer, 'x', 100);
    answer[100] = '\0';
    put(c, key, 1, answer);
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    prs_answer_cache_free(c);
    return st.bytes;
}

static void least_recently_used_goes_first(void **state)
{
    (void)state;
    char answer[101];
    memset(answer, 'x', 100);
    answer[100] = '\0';
    size_t one = entry_size("k0"); /* every key below has 2 bytes */
    /* Room for exactly 8 entries; each is an eighth: small enough. */
    struct prs_answer_cache *c = prs_answer_cache_new(8 * one);
    char key[3];
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, key, 1, answer);
    }
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    assert_int_equal(st.entries, 8);
    assert_int_equal(st.bytes, 8 * one);
    assert_true(holds(c, "k0", 1)); /* k0 is now the most recently used */
    put(c, "k8", 1, answer);        /* pushes out k1, the oldest */
    assert_false(holds(c, "k1", 1));
    assert_true(holds(c, "k0", 1));
    assert_true(holds(c, "k8", 1));
    for (int i = 2; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_true(holds(c, key, 1));
    }
    prs_answer_cache_stats(c, &st);
    assert_int_equal(st.entries, 8);
    assert_true(st.bytes <= 8 * one);
    prs_answer_cache_free(c);
}

static void large_answers_are_not_kept(void **state)
{
    (void)state;
    size_t one = entry_size("k0");
    /* An entry of 100 bytes' answer is just over an eighth of this. */
    struct prs_answer_cache *c = prs_answer_cache_new(8 * one - 1);
    char answer[101];
    memset(answer, 'x', 100);
    answer[100] = '\0';
    put(c, "k0", 1, "small");
    put(c, "k1", 1, answer);
    assert_true(holds(c, "k0", 1));
    assert_false(holds(c, "k1", 1));
    prs_answer_cache_free(c);
    /* A cache of 0 bytes keeps nothing. */
    c = prs_answer_cache_new(0);
    put(c, "k0", 1, "small");
    assert_false(holds(c, "k0", 1));
    prs_answer_cache_free(c);
}

static void many_entries_stay_findable(void **state)
{
    (void)state;
    struct prs_answer_cache *c = prs_answer_cache_new(64 << 20);
    char key[32], value[32];
    for (int i = 0; i < 5000; i++) { /* past several table growths */
        snprintf(key, sizeof key, "/api/search?q=%d", i);
        snprintf(value, sizeof value, "{\"n\":%d}", i);
        put(c, key, 3, value);
    }
    for (int i = 0; i < 5000; i++) {
        char *v = NULL;
        snprintf(key, sizeof key, "/api/search?q=%d", i);
        snprintf(value, sizeof value, "{\"n\":%d}", i);
        assert_true(get(c, key, 3, &v));
        assert_string_equal(v, value);
        free(v);
    }
    prs_answer_cache_free(c);
    /* No cache: a miss, and nothing to put into. */
    char *v = NULL;
    assert_false(get(NULL, "k", 1, &v));
    put(NULL, "k", 1, "v");
}

struct worker_args {
    struct prs_answer_cache *c;
    int id;
    int mismatches;
};

/* Puts and gets its own keys, with others' traffic in between. */
static void *hammer(void *arg)
{
    struct worker_args *a = arg;
    char key[32], value[32];
    for (int round = 0; round < 20000; round++) {
        int i = round % 300;
        snprintf(key, sizeof key, "t%d/%d", a->id, i);
        snprintf(value, sizeof value, "%d:%d", a->id, i);
        char *v = NULL;
        size_t len = 0;
        if (prs_answer_cache_get(a->c, key, strlen(key), 1, &v, &len)) {
            if (strcmp(v, value) != 0)
                a->mismatches++;
            free(v);
        } else {
            prs_answer_cache_put(a->c, key, strlen(key), 1, value,
                                 strlen(value));
        }
    }
    return NULL;
}

static void two_threads_at_once(void **state)
{
    (void)state;
    /* Small enough that both threads evict each other's entries. */
    struct prs_answer_cache *c = prs_answer_cache_new(40000);
    struct worker_args a[2] = {{c, 0, 0}, {c, 1, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(a[0].mismatches, 0);
    assert_int_equal(a[1].mismatches, 0);
    struct prs_answer_cache_stats st;
    prs_answer_cache_stats(c, &st);
    assert_int_equal(st.hits + st.misses, 40000);
    assert_true(st.hits > 0);
    assert_true(st.misses > 0);
    assert_true(st.bytes <= 40000);
    prs_answer_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hit_returns_the_answer),
        cmocka_unit_test(another_generation_misses_and_drops),
        cmocka_unit_test(least_recently_used_goes_first),
        cmocka_unit_test(large_answers_are_not_kept),
        cmocka_unit_test(many_entries_stay_findable),
        cmocka_unit_test(two_threads_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
