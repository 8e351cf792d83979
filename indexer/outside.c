#include "outside.h"

#include "schema.h"

#include <stdlib.h>
#include <string.h>

static void bloom_bits(uint64_t hash, unsigned bit[2])
{
    bit[0] = (unsigned)(hash & 1023);
    bit[1] = (unsigned)((hash >> 10) & 1023);
}

static bool bloom_has(const uint64_t *bloom, uint64_t hash)
{
    unsigned bit[2];
    bloom_bits(hash, bit);
    return (bloom[bit[0] >> 6] >> (bit[0] & 63) & 1) &&
           (bloom[bit[1] >> 6] >> (bit[1] & 63) & 1);
}

/* The entry for term, or NULL. */
static struct prs_outside_term *find(const struct prs_outside *o,
                                     const char *term, size_t len,
                                     uint64_t hash)
{
    if (!bloom_has(o->bloom, hash))
        return NULL;
    for (size_t i = 0; i < o->n; i++) {
        struct prs_outside_term *t = &o->v[i];
        if (t->hash == hash && t->len == len &&
            memcmp(o->text.data + t->off, term, len) == 0)
            return t;
    }
    return NULL;
}

int prs_outside_add(struct prs_outside *o, const char *term, size_t len)
{
    uint64_t hash = prs_hash64(term, len);
    if (find(o, term, len, hash))
        return 0;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 32;
        struct prs_outside_term *v = realloc(o->v, cap * sizeof *v);
        if (!v)
            return PRS_E_NOMEM;
        o->v = v;
        o->cap = cap;
    }
    size_t off = o->text.len;
    if (prs_buf_append(&o->text, term, len) < 0 ||
        prs_buf_putc(&o->text, '\0') < 0)
        return PRS_E_NOMEM;
    o->v[o->n++] = (struct prs_outside_term){off, len, hash, false};
    unsigned bit[2];
    bloom_bits(hash, bit);
    o->bloom[bit[0] >> 6] |= 1ull << (bit[0] & 63);
    o->bloom[bit[1] >> 6] |= 1ull << (bit[1] & 63);
    return 0;
}

void prs_outside_strike(struct prs_outside *o, const char *term, size_t len)
{
    if (o->n == 0)
        return;
    struct prs_outside_term *t = find(o, term, len, prs_hash64(term, len));
    if (t)
        t->in_body = true;
}

int prs_outside_write(const struct prs_outside *o, struct prs_xdoc *xd,
                      struct prs_err *err)
{
    struct prs_buf term = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->n; i++) {
        const struct prs_outside_term *t = &o->v[i];
        if (t->in_body)
            continue;
        const char *text = o->text.data + t->off;
        size_t len = t->len;
        /* A stem keeps its Z first: "Zstem" -> "ZXNBstem". */
        bool stem = strncmp(text, PRS_PREFIX_STEM, strlen(PRS_PREFIX_STEM)) == 0;
        prs_buf_reset(&term);
        if (stem) {
            text += strlen(PRS_PREFIX_STEM);
            len -= strlen(PRS_PREFIX_STEM);
        }
        if ((stem && prs_buf_puts(&term, PRS_PREFIX_STEM) < 0) ||
            prs_buf_puts(&term, PRS_PREFIX_OUTSIDE_BODY) < 0 ||
            prs_buf_append(&term, text, len) < 0) {
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
            break;
        }
        rc = prs_xdoc_add_boolean(xd, term.data, term.len, err);
    }
    prs_buf_free(&term);
    return rc;
}

void prs_outside_clear(struct prs_outside *o)
{
    prs_buf_free(&o->text);
    free(o->v);
    memset(o, 0, sizeof *o);
}
