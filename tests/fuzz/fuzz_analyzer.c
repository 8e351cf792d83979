/*
 * fuzz_analyzer.c: libFuzzer target for the analyzer, and its replay tool.
 *
 * One file, built two ways:
 *   fuzz_analyzer         (PRS_FUZZ=ON, clang) libFuzzer supplies main();
 *   fuzz_analyzer_replay  (always) -DPRS_FUZZ_REPLAY_MAIN adds a main() that
 *                         feeds each file named on the command line, or a
 *                         deterministic built-in corpus when there is none,
 *                         to the same entry point. ctest runs it as
 *                         fuzz.analyzer_replay, so gcc CI runs the checks.
 *
 * Every input is checked against the contract in analyzer.h, not just for
 * crashes; a violation prints what broke and aborts.
 */
#include "analyzer.h"
#include "strutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond))                                                     \
            check_failed(__FILE__, __LINE__, #cond);                     \
    } while (0)

static void check_failed(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: analyzer contract violated: %s\n", file, line,
            what);
    abort();
}

/* Recent PART tokens, so a JOINED token can be matched to its first part
 * (a joined text fits in PRS_TOKEN_MAX_BYTES, so it has at most this many
 * parts). */
#define RECENT_PARTS (PRS_TOKEN_MAX_BYTES / 2 + 1)

struct state {
    struct prs_analyzer *an;
    const uint8_t *data;
    size_t size;
    uint32_t next_pos;    /* expected position of the next positioned token */
    size_t last_start;    /* start of the previous positioned token */
    size_t last_end;      /* end of the previous token */
    size_t ntokens;
    size_t stop_at;       /* stop (return 7) at this token; SIZE_MAX: never */
    size_t part_start[RECENT_PARTS];
    uint32_t part_pos[RECENT_PARTS];
    size_t nparts;
};

static bool part_seen(const struct state *st, size_t start, uint32_t pos)
{
    size_t n = st->nparts < RECENT_PARTS ? st->nparts : RECENT_PARTS;
    for (size_t k = 0; k < n; k++)
        if (st->part_start[k] == start && st->part_pos[k] == pos)
            return true;
    return false;
}

static void check_text(const struct prs_token *tok)
{
    CHECK(tok->text && tok->len > 0 && tok->len <= PRS_TOKEN_MAX_BYTES);
    CHECK(tok->text[tok->len] == '\0' && strlen(tok->text) == tok->len);
    CHECK(prs_utf8_valid(tok->text, tok->len));
    for (size_t i = 0; i < tok->len; i++) {
        unsigned char b = (unsigned char)tok->text[i];
        CHECK(b > ' ' && b != 0x7F);               /* no space or control */
        CHECK(!(b >= 'A' && b <= 'Z'));           /* folded */
    }
    CHECK(tok->stem && tok->stem_len <= tok->len);
    CHECK(prs_utf8_valid(tok->stem, tok->stem_len));
    if (tok->kind == PRS_TOK_NUMBER)
        CHECK(tok->stem_len == tok->len &&
              memcmp(tok->stem, tok->text, tok->len) == 0);
    else
        CHECK(tok->kind == PRS_TOK_WORD);
    CHECK(tok->nvariants <= PRS_MAX_VARIANTS);
    for (size_t i = 0; i < tok->nvariants; i++) {
        const struct prs_variant *v = &tok->variants[i];
        CHECK(tok->kind == PRS_TOK_WORD);
        CHECK(v->kind >= PRS_VAR_COMPOUND_PART &&
              v->kind <= PRS_VAR_COMPOUND_GUESS);
        CHECK(v->text && v->len > 0 && prs_utf8_valid(v->text, v->len));
        CHECK(v->stem && prs_utf8_valid(v->stem, v->stem_len));
        if (v->kind == PRS_VAR_FOLDED)
            CHECK(v->len != tok->len ||
                  memcmp(v->text, tok->text, v->len) != 0);
    }
}

