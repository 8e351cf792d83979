/*
 * test_analyzer.c: the analyzer's tokenisation, folding and stemming rules.
 *
 * Table-driven: each case is an input and the exact token list it must
 * give (text, kind, flags, and where given stem, position, byte offsets).
 * Kinds and flags are always compared, so a rule that changes shows up.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"
#include "strutil.h"

/* ---- Collecting tokens ---------------------------------------------- */

#define MAX_GOT 2048

struct got_tok {
    char text[PRS_TOKEN_MAX_BYTES + 1];
    char stem[PRS_TOKEN_MAX_BYTES + 1];
    size_t len, stem_len;
    int kind;
    unsigned flags;
    uint32_t pos;
    size_t start, end;
    bool stop;        /* PRS_TOKF_STOP, kept out of flags */
    size_t nvariants;
    size_t nfolded;   /* PRS_VAR_FOLDED variants */
    char folded[2 * PRS_TOKEN_MAX_BYTES + 1];      /* PRS_VAR_FOLDED or "" */
    char folded_stem[2 * PRS_TOKEN_MAX_BYTES + 1];
    int text_nul_ok; /* text[len] was NUL */
};

struct got {
    struct got_tok t[MAX_GOT];
    size_t n;       /* tokens seen (may exceed MAX_GOT) */
    size_t stop_at; /* return stop_value at this token; SIZE_MAX: never */
    int stop_value;
    int all_valid;  /* every text and stem was valid UTF-8, within limits */
};

static void got_init(struct got *g)
{
    memset(g, 0, sizeof *g);
    g->stop_at = SIZE_MAX;
    g->all_valid = 1;
}

static int collect(const struct prs_token *tok, void *ctx)
{
    struct got *g = ctx;
    if (tok->len > PRS_TOKEN_MAX_BYTES || tok->stem_len > tok->len ||
        !prs_utf8_valid(tok->text, tok->len) ||
        !prs_utf8_valid(tok->stem, tok->stem_len))
        g->all_valid = 0;
    if (g->n < MAX_GOT && g->all_valid) {
        struct got_tok *t = &g->t[g->n];
        memcpy(t->text, tok->text, tok->len);
        t->text[tok->len] = '\0';
        memcpy(t->stem, tok->stem, tok->stem_len);
        t->stem[tok->stem_len] = '\0';
        t->len = tok->len;
        t->stem_len = tok->stem_len;
        t->kind = tok->kind;
        t->flags = tok->flags & ~(unsigned)PRS_TOKF_STOP;
        t->stop = (tok->flags & PRS_TOKF_STOP) != 0;
        t->pos = tok->pos;
        t->start = tok->start;
        t->end = tok->end;
        t->nvariants = tok->nvariants;
        t->nfolded = 0;
        t->folded[0] = t->folded_stem[0] = '\0';
        if (tok->nvariants > PRS_MAX_VARIANTS)
            g->all_valid = 0;
        for (size_t v = 0; v < tok->nvariants && v < PRS_MAX_VARIANTS; v++) {
            const struct prs_variant *va = &tok->variants[v];
            if (va->kind < PRS_VAR_COMPOUND_PART ||
                va->kind > PRS_VAR_COMPOUND_GUESS || va->len == 0 ||
                va->len >= sizeof t->folded ||
                va->stem_len >= sizeof t->folded_stem ||
                !prs_utf8_valid(va->text, va->len) ||
                !prs_utf8_valid(va->stem, va->stem_len)) {
                g->all_valid = 0;
                continue;
            }
            if (va->kind != PRS_VAR_FOLDED)
                continue;
            t->nfolded++;
            memcpy(t->folded, va->text, va->len);
            t->folded[va->len] = '\0';
            memcpy(t->folded_stem, va->stem, va->stem_len);
            t->folded_stem[va->stem_len] = '\0';
        }
        t->text_nul_ok = tok->text[tok->len] == '\0';
    }
    return g->n++ == g->stop_at ? g->stop_value : 0;
}

static struct prs_analyzer *new_analyzer(void)
{
    struct prs_err err = {0};
    struct prs_analyzer *a = prs_analyzer_new(&err);
    if (!a)
        fail_msg("prs_analyzer_new: %s", err.msg);
    return a;
}

/* ---- Expected tokens ------------------------------------------------ */

enum { F_PART = PRS_TOKF_PART, F_JOIN = PRS_TOKF_JOINED,
       F_COLON = PRS_TOKF_COLON_SUFFIX };
enum { K_WORD = PRS_TOK_WORD, K_NUM = PRS_TOK_NUMBER };

struct want {
    const char *text; /* NULL ends a list */
    int kind;
    unsigned flags;
    long pos, start, end; /* -1: not checked */
    const char *stem;     /* NULL: not checked */
};

/* A word or number with no flags, only its text and kind checked. */
#define W(t) {t, K_WORD, 0, -1, -1, -1, NULL}
#define N(t) {t, K_NUM, 0, -1, -1, -1, NULL}
/* An empty token list. */
#define NONE {NULL, 0, 0, -1, -1, -1, NULL}
/* Everything checked but the stem. */
#define T(t, kind, flags, pos, start, end) {t, kind, flags, pos, start, end, NULL}
/* Everything checked. */
#define TS(t, kind, flags, pos, start, end, stem) \
    {t, kind, flags, pos, start, end, stem}

#define MAX_WANT 12

struct tcase {
    const char *input;
    size_t len; /* explicit: some inputs hold NUL bytes */
    struct want want[MAX_WANT];
};

#define IN(lit) lit, sizeof(lit) - 1

/* Prints s with non-printable bytes escaped, for failure messages. */
static void print_escaped(const char *label, const char *s, size_t len)
{
    char buf[512];
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < sizeof buf; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            buf[o++] = (char)c;
        } else {
            int w = snprintf(buf + o, sizeof buf - o, "\\x%02X", c);
            o += (size_t)w;
        }
    }
    buf[o < sizeof buf ? o : sizeof buf - 1] = '\0';
    print_message("%s\"%s\"\n", label, buf);
}

static void print_got(const struct got *g)
{
    for (size_t i = 0; i < g->n && i < MAX_GOT; i++) {
        const struct got_tok *t = &g->t[i];
        print_message("  got[%zu] \"%s\" stem \"%s\" kind %d flags %u pos %u"
                      " [%zu,%zu)\n", i, t->text, t->stem, t->kind, t->flags,
                      t->pos, t->start, t->end);
    }
}

