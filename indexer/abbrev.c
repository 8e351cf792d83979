#include "abbrev.h"

#include "schema.h"
#include "strutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Most words a full name can have. */
#define MAX_RUN (PRS_ABBREV_MAX_LETTERS + PRS_ABBREV_EXTRA_WORDS)

/* A word before "(", folded by the analyzer, as code points. */
struct word {
    char text[PRS_TOKEN_MAX_BYTES + 1];
    size_t len;
    uint32_t cp[PRS_TOKEN_MAX_BYTES];
    size_t ncp;
    bool stop;
    /* A capitalised genitive ("Totalförsvarets", "FN:s"): a name that
     * starts after it most likely started with it. */
    bool genitive;
};

/* The last MAX_RUN words of the window, oldest first. */
struct run {
    struct word w[MAX_RUN];
    size_t n;
    const char *src; /* the text the analyzer reads, for letter case */
};

/* Decodes one code point of s[0..len) (len >= 1); *used gets its byte
 * count. A malformed byte decodes as U+FFFD, one byte long. */
static uint32_t decode(const unsigned char *s, size_t len, size_t *used)
{
    uint32_t c = s[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3
                          : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || n > len) {
        *used = 1;
        return 0xfffd;
    }
    if (n > 1)
        c &= 0x7fu >> n;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *used = 1;
            return 0xfffd;
        }
        c = c << 6 | (s[i] & 0x3f);
    }
    *used = n;
    return c;
}

/* Latin letters an abbreviation may hold: A-Z, a-z and Latin-1 (ÅÄÖ...). */
static bool abbr_letter(uint32_t c, bool *upper)
{
    *upper = (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7);
    return *upper || (c >= 'a' && c <= 'z') ||
           (c >= 0xdf && c <= 0xff && c != 0xf7);
}

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xa0;
}

/* True for characters that end a clause: a full name never spans them. */
static bool is_boundary(uint32_t c, uint32_t next)
{
    if (c == '.' || c == ':' || c == '!' || c == '?')
        return next == 0 || is_space(next); /* not "t.ex", "JO:s" */
    if (c < 0x80)
        return c != '-' && c != '\'' && c != '&' && !is_space(c) &&
               !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') &&
               !(c >= 'a' && c <= 'z');
    /* Dashes, quotes, bullets, ellipsis; other non-ASCII are letters. */
    return c == 0x2013 || c == 0x2014 || c == 0x201c || c == 0x201d ||
           c == 0x201e || c == 0xab || c == 0xbb || c == 0x2022 ||
           c == 0x2026 || c == 0xb7;
}

/* Length of the "(ABBR)" at text[p] (p at '('), or 0 if there is none. */
static size_t abbr_at(const char *text, size_t len, size_t p)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = p + 1, letters = 0, uppers = 0;
    bool first_upper = false;
    while (i < len) {
        size_t used;
        uint32_t c = decode(s + i, len - i, &used);
        bool upper;
        if (c == ')')
            break;
        if (!abbr_letter(c, &upper) || ++letters > PRS_ABBREV_MAX_LETTERS)
            return 0;
        if (letters == 1)
            first_upper = upper;
        uppers += upper;
        i += used;
    }
    if (i >= len || letters < PRS_ABBREV_MIN_LETTERS || uppers < 2 ||
        !first_upper)
        return 0;
    return i + 1 - p;
}

/* Where the clause that "(" at end belongs to starts: after the last
 * boundary within PRS_ABBREV_WINDOW_BYTES. */
static size_t clause_start(const char *text, size_t end)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t ws = end > PRS_ABBREV_WINDOW_BYTES ? end - PRS_ABBREV_WINDOW_BYTES : 0;
    while (ws < end && (s[ws] & 0xc0) == 0x80)
        ws++;
    size_t start = ws;
    bool cut = ws > 0;
    for (size_t i = ws; i < end;) {
        size_t used, unext = 0;
        uint32_t c = decode(s + i, end - i, &used);
        uint32_t next = i + used < end ? decode(s + i + used, end - i - used,
                                                &unext)
                                       : 0;
        i += used;
        if (is_boundary(c, next)) {
            start = i;
            cut = false;
        }
    }
    if (cut) { /* the window began inside a word: skip it */
        while (start < end && !is_space(s[start]))
            start++;
    }
    return start;
}

static int on_token(const struct prs_token *tok, void *ctx)
{
    struct run *r = ctx;
    if (tok->flags & PRS_TOKF_JOINED)
        return 0; /* its parts are words of their own */
    if (tok->kind != PRS_TOK_WORD) {
        r->n = 0; /* a full name has no numbers */
        return 0;
    }
    if (r->n == MAX_RUN) {
        memmove(&r->w[0], &r->w[1], (MAX_RUN - 1) * sizeof r->w[0]);
        r->n--;
    }
    struct word *w = &r->w[r->n++];
    memcpy(w->text, tok->text, tok->len);
    w->text[tok->len] = '\0';
    w->len = tok->len;
    w->stop = (tok->flags & PRS_TOKF_STOP) != 0;
    size_t used;
    bool upper = false;
    abbr_letter(decode((const unsigned char *)r->src + tok->start,
                       tok->end - tok->start, &used),
                &upper);
    w->genitive = upper && !w->stop &&
                  ((tok->flags & PRS_TOKF_COLON_SUFFIX) ||
                   tok->text[tok->len - 1] == 's');
    w->ncp = 0;
    const unsigned char *s = (const unsigned char *)tok->text;
    for (size_t i = 0; i < tok->len;) {
        w->cp[w->ncp++] = decode(s + i, tok->len - i, &used);
        i += used;
    }
    return 0;
}

