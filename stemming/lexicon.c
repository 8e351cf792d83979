/*
 * lexicon.c: binary search in the mapped, sorted word list.
 */
#include "lexicon_int.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PRS_LEXICON_BUILD_PATH
#define PRS_LEXICON_BUILD_PATH "sv-lexicon.tsv"
#endif
#ifndef PRS_LEXICON_INSTALL_PATH
#define PRS_LEXICON_INSTALL_PATH "/usr/local/share/prsearch/sv-lexicon.tsv"
#endif

/* Lines are bucketed by their first two bytes, so a lookup searches a
 * few hundred lines instead of the whole file. */
#define NBUCKETS (256 * 256)

struct prs_lexicon {
    const char *data;
    size_t size;
    /* Byte offset of every line's start, in file order, and one past the
     * last: a lookup compares lines without scanning for newlines. */
    uint32_t *line;
    size_t nlines;
    /* Index in line[] of the first line whose first two bytes are >= the
     * bucket's; bucket[NBUCKETS] is nlines. */
    uint32_t bucket[NBUCKETS + 1];
};

static unsigned bucket_of(const char *s, size_t len)
{
    unsigned b0 = (unsigned char)s[0];
    unsigned b1 = len > 1 && s[1] != '\t' && s[1] != '\n'
                      ? (unsigned char)s[1] : 0;
    return b0 << 8 | b1;
}

/* Fills lx->line and lx->bucket in two passes. The file is sorted, so
 * buckets fill in order; an unsorted file gives wrong answers but never
 * reads out of bounds. */
static int index_lines(struct prs_lexicon *lx)
{
    size_t n = 0;
    for (const char *p = lx->data, *end = p + lx->size; p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (!(lx->line = malloc((n + 1) * sizeof *lx->line)))
        return PRS_E_NOMEM;
    lx->nlines = n;
    uint32_t next = 0; /* the first bucket not yet given a start */
    size_t p = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *nl = memchr(lx->data + p, '\n', lx->size - p);
        size_t end = nl ? (size_t)(nl - lx->data) + 1 : lx->size;
        lx->line[i] = (uint32_t)p;
        unsigned b = bucket_of(lx->data + p, end - p);
        while (next <= b)
            lx->bucket[next++] = i;
        p = end;
    }
    lx->line[n] = (uint32_t)lx->size;
    while (next <= NBUCKETS)
        lx->bucket[next++] = (uint32_t)n;
    return 0;
}

const char *prs_lexicon_default_path(void)
{
    const char *env = getenv("PRSEARCH_LEXICON");
    if (env && *env)
        return env;
    if (access(PRS_LEXICON_BUILD_PATH, R_OK) == 0)
        return PRS_LEXICON_BUILD_PATH;
    return PRS_LEXICON_INSTALL_PATH;
}

struct prs_lexicon *prs_lexicon_open(const char *path, struct prs_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 ||
        (uint64_t)st.st_size >= UINT32_MAX) {
        if (fd >= 0)
            close(fd);
        prs_err_set(err, PRS_E_IO,
                    "cannot read the Swedish lexicon %s (build it with "
                    "cmake, or set PRSEARCH_LEXICON)", path);
        return NULL;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    struct prs_lexicon *lx = map == MAP_FAILED ? NULL : malloc(sizeof *lx);
    if (!lx) {
        if (map != MAP_FAILED)
            munmap(map, (size_t)st.st_size);
        prs_err_set(err, PRS_E_IO, "cannot map the Swedish lexicon %s", path);
        return NULL;
    }
    lx->data = map;
    lx->size = (size_t)st.st_size;
    if (index_lines(lx) < 0) {
        prs_lexicon_close(lx);
        prs_err_set(err, PRS_E_NOMEM, "out of memory indexing the lexicon");
        return NULL;
    }
    return lx;
}

void prs_lexicon_close(struct prs_lexicon *lx)
{
    if (!lx)
        return;
    munmap((void *)lx->data, lx->size);
    free(lx->line);
    free(lx);
}

/* Length of the field starting at p (up to a tab, newline or the end). */
static size_t field_len(const struct prs_lexicon *lx, size_t p)
{
    size_t n = 0;
    while (p + n < lx->size && lx->data[p + n] != '\t' &&
           lx->data[p + n] != '\n')
        n++;
    return n;
}

/* Compares the form of line i with key, like memcmp. Forms are words,
 * whose bytes all sort above the tab or newline that ends them, so the
 * line's bytes compare as its form does without a search for its end. */
static int cmp_line(const struct prs_lexicon *lx, size_t i, const char *key,
                    size_t len)
{
    size_t p = lx->line[i], n = lx->line[i + 1] - p;
    int c = memcmp(lx->data + p, key, n < len ? n : len);
    if (c != 0)
        return c;
    if (n <= len) /* the last line, without newline, is a prefix of key */
        return n < len ? -1 : 0;
    char end = lx->data[p + len];
    return end != '\t' && end != '\n';
}

/* Index of the first line whose form is >= key (nlines if none); the
 * key's bucket bounds the search. */
static size_t lower_bound(const struct prs_lexicon *lx, const char *key,
                          size_t len)
{
    unsigned b = bucket_of(key, len);
    size_t lo = lx->bucket[b], hi = lx->bucket[b + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_line(lx, mid, key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t prs_lexicon_find(const struct prs_lexicon *lx, const char *form,
                        size_t len, struct prs_lex_entry *out, size_t cap)
{
    size_t n = 0;
    if (!lx || len == 0)
        return 0;
    for (size_t i = lower_bound(lx, form, len);
         i < lx->nlines && cmp_line(lx, i, form, len) == 0; i++) {
        size_t lp = lx->line[i] + len + 1; /* after the form and its tab */
        if (lp > lx->size || lx->data[lp - 1] != '\t')
            continue; /* a line without lemma: ignore */
        size_t ll = field_len(lx, lp);
        size_t kp = lp + ll + 1;
        if (ll == 0)
            continue;
        if (n < cap)
            out[n] = (struct prs_lex_entry){
                .lemma = lx->data + lp,
                .lemma_len = ll,
                .compound_only = ll < lx->size - lp && kp < lx->size &&
                                 lx->data[kp - 1] == '\t' &&
                                 lx->data[kp] == 'c',
            };
        n++;
    }
    return n;
}
