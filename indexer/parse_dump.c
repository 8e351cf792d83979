/*
 * parse_dump.c: a press release as text copied from its press-room page.
 *
 * The page's own order is the grammar:
 *
 *   organisation            line 1
 *   [date | type]           optional, some press rooms put it here
 *   title
 *   Dela                    share buttons
 *   [date | type]
 *   body paragraphs         the first one is the lead
 *   Kontakt: / Kontakter    contacts, one block each: name, Titel:,
 *                           Telefon:, e-mail
 *   ________                rule
 *   Avsändare: name, role   the sender, Telefon: on the next line
 *   Om                      about the organisation, until ...
 *   Följ <org>              ... everything from here on is page chrome:
 *   Abonnera på ...         subscription box, "Senaste pressmeddelandena
 *   Senaste ... från <org>  från", teasers of OTHER releases (title glued
 *   <title>25.11.2022 ...   to "date CET | type", then a teaser paragraph),
 *   I vårt pressrum ...     "Besök vårt pressrum". None of it is stored.
 *
 * Every block is optional. Lines are matched after white-space collapsing
 * (U+00A0 counts as a space), so a line holding only a no-break space is
 * blank. When the heuristics cannot tell, text is kept in the body rather
 * than lost, except after the first end marker, where nothing is kept:
 * a search must never find this release through another one's teaser.
 */
#include "parse.h"
#include "parse_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct line {
    const char *s; /* into the normalised copy; not NUL-terminated */
    size_t n;      /* 0: blank */
};

enum state {
    ST_HEAD,    /* organisation, title, share buttons, date line */
    ST_BODY,
    ST_CONTACT, /* after "Kontakt:" */
    ST_SENDER,  /* after "Avsändare:" */
    ST_ABOUT,   /* after "Om" */
    ST_SKIP,    /* page furniture we do not keep ("Ämnen", "Bilder") */
};

struct dump {
    struct prs_doc *doc;
    struct line *lines;
    size_t nlines;
    enum state state;
    bool have_org, have_title;
    const char *trailer_org; /* from "Följ X" / "Senaste ... från X" */
    size_t trailer_org_len;
    /* Body paragraphs, "\n\n"-separated; the last one can be taken back
     * when it turns out to be a teaser's title. */
    struct prs_buf body;
    size_t last_para_start;
    size_t last_para_lines;
    bool para_open;
    /* The contact being collected. */
    struct prs_buf c_name, c_role, c_phone, c_email;
    bool c_any;
    struct prs_buf sender;
    struct prs_buf about;
    bool about_para_open;
    struct prs_buf scratch;
};

/* ---- line predicates ----------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool eq_any(const char *s, size_t n, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (prs__eq_nocase(s, n, words[i]))
            return true;
    return false;
}

static bool starts_any(const char *s, size_t n, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (prs__starts_nocase(s, n, words[i]))
            return true;
    return false;
}

static const char *const share_words[] = {
    "Dela", "Dela:", "Dela artikeln", "Dela sidan", "Dela pressmeddelandet",
    "Dela på Facebook", "Dela på LinkedIn", "Dela på X", "Dela på Twitter",
    "Dela via e-post", "Tweet", "Twittra", "Skriv ut", "Facebook", "LinkedIn",
    "Twitter", "X", "E-post", "Mejla", "Kopiera länk", "Tipsa", "Share",
    "Print", "Läs upp", "Lyssna", NULL,
};

static const char *const type_words[] = {
    "Pressmeddelande", "Nyhet", "Nyheter", "Pressinbjudan", "Blogginlägg",
    "Evenemang", "Debattartikel", "Artikel", "Nyhetsartikel", NULL,
};

static const char *const contact_headers[] = {
    "Kontakt", "Kontakt:", "Kontakter", "Kontakter:", "Kontaktperson",
    "Kontaktperson:", "Kontaktpersoner", "Kontaktpersoner:", "Presskontakt",
    "Presskontakt:", "Presskontakter", "Presskontakter:", NULL,
};

/* Section titles of page furniture whose blocks are not release text. */
static const char *const skip_headers[] = {
    "Ämnen", "Kategorier", "Regioner", "Taggar", "Bilder", "Dokument",
    "Ladda ner", "Relaterat", "Relaterade länkar", "Länkar", "Media",
    "Dokument & länkar", "Bilagor", "Bilder & dokument", NULL,
};