static int want_matches(const struct want *w, const struct got_tok *t)
{
    return strcmp(w->text, t->text) == 0 && w->kind == t->kind &&
           w->flags == t->flags && (w->pos < 0 || (uint32_t)w->pos == t->pos) &&
           (w->start < 0 || (size_t)w->start == t->start) &&
           (w->end < 0 || (size_t)w->end == t->end) &&
           (!w->stem || strcmp(w->stem, t->stem) == 0);
}

/* Checks the properties every token has, whatever the input. */
static void check_invariants(const struct got *g, size_t input_len)
{
    assert_true(g->all_valid);
    assert_true(g->n <= MAX_GOT);
    for (size_t i = 0; i < g->n; i++) {
        const struct got_tok *t = &g->t[i];
        assert_true(t->len > 0);
        assert_true(t->text_nul_ok);
        assert_true(t->start < t->end && t->end <= input_len);
        /* Only words carry variants; only words with diacritics a
         * folded form, and it differs from the word. */
        if (t->kind != K_WORD)
            assert_int_equal(t->nvariants, 0);
        assert_true(t->nfolded <= 1);
        if (t->nfolded == 1)
            assert_string_not_equal(t->folded, t->text);
        if (t->kind == K_NUM)
            assert_string_equal(t->stem, t->text);
    }
}

static void run_case(struct prs_analyzer *a, const struct tcase *c)
{
    struct got g;
    got_init(&g);
    int rc = prs_analyzer_run(a, c->input, c->len, 0, collect, &g, NULL);
    assert_int_equal(rc, 0);
    size_t nwant = 0;
    while (nwant < MAX_WANT && c->want[nwant].text)
        nwant++;
    int ok = g.n == nwant;
    for (size_t i = 0; ok && i < nwant; i++)
        ok = want_matches(&c->want[i], &g.t[i]);
    if (!ok) {
        print_escaped("input: ", c->input, c->len);
        for (size_t i = 0; i < nwant; i++)
            print_message("  want[%zu] \"%s\" kind %d flags %u pos %ld"
                          " [%ld,%ld) stem %s\n", i, c->want[i].text,
                          c->want[i].kind, c->want[i].flags, c->want[i].pos,
                          c->want[i].start, c->want[i].end,
                          c->want[i].stem ? c->want[i].stem : "-");
        print_got(&g);
        fail_msg("token list differs");
    }
    check_invariants(&g, c->len);
}

static void run_table(const struct tcase *cases, size_t n)
{
    struct prs_analyzer *a = new_analyzer();
    for (size_t i = 0; i < n; i++)
        run_case(a, &cases[i]);
    prs_analyzer_free(a);
}

#define RUN_TABLE(t) run_table(t, sizeof(t) / sizeof((t)[0]))

/* ---- Tokenisation tables -------------------------------------------- */

static void words_positions_and_offsets(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("Regeringen fattar beslut"),
         {TS("regeringen", K_WORD, 0, 0, 0, 10, "regering"),
          T("fattar", K_WORD, 0, 1, 11, 17),
          TS("beslut", K_WORD, 0, 2, 18, 24, "beslut")}},
        {IN("  Åtgärderna, myndigheterna!"),
         {TS("åtgärderna", K_WORD, 0, 0, 2, 14, "åtgärd"),
          TS("myndigheterna", K_WORD, 0, 1, 16, 29, "mynd")}},
        {IN(""), {NONE}},
        {IN(" ,.;:!? \t\n-–—"), {NONE}},
        {IN("Ελλάδα och Kyiv"), {W("ελλάδα"), W("och"), W("kyiv")}},
    };
    RUN_TABLE(cases);
}

static void colon_genitive_is_cut(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("JO:s beslut"),
         {TS("jo", K_WORD, F_COLON, 0, 0, 4, "jo"),
          T("beslut", K_WORD, 0, 1, 5, 11)}},
        {IN("enligt EU:s regler"),
         {T("enligt", K_WORD, 0, 0, 0, 6), T("eu", K_WORD, F_COLON, 1, 7, 11),
          T("regler", K_WORD, 0, 2, 12, 18)}},
        {IN("IVO:s tillsyn"),
         {T("ivo", K_WORD, F_COLON, 0, 0, 5), T("tillsyn", K_WORD, 0, 1, 6, 13)}},
        {IN("VD:n"), {T("vd", K_WORD, F_COLON, 0, 0, 4)}},
        {IN("EU:ns"), {T("eu", K_WORD, F_COLON, 0, 0, 5)}},
        {IN("SVT:s och FN:s."),
         {T("svt", K_WORD, F_COLON, 0, 0, 5), T("och", K_WORD, 0, 1, 6, 9),
          T("fn", K_WORD, F_COLON, 2, 10, 14)}},
        {IN("jo:s"), {T("jo", K_WORD, F_COLON, 0, 0, 4)}},
        /* Ordinals: "1:a maj", "3:e plats". */
        {IN("1:a maj"),
         {T("1", K_NUM, F_COLON, 0, 0, 3), T("maj", K_WORD, 0, 1, 4, 7)}},
        {IN("3:e"), {T("3", K_NUM, F_COLON, 0, 0, 3)}},
        /* Letters are counted, not bytes: "ån" is two letters. */
        {IN("EU:ån"), {T("eu", K_WORD, F_COLON, 0, 0, 6)}},
        /* Not an inflection: upper case, four letters, a word follows. */
        {IN("JO:S"), {T("jo", K_WORD, 0, 0, 0, 2), T("s", K_WORD, 0, 1, 3, 4)}},
        {IN("EU:sätt"), {W("eu"), W("sätt")}},
        {IN("mail:info"), {W("mail"), W("info")}},
        {IN("Kontakt:Anna"), {W("kontakt"), W("anna")}},
        {IN("EU:s2"), {W("eu"), W("s2")}},
        {IN(":s"), {T("s", K_WORD, 0, 0, 1, 2)}},
        /* Markdown mail links: the address is no inflection. */
        {IN("mailto:ud@gov.se"), {W("mailto"), W("ud"), W("gov"), W("se")}},
        {IN("mailto:the.name@x.se"),
         {W("mailto"), W("the"), W("name"), W("x"), W("se")}},
        /* An inflection ends the word; a hyphen after it separates. */
        {IN("EU:s-ordförande"),
         {T("eu", K_WORD, F_COLON, 0, 0, 4),
          T("ordförande", K_WORD, 0, 1, 5, 16)}},
    };
    RUN_TABLE(cases);
}

