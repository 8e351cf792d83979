/*
 * test_engine.c: the C API over Xapian against real on-disk indexes in a
 * fresh mkdtemp() directory under /tmp, removed at the end.
 *
 * Query tests run over a tiny hand-built index and compare the set (or
 * order) of returned uids; each document stores its uid as its data.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "engine.h"
#include "engine_int.h"
#include "schema.h"
#include "tmpdir.h"

static char tmpdir[64];

/* ---- helpers ------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/prs-test-engine-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return remove_tree(tmpdir);
}

/* A path for one test's index inside the temporary directory. */
static const char *db_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static struct prs_db *open_ok(const char *name, int mode)
{
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(db_path(name), mode, &err);
    if (!db)
        fail_msg("open %s: %s", name, err.msg);
    return db;
}

static void check(int rc, const struct prs_err *err)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err->msg);
}

struct spec {
    const char *uid;
    const char *words; /* space-separated, positions 1, 2, ... */
    const char *date;  /* PRS_SLOT_DATE, or NULL */
    const char *org;   /* PRS_SLOT_ORG, or NULL */
    const char *flags; /* space-separated boolean terms, or NULL */
};

/* Each word is added at its position; the uid is the data. */
static struct prs_xdoc *build(const struct spec *s)
{
    struct prs_err err = {0};
    struct prs_xdoc *d = prs_xdoc_new(&err);
    assert_non_null(d);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s->words ? s->words : "");
    uint32_t pos = 1;
    for (char *w = buf, *end; *w; w = end) {
        end = w + strcspn(w, " ");
        size_t len = (size_t)(end - w);
        check(prs_xdoc_add_posting(d, w, len, pos++, 1, &err), &err);
        if (*end)
            end++;
    }
    snprintf(buf, sizeof buf, "%s", s->flags ? s->flags : "");
    for (char *w = buf, *end; *w; w = end) {
        end = w + strcspn(w, " ");
        check(prs_xdoc_add_boolean(d, w, (size_t)(end - w), &err), &err);
        if (*end)
            end++;
    }
    if (s->date)
        check(prs_xdoc_set_value(d, PRS_SLOT_DATE, s->date, strlen(s->date),
                                 &err),
              &err);
    if (s->org)
        check(prs_xdoc_set_value(d, PRS_SLOT_ORG, s->org, strlen(s->org),
                                 &err),
              &err);
    check(prs_xdoc_set_data(d, s->uid, strlen(s->uid), &err), &err);
    return d;
}

static void put(struct prs_db *db, const struct spec *s)
{
    struct prs_err err = {0};
    struct prs_xdoc *d = build(s);
    check(prs_db_replace(db, s->uid, d, &err), &err);
    prs_xdoc_free(d);
}

static void put_simple(struct prs_db *db, const char *uid, const char *data)
{
    struct prs_err err = {0};
    struct prs_xdoc *d = prs_xdoc_new(&err);
    assert_non_null(d);
    check(prs_xdoc_add_posting(d, "word", 4, 1, 1, &err), &err);
    check(prs_xdoc_set_data(d, data, strlen(data), &err), &err);
    check(prs_db_replace(db, uid, d, &err), &err);
    prs_xdoc_free(d);
}

static uint64_t doccount(struct prs_db *db)
{
    struct prs_err err = {0};
    struct prs_db_stats st;
    check(prs_db_stats(db, &st, &err), &err);
    return st.doccount;
}

static uint64_t termfreq(struct prs_db *db, const char *term)
{
    struct prs_err err = {0};
    uint64_t n = 99;
    check(prs_db_termfreq(db, term, &n, &err), &err);
    return n;
}

static char *get_data(struct prs_db *db, const char *uid)
{
    struct prs_err err = {0};
    char *data = NULL;
    size_t len = 0;
    check(prs_db_get_data(db, uid, &data, &len, &err), &err);
    assert_non_null(data);
    assert_int_equal(len, strlen(data));
    return data;
}

/* The tiny index the query tests share. */
static const struct spec corpus[] = {
    {"a", "the quick brown fox", "202601010000", "Org A", "XKpress"},
    {"b", "quick fox brown", "202502010000", "Org B", NULL},
    {"c", "brown dog", "202603010000", "Org C", NULL},
    {"d", "lazy fox jumps quick", "202412010000", NULL, "XKpress"},
    {"e", "foxes foxtrot", NULL, NULL, NULL},
};

static struct prs_db *qdb; /* reader on the tiny index */

static int query_setup(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = prs_db_open(db_path("tiny"), PRS_DB_WRITE, &err);
    if (!w)
        return -1;
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++)
        put(w, &corpus[i]);
    int rc = prs_db_commit(w, &err);
    prs_db_close(w);
    if (rc < 0)
        return -1;
    qdb = prs_db_open(db_path("tiny"), PRS_DB_READ, &err);
    return qdb ? 0 : -1;
}

static int query_teardown(void **state)
{
    (void)state;
    prs_db_close(qdb);
    qdb = NULL;
    return 0;
}

/* Runs q with opts and writes the uids of the hits, comma-separated, in
 * hit order; sorted when `sorted`. Frees q. */
static void run(struct prs_query *q, const struct prs_search_opts *opts,
                bool sorted, char *out, size_t cap, struct prs_hits **keep)
{
    struct prs_err err = {0};
    struct prs_hits *h = NULL;
    assert_non_null(q);
    check(prs_db_search(qdb, q, opts, &h, &err), &err);
    prs_query_free(q);
    size_t n = prs_hits_count(h);
    const char *uids[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        uids[i] = prs_hits_data(h, i, &len);
        assert_non_null(uids[i]);
        assert_int_equal(len, strlen(uids[i]));
    }
    if (sorted) {
        for (size_t i = 1; i < n; i++)
            for (size_t k = i; k > 0 && strcmp(uids[k - 1], uids[k]) > 0; k--) {
                const char *t = uids[k];
                uids[k] = uids[k - 1];
                uids[k - 1] = t;
            }
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", i ? "," : "", uids[i]);
    }
    if (keep)
        *keep = h;
    else
        prs_hits_free(h);
}

static const struct prs_search_opts all_opts = {
    .offset = 0, .limit = 10, .sort = PRS_SORT_RELEVANCE, .check_at_least = 100};

/* The set of uids q matches (sorted, comma-separated). Frees q. */
static void assert_matches(struct prs_query *q, const char *want)
{
    char got[128];
    run(q, &all_opts, true, got, sizeof got, NULL);
    assert_string_equal(got, want);
}

static struct prs_query *term(const char *t)
{
    struct prs_err err = {0};
    struct prs_query *q = prs_query_term(t, 1, &err);
    if (!q)
        fail_msg("term %s: %s", t, err.msg);
    return q;
}

/* Combines and frees the sub-queries (NULL-terminated). */
static struct prs_query *combine(int op, ...)
{
    struct prs_query *subs[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, op);
    for (struct prs_query *q; n < 8 && (q = va_arg(ap, struct prs_query *));)
        subs[n++] = q;
    va_end(ap);
    struct prs_err err = {0};
    struct prs_query *r = prs_query_combine(op, subs, n, &err);
    if (!r)
        fail_msg("combine: %s", err.msg);
    for (size_t i = 0; i < n; i++)
        prs_query_free(subs[i]);
    return r;
}

/* What words() builds, with kind 'p' phrase, 'n' near. */
static struct prs_query *words_of(int kind, unsigned window, const char **t,
                                  size_t n)
{
    struct prs_err err = {0};
    struct prs_query *q =
        kind == 'p' ? prs_query_phrase(t, n, window, &err)
                    : prs_query_near(t, n, window, &err);
    if (!q)
        fail_msg("phrase/near: %s", err.msg);
    return q;
}

static struct prs_query *words(bool phrase, unsigned window, ...)
{
    const char *t[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, window);
    for (const char *s; n < 8 && (s = va_arg(ap, const char *));)
        t[n++] = s;
    va_end(ap);
    return words_of(phrase ? 'p' : 'n', window, t, n);
}

/* ---- opening and errors -------------------------------------------- */

static void open_missing_read_is_notfound(void **state)
{
    (void)state;
    struct prs_err err = {0};
    const char *path = db_path("does-not-exist");
    assert_null(prs_db_open(path, PRS_DB_READ, &err));
    assert_int_equal(err.code, PRS_E_NOTFOUND);
    assert_non_null(strstr(err.msg, path));

    /* An existing folder without an index is "no index" too. */
    char empty[256];
    snprintf(empty, sizeof empty, "%s", db_path("empty-dir"));
    assert_int_equal(mkdir(empty, 0700), 0);
    prs_err_clear(&err);
    assert_null(prs_db_open(empty, PRS_DB_READ, &err));
    assert_int_equal(err.code, PRS_E_NOTFOUND);
    assert_non_null(strstr(err.msg, empty));
}

