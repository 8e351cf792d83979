/*
 * test_qparse.c: the query language (query/qparse.h), table-driven.
 *
 * A case is a query and either the canonical tree it must parse into or a
 * substring of the error it must fail with; plus, optionally, a substring
 * of a warning it must give (cases without one must give no warning).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qparse.h"
#include "strutil.h"

struct qcase {
    const char *q;
    const char *want; /* canonical tree, or NULL when an error is wanted */
    const char *err;  /* substring of the error message (want == NULL) */
    const char *warn; /* substring of some warning; NULL: no warnings */
};

/* Runs one query of explicit length; returns 1 on a mismatch (printed). */
static int run_case_len(const struct qcase *c, size_t len)
{
    struct prs_qnode *root = NULL;
    struct prs_qparse_info info;
    struct prs_err err = {0};
    int bad = 0;
    int rc = prs_qparse(c->q, len, &root, &info, &err);
    char *got = rc == 0 ? prs_qnode_to_string(root) : NULL;

    if (c->want) {
        if (rc != 0) {
            print_error("query '%s': want %s\n  got error %d: %s\n", c->q,
                        c->want, rc, err.msg);
            bad = 1;
        } else if (!got || strcmp(got, c->want) != 0) {
            print_error("query '%s':\n  want %s\n  got  %s\n", c->q, c->want,
                        got ? got : "(null)");
            bad = 1;
        }
    } else {
        if (rc != PRS_E_PARSE || root != NULL) {
            print_error("query '%s': want error '%s'\n  got rc %d, %s\n", c->q,
                        c->err, rc, got ? got : "(no tree)");
            bad = 1;
        } else if (!strstr(err.msg, c->err) || err.code != PRS_E_PARSE) {
            print_error("query '%s': want error '%s'\n  got error '%s'\n",
                        c->q, c->err, err.msg);
            bad = 1;
        }
    }
    if (c->warn) {
        int found = 0;
        for (size_t i = 0; i < info.nwarnings && i < PRS_QPARSE_MAX_WARNINGS;
             i++)
            if (strstr(info.warnings[i].msg, c->warn))
                found = 1;
        if (!found) {
            print_error("query '%s': want warning '%s', got %zu "
                        "warning(s)%s%s\n",
                        c->q, c->warn, info.nwarnings,
                        info.nwarnings ? ", first: " : "",
                        info.nwarnings ? info.warnings[0].msg : "");
            bad = 1;
        }
    } else if (info.nwarnings != 0) {
        print_error("query '%s': want no warnings, got '%s'\n", c->q,
                    info.warnings[0].msg);
        bad = 1;
    }
    free(got);
    prs_qnode_free(root);
    return bad;
}

static void run_cases(const struct qcase *cases, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++)
        failures += run_case_len(&cases[i], strlen(cases[i].q));
    assert_int_equal(failures, 0);
}

/* Table rows: the tree wanted, the error wanted, each with a warning. */
#define OK(q, want) {q, want, NULL, NULL}
#define ERR(q, err) {q, NULL, err, NULL}
#define WARN(q, want, warn) {q, want, NULL, warn}
#define ERRW(q, err, warn) {q, NULL, err, warn}

#define RUN(table) run_cases(table, sizeof table / sizeof table[0])

/* A string of unit repeated times, then tail; free() it. */
static char *repeat(const char *unit, size_t times, const char *tail)
{
    struct prs_buf b = {0};
    for (size_t i = 0; i < times; i++)
        assert_int_equal(prs_buf_puts(&b, unit), 0);
    assert_int_equal(prs_buf_puts(&b, tail), 0);
    return prs_buf_steal(&b);
}

static void example_queries(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("skyddsmasker civila försvaret",
           "(AND (WORD \"skyddsmasker\") (WORD \"civila\") "
           "(WORD \"försvaret\"))"),
        OK("tillsyn tivoli", "(AND (WORD \"tillsyn\") (WORD \"tivoli\"))"),
        OK("IVO:s handläggningstider",
           "(AND (WORD \"IVO:s\") (WORD \"handläggningstider\"))"),
        OK("\"ålderism och ojämställdhet\"",
           "(PHRASE \"ålderism\" \"och\" \"ojämställdhet\")"),
    };
    RUN(cases);
}

