/* Unit tests for config/: the key table, values, errors naming file, line
 * and key, command-line overrides, and the shipped prsearch.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"

static void defaults_are_safe(void **state)
{
    (void)state;
    struct prs_config c;
    assert_int_equal(prs_config_init(&c), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_null(c.token_file); /* write API off */
    assert_int_equal(c.ncors_origins, 0);
    assert_int_equal(c.threads, 0);
    prs_config_free(&c);
}

static void every_key_is_read(void **state)
{
    (void)state;
    struct prs_config c;
    struct prs_err err = {0};
    prs_config_init(&c);
    const char *text =
        "; comment\n# comment\n\n"
        "listen = 0.0.0.0:9000\nthreads = 3\ndb = /var/lib/idx\n"
        "access_log = /tmp/access.log\ntoken_file = /etc/token\n"
        "cors_origins = https://a.example, https://b.example:8443 ,\n"
        "max_body_bytes = 2048\nmax_url_bytes = 1000\nmax_header_bytes = 4096\n"
        "request_timeout = 5\nshutdown_timeout = 2\nstatic_dir = /srv/static\n"
        "synonyms = /etc/prsearch/synonyms.txt\n"
        "cache_max_age = 0\ncache_mb = 5\nrecency_weight = 0\n"
        "recency_half_life_days = 30\n";
    assert_int_equal(prs_config_load_string(&c, text, "t.conf", &err), 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_int_equal(c.threads, 3);
    assert_string_equal(c.db, "/var/lib/idx");
    assert_string_equal(c.access_log, "/tmp/access.log");
    assert_string_equal(c.token_file, "/etc/token");
    assert_int_equal(c.ncors_origins, 2);
    assert_string_equal(c.cors_origins[0], "https://a.example");
    assert_string_equal(c.cors_origins[1], "https://b.example:8443");
    assert_int_equal(c.max_body_bytes, 2048);
    assert_int_equal(c.max_url_bytes, 1000);
    assert_int_equal(c.max_header_bytes, 4096);
    assert_int_equal(c.request_timeout, 5);
    assert_int_equal(c.shutdown_timeout, 2);
    assert_string_equal(c.static_dir, "/srv/static");
    assert_string_equal(c.synonyms, "/etc/prsearch/synonyms.txt");
    assert_int_equal(c.cache_max_age, 0);
    assert_int_equal(c.cache_mb, 5);
    assert_int_equal(c.recency_weight, 0);
    assert_int_equal(c.recency_half_life_days, 30);
    assert_true(prs_config_origin_allowed(&c, "https://a.example"));
    assert_false(prs_config_origin_allowed(&c, "https://evil.example"));
    assert_false(prs_config_origin_allowed(&c, NULL));
    prs_config_free(&c);
}

/* Each bad file and the message it must give. */
static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    {"threads = 2\nprot = 80\n", "t.conf:2: unknown key 'prot'"},
    {"threads = many\n", "t.conf:1: key 'threads': 'many' is not a number in 0..256"},
    {"\n\nthreads = -1\n", "t.conf:3: key 'threads'"},
    {"max_body_bytes = 99999999999999999999\n", "t.conf:1: key 'max_body_bytes'"},
    {"listen = localhost\n", "t.conf:1: key 'listen': 'localhost' is not ADDR:PORT"},
    {"listen = 1.2.3.4:70000\n", "t.conf:1: key 'listen'"},
    {"[server]\nthreads = 1\n", "t.conf:2: unknown section '[server]'"},
    {"threads = 1\nthreads = 2\n", "t.conf:2: key 'threads' given twice (first on line 1)"},
    {"just words\n", "t.conf:1: not 'key = value'"},
    {"cors_origins = https://a b\n", "t.conf:1: key 'cors_origins'"},
};

static void bad_keys_and_values_name_file_line_and_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct prs_config c;
        struct prs_err err = {0};
        prs_config_init(&c);
        assert_int_equal(prs_config_load_string(&c, bad[i].text, "t.conf", &err),
                         PRS_E_BADARG);
        if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, err.msg, bad[i].msg);
        prs_config_free(&c);
    }
}

static void overlong_line_is_an_error(void **state)
{
    (void)state;
    char text[6000];
    memset(text, 'x', sizeof text);
    memcpy(text, "db = ", 5);
    text[sizeof text - 2] = '\n';
    text[sizeof text - 1] = '\0';
    struct prs_config c;
    struct prs_err err = {0};
    prs_config_init(&c);
    assert_int_equal(prs_config_load_string(&c, text, "t.conf", &err), PRS_E_BADARG);
    assert_non_null(strstr(err.msg, "t.conf:1: line longer"));
    prs_config_free(&c);
}

static void flags_override_and_are_checked(void **state)
{
    (void)state;
    struct prs_config c;
    struct prs_err err = {0};
    prs_config_init(&c);
    assert_int_equal(prs_config_load_string(&c, "threads = 4\n", "t", &err), 0);
    assert_int_equal(prs_config_set(&c, "threads", "2", &err), 0);
    assert_int_equal(c.threads, 2);
    assert_int_equal(prs_config_set(&c, "listen", "[::1]:0", &err), 0);
    assert_int_equal(prs_config_set(&c, "threads", "2x", &err), PRS_E_BADARG);
    assert_int_equal(prs_config_set(&c, "nope", "1", &err), PRS_E_BADARG);
    assert_string_equal(err.msg, "unknown key 'nope'");
    prs_config_free(&c);
}

static void split_listen(void **state)
{
    (void)state;
    char host[64];
    int port;
    assert_int_equal(prs_config_split_listen("127.0.0.1:0", host, sizeof host, &port), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 0);
    assert_int_equal(prs_config_split_listen("[::1]:8080", host, sizeof host, &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 8080);
    assert_int_equal(prs_config_split_listen("::1:80", host, sizeof host, &port), PRS_E_BADARG);
    assert_int_equal(prs_config_split_listen(":80", host, sizeof host, &port), PRS_E_BADARG);
    assert_int_equal(prs_config_split_listen("h:", host, sizeof host, &port), PRS_E_BADARG);
    assert_int_equal(prs_config_split_listen("h:-1", host, sizeof host, &port), PRS_E_BADARG);
}

static void shipped_file_loads_with_defaults(void **state)
{
    (void)state;
    struct prs_config c, d;
    struct prs_err err = {0};
    prs_config_init(&c);
    prs_config_init(&d);
    int rc = prs_config_load(&c, PRS_SOURCE_DIR "/config/prsearch.conf", &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(c.listen, d.listen);
    assert_int_equal(c.max_body_bytes, d.max_body_bytes);
    assert_int_equal(c.cache_max_age, d.cache_max_age);
    assert_int_equal(c.cache_mb, d.cache_mb);
    assert_int_equal(c.recency_weight, d.recency_weight);
    assert_int_equal(c.recency_half_life_days, d.recency_half_life_days);
    assert_null(c.token_file);
    prs_config_free(&c);
    prs_config_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_safe),
        cmocka_unit_test(every_key_is_read),
        cmocka_unit_test(bad_keys_and_values_name_file_line_and_key),
        cmocka_unit_test(overlong_line_is_an_error),
        cmocka_unit_test(flags_override_and_are_checked),
        cmocka_unit_test(split_listen),
        cmocka_unit_test(shipped_file_loads_with_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
