/*
 * test_doc.c: the document model: field setters, contacts, date
 * normalisation and the JSON form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "doc.h"

static void set_trims_and_empties_to_null(void **state)
{
    (void)state;
    char *f = NULL;
    const char *s = " \t Titel \xC2\xA0\n";
    assert_int_equal(prs_doc_set(&f, s, strlen(s)), 0);
    assert_string_equal(f, "Titel");
    assert_int_equal(prs_doc_set(&f, " \xC2\xA0 ", 4), 0);
    assert_null(f);
    assert_int_equal(prs_doc_set(&f, "abc", 2), 0);
    assert_string_equal(f, "ab");
    assert_int_equal(prs_doc_set(&f, NULL, 0), 0);
    assert_null(f);
}

static void set_refuses_invalid_utf8(void **state)
{
    (void)state;
    char *f = NULL;
    assert_int_equal(prs_doc_set(&f, "gammal", 6), 0);
    /* Latin-1 "å" and an embedded NUL never reach a field. */
    assert_int_equal(prs_doc_set(&f, "p\xE5", 2), PRS_E_PARSE);
    assert_string_equal(f, "gammal");
    assert_int_equal(prs_doc_set(&f, "a\0b", 3), PRS_E_PARSE);
    assert_string_equal(f, "gammal");
    free(f);
}

static void clear_releases_everything(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    prs_doc_clear(NULL);
    assert_int_equal(prs_doc_set(&d.title, "T", 1), 0);
    assert_int_equal(prs_doc_set(&d.body, "B", 1), 0);
    assert_int_equal(prs_doc_add_contact(&d, "Anna", "chef", NULL, NULL), 0);
    prs_doc_clear(&d);
    assert_null(d.title);
    assert_null(d.body);
    assert_null(d.contacts);
    assert_int_equal(d.ncontacts, 0);
    prs_doc_clear(&d); /* twice is fine */
}

static void contacts_are_copied_and_empty_ones_skipped(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    char name[] = " Olle Vikmång (S) ";
    assert_int_equal(prs_doc_add_contact(&d, name, "ordförande", "070-687 15 38",
                                         NULL), 0);
    name[1] = 'X';
    assert_int_equal(prs_doc_add_contact(&d, NULL, " ", NULL, ""), 0);
    assert_int_equal(prs_doc_add_contact(&d, NULL, NULL, NULL, "a@b.se"), 0);
    assert_int_equal(d.ncontacts, 2);
    assert_string_equal(d.contacts[0].name, "Olle Vikmång (S)");
    assert_string_equal(d.contacts[0].phone, "070-687 15 38");
    assert_null(d.contacts[0].email);
    assert_string_equal(d.contacts[1].email, "a@b.se");
    assert_int_equal(prs_doc_add_contact(&d, "x\xFF", NULL, NULL, NULL),
                     PRS_E_PARSE);
    assert_int_equal(d.ncontacts, 2);
    prs_doc_clear(&d);
}

