#define _XOPEN_SOURCE 700 /* nftw() */
#include "bulk.h"

#include "analyzer.h"
#include "log.h"
#include "strutil.h"
#include "termgen.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Releases waiting for one writer: enough to keep it busy while the main
 * thread parses, few enough that memory stays bounded. */
#define QUEUE_CAP 64

/* The stored data's compression dictionary (engine.h) is trained on the
 * first DICT_SAMPLES releases, held back until then so that every shard
 * writes with it; with fewer than DICT_MIN_SAMPLES in the whole build
 * there is none (on 300 releases zstd learns a dictionary that compresses
 * worse than none; on 1,000 one that saves a third). */
#define DICT_SAMPLES 2000
#define DICT_MIN_SAMPLES 1000
#define DICT_MAX_BYTES 65536

struct item {
    struct prs_doc doc;
    char source_key[17]; /* "" for none */
    char *where;
};

struct shard {
    struct prs_bulk *bulk;
    char *path;
    struct prs_db *db;
    struct prs_analyzer *an;
    pthread_t thread;
    bool running; /* thread started and not yet joined */
    pthread_mutex_t lock;
    pthread_cond_t nonempty, nonfull;
    struct item q[QUEUE_CAP];
    size_t head, n;
    bool closed; /* nothing more will be queued */
};

struct meta {
    char *key, *value;
};

struct prs_bulk {
    char *db_path;
    char *staging;
    size_t batch_docs;
    struct shard *shards;
    size_t nshards;
    atomic_size_t written, bad;
    atomic_int fatal; /* the first fatal error's code, 0 if none */
    pthread_mutex_t err_lock;
    struct prs_err err; /* the first fatal error */
    struct meta *meta;
    size_t nmeta, metacap;
    /* The first releases, until the dictionary is decided. */
    struct item *held;
    size_t nheld;
    bool dict_decided;
};

/* ---- staging directories ---------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Removes "<db_path>.build-<pid>" directories whose process is gone: what
 * a crashed or killed bulk build left behind. */
static void remove_stale_staging(const char *db_path)
{
    const char *slash = strrchr(db_path, '/');
    char *dir = slash ? strndup(db_path, (size_t)(slash - db_path + 1))
                      : strdup("./");
    const char *base = slash ? slash + 1 : db_path;
    struct prs_buf prefix = {0}, path = {0};
    DIR *d = dir && prs_buf_printf(&prefix, "%s.build-", base) == 0
                 ? opendir(dir)
                 : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, prefix.data, prefix.len) != 0)
            continue;
        char *end = NULL;
        long pid = strtol(e->d_name + prefix.len, &end, 10);
        if (pid <= 0 || *end || pid == (long)getpid() ||
            (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        prs_buf_reset(&path);
        if (prs_buf_printf(&path, "%s%s", dir, e->d_name) == 0) {
            prs_log_warn("removing %s, left by an interrupted build", path.data);
            remove_tree(path.data);
        }
    }
    if (d)
        closedir(d);
    prs_buf_free(&prefix);
    prs_buf_free(&path);
    free(dir);
}

/* ---- writers ---------------------------------------------------------- */

static void fail(struct prs_bulk *b, const struct prs_err *err)
{
    pthread_mutex_lock(&b->err_lock);
    if (atomic_load(&b->fatal) == 0) {
        b->err = *err;
        atomic_store(&b->fatal, err->code < 0 ? err->code : PRS_E_ENGINE);
    }
    pthread_mutex_unlock(&b->err_lock);
}

/* Takes the next queued release; false once the queue is closed and
 * empty. */
static bool take(struct shard *s, struct item *out)
{
    pthread_mutex_lock(&s->lock);
    while (s->n == 0 && !s->closed)
        pthread_cond_wait(&s->nonempty, &s->lock);
    bool got = s->n > 0;
    if (got) {
        *out = s->q[s->head];
        s->head = (s->head + 1) % QUEUE_CAP;
        s->n--;
        pthread_cond_signal(&s->nonfull);
    }
    pthread_mutex_unlock(&s->lock);
    return got;
}

