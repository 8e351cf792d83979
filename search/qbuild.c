#include "qbuild.h"

#include "qparse.h"
#include "schema.h"
#include "strutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A token copied out of the analyzer callback. */
struct tok {
    char *text;
    char *stem;
    int kind;
    unsigned flags;
};

struct toks {
    struct tok *v;
    size_t n, cap;
};

static void toks_clear(struct toks *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].text);
        free(t->v[i].stem);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int collect(const struct prs_token *tk, void *ctx)
{
    struct toks *t = ctx;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        struct tok *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    struct tok *k = &t->v[t->n];
    k->text = strndup(tk->text, tk->len);
    k->stem = strndup(tk->stem, tk->stem_len);
    k->kind = tk->kind;
    k->flags = tk->flags;
    if (!k->text || !k->stem) {
        free(k->text);
        free(k->stem);
        return PRS_E_NOMEM;
    }
    t->n++;
    return 0;
}

struct builder {
    struct prs_analyzer *an;
    struct prs_marker *marker;
    struct prs_err *err;
    struct prs_buf term;
    /* Byte offset of the word the query ends with, or SIZE_MAX: that word
     * may still be being typed, so it also matches as a prefix. */
    size_t typing_at;
};

static const char *field_prefix(int field)
{
    switch (field) {
    case PRS_QF_TITLE: return PRS_PREFIX_TITLE;
    case PRS_QF_ORG: return PRS_PREFIX_ORG;
    case PRS_QF_BODY: return PRS_PREFIX_BODY;
    case PRS_QF_CONTACT: return PRS_PREFIX_CONTACT;
    default: return "";
    }
}

/* Builds p1 + p2 + text in b->term and returns it (borrowed). */
static const char *make_term(struct builder *b, const char *p1, const char *p2,
                             const char *text)
{
    prs_buf_reset(&b->term);
    if (prs_buf_puts(&b->term, p1) < 0 || prs_buf_puts(&b->term, p2) < 0 ||
        prs_buf_puts(&b->term, text) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        return NULL;
    }
    return b->term.data;
}

static struct prs_query *term_query(struct builder *b, const char *p1,
                                    const char *p2, const char *text)
{
    const char *t = make_term(b, p1, p2, text);
    return t ? prs_query_term(t, 1, b->err) : NULL;
}

/* Combines qs[0..n) with op, skipping NULL entries; frees them. */
static struct prs_query *combine_owned(struct builder *b, int op,
                                       struct prs_query **qs, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (qs[i])
            qs[k++] = qs[i];
    struct prs_query *q = NULL;
    if (k == 1)
        return qs[0];
    if (k > 1)
        q = prs_query_combine(op, qs, k, b->err);
    for (size_t i = 0; i < k; i++)
        prs_query_free(qs[i]);
    return q;
}

/* One analysed word: its exact form ranks above its other inflections,
 * which match through the stem. */
static struct prs_query *token_query(struct builder *b, const struct tok *t,
                                     const char *prefix)
{
    struct prs_query *parts[2] = {term_query(b, prefix, "", t->text), NULL};
    if (!parts[0])
        return NULL;
    if (t->kind == PRS_TOK_WORD) {
        parts[1] = term_query(b, PRS_PREFIX_STEM, prefix, t->stem);
        if (!parts[1]) {
            prs_query_free(parts[0]);
            return NULL;
        }
    }
    if (prs_marker_add_word(b->marker, t->text,
                            t->kind == PRS_TOK_WORD ? t->stem : NULL) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        prs_query_free(parts[0]);
        prs_query_free(parts[1]);
        return NULL;
    }
    return combine_owned(b, PRS_QOP_OR, parts, 2);
}

/* Exact forms at adjacent positions. Positions are kept for unprefixed
 * terms only, so a field phrase is that phrase anywhere AND its words in
 * the field. */
static struct prs_query *phrase_query(struct builder *b, struct toks *t,
                                      const char *prefix)
{
    const char **terms = calloc(t->n, sizeof *terms);
    struct prs_query *q = NULL;
    size_t n = 0;
    if (!terms) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].flags & PRS_TOKF_JOINED)
            continue; /* its parts carry the positions */
        terms[n++] = t->v[i].text;
        if (prs_marker_add_word(b->marker, t->v[i].text, NULL) < 0) {
            prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
    }
    if (n == 0)
        goto out;
    if (n == 1) {
        q = term_query(b, prefix, "", terms[0]);
        goto out;
    }
    q = prs_query_phrase(terms, n, 0, b->err);
    if (q && *prefix) {
        struct prs_query **all = calloc(n + 1, sizeof *all);
        if (!all) {
            prs_query_free(q);
            q = NULL;
            goto out;
        }
        all[0] = q;
        for (size_t i = 0; i < n; i++)
            all[i + 1] = term_query(b, prefix, "", terms[i]);
        q = combine_owned(b, PRS_QOP_AND, all, n + 1);
        free(all);
    }
