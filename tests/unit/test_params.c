/* Unit tests for server/params.c: query parameters checked the way the
 * HTTP API answers them, and the constant-time token comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <event2/http.h>
#include <string.h>

#include "params.h"

static void ints_in_range_and_defaults(void **state)
{
    (void)state;
    struct evkeyvalq q;
    struct prs_err err = {0};
    long long n;
    assert_int_equal(prs_params_parse("size=20&page=&x=1", &q, &err), 0);
    assert_int_equal(prs_param_int(&q, "size", 1, 100, 10, &n, &err), 0);
    assert_int_equal(n, 20);
    assert_int_equal(prs_param_int(&q, "page", 1, 100, 1, &n, &err), 0);
    assert_int_equal(n, 1); /* empty: default */
    assert_int_equal(prs_param_int(&q, "absent", 1, 100, 7, &n, &err), 0);
    assert_int_equal(n, 7);
    evhttp_clear_headers(&q);
}

static const struct {
    const char *query;
    const char *msg;
} bad_ints[] = {
    {"size=0", "size must be 1..100"},
    {"size=101", "size must be 1..100"},
    {"size=-5", "size must be 1..100"},
    {"size=99999999999999999999999999", "size must be 1..100"},
    {"size=1e3", "size must be 1..100"},
    {"size=%2010", "size must be 1..100"},
    {"size=10&size=20", "size is given more than once"},
    {"size=%ff", "size is not valid UTF-8"},
};

static void bad_ints_are_named(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_ints / sizeof *bad_ints; i++) {
        struct evkeyvalq q;
        struct prs_err err = {0};
        long long n;
        assert_int_equal(prs_params_parse(bad_ints[i].query, &q, &err), 0);
        assert_int_equal(prs_param_int(&q, "size", 1, 100, 10, &n, &err),
                         PRS_E_BADARG);
        if (strcmp(err.msg, bad_ints[i].msg) != 0)
            fail_msg("%s: got '%s'", bad_ints[i].query, err.msg);
        evhttp_clear_headers(&q);
    }
}

static void strings_are_checked(void **state)
{
    (void)state;
    struct evkeyvalq q;
    struct prs_err err = {0};
    const char *s;
    assert_int_equal(prs_params_parse("q=sk%C3%B6la&long=abcdef&bad=%c3%28", &q, &err), 0);
    assert_int_equal(prs_param_str(&q, "q", 100, &s, &err), 0);
    assert_string_equal(s, "sk\xc3\xb6la");
    assert_int_equal(prs_param_str(&q, "long", 5, &s, &err), PRS_E_BADARG);
    assert_string_equal(err.msg, "long must be at most 5 bytes");
    assert_int_equal(prs_param_str(&q, "bad", 100, &s, &err), PRS_E_BADARG);
    assert_int_equal(prs_param_str(&q, "none", 100, &s, &err), 0);
    assert_null(s);
    evhttp_clear_headers(&q);
    assert_int_equal(prs_params_parse("q=a%00b", &q, &err), PRS_E_BADARG);
    evhttp_clear_headers(&q);
}

static void secret_compare(void **state)
{
    (void)state;
    assert_true(prs_secret_equal("abcdef", 6, "abcdef", 6));
    assert_false(prs_secret_equal("abcdeg", 6, "abcdef", 6));
    assert_false(prs_secret_equal("abc", 3, "abcdef", 6));
    assert_false(prs_secret_equal("abcdefg", 7, "abcdef", 6));
    assert_false(prs_secret_equal("", 0, "abcdef", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ints_in_range_and_defaults),
        cmocka_unit_test(bad_ints_are_named),
        cmocka_unit_test(strings_are_checked),
        cmocka_unit_test(secret_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
