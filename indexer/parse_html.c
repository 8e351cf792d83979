/*
 * parse_html.c: a press release published as an HTML page (gumbo).
 *
 * Metadata comes from what sites put in <head> for sharing and search
 * engines (Open Graph, article:*, canonical), the text from the page's
 * <article> or <main>, without the page chrome around it. Every walk over
 * the tree is iterative: a page nesting divs a hundred thousand deep must
 * not overflow the stack.
 */
#include "parse.h"
#include "parse_int.h"

#include <gumbo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tree walking -------------------------------------------------------- */

struct frame {
    GumboNode *node;
    size_t next; /* index of the next child to visit */
};

struct walk {
    struct frame *v;
    size_t n, cap;
};

static int push(struct walk *w, GumboNode *node)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct frame *v = realloc(w->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n].node = node;
    w->v[w->n].next = 0;
    w->n++;
    return 0;
}

static const GumboVector *children(const GumboNode *node)
{
    if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
        return &node->v.element.children;
    if (node->type == GUMBO_NODE_DOCUMENT)
        return &node->v.document.children;
    return NULL;
}

static const char *attr(const GumboNode *node, const char *name)
{
    if (node->type != GUMBO_NODE_ELEMENT)
        return NULL;
    GumboAttribute *a = gumbo_get_attribute(&node->v.element.attributes, name);
    return a ? a->value : NULL;
}

static bool is_element(const GumboNode *node, GumboTag tag)
{
    return node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag;
}

/* ---- text extraction ----------------------------------------------------- */

/* Builds text from nodes: white space collapsed, breaks between blocks. */
struct text {
    struct prs_buf out;
    bool space;    /* a space is due before the next word */
    int brk;       /* 0, 1 ("\n") or 2 ("\n\n") due before the next word */
    bool one_line; /* breaks become spaces (titles) */
};

static int text_add(struct text *t, const char *s)
{
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        size_t k = prs__space_len(s + i, len - i);
        if (k) {
            t->space = true;
            i += k;
            continue;
        }
        k = prs__ignorable_len(s + i, len - i);
        if (k) {
            i += k;
            continue;
        }
        size_t j = i + 1;
        while (j < len && (unsigned char)s[j] > ' ' && s[j] != 0x7F &&
               !(((unsigned char)s[j] >= 0xC2 && (unsigned char)s[j] <= 0xEF) &&
                 (prs__space_len(s + j, len - j) ||
                  prs__ignorable_len(s + j, len - j))))
            j++;
        int rc = 0;
        if (t->out.len) {
            if (t->brk && !t->one_line)
                rc = prs_buf_puts(&t->out, t->brk == 2 ? "\n\n" : "\n");
            else if (t->brk || t->space)
                rc = prs_buf_putc(&t->out, ' ');
        }
        if (rc == 0)
            rc = prs_buf_append(&t->out, s + i, j - i);
        if (rc < 0)
            return rc;
        t->space = false;
        t->brk = 0;
        i = j;
    }
    return 0;
}

static void text_break(struct text *t, int brk)
{
    if (brk > t->brk)
        t->brk = brk;
}

/* How an element breaks the text: 0 inline, 1 line, 2 paragraph. */
static int break_of(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_OPTION:
        return 1;
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIELDSET:
        return 2;
    default:
        return 0;
    }
}

/* Elements whose content is never release text. */
static bool skipped_tag(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG: case GUMBO_TAG_IFRAME: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_MATH: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MENU:
        return true;
    default:
        return false;
    }
}

static bool hidden(const GumboNode *node)
{
    if (attr(node, "hidden"))
        return true;
    const char *aria = attr(node, "aria-hidden");
    if (aria && strcasecmp(aria, "true") == 0)
        return true;
    const char *role = attr(node, "role");
    if (role && (strcasecmp(role, "navigation") == 0 ||
                 strcasecmp(role, "banner") == 0 ||
                 strcasecmp(role, "contentinfo") == 0 ||
                 strcasecmp(role, "search") == 0))
        return true;
    const char *style = attr(node, "style");
    return style && (strstr(style, "display:none") ||
                     strstr(style, "display: none"));
}