/* Lines after which the page holds nothing of this release. */
static const char *const end_prefixes[] = {
    "Senaste pressmeddelandena",
    "Senaste pressmeddelanden", "Senaste nyheterna", "Senaste nyheter",
    "Fler pressmeddelanden", "Relaterade pressmeddelanden",
    "Läs fler pressmeddelanden", "Se alla pressmeddelanden",
    "Se alla nyheter", "I vårt pressrum", "Besök vårt pressrum",
    "Besök pressrummet", "Till pressrummet", NULL,
};

/* "Följ Norrköpings kommun": a short line, no sentence. Sets the name. */
static bool follow_line(const char *s, size_t n, const char **org,
                        size_t *org_len)
{
    if (!prs__starts_nocase(s, n, "Följ ") || prs__ends_sentence(s, n) ||
        prs__count_words(s, n) > 8)
        return false;
    const char *x = s + strlen("Följ ");
    size_t xn = n - strlen("Följ ");
    static const char *const not_org[] = {"oss", "us", "vår", "våra", "vårt",
                                          "på", "med", "utvecklingen", NULL};
    bool named = !starts_any(x, xn, not_org);
    if (org) {
        *org = named ? x : NULL;
        *org_len = named ? xn : 0;
    }
    return true;
}

static const char *const end_prefixes_block[] = {
    "Abonnera", "Prenumerera", NULL,
};

/* A line that starts the page's trailer on its own. */
static bool is_end_prefix(const char *s, size_t n, bool own_block)
{
    if (starts_any(s, n, end_prefixes_block))
        return own_block;
    return starts_any(s, n, end_prefixes);
}

/* "_____" or "-----": a rule. */
static bool is_rule(const char *s, size_t n)
{
    if (n < 5)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_' && s[i] != '-' && s[i] != '=' && s[i] != ' ')
            return false;
    return true;
}

/* A phone number: digits and + - ( ) / . spaces, at least 6 digits. */
static bool is_phone(const char *s, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]))
            digits++;
        else if (!strchr("+-()/. ", s[i]))
            return false;
    }
    return digits >= 6;
}

static bool is_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    return at && at > s && at < s + n - 1 && !memchr(s, ' ', n);
}

/* If s starts with one of the labels ("Titel:"), sets the value after it. */
static bool labelled(const char *s, size_t n, const char *const *labels,
                     const char **v, size_t *vn)
{
    for (size_t i = 0; labels[i]; i++) {
        if (prs__starts_nocase(s, n, labels[i])) {
            size_t l = strlen(labels[i]);
            *vn = n - l;
            *v = prs_trim(s + l, vn);
            return true;
        }
    }
    return false;
}

static const char *const role_labels[] = {"Titel:", "Roll:", "Befattning:",
                                          NULL};
static const char *const phone_labels[] = {
    "Telefon:", "Tel:", "Tel.:", "Tel.", "Mobil:", "Mobiltelefon:",
    "Mobilnummer:", "Telefonnummer:", "Mob:", "Direkt:", "Växel:", NULL};
static const char *const email_labels[] = {
    "E-post:", "Epost:", "E-mail:", "Email:", "Mejl:", "Mail:", NULL};

/* ---- building the document ----------------------------------------------- */

static int body_line(struct dump *d, const char *s, size_t n)
{
    int rc = 0;
    if (d->para_open) {
        rc = prs_buf_putc(&d->body, '\n');
    } else {
        if (d->body.len)
            rc = prs_buf_puts(&d->body, "\n\n");
        d->last_para_start = d->body.len;
        d->last_para_lines = 0;
        d->para_open = true;
    }
    if (rc == 0)
        rc = prs_buf_append(&d->body, s, n);
    d->last_para_lines++;
    return rc;
}

