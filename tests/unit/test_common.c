/* common/: number parsing, buffers, UTF-8 checks, trimming, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "strutil.h"

static void parse_int_range_checks_everything(void **state)
{
    (void)state;
    long long v = 0;
    assert_int_equal(prs_parse_int_range("42", 1, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(prs_parse_int_range("-5", -10, 10, &v), 0);
    assert_int_equal(v, -5);
    static const char *bad[] = {"", "abc", "12abc", " 12", "+12", "1.5", "0x10", NULL};
    for (size_t i = 0; bad[i]; i++)
        assert_int_equal(prs_parse_int_range(bad[i], 0, 100, &v), PRS_E_BADARG);
    assert_int_equal(prs_parse_int_range("101", 0, 100, &v), PRS_E_RANGE);
    assert_int_equal(prs_parse_int_range("99999999999999999999999", 0, 100, &v),
                     PRS_E_RANGE);
}

static void buffer_grows_and_steals(void **state)
{
    (void)state;
    struct prs_buf b = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(prs_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(b.len, strlen(b.data));
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    prs_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    prs_buf_puts(&b, "åäö");
    char *s = prs_buf_steal(&b);
    assert_string_equal(s, "åäö");
    assert_null(b.data);
    free(s);
    char *empty = prs_buf_steal(&b);
    assert_string_equal(empty, "");
    free(empty);
}

static void utf8_validation(void **state)
{
    (void)state;
    static const struct { const char *s; size_t len; bool ok; } cases[] = {
        {"Malmö tingsrätt", 16, true},
        {"\xc3\xa5", 2, true},
        {"\xc3", 1, false},             /* truncated */
        {"\xc0\xaf", 2, false},         /* overlong '/' */
        {"\xed\xa0\x80", 3, false},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, false}, /* beyond U+10FFFF */
        {"a\0b", 3, false},             /* NUL */
        {"\xff", 1, false},
        {"\xf0\x9f\x98\x80", 4, true},  /* emoji */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(prs_utf8_valid(cases[i].s, cases[i].len), cases[i].ok);
}

/* A bad byte is found wherever it falls: before, inside and after the
 * eight-byte runs of ASCII the check skips a word at a time. */
static void utf8_error_at_every_position(void **state)
{
    (void)state;
    char buf[48];
    for (size_t len = 1; len <= 40; len++) {
        for (size_t k = 0; k < len; k++) {
            memset(buf, 'a', len);
            buf[k] = '\0';
            assert_int_equal(prs_utf8_error_at(buf, len), k);
            buf[k] = (char)0xFF;
            assert_int_equal(prs_utf8_error_at(buf, len), k);
            buf[k] = (char)0x80; /* a continuation byte with no lead */
            assert_int_equal(prs_utf8_error_at(buf, len), k);
            buf[k] = 'a';
            if (k + 1 < len) { /* "å" fits at k */
                buf[k] = (char)0xC3;
                buf[k + 1] = (char)0xA5;
                assert_int_equal(prs_utf8_error_at(buf, len), len);
            } else { /* a lead byte cut off by the end */
                buf[k] = (char)0xC3;
                assert_int_equal(prs_utf8_error_at(buf, len), k);
            }
        }
        memset(buf, 'a', len);
        assert_int_equal(prs_utf8_error_at(buf, len), len);
    }
}

static void trim_handles_unicode_spaces(void **state)
{
    (void)state;
    const char *s = "\xc2\xa0 \tKlockaretorpet\xe2\x80\xaf\n";
    size_t len = strlen(s);
    const char *t = prs_trim(s, &len);
    assert_int_equal(len, strlen("Klockaretorpet"));
    assert_memory_equal(t, "Klockaretorpet", len);
    len = 3;
    prs_trim("   ", &len);
    assert_int_equal(len, 0);
}

static void error_messages_name_where(void **state)
{
    (void)state;
    struct prs_err err = {0};
    assert_int_equal(prs_err_set(&err, PRS_E_PARSE, "line %d: bad", 3), PRS_E_PARSE);
    prs_err_prefix(&err, "%s", "file.jsonl");
    assert_string_equal(err.msg, "file.jsonl: line 3: bad");
    assert_int_equal(err.code, PRS_E_PARSE);
    char longp[600];
    memset(longp, 'x', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    prs_err_prefix(&err, "%s", longp);
    assert_true(strlen(err.msg) < PRS_ERR_MSG_MAX);
    prs_err_errno(&err, PRS_E_IO, 2, "%s", "a.md");
    assert_string_equal(err.msg, "a.md: No such file or directory");
    prs_err_clear(&err);
    assert_int_equal(err.code, 0);
    assert_int_equal(prs_err_set(NULL, PRS_E_IO, "x"), PRS_E_IO);
}

static void hash_is_stable(void **state)
{
    (void)state;
    assert_true(prs_hash64("a", 1) == prs_hash64("a", 1));
    assert_true(prs_hash64("a", 1) != prs_hash64("b", 1));
    assert_true(prs_hash64("", 0) == 1469598103934665603ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_int_range_checks_everything),
        cmocka_unit_test(buffer_grows_and_steals),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(utf8_error_at_every_position),
        cmocka_unit_test(trim_handles_unicode_spaces),
        cmocka_unit_test(error_messages_name_where),
        cmocka_unit_test(hash_is_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
