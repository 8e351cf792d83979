/*
 * fuzz_qparse.c: fuzz target for the query parser (query/qparse.h).
 *
 * Every input must either parse into a tree that keeps the documented
 * invariants (checked below, abort() on a violation) or fail with
 * PRS_E_PARSE and a message. Built two ways:
 *
 *   fuzz_qparse         libFuzzer (-DPRS_FUZZ=ON, clang):
 *                       ./fuzz_qparse -max_len=5000 corpus/
 *   fuzz_qparse_replay  plain program: replays the files named on the
 *                       command line, or with none a built-in set of nasty
 *                       inputs plus deterministic random mixes of query
 *                       fragments (ctest fuzz.qparse_replay).
 */
#include "qparse.h"

#include "err.h"
#include "strutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz_qparse: %s:%d: invariant failed: %s\n",    \
                    __FILE__, __LINE__, #cond);                              \
            abort();                                                         \
        }                                                                    \
    } while (0)

static bool is_leaf(int kind)
{
    return kind == PRS_QN_WORD || kind == PRS_QN_PREFIX ||
           kind == PRS_QN_PHRASE;
}

static size_t check_node(const struct prs_qnode *n, const uint8_t *q,
                         size_t len, int depth)
{
    size_t words = 0;
    CHECK(n != NULL);
    CHECK(depth < 4 * PRS_QPARSE_MAX_DEPTH + 8);
    CHECK(n->start <= n->end && n->end <= len);
    CHECK(n->field >= PRS_QF_ANY && n->field <= PRS_QF_CONTACT);
    if (is_leaf(n->kind)) {
        CHECK(n->children == NULL && n->nchildren == 0);
        CHECK(n->words != NULL && n->nwords >= 1);
        if (n->kind != PRS_QN_PHRASE)
            CHECK(n->nwords == 1);
        for (size_t i = 0; i < n->nwords; i++) {
            const struct prs_qword *w = &n->words[i];
            CHECK(w->len > 0);
            CHECK(w->offset >= n->start && w->offset + w->len <= n->end);
            CHECK(memcmp(w->text, q + w->offset, w->len) == 0);
            CHECK(w->text[w->len] == '\0');
            for (size_t k = 0; k < w->len; k++)
                CHECK((unsigned char)w->text[k] > ' ');
            if (i > 0)
                CHECK(w->offset > n->words[i - 1].offset);
        }
        if (n->kind == PRS_QN_WORD)
            CHECK(n->words[0].offset == n->start &&
                  n->words[0].len == n->end - n->start);
        if (n->kind == PRS_QN_PREFIX)
            CHECK(q[n->words[0].offset + n->words[0].len] == '*');
        return n->nwords;
    }
    CHECK(n->kind == PRS_QN_AND || n->kind == PRS_QN_OR ||
          n->kind == PRS_QN_AND_NOT);
    CHECK(n->field == PRS_QF_ANY);
    CHECK(n->words == NULL && n->nwords == 0);
    CHECK(n->nchildren >= 2);
    for (size_t i = 0; i < n->nchildren; i++) {
        const struct prs_qnode *c = n->children[i];
        CHECK(c != NULL);
        /* Canonical form: no AND in AND, no OR in OR, exclusions hoisted. */
        if (n->kind == PRS_QN_AND)
            CHECK(c->kind != PRS_QN_AND && c->kind != PRS_QN_AND_NOT);
        if (n->kind == PRS_QN_OR)
            CHECK(c->kind != PRS_QN_OR);
        if (n->kind == PRS_QN_AND_NOT && i == 0)
            CHECK(c->kind != PRS_QN_AND_NOT);
        if (n->kind == PRS_QN_AND_NOT && i > 0)
            CHECK(c->kind != PRS_QN_OR);
        CHECK(c->start >= n->start && c->end <= n->end);
        words += check_node(c, q, len, depth + 1);
    }
    return words;
}

static void one_input(const uint8_t *data, size_t size)
{
    struct prs_qnode *root = (struct prs_qnode *)1;
    struct prs_qparse_info info;
    struct prs_err err = {0};
    int rc = prs_qparse((const char *)data, size, &root, &info, &err);

    CHECK(info.nwarnings == 0 || info.warnings[0].msg[0] != '\0');
    for (size_t i = 0; i < info.nwarnings && i < PRS_QPARSE_MAX_WARNINGS; i++)
        CHECK(info.warnings[i].offset <= size);
    if (rc < 0) {
        CHECK(rc == PRS_E_PARSE || rc == PRS_E_NOMEM);
        CHECK(root == NULL);
        CHECK(err.code == rc && err.msg[0] != '\0');
        CHECK(info.err_offset <= size);
        return;
    }
    CHECK(rc == 0 && root != NULL);
    CHECK(size <= PRS_QPARSE_MAX_LEN);
    CHECK(prs_utf8_valid((const char *)data, size));
    size_t words = check_node(root, data, size, 0);
    CHECK(words >= 1 && words <= PRS_QPARSE_MAX_WORDS);

    char *s = prs_qnode_to_string(root);
    CHECK(s != NULL && s[0] == '(');
    /* Parsing is deterministic. */
    struct prs_qnode *again = NULL;
    CHECK(prs_qparse((const char *)data, size, &again, NULL, NULL) == 0);
    char *s2 = prs_qnode_to_string(again);
    CHECK(s2 != NULL && strcmp(s, s2) == 0);
    free(s2);
    prs_qnode_free(again);
    free(s);
    prs_qnode_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_input(data, size);
    return 0;
}

#ifndef PRS_LIBFUZZER