/* Takes the last body paragraph back (a teaser title). */
static void drop_last_para(struct dump *d)
{
    size_t cut = d->last_para_start;
    if (cut >= 2 && d->body.data[cut - 1] == '\n' && d->body.data[cut - 2] == '\n')
        cut -= 2;
    d->body.len = cut;
    if (d->body.data)
        d->body.data[cut] = '\0';
    d->para_open = false;
    d->last_para_lines = 0;
}

static int about_line(struct dump *d, const char *s, size_t n)
{
    /* The about block often repeats the organisation name on two lines. */
    if (d->about_para_open) {
        const char *last = d->about.data;
        size_t lastn = d->about.len;
        const char *nl = NULL;
        for (size_t i = d->about.len; i > 0; i--) {
            if (d->about.data[i - 1] == '\n') {
                nl = d->about.data + i;
                break;
            }
        }
        if (nl) {
            lastn = d->about.len - (size_t)(nl - d->about.data);
            last = nl;
        }
        if (lastn == n && memcmp(last, s, n) == 0)
            return 0;
    }
    int rc = 0;
    if (d->about.len)
        rc = prs_buf_puts(&d->about, d->about_para_open ? "\n" : "\n\n");
    d->about_para_open = true;
    return rc ? rc : prs_buf_append(&d->about, s, n);
}

static int put_field(struct prs_buf *b, const char *s, size_t n,
                     const char *sep)
{
    if (!n)
        return 0;
    int rc = b->len ? prs_buf_puts(b, sep) : 0;
    return rc ? rc : prs_buf_append(b, s, n);
}

static int flush_contact(struct dump *d)
{
    if (!d->c_any)
        return 0;
    int rc = prs_doc_add_contact(d->doc, d->c_name.data, d->c_role.data,
                                 d->c_phone.data, d->c_email.data);
    prs_buf_reset(&d->c_name);
    prs_buf_reset(&d->c_role);
    prs_buf_reset(&d->c_phone);
    prs_buf_reset(&d->c_email);
    d->c_any = false;
    return rc;
}

/* "Anna Thörn, kommundirektör, 073-020 20 36": name, role parts, phone. */
static int contact_csv(struct dump *d, const char *s, size_t n)
{
    int rc = 0;
    size_t start = 0;
    bool first = true;
    for (size_t i = 0; i <= n && rc == 0; i++) {
        if (i < n && s[i] != ',')
            continue;
        size_t pn = i - start;
        const char *p = prs_trim(s + start, &pn);
        start = i + 1;
        if (!pn)
            continue;
        if (first)
            rc = put_field(&d->c_name, p, pn, " ");
        else if (is_email(p, pn))
            rc = put_field(&d->c_email, p, pn, ", ");
        else if (is_phone(p, pn))
            rc = put_field(&d->c_phone, p, pn, ", ");
        else
            rc = put_field(&d->c_role, p, pn, ", ");
        first = false;
    }
    d->c_any = true;
    return rc;
}

static int contact_line(struct dump *d, const char *s, size_t n)
{
    const char *v;
    size_t vn;
    int rc = 0;
    if (labelled(s, n, role_labels, &v, &vn))
        rc = put_field(&d->c_role, v, vn, ", ");
    else if (labelled(s, n, phone_labels, &v, &vn))
        rc = put_field(&d->c_phone, v, vn, ", ");
    else if (labelled(s, n, email_labels, &v, &vn))
        rc = put_field(&d->c_email, v, vn, ", ");
    else if (is_email(s, n))
        rc = put_field(&d->c_email, s, n, ", ");
    else if (is_phone(s, n))
        rc = put_field(&d->c_phone, s, n, ", ");
    else {
        /* A plain line: the name, or the role right after it; a plain line
         * after a phone or e-mail starts the next contact. */
        if (d->c_any && (d->c_phone.len || d->c_email.len ||
                         (d->c_name.len && d->c_role.len)))
            rc = flush_contact(d);
        if (rc == 0) {
            if (!d->c_name.len && memchr(s, ',', n))
                return contact_csv(d, s, n);
            if (!d->c_name.len)
                rc = put_field(&d->c_name, s, n, " ");
            else
                rc = put_field(&d->c_role, s, n, ", ");
        }
    }
    d->c_any = true;
    return rc;
}

