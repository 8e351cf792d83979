#include "qbuild.h"

#include "qparse.h"
#include "schema.h"
#include "strutil.h"
#include "synonyms.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A variant copied out of the analyzer callback. */
struct var {
    int kind; /* enum prs_variant_kind */
    char *text;
    char *stem;
};

/* A token copied out of the analyzer callback. */
struct tok {
    char *text;
    char *stem;
    int kind;
    unsigned flags;
    struct var v[PRS_MAX_VARIANTS];
    size_t nv;
};

struct toks {
    struct tok *v;
    size_t n, cap;
};

static void tok_free(struct tok *k)
{
    free(k->text);
    free(k->stem);
    for (size_t i = 0; i < k->nv; i++) {
        free(k->v[i].text);
        free(k->v[i].stem);
    }
}

static void toks_clear(struct toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        tok_free(&t->v[i]);
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
    memset(k, 0, sizeof *k);
    k->text = strndup(tk->text, tk->len);
    k->stem = strndup(tk->stem, tk->stem_len);
    k->kind = tk->kind;
    k->flags = tk->flags;
    bool ok = k->text && k->stem;
    for (size_t i = 0; ok && i < tk->nvariants && i < PRS_MAX_VARIANTS; i++) {
        const struct prs_variant *pv = &tk->variants[i];
        struct var *v = &k->v[k->nv++];
        v->kind = pv->kind;
        v->text = strndup(pv->text, pv->len);
        v->stem = strndup(pv->stem, pv->stem_len);
        ok = v->text && v->stem;
    }
    if (!ok) {
        tok_free(k);
        return PRS_E_NOMEM;
    }
    t->n++;
    return 0;
}

/* The first variant of t of this kind, or NULL. */
static const struct var *find_var(const struct tok *t, int kind)
{
    for (size_t i = 0; i < t->nv; i++)
        if (t->v[i].kind == kind)
            return &t->v[i];
    return NULL;
}

struct builder {
    struct prs_analyzer *an;
    struct prs_db *db; /* word frequencies (PRS_APART_BELOW); may be NULL */
    struct prs_marker *marker;
    struct prs_err *err;
    struct prs_buf term;
    /* Byte offset of the word the query ends with, or SIZE_MAX: that word
     * may still be being typed, so it also matches as a prefix. */
    size_t typing_at;
    const struct prs_synonyms *syn; /* NULL: none */
    bool grouped; /* a run of words was grouped with its synonyms */
    /* For the query's top node: in_run[i] is true when its child i
     * continues a run grouped with its synonyms (NULL: none). */
    const struct prs_qnode *top;
    bool *in_run;
    /* Words match by their exact form alone (an optional stop word). */
    bool exact_only;
};