static int on_token(const struct prs_token *tok, void *ctx)
{
    struct state *st = ctx;
    check_text(tok);
    CHECK(tok->start < tok->end && tok->end <= st->size);
    CHECK((tok->flags & ~15u) == 0);
    CHECK(!((tok->flags & PRS_TOKF_PART) && (tok->flags & PRS_TOKF_JOINED)));
    if (tok->flags & PRS_TOKF_COLON_SUFFIX)
        CHECK(memchr(st->data + tok->start, ':', tok->end - tok->start));
    if (tok->flags & PRS_TOKF_JOINED) {
        /* After its last part, at its first part's position. */
        CHECK(memchr(tok->text, '-', tok->len) != NULL);
        CHECK(tok->end == st->last_end && tok->start < st->last_start);
        CHECK(part_seen(st, tok->start, tok->pos));
    } else {
        CHECK(tok->pos == st->next_pos);
        CHECK(st->ntokens == 0 || tok->start >= st->last_end);
        st->next_pos++;
        st->last_start = tok->start;
        if (tok->flags & PRS_TOKF_PART) {
            st->part_start[st->nparts % RECENT_PARTS] = tok->start;
            st->part_pos[st->nparts % RECENT_PARTS] = tok->pos;
            st->nparts++;
        }
    }
    st->last_end = tok->end;
    return st->ntokens++ == st->stop_at ? 7 : 0;
}

static void check_run(struct prs_analyzer *an, const uint8_t *data,
                      size_t size)
{
    struct state st = {.an = an, .data = data, .size = size,
                       .next_pos = 5, .stop_at = SIZE_MAX};
    uint32_t next = 0;
    int rc = prs_analyzer_run(an, (const char *)data, size, 5, on_token, &st,
                              &next);
    CHECK(rc == 0);
    CHECK(next == st.next_pos);
    size_t total = st.ntokens;
    if (total == 0)
        return;
    /* Stopping at some token returns the callback's value, right away. */
    struct state stop = {.an = an, .data = data, .size = size,
                         .next_pos = 0, .stop_at = size % total};
    rc = prs_analyzer_run(an, (const char *)data, size, 0, on_token, &stop,
                          NULL);
    CHECK(rc == 7 && stop.ntokens == stop.stop_at + 1);
}

static void check_fold_and_stem(struct prs_analyzer *an, const uint8_t *data,
                                size_t size)
{
    size_t len = 0;
    const char *f = prs_analyzer_fold(an, (const char *)data, size, &len);
    if (f) {
        CHECK(prs_utf8_valid((const char *)data, size));
        CHECK(len <= PRS_FOLD_MAX_BYTES && f[len] == '\0');
        CHECK(prs_utf8_valid(f, len));
    } else {
        CHECK(!prs_utf8_valid((const char *)data, size) ||
              size > PRS_FOLD_MAX_BYTES);
    }
    /* The stemmer must survive any bytes, not only folded words. */
    const char *s = prs_analyzer_stem(an, (const char *)data, size, &len);
    CHECK(s != NULL && s[len] == '\0');
}

/* Tokens of a run, for comparing a filtered run with the whole one. */
#define KEPT_TOKENS 256

struct kept {
    size_t n;
    struct {
        size_t start, end;
        char text[PRS_TOKEN_MAX_BYTES + 1];
        char folded[2 * PRS_TOKEN_MAX_BYTES + 1]; /* "" if none */
    } t[KEPT_TOKENS];
};

static int keep_token(const struct prs_token *tok, void *ctx)
{
    struct kept *k = ctx;
    if (k->n == KEPT_TOKENS)
        return 1;
    k->t[k->n].start = tok->start;
    k->t[k->n].end = tok->end;
    memcpy(k->t[k->n].text, tok->text, tok->len + 1);
    k->t[k->n].folded[0] = '\0';
    for (size_t i = 0; i < tok->nvariants; i++)
        if (tok->variants[i].kind == PRS_VAR_FOLDED)
            memcpy(k->t[k->n].folded, tok->variants[i].text,
                   tok->variants[i].len + 1);
    k->n++;
    return 0;
}

/* prs_analyzer_run_some() skips no token that passes its filter: one made
 * from a token of the text, cut to a length the input chooses. */
