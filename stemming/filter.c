/*
 * filter.c: token filters, for skipping the text that cannot hold a given
 * token without tokenising it (prs_analyzer_run_some(), filter_int.h).
 *
 * The test is on raw bytes and must never reject a stretch holding a
 * token that passes: it knows where the tokeniser starts tokens and how it
 * folds ASCII and Latin-1 letters (analyzer.c: scan_part(), latin1_lower())
 * and how the variants stage removes their diacritics (fold.c), and it
 * lets the tokeniser decide everything else.
 */
#include "analyzer.h"
#include "filter_int.h"
#include "fold_int.h"

#include <stdlib.h>
#include <string.h>

struct prefixes {
    char **text;
    size_t *len;
    size_t n, cap;
    uint64_t firsts[4]; /* bit b of firsts[b / 64]: some prefix starts with b */
};

struct prs_token_filter {
    struct prefixes exact;  /* of the token's text */
    struct prefixes folded; /* of its å/ä/ö-folded form */
};

struct prs_token_filter *prs_token_filter_new(void)
{
    return calloc(1, sizeof(struct prs_token_filter));
}

static void prefixes_clear(struct prefixes *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->text[i]);
    free(p->text);
    free(p->len);
}

void prs_token_filter_free(struct prs_token_filter *f)
{
    if (!f)
        return;
    prefixes_clear(&f->exact);
    prefixes_clear(&f->folded);
    free(f);
}

static bool has_bit(const uint64_t bits[4], unsigned char b)
{
    return bits[b / 64] >> (b % 64) & 1;
}

/* Adds text[0..len) unless a shorter prefix already covers it; drops the
 * prefixes it covers. */
static int prefixes_add(struct prefixes *p, const char *text, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->len[i] <= len && memcmp(p->text[i], text, p->len[i]) == 0)
            return 0;
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (len < p->len[i] && memcmp(p->text[i], text, len) == 0) {
            free(p->text[i]);
            continue;
        }
        p->text[kept] = p->text[i];
        p->len[kept++] = p->len[i];
    }
    p->n = kept;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        char **t = realloc(p->text, cap * sizeof *t);
        if (t)
            p->text = t;
        size_t *l = t ? realloc(p->len, cap * sizeof *l) : NULL;
        if (!l)
            return PRS_E_NOMEM;
        p->len = l;
        p->cap = cap;
    }
    if (!(p->text[p->n] = strndup(text, len)))
        return PRS_E_NOMEM;
    p->len[p->n++] = len;
    memset(p->firsts, 0, sizeof p->firsts);
    for (size_t i = 0; i < p->n; i++) {
        unsigned char b = (unsigned char)p->text[i][0];
        p->firsts[b / 64] |= 1ull << (b % 64);
    }
    return 0;
}

int prs_token_filter_add(struct prs_token_filter *f, const char *prefix,
                         size_t len)
{
    return f ? prefixes_add(&f->exact, prefix, len) : PRS_E_BADARG;
}

int prs_token_filter_add_folded(struct prs_token_filter *f,
                                const char *prefix, size_t len)
{
    return f ? prefixes_add(&f->folded, prefix, len) : PRS_E_BADARG;
}

/* Bytes as the byte test sees them. */
enum byte_class {
    B_OTHER,  /* punctuation, symbols, controls: never in a token's text
               * but a joined word's '-' */
    B_SPACE,  /* ASCII white space: ends a stretch */
    B_ALNUM,  /* ASCII letter or digit */
    B_LATIN1, /* 0xC3: the first byte of U+00C0..U+00FF */
    B_HIGH,   /* any other byte past 0x7F */
};

bool prs_is_stretch_space(unsigned char b)
{
    return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' ||
           b == '\v';
}

void prs_filter_tables_init(struct prs_filter_tables *t)
{
    for (unsigned b = 0; b < 256; b++) {
        bool alnum = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                     (b >= '0' && b <= '9');
        t->cls[b] = alnum ? B_ALNUM
                    : prs_is_stretch_space((unsigned char)b) ? B_SPACE
                    : b == 0xC3 ? B_LATIN1
                    : b >= 0x80 ? B_HIGH
                                : B_OTHER;
    }
    for (unsigned b = 0; b < 64; b++) {
        /* U+00C0 + b, folded to lower case as latin1_lower() does */
        unsigned char lower = (unsigned char)(0x80 + b);
        if (lower <= 0x9E && lower != 0x97)
            lower += 0x20;
        char in[2] = {(char)0xC3, (char)lower};
        char *out = t->fold[b];
        size_t n = 0;
        if (!prs_fold_diacritics(in, 2, out, sizeof t->fold[b], &n)) {
            memcpy(out, in, 2); /* nothing to fold: ð, þ, and signs */
            n = 2;
        }
        t->fold_len[b] = (unsigned char)n;
    }
}

static unsigned char ascii_lower(unsigned char b)
{
    return b >= 'A' && b <= 'Z' ? (unsigned char)(b - 'A' + 'a') : b;
}

/* Whether the latin1_lower() fold of s[0..n) starts with prefix. */
static bool starts_with(const unsigned char *s, size_t n, const char *prefix,
                        size_t plen)
{
    if (plen > n)
        return false;
    for (size_t j = 0; j < plen; j++) {
        unsigned char b = s[j];
        if (j > 0 && s[j - 1] == 0xC3)
            b = b <= 0x9E && b != 0x97 ? (unsigned char)(b + 0x20) : b;
        else
            b = ascii_lower(b);
        if (b != (unsigned char)prefix[j])
            return false;
    }
    return true;
}

