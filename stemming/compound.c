/*
 * compound.c: splits Swedish compounds with the lexicon (compound_int.h).
 */
#include "compound_int.h"

#include <stdlib.h>
#include <string.h>

/* Modifiers deeper than this are not split further. */
#define MAX_DEPTH 2
#define MIN_HEAD_CHARS 3
#define MIN_GUESS_HEAD_CHARS 4
#define MIN_MODIFIER_CHARS 2

/* Particles and prefixes that make new words rather than compounds
 * ("förslag", "anslag", "beslut", "uppdrag", "samarbete"): never a
 * modifier. Sorted by bytes. */
static const char *const particles[] = {
    "an", "av", "be", "bi", "bort", "efter", "fram", "från", "för",
    "genom", "hem", "in", "kring", "med", "miss", "mot", "ned", "ner", "om",
    "på", "runt", "sam", "till", "under", "upp", "ur", "ut", "van", "vid",
    "åter", "över",
};
/* Words that end many words as a suffix, not as a part ("verksamhet",
 * "sjukdom"): never a head. */
static const char *const suffix_words[] = {"dom", "het"};

static bool in_list(const char *const *list, size_t n, const char *w,
                    size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
            return true;
    return false;
}

static size_t nchars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Byte length of the last UTF-8 character of s[0..len). */
static size_t last_char_len(const char *s, size_t len)
{
    size_t n = 1;
    while (n < len && ((unsigned char)s[len - n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* The first lemma of a form that is a word on its own (or, with
 * compound_ok, also one that Hunspell allows only in compounds). */
static bool lookup(const struct prs_lexicon *lx, const char *w, size_t len,
                   bool compound_ok, struct prs_compound_part *out)
{
    struct prs_lex_entry e[4];
    size_t n = prs_lexicon_find(lx, w, len, e, 4);
    for (size_t i = 0; i < n && i < 4; i++) {
        if (e[i].compound_only && !compound_ok)
            continue;
        out->lemma = e[i].lemma;
        out->lemma_len = e[i].lemma_len;
        return true;
    }
    return false;
}

static bool head_ok(const struct prs_lexicon *lx, const char *w, size_t len,
                    size_t min_chars, struct prs_compound_part *out)
{
    if (nchars(w, len) < min_chars || prs_is_stopword(w, len) ||
        !lookup(lx, w, len, false, out))
        return false;
    if (in_list(suffix_words, sizeof suffix_words / sizeof *suffix_words,
                out->lemma, out->lemma_len))
        return false;
    out->surface = w;
    out->surface_len = len;
    return true;
}

/* A modifier that is a particle or a stop word: the word is a derivation
 * ("förslag", "samarbete"), so no shorter head is tried either. */
#define PARTICLE ((size_t)-1)

static bool is_particle(const char *m, size_t len)
{
    return prs_is_stopword(m, len) ||
           in_list(particles, sizeof particles / sizeof *particles, m, len);
}

static size_t split(const struct prs_lexicon *lx, const char *w, size_t len,
                    int depth, bool strict, char *scratch,
                    struct prs_compound_part *parts, size_t cap);

/* The lemma of a shortened first part: m with -a or -e added ("skol" ->
 * skola) or, when m ends in a linking vowel, put in its place ("kvinno"
 * -> kvinna). */
static bool shortened(const struct prs_lexicon *lx, const char *m, size_t len,
                      bool linking, char *scratch, struct prs_compound_part *p)
{
    memcpy(scratch, m, len);
    for (const char *v = "ae"; *v; v++) {
        scratch[len] = *v;
        if (lookup(lx, scratch, len + 1, false, p))
            return true;
    }
    for (const char *v = "ae"; linking && *v; v++) {
        scratch[len - 1] = *v;
        if (lookup(lx, scratch, len, false, p))
            return true;
    }
    return false;
}

/* Resolves a modifier m[0..len) into parts; returns how many (0: none,
 * PARTICLE: a particle). With strict (the whole word is in the lexicon,
 * so a wrong split costs more) a shortened first part needs Hunspell's
 * compound-only form to back it: "lägenheten" is not läge + enheten. */
static size_t modifier(const struct prs_lexicon *lx, const char *m,
                       size_t len, int depth, bool strict, char *scratch,
                       struct prs_compound_part *parts, size_t cap)
{
    if (is_particle(m, len))
        return PARTICLE;
    if (cap == 0 || nchars(m, len) < MIN_MODIFIER_CHARS)
        return 0;
    struct prs_compound_part *p = &parts[0];
    p->surface = m;
    p->surface_len = len;
    if (lookup(lx, m, len, false, p)) /* "skogs" -> skog */
        return 1;
    size_t last = last_char_len(m, len);
    char c = last == 1 ? m[len - 1] : 0;
    bool linking = c && strchr("seauo", c);
    /* "beredskaps" -> beredskap */
    if (linking && nchars(m, len - 1) >= MIN_MODIFIER_CHARS &&
        !is_particle(m, len - 1) && lookup(lx, m, len - 1, false, p))
        return 1;
    if (lookup(lx, m, len, true, p)) { /* a compound-only form */
        shortened(lx, m, len, linking, scratch, p);
        return 1;
    }
    if (!strict && shortened(lx, m, len, linking, scratch, p))
        return 1;
    if (depth >= MAX_DEPTH)
        return 0;
    size_t n = split(lx, m, len, depth + 1, strict, scratch, parts, cap);
    return n == PARTICLE ? 0 : n;
}

static size_t split(const struct prs_lexicon *lx, const char *w, size_t len,
                    int depth, bool strict, char *scratch,
                    struct prs_compound_part *parts, size_t cap)
{
    if (cap < 2)
        return 0;
    /* Longest head first: i walks the character boundaries. */
    for (size_t i = 1; i < len; i++) {
        if (((unsigned char)w[i] & 0xC0) == 0x80)
            continue;
        struct prs_compound_part head;
        if (!head_ok(lx, w + i, len - i, MIN_HEAD_CHARS, &head))
            continue;
        size_t n = modifier(lx, w, i, depth, strict, scratch, parts, cap - 1);
        if (n == PARTICLE)
            return depth == 0 ? 0 : PARTICLE;
        if (n > 0) {
            parts[n] = head;
            return n + 1;
        }
    }
    return 0;
}

size_t prs_compound_split(const struct prs_lexicon *lx, const char *word,
                          size_t len, bool guess, char *scratch,
                          struct prs_compound_part *parts, bool *guessed)
{
    *guessed = false;
    for (size_t i = 0; i < len; i++)
        if (!(((unsigned char)word[i] >= 'a' && word[i] <= 'z') ||
              (unsigned char)word[i] >= 0x80))
            return 0; /* digits, hyphens: not a plain word */
    struct prs_compound_part whole;
    bool known = lookup(lx, word, len, false, &whole);
    size_t n = split(lx, word, len, 0, known, scratch, parts,
                     PRS_COMPOUND_MAX_PARTS);
    if (n > 0 || !guess || known)
        return n;
    for (size_t i = 1; i < len; i++) {
        if (((unsigned char)word[i] & 0xC0) == 0x80 ||
            nchars(word, i) < MIN_MODIFIER_CHARS)
            continue;
        if (!head_ok(lx, word + i, len - i, MIN_GUESS_HEAD_CHARS, &parts[1]))
            continue;
        if (is_particle(word, i))
            return 0;
        parts[0] = (struct prs_compound_part){word, i, word, i};
        *guessed = true;
        return 2;
    }
    return 0;
}
