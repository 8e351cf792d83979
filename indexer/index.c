#include "index.h"

#include "analyzer.h"
#include "bulk.h"
#include "doc.h"
#include "engine.h"
#include "log.h"
#include "parse.h"
#include "schema.h"
#include "strutil.h"
#include "termgen.h"
#include "walk.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct run {
    const struct prs_index_opts *opts;
    struct prs_index_stats *stats;
    struct prs_db *db;
    struct prs_analyzer *an;
    struct prs_bulk *bulk;       /* set when a new index is built in bulk */
    const struct prs_file *file; /* the file being indexed */
    char source_key[17];         /* hex hash of file->abspath */
    size_t uncommitted;          /* releases written since the last commit */
    uint64_t bytes_done;
    uint64_t bytes_total;
    size_t files_total;
    size_t files_done;
    double started, last_progress;
    struct prs_err *err; /* fatal errors only */
    int fatal;           /* negative once the run cannot go on */
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stop_requested(const struct run *r)
{
    return r->opts->stop && *r->opts->stop;
}

static void progress(struct run *r, bool final)
{
    if (!r->opts->progress)
        return;
    double t = now_seconds();
    if (!final && t - r->last_progress < 0.25)
        return;
    r->last_progress = t;
    double elapsed = t - r->started;
    double rate = elapsed > 0 ? (double)r->stats->docs_written / elapsed : 0;
    double frac = r->bytes_total ? (double)r->bytes_done / (double)r->bytes_total
                                 : 1.0;
    char eta[32] = "-";
    if (frac > 0.01 && frac < 1.0) {
        long left = (long)(elapsed / frac - elapsed);
        snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    }
    fprintf(stderr, "\r\033[Kfiles %zu/%zu  releases %zu  %.0f/s  %3.0f%%  ETA %s%s",
            r->files_done, r->files_total, r->stats->docs_written, rate,
            frac * 100.0, eta, final ? "\n" : "");
    fflush(stderr);
}

static void report_bad(const char *where, const char *msg)
{
    /* Keep the progress line from swallowing the message. */
    prs_log_warn("%s: %s", where, msg);
}

