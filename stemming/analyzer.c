/*
 * analyzer.c: THE analyzer. UTF-8 text in, folded and stemmed tokens out.
 *
 * One pass over the caller's bytes, without copying them:
 *
 *   scanner   decodes UTF-8 on the fly, classifies each code point
 *             (struct cp) and groups code points into words made of parts
 *             (struct part): "EST-effektiv" is one word of two parts.
 *   folding   NFC + case folding of one part into the analyzer's scratch
 *             buffer with utf8proc; pure ASCII parts are just lower-cased.
 *   emitting  positions, the joined form of hyphenated words, the stem,
 *             the variants stage, then the caller's callback.
 *
 * The rules themselves are listed in analyzer.h. Byte offsets always refer
 * to the caller's text, never to folded text, so a caller can highlight
 * text[start..end).
 */
#include "analyzer.h"

#include "compound_int.h"
#include "filter_int.h"
#include "fold_int.h"
#include "lexicon_int.h"
#include "stem_int.h"
#include "words_int.h"
#include "strutil.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* utf8proc options for folding: canonical composition (NFC), full case
 * folding, only mappings that Unicode keeps stable across versions (so an
 * index and a later query agree), and default-ignorables such as the soft
 * hyphen removed. */
#define FOLD_OPTIONS \
    (UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STABLE | UTF8PROC_IGNORE)

/* Folding shrinks text at most threefold (U+212A KELVIN SIGN becomes "k";
 * three decomposed Hangul jamo become one syllable). So a part whose
 * non-ignorable bytes exceed this many times the token limit can never fold
 * to a token we keep: it is dropped unfolded, which also bounds the scratch
 * buffer that run() needs whatever the input. */
#define FOLD_MAX_SHRINK 4

/* Scratch size the analyzer starts with, in code points: enough for every
 * part that can become a token, and for any ASCII prs_analyzer_fold(). */
#define INITIAL_CPS 512
static_assert(INITIAL_CPS * sizeof(utf8proc_int32_t) > PRS_FOLD_MAX_BYTES,
              "the ASCII fold path writes into the scratch without growing");

struct prs_analyzer {
    struct prs_stem *stem;
    struct prs_lexicon *lexicon;
    struct prs_words *words; /* lemmas and compound parts, cached */
    char tok_stem[PRS_TOKEN_MAX_BYTES + 1]; /* the token's stem, kept */
    /* utf8proc scratch: the decomposed code points, then the UTF-8 that
     * utf8proc_reencode() writes over them. It grows when needed but stays
     * small: run() and fold() never fold more than FOLD_MAX_SHRINK times
     * their limit in kept bytes. */
    utf8proc_int32_t *cps;
    size_t cps_cap;                       /* in code points */
    char tok[PRS_TOKEN_MAX_BYTES + 1];    /* text of the token being emitted */
    char joined[PRS_TOKEN_MAX_BYTES + 1]; /* hyphenated word, part by part */
    /* The variants stage's output (folding may grow "æ" into "ae"). */
    char folded[2 * PRS_TOKEN_MAX_BYTES + 1];
    char folded_stem[2 * PRS_TOKEN_MAX_BYTES + 1];
    struct prs_variant variants[PRS_WORD_MAX_VARIANTS + 1];
    struct prs_filter_tables filter_tables; /* prs_analyzer_run_some() */
};
static_assert(PRS_WORD_MAX_VARIANTS + 1 <= PRS_MAX_VARIANTS,
              "lexicon variants and the folded form fit a token");

/* ---- Scanner: bytes -> classified code points -> parts -------------- */

enum cls {
    C_SEP,    /* separates tokens; also every invalid byte */
    C_LETTER, /* L*: starts or continues a token */
    C_DIGIT,  /* Nd: starts or continues a token */
    C_MARK,   /* M*: continues a token, never starts one */
    C_IGN,    /* default-ignorable (soft hyphen): folding removes it */
    C_HYPHEN, /* '-', U+2010, U+2011: joins the parts of a word */
    C_NUMSEP, /* '.' and ',': join two digits */
    C_COLON,  /* ':': joins two digits, or starts an inflection (JO:s) */
};