static void second_writer_is_locked(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("locked", PRS_DB_WRITE);
    struct prs_err err = {0};
    const char *path = db_path("locked");
    assert_null(prs_db_open(path, PRS_DB_WRITE, &err));
    assert_int_equal(err.code, PRS_E_LOCKED);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "DatabaseLockError"));
    /* Readers are not blocked by a writer. */
    struct prs_db *r = open_ok("locked", PRS_DB_READ);
    prs_db_close(r);
    prs_db_close(w);
    /* Closing released the lock. */
    w = open_ok("locked", PRS_DB_WRITE);
    prs_db_close(w);
}

static void errors_without_err_do_not_crash(void **state)
{
    (void)state;
    assert_null(prs_db_open(db_path("nothing-here"), PRS_DB_READ, NULL));
    assert_null(prs_db_open(NULL, PRS_DB_READ, NULL));
    assert_null(prs_db_open(db_path("bad-mode"), 7, NULL));
    assert_int_equal(prs_db_commit(NULL, NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_reopen(NULL, NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_stats(NULL, NULL, NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_delete_by_term(NULL, "x", NULL), PRS_E_BADARG);
    char *out = (char *)"junk";
    assert_int_equal(prs_db_get_metadata(NULL, "k", &out, NULL), PRS_E_BADARG);
    assert_null(out);
    struct prs_hits *h = (struct prs_hits *)&out;
    assert_int_equal(prs_db_search(NULL, NULL, NULL, &h, NULL), PRS_E_BADARG);
    assert_null(h);
    assert_null(prs_query_term(NULL, 1, NULL));
    assert_null(prs_query_term("", 1, NULL));
    assert_null(prs_query_phrase(NULL, 0, 0, NULL));
    assert_null(prs_query_prefix("", 0, NULL));
    assert_null(prs_query_combine(PRS_QOP_AND, NULL, 0, NULL));
    assert_null(prs_query_scale(NULL, 1.0, NULL));
    assert_null(prs_query_describe(NULL));
    assert_int_equal(prs_xdoc_add_term(NULL, "x", 1, 1, NULL), PRS_E_BADARG);

    struct prs_err err = {0};
    struct prs_query *q = term("x");
    assert_null(prs_query_combine(99, &q, 1, &err));
    assert_int_equal(err.code, PRS_E_BADARG);
    assert_non_null(strstr(err.msg, "99"));
    prs_err_clear(&err);
    assert_null(prs_query_scale(q, -1.0, &err));
    assert_int_equal(err.code, PRS_E_BADARG);
    prs_query_free(q);

    prs_db_close(NULL);
    prs_xdoc_free(NULL);
    prs_query_free(NULL);
    prs_hits_free(NULL);
    assert_int_equal(prs_hits_count(NULL), 0);
    assert_null(prs_hits_data(NULL, 0, NULL));
    assert_null(prs_hits_value(NULL, 0, 0, NULL));
}

static void reader_refuses_writes(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("ro", PRS_DB_WRITE);
    prs_db_close(w);
    struct prs_db *r = open_ok("ro", PRS_DB_READ);
    struct prs_err err = {0};
    struct prs_xdoc *d = prs_xdoc_new(&err);
    assert_int_equal(prs_db_replace(r, "x", d, &err), PRS_E_BADARG);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_non_null(strstr(err.msg, db_path("ro")));
    assert_int_equal(prs_db_delete(r, "x", NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_set_metadata(r, "k", "v", NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_begin(r, NULL), PRS_E_BADARG);
    assert_int_equal(prs_db_commit(r, NULL), PRS_E_BADARG);
    prs_xdoc_free(d);
    prs_db_close(r);
}

/* ---- writing ------------------------------------------------------- */

static void replace_same_uid_keeps_one_document(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("replace", PRS_DB_WRITE);
    put_simple(w, "rel/1", "first");
    put_simple(w, "rel/1", "second");
    assert_int_equal(doccount(w), 1);
    char *data = get_data(w, "rel/1");
    assert_string_equal(data, "second");
    free(data);
    assert_int_equal(termfreq(w, "Qrel/1"), 1);
    prs_db_close(w);
}

static void xdoc_can_be_reused_for_another_uid(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("reuse", PRS_DB_WRITE);
    struct prs_err err = {0};
    struct prs_xdoc *d = prs_xdoc_new(&err);
    check(prs_xdoc_add_posting(d, "word", 4, 1, 1, &err), &err);
    check(prs_db_replace(w, "one", d, &err), &err);
    check(prs_db_replace(w, "two", d, &err), &err);
    prs_xdoc_free(d);
    assert_int_equal(doccount(w), 2);
    /* The id term of the first write did not stick to the document. */
    assert_int_equal(termfreq(w, "Qone"), 1);
    assert_int_equal(termfreq(w, "Qtwo"), 1);
    assert_int_equal(termfreq(w, "word"), 2);
    prs_db_close(w);
}

static void long_uid_is_hashed_and_retrievable(void **state)
{
    (void)state;
    char uid[301];
    memset(uid, 'u', 300);
    uid[300] = '\0';
    char other[301];
    memcpy(other, uid, sizeof uid);
    other[299] = 'v';

    char idterm[PRS_TERM_MAX + 1];
    prs_schema_id_term(uid, idterm, sizeof idterm);
    assert_int_equal(strlen(idterm), 18);
    assert_memory_equal(idterm, "Q#", 2);

    struct prs_db *w = open_ok("longuid", PRS_DB_WRITE);
    put_simple(w, uid, "long one");
    put_simple(w, other, "long two");
    put_simple(w, uid, "long one again");
    assert_int_equal(doccount(w), 2);
    assert_int_equal(termfreq(w, idterm), 1);
    check(prs_db_commit(w, NULL), NULL);
    prs_db_close(w);

    struct prs_db *r = open_ok("longuid", PRS_DB_READ);
    char *data = get_data(r, uid);
    assert_string_equal(data, "long one again");
    free(data);
    data = get_data(r, other);
    assert_string_equal(data, "long two");
    free(data);
    prs_db_close(r);

    w = open_ok("longuid", PRS_DB_WRITE);
    struct prs_err err = {0};
    assert_int_equal(prs_db_delete(w, uid, &err), 1);
    assert_int_equal(doccount(w), 1);
    prs_db_close(w);
}

static void id_term_rules(void **state)
{
    (void)state;
    char buf[PRS_TERM_MAX + 1];
    prs_schema_id_term("pressmeddelanden/2026/01/x", buf, sizeof buf);
    assert_string_equal(buf, "Qpressmeddelanden/2026/01/x");

    /* The longest uid kept as is: "Q" + 239 bytes is PRS_TERM_MAX. */
    char uid[PRS_TERM_MAX + 1];
    memset(uid, 'k', PRS_TERM_MAX - 1);
    uid[PRS_TERM_MAX - 1] = '\0';
    prs_schema_id_term(uid, buf, sizeof buf);
    assert_int_equal(strlen(buf), PRS_TERM_MAX);
    uid[PRS_TERM_MAX - 1] = 'k';
    uid[PRS_TERM_MAX] = '\0';
    prs_schema_id_term(uid, buf, sizeof buf);
    assert_int_equal(strlen(buf), 18);

    /* A uid that starts with '#' cannot pose as a hashed one. */
    prs_schema_id_term("#0123456789abcdef", buf, sizeof buf);
    assert_int_equal(strlen(buf), 18);
    assert_string_not_equal(buf, "Q#0123456789abcdef");

    /* Truncated to cap, always terminated. */
    prs_schema_id_term("abcdef", buf, 4);
    assert_string_equal(buf, "Qab");
    prs_schema_id_term("abcdef", NULL, 0);
}

static void delete_present_and_absent(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("delete", PRS_DB_WRITE);
    put_simple(w, "x", "X");
    put_simple(w, "y", "Y");
    struct prs_err err = {0};
    assert_int_equal(prs_db_delete(w, "x", &err), 1);
    assert_int_equal(prs_db_delete(w, "x", &err), 0);
    assert_int_equal(prs_db_delete(w, "never", &err), 0);
    assert_int_equal(doccount(w), 1);

    char *data = (char *)"junk";
    size_t len = 7;
    assert_int_equal(prs_db_get_data(w, "x", &data, &len, &err),
                     PRS_E_NOTFOUND);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.msg, "'x'"));
    assert_non_null(strstr(err.msg, db_path("delete")));
    prs_db_close(w);
}

static void delete_by_term_counts(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("delterm", PRS_DB_WRITE);
    const struct spec s[] = {
        {"1", "a", NULL, NULL, "XSRCaa"},
        {"2", "b", NULL, NULL, "XSRCaa"},
        {"3", "c", NULL, NULL, "XSRCbb"},
    };
    for (size_t i = 0; i < 3; i++)
        put(w, &s[i]);
    check(prs_db_commit(w, NULL), NULL);
    struct prs_err err = {0};
    assert_int_equal(prs_db_delete_by_term(w, "XSRCaa", &err), 2);
    assert_int_equal(prs_db_delete_by_term(w, "XSRCaa", &err), 0);
    assert_int_equal(prs_db_delete_by_term(w, "XSRCzz", &err), 0);
    assert_int_equal(doccount(w), 1);
    assert_int_equal(prs_db_delete_by_term(w, "", &err), PRS_E_BADARG);
    assert_int_equal(doccount(w), 1);
    char *data = get_data(w, "3");
    assert_string_equal(data, "3");
    free(data);
    prs_db_close(w);
}

static void commit_is_seen_by_a_new_reader(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("commit", PRS_DB_WRITE);
    put_simple(w, "p", "P");
    put_simple(w, "q", "Q");
    struct prs_db *r = open_ok("commit", PRS_DB_READ);
    assert_int_equal(doccount(r), 0);
    prs_db_close(r);
    check(prs_db_commit(w, NULL), NULL);
    r = open_ok("commit", PRS_DB_READ);
    assert_int_equal(doccount(r), 2);
    char *data = get_data(r, "q");
    assert_string_equal(data, "Q");
    free(data);
    prs_db_close(r);
    prs_db_close(w);
}

static void close_commits_pending_changes(void **state)
{
    (void)state;
    struct prs_db *w = open_ok("closecommit", PRS_DB_WRITE);
    put_simple(w, "p", "P");
    prs_db_close(w);
    struct prs_db *r = open_ok("closecommit", PRS_DB_READ);
    assert_int_equal(doccount(r), 1);
    prs_db_close(r);
}

static void reader_reopen_sees_new_commit(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("reopen", PRS_DB_WRITE);
    put_simple(w, "1", "one");
    check(prs_db_commit(w, &err), &err);
    struct prs_db *r = open_ok("reopen", PRS_DB_READ);
    assert_int_equal(prs_db_reopen(r, &err), 0);
    put_simple(w, "2", "two");
    check(prs_db_commit(w, &err), &err);
    assert_int_equal(doccount(r), 1);
    assert_int_equal(prs_db_reopen(r, &err), 1);
    assert_int_equal(doccount(r), 2);
    char *data = get_data(r, "2");
    assert_string_equal(data, "two");
    free(data);
    assert_int_equal(prs_db_reopen(r, &err), 0);
    prs_db_close(r);
    prs_db_close(w);
}

/* Rewrites n documents with data "<tag>" and commits. */
static void rewrite_all(struct prs_db *w, size_t n, char tag)
{
    struct prs_err err = {0};
    char data[201];
    memset(data, tag, 200);
    data[200] = '\0';
    for (size_t i = 0; i < n; i++) {
        char uid[32], t[32];
        snprintf(uid, sizeof uid, "doc%zu", i);
        snprintf(t, sizeof t, "t%zu", i);
        struct prs_xdoc *d = prs_xdoc_new(&err);
        check(prs_xdoc_add_term(d, t, strlen(t), 1, &err), &err);
        check(prs_xdoc_set_data(d, data, 200, &err), &err);
        check(prs_db_replace(w, uid, d, &err), &err);
        prs_xdoc_free(d);
    }
    check(prs_db_commit(w, &err), &err);
}

/* A reader left on an old revision while a writer commits over it gets
 * DatabaseModifiedError from Xapian once the blocks it needs are reused;
 * search reopens and retries instead of failing. Xapian's block reuse is
 * deterministic, so a few rounds over a couple of thousand documents
 * reliably get there. */
static void search_survives_concurrent_commits(void **state)
{
    (void)state;
    const size_t n = 2000;
    struct prs_db *w = open_ok("modified", PRS_DB_WRITE);
    rewrite_all(w, n, 'a');
    struct prs_db *r = open_ok("modified", PRS_DB_READ);
    for (int round = 1; round <= 8 && prs_db__retries(r) == 0; round++) {
        char tag = (char)('a' + round);
        rewrite_all(w, n, tag);
        char t[32];
        snprintf(t, sizeof t, "t%d", round * 211 + 7);
        struct prs_err err = {0};
        struct prs_query *q = prs_query_term(t, 1, &err);
        struct prs_hits *h = NULL;
        struct prs_search_opts opts = {.limit = 10};
        check(prs_db_search(r, q, &opts, &h, &err), &err);
        assert_int_equal(prs_hits_count(h), 1);
        size_t len = 0;
        const char *data = prs_hits_data(h, 0, &len);
        assert_int_equal(len, 200);
        /* After a retry the reader is on the newest revision. */
        if (prs_db__retries(r) > 0)
            assert_int_equal(data[0], tag);
        prs_hits_free(h);
        prs_query_free(q);
    }
    assert_true(prs_db__retries(r) > 0);
    prs_db_close(r);
    prs_db_close(w);
}

static void transactions_cancel_and_commit(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("txn", PRS_DB_WRITE);
    check(prs_db_begin(w, &err), &err);
    put_simple(w, "t1", "one");
    put_simple(w, "t2", "two");
    assert_int_equal(doccount(w), 2);
    check(prs_db_cancel_transaction(w, &err), &err);
    assert_int_equal(doccount(w), 0);
    assert_int_equal(termfreq(w, "Qt1"), 0);

    /* Not in a transaction any more: Xapian's error comes through. */
    assert_int_equal(prs_db_commit_transaction(w, &err), PRS_E_ENGINE);
    assert_non_null(strstr(err.msg, "InvalidOperationError"));

    check(prs_db_begin(w, &err), &err);
    put_simple(w, "t3", "three");
    check(prs_db_commit_transaction(w, &err), &err);
    /* A flushed transaction is committed: a new reader sees it. */
    struct prs_db *r = open_ok("txn", PRS_DB_READ);
    assert_int_equal(doccount(r), 1);
    prs_db_close(r);
    prs_db_close(w);
}

/* ---- metadata and terms -------------------------------------------- */

struct kv_log {
    char text[256];
    int stop_after; /* return 7 after this many calls (0: never) */
    int calls;
};

static int log_kv(const char *key, const char *value, void *ctx)
{
    struct kv_log *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%s=%s;", key, value);
    l->calls++;
    return l->stop_after && l->calls >= l->stop_after ? 7 : 0;
}

static void metadata_get_set_each(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("meta", PRS_DB_WRITE);
    char *v = (char *)"junk";
    check(prs_db_get_metadata(w, "prs:schema", &v, &err), &err);
    assert_null(v);
    check(prs_db_set_metadata(w, "prs:schema", "1", &err), &err);
    check(prs_db_set_metadata(w, "prs:src:bb", "2 20 /b", &err), &err);
    check(prs_db_set_metadata(w, "prs:src:aa", "1 10 /a", &err), &err);
    check(prs_db_set_metadata(w, "prs:src:cc", "3 30 /c", &err), &err);
    check(prs_db_set_metadata(w, "prs:src:cc", "", &err), &err);
    check(prs_db_get_metadata(w, "prs:schema", &v, &err), &err);
    assert_string_equal(v, "1");
    free(v);
    assert_int_equal(prs_db_get_metadata(w, "", &v, &err), PRS_E_BADARG);
    assert_int_equal(prs_db_set_metadata(w, "", "x", &err), PRS_E_BADARG);
    check(prs_db_commit(w, &err), &err);
    prs_db_close(w);

    struct prs_db *r = open_ok("meta", PRS_DB_READ);
    struct kv_log l = {0};
    check(prs_db_metadata_each(r, "prs:src:", log_kv, &l, &err), &err);
    assert_string_equal(l.text, "prs:src:aa=1 10 /a;prs:src:bb=2 20 /b;");
    memset(&l, 0, sizeof l);
    check(prs_db_metadata_each(r, NULL, log_kv, &l, &err), &err);
    assert_int_equal(l.calls, 3);
    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    assert_int_equal(prs_db_metadata_each(r, "prs:", log_kv, &l, &err), 7);
    assert_int_equal(l.calls, 1);
    prs_db_close(r);
}

struct term_log {
    char text[512];
    int calls;
    int stop_after;
};

static int log_term(const char *t, size_t len, uint64_t freq, void *ctx)
{
    struct term_log *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%.*s:%llu;", (int)len, t,
             (unsigned long long)freq);
    l->calls++;
    return l->stop_after && l->calls >= l->stop_after ? -3 : 0;
}

static void terms_each_with_prefix_and_freq(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct term_log l = {0};
    check(prs_db_terms_each(qdb, "fox", log_term, &l, &err), &err);
    assert_string_equal(l.text, "fox:3;foxes:1;foxtrot:1;");
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(qdb, "XK", log_term, &l, &err), &err);
    assert_string_equal(l.text, "XKpress:2;");
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(qdb, "Q", log_term, &l, &err), &err);
    assert_string_equal(l.text, "Qa:1;Qb:1;Qc:1;Qd:1;Qe:1;");
    memset(&l, 0, sizeof l);
    l.stop_after = 2;
    assert_int_equal(prs_db_terms_each(qdb, "Q", log_term, &l, &err), -3);
    assert_int_equal(l.calls, 2);
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(qdb, "nosuchprefix", log_term, &l, &err), &err);
    assert_int_equal(l.calls, 0);
}