/* The time of this commit, for PRS_META_UPDATED. */
static void utc_stamp(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int commit(struct run *r)
{
    char stamp[32];
    utc_stamp(stamp, sizeof stamp);
    int rc = prs_db_set_metadata(r->db, PRS_META_UPDATED, stamp, r->err);
    if (rc == 0)
        rc = prs_db_commit(r->db, r->err);
    if (rc < 0)
        r->fatal = rc;
    r->uncommitted = 0;
    return rc;
}

/* Writes one parsed release; a release without id or title is reported
 * and skipped. Returns a negative code only for fatal errors. */
static int write_doc(struct run *r, struct prs_doc *doc, const char *where)
{
    struct prs_err err = {0};
    if (!doc->id || !*doc->id) {
        report_bad(where, "release has no id; skipped");
        r->stats->records_bad++;
        return 0;
    }
    if (!doc->title) {
        report_bad(where, "release has no title; skipped");
        r->stats->records_bad++;
        return 0;
    }
    if (r->bulk) {
        int rc = prs_bulk_add(r->bulk, doc, r->source_key, where, &err);
        if (rc < 0) {
            *r->err = err;
            r->fatal = rc;
            return rc;
        }
        r->stats->docs_written++; /* queued; the writers' count at the end */
        return 0;
    }
    int rc = prs_termgen_write(r->an, r->db, doc, r->source_key, &err);
    if (rc < 0) {
        /* Analysis or a single write failing is this release's problem
         * unless the index itself is in trouble. */
        if (rc == PRS_E_NOMEM || rc == PRS_E_ENGINE || rc == PRS_E_IO) {
            *r->err = err;
            r->fatal = rc;
            return rc;
        }
        report_bad(where, err.msg);
        r->stats->records_bad++;
        return 0;
    }
    r->stats->docs_written++;
    if (++r->uncommitted >= r->opts->batch_docs)
        return commit(r);
    return 0;
}

static int on_json_record(struct prs_doc *doc, void *ctx)
{
    struct run *r = ctx;
    if (!doc->source)
        prs_doc_set(&doc->source, r->file->path, strlen(r->file->path));
    int rc = write_doc(r, doc, r->file->path);
    progress(r, false);
    if (rc < 0)
        return rc;
    return stop_requested(r) ? 1 : 0;
}

static void on_json_bad(const char *path, size_t line, const char *msg,
                        void *ctx)
{
    struct run *r = ctx;
    char where[4096];
    snprintf(where, sizeof where, "%s:%zu", path, line);
    report_bad(where, msg);
    r->stats->records_bad++;
}

/* Parses a single-release file (Markdown, page dump, HTML). */
static int index_single(struct run *r, const struct prs_file *f,
                        struct prs_err *err)
{
    size_t len = 0;
    char *text = prs_parse_read_file(f->path, r->opts->max_file_bytes, &len,
                                     err);
    if (!text)
        return err->code;
    struct prs_doc doc = {0};
    int rc = prs_parse_buffer(f->format, text, len, &doc, err);
    free(text);
    if (rc == 0) {
        rc = prs_doc_set(&doc.id, f->id, strlen(f->id));
        if (rc == 0)
            rc = prs_doc_set(&doc.source, f->path, strlen(f->path));
        char date[32];
        if (rc == 0 && !doc.published &&
            prs_date_from_path(f->path, date, sizeof date) == 0)
            rc = prs_doc_set(&doc.published, date, strlen(date));
        if (rc < 0)
            prs_err_set(err, rc, rc == PRS_E_NOMEM ? "out of memory"
                                 : "the file name is not valid UTF-8");
        else
            rc = write_doc(r, &doc, f->path);
    }
    prs_doc_clear(&doc);
    return rc;
}

/* "mtime_ns size abspath": what a source looked like when indexed. */
static char *source_signature(const struct prs_file *f)
{
    struct prs_buf b = {0};
    if (prs_buf_printf(&b, "%" PRId64 " %" PRIu64 " %s", f->mtime_ns, f->size,
                       f->abspath) < 0) {
        prs_buf_free(&b);
        return NULL;
    }
    return prs_buf_steal(&b);
}

static void meta_key_for(const char *source_key, char *key, size_t cap)
{
    snprintf(key, cap, "%s%s", PRS_META_SOURCE, source_key);
}

static int index_file(struct run *r, const struct prs_file *f)
{
    char key[64];
    struct prs_err err = {0};
    snprintf(r->source_key, sizeof r->source_key, "%016" PRIx64,
             prs_hash64(f->abspath, strlen(f->abspath)));
    meta_key_for(r->source_key, key, sizeof key);
    char *sig = source_signature(f);
    char *old = NULL;
    int rc = sig ? prs_db_get_metadata(r->db, key, &old, r->err) : PRS_E_NOMEM;
    if (rc < 0) {
        r->fatal = rc;
        goto out;
    }
    if (!r->opts->force && old && strcmp(old, sig) == 0) {
        r->stats->files_unchanged++;
        goto out;
    }
    r->file = f;
    if (f->format == PRS_FMT_JSONL || f->format == PRS_FMT_JSON)
        rc = prs_parse_json_file(f->path, r->opts->max_file_bytes,
                                 on_json_record, on_json_bad, r, &err);
    else
        rc = index_single(r, f, &err);
    if (r->fatal < 0)
        goto out;
    if (rc < 0) {
        r->stats->files_failed++;
        /* Messages about reading the file already name it. */
        const char *msg = err.msg;
        size_t plen = strlen(f->path);
        if (strncmp(msg, f->path, plen) == 0 && msg[plen] == ':')
            msg += plen + 2;
        report_bad(f->path, msg);
        goto out;
    }
    if (stop_requested(r))
        goto out; /* a half-read file is not recorded as done */
    r->stats->files_indexed++;
    r->stats->bytes += f->size;
    /* Recorded with the batch that holds the file's last release, so an
     * interrupted run redoes exactly the files it did not finish. */
    rc = r->bulk ? prs_bulk_set_metadata(r->bulk, key, sig, r->err)
                 : prs_db_set_metadata(r->db, key, sig, r->err);
    if (rc < 0)
        r->fatal = rc;
out:
    free(sig);
    free(old);
    return r->fatal;
}

/* ---- pruning ---------------------------------------------------------- */

struct source_entry {
    char *key;
    char *path;
};

struct source_list {
    struct source_entry *v;
    size_t n, cap;
};

static int collect_source(const char *key, const char *value, void *ctx)
{
    struct source_list *l = ctx;
    /* value: "mtime size abspath"; the path may contain spaces. */
    const char *p = strchr(value, ' ');
    p = p ? strchr(p + 1, ' ') : NULL;
    if (!p)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct source_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return 1; /* out of memory: stop */
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].key = strdup(key);
    l->v[l->n].path = strdup(p + 1);
    if (!l->v[l->n].key || !l->v[l->n].path) {
        free(l->v[l->n].key);
        free(l->v[l->n].path);
        return 1;
    }
    l->n++;
    return 0;
}

