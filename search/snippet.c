#include "snippet.h"

#include <event2/http.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bits in a 64-bit mask tell which query words a window holds. */
#define MAX_WORDS 64

struct entry {
    char *text;
    size_t len;
    bool is_stem;   /* text is a stem, compared with the token's stem */
    bool is_prefix; /* text is a prefix of the token's folded text */
    int variant;    /* nonzero: compared with the token's variants of this
                     * kind (enum prs_variant_kind), e.g. å/ä/ö-folded */
};

struct prs_marker {
    struct entry *v;
    size_t n, cap;
    /* First bytes of the entries (bit b of firsts[b / 64]): a token that
     * starts with none of them matches nothing (could_match()). */
    uint64_t firsts[4];
    /* Some entry compares with a lexicon variant (lemma, compound part). */
    bool lexicon;
    /* What a token matching an entry without the lexicon starts with:
     * the text of a word, stem or prefix entry (a Snowball stem is a prefix
     * of its word), or in its folded form a folded entry's text. Text
     * without such a token is skipped untokenised. */
    struct prs_token_filter *filter;
};

struct prs_marker *prs_marker_new(void)
{
    struct prs_marker *m = calloc(1, sizeof *m);
    if (m && !(m->filter = prs_token_filter_new())) {
        free(m);
        return NULL;
    }
    return m;
}

void prs_marker_free(struct prs_marker *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].text);
    free(m->v);
    prs_token_filter_free(m->filter);
    free(m);
}

bool prs_marker_empty(const struct prs_marker *m) { return !m || m->n == 0; }

static int add_entry(struct prs_marker *m, const char *text, bool is_stem,
                     bool is_prefix, int variant)
{
    if (!text || !*text)
        return 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].is_stem == is_stem && m->v[i].is_prefix == is_prefix &&
            m->v[i].variant == variant && strcmp(m->v[i].text, text) == 0)
            return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        struct entry *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        m->v = v;
        m->cap = cap;
    }
    struct entry *e = &m->v[m->n];
    if (!(e->text = strdup(text)))
        return PRS_E_NOMEM;
    e->len = strlen(text);
    e->is_stem = is_stem;
    e->is_prefix = is_prefix;
    e->variant = variant;
    int rc = e->variant == PRS_VAR_FOLDED
                 ? prs_token_filter_add_folded(m->filter, e->text, e->len)
             : e->variant ? 0 /* lexicon variants: a lexicon run finds them */
                          : prs_token_filter_add(m->filter, e->text, e->len);
    if (rc < 0) {
        free(e->text);
        return PRS_E_NOMEM;
    }
    unsigned char b = (unsigned char)e->text[0];
    m->firsts[b / 64] |= 1ull << (b % 64);
    m->n++;
    if (variant && variant != PRS_VAR_FOLDED)
        m->lexicon = true;
    return 0;
}

int prs_marker_add_word(struct prs_marker *m, const char *word,
                        const char *stem)
{
    int rc = add_entry(m, word, false, false, 0);
    return rc ? rc : add_entry(m, stem, true, false, 0);
}

int prs_marker_add_prefix(struct prs_marker *m, const char *prefix)
{
    return add_entry(m, prefix, false, true, 0);
}

int prs_marker_add_variant(struct prs_marker *m, int kind, const char *text)
{
    return add_entry(m, text, false, false, kind);
}

/* True if tok has a variant of e's kind whose text is e's. */
static bool variant_matches(const struct entry *e, const struct prs_token *tok)
{
    for (size_t i = 0; i < tok->nvariants; i++) {
        const struct prs_variant *v = &tok->variants[i];
        if (v->kind == e->variant && v->len == e->len &&
            memcmp(v->text, e->text, e->len) == 0)
            return true;
    }
    return false;
}

/* Index of the first entry matching tok, or -1. */
static int match(const struct prs_marker *m, const struct prs_token *tok)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *e = &m->v[i];
        if (e->variant) {
            if (variant_matches(e, tok))
                return (int)i;
        } else if (e->is_prefix) {
            if (tok->len >= e->len && memcmp(tok->text, e->text, e->len) == 0)
                return (int)i;
        } else if (e->is_stem) {
            if (tok->stem_len == e->len && memcmp(tok->stem, e->text, e->len) == 0)
                return (int)i;
        } else if (tok->len == e->len && memcmp(tok->text, e->text, e->len) == 0) {
            return (int)i;
        }
    }
    return -1;
}

struct hit {
    size_t start, end;
    int entry; /* -1 for a token that matched nothing */
};

