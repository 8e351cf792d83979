/*
 * parse_md.c: Markdown releases ("# Title" first) and the Markdown-to-text
 * cleanup that JSON bodies share.
 *
 * The cleanup is a line-oriented pass, not a full CommonMark parser: the
 * goal is readable, searchable text, so everything that is syntax rather
 * than words goes (heading marks, emphasis, link targets, images, table
 * pipes) and everything that is words stays. It runs in linear time on any
 * input: every look-ahead is either bounded or cached, because bodies come
 * from untrusted files (and the fuzzer).
 */
#include "parse.h"
#include "parse_int.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* ---- inline syntax ------------------------------------------------------- */

#define LINK_STACK 64

struct inline_state {
    const char *s;
    size_t n;
    struct prs_buf *o;
    size_t stack[LINK_STACK]; /* output offsets of unmatched '[' */
    size_t depth;             /* entries in stack */
    size_t overflow;          /* '[' beyond the stack, counted only */
    size_t next_rb;           /* cached position of the next ']' (or n) */
    size_t url_fail_from;     /* a ")" scan from here on found nothing */
};

static bool is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool is_ascii_punct(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

/* Position after the ')' that closes the '(' at s[open], or 0 if none on
 * this line. */
static size_t url_end(struct inline_state *st, size_t open)
{
    if (open >= st->url_fail_from)
        return 0;
    int depth = 1;
    for (size_t j = open + 1; j < st->n; j++) {
        char c = st->s[j];
        if (c == '\\' && j + 1 < st->n) {
            j++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            return j + 1;
        }
    }
    /* A later scan sees a suffix of the same text; treating it as failed
     * too keeps "](](](..." linear at the price of leaving such rare
     * brackets as they are. */
    st->url_fail_from = open;
    return 0;
}

/* Position of the next ']' at or after from (st->n if none), cached. */
static size_t next_close_bracket(struct inline_state *st, size_t from)
{
    if (st->next_rb < from || st->next_rb == (size_t)-1) {
        const char *p = memchr(st->s + from, ']', st->n - from);
        st->next_rb = p ? (size_t)(p - st->s) : st->n;
    }
    return st->next_rb;
}

/* "data:image/png;base64,...." at s[i]: returns its length, 0 if none. */
static size_t data_uri_len(const char *s, size_t n, size_t i)
{
    if (n - i < 5 || strncasecmp(s + i, "data:", 5) != 0)
        return 0;
    if (i > 0 && is_word_byte((unsigned char)s[i - 1]))
        return 0;
    size_t j = i + 5;
    while (j < n && j - i < 128 &&
           (is_word_byte((unsigned char)s[j]) || s[j] == '/' || s[j] == '.' ||
            s[j] == '+' || s[j] == '-' || s[j] == '=' || s[j] == ';') &&
           (unsigned char)s[j] < 0x80) {
        if (s[j] == ';' && n - j >= 8 && strncasecmp(s + j, ";base64,", 8) == 0)
            break;
        j++;
    }
    if (n - j < 8 || strncasecmp(s + j, ";base64,", 8) != 0)
        return 0;
    j += 8;
    while (j < n && (((unsigned char)s[j] < 0x80 && is_word_byte((unsigned char)s[j])) ||
                     s[j] == '+' || s[j] == '/' || s[j] == '=' || s[j] == '%'))
        j++;
    return j - i;
}

static const struct {
    const char *name;
    const char *utf8;
} entities[] = {
    {"amp", "&"},       {"lt", "<"},        {"gt", ">"},
    {"quot", "\""},     {"apos", "'"},      {"nbsp", " "},
    {"shy", ""},        {"ndash", "\u2013"}, {"mdash", "\u2014"},
    {"hellip", "\u2026"}, {"laquo", "\u00ab"}, {"raquo", "\u00bb"},
    {"lsquo", "\u2018"}, {"rsquo", "\u2019"}, {"ldquo", "\u201c"},
    {"rdquo", "\u201d"}, {"euro", "\u20ac"}, {"copy", "\u00a9"},
    {"aring", "\u00e5"}, {"auml", "\u00e4"}, {"ouml", "\u00f6"},
    {"Aring", "\u00c5"}, {"Auml", "\u00c4"}, {"Ouml", "\u00d6"},
    {"eacute", "\u00e9"}, {"Eacute", "\u00c9"}, {"uuml", "\u00fc"},
};

/* Decodes "&name;", "&#NNN;" or "&#xHH;" at s[i]; appends the character
 * and returns the length consumed, 0 if it is not an entity. */
static size_t entity(const char *s, size_t n, size_t i, struct prs_buf *o,
                     int *rc)
{
    size_t j = i + 1;
    size_t limit = n - i > 12 ? i + 12 : n;
    while (j < limit && s[j] != ';')
        j++;
    if (j >= limit || j == i + 1)
        return 0;
    const char *name = s + i + 1;
    size_t len = j - i - 1;
    if (name[0] == '#') {
        unsigned long cp = 0;
        size_t k = 1;
        int base = 10;
        if (len > 1 && (name[1] == 'x' || name[1] == 'X'))
            base = 16, k = 2;
        if (k >= len)
            return 0;
        for (; k < len; k++) {
            char c = name[k];
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (base == 16 && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (base == 16 && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return 0;
            cp = cp * (unsigned long)base + (unsigned long)d;
            if (cp > 0x10FFFF)
                return 0;
        }
        char u[4];
        size_t ulen = prs__utf8_encode(cp, u);
        if (!ulen)
            return 0;
        *rc = prs_buf_append(o, u, ulen);
        return j + 1 - i;
    }
    for (size_t e = 0; e < sizeof entities / sizeof *entities; e++) {
        if (strlen(entities[e].name) == len &&
            memcmp(entities[e].name, name, len) == 0) {
            *rc = prs_buf_puts(o, entities[e].utf8);
            return j + 1 - i;
        }
    }
    return 0;
}

static const char *const html_tags[] = {
    "a", "b", "i", "u", "s", "em", "strong", "sup", "sub", "span", "div",
    "p", "br", "img", "small", "mark", "del", "ins", "abbr", "cite", "q",
    "font", "center", "hr", "code",
};

/* An HTML tag or comment at s[i] that is dropped; returns its length, 0 if
 * none. A <br> counts as a space (the caller collapses spaces). */
static size_t html_tag_len(const char *s, size_t n, size_t i)
{
    size_t limit = n - i > 500 ? i + 500 : n;
    if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
        for (size_t j = i + 4; j + 2 < limit; j++)
            if (memcmp(s + j, "-->", 3) == 0)
                return j + 3 - i;
        return 0;
    }
    size_t j = i + 1;
    if (j < n && s[j] == '/')
        j++;
    size_t name = j;
    while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                     (s[j] >= '0' && s[j] <= '9')))
        j++;
    size_t name_len = j - name;
    if (!name_len || (j < n && s[j] != '>' && s[j] != ' ' && s[j] != '/'))
        return 0;
    bool known = false;
    for (size_t t = 0; t < sizeof html_tags / sizeof *html_tags; t++)
        if (strlen(html_tags[t]) == name_len &&
            strncasecmp(s + name, html_tags[t], name_len) == 0)
            known = true;
    if (!known)
        return 0;
    while (j < limit && s[j] != '>' && s[j] != '<')
        j++;
    return j < limit && s[j] == '>' ? j + 1 - i : 0;
}