static void run_str(const char *s) { one_input((const uint8_t *)s, strlen(s)); }

static void run_repeat(const char *unit, size_t times, const char *tail)
{
    struct prs_buf b = {0};
    for (size_t i = 0; i < times; i++)
        CHECK(prs_buf_puts(&b, unit) == 0);
    CHECK(prs_buf_puts(&b, tail) == 0);
    one_input((const uint8_t *)b.data, b.len);
    prs_buf_free(&b);
}

static const char *const nasty[] = {
    "", " ", "\t\n", "\xc2\xa0", "a", "*", "**", "a*", "ab*", "-", "--", "+",
    "-a", "--a", "- a", "a -", "a - b", "+a", "+", "NOT", "NOT a", "a NOT",
    "a NOT b", "NOT NOT a", "OR", "AND", "a OR", "OR a", "a OR OR b",
    "a AND", "AND a", "a AND OR b", "a OR -b", "a OR NOT b", "-a OR b",
    "(", ")", "()", "(()", "())", ")(", "(a", "a)", "((a)", "(a))",
    "(-a)", "a (-b)", "-(-a)", "a -(-b c)", "a (b -c) -d", "(a -b) OR c",
    "\"", "\"\"", "\" \"", "\"a", "a\"", "\"a b\"", "\xe2\x80\x9d" "a b",
    "\xc2\xab" "a\xc2\xbb", "\xe2\x80\x9e" "a\xe2\x80\x9c", "title:",
    "title: a", "title:a", "title:\"a b\"", "title:(a OR b)", "title:(",
    "title:)", "title:-a", "title:title:a", "title:(a body:b)",
    "Title:a", "TITEL:a", "org:a", "organisation:a", "text:a",
    "kontakt:a", "contact:a", "foo:bar", "IVO:s", "JO:s", "EU:s", "12:30",
    ":", "::", "a:", ":a", "title::a", "EU-kommissionen", "skydds-masker",
    "EST-effektiv", "-EU-kommissionen", "a*b", "*a", "-*", "a-*", "EU-*",
    "\xc3\xa5*", "\xc3\xa5\xc3\xa4*", "skyddsmasker civila f\xc3\xb6rsvaret",
    "tillsyn tivoli", "IVO:s handl\xc3\xa4ggningstider",
    "\"\xc3\xa5lderism och oj\xc3\xa4mst\xc3\xa4lldhet\"",
    "\xff", "\xc3", "\xc3(", "\xe2\x80", "\xed\xa0\x80", "\xc0\xaf",
    "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "a\xe2\x80\x8b" "b",
    "\xef\xbb\xbf" "a", "\x01\x02\x7f", "a\x1f" "b", "f(x)", "a\"b c\"d",
    "-OR", "title:OR", "+-a", "-+a", "NOT -a", "- - -", "((((", "))))",
};

/* Deterministic random mixes of fragments that matter to the grammar. */
static void run_random(unsigned count)
{
    static const char *const frag[] = {
        "a", "bb", "\xc3\xb6", "ord", " ", " ", " ", "(", ")", "\"",
        "\xe2\x80\x9d", "\xc2\xab", "\xc2\xbb", "-", "+", "*", "OR", "AND",
        "NOT", "title:", "org:", "IVO:s", ":", "\xe2\x80\x83", "\t",
        "EU-", "12", "\xff", "\xc3", "x*",
    };
    const size_t nfrag = sizeof frag / sizeof frag[0];
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    char buf[512];
    for (unsigned i = 0; i < count; i++) {
        size_t len = 0;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned nparts = (unsigned)(state >> 59) + 1;
        for (unsigned k = 0; k < nparts; k++) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *f = frag[(state >> 33) % nfrag];
            size_t fl = strlen(f);
            if (len + fl >= sizeof buf)
                break;
            memcpy(buf + len, f, fl);
            len += fl;
        }
        one_input((const uint8_t *)buf, len);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            struct prs_err err = {0};
            size_t len = 0;
            char *data = prs_read_file(argv[i], 1 << 20, &len, &err);
            if (!data) {
                fprintf(stderr, "fuzz_qparse_replay: %s\n", err.msg);
                return 1;
            }
            one_input((const uint8_t *)data, len);
            free(data);
        }
        printf("fuzz_qparse_replay: %d file(s) ok\n", argc - 1);
        return 0;
    }
    size_t n = sizeof nasty / sizeof nasty[0];
    for (size_t i = 0; i < n; i++)
        run_str(nasty[i]);
    one_input((const uint8_t *)"a\0b", 3);
    run_repeat("(", PRS_QPARSE_MAX_DEPTH, "a");
    run_repeat("(", PRS_QPARSE_MAX_DEPTH + 1, "a");
    run_repeat("(", 2000, "a");
    run_repeat(")", 2000, "a");
    run_repeat("-", 3000, "a");
    run_repeat("NOT ", 1000, "a");
    run_repeat("title:", 600, "a");
    run_repeat("a ", PRS_QPARSE_MAX_WORDS, "");
    run_repeat("a ", PRS_QPARSE_MAX_WORDS + 1, "");
    run_repeat("a OR ", 800, "b");
    run_repeat("a -", 1000, "b");
    run_repeat("\xc3\xa5", PRS_QPARSE_MAX_LEN / 2, "");
    run_repeat("x", PRS_QPARSE_MAX_LEN + 1, "");
    run_repeat("\"a ", 1000, "");
    run_random(50000);
    printf("fuzz_qparse_replay: %zu built-in inputs, 50000 random mixes ok\n",
           n + 15);
    return 0;
}

#endif