static void write_item(struct shard *s, const struct item *it,
                       size_t *uncommitted)
{
    struct prs_bulk *b = s->bulk;
    struct prs_err err = {0};
    if (atomic_load(&b->fatal))
        return; /* the build is lost: just drain the queue */
    int rc = prs_termgen_write(s->an, s->db, &it->doc,
                               it->source_key[0] ? it->source_key : NULL,
                               &err);
    if (rc == PRS_E_NOMEM || rc == PRS_E_ENGINE || rc == PRS_E_IO) {
        fail(b, &err);
        return;
    }
    if (rc < 0) {
        prs_log_warn("%s: %s", it->where, err.msg);
        atomic_fetch_add(&b->bad, 1);
        return;
    }
    atomic_fetch_add(&b->written, 1);
    /* Commits flush Xapian's buffers: they bound a writer's memory. */
    if (++*uncommitted >= b->batch_docs) {
        *uncommitted = 0;
        if (prs_db_commit(s->db, &err) < 0)
            fail(b, &err);
    }
}

static void *writer_main(void *arg)
{
    struct shard *s = arg;
    struct item it;
    size_t uncommitted = 0;
    while (take(s, &it)) {
        write_item(s, &it, &uncommitted);
        prs_doc_clear(&it.doc);
        free(it.where);
    }
    struct prs_err err = {0};
    if (atomic_load(&s->bulk->fatal) == 0 && prs_db_commit(s->db, &err) < 0)
        fail(s->bulk, &err);
    return NULL;
}

/* Closes every queue and waits for the writers to finish. */
static void stop_writers(struct prs_bulk *b)
{
    for (size_t i = 0; i < b->nshards; i++) {
        struct shard *s = &b->shards[i];
        pthread_mutex_lock(&s->lock);
        s->closed = true;
        pthread_cond_signal(&s->nonempty);
        pthread_mutex_unlock(&s->lock);
    }
    for (size_t i = 0; i < b->nshards; i++) {
        if (b->shards[i].running)
            pthread_join(b->shards[i].thread, NULL);
        b->shards[i].running = false;
    }
}

/* ---- the build ---------------------------------------------------------- */

static int start_shard(struct prs_bulk *b, size_t i, struct prs_err *err)
{
    struct shard *s = &b->shards[i];
    struct prs_buf path = {0};
    if (prs_buf_printf(&path, "%s/shard-%zu", b->staging, i) < 0)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    s->path = prs_buf_steal(&path);
    if (!(s->db = prs_db_open(s->path, PRS_DB_WRITE_STAGING, err)) ||
        !(s->an = prs_analyzer_new_sized(PRS_ANALYZER_WORDS_CORPUS, err)))
        return err->code;
    if (pthread_create(&s->thread, NULL, writer_main, s) != 0)
        return prs_err_set(err, PRS_E_NOMEM, "cannot start a writer thread");
    s->running = true;
    return 0;
}

struct prs_bulk *prs_bulk_start(const char *db_path, size_t jobs,
                                size_t batch_docs, struct prs_err *err)
{
    struct prs_bulk *b = calloc(1, sizeof *b);
    struct prs_buf staging = {0};
    if (!b || !(b->shards = calloc(jobs ? jobs : 1, sizeof *b->shards)) ||
        !(b->db_path = strdup(db_path)) ||
        prs_buf_printf(&staging, "%s.build-%ld", db_path, (long)getpid()) < 0) {
        prs_buf_free(&staging);
        if (b)
            free(b->shards);
        free(b ? b->db_path : NULL);
        free(b);
        prs_err_set(err, PRS_E_NOMEM, "out of memory");
        return NULL;
    }
    b->staging = prs_buf_steal(&staging);
    b->batch_docs = batch_docs ? batch_docs : 1;
    b->nshards = jobs ? jobs : 1;
    pthread_mutex_init(&b->err_lock, NULL);
    for (size_t i = 0; i < b->nshards; i++) {
        struct shard *s = &b->shards[i];
        s->bulk = b;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->nonempty, NULL);
        pthread_cond_init(&s->nonfull, NULL);
    }
    remove_stale_staging(db_path);
    remove_tree(b->staging); /* a reused pid's leftovers */
    if (mkdir(b->staging, 0755) < 0) {
        prs_err_errno(err, PRS_E_IO, errno, "cannot create %s", b->staging);
        free(b->staging);
        b->staging = NULL; /* not ours to remove */
        prs_bulk_free(b);
        return NULL;
    }
    for (size_t i = 0; i < b->nshards; i++) {
        if (start_shard(b, i, err) < 0) {
            prs_bulk_free(b);
            return NULL;
        }
    }
    return b;
}

