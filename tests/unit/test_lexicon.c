/*
 * test_lexicon.c: looking forms up in the Swedish word list
 * (lexicon_int.h): a small hand-made file with the edge cases of its
 * format, and every form of the lexicon the build makes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lexicon_int.h"

static struct prs_lexicon *open_text(const char *text, char *path)
{
    strcpy(path, "/tmp/prs-test-lexicon-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct prs_err err = {0};
    struct prs_lexicon *lx = prs_lexicon_open(path, &err);
    assert_non_null(lx);
    return lx;
}

/* The lemmas of form, as "lemma lemma*" (* compound only). */
static const char *lemmas(const struct prs_lexicon *lx, const char *form)
{
    static char out[256];
    struct prs_lex_entry e[4];
    size_t n = prs_lexicon_find(lx, form, strlen(form), e, 4);
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 4; i++) {
        size_t used = strlen(out);
        snprintf(out + used, sizeof out - used, "%s%.*s%s", i ? " " : "",
                 (int)e[i].lemma_len, e[i].lemma,
                 e[i].compound_only ? "*" : "");
    }
    return out;
}

/* Forms that are prefixes of each other sort around the tab that ends
 * them; lines without a lemma are no entries; the last line has no
 * newline. */
static void forms_prefixes_and_malformed_lines(void **state)
{
    (void)state;
    char path[64];
    struct prs_lexicon *lx = open_text("ab\tab\tw\n"
                                       "abc\tabc\tw\n"
                                       "abc\tabcx\tc\n"
                                       "abcd\n"
                                       "abcde\t\tw\n"
                                       "b\tb\n"
                                       "zz\tzz\tw",
                                       path);
    assert_string_equal(lemmas(lx, "ab"), "ab");
    assert_string_equal(lemmas(lx, "abc"), "abc abcx*");
    assert_string_equal(lemmas(lx, "a"), "");
    assert_string_equal(lemmas(lx, "abcd"), "");  /* no lemma */
    assert_string_equal(lemmas(lx, "abcde"), ""); /* empty lemma */
    assert_string_equal(lemmas(lx, "abcdef"), "");
    assert_string_equal(lemmas(lx, "b"), "b");
    assert_string_equal(lemmas(lx, "zz"), "zz");
    assert_string_equal(lemmas(lx, "z"), "");
    assert_string_equal(lemmas(lx, "zzz"), "");
    assert_int_equal(prs_lexicon_find(lx, "ab", 0, NULL, 0), 0);
    prs_lexicon_close(lx);
    unlink(path);
}

/* Every form of the real lexicon finds all of its lines, in file order. */
static void every_form_of_the_lexicon_is_found(void **state)
{
    (void)state;
    struct prs_err err = {0};
    const char *path = prs_lexicon_default_path();
    struct prs_lexicon *lx = prs_lexicon_open(path, &err);
    assert_non_null(lx);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512], form[512] = "", first[512] = "";
    size_t lines = 0, forms = 0;
    for (bool more = true; more;) {
        more = fgets(line, sizeof line, f) != NULL;
        char *tab = more ? strchr(line, '\t') : NULL;
        if (more && !tab)
            continue;
        if (more && tab) {
            *tab = '\0';
            if (strcmp(line, form) == 0) {
                lines++;
                continue;
            }
        }
        if (form[0]) { /* the previous form's lines are complete */
            struct prs_lex_entry e[4];
            size_t n = prs_lexicon_find(lx, form, strlen(form), e, 4);
            if (n != lines || e[0].lemma_len != strlen(first) ||
                memcmp(e[0].lemma, first, e[0].lemma_len) != 0)
                fail_msg("%s: %zu entries, first %.*s; expected %zu, %s",
                         form, n, n ? (int)e[0].lemma_len : 0,
                         n ? e[0].lemma : "", lines, first);
            forms++;
        }
        if (more) {
            snprintf(form, sizeof form, "%s", line);
            char *lemma = tab + 1, *end = strchr(lemma, '\t');
            snprintf(first, sizeof first, "%.*s",
                     (int)(end ? end - lemma : (long)strcspn(lemma, "\n")),
                     lemma);
            lines = 1;
        }
    }
    fclose(f);
    assert_true(forms > 500000);
    prs_lexicon_close(lx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms_prefixes_and_malformed_lines),
        cmocka_unit_test(every_form_of_the_lexicon_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