out:
    free(terms);
    return q;
}

static int analyse(struct builder *b, const struct prs_qword *words,
                   size_t nwords, struct toks *t)
{
    for (size_t i = 0; i < nwords; i++) {
        int rc = prs_analyzer_run(b->an, words[i].text, words[i].len, 0,
                                  collect, t, NULL);
        if (rc < 0)
            return prs_err_set(b->err, rc, "out of memory");
    }
    return 0;
}

/* The word being typed ("tivoli" of "tillsyn tivoli") also matches as a
 * prefix (tivolin, tivoliverksamheter), weighted below the word itself. */
static struct prs_query *or_typed_prefix(struct builder *b,
                                         struct prs_query *word,
                                         const char *text, const char *prefix)
{
    const char *p = make_term(b, prefix, "", text);
    struct prs_query *pq = p ? prs_query_prefix(p, PRS_PREFIX_MAX_TERMS, b->err)
                             : NULL;
    struct prs_query *scaled = pq ? prs_query_scale(pq, PRS_TYPING_WEIGHT, b->err)
                                  : NULL;
    prs_query_free(pq);
    if (!scaled || prs_marker_add_prefix(b->marker, text) < 0) {
        prs_query_free(scaled);
        prs_query_free(word);
        if (b->err->code == 0)
            prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        return NULL;
    }
    struct prs_query *alts[2] = {word, scaled};
    return combine_owned(b, PRS_QOP_OR, alts, 2);
}

/* Offset of the WORD leaf that ends the query, or SIZE_MAX. */
static size_t last_word_start(const struct prs_qnode *n, size_t query_end)
{
    if (n->kind == PRS_QN_WORD)
        return n->end == query_end ? n->start : SIZE_MAX;
    if (n->kind == PRS_QN_AND || n->kind == PRS_QN_OR) {
        for (size_t i = 0; i < n->nchildren; i++) {
            size_t at = last_word_start(n->children[i], query_end);
            if (at != SIZE_MAX)
                return at;
        }
    }
    return SIZE_MAX;
}

static struct prs_query *word_node(struct builder *b, const struct prs_qnode *n)
{
    struct toks t = {0};
    struct prs_query *q = NULL;
    const char *prefix = field_prefix(n->field);
    if (analyse(b, n->words, n->nwords, &t) < 0)
        goto out;
    if (t.n == 1) {
        q = token_query(b, &t.v[0], prefix);
        if (q && n->start == b->typing_at && t.v[0].kind == PRS_TOK_WORD &&
            strlen(t.v[0].text) >= PRS_TYPING_MIN_BYTES)
            q = or_typed_prefix(b, q, t.v[0].text, prefix);
        goto out;
    }
    /* Several tokens in one typed word ("EST-effektiv", "covid-19"): the
     * whole hyphenated word, or its parts next to each other. */
    struct prs_query *alts[2] = {NULL, NULL};
    for (size_t i = 0; i < t.n; i++)
        if ((t.v[i].flags & PRS_TOKF_JOINED) && !alts[0])
            alts[0] = token_query(b, &t.v[i], prefix);
    alts[1] = phrase_query(b, &t, prefix);
    q = combine_owned(b, PRS_QOP_OR, alts, 2);
out:
    toks_clear(&t);
    return q;
}