struct cp {
    enum cls cls;
    utf8proc_int32_t cp; /* -1 for an invalid byte or the end of text */
    size_t n;            /* bytes it takes; 1 for an invalid byte */
};

struct scan {
    const unsigned char *s;
    size_t len;
    /* The last run of base64 characters that blob_end() measured. */
    size_t run_end;
    bool run_blob;
};

static enum cls ascii_class(unsigned char b)
{
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))
        return C_LETTER;
    if (b >= '0' && b <= '9')
        return C_DIGIT;
    switch (b) {
    case '-':
        return C_HYPHEN;
    case '.':
    case ',':
        return C_NUMSEP;
    case ':':
        return C_COLON;
    default:
        return C_SEP; /* includes NUL, spaces and apostrophes */
    }
}

static enum cls unicode_class(utf8proc_int32_t cp)
{
    if (cp == 0x2010 || cp == 0x2011)
        return C_HYPHEN;
    /* Unicode calls the zero width space ignorable, but writers use it to
     * mark a break between words, so it must separate. */
    if (cp == 0x200B)
        return C_SEP;
    const utf8proc_property_t *prop = utf8proc_get_property(cp);
    if (prop->ignorable)
        return C_IGN;
    switch (prop->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    default:
        return C_SEP; /* Zs (U+00A0 ...), Pd (en dash), Pf (U+2019), ... */
    }
}

/* Decodes and classifies the code point at i. Past the end of the text it
 * reports a separator, so look-ahead needs no bounds checks. */
static struct cp peek(const struct scan *sc, size_t i)
{
    struct cp c = {.cls = C_SEP, .cp = -1, .n = 1};
    if (i >= sc->len)
        return c;
    if (sc->s[i] < 0x80) {
        c.cp = sc->s[i];
        c.cls = ascii_class(sc->s[i]);
        return c;
    }
    /* utf8proc_iterate() rejects overlong forms, surrogates and values past
     * U+10FFFF; such a byte becomes a one-byte separator, and decoding
     * resumes at the next byte (a stray continuation byte is rejected in
     * turn, so no invalid byte ever lands inside a token). */
    utf8proc_int32_t cp;
    utf8proc_ssize_t n =
        utf8proc_iterate(sc->s + i, (utf8proc_ssize_t)(sc->len - i), &cp);
    if (n <= 0)
        return c;
    c.cp = cp;
    c.n = (size_t)n;
    c.cls = unicode_class(cp);
    return c;
}