static bool ascii_only(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Whether tok, not yet completed (PRS_RUN_LAZY), can match an entry other
 * than a lexicon variant, so that only such tokens are stemmed and
 * folded. A word or prefix entry compares with the text itself, and so
 * can a stem entry: a Snowball stem is always a prefix of its word. A
 * folded entry compares with the token's å/ä/ö-folded form, which only a
 * token with non-ASCII letters has, and which starts with the token's
 * first byte when that is ASCII. In a lexicon run the other tokens look
 * up their lexicon variants alone (on_token()). */
static bool could_match(const struct prs_marker *m, const struct prs_token *tok)
{
    unsigned char b = (unsigned char)tok->text[0];
    if (b < 0x80 && !(m->firsts[b / 64] >> (b % 64) & 1))
        return false; /* no entry starts with the token's first letter */
    int ascii = -1; /* not yet known */
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *e = &m->v[i];
        if (e->variant == PRS_VAR_FOLDED) {
            if (ascii < 0)
                ascii = ascii_only(tok->text, tok->len);
            if (!ascii && ((unsigned char)tok->text[0] >= 0x80 ||
                           tok->text[0] == e->text[0]))
                return true;
        } else if (e->variant) {
            continue;
        } else if (e->is_prefix || e->is_stem) {
            if (tok->len >= e->len && memcmp(tok->text, e->text, e->len) == 0)
                return true;
        } else if (tok->len == e->len && memcmp(tok->text, e->text, e->len) == 0) {
            return true;
        }
    }
    return false;
}

struct collect {
    struct prs_analyzer *an;
    const struct prs_marker *m;
    unsigned flags; /* of the run; with PRS_RUN_LAZY, completes tokens */
    size_t base;       /* offset of the run's text in the whole text */
    bool matches_only; /* keep only the tokens that match an entry */
    size_t stop_after; /* stop at a token starting past this offset */
    struct hit *v;
    size_t n, cap;
};

/* on_token()'s value for a run stopped at c->stop_after. */
#define STOPPED 1

static int on_token(const struct prs_token *lazy, void *ctx)
{
    struct collect *c = ctx;
    struct prs_token full;
    const struct prs_token *tok = lazy;
    int entry = -1;
    if (c->base + lazy->start > c->stop_after)
        return STOPPED;
    if (!(c->flags & PRS_RUN_LAZY)) {
        entry = match(c->m, tok);
    } else if (could_match(c->m, lazy)) {
        full = *lazy;
        int rc = prs_analyzer_complete(c->an, &full,
                                       c->flags & ~PRS_RUN_LAZY);
        if (rc < 0)
            return rc;
        tok = &full;
        entry = match(c->m, tok);
    } else if (!(c->flags & PRS_RUN_NO_LEXICON)) {
        /* Only a lemma or compound part can match it: no stem needed. */
        full = *lazy;
        prs_analyzer_lexicon_variants(c->an, &full);
        tok = &full;
        entry = match(c->m, tok);
    }
    /* A joined hyphen word repeats its parts' span; the parts suffice,
     * unless only the whole word matches. */
    if ((tok->flags & PRS_TOKF_JOINED) && entry < 0)
        return 0;
    if (c->matches_only && entry < 0)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct hit *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] =
        (struct hit){c->base + tok->start, c->base + tok->end, entry};
    return 0;
}