/* Nodes the body walk leaves out on top of the skipped tags. */
struct exclude {
    const GumboNode *a, *b, *c;
};

/* Appends the text under root to t. With skip_chrome, page chrome (see
 * skipped_tag(), hidden()) and the excluded nodes are left out. */
static int node_text(GumboNode *root, struct text *t, bool skip_chrome,
                     const struct exclude *ex)
{
    struct walk w = {0};
    int rc = push(&w, root);
    while (rc == 0 && w.n) {
        struct frame *f = &w.v[w.n - 1];
        GumboNode *node = f->node;
        const GumboVector *kids = children(node);
        if (f->next == 0) {
            /* Entering the node. */
            if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
                node->type == GUMBO_NODE_WHITESPACE) {
                rc = text_add(t, node->v.text.text);
                w.n--;
                continue;
            }
            if (node->type == GUMBO_NODE_COMMENT ||
                node->type == GUMBO_NODE_TEMPLATE ||
                (node != root && skip_chrome &&
                 ((node->type == GUMBO_NODE_ELEMENT &&
                   skipped_tag(node->v.element.tag)) ||
                  hidden(node) ||
                  (ex && (node == ex->a || node == ex->b || node == ex->c))))) {
                w.n--;
                continue;
            }
            if (node->type == GUMBO_NODE_ELEMENT)
                text_break(t, break_of(node->v.element.tag));
            if (is_element(node, GUMBO_TAG_TD) || is_element(node, GUMBO_TAG_TH))
                t->space = true;
        }
        if (kids && f->next < kids->length) {
            GumboNode *child = kids->data[f->next++];
            rc = push(&w, child);
            continue;
        }
        /* Leaving the node. */
        if (node->type == GUMBO_NODE_ELEMENT)
            text_break(t, break_of(node->v.element.tag));
        w.n--;
    }
    free(w.v);
    return rc;
}

/* The text of one element on one line, stored in *field (if unset). */
static int set_from_node(char **field, GumboNode *node)
{
    if (*field || !node)
        return 0;
    struct text t = {.one_line = true};
    int rc = node_text(node, &t, false, NULL);
    if (rc == 0 && t.out.len)
        rc = prs_doc_set(field, t.out.data, t.out.len);
    prs_buf_free(&t.out);
    return rc;
}

/* An attribute value with white space collapsed, stored in *field. */
static int set_from_attr(char **field, const char *value)
{
    if (*field || !value)
        return 0;
    struct prs_buf b = {0};
    int rc = prs__append_collapsed(&b, value, strlen(value));
    if (rc == 0 && b.len)
        rc = prs_doc_set(field, b.data, b.len);
    prs_buf_free(&b);
    return rc;
}

/* ---- what the page says about itself -------------------------------------- */

enum { D_META_PUBLISHED, D_ITEMPROP, D_TIME, D_META_DATE, D_COUNT };

struct page {
    GumboNode *title_el, *first_h1, *body;
    GumboNode *articles[16];
    size_t narticles;
    GumboNode *main;
    const char *og_title, *og_site, *author, *publisher, *og_url, *canonical;
    const char *description, *og_description;
    const char *dates[D_COUNT];
    GumboNode *first_time; /* <time> without datetime: its text */
};

static bool prop_is(const char *v, const char *want)
{
    return v && strcasecmp(v, want) == 0;
}