static bool is_b64(unsigned char b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
           (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=';
}

/* Measures the run of base64 characters around i, starting no earlier
 * than the previous run's end, so every byte is measured once. */
static void measure_run(struct scan *sc, size_t i)
{
    enum { LOWER = 1, UPPER = 2, DIGIT = 4 };
    size_t start = i, end;
    unsigned seen = 0;
    while (start > sc->run_end && is_b64(sc->s[start - 1]))
        start--;
    for (end = start; end < sc->len && is_b64(sc->s[end]); end++) {
        unsigned char b = sc->s[end];
        if (b >= 'a' && b <= 'z')
            seen |= LOWER;
        else if (b >= 'A' && b <= 'Z')
            seen |= UPPER;
        else if (b >= '0' && b <= '9')
            seen |= DIGIT;
    }
    sc->run_end = end;
    /* Mixed case plus digits: what encoded binary looks like, and what a
     * slash-separated list of words or a lower-case URL path does not. */
    sc->run_blob = end - start > PRS_TOKEN_MAX_BYTES &&
                   seen == (LOWER | UPPER | DIGIT);
}

/* If a token starting at i lies in a base64 blob, returns the index just
 * past the blob, else 0. Callers ask with non-decreasing i, which is what
 * lets one cached measurement answer for a whole run. */
static size_t blob_end(struct scan *sc, size_t i)
{
    if (i >= sc->len || !is_b64(sc->s[i]))
        return 0;
    if (i >= sc->run_end)
        measure_run(sc, i);
    return sc->run_blob ? sc->run_end : 0;
}

struct part {
    size_t start;     /* first byte of the part */
    size_t end;       /* just past its last word character */
    size_t tok_end;   /* just past the token: end, or past ":s" */
    size_t sig_bytes; /* bytes that folding keeps (ignorables excluded) */
    /* ASCII and U+00C0..U+00FF but ß: NFC already, and case folding maps
     * each letter to one of the same length (latin1_lower), unlike µ or ß.
     * Most words are such, Swedish ones with å, ä or ö included. */
    bool latin1;
    bool alpha;       /* has a letter or mark: a WORD, not a NUMBER */
    bool colon;       /* an inflection after a colon was cut off */
};

/* Scans the part that starts at i (a letter or digit). Returns the index
 * after what it consumed; trailing ignorables are consumed but stay
 * outside [start, end). */
static size_t scan_part(const struct scan *sc, size_t i, struct part *p)
{
    enum cls last = C_SEP; /* class of the last word character */
    *p = (struct part){.start = i, .end = i, .latin1 = true};
    while (i < sc->len) {
        /* Runs of ASCII letters and digits, most of a text, without
         * decoding: what peek() and the switch below would do for them. */
        unsigned char b = sc->s[i];
        if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
            p->alpha = true;
            last = C_LETTER;
        } else if (b >= '0' && b <= '9') {
            last = C_DIGIT;
        } else {
            b = 0;
        }
        if (b) {
            p->sig_bytes++;
            p->end = ++i;
            continue;
        }
        struct cp c = peek(sc, i);
        switch (c.cls) {
        case C_LETTER:
        case C_MARK:
            p->alpha = true;
            break;
        case C_DIGIT:
            break;
        case C_IGN:
            /* the part's bytes now need utf8proc */
            p->latin1 = false;
            i += c.n;
            continue;
        case C_NUMSEP:
        case C_COLON:
            if (last == C_DIGIT && peek(sc, i + c.n).cls == C_DIGIT)
                break; /* "3,5", "12:30": the digit follows next round */
            return i;
        default:
            return i;
        }
        last = c.cls;
        p->sig_bytes += c.n;
        p->latin1 = p->latin1 && (c.cp < 0x80 || (c.cp >= 0xC0 && c.cp < 0x100 &&
                                                  c.cp != 0xDF));
        i += c.n;
        p->end = i;
    }
    return i;
}

/* True if a hyphen at i joins the part before it to a part after it; the
 * next part then starts at *next. */
static bool joining_hyphen(struct scan *sc, size_t i, size_t *next)
{
    struct cp h = peek(sc, i);
    if (h.cls != C_HYPHEN)
        return false;
    struct cp c = peek(sc, i + h.n);
    if (c.cls != C_LETTER && c.cls != C_DIGIT)
        return false; /* "rök- och": a hyphen at the edge separates */
    if (blob_end(sc, i + h.n) > 0)
        return false; /* the blob is skipped as a whole by the caller */
    *next = i + h.n;
    return true;
}

static bool is_lower(struct cp c)
{
    if (c.cls != C_LETTER)
        return false;
    if (c.cp < 0x80)
        return c.cp >= 'a' && c.cp <= 'z';
    return utf8proc_category(c.cp) == UTF8PROC_CATEGORY_LL;
}

static bool is_word_char(struct cp c)
{
    return c.cls == C_LETTER || c.cls == C_DIGIT || c.cls == C_MARK;
}

/* What follows an inflection: not the rest of an e-mail address or host
 * name ("mailto:ud@gov.se", "mailto:the.name@..."), where the letters after
 * the colon are a word of their own. */