/* Skips as set by a test: at the term skip_at, skip its first skip_n
 * bytes' worth of terms. */
struct skip_log {
    struct term_log log;
    const char *skip_at[3];
    size_t skip_n[3];
};

static int skip_term(const char *t, size_t len, uint64_t freq, size_t *skip,
                     void *ctx)
{
    struct skip_log *l = ctx;
    for (int i = 0; i < 3 && l->skip_at[i]; i++)
        if (strlen(l->skip_at[i]) == len && memcmp(t, l->skip_at[i], len) == 0)
            *skip = l->skip_n[i];
    return log_term(t, len, freq, &l->log);
}

/* prs_db_terms_walk() goes on after the terms sharing the first n bytes of
 * the term where fn asks, from Xapian's term list (a writer) and from
 * the reader's words alike. */
static void terms_walk_skips_the_terms_fn_asks_it_to(void **state)
{
    (void)state;
    struct prs_err err = {0};
    static const char *const words[] = {"alfa", "alfabet", "alfons", "alg",
                                        "alp", "als", "bo", "öl", "öra",
                                        "öst", NULL};
    struct prs_db *w = open_ok("walk", PRS_DB_WRITE);
    struct prs_xdoc *d = prs_xdoc_new(&err);
    for (unsigned i = 0; words[i]; i++)
        check(prs_xdoc_add_posting(d, words[i], strlen(words[i]), i + 1, 1,
                                   &err), &err);
    check(prs_db_replace(w, "one", d, &err), &err);
    prs_xdoc_free(d);
    check(prs_db_commit(w, &err), &err);
    struct prs_db *r = open_ok("walk", PRS_DB_READ);
    static const struct {
        const char *prefixes[2];
        const char *skip_at[2];
        size_t skip_n[2];
        const char *want;
    } cases[] = {
        /* Past "alf*" at alfa, past "alp*" (itself only) at alp. */
        {{"al"}, {"alfa", "alp"}, {3, 3}, "alfa:1;alg:1;alp:1;als:1;"},
        /* The whole term: its longer words go, its siblings stay. */
        {{"al"}, {"alfa"}, {4}, "alfa:1;alfons:1;alg:1;alp:1;als:1;"},
        /* A two-byte letter: past every word starting with ö, to the
         * end; one letter past the last word of b. */
        {{"b", "ö"}, {"bo", "öl"}, {1, 2}, "bo:1;öl:1;"},
        /* A skip longer than the term is no skip. */
        {{"al"}, {"alg"}, {9}, "alfa:1;alfabet:1;alfons:1;alg:1;alp:1;als:1;"},
    };
    struct prs_db *handles[] = {w, r};
    for (int h = 0; h < 2; h++) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            struct skip_log l = {0};
            for (int i = 0; i < 2; i++) {
                l.skip_at[i] = cases[c].skip_at[i];
                l.skip_n[i] = cases[c].skip_n[i];
            }
            for (int i = 0; i < 2 && cases[c].prefixes[i]; i++)
                check(prs_db_terms_walk(handles[h], cases[c].prefixes[i],
                                        skip_term, &l, &err),
                      &err);
            assert_string_equal(l.log.text, cases[c].want);
        }
    }
    prs_db_close(r);
    prs_db_close(w);
}

