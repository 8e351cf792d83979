/*
 * doc.h: a press release as the indexer and search results see it.
 *
 * Every string is owned by the document (malloc'ed, valid UTF-8) or NULL
 * when unknown; prs_doc_free() releases them all.
 */
#ifndef PRS_DOC_H
#define PRS_DOC_H

#include <stddef.h>

#include "err.h"

struct prs_contact {
    char *name;
    char *role;
    char *phone;
    char *email;
};

struct prs_doc {
    char *id;        /* stable unique id, e.g. "pressmeddelanden/2026/01/x" */
    char *title;
    char *org;       /* sender organisation */
    char *published; /* "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" */
    char *type;      /* "Pressmeddelande", "Nyhet", ... */
    char *lead;      /* ingress */
    char *body;
    char *url;
    char *sender;    /* "Avsändare:" line of page dumps */
    char *about;     /* the organisation's "Om" block */
    char *source;    /* the file it came from */
    struct prs_contact *contacts;
    size_t ncontacts;
};

/* Releases everything the document owns and zeroes it; NULL ok. */
void prs_doc_clear(struct prs_doc *doc);

/* Replaces *field with a copy of s[0..len) (trimmed of white space; an
 * empty result stores NULL). Returns 0, PRS_E_NOMEM, or PRS_E_PARSE if
 * s[0..len) is not valid UTF-8 or holds a NUL byte (*field unchanged). */
int prs_doc_set(char **field, const char *s, size_t len);

/* Appends a contact (copies the strings, trimmed; any may be NULL; a
 * contact with every field empty is not added). Returns 0, PRS_E_NOMEM or
 * PRS_E_PARSE (invalid UTF-8). */
int prs_doc_add_contact(struct prs_doc *doc, const char *name,
                        const char *role, const char *phone,
                        const char *email);

/* Normalises a date as written ("2026-01", "2026-01-20", "2026-01-20
 * 14:00", "2026-01-20T14:00:06Z", "25.11.2022 14:00:06 CET", "25 november
 * 2022 kl. 14.00") to the stored form "YYYY[-MM[-DD[THH:MM]]]" in out
 * (cap >= 17, else PRS_E_RANGE). The wall-clock time is kept as written and
 * the zone dropped. Month, day (per month, leap years included), hour and
 * minute are range-checked. Returns 0, or PRS_E_PARSE if it is not a date. */
int prs_doc_normalize_date(const char *s, char *out, size_t cap);

/* Serialises the stored fields as one JSON object (jansson), malloc'ed;
 * NULL on allocation failure. Keys: id title org published type lead body
 * url sender about source contacts[{name role phone email}]; absent fields
 * are omitted. The form the API and `show --json` give. */
char *prs_doc_to_json(const struct prs_doc *doc, size_t *len);

/* Parses what prs_doc_to_json() wrote into doc (cleared first). */
int prs_doc_from_json(const char *json, size_t len, struct prs_doc *doc,
                      struct prs_err *err);

/* The same map as MessagePack, the form stored in the index: every hit
 * of every search reads one, and decoding it is a small share of what
 * parsing the JSON took (strings come length-prefixed, unescaped).
 * malloc'ed; NULL on allocation failure. */
char *prs_doc_pack(const struct prs_doc *doc, size_t *len);

/* Parses what prs_doc_pack() wrote into doc (cleared first); unknown keys
 * are skipped. PRS_E_PARSE for anything else, PRS_E_NOMEM. */
int prs_doc_unpack(const char *data, size_t len, struct prs_doc *doc,
                   struct prs_err *err);

#endif