/* "<https://...>" or "<name@host>" at s[i]: sets [*a, *b) to the address
 * and returns the length consumed, 0 if none. */
static size_t autolink_len(const char *s, size_t n, size_t i, size_t *a,
                           size_t *b)
{
    size_t limit = n - i > 2048 ? i + 2048 : n;
    bool addr = false;
    size_t j = i + 1;
    for (; j < limit && s[j] != '>'; j++) {
        if (s[j] == ' ' || s[j] == '<' || s[j] == '\n')
            return 0;
        if (s[j] == ':' || s[j] == '@')
            addr = true;
    }
    if (j >= limit || !addr || j == i + 1)
        return 0;
    *a = i + 1;
    *b = j;
    return j + 1 - i;
}

/* A run of '*', '_' or '~' at s[i..i+run): emphasis to drop, or text? */
static bool is_emphasis(const char *s, size_t n, size_t i, size_t run)
{
    char c = s[i];
    if (c == '~' && run < 2)
        return false;
    unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';
    unsigned char next = i + run < n ? (unsigned char)s[i + run] : ' ';
    bool pspace = prev == ' ' || prev == '\n';
    bool nspace = next == ' ' || next == '\n';
    if (pspace && nspace)
        return false; /* "3 * 4", a lone "_" */
    if (c == '_')
        return !(is_word_byte(prev) && is_word_byte(next)); /* snake_case */
    /* "2*3" stays; "**Kontakt**Anna" and "promemorian*En ny lag*" do not. */
    bool pdigit = prev >= '0' && prev <= '9', ndigit = next >= '0' && next <= '9';
    return !(run == 1 && pdigit && ndigit);
}

