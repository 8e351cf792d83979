/* Query compilation: words reach the index terms the indexer writes. */
#define _XOPEN_SOURCE 700 /* nftw(), mkdtemp() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "qbuild.h"
#include "search.h"
#include "termgen.h"
#include "fixture.h"
#include "tmpdir.h"

#include <stdio.h>


/* Compiles q and checks that its description holds every needle. */
static void assert_compiles_to(const char *q, const char *const *needles)
{
    struct prs_qbuild b;
    struct prs_err err = {0};
    int rc = prs_qbuild(an, NULL, NULL, q, strlen(q), &b, &err);
    if (rc != 0)
        fail_msg("%s: %s", q, err.msg);
    char *desc = prs_query_describe(b.query);
    assert_non_null(desc);
    for (size_t i = 0; needles[i]; i++)
        if (!strstr(desc, needles[i]))
            fail_msg("%s: '%s' not in %s", q, needles[i], desc);
    free(desc);
    prs_qbuild_clear(&b);
}

static void check_rc(int rc, const struct prs_err *err)
{
    if (rc < 0)
        fail_msg("rc %d: %s", rc, err->msg);
}

/* The description of q compiled for db, malloc'ed. */
static char *describe_for(struct prs_db *db, const char *q)
{
    struct prs_qbuild b;
    struct prs_err err = {0};
    if (prs_qbuild(an, NULL, db, q, strlen(q), &b, &err) != 0)
        fail_msg("%s: %s", q, err.msg);
    char *desc = prs_query_describe(b.query);
    assert_non_null(desc);
    prs_qbuild_clear(&b);
    return desc;
}

/* A compound's parts written apart are searched for only while the
 * compound is rare as written (PRS_APART_BELOW releases): in a real index
 * "skyddsmasker" in every release matches as written only, while
 * "undervattenskablar", in none, still finds "kablar under vattnet". */
static void parts_apart_only_for_rare_compounds(void **state)
{
    (void)state;
    char dir[] = "/tmp/prs-test-qbuild-XXXXXX";
    struct prs_err err = {0};
    assert_non_null(mkdtemp(dir));
    struct prs_db *db = prs_db_open(dir, PRS_DB_WRITE, &err);
    assert_non_null(db);
    const char *const apart_masks = "(Zskydd OR Pskydd) AND (Zmask OR Pmask)";
    const char *const apart_cables = "AND (Zkabl OR Pkabla)";
    for (int i = 0; i <= PRS_APART_BELOW; i++) {
        char id[32];
        snprintf(id, sizeof id, "rel/%d", i);
        /* Just below the bar the parts are still searched for; at it, not. */
        if (i == PRS_APART_BELOW - 1) {
            check_rc(prs_db_commit(db, &err), &err);
            char *d = describe_for(db, "skyddsmasker");
            if (!strstr(d, apart_masks))
                fail_msg("below the bar, no parts apart: %s", d);
            free(d);
        }
        struct prs_doc doc = {.id = id, .title = "Skyddsmasker till vården",
                              .body = "Regeringen köper skyddsmasker."};
        check_rc(prs_termgen_write(an, db, &doc, NULL, &err), &err);
    }
    check_rc(prs_db_commit(db, &err), &err);
    char *d = describe_for(db, "skyddsmasker");
    if (strstr(d, apart_masks) || !strstr(d, "Zskyddsmask"))
        fail_msg("a common compound still searched apart: %s", d);
    free(d);
    d = describe_for(db, "undervattenskablar");
    if (!strstr(d, apart_cables))
        fail_msg("a rare compound lost its parts: %s", d);
    free(d);
    /* Without an index to ask, parts are always searched for. */
    d = describe_for(NULL, "skyddsmasker");
    assert_non_null(strstr(d, apart_masks));
    free(d);
    prs_db_close(db);
    assert_int_equal(remove_tree(dir), 0);
}

static void word_matches_exact_form_and_stem(void **state)
{
    (void)state;
    assert_compiles_to("Masken", (const char *[]){"masken", "Zmask", NULL});
}

