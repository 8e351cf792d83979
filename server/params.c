#include "params.h"

#include "strutil.h"

#include <event2/http.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

int prs_params_parse(const char *query, struct evkeyvalq *q,
                     struct prs_err *err)
{
    TAILQ_INIT(q);
    if (!query || !*query)
        return 0;
    for (const char *p = query; (p = strchr(p, '%')); p++)
        if (p[1] == '0' && p[2] == '0')
            return prs_err_set(err, PRS_E_BADARG,
                               "the query string holds a NUL byte (%%00)");
    if (evhttp_parse_query_str(query, q) < 0) {
        evhttp_clear_headers(q);
        TAILQ_INIT(q);
        return prs_err_set(err, PRS_E_BADARG, "malformed query string");
    }
    return 0;
}

int prs_param_str(const struct evkeyvalq *q, const char *name,
                  size_t max_bytes, const char **out, struct prs_err *err)
{
    const struct evkeyval *kv;
    *out = NULL;
    TAILQ_FOREACH(kv, q, next) {
        if (strcmp(kv->key, name) != 0)
            continue;
        if (*out)
            return prs_err_set(err, PRS_E_BADARG, "%s is given more than once",
                               name);
        *out = kv->value;
    }
    if (!*out)
        return 0;
    size_t len = strlen(*out);
    if (len > max_bytes)
        return prs_err_set(err, PRS_E_BADARG,
                           "%s must be at most %zu bytes", name, max_bytes);
    if (!prs_utf8_valid(*out, len))
        return prs_err_set(err, PRS_E_BADARG, "%s is not valid UTF-8", name);
    return 0;
}

int prs_param_int(const struct evkeyvalq *q, const char *name, long long min,
                  long long max, long long def, long long *out,
                  struct prs_err *err)
{
    const char *s;
    *out = def;
    int rc = prs_param_str(q, name, SIZE_MAX, &s, err);
    if (rc < 0)
        return rc;
    if (!s || !*s)
        return 0;
    long long n;
    if (strlen(s) > 32 || prs_parse_int_range(s, min, max, &n) < 0)
        return prs_err_set(err, PRS_E_BADARG, "%s must be %lld..%lld", name,
                           min, max);
    *out = n;
    return 0;
}

int prs_secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    /* Every byte of b is looked at whatever a holds. */
    unsigned char diff = alen != blen;
    for (size_t i = 0; i < blen; i++) {
        unsigned char x = i < alen ? (unsigned char)a[i] : 0;
        diff |= (unsigned char)(x ^ (unsigned char)b[i]);
    }
    return diff == 0;
}