/* Queues it for the writer of its id's shard; waits while that one is
 * behind. */
static void dispatch(struct prs_bulk *b, struct item *it)
{
    /* The same id always goes to the same shard: a later copy of a
     * release replaces the earlier one, as it does in a normal run. */
    uint64_t h = prs_hash64(it->doc.id, strlen(it->doc.id));
    struct shard *s = &b->shards[h % b->nshards];
    pthread_mutex_lock(&s->lock);
    while (s->n == QUEUE_CAP)
        pthread_cond_wait(&s->nonfull, &s->lock);
    s->q[(s->head + s->n) % QUEUE_CAP] = *it;
    s->n++;
    pthread_cond_signal(&s->nonempty);
    pthread_mutex_unlock(&s->lock);
}

/* Trains the stored data's dictionary on the held releases and gives it
 * to every shard (their writers wait for a first release, and the queue's
 * lock orders the dictionary before it), then queues the held releases. A dictionary that cannot be made is no
 * failure: the data is then stored as it is. */
static int decide_dict(struct prs_bulk *b, struct prs_err *err)
{
    int rc = 0;
    b->dict_decided = true;
    if (b->nheld >= DICT_MIN_SAMPLES) {
        char **samples = calloc(b->nheld, sizeof *samples);
        size_t *lens = calloc(b->nheld, sizeof *lens);
        char *dict = NULL;
        size_t dict_len = 0;
        rc = samples && lens ? 0 : prs_err_set(err, PRS_E_NOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < b->nheld; i++)
            if (!(samples[i] = prs_doc_pack(&b->held[i].doc, &lens[i])))
                rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (rc == 0)
            rc = prs_data_dict_train((const char *const *)samples, lens,
                                     b->nheld, DICT_MAX_BYTES, &dict,
                                     &dict_len, err);
        for (size_t i = 0; rc == 0 && dict && i < b->nshards; i++)
            rc = prs_db_set_data_dict(b->shards[i].db, dict, dict_len, err);
        if (rc == 0 && !dict)
            prs_log_info("stored releases: no compression dictionary (too "
                         "little to learn from)");
        for (size_t i = 0; samples && i < b->nheld; i++)
            free(samples[i]);
        free(samples);
        free(lens);
        free(dict);
    }
    for (size_t i = 0; i < b->nheld; i++)
        dispatch(b, &b->held[i]);
    b->nheld = 0;
    free(b->held);
    b->held = NULL;
    return rc;
}

int prs_bulk_add(struct prs_bulk *b, struct prs_doc *doc,
                 const char *source_key, const char *where,
                 struct prs_err *err)
{
    int fatal = atomic_load(&b->fatal);
    if (fatal) {
        pthread_mutex_lock(&b->err_lock);
        *err = b->err;
        pthread_mutex_unlock(&b->err_lock);
        return fatal;
    }
    if (!b->dict_decided && !b->held &&
        !(b->held = calloc(DICT_SAMPLES, sizeof *b->held)))
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    struct item it = {.doc = *doc};
    if (!(it.where = strdup(where ? where : "")))
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    memset(doc, 0, sizeof *doc);
    snprintf(it.source_key, sizeof it.source_key, "%s",
             source_key ? source_key : "");
    if (b->dict_decided) {
        dispatch(b, &it);
        return 0;
    }
    b->held[b->nheld++] = it;
    return b->nheld == DICT_SAMPLES ? decide_dict(b, err) : 0;
}

int prs_bulk_set_metadata(struct prs_bulk *b, const char *key,
                          const char *value, struct prs_err *err)
{
    if (b->nmeta == b->metacap) {
        size_t cap = b->metacap ? 2 * b->metacap : 64;
        struct meta *m = realloc(b->meta, cap * sizeof *m);
        if (!m)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        b->meta = m;
        b->metacap = cap;
    }
    struct meta *m = &b->meta[b->nmeta];
    m->key = strdup(key);
    m->value = strdup(value);
    if (!m->key || !m->value) {
        free(m->key);
        free(m->value);
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    }
    b->nmeta++;
    return 0;
}