static const char *field_prefix(int field)
{
    switch (field) {
    case PRS_QF_TITLE: return PRS_PREFIX_TITLE;
    case PRS_QF_ORG: return PRS_PREFIX_ORG;
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

/* The word text (stem: the stem text) in field: its term under the
 * field's prefix, or for the body, which has no copy of its own
 * (schema.h), the term AND_NOT its XNB term. */
static struct prs_query *field_term(struct builder *b, int field, bool stem,
                                    const char *text)
{
    const char *z = stem ? PRS_PREFIX_STEM : "";
    if (field != PRS_QF_BODY)
        return term_query(b, z, field_prefix(field), text);
    struct prs_query *pair[2] = {term_query(b, z, "", text), NULL};
    if (pair[0])
        pair[1] = term_query(b, z, PRS_PREFIX_OUTSIDE_BODY, text);
    if (!pair[1]) {
        prs_query_free(pair[0]);
        return NULL;
    }
    struct prs_query *q = prs_query_combine(PRS_QOP_AND_NOT, pair, 2, b->err);
    prs_query_free(pair[0]);
    prs_query_free(pair[1]);
    return q;
}

/* The body's completions, each as field_term() puts it. */
struct body_terms {
    struct builder *b;
    struct prs_query **v;
    size_t n, max;
};

static int on_body_term(const char *term, size_t len, uint64_t freq,
                        void *ctx)
{
    (void)freq;
    struct body_terms *bt = ctx;
    char *word = strndup(term, len);
    struct prs_query *q =
        word && bt->n < bt->max ? field_term(bt->b, PRS_QF_BODY, false, word)
                                : NULL;
    free(word);
    if (!q)
        return bt->b->err->code ? bt->b->err->code : PRS_E_NOMEM;
    bt->v[bt->n++] = q;
    return 0;
}

/* Words of the body starting with text: the index's most frequent
 * max_terms words with that prefix (prs_db_completions()), each as
 * field_term() puts it, scored as one word. */
static struct prs_query *body_prefix_query(struct builder *b, const char *text,
                                           unsigned max_terms)
{
    struct body_terms bt = {.b = b, .max = max_terms};
    struct prs_query *q = NULL;
    bt.v = calloc(max_terms ? max_terms : 1, sizeof *bt.v);
    int rc = bt.v ? prs_db_completions(b->db, text, max_terms, on_body_term,
                                       &bt, b->err)
                  : PRS_E_NOMEM;
    if (rc == PRS_E_NOMEM && b->err->code == 0)
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
    if (rc == 0)
        q = bt.n ? prs_query_combine(PRS_QOP_SYNONYM, bt.v, bt.n, b->err)
                 : prs_query_prefix(text, max_terms, b->err); /* nothing */
    for (size_t i = 0; i < bt.n; i++)
        prs_query_free(bt.v[i]);
    free(bt.v);
    return q;
}

/* Words starting with text in field, the most frequent max_terms of
 * them. Without an index to look the body's words up in, body words are
 * words anywhere. */
static struct prs_query *field_prefix_query(struct builder *b, int field,
                                            const char *text,
                                            unsigned max_terms)
{
    if (field == PRS_QF_BODY && b->db && max_terms)
        return body_prefix_query(b, text, max_terms);
    const char *p = make_term(b, field_prefix(field), "", text);
    if (!p)
        return NULL;
    return b->db && max_terms ? prs_query_completions(b->db, p, max_terms, b->err)
                              : prs_query_prefix(p, max_terms, b->err);
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

/* Alternatives of one word, collected before they are ORed. */
struct alts {
    struct prs_query *q[8];
    size_t n;
    bool failed;
};

/* Adds q to a, scaled by weight unless it is 1. NULL q is a failure
 * when an error is set (out of memory), else nothing to add. */
static void alts_add(struct builder *b, struct alts *a, struct prs_query *q,
                     double weight)
{
    if (!q) {
        a->failed |= b->err->code < 0;
        return;
    }
    if (weight != 1.0) {
        struct prs_query *scaled = prs_query_scale(q, weight, b->err);
        prs_query_free(q);
        if (!(q = scaled)) {
            a->failed = true;
            return;
        }
    }
    if (a->n == sizeof a->q / sizeof *a->q) {
        prs_query_free(q);
        return;
    }
    a->q[a->n++] = q;
}

/* ORs the alternatives, or frees them after a failure. */
static struct prs_query *alts_or(struct builder *b, struct alts *a)
{
    if (a->failed) {
        for (size_t i = 0; i < a->n; i++)
            prs_query_free(a->q[i]);
        return NULL;
    }
    return combine_owned(b, PRS_QOP_OR, a->q, a->n);
}

static void mark(struct builder *b, struct alts *a, int rc)
{
    if (rc < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        a->failed = true;
    }
}

/* One compound part written apart: the part's stem as written
 * ("beredskaps" -> beredskap), or its lemma as a part of another
 * compound ("planering" in "försörjningsplanering"). */
static struct prs_query *apart_part(struct builder *b, const struct var *v)
{
    struct alts a = {0};
    alts_add(b, &a, term_query(b, PRS_PREFIX_STEM, "", v->stem), 1.0);
    alts_add(b, &a, term_query(b, PRS_PREFIX_PART, "", v->text), 1.0);
    mark(b, &a, prs_marker_add_word(b->marker, NULL, v->stem));
    mark(b, &a, prs_marker_add_variant(b->marker, PRS_VAR_LEMMA, v->text));
    mark(b, &a, prs_marker_add_variant(b->marker, PRS_VAR_COMPOUND_PART,
                                       v->text));
    return alts_or(b, &a);
}

/* Whether t's stem is in at least PRS_APART_BELOW releases of b->db. */
static bool common_word(struct builder *b, const struct tok *t)
{
    uint64_t freq = 0;
    struct prs_err ferr = {0};
    const char *z = b->db ? make_term(b, PRS_PREFIX_STEM, "", t->stem) : NULL;
    /* A lookup that fails leaves the parts in: recall over speed. */
    return z && prs_db_termfreq(b->db, z, &freq, &ferr) == 0 &&
           freq >= PRS_APART_BELOW;
}

/* A compound written apart or in other compounds: every part of the
 * word (PRS_VAR_COMPOUND_PART, else the guessed split) matches. */
static struct prs_query *apart_query(struct builder *b, const struct tok *t)
{
    int kind = find_var(t, PRS_VAR_COMPOUND_PART) ? PRS_VAR_COMPOUND_PART
                                                   : PRS_VAR_COMPOUND_GUESS;
    size_t nparts = 0;
    for (size_t i = 0; i < t->nv; i++)
        nparts += t->v[i].kind == kind;
    /* Only a compound asks the index how common it is. */
    if (nparts < 2 || common_word(b, t))
        return NULL;
    struct prs_query *parts[PRS_MAX_VARIANTS];
    size_t n = 0;
    for (size_t i = 0; i < t->nv; i++) {
        if (t->v[i].kind != kind)
            continue;
        if (!(parts[n] = apart_part(b, &t->v[i]))) {
            for (size_t k = 0; k < n; k++)
                prs_query_free(parts[k]);
            return NULL;
        }
        n++;
    }
    return combine_owned(b, PRS_QOP_AND, parts, n);
}

/* The lexicon's side of a word: the stems of its lemmas ("tullmötet"
 * finds "tullmöte"), and the word as a part of compounds ("kablar" finds
 * "undervattenskablar" through the P term of its lemma). */
static void lexicon_alts(struct builder *b, const struct tok *t,
                         struct alts *a)
{
    struct alts lemmas = {0}, parts = {0};
    bool known = false;
    for (size_t i = 0; i < t->nv; i++) {
        const struct var *v = &t->v[i];
        if (v->kind != PRS_VAR_LEMMA)
            continue;
        known = true;
        if (strcmp(v->stem, t->stem) != 0)
            alts_add(b, &lemmas, term_query(b, PRS_PREFIX_STEM, "", v->stem),
                     1.0);
        alts_add(b, &parts, term_query(b, PRS_PREFIX_PART, "", v->text), 1.0);
        mark(b, &lemmas,
             prs_marker_add_variant(b->marker, PRS_VAR_LEMMA, v->text));
        mark(b, &parts, prs_marker_add_variant(
                            b->marker, PRS_VAR_COMPOUND_PART, v->text));
    }
    if (!known) { /* unknown to the lexicon: the word itself */
        alts_add(b, &parts, term_query(b, PRS_PREFIX_PART, "", t->text), 1.0);
        mark(b, &parts, prs_marker_add_variant(
                            b->marker, PRS_VAR_COMPOUND_PART, t->text));
    }
    alts_add(b, a, alts_or(b, &lemmas), PRS_LEMMA_WEIGHT);
    alts_add(b, a, alts_or(b, &parts), PRS_PART_WEIGHT);
    alts_add(b, a, apart_query(b, t),
             find_var(t, PRS_VAR_COMPOUND_PART) ? PRS_PART_WEIGHT
                                                : PRS_GUESS_WEIGHT);
}

/* The å/ä/ö-forgiving side of a word: releases whose words fold to the
 * word's folded stem ("malmo" reaches "malmö", "tingsratt" "tingsrätten"
 * through the ZF term). A word with nothing to fold is its own folded
 * form. */
static struct prs_query *folded_query(struct builder *b, const struct tok *t)
{
    const struct var *fv = find_var(t, PRS_VAR_FOLDED);
    const char *folded = fv ? fv->text : t->text;
    struct alts a = {0};
    alts_add(b, &a,
             term_query(b, PRS_PREFIX_FOLDED_STEM, "", fv ? fv->stem : t->stem),
             1.0);
    mark(b, &a, prs_marker_add_variant(b->marker, PRS_VAR_FOLDED, folded));
    return alts_or(b, &a);
}

/* One analysed word. Its exact form ranks above its other inflections
 * (stem, lemma), those above compounds that hold it or its parts written
 * apart, and those above its å/ä/ö-folded forms (the weights in
 * qbuild.h). A word in a field matches by its exact form and stem only. */
static struct prs_query *token_query(struct builder *b, const struct tok *t,
                                     int field)
{
    struct alts a = {0};
    bool word = t->kind == PRS_TOK_WORD && !b->exact_only;
    alts_add(b, &a, field_term(b, field, false, t->text), 1.0);
    if (word) {
        alts_add(b, &a, field_term(b, field, true, t->stem), 1.0);
        if (field == PRS_QF_ANY) {
            lexicon_alts(b, t, &a);
            /* Typed with å/ä/ö, the folded stem would match the releases
             * the stem does (their words have the letters too) at a
             * quarter of their cost. */
            if (!find_var(t, PRS_VAR_FOLDED))
                alts_add(b, &a, folded_query(b, t), PRS_FOLDED_WEIGHT);
        }
    }
    mark(b, &a, prs_marker_add_word(b->marker, t->text,
                                    word ? t->stem : NULL));
    return alts_or(b, &a);
}

/* Exact forms at adjacent positions. Positions are kept for unprefixed
 * terms only, so a field phrase is that phrase anywhere AND its words in
 * the field. */
static struct prs_query *phrase_query(struct builder *b, struct toks *t,
                                      int field)
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
        q = field_term(b, field, false, terms[0]);
        goto out;
    }
    q = prs_query_phrase(terms, n, 0, b->err);
    if (q && field != PRS_QF_ANY) {
        struct prs_query **all = calloc(n + 1, sizeof *all);
        if (!all) {
            prs_query_free(q);
            q = NULL;
            goto out;
        }
        all[0] = q;
        for (size_t i = 0; i < n; i++)
            all[i + 1] = field_term(b, field, false, terms[i]);
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
                                         const char *text, int field)
{
    struct prs_query *pq = field_prefix_query(b, field, text,
                                              PRS_TYPING_MAX_TERMS);
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
    if (analyse(b, n->words, n->nwords, &t) < 0)
        goto out;
    if (t.n == 1) {
        q = token_query(b, &t.v[0], n->field);
        if (q && n->start == b->typing_at && t.v[0].kind == PRS_TOK_WORD &&
            strlen(t.v[0].text) >= PRS_TYPING_MIN_BYTES)
            q = or_typed_prefix(b, q, t.v[0].text, n->field);
        goto out;
    }
    /* Several tokens in one typed word ("EST-effektiv", "covid-19"): the
     * whole hyphenated word, or its parts next to each other. */
    struct prs_query *alts[2] = {NULL, NULL};
    for (size_t i = 0; i < t.n; i++)
        if ((t.v[i].flags & PRS_TOKF_JOINED) && !alts[0])
            alts[0] = token_query(b, &t.v[i], n->field);
    alts[1] = phrase_query(b, &t, n->field);
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
    if (analyse(b, n->words, n->nwords, &t) < 0 || t.n == 0)
        goto out;
    /* The last token is the one being typed; a joined form is not. */
    size_t last = t.n;
    while (last > 0 && (t.v[last - 1].flags & PRS_TOKF_JOINED))
        last--;
    if (last == 0)
        goto out;
    q = field_prefix_query(b, n->field, t.v[last - 1].text,
                           PRS_PREFIX_MAX_TERMS);
    if (q && prs_marker_add_prefix(b->marker, t.v[last - 1].text) < 0) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        prs_query_free(q);
        q = NULL;
    }
    /* Words typed before it in the same word ("EU-komm*") must match. */
    for (size_t i = 0; q && i + 1 < last; i++) {
        if (t.v[i].flags & PRS_TOKF_JOINED)
            continue;
        struct prs_query *pair[2] = {q, token_query(b, &t.v[i], n->field)};
        q = combine_owned(b, PRS_QOP_AND, pair, 2);
    }
out:
    toks_clear(&t);
    return q;
}

/* True if n is one plain word that is a stop word ("och", "i", "med"). */
static bool stop_word_node(struct builder *b, const struct prs_qnode *n)
{
    if (n->kind != PRS_QN_WORD || n->field != PRS_QF_ANY)
        return false;
    struct toks t = {0};
    bool stop = analyse(b, n->words, n->nwords, &t) == 0 && t.n == 1 &&
                (t.v[0].flags & PRS_TOKF_STOP);
    toks_clear(&t);
    return stop;
}

/* An AND of words: stop words (stop[i]: child i is one) are optional
 * (they add weight where they match, "handel med haj" needs no "med"),
 * unless every word is one. Phrases keep them: "inte har råd" stays
 * exact. */
static struct prs_query *and_query(struct builder *b, const struct prs_qnode *n,
                                   struct prs_query **subs, const bool *stop)
{
    size_t nreq = 0, nopt = 0;
    struct prs_query **req = calloc(n->nchildren, sizeof *req);
    struct prs_query **opt = calloc(n->nchildren + 1, sizeof *opt);
    struct prs_query *q = NULL;
    if (!req || !opt) {
        prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n->nchildren; i++)
            prs_query_free(subs[i]);
        goto out;
    }
    for (size_t i = 0; i < n->nchildren; i++) {
        if (!subs[i])
            continue;
        if (stop[i])
            opt[1 + nopt++] = subs[i];
        else
            req[nreq++] = subs[i];
    }
    if (nreq == 0 || nopt == 0) {
        q = combine_owned(b, PRS_QOP_AND, subs, n->nchildren);
        goto out;
    }
    opt[0] = combine_owned(b, PRS_QOP_AND, req, nreq);
    if (!opt[0]) {
        for (size_t i = 1; i <= nopt; i++)
            prs_query_free(opt[i]);
        goto out;
    }
    q = combine_owned(b, PRS_QOP_AND_MAYBE, opt, nopt + 1);
out:
    free(req);
    free(opt);
    return q;
}