static void check_filtered_run(struct prs_analyzer *an, const uint8_t *data,
                               size_t size)
{
    static struct kept all, some;
    all.n = some.n = 0;
    if (prs_analyzer_run_flags(an, (const char *)data, size, 0,
                               PRS_RUN_NO_LEXICON, keep_token, &all,
                               NULL) != 0 || all.n == 0)
        return; /* no tokens, or more than are kept */
    const char *exact = all.t[size % all.n].text;
    size_t exact_len = 1 + size % strlen(exact);
    const char *folded = "";
    for (size_t i = 0; i < all.n && !*folded; i++)
        folded = all.t[(size + i) % all.n].folded;
    struct prs_token_filter *f = prs_token_filter_new();
    CHECK(f && prs_token_filter_add(f, exact, exact_len) == 0);
    if (*folded)
        CHECK(prs_token_filter_add_folded(f, folded, 1 + size % strlen(folded)) == 0);
    CHECK(prs_analyzer_run_some(an, (const char *)data, size,
                                PRS_RUN_NO_LEXICON, f, keep_token, &some) == 0);
    prs_token_filter_free(f);
    size_t k = 0;
    for (size_t i = 0; i < all.n; i++) {
        bool pass = strncmp(all.t[i].text, exact, exact_len) == 0 ||
                    (*folded && *all.t[i].folded &&
                     strncmp(all.t[i].folded, folded,
                             1 + size % strlen(folded)) == 0);
        if (!pass)
            continue;
        while (k < some.n && !(some.t[k].start == all.t[i].start &&
                               some.t[k].end == all.t[i].end &&
                               strcmp(some.t[k].text, all.t[i].text) == 0))
            k++;
        CHECK(k < some.n);
    }
}

static struct prs_analyzer *analyzer(void)
{
    static struct prs_analyzer *an;
    if (!an) {
        struct prs_err err = {0};
        an = prs_analyzer_new(&err);
        if (!an) {
            fprintf(stderr, "prs_analyzer_new: %s\n", err.msg);
            abort();
        }
    }
    return an;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct prs_analyzer *an = analyzer();
    check_run(an, data, size);
    check_filtered_run(an, data, size);
    check_fold_and_stem(an, data, size);
    return 0;
}

#ifdef PRS_FUZZ_REPLAY_MAIN

/* Fragments that have broken tokenisers: every rule's edge, invalid and
 * truncated UTF-8, NUL, marks without a base, ignorables in odd places.
 * Lengths are explicit because some fragments hold NUL bytes. */
struct fragment {
    const char *s;
    size_t len;
};

#define F(lit) {lit, sizeof(lit) - 1}

