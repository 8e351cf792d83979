/*
 * doc.c: the press-release record, its dates, its JSON form and its
 * stored form.
 */
#include "doc.h"

#include "strutil.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void contact_clear(struct prs_contact *c)
{
    free(c->name);
    free(c->role);
    free(c->phone);
    free(c->email);
    memset(c, 0, sizeof *c);
}

void prs_doc_clear(struct prs_doc *doc)
{
    if (!doc)
        return;
    char **fields[] = {&doc->id,   &doc->title, &doc->org,    &doc->published,
                       &doc->type, &doc->lead,  &doc->body,   &doc->url,
                       &doc->sender, &doc->about, &doc->source};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        free(*fields[i]);
    for (size_t i = 0; i < doc->ncontacts; i++)
        contact_clear(&doc->contacts[i]);
    free(doc->contacts);
    memset(doc, 0, sizeof *doc);
}

int prs_doc_set(char **field, const char *s, size_t len)
{
    char *copy = NULL;
    if (s) {
        const char *t = prs_trim(s, &len);
        /* The document promises valid UTF-8 to every reader (JSON output,
         * the analyzer): refuse rather than store garbage. */
        if (!prs_utf8_valid(t, len))
            return PRS_E_PARSE;
        if (len) {
            copy = malloc(len + 1);
            if (!copy)
                return PRS_E_NOMEM;
            memcpy(copy, t, len);
            copy[len] = '\0';
        }
    }
    free(*field);
    *field = copy;
    return 0;
}

int prs_doc_add_contact(struct prs_doc *doc, const char *name,
                        const char *role, const char *phone,
                        const char *email)
{
    struct prs_contact c = {0};
    int rc = 0;
    if (name)
        rc = prs_doc_set(&c.name, name, strlen(name));
    if (rc == 0 && role)
        rc = prs_doc_set(&c.role, role, strlen(role));
    if (rc == 0 && phone)
        rc = prs_doc_set(&c.phone, phone, strlen(phone));
    if (rc == 0 && email)
        rc = prs_doc_set(&c.email, email, strlen(email));
    if (rc < 0)
        goto out;
    if (!c.name && !c.role && !c.phone && !c.email)
        goto out; /* nothing to keep */
    if (doc->ncontacts >= SIZE_MAX / sizeof c - 1) {
        rc = PRS_E_NOMEM;
        goto out;
    }
    struct prs_contact *v =
        realloc(doc->contacts, (doc->ncontacts + 1) * sizeof *v);
    if (!v) {
        rc = PRS_E_NOMEM;
        goto out;
    }
    doc->contacts = v;
    doc->contacts[doc->ncontacts++] = c;
    return 0;
out:
    contact_clear(&c);
    return rc;
}

/* ---- dates --------------------------------------------------------------- */

struct cursor {
    const char *p;
};

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Reads exactly n digits (n <= 4); -1 if they are not there. */
static int take_digits(struct cursor *c, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!digit(c->p[i]))
            return -1;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += n;
    return v;
}

/* Reads 1 or 2 digits (not followed by a third). */
static int take_1or2(struct cursor *c)
{
    if (!digit(c->p[0]))
        return -1;
    if (digit(c->p[1])) {
        if (digit(c->p[2]))
            return -1;
        return take_digits(c, 2);
    }
    return take_digits(c, 1);
}

static void skip_spaces(struct cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dim[m - 1];
}

static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"januari", 1}, {"january", 1}, {"jan", 1},   {"februari", 2},
    {"february", 2}, {"feb", 2},    {"mars", 3},  {"march", 3},
    {"mar", 3},     {"april", 4},   {"apr", 4},   {"maj", 5},
    {"may", 5},     {"juni", 6},    {"june", 6},  {"jun", 6},
    {"juli", 7},    {"july", 7},    {"jul", 7},   {"augusti", 8},
    {"august", 8},  {"aug", 8},     {"september", 9}, {"sept", 9},
    {"sep", 9},     {"oktober", 10}, {"october", 10}, {"okt", 10},
    {"oct", 10},    {"november", 11}, {"nov", 11}, {"december", 12},
    {"dec", 12},
};

/* A month name (Swedish or English, full or abbreviated with an optional
 * '.'); 0 if none. */
static int take_month_name(struct cursor *c)
{
    size_t n = 0;
    while ((c->p[n] >= 'a' && c->p[n] <= 'z') || (c->p[n] >= 'A' && c->p[n] <= 'Z'))
        n++;
    for (size_t i = 0; i < sizeof month_names / sizeof *month_names; i++) {
        if (strlen(month_names[i].name) == n &&
            strncasecmp(c->p, month_names[i].name, n) == 0) {
            c->p += n;
            if (*c->p == '.')
                c->p++;
            return month_names[i].month;
        }
    }
    return 0;
}

