/*
 * metrics.h: request counters and latency histograms for GET /metrics
 * (Prometheus text format). Lock-free: every worker adds with atomics.
 */
#ifndef PRS_METRICS_H
#define PRS_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "strutil.h"

enum prs_route {
    PRS_ROUTE_SEARCH,
    PRS_ROUTE_SUGGEST,
    PRS_ROUTE_DOC_GET,
    PRS_ROUTE_DOC_SIMILAR,
    PRS_ROUTE_DOC_POST,
    PRS_ROUTE_DOC_DELETE,
    PRS_ROUTE_HEALTHZ,
    PRS_ROUTE_METRICS,
    PRS_ROUTE_STATIC,
    PRS_ROUTE_OTHER, /* unknown paths, preflights, refused requests */
    PRS_NROUTES,
};

#define PRS_METRICS_NSTATUS 14 /* the statuses we answer, and "other" */
#define PRS_METRICS_NBUCKETS 12

struct prs_metrics {
    _Atomic uint64_t requests[PRS_NROUTES][PRS_METRICS_NSTATUS];
    _Atomic uint64_t buckets[PRS_NROUTES][PRS_METRICS_NBUCKETS];
    _Atomic uint64_t micros[PRS_NROUTES];
    _Atomic uint64_t count[PRS_NROUTES];
    _Atomic uint64_t writes_committed;
    _Atomic int64_t started; /* unix time */
};

const char *prs_route_name(int route);
void prs_metrics_init(struct prs_metrics *m);
void prs_metrics_add(struct prs_metrics *m, int route, int status,
                     double seconds);
/* Appends the Prometheus text; documents and last_commit (unix time, 0 if
 * unknown) come from the caller's read handle. */
int prs_metrics_format(struct prs_metrics *m, uint64_t documents,
                       int64_t last_commit, struct prs_buf *out);

#endif
