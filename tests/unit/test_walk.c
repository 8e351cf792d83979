/* Files to index and their ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "walk.h"

static char tmp[] = "/tmp/prs-walk-XXXXXX";

static void touch(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# T\n\nx\n", f);
    fclose(f);
}

static void mkd(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmp))
        return -1;
    mkd("press");
    mkd("press/2026");
    mkd("press/2026/01");
    mkd("press/.hidden");
    touch("press/2026/01/b-release.md");
    touch("press/2026/01/a-release.md");
    touch("press/2026/01/notes.pdf");
    touch("press/.hidden/x.md");
    touch("press/dump.txt");
    touch("press/export.jsonl.gz");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static int bad_count;
static void count_bad(const char *path, const char *msg, void *ctx)
{
    (void)path, (void)msg, (void)ctx;
    bad_count++;
}

static void folder_ids_start_at_the_folder_name(void **state)
{
    (void)state;
    char root[512];
    snprintf(root, sizeof root, "%s/press/", tmp);
    struct prs_filelist list = {0};
    bad_count = 0;
    assert_int_equal(prs_walk(root, &list, count_bad, NULL, NULL), 0);
    assert_int_equal(list.n, 4); /* not the .pdf, not the hidden folder */
    assert_int_equal(bad_count, 0);
    assert_string_equal(list.files[0].id, "press/2026/01/a-release");
    assert_string_equal(list.files[1].id, "press/2026/01/b-release");
    assert_string_equal(list.files[2].id, "press/dump");
    assert_string_equal(list.files[3].id, "press/export");
    assert_int_equal(list.files[0].format, PRS_FMT_MARKDOWN);
    assert_int_equal(list.files[2].format, PRS_FMT_DUMP);
    assert_int_equal(list.files[3].format, PRS_FMT_JSONL);
    assert_true(list.files[0].abspath[0] == '/');
    prs_filelist_free(&list);
}

static void a_single_file_is_named_with_its_folder(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/press/2026/01/a-release.md", tmp);
    struct prs_filelist list = {0};
    assert_int_equal(prs_walk(path, &list, count_bad, NULL, NULL), 0);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.files[0].id, "01/a-release");
    prs_filelist_free(&list);
}

static void unknown_format_named_explicitly_is_reported(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/press/2026/01/notes.pdf", tmp);
    struct prs_filelist list = {0};
    bad_count = 0;
    assert_int_equal(prs_walk(path, &list, count_bad, NULL, NULL), 0);
    assert_int_equal(list.n, 0);
    assert_int_equal(bad_count, 1);
    prs_filelist_free(&list);
}

static void missing_root_is_an_error(void **state)
{
    (void)state;
    char path[512];
    struct prs_err err = {0};
    snprintf(path, sizeof path, "%s/nothing-here", tmp);
    struct prs_filelist list = {0};
    assert_int_equal(prs_walk(path, &list, count_bad, NULL, &err), PRS_E_NOTFOUND);
    assert_non_null(strstr(err.msg, "nothing-here"));
    prs_filelist_free(&list);
}

static void strips_known_extensions_only(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"a.md", "a"}, {"a.jsonl.gz", "a"}, {"a.JSON", "a"},
        {"a.b.html", "a.b"}, {"a.pdf", "a.pdf"}, {".md", ".md"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i].in);
        prs_strip_format_ext(cases[i].in, &len);
        assert_int_equal(len, strlen(cases[i].out));
        assert_memory_equal(cases[i].in, cases[i].out, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folder_ids_start_at_the_folder_name),
        cmocka_unit_test(a_single_file_is_named_with_its_folder),
        cmocka_unit_test(unknown_format_named_explicitly_is_reported),
        cmocka_unit_test(missing_root_is_an_error),
        cmocka_unit_test(strips_known_extensions_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