static void hyphenated_words_give_parts_and_joined(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("EST-effektiv samordning"),
         {TS("est", K_WORD, F_PART, 0, 0, 3, "est"),
          TS("effektiv", K_WORD, F_PART, 1, 4, 12, "effektiv"),
          TS("est-effektiv", K_WORD, F_JOIN, 0, 0, 12, "est-effektiv"),
          T("samordning", K_WORD, 0, 2, 13, 23)}},
        {IN("EU-kommissionen"),
         {TS("eu", K_WORD, F_PART, 0, 0, 2, "eu"),
          TS("kommissionen", K_WORD, F_PART, 1, 3, 15, "kommission"),
          TS("eu-kommissionen", K_WORD, F_JOIN, 0, 0, 15, "eu-kommission")}},
        {IN("2018-2022"),
         {T("2018", K_NUM, F_PART, 0, 0, 4), T("2022", K_NUM, F_PART, 1, 5, 9),
          TS("2018-2022", K_NUM, F_JOIN, 0, 0, 9, "2018-2022")}},
        {IN("070-687 12 34"),
         {T("070", K_NUM, F_PART, 0, 0, 3), T("687", K_NUM, F_PART, 1, 4, 7),
          T("070-687", K_NUM, F_JOIN, 0, 0, 7), T("12", K_NUM, 0, 2, 8, 10),
          T("34", K_NUM, 0, 3, 11, 13)}},
        {IN("Covid-19-vaccin ges"),
         {T("covid", K_WORD, F_PART, 0, 0, 5), T("19", K_NUM, F_PART, 1, 6, 8),
          T("vaccin", K_WORD, F_PART, 2, 9, 15),
          T("covid-19-vaccin", K_WORD, F_JOIN, 0, 0, 15),
          T("ges", K_WORD, 0, 3, 16, 19)}},
        /* U+2010 and U+2011 join too and are written '-' in the joined
         * text; the offsets still count their three bytes. */
        {IN("EST\xE2\x80\x90" "effektiv"),
         {T("est", K_WORD, F_PART, 0, 0, 3),
          T("effektiv", K_WORD, F_PART, 1, 6, 14),
          T("est-effektiv", K_WORD, F_JOIN, 0, 0, 14)}},
        {IN("EST\xE2\x80\x91" "effektiv"),
         {T("est", K_WORD, F_PART, 0, 0, 3),
          T("effektiv", K_WORD, F_PART, 1, 6, 14),
          T("est-effektiv", K_WORD, F_JOIN, 0, 0, 14)}},
        /* A hyphen at a word's edge separates. */
        {IN("rök- och gasfyllda"),
         {T("rök", K_WORD, 0, 0, 0, 4), T("och", K_WORD, 0, 1, 6, 9),
          T("gasfyllda", K_WORD, 0, 2, 10, 19)}},
        {IN("-5 grader"), {T("5", K_NUM, 0, 0, 1, 2), W("grader")}},
        {IN("a--b"), {W("a"), W("b")}},
        /* The en dash is a separator. */
        {IN("2018\xE2\x80\x93" "2022"),
         {T("2018", K_NUM, 0, 0, 0, 4), T("2022", K_NUM, 0, 1, 7, 11)}},
        /* An inflection on the last part covers the joined token too. */
        {IN("covid-19:s"),
         {T("covid", K_WORD, F_PART, 0, 0, 5),
          T("19", K_NUM, F_PART | F_COLON, 1, 6, 10),
          T("covid-19", K_WORD, F_JOIN | F_COLON, 0, 0, 10)}},
        {IN("Å-ÄÖ"),
         {T("å", K_WORD, F_PART, 0, 0, 2), T("äö", K_WORD, F_PART, 1, 3, 7),
          T("å-äö", K_WORD, F_JOIN, 0, 0, 7)}},
    };
    RUN_TABLE(cases);
}

static void soft_hyphen_and_spaces(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        /* U+00AD does not split: folding removes it. */
        {IN("skydds\xC2\xAD" "masker"),
         {TS("skyddsmasker", K_WORD, 0, 0, 0, 14, "skyddsmask")}},
        {IN("\xC2\xAD" "ord\xC2\xAD"), {T("ord", K_WORD, 0, 0, 2, 5)}},
        /* U+00A0 and the other spaces separate like ' '. */
        {IN("20\xC2\xA0" "000"),
         {T("20", K_NUM, 0, 0, 0, 2), T("000", K_NUM, 0, 1, 4, 7)}},
        {IN("20 000"),
         {T("20", K_NUM, 0, 0, 0, 2), T("000", K_NUM, 0, 1, 3, 6)}},
        {IN("Norrköpings\xC2\xA0kommun"),
         {T("norrköpings", K_WORD, 0, 0, 0, 12),
          T("kommun", K_WORD, 0, 1, 14, 20)}},
        /* U+200B is a space although Unicode calls it ignorable. */
        {IN("ett\xE2\x80\x8Btv\xC3\xA5"),
         {T("ett", K_WORD, 0, 0, 0, 3), T("två", K_WORD, 0, 1, 6, 10)}},
        {IN("ett\xE2\x80\x89tv\xC3\xA5\xE2\x80\xAFtre\xE3\x80\x80" "fyra"),
         {W("ett"), W("två"), W("tre"), W("fyra")}},
        {IN("rad\tett\r\nrad"), {W("rad"), W("ett"), W("rad")}},
        /* Apostrophes separate. */
        {IN("Macy's"), {W("macy"), W("s")}},
        {IN("l\xE2\x80\x99hotel"),
         {T("l", K_WORD, 0, 0, 0, 1), T("hotel", K_WORD, 0, 1, 4, 9)}},
    };
    RUN_TABLE(cases);
}

static void normalisation_and_case_folding(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        /* NFD input is composed: a + U+030A is å. */
        {IN("a\xCC\x8A"), {T("å", K_WORD, 0, 0, 0, 3)}},
        {IN("ga\xCC\x8Ava"), {T("gåva", K_WORD, 0, 0, 0, 6)}},
        {IN("A\xCC\x8AR"), {T("år", K_WORD, 0, 0, 0, 4)}},
        {IN("e\xCC\x81"), {W("é")}},
        /* A mark cannot start a token. */
        {IN("\xCC\x8A" "abc"), {T("abc", K_WORD, 0, 0, 2, 5)}},
        {IN("ÅÄÖ"), {T("åäö", K_WORD, 0, 0, 0, 6)}},
        {IN("MALMÖ Über École"), {W("malmö"), W("über"), W("école")}},
        {IN("Straße"), {W("strasse")}},
        {IN("\xE2\x84\xAA" "ELVIN"), {W("kelvin")}}, /* U+212A */
        {IN("ΕΛΛΆΔΑ"), {W("ελλάδα")}},
    };
    RUN_TABLE(cases);
}

/* Words of ASCII and U+00C0..U+00FF letters are folded without utf8proc
 * (analyzer.c, latin1_lower): each such letter, alone and inside a word,
 * in a token folds as prs_analyzer_fold() does through utf8proc. */