static void see_meta(struct page *p, const GumboNode *node)
{
    const char *content = attr(node, "content");
    if (!content)
        return;
    const char *prop = attr(node, "property");
    const char *name = attr(node, "name");
    const char *itemprop = attr(node, "itemprop");
    const char *key = prop ? prop : name;
#define FIRST(slot) do { if (!(slot)) (slot) = content; } while (0)
    if (prop_is(key, "og:title"))
        FIRST(p->og_title);
    else if (prop_is(key, "og:site_name"))
        FIRST(p->og_site);
    else if (prop_is(key, "author"))
        FIRST(p->author);
    else if (prop_is(key, "publisher") ||
             (prop_is(key, "article:publisher") && strncmp(content, "http", 4)))
        FIRST(p->publisher);
    else if (prop_is(key, "og:url"))
        FIRST(p->og_url);
    else if (prop_is(key, "description"))
        FIRST(p->description);
    else if (prop_is(key, "og:description"))
        FIRST(p->og_description);
    else if (prop_is(key, "article:published_time") ||
             prop_is(key, "og:published_time"))
        FIRST(p->dates[D_META_PUBLISHED]);
    else if (prop_is(key, "date") || prop_is(key, "dc.date") ||
             prop_is(key, "dc.date.issued") || prop_is(key, "dcterms.date") ||
             prop_is(key, "dcterms.issued") || prop_is(key, "pubdate") ||
             prop_is(key, "publishdate") || prop_is(key, "publish-date"))
        FIRST(p->dates[D_META_DATE]);
    if (prop_is(itemprop, "datePublished"))
        FIRST(p->dates[D_ITEMPROP]);
#undef FIRST
}

/* One pass over the whole tree for the page-level facts. */
static int survey(GumboNode *root, struct page *p)
{
    struct walk w = {0};
    int rc = push(&w, root);
    while (rc == 0 && w.n) {
        GumboNode *node = w.v[--w.n].node;
        if (node->type == GUMBO_NODE_ELEMENT) {
            GumboTag tag = node->v.element.tag;
            switch (tag) {
            case GUMBO_TAG_META:
                see_meta(p, node);
                break;
            case GUMBO_TAG_LINK: {
                const char *rel = attr(node, "rel");
                if (!p->canonical && rel && strcasecmp(rel, "canonical") == 0)
                    p->canonical = attr(node, "href");
                break;
            }
            case GUMBO_TAG_TITLE:
                if (!p->title_el)
                    p->title_el = node;
                break;
            case GUMBO_TAG_BODY:
                if (!p->body)
                    p->body = node;
                break;
            case GUMBO_TAG_MAIN:
                if (!p->main)
                    p->main = node;
                break;
            case GUMBO_TAG_ARTICLE:
                if (p->narticles < sizeof p->articles / sizeof *p->articles)
                    p->articles[p->narticles++] = node;
                break;
            default:
                break;
            }
        }
        const GumboVector *kids = children(node);
        /* Children in reverse so the stack visits them in document order:
         * "first <h1>" means the first in the page. */
        for (size_t i = kids ? kids->length : 0; rc == 0 && i > 0; i--)
            rc = push(&w, kids->data[i - 1]);
    }
    free(w.v);
    return rc;
}

/* The first element with tag under root in document order (or with a class
 * naming a lead, when tag is GUMBO_TAG_UNKNOWN), skipping chrome. */
static GumboNode *find_first(GumboNode *root, GumboTag tag, bool lead_class)
{
    static const char *const lead_names[] = {"lead", "ingress", "preamble",
                                             "intro", "standfirst", NULL};
    struct walk w = {0};
    GumboNode *found = NULL;
    if (!root || push(&w, root) < 0)
        return NULL;
    while (w.n && !found) {
        GumboNode *node = w.v[--w.n].node;
        if (node->type != GUMBO_NODE_ELEMENT)
            continue;
        GumboTag t = node->v.element.tag;
        if (node != root && (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE ||
                             t == GUMBO_TAG_NAV || t == GUMBO_TAG_ASIDE ||
                             t == GUMBO_TAG_FOOTER || hidden(node)))
            continue;
        if (!lead_class && t == tag) {
            found = node;
            break;
        }
        if (lead_class) {
            const char *cls = attr(node, "class");
            for (size_t i = 0; cls && lead_names[i] && !found; i++) {
                /* Match whole class tokens: "lead", "article-lead". */
                size_t ln = strlen(lead_names[i]);
                for (const char *c = cls; (c = strstr(c, lead_names[i])) != NULL; c++) {
                    bool left = c == cls || c[-1] == ' ' || c[-1] == '-' || c[-1] == '_';
                    bool right = c[ln] == '\0' || c[ln] == ' ' || c[ln] == '-' || c[ln] == '_';
                    if (left && right) {
                        found = node;
                        break;
                    }
                }
            }
            if (found)
                break;
        }
        const GumboVector *kids = children(node);
        for (size_t i = kids ? kids->length : 0; i > 0; i--)
            if (push(&w, kids->data[i - 1]) < 0) {
                w.n = 0;
                break;
            }
    }
    free(w.v);
    return found;
}

