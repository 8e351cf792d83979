/*
 * spell.c: "did you mean" and search-as-you-type completions, both from
 * the index's own vocabulary (the exact folded word terms of schema.h).
 *
 * Xapian's spelling table would need its own data written at index time;
 * these work on any index. They stay bounded: candidates for a misspelt
 * word are the terms sharing its first letter (å/ä with a, ö with o, so
 * "osterrike" finds "österrike"), at most PRS_SPELL_MAX_SCAN of them, and
 * a length filter skips most before the edit distance is computed.
 */
#include "search.h"

#include "strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 64 /* code points; longer words are never corrected */

/* Decodes well-formed UTF-8 (as terms and analyzer output are) into code
 * points; returns the count, or -1 if it does not fit. */
static int decode(const char *s, size_t len, uint32_t *out, int cap)
{
    int n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        if (i + (size_t)extra >= len)
            return -1;
        cp = extra == 0 ? c : extra == 1 ? c & 0x1F : extra == 2 ? c & 0x0F : c & 0x07;
        for (int k = 1; k <= extra; k++)
            cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
        if (n == cap)
            return -1;
        out[n++] = cp;
        i += (size_t)extra + 1;
    }
    return n;
}

/* Levenshtein distance of a and b, or limit + 1 once it must exceed limit.
 * Only the band of cells within limit of the diagonal can hold a distance
 * up to limit (Ukkonen), so each row computes those alone; the cells just
 * outside it count as limit + 1. */
static int distance(const uint32_t *a, int na, const uint32_t *b, int nb,
                    int limit)
{
    const int over = limit + 1;
    int prev[WORD_MAX + 2], cur[WORD_MAX + 2];
    if (abs(na - nb) > limit)
        return over;
    for (int j = 0; j <= nb + 1; j++)
        prev[j] = j <= limit ? j : over;
    for (int i = 1; i <= na; i++) {
        int lo = i - limit > 1 ? i - limit : 1;
        int hi = i + limit < nb ? i + limit : nb;
        cur[lo - 1] = lo == 1 && i <= limit ? i : over;
        cur[hi + 1] = over;
        int best = cur[lo - 1];
        for (int j = lo; j <= hi; j++) {
            int d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            cur[j] = d < over ? d : over;
            if (cur[j] < best)
                best = cur[j];
        }
        if (best > limit)
            return over;
        memcpy(prev + lo - 1, cur + lo - 1, sizeof(int) * (size_t)(hi - lo + 3));
    }
    return prev[nb];
}