static struct prs_query *build(struct builder *b, const struct prs_qnode *n);

/* Marks the children of an AND node that are stop words in stop[];
 * true if some child is not, so that and_query() keeps it required and
 * makes the stop words optional. */
static bool mark_stop_words(struct builder *b, const struct prs_qnode *n,
                            bool *stop)
{
    bool required = false;
    for (size_t i = 0; i < n->nchildren; i++) {
        stop[i] = stop_word_node(b, n->children[i]);
        required = required || !stop[i];
    }
    return required;
}

/* build() for an optional stop word: its exact form alone, without the
 * typed prefix (or_typed_prefix()) or the other forms of token_query().
 * Its completions ("till" -> tillsammans, tillväxt, ...), stem and
 * folded stem are among the longest lists in the index, and could only
 * reorder the matches of the other words; read beside the exact form's
 * list for each of those matches, they were a tenth of all query time. */
static struct prs_query *build_optional_stop_word(struct builder *b,
                                                  const struct prs_qnode *n)
{
    size_t typing_at = b->typing_at;
    b->typing_at = SIZE_MAX;
    b->exact_only = true;
    struct prs_query *q = build(b, n);
    b->exact_only = false;
    b->typing_at = typing_at;
    return q;
}

/* ---- synonyms and abbreviations (synonyms.h) --------------------------- */