/* A header of the about block: "Om", "Om oss", "Om <org>". */
static bool is_about_header(const struct dump *d, const char *s, size_t n,
                            bool own_block)
{
    if (prs__eq_nocase(s, n, "Om") || prs__eq_nocase(s, n, "Om oss"))
        return true;
    if (!prs__starts_nocase(s, n, "Om "))
        return false;
    const char *x = s + 3;
    size_t xn = n - 3;
    if (d->doc->org && prs__eq_nocase(x, xn, d->doc->org))
        return true;
    /* "Om projektet" inside the body is a subheading, not the about
     * block; after the contacts and the sender it is the about block. */
    return d->state != ST_BODY && own_block && prs__count_words(s, n) <= 6 &&
           !prs__ends_sentence(s, n) && !memchr(s, ',', n);
}

/* Is line i the start of the page's trailer? */
static bool is_end_marker(const struct dump *d, size_t i, bool own_block)
{
    const struct line *l = &d->lines[i];
    if (is_end_prefix(l->s, l->n, own_block))
        return true;
    const char *org;
    size_t on;
    if (!follow_line(l->s, l->n, &org, &on))
        return false;
    /* "Följ debatten" may be a paragraph of the release: only a "Följ"
     * naming the organisation, after the body, or right before other
     * trailer lines ends it. */
    if (d->state != ST_BODY)
        return true;
    if (org && d->doc->org && prs__eq_nocase(org, on, d->doc->org))
        return true;
    size_t seen = 0;
    for (size_t k = i + 1; k < d->nlines && seen < 6; k++) {
        const struct line *m = &d->lines[k];
        if (!m->n)
            continue;
        seen++;
        bool own = !d->lines[k - 1].n && (k + 1 == d->nlines || !d->lines[k + 1].n);
        if (is_end_prefix(m->s, m->n, own))
            return true;
    }
    return false;
}

/* Does the line look like prose (a sentence of some length)? Tells a
 * title from an organisation name, and text from a contact. */
static bool is_prose(const char *s, size_t n)
{
    size_t w = prs__count_words(s, n);
    return w >= 25 || (w >= 12 && prs__ends_sentence(s, n));
}

static const struct line *next_content(const struct dump *d, size_t i)
{
    for (size_t k = i + 1; k < d->nlines; k++) {
        const struct line *l = &d->lines[k];
        struct prs__dateline dl;
        if (!l->n || eq_any(l->s, l->n, share_words) ||
            (prs__scan_dateline(l->s, l->n, &dl) && dl.standalone))
            continue;
        return l;
    }
    return NULL;
}

/* Finds the organisation named by the page's trailer, if any. */
static void find_trailer_org(struct dump *d)
{
    static const char *const from[] = {
        "Senaste pressmeddelandena från ", "Senaste pressmeddelanden från ",
        "Senaste nyheterna från ", "Senaste nyheter från ", NULL};
    for (size_t i = 0; i < d->nlines; i++) {
        const struct line *l = &d->lines[i];
        const char *org = NULL;
        size_t on = 0;
        if (follow_line(l->s, l->n, &org, &on) && org) {
            d->trailer_org = org;
            d->trailer_org_len = on;
            return;
        }
        for (size_t k = 0; from[k]; k++) {
            size_t fl = strlen(from[k]);
            if (prs__starts_nocase(l->s, l->n, from[k]) && l->n > fl) {
                d->trailer_org = l->s + fl;
                d->trailer_org_len = l->n - fl;
                return;
            }
        }
    }
}