static bool ends_inflection(const struct scan *sc, size_t j, struct cp c)
{
    if (c.cp == '@')
        return false;
    return !(c.cp == '.' && is_word_char(peek(sc, j + c.n)));
}

/* Swedish writes inflections of abbreviations and numerals after a colon:
 * "JO:s", "VD:n", "EU:ns", "1:a". A colon at i followed by 1-3 lower-case
 * letters and then no further word character is such an inflection: it is
 * cut from p's text but kept in its byte range. Returns the index past it,
 * or i when there is none. */
static size_t colon_suffix(const struct scan *sc, size_t i, struct part *p)
{
    struct cp c = peek(sc, i);
    if (c.cls != C_COLON)
        return i;
    size_t j = i + c.n, end = j;
    int letters = 0;
    for (;;) {
        c = peek(sc, j);
        if (c.cls == C_IGN) {
            j += c.n;
            continue;
        }
        if (letters == 3 || !is_lower(c))
            break;
        letters++;
        j += c.n;
        end = j;
    }
    if (letters == 0 || is_word_char(c) || !ends_inflection(sc, j, c))
        return i; /* "Kontakt:Anna", "mail:info": a separator after all */
    p->tok_end = end;
    p->colon = true;
    return end;
}

/* ---- Folding: NFC + case fold --------------------------------------- */

/* Hyphens other than '-' are written as '-', so "EST‐effektiv" with
 * U+2010 and "EST-effektiv" give the same joined term. */
static utf8proc_int32_t map_hyphen(utf8proc_int32_t cp, void *data)
{
    (void)data;
    return cp == 0x2010 || cp == 0x2011 ? '-' : cp;
}

static void ascii_lower(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = src[i];
        dst[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    dst[n] = '\0';
}

/* Case-folds a latin1 part (struct part): ASCII and U+00C0..U+00DE
 * (bar U+00D7) to lower case; every other character is its own fold. */
static void latin1_lower(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch >= 'A' && ch <= 'Z') {
            ch = (unsigned char)(ch - 'A' + 'a');
        } else if (ch == 0xC3 && i + 1 < n) {
            dst[i++] = (char)ch;
            ch = (unsigned char)src[i];
            if (ch >= 0x80 && ch <= 0x9E && ch != 0x97)
                ch += 0x20; /* U+00C0..U+00DE -> U+00E0..U+00FE */
        }
        dst[i] = (char)ch;
    }
    dst[n] = '\0';
}

static bool is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static int grow_cps(struct prs_analyzer *a, size_t need)
{
    size_t cap = a->cps_cap * 2 > need ? a->cps_cap * 2 : need;
    if (cap > SIZE_MAX / sizeof *a->cps)
        return PRS_E_NOMEM;
    utf8proc_int32_t *cps = realloc(a->cps, cap * sizeof *cps);
    if (!cps)
        return PRS_E_NOMEM;
    a->cps = cps;
    a->cps_cap = cap;
    return 0;
}

/* Folds valid UTF-8 s[0..len) into the scratch buffer: *out is NUL-ended
 * and valid until the scratch is used again. Returns 0, PRS_E_NOMEM, or
 * PRS_E_BADARG if utf8proc refuses the text. */
