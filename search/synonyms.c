#include "synonyms.h"

#include "schema.h"
#include "strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PRS_SYNONYMS_BUILD_PATH
#define PRS_SYNONYMS_BUILD_PATH "config/synonyms.txt"
#endif
#ifndef PRS_SYNONYMS_INSTALL_PATH
#define PRS_SYNONYMS_INSTALL_PATH "/usr/local/share/prsearch/synonyms.txt"
#endif

/* Phrases own their words and the words' strings. */
struct group {
    struct prs_syn_phrase *p;
    size_t n;
};

/* A phrase by the text or the stem of its first word: a lookup reads
 * only the phrases that can start where the query does. */
struct first_word {
    const char *key;
    uint32_t group, phrase;
};

struct prs_synonyms {
    struct group *g;
    size_t n, cap;
    struct first_word *by_text, *by_stem; /* sorted by key (reindex()) */
    size_t ntext, nstem;
};

static void phrase_clear(struct prs_syn_phrase *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free((char *)p->words[i].text);
        free((char *)p->words[i].stem);
    }
    free((struct prs_syn_word *)p->words);
    memset(p, 0, sizeof *p);
}

static void group_clear(struct group *g)
{
    for (size_t i = 0; i < g->n; i++)
        phrase_clear(&g->p[i]);
    free(g->p);
    memset(g, 0, sizeof *g);
}

struct prs_synonyms *prs_synonyms_new(void)
{
    return calloc(1, sizeof(struct prs_synonyms));
}

void prs_synonyms_free(struct prs_synonyms *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        group_clear(&s->g[i]);
    free(s->g);
    free(s->by_text);
    free(s->by_stem);
    free(s);
}

/* By key alone: a lookup reads every entry of a key, in any order. */
static int cmp_first_word(const void *a, const void *b)
{
    return strcmp(((const struct first_word *)a)->key,
                  ((const struct first_word *)b)->key);
}

/* Rebuilds the first-word tables after groups were added. */
static int reindex(struct prs_synonyms *s)
{
    size_t n = 0;
    for (size_t g = 0; g < s->n; g++)
        n += s->g[g].n;
    struct first_word *text = malloc((n ? n : 1) * sizeof *text);
    struct first_word *stem = malloc((n ? n : 1) * sizeof *stem);
    if (!text || !stem || s->n > UINT32_MAX) {
        free(text);
        free(stem);
        return PRS_E_NOMEM;
    }
    size_t nt = 0, ns = 0;
    for (size_t g = 0; g < s->n; g++)
        for (size_t i = 0; i < s->g[g].n; i++) {
            const struct prs_syn_word *w = &s->g[g].p[i].words[0];
            text[nt++] = (struct first_word){w->text, (uint32_t)g, (uint32_t)i};
            if (!w->number)
                stem[ns++] = (struct first_word){w->stem, (uint32_t)g, (uint32_t)i};
        }
    qsort(text, nt, sizeof *text, cmp_first_word);
    qsort(stem, ns, sizeof *stem, cmp_first_word);
    free(s->by_text);
    free(s->by_stem);
    s->by_text = text;
    s->by_stem = stem;
    s->ntext = nt;
    s->nstem = ns;
    return 0;
}

size_t prs_synonyms_count(const struct prs_synonyms *s)
{
    return s ? s->n : 0;
}

/* ---- phrases through the analyzer ------------------------------------ */

struct collect {
    struct prs_syn_phrase *p;
    struct prs_syn_word *w; /* p->words, writable */
    size_t cap;
    int rc;
};

static int on_token(const struct prs_token *tok, void *ctx)
{
    struct collect *c = ctx;
    if (tok->flags & PRS_TOKF_JOINED)
        return 0; /* its parts, which have positions, are the words */
    if (c->p->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        struct prs_syn_word *w = realloc(c->w, cap * sizeof *w);
        if (!w)
            goto nomem;
        c->p->words = c->w = w;
        c->cap = cap;
    }
    struct prs_syn_word *w = &c->w[c->p->n];
    w->text = strndup(tok->text, tok->len);
    w->stem = strndup(tok->stem, tok->stem_len);
    w->stop = (tok->flags & PRS_TOKF_STOP) != 0;
    w->number = tok->kind == PRS_TOK_NUMBER;
    if (!w->text || !w->stem) {
        free((char *)w->text);
        free((char *)w->stem);
        goto nomem;
    }
    c->p->n++;
    return 0;
nomem:
    c->rc = PRS_E_NOMEM;
    return 1;
}

