/*
 * stopwords.c: the Swedish stop word list.
 *
 * Snowball's Swedish list (snowballstem.org/algorithms/swedish/stop.txt),
 * sorted by bytes for bsearch. The analyzer flags these words
 * (PRS_TOKF_STOP); it never drops them, so positions and phrases stay
 * exact ("inte har råd").
 */
#include "compound_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const stopwords[] = {
    "alla", "allt", "att", "av", "blev", "bli", "blir", "blivit", "de",
    "dem", "den", "denna", "deras", "dess", "dessa", "det", "detta", "dig",
    "din", "dina", "ditt", "du", "där", "då", "efter", "ej", "eller", "en",
    "er", "era", "ert", "ett", "från", "för", "ha", "hade", "han", "hans",
    "har", "henne", "hennes", "hon", "honom", "hur", "här", "i", "icke",
    "ingen", "inom", "inte", "jag", "ju", "kan", "kunde", "man", "med",
    "mellan", "men", "mig", "min", "mina", "mitt", "mot", "mycket", "ni",
    "nu", "när", "någon", "något", "några", "och", "om", "oss", "på",
    "samma", "sedan", "sig", "sin", "sina", "sitta", "själv", "skulle",
    "som", "så", "sådan", "sådana", "sådant", "till", "under", "upp", "ut",
    "utan", "vad", "var", "vara", "varför", "varit", "varje", "vars",
    "vart", "vem", "vi", "vid", "vilka", "vilkas", "vilken", "vilket",
    "vår", "våra", "vårt", "än", "är", "åt", "över",
};

struct key {
    const char *s;
    size_t len;
};

static int cmp_key(const void *k, const void *e)
{
    const struct key *key = k;
    const char *w = *(const char *const *)e;
    size_t n = strlen(w);
    int c = memcmp(key->s, w, key->len < n ? key->len : n);
    return c ? c : (key->len > n) - (key->len < n);
}

/* The longest stop words ("sådana", "varför") take 7 bytes: most words
 * are longer, and need no search. */
#define STOPWORD_MAX_BYTES 7

bool prs_is_stopword(const char *w, size_t len)
{
    if (len > STOPWORD_MAX_BYTES)
        return false;
    struct key k = {w, len};
    return bsearch(&k, stopwords, sizeof stopwords / sizeof *stopwords,
                   sizeof *stopwords, cmp_key) != NULL;
}
