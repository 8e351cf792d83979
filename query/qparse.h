/*
 * qparse.h: the reporter's query language, parsed into a small tree.
 *
 * This module knows nothing of Xapian or stemming. It finds the structure
 * of a query (words, phrases, prefixes, fields, AND/OR/NOT, parentheses)
 * and hands every word on as the raw UTF-8 text the user typed, with its
 * byte offset. Turning a word into index terms is the analyzer's job
 * (stemming/analyzer.h): a word node may hold several analyzer tokens
 * ("EST-effektiv", "IVO:s", "12:30") or none at all ("&").
 *
 * The language (Google-like):
 *
 *   skyddsmasker civila      all words must match (implicit AND)
 *   a AND b                  the same: AND written out is a no-op
 *   a OR b                   either; upper-case only ("or" is a word)
 *   -a    NOT a              exclude; upper-case NOT; "-" only at the start
 *                            of a term ("EU-kommissionen" is one word)
 *   "exakt fras"             a phrase; also ” “ „ « » (any of them closes)
 *   skydds*                  a prefix (at least 2 letters or digits)
 *   title:ord  title:"a b"  title:(a OR b)
 *                            field search: title/titel, org/organisation,
 *                            body/text, contact/kontakt (any letter case)
 *   ( ... )                  grouping, nested up to PRS_QPARSE_MAX_DEPTH
 *   +a                       "+" is accepted and ignored (all words are
 *                            required anyway)
 *
 * Precedence, tightest first: field prefix, then "-"/NOT (applies to the
 * one term, phrase or group after it), then OR, then AND (written or
 * implicit). So `a b OR c` is a AND (b OR c), as in Google, and so is
 * `a AND b OR c`: one rule, whatever the spelling of AND.
 *
 * Decisions, each chosen so a reporter gets either the search they meant
 * or a message saying what to fix:
 *
 * - Only a known field name directly followed by ':' and a term is a
 *   field. `IVO:s`, `JO:s`, `12:30`, `foo:bar` and `title: x` (space after
 *   the colon) are plain words whose text keeps the colon.
 * - A query or parenthesised group that only excludes (`-foo`, `NOT a -b`,
 *   `a (-b)`) is a syntax error: there is nothing to search for, and
 *   "everything except foo" is never what a reporter wants from an archive.
 *   Write `a -b` or `a -(b c)` instead.
 * - An exclusion cannot be an alternative of OR (`a OR -b`): error.
 * - Unbalanced parentheses are a syntax error naming the column: we cannot
 *   guess where the missing one belongs, and a wrong guess changes the
 *   meaning silently.
 * - An unterminated quote is tolerated: the phrase runs to the end of the
 *   query, with a warning.
 * - Operators with nothing to join (`OR a`, `a AND`, `a OR OR b`,
 *   `NOT` at the end) and empty phrases/parentheses are ignored with a
 *   warning: there is only one sensible reading. A lone `-` or `+`
 *   (`Stockholm - Göteborg`) and a lone `*` are ignored silently.
 * - A prefix needs at least 2 letters or digits (any non-ASCII character
 *   counts as a letter here) before the '*': `a*` would expand to a large
 *   part of the vocabulary, slowly and meaninglessly, so it is an error
 *   rather than a silent change of meaning. `skydds**` is `skydds*`. A '*'
 *   anywhere but at the end of a word is word text (the analyzer drops it).
 * - A field applies to every word under it; an inner field wins:
 *   `title:(a body:b)` searches a in titles, b in bodies.
 * - A quoted single word is a PHRASE of one word (the compiler may treat
 *   it as "exactly this word, not its stem", as Google does).
 * - Right after '-', '+' or 'field:' an upper-case AND/OR/NOT is a word,
 *   not an operator: `-OR` excludes the word "OR", `title:NOT` searches
 *   titles for "NOT". `-5` is NOT 5 (as in Google).
 * - Quote characters always delimit: `foo"bar baz"` is foo AND "bar baz".
 *   So do '(' and ')' (outside phrases): `f(x)` is f AND x.
 * - ASCII and C1 control characters count as white space, as do U+00A0,
 *   U+1680, U+2000..U+200B, U+2028, U+2029, U+202F, U+205F, U+3000 and
 *   U+FEFF. A NUL byte is an error.
 *
 * Byte offsets are 0-based. Messages name the 1-based column counted in
 * characters (code points), which is what a user sees on a terminal.
 *
 * The tree is canonical, so equal queries give equal trees: ANDs and ORs
 * are flattened (no AND directly under AND, no OR under OR), and the
 * exclusions of a sequence are collected at its top: `a (b -c) -d` is
 * (AND_NOT (AND a b) c d): an AND never has an AND_NOT child, nor is an
 * AND_NOT's first child one. `-(a OR b)` excludes a and b separately.
 *
 * Notes for the compiler (words -> Xapian terms): a word's analyzer
 * tokens form a phrase (EST-effektiv -> est effektiv, adjacent); a word
 * that yields no token at all ("–", "&") should be dropped, and if that
 * leaves nothing to search for, say so as for an empty query. A PREFIX
 * text may also hold several tokens ("EU-komm"): the last one is the
 * prefix.
 */
#ifndef PRS_QPARSE_H
#define PRS_QPARSE_H

#include <stddef.h>