/* Appends the text of inline Markdown (one paragraph; '\n' separates its
 * lines) to o. Spaces may double where syntax was removed: the caller
 * collapses them. */
static int inline_text(const char *s, size_t n, struct prs_buf *o)
{
    struct inline_state st = {.s = s, .n = n, .o = o,
                              .next_rb = (size_t)-1, .url_fail_from = n};
    int rc = 0;
    size_t i = 0;
    while (i < n && rc == 0) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        if (c == '\\') {
            if (i + 1 < n && is_ascii_punct((unsigned char)s[i + 1])) {
                rc = prs_buf_putc(o, s[i + 1]);
                i += 2;
            } else {
                i++; /* a hard line break or a stray backslash */
            }
        } else if (c == '`') {
            while (i < n && s[i] == '`')
                i++;
        } else if (c == '!' && i + 1 < n && s[i + 1] == '[') {
            size_t rb = next_close_bracket(&st, i + 2);
            size_t end = 0;
            if (rb + 1 < n && s[rb + 1] == '(') {
                end = url_end(&st, rb + 1);
            } else if (rb + 1 < n && s[rb + 1] == '[') {
                size_t rb2 = next_close_bracket(&st, rb + 2);
                end = rb2 < n ? rb2 + 1 : 0;
            }
            if (end) {
                i = end; /* images carry no text worth indexing */
            } else {
                rc = prs_buf_putc(o, '!');
                i++;
            }
        } else if (c == '[') {
            if (st.depth < LINK_STACK)
                st.stack[st.depth++] = o->len;
            else
                st.overflow++;
            rc = prs_buf_putc(o, '[');
            i++;
        } else if (c == ']') {
            bool have = false;
            size_t open = 0;
            if (st.overflow) {
                st.overflow--;
            } else if (st.depth) {
                open = st.stack[--st.depth];
                have = true;
            }
            size_t end = 0;
            if (have && i + 1 < n && s[i + 1] == '(') {
                end = url_end(&st, i + 1);
            } else if (have && i + 1 < n && s[i + 1] == '[') {
                size_t rb2 = next_close_bracket(&st, i + 2);
                if (rb2 < n && rb2 - i < 200)
                    end = rb2 + 1;
            }
            if (end) {
                /* [text](url) -> text: drop the '[' written earlier. */
                memmove(o->data + open, o->data + open + 1, o->len - open - 1);
                o->len--;
                o->data[o->len] = '\0';
                i = end;
            } else {
                rc = prs_buf_putc(o, ']');
                i++;
            }
        } else if (c == '<' && (k = html_tag_len(s, n, i)) > 0) {
            rc = prs_buf_putc(o, ' ');
            i += k;
        } else if (c == '<') {
            size_t a, b;
            k = autolink_len(s, n, i, &a, &b);
            if (k && data_uri_len(s, b, a) == 0) {
                rc = prs_buf_append(o, s + a, b - a);
                i += k;
            } else if (k) {
                i += k;
            } else {
                rc = prs_buf_putc(o, '<');
                i++;
            }
        } else if (c == '*' || c == '_' || c == '~') {
            size_t run = 1;
            while (i + run < n && s[i + run] == (char)c)
                run++;
            if (!is_emphasis(s, n, i, run))
                rc = prs_buf_append(o, s + i, run);
            i += run;
        } else if ((c == 'd' || c == 'D') && (k = data_uri_len(s, n, i)) > 0) {
            i += k;
        } else if (c == '&' && (k = entity(s, n, i, o, &rc)) > 0) {
            i += k;
        } else {
            /* Copy plain bytes up to the next one that may start syntax. */
            size_t j = i + 1;
            while (j < n && !strchr("\\`![]<*_~dD&", s[j]))
                j++;
            rc = prs_buf_append(o, s + i, j - i);
            i = j;
        }
    }
    return rc;
}

