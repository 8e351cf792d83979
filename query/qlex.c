/*
 * qlex.c: the query lexer (tokens in qparse_int.h) and the character
 * classes of the query language: white space, quotes, field names.
 *
 * It works on bytes of valid UTF-8 (prs_qparse() checks first): every
 * delimiter we look for is ASCII or starts with a lead byte, so a
 * continuation byte never matches one by accident.
 */
#include "qparse_int.h"
#include "strutil.h"

#include "qparse.h"

#include <string.h>

static const struct {
    const char *name;
    int field;
} field_names[] = {
    {"title", PRS_QF_TITLE},     {"titel", PRS_QF_TITLE},
    {"org", PRS_QF_ORG},         {"organisation", PRS_QF_ORG},
    {"body", PRS_QF_BODY},       {"text", PRS_QF_BODY},
    {"contact", PRS_QF_CONTACT}, {"kontakt", PRS_QF_CONTACT},
};

/* 1-based column in characters of byte offset off. */
size_t prs_qlex_column(const char *q, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)q[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Offset of the first byte that is not part of well-formed UTF-8, or len.
 * *nul is set when that byte is a NUL. */
size_t prs_qlex_utf8_error_at(const char *s, size_t len, bool *nul)
{
    size_t at = prs_utf8_error_at(s, len);
    *nul = at < len && s[at] == '\0';
    return at;
}

/* Length of the white space character at p (see qparse.h), 0 if none.
 * avail >= 1. */
size_t prs_qlex_space_at(const unsigned char *p, size_t avail)
{
    if (p[0] <= 0x20 || p[0] == 0x7F)
        return 1;
    if (avail >= 2 && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] <= 0x9F))
        return 2; /* U+00A0 and the C1 controls U+0080..U+009F */
    if (avail < 3)
        return 0;
    if (p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
        return 3; /* U+1680 */
    if (p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] <= 0x8B || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3; /* U+2000..U+200B, U+2028, U+2029, U+202F */
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
        return 3; /* U+205F */
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 3; /* U+3000 */
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3; /* U+FEFF, a byte order mark pasted along */
    return 0;
}

/* Length of the quote character at p, 0 if none: " « » “ ” „ ‟. */
static size_t quote_at(const unsigned char *p, size_t avail)
{
    if (p[0] == '"')
        return 1;
    if (avail >= 2 && p[0] == 0xC2 && (p[1] == 0xAB || p[1] == 0xBB))
        return 2;
    if (avail >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x9C &&
        p[2] <= 0x9F)
        return 3;
    return 0;
}

static const unsigned char *ubytes(const struct prs_qlexer *p)
{
    return (const unsigned char *)p->q;
}

/* True if a term can start at byte i: not the end, white space or ')'. */
static bool term_start_at(const struct prs_qlexer *p, size_t i)
{
    return i < p->len && p->q[i] != ')' &&
           prs_qlex_space_at(ubytes(p) + i, p->len - i) == 0;
}

/* True if a field's term starts at byte i: a term start, and not a lone
 * sign ("title:- x" is the words "title:-" and x, not title:x). */
static bool field_term_at(const struct prs_qlexer *p, size_t i)
{
    if (!term_start_at(p, i))
        return false;
    return (p->q[i] != '-' && p->q[i] != '+') || term_start_at(p, i + 1);
}

/* True if byte i ends a word: end, white space, quote or parenthesis. */
static bool word_end_at(const struct prs_qlexer *p, size_t i)
{
    if (i >= p->len || p->q[i] == '(' || p->q[i] == ')')
        return true;
    return prs_qlex_space_at(ubytes(p) + i, p->len - i) ||
           quote_at(ubytes(p) + i, p->len - i);
}

static int field_lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        const char *name = field_names[i].name;
        if (strlen(name) != n)
            continue;
        size_t k = 0;
        while (k < n) {
            char c = s[k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != name[k])
                break;
            k++;
        }
        if (k == n)
            return field_names[i].field;
    }
    return PRS_QF_ANY;
}

static bool is_ascii_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void lex(struct prs_qlexer *p, struct prs_qtok *t)
{
    const unsigned char *q = ubytes(p);
    bool literal = p->literal_next;
    p->literal_next = false;
    memset(t, 0, sizeof *t);

    for (;;) {
        size_t k;
        while (p->pos < p->len) {
            k = prs_qlex_space_at(q + p->pos, p->len - p->pos);
            if (!k)
                break;
            p->pos += k;
        }
        t->start = p->pos;
        if (p->pos == p->len) {
            t->type = QT_EOF;
            t->end = p->pos;
            return;
        }
        if (q[p->pos] != '-' && q[p->pos] != '+')
            break;
        /* A sign is an operator only when a term follows it directly; a
         * lone one is punctuation ("Stockholm - Göteborg"): skip it. */
        if (term_start_at(p, p->pos + 1)) {
            t->type = q[p->pos] == '-' ? QT_MINUS : QT_PLUS;
            t->end = ++p->pos;
            p->literal_next = true;
            return;
        }
        p->pos++;
    }

    size_t i = p->pos;
    if (q[i] == '(' || q[i] == ')') {
        t->type = q[i] == '(' ? QT_LPAREN : QT_RPAREN;
        t->end = p->pos = i + 1;
        return;
    }

    size_t qn = quote_at(q + i, p->len - i);
    if (qn) {
        /* Any quote character closes: Swedish writes ”a” and »a», English
         * “a”, German „a“, and users mix them up. */
        t->type = QT_PHRASE;
        t->cstart = i + qn;
        size_t j = t->cstart;
        qn = 0;
        while (j < p->len) {
            qn = quote_at(q + j, p->len - j);
            if (qn)
                break;
            j++;
        }
        t->cend = j;
        t->unterminated = j == p->len;
        t->end = p->pos = t->unterminated ? j : j + qn;
        return;
    }

    size_t k = i;
    while (k < p->len && is_ascii_alpha(q[k]))
        k++;
    if (k > i && k < p->len && q[k] == ':') {
        int f = field_lookup(p->q + i, k - i);
        if (f != PRS_QF_ANY && field_term_at(p, k + 1)) {
            t->type = QT_FIELD;
            t->field = f;
            t->end = p->pos = k + 1;
            p->literal_next = true;
            return;
        }
    }

    size_t e = i;
    while (!word_end_at(p, e))
        e++;
    t->type = QT_WORD;
    t->end = p->pos = e;
    if (!literal) {
        size_t n = e - i;
        if (n == 2 && memcmp(p->q + i, "OR", 2) == 0)
            t->type = QT_OR;
        else if (n == 3 && memcmp(p->q + i, "AND", 3) == 0)
            t->type = QT_AND;
        else if (n == 3 && memcmp(p->q + i, "NOT", 3) == 0)
            t->type = QT_NOT;
    }
}

/* The lookahead token; valid until the next consume(). */
const struct prs_qtok *prs_qlex_peek(struct prs_qlexer *p)
{
    if (!p->have_tok) {
        lex(p, &p->tok);
        p->have_tok = true;
    }
    return &p->tok;
}

void prs_qlex_consume(struct prs_qlexer *p) { p->have_tok = false; }

bool prs_qlex_starts_term(int type)
{
    switch (type) {
    case QT_WORD:
    case QT_PHRASE:
    case QT_LPAREN:
    case QT_NOT:
    case QT_MINUS:
    case QT_PLUS:
    case QT_FIELD:
        return true;
    default:
        return false;
    }
}