static void latin1_letters_fold_as_utf8proc_does(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_analyzer *a = prs_analyzer_new(&err);
    assert_non_null(a);
    for (unsigned cp = 0x41; cp <= 0xFF; cp++) {
        char word[16];
        if (cp < 0x80)
            snprintf(word, sizeof word, "X%cy", (char)cp);
        else
            snprintf(word, sizeof word, "X%c%cy", (char)(0xC0 | cp >> 6),
                     (char)(0x80 | (cp & 0x3F)));
        struct got g;
        got_init(&g);
        assert_int_equal(prs_analyzer_run(a, word, strlen(word), 0, collect,
                                          &g, NULL), 0);
        if (g.n != 1)
            continue; /* not a letter: the word splits there */
        char token[PRS_TOKEN_MAX_BYTES + 1];
        strcpy(token, g.t[0].text);
        size_t len = 0;
        const char *folded = prs_analyzer_fold(a, word, strlen(word), &len);
        assert_non_null(folded);
        if (strcmp(token, folded) != 0)
            fail_msg("U+%04X: token \"%s\", utf8proc \"%s\"", cp, token,
                     folded);
    }
    prs_analyzer_free(a);
}

static void invalid_utf8_separates(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("skydds\xFFmasker"),
         {T("skydds", K_WORD, 0, 0, 0, 6), T("masker", K_WORD, 0, 1, 7, 13)}},
        {IN("abc\x80" "def"), {W("abc"), W("def")}},
        {IN("ord\xC3"), {T("ord", K_WORD, 0, 0, 0, 3)}},
        {IN("sk\xC3\xA5\xFF" "dd"),
         {T("skå", K_WORD, 0, 0, 0, 4), T("dd", K_WORD, 0, 1, 5, 7)}},
        /* Truncated sequence: the lead byte goes, the next byte stays. */
        {IN("a\xE2\x82z"), {W("a"), T("z", K_WORD, 0, 1, 3, 4)}},
        /* Overlong '/', a surrogate, past U+10FFFF. */
        {IN("\xC0\xAFx"), {T("x", K_WORD, 0, 0, 2, 3)}},
        {IN("a\xED\xA0\x80" "b"), {W("a"), T("b", K_WORD, 0, 1, 4, 5)}},
        {IN("\xF4\x90\x80\x80z"), {T("z", K_WORD, 0, 0, 4, 5)}},
        /* Invalid bytes cannot join hyphenated or colon words either. */
        {IN("EU\xFF:s"), {W("eu"), W("s")}},
        {IN("a\xC3-b"), {W("a"), W("b")}},
        /* NUL separates. */
        {IN("a\0b"), {T("a", K_WORD, 0, 0, 0, 1), T("b", K_WORD, 0, 1, 2, 3)}},
        {IN("\xE2\x82\xAC 5"), {T("5", K_NUM, 0, 0, 4, 5)}}, /* € is a symbol */
    };
    RUN_TABLE(cases);
}

static void numbers(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("3,5 procent"),
         {TS("3,5", K_NUM, 0, 0, 0, 3, "3,5"), W("procent")}},
        {IN("kl. 12:30"), {W("kl"), T("12:30", K_NUM, 0, 1, 4, 9)}},
        {IN("1.5"), {N("1.5")}},
        {IN("192.168.0.1"), {N("192.168.0.1")}},
        {IN("år 2020."), {W("år"), T("2020", K_NUM, 0, 1, 4, 8)}},
        {IN("1,2,3"), {N("1,2,3")}},
        {IN("1.a"), {N("1"), W("a")}},
        {IN("2026-01-20"),
         {T("2026", K_NUM, F_PART, 0, 0, 4), T("01", K_NUM, F_PART, 1, 5, 7),
          T("20", K_NUM, F_PART, 2, 8, 10),
          TS("2026-01-20", K_NUM, F_JOIN, 0, 0, 10, "2026-01-20")}},
        /* Letters and digits together make a word. */
        {IN("co2 A4 v1.2"), {W("co2"), W("a4"), W("v1.2")}},
        {IN("covid-19"),
         {T("covid", K_WORD, F_PART, 0, 0, 5), T("19", K_NUM, F_PART, 1, 6, 8),
          T("covid-19", K_WORD, F_JOIN, 0, 0, 8)}},
    };
    RUN_TABLE(cases);
}

static void urls_and_mail(void **state)
{
    (void)state;
    static const struct tcase cases[] = {
        {IN("https://www.regeringen.se/press"),
         {W("https"), W("www"), W("regeringen"), W("se"), W("press")}},
        {IN("info@msb.se"), {W("info"), W("msb"), W("se")}},
        /* Markdown link: the words before the URL stay. */
        {IN("[Läs mer](https://www.msb.se/)"),
         {W("läs"), W("mer"), W("https"), W("www"), W("msb"), W("se")}},
    };
    RUN_TABLE(cases);
}

/* ---- Long tokens and blobs (built at run time) ---------------------- */

static void run_built(struct prs_analyzer *a, const struct prs_buf *b,
                      struct got *g)
{
    got_init(g);
    assert_int_equal(prs_analyzer_run(a, b->data, b->len, 0, collect, g, NULL),
                     0);
    check_invariants(g, b->len);
}

static void build(struct prs_buf *b, const char *pre, const char *rep,
                  size_t n, const char *post)
{
    prs_buf_reset(b);
    assert_int_equal(prs_buf_puts(b, pre), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(prs_buf_puts(b, rep), 0);
    assert_int_equal(prs_buf_puts(b, post), 0);
}

static void long_tokens_are_dropped_without_position(void **state)
{
    (void)state;
    struct prs_analyzer *a = new_analyzer();
    struct prs_buf b = {0};
    struct got g;

    build(&b, "kort ", "a", PRS_TOKEN_MAX_BYTES, " ord");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.t[1].len, PRS_TOKEN_MAX_BYTES);

    build(&b, "kort ", "a", PRS_TOKEN_MAX_BYTES + 1, " ord");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.t[1].text, "ord");
    assert_int_equal(g.t[1].pos, 1);

    /* The limit is on folded bytes: 32 å fit, 33 do not. */
    build(&b, "", "\xC3\x85", PRS_TOKEN_MAX_BYTES / 2, "");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 1);
    build(&b, "", "\xC3\x85", PRS_TOKEN_MAX_BYTES / 2 + 1, " ord");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.t[0].text, "ord");
    assert_int_equal(g.t[0].pos, 0);

    /* Soft hyphens do not count: they are gone after folding. */
    build(&b, "", "a\xC2\xAD", PRS_TOKEN_MAX_BYTES, "");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.t[0].len, PRS_TOKEN_MAX_BYTES);

    /* Parts are kept; the joined word, too long, is not. */
    build(&b, "", "a", 40, "-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb nu");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.t[0].flags, F_PART);
    assert_int_equal(g.t[1].flags, F_PART);
    assert_string_equal(g.t[2].text, "nu");
    assert_int_equal(g.t[2].pos, 2);

    /* A part too long drops only itself (and the joined word). */
    build(&b, "x-", "a", 100, "-y");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.t[0].text, "x");
    assert_string_equal(g.t[1].text, "y");
    assert_int_equal(g.t[1].pos, 1);

    /* A huge word costs no huge buffer and gives nothing. */
    build(&b, "", "\xC3\xA5", 100000, "");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 0);

    prs_buf_free(&b);
    prs_analyzer_free(a);
}