/* A reader keeps the words in memory (engine.cc, words()); a commit it
 * reopens to brings the new ones and the new frequencies. */
static void reader_words_follow_commits(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("vocab", PRS_DB_WRITE);
    struct prs_xdoc *d = prs_xdoc_new(&err);
    check(prs_xdoc_add_posting(d, "alfa", 4, 1, 1, &err), &err);
    check(prs_xdoc_add_term(d, "Zalf", 4, 1, &err), &err);
    check(prs_db_replace(w, "one", d, &err), &err);
    prs_xdoc_free(d);
    check(prs_db_commit(w, &err), &err);

    struct prs_db *r = open_ok("vocab", PRS_DB_READ);
    struct term_log l = {0};
    check(prs_db_terms_each(r, "al", log_term, &l, &err), &err);
    assert_string_equal(l.text, "alfa:1;");

    d = prs_xdoc_new(&err);
    check(prs_xdoc_add_posting(d, "alfa", 4, 1, 1, &err), &err);
    check(prs_xdoc_add_posting(d, "alfabet", 7, 2, 1, &err), &err);
    check(prs_db_replace(w, "two", d, &err), &err);
    prs_xdoc_free(d);
    check(prs_db_commit(w, &err), &err);
    /* Before reopening, the reader's revision and its words stay. */
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(r, "al", log_term, &l, &err), &err);
    assert_string_equal(l.text, "alfa:1;");
    assert_int_equal(prs_db_reopen(r, &err), 1);
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(r, "al", log_term, &l, &err), &err);
    assert_string_equal(l.text, "alfa:2;alfabet:1;");
    /* Prefixed terms are not words: they come from the index itself. */
    memset(&l, 0, sizeof l);
    check(prs_db_terms_each(r, "Z", log_term, &l, &err), &err);
    assert_string_equal(l.text, "Zalf:1;");
    prs_db_close(r);
    prs_db_close(w);
}

static int log_value(unsigned slot, const char *value, size_t len,
                     uint64_t count, void *ctx)
{
    struct term_log *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%u %.*s:%llu;", slot,
             (int)len, value, (unsigned long long)count);
    return 0;
}

static void add_valued(struct prs_db *w, const char *id, const char *org,
                       const char *year)
{
    struct prs_err err = {0};
    struct prs_xdoc *d = prs_xdoc_new(&err);
    check(prs_xdoc_add_term(d, "alfa", 4, 1, &err), &err);
    if (org)
        check(prs_xdoc_set_value(d, 3, org, strlen(org), &err), &err);
    check(prs_xdoc_set_value(d, 5, year, strlen(year), &err), &err);
    check(prs_db_replace(w, id, d, &err), &err);
    prs_xdoc_free(d);
}

/* A new index, name, with four releases valued in slots 3 (organisation,
 * one without) and 5 (year), committed; returns its writer and, in *r, a
 * reader of it. */
static struct prs_db *valued_index(const char *name, struct prs_db **r)
{
    struct prs_err err = {0};
    struct prs_db *w = open_ok(name, PRS_DB_WRITE);
    add_valued(w, "a", "Utrikesdepartementet", "2024");
    add_valued(w, "b", "Finansdepartementet", "2024");
    add_valued(w, "c", "Utrikesdepartementet", "2023");
    add_valued(w, "d", NULL, "2023");
    check(prs_db_commit(w, &err), &err);
    *r = open_ok(name, PRS_DB_READ);
    return w;
}

/* Counts are by value in byte order, per slot, and a reopened reader
 * counts what the new commit holds: replaced, added and deleted. */
static void value_counts_follow_commits(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *r = NULL;
    struct prs_db *w = valued_index("valuecounts", &r);
    struct prs_query *q = prs_query_term("alfa", 0, &err);
    const unsigned slots[] = {5, 3};
    struct term_log l = {0};
    uint64_t total = 0;
    check(prs_db_count_values(r, q, NULL, slots, 2, log_value, &l, &total,
                              &err), &err);
    assert_string_equal(l.text, "5 2023:2;5 2024:2;3 Finansdepartementet:1;"
                                "3 Utrikesdepartementet:2;");
    assert_int_equal(total, 4);

    add_valued(w, "a", "Arbetsmarknadsdepartementet", "2024");
    add_valued(w, "e", "Finansdepartementet", "2025");
    check(prs_db_delete(w, "c", &err), &err);
    check(prs_db_commit(w, &err), &err);
    assert_int_equal(prs_db_reopen(r, &err), 1);
    memset(&l, 0, sizeof l);
    check(prs_db_count_values(r, q, NULL, slots, 2, log_value, &l, &total,
                              &err), &err);
    assert_string_equal(l.text, "5 2023:1;5 2024:2;5 2025:1;"
                                "3 Arbetsmarknadsdepartementet:1;"
                                "3 Finansdepartementet:2;");
    assert_int_equal(total, 4);
    prs_query_free(q);
    prs_db_close(r);
    prs_db_close(w);
}

/* Counts from a search's hits when it fetched every match: what a
 * counting run gives. A page that may have missed some, or a reader
 * reopened since, counts nothing. */
