/*
 * words.c: lemmas and compound parts of a word, cached (words_int.h).
 */
#include "words_int.h"

#include "compound_int.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for the variants' texts and stems of one word while they are
 * found; as many as fit are kept (the bench queries' snippets met none
 * that needed more than 160 bytes). */
#define FILL_BYTES 256
/* Only words this long can be compounds ("gråhaj"). */
#define MIN_SPLIT_CHARS 5

struct slot_var {
    uint8_t kind;
    uint8_t text_off, text_len, stem_off, stem_len; /* in buf */
};

/* A cached word: three cache lines, the word itself in the first for
 * most words, so a lookup reads one line, and more only for a word with
 * variants. Its buf holds the word, then its variants' texts and stems. */
#define SLOT_BYTES 192
#define SLOT_HEAD (4 + PRS_WORD_MAX_VARIANTS * sizeof(struct slot_var))
struct slot {
    uint8_t word_len; /* 0: empty slot */
    uint8_t nvars;
    bool recent;      /* the more recently used of its set's two */
    bool oversized;   /* its variants did not fit: found again each time */
    struct slot_var v[PRS_WORD_MAX_VARIANTS];
    char buf[SLOT_BYTES - SLOT_HEAD];
};
_Static_assert(sizeof(struct slot) == SLOT_BYTES, "a slot is three lines");
_Static_assert(SLOT_BYTES - SLOT_HEAD > PRS_TOKEN_MAX_BYTES,
               "a slot holds any word");

/* A word's variants as fill() finds them, before they are cached. */
struct found {
    uint8_t nvars;
    uint16_t used;
    struct slot_var v[PRS_WORD_MAX_VARIANTS]; /* offsets < FILL_BYTES */
    char buf[FILL_BYTES];
};

/* Two slots a set (a word may sit in either, the less recently used
 * gives way): running text meets its words again soon, and with one slot
 * a set two frequent words that share it kept evicting each other. */
struct prs_words {
    const struct prs_lexicon *lx;
    void *mem;
    struct slot *slots; /* in mem, aligned */
    size_t mask;        /* sets - 1 */
    char scratch[PRS_TOKEN_MAX_BYTES + 2];
    struct found found; /* of the last word filled */
};

struct prs_words *prs_words_new(const struct prs_lexicon *lx,
                                size_t nslots, struct prs_err *err)
{
    size_t n = 2;
    while (n < nslots && n < ((size_t)1 << 24))
        n *= 2;
    struct prs_words *w = calloc(1, sizeof *w);
    if (w) {
        /* calloc'd pages cost memory only once a word lands on them;
         * one line more lets each slot start a cache line. */
        w->mem = calloc(1, n * sizeof *w->slots + 64);
        if (w->mem)
            w->slots = (struct slot *)(((uintptr_t)w->mem + 63) &
                                       ~(uintptr_t)63);
        w->mask = n / 2 - 1;
    }
    if (!w || !w->slots) {
        prs_words_free(w);
        prs_err_set(err, PRS_E_NOMEM, "analyzer: out of memory");
        return NULL;
    }
    w->lx = lx;
    return w;
}

void prs_words_free(struct prs_words *w)
{
    if (!w)
        return;
    free(w->mem);
    free(w);
}

/* FNV-1a */
static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Appends a + b to f's buffer; false when it does not fit. */
static bool put(struct found *s, const char *a, size_t alen, const char *b,
                size_t blen, uint8_t *off, uint8_t *len)
{
    if (alen + blen > PRS_TOKEN_MAX_BYTES || s->used + alen + blen + 1 >
                                                 FILL_BYTES)
        return false;
    *off = (uint8_t)s->used; /* below FILL_BYTES - 1 */
    *len = (uint8_t)(alen + blen);
    memcpy(s->buf + s->used, a, alen);
    memcpy(s->buf + s->used + alen, b, blen);
    s->used += (uint16_t)(alen + blen);
    s->buf[s->used++] = '\0';
    return true;
}

/* Adds a variant whose text is a + b and whose stem is stem (or the text
 * when stem is NULL). Drops it silently when the buffer is full. */
static void add(struct found *s, int kind, const char *a, size_t alen,
                const char *b, size_t blen, const char *stem, size_t slen)
{
    if (s->nvars == PRS_WORD_MAX_VARIANTS)
        return;
    struct slot_var *v = &s->v[s->nvars];
    uint16_t used = s->used;
    if (!put(s, a, alen, b, blen, &v->text_off, &v->text_len))
        return;
    if (!stem) {
        v->stem_off = v->text_off;
        v->stem_len = v->text_len;
    } else if (!put(s, stem, slen, "", 0, &v->stem_off, &v->stem_len)) {
        s->used = used;
        return;
    }
    v->kind = (uint8_t)kind;
    s->nvars++;
}

