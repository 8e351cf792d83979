/*
 * metrics.c: the counters behind GET /metrics.
 */
#include "metrics.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const route_names[PRS_NROUTES] = {
    "search", "suggest", "document", "similar", "document_post",
    "document_delete", "healthz", "metrics", "static", "other",
};

/* The statuses the server answers; the last slot counts any other. */
static const int statuses[PRS_METRICS_NSTATUS - 1] = {
    200, 204, 304, 400, 401, 403, 404, 405, 413, 414, 431, 500, 503,
};

/* Upper bounds of the latency buckets, seconds (+Inf is count). */
static const double bounds[PRS_METRICS_NBUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
};

const char *prs_route_name(int route)
{
    return route >= 0 && route < PRS_NROUTES ? route_names[route] : "other";
}

void prs_metrics_init(struct prs_metrics *m)
{
    memset(m, 0, sizeof *m);
    atomic_store(&m->started, (int64_t)time(NULL));
}

void prs_metrics_add(struct prs_metrics *m, int route, int status,
                     double seconds)
{
    if (route < 0 || route >= PRS_NROUTES)
        route = PRS_ROUTE_OTHER;
    int s = PRS_METRICS_NSTATUS - 1;
    for (int i = 0; i < PRS_METRICS_NSTATUS - 1; i++)
        if (statuses[i] == status)
            s = i;
    atomic_fetch_add(&m->requests[route][s], 1);
    for (int b = 0; b < PRS_METRICS_NBUCKETS; b++)
        if (seconds <= bounds[b])
            atomic_fetch_add(&m->buckets[route][b], 1);
    atomic_fetch_add(&m->micros[route], (uint64_t)(seconds * 1e6));
    atomic_fetch_add(&m->count[route], 1);
}

int prs_metrics_format(struct prs_metrics *m, uint64_t documents,
                       int64_t last_commit, struct prs_buf *out)
{
    int rc = prs_buf_puts(out,
        "# HELP prsearch_http_requests_total HTTP requests answered, by route "
        "and status.\n# TYPE prsearch_http_requests_total counter\n");
    for (int r = 0; rc == 0 && r < PRS_NROUTES; r++)
        for (int s = 0; rc == 0 && s < PRS_METRICS_NSTATUS; s++) {
            uint64_t n = atomic_load(&m->requests[r][s]);
            if (!n)
                continue;
            char status[8];
            if (s < PRS_METRICS_NSTATUS - 1)
                snprintf(status, sizeof status, "%d", statuses[s]);
            else
                snprintf(status, sizeof status, "other");
            rc = prs_buf_printf(out,
                                "prsearch_http_requests_total{route=\"%s\","
                                "status=\"%s\"} %llu\n",
                                route_names[r], status, (unsigned long long)n);
        }
    if (rc == 0)
        rc = prs_buf_puts(out,
            "# HELP prsearch_http_request_duration_seconds Time to answer a "
            "request, by route.\n"
            "# TYPE prsearch_http_request_duration_seconds histogram\n");
    for (int r = 0; rc == 0 && r < PRS_NROUTES; r++) {
        uint64_t count = atomic_load(&m->count[r]);
        if (!count)
            continue;
        for (int b = 0; rc == 0 && b < PRS_METRICS_NBUCKETS; b++)
            rc = prs_buf_printf(out,
                                "prsearch_http_request_duration_seconds_bucket"
                                "{route=\"%s\",le=\"%g\"} %llu\n",
                                route_names[r], bounds[b],
                                (unsigned long long)atomic_load(&m->buckets[r][b]));
        if (rc == 0)
            rc = prs_buf_printf(out,
                                "prsearch_http_request_duration_seconds_bucket"
                                "{route=\"%s\",le=\"+Inf\"} %llu\n"
                                "prsearch_http_request_duration_seconds_sum"
                                "{route=\"%s\"} %.6f\n"
                                "prsearch_http_request_duration_seconds_count"
                                "{route=\"%s\"} %llu\n",
                                route_names[r], (unsigned long long)count,
                                route_names[r],
                                (double)atomic_load(&m->micros[r]) / 1e6,
                                route_names[r], (unsigned long long)count);
    }
    if (rc == 0)
        rc = prs_buf_printf(out,
            "# HELP prsearch_documents Releases in the index.\n"
            "# TYPE prsearch_documents gauge\nprsearch_documents %llu\n"
            "# HELP prsearch_last_commit_timestamp_seconds Time of the index's "
            "last commit (0: unknown).\n"
            "# TYPE prsearch_last_commit_timestamp_seconds gauge\n"
            "prsearch_last_commit_timestamp_seconds %lld\n"
            "# HELP prsearch_api_writes_total Write API requests committed.\n"
            "# TYPE prsearch_api_writes_total counter\n"
            "prsearch_api_writes_total %llu\n"
            "# HELP prsearch_start_timestamp_seconds When the server started.\n"
            "# TYPE prsearch_start_timestamp_seconds gauge\n"
            "prsearch_start_timestamp_seconds %lld\n",
            (unsigned long long)documents, (long long)last_commit,
            (unsigned long long)atomic_load(&m->writes_committed),
            (long long)atomic_load(&m->started));
    return rc;
}