/* ---- blocks -------------------------------------------------------------- */

struct md {
    struct prs_buf *out;
    struct prs_buf line;  /* the current line, white space collapsed */
    struct prs_buf para;  /* pending paragraph lines, inline syntax intact */
    struct prs_buf text;  /* inline output before collapsing */
    bool para_open;       /* a line of the current paragraph was written */
    bool in_fence;
    char fence_ch;
    size_t fence_len;
};

/* Writes one cleaned line (collapsing what inline removal left). */
static int emit(struct md *m, const char *s, size_t n)
{
    size_t before = m->out->len;
    const char *sep = m->para_open ? "\n" : (before ? "\n\n" : "");
    int rc = prs_buf_puts(m->out, sep);
    size_t mark = m->out->len;
    if (rc == 0)
        rc = prs__append_collapsed(m->out, s, n);
    if (rc < 0)
        return rc;
    if (m->out->len == mark) {
        /* Nothing left (an image-only line): take the separator back. */
        m->out->len = before;
        if (m->out->data)
            m->out->data[before] = '\0';
        return 0;
    }
    m->para_open = true;
    return 0;
}

/* Cleans the pending paragraph as a whole (a link may span its lines) and
 * writes it line by line. */
static int flush_para(struct md *m)
{
    if (!m->para.len)
        return 0;
    prs_buf_reset(&m->text);
    int rc = inline_text(m->para.data, m->para.len, &m->text);
    prs_buf_reset(&m->para);
    size_t start = 0;
    while (rc == 0 && start < m->text.len) {
        const char *nl = memchr(m->text.data + start, '\n', m->text.len - start);
        size_t end = nl ? (size_t)(nl - m->text.data) : m->text.len;
        rc = emit(m, m->text.data + start, end - start);
        start = end + 1;
    }
    return rc;
}

/* Ends the paragraph: what follows starts a new one. */
static int end_para(struct md *m)
{
    int rc = flush_para(m);
    m->para_open = false;
    return rc;
}

static int para_line(struct md *m, const char *prefix, const char *s,
                     size_t n)
{
    int rc = m->para.len ? prs_buf_putc(&m->para, '\n') : 0;
    if (rc == 0 && prefix)
        rc = prs_buf_puts(&m->para, prefix);
    return rc ? rc : prs_buf_append(&m->para, s, n);
}

static bool only_chars(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]))
            return false;
    return true;
}

/* "---", "***", "___", "===", "- - -", "\\_\\_\\_": a rule or a setext
 * underline. */
