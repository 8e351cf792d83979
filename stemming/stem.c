/*
 * stem.c: the only caller of libstemmer (Snowball).
 *
 * Snowball's result lives in the stemmer's own buffer and is overwritten by
 * the next call, which is exactly the lifetime the analyzer promises for
 * its borrowed stems, so it is handed out without a copy.
 */
#include "stem_int.h"

#include <libstemmer.h>
#include <limits.h>
#include <stdlib.h>

struct prs_stem {
    struct sb_stemmer *sb;
};

struct prs_stem *prs_stem_new(struct prs_err *err)
{
    struct prs_stem *s = calloc(1, sizeof *s);
    if (!s) {
        prs_err_set(err, PRS_E_NOMEM, "stemmer: out of memory");
        return NULL;
    }
    /* NULL means either "no such algorithm" or out of memory; libstemmer
     * does not say which. Swedish is always built into Debian's package. */
    s->sb = sb_stemmer_new("swedish", "UTF_8");
    if (!s->sb) {
        prs_err_set(err, PRS_E_NOMEM,
                    "stemmer: cannot create Snowball's Swedish UTF-8 stemmer");
        free(s);
        return NULL;
    }
    return s;
}

void prs_stem_free(struct prs_stem *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->sb);
    free(s);
}

const char *prs_stem_word(struct prs_stem *s, const char *word, size_t len,
                          size_t *out_len)
{
    if (len > INT_MAX)
        return NULL;
    /* Snowball copies the word with memmove(), which must not see NULL
     * even for zero bytes. */
    const sb_symbol *in = (const sb_symbol *)(word ? word : "");
    const sb_symbol *out = sb_stemmer_stem(s->sb, in, (int)len);
    if (!out)
        return NULL;
    if (out_len)
        *out_len = (size_t)sb_stemmer_length(s->sb);
    return (const char *)out;
}