static struct prs_syn_word syn_word(const struct tok *t)
{
    return (struct prs_syn_word){.text = t->text,
                                 .stem = t->stem,
                                 .stop = (t->flags & PRS_TOKF_STOP) != 0,
                                 .number = t->kind != PRS_TOK_WORD};
}

/* True if n is a word in no field that is one token, analysed into t. */
static bool plain_token(struct builder *b, const struct prs_qnode *n,
                        struct toks *t)
{
    return n->kind == PRS_QN_WORD && n->field == PRS_QF_ANY &&
           analyse(b, n->words, n->nwords, t) == 0 && t->n == 1;
}

/* Words of a synonym: a word by its stem (any inflection: "kkv:s",
 * "konkurrensverkets"), several as a phrase of exact forms. */
static struct prs_query *syn_phrase_query(struct builder *b,
                                          const struct prs_syn_word *w,
                                          size_t n)
{
    if (n == 1)
        return w->number ? term_query(b, "", "", w->text)
                         : term_query(b, PRS_PREFIX_STEM, "", w->stem);
    const char *terms[PRS_SYN_MAX_WORDS];
    for (size_t i = 0; i < n && i < PRS_SYN_MAX_WORDS; i++)
        terms[i] = w[i].text;
    return prs_query_phrase(terms, n < PRS_SYN_MAX_WORDS ? n
                                                         : PRS_SYN_MAX_WORDS,
                            0, b->err);
}