static int fold_utf8(struct prs_analyzer *a, const char *s, size_t len,
                     const char **out, size_t *out_len)
{
    if (len > (size_t)PTRDIFF_MAX) /* utf8proc_ssize_t is a ptrdiff_t */
        return PRS_E_BADARG;
    utf8proc_ssize_t n;
    for (;;) {
        n = utf8proc_decompose_custom((const utf8proc_uint8_t *)s,
                                      (utf8proc_ssize_t)len, a->cps,
                                      (utf8proc_ssize_t)a->cps_cap,
                                      FOLD_OPTIONS, map_hyphen, NULL);
        if (n < 0)
            return n == UTF8PROC_ERROR_NOMEM ? PRS_E_NOMEM : PRS_E_BADARG;
        /* utf8proc_reencode() ends the UTF-8 with a NUL, which needs one
         * spare code point when every character takes four bytes. */
        if ((size_t)n < a->cps_cap)
            break;
        if (grow_cps(a, (size_t)n + 1) < 0)
            return PRS_E_NOMEM;
    }
    utf8proc_ssize_t m = utf8proc_reencode(a->cps, n, FOLD_OPTIONS);
    if (m < 0)
        return PRS_E_BADARG;
    *out = (const char *)a->cps;
    *out_len = (size_t)m;
    return 0;
}

/* Bytes of valid UTF-8 s[0..len) that folding keeps: all but the
 * default-ignorables that UTF8PROC_IGNORE removes. */
static size_t kept_bytes(const char *s, size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t kept = 0;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return SIZE_MAX; /* cannot happen for validated text */
        if (!utf8proc_get_property(cp)->ignorable)
            kept += (size_t)n;
        i += (size_t)n;
    }
    return kept;
}

/* Folds part p into a->tok. Returns 0 with the length in *len, 1 when the
 * token is to be dropped (too long), or PRS_E_NOMEM. */
static int fold_part(struct prs_analyzer *a, const struct scan *sc,
                     const struct part *p, size_t *len)
{
    const char *raw = (const char *)sc->s + p->start;
    size_t raw_len = p->end - p->start;
    if (p->latin1) {
        if (raw_len > PRS_TOKEN_MAX_BYTES)
            return 1;
        latin1_lower(a->tok, raw, raw_len);
        *len = raw_len;
        return 0;
    }
    if (p->sig_bytes > PRS_TOKEN_MAX_BYTES * FOLD_MAX_SHRINK)
        return 1;
    const char *out;
    size_t n;
    int rc = fold_utf8(a, raw, raw_len, &out, &n);
    if (rc == PRS_E_NOMEM)
        return rc;
    /* utf8proc refusing text we validated would be a utf8proc bug; losing
     * one token is better than failing the whole document. */
    if (rc < 0 || n == 0 || n > PRS_TOKEN_MAX_BYTES)
        return 1;
    memcpy(a->tok, out, n);
    a->tok[n] = '\0';
    *len = n;
    return 0;
}

/* ---- Emitting: positions, joined words, stems, variants ------------- */

/*
 * Variants stage, between stemming and the callback: the stop word flag,
 * then the extra terms of the token (analyzer.h, enum prs_variant_kind):
 * lemmas and compound parts from the lexicon (words.c), then the
 * å/ä/ö-folded form (fold.c). Variants point into buffers the analyzer
 * owns, as tok->text does, so adding them allocates nothing per token.
 */
void prs_analyzer_lexicon_variants(struct prs_analyzer *a,
                                   struct prs_token *tok)
{
    tok->variants = a->variants;
    tok->nvariants = 0;
    if (tok->kind == PRS_TOK_WORD)
        tok->nvariants = prs_words_variants(a->words, a->stem, tok->text,
                                            tok->len, a->variants);
}