static struct prs_query *prefix_node(struct builder *b,
                                     const struct prs_qnode *n)
{
    struct toks t = {0};
    struct prs_query *q = NULL;
    const char *prefix = field_prefix(n->field);
    if (analyse(b, n->words, n->nwords, &t) < 0 || t.n == 0)
        goto out;
    /* The last token is the one being typed; a joined form is not. */
    size_t last = t.n;
    while (last > 0 && (t.v[last - 1].flags & PRS_TOKF_JOINED))
        last--;
    if (last == 0)
        goto out;
    const char *p = make_term(b, prefix, "", t.v[last - 1].text);
    if (!p)
        goto out;
    q = prs_query_prefix(p, PRS_PREFIX_MAX_TERMS, b->err);
    if (q && prs_marker_add_prefix(b->marker, t.v[last - 1].text) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        prs_query_free(q);
        q = NULL;
    }
    /* Words typed before it in the same word ("EU-komm*") must match. */
    for (size_t i = 0; q && i + 1 < last; i++) {
        if (t.v[i].flags & PRS_TOKF_JOINED)
            continue;
        struct prs_query *pair[2] = {q, token_query(b, &t.v[i], prefix)};
        q = combine_owned(b, PRS_QOP_AND, pair, 2);
    }
out:
    toks_clear(&t);
    return q;
}

static struct prs_query *build(struct builder *b, const struct prs_qnode *n)
{
    switch (n->kind) {
    case PRS_QN_WORD: return word_node(b, n);
    case PRS_QN_PREFIX: return prefix_node(b, n);
    case PRS_QN_PHRASE: {
        struct toks t = {0};
        struct prs_query *q = NULL;
        if (analyse(b, n->words, n->nwords, &t) == 0)
            q = phrase_query(b, &t, field_prefix(n->field));
        toks_clear(&t);
        return q;
    }
    case PRS_QN_AND:
    case PRS_QN_OR:
    case PRS_QN_AND_NOT: {
        struct prs_query **subs = calloc(n->nchildren, sizeof *subs);
        if (!subs) {
            prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < n->nchildren; i++) {
            subs[i] = build(b, n->children[i]);
            if (!subs[i] && b->err->code < 0) {
                for (size_t k = 0; k < i; k++)
                    prs_query_free(subs[k]);
                free(subs);
                return NULL;
            }
        }
        struct prs_query *q;
        if (n->kind == PRS_QN_AND_NOT && !subs[0]) {
            /* The positive side had no searchable word. */
            for (size_t i = 0; i < n->nchildren; i++)
                prs_query_free(subs[i]);
            q = NULL;
        } else {
            int op = n->kind == PRS_QN_AND  ? PRS_QOP_AND
                     : n->kind == PRS_QN_OR ? PRS_QOP_OR
                                            : PRS_QOP_AND_NOT;
            q = combine_owned(b, op, subs, n->nchildren);
        }
        free(subs);
        return q;
    }
    }
    prs_err_set(b->err, PRS_E_INTERNAL, "unknown query node kind %d", n->kind);
    return NULL;
}

static char *join_warnings(const struct prs_qparse_info *info)
{
    if (info->nwarnings == 0)
        return NULL;
    struct prs_buf w = {0};
    size_t kept = info->nwarnings < PRS_QPARSE_MAX_WARNINGS
                      ? info->nwarnings
                      : PRS_QPARSE_MAX_WARNINGS;
    for (size_t i = 0; i < kept; i++)
        prs_buf_printf(&w, "%s%s", i ? "; " : "", info->warnings[i].msg);
    return prs_buf_steal(&w);
}

int prs_qbuild(struct prs_analyzer *an, const char *q, size_t len,
               struct prs_qbuild *out, struct prs_err *err)
{
    struct prs_qparse_info info;
    struct prs_qnode *tree = NULL;
    struct prs_err local = {0};
    if (!err)
        err = &local; /* the builder reads err->code to tell failures apart */
    memset(out, 0, sizeof *out);
    prs_err_clear(err);
    int rc = prs_qparse(q, len, &tree, &info, err);
    if (rc < 0)
        return rc;
    out->warning = join_warnings(&info);
    struct builder b = {.an = an, .err = err};
    /* A query that ends in white space has its last word complete. */
    b.typing_at = len && (unsigned char)q[len - 1] > ' '
                      ? last_word_start(tree, len)
                      : SIZE_MAX;
    if (!(out->marker = b.marker = prs_marker_new())) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    out->query = build(&b, tree);
    if (!out->query) {
        rc = err->code < 0 ? err->code
                           : prs_err_set(err, PRS_E_PARSE,
                                         "nothing to search for: the query has "
                                         "no words");
    }
out:
    prs_buf_free(&b.term);
    prs_qnode_free(tree);
    return rc;
}

void prs_qbuild_clear(struct prs_qbuild *b)
{
    prs_query_free(b->query);
    prs_marker_free(b->marker);
    free(b->warning);
    memset(b, 0, sizeof *b);
}
