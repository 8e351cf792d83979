/*
 * outside.h: the words of a release that are outside its body.
 *
 * The body has no field copy of its own (engine/schema.h): a word is in
 * the lead or body when the release has it and lacks its XNB term, which
 * names the terms of the title, organisation and contacts that the lead
 * and body do not have. termgen.c collects those fields' terms here first,
 * strikes each one the lead or body then has, and writes what is left.
 * A copy of every body word would be a fifth of the index's postings; the
 * outside words of a release are a few dozen.
 */
#ifndef PRS_OUTSIDE_H
#define PRS_OUTSIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "strutil.h"

/* One release's outside terms, as indexed without a field prefix ("word",
 * "Zstem"). Zero-initialise; free with prs_outside_clear(). */
struct prs_outside {
    struct prs_buf text; /* the terms, each NUL-ended */
    struct prs_outside_term {
        size_t off, len;
        uint64_t hash;
        bool in_body;
    } *v;
    size_t n, cap;
    uint64_t bloom[16]; /* two bits per term: most body terms need no search */
};

/* Adds a term of a field outside the body (once). 0 or PRS_E_NOMEM. */
int prs_outside_add(struct prs_outside *o, const char *term, size_t len);
/* Notes that the lead or body has term. */
void prs_outside_strike(struct prs_outside *o, const char *term, size_t len);
/* Adds the XNB term of every term the body lacks to xd, as a filter term
 * ("XNBword", "ZXNBstem"). 0 or a negative code with err set. */
int prs_outside_write(const struct prs_outside *o, struct prs_xdoc *xd,
                      struct prs_err *err);
void prs_outside_clear(struct prs_outside *o);

#endif
