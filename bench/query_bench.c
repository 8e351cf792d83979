/*
 * query_bench.c: in-process query latency of prsearch (docs/BENCHMARKS.md).
 *
 *   query_bench [--facets] [--no-snippets] [--suggest] [--dump]
 *               [--snippet-bytes N] [--slowest N] DB QUERIES [ROUNDS]
 *
 * Opens the index, its synonyms and one analyzer as `prsearch search`
 * does, then runs every query of QUERIES (one per line; a line
 * "year=YYYY<TAB>query" adds that filter) ROUNDS times (default 3) through
 * prs_search() with the full query processing (compounds, folding,
 * correction, the last word as a prefix), top 10 with snippets, without
 * facets unless --facets (which also counts the total exactly, as
 * /api/search does by default). --no-snippets leaves the snippets out,
 * as the peers of issue 5's table and its query target do (the hits'
 * stored releases are still read). The first round only warms the
 * caches; the others are timed query by query. Prints p50, p95, p99, the
 * maximum and queries/s.
 *
 * --suggest times prs_complete() instead (8 completions, 5 titles, as
 * /api/suggest answers) on what is typed on the way to each query: its
 * first word and the first half of the next (bench/wrk_queries.lua).
 * --dump runs each query once and prints its answer instead of times:
 * the total, the correction or "did you mean", each hit's id and snippet
 * (and the facets), or the completions and title ids; two builds' dumps
 * diff to show that a speed change changed no answer. --snippet-bytes sets the snippets'
 * length (default PRS_SNIPPET_BYTES). --slowest N also prints the N
 * queries with the highest median time over the timed rounds: the tail
 * that p99 is made of.
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

/* What is typed on the way to query, into out (cap bytes): its first
 * word and the first half (in characters, at least one) of the second,
 * or half of the only word; quotes and '*' left out. */
static void typed_prefix(const char *query, char *out, size_t cap)
{
    const char *w[2] = {NULL, NULL};
    size_t wl[2] = {0, 0};
    int n = 0;
    for (const char *p = query; *p && n < 2;) {
        while (*p == ' ' || *p == '\t' || *p == '"' || *p == '*')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '"' && *p != '*')
            p++;
        if (p > start) {
            w[n] = start;
            wl[n++] = (size_t)(p - start);
        }
    }
    int last = n == 2 ? 1 : 0;
    size_t chars = 0, cut = 0;
    for (size_t i = 0; i < wl[last]; i++)
        chars += ((unsigned char)w[last][i] & 0xC0) != 0x80;
    for (size_t seen = 0; seen < (chars + 1) / 2; seen++)
        for (cut++; cut < wl[last] && ((unsigned char)w[last][cut] & 0xC0) == 0x80;)
            cut++;
    if (n == 2)
        snprintf(out, cap, "%.*s %.*s", (int)wl[0], w[0], (int)cut, w[1]);
    else
        snprintf(out, cap, "%.*s", (int)cut, n ? w[0] : "");
}

struct options {
    bool facets, no_snippets, suggest, dump;
    size_t snippet_bytes;
    size_t slowest;
};

static void dump_search(const char *query, const struct prs_search_result *r)
{
    printf("Q\t%s\ttotal %llu%s\n", query, (unsigned long long)r->total,
           r->total_exact ? "" : "~");
    if (r->corrected)
        printf("corrected\t%s\n", r->corrected);
    if (r->suggestion)
        printf("did you mean\t%s\n", r->suggestion);
    for (size_t i = 0; i < r->nhits; i++) {
        struct prs_buf b = {0};
        prs_snippet_html(&r->hits[i].snippet, &b);
        printf("%s\t%s\n", r->hits[i].doc.id ? r->hits[i].doc.id : "",
               b.data ? b.data : "");
        prs_buf_free(&b);
    }
    for (int f = 0; f < PRS_NFACETS; f++)
        for (size_t i = 0; i < r->facets[f].n; i++)
            printf("facet %d\t%s\t%llu\n", f, r->facets[f].values[i].value,
                   (unsigned long long)r->facets[f].values[i].count);
}

static void dump_completion(const char *typed, const struct prs_completion *c)
{
    printf("S\t%s\n", typed);
    for (size_t i = 0; i < c->ntexts; i++)
        printf("completion\t%s\n", c->texts[i]);
    for (size_t i = 0; i < c->ntitles; i++)
        printf("title\t%s\n", c->titles[i].id);
}

