#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 0))) static void
vset(struct prs_err *err, int code, const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int prs_err_set(struct prs_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, code, fmt, ap);
        va_end(ap);
    }
    return code;
}

int prs_err_errno(struct prs_err *err, int code, int errnum, const char *fmt,
                  ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, code, fmt, ap);
        va_end(ap);
        size_t used = strlen(err->msg);
        snprintf(err->msg + used, sizeof err->msg - used, ": %s",
                 strerror(errnum));
    }
    return code;
}

void prs_err_prefix(struct prs_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[PRS_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Shift the old message right to make room for "prefix: ". */
    size_t plen = strlen(prefix) + 2;
    if (plen >= sizeof err->msg)
        plen = sizeof err->msg - 1;
    size_t olen = strlen(err->msg);
    if (olen > sizeof err->msg - 1 - plen)
        olen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, olen);
    err->msg[plen + olen] = '\0';
    memcpy(err->msg, prefix, plen - 2 < strlen(prefix) ? plen - 2 : strlen(prefix));
    if (plen >= 2) {
        err->msg[plen - 2] = ':';
        err->msg[plen - 1] = ' ';
    }
}

void prs_err_clear(struct prs_err *err)
{
    if (err) {
        err->code = PRS_OK;
        err->msg[0] = '\0';
    }
}

const char *prs_err_name(int code)
{
    switch (code) {
    case PRS_OK: return "ok";
    case PRS_E_BADARG: return "bad argument";
    case PRS_E_NOMEM: return "out of memory";
    case PRS_E_IO: return "I/O error";
    case PRS_E_NOTFOUND: return "not found";
    case PRS_E_LOCKED: return "locked";
    case PRS_E_ENGINE: return "index error";
    case PRS_E_PARSE: return "parse error";
    case PRS_E_INTERNAL: return "internal error";
    case PRS_E_MODIFIED: return "index modified";
    case PRS_E_RANGE: return "out of range";
    }
    return "unknown error";
}