/* Adds the lemma a + b with its Snowball stem. */
static void add_lemma(struct found *s, struct prs_stem *stem, const char *a,
                      size_t alen, const char *b, size_t blen)
{
    char lemma[PRS_TOKEN_MAX_BYTES + 1];
    size_t sl = 0;
    if (alen + blen > PRS_TOKEN_MAX_BYTES)
        return;
    memcpy(lemma, a, alen);
    memcpy(lemma + alen, b, blen);
    const char *st = prs_stem_word(stem, lemma, alen + blen, &sl);
    if (st)
        add(s, PRS_VAR_LEMMA, lemma, alen + blen, "", 0, st, sl);
}

static bool has_lemma(const struct found *s, const char *l, size_t len)
{
    for (size_t i = 0; i < s->nvars; i++)
        if (s->v[i].kind == PRS_VAR_LEMMA && s->v[i].text_len == len &&
            memcmp(s->buf + s->v[i].text_off, l, len) == 0)
            return true;
    return false;
}

/* Finds the variants of text[0..len) into s. */
static void fill(struct prs_words *w, struct prs_stem *stem, struct found *s,
                 const char *text, size_t len)
{
    s->nvars = 0;
    s->used = 0;
    struct prs_lex_entry e[4];
    size_t n = prs_lexicon_find(w->lx, text, len, e, 4);
    for (size_t i = 0; i < n && i < 4; i++)
        if (!e[i].compound_only && !has_lemma(s, e[i].lemma, e[i].lemma_len) &&
            s->nvars < 2)
            add_lemma(s, stem, e[i].lemma, e[i].lemma_len, "", 0);
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    if (chars < MIN_SPLIT_CHARS)
        return;
    struct prs_compound_part p[PRS_COMPOUND_MAX_PARTS];
    bool guessed = false;
    size_t np = prs_compound_split(w->lx, text, len, true, w->scratch, p,
                                   &guessed);
    if (np == 0)
        return;
    const struct prs_compound_part *head = &p[np - 1];
    /* A compound the lexicon does not list has the lemma of its head:
     * "statsbidraget" -> stats + bidrag. */
    if (!guessed && s->nvars == 0)
        add_lemma(s, stem, text, (size_t)(head->surface - text), head->lemma,
                  head->lemma_len);
    for (size_t i = 0; i < np; i++) {
        size_t sl = 0;
        const char *st = prs_stem_word(stem, p[i].surface, p[i].surface_len,
                                       &sl);
        if (!st)
            continue; /* out of memory: one variant fewer */
        add(s, guessed ? PRS_VAR_COMPOUND_GUESS : PRS_VAR_COMPOUND_PART,
            p[i].lemma, p[i].lemma_len, "", 0, st, sl);
    }
}

/* Caches the word text[0..len) in s with f's variants, or marks it
 * oversized when they do not fit. */
static void keep(struct slot *s, const char *text, size_t len,
                 const struct found *f)
{
    memcpy(s->buf, text, len);
    s->word_len = (uint8_t)len;
    s->nvars = 0;
    s->oversized = len + f->used > sizeof s->buf;
    if (s->oversized)
        return;
    memcpy(s->buf + len, f->buf, f->used);
    for (size_t i = 0; i < f->nvars; i++)
        s->v[i] = (struct slot_var){
            .kind = f->v[i].kind,
            .text_off = (uint8_t)(len + f->v[i].text_off),
            .text_len = f->v[i].text_len,
            .stem_off = (uint8_t)(len + f->v[i].stem_off),
            .stem_len = f->v[i].stem_len,
        };
    s->nvars = f->nvars;
}

static bool holds(const struct slot *s, const char *text, size_t len)
{
    return s->word_len == len && memcmp(s->buf, text, len) == 0;
}

/* Points out[0..n) at the variants v[0..n) in buf; returns n. */
static size_t variants_out(const char *buf, const struct slot_var *v,
                           size_t n, struct prs_variant *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (struct prs_variant){
            .text = buf + v[i].text_off,
            .len = v[i].text_len,
            .kind = v[i].kind,
            .stem = buf + v[i].stem_off,
            .stem_len = v[i].stem_len,
        };
    return n;
}

size_t prs_words_variants(struct prs_words *w, struct prs_stem *stem,
                          const char *text, size_t len,
                          struct prs_variant *out)
{
    if (len == 0 || len > PRS_TOKEN_MAX_BYTES)
        return 0;
    struct slot *set = &w->slots[2 * (hash(text, len) & w->mask)];
    struct slot *s = holds(&set[0], text, len) ? &set[0]
                     : holds(&set[1], text, len) ? &set[1]
                                                 : NULL;
    bool refilled = false; /* the variants are w->found's, not s's */
    if (!s || s->oversized) {
        fill(w, stem, &w->found, text, len);
        if (!s) {
            s = set[0].recent ? &set[1] : &set[0];
            keep(s, text, len, &w->found);
        }
        refilled = s->oversized;
    }
    set[0].recent = s == &set[0];
    set[1].recent = s != &set[0];
    if (refilled)
        return variants_out(w->found.buf, w->found.v, w->found.nvars, out);
    return variants_out(s->buf, s->v, s->nvars, out);
}
