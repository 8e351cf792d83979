/*
 * qparse.c: a recursive-descent parser for the query language in qparse.h.
 *
 * Grammar (tokens from qlex.c):
 *
 *   query    := seq EOF
 *   seq      := ( AND | OR | orexpr )*          -- items are ANDed
 *   orexpr   := unary ( OR+ unary )*
 *   unary    := ( '-' | NOT | '+' ) unary | FIELD unary | primary
 *   primary  := '(' seq ')' | PHRASE | WORD
 *
 * AND between items is a no-op, stray AND/OR tokens are dropped with a
 * warning. Every production yields an "item": a node (NULL when the input
 * held nothing to search, like `*` or `()`) and whether it is excluded.
 * A sequence collects its items into AND_NOT(AND(positives), negatives...),
 * hoisting the negatives of nested AND_NOTs and flattening nested ANDs and
 * ORs, so equal queries get equal trees.
 */
#include "qparse.h"

#include "qparse_int.h"
#include "strutil.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    struct prs_qlexer lx;
    const char *q; /* the query, q[0..len) */
    size_t len;
    int depth;
    size_t nwords;
    struct prs_qparse_info *info;
    struct prs_err *err;
};

/* What a production yields. */
struct item {
    struct prs_qnode *node; /* NULL: nothing to search (ignored input) */
    bool neg;               /* excluded: '-x' or 'NOT x' */
    size_t neg_off;         /* where the '-' or NOT is */
    bool neg_by_not;        /* written as NOT (for messages) */
};

struct ivec {
    struct item *v;
    size_t n, cap;
};

struct nvec {
    struct prs_qnode **v;
    size_t n, cap;
};

/* ---- Small helpers -------------------------------------------------- */

/* Letters and digits in s[0..n), counting any non-ASCII character as one. */
static size_t count_alnum(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xC0 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9'))
            count++;
    }
    return count;
}

/* The longest prefix of s[0..n) of at most max bytes that ends on a
 * character boundary (for quoting user text in messages). */
static int clip_utf8(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

/* ---- Errors and warnings -------------------------------------------- */

static int fail(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t off, const char *fmt, ...)
{
    if (p->err) {
        va_list ap;
        va_start(ap, fmt);
        p->err->code = PRS_E_PARSE;
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
    }
    if (p->info)
        p->info->err_offset = off;
    return PRS_E_PARSE;
}

static int nomem(struct parser *p)
{
    return prs_err_set(p->err, PRS_E_NOMEM, "out of memory parsing the query");
}

static void warn(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct parser *p, size_t off, const char *fmt, ...)
{
    if (!p->info)
        return;
    size_t i = p->info->nwarnings++;
    if (i >= PRS_QPARSE_MAX_WARNINGS)
        return;
    struct prs_qwarning *w = &p->info->warnings[i];
    w->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
}

/* ---- Nodes ---------------------------------------------------------- */

void prs_qnode_free(struct prs_qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nchildren; i++)
        prs_qnode_free(n->children[i]);
    free(n->children);
    free(n->words); /* the word texts live in the same block */
    free(n);
}

/* Frees an operator node but not its children (they were moved). */
static void free_shell(struct prs_qnode *n)
{
    free(n->children);
    free(n);
}

/* A leaf with room for nwords words holding textbytes bytes of text in
 * all; words are filled in with leaf_set_word(). */
static struct prs_qnode *leaf_alloc(int kind, int field, size_t nwords,
                                    size_t textbytes)
{
    struct prs_qnode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->field = field;
    n->nwords = nwords;
    n->words = malloc(nwords * sizeof *n->words + textbytes + nwords);
    if (!n->words) {
        free(n);
        return NULL;
    }
    return n;
}

/* Sets word i of leaf n to q[off..off+len); *text walks the text area. */
static void leaf_set_word(struct prs_qnode *n, size_t i, char **text,
                          const char *q, size_t off, size_t len)
{
    memcpy(*text, q + off, len);
    (*text)[len] = '\0';
    n->words[i].text = *text;
    n->words[i].len = len;
    n->words[i].offset = off;
    *text += len + 1;
}