/* A word typed without å/ä/ö also matches the folded stem, scaled below
 * the exact form: "malmo" reaches releases with "Malmö" (indexed as
 * ZFmalmo). A word typed with them does not: the releases with its
 * letters have its stem, and ZFfor would only count "för" twice. */
static void word_also_matches_folded_form_below_exact(void **state)
{
    (void)state;
    assert_compiles_to("malmo tingsratt",
                       (const char *[]){"malmo", "ZFmalmo", "ZFtingsrat",
                                        "0.5 * ", NULL});
    assert_compiles_to("för", (const char *[]){"för", "Zför", NULL});
    char *desc = describe_for(NULL, "för malmö");
    assert_null(strstr(desc, "ZFfor"));
    assert_null(strstr(desc, "ZFmalmo"));
    free(desc);
    /* Field words have no folded terms. */
    desc = describe_for(NULL, "title:malmo");
    assert_null(strstr(desc, "ZFmalmo"));
    free(desc);
}

/* Plain lists of 3+ words get an all-but-one query; phrases, operators
 * and short lists do not. */
/* A stop word beside other words is optional, and matches as typed
 * only; alone, or with only stop words, it is required with all its
 * forms. */
static void optional_stop_words_match_as_typed(void **state)
{
    (void)state;
    char *desc = describe_for(NULL, "handel med haj");
    if (!strstr(desc, "AND_MAYBE med)") || strstr(desc, "Zmed"))
        fail_msg("handel med haj: %s", desc);
    free(desc);
    assert_compiles_to("med", (const char *[]){"med", "Zmed", NULL});
    assert_compiles_to("för att",
                       (const char *[]){"Zför", "Zatt", "AND", NULL});
}

static void plain_word_lists_get_a_forgiving_query(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        int relaxed;
    } cases[] = {
        {"ny lagman tingsrätt", 1},
        {"regeringen skärper straffen för vapenbrott", 1},
        {"ny lagman", 0},
        {"ny AND lagman AND tingsrätt", 0},
        {"ny lagman OR domare tingsrätt", 0},
        {"\"ny lagman\" malmö tingsrätt", 0},
        {"title:lagman malmö tingsrätt", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct prs_qbuild b;
        struct prs_err err = {0};
        assert_int_equal(prs_qbuild(an, NULL, NULL, cases[i].q, strlen(cases[i].q), &b,
                                    &err), 0);
        if ((b.relaxed != NULL) != cases[i].relaxed)
            fail_msg("%s: relaxed %s", cases[i].q, b.relaxed ? "set" : "unset");
        if (b.relaxed) {
            char *desc = prs_query_describe(b.relaxed);
            assert_non_null(strstr(desc, " OR "));
            free(desc);
        }
        prs_qbuild_clear(&b);
    }
}

static void colon_genitive_searches_the_base(void **state)
{
    (void)state;
    assert_compiles_to("IVO:s", (const char *[]){"ivo", NULL});
}

static void hyphenated_word_is_joined_or_phrase(void **state)
{
    (void)state;
    assert_compiles_to("EST-effektiv",
                       (const char *[]){"est-effektiv", "PHRASE", "est", "effektiv", NULL});
}

static void fields_use_their_prefix(void **state)
{
    (void)state;
    assert_compiles_to("title:tivoli org:polisen",
                       (const char *[]){"Stivoli", "ZStivoli", "XOpolisen", NULL});
    /* The body has no prefix: the word less the releases that have it
     * only outside the body. */
    assert_compiles_to("body:tivoli",
                       (const char *[]){"tivoli AND_NOT XNBtivoli",
                                        "Ztivoli AND_NOT ZXNBtivoli", NULL});
}

static void phrase_and_prefix(void **state)
{
    (void)state;
    assert_compiles_to("\"civila försvaret\" skydds*",
                       (const char *[]){"PHRASE", "civila", "försvaret", "WILDCARD", "skydds", NULL});
}

static void not_becomes_and_not(void **state)
{
    (void)state;
    assert_compiles_to("försvar -polisen", (const char *[]){"AND_NOT", "polisen", NULL});
}