static void add_variants(struct prs_analyzer *a, struct prs_token *tok,
                         bool lexicon)
{
    tok->variants = a->variants;
    tok->nvariants = 0;
    if (tok->kind != PRS_TOK_WORD)
        return;
    if (prs_is_stopword(tok->text, tok->len))
        tok->flags |= PRS_TOKF_STOP;
    /* words.c stems compound parts with the same stemmer: keep ours. */
    if (lexicon && tok->stem_len < sizeof a->tok_stem) {
        memcpy(a->tok_stem, tok->stem, tok->stem_len);
        a->tok_stem[tok->stem_len] = '\0';
        tok->stem = a->tok_stem;
        prs_analyzer_lexicon_variants(a, tok);
    }
    size_t n = 0, sn = 0;
    if (!prs_fold_diacritics(tok->text, tok->len, a->folded, sizeof a->folded,
                             &n))
        return;
    /* The folded stem is the stem with its diacritics removed: Snowball's
     * Swedish suffixes and vowels fold onto themselves (ä and a are both
     * vowels), so this equals the stem of the folded word without a second
     * Snowball call per token. */
    if (!prs_fold_diacritics(tok->stem, tok->stem_len, a->folded_stem,
                             sizeof a->folded_stem, &sn)) {
        if (tok->stem_len >= sizeof a->folded_stem)
            return;
        memcpy(a->folded_stem, tok->stem, tok->stem_len);
        a->folded_stem[tok->stem_len] = '\0';
        sn = tok->stem_len;
    }
    a->variants[tok->nvariants++] = (struct prs_variant){
        .text = a->folded, .len = n, .kind = PRS_VAR_FOLDED,
        .stem = a->folded_stem, .stem_len = sn};
}

struct run {
    struct prs_analyzer *a;
    struct scan sc;
    prs_token_fn fn;
    void *ctx;
    uint32_t pos; /* position of the next token that takes one */
    unsigned flags; /* enum prs_run_flags */
};

/* What a word's parts say about its joined token. */
struct word {
    size_t nparts;
    uint32_t first_pos;
    size_t start, end;
    size_t joined_len;
    bool joined_ok; /* every part kept so far, and the joined text fits */
    bool alpha;
    bool colon;
};

int prs_analyzer_complete(struct prs_analyzer *a, struct prs_token *tok,
                          unsigned flags)
{
    if (tok->kind == PRS_TOK_WORD) {
        tok->stem = prs_stem_word(a->stem, tok->text, tok->len,
                                  &tok->stem_len);
        if (!tok->stem)
            return PRS_E_NOMEM;
    } else {
        tok->stem = tok->text; /* Snowball would mangle "3,5" */
        tok->stem_len = tok->len;
    }
    add_variants(a, tok, !(flags & PRS_RUN_NO_LEXICON));
    return 0;
}

/* Stems tok, runs the variants stage (unless lazy) and hands tok to the
 * callback. */
static int deliver(struct run *r, struct prs_token *tok)
{
    if (r->flags & PRS_RUN_LAZY) {
        tok->stem = NULL;
        tok->stem_len = 0;
        tok->variants = NULL;
        tok->nvariants = 0;
        return r->fn(tok, r->ctx);
    }
    int rc = prs_analyzer_complete(r->a, tok, r->flags);
    return rc ? rc : r->fn(tok, r->ctx);
}

/* Appends the part now in a->tok to the joined text of w. */
static void join_part(struct prs_analyzer *a, struct word *w, size_t len)
{
    size_t sep = w->joined_len > 0 ? 1 : 0;
    if (!w->joined_ok || w->joined_len + sep + len > PRS_TOKEN_MAX_BYTES) {
        w->joined_ok = false;
        return;
    }
    if (sep)
        a->joined[w->joined_len++] = '-';
    memcpy(a->joined + w->joined_len, a->tok, len);
    w->joined_len += len;
    a->joined[w->joined_len] = '\0';
}

/* Folds part p and emits it; is_part says whether it belongs to a
 * hyphenated word. A part too long to keep takes no position. */
static int add_part(struct run *r, struct word *w, const struct part *p,
                    bool is_part)
{
    size_t len = 0;
    int rc = fold_part(r->a, &r->sc, p, &len);
    if (rc < 0)
        return rc;
    if (w->nparts++ == 0)
        w->start = p->start;
    w->end = p->tok_end;
    w->alpha = w->alpha || p->alpha;
    w->colon = p->colon;
    if (rc > 0) {
        w->joined_ok = false;
        return 0;
    }
    join_part(r->a, w, len);
    struct prs_token tok = {
        .text = r->a->tok,
        .len = len,
        .pos = r->pos++,
        .start = p->start,
        .end = p->tok_end,
        .kind = p->alpha ? PRS_TOK_WORD : PRS_TOK_NUMBER,
        .flags = (is_part ? PRS_TOKF_PART : 0u) |
                 (p->colon ? PRS_TOKF_COLON_SUFFIX : 0u),
    };
    return deliver(r, &tok);
}