/* True if a[0..na) is a subsequence of c[0..nc). */
static bool subseq(const uint32_t *a, size_t na, const uint32_t *c, size_t nc)
{
    size_t k = 0;
    for (size_t i = 0; i < nc && k < na; i++)
        if (c[i] == a[k])
            k++;
    return k == na;
}

/* Can a[0..na) be spread over w[0..nw) in order, every word that is not a
 * stop word taking at least one letter? The first word of a run has
 * already given its first letter (first: skip it). */
static bool spread(const struct word *w, size_t nw, const uint32_t *a,
                   size_t na, bool first)
{
    if (nw == 0)
        return na == 0;
    const uint32_t *c = w->cp + first;
    size_t nc = w->ncp - first;
    size_t kmin = first || w->stop ? 0 : 1;
    for (size_t k = kmin; k <= na; k++)
        if (subseq(a, k, c, nc) && spread(w + 1, nw - 1, a + k, na - k, false))
            return true;
    return false;
}

/* The number of words that end r and spell a[0..na) (the fewest), or 0. */
static size_t spelling_run(const struct run *r, const uint32_t *a, size_t na)
{
    if (r->n == 0 || r->w[r->n - 1].stop)
        return 0;
    size_t max = na + PRS_ABBREV_EXTRA_WORDS;
    size_t letters = 0;
    for (size_t k = 1; k <= r->n && k <= max; k++) {
        const struct word *first = &r->w[r->n - k];
        letters += first->ncp;
        if (first->stop || first->cp[0] != a[0] || letters <= na)
            continue;
        /* "Totalförsvarets forskningsinstitut (FOI)" is not named
         * "forskningsinstitut", though it spells FOI. */
        if (k < r->n && r->w[r->n - k - 1].genitive)
            continue;
        if (spread(first, k, a + 1, na - 1, true))
            return k;
    }
    return 0;
}

int prs_abbrev_scan(struct prs_analyzer *an, const char *text, size_t len,
                    prs_abbrev_fn fn, void *ctx, struct prs_err *err)
{
    struct run *r = NULL;
    struct prs_buf full = {0};
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < len; p++) {
        const char *open = memchr(text + p, '(', len - p);
        if (!open)
            break;
        p = (size_t)(open - text);
        size_t alen = abbr_at(text, len, p);
        if (alen == 0)
            continue;
        size_t flen = 0;
        const char *f = prs_analyzer_fold(an, text + p + 1, alen - 2, &flen);
        char abbr[64];
        if (!f || flen == 0 || flen >= sizeof abbr)
            continue;
        memcpy(abbr, f, flen);
        abbr[flen] = '\0';
        uint32_t a[PRS_ABBREV_MAX_LETTERS * 2];
        size_t na = 0;
        for (size_t i = 0; i < flen && na < sizeof a / sizeof *a;) {
            size_t used;
            a[na++] = decode((const unsigned char *)abbr + i, flen - i, &used);
            i += used;
        }

        if (!r && !(r = malloc(sizeof *r))) {
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
            break;
        }
        r->n = 0;
        size_t start = clause_start(text, p);
        r->src = text + start;
        int arc = prs_analyzer_run(an, text + start, p - start, 0, on_token, r,
                                   NULL);
        if (arc < 0) {
            rc = prs_err_set(err, arc, "out of memory");
            break;
        }
        size_t k = spelling_run(r, a, na);
        prs_buf_reset(&full);
        for (size_t i = r->n - k; i < r->n; i++)
            if ((i > r->n - k && prs_buf_putc(&full, ' ') < 0) ||
                prs_buf_append(&full, r->w[i].text, r->w[i].len) < 0) {
                rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
                break;
            }
        if (rc == 0)
            rc = fn(abbr, k ? full.data : NULL, ctx);
        p += alen - 1;
    }
    free(r);
    prs_buf_free(&full);
    return rc;
}

struct term_ctx {
    struct prs_xdoc *xd;
    struct prs_buf term;
    struct prs_err *err;
    int rc;
};

static int add_term(struct term_ctx *tc, const char *abbr, const char *full)
{
    prs_buf_reset(&tc->term);
    if (prs_buf_puts(&tc->term, PRS_PREFIX_ABBREV) < 0 ||
        prs_buf_puts(&tc->term, abbr) < 0 ||
        (full && (prs_buf_putc(&tc->term, ' ') < 0 ||
                  prs_buf_puts(&tc->term, full) < 0)))
        return prs_err_set(tc->err, PRS_E_NOMEM, "out of memory");
    if (tc->term.len > PRS_TERM_MAX)
        return 0; /* a full name this long is no name */
    return prs_xdoc_add_boolean(tc->xd, tc->term.data, tc->term.len, tc->err);
}

static int on_abbrev(const char *abbr, const char *full, void *ctx)
{
    struct term_ctx *tc = ctx;
    int rc = add_term(tc, abbr, NULL);
    if (rc == 0 && full)
        rc = add_term(tc, abbr, full);
    if (rc < 0) {
        tc->rc = rc;
        return 1;
    }
    return 0;
}

int prs_abbrev_add_terms(struct prs_analyzer *an, const struct prs_doc *doc,
                         struct prs_xdoc *xd, struct prs_err *err)
{
    const char *fields[] = {doc->title, doc->lead, doc->body};
    struct term_ctx tc = {.xd = xd, .err = err};
    int rc = 0;
    for (size_t i = 0; rc == 0 && tc.rc == 0 && i < 3; i++)
        if (fields[i] && strchr(fields[i], '('))
            rc = prs_abbrev_scan(an, fields[i], strlen(fields[i]), on_abbrev,
                                 &tc, err);
    prs_buf_free(&tc.term);
    if (tc.rc < 0)
        return tc.rc;
    return rc < 0 ? rc : 0;
}
