/* Learning abbreviations from "Full name (ABBR)" in release text. */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "fixture.h"
#include "tmpdir.h"


/* What the scan found, "abbr=full name" or "abbr=" per "(ABBR)", joined
 * by "|". */
static int collect(const char *abbr, const char *full, void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%s%s=%s", n ? "|" : "", abbr,
             full ? full : "");
    return 0;
}

static void assert_scan(const char *text, const char *expected)
{
    char got[1024] = "";
    struct prs_err err = {0};
    assert_int_equal(prs_abbrev_scan(an, text, strlen(text), collect, got,
                                     &err),
                     0);
    if (strcmp(got, expected) != 0)
        fail_msg("%s\n  got:      %s\n  expected: %s", text, got, expected);
}

static void full_names_before_abbreviations_are_learned(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"Regeringen ger Inspektionen för vård och omsorg (IVO) i uppdrag "
         "att granska tillsynen.",
         "ivo=inspektionen för vård och omsorg"},
        {"Det framgår av en rapport från Konkurrensverket (KKV).",
         "kkv=konkurrensverket"},
        {"Ministern besökte också två av Statens institutionsstyrelses (SiS) "
         "särskilda ungdomshem.",
         "sis=statens institutionsstyrelses"},
        {"Uppdraget går till Statens institutionsstyrelse (SiS).",
         "sis=statens institutionsstyrelse"},
        {"Synpunkter från Myndigheten för samhällsskydd och beredskap (MSB) "
         "har tagits in.",
         "msb=myndigheten för samhällsskydd och beredskap"},
        {"Regeringen ger Försvarets radioanstalt (FRA) mer pengar.",
         "fra=försvarets radioanstalt"},
        {"ordförande på Sveriges Kommuner och Regioner (SKR), säger",
         "skr=sveriges kommuner och regioner"},
        {"Myndigheten för ungdoms- och civilsamhällesfrågor (MUCF) ska "
         "fördela bidraget.",
         "mucf=myndigheten för ungdoms och civilsamhällesfrågor"},
        {"Ett tillsynsärende av Universitetskanslersämbetet (UKÄ) visar",
         "ukä=universitetskanslersämbetet"},
        /* A soft hyphen inside the name is no break. */
        {"ungdomshem som drivs av Statens institutions\xc2\xadstyrelse (SiS).",
         "sis=statens institutionsstyrelse"},
        /* Two in one sentence. */
        {"Försvarets forskningsinstitut (FOI) och Försvarets "
         "materielverk (FMV) ska samarbeta.",
         "foi=försvarets forskningsinstitut|fmv=försvarets materielverk"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_scan(cases[i].text, cases[i].expected);
}

static void other_parentheses_are_not_abbreviations(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Läs mer i rapporten (se bilaga).",
        "Beslutet fattades i fjol (2024).",
        "säger Magdalena Andersson (S).",
        "Socialdemokraterna (S) röstade emot.",
        "Rapporten finns som pdf (Pdf).",
        "Här finns pressbilder (bilder).",
        "en funktion f(x) och (ABCDEFG) och ()",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_scan(texts[i], "");
}

/* An abbreviation that no run of words before it spells is reported
 * without a full name: party letters after a person, a name in another
 * sentence, a name that leaves out a content word. */
static void abbreviations_nothing_spells_have_no_full_name(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "– Det är ett viktigt steg, säger Tobias Andersson (SD).",
        "Detta gäller Konkurrensverket. Myndigheten (KKV) svarar.",
        "Statens beredning för medicinsk och social utvärdering (SBU) har",
        "FN:s livsmedelsprogram (WFP) får stöd.",
        "Konkurrensverket anser (KKV) att",
        /* The name starts with a word that does not spell FOI. */
        "Totalförsvarets forskningsinstitut (FOI) har",
        "FN:s livsmedelsprogram (LP) får stöd.",
        "pengar till 2024 års (KKV) budget",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char got[1024] = "";
        struct prs_err err = {0};
        assert_int_equal(prs_abbrev_scan(an, texts[i], strlen(texts[i]),
                                         collect, got, &err),
                         0);
        const char *eq = strchr(got, '=');
        if (!eq || eq[1] != '\0')
            fail_msg("%s: got '%s', expected no full name", texts[i], got);
    }
}

/* The shortest run wins, so words before the name are not taken along. */
static void shortest_spelling_run_wins(void **state)
{
    (void)state;
    assert_scan("Enligt en ny rapport från Folkhälsomyndigheten (FHM) ökar",
                "fhm=folkhälsomyndigheten");
    assert_scan("Kristdemokraterna (KD) vill", "kd=kristdemokraterna");
}

/* Bad input is normal input: nothing here may crash or match. */
static void odd_text_is_scanned_safely(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "(", "(AB", ")(", "(AB)", " (AB)", "\xff\xfe (AB)", "Ab\xc3 (AB)",
        "Xbc\xe2\x80 (AB)", "(\xc3\x85\xc3\x84)", "a,(AB)", "2024 (AB)",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char got[1024] = "";
        struct prs_err err = {0};
        assert_int_equal(prs_abbrev_scan(an, texts[i], strlen(texts[i]),
                                         collect, got, &err),
                         0);
        const char *eq = strchr(got, '=');
        assert_true(!eq || eq[1] == '\0');
    }
    /* A long run of words before "(" is cut to a window. */
    char big[4096] = "";
    for (int i = 0; i < 300; i++)
        strcat(big, "ord ");
    strcat(big, "Statens institutionsstyrelse (SiS)");
    assert_scan(big, "sis=statens institutionsstyrelse");
}

static uint64_t termfreq(struct prs_db *db, const char *term)
{
    struct prs_err err = {0};
    uint64_t n = 0;
    if (prs_db_termfreq(db, term, &n, &err) < 0)
        fail_msg("%s: %s", term, err.msg);
    return n;
}

/* The indexer's side: boolean terms that Xapian counts per release. */
static void release_gets_abbreviation_terms(void **state)
{
    (void)state;
    char dir[] = "/tmp/prs-abbrev-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(dir, PRS_DB_WRITE, &err);
    assert_non_null(db);
    struct prs_doc doc = {
        .title = "Uppdrag till Inspektionen för vård och omsorg (IVO)",
        .lead = "IVO ska granska tillsynen, säger Inspektionen för vård och "
                "omsorg (IVO).",
        .body = "– Bra, säger Tobias Andersson (SD).",
    };
    for (int i = 0; i < 2; i++) { /* re-indexing replaces */
        struct prs_xdoc *xd = prs_xdoc_new(&err);
        assert_non_null(xd);
        assert_int_equal(prs_abbrev_add_terms(an, &doc, xd, &err), 0);
        assert_int_equal(prs_db_replace(db, "a", xd, &err), 0);
        prs_xdoc_free(xd);
    }
    assert_int_equal(prs_db_commit(db, &err), 0);
    assert_int_equal(termfreq(db, "XAivo"), 1);
    assert_int_equal(termfreq(db, "XAivo inspektionen för vård och omsorg"), 1);
    assert_int_equal(termfreq(db, "XAsd"), 1);
    assert_int_equal(termfreq(db, "XAsd tobias andersson"), 0);
    prs_db_close(db);
    assert_int_equal(remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_names_before_abbreviations_are_learned),
        cmocka_unit_test(other_parentheses_are_not_abbreviations),
        cmocka_unit_test(abbreviations_nothing_spells_have_no_full_name),
        cmocka_unit_test(shortest_spelling_run_wins),
        cmocka_unit_test(odd_text_is_scanned_safely),
        cmocka_unit_test(release_gets_abbreviation_terms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
