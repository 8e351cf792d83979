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
#include "strutil.h"
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

/* ---- against a brute-force search ------------------------------------ */

/* A vocabulary of words sharing many prefixes, with Swedish letters, in
 * releases of their own; each misspelling of them must get what a plain
 * scan of every indexed word gives under the rule of search.h. */

#define VOCAB 400
#define MISSPELT 400

static uint32_t lcg = 12345;
static unsigned rnd(unsigned n)
{
    lcg = lcg * 1103515245u + 12345u;
    return (lcg >> 16) % n;
}

static const char *const letters[] = {"a", "e", "i", "k", "l", "m", "n", "o",
                                      "r", "s", "t", "å", "ä", "ö"};
#define NLETTERS (sizeof letters / sizeof *letters)

/* Code points of UTF-8 s into cp (at most 64); their count. */
static int to_cps(const char *s, uint32_t *cp)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < 64;) {
        int extra = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;
        uint32_t v = extra ? *p & (0x3F >> extra) : *p;
        for (int k = 1; k <= extra; k++)
            v = v << 6 | (p[k] & 0x3F);
        cp[n++] = v;
        p += extra + 1;
    }
    return n;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Levenshtein distance, the whole table. */
static int levenshtein(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int d[65][65];
    for (int i = 0; i <= na; i++)
        for (int j = 0; j <= nb; j++)
            d[i][j] = i == 0 ? j
                      : j == 0 ? i
                               : min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                                      d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
    return d[na][nb];
}

/* a, å and ä are one first letter; so are o and ö. */
static uint32_t letter_group(uint32_t cp)
{
    return cp == 0xE5 || cp == 0xE4 ? 'a' : cp == 0xF6 ? 'o' : cp;
}

struct word_freq {
    char term[64];
    uint64_t freq;
};

struct vocabulary {
    struct word_freq v[4 * VOCAB];
    size_t n;
};

static int keep_word(const char *term, size_t len, uint64_t freq, void *ctx)
{
    struct vocabulary *voc = ctx;
    if ((term[0] >= 'A' && term[0] <= 'Z') || len >= 64 ||
        voc->n == 4 * VOCAB)
        return 0; /* prefixed terms are not words */
    memcpy(voc->v[voc->n].term, term, len);
    voc->v[voc->n].term[len] = '\0';
    voc->v[voc->n++].freq = freq;
    return 0;
}

/* What search.h promises for a one-word query w (folded): "" if w is
 * indexed or shorter than 3 letters, else the most frequent indexed word
 * within 1 edit (2 from 5 letters on) with w's first letter, the first in
 * byte order of equals. */
static const char *expected(const struct vocabulary *voc, const char *w)
{
    uint32_t a[64], b[64];
    int na = to_cps(w, a), limit = na <= 4 ? 1 : 2, best_d = limit + 1;
    const struct word_freq *best = NULL;
    if (na < 3)
        return "";
    for (size_t i = 0; i < voc->n; i++) {
        int nb = to_cps(voc->v[i].term, b);
        if (strcmp(voc->v[i].term, w) == 0)
            return "";
        if (letter_group(a[0]) != letter_group(b[0]))
            continue;
        int d = levenshtein(a, na, b, nb);
        if (d <= limit && (d < best_d ||
                           (d == best_d && voc->v[i].freq > best->freq))) {
            best = &voc->v[i];
            best_d = d;
        }
    }
    return best ? best->term : "";
}

/* A random word of 3 to 10 letters; a third of them extend an earlier
 * word, so that many share a prefix. */
static void random_word(char words[][64], size_t have, char *out)
{
    out[0] = '\0';
    if (have > 0 && rnd(3) == 0) {
        const char *base = words[rnd((unsigned)have)];
        size_t keep = strlen(base) / 2 + 1;
        memcpy(out, base, keep);
        out[keep] = '\0';
        while (((unsigned char)out[keep - 1] & 0xC0) == 0xC0) /* cut letter */
            out[--keep] = '\0';
    }
    uint32_t cp[64];
    int len = 3 + (int)rnd(8);
    while (to_cps(out, cp) < len)
        strcat(out, letters[rnd(NLETTERS)]);
}