/* The whole hyphenated word, after its parts, at the first part's
 * position; it takes no position of its own. */
static int emit_joined(struct run *r, const struct word *w)
{
    struct prs_token tok = {
        .text = r->a->joined,
        .len = w->joined_len,
        .pos = w->first_pos,
        .start = w->start,
        .end = w->end,
        .kind = w->alpha ? PRS_TOK_WORD : PRS_TOK_NUMBER,
        .flags = PRS_TOKF_JOINED | (w->colon ? PRS_TOKF_COLON_SUFFIX : 0u),
    };
    return deliver(r, &tok);
}

/* Scans and emits the word starting at *ip (a letter or digit); advances
 * *ip past it. Returns 0, the callback's stop value, or PRS_E_NOMEM. */
static int scan_word(struct run *r, size_t *ip)
{
    struct word w = {.first_pos = r->pos, .joined_ok = true};
    size_t i = *ip;
    int rc;
    for (;;) {
        struct part p;
        size_t next = 0;
        i = scan_part(&r->sc, i, &p);
        p.tok_end = p.end;
        bool more = joining_hyphen(&r->sc, i, &next);
        if (!more)
            i = colon_suffix(&r->sc, i, &p);
        rc = add_part(r, &w, &p, more || w.nparts > 0);
        if (rc != 0 || !more)
            break;
        i = next;
    }
    *ip = i;
    if (rc == 0 && w.nparts > 1 && w.joined_ok)
        rc = emit_joined(r, &w);
    return rc;
}

/* Tokenises r->sc from i to its end. Returns 0, the callback's stop
 * value, or PRS_E_NOMEM. */
