/*
 * qparse_int.h: shared inside query/ only. The lexer (qlex.c) and what the
 * parser (qparse.c) needs of the query language's character classes.
 */
#ifndef PRS_QPARSE_INT_H
#define PRS_QPARSE_INT_H

#include <stdbool.h>
#include <stddef.h>

enum prs_qtok_type {
    QT_EOF,
    QT_WORD,   /* a run of word bytes; may end in '*' */
    QT_PHRASE, /* a quoted phrase, quotes included */
    QT_LPAREN,
    QT_RPAREN,
    QT_AND, /* upper-case AND, OR, NOT as whole words */
    QT_OR,
    QT_NOT,
    QT_MINUS, /* '-' directly before a term */
    QT_PLUS,  /* '+' directly before a term */
    QT_FIELD, /* a known field name and ':', directly before a term */
};

struct prs_qtok {
    int type;            /* enum prs_qtok_type */
    size_t start, end;   /* bytes of the token in the query */
    size_t cstart, cend; /* QT_PHRASE: the text between the quotes */
    bool unterminated;   /* QT_PHRASE: no closing quote */
    int field;           /* QT_FIELD: enum prs_qfield */
};

/* Zero-initialise, then set q and len (valid UTF-8 without NUL). */
struct prs_qlexer {
    const char *q;
    size_t len;
    size_t pos;        /* where the next token is read */
    bool literal_next; /* the next word is never an operator */
    bool have_tok;     /* tok holds the lookahead */
    struct prs_qtok tok;
};

/* The lookahead token; borrowed, valid until prs_qlex_consume(). */
const struct prs_qtok *prs_qlex_peek(struct prs_qlexer *lx);
/* Drops the lookahead token. */
void prs_qlex_consume(struct prs_qlexer *lx);
/* True if a token of this type begins a term (word, phrase, group, or an
 * operator that applies to the next term). */
bool prs_qlex_starts_term(int type);

/* Length of the white space character at p (the set in qparse.h), 0 if
 * none. avail >= 1. */
size_t prs_qlex_space_at(const unsigned char *p, size_t avail);
/* 1-based column in characters of byte offset off of q. */
size_t prs_qlex_column(const char *q, size_t off);
/* Offset of the first byte of s[0..len) that is not part of well-formed
 * UTF-8, or len; *nul tells whether that byte is a NUL. */
size_t prs_qlex_utf8_error_at(const char *s, size_t len, bool *nul);

#endif
