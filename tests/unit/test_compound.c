/*
 * test_compound.c: the lexicon variants of the analyzer with real Swedish
 * words: compound splits (right and wrong), linking letters, shortened
 * first parts, lemmas, guessed splits and stop words. Through the public
 * analyzer API, with the lexicon the build makes from hunspell-sv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"

/* The variants of the one token of a word, as "kind:text/stem ..." */
struct seen {
    char parts[256];   /* PRS_VAR_COMPOUND_PART lemmas, space-separated */
    char guesses[256]; /* PRS_VAR_COMPOUND_GUESS */
    char lemmas[256];  /* PRS_VAR_LEMMA "lemma/stem" */
    bool stop;
    int ntokens;
};

static void append(char *buf, size_t cap, const char *s, size_t len)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%.*s", n ? " " : "", (int)len, s);
}

static int collect(const struct prs_token *tok, void *ctx)
{
    struct seen *s = ctx;
    s->ntokens++;
    s->stop = (tok->flags & PRS_TOKF_STOP) != 0;
    for (size_t i = 0; i < tok->nvariants; i++) {
        const struct prs_variant *v = &tok->variants[i];
        char lemma[200];
        switch (v->kind) {
        case PRS_VAR_COMPOUND_PART:
            append(s->parts, sizeof s->parts, v->text, v->len);
            break;
        case PRS_VAR_COMPOUND_GUESS:
            append(s->guesses, sizeof s->guesses, v->text, v->len);
            break;
        case PRS_VAR_LEMMA:
            snprintf(lemma, sizeof lemma, "%.*s/%.*s", (int)v->len, v->text,
                     (int)v->stem_len, v->stem);
            append(s->lemmas, sizeof s->lemmas, lemma, strlen(lemma));
            break;
        default:
            break;
        }
    }
    return 0;
}

static struct seen analyse(struct prs_analyzer *a, const char *word)
{
    struct seen s;
    memset(&s, 0, sizeof s);
    assert_int_equal(prs_analyzer_run(a, word, strlen(word), 0, collect, &s,
                                      NULL), 0);
    assert_int_equal(s.ntokens, 1);
    return s;
}

static int setup(void **state)
{
    struct prs_err err = {0};
    *state = prs_analyzer_new(&err);
    if (!*state)
        print_error("prs_analyzer_new: %s\n", err.msg);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    prs_analyzer_free(*state);
    return 0;
}

struct split_case {
    const char *word;
    const char *parts; /* "" = not split */
};

static void check_splits(struct prs_analyzer *a, const struct split_case *c,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct seen s = analyse(a, c[i].word);
        if (strcmp(s.parts, c[i].parts) != 0)
            fail_msg("%s: parts \"%s\", want \"%s\"", c[i].word, s.parts,
                     c[i].parts);
    }
}

static void compounds_split_into_lexicon_parts(void **state)
{
    static const struct split_case cases[] = {
        {"kommunstyrelsen", "kommun styrelse"},
        {"skogsgödsling", "skog gödsling"},      /* linking -s- */
        {"beredskapsplanering", "beredskap planering"},
        {"Dammexplosionen", "damm explosion"},   /* case folded first */
        {"vattenskotrar", "vatten skoter"},
        {"bottentrålning", "botten trålning"},
        {"gråhaj", "grå haj"},                   /* a 3-letter head */
        {"låginkomstländer", "låg inkomst land"}, /* a split modifier */
        {"solcellsinstallatörer", "solcell installatör"},
    };
    check_splits(*state, cases, sizeof cases / sizeof *cases);
}

static void shortened_first_parts_get_their_lemma(void **state)
{
    static const struct split_case cases[] = {
        {"kvinnojourer", "kvinna jour"}, /* kvinno- from kvinna */
        {"skolbarn", "skola barn"},      /* skol- from skola */
        {"flickskola", "flicka skola"},
    };
    check_splits(*state, cases, sizeof cases / sizeof *cases);
}

static void derivations_and_plain_words_stay_whole(void **state)
{
    static const struct split_case cases[] = {
        {"förslag", ""},    /* för- is a particle, not för + slag */
        {"anslag", ""},     /* nor an + slag, nor ans + lag */
        {"samarbete", ""},  /* sam- */
        {"uppdrag", ""},
        {"information", ""},
        {"verksamhet", ""}, /* -het is a suffix, not the word het */
        {"sjukdom", ""},    /* -dom likewise */
        {"regeringen", ""}, /* not rege + ringen */
        {"lägenheten", ""}, /* a listed word: no läge + enheten */
        {"ambassaden", ""},
        {"haj", ""},        /* too short to hold two parts */
        {"co2utsläpp", ""}, /* not a plain word: digits */
    };
    check_splits(*state, cases, sizeof cases / sizeof *cases);
}

