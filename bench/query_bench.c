/*
 * query_bench.c: in-process query latency of prsearch (docs/BENCHMARKS.md).
 *
 *   query_bench [--facets] DB QUERIES [ROUNDS]
 *
 * Opens the index, its synonyms and one analyzer as `prsearch search`
 * does, then runs every query of QUERIES (one per line; a line
 * "year=YYYY<TAB>query" adds that filter) ROUNDS times (default 3) through
 * prs_search() with the full query processing (compounds, folding,
 * correction, the last word as a prefix), top 10 with snippets, without
 * facets unless --facets (which also counts the total exactly, as
 * /api/search does by default). The first round only warms the caches; the others are timed
 * query by query. Prints p50, p95, p99, the maximum and queries/s.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"
#include "synonyms.h"

struct query {
    char *text;
    char year[5]; /* "" for none */
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

/* Reads the queries of path; returns how many (0 on error). */
static size_t read_queries(const char *path, struct query **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 0;
    }
    struct query *q = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            struct query *grown = realloc(q, cap * sizeof *q);
            if (!grown)
                break;
            q = grown;
        }
        const char *text = line;
        q[n].year[0] = '\0';
        if (strncmp(line, "year=", 5) == 0 && len > 10 && line[9] == '\t') {
            memcpy(q[n].year, line + 5, 4);
            q[n].year[4] = '\0';
            text = line + 10;
        }
        if (!(q[n].text = strdup(text)))
            break;
        n++;
    }
    free(line);
    fclose(f);
    *out = q;
    return n;
}

int main(int argc, char **argv)
{
    bool facets = argc > 1 && strcmp(argv[1], "--facets") == 0;
    if (facets) {
        argc--;
        argv++;
    }
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: query_bench [--facets] DB QUERIES [ROUNDS]\n");
        return 2;
    }
    int rounds = argc == 4 ? atoi(argv[3]) : 3;
    if (rounds < 2)
        rounds = 2;
    struct query *queries = NULL;
    size_t nq = read_queries(argv[2], &queries);
    struct prs_err err = {0};
    struct prs_db *db = nq ? prs_db_open(argv[1], PRS_DB_READ, &err) : NULL;
    struct prs_analyzer *an = db ? prs_analyzer_new(&err) : NULL;
    struct prs_synonyms *syn = an ? prs_synonyms_load(db, an, NULL, &err)
                                  : NULL;
    if (!syn) {
        fprintf(stderr, "query_bench: %s\n", nq ? err.msg : "no queries");
        return 1;
    }
    size_t ntimed = nq * (size_t)(rounds - 1);
    double *lat = malloc(ntimed * sizeof *lat);
    size_t k = 0, failed = 0;
    double total_us = 0;
    for (int r = 0; lat && r < rounds; r++) {
        for (size_t i = 0; i < nq; i++) {
            struct prs_search_request req = {
                .query = queries[i].text,
                .limit = 10,
                .sort = PRS_SORT_RELEVANCE,
                .year = queries[i].year[0] ? queries[i].year : NULL,
                .facets = facets,
                .suggest = true,
                .correct = true,
                .recency_weight = PRS_RECENCY_WEIGHT,
                .synonyms = syn,
            };
            struct prs_search_result res = {0};
            double t0 = now_us();
            if (prs_search(db, an, &req, &res, &err) < 0)
                failed++;
            double dt = now_us() - t0;
            prs_search_result_free(&res);
            if (r > 0) {
                lat[k++] = dt;
                total_us += dt;
            }
        }
    }
    if (!lat || k == 0) {
        fprintf(stderr, "query_bench: out of memory\n");
        return 1;
    }
    qsort(lat, k, sizeof *lat, cmp_double);
    printf("queries %zu x %d timed rounds, %zu failed\n", nq, rounds - 1,
           failed);
    printf("p50 %.0f us  p95 %.0f us  p99 %.0f us  max %.0f us  "
           "%.0f queries/s\n",
           percentile(lat, k, 50), percentile(lat, k, 95),
           percentile(lat, k, 99), lat[k - 1], (double)k / total_us * 1e6);
    free(lat);
    for (size_t i = 0; i < nq; i++)
        free(queries[i].text);
    free(queries);
    prs_synonyms_free(syn);
    prs_analyzer_free(an);
    prs_db_close(db);
    return failed ? 1 : 0;
}