/* Analyses text[0..len) into p (cleared first). */
static int make_phrase(struct prs_analyzer *an, const char *text, size_t len,
                       struct prs_syn_phrase *p)
{
    memset(p, 0, sizeof *p);
    struct collect c = {.p = p};
    int rc = prs_analyzer_run(an, text, len, 0, on_token, &c, NULL);
    if (c.rc < 0 || rc < 0) {
        phrase_clear(p);
        return PRS_E_NOMEM;
    }
    return 0;
}

static bool same_phrase(const struct prs_syn_word *a, size_t na,
                        const struct prs_syn_word *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i].text, b[i].text) != 0)
            return false;
    return true;
}

/* Adds p to g (ownership taken: p is cleared), unless g has it already. */
static int group_add(struct group *g, struct prs_syn_phrase *p)
{
    for (size_t i = 0; i < g->n; i++)
        if (same_phrase(g->p[i].words, g->p[i].n, p->words, p->n)) {
            phrase_clear(p);
            return 0;
        }
    struct prs_syn_phrase *v = realloc(g->p, (g->n + 1) * sizeof *v);
    if (!v) {
        phrase_clear(p);
        return PRS_E_NOMEM;
    }
    g->p = v;
    g->p[g->n++] = *p;
    memset(p, 0, sizeof *p);
    return 0;
}

/* Adds g (ownership taken: g is cleared). */
static int add_group(struct prs_synonyms *s, struct group *g)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct group *v = realloc(s->g, cap * sizeof *v);
        if (!v) {
            group_clear(g);
            return PRS_E_NOMEM;
        }
        s->g = v;
        s->cap = cap;
    }
    s->g[s->n++] = *g;
    memset(g, 0, sizeof *g);
    return 0;
}

/* ---- the synonyms file ------------------------------------------------- */

/* One line's group into g; messages say what is wrong (the caller adds
 * where). */
static int parse_line(struct prs_analyzer *an, const char *line, size_t len,
                      struct group *g, struct prs_err *err)
{
    size_t nparts = 0;
    const char *p = line, *end = line + len;
    while (p <= end) {
        const char *eq = memchr(p, '=', (size_t)(end - p));
        size_t plen = (size_t)((eq ? eq : end) - p);
        const char *part = prs_trim(p, &plen);
        if (plen == 0)
            return prs_err_set(err, PRS_E_BADARG,
                               memchr(line, '=', len)
                                   ? "empty phrase next to '='"
                                   : "no '=': write a group as "
                                     "'kortform = full form'");
        struct prs_syn_phrase ph;
        if (make_phrase(an, part, plen, &ph) < 0)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        int n = (int)(plen > 60 ? 60 : plen);
        if (ph.n == 0)
            return prs_err_set(err, PRS_E_BADARG, "'%.*s' has no words", n,
                               part);
        if (ph.n > PRS_SYN_MAX_WORDS) {
            phrase_clear(&ph);
            return prs_err_set(err, PRS_E_BADARG,
                               "'%.*s' has more than %d words", n, part,
                               PRS_SYN_MAX_WORDS);
        }
        if (group_add(g, &ph) < 0)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        nparts++;
        if (!eq)
            break;
        p = eq + 1;
    }
    if (nparts < 2)
        return prs_err_set(err, PRS_E_BADARG,
                           "no '=': write a group as 'kortform = full form'");
    if (g->n < 2)
        return prs_err_set(err, PRS_E_BADARG,
                           "the phrases are the same words");
    return 0;
}

