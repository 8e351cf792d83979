#include "log.h"

#include <stdarg.h>

int prs_log_min_level = PRS_LOG_INFO;
static FILE *sink;

void prs_log_set_stream(FILE *stream) { sink = stream; }

void prs_log_set_level(int level) { prs_log_min_level = level; }

void prs_log_write(int level, const char *fmt, ...)
{
    FILE *out = sink ? sink : stderr;
    const char *tag = level == PRS_LOG_ERROR  ? "error: "
                      : level == PRS_LOG_WARN ? "warning: "
                                              : "";
    /* One fprintf per line keeps lines whole when threads log at once. */
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(out, "prsearch: %s%s\n", tag, line);
    fflush(out);
}