static void hits_count_their_values_when_they_hold_every_match(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *r = NULL;
    struct prs_db *w = valued_index("hitcounts", &r);
    struct prs_query *q = prs_query_term("alfa", 0, &err);
    const unsigned slots[] = {5, 3};
    struct term_log want = {0};
    uint64_t total = 0;
    check(prs_db_count_values(r, q, NULL, slots, 2, log_value, &want, &total,
                              &err), &err);
    assert_int_equal(total, 4);

    /* {offset, limit, rescore window}: whether the hits hold all four. */
    const struct {
        size_t offset, limit, window;
        bool all;
    } cases[] = {
        {0, 10, 0, true},  /* fewer matches than the page */
        {0, 4, 0, false},  /* a full page: there may be more */
        {0, 2, 0, false},
        {1, 10, 0, false}, /* not from the first match */
        {0, 2, 10, true},  /* the rescore window fetched them all */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct prs_search_opts opts = {.offset = cases[i].offset,
                                       .limit = cases[i].limit,
                                       .rescore = cases[i].window ? q : NULL,
                                       .rescore_window = cases[i].window};
        struct prs_hits *h = NULL;
        check(prs_db_search(r, q, &opts, &h, &err), &err);
        struct term_log got = {0};
        bool counted = !cases[i].all;
        total = 0;
        check(prs_hits_count_values(r, h, slots, 2, log_value, &got, &total,
                                    &counted, &err), &err);
        assert_int_equal(counted, cases[i].all);
        assert_string_equal(got.text, cases[i].all ? want.text : "");
        assert_int_equal(total, cases[i].all ? 4 : 0);
        prs_hits_free(h);
    }

    /* Hits from before a reopen: their docids may hold other releases. */
    struct prs_search_opts opts = {.limit = 10};
    struct prs_hits *h = NULL;
    check(prs_db_search(r, q, &opts, &h, &err), &err);
    add_valued(w, "a", "Arbetsmarknadsdepartementet", "2024");
    check(prs_db_commit(w, &err), &err);
    assert_int_equal(prs_db_reopen(r, &err), 1);
    bool counted = true;
    struct term_log got = {0};
    check(prs_hits_count_values(r, h, slots, 2, log_value, &got, NULL,
                                &counted, &err), &err);
    assert_false(counted);
    assert_string_equal(got.text, "");
    prs_hits_free(h);
    prs_query_free(q);
    prs_db_close(r);
    prs_db_close(w);
}

static void overlong_and_empty_terms_are_skipped(void **state)
{
    (void)state;
    struct prs_err err = {0};
    char longest[PRS_TERM_MAX + 1], toolong[301];
    memset(longest, 'L', PRS_TERM_MAX);
    longest[PRS_TERM_MAX] = '\0';
    memset(toolong, 'T', 300);
    toolong[300] = '\0';

    struct prs_db *w = open_ok("longterm", PRS_DB_WRITE);
    struct prs_xdoc *d = prs_xdoc_new(&err);
    assert_int_equal(prs_xdoc_add_posting(d, toolong, 300, 1, 1, &err), 0);
    assert_int_equal(prs_xdoc_add_term(d, toolong, 300, 1, &err), 0);
    assert_int_equal(prs_xdoc_add_boolean(d, toolong, 300, &err), 0);
    assert_int_equal(prs_xdoc_add_term(d, "", 0, 1, &err), 0);
    assert_int_equal(prs_xdoc_add_term(d, NULL, 0, 1, &err), 0);
    check(prs_xdoc_add_term(d, longest, PRS_TERM_MAX, 1, &err), &err);
    check(prs_xdoc_add_posting(d, "ok", 2, 2, 1, &err), &err);
    check(prs_db_replace(w, "long", d, &err), &err);
    prs_xdoc_free(d);
    /* Xapian would have refused the commit had the long term gone in. */
    check(prs_db_commit(w, &err), &err);
    assert_int_equal(termfreq(w, longest), 1);
    assert_int_equal(termfreq(w, "ok"), 1);
    assert_int_equal(termfreq(w, ""), 0);
    struct term_log l = {0};
    check(prs_db_terms_each(w, "T", log_term, &l, &err), &err);
    assert_int_equal(l.calls, 0);
    prs_db_close(w);
}

/* ---- queries ------------------------------------------------------- */

static void term_and_boolean_queries(void **state)
{
    (void)state;
    assert_matches(term("fox"), "a,b,d");
    assert_matches(term("dog"), "c");
    assert_matches(term("XKpress"), "a,d");
    assert_matches(term("absent"), "");
    struct prs_err err = {0};
    assert_matches(prs_query_match_all(&err), "a,b,c,d,e");
}

static void phrase_needs_adjacent_terms_in_order(void **state)
{
    (void)state;
    /* a: the quick brown fox; b: quick fox brown; d: lazy fox jumps quick */
    assert_matches(words(true, 0, "quick", "fox", NULL), "b");
    assert_matches(words(true, 0, "brown", "fox", NULL), "a");
    assert_matches(words(true, 0, "quick", "brown", "fox", NULL), "a");
    assert_matches(words(true, 0, "fox", "quick", NULL), "");
    /* A wider window still keeps the order. */
    assert_matches(words(true, 3, "quick", "fox", NULL), "a,b");
}

static void near_ignores_order(void **state)
{
    (void)state;
    assert_matches(words(false, 2, "quick", "fox", NULL), "b");
    assert_matches(words(false, 2, "fox", "brown", NULL), "a,b");
    assert_matches(words(false, 3, "fox", "quick", NULL), "a,b,d");
}

static void prefix_expands_to_most_frequent(void **state)
{
    (void)state;
    struct prs_err err = {0};
    assert_matches(prs_query_prefix("fox", 0, &err), "a,b,d,e");
    /* One term allowed: the most frequent, "fox" (3 documents). */
    assert_matches(prs_query_prefix("fox", 1, &err), "a,b,d");
    assert_matches(prs_query_prefix("foxt", 0, &err), "e");
    assert_matches(prs_query_prefix("zzz", 0, &err), "");
}

/* The SYNONYM of the terms prs_db_completions() hands out. */
struct term_list {
    struct prs_query *q[64];
    size_t n;
};

static int add_term(const char *t, size_t len, uint64_t freq, void *ctx)
{
    (void)freq;
    struct term_list *l = ctx;
    char buf[64];
    assert_true(len < sizeof buf && l->n < 64);
    snprintf(buf, sizeof buf, "%.*s", (int)len, t);
    l->q[l->n++] = term(buf);
    return 0;
}

static struct prs_query *completions_synonym(struct prs_db *r,
                                             const char *prefix,
                                             unsigned max_terms)
{
    struct prs_err err = {0};
    struct term_list l = {.n = 0};
    check(prs_db_completions(r, prefix, max_terms, add_term, &l, &err), &err);
    assert_true(l.n > 0 && l.n <= max_terms);
    struct prs_query *q = prs_query_combine(PRS_QOP_SYNONYM, l.q, l.n, &err);
    for (size_t i = 0; i < l.n; i++)
        prs_query_free(l.q[i]);
    return q;
}

/* prs_query_completions() keeps the terms Xapian's wildcard keeps, ties
 * included: the same matches with the same weights, in the same order,
 * for words (found in the reader's word list) and for prefixed terms
 * (found in the index), below, at and above the number of terms. So does
 * a SYNONYM of the terms prs_db_completions() hands out. */
static void completions_match_and_weigh_as_the_wildcard(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("completions", PRS_DB_WRITE);
    /* 40 words of 3 frequencies (5, 10 and 15 releases), each in two
     * forms, and a few releases repeating them. */
    for (int k = 0; k < 15; k++) {
        char uid[8], words[2048] = "", flags[2048] = "";
        snprintf(uid, sizeof uid, "%02d", k);
        for (int j = 0; j < 40; j++) {
            if (k >= 5 * (1 + j % 3))
                continue;
            for (int rep = 0; rep <= (k + j) % 2; rep++) {
                size_t n = strlen(words);
                snprintf(words + n, sizeof words - n, "%spa%02d",
                         n ? " " : "", j);
            }
            size_t n = strlen(flags);
            snprintf(flags + n, sizeof flags - n, "%sSpa%02d", n ? " " : "",
                     j);
        }
        put(w, &(struct spec){.uid = uid, .words = words, .flags = flags});
    }
    check(prs_db_commit(w, &err), &err);
    prs_db_close(w);
    struct prs_db *r = open_ok("completions", PRS_DB_READ);
    static const char *const prefixes[] = {"pa", "pa1", "Spa"};
    static const unsigned maxima[] = {1, 2, 5, 13, 14, 20, 27, 40, 100};
    for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
        for (size_t m = 0; m < sizeof maxima / sizeof *maxima; m++) {
            struct prs_query *q[3] = {
                prs_query_prefix(prefixes[p], maxima[m], &err),
                prs_query_completions(r, prefixes[p], maxima[m], &err),
                completions_synonym(r, prefixes[p], maxima[m])};
            struct prs_hits *h[3] = {NULL, NULL, NULL};
            for (int i = 0; i < 3; i++) {
                assert_non_null(q[i]);
                check(prs_db_search(r, q[i], &(struct prs_search_opts){
                                              .limit = 20,
                                              .sort = PRS_SORT_RELEVANCE,
                                              .check_at_least = 20},
                                    &h[i], &err),
                      &err);
                prs_query_free(q[i]);
            }
            size_t n = prs_hits_count(h[0]);
            assert_true(n > 0);
            for (int k = 1; k < 3; k++) {
                assert_int_equal(prs_hits_count(h[k]), n);
                for (size_t i = 0; i < n; i++) {
                    assert_string_equal(prs_hits_data(h[k], i, NULL),
                                        prs_hits_data(h[0], i, NULL));
                    if (prs_hits_score(h[k], i) != prs_hits_score(h[0], i))
                        fail_msg("%s, %u terms, way %d: hit %zu weighs %.17g, "
                                 "not %.17g",
                                 prefixes[p], maxima[m], k, i,
                                 prs_hits_score(h[k], i),
                                 prs_hits_score(h[0], i));
                }
            }
            for (int k = 0; k < 3; k++)
                prs_hits_free(h[k]);
        }
    }
    /* No such term: nothing matches, as with the wildcard. */
    struct prs_query *none = prs_query_completions(r, "zz", 10, &err);
    assert_non_null(none);
    struct prs_hits *h = NULL;
    check(prs_db_search(r, none, &all_opts, &h, &err), &err);
    assert_int_equal(prs_hits_count(h), 0);
    prs_hits_free(h);
    prs_query_free(none);
    prs_db_close(r);
}

