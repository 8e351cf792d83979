/*
 * write_floor.c: the floor under `prsearch index` (docs/BENCHMARKS.md):
 * the same documents written into Xapian with no reading, parsing or
 * analysis at all.
 *
 *   write_floor --prepare CORPUS DUMP   analyse once, untimed
 *   write_floor DUMP DB                 the write loop, timed
 *
 * --prepare reads CORPUS (JSON Lines, gzip or not) as `prsearch index`
 * does, builds every release's Xapian document with the indexer's own
 * prs_termgen_doc() (terms, positions, values, stored data: exactly what
 * the indexer writes) and stores them serialised in DUMP. The write loop
 * then replays DUMP into a new index at DB the way `prsearch index
 * --jobs 1` writes: prs_db_replace() per release, a commit every
 * PRS_INDEX_DEFAULT_BATCH releases and at the end. It prints the
 * releases and seconds of the loop alone; bench/index.sh runs it under
 * /usr/bin/time beside prsearch.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "engine.h"
#include "index.h"
#include "parse.h"
#include "termgen.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* DUMP: per release, u32 id length, id, u32 document length, document. */
static int put_block(FILE *f, const char *p, size_t len)
{
    uint32_t n = (uint32_t)len;
    return len > UINT32_MAX || fwrite(&n, sizeof n, 1, f) != 1 ||
                   (len && fwrite(p, 1, len, f) != len)
               ? -1
               : 0;
}

/* Reads one block into *buf (grown as needed); 1 at the end, -1 on error. */
static int get_block(FILE *f, char **buf, size_t *cap, size_t *len)
{
    uint32_t n;
    if (fread(&n, sizeof n, 1, f) != 1)
        return feof(f) ? 1 : -1;
    if ((size_t)n + 1 > *cap) {
        char *grown = realloc(*buf, (size_t)n + 1);
        if (!grown)
            return -1;
        *buf = grown;
        *cap = (size_t)n + 1;
    }
    if (n && fread(*buf, 1, n, f) != n)
        return -1;
    (*buf)[n] = '\0';
    *len = n;
    return 0;
}

struct prepare {
    struct prs_analyzer *an;
    FILE *out;
    size_t docs;
    struct prs_err err;
};

static int on_record(struct prs_doc *doc, void *ctx)
{
    struct prepare *p = ctx;
    struct prs_xdoc *xd = prs_xdoc_new(&p->err);
    size_t len = 0;
    char *bytes = NULL;
    /* The source key of one file, as the indexer gives every record. */
    int rc = xd ? prs_termgen_doc(p->an, doc, "0123456789abcdef", xd, &p->err)
                : p->err.code;
    if (rc == 0 && !(bytes = prs_xdoc_serialise(xd, &len, &p->err)))
        rc = p->err.code;
    if (rc == 0 && (put_block(p->out, doc->id, strlen(doc->id)) < 0 ||
                    put_block(p->out, bytes, len) < 0))
        rc = prs_err_set(&p->err, PRS_E_IO, "cannot write the dump");
    free(bytes);
    prs_xdoc_free(xd);
    p->docs += rc == 0;
    return rc;
}

static void on_bad(const char *path, size_t line, const char *msg, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "write_floor: %s:%zu: %s (left out)\n", path, line, msg);
}

static int prepare(const char *corpus, const char *dump)
{
    struct prepare p = {.out = fopen(dump, "wb")};
    if (!p.out) {
        perror(dump);
        return 1;
    }
    p.an = prs_analyzer_new_sized(PRS_ANALYZER_WORDS_CORPUS, &p.err);
    int rc = p.an ? prs_parse_json_file(corpus, 0, on_record, on_bad, &p,
                                        &p.err)
                  : p.err.code;
    if (fclose(p.out) != 0 && rc == 0)
        rc = prs_err_set(&p.err, PRS_E_IO, "cannot write %s", dump);
    prs_analyzer_free(p.an);
    if (rc < 0) {
        fprintf(stderr, "write_floor: %s\n", p.err.msg);
        return 1;
    }
    printf("prepared %zu releases\n", p.docs);
    return 0;
}

static int write_loop(const char *dump, const char *db_path)
{
    FILE *in = fopen(dump, "rb");
    if (!in) {
        perror(dump);
        return 1;
    }
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(db_path, PRS_DB_WRITE, &err);
    char *id = NULL, *bytes = NULL;
    size_t id_cap = 0, bytes_cap = 0, id_len, len, docs = 0;
    int rc = db ? 0 : err.code, more = 0;
    double t0 = now_s();
    while (rc == 0 &&
           (more = get_block(in, &id, &id_cap, &id_len)) == 0 &&
           (more = get_block(in, &bytes, &bytes_cap, &len)) == 0) {
        struct prs_xdoc *xd = prs_xdoc_unserialise(bytes, len, &err);
        rc = xd ? prs_db_replace(db, id, xd, &err) : err.code;
        prs_xdoc_free(xd);
        if (rc == 0 && ++docs % PRS_INDEX_DEFAULT_BATCH == 0)
            rc = prs_db_commit(db, &err);
    }
    if (rc == 0 && more < 0)
        rc = prs_err_set(&err, PRS_E_IO, "%s is cut short", dump);
    if (rc == 0)
        rc = prs_db_commit(db, &err);
    double seconds = now_s() - t0;
    prs_db_close(db);
    fclose(in);
    free(id);
    free(bytes);
    if (rc < 0) {
        fprintf(stderr, "write_floor: %s\n", err.msg);
        return 1;
    }
    printf("wrote %zu releases in %.2f s (%.0f releases/s)\n", docs, seconds,
           (double)docs / seconds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--prepare") == 0)
        return prepare(argv[2], argv[3]);
    if (argc == 3 && argv[1][0] != '-')
        return write_loop(argv[1], argv[2]);
    fprintf(stderr, "usage: write_floor --prepare CORPUS DUMP\n"
                    "       write_floor DUMP DB\n");
    return 2;
}