static const struct {
    const char *in;
    const char *out; /* NULL: must be rejected */
} dates[] = {
    {"2022", "2022"},
    {"2022-11", "2022-11"},
    {"2022-11-25", "2022-11-25"},
    {" 2022-11-25 ", "2022-11-25"},
    {"2022-11-25 14:00", "2022-11-25T14:00"},
    {"2022-11-25 14:00:06", "2022-11-25T14:00"},
    {"2022-11-25T14:00:06Z", "2022-11-25T14:00"},
    {"2022-11-25T14:00:06.123Z", "2022-11-25T14:00"},
    {"2022-11-25T14:00:06+01:00", "2022-11-25T14:00"},
    {"2022-11-25T23:59-0500", "2022-11-25T23:59"},
    {"2022-11-25 14:00 CET", "2022-11-25T14:00"},
    {"25.11.2022 14:00:06 CET", "2022-11-25T14:00"},
    {"25.11.2022", "2022-11-25"},
    {"5.1.2023 9:05", "2023-01-05T09:05"},
    {"25 november 2022", "2022-11-25"},
    {"25 nov. 2022 kl. 14.00", "2022-11-25T14:00"},
    {"1 maj 2020", "2020-05-01"},
    {"2024-02-29", "2024-02-29"},
    {"2000-02-29", "2000-02-29"},
    {"", NULL},
    {"   ", NULL},
    {"igår", NULL},
    {"22", NULL},
    {"20221125", NULL},
    {"2022-13", NULL},
    {"2022-00", NULL},
    {"2022-1", NULL},
    {"2022-11-00", NULL},
    {"2022-11-31", NULL},
    {"2023-02-29", NULL},
    {"1900-02-29", NULL},
    {"2022-11-25T24:00", NULL},
    {"2022-11-25T12:60", NULL},
    {"2022-11-25T12", NULL},
    {"2022-11-25 14:00:06 Central European Time", NULL},
    {"2022-11-25T14:00+25:00", NULL},
    {"32.01.2022", NULL},
    {"25.13.2022", NULL},
    {"25.11.22", NULL},
    {"25 brumaire 2022", NULL},
    {"2022-11-25 och mer", NULL},
    {"0999", NULL},
};

static void dates_normalise_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        char out[32] = "";
        int rc = prs_doc_normalize_date(dates[i].in, out, sizeof out);
        if (dates[i].out) {
            if (rc != 0)
                fail_msg("'%s' rejected, expected '%s'", dates[i].in,
                         dates[i].out);
            assert_string_equal(out, dates[i].out);
        } else if (rc != PRS_E_PARSE) {
            fail_msg("'%s' accepted as '%s'", dates[i].in, out);
        }
    }
}

static void date_needs_room(void **state)
{
    (void)state;
    char small[8];
    assert_int_equal(prs_doc_normalize_date("2022", small, sizeof small),
                     PRS_E_RANGE);
    char out[17];
    assert_int_equal(prs_doc_normalize_date("2022-11-25 14:00", out, sizeof out),
                     0);
    assert_string_equal(out, "2022-11-25T14:00");
}

static void fill(struct prs_doc *d)
{
    assert_int_equal(prs_doc_set(&d->id, "pressmeddelanden/2022/11/x", 26), 0);
    const char *title = "Klockaretorpet \"klassas\" inte längre – utsatt";
    assert_int_equal(prs_doc_set(&d->title, title, strlen(title)), 0);
    assert_int_equal(prs_doc_set(&d->org, "Norrköpings kommun", 19), 0);
    assert_int_equal(prs_doc_set(&d->published, "2022-11-25T14:00", 16), 0);
    assert_int_equal(prs_doc_set(&d->type, "Pressmeddelande", 15), 0);
    assert_int_equal(prs_doc_set(&d->lead, "Första stycket.", 16), 0);
    const char *body = "Rad ett\\n\n\nRad två\t med tab och emoji \xF0\x9F\x98\x80";
    assert_int_equal(prs_doc_set(&d->body, body, strlen(body)), 0);
    assert_int_equal(prs_doc_set(&d->url, "https://example.se/a?b=1&c=2", 28), 0);
    assert_int_equal(prs_doc_set(&d->sender, "Helena Jalkner", 14), 0);
    assert_int_equal(prs_doc_set(&d->about, "Om oss", 6), 0);
    assert_int_equal(prs_doc_set(&d->source, "/srv/a.txt", 10), 0);
    assert_int_equal(prs_doc_add_contact(d, "Olle Vikmång (S)", "ordförande",
                                         "070-687 15 38", NULL), 0);
    assert_int_equal(prs_doc_add_contact(d, "Anna Thörn", NULL, NULL,
                                         "anna@example.se"), 0);
}