static bool is_rule(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '\\')
        i++;
    if (i >= n)
        return false;
    char c = s[i];
    if (c != '-' && c != '*' && c != '_' && c != '=')
        return false;
    size_t count = 0;
    for (; i < n; i++) {
        if (s[i] == c)
            count++;
        else if (s[i] != ' ' && s[i] != '\\')
            return false;
    }
    return count >= 3;
}

/* "[label]: url" or "[label]: url "title"". */
static bool is_ref_definition(const char *s, size_t n)
{
    if (n < 4 || s[0] != '[' || s[1] == '^')
        return false;
    const char *rb = memchr(s, ']', n);
    if (!rb || (size_t)(rb - s) + 2 >= n || rb[1] != ':' || rb[2] != ' ')
        return false;
    const char *url = rb + 3;
    size_t rest = n - (size_t)(url - s);
    const char *sp = memchr(url, ' ', rest);
    return !sp || sp[1] == '"' || sp[1] == '\'' || sp[1] == '(';
}

/* Length of the fence marker at s ("```", "~~~~"), 0 if none. */
static size_t fence_len(const char *s, size_t n)
{
    if (n < 3 || (s[0] != '`' && s[0] != '~'))
        return 0;
    size_t k = 0;
    while (k < n && s[k] == s[0])
        k++;
    return k >= 3 ? k : 0;
}

static int table_row(struct md *m, const char *s, size_t n)
{
    if (only_chars(s, n, "|-: ") && memchr(s, '-', n))
        return 0; /* | --- | :---: | */
    int rc = flush_para(m); /* the row stays in the same paragraph */
    prs_buf_reset(&m->text);
    size_t cell = 0;
    for (size_t i = 0; i <= n && rc == 0; i++) {
        if (i == n || (s[i] == '|' && (i == 0 || s[i - 1] != '\\'))) {
            if (i > cell) {
                rc = inline_text(s + cell, i - cell, &m->text);
                if (rc == 0)
                    rc = prs_buf_putc(&m->text, ' ');
            }
            cell = i + 1;
        }
    }
    if (rc < 0)
        return rc;
    return emit(m, m->text.data, m->text.len);
}

static int md_line(struct md *m, const char *raw, size_t rawlen)
{
    if (m->in_fence) {
        size_t n = rawlen;
        const char *t = prs_trim(raw, &n);
        size_t f = fence_len(t, n);
        if (f >= m->fence_len && t[0] == m->fence_ch && only_chars(t, n, "`~ ")) {
            m->in_fence = false;
            return end_para(m);
        }
        return emit(m, raw, rawlen); /* code stays as written */
    }
    prs_buf_reset(&m->line);
    int rc = prs__append_collapsed(&m->line, raw, rawlen);
    if (rc < 0)
        return rc;
    const char *s = m->line.data ? m->line.data : "";
    size_t n = m->line.len;
    if (n == 0)
        return end_para(m);
    size_t f = fence_len(s, n);
    if (f) {
        m->in_fence = true;
        m->fence_ch = s[0];
        m->fence_len = f;
        return end_para(m);
    }
    if (is_rule(s, n))
        return end_para(m);
    if (is_ref_definition(s, n))
        return 0;
    /* Block quotes: "> text", "> > text". */
    while (n && s[0] == '>') {
        s++, n--;
        while (n && s[0] == ' ')
            s++, n--;
    }
    if (n == 0)
        return 0;
    size_t h = 0;
    while (h < n && h < 7 && s[h] == '#')
        h++;
    if (h >= 1 && h <= 6 && (h == n || s[h] == ' ')) {
        size_t e = n;
        while (e > h && (s[e - 1] == '#' || s[e - 1] == ' '))
            e--;
        rc = end_para(m);
        if (rc == 0 && e > h)
            rc = para_line(m, NULL, s + h, e - h);
        return rc ? rc : end_para(m);
    }
    if (s[0] == '|')
        return table_row(m, s, n);
    if (n >= 2 && (s[0] == '*' || s[0] == '+' || s[0] == '-') && s[1] == ' ')
        return para_line(m, "- ", s + 2, n - 2);
    return para_line(m, NULL, s, n);
}