/* q OR PRS_SYNONYM_WEIGHT x SYNONYM(the typed words w[0..n), alts): the
 * synonyms score as if they were the typed words (so a rare abbreviation
 * does not outweigh its common full name), and below the words themselves.
 * Takes q. */
static struct prs_query *or_synonyms(struct builder *b, struct prs_query *q,
                                     const struct prs_syn_word *w, size_t n,
                                     const struct prs_syn_phrase *const *alts,
                                     size_t nalts)
{
    struct prs_query *syn[1 + PRS_SYN_MAX_ALTS];
    size_t k = 0;
    bool ok = (syn[k++] = syn_phrase_query(b, w, n)) != NULL;
    for (size_t i = 0; ok && i < nalts && i < PRS_SYN_MAX_ALTS; i++) {
        const struct prs_syn_phrase *a = alts[i];
        ok = (syn[k++] = syn_phrase_query(b, a->words, a->n)) != NULL;
        for (size_t j = 0; ok && j < a->n; j++)
            if (!a->words[j].stop &&
                prs_marker_add_word(b->marker, a->words[j].text,
                                    a->words[j].number ? NULL
                                                       : a->words[j].stem) < 0) {
                prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
                ok = false;
            }
    }
    struct prs_query *all = NULL, *scaled = NULL;
    if (ok)
        all = combine_owned(b, PRS_QOP_SYNONYM, syn, k);
    else
        for (size_t i = 0; i < k; i++)
            prs_query_free(syn[i]);
    if (all)
        scaled = prs_query_scale(all, PRS_SYNONYM_WEIGHT, b->err);
    prs_query_free(all);
    if (!scaled) {
        prs_query_free(q);
        return NULL;
    }
    struct prs_query *pair[2] = {q, scaled};
    return combine_owned(b, PRS_QOP_OR, pair, 2);
}

