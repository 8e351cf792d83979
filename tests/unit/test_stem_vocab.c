/*
 * test_stem_vocab.c: prs_analyzer_stem() against Snowball's own test data.
 *
 * ../shared/stemming/swedish-voc.txt holds 30,623 Swedish words and
 * swedish-output.txt, line for line, the stem Snowball's Swedish algorithm
 * gives each (the revision that matches Debian's libstemmer 2.2.0). Every
 * word must stem exactly; a mismatch after a library upgrade means the data
 * must be upgraded with it (see ../shared/stemming/README.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"

#define VOC_FILE PRS_SHARED_DIR "/stemming/swedish-voc.txt"
#define OUT_FILE PRS_SHARED_DIR "/stemming/swedish-output.txt"
#define VOC_LINES 30623
#define SHOW_MISMATCHES 10

/* Reads the next line of f into *line without its "\n" or "\r\n".
 * Returns its length, or -1 at the end of the file. */
static ssize_t next_line(FILE *f, char **line, size_t *cap)
{
    ssize_t n = getline(line, cap, f);
    if (n < 0)
        return -1;
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = '\0';
    return n;
}

static FILE *open_or_fail(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    return f;
}

static void every_word_stems_like_snowball(void **state)
{
    (void)state;
    struct prs_err err = {0};
    struct prs_analyzer *a = prs_analyzer_new(&err);
    if (!a)
        fail_msg("prs_analyzer_new: %s", err.msg);
    FILE *voc = open_or_fail(VOC_FILE);
    FILE *out = open_or_fail(OUT_FILE);
    char *word = NULL, *want = NULL;
    size_t word_cap = 0, want_cap = 0;
    long lines = 0, mismatches = 0;
    for (;;) {
        ssize_t wn = next_line(voc, &word, &word_cap);
        if (wn < 0)
            break;
        ssize_t on = next_line(out, &want, &want_cap);
        lines++;
        if (on < 0)
            fail_msg("%s ends before line %ld of %s", OUT_FILE, lines,
                     VOC_FILE);
        size_t len = 0;
        const char *stem = prs_analyzer_stem(a, word, (size_t)wn, &len);
        assert_non_null(stem);
        if (len != (size_t)on || memcmp(stem, want, len) != 0) {
            if (mismatches < SHOW_MISMATCHES)
                print_message("line %ld: \"%s\" stems to \"%.*s\", want "
                              "\"%s\"\n", lines, word, (int)len, stem, want);
            mismatches++;
        }
    }
    assert_true(next_line(out, &want, &want_cap) < 0); /* same length */
    free(word);
    free(want);
    fclose(voc);
    fclose(out);
    prs_analyzer_free(a);
    if (mismatches > 0)
        print_message("%ld of %ld words stem differently\n", mismatches,
                      lines);
    assert_int_equal(lines, VOC_LINES);
    assert_int_equal(mismatches, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_word_stems_like_snowball),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