static char *leaf_text_area(struct prs_qnode *n)
{
    return (char *)(n->words + n->nwords);
}

/* Counts words against the limit; 0 or PRS_E_PARSE. */
static int count_words(struct parser *p, size_t n, size_t off)
{
    if (n > PRS_QPARSE_MAX_WORDS - p->nwords)
        return fail(p, off,
                    "query is too complex: more than %d words (at column %zu)",
                    PRS_QPARSE_MAX_WORDS, prs_qlex_column(p->q, off));
    p->nwords += n;
    return 0;
}

/* An operator node owning kids[0..n) (the array too). Frees them all on
 * failure. */
static struct prs_qnode *op_new(int kind, struct prs_qnode **kids, size_t n)
{
    struct prs_qnode *op = calloc(1, sizeof *op);
    if (!op) {
        for (size_t i = 0; i < n; i++)
            prs_qnode_free(kids[i]);
        free(kids);
        return NULL;
    }
    op->kind = kind;
    op->field = PRS_QF_ANY;
    op->children = kids;
    op->nchildren = n;
    op->start = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (kids[i]->start < op->start)
            op->start = kids[i]->start;
        if (kids[i]->end > op->end)
            op->end = kids[i]->end;
    }
    return op;
}

static int nvec_reserve(struct nvec *v, size_t extra)
{
    if (extra <= v->cap - v->n)
        return 0;
    size_t cap = v->cap ? v->cap : 4;
    while (cap - v->n < extra)
        cap *= 2;
    struct prs_qnode **nv = realloc(v->v, cap * sizeof *nv);
    if (!nv)
        return PRS_E_NOMEM;
    v->v = nv;
    v->cap = cap;
    return 0;
}

static void nvec_free(struct nvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        prs_qnode_free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

/* Moves x into v; an x of kind `flat` gives its children instead. */
static int nvec_push_flat(struct nvec *v, struct prs_qnode *x, int flat)
{
    size_t extra = x->kind == flat ? x->nchildren : 1;
    if (nvec_reserve(v, extra) < 0) {
        prs_qnode_free(x);
        return PRS_E_NOMEM;
    }
    if (x->kind != flat) {
        v->v[v->n++] = x;
        return 0;
    }
    for (size_t i = 0; i < x->nchildren; i++)
        v->v[v->n++] = x->children[i];
    free_shell(x);
    return 0;
}

static int ivec_push(struct ivec *v, const struct item *it)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        struct item *nv = realloc(v->v, cap * sizeof *nv);
        if (!nv)
            return PRS_E_NOMEM;
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = *it;
    return 0;
}

/* Moves it into v unless it holds nothing; frees it on failure. */
static int push_item(struct parser *p, struct ivec *v, const struct item *it)
{
    if (!it->node)
        return 0;
    if (ivec_push(v, it) < 0) {
        prs_qnode_free(it->node);
        return nomem(p);
    }
    return 0;
}