int prs_synonyms_parse(struct prs_synonyms *s, struct prs_analyzer *an,
                       const char *text, size_t len, const char *name,
                       struct prs_err *err)
{
    size_t first_new = s->n, lineno = 0;
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0;) {
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        size_t llen = nl ? (size_t)(nl - line) : len - at;
        at += llen + 1;
        lineno++;
        if (llen && line[llen - 1] == '\r')
            llen--;
        if (!prs_utf8_valid(line, llen)) {
            rc = prs_err_set(err, PRS_E_BADARG, "%s:%zu: not valid UTF-8",
                             name, lineno);
            break;
        }
        const char *hash = memchr(line, '#', llen);
        if (hash)
            llen = (size_t)(hash - line);
        size_t tlen = llen;
        const char *t = prs_trim(line, &tlen);
        if (tlen == 0)
            continue;
        struct group g = {0};
        if ((rc = parse_line(an, t, tlen, &g, err)) == 0)
            rc = add_group(s, &g);
        else
            prs_err_prefix(err, "%s:%zu", name, lineno);
        group_clear(&g);
    }
    if (rc == 0 && reindex(s) < 0)
        rc = PRS_E_NOMEM;
    if (rc < 0) { /* all or nothing */
        for (size_t i = first_new; i < s->n; i++)
            group_clear(&s->g[i]);
        s->n = first_new;
        if (rc == PRS_E_NOMEM)
            prs_err_set(err, rc, "out of memory");
    }
    return rc;
}

int prs_synonyms_read_file(struct prs_synonyms *s, struct prs_analyzer *an,
                           const char *path, bool missing_ok,
                           struct prs_err *err)
{
    size_t len = 0;
    struct prs_err rerr = {0};
    char *text = prs_read_file(path, PRS_SYNONYMS_MAX_BYTES, &len, &rerr);
    if (!text) {
        if (rerr.code == PRS_E_NOTFOUND && missing_ok)
            return 0;
        if (err)
            *err = rerr;
        return rerr.code;
    }
    int rc = prs_synonyms_parse(s, an, text, len, path, err);
    free(text);
    return rc;
}

/* ---- learned abbreviations --------------------------------------------- */

struct xa_term {
    char *abbr;
    char *full; /* NULL: the abbreviation's own term */
    uint64_t df;
};

struct xa_list {
    struct xa_term *v;
    size_t n, cap;
};

static int collect_term(const char *term, size_t len, uint64_t tf, void *ctx)
{
    struct xa_list *l = ctx;
    size_t plen = strlen(PRS_PREFIX_ABBREV);
    if (len <= plen)
        return 0;
    term += plen;
    len -= plen;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct xa_term *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    const char *sp = memchr(term, ' ', len);
    struct xa_term *x = &l->v[l->n];
    x->abbr = strndup(term, sp ? (size_t)(sp - term) : len);
    x->full = sp ? strndup(sp + 1, len - (size_t)(sp + 1 - term)) : NULL;
    x->df = tf;
    if (!x->abbr || (sp && !x->full)) {
        free(x->abbr);
        free(x->full);
        return PRS_E_NOMEM;
    }
    l->n++;
    return 0;
}

/* The releases supporting full name v[i]: its own, and those of its
 * genitive or base form ("... institutionsstyrelses" and "...
 * institutionsstyrelse") among v[0..n). */
static uint64_t support(const struct xa_term *v, size_t n, size_t i)
{
    uint64_t total = v[i].df;
    size_t len = strlen(v[i].full);
    for (size_t k = 0; k < n; k++) {
        size_t klen = strlen(v[k].full);
        if (k == i || (klen != len + 1 && klen + 1 != len))
            continue;
        const char *longer = klen > len ? v[k].full : v[i].full;
        const char *shorter = klen > len ? v[i].full : v[k].full;
        size_t slen = klen > len ? len : klen;
        if (longer[slen] == 's' && memcmp(longer, shorter, slen) == 0)
            total += v[k].df;
    }
    return total;
}

/* The group of one abbreviation (its own term's release count abbr_df)
 * and its full names v[0..n). */