/* The start of the inline PNG in the corpus (ny-rapport-om-den-offentliga-
 * sektorns-betydelse-for-ekonomisk-utveckling.md): '/' and '+' would cut it
 * into short garbage tokens if it were not recognised as a blob. */
static const char png[] =
    "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAACXBIWXMAAA7EAAAOxAGV"
    "Kw4bAAAAIGNIUk0AAHolAACAgwAA+f8AAIDpAAB1MAAA6mAAADqYAAAXb5JfxUYAAAKL"
    "SURBVHjadJPfS5NhFMe/21xvuhXRyJAZroiSrJnbRdT7vrAf5HBaK5RABmEEwQIvkpZ/";

static void base64_blob_is_dropped(void **state)
{
    (void)state;
    struct prs_analyzer *a = new_analyzer();
    struct prs_buf b = {0};
    struct got g;

    build(&b, "bild ![](data:image/png;base64,", png, 1, ") slut");
    run_built(a, &b, &g);
    const char *want[] = {"bild", "data", "image", "png", "base64", "slut"};
    assert_int_equal(g.n, 6);
    for (size_t i = 0; i < g.n; i++) {
        assert_string_equal(g.t[i].text, want[i]);
        assert_int_equal(g.t[i].pos, i);
    }

    /* A blob after a hyphen is not joined to the word before it. */
    build(&b, "x-", png, 1, "");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.t[0].text, "x");
    assert_int_equal(g.t[0].flags, 0);

    /* Long slash lists of words without digits are not blobs. */
    build(&b, "", "Justitiedepartementet/Socialdepartementet/", 2, "");
    run_built(a, &b, &g);
    assert_int_equal(g.n, 4);

    prs_buf_free(&b);
    prs_analyzer_free(a);
}

/* ---- Run's contract: positions, stop values, reuse ------------------ */

static void first_and_next_positions(void **state)
{
    (void)state;
    struct prs_analyzer *a = new_analyzer();
    struct got g;
    uint32_t next = 0;

    got_init(&g);
    const char *text = "EU-kommissionen föreslår nya regler";
    assert_int_equal(prs_analyzer_run(a, text, strlen(text), 100, collect, &g,
                                      &next), 0);
    assert_int_equal(g.n, 6); /* eu, kommissionen, joined, + 3 words */
    assert_int_equal(g.t[0].pos, 100);
    assert_int_equal(g.t[1].pos, 101);
    assert_int_equal(g.t[2].pos, 100); /* joined */
    assert_int_equal(g.t[3].pos, 102);
    assert_int_equal(g.t[5].pos, 104);
    assert_int_equal(next, 105);

    /* No tokens: next_pos is first_pos. */
    got_init(&g);
    next = 0;
    assert_int_equal(prs_analyzer_run(a, " -- ", 4, 7, collect, &g, &next), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(next, 7);
    assert_int_equal(prs_analyzer_run(a, NULL, 0, 9, collect, &g, &next), 0);
    assert_int_equal(next, 9);

    /* next_pos may be NULL; bad arguments are refused. */
    assert_int_equal(prs_analyzer_run(a, "ord", 3, 0, collect, &g, NULL), 0);
    assert_int_equal(prs_analyzer_run(a, NULL, 3, 0, collect, &g, NULL),
                     PRS_E_BADARG);
    assert_int_equal(prs_analyzer_run(a, "ord", 3, 0, NULL, &g, NULL),
                     PRS_E_BADARG);
    prs_analyzer_free(a);
}

static void callback_stop_value_is_returned(void **state)
{
    (void)state;
    struct prs_analyzer *a = new_analyzer();
    const char *text = "ett två tre fyra";
    static const int values[] = {42, -99, 1};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        struct got g;
        uint32_t next = 0;
        got_init(&g);
        g.stop_at = 1;
        g.stop_value = values[k];
        int rc = prs_analyzer_run(a, text, strlen(text), 10, collect, &g,
                                  &next);
        assert_int_equal(rc, values[k]);
        assert_int_equal(g.n, 2); /* no token after the stop */
        assert_int_equal(next, 12);
    }
    /* Stopping at a joined token stops before the next word. */
    struct got g;
    got_init(&g);
    g.stop_at = 2;
    g.stop_value = 5;
    assert_int_equal(prs_analyzer_run(a, "EST-effektiv arbete", 19, 0,
                                      collect, &g, NULL), 5);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.t[2].flags, F_JOIN);
    prs_analyzer_free(a);
}

/* Every token of messy input is valid, folded UTF-8 within the limits,
 * however the invalid bytes fall. */
static void terms_are_always_valid_utf8(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "Skydds", "\xC2\xAD", "masker", "\xFF", "\xC3", "\xA5", "\xE2\x80",
        "\x90", "-", ":", "s", "EU", "\xCC\x8A", "1", ",", "5", "\x80",
        "\xF0\x9F\x98", "\x80", " ", "\xC2\xA0", "\xED\xA0\x80", "\xC0\xAF",
    };
    enum { NP = sizeof pieces / sizeof pieces[0] };
    struct prs_analyzer *a = new_analyzer();
    struct prs_buf b = {0};
    /* Every ordered triple of pieces. */
    for (size_t i = 0; i < NP; i++)
        for (size_t j = 0; j < NP; j++)
            for (size_t k = 0; k < NP; k++) {
                struct got g;
                prs_buf_reset(&b);
                assert_int_equal(prs_buf_puts(&b, pieces[i]), 0);
                assert_int_equal(prs_buf_puts(&b, pieces[j]), 0);
                assert_int_equal(prs_buf_puts(&b, pieces[k]), 0);
                run_built(a, &b, &g);
                for (size_t t = 0; t < g.n; t++)
                    for (size_t c = 0; c < g.t[t].len; c++)
                        assert_false(g.t[t].text[c] >= 'A' &&
                                     g.t[t].text[c] <= 'Z');
            }
    prs_buf_free(&b);
    prs_analyzer_free(a);
}