static void words_and_white_space(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("skyddsmasker", "(WORD \"skyddsmasker\")"),
        OK("  a \t b\n", "(AND (WORD \"a\") (WORD \"b\"))"),
        /* No-break, em and ideographic spaces separate words too. */
        OK("a\xc2\xa0" "b\xe2\x80\x83" "c\xe3\x80\x80" "d",
           "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\") (WORD \"d\"))"),
        OK("\xef\xbb\xbf" "a", "(WORD \"a\")"),
        OK("Malmö Åre Östersund",
           "(AND (WORD \"Malmö\") (WORD \"Åre\") (WORD \"Östersund\"))"),
        /* Hyphens and colons inside a word stay in its text. */
        OK("EU-kommissionen", "(WORD \"EU-kommissionen\")"),
        OK("EST-effektiv skydds-masker",
           "(AND (WORD \"EST-effektiv\") (WORD \"skydds-masker\"))"),
        OK("C++ e-post", "(AND (WORD \"C++\") (WORD \"e-post\"))"),
        OK("tivoli,", "(WORD \"tivoli,\")"),
        /* Lower- and mixed-case operators are words. */
        OK("a or b", "(AND (WORD \"a\") (WORD \"or\") (WORD \"b\"))"),
        OK("a Or b and c not d",
           "(AND (WORD \"a\") (WORD \"Or\") (WORD \"b\") (WORD \"and\") "
           "(WORD \"c\") (WORD \"not\") (WORD \"d\"))"),
        OK("ORDER ANDERS NOTA",
           "(AND (WORD \"ORDER\") (WORD \"ANDERS\") (WORD \"NOTA\"))"),
        /* Parentheses and quotes delimit words. */
        OK("f(x)", "(AND (WORD \"f\") (WORD \"x\"))"),
        OK("a\\b", "(WORD \"a\\\\b\")"),
    };
    RUN(cases);
}

