/*
 * server.h: `prsearch serve`, the HTTP JSON API and the search page on
 * libevent's evhttp.
 *
 * One listening socket; one worker thread per core, each with its own
 * event base, evhttp, read handle on the index and analyzer (neither
 * Xapian handles nor analyzers are thread-safe). Writes through the API go
 * through one mutex and a write handle opened for the write and closed
 * right after its commit, so `prsearch index` in another process can take
 * the index lock between them.
 */
#ifndef PRS_SERVER_H
#define PRS_SERVER_H

#include "config.h"
#include "err.h"

/* Serves until SIGTERM or SIGINT, then stops accepting, finishes the
 * requests in flight (for at most cfg->shutdown_timeout seconds) and
 * returns 0. db_path is the index folder (it must exist). Prints
 * "prsearch: listening on http://ADDR:PORT/" on stderr once it accepts.
 * Returns a negative code + err if it could not start. */
int prs_server_run(const struct prs_config *cfg, const char *db_path,
                   struct prs_err *err);

#endif