/* "HH:MM[:SS[.frac]]"; returns 0 and sets hour/min, or -1. */
static int take_time(struct cursor *c, int *hour, int *min)
{
    int h = take_1or2(c);
    if (h < 0 || (*c->p != ':' && *c->p != '.'))
        return -1;
    c->p++;
    int m = take_digits(c, 2);
    if (m < 0)
        return -1;
    int s = 0;
    if (*c->p == ':' && digit(c->p[1])) {
        c->p++;
        s = take_digits(c, 2);
        if (s < 0)
            return -1;
        if ((*c->p == '.' || *c->p == ',') && digit(c->p[1])) {
            c->p++;
            while (digit(*c->p))
                c->p++;
        }
    }
    if (h > 23 || m > 59 || s > 60)
        return -1;
    *hour = h;
    *min = m;
    return 0;
}

/* A time zone after a time: "Z", "+01:00", "+0100", "-05", or a name of
 * 1-5 letters ("CET", "CEST", "UTC"). The wall-clock time is kept as
 * written; the zone is only checked for shape. Returns 0 or -1. */
static int take_zone(struct cursor *c)
{
    if (*c->p == 'Z' || *c->p == 'z') {
        c->p++;
        return 0;
    }
    if (*c->p == '+' || *c->p == '-') {
        c->p++;
        int h = take_digits(c, 2);
        if (h < 0 || h > 14)
            return -1;
        if (*c->p == ':')
            c->p++;
        if (digit(*c->p)) {
            int m = take_digits(c, 2);
            if (m < 0 || m > 59)
                return -1;
        }
        return 0;
    }
    skip_spaces(c);
    size_t n = 0;
    while ((c->p[n] >= 'A' && c->p[n] <= 'Z') || (c->p[n] >= 'a' && c->p[n] <= 'z'))
        n++;
    if (n > 5)
        return -1;
    c->p += n;
    return 0;
}

int prs_doc_normalize_date(const char *s, char *out, size_t cap)
{
    if (!s || !out)
        return PRS_E_BADARG;
    if (cap < 17)
        return PRS_E_RANGE;
    struct cursor c = {s};
    int year = -1, month = -1, day = -1, hour = -1, min = -1;
    skip_spaces(&c);
    if (digit(c.p[0]) && digit(c.p[1]) && digit(c.p[2]) && digit(c.p[3])) {
        /* ISO: YYYY[-MM[-DD[(T| )HH:MM[:SS][zone]]]] */
        year = take_digits(&c, 4);
        if (*c.p == '-' && digit(c.p[1])) {
            c.p++;
            if ((month = take_digits(&c, 2)) < 0)
                return PRS_E_PARSE;
            if (*c.p == '-' && digit(c.p[1])) {
                c.p++;
                if ((day = take_digits(&c, 2)) < 0)
                    return PRS_E_PARSE;
                if ((*c.p == 'T' || *c.p == 't' || *c.p == ' ') &&
                    digit(c.p[1])) {
                    c.p++;
                    if (take_time(&c, &hour, &min) < 0 || take_zone(&c) < 0)
                        return PRS_E_PARSE;
                }
            }
        }
    } else if (digit(c.p[0])) {
        /* "25.11.2022 14:00:06 CET", "25 november 2022 kl. 14.00" */
        day = take_1or2(&c);
        if (day < 0)
            return PRS_E_PARSE;
        if (*c.p == '.' && digit(c.p[1])) {
            c.p++;
            month = take_1or2(&c);
            if (month < 0 || *c.p != '.')
                return PRS_E_PARSE;
            c.p++;
        } else {
            if (*c.p == '.')
                c.p++;
            skip_spaces(&c);
            month = take_month_name(&c);
            if (month <= 0)
                return PRS_E_PARSE;
            skip_spaces(&c);
        }
        year = take_digits(&c, 4);
        if (year < 0 || digit(*c.p))
            return PRS_E_PARSE;
        skip_spaces(&c);
        if (*c.p == ',')
            c.p++, skip_spaces(&c);
        if (strncmp(c.p, "kl.", 3) == 0 || strncmp(c.p, "kl ", 3) == 0)
            c.p += 3, skip_spaces(&c);
        if (digit(*c.p)) {
            if (take_time(&c, &hour, &min) < 0 || take_zone(&c) < 0)
                return PRS_E_PARSE;
        }
    } else {
        return PRS_E_PARSE;
    }
    skip_spaces(&c);
    if (*c.p != '\0')
        return PRS_E_PARSE;
    if (year < 1000 || year > 9999)
        return PRS_E_PARSE;
    if (month != -1 && (month < 1 || month > 12))
        return PRS_E_PARSE;
    if (day != -1 && (month == -1 || day < 1 || day > days_in_month(year, month)))
        return PRS_E_PARSE;
    if (hour >= 0)
        snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d", year, month, day, hour,
                 min);
    else if (day != -1)
        snprintf(out, cap, "%04d-%02d-%02d", year, month, day);
    else if (month != -1)
        snprintf(out, cap, "%04d-%02d", year, month);
    else
        snprintf(out, cap, "%04d", year);
    return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