static bool under_root(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Removes the releases of sources under the given roots that are gone. */
static int prune(struct run *r, char **roots, size_t nroots)
{
    struct source_list l = {0};
    int rc = prs_db_metadata_each(r->db, PRS_META_SOURCE, collect_source, &l,
                                  r->err);
    if (rc > 0)
        rc = prs_err_set(r->err, PRS_E_NOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        bool in_scope = false;
        for (size_t k = 0; k < nroots && !in_scope; k++)
            in_scope = roots[k] && under_root(l.v[i].path, roots[k]);
        struct stat st;
        if (!in_scope || stat(l.v[i].path, &st) == 0 || errno != ENOENT)
            continue;
        const char *hex = l.v[i].key + strlen(PRS_META_SOURCE);
        char term[64];
        snprintf(term, sizeof term, "%s%s", PRS_PREFIX_SOURCE, hex);
        int64_t n = prs_db_delete_by_term(r->db, term, r->err);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        r->stats->docs_pruned += (size_t)n;
        rc = prs_db_set_metadata(r->db, l.v[i].key, "", r->err);
    }
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i].key);
        free(l.v[i].path);
    }
    free(l.v);
    if (rc < 0)
        r->fatal = rc;
    return rc;
}

/* ---- the run ---------------------------------------------------------- */

static void on_walk_bad(const char *path, const char *msg, void *ctx)
{
    struct run *r = ctx;
    report_bad(path, msg);
    r->stats->paths_bad++;
}

/* Builds in bulk (bulk.h) when the index is empty, there is something to
 * index and more than one writer may run. */
static int maybe_start_bulk(struct run *r, const char *db_path, size_t nfiles)
{
    size_t jobs = r->opts->jobs;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 1 ? (size_t)cores : 1;
    }
    struct prs_db_stats st;
    if (jobs < 2 || nfiles == 0)
        return 0;
    int rc = prs_db_stats(r->db, &st, r->err);
    if (rc < 0 || st.doccount > 0)
        return rc;
    if (!(r->bulk = prs_bulk_start(db_path, jobs, r->opts->batch_docs, r->err)))
        return r->err->code;
    return prs_bulk_set_metadata(r->bulk, PRS_META_SCHEMA, PRS_SCHEMA_VERSION,
                                 r->err);
}

/* Puts the bulk-built index in place; an interrupted build is dropped. */
static void finish_bulk(struct run *r)
{
    char stamp[32];
    size_t written = 0, bad = 0;
    utc_stamp(stamp, sizeof stamp);
    int rc = r->stats->interrupted ? 0
             : prs_bulk_set_metadata(r->bulk, PRS_META_UPDATED, stamp, r->err);
    if (rc == 0 && r->fatal == 0 && !r->stats->interrupted)
        rc = prs_bulk_finish(r->bulk, &r->db, &written, &bad, r->err);
    if (rc < 0)
        r->fatal = rc;
    /* Nothing counts as indexed unless the new index is in place. */
    bool landed = r->fatal == 0 && !r->stats->interrupted;
    r->stats->docs_written = landed ? written : 0;
    r->stats->records_bad += bad;
    if (!landed)
        r->stats->files_indexed = 0;
}