/* The seed release as copied from a press room, U+00A0 and all. */
/* The press-room page dump's release (malloc'ed), a long real text. */
static char *read_seed(size_t *len)
{
    const char *path = PRS_SHARED_DIR "/corpus/seed/norrkoping-klockaretorpet.txt";
    struct prs_err err = {0};
    char *text = prs_read_file(path, 1 << 20, len, &err);
    if (!text)
        fail_msg("%s", err.msg);
    return text;
}

static void seed_release_tokenises_cleanly(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = read_seed(&len);
    struct prs_analyzer *a = new_analyzer();
    static struct got g; /* large: keep it off the stack */
    got_init(&g);
    uint32_t next = 0;
    assert_int_equal(prs_analyzer_run(a, text, len, 0, collect, &g, &next), 0);
    assert_true(g.all_valid);
    assert_true(g.n > 500);
    /* Tokens are in text order; every positioned one takes the next
     * position, and no text holds a space of any kind. */
    int saw_est = 0;
    uint32_t pos = 0;
    for (size_t i = 0; i < g.n && i < MAX_GOT; i++) {
        const struct got_tok *t = &g.t[i];
        assert_null(strstr(t->text, "\xC2\xA0"));
        assert_null(strchr(t->text, ' '));
        if (!(t->flags & F_JOIN))
            assert_int_equal(t->pos, pos++);
        if (strcmp(t->text, "est-effektiv") == 0)
            saw_est = 1;
    }
    assert_true(saw_est);
    assert_true(next >= pos);
    free(text);
    prs_analyzer_free(a);
}

/* A lazy run hands over bare tokens; completing each gives exactly the
 * token of a full run with the same other flags. */
struct lazy {
    struct prs_analyzer *a;
    unsigned flags;
    struct got *g;
    int bare; /* every token came without stem, variants or stop flag */
};

static int complete_and_collect(const struct prs_token *tok, void *ctx)
{
    struct lazy *l = ctx;
    if (tok->stem || tok->stem_len || tok->nvariants ||
        (tok->flags & PRS_TOKF_STOP))
        l->bare = 0;
    struct prs_token full = *tok;
    int rc = prs_analyzer_complete(l->a, &full, l->flags);
    return rc ? rc : collect(&full, l->g);
}

static void lazy_run_completes_to_the_full_run(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = read_seed(&len);
    struct prs_analyzer *a = new_analyzer();
    static struct got full, lazy; /* large: keep them off the stack */
    const unsigned flag_sets[] = {0, PRS_RUN_NO_LEXICON};
    for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
        got_init(&full);
        got_init(&lazy);
        assert_int_equal(prs_analyzer_run_flags(a, text, len, 0, flag_sets[f],
                                                collect, &full, NULL), 0);
        struct lazy l = {a, flag_sets[f], &lazy, 1};
        assert_int_equal(prs_analyzer_run_flags(a, text, len, 0,
                                                flag_sets[f] | PRS_RUN_LAZY,
                                                complete_and_collect, &l, NULL),
                         0);
        assert_true(l.bare);
        assert_true(full.all_valid && lazy.all_valid);
        assert_true(full.n > 500);
        assert_int_equal(lazy.n, full.n);
        for (size_t i = 0; i < full.n && i < MAX_GOT; i++)
            if (memcmp(&lazy.t[i], &full.t[i], sizeof full.t[i]) != 0)
                fail_msg("token %zu differs: '%s' (stem '%s') vs '%s' (stem '%s')",
                         i, lazy.t[i].text, lazy.t[i].stem, full.t[i].text,
                         full.t[i].stem);
    }
    free(text);
    prs_analyzer_free(a);
}

/* prs_analyzer_lexicon_variants() gives a token the lemmas and compound
 * parts prs_analyzer_complete() gives it, in the same order. */
struct lexicon_check {
    struct prs_analyzer *a;
    size_t tokens, with_variants;
    bool differ;
};

static int compare_lexicon_variants(const struct prs_token *tok, void *ctx)
{
    struct lexicon_check *c = ctx;
    struct prs_token alone = *tok, full = *tok;
    prs_analyzer_lexicon_variants(c->a, &alone);
    /* Copied out: both calls share the analyzer's variant buffers. */
    struct prs_variant got[PRS_MAX_VARIANTS];
    char texts[PRS_MAX_VARIANTS][PRS_TOKEN_MAX_BYTES + 1];
    size_t n = alone.nvariants;
    for (size_t i = 0; i < n; i++) {
        got[i] = alone.variants[i];
        snprintf(texts[i], sizeof texts[i], "%.*s", (int)got[i].len,
                 got[i].text);
    }
    if (prs_analyzer_complete(c->a, &full, 0) != 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < full.nvariants; i++) {
        const struct prs_variant *v = &full.variants[i];
        if (v->kind == PRS_VAR_FOLDED)
            continue;
        if (k >= n || got[k].kind != v->kind || got[k].len != v->len ||
            v->len >= sizeof texts[k] ||
            memcmp(texts[k], v->text, v->len) != 0)
            c->differ = true;
        k++;
    }
    c->differ |= k != n;
    c->tokens++;
    c->with_variants += n > 0;
    return 0;
}

static void lexicon_variants_are_those_of_a_full_completion(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = read_seed(&len);
    struct prs_analyzer *a = new_analyzer();
    struct lexicon_check c = {.a = a};
    const char *extra = "tullmötet undervattenskablar lägenheten 2024 och";
    assert_int_equal(prs_analyzer_run_flags(a, text, len, 0, PRS_RUN_LAZY,
                                            compare_lexicon_variants, &c, NULL),
                     0);
    assert_int_equal(prs_analyzer_run_flags(a, extra, strlen(extra), 0,
                                            PRS_RUN_LAZY,
                                            compare_lexicon_variants, &c, NULL),
                     0);
    assert_false(c.differ);
    assert_true(c.tokens > 500);
    assert_true(c.with_variants > 50);
    free(text);
    prs_analyzer_free(a);
}

/* ---- prs_analyzer_run_some() ---------------------------------------- */

/* Whether t passes a filter of the prefixes exact[] and folded[]. */
static bool passes(const struct got_tok *t, const char *const *exact,
                   size_t nexact, const char *const *folded, size_t nfolded)
{
    for (size_t i = 0; i < nexact; i++)
        if (strncmp(t->text, exact[i], strlen(exact[i])) == 0)
            return true;
    for (size_t i = 0; i < nfolded; i++)
        if (t->nfolded && strncmp(t->folded, folded[i], strlen(folded[i])) == 0)
            return true;
    return false;
}