static void assert_same_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_doc(const struct prs_doc *a, const struct prs_doc *b)
{
    char *const *fa[] = {&a->id, &a->title, &a->org, &a->published, &a->type,
                         &a->lead, &a->body, &a->url, &a->sender, &a->about,
                         &a->source};
    char *const *fb[] = {&b->id, &b->title, &b->org, &b->published, &b->type,
                         &b->lead, &b->body, &b->url, &b->sender, &b->about,
                         &b->source};
    for (size_t i = 0; i < sizeof fa / sizeof *fa; i++)
        assert_same_str(*fa[i], *fb[i]);
    assert_int_equal(b->ncontacts, a->ncontacts);
    for (size_t i = 0; i < a->ncontacts; i++) {
        assert_same_str(a->contacts[i].name, b->contacts[i].name);
        assert_same_str(a->contacts[i].role, b->contacts[i].role);
        assert_same_str(a->contacts[i].phone, b->contacts[i].phone);
        assert_same_str(a->contacts[i].email, b->contacts[i].email);
    }
}

static void json_round_trip(void **state)
{
    (void)state;
    struct prs_doc a = {0}, b = {0};
    struct prs_err err = {0};
    fill(&a);
    size_t len = 0;
    char *json = prs_doc_to_json(&a, &len);
    assert_non_null(json);
    assert_int_equal(len, strlen(json));
    assert_int_equal(prs_doc_from_json(json, len, &b, &err), 0);
    assert_same_doc(&a, &b);
    /* Serialising the copy gives the same bytes. */
    size_t len2 = 0;
    char *json2 = prs_doc_to_json(&b, &len2);
    assert_non_null(json2);
    assert_string_equal(json, json2);
    free(json);
    free(json2);
    prs_doc_clear(&a);
    prs_doc_clear(&b);
}

static void pack_round_trip(void **state)
{
    (void)state;
    struct prs_doc a = {0}, b = {0}, empty = {0};
    struct prs_err err = {0};
    fill(&a);
    size_t len = 0, len2 = 0;
    char *data = prs_doc_pack(&a, &len);
    assert_non_null(data);
    assert_int_equal(prs_doc_unpack(data, len, &b, &err), 0);
    assert_same_doc(&a, &b);
    char *data2 = prs_doc_pack(&b, &len2);
    assert_non_null(data2);
    assert_int_equal(len2, len);
    assert_memory_equal(data, data2, len);
    free(data2);
    /* A release with nothing set is an empty map. */
    data2 = prs_doc_pack(&empty, &len2);
    assert_non_null(data2);
    assert_int_equal(prs_doc_unpack(data2, len2, &b, &err), 0);
    assert_same_doc(&empty, &b);
    free(data2);
    free(data);
    prs_doc_clear(&a);
    prs_doc_clear(&b);
}

static void unpack_rejects_what_pack_did_not_write(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *msg_part;
    } bad[] = {
        {"", 0, "not the MessagePack map"},
        {"{\"id\":\"x\"}", 10, "not the MessagePack map"},
        {"\x91\xA1x", 3, "not the MessagePack map"},          /* ["x"] */
        {"\x81\xA5title\x05", 8, "not the MessagePack map"}, /* {title: 5} */
        {"\x81\xA5title\x90", 8, "'title' must be a string"}, /* {title: []} */
        /* Sizes beyond the bytes there: a map, an array, a string. */
        {"\xDF\xFF\xFF\xFF\xFF", 5, "not the MessagePack map"},
        {"\x81\xA8" "contacts\xDD\xFF\xFF\xFF\xFF", 15, "not the MessagePack map"},
        {"\x81\xA2id\xDB\xFF\xFF\xFF\xFF", 9, "not the MessagePack map"},
        /* Nested deeper than a release is. */
        {"\x81\xA1x\x91\x91\x91\x91\xC0", 8, "not the MessagePack map"},
        {"\x81\xA8" "contacts\x80", 11, "'contacts' must be an array"},
        {"\x81\xA8" "contacts\x91\xA1x", 13, "contacts[0] must be a map"},
        {"\x81\xA2id\xA2\xC3\x28", 7, "not valid UTF-8"},
        {"\x80\x00", 2, "not the MessagePack map"}, /* bytes after the map */
    };
    struct prs_err err = {0};
    struct prs_doc d = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(prs_doc_unpack(bad[i].bytes, bad[i].len, &d, &err),
                         PRS_E_PARSE);
        if (!strstr(err.msg, bad[i].msg_part))
            fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg,
                     bad[i].msg_part);
        assert_null(d.id);
    }
    /* Every cut and every flipped byte of a real record: an error or a
     * release, never a crash (the ASan build runs this too). */
    fill(&d);
    size_t len = 0;
    char *data = prs_doc_pack(&d, &len);
    assert_non_null(data);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(prs_doc_unpack(data, cut, &d, &err), PRS_E_PARSE);
    for (size_t i = 0; i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            data[i] ^= (char)(1u << bit);
            int rc = prs_doc_unpack(data, len, &d, &err);
            assert_true(rc == 0 || rc == PRS_E_PARSE);
            data[i] ^= (char)(1u << bit);
        }
    }
    free(data);
    prs_doc_clear(&d);
}

