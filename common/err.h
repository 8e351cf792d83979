/*
 * err.h: error codes and the caller-owned error record every module fills.
 *
 * Functions return 0 or a negative PRS_E_* code (constructors return NULL)
 * and, when given a non-NULL struct prs_err, write a message that names
 * where the problem is: file:line, record, parameter.
 */
#ifndef PRS_ERR_H
#define PRS_ERR_H

#include <stddef.h>

enum prs_errcode {
    PRS_OK = 0,
    PRS_E_BADARG = -1,   /* invalid argument or input data */
    PRS_E_NOMEM = -2,    /* allocation failed */
    PRS_E_IO = -3,       /* read/write/stat failed (errno in message) */
    PRS_E_NOTFOUND = -4, /* file, index or document does not exist */
    PRS_E_LOCKED = -5,   /* index is locked by another writer */
    PRS_E_ENGINE = -6,   /* Xapian reported an error */
    PRS_E_PARSE = -7,    /* malformed input (JSON, query syntax, ...) */
    PRS_E_INTERNAL = -8, /* a bug: an invariant did not hold */
    PRS_E_MODIFIED = -9, /* index changed under a reader; reopen */
    PRS_E_RANGE = -10,   /* number out of range */
};

#define PRS_ERR_MSG_MAX 512

/* Caller-allocated; zero-initialise with `struct prs_err err = {0};`. */
struct prs_err {
    int code;
    char msg[PRS_ERR_MSG_MAX];
};

/* Records code and a printf-style message; returns code so callers can
 * `return prs_err_set(err, PRS_E_IO, ...)`. err may be NULL. */
int prs_err_set(struct prs_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like prs_err_set() but appends ": strerror(errnum)". */
int prs_err_errno(struct prs_err *err, int code, int errnum, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

/* Prepends "prefix: " to the message already in err (e.g. a file name). */
void prs_err_prefix(struct prs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears err back to PRS_OK with an empty message. err may be NULL. */
void prs_err_clear(struct prs_err *err);

/* A short constant name for a code ("bad argument", "not found", ...). */
const char *prs_err_name(int code);

#endif
