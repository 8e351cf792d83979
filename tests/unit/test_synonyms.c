/* Synonyms: the synonyms file, abbreviations learned from an index, and
 * what the query compiler makes of them. */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "qbuild.h"
#include "synonyms.h"
#include "fixture.h"
#include "tmpdir.h"


static struct prs_synonyms *parse_ok(const char *text)
{
    struct prs_synonyms *s = prs_synonyms_new();
    struct prs_err err = {0};
    assert_non_null(s);
    if (prs_synonyms_parse(s, an, text, strlen(text), "test.txt", &err) < 0)
        fail_msg("%s", err.msg);
    return s;
}

/* The query words of q as qbuild sees them (joined forms left out). */
struct qwords {
    struct prs_syn_word w[16];
    char text[16][80], stem[16][80];
    size_t n;
};

static int on_token(const struct prs_token *tok, void *ctx)
{
    struct qwords *q = ctx;
    if ((tok->flags & PRS_TOKF_JOINED) || q->n == 16)
        return 0;
    snprintf(q->text[q->n], 80, "%s", tok->text);
    snprintf(q->stem[q->n], 80, "%.*s", (int)tok->stem_len, tok->stem);
    q->w[q->n] = (struct prs_syn_word){
        .text = q->text[q->n], .stem = q->stem[q->n],
        .stop = (tok->flags & PRS_TOKF_STOP) != 0,
        .number = tok->kind == PRS_TOK_NUMBER};
    q->n++;
    return 0;
}

/* The alternatives of the query words q, "|"-separated, each phrase's
 * words joined by spaces; "" if none; k gets the length of the match. */
static const char *lookup(const struct prs_synonyms *s, const char *q,
                          size_t *k)
{
    static char out[512];
    static struct qwords qw;
    qw.n = 0;
    assert_int_equal(prs_analyzer_run(an, q, strlen(q), 0, on_token, &qw,
                                      NULL),
                     0);
    const struct prs_syn_phrase *alts[PRS_SYN_MAX_ALTS];
    size_t nalts = 0;
    *k = prs_synonyms_lookup(s, qw.w, qw.n, alts, PRS_SYN_MAX_ALTS, &nalts);
    out[0] = '\0';
    for (size_t i = 0; i < nalts; i++) {
        if (i)
            strcat(out, "|");
        for (size_t j = 0; j < alts[i]->n; j++) {
            if (j)
                strcat(out, " ");
            strcat(out, alts[i]->words[j].text);
        }
    }
    return out;
}

static void file_groups_find_each_other(void **state)
{
    (void)state;
    struct prs_synonyms *s = parse_ok(
        "# Synonyms for the press room\n"
        "\n"
        "OS = olympiska spelen   # the summer and winter games\n"
        "  fn = Förenta nationerna = United Nations\r\n"
        "vm=världsmästerskapen");
    size_t k = 0;
    assert_int_equal(prs_synonyms_count(s), 3);
    assert_string_equal(lookup(s, "os", &k), "olympiska spelen");
    assert_int_equal(k, 1);
    assert_string_equal(lookup(s, "Olympiska spelen i Paris", &k), "os");
    assert_int_equal(k, 2);
    /* By stem: other inflections of the phrase's words. */
    assert_string_equal(lookup(s, "olympiska spel", &k), "os");
    assert_string_equal(lookup(s, "FN", &k),
                        "förenta nationerna|united nations");
    assert_string_equal(lookup(s, "united nations", &k), "fn|förenta nationerna");
    assert_string_equal(lookup(s, "spelen", &k), "");
    assert_int_equal(k, 0);
    prs_synonyms_free(s);
}

/* A phrase in several groups gets the other phrases of each, in the
 * order of the file and once each; the longest phrase that the query
 * starts with wins, whichever group holds it, and a later parse adds
 * to what is looked up. */
static void phrases_of_several_groups(void **state)
{
    (void)state;
    struct prs_synonyms *s = parse_ok(
        "msb = myndigheten för samhällsskydd och beredskap\n"
        "räddningsverket = msb = krisberedskapsmyndigheten\n"
        "kris = krisberedskapsmyndigheten\n"
        "myndigheten = verket\n");
    size_t k = 0;
    assert_string_equal(lookup(s, "msb", &k),
                        "myndigheten för samhällsskydd och beredskap|"
                        "räddningsverket|krisberedskapsmyndigheten");
    assert_int_equal(k, 1);
    assert_string_equal(lookup(s, "krisberedskapsmyndigheten", &k),
                        "räddningsverket|msb|kris");
    /* Five words beat one: only the group of the long phrase. */
    assert_string_equal(
        lookup(s, "Myndigheten för samhällsskydd och beredskap meddelar", &k),
        "msb");
    assert_int_equal(k, 5);
    assert_string_equal(lookup(s, "myndigheter", &k), "verket");
    assert_int_equal(k, 1);
    struct prs_err err = {0};
    const char *more = "kris = nödläge\n";
    assert_int_equal(prs_synonyms_parse(s, an, more, strlen(more), "more.txt",
                                        &err),
                     0);
    assert_string_equal(lookup(s, "kris", &k),
                        "krisberedskapsmyndigheten|nödläge");
    prs_synonyms_free(s);
}

