/* Snippets: the best passage is chosen and exactly the matched words are
 * marked, escaped for HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "snippet.h"
#include "fixture.h"


/* Renders text's snippet for marker m as HTML into a static buffer. */
static const char *html(struct prs_marker *m, const char *text, size_t max)
{
    static char out[4096];
    struct prs_snippet s = {0};
    struct prs_buf b = {0};
    assert_int_equal(prs_snippet_make(an, m, text, strlen(text), max, &s), 0);
    assert_int_equal(prs_snippet_html(&s, &b), 0);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    prs_buf_free(&b);
    prs_snippet_free(&s);
    return out;
}

static void marks_exact_and_stem_matches(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    /* "masker" stems to "mask", and so does "Masken"; "maskot" not. */
    assert_int_equal(prs_marker_add_word(m, "masker", "mask"), 0);
    assert_string_equal(html(m, "Masken, masker och en maskot.", 200),
                        "<mark>Masken</mark>, <mark>masker</mark> och en maskot.");
    prs_marker_free(m);
}

/* Tokens are stemmed only when their first bytes could match (snippet.c);
 * words starting in å/ä/ö, and words matched only through their folded
 * form ("okad" typed, "Ökad" written), must still be found. */
static void marks_words_with_and_without_diacritics(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_int_equal(prs_marker_add_word(m, "okad", "okad"), 0);
    assert_int_equal(prs_marker_add_variant(m, PRS_VAR_FOLDED, "okad"), 0);
    assert_string_equal(html(m, "Ökad takt, okad text och oka.", 200),
                        "<mark>Ökad</mark> takt, <mark>okad</mark> text och oka.");
    prs_marker_free(m);
    m = prs_marker_new();
    assert_int_equal(prs_marker_add_word(m, "åtgärder", "åtgärd"), 0);
    assert_string_equal(html(m, "Åtgärden och atgarden.", 200),
                        "<mark>Åtgärden</mark> och atgarden.");
    prs_marker_free(m);
}

/* A hit searched without snippets renders as nothing, not a crash. */
static void unmade_snippet_renders_empty(void **state)
{
    (void)state;
    struct prs_snippet s = {0};
    struct prs_buf b = {0};
    assert_int_equal(prs_snippet_html(&s, &b), 0);
    assert_int_equal(prs_snippet_text(&s, "[", "]", &b), 0);
    assert_true(b.len == 0);
    prs_buf_free(&b);
}

static void marks_prefixes_and_escapes_html(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_int_equal(prs_marker_add_prefix(m, "skydds"), 0);
    assert_string_equal(html(m, "<b>20 000 skyddsmasker & filter</b>", 200),
                        "&lt;b&gt;20 000 <mark>skyddsmasker</mark> &amp; "
                        "filter&lt;/b&gt;");
    prs_marker_free(m);
}

static void chooses_window_with_most_distinct_words(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_int_equal(prs_marker_add_word(m, "tivoli", NULL), 0);
    assert_int_equal(prs_marker_add_word(m, "tillsyn", NULL), 0);
    const char *text =
        "Tivoli nämns här först. Sedan kommer en lång text om helt andra "
        "saker som inte hör hit alls och som fyller ut en hel del plats. "
        "Mer text om väder och vind och annat som inte är intressant. "
        "Här står det om tillsyn av tivoli i samma mening.";
    const char *got = html(m, text, 60);
    assert_non_null(strstr(got, "<mark>tillsyn</mark> av <mark>tivoli</mark>"));
    assert_true(strncmp(got, "… ", strlen("… ")) == 0);
    prs_marker_free(m);
}

/* Compound parts come from the lexicon, looked up in the chosen window
 * (or the whole text when nothing else matches): "kabla" marks
 * "undervattenskablar" both next to a plain match and alone. */
static void marks_compound_parts(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_int_equal(prs_marker_add_variant(m, PRS_VAR_COMPOUND_PART, "kabla"),
                     0);
    const char *far = "Inledning om helt andra saker som inte hör hit. "
                      "Mer text om väder och vind och annat. "
                      "Sist läggs nya undervattenskablar ut.";
    assert_non_null(strstr(html(m, far, 60), "<mark>undervattenskablar</mark>"));
    assert_int_equal(prs_marker_add_word(m, "kablar", "kabl"), 0);
    assert_string_equal(html(m, "Kablar och undervattenskablar läggs.", 200),
                        "<mark>Kablar</mark> och "
                        "<mark>undervattenskablar</mark> läggs.");
    prs_marker_free(m);
}

/* A lemma marks its inflections, also those that share no stem with it
 * ("tullmötet" has the stem tullmötet, its lemma tullmöte). */
static void marks_lemmas(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_int_equal(prs_marker_add_word(m, "bryssel", "bryssel"), 0);
    assert_int_equal(prs_marker_add_variant(m, PRS_VAR_LEMMA, "tullmöte"), 0);
    assert_string_equal(
        html(m, "Tullmötet hölls i Bryssel.", 200),
        "<mark>Tullmötet</mark> hölls i <mark>Bryssel</mark>.");
    prs_marker_free(m);
}

static void collapses_white_space_and_starts_at_the_beginning(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    assert_string_equal(html(m, "Rad ett.\n\n  Rad  två.", 200),
                        "Rad ett. Rad två.");
    prs_marker_free(m);
}

static void cut_text_gets_an_ellipsis(void **state)
{
    (void)state;
    struct prs_marker *m = prs_marker_new();
    const char *got = html(m, "Ett två tre fyra fem sex sju åtta nio tio elva "
                              "tolv tretton fjorton femton", 20);
    assert_true(strlen(got) < 60);
    assert_non_null(strstr(got, " …"));
    prs_marker_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marks_exact_and_stem_matches),
        cmocka_unit_test(marks_prefixes_and_escapes_html),
        cmocka_unit_test(marks_words_with_and_without_diacritics),
        cmocka_unit_test(unmade_snippet_renders_empty),
        cmocka_unit_test(chooses_window_with_most_distinct_words),
        cmocka_unit_test(marks_compound_parts),
        cmocka_unit_test(marks_lemmas),
        cmocka_unit_test(collapses_white_space_and_starts_at_the_beginning),
        cmocka_unit_test(cut_text_gets_an_ellipsis),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
