#include "termgen.h"

#include "abbrev.h"
#include "outside.h"
#include "schema.h"
#include "strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Positions of different fields are kept this far apart so that a phrase
 * never matches across the end of the title and the start of the body. */
#define FIELD_POS_GAP 100

struct field_ctx {
    struct prs_xdoc *xd;
    /* Field prefix, e.g. PRS_PREFIX_TITLE; NULL for the lead and body,
     * whose words strike the outside words instead (outside.h). */
    const char *prefix;
    struct prs_outside *outside;
    unsigned wdf;
    struct prs_buf term; /* reused for every term of the field */
    struct prs_err *err;
    int rc;
};

/* Adds prefix + text (and prefix + "Z" form) to the document. */
static int add_prefixed(struct field_ctx *fc, const char *p1, const char *p2,
                        const char *text, size_t len)
{
    prs_buf_reset(&fc->term);
    if (prs_buf_puts(&fc->term, p1) < 0 || prs_buf_puts(&fc->term, p2) < 0 ||
        prs_buf_append(&fc->term, text, len) < 0)
        return prs_err_set(fc->err, PRS_E_NOMEM, "out of memory");
    return prs_xdoc_add_term(fc->xd, fc->term.data, fc->term.len, fc->wdf,
                             fc->err);
}

/* Records an unprefixed term ("word", "Zstem") of a field outside the
 * body, or strikes it when the field is the lead or body (outside.h). */
static int note(struct field_ctx *fc, const char *term, size_t len)
{
    if (!fc->prefix) {
        prs_outside_strike(fc->outside, term, len);
        return 0;
    }
    if (prs_outside_add(fc->outside, term, len) < 0)
        return prs_err_set(fc->err, PRS_E_NOMEM, "out of memory");
    return 0;
}

static int on_token(const struct prs_token *tok, void *ctx)
{
    struct field_ctx *fc = ctx;
    int rc;
    /* The whole hyphenated word is an extra term without a position: its
     * parts carry the positions that phrases use. */
    if (tok->flags & PRS_TOKF_JOINED)
        rc = prs_xdoc_add_term(fc->xd, tok->text, tok->len, fc->wdf, fc->err);
    else
        rc = prs_xdoc_add_posting(fc->xd, tok->text, tok->len, tok->pos,
                                  fc->wdf, fc->err);
    if (rc == 0)
        rc = note(fc, tok->text, tok->len);
    if (rc == 0 && tok->kind == PRS_TOK_WORD)
        rc = add_prefixed(fc, PRS_PREFIX_STEM, "", tok->stem, tok->stem_len);
    if (rc == 0 && tok->kind == PRS_TOK_WORD)
        rc = note(fc, fc->term.data, fc->term.len); /* "Z" + stem */
    if (rc == 0 && fc->prefix) {
        rc = add_prefixed(fc, fc->prefix, "", tok->text, tok->len);
        if (rc == 0 && tok->kind == PRS_TOK_WORD)
            rc = add_prefixed(fc, PRS_PREFIX_STEM, fc->prefix, tok->stem,
                              tok->stem_len);
    }
    /* Variants are extra terms without positions, under their own prefix
     * so that they never merge with exact words ("för" is not "for"). */
    for (size_t i = 0; rc == 0 && i < tok->nvariants; i++) {
        const struct prs_variant *v = &tok->variants[i];
        switch (v->kind) {
        case PRS_VAR_FOLDED:
            rc = add_prefixed(fc, PRS_PREFIX_FOLDED_STEM, "", v->stem,
                              v->stem_len);
            break;
        case PRS_VAR_LEMMA:
            /* Only where the lemma's stem adds something: "tullmötet"
             * (stem tullmötet) also gets Z+tullmöt, the stem of tullmöte. */
            if (v->stem_len != tok->stem_len ||
                memcmp(v->stem, tok->stem, v->stem_len) != 0) {
                rc = add_prefixed(fc, PRS_PREFIX_STEM, "", v->stem,
                                  v->stem_len);
                if (rc == 0)
                    rc = note(fc, fc->term.data, fc->term.len);
            }
            break;
        case PRS_VAR_COMPOUND_PART:
            rc = add_prefixed(fc, PRS_PREFIX_PART, "", v->text, v->len);
            break;
        default: /* guessed splits are for queries only */
            break;
        }
    }
    if (rc < 0) {
        fc->rc = rc;
        return 1;
    }
    return 0;
}

/* Indexes one field's text starting at *pos; advances *pos past it. */
static int index_field(struct prs_analyzer *an, struct prs_xdoc *xd,
                       const char *text, const char *prefix, unsigned wdf,
                       struct prs_outside *outside, uint32_t *pos,
                       struct prs_err *err)
{
    if (!text || !*text)
        return 0;
    struct field_ctx fc = {.xd = xd, .prefix = prefix, .outside = outside,
                           .wdf = wdf, .err = err};
    uint32_t next = *pos;
    int rc = prs_analyzer_run(an, text, strlen(text), *pos, on_token, &fc,
                              &next);
    prs_buf_free(&fc.term);
    if (fc.rc < 0)
        return fc.rc;
    if (rc < 0)
        return prs_err_set(err, rc, "analysing text failed");
    *pos = next + FIELD_POS_GAP;
    return 0;
}