static void precedence(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        /* OR binds tighter than AND, written or not (as in Google). */
        OK("a b OR c", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))"),
        OK("a OR b c", "(AND (OR (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        OK("a AND b OR c", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))"),
        OK("a OR b AND c", "(AND (OR (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        OK("a OR b OR c", "(OR (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        OK("a AND b", "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("(a OR b) (c OR d)",
           "(AND (OR (WORD \"a\") (WORD \"b\")) (OR (WORD \"c\") "
           "(WORD \"d\")))"),
        OK("(a b) OR c", "(OR (AND (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        /* Nested ANDs and ORs flatten. */
        OK("a OR (b OR c)", "(OR (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        OK("a (b c)", "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        OK("skyddsmasker civila OR militära",
           "(AND (WORD \"skyddsmasker\") (OR (WORD \"civila\") "
           "(WORD \"militära\")))"),
    };
    RUN(cases);
}

static void negation(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("a -b", "(AND_NOT (WORD \"a\") (WORD \"b\"))"),
        OK("a NOT b", "(AND_NOT (WORD \"a\") (WORD \"b\"))"),
        OK("-b a", "(AND_NOT (WORD \"a\") (WORD \"b\"))"),
        OK("NOT b a", "(AND_NOT (WORD \"a\") (WORD \"b\"))"),
        OK("a b -c NOT d",
           "(AND_NOT (AND (WORD \"a\") (WORD \"b\")) (WORD \"c\") "
           "(WORD \"d\"))"),
        OK("a -(b OR c)", "(AND_NOT (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        OK("a -(b c)",
           "(AND_NOT (WORD \"a\") (AND (WORD \"b\") (WORD \"c\")))"),
        OK("a -\"b c\"", "(AND_NOT (WORD \"a\") (PHRASE \"b\" \"c\"))"),
        OK("a -title:b", "(AND_NOT (WORD \"a\") (FIELD title (WORD \"b\")))"),
        OK("a -skydds*", "(AND_NOT (WORD \"a\") (PREFIX \"skydds\"))"),
        /* Exclusions in a group are hoisted: a (b -c) is (a b) -c. */
        OK("a (b -c)",
           "(AND_NOT (AND (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        OK("(a -b) -c", "(AND_NOT (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        OK("(a -b) OR c",
           "(OR (AND_NOT (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        OK("a -(b -c)",
           "(AND_NOT (WORD \"a\") (AND_NOT (WORD \"b\") (WORD \"c\")))"),
        /* Double negation cancels. */
        OK("a --b", "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("NOT -a", "(WORD \"a\")"),
        /* A hyphen inside a word is not a NOT; a lone one is punctuation. */
        OK("skydds-masker -EU-kommissionen",
           "(AND_NOT (WORD \"skydds-masker\") (WORD \"EU-kommissionen\"))"),
        OK("Stockholm - Göteborg",
           "(AND (WORD \"Stockholm\") (WORD \"Göteborg\"))"),
        OK("a -", "(WORD \"a\")"),
        OK("Stockholm – Göteborg",
           "(AND (WORD \"Stockholm\") (WORD \"–\") (WORD \"Göteborg\"))"),
        /* Right after '-' an operator word is a word. */
        OK("a -OR", "(AND_NOT (WORD \"a\") (WORD \"OR\"))"),
        /* '+' is accepted and ignored. */
        OK("+a b", "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a + b", "(AND (WORD \"a\") (WORD \"b\"))"),
        /* Only exclusions: nothing to search for. */
        ERR("-foo",
            "nothing to search for: the query only excludes ('-' at column 1)"),
        ERR("NOT foo", "only excludes (NOT at column 1)"),
        ERR("-a -b", "only excludes"),
        ERR("-\"a b\" -title:c", "only excludes"),
        ERR("a (-b)", "in the parentheses at column 3: they only exclude"),
        ERR("-(-a)", "parentheses at column 2"),
        /* An exclusion cannot be an alternative. */
        ERR("a OR -b",
            "'-' at column 6: an exclusion cannot be an alternative of OR"),
        ERR("a OR NOT b", "'NOT' at column 6: an exclusion cannot"),
        ERR("-a OR b", "'-' at column 1: an exclusion cannot"),
    };
    RUN(cases);
}

static void phrases(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("\"a b\"", "(PHRASE \"a\" \"b\")"),
        OK("\"single\"", "(PHRASE \"single\")"),
        OK("\"  a   b \"", "(PHRASE \"a\" \"b\")"),
        /* Typographic quotes; any quote closes any phrase. */
        OK("”civila försvaret”", "(PHRASE \"civila\" \"försvaret\")"),
        OK("“civila försvaret”", "(PHRASE \"civila\" \"försvaret\")"),
        OK("„civila försvaret“", "(PHRASE \"civila\" \"försvaret\")"),
        OK("«civila försvaret»", "(PHRASE \"civila\" \"försvaret\")"),
        OK("»civila försvaret»", "(PHRASE \"civila\" \"försvaret\")"),
        OK("\"civila försvaret”", "(PHRASE \"civila\" \"försvaret\")"),
        /* Inside a phrase, operators and brackets are text. */
        OK("\"a OR -b* (c)\"", "(PHRASE \"a\" \"OR\" \"-b*\" \"(c)\")"),
        OK("\"IVO:s beslut\"", "(PHRASE \"IVO:s\" \"beslut\")"),
        OK("skydd \"civila försvaret\" OR totalförsvaret",
           "(AND (WORD \"skydd\") (OR (PHRASE \"civila\" \"försvaret\") "
           "(WORD \"totalförsvaret\")))"),
        OK("foo\"bar baz\"", "(AND (WORD \"foo\") (PHRASE \"bar\" \"baz\"))"),
        /* Tolerated: unterminated, empty. */
        WARN("\"a b", "(PHRASE \"a\" \"b\")", "unterminated quote at column 1"),
        WARN("x ”a b",
             "(AND (WORD \"x\") (PHRASE \"a\" \"b\"))",
             "unterminated quote at column 3: the phrase runs to the end"),
        WARN("a \"\"", "(WORD \"a\")", "empty phrase at column 3 ignored"),
        ERRW("\"\"", "nothing to search for", "empty phrase"),
        ERRW("\"", "nothing to search for", "unterminated quote"),
    };
    RUN(cases);
}

static void fields(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("title:skyddsmasker", "(FIELD title (WORD \"skyddsmasker\"))"),
        OK("title:\"a b\"", "(FIELD title (PHRASE \"a\" \"b\"))"),
        OK("title:”a b”", "(FIELD title (PHRASE \"a\" \"b\"))"),
        OK("title:(a OR b)",
           "(OR (FIELD title (WORD \"a\")) (FIELD title (WORD \"b\")))"),
        OK("title:skydds*", "(FIELD title (PREFIX \"skydds\"))"),
        OK("x title:a", "(AND (WORD \"x\") (FIELD title (WORD \"a\")))"),
        /* Aliases and letter case. */
        OK("titel:a", "(FIELD title (WORD \"a\"))"),
        OK("Title:a", "(FIELD title (WORD \"a\"))"),
        OK("TITEL:a", "(FIELD title (WORD \"a\"))"),
        OK("org:ivo", "(FIELD org (WORD \"ivo\"))"),
        OK("organisation:ivo", "(FIELD org (WORD \"ivo\"))"),
        OK("body:a", "(FIELD body (WORD \"a\"))"),
        OK("text:a", "(FIELD body (WORD \"a\"))"),
        OK("contact:a", "(FIELD contact (WORD \"a\"))"),
        OK("kontakt:Åsa", "(FIELD contact (WORD \"Åsa\"))"),
        /* An inner field wins. */
        OK("title:(a body:b)",
           "(AND (FIELD title (WORD \"a\")) (FIELD body (WORD \"b\")))"),
        OK("title:body:a", "(FIELD body (WORD \"a\"))"),
        OK("title:-a b", "(AND_NOT (WORD \"b\") (FIELD title (WORD \"a\")))"),
        OK("title:(a -b) c",
           "(AND_NOT (AND (FIELD title (WORD \"a\")) (WORD \"c\")) "
           "(FIELD title (WORD \"b\")))"),
        OK("title:OR", "(FIELD title (WORD \"OR\"))"),
        /* Not fields: the colon stays in the word for the analyzer. */
        OK("IVO:s", "(WORD \"IVO:s\")"),
        OK("JO:s beslut", "(AND (WORD \"JO:s\") (WORD \"beslut\"))"),
        OK("EU:s", "(WORD \"EU:s\")"),
        OK("12:30", "(WORD \"12:30\")"),
        OK("foo:bar", "(WORD \"foo:bar\")"),
        OK("titles:a", "(WORD \"titles:a\")"),
        OK("avsändare:ivo", "(WORD \"avsändare:ivo\")"),
        OK("title: a", "(AND (WORD \"title:\") (WORD \"a\"))"),
        OK("title:", "(WORD \"title:\")"),
        OK("(title:)", "(WORD \"title:\")"),
        OK("title:- a", "(AND (WORD \"title:-\") (WORD \"a\"))"),
        OK("title:+a", "(FIELD title (WORD \"a\"))"),
    };
    RUN(cases);
}

static void prefixes(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("skydds*", "(PREFIX \"skydds\")"),
        OK("sk*", "(PREFIX \"sk\")"),
        OK("åä*", "(PREFIX \"åä\")"),
        OK("skydds**", "(PREFIX \"skydds\")"),
        OK("EU-*", "(PREFIX \"EU-\")"),
        OK("skyddsmask* civil*",
           "(AND (PREFIX \"skyddsmask\") (PREFIX \"civil\"))"),
        /* A '*' elsewhere is word text; alone it is nothing. */
        OK("*skydd", "(WORD \"*skydd\")"),
        OK("sky*dd", "(WORD \"sky*dd\")"),
        OK("a *", "(WORD \"a\")"),
        OK("a ** b", "(AND (WORD \"a\") (WORD \"b\"))"),
        ERR("*", "nothing to search for"),
        /* Too short. */
        ERR("s*",
            "prefix 's*' at column 1 is too short: give at least 2 letters"),
        ERR("ö*", "prefix 'ö*' at column 1 is too short"),
        ERR("x -a*", "prefix 'a*' at column 4"),
        ERR("a-*", "prefix 'a-*' at column 1"),
    };
    RUN(cases);
}

static void parentheses(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        OK("((a))", "(WORD \"a\")"),
        OK("(a (b (c OR d)))",
           "(AND (WORD \"a\") (WORD \"b\") (OR (WORD \"c\") (WORD \"d\")))"),
        OK("(a OR (b (c OR d)))",
           "(OR (WORD \"a\") (AND (WORD \"b\") (OR (WORD \"c\") "
           "(WORD \"d\"))))"),
        WARN("a ()",
             "(WORD \"a\")",
             "parentheses at column 3 hold nothing to search for; ignored"),
        ERRW("()", "nothing to search for", "parentheses at column 1"),
        ERR("(a", "unmatched '(' at column 1: missing ')'"),
        ERR("a)", "unmatched ')' at column 2"),
        ERR("(a b))", "unmatched ')' at column 6"),
        ERR("((a) (b", "unmatched '(' at column 6"),
        ERR(")(", "unmatched ')' at column 1"),
        /* Columns count characters, not bytes. */
        ERR("åäö) a", "unmatched ')' at column 4"),
        /* The unmatched parenthesis is reported before other problems. */
        ERR("(-a", "unmatched '('"),
        ERR("-a )", "unmatched ')' at column 4"),
    };
    RUN(cases);
}

static void dangling_operators(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        WARN("a OR",
             "(WORD \"a\")",
             "'OR' at column 3 has nothing after it; ignored"),
        WARN("OR a", "(WORD \"a\")", "'OR' at column 1 has nothing before it"),
        WARN("a OR OR b",
             "(OR (WORD \"a\") (WORD \"b\"))",
             "repeated 'OR' at column 6 ignored"),
        WARN("(a OR) b",
             "(AND (WORD \"a\") (WORD \"b\"))",
             "'OR' at column 4 has nothing after it"),
        WARN("a AND", "(WORD \"a\")", "'AND' at column 3 has nothing after it"),
        WARN("AND a",
             "(WORD \"a\")",
             "'AND' at column 1 has nothing before it"),
        WARN("a AND OR b",
             "(AND (WORD \"a\") (WORD \"b\"))",
             "'OR' at column 7 has nothing before it"),
        WARN("a NOT", "(WORD \"a\")", "'NOT' at column 3 has nothing after it"),
        ERRW("OR", "nothing to search for", "'OR' at column 1"),
        ERRW("NOT", "nothing to search for", "'NOT' at column 1"),
    };
    RUN(cases);
}

static void bad_input(void **state)
{
    (void)state;
    static const struct qcase cases[] = {
        ERR("", "empty query"),
        ERR("   \t ", "empty query"),
        ERR("\xc2\xa0", "empty query"),
        ERR("-", "nothing to search for"),
        ERR("abc\xff", "query is not valid UTF-8 at byte 3"),
        ERR("ab\xc3", "query is not valid UTF-8 at byte 2"),
        ERR("\xed\xa0\x80",
            "query is not valid UTF-8 at byte 0"), /* surrogate */
        ERR("a \xc0\xaf",
            "query is not valid UTF-8 at byte 2"), /* overlong */
        ERR("\xf4\x90\x80\x80",
            "not valid UTF-8 at byte 0"), /* > U+10FFFF */
    };
    RUN(cases);

    /* A NUL byte inside the given length. */
    struct qcase nul = ERR("a\0b", "query contains a NUL byte at byte 1");
    assert_int_equal(run_case_len(&nul, 3), 0);
}

static void limits(void **state)
{
    (void)state;
    int failures = 0;

    /* Length: exactly the limit is fine, one byte more is not. */
    char *q = repeat("x", PRS_QPARSE_MAX_LEN, "");
    struct prs_qnode *root = NULL;
    assert_int_equal(prs_qparse(q, strlen(q), &root, NULL, NULL), 0);
    assert_int_equal(root->kind, PRS_QN_WORD);
    prs_qnode_free(root);
    free(q);
    q = repeat("x", PRS_QPARSE_MAX_LEN + 1, "");
    struct qcase c = ERR(q, "query is too long: 4097 bytes (limit 4096)");
    failures += run_case_len(&c, strlen(q));
    free(q);

    /* Nesting. */
    char *open = repeat("(", PRS_QPARSE_MAX_DEPTH, "a");
    char *deep = repeat(")", PRS_QPARSE_MAX_DEPTH, "");
    q = malloc(strlen(open) + strlen(deep) + 1);
    assert_non_null(q);
    snprintf(q, strlen(open) + strlen(deep) + 1, "%s%s", open, deep);
    c = (struct qcase)OK(q, "(WORD \"a\")");
    failures += run_case_len(&c, strlen(q));
    free(q);
    free(open);
    free(deep);
    q = repeat("(", PRS_QPARSE_MAX_DEPTH + 1, "a");
    c = (struct qcase)ERR(
        q, "query is nested too deeply at column 33 (limit 32 levels");
    failures += run_case_len(&c, strlen(q));
    free(q);
    q = repeat("-", 200, "a");
    c = (struct qcase)ERR(q, "nested too deeply");
    failures += run_case_len(&c, strlen(q));
    free(q);
    q = repeat("title:", 40, "a");
    c = (struct qcase)ERR(q, "nested too deeply");
    failures += run_case_len(&c, strlen(q));
    free(q);

    /* Words: the limit is fine, one more is not, phrase words count. */
    q = repeat("a ", PRS_QPARSE_MAX_WORDS, "");
    assert_int_equal(prs_qparse(q, strlen(q), &root, NULL, NULL), 0);
    assert_int_equal(root->nchildren, PRS_QPARSE_MAX_WORDS);
    prs_qnode_free(root);
    free(q);
    q = repeat("a ", PRS_QPARSE_MAX_WORDS + 1, "");
    c = (struct qcase)ERR(q, "query is too complex: more than 1024 words");
    failures += run_case_len(&c, strlen(q));
    free(q);
    q = repeat("a ", PRS_QPARSE_MAX_WORDS + 1, "\"");
    char *phrase = malloc(strlen(q) + 2);
    assert_non_null(phrase);
    snprintf(phrase, strlen(q) + 2, "\"%s", q);
    free(q);
    q = phrase;
    c = (struct qcase)ERR(q, "too complex");
    failures += run_case_len(&c, strlen(q));
    free(q);

    assert_int_equal(failures, 0);
}

static void spans_and_offsets(void **state)
{
    (void)state;
    /* Bytes: ö 0..1, "title:" 3..8, "ab" 9..10, '*' 11, '"' 13, c 14,
     * d 16, '"' 17. */
    const char *q = "ö title:ab* \"c d\"";
    struct prs_qnode *root = NULL;
    struct prs_qparse_info info;
    struct prs_err err = {0};
    assert_int_equal(prs_qparse(q, strlen(q), &root, &info, &err), 0);
    assert_int_equal(info.nwarnings, 0);
    assert_int_equal(root->kind, PRS_QN_AND);
    assert_int_equal(root->start, 0);
    assert_int_equal(root->end, 18);
    assert_int_equal(root->nchildren, 3);

    const struct prs_qnode *w = root->children[0];
    assert_int_equal(w->kind, PRS_QN_WORD);
    assert_int_equal(w->field, PRS_QF_ANY);
    assert_string_equal(w->words[0].text, "ö");
    assert_int_equal(w->words[0].len, 2);
    assert_int_equal(w->words[0].offset, 0);

    const struct prs_qnode *p = root->children[1];
    assert_int_equal(p->kind, PRS_QN_PREFIX);
    assert_int_equal(p->field, PRS_QF_TITLE);
    assert_string_equal(p->words[0].text, "ab");
    assert_int_equal(p->words[0].offset, 9);
    assert_int_equal(p->start, 9);
    assert_int_equal(p->end, 12);

    const struct prs_qnode *ph = root->children[2];
    assert_int_equal(ph->kind, PRS_QN_PHRASE);
    assert_int_equal(ph->nwords, 2);
    assert_int_equal(ph->start, 13);
    assert_int_equal(ph->end, 18);
    assert_int_equal(ph->words[0].offset, 14);
    assert_int_equal(ph->words[1].offset, 16);
    assert_string_equal(ph->words[1].text, "d");
    prs_qnode_free(root);

    /* The error offset is in bytes, the message column in characters. */
    q = "åäö) a";
    assert_int_equal(prs_qparse(q, strlen(q), &root, &info, &err), PRS_E_PARSE);
    assert_null(root);
    assert_int_equal(info.err_offset, 6);
    assert_int_equal(err.code, PRS_E_PARSE);

    /* Query text need not be NUL-terminated: only len bytes are read. */
    assert_int_equal(prs_qparse("tivoli OR", 6, &root, NULL, NULL), 0);
    char *s = prs_qnode_to_string(root);
    assert_string_equal(s, "(WORD \"tivoli\")");
    free(s);
    prs_qnode_free(root);
}

static void api_edges(void **state)
{
    (void)state;
    struct prs_qnode *root = (struct prs_qnode *)&root;
    struct prs_err err = {0};

    assert_int_equal(prs_qparse(NULL, 0, &root, NULL, &err), PRS_E_PARSE);
    assert_null(root);
    assert_non_null(strstr(err.msg, "empty query"));
    assert_int_equal(prs_qparse(NULL, 3, &root, NULL, &err), PRS_E_BADARG);
    assert_int_equal(prs_qparse("a", 1, NULL, NULL, &err), PRS_E_BADARG);
    /* info and err may be NULL, on success and on failure. */
    assert_int_equal(prs_qparse("(a", 2, &root, NULL, NULL), PRS_E_PARSE);
    assert_int_equal(prs_qparse("a", 1, &root, NULL, NULL), 0);
    prs_qnode_free(root);
    prs_qnode_free(NULL);

    char *s = prs_qnode_to_string(NULL);
    assert_string_equal(s, "()");
    free(s);
    assert_string_equal(prs_qfield_name(PRS_QF_TITLE), "title");
    assert_string_equal(prs_qfield_name(PRS_QF_CONTACT), "contact");
    assert_string_equal(prs_qfield_name(PRS_QF_ANY), "");
    assert_string_equal(prs_qfield_name(99), "?");
    assert_string_equal(prs_qkind_name(PRS_QN_AND_NOT), "AND_NOT");
    assert_string_equal(prs_qkind_name(-1), "?");

    /* More warnings than are kept are still counted. */
    struct prs_qparse_info info;
    const char *q = "a OR OR OR OR OR OR OR OR OR OR OR b";
    assert_int_equal(prs_qparse(q, strlen(q), &root, &info, NULL), 0);
    assert_int_equal(info.nwarnings, 10);
    assert_non_null(strstr(info.warnings[PRS_QPARSE_MAX_WARNINGS - 1].msg,
                           "repeated 'OR'"));
    prs_qnode_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_queries),
        cmocka_unit_test(words_and_white_space),
        cmocka_unit_test(precedence),
        cmocka_unit_test(negation),
        cmocka_unit_test(phrases),
        cmocka_unit_test(fields),
        cmocka_unit_test(prefixes),
        cmocka_unit_test(parentheses),
        cmocka_unit_test(dangling_operators),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(limits),
        cmocka_unit_test(spans_and_offsets),
        cmocka_unit_test(api_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