/* The text container: the <article> holding the page's <h1> (pages list
 * other releases as <article> teasers too), else the first <article>,
 * else <main>, else <body>. */
static GumboNode *container(struct page *p)
{
    for (size_t i = 0; i < p->narticles; i++)
        if (find_first(p->articles[i], GUMBO_TAG_H1, false))
            return p->articles[i];
    if (p->narticles)
        return p->articles[0];
    return p->main ? p->main : p->body;
}

/* "Title | Site" -> "Title" (also " - ", " – ", " — "). */
static void strip_site_suffix(char *title)
{
    static const char *const seps[] = {" | ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
                                       " - ", NULL};
    for (size_t i = 0; seps[i]; i++) {
        char *last = NULL;
        for (char *c = title; (c = strstr(c, seps[i])) != NULL; c++)
            last = c;
        if (last && last > title) {
            *last = '\0';
            return;
        }
    }
}

/* Is a <time> part of a sentence (kept in the text) rather than the
 * page's date line (left out of it)? */
static bool in_running_text(const GumboNode *node)
{
    const GumboNode *parent = node->parent;
    if (!parent || parent->type != GUMBO_NODE_ELEMENT)
        return false;
    switch (parent->v.element.tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_DD: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_A:
    case GUMBO_TAG_EM: case GUMBO_TAG_STRONG: case GUMBO_TAG_B:
    case GUMBO_TAG_I:
        return true;
    default:
        return false;
    }
}

/* Sets published; *time_el gets the <time> element consulted, if any. */
static int set_dates(struct prs_doc *doc, const struct page *p,
                     GumboNode *box, GumboNode **time_el)
{
    /* <time datetime> inside the text box counts before one elsewhere. */
    const char *time_attr = NULL;
    GumboNode *t = find_first(box, GUMBO_TAG_TIME, false);
    if (!t && p->body)
        t = find_first(p->body, GUMBO_TAG_TIME, false);
    *time_el = t;
    if (t)
        time_attr = attr(t, "datetime");
    const char *order[] = {p->dates[D_META_PUBLISHED], p->dates[D_ITEMPROP],
                           time_attr, p->dates[D_META_DATE]};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        if (!order[i])
            continue;
        int rc = prs__set_date(&doc->published, order[i], strlen(order[i]));
        if (rc != PRS_E_PARSE)
            return rc;
    }
    if (t && !time_attr) {
        struct text tt = {.one_line = true};
        int rc = node_text(t, &tt, false, NULL);
        if (rc == 0 && tt.out.len)
            rc = prs__set_date(&doc->published, tt.out.data, tt.out.len);
        prs_buf_free(&tt.out);
        if (rc == PRS_E_NOMEM)
            return rc;
    }
    return 0;
}

/* ---- nesting guard ------------------------------------------------------- */

/* gumbo's tree construction checks element scopes by walking the stack of
 * open elements, so its time grows with the square of the nesting depth
 * (40,000 nested <div> take seconds, 100,000 minutes). Real pages nest a
 * few dozen levels; this estimate (every element that can hold others
 * counts, comments and raw text are skipped) refuses the pathological ones
 * before gumbo sees them. */
#define HTML_MAX_DEPTH 1000

static bool name_in(const char *name, size_t n, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strlen(set[i]) == n && strncasecmp(name, set[i], n) == 0)
            return true;
    return false;
}

/* Elements that do not nest: void, or closed implicitly by a sibling. */
static const char *const flat_tags[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
    "meta", "param", "source", "track", "wbr", "p", "li", "dt", "dd",
    "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
    "colgroup", "rp", "rt", "html", "head", "body", NULL,
};