static int add_mark(struct prs_snippet *s, size_t start, size_t end)
{
    /* The joined form and its parts overlap: merge. */
    if (s->nmarks && start < s->marks[s->nmarks - 1].end) {
        struct prs_mark *last = &s->marks[s->nmarks - 1];
        if (end > last->end)
            last->end = end;
        return 0;
    }
    if (s->nmarks == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct prs_mark *v = realloc(s->marks, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        s->marks = v;
        s->cap = cap;
    }
    s->marks[s->nmarks++] = (struct prs_mark){start, end};
    return 0;
}

static int popcount64(uint64_t x)
{
    return __builtin_popcountll(x);
}

/* Picks the first token of the best window: most distinct words, then
 * most matches, then earliest. */
static size_t best_window(const struct hit *h, size_t n, size_t max_bytes)
{
    size_t best = 0;
    int best_distinct = -1, best_count = -1;
    for (size_t i = 0; i < n; i++) {
        if (h[i].entry < 0)
            continue; /* windows worth having start at a match */
        uint64_t mask = 0;
        int count = 0;
        for (size_t k = i; k < n && h[k].end - h[i].start <= max_bytes; k++) {
            if (h[k].entry >= 0) {
                mask |= 1ull << (h[k].entry % MAX_WORDS);
                count++;
            }
        }
        int distinct = popcount64(mask);
        if (distinct > best_distinct ||
            (distinct == best_distinct && count > best_count)) {
            best = i;
            best_distinct = distinct;
            best_count = count;
        }
    }
    return best;
}

/* Runs the analyzer over text[0..len) (flags: enum prs_run_flags) and
 * appends its tokens to c, their offsets shifted by base. */
static int collect(struct prs_analyzer *an, const char *text, size_t len,
                   size_t base, unsigned flags, struct collect *c)
{
    c->an = an;
    c->flags = flags;
    c->base = base;
    int rc = prs_analyzer_run_flags(an, text, len, 0, flags, on_token, c,
                                    NULL);
    return rc < 0 ? rc : 0;
}

/* How far a window may run on past max_bytes to end a sentence or the
 * text. */
#define RUN_ON_BYTES 40

/* Context a window gives its first match: a few words. */
static size_t lead_in_bytes(size_t max_bytes) { return max_bytes / 5; }

/* Fills s->start and s->end from the tokens c found in text[0..len),
 * around c->v[first], the first match of the best window. */
static void choose_window(const struct collect *c, size_t first,
                          const char *text, size_t len, size_t max_bytes,
                          struct prs_snippet *s)
{
    if (c->n == 0) {
        s->start = 0;
        s->end = len < max_bytes ? len : max_bytes;
        return;
    }
    size_t lead_in = lead_in_bytes(max_bytes);
    size_t i = first;
    while (i > 0 && c->v[first].end - c->v[i - 1].start <= lead_in)
        i--;
    /* Near the beginning, start at the beginning. */
    s->start = c->v[i].start <= lead_in ? 0 : c->v[i].start;
    size_t k = i;
    while (k < c->n && c->v[k].end - s->start <= max_bytes)
        k++;
    s->end = k > i ? c->v[k - 1].end : c->v[i].end;
    /* Running on to the end of the text or of the sentence reads better
     * when it is close. */
    if (len - s->end <= RUN_ON_BYTES)
        s->end = len;
    for (size_t e = s->end; e < len && e - s->start < max_bytes + RUN_ON_BYTES;
         e++) {
        if (text[e] == '.' || text[e] == '\n') {
            s->end = text[e] == '.' ? e + 1 : e;
            break;
        }
    }
}

static int first_token(const struct prs_token *tok, void *ctx)
{
    *(struct hit *)ctx = (struct hit){tok->start, tok->end, -1};
    return STOPPED;
}

/* Chooses the window around key, the first match of the best window (or
 * the text's first token when nothing matched; entry -1), as a run over
 * the whole text would: tokenises into near the stretch from white space
 * a lead-in before key to the first token past the longest window after
 * it. Returns 1 if key is not among those tokens (which would be a bug),
 * else 0 or PRS_E_NOMEM. */
static int window_around(struct prs_analyzer *an, struct hit key,
                         const char *text, size_t len, size_t max_bytes,
                         struct collect *near, struct prs_snippet *s)
{
    size_t lead_in = lead_in_bytes(max_bytes);
    size_t from =
        prs_analyzer_resume_at(text, key.end > lead_in ? key.end - lead_in : 0);
    if (from <= lead_in)
        from = 0; /* the window may start at the beginning */
    near->stop_after = key.start + max_bytes + RUN_ON_BYTES;
    int rc = collect(an, text + from, len - from, from,
                     PRS_RUN_NO_LEXICON | PRS_RUN_LAZY, near);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < near->n; i++) {
        if (near->v[i].start == key.start && near->v[i].end == key.end &&
            near->v[i].entry == key.entry) {
            choose_window(near, i, text, len, max_bytes, s);
            return 0;
        }
    }
    return 1;
}

/* The window from every token of the whole text, into all (the way
 * before a filtered run, and the fallback should key not be found). */
static int window_from_all(struct prs_analyzer *an, unsigned flags,
                           const char *text, size_t len, size_t max_bytes,
                           struct collect *all, struct prs_snippet *s)
{
    all->n = 0;
    all->stop_after = SIZE_MAX;
    int rc = collect(an, text, len, 0, flags, all);
    if (rc == 0)
        choose_window(all, best_window(all->v, all->n, max_bytes), text, len,
                      max_bytes, s);
    return rc;
}