/* Runs text through prs_analyzer_run_some() with the prefixes, into some;
 * every token of all (the whole run) that passes must be among them,
 * with its offsets, text and flags, in text order. */
static void check_some(struct prs_analyzer *a, const char *text, size_t len,
                       const struct got *all, const char *const *exact,
                       size_t nexact, const char *const *folded,
                       size_t nfolded, struct got *some)
{
    struct prs_token_filter *f = prs_token_filter_new();
    assert_non_null(f);
    for (size_t i = 0; i < nexact; i++)
        assert_int_equal(prs_token_filter_add(f, exact[i], strlen(exact[i])), 0);
    for (size_t i = 0; i < nfolded; i++)
        assert_int_equal(
            prs_token_filter_add_folded(f, folded[i], strlen(folded[i])), 0);
    got_init(some);
    assert_int_equal(prs_analyzer_run_some(a, text, len, PRS_RUN_NO_LEXICON,
                                           f, collect, some),
                     0);
    prs_token_filter_free(f);
    size_t k = 0;
    for (size_t i = 0; i < all->n && i < MAX_GOT; i++) {
        const struct got_tok *t = &all->t[i];
        if (!passes(t, exact, nexact, folded, nfolded))
            continue;
        while (k < some->n && !(some->t[k].start == t->start &&
                                some->t[k].end == t->end &&
                                strcmp(some->t[k].text, t->text) == 0 &&
                                some->t[k].flags == t->flags))
            k++;
        if (k == some->n)
            fail_msg("'%s' at %zu passes ('%s'...) but was skipped", t->text,
                     t->start, nexact ? exact[0] : folded[0]);
    }
}

/* Whatever the text, no token that passes the filter is skipped: the
 * tokeniser's edges (hyphens, inflections, numbers, blobs, ignorables,
 * marks, Latin-1 case and folds) and a whole release, with filters made
 * from the text's own tokens. */
static void filtered_run_skips_no_passing_token(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "EST-effektiv och EST\xE2\x80\x90" "effektiv, JO:s VD:n 1:a 3,5 "
        "12:30 co2 covid-19 rök- och \xE2\x80\x93 tal",
        "MALMÖ Malmö ÅKLAGARE Ærø CAFÉ naïve Øresund STRAßE ÿ Þorn ðe "
        "É-post e-POST",
        "skydds\xC2\xAD" "masker NBSP\xC2\xA0ord noll\xE2\x80\x8B" "bredd "
        "a\xCC\x88r \xC3\x97x\xC3\xB7y \xC2\xAB" "citat\xC2\xBB Macy's "
        "mailto:ud@gov.se http://regeringen.se/a-b",
        "(Sverige) [Norge] /Finland/ \"Danmark\" -Island- ...x,y:z",
        "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ1"
        "ZZ9xéskola och sedan skola",
        "ordsomärlängreänsextiofyrabytesochdärförskafaktisktinteblienttokenalls "
        "kort",
    };
    struct prs_analyzer *a = new_analyzer();
    static struct got all, some; /* large: keep them off the stack */
    size_t seed_len = 0;
    char *seed = read_seed(&seed_len);
    for (size_t t = 0; t <= sizeof texts / sizeof *texts; t++) {
        bool is_seed = t == sizeof texts / sizeof *texts;
        const char *text = is_seed ? seed : texts[t];
        size_t len = is_seed ? seed_len : strlen(text);
        got_init(&all);
        assert_int_equal(prs_analyzer_run_flags(a, text, len, 0,
                                                PRS_RUN_NO_LEXICON, collect,
                                                &all, NULL),
                         0);
        assert_true(all.all_valid && all.n > 0 && all.n <= MAX_GOT);
        for (size_t i = 0; i < all.n; i += is_seed ? 17 : 1) {
            const struct got_tok *tok = &all.t[i];
            char one[2] = {tok->text[0], '\0'};
            char two[3] = {tok->text[0], tok->text[1], '\0'};
            const char *const exact[] = {tok->text, two, one};
            for (size_t n = 1; n <= 3; n++)
                check_some(a, text, len, &all, exact + 3 - n, 1, NULL, 0,
                           &some);
            if (tok->nfolded) {
                char ffirst[2] = {tok->folded[0], '\0'};
                const char *const folded[] = {tok->folded, ffirst};
                check_some(a, text, len, &all, NULL, 0, folded, 1, &some);
                check_some(a, text, len, &all, NULL, 0, folded + 1, 1, &some);
                check_some(a, text, len, &all, exact, 1, folded, 1, &some);
            }
        }
    }
    free(seed);
    prs_analyzer_free(a);
}

/* What the filter lets pass is all that is tokenised of a plain text. */
static void filtered_run_tokenises_only_what_may_pass(void **state)
{
    (void)state;
    const char *text = "Regeringen har i dag beslutat om en ny strategi "
                       "för Malmö och Göteborg. Beslutet gäller 2025.";
    struct prs_analyzer *a = new_analyzer();
    static struct got all, some;
    got_init(&all);
    assert_int_equal(prs_analyzer_run_flags(a, text, strlen(text), 0,
                                            PRS_RUN_NO_LEXICON, collect, &all,
                                            NULL),
                     0);
    const char *const none[] = {"zz"};
    check_some(a, text, strlen(text), &all, none, 1, NULL, 0, &some);
    assert_int_equal(some.n, 0);
    const char *const beslut[] = {"beslut"};
    check_some(a, text, strlen(text), &all, beslut, 1, NULL, 0, &some);
    assert_int_equal(some.n, 2);
    assert_string_equal(some.t[0].text, "beslutat");
    assert_string_equal(some.t[1].text, "beslutet");
    const char *const malmo[] = {"malmo", "gote"};
    check_some(a, text, strlen(text), &all, NULL, 0, malmo, 2, &some);
    assert_int_equal(some.n, 2);
    assert_string_equal(some.t[0].text, "malmö");
    assert_string_equal(some.t[1].text, "göteborg");
    /* A covered prefix adds nothing; a covering one replaces it. */
    const char *const covered[] = {"beslut", "beslutat", "b"};
    check_some(a, text, strlen(text), &all, covered, 2, NULL, 0, &some);
    assert_int_equal(some.n, 2);
    check_some(a, text, strlen(text), &all, covered, 3, NULL, 0, &some);
    assert_int_equal(some.n, 2);
    prs_analyzer_free(a);
}

/* ---- prs_analyzer_fold() and prs_analyzer_stem() -------------------- */

struct fold_case {
    const char *in;
    size_t len;
    const char *out; /* NULL: must be refused */
};