static int head_line(struct dump *d, size_t i)
{
    const struct line *l = &d->lines[i];
    if (!d->have_org) {
        d->have_org = true;
        const struct line *next = next_content(d, i);
        bool is_org;
        if (d->trailer_org && l->n == d->trailer_org_len &&
            strncasecmp(l->s, d->trailer_org, l->n) == 0)
            is_org = true;
        else if (!next || is_prose(l->s, l->n) || prs__ends_sentence(l->s, l->n) ||
                 prs__count_words(l->s, l->n) > 8)
            is_org = false; /* line 1 is the title: no organisation line */
        else if (d->trailer_org && is_prose(next->s, next->n))
            is_org = false;
        else
            is_org = true;
        if (is_org)
            return prs_doc_set(&d->doc->org, l->s, l->n);
        if (d->trailer_org) {
            int rc = prs_doc_set(&d->doc->org, d->trailer_org,
                                 d->trailer_org_len);
            if (rc < 0)
                return rc;
        }
    }
    d->have_title = true;
    return prs_doc_set(&d->doc->title, l->s, l->n);
}

static int run(struct dump *d)
{
    int rc = 0;
    find_trailer_org(d);
    for (size_t i = 0; i < d->nlines && rc == 0; i++) {
        const struct line *l = &d->lines[i];
        const char *s = l->s;
        size_t n = l->n;
        bool own_block = (i == 0 || !d->lines[i - 1].n) &&
                         (i + 1 == d->nlines || !d->lines[i + 1].n);
        if (!n) {
            d->para_open = false;
            d->about_para_open = false;
            if (d->state == ST_CONTACT)
                rc = flush_contact(d);
            else if (d->state == ST_SENDER && d->sender.len)
                d->state = ST_SKIP; /* what follows the sender is chrome */
            continue;
        }
        if (d->have_title && is_end_marker(d, i, own_block))
            break;
        struct prs__dateline dl;
        if (prs__scan_dateline(s, n, &dl)) {
            bool body_started = d->body.len > 0;
            if (dl.teaser && d->have_title) {
                break;
            }
            if (dl.standalone && body_started && dl.type) {
                /* "Title\n25.11.2022 14:00 CET | Pressmeddelande": a teaser
                 * list without a heading; its title is already in the body. */
                if (d->state == ST_BODY && d->last_para_lines == 1 &&
                    d->para_open)
                    drop_last_para(d);
                break;
            }
            if (dl.standalone) {
                if (!d->doc->published)
                    rc = prs_doc_set(&d->doc->published, dl.date,
                                     strlen(dl.date));
                if (rc == 0 && dl.type && !d->doc->type)
                    rc = prs_doc_set(&d->doc->type, dl.type, dl.type_len);
                continue;
            }
        }
        if (d->state == ST_HEAD && eq_any(s, n, type_words)) {
            if (!d->doc->type)
                rc = prs_doc_set(&d->doc->type, s, n);
            continue;
        }
        if ((d->state == ST_HEAD || d->state == ST_BODY) &&
            eq_any(s, n, share_words))
            continue;
        if (d->have_title) {
            if (eq_any(s, n, contact_headers) ||
                (prs__starts_nocase(s, n, "Kontakt:") && n > 8)) {
                rc = flush_contact(d);
                d->state = ST_CONTACT;
                d->para_open = false;
                const char *v;
                size_t vn;
                static const char *const inline_hdr[] = {"Kontakt:", NULL};
                if (rc == 0 && labelled(s, n, inline_hdr, &v, &vn) && vn)
                    rc = contact_line(d, v, vn);
                continue;
            }
            if (is_rule(s, n))
                continue;
            const char *v;
            size_t vn;
            static const char *const sender_hdr[] = {"Avsändare:", "Avsändare",
                                                     NULL};
            if (labelled(s, n, sender_hdr, &v, &vn)) {
                if (d->state == ST_CONTACT)
                    rc = flush_contact(d);
                d->state = ST_SENDER;
                if (rc == 0 && vn)
                    rc = put_field(&d->sender, v, vn, "\n");
                continue;
            }
            if (d->state != ST_ABOUT && d->state != ST_HEAD &&
                is_about_header(d, s, n, own_block)) {
                if (d->state == ST_CONTACT)
                    rc = flush_contact(d);
                d->state = ST_ABOUT;
                continue;
            }
            if (own_block && eq_any(s, n, skip_headers) &&
                d->state != ST_ABOUT) {
                if (d->state == ST_CONTACT)
                    rc = flush_contact(d);
                d->state = ST_SKIP;
                continue;
            }
        }
        switch (d->state) {
        case ST_HEAD:
            if (!d->have_title) {
                rc = head_line(d, i);
                break;
            }
            d->state = ST_BODY;
            rc = body_line(d, s, n);
            break;
        case ST_BODY:
            rc = body_line(d, s, n);
            break;
        case ST_CONTACT:
            if (is_prose(s, n)) {
                /* Text after the contacts: the release goes on. */
                rc = flush_contact(d);
                d->state = ST_BODY;
                if (rc == 0)
                    rc = body_line(d, s, n);
            } else {
                rc = contact_line(d, s, n);
            }
            break;
        case ST_SENDER:
            rc = put_field(&d->sender, s, n, "\n");
            break;
        case ST_ABOUT:
            rc = about_line(d, s, n);
            break;
        case ST_SKIP:
            break;
        }
    }
    if (rc == 0)
        rc = flush_contact(d);
    return rc;
}