int prs_md_to_text(const char *md, size_t len, struct prs_buf *out)
{
    struct md m = {.out = out};
    int rc = 0;
    size_t start = 0;
    while (start < len && rc == 0) {
        const char *nl = memchr(md + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - md) : len;
        size_t l = end - start;
        if (l && md[start + l - 1] == '\r')
            l--;
        rc = md_line(&m, md + start, l);
        start = end + 1;
    }
    if (rc == 0)
        rc = flush_para(&m);
    prs_buf_free(&m.line);
    prs_buf_free(&m.para);
    prs_buf_free(&m.text);
    return rc;
}

/* ---- the release file ---------------------------------------------------- */

/* Cleans inline Markdown into a single line of text stored in *field. */
static int set_inline(char **field, const char *s, size_t n)
{
    struct prs_buf raw = {0}, text = {0};
    int rc = inline_text(s, n, &raw);
    if (rc == 0)
        rc = prs__append_collapsed(&text, raw.data ? raw.data : "", raw.len);
    if (rc == 0)
        rc = prs_doc_set(field, text.data ? text.data : "", text.len);
    prs_buf_free(&raw);
    prs_buf_free(&text);
    return rc;
}

/* Next line of s[*pos..len): sets [*a, *b) (without "\r\n"), advances. */
static bool next_line(const char *s, size_t len, size_t *pos, size_t *a,
                      size_t *b)
{
    if (*pos >= len)
        return false;
    const char *nl = memchr(s + *pos, '\n', len - *pos);
    size_t end = nl ? (size_t)(nl - s) : len;
    *a = *pos;
    *b = end;
    if (*b > *a && s[*b - 1] == '\r')
        (*b)--;
    *pos = nl ? end + 1 : len;
    return true;
}

/* Strips matching quotes around a front-matter value. */
static void unquote(const char **v, size_t *n)
{
    if (*n >= 2 && ((**v == '"' && (*v)[*n - 1] == '"') ||
                    (**v == '\'' && (*v)[*n - 1] == '\''))) {
        (*v)++;
        *n -= 2;
    }
}

/* A YAML-style front matter block ("---" ... "---") with simple "key:
 * value" lines. Advances *pos past it; unknown keys and values that do not
 * parse (a bad date) are ignored. Returns 0 or PRS_E_NOMEM. */
static int front_matter(const char *s, size_t len, size_t *pos,
                        struct prs_doc *doc)
{
    size_t p = *pos, a, b;
    if (!next_line(s, len, &p, &a, &b) || b - a != 3 || memcmp(s + a, "---", 3))
        return 0;
    size_t body = p;
    bool closed = false;
    while (next_line(s, len, &p, &a, &b)) {
        if ((b - a == 3 && (!memcmp(s + a, "---", 3) || !memcmp(s + a, "...", 3)))) {
            closed = true;
            break;
        }
    }
    if (!closed)
        return 0; /* a rule at the top, not front matter */
    size_t end = p;
    p = body;
    int rc = 0;
    while (rc == 0 && next_line(s, len, &p, &a, &b) && p <= end) {
        const char *colon = memchr(s + a, ':', b - a);
        if (!colon || s[a] == ' ' || s[a] == '#')
            continue;
        const char *key = s + a;
        size_t klen = (size_t)(colon - key);
        const char *v = colon + 1;
        size_t vlen = (size_t)(s + b - v);
        v = prs_trim(v, &vlen);
        unquote(&v, &vlen);
        if (vlen == 0)
            continue;
        if (prs__eq_nocase(key, klen, "title"))
            rc = set_inline(&doc->title, v, vlen);
        else if (prs__eq_nocase(key, klen, "date") ||
                 prs__eq_nocase(key, klen, "published"))
            rc = prs__set_date(&doc->published, v, vlen) == PRS_E_NOMEM
                     ? PRS_E_NOMEM : 0;
        else if (prs__eq_nocase(key, klen, "type"))
            rc = prs_doc_set(&doc->type, v, vlen);
        else if (prs__eq_nocase(key, klen, "org") ||
                 prs__eq_nocase(key, klen, "organisation") ||
                 prs__eq_nocase(key, klen, "organization") ||
                 prs__eq_nocase(key, klen, "author"))
            rc = prs_doc_set(&doc->org, v, vlen);
        else if (prs__eq_nocase(key, klen, "lead") ||
                 prs__eq_nocase(key, klen, "ingress") ||
                 prs__eq_nocase(key, klen, "description") ||
                 prs__eq_nocase(key, klen, "summary"))
            rc = set_inline(&doc->lead, v, vlen);
        else if (prs__eq_nocase(key, klen, "url"))
            rc = prs_doc_set(&doc->url, v, vlen);
    }
    *pos = end;
    return rc;
}