/* Code points in well-formed UTF-8 s[0..len): its bytes that start one. */
static int code_points(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

struct candidate {
    const uint32_t *word;
    int nword;
    int limit;
    size_t scanned;
    int best_dist;
    uint64_t best_freq;
    char best[256];
};

static int on_candidate(const char *term, size_t len, uint64_t freq, void *ctx)
{
    struct candidate *c = ctx;
    uint32_t cps[WORD_MAX];
    if (++c->scanned > PRS_SPELL_MAX_SCAN)
        return 1;
    if (len >= sizeof c->best || freq == 0 ||
        abs(code_points(term, len) - c->nword) > c->limit)
        return 0;
    int n = decode(term, len, cps, WORD_MAX);
    if (n < 0)
        return 0;
    int d = distance(c->word, c->nword, cps, n, c->limit);
    if (d == 0 || d > c->limit)
        return 0;
    if (d < c->best_dist || (d == c->best_dist && freq > c->best_freq)) {
        c->best_dist = d;
        c->best_freq = freq;
        memcpy(c->best, term, len);
        c->best[len] = '\0';
    }
    return 0;
}

/* The first letters whose terms are candidates for a word starting with
 * cp (UTF-8, NULL-terminated list in out). */
static void first_letters(uint32_t cp, const char *self, const char *out[4])
{
    static const char *const a_group[] = {"a", "\xc3\xa5", "\xc3\xa4", NULL};
    static const char *const o_group[] = {"o", "\xc3\xb6", NULL};
    const char *const *g = NULL;
    if (cp == 'a' || cp == 0xE5 || cp == 0xE4)
        g = a_group;
    else if (cp == 'o' || cp == 0xF6)
        g = o_group;
    if (g) {
        int i = 0;
        for (; g[i]; i++)
            out[i] = g[i];
        out[i] = NULL;
        return;
    }
    out[0] = self;
    out[1] = NULL;
}

/* The best correction of one folded word into best (cap bytes), or "". */
static int correct_word(struct prs_db *db, const char *word, size_t len,
                        char *best, size_t cap, struct prs_err *err)
{
    uint32_t cps[WORD_MAX];
    best[0] = '\0';
    int n = decode(word, len, cps, WORD_MAX);
    if (n < 3) /* too short to guess at */
        return 0;
    struct candidate c = {.word = cps, .nword = n, .limit = n <= 4 ? 1 : 2,
                          .best_dist = 99};
    char self[8];
    size_t first = 1;
    while (first < len && ((unsigned char)word[first] & 0xC0) == 0x80)
        first++;
    memcpy(self, word, first);
    self[first] = '\0';
    const char *letters[4];
    first_letters(cps[0], self, letters);
    for (int i = 0; letters[i]; i++) {
        c.scanned = 0;
        int rc = prs_db_terms_each(db, letters[i], on_candidate, &c, err);
        if (rc < 0)
            return rc;
    }
    if (c.best_dist <= c.limit && strlen(c.best) < cap)
        memcpy(best, c.best, strlen(c.best) + 1);
    return 0;
}

struct word {
    size_t start, end;
    char text[PRS_TOKEN_MAX_BYTES + 1];
    size_t len;
};

struct words {
    const char *query;
    struct word *v;
    size_t n, cap;
};

static bool is_operator(const char *s, size_t len)
{
    return (len == 2 && memcmp(s, "OR", 2) == 0) ||
           (len == 3 && (memcmp(s, "AND", 3) == 0 || memcmp(s, "NOT", 3) == 0));
}

static int on_query_token(const struct prs_token *tok, void *ctx)
{
    struct words *w = ctx;
    const char *q = w->query;
    if (tok->kind != PRS_TOK_WORD || (tok->flags & PRS_TOKF_JOINED) ||
        tok->len > PRS_TOKEN_MAX_BYTES)
        return 0;
    /* Field names ("title:") and prefix words ("skydd*") are not words to
     * correct; neither are the query operators. */
    if (q[tok->end] == ':' || q[tok->end] == '*' ||
        is_operator(q + tok->start, tok->end - tok->start))
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct word *v = realloc(w->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        w->v = v;
        w->cap = cap;
    }
    struct word *d = &w->v[w->n++];
    d->start = tok->start;
    d->end = tok->end;
    d->len = tok->len;
    memcpy(d->text, tok->text, tok->len);
    d->text[tok->len] = '\0';
    return 0;
}

int prs_spell_suggest(struct prs_db *db, struct prs_analyzer *an,
                      const char *query, char **out, struct prs_err *err)
{
    struct words w = {.query = query};
    struct prs_buf b = {0};
    size_t replaced = 0, done = 0;
    *out = NULL;
    int rc = prs_analyzer_run(an, query, strlen(query), 0, on_query_token, &w,
                              NULL);
    if (rc != 0) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    /* At most 8 words are looked up: a long query is not a typo. */
    for (size_t i = 0; i < w.n && i < 8; i++) {
        uint64_t freq = 0;
        char best[256];
        if ((rc = prs_db_termfreq(db, w.v[i].text, &freq, err)) < 0)
            goto out;
        if (freq > 0)
            continue;
        if ((rc = correct_word(db, w.v[i].text, w.v[i].len, best, sizeof best,
                               err)) < 0)
            goto out;
        if (!best[0])
            continue;
        if (prs_buf_append(&b, query + done, w.v[i].start - done) < 0 ||
            prs_buf_puts(&b, best) < 0)
            goto nomem;
        done = w.v[i].end;
        replaced++;
    }
    if (replaced) {
        if (prs_buf_puts(&b, query + done) < 0)
            goto nomem;
        *out = prs_buf_steal(&b);
    }
    rc = 0;
    goto out;
nomem:
    rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
out:
    prs_buf_free(&b);
    free(w.v);
    return rc;
}

/* ---- completion --------------------------------------------------------- */

struct top_terms {
    size_t max;
    size_t scanned;
    struct {
        char *term;
        uint64_t freq;
    } *v;
    size_t n;
    int rc;
};

static int on_completion(const char *term, size_t len, uint64_t freq, void *ctx)
{
    struct top_terms *t = ctx;
    if (++t->scanned > PRS_COMPLETE_MAX_SCAN)
        return 1;
    /* Keep the max most frequent, by insertion into a sorted array. */
    size_t pos = t->n;
    while (pos > 0 && t->v[pos - 1].freq < freq)
        pos--;
    if (pos >= t->max)
        return 0;
    char *copy = strndup(term, len);
    if (!copy) {
        t->rc = PRS_E_NOMEM;
        return 1;
    }
    if (t->n == t->max)
        free(t->v[--t->n].term);
    memmove(&t->v[pos + 1], &t->v[pos], (t->n - pos) * sizeof *t->v);
    t->v[pos].term = copy;
    t->v[pos].freq = freq;
    t->n++;
    return 0;
}

struct last_token {
    size_t start, end;
    char text[PRS_TOKEN_MAX_BYTES + 1];
    size_t len;
    bool word;
};

static int on_last_token(const struct prs_token *tok, void *ctx)
{
    struct last_token *lt = ctx;
    if (tok->flags & PRS_TOKF_JOINED)
        return 0;
    lt->start = tok->start;
    lt->end = tok->end;
    lt->len = tok->len < PRS_TOKEN_MAX_BYTES ? tok->len : PRS_TOKEN_MAX_BYTES;
    memcpy(lt->text, tok->text, lt->len);
    lt->text[lt->len] = '\0';
    lt->word = true;
    return 0;
}

void prs_completion_free(struct prs_completion *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ntexts; i++)
        free(c->texts[i]);
    free(c->texts);
    for (size_t i = 0; i < c->ntitles; i++) {
        free(c->titles[i].id);
        free(c->titles[i].title);
    }
    free(c->titles);
    memset(c, 0, sizeof *c);
}