static const struct fragment fragments[] = {
    F(""), F(" "), F("a"), F("Å"), F("JO:s"), F("EU:ns"), F("VD:n"), F("1:a"),
    F(":s"), F("a:"), F(":"), F("EST-effektiv"), F("-"), F("--"), F("a-"),
    F("-a"), F("rök- och"), F("2026-01-20"), F("070-687 12 34"), F("3,5"),
    F("12:30"), F("1.5"), F("1."), F(".5"), F("20 000"), F("co2"),
    F("covid-19:s"), F("Macy's"), F("l\xE2\x80\x99hotel"),
    F("skydds\xC2\xAD" "masker"), F("\xC2\xAD"), F("\xC2\xA0"),
    F("\xE2\x80\x8B"), F("\xE2\x80\x90"), F("\xE2\x80\x91"),
    F("\xE2\x80\x93"), F("a\xCC\x8A"), F("\xCC\x8A"), F("\xCC\x8A\xCC\x8A"),
    F("\xEF\xBB\xBF"), F("\xE2\x84\xAA"),
    F("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), F("\xC3\x9F"), F("\xC4\xB0"),
    F("\xEF\xAC\x81"), F("\xF0\x9D\x90\x80"), F("\xD9\xA3"), F("\x80"),
    F("\xBF"), F("\xC0\x80"), F("\xC3"), F("\xE2\x82"), F("\xF0\x9F\x98"),
    F("\xED\xA0\x80"), F("\xF4\x90\x80\x80"), F("\xF5"), F("\xFF"), F("\xFE"),
    F("\xC1\xBF"), F("\xE0\x80\xAF"), F("\xF0\x80\x80\xAF"),
    F("\xEF\xBF\xBF"), F("\xF4\x8F\xBF\xBF"), F("abc\x80" "def"),
    F("EU\xFF:s"), F("a\xC3-b"), F("\x00"), F("a\x00" "b"), F("a-\x00-b"),
    F("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAACXBIWXMAAA7EAAAOxAGVKw4b"),
    F("AAAAIGNIUk0AAHolAACAgwAA+f8AAIDpAAB1MAAA6mAAADqYAAAXb5JfxUYAAAKLSURBV"),
    F("https://www.regeringen.se/pressmeddelanden/2026/01/"), F("info@x.se"),
    F("\xC3\x85\xC3\x84\xC3\x96"), F("\xC3\xA9\xC3\xBC"), F("x:y:z"),
    F("1:2:3"), F("a\xC2\xAD-b"), F("a-\xC2\xAD" "b"), F("A:\xC2\xAD" "s"),
    F("\t\r\n"),
};

#define NFRAGMENTS (sizeof fragments / sizeof fragments[0])

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    /* xorshift64: the corpus must be the same on every run and machine. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void feed(struct prs_buf *b)
{
    LLVMFuzzerTestOneInput((const uint8_t *)b->data, b->len);
}

static int append_n(struct prs_buf *b, const char *s, size_t len, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (prs_buf_append(b, s, len) < 0)
            return -1;
    return 0;
}

/* Inputs far larger than a token: the drop-long-token and blob paths. */
static int feed_long_inputs(struct prs_buf *b)
{
    static const struct {
        const char *s;
        size_t n;
    } reps[] = {
        {"a", 100000},     {"\xC3\xA5", 50000}, {"\xC2\xAD", 20000},
        {"a\xC2\xAD", 20000}, {"a-", 20000},     {"1.", 20000},
        {"\xCC\x8A", 20000}, {"A:s ", 5000},      {"iVBOR+w0K/", 5000},
        {"\xE2\x84\xAA", 30}, {"\xE2\x84\xAA", 90}, {"\x80", 5000},
    };
    for (size_t k = 0; k < sizeof reps / sizeof reps[0]; k++) {
        prs_buf_reset(b);
        if (append_n(b, reps[k].s, strlen(reps[k].s), reps[k].n) < 0)
            return -1;
        feed(b);
    }
    return 0;
}

/* Random concatenations of fragments, with a random byte now and then. */
static int feed_builtin_corpus(void)
{
    struct prs_buf b = {0};
    int rc = -1;
    for (size_t k = 0; k < NFRAGMENTS; k++) {
        prs_buf_reset(&b);
        if (prs_buf_append(&b, fragments[k].s, fragments[k].len) < 0)
            goto out;
        feed(&b);
    }
    for (int n = 0; n < 20000; n++) {
        prs_buf_reset(&b);
        int pieces = 1 + (int)(rng() % 12);
        for (int p = 0; p < pieces; p++) {
            size_t k = (size_t)(rng() % (NFRAGMENTS + 1));
            char byte = (char)(rng() & 0xFF);
            if (k == NFRAGMENTS ? prs_buf_append(&b, &byte, 1) < 0
                                : prs_buf_append(&b, fragments[k].s,
                                                 fragments[k].len) < 0)
                goto out;
        }
        feed(&b);
    }
    if (feed_long_inputs(&b) < 0)
        goto out;
    rc = 0;
out:
    prs_buf_free(&b);
    return rc;
}

static int feed_file(const char *path)
{
    struct prs_err err = {0};
    size_t len = 0;
    char *data = prs_read_file(path, (size_t)64 << 20, &len, &err);
    if (!data) {
        fprintf(stderr, "fuzz_analyzer_replay: %s\n", err.msg);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc < 2) {
        rc = feed_builtin_corpus();
    } else {
        for (int i = 1; i < argc; i++)
            if (feed_file(argv[i]) < 0)
                rc = -1;
    }
    prs_analyzer_free(analyzer());
    if (rc == 0)
        printf("fuzz_analyzer_replay: ok (%s)\n",
               argc < 2 ? "built-in corpus" : "files");
    return rc == 0 ? 0 : 1;
}

#endif