int prs_snippet_make(struct prs_analyzer *an, const struct prs_marker *m,
                     const char *text, size_t len, size_t max_bytes,
                     struct prs_snippet *s)
{
    const unsigned lazy = PRS_RUN_NO_LEXICON | PRS_RUN_LAZY;
    /* The matches, from the stretches of text that may hold one. */
    struct collect c = {
        .an = an, .m = m, .flags = lazy, .matches_only = true,
        .stop_after = SIZE_MAX};
    /* Every token in and near the window, or of the whole text. */
    struct collect near = {.m = m, .stop_after = SIZE_MAX};
    s->text = text;
    s->nmarks = 0;
    /* The window is chosen without the lexicon: a long release holds
     * hundreds of words, each new to the cache costing dozens of lookups.
     * Lemmas and compound parts are then looked up in the window alone,
     * or in the whole text when nothing but them matched. */
    bool lexicon = m->lexicon;
    int rc = prs_analyzer_run_some(an, text, len, lazy, m->filter, on_token,
                                   &c);
    if (rc == 0 && lexicon && c.n == 0) {
        lexicon = false;
        rc = window_from_all(an, PRS_RUN_LAZY, text, len, max_bytes, &near,
                             s);
    } else if (rc == 0) {
        struct hit key = {0, 0, -1};
        if (c.n > 0)
            key = c.v[best_window(c.v, c.n, max_bytes)];
        else
            rc = prs_analyzer_run_flags(an, text, len, 0, PRS_RUN_LAZY,
                                        first_token, &key, NULL);
        if (rc == 0 && c.n == 0)
            choose_window(&near, 0, text, len, max_bytes, s); /* no token */
        else if (rc >= 0 &&
                 (rc = window_around(an, key, text, len, max_bytes, &near,
                                     s)) == 1)
            rc = window_from_all(an, lazy, text, len, max_bytes, &near, s);
    }
    if (rc == 0 && lexicon) {
        near.n = 0;
        near.stop_after = SIZE_MAX;
        rc = collect(an, text + s->start, s->end - s->start, s->start,
                     PRS_RUN_LAZY, &near);
    }
    for (size_t k = 0; rc == 0 && k < near.n && near.v[k].start < s->end; k++)
        if (near.v[k].entry >= 0 && near.v[k].start >= s->start)
            rc = add_mark(s, near.v[k].start, near.v[k].end);
    free(c.v);
    free(near.v);
    return rc < 0 ? rc : 0;
}

void prs_snippet_free(struct prs_snippet *s)
{
    free(s->marks);
    memset(s, 0, sizeof *s);
}

/* Calls emit for each run of the window, collapsing white space. */
typedef int (*emit_fn)(const char *p, size_t n, bool marked, void *ctx);

static int walk_window(const struct prs_snippet *s, emit_fn emit, void *ctx)
{
    const char *t = s->text;
    size_t pos = s->start, mi = 0;
    int rc = 0;
    if (!t)
        return 0; /* never made (prs_search_request.no_snippets) */
    if (s->start > 0 && (rc = emit("… ", strlen("… "), false, ctx)) < 0)
        return rc;
    while (pos < s->end && rc == 0) {
        bool marked = mi < s->nmarks && pos >= s->marks[mi].start;
        size_t stop = marked ? s->marks[mi].end
                      : mi < s->nmarks ? s->marks[mi].start
                                       : s->end;
        if (stop > s->end)
            stop = s->end;
        /* Emit [pos, stop) with runs of white space as one space. */
        size_t run = pos;
        while (pos < stop && rc == 0) {
            unsigned char ch = (unsigned char)t[pos];
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                if (pos > run)
                    rc = emit(t + run, pos - run, marked, ctx);
                while (pos < stop && (t[pos] == ' ' || t[pos] == '\n' ||
                                      t[pos] == '\t' || t[pos] == '\r'))
                    pos++;
                if (rc == 0)
                    rc = emit(" ", 1, marked, ctx);
                run = pos;
            } else {
                pos++;
            }
        }
        if (rc == 0 && pos > run)
            rc = emit(t + run, pos - run, marked, ctx);
        if (marked)
            mi++;
    }
    if (rc == 0 && t[s->end] != '\0')
        rc = emit(" …", strlen(" …"), false, ctx);
    return rc;
}

struct emit_ctx {
    struct prs_buf *out;
    const char *on, *off;
    bool html;
};

static int emit_run(const char *p, size_t n, bool marked, void *ctx)
{
    struct emit_ctx *e = ctx;
    int rc = 0;
    if (marked)
        rc = prs_buf_puts(e->out, e->html ? "<mark>" : e->on);
    if (rc == 0)
        rc = e->html ? prs_html_escape(p, n, e->out)
                     : prs_buf_append(e->out, p, n);
    if (rc == 0 && marked)
        rc = prs_buf_puts(e->out, e->html ? "</mark>" : e->off);
    return rc;
}

int prs_snippet_html(const struct prs_snippet *s, struct prs_buf *out)
{
    struct emit_ctx e = {.out = out, .html = true};
    return walk_window(s, emit_run, &e);
}

int prs_snippet_text(const struct prs_snippet *s, const char *on,
                     const char *off, struct prs_buf *out)
{
    struct emit_ctx e = {.out = out, .on = on ? on : "", .off = off ? off : ""};
    return walk_window(s, emit_run, &e);
}

int prs_html_escape(const char *s, size_t len, struct prs_buf *out)
{
    /* evhttp_htmlescape wants a NUL-terminated string. */
    char *copy = strndup(s, len);
    if (!copy)
        return PRS_E_NOMEM;
    char *escaped = evhttp_htmlescape(copy);
    free(copy);
    if (!escaped)
        return PRS_E_NOMEM;
    int rc = prs_buf_puts(out, escaped);
    free(escaped);
    return rc;
}