struct copy_ctx {
    struct prs_db *to;
    struct prs_err *err;
    int rc;
};

static int copy_metadata(const char *key, const char *value, void *ctx)
{
    struct copy_ctx *c = ctx;
    c->rc = prs_db_set_metadata(c->to, key, value, c->err);
    return c->rc < 0;
}

/* Gives the merged index at path the metadata of target and of b. */
static int write_metadata(struct prs_bulk *b, const char *path,
                          struct prs_db *target, struct prs_err *err)
{
    struct prs_db *db = prs_db_open(path, PRS_DB_WRITE, err);
    if (!db)
        return err->code;
    struct copy_ctx c = {.to = db, .err = err};
    int rc = prs_db_metadata_each(target, "", copy_metadata, &c, err);
    if (c.rc < 0)
        rc = c.rc;
    for (size_t i = 0; rc == 0 && i < b->nmeta; i++)
        rc = prs_db_set_metadata(db, b->meta[i].key, b->meta[i].value, err);
    if (rc == 0)
        rc = prs_db_commit(db, err);
    prs_db_close(db);
    return rc;
}

/* Puts the index at from in place of the one at db_path. */
static int swap_in(struct prs_bulk *b, const char *from, struct prs_err *err)
{
    struct prs_buf old = {0};
    if (prs_buf_printf(&old, "%s/old", b->staging) < 0)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    int rc = 0;
    if (rename(b->db_path, old.data) < 0) {
        rc = prs_err_errno(err, PRS_E_IO, errno, "cannot move %s aside",
                           b->db_path);
    } else if (rename(from, b->db_path) < 0) {
        rc = prs_err_errno(err, PRS_E_IO, errno, "cannot move %s to %s",
                           from, b->db_path);
        rename(old.data, b->db_path);
    }
    prs_buf_free(&old);
    return rc;
}

int prs_bulk_finish(struct prs_bulk *b, struct prs_db **target,
                    size_t *written, size_t *bad, struct prs_err *err)
{
    if (!b->dict_decided) {
        int rc = decide_dict(b, err);
        if (rc < 0)
            return rc;
    }
    stop_writers(b);
    *written = atomic_load(&b->written);
    *bad = atomic_load(&b->bad);
    if (atomic_load(&b->fatal)) {
        *err = b->err;
        return err->code;
    }
    const char **srcs = calloc(b->nshards, sizeof *srcs);
    if (!srcs)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    for (size_t i = 0; i < b->nshards; i++) {
        prs_db_close(b->shards[i].db);
        b->shards[i].db = NULL;
        srcs[i] = b->shards[i].path;
    }
    struct prs_buf merged = {0};
    int rc = prs_buf_printf(&merged, "%s/merged", b->staging) < 0
                 ? prs_err_set(err, PRS_E_NOMEM, "out of memory")
                 : prs_db_merge(srcs, b->nshards, merged.data, err);
    if (rc == 0)
        rc = write_metadata(b, merged.data, *target, err);
    if (rc == 0) {
        prs_db_close(*target);
        *target = NULL;
        rc = swap_in(b, merged.data, err);
    }
    prs_buf_free(&merged);
    free(srcs);
    return rc;
}

void prs_bulk_free(struct prs_bulk *b)
{
    if (!b)
        return;
    stop_writers(b);
    for (size_t i = 0; i < b->nshards; i++) {
        struct shard *s = &b->shards[i];
        for (; s->n > 0; s->n--, s->head = (s->head + 1) % QUEUE_CAP) {
            prs_doc_clear(&s->q[s->head].doc);
            free(s->q[s->head].where);
        }
        prs_db_close(s->db);
        prs_analyzer_free(s->an);
        free(s->path);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->nonempty);
        pthread_cond_destroy(&s->nonfull);
    }
    for (size_t i = 0; i < b->nheld; i++) {
        prs_doc_clear(&b->held[i].doc);
        free(b->held[i].where);
    }
    free(b->held);
    if (b->staging)
        remove_tree(b->staging);
    for (size_t i = 0; i < b->nmeta; i++) {
        free(b->meta[i].key);
        free(b->meta[i].value);
    }
    pthread_mutex_destroy(&b->err_lock);
    free(b->meta);
    free(b->shards);
    free(b->staging);
    free(b->db_path);
    free(b);
}