static void ivec_free(struct ivec *v)
{
    for (size_t i = 0; i < v->n; i++)
        prs_qnode_free(v->v[i].node);
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

/* ---- Leaves --------------------------------------------------------- */

/* The white-space separated words of q[from..to): counts them and their
 * bytes (n == NULL), or copies them into n. Returns the count. */
static size_t phrase_words(const struct parser *p, size_t from, size_t to,
                           struct prs_qnode *n, size_t *textbytes)
{
    const unsigned char *q = (const unsigned char *)p->q;
    char *text = n ? leaf_text_area(n) : NULL;
    size_t i = from, count = 0;
    while (i < to) {
        size_t k = prs_qlex_space_at(q + i, to - i);
        if (k) {
            i += k;
            continue;
        }
        size_t s = i;
        while (i < to && !prs_qlex_space_at(q + i, to - i))
            i++;
        if (n)
            leaf_set_word(n, count, &text, p->q, s, i - s);
        else
            *textbytes += i - s;
        count++;
    }
    return count;
}

static int make_phrase(struct parser *p, const struct prs_qtok *t, int field,
                       struct item *out)
{
    size_t textbytes = 0;
    if (t->unterminated)
        warn(p, t->start,
             "unterminated quote at column %zu: the phrase runs to the end of "
             "the query",
             prs_qlex_column(p->q, t->start));
    size_t nwords = phrase_words(p, t->cstart, t->cend, NULL, &textbytes);
    if (nwords == 0) {
        warn(p, t->start, "empty phrase at column %zu ignored",
             prs_qlex_column(p->q, t->start));
        return 0;
    }
    int rc = count_words(p, nwords, t->start);
    if (rc < 0)
        return rc;
    struct prs_qnode *n = leaf_alloc(PRS_QN_PHRASE, field, nwords, textbytes);
    if (!n)
        return nomem(p);
    n->start = t->start;
    n->end = t->end;
    phrase_words(p, t->cstart, t->cend, n, NULL);
    out->node = n;
    return 0;
}

static int make_word(struct parser *p, const struct prs_qtok *t, int field,
                     struct item *out)
{
    size_t len = t->end - t->start;
    int kind = PRS_QN_WORD;
    if (p->q[t->end - 1] == '*') {
        kind = PRS_QN_PREFIX;
        while (len > 0 && p->q[t->start + len - 1] == '*')
            len--;
        if (len == 0)
            return 0; /* '*' alone: nothing to search */
        if (count_alnum(p->q + t->start, len) < 2) {
            const char *s = p->q + t->start;
            return fail(p, t->start,
                        "prefix '%.*s*' at column %zu is too short: give at "
                        "least 2 letters before '*'",
                        clip_utf8(s, len, 40), s,
                        prs_qlex_column(p->q, t->start));
        }
    }
    int rc = count_words(p, 1, t->start);
    if (rc < 0)
        return rc;
    struct prs_qnode *n = leaf_alloc(kind, field, 1, len);
    if (!n)
        return nomem(p);
    n->start = t->start;
    n->end = t->end;
    char *text = leaf_text_area(n);
    leaf_set_word(n, 0, &text, p->q, t->start, len);
    out->node = n;
    return 0;
}

/* ---- Parser --------------------------------------------------------- */

static int parse_seq(struct parser *p, int field, bool in_group,
                     size_t group_off, struct prs_qnode **out);

/* Enters one level of nesting at off; 0 or PRS_E_PARSE. */
static int enter(struct parser *p, size_t off)
{
    if (++p->depth > PRS_QPARSE_MAX_DEPTH)
        return fail(p, off,
                    "query is nested too deeply at column %zu (limit %d levels "
                    "of parentheses, '-', NOT and field:)",
                    prs_qlex_column(p->q, off), PRS_QPARSE_MAX_DEPTH);
    return 0;
}

static int parse_unary(struct parser *p, int field, struct item *out)
{
    struct prs_qtok t = *prs_qlex_peek(&p->lx);
    int rc = 0;
    memset(out, 0, sizeof *out);

    switch (t.type) {
    case QT_MINUS:
    case QT_NOT:
    case QT_PLUS:
    case QT_FIELD:
        prs_qlex_consume(&p->lx);
        if (!prs_qlex_starts_term(prs_qlex_peek(&p->lx)->type)) {
            /* A sign is only lexed before a term, but "--)" or "title:- "
             * can still leave nothing; a dangling NOT is worth a word. */
            if (t.type == QT_NOT)
                warn(p, t.start,
                     "'NOT' at column %zu has nothing after it; ignored",
                     prs_qlex_column(p->q, t.start));
            return 0;
        }
        rc = enter(p, t.start);
        if (rc < 0)
            return rc;
        rc = parse_unary(p, t.type == QT_FIELD ? t.field : field, out);
        p->depth--;
        if (rc < 0 || !out->node)
            return rc;
        if (t.type == QT_MINUS || t.type == QT_NOT) {
            out->neg = !out->neg;
            out->neg_off = t.start;
            out->neg_by_not = t.type == QT_NOT;
        }
        return 0;
    case QT_LPAREN: {
        prs_qlex_consume(&p->lx);
        rc = enter(p, t.start);
        if (rc < 0)
            return rc;
        rc = parse_seq(p, field, true, t.start, &out->node);
        p->depth--;
        if (rc < 0)
            return rc;
        prs_qlex_consume(&p->lx); /* the ')' parse_seq made sure of */
        if (!out->node)
            warn(
                p, t.start,
                "parentheses at column %zu hold nothing to search for; ignored",
                prs_qlex_column(p->q, t.start));
        return 0;
    }
    case QT_PHRASE:
        prs_qlex_consume(&p->lx);
        return make_phrase(p, &t, field, out);
    case QT_WORD:
        prs_qlex_consume(&p->lx);
        return make_word(p, &t, field, out);
    default:
        /* Callers only come here with prs_qlex_starts_term(). */
        return 0;
    }
}

static int parse_or(struct parser *p, int field, struct item *out)
{
    struct ivec alts = {0};
    struct nvec kids = {0};
    struct item it;
    int rc;
    memset(out, 0, sizeof *out);

    rc = parse_unary(p, field, &it);
    if (rc == 0)
        rc = push_item(p, &alts, &it);
    if (rc < 0)
        goto out;
    while (prs_qlex_peek(&p->lx)->type == QT_OR) {
        size_t or_off = prs_qlex_peek(&p->lx)->start;
        prs_qlex_consume(&p->lx);
        while (prs_qlex_peek(&p->lx)->type == QT_OR) {
            warn(p, prs_qlex_peek(&p->lx)->start,
                 "repeated 'OR' at column %zu ignored",
                 prs_qlex_column(p->q, prs_qlex_peek(&p->lx)->start));
            prs_qlex_consume(&p->lx);
        }
        if (!prs_qlex_starts_term(prs_qlex_peek(&p->lx)->type)) {
            warn(p, or_off, "'OR' at column %zu has nothing after it; ignored",
                 prs_qlex_column(p->q, or_off));
            break;
        }
        rc = parse_unary(p, field, &it);
        if (rc == 0)
            rc = push_item(p, &alts, &it);
        if (rc < 0)
            goto out;
    }

    rc = 0;
    if (alts.n == 1) {
        *out = alts.v[0];
        alts.n = 0;
    }
    if (alts.n < 2)
        goto out;
    for (size_t i = 0; i < alts.n; i++) {
        if (alts.v[i].neg) {
            size_t off = alts.v[i].neg_off;
            rc = fail(p, off,
                      "'%s' at column %zu: an exclusion cannot be an "
                      "alternative of OR; put it outside, e.g. (a OR b) -c",
                      alts.v[i].neg_by_not ? "NOT" : "-",
                      prs_qlex_column(p->q, off));
            goto out;
        }
    }
    for (size_t i = 0; i < alts.n; i++) {
        struct prs_qnode *x = alts.v[i].node;
        alts.v[i].node = NULL;
        if (nvec_push_flat(&kids, x, PRS_QN_OR) < 0) {
            rc = nomem(p);
            goto out;
        }
    }
    out->node = op_new(PRS_QN_OR, kids.v, kids.n);
    kids.v = NULL;
    kids.n = kids.cap = 0;
    if (!out->node)
        rc = nomem(p);
out:
    ivec_free(&alts);
    nvec_free(&kids);
    return rc;
}

/* Builds AND_NOT(AND(positives), negatives...) from items (which it
 * empties). */
static int build_seq(struct parser *p, struct ivec *items, bool in_group,
                     size_t group_off, struct prs_qnode **out)
{
    struct nvec pos = {0}, neg = {0};
    int rc = 0;
    *out = NULL;

    for (size_t i = 0; i < items->n; i++) {
        struct item *it = &items->v[i];
        struct prs_qnode *x = it->node;
        it->node = NULL;
        if (it->neg) {
            rc = nvec_push_flat(&neg, x, PRS_QN_OR);
        } else if (x->kind == PRS_QN_AND_NOT) {
            /* a (b -c) is (a b) -c: hoist the exclusions. */
            rc = nvec_reserve(&neg, x->nchildren - 1);
            if (rc == 0) {
                for (size_t k = 1; k < x->nchildren; k++)
                    neg.v[neg.n++] = x->children[k];
                struct prs_qnode *first = x->children[0];
                free_shell(x);
                rc = nvec_push_flat(&pos, first, PRS_QN_AND);
            } else {
                prs_qnode_free(x);
            }
        } else {
            rc = nvec_push_flat(&pos, x, PRS_QN_AND);
        }
        if (rc < 0) {
            rc = nomem(p);
            goto out;
        }
    }
    if (pos.n == 0 && neg.n == 0)
        goto out;
    if (pos.n == 0) {
        size_t off = items->v[0].neg_off;
        if (in_group)
            rc = fail(
                p, group_off,
                "nothing to search for in the parentheses at column %zu: they "
                "only exclude; put the exclusion outside, e.g. a -(b c)",
                prs_qlex_column(p->q, group_off));
        else
            rc = fail(
                p, off,
                "nothing to search for: the query only excludes (%s at column "
                "%zu); add a word that must match, e.g. skola -förskola",
                items->v[0].neg_by_not ? "NOT" : "'-'",
                prs_qlex_column(p->q, off));
        goto out;
    }

    struct prs_qnode *positive;
    if (pos.n == 1) {
        positive = pos.v[0];
        free(pos.v);
    } else {
        positive = op_new(PRS_QN_AND, pos.v, pos.n);
    }
    pos.v = NULL;
    pos.n = pos.cap = 0;
    if (!positive) {
        rc = nomem(p);
        goto out;
    }
    if (neg.n == 0) {
        *out = positive;
        goto out;
    }
    /* Put the positive first: AND_NOT(positive, negatives...). */
    if (nvec_reserve(&neg, 1) < 0) {
        prs_qnode_free(positive);
        rc = nomem(p);
        goto out;
    }
    memmove(neg.v + 1, neg.v, neg.n * sizeof *neg.v);
    neg.v[0] = positive;
    neg.n++;
    *out = op_new(PRS_QN_AND_NOT, neg.v, neg.n);
    neg.v = NULL;
    neg.n = neg.cap = 0;
    if (!*out)
        rc = nomem(p);
out:
    nvec_free(&pos);
    nvec_free(&neg);
    return rc;
}

/* Items up to ')' (in a group, which must come) or the end (top level,
 * where a ')' is an error). The ')' is left for the caller. */
static int parse_seq(struct parser *p, int field, bool in_group,
                     size_t group_off, struct prs_qnode **out)
{
    struct ivec items = {0};
    int rc = 0;
    *out = NULL;

    for (;;) {
        struct prs_qtok t = *prs_qlex_peek(&p->lx);
        if (t.type == QT_EOF) {
            if (in_group) {
                rc = fail(p, group_off,
                          "unmatched '(' at column %zu: missing ')'",
                          prs_qlex_column(p->q, group_off));
                goto out;
            }
            break;
        }
        if (t.type == QT_RPAREN) {
            if (!in_group) {
                rc = fail(p, t.start, "unmatched ')' at column %zu",
                          prs_qlex_column(p->q, t.start));
                goto out;
            }
            break;
        }
        if (t.type == QT_AND) {
            prs_qlex_consume(&p->lx);
            if (items.n == 0)
                warn(p, t.start,
                     "'AND' at column %zu has nothing before it; ignored",
                     prs_qlex_column(p->q, t.start));
            else if (!prs_qlex_starts_term(prs_qlex_peek(&p->lx)->type))
                warn(p, t.start,
                     "'AND' at column %zu has nothing after it; ignored",
                     prs_qlex_column(p->q, t.start));
            continue;
        }
        if (t.type == QT_OR) {
            prs_qlex_consume(&p->lx);
            warn(p, t.start,
                 "'OR' at column %zu has nothing before it; ignored",
                 prs_qlex_column(p->q, t.start));
            continue;
        }
        struct item it;
        rc = parse_or(p, field, &it);
        if (rc == 0)
            rc = push_item(p, &items, &it);
        if (rc < 0)
            goto out;
    }
    rc = build_seq(p, &items, in_group, group_off, out);
out:
    ivec_free(&items);
    return rc;
}

int prs_qparse(const char *q, size_t len, struct prs_qnode **out,
               struct prs_qparse_info *info, struct prs_err *err)
{
    struct parser p = {.lx = {.q = q, .len = len},
                       .q = q,
                       .len = len,
                       .info = info,
                       .err = err};
    struct prs_qnode *root = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (info) {
        info->err_offset = 0;
        info->nwarnings = 0;
    }
    if (!out || (!q && len))
        return prs_err_set(err, PRS_E_BADARG, "prs_qparse: %s is NULL",
                           out ? "query" : "out");
    if (len > PRS_QPARSE_MAX_LEN)
        return fail(&p, 0, "query is too long: %zu bytes (limit %d)", len,
                    PRS_QPARSE_MAX_LEN);
    bool nul;
    size_t bad = prs_qlex_utf8_error_at(q, len, &nul);
    if (bad < len)
        return fail(&p, bad,
                    nul ? "query contains a NUL byte at byte %zu"
                        : "query is not valid UTF-8 at byte %zu",
                    bad);
    size_t i = 0;
    while (i < len) {
        size_t k = prs_qlex_space_at((const unsigned char *)q + i, len - i);
        if (!k)
            break;
        i += k;
    }
    if (i == len)
        return fail(&p, 0, "empty query: type the words to search for");

    rc = parse_seq(&p, PRS_QF_ANY, false, 0, &root);
    if (rc < 0)
        return rc;
    if (!root)
        return fail(&p, 0, "nothing to search for: the query has no words");
    *out = root;
    return 0;
}

/* ---- Printing ------------------------------------------------------- */

const char *prs_qfield_name(int field)
{
    switch (field) {
    case PRS_QF_ANY:
        return "";
    case PRS_QF_TITLE:
        return "title";
    case PRS_QF_ORG:
        return "org";
    case PRS_QF_BODY:
        return "body";
    case PRS_QF_CONTACT:
        return "contact";
    default:
        return "?";
    }
}

const char *prs_qkind_name(int kind)
{
    switch (kind) {
    case PRS_QN_WORD:
        return "WORD";
    case PRS_QN_PREFIX:
        return "PREFIX";
    case PRS_QN_PHRASE:
        return "PHRASE";
    case PRS_QN_AND:
        return "AND";
    case PRS_QN_OR:
        return "OR";
    case PRS_QN_AND_NOT:
        return "AND_NOT";
    default:
        return "?";
    }
}

static int put_quoted(struct prs_buf *b, const struct prs_qword *w)
{
    int rc = prs_buf_putc(b, '"');
    for (size_t i = 0; rc == 0 && i < w->len; i++) {
        unsigned char c = (unsigned char)w->text[i];
        if (c == '"' || c == '\\')
            rc = prs_buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            rc = prs_buf_printf(b, "\\x%02X", c);
        else
            rc = prs_buf_putc(b, (char)c);
    }
    return rc ? rc : prs_buf_putc(b, '"');
}

static int put_node(struct prs_buf *b, const struct prs_qnode *n)
{
    int rc = 0;
    bool leaf = n->kind == PRS_QN_WORD || n->kind == PRS_QN_PREFIX ||
                n->kind == PRS_QN_PHRASE;
    if (leaf && n->field != PRS_QF_ANY)
        rc = prs_buf_printf(b, "(FIELD %s ", prs_qfield_name(n->field));
    if (rc == 0)
        rc = prs_buf_printf(b, "(%s", prs_qkind_name(n->kind));
    for (size_t i = 0; rc == 0 && i < n->nwords; i++) {
        rc = prs_buf_putc(b, ' ');
        if (rc == 0)
            rc = put_quoted(b, &n->words[i]);
    }
    for (size_t i = 0; rc == 0 && i < n->nchildren; i++) {
        rc = prs_buf_putc(b, ' ');
        if (rc == 0)
            rc = put_node(b, n->children[i]);
    }
    if (rc == 0)
        rc = prs_buf_putc(b, ')');
    if (rc == 0 && leaf && n->field != PRS_QF_ANY)
        rc = prs_buf_putc(b, ')');
    return rc;
}

char *prs_qnode_to_string(const struct prs_qnode *n)
{
    struct prs_buf b = {0};
    if (!n)
        return strdup("()");
    if (put_node(&b, n) < 0) {
        prs_buf_free(&b);
        return NULL;
    }
    return prs_buf_steal(&b);
}