static void json_omits_absent_fields(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    assert_int_equal(prs_doc_set(&d.id, "x", 1), 0);
    assert_int_equal(prs_doc_set(&d.title, "T", 1), 0);
    char *json = prs_doc_to_json(&d, NULL);
    assert_non_null(json);
    assert_string_equal(json, "{\"id\":\"x\",\"title\":\"T\"}");
    free(json);
    prs_doc_clear(&d);
}

static const struct {
    const char *json;
    const char *msg_part;
} bad_json[] = {
    {"", "document JSON"},
    {"[1]", "not an object"},
    {"{\"title\": 5}", "'title' must be a string"},
    {"{\"contacts\": {}}", "'contacts' must be an array"},
    {"{\"contacts\": [\"x\"]}", "contacts[0]: must be an object"},
    {"{\"contacts\": [{\"phone\": true}]}", "contacts[0]: 'phone' must be a string"},
    {"{\"id\": \"a\\u0000b\"}", "document JSON"},
};

static void json_rejects_bad_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_json / sizeof *bad_json; i++) {
        struct prs_doc d = {0};
        struct prs_err err = {0};
        assert_int_equal(prs_doc_set(&d.title, "kvar", 4), 0);
        int rc = prs_doc_from_json(bad_json[i].json, strlen(bad_json[i].json),
                                   &d, &err);
        assert_int_equal(rc, PRS_E_PARSE);
        if (!strstr(err.msg, bad_json[i].msg_part))
            fail_msg("'%s': message '%s' lacks '%s'", bad_json[i].json, err.msg,
                     bad_json[i].msg_part);
        assert_null(d.title); /* cleared, not half-filled */
    }
}

static void json_accepts_nulls_and_unknown_keys(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    struct prs_err err = {0};
    const char *j = "{\"id\":\"x\",\"title\":null,\"future\":[1,2],"
                    "\"contacts\":null}";
    assert_int_equal(prs_doc_from_json(j, strlen(j), &d, &err), 0);
    assert_string_equal(d.id, "x");
    assert_null(d.title);
    assert_int_equal(d.ncontacts, 0);
    prs_doc_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_trims_and_empties_to_null),
        cmocka_unit_test(set_refuses_invalid_utf8),
        cmocka_unit_test(clear_releases_everything),
        cmocka_unit_test(contacts_are_copied_and_empty_ones_skipped),
        cmocka_unit_test(dates_normalise_table),
        cmocka_unit_test(date_needs_room),
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(pack_round_trip),
        cmocka_unit_test(unpack_rejects_what_pack_did_not_write),
        cmocka_unit_test(json_omits_absent_fields),
        cmocka_unit_test(json_rejects_bad_documents),
        cmocka_unit_test(json_accepts_nulls_and_unknown_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
