#include "qbuild.h"

#include "qparse.h"
#include "schema.h"
#include "strutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A token copied out of the analyzer callback. */
struct tok {
    char *text;
    char *stem;
    /* å/ä/ö-folded form and stem: the analyzer's PRS_VAR_FOLDED variant,
     * or copies of text and stem when the word has nothing to fold */
    char *folded;
    char *folded_stem;
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
        free(t->v[i].folded);
        free(t->v[i].folded_stem);
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
    const struct prs_variant *fv = NULL;
    for (size_t i = 0; i < tk->nvariants; i++)
        if (tk->variants[i].kind == PRS_VAR_FOLDED)
            fv = &tk->variants[i];
    k->text = strndup(tk->text, tk->len);
    k->stem = strndup(tk->stem, tk->stem_len);
    k->folded = fv ? strndup(fv->text, fv->len) : strndup(tk->text, tk->len);
    k->folded_stem = fv ? strndup(fv->stem, fv->stem_len)
                        : strndup(tk->stem, tk->stem_len);
    k->kind = tk->kind;
    k->flags = tk->flags;
    if (!k->text || !k->stem || !k->folded || !k->folded_stem) {
        free(k->text);
        free(k->stem);
        free(k->folded);
        free(k->folded_stem);
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

/* The å/ä/ö-forgiving side of a word: releases whose words fold to the
 * word's folded form ("malmo" reaches "malmö" through the F term, and
 * "tingsratt" "tingsrätten" through the ZF stem), scaled down so the very
 * form always ranks first. Words of a field query have no folded terms. */
static struct prs_query *folded_query(struct builder *b, const struct tok *t)
{
    struct prs_query *parts[2] = {
        term_query(b, PRS_PREFIX_FOLDED, "", t->folded), NULL};
    if (parts[0])
        parts[1] = term_query(b, PRS_PREFIX_FOLDED_STEM, "", t->folded_stem);
    if (!parts[0] || !parts[1]) {
        prs_query_free(parts[0]);
        return NULL;
    }
    struct prs_query *either = combine_owned(b, PRS_QOP_OR, parts, 2);
    struct prs_query *scaled =
        either ? prs_query_scale(either, PRS_FOLDED_WEIGHT, b->err) : NULL;
    prs_query_free(either);
    if (scaled && prs_marker_add_folded(b->marker, t->folded) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        prs_query_free(scaled);
        return NULL;
    }
    return scaled;
}

/* One analysed word: its exact form ranks above its other inflections,
 * which match through the stem, and those above its å/ä/ö-folded forms. */
static struct prs_query *token_query(struct builder *b, const struct tok *t,
                                     const char *prefix)
{
    struct prs_query *parts[3] = {term_query(b, prefix, "", t->text), NULL,
                                  NULL};
    if (!parts[0])
        return NULL;
    if (t->kind == PRS_TOK_WORD) {
        parts[1] = term_query(b, PRS_PREFIX_STEM, prefix, t->stem);
        if (parts[1] && !*prefix)
            parts[2] = folded_query(b, t);
        if (!parts[1] || (!*prefix && !parts[2])) {
            prs_query_free(parts[0]);
            prs_query_free(parts[1]);
            return NULL;
        }
    }
    if (prs_marker_add_word(b->marker, t->text,
                            t->kind == PRS_TOK_WORD ? t->stem : NULL) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        for (size_t i = 0; i < 3; i++)
            prs_query_free(parts[i]);
        return NULL;
    }
    return combine_owned(b, PRS_QOP_OR, parts, 3);
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

/* True if n is a plain word list the visitor typed without operators:
 * an AND of at least PRS_RELAX_MIN_WORDS single words in no field, with
 * only white space between them (an explicit "AND" would show there). */
static bool plain_word_list(const struct prs_qnode *n, const char *q)
{
    if (n->kind != PRS_QN_AND || n->nchildren < PRS_RELAX_MIN_WORDS)
        return false;
    for (size_t i = 0; i < n->nchildren; i++) {
        const struct prs_qnode *c = n->children[i];
        if (c->kind != PRS_QN_WORD || c->field != PRS_QF_ANY)
            return false;
        if (i == 0)
            continue;
        for (size_t k = n->children[i - 1]->end; k < c->start; k++)
            if (q[k] != ' ' && q[k] != '\t' && q[k] != '\n' && q[k] != '\r')
                return false;
    }
    return true;
}

/* The forgiving query of a plain word list: the releases that match all
 * words but one. Up to PRS_RELAX_MAX_WORDS words it is the OR of the AND
 * of each subset that leaves one word out; longer lists OR every word.
 * Releases matching more words score higher, since they match more of
 * the subsets. NULL without error when fewer than 3 words are searchable. */
static struct prs_query *relaxed_query(struct builder *b,
                                       const struct prs_qnode *n)
{
    struct prs_query **subs = calloc(n->nchildren, sizeof *subs);
    struct prs_query **alts = calloc(n->nchildren, sizeof *alts);
    struct prs_query **rest = calloc(n->nchildren, sizeof *rest);
    struct prs_query *q = NULL;
    size_t k = 0;
    if (!subs || !alts || !rest) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n->nchildren; i++) {
        struct prs_query *w = build(b, n->children[i]);
        if (!w && b->err->code < 0)
            goto out;
        if (w)
            subs[k++] = w;
    }
    if (k < PRS_RELAX_MIN_WORDS)
        goto out;
    if (k > PRS_RELAX_MAX_WORDS) {
        q = prs_query_combine(PRS_QOP_OR, subs, k, b->err);
        goto out;
    }
    size_t nalts = 0;
    for (size_t skip = 0; skip < k; skip++) {
        size_t m = 0;
        for (size_t i = 0; i < k; i++)
            if (i != skip)
                rest[m++] = subs[i];
        if (!(alts[nalts++] = prs_query_combine(PRS_QOP_AND, rest, m, b->err)))
            goto out;
    }
    q = prs_query_combine(PRS_QOP_OR, alts, nalts, b->err);
out:
    for (size_t i = 0; i < n->nchildren; i++) {
        prs_query_free(subs ? subs[i] : NULL);
        prs_query_free(alts ? alts[i] : NULL);
    }
    free(subs);
    free(alts);
    free(rest);
    return q;
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
    } else if (plain_word_list(tree, q)) {
        out->relaxed = relaxed_query(&b, tree);
        if (!out->relaxed && err->code < 0)
            rc = err->code;
    }
out:
    prs_buf_free(&b.term);
    prs_qnode_free(tree);
    return rc;
}

void prs_qbuild_clear(struct prs_qbuild *b)
{
    prs_query_free(b->query);
    prs_query_free(b->relaxed);
    prs_marker_free(b->marker);
    free(b->warning);
    memset(b, 0, sizeof *b);
}