static void boolean_operators(void **state)
{
    (void)state;
    assert_matches(combine(PRS_QOP_AND, term("fox"), term("brown"), NULL),
                   "a,b");
    assert_matches(combine(PRS_QOP_OR, term("dog"), term("lazy"), NULL),
                   "c,d");
    assert_matches(combine(PRS_QOP_AND_NOT, term("fox"), term("brown"), NULL),
                   "d");
    /* First minus the union of all the others. */
    assert_matches(combine(PRS_QOP_AND_NOT, term("quick"), term("dog"),
                           term("lazy"), NULL),
                   "a,b");
    assert_matches(combine(PRS_QOP_AND_MAYBE, term("fox"), term("dog"), NULL),
                   "a,b,d");
    assert_matches(combine(PRS_QOP_FILTER, term("fox"), term("XKpress"), NULL),
                   "a,d");
    assert_matches(combine(PRS_QOP_SYNONYM, term("dog"), term("lazy"), NULL),
                   "c,d");
    /* One sub-query is that query. */
    assert_matches(combine(PRS_QOP_AND, term("dog"), NULL), "c");
}

/* The score of each uid for q, by uid letter ('a'..'e'); 0 if no hit. */
static void scores(struct prs_query *q, double out[5])
{
    struct prs_hits *h = NULL;
    char got[64];
    run(q, &all_opts, false, got, sizeof got, &h);
    for (int i = 0; i < 5; i++)
        out[i] = 0;
    for (size_t i = 0; i < prs_hits_count(h); i++) {
        const char *uid = prs_hits_data(h, i, NULL);
        out[uid[0] - 'a'] = prs_hits_score(h, i);
    }
    prs_hits_free(h);
}

/* The uids of a search for q (freed) with opts, comma-separated. */
static void page(struct prs_query *q, const struct prs_search_opts *opts,
                 char *out, size_t cap)
{
    run(q, opts, false, out, cap, NULL);
}

/* Rescoring adds the rescore query's weight to the best window matches
 * alone and ranks them again: with a window over every match it ranks as
 * AND_MAYBE does; the matches after a smaller window keep their order;
 * pages are slices of one order; sorting by date leaves it out. */
static void rescore_reorders_the_best_matches(void **state)
{
    (void)state;
    /* fox: a, b, d; lazy and jumps within 3 positions: d only. */
    const char *pair[2] = {"lazy", "jumps"};
    double fox[5], bonus[5];
    scores(term("fox"), fox);
    scores(words_of('n', 3, pair, 2), bonus);
    char plain[64], maybe[64], got[64];
    page(term("fox"), &all_opts, plain, sizeof plain);
    page(combine(PRS_QOP_AND_MAYBE, term("fox"), words_of('n', 3, pair, 2),
                 NULL),
         &all_opts, maybe, sizeof maybe);
    /* The bonus lifts d from last to first. */
    assert_string_equal(plain, "b,a,d");
    assert_string_equal(maybe, "d,b,a");
    struct prs_query *near = words_of('n', 3, pair, 2);
    struct prs_search_opts o = all_opts;
    o.rescore = near;
    o.rescore_window = 3;
    struct prs_hits *h = NULL;
    run(term("fox"), &o, false, got, sizeof got, &h);
    assert_string_equal(got, maybe);
    assert_float_equal(prs_hits_score(h, 0), fox[3] + bonus[3], 1e-9);
    prs_hits_free(h);
    /* d is third: a window of two leaves it there. */
    o.rescore_window = 2;
    page(term("fox"), &o, got, sizeof got);
    assert_string_equal(got, plain);
    /* Pages in and after the window are slices of one order. */
    o.rescore_window = 3;
    o.limit = 1;
    char joined[64] = "";
    for (o.offset = 0; o.offset < 3; o.offset++) {
        page(term("fox"), &o, got, sizeof got);
        size_t used = strlen(joined);
        snprintf(joined + used, sizeof joined - used, "%s%.8s",
                 o.offset ? "," : "", got);
    }
    assert_string_equal(joined, maybe);
    /* A page across the window's end: b, a rescored, then d. */
    o.rescore_window = 2;
    o.offset = 1;
    o.limit = 2;
    page(term("fox"), &o, got, sizeof got);
    assert_string_equal(got, "a,d");
    /* By date, newest first: a (2026), b (2025), d (2024). */
    o = all_opts;
    o.sort = PRS_SORT_DATE;
    o.rescore = near;
    o.rescore_window = 3;
    page(term("fox"), &o, got, sizeof got);
    assert_string_equal(got, "a,b,d");
    prs_query_free(near);
}

static void weights_of_and_maybe_filter_and_scale(void **state)
{
    (void)state;
    struct prs_err err = {0};
    double fox[5], maybe[5], filt[5], twice[5], zero[5];
    scores(term("fox"), fox);
    scores(combine(PRS_QOP_AND_MAYBE, term("fox"), term("brown"), NULL),
           maybe);
    scores(combine(PRS_QOP_FILTER, term("fox"), term("XKpress"), NULL), filt);
    struct prs_query *f = term("fox");
    scores(prs_query_scale(f, 2.0, &err), twice);
    scores(prs_query_scale(f, 0.0, &err), zero);
    prs_query_free(f);
    for (int i = 0; i < 5; i++) {
        if (fox[i] == 0)
            continue;
        assert_true(fox[i] > 0);
        assert_float_equal(twice[i], 2 * fox[i], 1e-9);
        assert_float_equal(zero[i], 0.0, 1e-12);
    }
    /* AND_MAYBE: brown raises a and b above their plain fox score. */
    assert_true(maybe[0] > fox[0]);
    assert_true(maybe[1] > fox[1]);
    assert_float_equal(maybe[3], fox[3], 1e-9);
    /* FILTER: the filter term adds no weight. */
    assert_float_equal(filt[0], fox[0], 1e-9);
    assert_float_equal(filt[3], fox[3], 1e-9);
    assert_float_equal(filt[1], 0.0, 1e-12);
}

static void value_ranges(void **state)
{
    (void)state;
    struct prs_err err = {0};
    assert_matches(prs_query_value_range(PRS_SLOT_DATE, "202501010000",
                                         "202512312359", &err),
                   "b");
    assert_matches(
        prs_query_value_range(PRS_SLOT_DATE, "202601010000", NULL, &err),
        "a,c");
    assert_matches(
        prs_query_value_range(PRS_SLOT_DATE, NULL, "202412312359", &err),
        "d");
    /* Both ends open: everything, also e which has no date at all. */
    assert_matches(prs_query_value_range(PRS_SLOT_DATE, NULL, NULL, &err),
                   "a,b,c,d,e");
    assert_matches(prs_query_value_range(PRS_SLOT_ORG, "Org B", "Org C", &err),
                   "b,c");
}

static void relevance_and_date_order(void **state)
{
    (void)state;
    char got[64];
    /* BM25: the shorter the document, the more one "brown" counts. */
    run(term("brown"), &all_opts, false, got, sizeof got, NULL);
    assert_string_equal(got, "c,b,a");
    struct prs_search_opts by_date = all_opts;
    by_date.sort = PRS_SORT_DATE;
    run(term("brown"), &by_date, false, got, sizeof got, NULL);
    assert_string_equal(got, "c,a,b");
    /* Newest first; no date sorts last. */
    struct prs_err err = {0};
    run(prs_query_match_all(&err), &by_date, false, got, sizeof got, NULL);
    assert_string_equal(got, "c,a,b,d,e");
}