/* A stored field: its key and where struct prs_doc (or prs_contact) keeps
 * it. */
struct field_key {
    const char *key;
    size_t off;
};

static const struct field_key doc_keys[] = {
    {"id", offsetof(struct prs_doc, id)},
    {"title", offsetof(struct prs_doc, title)},
    {"org", offsetof(struct prs_doc, org)},
    {"published", offsetof(struct prs_doc, published)},
    {"type", offsetof(struct prs_doc, type)},
    {"lead", offsetof(struct prs_doc, lead)},
    {"body", offsetof(struct prs_doc, body)},
    {"url", offsetof(struct prs_doc, url)},
    {"sender", offsetof(struct prs_doc, sender)},
    {"about", offsetof(struct prs_doc, about)},
    {"source", offsetof(struct prs_doc, source)},
};

static const struct field_key contact_keys[] = {
    {"name", offsetof(struct prs_contact, name)},
    {"role", offsetof(struct prs_contact, role)},
    {"phone", offsetof(struct prs_contact, phone)},
    {"email", offsetof(struct prs_contact, email)},
};

#define FIELD(base, off) ((char **)((char *)(base) + (off)))
#define CFIELD(base, off) ((char *const *)((const char *)(base) + (off)))

/* Sets key to a copy of s unless s is NULL; false on allocation failure. */
static bool put_str(json_t *obj, const char *key, const char *s)
{
    if (!s)
        return true;
    return json_object_set_new(obj, key, json_string(s)) == 0;
}

char *prs_doc_to_json(const struct prs_doc *doc, size_t *len)
{
    char *out = NULL;
    json_t *root = json_object();
    json_t *contacts = NULL;
    if (!root)
        goto out;
    for (size_t i = 0; i < sizeof doc_keys / sizeof *doc_keys; i++)
        if (!put_str(root, doc_keys[i].key, *CFIELD(doc, doc_keys[i].off)))
            goto out;
    if (doc->ncontacts) {
        contacts = json_array();
        if (!contacts)
            goto out;
        for (size_t i = 0; i < doc->ncontacts; i++) {
            json_t *c = json_object();
            if (!c || json_array_append_new(contacts, c) < 0)
                goto out;
            for (size_t k = 0; k < sizeof contact_keys / sizeof *contact_keys; k++)
                if (!put_str(c, contact_keys[k].key,
                             *CFIELD(&doc->contacts[i], contact_keys[k].off)))
                    goto out;
        }
        if (json_object_set_new(root, "contacts", contacts) < 0) {
            contacts = NULL; /* json_object_set_new() released it */
            goto out;
        }
        contacts = NULL;
    }
    out = json_dumps(root, JSON_COMPACT);
    if (out && len)
        *len = strlen(out);
out:
    json_decref(contacts);
    json_decref(root);
    return out;
}

/* Copies obj[key] (a string, or absent/null) into *field. */
static int get_str(json_t *obj, const char *key, char **field,
                   const char *where, struct prs_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return prs_err_set(err, PRS_E_PARSE, "%s'%s' must be a string", where,
                           key);
    int rc = prs_doc_set(field, json_string_value(v), json_string_length(v));
    if (rc < 0)
        return prs_err_set(err, rc, "%s'%s': %s", where, key,
                           rc == PRS_E_NOMEM ? "out of memory"
                                             : "not valid UTF-8 text");
    return 0;
}