static void bad_lines_are_errors_naming_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"os = olympiska spelen\nos olympiska spelen\n", "test.txt:2: no '='"},
        {"# x\n\nos =\n", "test.txt:3: empty phrase"},
        {"= os\n", "test.txt:1: empty phrase"},
        {"os == olympiska spelen\n", "test.txt:1: empty phrase"},
        {"os = – ...\n", "test.txt:1: '– ...' has no words"},
        {"OS = os\n", "test.txt:1: the phrases are the same words"},
        {"a = \xff\xfe\n", "test.txt:1: not valid UTF-8"},
        {"x = a b c d e f g h i\n", "test.txt:1: 'a b c d e f g h i' has more "
                                    "than 8 words"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct prs_synonyms *s = prs_synonyms_new();
        struct prs_err err = {0};
        int rc = prs_synonyms_parse(s, an, cases[i].text,
                                    strlen(cases[i].text), "test.txt", &err);
        assert_int_equal(rc, PRS_E_BADARG);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("'%s': got '%s', expected '%s'", cases[i].text, err.msg,
                     cases[i].msg);
        /* All or nothing: the good line before the bad one is not kept. */
        assert_int_equal(prs_synonyms_count(s), 0);
        prs_synonyms_free(s);
    }
}

static void files_missing_unreadable_and_bundled(void **state)
{
    (void)state;
    struct prs_synonyms *s = prs_synonyms_new();
    struct prs_err err = {0};
    const char *missing = "/nonexistent/prsearch/synonyms.txt";
    assert_int_equal(prs_synonyms_read_file(s, an, missing, true, &err), 0);
    assert_int_equal(prs_synonyms_read_file(s, an, missing, false, &err),
                     PRS_E_NOTFOUND);
    assert_non_null(strstr(err.msg, missing));
    assert_true(prs_synonyms_read_file(s, an, "/tmp", true, &err) < 0);
    /* The bundled example file is valid. */
    assert_int_equal(prs_synonyms_read_file(
                         s, an, PRS_TEST_DATA_DIR "/../../config/synonyms.txt",
                         false, &err),
                     0);
    assert_true(prs_synonyms_count(s) >= 1);
    size_t k = 0;
    assert_string_equal(lookup(s, "os", &k), "olympiska spelen");
    prs_synonyms_free(s);

    /* A named file that is missing is an error; the default is not. */
    bool named = true;
    prs_synonyms_path(NULL, &named);
    if (!getenv("PRSEARCH_SYNONYMS"))
        assert_false(named);
    assert_string_equal(prs_synonyms_path(missing, &named), missing);
    assert_true(named);
    assert_null(prs_synonyms_load(NULL, an, missing, &err));
    assert_int_equal(err.code, PRS_E_NOTFOUND);
}

/* ---- learned from an index ------------------------------------------- */

static char tmpdir[64];

/* An index of releases with these bodies, and its learned synonyms. */
static struct prs_synonyms *learn(const char *const *bodies)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/prs-test-syn-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(tmpdir, PRS_DB_WRITE, &err);
    assert_non_null(db);
    for (size_t i = 0; bodies[i]; i++) {
        struct prs_doc doc = {.title = "Pressmeddelande",
                              .body = (char *)bodies[i]};
        char id[32];
        snprintf(id, sizeof id, "d%zu", i);
        struct prs_xdoc *xd = prs_xdoc_new(&err);
        assert_non_null(xd);
        assert_int_equal(prs_abbrev_add_terms(an, &doc, xd, &err), 0);
        assert_int_equal(prs_db_replace(db, id, xd, &err), 0);
        prs_xdoc_free(xd);
    }
    assert_int_equal(prs_db_commit(db, &err), 0);
    struct prs_synonyms *s = prs_synonyms_new();
    if (prs_synonyms_learn(s, an, db, &err) < 0)
        fail_msg("%s", err.msg);
    prs_db_close(db);
    assert_int_equal(remove_tree(tmpdir), 0);
    return s;
}