static void unknown_first_parts_are_only_guessed(void **state)
{
    struct prs_analyzer *a = *state;
    struct seen s = analyse(a, "ipceiprojekt");
    assert_string_equal(s.parts, "");
    assert_string_equal(s.guesses, "ipcei projekt");
    s = analyse(a, "gnssstörningar");
    assert_string_equal(s.guesses, "gnss störning");
    /* A word the lexicon knows is never guessed at. */
    s = analyse(a, "regeringen");
    assert_string_equal(s.guesses, "");
}

static void lemmas_close_what_snowball_leaves_apart(void **state)
{
    struct prs_analyzer *a = *state;
    /* Definite forms Snowball stems differently from their base form:
     * the lemma's stem is the base form's stem. */
    struct seen s = analyse(a, "tullmötet");
    assert_string_equal(s.lemmas, "tullmöte/tullmöt");
    s = analyse(a, "tullmöte");
    assert_string_equal(s.lemmas, "tullmöte/tullmöt");
    s = analyse(a, "statsbidraget");
    assert_string_equal(s.lemmas, "statsbidrag/statsbidrag");
    s = analyse(a, "lägenheten");
    assert_string_equal(s.lemmas, "lägenhet/lägen");
    s = analyse(a, "avfallet"); /* also "avfallen" (adjective) */
    assert_non_null(strstr(s.lemmas, "avfall/avfall"));
    /* Not a Swedish word: no lemma. */
    s = analyse(a, "xqzv");
    assert_string_equal(s.lemmas, "");
}

static void stop_words_are_flagged_not_dropped(void **state)
{
    struct prs_analyzer *a = *state;
    assert_true(analyse(a, "och").stop);
    assert_true(analyse(a, "inte").stop);
    assert_true(analyse(a, "Att").stop);
    /* the longest ones, in bytes */
    assert_true(analyse(a, "SÅDANA").stop);
    assert_true(analyse(a, "varför").stop);
    assert_false(analyse(a, "sådanas").stop);
    assert_false(analyse(a, "råd").stop);
    assert_false(analyse(a, "regeringen").stop);
}

/* The word cache only saves work: an analyzer whose cache is too small
 * for the words it meets (one set of two slots: most words evict
 * another, some are found in either slot) answers the same. */
static void a_small_word_cache_answers_the_same(void **state)
{
    static const char *const words[] = {
        "kommunstyrelsen", "tullmötet", "skogsgödsling", "kvinnojourer",
        "förslag", "undervattenskablar", "tekniken", "kommunstyrelsen",
    };
    struct prs_err err = {0};
    struct prs_analyzer *small = prs_analyzer_new_sized(1, &err);
    assert_non_null(small);
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
            struct seen want = analyse(*state, words[i]);
            struct seen got = analyse(small, words[i]);
            assert_string_equal(got.parts, want.parts);
            assert_string_equal(got.lemmas, want.lemmas);
            assert_string_equal(got.guesses, want.guesses);
        }
    prs_analyzer_free(small);
}

/* Long compounds whose lemmas, parts and stems outgrow a cache slot are
 * found again each time they are met, not cut short: met again, in the
 * same analyzer or in one of a single set, they answer as when first
 * met. */
static void variants_too_long_for_a_slot_are_kept_whole(void **state)
{
    static const struct {
        const char *word, *parts;
    } cases[] = {
        {"tjänstepensionsbeskattningsutredningen",
         "tjänstepension beskattning utredning"},
        {"cybersäkerhetskompetensförsörjningen",
         "cyber säkerhet kompetens försörjning"},
    };
    struct prs_err err = {0};
    struct prs_analyzer *small = prs_analyzer_new_sized(1, &err);
    assert_non_null(small);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct seen first = analyse(*state, cases[i].word);
        assert_string_equal(first.parts, cases[i].parts);
        assert_true(strlen(first.lemmas) > 0);
        for (int round = 0; round < 2; round++) {
            struct seen again = analyse(*state, cases[i].word);
            struct seen other = analyse(small, cases[i].word);
            assert_string_equal(again.parts, first.parts);
            assert_string_equal(again.lemmas, first.lemmas);
            assert_string_equal(other.parts, first.parts);
            assert_string_equal(other.lemmas, first.lemmas);
        }
    }
    prs_analyzer_free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compounds_split_into_lexicon_parts),
        cmocka_unit_test(shortened_first_parts_get_their_lemma),
        cmocka_unit_test(derivations_and_plain_words_stay_whole),
        cmocka_unit_test(unknown_first_parts_are_only_guessed),
        cmocka_unit_test(lemmas_close_what_snowball_leaves_apart),
        cmocka_unit_test(stop_words_are_flagged_not_dropped),
        cmocka_unit_test(a_small_word_cache_answers_the_same),
        cmocka_unit_test(variants_too_long_for_a_slot_are_kept_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