int prs_doc_from_json(const char *json, size_t len, struct prs_doc *doc,
                      struct prs_err *err)
{
    prs_doc_clear(doc);
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    int rc = 0;
    if (!root)
        return prs_err_set(err, PRS_E_PARSE, "document JSON, column %d: %s",
                           jerr.column, jerr.text);
    if (!json_is_object(root)) {
        rc = prs_err_set(err, PRS_E_PARSE, "document JSON is not an object");
        goto out;
    }
    for (size_t i = 0; i < sizeof doc_keys / sizeof *doc_keys && rc == 0; i++)
        rc = get_str(root, doc_keys[i].key, FIELD(doc, doc_keys[i].off), "",
                     err);
    if (rc < 0)
        goto out;
    json_t *contacts = json_object_get(root, "contacts");
    if (contacts && !json_is_null(contacts)) {
        if (!json_is_array(contacts)) {
            rc = prs_err_set(err, PRS_E_PARSE, "'contacts' must be an array");
            goto out;
        }
        size_t i;
        json_t *c;
        json_array_foreach(contacts, i, c) {
            char where[48];
            snprintf(where, sizeof where, "contacts[%zu]: ", i);
            if (!json_is_object(c)) {
                rc = prs_err_set(err, PRS_E_PARSE, "%smust be an object", where);
                goto out;
            }
            struct prs_contact tmp = {0};
            for (size_t k = 0;
                 k < sizeof contact_keys / sizeof *contact_keys && rc == 0; k++)
                rc = get_str(c, contact_keys[k].key,
                             FIELD(&tmp, contact_keys[k].off), where, err);
            if (rc == 0)
                rc = prs_doc_add_contact(doc, tmp.name, tmp.role, tmp.phone,
                                         tmp.email);
            contact_clear(&tmp);
            if (rc < 0) {
                if (rc == PRS_E_NOMEM)
                    prs_err_set(err, rc, "out of memory");
                goto out;
            }
        }
    }
out:
    json_decref(root);
    if (rc < 0)
        prs_doc_clear(doc);
    return rc;
}

/* ---- Stored form (MessagePack) ------------------------------------------ */

#define NDOC_KEYS (sizeof doc_keys / sizeof *doc_keys)
#define NCONTACT_KEYS (sizeof contact_keys / sizeof *contact_keys)

static bool pack_str(msgpack_packer *pk, const char *s)
{
    size_t len = strlen(s);
    return msgpack_pack_str(pk, len) == 0 &&
           msgpack_pack_str_body(pk, s, len) == 0;
}

/* Packs the fields keys[0..n) of base that are set as a map, announcing
 * extra more entries that the caller packs after them. */
static bool pack_map(msgpack_packer *pk, const void *base,
                     const struct field_key *keys, size_t n, size_t extra)
{
    size_t present = extra;
    for (size_t i = 0; i < n; i++)
        present += *CFIELD(base, keys[i].off) != NULL;
    if (msgpack_pack_map(pk, present) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *v = *CFIELD(base, keys[i].off);
        if (v && (!pack_str(pk, keys[i].key) || !pack_str(pk, v)))
            return false;
    }
    return true;
}

char *prs_doc_pack(const struct prs_doc *doc, size_t *len)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    bool ok = pack_map(&pk, doc, doc_keys, NDOC_KEYS, doc->ncontacts > 0);
    if (ok && doc->ncontacts)
        ok = pack_str(&pk, "contacts") &&
             msgpack_pack_array(&pk, doc->ncontacts) == 0;
    for (size_t i = 0; ok && i < doc->ncontacts; i++)
        ok = pack_map(&pk, &doc->contacts[i], contact_keys, NCONTACT_KEYS, 0);
    if (!ok || sb.size == 0) {
        msgpack_sbuffer_destroy(&sb);
        return NULL;
    }
    *len = sb.size;
    return msgpack_sbuffer_release(&sb);
}

static bool key_is(const msgpack_object *k, const char *key)
{
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(key) &&
           memcmp(k->via.str.ptr, key, k->via.str.size) == 0;
}

/* Sets the field of keys[0..n) (at base) that kv names from its string
 * value; other keys are left alone. */
static int unpack_field(const msgpack_object_kv *kv, void *base,
                        const struct field_key *keys, size_t n,
                        struct prs_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!key_is(&kv->key, keys[i].key))
            continue;
        if (kv->val.type == MSGPACK_OBJECT_NIL)
            return 0;
        if (kv->val.type != MSGPACK_OBJECT_STR)
            return prs_err_set(err, PRS_E_PARSE,
                               "stored release: '%s' must be a string",
                               keys[i].key);
        int rc = prs_doc_set(FIELD(base, keys[i].off), kv->val.via.str.ptr,
                             kv->val.via.str.size);
        if (rc < 0)
            return prs_err_set(err, rc, "stored release: '%s': %s",
                               keys[i].key,
                               rc == PRS_E_NOMEM ? "out of memory"
                                                 : "not valid UTF-8 text");
        return 0;
    }
    return 0;
}