#include "err.h"

/* Longer queries are refused (bytes). */
#define PRS_QPARSE_MAX_LEN 4096
/* Deepest nesting of parentheses, negations and field prefixes. */
#define PRS_QPARSE_MAX_DEPTH 32
/* Most words (word and prefix nodes, plus every word of every phrase).
 * Operator nodes are always fewer than words, so a tree has fewer than
 * 2 * PRS_QPARSE_MAX_WORDS nodes. */
#define PRS_QPARSE_MAX_WORDS 1024
/* Warnings kept in struct prs_qparse_info (more are counted, not kept). */
#define PRS_QPARSE_MAX_WARNINGS 8
#define PRS_QPARSE_WARNING_MAX 160

enum prs_qkind {
    PRS_QN_WORD = 0,   /* one word: words[0] */
    PRS_QN_PREFIX = 1, /* words[0] without the trailing '*' */
    PRS_QN_PHRASE = 2, /* words[0..nwords), nwords >= 1, in order */
    PRS_QN_AND = 3,    /* all children, nchildren >= 2 */
    PRS_QN_OR = 4,     /* any child, nchildren >= 2 */
    /* children[0] minus the union of children[1..]; nchildren >= 2. Maps
     * one to one to Xapian's OP_AND_NOT (engine's PRS_QOP_AND_NOT). */
    PRS_QN_AND_NOT = 5,
};

/* Which part of a release a leaf searches. */
enum prs_qfield {
    PRS_QF_ANY = 0, /* no field given: all text */
    PRS_QF_TITLE = 1,
    PRS_QF_ORG = 2,
    PRS_QF_BODY = 3,
    PRS_QF_CONTACT = 4,
};

/* A word exactly as typed: raw UTF-8, never empty, never contains white
 * space; q[offset .. offset + len) of the parsed query. */
struct prs_qword {
    const char *text; /* NUL-terminated copy owned by the node */
    size_t len;
    size_t offset;
};

/* A node of the tree. Every node, its words and children are owned by the
 * tree and freed by prs_qnode_free() on the root. Read-only for users. */
struct prs_qnode {
    int kind;  /* enum prs_qkind */
    int field; /* enum prs_qfield; leaves only (PRS_QF_ANY on operators) */
    /* Bytes of the query this node came from: [start, end). For a phrase
     * the quotes are included, for a prefix the '*'; a field prefix is not
     * part of its leaves' spans. Operators span their children. */
    size_t start, end;
    struct prs_qword *words; /* WORD, PREFIX, PHRASE; NULL on operators */
    size_t nwords;
    struct prs_qnode **children; /* AND, OR, AND_NOT; NULL on leaves */
    size_t nchildren;
};

struct prs_qwarning {
    size_t offset; /* byte offset the warning is about */
    char msg[PRS_QPARSE_WARNING_MAX];
};

/* Caller-allocated; prs_qparse() fills it (no need to initialise). */
struct prs_qparse_info {
    /* Byte offset of the problem when prs_qparse() fails with
     * PRS_E_PARSE (0 when it is about the whole query: empty, too long). */
    size_t err_offset;
    /* Warnings about parts of the query that were ignored or repaired;
     * nwarnings counts all of them, at most PRS_QPARSE_MAX_WARNINGS are
     * stored in warnings[]. Filled on success and on failure. */
    size_t nwarnings;
    struct prs_qwarning warnings[PRS_QPARSE_MAX_WARNINGS];
};

/* Parses the query q[0..len) (need not be NUL-terminated). On success
 * returns 0 and *out is a new tree (free with prs_qnode_free()); it never
 * is NULL. Otherwise *out is NULL and the return is:
 *   PRS_E_PARSE  anything wrong with the query itself (empty, only
 *                exclusions, unmatched parenthesis, too short prefix, too
 *                long, too deep, too many words, invalid UTF-8, NUL byte);
 *                err->msg is a one-line message for the user, e.g.
 *                "unmatched ')' at column 7", info->err_offset the byte.
 *   PRS_E_NOMEM  out of memory.
 *   PRS_E_BADARG q is NULL with len > 0, or out is NULL.
 * info and err may be NULL. */
int prs_qparse(const char *q, size_t len, struct prs_qnode **out,
               struct prs_qparse_info *info, struct prs_err *err);

/* Frees a tree returned by prs_qparse(). NULL ok. */
void prs_qnode_free(struct prs_qnode *n);

/* The canonical S-expression of a tree, for tests and debugging, e.g.
 *   (AND (WORD "skyddsmasker") (OR (WORD "a") (FIELD title (PHRASE "x" "y"))))
 * AND_NOT prints as (AND_NOT positive excluded...), a prefix as
 * (PREFIX "skydds"). '"' and '\' in words are escaped with '\', other
 * control bytes as \xNN. Returns a new string (free() it); "()" for a
 * NULL tree; NULL if out of memory. */
char *prs_qnode_to_string(const struct prs_qnode *n);

/* Canonical name of a field ("title", "org", "body", "contact"), "" for
 * PRS_QF_ANY, "?" for anything else. Static storage. */
const char *prs_qfield_name(int field);

/* Name of a node kind ("WORD", "AND_NOT", ...); "?" if unknown. Static. */
const char *prs_qkind_name(int kind);

#endif