/* Elements whose content is raw text up to their end tag. */
static const char *const raw_tags[] = {
    "script", "style", "textarea", "title", "xmp", "noscript", "iframe",
    "noembed", "noframes", "plaintext", NULL,
};

static const char *find_str(const char *s, const char *end, const char *what)
{
    size_t n = strlen(what);
    for (const char *p = s; p + n <= end; p++)
        if (strncasecmp(p, what, n) == 0)
            return p;
    return NULL;
}

/* Returns the offset where the estimated nesting first exceeds the limit,
 * or (size_t)-1 if it never does. */
static size_t too_deep_at(const char *s, size_t len)
{
    const char *end = s + len;
    size_t depth = 0;
    for (const char *p = s; p < end; p++) {
        if (*p != '<' || p + 1 >= end)
            continue;
        if (p + 4 <= end && memcmp(p, "<!--", 4) == 0) {
            const char *e = find_str(p + 4, end, "-->");
            if (!e)
                break;
            p = e + 2;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        const char *q = name;
        while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                           (*q >= '0' && *q <= '9') || *q == '-'))
            q++;
        size_t n = (size_t)(q - name);
        if (q >= end)
            break;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (!gt)
            break;
        if (n == 0 || !((name[0] >= 'a' && name[0] <= 'z') ||
                        (name[0] >= 'A' && name[0] <= 'Z'))) {
            p = gt;
            continue;
        }
        if (closing) {
            if (depth && !name_in(name, n, flat_tags))
                depth--;
        } else if (name_in(name, n, raw_tags)) {
            char close[16] = "</";
            memcpy(close + 2, name, n < 12 ? n : 12);
            close[2 + (n < 12 ? n : 12)] = '\0';
            const char *e = find_str(gt, end, close);
            if (!e)
                break;
            gt = e;
        } else if (gt[-1] != '/' && !name_in(name, n, flat_tags)) {
            if (++depth > HTML_MAX_DEPTH)
                return (size_t)(p - s);
        }
        p = gt;
    }
    return (size_t)-1;
}

/* ---- character sets ------------------------------------------------------ */

/* windows-1252 0x80..0x9F; the rest of the upper half is ISO-8859-1. */
static const unsigned short cp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Does the page declare a Latin-1 family charset in its first bytes? */
static bool declares_latin1(const char *s, size_t len)
{
    static const char *const names[] = {"windows-1252", "iso-8859-1",
                                        "iso-8859-15", "latin1", "latin-1",
                                        "cp1252", "l1", NULL};
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(s + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && s[j] == ' ')
            j++;
        if (j >= n || s[j] != '=')
            continue;
        j++;
        while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
            j++;
        for (size_t k = 0; names[k]; k++) {
            size_t l = strlen(names[k]);
            if (n - j >= l && strncasecmp(s + j, names[k], l) == 0 &&
                (n - j == l || !((s[j + l] >= 'a' && s[j + l] <= 'z') ||
                                 (s[j + l] >= '0' && s[j + l] <= '9') ||
                                 s[j + l] == '-')))
                return true;
        }
    }
    return false;
}

static int from_cp1252(const char *s, size_t len, struct prs_buf *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char u[4];
        size_t n;
        if (c < 0x80) {
            u[0] = (char)c;
            n = 1;
        } else {
            n = prs__utf8_encode(c < 0xA0 ? cp1252[c - 0x80] : c, u);
        }
        if (prs_buf_append(out, u, n) < 0)
            return PRS_E_NOMEM;
    }
    return 0;
}

/* ---- the parser ---------------------------------------------------------- */

