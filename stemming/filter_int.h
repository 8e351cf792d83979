/*
 * filter_int.h: the byte test behind prs_analyzer_run_some(), for the
 * stemming module only (filter.c).
 */
#ifndef PRS_FILTER_INT_H
#define PRS_FILTER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"

/* What the byte test reads, built once per analyzer. */
struct prs_filter_tables {
    /* The diacritics-free fold (fold.c) of each lower-case U+00C0..U+00FF,
     * by the second byte of its UTF-8 less 0x80; upper-case letters map
     * to their lower-case letter's fold. */
    char fold[64][4];
    unsigned char fold_len[64];
    unsigned char cls[256]; /* enum byte_class in filter.c, by byte */
};

void prs_filter_tables_init(struct prs_filter_tables *t);

/* From s[i], past white space and the stretches of text between it that
 * cannot hold a token passing f: returns the start of the first stretch
 * that may, with its end (the next ASCII white space or len) in *end;
 * len when there is none. */
size_t prs_token_filter_next(const struct prs_token_filter *f,
                             const struct prs_filter_tables *t,
                             const unsigned char *s, size_t len, size_t i,
                             size_t *end);

/* Whether b is ASCII white space, where stretches end: no token, hyphen
 * join, inflection or base64 blob spans it. */
bool prs_is_stretch_space(unsigned char b);

#endif
