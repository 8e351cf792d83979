/*
 * params.h: checked access to decoded query parameters, without a request
 * (so the rules are unit-tested on their own). reply.c builds the
 * ...OrReply helpers on these.
 */
#ifndef PRS_PARAMS_H
#define PRS_PARAMS_H

#include <stddef.h>

#include <sys/queue.h>

#include <event2/keyvalq_struct.h>

#include "err.h"

/* Parses a query string ("a=1&b=x", no '?') into q (free with
 * evhttp_clear_headers()). A "%00" anywhere is refused (decoding would
 * cut the value short): PRS_E_BADARG. Returns 0 or PRS_E_BADARG. */
int prs_params_parse(const char *query, struct evkeyvalq *q,
                     struct prs_err *err);

/* The value of name (borrowed from q) or NULL if absent. A parameter given
 * twice, a value that is not UTF-8 or longer than max_bytes is
 * PRS_E_BADARG with a message naming it. */
int prs_param_str(const struct evkeyvalq *q, const char *name,
                  size_t max_bytes, const char **out, struct prs_err *err);

/* The integer value of name in [min, max], def if absent or empty.
 * PRS_E_BADARG ("size must be 1..100") otherwise. */
int prs_param_int(const struct evkeyvalq *q, const char *name, long long min,
                  long long max, long long def, long long *out,
                  struct prs_err *err);

/* Compares a and b in time that depends only on the length of b (the
 * secret). True if equal. */
int prs_secret_equal(const char *a, size_t alen, const char *b, size_t blen);

#endif