/* Runs one query as o asks; 0 or the failure's code. */
static int run_one(struct prs_db *db, struct prs_analyzer *an,
                   struct prs_synonyms *syn, const struct query *q,
                   const struct options *o, struct prs_err *err)
{
    if (o->suggest) {
        char typed[1024];
        typed_prefix(q->text, typed, sizeof typed);
        struct prs_completion c = {0};
        int rc = prs_complete(db, an, typed, 8, 5, &c, err);
        if (rc == 0 && o->dump)
            dump_completion(typed, &c);
        prs_completion_free(&c);
        return rc;
    }
    struct prs_search_request req = {
        .query = q->text,
        .limit = 10,
        .sort = PRS_SORT_RELEVANCE,
        .year = q->year[0] ? q->year : NULL,
        .facets = o->facets,
        .suggest = true,
        .correct = true,
        .recency_weight = PRS_RECENCY_WEIGHT,
        .snippet_bytes = o->snippet_bytes,
        .no_snippets = o->no_snippets,
        .synonyms = syn,
    };
    struct prs_search_result res = {0};
    int rc = prs_search(db, an, &req, &res, err);
    if (rc == 0 && o->dump)
        dump_search(q->text, &res);
    prs_search_result_free(&res);
    return rc;
}

struct ranked {
    double median_us;
    size_t query;
};

static int cmp_ranked_desc(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->median_us;
    double y = ((const struct ranked *)b)->median_us;
    return (x < y) - (x > y);
}

/* Prints the n queries with the highest median time; times holds each
 * query's timed rounds in a row of nrounds. */
static void print_slowest(const struct query *queries, size_t nq,
                          double *times, size_t nrounds, size_t n)
{
    struct ranked *r = malloc(nq * sizeof *r);
    if (!r)
        return;
    for (size_t q = 0; q < nq; q++) {
        double *row = times + q * nrounds;
        qsort(row, nrounds, sizeof *row, cmp_double);
        r[q] = (struct ranked){percentile(row, nrounds, 50), q};
    }
    qsort(r, nq, sizeof *r, cmp_ranked_desc);
    printf("slowest (median of the timed rounds):\n");
    for (size_t i = 0; i < n && i < nq; i++) {
        const struct query *q = &queries[r[i].query];
        printf("%8.0f us  %s%s%s%s\n", r[i].median_us,
               q->year[0] ? "year=" : "", q->year, q->year[0] ? " " : "",
               q->text);
    }
    free(r);
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--facets") == 0)
            o.facets = true;
        else if (strcmp(argv[i], "--no-snippets") == 0)
            o.no_snippets = true;
        else if (strcmp(argv[i], "--suggest") == 0)
            o.suggest = true;
        else if (strcmp(argv[i], "--dump") == 0)
            o.dump = true;
        else if (strcmp(argv[i], "--snippet-bytes") == 0 && i + 1 < argc)
            o.snippet_bytes = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--slowest") == 0 && i + 1 < argc)
            o.slowest = (size_t)strtoul(argv[++i], NULL, 10);
        else
            break;
    }
    argc -= i - 1;
    argv += i - 1;
    if (argc < 3 || argc > 4 || (argc > 1 && strncmp(argv[1], "--", 2) == 0)) {
        fprintf(stderr, "usage: query_bench [--facets] [--no-snippets] "
                        "[--suggest] [--dump] [--snippet-bytes N] "
                        "[--slowest N] DB QUERIES [ROUNDS]\n");
        return 2;
    }
    int rounds = o.dump ? 1 : argc == 4 ? atoi(argv[3]) : 3;
    if (rounds < 2 && !o.dump)
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
    size_t ntimed = nq * (size_t)(rounds > 1 ? rounds - 1 : 1);
    double *lat = malloc(ntimed * sizeof *lat);
    /* Query q's time in timed round r at [q * (rounds - 1) + r]. */
    double *per_query = malloc(ntimed * sizeof *per_query);
    size_t k = 0, failed = 0;
    double total_us = 0;
    if (!per_query) {
        free(lat);
        lat = NULL;
    }
    for (int r = 0; lat && r < rounds; r++) {
        for (size_t q = 0; q < nq; q++) {
            double t0 = now_us();
            if (run_one(db, an, syn, &queries[q], &o, &err) < 0)
                failed++;
            double dt = now_us() - t0;
            if (r > 0) {
                per_query[q * (size_t)(rounds - 1) + (size_t)(r - 1)] = dt;
                lat[k++] = dt;
                total_us += dt;
            }
        }
    }
    if (!lat || (k == 0 && !o.dump)) {
        fprintf(stderr, "query_bench: out of memory\n");
        return 1;
    }
    if (!o.dump) {
        qsort(lat, k, sizeof *lat, cmp_double);
        printf("%s %zu x %d timed rounds, %zu failed\n",
               o.suggest ? "suggestions" : "queries", nq, rounds - 1, failed);
        printf("p50 %.0f us  p95 %.0f us  p99 %.0f us  max %.0f us  "
               "%.0f %s/s\n",
               percentile(lat, k, 50), percentile(lat, k, 95),
               percentile(lat, k, 99), lat[k - 1], (double)k / total_us * 1e6,
               o.suggest ? "suggestions" : "queries");
        if (o.slowest)
            print_slowest(queries, nq, per_query, (size_t)(rounds - 1),
                          o.slowest);
    }
    free(lat);
    free(per_query);
    for (size_t q = 0; q < nq; q++)
        free(queries[q].text);
    free(queries);
    prs_synonyms_free(syn);
    prs_analyzer_free(an);
    prs_db_close(db);
    return failed ? 1 : 0;
}