static int scan_range(struct run *r, size_t i)
{
    while (i < r->sc.len) {
        struct cp c = peek(&r->sc, i);
        if (c.cls != C_LETTER && c.cls != C_DIGIT) {
            i += c.n; /* separators, and marks or ignorables before a word */
            continue;
        }
        size_t skip = blob_end(&r->sc, i);
        if (skip > 0) {
            i = skip;
            continue;
        }
        int rc = scan_word(r, &i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- Public API ----------------------------------------------------- */

struct prs_analyzer *prs_analyzer_new(struct prs_err *err)
{
    return prs_analyzer_new_sized(PRS_ANALYZER_WORDS_QUERY, err);
}

struct prs_analyzer *prs_analyzer_new_sized(size_t cache_words,
                                            struct prs_err *err)
{
    struct prs_analyzer *a = calloc(1, sizeof *a);
    if (!a || !(a->cps = malloc(INITIAL_CPS * sizeof *a->cps))) {
        prs_err_set(err, PRS_E_NOMEM, "analyzer: out of memory");
        goto out;
    }
    a->cps_cap = INITIAL_CPS;
    prs_filter_tables_init(&a->filter_tables);
    a->stem = prs_stem_new(err);
    if (!a->stem)
        goto out;
    a->lexicon = prs_lexicon_open(prs_lexicon_default_path(), err);
    if (!a->lexicon)
        goto out;
    a->words = prs_words_new(a->lexicon, cache_words, err);
    if (!a->words)
        goto out;
    return a;
out:
    prs_analyzer_free(a);
    return NULL;
}

void prs_analyzer_free(struct prs_analyzer *a)
{
    if (!a)
        return;
    prs_stem_free(a->stem);
    prs_words_free(a->words);
    prs_lexicon_close(a->lexicon);
    free(a->cps);
    free(a);
}

int prs_analyzer_run(struct prs_analyzer *a, const char *text, size_t len,
                     uint32_t first_pos, prs_token_fn fn, void *ctx,
                     uint32_t *next_pos)
{
    return prs_analyzer_run_flags(a, text, len, first_pos, 0, fn, ctx,
                                  next_pos);
}

int prs_analyzer_run_flags(struct prs_analyzer *a, const char *text,
                           size_t len, uint32_t first_pos, unsigned flags,
                           prs_token_fn fn, void *ctx, uint32_t *next_pos)
{
    struct run r = {
        .a = a,
        .sc = {.s = (const unsigned char *)text, .len = len},
        .fn = fn,
        .ctx = ctx,
        .pos = first_pos,
        .flags = flags,
    };
    int rc = !a || !fn || (!text && len > 0) ? PRS_E_BADARG
                                               : scan_range(&r, 0);
    if (next_pos)
        *next_pos = r.pos;
    return rc;
}

/* ---- Filtered runs ---------------------------------------------------- */

int prs_analyzer_run_some(struct prs_analyzer *a, const char *text,
                          size_t len, unsigned flags,
                          const struct prs_token_filter *filter,
                          prs_token_fn fn, void *ctx)
{
    if (!a || !fn || !filter || (!text && len > 0))
        return PRS_E_BADARG;
    const unsigned char *s = (const unsigned char *)text;
    const struct prs_filter_tables *t = &a->filter_tables;
    struct run r = {.a = a, .sc = {.s = s}, .fn = fn, .ctx = ctx,
                    .flags = flags};
    /* A stretch between white space tokenises as it does in the whole
     * text: no token, hyphen join, inflection or blob spans white space.
     * Consecutive stretches to keep are tokenised in one go. */
    size_t end;
    size_t from = prs_token_filter_next(filter, t, s, len, 0, &end);
    while (from < len) {
        size_t run_from = from, run_end = end;
        for (;;) {
            size_t gap = run_end;
            while (gap < len && prs_is_stretch_space(s[gap]))
                gap++;
            from = prs_token_filter_next(filter, t, s, len, gap, &end);
            if (from == len || from != gap)
                break;
            run_end = end;
        }
        r.sc.len = run_end;
        r.sc.run_end = run_from;
        int rc = scan_range(&r, run_from);
        if (rc != 0)
            return rc;
    }
    return 0;
}

size_t prs_analyzer_resume_at(const char *text, size_t i)
{
    while (i > 0 && !prs_is_stretch_space((unsigned char)text[i - 1]))
        i--;
    return i;
}

const char *prs_analyzer_fold(struct prs_analyzer *a, const char *word,
                              size_t len, size_t *out_len)
{
    if (!a || (!word && len > 0))
        return NULL;
    if (!word)
        word = "";
    if (!prs_utf8_valid(word, len))
        return NULL;
    /* Refuse what cannot fit before folding it into a huge scratch. */
    const size_t limit = (size_t)PRS_FOLD_MAX_BYTES * FOLD_MAX_SHRINK;
    if (len > limit && kept_bytes(word, len) > limit)
        return NULL;
    const char *out;
    size_t n;
    if (is_ascii(word, len)) {
        if (len > PRS_FOLD_MAX_BYTES)
            return NULL;
        ascii_lower((char *)a->cps, word, len); /* fits: see INITIAL_CPS */
        out = (const char *)a->cps;
        n = len;
    } else if (fold_utf8(a, word, len, &out, &n) < 0) {
        return NULL;
    }
    if (n > PRS_FOLD_MAX_BYTES)
        return NULL;
    if (out_len)
        *out_len = n;
    return out;
}

const char *prs_analyzer_stem(struct prs_analyzer *a, const char *word,
                              size_t len, size_t *out_len)
{
    if (!a || (!word && len > 0))
        return NULL;
    return prs_stem_word(a->stem, word, len, out_len);
}