static void abbreviations_are_learned_from_releases(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "Det framgår av en rapport från Konkurrensverket (KKV).",
        "Regeringen ger Konkurrensverket (KKV) i uppdrag att utreda.",
        "KKV välkomnar förslaget.",
        /* Once only: not enough to trust. */
        "Uppdraget går till Försvarets radioanstalt (FRA).",
        /* A genitive form counts for the base form and is kept too. */
        "Uppdraget går till Statens institutionsstyrelse (SiS).",
        "Ministern besökte Statens institutionsstyrelses (SiS) ungdomshem.",
        /* Party letters: Stegrud spells SD twice, but most "(SD)" do not
         * follow her. */
        "– Bra, säger Jessica Stegrud (SD).",
        "– Viktigt, säger Jessica Stegrud (SD).",
        "– Bra, säger Richard Jomshof (SD).",
        "– Bra, säger Tobias Andersson (SD).",
        "– Bra, säger Aron Emilsson (SD).",
        "– Bra, säger Henrik Vinge (SD).",
        "– Bra, säger Linda Lindberg (SD).",
        NULL,
    };
    struct prs_synonyms *s = learn(bodies);
    size_t k = 0;
    assert_string_equal(lookup(s, "kkv", &k), "konkurrensverket");
    assert_string_equal(lookup(s, "KKV:s", &k), "konkurrensverket");
    assert_string_equal(lookup(s, "konkurrensverket", &k), "kkv");
    assert_string_equal(lookup(s, "Konkurrensverkets", &k), "kkv");
    assert_string_equal(lookup(s, "sis", &k),
                        "statens institutionsstyrelse|statens "
                        "institutionsstyrelses");
    /* The genitive form is no alternative here: it matches by stem. */
    assert_string_equal(lookup(s, "statens institutionsstyrelse", &k), "sis");
    assert_string_equal(lookup(s, "fra", &k), "");
    assert_string_equal(lookup(s, "sd", &k), "");
    assert_string_equal(lookup(s, "stegrud", &k), "");
    assert_int_equal(prs_synonyms_count(s), 2);
    prs_synonyms_free(s);
}

/* ---- in compiled queries ------------------------------------------------- */

static char *describe(const struct prs_synonyms *s, const char *q)
{
    struct prs_qbuild b;
    struct prs_err err = {0};
    if (prs_qbuild(an, s, NULL, q, strlen(q), &b, &err) != 0)
        fail_msg("%s: %s", q, err.msg);
    char *desc = prs_query_describe(b.query);
    assert_non_null(desc);
    if (b.relaxed) { /* a superset of the query */
        char *rdesc = prs_query_describe(b.relaxed);
        assert_non_null(rdesc);
        /* "Query(q)": q without the wrapper must be in it. */
        char *inner = strndup(desc + 6, strlen(desc) - 7);
        assert_non_null(inner);
        assert_non_null(strstr(rdesc, inner));
        free(inner);
        free(rdesc);
    }
    prs_qbuild_clear(&b);
    return desc;
}

static void assert_desc(const struct prs_synonyms *s, const char *q,
                        const char *has, const char *lacks)
{
    char *d = describe(s, q);
    if (has && !strstr(d, has))
        fail_msg("%s: '%s' not in %s", q, has, d);
    if (lacks && strstr(d, lacks))
        fail_msg("%s: '%s' in %s", q, lacks, d);
    free(d);
}

static void queries_match_synonyms_below_the_words(void **state)
{
    (void)state;
    struct prs_synonyms *s = parse_ok(
        "kkv = konkurrensverket\n"
        "sis = statens institutionsstyrelse\n"
        "ivo = inspektionen för vård och omsorg\n");
    /* The synonym scores as the typed word would, scaled below it. */
    assert_desc(s, "kkv", "(Zkkv SYNONYM Zkonkurrensverket)", NULL);
    assert_desc(s, "KKV:s förslag", "Zkonkurrensverket", NULL);
    assert_desc(s, "sis styrningen", "(statens PHRASE 2 institutionsstyrelse)",
                NULL);
    /* A run of words gets the abbreviation, as one alternative. */
    assert_desc(s, "statens institutionsstyrelse styrningen förstärks",
                "((statens PHRASE 2 institutionsstyrelse) SYNONYM Zsis)", NULL);
    assert_desc(s, "inspektionen för vård och omsorg", "Zivo", NULL);
    /* Not in fields, phrases or prefixes, nor for a part of a run. */
    assert_desc(s, "title:kkv", NULL, "konkurrensverk");
    assert_desc(s, "\"statens institutionsstyrelse\"", NULL, "sis");
    assert_desc(s, "statens", NULL, "sis");
    assert_desc(s, "statens OR institutionsstyrelse", NULL, "sis");
    /* Without synonyms nothing changes. */
    assert_desc(NULL, "kkv", NULL, "konkurrensverk");
    prs_synonyms_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_groups_find_each_other),
        cmocka_unit_test(phrases_of_several_groups),
        cmocka_unit_test(bad_lines_are_errors_naming_the_line),
        cmocka_unit_test(files_missing_unreadable_and_bundled),
        cmocka_unit_test(abbreviations_are_learned_from_releases),
        cmocka_unit_test(queries_match_synonyms_below_the_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
