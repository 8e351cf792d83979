/*
 * log.h: leveled logging to one sink (stderr by default).
 *
 * stdout carries only command output; everything diagnostic comes here.
 * The level is checked before the arguments are evaluated.
 */
#ifndef PRS_LOG_H
#define PRS_LOG_H

#include <stdio.h>

enum prs_log_level {
    PRS_LOG_DEBUG = 0,
    PRS_LOG_INFO = 1,
    PRS_LOG_WARN = 2,
    PRS_LOG_ERROR = 3,
    PRS_LOG_SILENT = 4,
};

extern int prs_log_min_level;

/* Sets the sink (NULL means stderr); the stream stays owned by the caller. */
void prs_log_set_stream(FILE *stream);
void prs_log_set_level(int level);

/* Writes "prsearch: <message>\n" (with "warning: "/"error: " where due). */
void prs_log_write(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define prs_log_at(level, ...)                                                \
    do {                                                                      \
        if ((level) >= prs_log_min_level)                                     \
            prs_log_write((level), __VA_ARGS__);                              \
    } while (0)
#define prs_log_debug(...) prs_log_at(PRS_LOG_DEBUG, __VA_ARGS__)
#define prs_log_info(...) prs_log_at(PRS_LOG_INFO, __VA_ARGS__)
#define prs_log_warn(...) prs_log_at(PRS_LOG_WARN, __VA_ARGS__)
#define prs_log_error(...) prs_log_at(PRS_LOG_ERROR, __VA_ARGS__)

#endif