/* A plain word that is a phrase of the synonyms ("kkv") also matches the
 * other phrases of its groups ("konkurrensverket"). Takes q. */
static struct prs_query *word_synonyms(struct builder *b,
                                       const struct prs_qnode *n,
                                       struct prs_query *q)
{
    struct toks t = {0};
    if (q && b->syn && plain_token(b, n, &t)) {
        struct prs_syn_word w = syn_word(&t.v[0]);
        const struct prs_syn_phrase *alts[PRS_SYN_MAX_ALTS];
        size_t nalts = 0;
        if (prs_synonyms_lookup(b->syn, &w, 1, alts, PRS_SYN_MAX_ALTS,
                                &nalts) == 1 &&
            nalts > 0)
            q = or_synonyms(b, q, &w, 1, alts, nalts);
    }
    if (q && b->err->code < 0) { /* analysing ran out of memory */
        prs_query_free(q);
        q = NULL;
    }
    toks_clear(&t);
    return q;
}

/* The words of a run, their stop words optional as and_query() has them. */
static struct prs_query *run_query(struct builder *b,
                                   const struct prs_syn_word *w,
                                   struct prs_query **subs, size_t n)
{
    struct prs_query *req[PRS_SYN_MAX_WORDS], *opt[PRS_SYN_MAX_WORDS + 1];
    size_t nreq = 0, nopt = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i].stop)
            opt[1 + nopt++] = subs[i];
        else
            req[nreq++] = subs[i];
        subs[i] = NULL;
    }
    opt[0] = combine_owned(b, PRS_QOP_AND, req, nreq);
    if (!opt[0]) {
        for (size_t i = 1; i <= nopt; i++)
            prs_query_free(opt[i]);
        return NULL;
    }
    return combine_owned(b, PRS_QOP_AND_MAYBE, opt, nopt + 1);
}

/* In an AND, a run of plain words that is a phrase of the synonyms
 * ("statens institutionsstyrelse" of "statens institutionsstyrelse
 * styrningen") becomes one alternative: OR(the words, their synonyms),
 * put in subs[i] with subs[i + 1 ..] of the run NULL. A run starts with a
 * word that is no stop word, so and_query() keeps it required. Returns 0
 * or a negative code (then the caller frees what is left in subs). */
