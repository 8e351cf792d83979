/* Spelling correction ("Menade du …?") and search-as-you-type against a
 * real on-disk index of Swedish releases: which word is replaced, by
 * which indexed word, and what is left alone; which completions and
 * titles a partial word gets. */
#define _XOPEN_SOURCE 700 /* nftw(), mkdtemp() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "search.h"
#include "termgen.h"
#include "tmpdir.h"

static struct prs_analyzer *an;
static struct prs_db *db;
static char tmpdir[64];

/* Each body is one release; word frequencies decide between candidates. */
static const char *const bodies[] = {
    "Sveriges ambassadör i Paris deltar i mötet.",
    "Ambassadören lämnade över en protest.",
    "Kustbevakningen övervakar fisket i Östersjön.",
    "Regeringen har beslutat om en ny förordning.",
    "Regeringen ger Kustbevakningen i uppdrag att öka beredskapen.",
    "Regeringen presenterar årsredovisningen för staten.",
    "En regering som lyssnar.",
    "Malmö tingsrätt meddelade dom.",
    NULL,
};

static int setup(void **state)
{
    (void)state;
    struct prs_err err = {0};
    snprintf(tmpdir, sizeof tmpdir, "/tmp/prs-test-spell-XXXXXX");
    if (!mkdtemp(tmpdir) || !(an = prs_analyzer_new(&err)) ||
        !(db = prs_db_open(tmpdir, PRS_DB_WRITE, &err)))
        return -1;
    /* The releases of bodies[], then one whose title holds a word. */
    for (size_t i = 0; i == 0 || bodies[i - 1]; i++) {
        char id[32];
        snprintf(id, sizeof id, bodies[i] ? "rel/%zu" : "rel/title", i);
        struct prs_doc doc = {
            .id = id,
            .title = bodies[i] ? "Pressmeddelande" : "Beredskapen i Kalmar",
            .body = bodies[i] ? (char *)bodies[i] : "Ett besök."};
        struct prs_xdoc *xd = prs_xdoc_new(&err);
        if (!xd || prs_termgen_doc(an, &doc, NULL, xd, &err) < 0 ||
            prs_db_replace(db, id, xd, &err) < 0) {
            print_error("%s\n", err.msg);
            prs_xdoc_free(xd);
            return -1;
        }
        prs_xdoc_free(xd);
    }
    return prs_db_commit(db, &err);
}

static int teardown(void **state)
{
    (void)state;
    prs_db_close(db);
    prs_analyzer_free(an);
    return remove_tree(tmpdir);
}

/* The suggestion for query, or "" when there is none. */
static char got[256];
static const char *suggest(const char *query)
{
    char *out = NULL;
    struct prs_err err = {0};
    if (prs_spell_suggest(db, an, query, &out, &err) < 0)
        fail_msg("prs_spell_suggest(%s): %s", query, err.msg);
    snprintf(got, sizeof got, "%s", out ? out : "");
    free(out);
    return got;
}

static void a_misspelt_word_gets_the_indexed_word(void **state)
{
    (void)state;
    assert_string_equal(suggest("ambasadör"), "ambassadör");
    assert_string_equal(suggest("kustbevakningn"), "kustbevakningen");
    /* Two edits away: a swap is two substitutions. */
    assert_string_equal(suggest("regerinegn"), "regeringen");
}

/* Two edits at the edges of what the distance compares: two letters too
 * many or too few at the end. */
static void two_letters_more_or_fewer(void **state)
{
    (void)state;
    assert_string_equal(suggest("förordningar"), "förordning");
    assert_string_equal(suggest("beredskap"), "beredskapen");
    assert_string_equal(suggest("beredska"), "");
    /* Two letters fewer, and nothing else alike. */
    assert_string_equal(suggest("bxxxxxxxx"), "");
}

static void only_unknown_words_are_replaced(void **state)
{
    (void)state;
    assert_string_equal(suggest("regeringen ambasadör"),
                        "regeringen ambassadör");
    assert_string_equal(suggest("ambassadör"), "");
    assert_string_equal(suggest("Malmö tingsrätt"), "");
}

static void the_most_frequent_close_word_wins(void **state)
{
    (void)state;
    /* "regering" and "regeringen" are both one edit from "regeringn";
     * the latter is in more releases. */
    assert_string_equal(suggest("regeringn"), "regeringen");
}

static void a_and_o_with_and_without_dots_are_one_first_letter(void **state)
{
    (void)state;
    assert_string_equal(suggest("arsredovisningen"), "årsredovisningen");
    assert_string_equal(suggest("ostersjon"), "östersjön");
}

static void far_or_differently_starting_words_are_not_guessed(void **state)
{
    (void)state;
    /* Another first letter, or three edits away. */
    assert_string_equal(suggest("mbassadör"), "");
    assert_string_equal(suggest("ambsdör"), "");
    /* Words of up to 4 letters are corrected by one edit only. */
    assert_string_equal(suggest("dpm"), "dom");
    assert_string_equal(suggest("dmo"), "");
    assert_string_equal(suggest(""), "");
}

/* Titles whose release's title matches come first; the others fill the
 * list, each release once. */
static void completions_and_titles_of_a_partial_word(void **state)
{
    (void)state;
    struct prs_completion c = {0};
    struct prs_err err = {0};
    if (prs_complete(db, an, "beredsk", 8, 3, &c, &err) < 0)
        fail_msg("prs_complete: %s", err.msg);
    assert_int_equal(c.ntexts, 1);
    assert_string_equal(c.texts[0], "beredskapen");
    assert_int_equal(c.ntitles, 2);
    assert_string_equal(c.titles[0].id, "rel/title");
    assert_string_equal(c.titles[0].title, "Beredskapen i Kalmar");
    assert_string_equal(c.titles[1].id, "rel/4");
    prs_completion_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_misspelt_word_gets_the_indexed_word),
        cmocka_unit_test(two_letters_more_or_fewer),
        cmocka_unit_test(only_unknown_words_are_replaced),
        cmocka_unit_test(the_most_frequent_close_word_wins),
        cmocka_unit_test(a_and_o_with_and_without_dots_are_one_first_letter),
        cmocka_unit_test(far_or_differently_starting_words_are_not_guessed),
        cmocka_unit_test(completions_and_titles_of_a_partial_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
