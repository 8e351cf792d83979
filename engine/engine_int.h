/*
 * engine_int.h: inside the engine module only (engine.cc and its unit
 * test). Not part of the contract other modules may use.
 */
#ifndef PRS_ENGINE_INT_H
#define PRS_ENGINE_INT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct prs_db;

/* How many times this handle recovered from a concurrent commit
 * (DatabaseModifiedError: reopened and retried). Lets the test show the
 * retry path ran. 0 for NULL. */
uint64_t prs_db__retries(const struct prs_db *db);

#ifdef __cplusplus
}
#endif

#endif