static int group_synonym_runs(struct builder *b, const struct prs_qnode *n,
                              struct prs_query **subs)
{
    size_t nc = n->nchildren;
    if (!b->syn || nc < 2)
        return 0;
    struct toks *t = calloc(nc, sizeof *t);
    struct prs_syn_word *w = calloc(nc, sizeof *w);
    bool *plain = calloc(nc, sizeof *plain);
    int rc = 0;
    if (!t || !w || !plain) {
        rc = prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nc; i++) {
        plain[i] = subs[i] && plain_token(b, n->children[i], &t[i]);
        if (b->err->code < 0) {
            rc = b->err->code;
            goto out;
        }
        if (plain[i])
            w[i] = syn_word(&t[i].v[0]);
    }
    for (size_t i = 0; i < nc;) {
        size_t m = 0, k = 0, nalts = 0;
        const struct prs_syn_phrase *alts[PRS_SYN_MAX_ALTS];
        while (i + m < nc && m < PRS_SYN_MAX_WORDS && plain[i + m])
            m++;
        if (m >= 2 && !w[i].stop)
            k = prs_synonyms_lookup(b->syn, &w[i], m, alts, PRS_SYN_MAX_ALTS,
                                    &nalts);
        if (k < 2 || nalts == 0) {
            i++;
            continue;
        }
        struct prs_query *words = run_query(b, &w[i], &subs[i], k);
        if (!words || !(subs[i] = or_synonyms(b, words, &w[i], k, alts,
                                              nalts))) {
            rc = b->err->code < 0 ? b->err->code : PRS_E_INTERNAL;
            goto out;
        }
        b->grouped = true;
        if (n == b->top && !b->in_run &&
            !(b->in_run = calloc(nc, sizeof *b->in_run))) {
            rc = prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
        for (size_t j = i + 1; n == b->top && j < i + k; j++)
            b->in_run[j] = true;
        i += k;
    }
out:
    for (size_t i = 0; t && i < nc; i++)
        toks_clear(&t[i]);
    free(t);
    free(w);
    free(plain);
    return rc;
}

static struct prs_query *build(struct builder *b, const struct prs_qnode *n)
{
    switch (n->kind) {
    case PRS_QN_WORD: return word_synonyms(b, n, word_node(b, n));
    case PRS_QN_PREFIX: return prefix_node(b, n);
    case PRS_QN_PHRASE: {
        struct toks t = {0};
        struct prs_query *q = NULL;
        if (analyse(b, n->words, n->nwords, &t) == 0)
            q = phrase_query(b, &t, n->field);
        toks_clear(&t);
        return q;
    }
    case PRS_QN_AND:
    case PRS_QN_OR:
    case PRS_QN_AND_NOT: {
        struct prs_query **subs = calloc(n->nchildren, sizeof *subs);
        bool *stop = calloc(n->nchildren, sizeof *stop);
        if (!subs || !stop) {
            prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
            free(subs);
            free(stop);
            return NULL;
        }
        bool stops_optional = n->kind == PRS_QN_AND &&
                              mark_stop_words(b, n, stop);
        for (size_t i = 0; i < n->nchildren; i++) {
            subs[i] = stops_optional && stop[i]
                          ? build_optional_stop_word(b, n->children[i])
                          : build(b, n->children[i]);
            if (!subs[i] && b->err->code < 0) {
                for (size_t k = 0; k < i; k++)
                    prs_query_free(subs[k]);
                free(subs);
                free(stop);
                return NULL;
            }
        }
        if (n->kind == PRS_QN_AND && group_synonym_runs(b, n, subs) < 0) {
            for (size_t i = 0; i < n->nchildren; i++)
                prs_query_free(subs[i]);
            free(subs);
            free(stop);
            return NULL;
        }
        struct prs_query *q;
        if (n->kind == PRS_QN_AND_NOT && !subs[0]) {
            /* The positive side had no searchable word. */
            for (size_t i = 0; i < n->nchildren; i++)
                prs_query_free(subs[i]);
            q = NULL;
        } else if (n->kind == PRS_QN_AND) {
            q = and_query(b, n, subs, stop);
        } else {
            int op = n->kind == PRS_QN_OR ? PRS_QOP_OR : PRS_QOP_AND_NOT;
            q = combine_owned(b, op, subs, n->nchildren);
        }
        free(subs);
        free(stop);
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
        if (stop_word_node(b, n->children[i]))
            continue; /* optional anyway: they do not count */
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

/* A growable list of queries. */
struct qlist {
    struct prs_query **v;
    size_t n, cap;
};

/* Appends q (owned; NULL is an error already set in b->err). */
static int qlist_push(struct builder *b, struct qlist *l, struct prs_query *q)
{
    if (!q)
        return b->err->code;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? 2 * l->cap : 8;
        struct prs_query **grown = realloc(l->v, ncap * sizeof *grown);
        if (!grown) {
            prs_query_free(q);
            return prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
        }
        l->v = grown;
        l->cap = ncap;
    }
    l->v[l->n++] = q;
    return 0;
}

static void qlist_free(struct qlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        prs_query_free(l->v[i]);
    free(l->v);
}

/* ORs the list's queries (taking them); NULL when it is empty. */
static struct prs_query *qlist_or(struct builder *b, struct qlist *l)
{
    struct prs_query *q = combine_owned(b, PRS_QOP_OR, l->v, l->n);
    l->n = 0;
    return q;
}

/* What ranks a release higher among those the plain words of n (a word,
 * or an AND's words) match, as two optional queries:
 *  - title: OR(ZS+stem, ...) scaled by PRS_TITLE_BONUS. The unprefixed
 *    terms already count a title word with a higher wdf, but BM25
 *    saturates: a body that repeats a word would match as well as a
 *    title that names it;
 *  - proximity: each two consecutive words that are no stop words, as
 *    typed, within PRS_NEAR_WINDOW positions in either order, scaled by
 *    PRS_NEAR_BONUS ("malmö tingsrätt" ranks "Malmö tingsrätt" and
 *    "tingsrätten i Malmö" above a release naming both apart). Not
 *    within a run grouped with its synonyms: "olympiska spelen" written
 *    out is no closer a match than "OS".
 * Each is NULL when there is no such word; returns 0 or the error code. */
static int ranking_bonus(struct builder *b, const struct prs_qnode *n,
                         struct prs_query **title_bonus,
                         struct prs_query **proximity)
{
    const struct prs_qnode *const *words = &n;
    size_t nwords = 1;
    if (n->kind == PRS_QN_AND) {
        words = (const struct prs_qnode *const *)n->children;
        nwords = n->nchildren;
    }
    struct qlist title = {0}, near = {0};
    char *prev = NULL; /* the exact form of the previous word */
    for (size_t i = 0; i < nwords; i++) {
        const struct prs_qnode *c = words[i];
        struct toks t = {0};
        if (c->kind != PRS_QN_WORD || c->field != PRS_QF_ANY) {
            free(prev);
            prev = NULL;
            continue;
        }
        if (analyse(b, c->words, c->nwords, &t) < 0)
            goto out;
        if (n == b->top && b->in_run && b->in_run[i]) {
            free(prev);
            prev = NULL;
        }
        for (size_t j = 0; j < t.n; j++) {
            const struct tok *tk = &t.v[j];
            if ((tk->flags & (PRS_TOKF_STOP | PRS_TOKF_JOINED)))
                continue;
            struct prs_query *tq =
                tk->kind == PRS_TOK_WORD
                    ? term_query(b, PRS_PREFIX_STEM, PRS_PREFIX_TITLE, tk->stem)
                    : term_query(b, PRS_PREFIX_TITLE, "", tk->text);
            if (qlist_push(b, &title, tq) < 0)
                break;
            if (prev && strcmp(prev, tk->text) != 0) {
                const char *pair[2] = {prev, tk->text};
                if (qlist_push(b, &near,
                               prs_query_near(pair, 2, PRS_NEAR_WINDOW,
                                              b->err)) < 0)
                    break;
            }
            free(prev);
            if (!(prev = strdup(tk->text))) {
                prs_err_set(b->err, PRS_E_NOMEM, "out of memory");
                break;
            }
        }
        toks_clear(&t);
        if (b->err->code < 0)
            goto out;
    }
    struct alts t = {0}, p = {0};
    alts_add(b, &t, qlist_or(b, &title), PRS_TITLE_BONUS);
    alts_add(b, &p, qlist_or(b, &near), PRS_NEAR_BONUS);
    *title_bonus = t.n ? alts_or(b, &t) : NULL;
    *proximity = p.n ? alts_or(b, &p) : NULL;
out:
    free(prev);
    qlist_free(&title);
    qlist_free(&near);
    return b->err->code < 0 ? b->err->code : 0;
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

int prs_qbuild(struct prs_analyzer *an, const struct prs_synonyms *syn,
               struct prs_db *db, const char *q, size_t len,
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
    struct builder b = {.an = an, .db = db, .err = err, .syn = syn,
                        .top = tree};
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
        goto out;
    }
    if ((rc = ranking_bonus(&b, tree, &out->bonus, &out->proximity)) < 0)
        goto out;
    if (plain_word_list(tree, q)) {
        out->relaxed = relaxed_query(&b, tree);
        if (!out->relaxed && err->code < 0)
            rc = err->code;
        /* The relaxed query counts words, not runs grouped with their
         * synonyms: keep it a superset of the query (search.h). */
        if (out->relaxed && b.grouped) {
            struct prs_query *both[2] = {out->relaxed, out->query};
            out->relaxed = prs_query_combine(PRS_QOP_OR, both, 2, err);
            prs_query_free(both[0]);
            if (!out->relaxed)
                rc = err->code;
        }
    }
out:
    prs_buf_free(&b.term);
    free(b.in_run);
    prs_qnode_free(tree);
    return rc;
}

void prs_qbuild_clear(struct prs_qbuild *b)
{
    prs_query_free(b->query);
    prs_query_free(b->relaxed);
    prs_query_free(b->bonus);
    prs_query_free(b->proximity);
    prs_marker_free(b->marker);
    free(b->warning);
    memset(b, 0, sizeof *b);
}