static int learn_group(struct prs_synonyms *s, struct prs_analyzer *an,
                       const char *abbr, uint64_t abbr_df, struct xa_term *v,
                       size_t n)
{
    struct group g = {0};
    struct prs_syn_phrase p;
    size_t kept = 0;
    int rc = 0;
    /* Most supported first; ties in byte order (v is in it). */
    uint64_t *sup = malloc(n * sizeof *sup);
    bool *used = calloc(n, sizeof *used);
    if (!sup || !used) {
        rc = PRS_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sup[i] = support(v, n, i);
    while (rc == 0 && kept < PRS_ABBREV_MAX_FORMS) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!used[i] && sup[i] >= PRS_ABBREV_MIN_DOCS &&
                sup[i] * PRS_ABBREV_SHARE >= abbr_df &&
                (best == n || sup[i] > sup[best]))
                best = i;
        if (best == n)
            break;
        used[best] = true;
        if (g.n == 0 && (rc = make_phrase(an, abbr, strlen(abbr), &p)) == 0)
            rc = p.n ? group_add(&g, &p) : (phrase_clear(&p), 0);
        if (rc == 0 && (rc = make_phrase(an, v[best].full,
                                         strlen(v[best].full), &p)) == 0)
            rc = p.n && p.n <= PRS_SYN_MAX_WORDS ? group_add(&g, &p)
                                                 : (phrase_clear(&p), 0);
        kept++;
    }
    if (rc == 0 && g.n >= 2)
        rc = add_group(s, &g);
out:
    group_clear(&g);
    free(sup);
    free(used);
    return rc;
}

static int cmp_abbr(const void *key, const void *elem)
{
    return strcmp(key, ((const struct xa_term *)elem)->abbr);
}

int prs_synonyms_learn(struct prs_synonyms *s, struct prs_analyzer *an,
                       struct prs_db *db, struct prs_err *err)
{
    struct xa_list all = {0}, own = {0};
    int rc = prs_db_terms_each(db, PRS_PREFIX_ABBREV, collect_term, &all, err);
    if (rc > 0)
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
    /* The abbreviations' own terms, in byte order as the index gives
     * them, so that bsearch finds them. */
    for (size_t i = 0; rc == 0 && i < all.n; i++) {
        if (all.v[i].full)
            continue;
        if (own.n == own.cap) {
            size_t cap = own.cap ? own.cap * 2 : 256;
            struct xa_term *v = realloc(own.v, cap * sizeof *v);
            if (!v) {
                rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
                break;
            }
            own.v = v;
            own.cap = cap;
        }
        own.v[own.n++] = all.v[i];
    }
    /* The full names of one abbreviation are one run of the list
     * ("sis statens ..." terms all sort together). */
    struct xa_term *names = NULL;
    if (rc == 0 && all.n && !(names = malloc(all.n * sizeof *names)))
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
    size_t nnames = 0;
    for (size_t i = 0; rc == 0 && i <= all.n; i++) {
        bool flush = nnames > 0 &&
                     (i == all.n || !all.v[i].full ||
                      strcmp(all.v[i].abbr, names[0].abbr) != 0);
        if (flush) {
            const struct xa_term *o = own.n ? bsearch(names[0].abbr, own.v,
                                                      own.n, sizeof *own.v,
                                                      cmp_abbr)
                                            : NULL;
            rc = learn_group(s, an, names[0].abbr, o ? o->df : 0, names,
                             nnames);
            if (rc < 0)
                rc = prs_err_set(err, rc, "out of memory");
            nnames = 0;
        }
        if (i < all.n && all.v[i].full)
            names[nnames++] = all.v[i];
    }
    for (size_t i = 0; i < all.n; i++) {
        free(all.v[i].abbr);
        free(all.v[i].full);
    }
    free(all.v);
    free(own.v);
    free(names);
    /* Groups learned before a failure stay, and are looked up. */
    if (reindex(s) < 0 && rc == 0)
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
    return rc;
}

/* ---- loading and lookups ------------------------------------------------ */

const char *prs_synonyms_path(const char *path, bool *named)
{
    const char *env = getenv("PRSEARCH_SYNONYMS");
    bool is_named = true;
    if (!path || !*path)
        path = env && *env ? env : NULL;
    if (!path) {
        is_named = false;
        path = access(PRS_SYNONYMS_BUILD_PATH, F_OK) == 0
                   ? PRS_SYNONYMS_BUILD_PATH
                   : PRS_SYNONYMS_INSTALL_PATH;
    }
    if (named)
        *named = is_named;
    return path;
}