/* Copies text with every line's white space collapsed into d->scratch and
 * indexes the lines. */
static int split_lines(struct dump *d, const char *text, size_t len)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += text[i] == '\n';
    d->lines = calloc(count, sizeof *d->lines);
    if (!d->lines)
        return PRS_E_NOMEM;
    size_t *offs = calloc(count, sizeof *offs);
    if (!offs)
        return PRS_E_NOMEM;
    size_t start = 0;
    int rc = 0;
    while (start <= len && rc == 0 && d->nlines < count) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t off = d->scratch.len;
        rc = prs__append_collapsed(&d->scratch, text + start, end - start);
        offs[d->nlines] = off;
        d->lines[d->nlines].n = d->scratch.len - off;
        d->nlines++;
        if (!nl)
            break;
        start = end + 1;
    }
    /* The buffer may have moved while growing: point in only now. */
    for (size_t i = 0; i < d->nlines; i++)
        d->lines[i].s = d->scratch.data ? d->scratch.data + offs[i] : "";
    free(offs);
    return rc;
}

static int store(struct dump *d)
{
    int rc = 0;
    if (d->body.len)
        rc = prs__set_lead_body(d->doc, d->body.data, d->body.len);
    if (rc == 0 && d->sender.len)
        rc = prs_doc_set(&d->doc->sender, d->sender.data, d->sender.len);
    if (rc == 0 && d->about.len)
        rc = prs_doc_set(&d->doc->about, d->about.data, d->about.len);
    return rc;
}

int prs_parse_dump(const char *text, size_t len, struct prs_doc *doc,
                   struct prs_err *err)
{
    struct dump d = {.doc = doc, .state = ST_HEAD};
    int rc;
    prs_doc_clear(doc);
    rc = prs__begin_text(&text, &len, true, err);
    if (rc < 0)
        return rc;
    rc = split_lines(&d, text, len);
    if (rc == 0)
        rc = run(&d);
    if (rc == 0)
        rc = store(&d);
    if (rc < 0) {
        prs_err_set(err, rc, "out of memory");
    } else if (!doc->title) {
        rc = prs_err_set(err, PRS_E_PARSE, "no title: the page has no text "
                                           "besides the organisation line");
    }
    if (rc < 0)
        prs_doc_clear(doc);
    free(d.lines);
    prs_buf_free(&d.scratch);
    prs_buf_free(&d.body);
    prs_buf_free(&d.c_name);
    prs_buf_free(&d.c_role);
    prs_buf_free(&d.c_phone);
    prs_buf_free(&d.c_email);
    prs_buf_free(&d.sender);
    prs_buf_free(&d.about);
    return rc;
}