/* Forces a full re-index when the index was written by another schema. */
static int check_schema(struct run *r, bool *force)
{
    char *have = NULL;
    int rc = prs_db_get_metadata(r->db, PRS_META_SCHEMA, &have, r->err);
    if (rc < 0)
        return rc;
    if (!have || strcmp(have, PRS_SCHEMA_VERSION) != 0) {
        *force = true;
        rc = prs_db_set_metadata(r->db, PRS_META_SCHEMA, PRS_SCHEMA_VERSION,
                                 r->err);
    }
    free(have);
    return rc;
}

int prs_index_run(const char *db_path, const char *const *paths,
                  size_t npaths, const struct prs_index_opts *opts_in,
                  struct prs_index_stats *stats, struct prs_err *err)
{
    struct prs_index_opts opts = *opts_in;
    if (!opts.batch_docs)
        opts.batch_docs = PRS_INDEX_DEFAULT_BATCH;
    if (!opts.max_file_bytes)
        opts.max_file_bytes = PRS_INDEX_DEFAULT_MAX_FILE;
    memset(stats, 0, sizeof *stats);
    struct run r = {.opts = &opts, .stats = stats, .err = err};
    struct prs_filelist files = {0};
    char **roots = calloc(npaths ? npaths : 1, sizeof *roots);
    int rc = 0;
    r.started = now_seconds();
    if (!roots)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");

    for (size_t i = 0; i < npaths; i++) {
        struct prs_err werr = {0};
        rc = prs_walk(paths[i], &files, on_walk_bad, &r, &werr);
        if (rc == PRS_E_NOMEM) {
            *err = werr;
            goto out;
        }
        if (rc < 0) {
            prs_log_warn("%s", werr.msg);
            stats->paths_bad++;
        }
        roots[i] = realpath(paths[i], NULL);
    }
    rc = 0;
    r.files_total = files.n;
    r.bytes_total = files.total_bytes;
    stats->files_seen = files.n;

    r.db = prs_db_open(db_path, PRS_DB_WRITE, err);
    if (!r.db) {
        rc = err->code;
        goto out;
    }
    r.an = prs_analyzer_new_sized(PRS_ANALYZER_WORDS_CORPUS, err);
    if (!r.an) {
        rc = err->code;
        goto out;
    }
    if ((rc = check_schema(&r, &opts.force)) < 0 ||
        (rc = maybe_start_bulk(&r, db_path, files.n)) < 0)
        goto out;

    for (size_t i = 0; i < files.n && !stop_requested(&r); i++) {
        if (index_file(&r, &files.files[i]) < 0)
            break;
        r.files_done++;
        r.bytes_done += files.files[i].size;
        progress(&r, false);
    }
    stats->interrupted = stop_requested(&r);
    if (r.bulk) {
        finish_bulk(&r); /* a new index: nothing to prune */
    } else {
        if (r.fatal == 0 && opts.prune && !stats->interrupted)
            prune(&r, roots, npaths);
        if (r.fatal == 0)
            commit(&r);
    }
    rc = r.fatal;
    progress(&r, true);
out:
    stats->seconds = now_seconds() - r.started;
    prs_bulk_free(r.bulk);
    prs_analyzer_free(r.an);
    prs_db_close(r.db);
    prs_filelist_free(&files);
    for (size_t i = 0; i < npaths; i++)
        free(roots[i]);
    free(roots);
    return rc;
}

int prs_index_delete(const char *db_path, const char *const *ids, size_t n,
                     size_t *deleted, struct prs_err *err)
{
    *deleted = 0;
    struct stat st;
    /* Opening for writing would create an empty index: don't. */
    if (stat(db_path, &st) < 0)
        return prs_err_errno(err, PRS_E_NOTFOUND, errno, "%s", db_path);
    struct prs_db *db = prs_db_open(db_path, PRS_DB_WRITE, err);
    if (!db)
        return err->code;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc = prs_db_delete(db, ids[i], err);
        if (rc < 0)
            break;
        if (rc == 0)
            prs_log_warn("%s: no release with this id", ids[i]);
        *deleted += (size_t)rc;
        rc = 0;
    }
    if (rc == 0)
        rc = prs_db_commit(db, err);
    prs_db_close(db);
    return rc;
}