static int fill(struct prs_doc *doc, GumboOutput *g)
{
    struct page p = {0};
    int rc = survey(g->document, &p);
    if (rc < 0)
        return rc;
    GumboNode *box = container(&p);
    GumboNode *h1 = find_first(box, GUMBO_TAG_H1, false);
    if (!h1)
        h1 = find_first(p.body, GUMBO_TAG_H1, false);

    rc = set_from_attr(&doc->title, p.og_title);
    if (rc == 0)
        rc = set_from_node(&doc->title, h1);
    if (rc == 0 && !doc->title && p.title_el) {
        rc = set_from_node(&doc->title, p.title_el);
        if (rc == 0 && doc->title)
            strip_site_suffix(doc->title);
    }
    if (rc == 0)
        rc = set_from_attr(&doc->org, p.og_site);
    if (rc == 0)
        rc = set_from_attr(&doc->org, p.author);
    if (rc == 0)
        rc = set_from_attr(&doc->org, p.publisher);
    if (rc == 0)
        rc = set_from_attr(&doc->url, p.canonical);
    if (rc == 0)
        rc = set_from_attr(&doc->url, p.og_url);
    GumboNode *time_el = NULL;
    if (rc == 0)
        rc = set_dates(doc, &p, box, &time_el);
    if (time_el && in_running_text(time_el))
        time_el = NULL;

    /* The lead: an element the page marks as one, else the description. */
    GumboNode *lead_el = find_first(box, GUMBO_TAG_UNKNOWN, true);
    if (lead_el == box)
        lead_el = NULL;
    if (rc == 0 && lead_el)
        rc = set_from_node(&doc->lead, lead_el);
    bool lead_from_meta = false;
    if (rc == 0 && !doc->lead) {
        rc = set_from_attr(&doc->lead, p.description ? p.description
                                                     : p.og_description);
        lead_from_meta = doc->lead != NULL;
    }
    if (rc < 0 || !box)
        return rc;

    /* The body: the box without chrome, the title heading or the lead. */
    struct text t = {0};
    struct exclude ex = {.a = h1, .b = lead_el, .c = time_el};
    rc = node_text(box, &t, true, &ex);
    if (rc == 0 && t.out.len) {
        const char *text = t.out.data;
        size_t len = t.out.len;
        if (lead_from_meta) {
            /* A description that repeats the first paragraph is not
             * stored twice. */
            const char *brk = strstr(text, "\n\n");
            size_t first = brk ? (size_t)(brk - text) : len;
            if (strlen(doc->lead) == first && memcmp(text, doc->lead, first) == 0) {
                text += first;
                len -= first;
            }
        }
        rc = prs__set_lead_body(doc, text, len);
    }
    prs_buf_free(&t.out);
    return rc;
}

int prs_parse_html(const char *text, size_t len, struct prs_doc *doc,
                   struct prs_err *err)
{
    struct prs_buf conv = {0};
    GumboOutput *g = NULL;
    int rc;
    prs_doc_clear(doc);
    /* UTF-8 is checked after a declared legacy charset is converted. */
    rc = prs__begin_text(&text, &len, false, err);
    if (rc < 0)
        return rc;
    if (memchr(text, '\0', len))
        return prs__check_text(text, len, err); /* names the NUL byte */
    if (prs__check_text(text, len, NULL) < 0) {
        if (!declares_latin1(text, len))
            return prs__check_text(text, len, err);
        rc = from_cp1252(text, len, &conv);
        if (rc < 0)
            return prs_err_set(err, rc, "out of memory");
        text = conv.data;
        len = conv.len;
    }
    size_t deep = too_deep_at(text, len);
    if (deep != (size_t)-1) {
        rc = prs_err_set(err, PRS_E_PARSE,
                         "HTML nested deeper than %d elements (at byte %zu); "
                         "refused", HTML_MAX_DEPTH, deep);
        goto out;
    }
    GumboOptions opts = kGumboDefaultOptions;
    opts.max_errors = 0;
    g = gumbo_parse_with_options(&opts, text, len);
    if (!g) {
        rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
        goto out;
    }
    rc = fill(doc, g);
    if (rc < 0) {
        prs_err_set(err, rc, "out of memory");
    } else if (!doc->title) {
        rc = prs_err_set(err, PRS_E_PARSE,
                         "no title: no og:title, <h1> or <title>");
    }
out:
    if (g)
        gumbo_destroy_output(&opts, g);
    prs_buf_free(&conv);
    if (rc < 0)
        prs_doc_clear(doc);
    return rc;
}