/* å/ä/ö stay letters of their own, but a word that has them carries its
 * folded form (and folded stem) as a variant, for queries typed without
 * them; ASCII words carry none, so "for" gets no variant and "för" is
 * never indexed as "for". */
static void diacritics_fold_into_a_variant(void **state)
{
    (void)state;
    static const struct {
        const char *in, *text, *folded, *folded_stem;
    } cases[] = {
        {"Malmö", "malmö", "malmo", "malmo"},
        {"tingsrätten", "tingsrätten", "tingsratten", "tingsrat"},
        {"förarlösa", "förarlösa", "forarlosa", "forarlos"},
        {"Återvändandet", "återvändandet", "atervandandet", NULL},
        {"CAFÉ", "café", "cafe", NULL},
        {"Müller", "müller", "muller", NULL},
        {"Søren", "søren", "soren", NULL},
        {"för", "för", "for", "for"},
        {"for", "for", "", NULL},
        {"tingsratt", "tingsratt", "", NULL},
        {"2024", "2024", "", NULL},
    };
    struct prs_analyzer *a = new_analyzer();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct got g;
        got_init(&g);
        assert_int_equal(prs_analyzer_run(a, cases[i].in, strlen(cases[i].in),
                                          0, collect, &g, NULL), 0);
        assert_int_equal(g.n, 1);
        assert_string_equal(g.t[0].text, cases[i].text);
        assert_string_equal(g.t[0].folded, cases[i].folded);
        assert_int_equal(g.t[0].nfolded, cases[i].folded[0] ? 1 : 0);
        if (cases[i].folded_stem)
            assert_string_equal(g.t[0].folded_stem, cases[i].folded_stem);
        check_invariants(&g, strlen(cases[i].in));
    }
    prs_analyzer_free(a);
}

static void fold_whole_labels(void **state)
{
    (void)state;
    static const struct fold_case cases[] = {
        {IN("Norrköpings kommun"), "norrköpings kommun"},
        {IN("A\xCC\x8A" "R"), "år"},
        {IN("skydds\xC2\xAD" "masker"), "skyddsmasker"},
        {IN("EST\xE2\x80\x90" "effektiv"), "est-effektiv"},
        {IN("PRESSMEDDELANDE"), "pressmeddelande"},
        {IN("ÅÄÖ Straße"), "åäö strasse"},
        {IN(""), ""},
        {IN("ord\xFF"), NULL},
        {IN("a\0b"), NULL},
        {IN("\xC3"), NULL},
    };
    struct prs_analyzer *a = new_analyzer();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = 999;
        const char *f = prs_analyzer_fold(a, cases[i].in, cases[i].len, &len);
        if (!cases[i].out) {
            assert_null(f);
            continue;
        }
        assert_non_null(f);
        assert_string_equal(f, cases[i].out);
        assert_int_equal(len, strlen(cases[i].out));
    }

    /* Up to PRS_FOLD_MAX_BYTES after folding, ASCII or not. */
    struct prs_buf b = {0};
    build(&b, "", "A", PRS_FOLD_MAX_BYTES, "");
    assert_non_null(prs_analyzer_fold(a, b.data, b.len, NULL));
    build(&b, "", "A", PRS_FOLD_MAX_BYTES + 1, "");
    assert_null(prs_analyzer_fold(a, b.data, b.len, NULL));
    build(&b, "", "\xC3\x85", PRS_FOLD_MAX_BYTES / 2, "");
    assert_non_null(prs_analyzer_fold(a, b.data, b.len, NULL));
    build(&b, "", "\xC3\x85", PRS_FOLD_MAX_BYTES / 2 + 1, "");
    assert_null(prs_analyzer_fold(a, b.data, b.len, NULL));
    /* Long input that folds short: soft hyphens vanish. */
    build(&b, "ord", "\xC2\xAD", 5000, "");
    size_t len = 0;
    const char *f = prs_analyzer_fold(a, b.data, b.len, &len);
    assert_non_null(f);
    assert_string_equal(f, "ord");
    prs_buf_free(&b);
    prs_analyzer_free(a);
}

static void stem_is_plain_snowball(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"regeringens", "regering"}, {"skyddsmasker", "skyddsmask"},
        {"åtgärderna", "åtgärd"},    {"kommissionen", "kommission"},
        {"est-effektiv", "est-effektiv"}, {"jo:s", "jo:s"}, /* no genitive */
        {"", ""},
    };
    struct prs_analyzer *a = new_analyzer();
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        size_t len = 999;
        const char *s = prs_analyzer_stem(a, pairs[i][0], strlen(pairs[i][0]),
                                          &len);
        assert_non_null(s);
        assert_string_equal(s, pairs[i][1]);
        assert_int_equal(len, strlen(pairs[i][1]));
    }
    assert_non_null(prs_analyzer_stem(a, "\xFF\xC3", 2, NULL));
    prs_analyzer_free(a);
}

static void new_and_free(void **state)
{
    (void)state;
    prs_analyzer_free(NULL);
    struct prs_analyzer *a = new_analyzer();
    assert_null(prs_analyzer_fold(NULL, "a", 1, NULL));
    assert_null(prs_analyzer_stem(NULL, "a", 1, NULL));
    prs_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_positions_and_offsets),
        cmocka_unit_test(colon_genitive_is_cut),
        cmocka_unit_test(hyphenated_words_give_parts_and_joined),
        cmocka_unit_test(soft_hyphen_and_spaces),
        cmocka_unit_test(normalisation_and_case_folding),
        cmocka_unit_test(latin1_letters_fold_as_utf8proc_does),
        cmocka_unit_test(invalid_utf8_separates),
        cmocka_unit_test(numbers),
        cmocka_unit_test(urls_and_mail),
        cmocka_unit_test(long_tokens_are_dropped_without_position),
        cmocka_unit_test(base64_blob_is_dropped),
        cmocka_unit_test(first_and_next_positions),
        cmocka_unit_test(callback_stop_value_is_returned),
        cmocka_unit_test(terms_are_always_valid_utf8),
        cmocka_unit_test(seed_release_tokenises_cleanly),
        cmocka_unit_test(lazy_run_completes_to_the_full_run),
        cmocka_unit_test(lexicon_variants_are_those_of_a_full_completion),
        cmocka_unit_test(filtered_run_skips_no_passing_token),
        cmocka_unit_test(filtered_run_tokenises_only_what_may_pass),
        cmocka_unit_test(fold_whole_labels),
        cmocka_unit_test(diacritics_fold_into_a_variant),
        cmocka_unit_test(stem_is_plain_snowball),
        cmocka_unit_test(new_and_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