struct prs_synonyms *prs_synonyms_load(struct prs_db *db,
                                       struct prs_analyzer *an,
                                       const char *path, struct prs_err *err)
{
    struct prs_synonyms *s = prs_synonyms_new();
    bool named = false;
    const char *file = prs_synonyms_path(path, &named);
    int rc = s ? prs_synonyms_read_file(s, an, file, !named, err)
               : prs_err_set(err, PRS_E_NOMEM, "out of memory");
    if (rc == 0 && db)
        rc = prs_synonyms_learn(s, an, db, err);
    if (rc < 0) {
        prs_synonyms_free(s);
        return NULL;
    }
    return s;
}

static bool word_matches(const struct prs_syn_word *a,
                         const struct prs_syn_word *b)
{
    return strcmp(a->text, b->text) == 0 ||
           (!a->number && !b->number && strcmp(a->stem, b->stem) == 0);
}

static bool phrase_matches(const struct prs_syn_phrase *p,
                           const struct prs_syn_word *q, size_t n)
{
    if (p->n > n)
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (!word_matches(&p->words[i], &q[i]))
            return false;
    return true;
}

/* The entries of v[0..n) whose key is key: v[*lo..*hi). */
static void key_range(const struct first_word *v, size_t n, const char *key,
                      size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (strcmp(v[m].key, key) < 0)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    for (b = a; b < n && strcmp(v[b].key, key) == 0; b++)
        ;
    *hi = b;
}

/* The phrases whose first word may match a query's first word q[0]: by
 * its text, and by its stem unless q[0] is a number (word_matches()):
 * v[t][lo[t]..hi[t]) for t = 0, 1. */
struct candidates {
    const struct first_word *v[2];
    size_t lo[2], hi[2];
};

static void find_candidates(const struct prs_synonyms *s,
                            const struct prs_syn_word *q,
                            struct candidates *c)
{
    key_range(s->by_text, s->ntext, q->text, &c->lo[0], &c->hi[0]);
    c->v[0] = s->by_text;
    c->v[1] = s->by_stem;
    c->lo[1] = c->hi[1] = 0;
    if (!q->number)
        key_range(s->by_stem, s->nstem, q->stem, &c->lo[1], &c->hi[1]);
}

/* Whether group g has a phrase of best words that q[0..best) equals. */
static bool group_holds(const struct group *gr, const struct prs_syn_word *q,
                        size_t best)
{
    for (size_t i = 0; i < gr->n; i++)
        if (gr->p[i].n == best && phrase_matches(&gr->p[i], q, best))
            return true;
    return false;
}

size_t prs_synonyms_lookup(const struct prs_synonyms *s,
                           const struct prs_syn_word *q, size_t n,
                           const struct prs_syn_phrase **alts, size_t max,
                           size_t *nalts)
{
    size_t best = 0;
    *nalts = 0;
    if (!s || n == 0 || s->n == 0)
        return 0;
    struct candidates c;
    find_candidates(s, q, &c);
    for (int t = 0; t < 2; t++)
        for (size_t k = c.lo[t]; k < c.hi[t]; k++) {
            const struct prs_syn_phrase *p =
                &s->g[c.v[t][k].group].p[c.v[t][k].phrase];
            if (p->n > best && phrase_matches(p, q, n))
                best = p->n;
        }
    if (best == 0)
        return 0;
    /* The groups holding such a phrase, in the order they were added. */
    for (size_t from = 0; *nalts < max;) {
        size_t g = SIZE_MAX;
        for (int t = 0; t < 2; t++)
            for (size_t k = c.lo[t]; k < c.hi[t]; k++) {
                size_t cg = c.v[t][k].group;
                if (cg >= from && cg < g && group_holds(&s->g[cg], q, best))
                    g = cg;
            }
        if (g == SIZE_MAX)
            break;
        from = g + 1;
        const struct group *gr = &s->g[g];
        for (size_t i = 0; i < gr->n && *nalts < max; i++) {
            const struct prs_syn_phrase *p = &gr->p[i];
            if (p->n == best && phrase_matches(p, q, best))
                continue;
            bool seen = false;
            for (size_t k = 0; k < *nalts && !seen; k++)
                seen = same_phrase(alts[k]->words, alts[k]->n, p->words,
                                   p->n);
            if (!seen)
                alts[(*nalts)++] = p;
        }
    }
    return best;
}