/* Whether s[0], a Latin-1 lead byte, starts a letter the byte test knows:
 * U+00C0..U+00FF but the signs × and ÷, and ß, which case folding makes
 * "ss" (as scan_part() knows). */
static bool latin1_letter(const unsigned char *s, size_t n)
{
    return n > 1 && s[1] >= 0x80 && s[1] <= 0xBF && s[1] != 0x97 &&
           s[1] != 0xB7 && s[1] != 0x9F;
}

/* Whether the diacritics-free fold of s[0..n) may start with prefix. The
 * bytes past a token's first letter are not checked yet: a pair that is
 * no Latin-1 letter sends its stretch to the tokeniser anyway, so it may. */
static bool folds_to(const struct prs_filter_tables *t,
                     const unsigned char *s, size_t n, const char *prefix,
                     size_t plen)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j < plen; i++) {
        if (s[i] != 0xC3) {
            if (ascii_lower(s[i]) != (unsigned char)prefix[j++])
                return false;
            continue;
        }
        if (!latin1_letter(s + i, n - i))
            return true;
        unsigned b = s[++i] - 0x80u;
        for (size_t k = 0; k < t->fold_len[b] && j < plen; k++)
            if (t->fold[b][k] != prefix[j++])
                return false;
    }
    return j == plen;
}

/* Whether a token starting at s[0] (of s[0..n)) may start with one of p,
 * compared with folds_to() when t is given, else starts_with(); first,
 * the token's first byte as p's texts have it, has its bit in p->firsts. */
static bool any_prefix(const struct prefixes *p, unsigned char first,
                       const struct prs_filter_tables *t,
                       const unsigned char *s, size_t n)
{
    for (size_t k = 0; k < p->n; k++) {
        if ((unsigned char)p->text[k][0] != first)
            continue;
        if (t ? folds_to(t, s, n, p->text[k], p->len[k])
              : starts_with(s, n, p->text[k], p->len[k]))
            return true;
    }
    return false;
}

/* Whether a token starting at s[0] (of class c, of s[0..n)) may pass f. */
static bool token_may_pass(const struct prs_token_filter *f,
                           const struct prs_filter_tables *t, unsigned char c,
                           const unsigned char *s, size_t n)
{
    /* The first byte's bit rules out most tokens without a call. */
    unsigned char first = ascii_lower(s[0]);
    if (has_bit(f->exact.firsts, first) &&
        any_prefix(&f->exact, first, NULL, s, n))
        return true;
    if (c == B_LATIN1)
        first = (unsigned char)t->fold[s[1] - 0x80][0];
    return has_bit(f->folded.firsts, first) &&
           any_prefix(&f->folded, first, t, s, n);
}

/* The end of the stretch starting at s[i] (not white space), and in *keep
 * whether it may hold a token that passes f. One pass: a token starts at
 * a letter or digit after anything else; tokens of ASCII and Latin-1
 * letters only are tested, and for anything else (decoding, NFC,
 * ignorables) the tokeniser is asked. A prefix compared past the stretch
 * meets white space, which no prefix holds. */
static size_t stretch(const struct prs_token_filter *f,
                      const struct prs_filter_tables *t,
                      const unsigned char *s, size_t len, size_t i,
                      bool *keep)
{
    size_t start = i;
    bool pass = false, in_word = false;
    while (i < len) {
        /* The bulk of the text: the rest of a word. */
        while (in_word && i < len) {
            if (t->cls[s[i]] == B_ALNUM)
                i++;
            else if (t->cls[s[i]] == B_LATIN1 && latin1_letter(s + i, len - i))
                i += 2;
            else
                break;
        }
        if (i == len)
            break;
        unsigned char c = t->cls[s[i]];
        if (c == B_OTHER) {
            in_word = false;
            i++;
        } else if (c == B_SPACE) {
            break;
        } else if (c == B_HIGH ||
                   (c == B_LATIN1 && !latin1_letter(s + i, len - i))) {
            pass = true;
            break;
        } else if (token_may_pass(f, t, c, s + i, len - i)) {
            pass = true; /* a token starts here: in_word is false */
            break;
        } else {
            in_word = true;
            i += c == B_LATIN1 ? 2 : 1;
        }
    }
    while (i < len && t->cls[s[i]] != B_SPACE)
        i++;
    /* Longer, it may hold a base64 blob, after which a token may start
     * anywhere (analyzer.c, blob_end()). */
    *keep = pass || i - start > PRS_TOKEN_MAX_BYTES;
    return i;
}

size_t prs_token_filter_next(const struct prs_token_filter *f,
                             const struct prs_filter_tables *t,
                             const unsigned char *s, size_t len, size_t i,
                             size_t *end)
{
    for (;;) {
        while (i < len && t->cls[s[i]] == B_SPACE)
            i++;
        if (i == len) {
            *end = len;
            return len;
        }
        bool keep;
        size_t e = stretch(f, t, s, len, i, &keep);
        if (keep) {
            *end = e;
            return i;
        }
        i = e;
    }
}