static void offset_limit_and_total(void **state)
{
    (void)state;
    struct prs_err err = {0};
    char got[64];
    struct prs_hits *h = NULL;
    struct prs_search_opts o = all_opts;
    o.sort = PRS_SORT_DATE;
    o.offset = 1;
    o.limit = 2;
    run(prs_query_match_all(&err), &o, false, got, sizeof got, &h);
    assert_string_equal(got, "a,b");
    assert_int_equal(prs_hits_total(h), 5);
    assert_null(prs_hits_data(h, 2, NULL));
    prs_hits_free(h);

    o.offset = 4;
    run(prs_query_match_all(&err), &o, false, got, sizeof got, NULL);
    assert_string_equal(got, "e");
    o.offset = 10;
    run(prs_query_match_all(&err), &o, false, got, sizeof got, &h);
    assert_string_equal(got, "");
    assert_int_equal(prs_hits_total(h), 5);
    prs_hits_free(h);

    /* limit 0: count only. */
    o.offset = 0;
    o.limit = 0;
    run(term("fox"), &o, false, got, sizeof got, &h);
    assert_int_equal(prs_hits_count(h), 0);
    assert_int_equal(prs_hits_total(h), 3);
    prs_hits_free(h);

    /* A huge limit is fine too. */
    o.limit = SIZE_MAX;
    o.offset = SIZE_MAX;
    run(term("fox"), &o, false, got, sizeof got, NULL);
    assert_string_equal(got, "");
}

static void filter_option_restricts_without_weight(void **state)
{
    (void)state;
    struct prs_err err = {0};
    double plain[5];
    scores(term("fox"), plain);
    struct prs_query *f = term("XKpress");
    struct prs_search_opts o = all_opts;
    o.filter = f;
    struct prs_hits *h = NULL;
    char got[64];
    run(term("fox"), &o, true, got, sizeof got, &h);
    assert_string_equal(got, "a,d");
    for (size_t i = 0; i < prs_hits_count(h); i++) {
        const char *uid = prs_hits_data(h, i, NULL);
        assert_float_equal(prs_hits_score(h, i), plain[uid[0] - 'a'], 1e-9);
    }
    prs_hits_free(h);
    /* The date filter the search module builds. */
    prs_query_free(f);
    f = prs_query_value_range(PRS_SLOT_DATE, "202501010000", NULL, &err);
    o.filter = f;
    run(term("fox"), &o, true, got, sizeof got, NULL);
    assert_string_equal(got, "a,b");
    prs_query_free(f);
}

static void hits_carry_stored_values(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_hits *h = NULL;
    char got[64];
    struct prs_search_opts o = all_opts;
    o.sort = PRS_SORT_DATE;
    /* Values are read only when asked for. */
    run(prs_query_match_all(&err), &o, false, got, sizeof got, &h);
    assert_null(prs_hits_value(h, 0, PRS_SLOT_DATE, NULL));
    prs_hits_free(h);
    o.value_slots = 1u << PRS_SLOT_DATE | 1u << PRS_SLOT_ORG;
    run(prs_query_match_all(&err), &o, false, got, sizeof got, &h);
    assert_string_equal(got, "c,a,b,d,e");
    size_t len = 0;
    const char *v = prs_hits_value(h, 0, PRS_SLOT_DATE, &len);
    assert_non_null(v);
    assert_int_equal(len, 12);
    assert_string_equal(v, "202603010000");
    v = prs_hits_value(h, 0, PRS_SLOT_ORG, &len);
    assert_string_equal(v, "Org C");
    assert_int_equal(len, 5);
    /* d has no organisation, e no date: absent reads as NULL, length 0. */
    len = 9;
    assert_null(prs_hits_value(h, 3, PRS_SLOT_ORG, &len));
    assert_int_equal(len, 0);
    assert_null(prs_hits_value(h, 4, PRS_SLOT_DATE, NULL));
    assert_null(prs_hits_value(h, 0, PRS_SLOT_TYPE, NULL));
    assert_null(prs_hits_value(h, 99, PRS_SLOT_DATE, NULL));
    prs_hits_free(h);
}

/* ---- stored data compression ------------------------------------ */

#define NRELEASES 1200

/* Release-like stored data: shared phrasing, numbers that differ. */
static void release_text(size_t i, char *out, size_t cap)
{
    static const char *const orgs[] = {"Finansdepartementet",
                                       "Socialdepartementet",
                                       "Miljödepartementet"};
    snprintf(out, cap,
             "{\"title\":\"Regeringen ger uppdrag nummer %zu\",\"org\":"
             "\"%s\",\"body\":\"Regeringen har i dag beslutat att ge "
             "myndigheten i uppdrag att redovisa åtgärd %zu senast den %zu "
             "juni. Uppdraget ska genomföras i samråd med länsstyrelserna. "
             "Kontakt: pressekreterare, telefon 08-405 %04zu.\"}",
             i, orgs[i % 3], i * 7, 1 + i % 28, i);
}