static bool has_title(const struct prs_completion *c, const char *id)
{
    for (size_t i = 0; i < c->ntitles; i++)
        if (strcmp(c->titles[i].id, id) == 0)
            return true;
    return false;
}

/* Adds the ids and titles of query's best releases to out->titles (room
 * for max), leaving out those it has; a query that does not parse finds
 * none. */
static int add_titles(struct prs_db *db, struct prs_analyzer *an,
                      const char *query, size_t max,
                      struct prs_completion *out, struct prs_err *err)
{
    struct prs_search_request req = {.query = query, .limit = max,
                                     .no_snippets = true};
    struct prs_search_result r = {0};
    struct prs_err serr = {0};
    int rc = prs_search(db, an, &req, &r, &serr);
    if (rc == PRS_E_PARSE || rc == PRS_E_BADARG)
        rc = 0;
    else if (rc < 0)
        rc = prs_err_set(err, rc, "%s", serr.msg);
    if (rc == 0 && r.nhits && !out->titles &&
        !(out->titles = calloc(max, sizeof *out->titles)))
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < r.nhits && out->ntitles < max; i++) {
        struct prs_doc *d = &r.hits[i].doc;
        if (!d->id || !d->title || has_title(out, d->id))
            continue;
        out->titles[out->ntitles++] =
            (struct prs_completion_title){.id = d->id, .title = d->title};
        d->id = d->title = NULL;
    }
    prs_search_result_free(&r);
    return rc;
}

int prs_complete(struct prs_db *db, struct prs_analyzer *an, const char *text,
                 size_t max_texts, size_t max_titles,
                 struct prs_completion *out, struct prs_err *err)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(text);
    struct last_token lt = {0};
    struct top_terms top = {.max = max_texts};
    struct prs_buf q = {0};
    int rc = prs_analyzer_run(an, text, len, 0, on_last_token, &lt, NULL);
    if (rc != 0)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    /* A partial word is one the text ends in. */
    bool partial = lt.word && lt.end == len && lt.len > 0;
    if (partial && max_texts > 0) {
        if (!(top.v = calloc(max_texts, sizeof *top.v)))
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        rc = prs_db_terms_each(db, lt.text, on_completion, &top, err);
        if (rc > 0)
            rc = top.rc < 0 ? prs_err_set(err, top.rc, "out of memory") : 0;
        if (rc == 0 && top.n && !(out->texts = calloc(top.n, sizeof *out->texts)))
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < top.n; i++) {
            prs_buf_reset(&q);
            if (prs_buf_append(&q, text, lt.start) < 0 ||
                prs_buf_puts(&q, top.v[i].term) < 0)
                rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
            else
                out->texts[out->ntexts++] = prs_buf_steal(&q);
        }
    }
    if (rc == 0 && max_titles > 0 && lt.word) {
        /* The best matches of the text, the partial word as a prefix:
         * first those whose title matches (what the list shows, and short
         * lists to search), then, if that leaves room, the others.
         * Half-typed syntax ("title:", an open quote) finds no titles. */
        const char *star = partial && lt.len >= 2 ? "*" : "";
        prs_buf_reset(&q);
        if (prs_buf_puts(&q, "title:(") < 0 || prs_buf_puts(&q, text) < 0 ||
            prs_buf_puts(&q, star) < 0 || prs_buf_puts(&q, ")") < 0)
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (rc == 0)
            rc = add_titles(db, an, q.data, max_titles, out, err);
        prs_buf_reset(&q);
        if (rc == 0 && out->ntitles < max_titles &&
            (prs_buf_puts(&q, text) < 0 || prs_buf_puts(&q, star) < 0))
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        if (rc == 0 && out->ntitles < max_titles)
            rc = add_titles(db, an, q.data, max_titles, out, err);
    }
    for (size_t i = 0; i < top.n; i++)
        free(top.v[i].term);
    free(top.v);
    prs_buf_free(&q);
    if (rc < 0)
        prs_completion_free(out);
    return rc;
}
