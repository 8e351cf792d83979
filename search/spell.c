/*
 * spell.c: "did you mean" and search-as-you-type completions, both from
 * the index's own vocabulary (the exact folded word terms of schema.h).
 *
 * Xapian's spelling table would need its own data written at index time;
 * these work on any index. They stay bounded: candidates for a misspelt
 * word are the terms sharing its first letter (å/ä with a, ö with o, so
 * "osterrike" finds "österrike"), walked as a Levenshtein automaton that
 * skips every prefix no near term starts with (struct candidate), and at
 * most PRS_SPELL_MAX_SCAN of them are read.
 */
#include "search.h"

#include "schema.h"
#include "strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 64 /* code points; longer words are never corrected */
/* Rows a term can have before it is too long to be near a word: row i of
 * the table is at least i - WORD_MAX everywhere, and a limit is at most 2. */
#define ROWS_MAX (WORD_MAX + 3)

/* Decodes the code point of well-formed UTF-8 (as terms and analyzer
 * output are) at s[*at..len) into *cp and moves *at past it; false if
 * it is cut short. */
static bool next_code_point(const char *s, size_t len, size_t *at,
                            uint32_t *cp)
{
    size_t i = *at;
    unsigned char c = (unsigned char)s[i];
    int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (i + (size_t)extra >= len)
        return false;
    uint32_t v = extra == 0 ? c : extra == 1 ? c & 0x1F : extra == 2 ? c & 0x0F : c & 0x07;
    for (int k = 1; k <= extra; k++)
        v = (v << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
    *cp = v;
    *at = i + (size_t)extra + 1;
    return true;
}

/* Decodes s[0..len) into code points; returns the count, or -1 if it does
 * not fit. */
static int decode(const char *s, size_t len, uint32_t *out, int cap)
{
    int n = 0;
    for (size_t i = 0; i < len;) {
        if (n == cap || !next_code_point(s, len, &i, &out[n]))
            return -1;
        n++;
    }
    return n;
}

/* The search for the terms within limit edits (Levenshtein) of a word: a
 * Levenshtein automaton run over the sorted terms as a dynamic-programming
 * table, one row per code point of a term, row i holding the distances
 * between the term's first i code points and each prefix of the word.
 * A term shares the rows of the prefix it has in common with the previous
 * one. A row with every cell over limit means that no term starting with
 * those code points is near the word: the walk skips them all
 * (prs_db_terms_walk()), so a misspelt word reads a few hundred of the
 * tens of thousands of terms sharing its first letter. */
struct candidate {
    const uint32_t *word;
    int nword;
    int limit;
    size_t scanned;
    int rows[ROWS_MAX + 1][WORD_MAX + 1];
    size_t ends[ROWS_MAX + 1]; /* bytes of the first i code points */
    int depth;                 /* rows valid for prefix[0..ends[depth]) */
    char prefix[PRS_TERM_MAX + 1];
    int best_dist;
    uint64_t best_freq;
    char best[256];
};

/* Fills row i from row i - 1 for the term's code point cp; true if some
 * cell is within limit. Only cells within limit of the diagonal can be
 * (Ukkonen): the others are left out, and those just outside the band
 * are set to limit + 1 for the next row to read. */
static bool fill_row(struct candidate *c, int i, uint32_t cp)
{
    const int over = c->limit + 1;
    const int *up = c->rows[i - 1];
    int *row = c->rows[i];
    int lo = i - c->limit > 1 ? i - c->limit : 1;
    int hi = i + c->limit < c->nword ? i + c->limit : c->nword;
    row[lo - 1] = lo == 1 && i <= c->limit ? i : over;
    if (hi < c->nword)
        row[hi + 1] = over;
    int least = row[lo - 1];
    for (int j = lo; j <= hi; j++) {
        int d = up[j - 1] + (cp != c->word[j - 1]);
        if (up[j] + 1 < d)
            d = up[j] + 1;
        if (row[j - 1] + 1 < d)
            d = row[j - 1] + 1;
        row[j] = d < over ? d : over;
        if (row[j] < least)
            least = row[j];
    }
    return least <= c->limit;
}

/* The distance of the term whose rows end at row i: limit + 1 when its
 * last cell lies outside the band. */
static int term_distance(const struct candidate *c, int i)
{
    return abs(i - c->nword) > c->limit ? c->limit + 1 : c->rows[i][c->nword];
}

static int on_candidate(const char *term, size_t len, uint64_t freq,
                        size_t *skip, void *ctx)
{
    struct candidate *c = ctx;
    if (++c->scanned > PRS_SPELL_MAX_SCAN)
        return 1;
    if (len > PRS_TERM_MAX) {
        c->depth = 0;
        return 0;
    }
    /* Keep the rows of the prefix this term shares with the last one. */
    size_t same = 0, known = c->ends[c->depth];
    while (same < known && same < len && term[same] == c->prefix[same])
        same++;
    int i = c->depth;
    while (c->ends[i] > same)
        i--;
    size_t at = c->ends[i];
    while (at < len) {
        uint32_t cp;
        size_t from = at;
        if (i == ROWS_MAX || !next_code_point(term, len, &at, &cp)) {
            c->depth = 0; /* not a word this could correct to */
            return 0;
        }
        for (size_t k = from; k < at; k++)
            c->prefix[k] = term[k];
        c->ends[++i] = at;
        c->depth = i;
        if (!fill_row(c, i, cp)) {
            *skip = at;
            return 0;
        }
    }
    int d = term_distance(c, i);
    if (d == 0 || d > c->limit || freq == 0 || len >= sizeof c->best)
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
    for (int j = 0; j <= n; j++)
        c.rows[0][j] = j <= c.limit ? j : c.limit + 1;
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
        int rc = prs_db_terms_walk(db, letters[i], on_candidate, &c, err);
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