/* Size of an index's stored-data table on disk. */
static long long docdata_bytes(const char *name)
{
    char path[300];
    struct stat st;
    snprintf(path, sizeof path, "%s/docdata.glass", db_path(name));
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Trains a dictionary on the first n releases; *len its size. */
static char *trained_dict(size_t n, size_t first, size_t *len)
{
    struct prs_err err = {0};
    char **samples = calloc(n, sizeof *samples);
    size_t *lens = calloc(n, sizeof *lens);
    for (size_t i = 0; i < n; i++) {
        samples[i] = malloc(512);
        release_text(first + i, samples[i], 512);
        lens[i] = strlen(samples[i]);
    }
    char *dict = NULL;
    check(prs_data_dict_train((const char *const *)samples, lens, n, 16384,
                              &dict, len, &err),
          &err);
    for (size_t i = 0; i < n; i++)
        free(samples[i]);
    free(samples);
    free(lens);
    return dict;
}

/* Writes releases [first, first + n) as uid "r<i>". */
static void put_releases(struct prs_db *w, size_t first, size_t n)
{
    char uid[32], text[512];
    for (size_t i = first; i < first + n; i++) {
        snprintf(uid, sizeof uid, "r%zu", i);
        release_text(i, text, sizeof text);
        put_simple(w, uid, text);
    }
}

static void assert_release(struct prs_db *r, size_t i)
{
    char uid[32], want[512];
    snprintf(uid, sizeof uid, "r%zu", i);
    release_text(i, want, sizeof want);
    char *got = get_data(r, uid);
    assert_string_equal(got, want);
    free(got);
}

/* With a dictionary the data is stored smaller and reads back the same,
 * through prs_db_get_data() and through search hits; a later writer
 * compresses with the dictionary the index keeps. */
static void stored_data_compressed_with_a_dictionary(void **state)
{
    (void)state;
    struct prs_err err = {0};
    size_t dict_len = 0;
    char *dict = trained_dict(NRELEASES, 0, &dict_len);
    assert_non_null(dict);
    assert_true(dict_len > 0 && dict_len <= 16384);

    struct prs_db *plain = open_ok("data-plain", PRS_DB_WRITE);
    struct prs_db *zipped = open_ok("data-zipped", PRS_DB_WRITE);
    check(prs_db_set_data_dict(zipped, dict, dict_len, &err), &err);
    put_releases(plain, 0, NRELEASES);
    put_releases(zipped, 0, NRELEASES);
    check(prs_db_commit(plain, &err), &err);
    check(prs_db_commit(zipped, &err), &err);
    prs_db_close(plain);
    prs_db_close(zipped);
    free(dict);
    /* Xapian's own zlib compresses each release alone; the dictionary
     * holds what releases share. */
    long long p = docdata_bytes("data-plain"), z = docdata_bytes("data-zipped");
    assert_true(p > 0 && z > 0);
    assert_true(z * 2 < p);

    struct prs_db *r = open_ok("data-zipped", PRS_DB_READ);
    for (size_t i = 0; i < NRELEASES; i += 97)
        assert_release(r, i);
    struct prs_hits *h = NULL;
    struct prs_search_opts o = all_opts;
    o.limit = NRELEASES;
    struct prs_query *q = term("word");
    check(prs_db_search(r, q, &o, &h, &err), &err);
    prs_query_free(q);
    assert_int_equal(prs_hits_count(h), NRELEASES);
    for (size_t i = 0; i < prs_hits_count(h); i++) {
        size_t len = 0;
        const char *data = prs_hits_data(h, i, &len);
        assert_int_equal(len, strlen(data));
        assert_non_null(strstr(data, "Regeringen har i dag beslutat"));
    }
    prs_hits_free(h);

    /* An update: a new writer finds the dictionary in the index. */
    long long before = docdata_bytes("data-zipped");
    struct prs_db *w = open_ok("data-zipped", PRS_DB_WRITE);
    put_releases(w, NRELEASES, NRELEASES);
    check(prs_db_commit(w, &err), &err);
    prs_db_close(w);
    long long grown = docdata_bytes("data-zipped") - before;
    assert_true(grown * 2 < p);
    check(prs_db_reopen(r, &err) < 0 ? -1 : 0, &err);
    assert_release(r, NRELEASES + 5);
    assert_release(r, 2 * NRELEASES - 1);
    prs_db_close(r);
}

/* Data that looks like a compressed frame is kept as it was given, with
 * or without a dictionary; bad dictionaries and too little to train on
 * are told apart; indexes with different dictionaries do not merge. */
static void stored_data_edge_cases(void **state)
{
    (void)state;
    struct prs_err err = {0};
    static const char frame_like[] = "\x28\xb5\x2f\xfd not really zstd";
    struct prs_db *w = open_ok("data-edge", PRS_DB_WRITE);
    put_simple(w, "x", frame_like);
    assert_int_equal(prs_db_set_data_dict(w, "not a dictionary", 16, &err),
                     PRS_E_BADARG);
    size_t dict_len = 0;
    char *dict = trained_dict(NRELEASES, 0, &dict_len);
    check(prs_db_set_data_dict(w, dict, dict_len, &err), &err);
    put_simple(w, "y", frame_like);
    check(prs_db_commit(w, &err), &err);
    char *got = get_data(w, "x");
    assert_string_equal(got, frame_like);
    free(got);
    got = get_data(w, "y");
    assert_string_equal(got, frame_like);
    free(got);
    prs_db_close(w);

    /* Three short samples: nothing to learn, and no error. */
    const char *few[] = {"a", "bb", "ccc"};
    size_t few_lens[] = {1, 2, 3};
    char *none = (char *)1;
    size_t none_len = 7;
    check(prs_data_dict_train(few, few_lens, 3, 16384, &none, &none_len, &err),
          &err);
    assert_null(none);
    assert_int_equal(none_len, 0);

    /* Another dictionary (trained on other releases) in another index. */
    size_t other_len = 0;
    char *other = trained_dict(NRELEASES, 5000, &other_len);
    assert_true(other_len != dict_len || memcmp(other, dict, dict_len) != 0);
    w = open_ok("data-other", PRS_DB_WRITE);
    check(prs_db_set_data_dict(w, other, other_len, &err), &err);
    put_releases(w, 0, 10);
    prs_db_close(w);
    char dest[256];
    snprintf(dest, sizeof dest, "%s", db_path("data-merged"));
    char src1[256], src2[256];
    snprintf(src1, sizeof src1, "%s", db_path("data-edge"));
    snprintf(src2, sizeof src2, "%s", db_path("data-other"));
    const char *srcs[] = {src1, src2};
    assert_int_equal(prs_db_merge(srcs, 2, dest, &err), PRS_E_BADARG);
    assert_non_null(strstr(err.msg, "dictionary"));
    free(dict);
    free(other);
}

/* A serialised document (bench/write_floor) writes as the original does:
 * same positions, values and data. Bytes that are no document are an
 * error, not a crash. */
static void serialised_document_writes_the_same(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct spec s = {"ser1", "quick brown fox", "202001010000", "Org S", NULL};
    struct prs_xdoc *d = build(&s);
    size_t len = 0;
    char *bytes = prs_xdoc_serialise(d, &len, &err);
    prs_xdoc_free(d);
    assert_non_null(bytes);
    assert_true(len > 0);
    struct prs_xdoc *back = prs_xdoc_unserialise(bytes, len, &err);
    assert_non_null(back);
    struct prs_db *w = open_ok("serialised", PRS_DB_WRITE);
    check(prs_db_replace(w, s.uid, back, &err), &err);
    check(prs_db_commit(w, &err), &err);
    prs_xdoc_free(back);
    const char *phrase[] = {"brown", "fox"};
    struct prs_query *q = prs_query_phrase(phrase, 2, 0, &err);
    struct prs_hits *h = NULL;
    struct prs_search_opts o = all_opts;
    o.value_slots = 1u << PRS_SLOT_ORG;
    check(prs_db_search(w, q, &o, &h, &err), &err);
    assert_int_equal(prs_hits_count(h), 1);
    assert_string_equal(prs_hits_data(h, 0, NULL), "ser1");
    assert_string_equal(prs_hits_value(h, 0, PRS_SLOT_ORG, NULL), "Org S");
    prs_hits_free(h);
    prs_query_free(q);
    prs_db_close(w);
    assert_null(prs_xdoc_unserialise(bytes, len / 2, &err));
    assert_true(err.code < 0);
    free(bytes);
}

static void hits_outlive_the_database(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db *w = open_ok("outlive", PRS_DB_WRITE);
    struct spec s = {"x1", "alpha beta", "202001010000", "Org X", NULL};
    put(w, &s);
    check(prs_db_commit(w, &err), &err);
    struct prs_db *r = open_ok("outlive", PRS_DB_READ);
    struct prs_query *q = term("alpha");
    struct prs_hits *h = NULL;
    struct prs_search_opts o = all_opts;
    o.value_slots = 1u << PRS_SLOT_ORG;
    check(prs_db_search(r, q, &o, &h, &err), &err);
    prs_query_free(q);
    /* Change and close everything; the hits are copies. */
    assert_int_equal(prs_db_delete(w, "x1", &err), 1);
    check(prs_db_commit(w, &err), &err);
    prs_db_close(r);
    prs_db_close(w);
    assert_int_equal(prs_hits_count(h), 1);
    assert_string_equal(prs_hits_data(h, 0, NULL), "x1");
    assert_string_equal(prs_hits_value(h, 0, PRS_SLOT_ORG, NULL), "Org X");
    prs_hits_free(h);
}

static void describe_names_the_terms(void **state)
{
    (void)state;
    struct prs_query *q = combine(PRS_QOP_AND, term("fox"),
                                  words(true, 0, "quick", "brown", NULL),
                                  NULL);
    char *s = prs_query_describe(q);
    assert_non_null(s);
    assert_non_null(strstr(s, "fox"));
    assert_non_null(strstr(s, "PHRASE"));
    free(s);
    prs_query_free(q);
}

static void stats_count_and_average(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_db_stats st;
    check(prs_db_stats(qdb, &st, &err), &err);
    assert_int_equal(st.doccount, 5);
    assert_int_equal(st.last_docid, 5);
    /* Lengths 4, 3, 2, 4, 2 (boolean terms have wdf 0). */
    assert_float_equal(st.avg_length, 3.0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest basics[] = {
        cmocka_unit_test(open_missing_read_is_notfound),
        cmocka_unit_test(second_writer_is_locked),
        cmocka_unit_test(errors_without_err_do_not_crash),
        cmocka_unit_test(reader_refuses_writes),
        cmocka_unit_test(replace_same_uid_keeps_one_document),
        cmocka_unit_test(xdoc_can_be_reused_for_another_uid),
        cmocka_unit_test(long_uid_is_hashed_and_retrievable),
        cmocka_unit_test(id_term_rules),
        cmocka_unit_test(delete_present_and_absent),
        cmocka_unit_test(delete_by_term_counts),
        cmocka_unit_test(commit_is_seen_by_a_new_reader),
        cmocka_unit_test(close_commits_pending_changes),
        cmocka_unit_test(reader_reopen_sees_new_commit),
        cmocka_unit_test(search_survives_concurrent_commits),
        cmocka_unit_test(transactions_cancel_and_commit),
        cmocka_unit_test(metadata_get_set_each),
        cmocka_unit_test(overlong_and_empty_terms_are_skipped),
        cmocka_unit_test(hits_outlive_the_database),
        cmocka_unit_test(serialised_document_writes_the_same),
        cmocka_unit_test(stored_data_compressed_with_a_dictionary),
        cmocka_unit_test(stored_data_edge_cases),
    };
    const struct CMUnitTest queries[] = {
        cmocka_unit_test(terms_each_with_prefix_and_freq),
        cmocka_unit_test(terms_walk_skips_the_terms_fn_asks_it_to),
        cmocka_unit_test(reader_words_follow_commits),
        cmocka_unit_test(value_counts_follow_commits),
        cmocka_unit_test(hits_count_their_values_when_they_hold_every_match),
        cmocka_unit_test(term_and_boolean_queries),
        cmocka_unit_test(phrase_needs_adjacent_terms_in_order),
        cmocka_unit_test(near_ignores_order),
        cmocka_unit_test(rescore_reorders_the_best_matches),
        cmocka_unit_test(prefix_expands_to_most_frequent),
        cmocka_unit_test(completions_match_and_weigh_as_the_wildcard),
        cmocka_unit_test(boolean_operators),
        cmocka_unit_test(weights_of_and_maybe_filter_and_scale),
        cmocka_unit_test(value_ranges),
        cmocka_unit_test(relevance_and_date_order),
        cmocka_unit_test(offset_limit_and_total),
        cmocka_unit_test(filter_option_restricts_without_weight),
        cmocka_unit_test(hits_carry_stored_values),
        cmocka_unit_test(describe_names_the_terms),
        cmocka_unit_test(stats_count_and_average),
    };
    if (group_setup(NULL) < 0) {
        perror("mkdtemp");
        return 1;
    }
    int failed = cmocka_run_group_tests_name("engine", basics, NULL, NULL);
    failed += cmocka_run_group_tests_name("engine queries", queries,
                                          query_setup, query_teardown);
    group_teardown(NULL);
    return failed ? 1 : 0;
}