/* w with one or two random edits, into out. */
static void misspell(const char *w, char *out)
{
    uint32_t cp[64];
    int n = to_cps(w, cp), edits = 1 + rnd(2);
    for (int e = 0; e < edits && n > 1; e++) {
        int at = (int)rnd((unsigned)n);
        switch (rnd(4)) {
        case 0: /* delete */
            memmove(cp + at, cp + at + 1, sizeof *cp * (size_t)(n - at - 1));
            n--;
            break;
        case 1: /* insert */
            if (n < 63) {
                memmove(cp + at + 1, cp + at, sizeof *cp * (size_t)(n - at));
                to_cps(letters[rnd(NLETTERS)], cp + at);
                n++;
            }
            break;
        case 2: /* substitute */
            to_cps(letters[rnd(NLETTERS)], cp + at);
            break;
        default: /* swap with the next */
            if (at + 1 < n) {
                uint32_t t = cp[at];
                cp[at] = cp[at + 1];
                cp[at + 1] = t;
            }
        }
    }
    char *p = out;
    for (int i = 0; i < n; i++) {
        if (cp[i] < 0x80) {
            *p++ = (char)cp[i];
        } else {
            *p++ = (char)(0xC0 | cp[i] >> 6);
            *p++ = (char)(0x80 | (cp[i] & 0x3F));
        }
    }
    *p = '\0';
}

static void check_against_brute_force(struct prs_db *d, const char *path,
                                      const struct vocabulary *voc,
                                      char words[][64])
{
    lcg = 777;
    int corrected = 0;
    for (int i = 0; i < MISSPELT; i++) {
        char w[160];
        misspell(words[rnd(VOCAB)], w);
        char *out = NULL;
        struct prs_err err = {0};
        if (prs_spell_suggest(d, an, w, &out, &err) < 0)
            fail_msg("prs_spell_suggest(%s): %s", w, err.msg);
        const char *want = expected(voc, w);
        if (strcmp(out ? out : "", want) != 0)
            fail_msg("%s: '%s' for %s, a scan of every word gives '%s'", path,
                     out ? out : "", w, want);
        corrected += *want != '\0';
        free(out);
    }
    /* Most misspellings are near some word: the comparison means something. */
    assert_true(corrected > MISSPELT / 2);
}

static void suggestions_are_those_of_a_scan_of_every_word(void **state)
{
    (void)state;
    char dir[64], (*words)[64] = calloc(VOCAB, sizeof *words);
    struct prs_err err = {0};
    assert_non_null(words);
    snprintf(dir, sizeof dir, "/tmp/prs-test-spell-XXXXXX");
    assert_non_null(mkdtemp(dir));
    struct prs_db *w = prs_db_open(dir, PRS_DB_WRITE, &err);
    assert_non_null(w);
    lcg = 12345;
    for (size_t i = 0; i < VOCAB; i++)
        random_word(words, i, words[i]);
    /* Release r holds the words whose number is a multiple of r + 1,
     * so that frequencies differ. */
    for (size_t r = 0; r < 6; r++) {
        struct prs_buf body = {0};
        for (size_t i = 0; i < VOCAB; i += r + 1)
            prs_buf_printf(&body, "%s ", words[i]);
        char id[16];
        snprintf(id, sizeof id, "v/%zu", r);
        struct prs_doc doc = {.id = id, .title = "Ord", .body = body.data};
        struct prs_xdoc *xd = prs_xdoc_new(&err);
        if (!xd || prs_termgen_doc(an, &doc, NULL, xd, &err) < 0 ||
            prs_db_replace(w, id, xd, &err) < 0)
            fail_msg("%s", err.msg);
        prs_xdoc_free(xd);
        prs_buf_free(&body);
    }
    assert_int_equal(prs_db_commit(w, &err), 0);
    static struct vocabulary voc;
    voc.n = 0;
    assert_int_equal(prs_db_terms_each(w, "", keep_word, &voc, &err), 0);
    assert_true(voc.n > VOCAB / 2 && voc.n < 4 * VOCAB);
    /* The writer walks Xapian's term list, a reader its word table. */
    check_against_brute_force(w, "writer", &voc, words);
    struct prs_db *r = prs_db_open(dir, PRS_DB_READ, &err);
    assert_non_null(r);
    check_against_brute_force(r, "reader", &voc, words);
    prs_db_close(r);
    prs_db_close(w);
    free(words);
    assert_int_equal(remove_tree(dir), 0);
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
        cmocka_unit_test(suggestions_are_those_of_a_scan_of_every_word),
        cmocka_unit_test(completions_and_titles_of_a_partial_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
