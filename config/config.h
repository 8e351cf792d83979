/*
 * config.h: the server's settings, read from an INI file (inih) through
 * one key table, then overridden by command-line flags.
 *
 * Every key is described in config/prsearch.conf and docs/CONFIG.md. A bad
 * key or value is an error naming the file, the line and the key:
 *   "prsearch.conf:12: unknown key 'prot'"
 */
#ifndef PRS_CONFIG_H
#define PRS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define PRS_CONFIG_DEFAULT_LISTEN "127.0.0.1:8080"

struct prs_config {
    char *listen;          /* "ADDR:PORT"; port 0 binds a free port */
    long long threads;     /* workers; 0: one per core */
    char *db;              /* index folder; NULL: the CLI's default */
    char *access_log;      /* file to append to; NULL or "-": stderr */
    char *token_file;      /* file holding the write API token; NULL: off */
    char **cors_origins;   /* allowed origins ("*" allows any) */
    size_t ncors_origins;
    long long max_body_bytes;
    long long max_url_bytes;
    long long max_header_bytes;
    long long request_timeout;  /* seconds */
    long long shutdown_timeout; /* seconds to finish requests on SIGTERM */
    char *static_dir;      /* NULL: the compiled-in server/static */
    char *synonyms;        /* synonyms file; NULL: search/synonyms.h's default */
    long long cache_max_age;    /* seconds, Cache-Control on API GETs */
    long long cache_mb;         /* the answer cache's memory; 0: off */
    /* Recency tie-breaker: the weight a release dated today gains, in
     * hundredths (0: off), and the age in days at which it is halved. */
    long long recency_weight;
    long long recency_half_life_days;
};

/* Fills c with the defaults (every string NULL except listen). Free with
 * prs_config_free(). Returns 0 or PRS_E_NOMEM. */
int prs_config_init(struct prs_config *c);
/* Releases everything c owns; the struct may be initialised again. */
void prs_config_free(struct prs_config *c);

/* Reads the INI file at path into c (on top of what c holds). Errors name
 * "path:line: ..."; PRS_E_NOTFOUND/PRS_E_IO if unreadable, PRS_E_BADARG
 * for a bad key or value. */
int prs_config_load(struct prs_config *c, const char *path,
                    struct prs_err *err);
/* The same over text in memory; name is what messages call the file. */
int prs_config_load_string(struct prs_config *c, const char *text,
                           const char *name, struct prs_err *err);

/* Sets one key from its text form, as the file would (used for
 * command-line overrides). PRS_E_BADARG names the key. */
int prs_config_set(struct prs_config *c, const char *key, const char *value,
                   struct prs_err *err);

/* Splits "HOST:PORT" or "[V6]:PORT" into host (cap bytes incl. NUL) and
 * port 0..65535. Returns 0 or PRS_E_BADARG. */
int prs_config_split_listen(const char *s, char *host, size_t cap, int *port);

/* True if origin is allowed by cors_origins (exact match or "*"). */
bool prs_config_origin_allowed(const struct prs_config *c, const char *origin);

#endif