/* The heading text of an ATX heading line, or NULL. */
static const char *atx_heading(const char *s, size_t n, size_t *out_len)
{
    size_t h = 0;
    while (h < n && s[h] == '#')
        h++;
    if (h < 1 || h > 6 || (h < n && s[h] != ' ' && s[h] != '\t'))
        return NULL;
    size_t e = n;
    while (e > h && (s[e - 1] == '#' || s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *out_len = e > h ? e - h : 0;
    return s + h;
}

int prs_parse_markdown(const char *text, size_t len, struct prs_doc *doc,
                       struct prs_err *err)
{
    struct prs_buf body = {0};
    int rc;
    prs_doc_clear(doc);
    rc = prs__begin_text(&text, &len, true, err);
    if (rc < 0)
        return rc;
    size_t pos = 0, a = 0, b = 0, lineno = 0;
    rc = front_matter(text, len, &pos, doc);
    if (rc < 0)
        goto nomem;
    /* The first non-empty line: the title heading. */
    bool found = false;
    while (next_line(text, len, &pos, &a, &b)) {
        lineno++;
        size_t n = b - a;
        const char *t = prs_trim(text + a, &n);
        if (n == 0)
            continue;
        size_t hl;
        const char *h = atx_heading(t, n, &hl);
        size_t save = pos, ua, ub;
        if (h) {
            found = true;
            if (!doc->title)
                rc = set_inline(&doc->title, h, hl);
        } else if (next_line(text, len, &save, &ua, &ub) && ub - ua >= 3 &&
                   text[ua] == '=' && only_chars(text + ua, ub - ua, "= ")) {
            found = true; /* setext: "Title" over "=====" */
            pos = save;
            if (!doc->title)
                rc = set_inline(&doc->title, t, n);
        } else if (doc->title) {
            pos = a; /* front matter gave the title; this is text */
        } else {
            prs_doc_clear(doc);
            return prs_err_set(err, PRS_E_PARSE,
                               "line %zu: no title: expected '# Title' as the "
                               "first non-empty line", lineno);
        }
        break;
    }
    if (rc < 0)
        goto nomem;
    if (!doc->title) {
        prs_doc_clear(doc);
        return prs_err_set(err, PRS_E_PARSE, found ? "the title heading is empty"
                                                   : "no title: no text after "
                                                     "the front matter");
    }
    rc = prs_md_to_text(text + pos, len - pos, &body);
    if (rc == 0 && body.len)
        rc = prs__set_lead_body(doc, body.data, body.len);
    prs_buf_free(&body);
    if (rc < 0)
        goto nomem;
    return 0;
nomem:
    prs_doc_clear(doc);
    return prs_err_set(err, rc, "%s", rc == PRS_E_NOMEM ? "out of memory"
                                                       : "invalid text");
}