static void last_word_also_matches_as_prefix(void **state)
{
    (void)state;
    assert_compiles_to("tillsyn tivoli", (const char *[]){"WILDCARD", "tivoli", "0.5", NULL});
    /* A stop word too, when it is all there is to match. */
    assert_compiles_to("för", (const char *[]){"WILDCARD", "för", NULL});
    assert_compiles_to("för att", (const char *[]){"WILDCARD", "att", NULL});
    /* Only the last word, only when the query does not end in a space. */
    struct prs_qbuild b;
    static const char *complete[] = {"tillsyn tivoli ", "\"tillsyn tivoli\"", "tivoli -xy",
                                     /* an optional stop word */
                                     "stöd till", NULL};
    for (size_t i = 0; complete[i]; i++) {
        assert_int_equal(prs_qbuild(an, NULL, NULL, complete[i], strlen(complete[i]), &b, NULL), 0);
        char *desc = prs_query_describe(b.query);
        if (strstr(desc, "WILDCARD"))
            fail_msg("%s: %s", complete[i], desc);
        free(desc);
        prs_qbuild_clear(&b);
    }
}

static void errors_are_parse_errors(void **state)
{
    (void)state;
    static const char *bad[] = {"(a", "-a", "&&&", "", NULL};
    for (size_t i = 0; bad[i]; i++) {
        struct prs_qbuild b;
        struct prs_err err = {0};
        assert_int_equal(prs_qbuild(an, NULL, NULL, bad[i], strlen(bad[i]), &b, &err), PRS_E_PARSE);
        assert_true(err.msg[0] != '\0');
        prs_qbuild_clear(&b);
    }
}

static void date_bounds_cover_whole_periods(void **state)
{
    (void)state;
    char out[13];
    assert_int_equal(prs_search_date_bound("2025-06", false, out), 0);
    assert_string_equal(out, "202506000000");
    assert_int_equal(prs_search_date_bound("2025-06", true, out), 0);
    assert_string_equal(out, "202506999999");
    assert_int_equal(prs_search_date_bound("2025", true, out), 0);
    assert_string_equal(out, "202599999999");
    assert_int_equal(prs_search_date_bound("2025-06-30", false, out), 0);
    assert_string_equal(out, "202506300000");
    static const char *bad[] = {"2025-13", "2025-00", "25-06", "2025/06", "2025-06-32", "", NULL};
    for (size_t i = 0; bad[i]; i++)
        assert_int_equal(prs_search_date_bound(bad[i], false, out), PRS_E_BADARG);
    /* A stored month-only date falls inside the range of its month. */
    char stored[13];
    assert_int_equal(prs_termgen_date_value("2025-06", stored, sizeof stored), 0);
    char lo[13], hi[13];
    prs_search_date_bound("2025-06-01", false, lo);
    prs_search_date_bound("2025-06", true, hi);
    assert_true(strcmp(stored, hi) <= 0);
    assert_int_equal(prs_termgen_date_value("2025-06-20T14:05", stored, sizeof stored), 0);
    assert_string_equal(stored, "202506201405");
    assert_int_equal(prs_termgen_date_value("2025-6", stored, sizeof stored), PRS_E_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(word_matches_exact_form_and_stem),
        cmocka_unit_test(word_also_matches_folded_form_below_exact),
        cmocka_unit_test(optional_stop_words_match_as_typed),
        cmocka_unit_test(plain_word_lists_get_a_forgiving_query),
        cmocka_unit_test(colon_genitive_searches_the_base),
        cmocka_unit_test(hyphenated_word_is_joined_or_phrase),
        cmocka_unit_test(fields_use_their_prefix),
        cmocka_unit_test(phrase_and_prefix),
        cmocka_unit_test(not_becomes_and_not),
        cmocka_unit_test(last_word_also_matches_as_prefix),
        cmocka_unit_test(errors_are_parse_errors),
        cmocka_unit_test(date_bounds_cover_whole_periods),
        cmocka_unit_test(parts_apart_only_for_rare_compounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