int prs_termgen_date_value(const char *published, char *out, size_t cap)
{
    /* published is "YYYY[-MM[-DD[THH:MM]]]": pick the digits in order. */
    static const char shape[] = "dddd-dd-ddTdd:dd";
    char digits[13] = "000000000000";
    size_t nd = 0, i;
    if (!published || cap < sizeof digits)
        return PRS_E_PARSE;
    for (i = 0; published[i]; i++) {
        if (i >= sizeof shape - 1)
            return PRS_E_PARSE;
        if (shape[i] == 'd') {
            if (published[i] < '0' || published[i] > '9')
                return PRS_E_PARSE;
            digits[nd++] = published[i];
        } else if (published[i] != shape[i]) {
            return PRS_E_PARSE;
        }
    }
    /* Only whole parts: 4 (year), 6, 8 or 12 digits. */
    if (nd != 4 && nd != 6 && nd != 8 && nd != 12)
        return PRS_E_PARSE;
    memcpy(out, digits, sizeof digits);
    return 0;
}

static int add_boolean_folded(struct prs_analyzer *an, struct prs_xdoc *xd,
                              const char *prefix, const char *label,
                              struct prs_err *err)
{
    size_t len = 0;
    const char *folded = prs_analyzer_fold(an, label, strlen(label), &len);
    if (!folded || len == 0)
        return 0;
    struct prs_buf term = {0};
    int rc = prs_buf_puts(&term, prefix);
    if (rc == 0)
        rc = prs_buf_append(&term, folded, len);
    if (rc == 0)
        rc = prs_xdoc_add_boolean(xd, term.data, term.len, err);
    else
        prs_err_set(err, rc, "out of memory");
    prs_buf_free(&term);
    return rc;
}

static int add_date(struct prs_xdoc *xd, const char *published,
                    struct prs_err *err)
{
    char sortable[13];
    if (!published || prs_termgen_date_value(published, sortable,
                                             sizeof sortable) < 0)
        return 0; /* unknown dates simply sort last */
    char term[16];
    int rc = prs_xdoc_set_value(xd, PRS_SLOT_DATE, sortable, 12, err);
    if (rc == 0)
        rc = prs_xdoc_set_value(xd, PRS_SLOT_YEAR, sortable, 4, err);
    snprintf(term, sizeof term, "%s%.4s", PRS_PREFIX_YEAR, sortable);
    if (rc == 0)
        rc = prs_xdoc_add_boolean(xd, term, strlen(term), err);
    if (rc == 0 && strlen(published) >= 7) {
        snprintf(term, sizeof term, "%s%.6s", PRS_PREFIX_MONTH, sortable);
        rc = prs_xdoc_add_boolean(xd, term, strlen(term), err);
    }
    return rc;
}

int prs_termgen_doc(struct prs_analyzer *an, const struct prs_doc *doc,
                    const char *source_key, struct prs_xdoc *xd,
                    struct prs_err *err)
{
    /* The fields outside the body come first, so that the lead and body
     * can strike the outside words they have too (outside.h). */
    struct prs_outside outside = {0};
    uint32_t pos = 0;
    int rc = index_field(an, xd, doc->title, PRS_PREFIX_TITLE, PRS_WDF_TITLE,
                         &outside, &pos, err);
    if (rc == 0)
        rc = index_field(an, xd, doc->org, PRS_PREFIX_ORG, PRS_WDF_ORG,
                         &outside, &pos, err);
    for (size_t i = 0; rc == 0 && i < doc->ncontacts; i++)
        rc = index_field(an, xd, doc->contacts[i].name, PRS_PREFIX_CONTACT,
                         PRS_WDF_CONTACT, &outside, &pos, err);
    if (rc == 0)
        rc = index_field(an, xd, doc->lead, NULL, PRS_WDF_LEAD, &outside,
                         &pos, err);
    if (rc == 0)
        rc = index_field(an, xd, doc->body, NULL, PRS_WDF_BODY, &outside,
                         &pos, err);
    if (rc == 0)
        rc = prs_outside_write(&outside, xd, err);
    prs_outside_clear(&outside);
    if (rc == 0)
        rc = add_date(xd, doc->published, err);
    if (rc == 0 && doc->org) {
        rc = prs_xdoc_set_value(xd, PRS_SLOT_ORG, doc->org, strlen(doc->org),
                                err);
        if (rc == 0)
            rc = add_boolean_folded(an, xd, PRS_PREFIX_ORGNAME, doc->org, err);
    }
    if (rc == 0 && doc->type) {
        rc = prs_xdoc_set_value(xd, PRS_SLOT_TYPE, doc->type,
                                strlen(doc->type), err);
        if (rc == 0)
            rc = add_boolean_folded(an, xd, PRS_PREFIX_TYPE, doc->type, err);
    }
    if (rc == 0 && source_key) {
        char term[64];
        snprintf(term, sizeof term, "%s%s", PRS_PREFIX_SOURCE, source_key);
        rc = prs_xdoc_add_boolean(xd, term, strlen(term), err);
    }
    if (rc == 0)
        rc = prs_abbrev_add_terms(an, doc, xd, err);
    if (rc < 0)
        return rc;
    size_t len = 0;
    char *data = prs_doc_pack(doc, &len);
    if (!data)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    rc = prs_xdoc_set_data(xd, data, len, err);
    free(data);
    return rc;
}

int prs_termgen_write(struct prs_analyzer *an, struct prs_db *db,
                      const struct prs_doc *doc, const char *source_key,
                      struct prs_err *err)
{
    struct prs_xdoc *xd = prs_xdoc_new(err);
    int rc = xd ? prs_termgen_doc(an, doc, source_key, xd, err) : err->code;
    if (rc == 0)
        rc = prs_db_replace(db, doc->id, xd, err);
    prs_xdoc_free(xd);
    return rc;
}