static int unpack_contacts(const msgpack_object *arr, struct prs_doc *doc,
                           struct prs_err *err)
{
    if (arr->type != MSGPACK_OBJECT_ARRAY)
        return prs_err_set(err, PRS_E_PARSE,
                           "stored release: 'contacts' must be an array");
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < arr->via.array.size; i++) {
        const msgpack_object *c = &arr->via.array.ptr[i];
        if (c->type != MSGPACK_OBJECT_MAP)
            return prs_err_set(err, PRS_E_PARSE,
                               "stored release: contacts[%u] must be a map", i);
        struct prs_contact tmp = {0};
        for (uint32_t k = 0; rc == 0 && k < c->via.map.size; k++)
            rc = unpack_field(&c->via.map.ptr[k], &tmp, contact_keys,
                              NCONTACT_KEYS, err);
        if (rc == 0 && (rc = prs_doc_add_contact(doc, tmp.name, tmp.role,
                                                 tmp.phone, tmp.email)) < 0)
            prs_err_set(err, rc, "stored release: contacts[%u]: %s", i,
                        rc == PRS_E_NOMEM ? "out of memory" : "not valid UTF-8");
        contact_clear(&tmp);
    }
    return rc;
}

/* Whether data[*at..len) starts with one object of the kinds prs_doc_pack()
 * writes (maps, arrays, strings, nil; nested at most depth deep) whose
 * declared sizes fit in the bytes left. msgpack-c allocates what an array
 * or map header declares before reading its elements, so a corrupt header
 * could ask for gigabytes; checked first, a record costs at most a small
 * multiple of its own size. */
static bool well_formed(const unsigned char *data, size_t len, size_t *at,
                        int depth)
{
    if (*at >= len || depth == 0)
        return false;
    unsigned char b = data[(*at)++];
    size_t n, width = 0;
    bool str = false, map = false;
    if (b == 0xC0)
        return true;                                    /* nil */
    if (b >= 0xA0 && b <= 0xBF) { n = b & 0x1F; str = true; }
    else if (b >= 0x80 && b <= 0x8F) { n = b & 0x0F; map = true; }
    else if (b >= 0x90 && b <= 0x9F) n = b & 0x0F;
    else if (b == 0xD9) { width = 1; str = true; }      /* str 8 */
    else if (b == 0xDA) { width = 2; str = true; }      /* str 16 */
    else if (b == 0xDB) { width = 4; str = true; }      /* str 32 */
    else if (b == 0xDC) width = 2;                      /* array 16 */
    else if (b == 0xDD) width = 4;                      /* array 32 */
    else if (b == 0xDE) { width = 2; map = true; }      /* map 16 */
    else if (b == 0xDF) { width = 4; map = true; }      /* map 32 */
    else
        return false;
    if (width) {
        if (len - *at < width)
            return false;
        n = 0;
        for (size_t i = 0; i < width; i++)
            n = n << 8 | data[(*at)++];
    }
    if (str) {
        if (len - *at < n)
            return false;
        *at += n;
        return true;
    }
    if (map && n > SIZE_MAX / 2)
        return false;
    size_t items = map ? 2 * n : n;
    if (items > len - *at) /* every item takes a byte at least */
        return false;
    for (size_t i = 0; i < items; i++)
        if (!well_formed(data, len, at, depth - 1))
            return false;
    return true;
}

int prs_doc_unpack(const char *data, size_t len, struct prs_doc *doc,
                   struct prs_err *err)
{
    prs_doc_clear(doc);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0, end = 0;
    int rc = 0;
    /* A release is a map of strings and a list of contacts: depth 4. */
    if (!data || !well_formed((const unsigned char *)data, len, &end, 4) ||
        end != len ||
        msgpack_unpack_next(&u, data, len, &off) != MSGPACK_UNPACK_SUCCESS ||
        off != len || u.data.type != MSGPACK_OBJECT_MAP) {
        rc = prs_err_set(err, PRS_E_PARSE,
                         "stored release is not the MessagePack map prsearch "
                         "writes (re-index?)");
        goto out;
    }
    const msgpack_object_map *m = &u.data.via.map;
    for (uint32_t i = 0; rc == 0 && i < m->size; i++) {
        const msgpack_object_kv *kv = &m->ptr[i];
        if (key_is(&kv->key, "contacts"))
            rc = kv->val.type == MSGPACK_OBJECT_NIL
                     ? 0
                     : unpack_contacts(&kv->val, doc, err);
        else
            rc = unpack_field(kv, doc, doc_keys, NDOC_KEYS, err);
    }
out:
    msgpack_unpacked_destroy(&u);
    if (rc < 0)
        prs_doc_clear(doc);
    return rc;
}
