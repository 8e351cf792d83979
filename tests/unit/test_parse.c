/*
 * test_parse.c: every archive shape, from small fixtures in
 * tests/data/parse/ and from the real corpus in ../shared/corpus/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "parse.h"
#include "strutil.h"

#define FIXTURE(name) PRS_TEST_DATA_DIR "/parse/" name
#define CORPUS(name) PRS_SHARED_DIR "/corpus/" name
#define SEED CORPUS("seed/norrkoping-klockaretorpet.txt")
#define REGERINGEN CORPUS("regeringen.jsonl.gz")

/* ---- helpers ------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    struct prs_err err = {0};
    char *text = prs_read_file(path, 64u << 20, len, &err);
    if (!text)
        fail_msg("%s", err.msg);
    return text;
}

static void parse_file(const char *path, int format, struct prs_doc *doc)
{
    size_t len;
    char *text = slurp(path, &len);
    struct prs_err err = {0};
    int rc = prs_parse_buffer(format, text, len, doc, &err);
    free(text);
    if (rc != 0)
        fail_msg("%s: %s", path, err.msg);
}

#define assert_contains(hay, needle) assert_contains_at(hay, needle, __LINE__)
static void assert_contains_at(const char *hay, const char *needle, int line)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("line %d: '%s' not found in '%.300s'", line, needle,
                 hay ? hay : "(null)");
}

#define assert_lacks(hay, needle) assert_lacks_at(hay, needle, __LINE__)
static void assert_lacks_at(const char *hay, const char *needle, int line)
{
    if (hay && strstr(hay, needle))
        fail_msg("line %d: '%s' unexpectedly in '%.300s'", line, needle,
                 strstr(hay, needle));
}

/* No field of the document holds needle (and all hold valid UTF-8). */
static void assert_doc_lacks(const struct prs_doc *d, const char *needle)
{
    const char *f[] = {d->id,   d->title, d->org,    d->published,
                       d->type, d->lead,  d->body,   d->url,
                       d->sender, d->about, d->source};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        if (f[i])
            assert_true(prs_utf8_valid(f[i], strlen(f[i])));
        assert_lacks(f[i], needle);
    }
    for (size_t i = 0; i < d->ncontacts; i++) {
        assert_lacks(d->contacts[i].name, needle);
        assert_lacks(d->contacts[i].role, needle);
        assert_lacks(d->contacts[i].phone, needle);
        assert_lacks(d->contacts[i].email, needle);
    }
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

/* ---- formats and paths --------------------------------------------------- */

static void format_from_path_table(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int format;
    } cases[] = {
        {"a/b.md", PRS_FMT_MARKDOWN},       {"a/b.MARKDOWN", PRS_FMT_MARKDOWN},
        {"b.md.gz", PRS_FMT_MARKDOWN},      {"seed/x.txt", PRS_FMT_DUMP},
        {"x.txt.gz", PRS_FMT_DUMP},         {"x.html", PRS_FMT_HTML},
        {"x.HTM", PRS_FMT_HTML},            {"x.htm.gz", PRS_FMT_HTML},
        {"x.jsonl", PRS_FMT_JSONL},         {"x.ndjson", PRS_FMT_JSONL},
        {"regeringen.jsonl.gz", PRS_FMT_JSONL}, {"x.json", PRS_FMT_JSON},
        {"x.json.gz", PRS_FMT_JSON},        {"x.gz", PRS_FMT_UNKNOWN},
        {"x.pdf", PRS_FMT_UNKNOWN},         {"md", PRS_FMT_UNKNOWN},
        {"dir/.md", PRS_FMT_UNKNOWN},       {"x.md.bak", PRS_FMT_UNKNOWN},
        {"", PRS_FMT_UNKNOWN},              {"x.jsonl.gz.gz", PRS_FMT_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (prs_format_from_path(cases[i].path) != cases[i].format)
            fail_msg("%s: got %s, want %s", cases[i].path,
                     prs_format_name(prs_format_from_path(cases[i].path)),
                     prs_format_name(cases[i].format));
    assert_int_equal(prs_format_from_path(NULL), PRS_FMT_UNKNOWN);
}

static void date_from_path_table(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        const char *date;
    } cases[] = {
        {"../shared/corpus/pressmeddelanden/2019/03/slug.md", "2019-03"},
        {"/backup/2024/01/pressmeddelanden/2019/11/x.md", "2019-11"},
        {"pressmeddelanden/2019/3/slug.md", NULL},
        {"pressmeddelanden/2019/13/slug.md", NULL},
        {"pressmeddelanden/1899/01/slug.md", NULL},
        {"2019/03/slug.md", NULL}, /* no leading '/' before the year */
        {"x/2019/03", NULL},       /* no '/' after the month */
        {"plain.md", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[16] = "";
        int rc = prs_date_from_path(cases[i].path, out, sizeof out);
        if (cases[i].date) {
            if (rc != 0)
                fail_msg("%s: no date found", cases[i].path);
            assert_string_equal(out, cases[i].date);
        } else if (rc != PRS_E_NOTFOUND) {
            fail_msg("%s: found '%s'", cases[i].path, out);
        }
    }
    char small[4];
    assert_int_equal(prs_date_from_path("/2019/03/x", small, sizeof small),
                     PRS_E_NOTFOUND);
}

/* ---- Markdown ------------------------------------------------------------ */

static const struct {
    const char *md;
    const char *text;
} md_cases[] = {
    {"", ""},
    {"**fet** och *kursiv* och __understruken__", "fet och kursiv och understruken"},
    {"[text](http://x.se \"titel\") efter", "text efter"},
    {"![bild](x.png) kvar", "kvar"},
    {"tel. 1[![](data:image/png;base64,iVBORw0KGgo=)](mailto:a@b.se).", "tel. 1."},
    {"före data:image/png;base64,iVBORw0KGgo+/= efter", "före efter"},
    {"# Rubrik\ntext", "Rubrik\n\ntext"},
    {"text\n### Rubrik ###\nmer", "text\n\nRubrik\n\nmer"},
    {"| a | b |\n| --- | :---: |\n| 1 | 2 |", "a b\n1 2"},
    {"|  |  |\n| x\\|y | z |", "x|y z"},
    {"rad ett\nrad två\n\n\n\nnytt stycke", "rad ett\nrad två\n\nnytt stycke"},
    {"* punkt\n+ punkt två\n- tre\n1. ett", "- punkt\n- punkt två\n- tre\n1. ett"},
    {"> citat\n> > djupare", "citat\ndjupare"},
    {"```\nkod *här* [x](y)\n```\nefter", "kod *här* [x](y)\n\nefter"},
    {"snake_case och 2*3 och 3 * 4 och a _ b", "snake_case och 2*3 och 3 * 4 och a _ b"},
    {"\\*fotnot och \\_x\\_ och \\[y\\]", "*fotnot och _x_ och [y]"},
    {"&amp; &lt;b&gt; &#229; &#xE4; &nbsp;x &bogus; &#0;", "& <b> å ä x &bogus; &#0;"},
    {"<https://regeringen.se> och <a@b.se>", "https://regeringen.se och a@b.se"},
    {"a<br>b <span class=\"x\">c</span> <!-- kommentar -->d", "a b c d"},
    {"[ref]: http://x.se\ntext", "text"},
    {"[länk][1] och [annan][]", "länk och annan"},
    {"[flerradig\nlänk](http://x.se) sist", "flerradig\nlänk sist"},
    {"ett\n---\n\n***\n___\ntvå", "ett\n\ntvå"},
    {"ett\n\\_\\_\\_\\_\\_\ntvå", "ett\n\ntvå"},
    {"~~struken~~ och ~tilde", "struken och ~tilde"},
    {"`kod` här", "kod här"},
    {"[a](b och [c", "[a](b och [c"},
    {"straff\xC2\xAD" "ansvar", "straffansvar"},
    {"4\xC2\xA0" "000 kr\t\toch  mer", "4 000 kr och mer"},
    {"I promemorian*En ny lag* står", "I promemorianEn ny lag står"},
    {"rad\r\nnästa\r\n", "rad\nnästa"},
    {"![](x.png)\n\ntext", "text"},
    {"Wikipedia [X](https://sv.wikipedia.org/wiki/X_(y)) slut", "Wikipedia X slut"},
};

static void md_to_text_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof md_cases / sizeof *md_cases; i++) {
        struct prs_buf out = {0};
        assert_int_equal(prs_md_to_text(md_cases[i].md, strlen(md_cases[i].md),
                                        &out), 0);
        const char *got = out.data ? out.data : "";
        if (strcmp(got, md_cases[i].text) != 0)
            fail_msg("case %zu: '%s'\n got: '%s'\nwant: '%s'", i,
                     md_cases[i].md, got, md_cases[i].text);
        assert_true(prs_utf8_valid(got, strlen(got)));
        prs_buf_free(&out);
    }
}

static void md_fixture(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(FIXTURE("release.md"), PRS_FMT_MARKDOWN, &d);
    assert_string_equal(d.title, "Ny rapport om den offentliga sektorns "
                                 "betydelse för ekonomisk utveckling");
    assert_string_equal(d.lead,
                        "Långtidsutredningen presenterar i dag en ny "
                        "underlagsrapport, The Welfare State and Economic "
                        "Performance, skriven av professor Torben M. Andersen "
                        "vid Aarhus universitet.");
    assert_contains(d.body, "Slutsatser\n\nI rapporten konstateras att:\n\n"
                            "- Det inte finns");
    assert_contains(d.body, "av central betydelse.\n\nRegion Miljoner kronor*\n"
                            "Stockholm 2 111\n\n");
    assert_contains(d.body, "tel. +45 89 42 16 09.\n\n");
    assert_contains(d.body, "Mer information om Långtidsutredningen\n2015 & "
                            "snake_case_namn.");
    assert_lacks(d.body, "Långtidsutredningen presenterar"); /* lead only once */
    assert_doc_lacks(&d, "base64");
    assert_doc_lacks(&d, "](");
    assert_doc_lacks(&d, "**");
    assert_doc_lacks(&d, "|");
    assert_doc_lacks(&d, "#");
    assert_null(d.published); /* the caller takes it from the path */
    assert_null(d.type);
    assert_null(d.id);
    prs_doc_clear(&d);
}

static void md_front_matter(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(FIXTURE("frontmatter.md"), PRS_FMT_MARKDOWN, &d);
    assert_string_equal(d.title, "Stockholm China Forum 2019");
    assert_string_equal(d.published, "2019-11-12T09:30");
    assert_string_equal(d.type, "Pressmeddelande");
    assert_string_equal(d.org, "Utrikesdepartementet");
    assert_string_equal(d.lead, "Den globala ordningens utveckling är en given "
                                "huvudfråga, med utgångspunkt i de pågående "
                                "handelsmotsättningarna mellan USA och Kina.");
    assert_string_equal(d.body, "Årets deltagarlista bekräftar den betydelse "
                                "som Stockholm China Forum tillmäts.");
    prs_doc_clear(&d);
}

static void md_real_corpus(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    /* Has an inline base64 image inside a link. */
    parse_file(CORPUS("pressmeddelanden/2015/06/ny-rapport-om-den-offentliga-"
                      "sektorns-betydelse-for-ekonomisk-utveckling.md"),
               PRS_FMT_MARKDOWN, &d);
    assert_string_equal(d.title, "Ny rapport om den offentliga sektorns "
                                 "betydelse för ekonomisk utveckling");
    assert_contains(d.lead, "Långtidsutredningen presenterar i dag");
    assert_contains(d.body, "tel. +45 89 42 16 09");
    assert_contains(d.body, "- Välfärdsutgifter som till exempel");
    assert_contains(d.body, "Mer information om Långtidsutredningen 2015");
    assert_doc_lacks(&d, "base64");
    assert_doc_lacks(&d, "iVBORw0KGgo");
    assert_doc_lacks(&d, "](");
    prs_doc_clear(&d);

    /* Markdown tables with escaped asterisks. */
    parse_file(CORPUS("pressmeddelanden/2023/12/battre-mojlighet-att-starka-"
                      "sjukvarden-genom-tidiga-besked-om-statsbidrag.md"),
               PRS_FMT_MARKDOWN, &d);
    assert_string_equal(d.title, "Bättre möjlighet att stärka sjukvården "
                                 "genom tidiga besked om statsbidrag");
    assert_contains(d.body, "\nStockholm 2 111\nUppsala 371\n");
    assert_contains(d.body, "Besked om medel till regionerna så tidigt som "
                            "möjligt\n\n");
    assert_contains(d.body, "\n\n*Denna tabell innehåller");
    assert_doc_lacks(&d, "|");
    assert_doc_lacks(&d, "---");
    assert_doc_lacks(&d, "###");
    assert_doc_lacks(&d, "\\");
    prs_doc_clear(&d);
}

/* The same release from its .md file and from regeringen.jsonl.gz reads
 * the same: both go through prs_md_to_text(). */
struct find_ctx {
    const char *id;
    struct prs_doc found;
    size_t n;
};

static int find_record(struct prs_doc *doc, void *ctx)
{
    struct find_ctx *f = ctx;
    f->n++;
    if (doc->id && strcmp(doc->id, f->id) == 0) {
        f->found = *doc;
        memset(doc, 0, sizeof *doc); /* take ownership */
        return 1;                    /* found: stop */
    }
    return 0;
}

static void md_and_jsonl_agree(void **state)
{
    (void)state;
    const char *id = "pressmeddelanden/2019/03/sverige-vard-for-pbfs-forsta-"
                     "finansieringsdialog";
    struct prs_doc md = {0};
    parse_file(CORPUS("pressmeddelanden/2019/03/sverige-vard-for-pbfs-forsta-"
                      "finansieringsdialog.md"), PRS_FMT_MARKDOWN, &md);
    struct find_ctx f = {.id = id};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(REGERINGEN, 0, find_record, NULL, &f,
                                         &err), 0);
    assert_non_null(f.found.id);
    assert_string_equal(f.found.title, md.title);
    assert_string_equal(f.found.lead, md.lead);
    assert_string_equal(f.found.body, md.body);
    assert_string_equal(f.found.published, "2019-03");
    assert_string_equal(f.found.type, "pressmeddelanden"); /* from section */
    assert_string_equal(f.found.url, "https://www.regeringen.se/"
                                     "pressmeddelanden/2019/03/sverige-vard-"
                                     "for-pbfs-forsta-finansieringsdialog/");
    assert_contains(md.lead, "Sveriges engagemang för FN:s fredsbyggande");
    prs_doc_clear(&f.found);
    prs_doc_clear(&md);
}

static void md_title_forms(void **state)
{
    (void)state;
    static const struct {
        const char *md;
        const char *title;
        const char *lead;
    } cases[] = {
        {"\xEF\xBB\xBF# Med BOM\n\nText.", "Med BOM", "Text."},
        {"\n\n  # Indragen [länk](x) *rubrik* #\nText.", "Indragen länk rubrik",
         "Text."},
        {"Setext-rubrik\n=====\n\nText.", "Setext-rubrik", "Text."},
        {"## Nivå två\nText.", "Nivå två", "Text."},
        {"# Bara rubrik", "Bara rubrik", NULL},
        {"---\ntitle: 'Från front matter'\n---\n# Från front matter\n\nText.",
         "Från front matter", "Text."},
        {"---\ntitle: Rubrik\ndate: inte ett datum\n---\nText direkt.", "Rubrik",
         "Text direkt."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct prs_doc d = {0};
        struct prs_err err = {0};
        int rc = prs_parse_markdown(cases[i].md, strlen(cases[i].md), &d, &err);
        if (rc != 0)
            fail_msg("case %zu: %s", i, err.msg);
        assert_string_equal(d.title, cases[i].title);
        assert_str_or_null(d.lead, cases[i].lead);
        assert_null(d.body);
        assert_null(d.published);
        prs_doc_clear(&d);
    }
}

/* Input every single-release parser must refuse, with the message part. */
static const struct {
    const char *name;
    const char *text;
    size_t len;
    const char *msg;
} unusable[] = {
    {"empty", "", 0, "empty"},
    {"blank", " \n\t\r\n\xC2\xA0\n", 8, "empty"},
    {"NUL", "# Titel\n\nText\0mer", 17, "NUL byte at byte 13 (line 3)"},
    {"latin-1", "# Titel\n\nPressmeddelande fr\xE5n kommunen", 38,
     "invalid UTF-8 at byte 27 (line 3)"},
    {"truncated sequence", "# Titel\n\nslut \xC3", 15,
     "invalid UTF-8 at byte 14 (line 3)"},
    {"overlong", "# Titel \xC0\xAF", 10, "invalid UTF-8 at byte 8 (line 1)"},
    {"surrogate", "# Titel \xED\xA0\x80", 11, "invalid UTF-8 at byte 8"},
    {"binary", "\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03", 10, "NUL byte"},
};

static void single_parsers_refuse_unusable_input(void **state)
{
    (void)state;
    const int formats[] = {PRS_FMT_MARKDOWN, PRS_FMT_DUMP, PRS_FMT_HTML};
    for (size_t f = 0; f < 3; f++) {
        for (size_t i = 0; i < sizeof unusable / sizeof *unusable; i++) {
            struct prs_doc d = {0};
            struct prs_err err = {0};
            int rc = prs_parse_buffer(formats[f], unusable[i].text,
                                      unusable[i].len, &d, &err);
            if (rc != PRS_E_PARSE || !strstr(err.msg, unusable[i].msg))
                fail_msg("%s on %s: rc %d, message '%s', want '%s'",
                         prs_format_name(formats[f]), unusable[i].name, rc,
                         err.msg, unusable[i].msg);
            assert_null(d.title);
            assert_null(d.body);
        }
    }
    struct prs_doc d = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_buffer(PRS_FMT_JSONL, "{}", 2, &d, &err),
                     PRS_E_BADARG);
}

static void md_without_title_is_refused(void **state)
{
    (void)state;
    static const struct {
        const char *md;
        const char *msg;
    } cases[] = {
        {"\n\nBara text, ingen rubrik.\n", "line 3: no title"},
        {"# \n\nText", "title heading is empty"},
        {"# ![](bild.png)\n\nText", "title heading is empty"},
        {"---\ntype: Nyhet\n---\n", "no title"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct prs_doc d = {0};
        struct prs_err err = {0};
        int rc = prs_parse_markdown(cases[i].md, strlen(cases[i].md), &d, &err);
        assert_int_equal(rc, PRS_E_PARSE);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
        assert_null(d.type);
    }
}

/* ---- page dumps ---------------------------------------------------------- */

static void dump_seed(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(SEED, PRS_FMT_DUMP, &d);
    assert_string_equal(d.org, "Norrköpings kommun");
    assert_string_equal(d.title, "Klockaretorpet klassas inte längre som "
                                 "utsatt område på nationell lista");
    assert_true(strncmp(d.lead, "Stadsdelen Klockaretorpet i Norrköping har "
                                "funnits med", 50) == 0);
    assert_contains(d.lead, "är Navestad.");
    assert_contains(d.body, "Vikmång");
    assert_contains(d.body, "säger Anna Thörn.");
    assert_true(strncmp(d.body, "Ett utsatt område är enligt polisen", 20) == 0);
    assert_lacks(d.body, "Stadsdelen Klockaretorpet i Norrköping har");

    assert_int_equal(d.ncontacts, 2);
    assert_string_equal(d.contacts[0].name, "Olle Vikmång (S)");
    assert_string_equal(d.contacts[0].role, "ordförande kommunstyrelsen");
    assert_string_equal(d.contacts[0].phone, "070-687 15 38");
    assert_null(d.contacts[0].email);
    assert_string_equal(d.contacts[1].name, "Anna Thörn");
    assert_string_equal(d.contacts[1].role, "kommundirektör");
    assert_string_equal(d.contacts[1].phone, "073-020 20 36");

    assert_contains(d.sender, "Helena Jalkner");
    assert_contains(d.sender, "presskommunikatör");
    assert_contains(d.sender, "072-597 09 00");
    assert_contains(d.about, "Rådhuset\n604 81 Norrköping");
    assert_contains(d.about, "http://norrkoping.se");
    assert_contains(d.about, "143 500 invånare");
    assert_contains(d.about, "S, L, C och KD.");
    assert_null(d.published); /* the seed has no date line of its own */
    assert_null(d.type);

    /* Teasers of other releases and page chrome are nowhere. */
    static const char *const absent[] = {
        "Viaplays", "Berzelius", "säkerhetsutredare", "JO:s granskning",
        "Abonnera", "Följ", "pressrum", "Senaste", "25.11.2022", "CET",
        "Avsändare", "Kontakt:", "Titel:", "____", "\xC2\xA0", NULL};
    for (size_t i = 0; absent[i]; i++)
        assert_doc_lacks(&d, absent[i]);
    assert_lacks(d.body, "\nDela\n");
    assert_true(strncmp(d.lead, "Dela", 4) != 0);
    assert_lacks(d.body, "Telefon");
    assert_lacks(d.body, "143 500");
    prs_doc_clear(&d);
}

static void dump_date_near_top_and_inline_contacts(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(FIXTURE("e4-rotebro.txt"), PRS_FMT_DUMP, &d);
    assert_string_equal(d.org, "Trafikverket");
    assert_string_equal(d.title, "Nya bullerskydd längs E4 vid Rotebro");
    assert_string_equal(d.published, "2022-11-25T14:00");
    assert_string_equal(d.type, "Pressmeddelande");
    assert_string_equal(d.lead, "Trafikverket bygger nya bullerskydd längs E4 "
                                "vid Rotebro under våren.");
    assert_string_equal(d.body, "Arbetet pågår dagtid och påverkar trafiken i "
                                "begränsad omfattning.");
    assert_int_equal(d.ncontacts, 2);
    assert_string_equal(d.contacts[0].name, "Anna Berg");
    assert_string_equal(d.contacts[0].role, "projektledare");
    assert_string_equal(d.contacts[0].phone, "010-123 45 67");
    assert_string_equal(d.contacts[0].email, "anna.berg@trafikverket.se");
    assert_string_equal(d.contacts[1].name, "Pressjouren");
    assert_string_equal(d.contacts[1].phone, "0771-921 921");
    assert_doc_lacks(&d, "Hisingsbron");
    assert_doc_lacks(&d, "Göta älv");
    assert_doc_lacks(&d, "Dela");
    prs_doc_clear(&d);
}

static void dump_title_first_org_from_trailer(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(FIXTURE("vallastaden.txt"), PRS_FMT_DUMP, &d);
    assert_string_equal(d.title, "Ny skola i Vallastaden");
    assert_string_equal(d.org, "Linköpings kommun");
    assert_contains(d.lead, "ny grundskola i Vallastaden");
    /* "Om projektet" inside the body is a subheading, not the about block. */
    assert_string_equal(d.body, "Bygget startar i januari.\n\nOm projektet\n\n"
                                "Skolan byggs i trä och får solceller på taket.");
    assert_null(d.about);
    assert_doc_lacks(&d, "badhus");
    assert_doc_lacks(&d, "Senaste");
    prs_doc_clear(&d);
}

static const struct {
    const char *name;
    const char *text;
    const char *title, *org, *lead, *body, *published, *type;
    const char *absent;
} dump_cases[] = {
    {"teasers without a heading",
     "Region Exempel\n\nNy vårdcentral öppnar\n\nVårdcentralen öppnar i maj.\n\n"
     "Fler läkare anställs.\n\nGammal nyhet om parkering\n"
     "01.02.2022 08:00 CET | Pressmeddelande\n\nTeaser om parkeringen.\n",
     "Ny vårdcentral öppnar", "Region Exempel", "Vårdcentralen öppnar i maj.",
     "Fler läkare anställs.", NULL, NULL, "parkering"},
    {"\"Följ\" inside the body is text",
     "Stockholms stad\n\nDebatt i fullmäktige\n\nFullmäktige debatterar "
     "budgeten.\n\nFölj debatten live\n\nSändningen börjar klockan nio.\n",
     "Debatt i fullmäktige", "Stockholms stad", "Fullmäktige debatterar budgeten.",
     "Följ debatten live\n\nSändningen börjar klockan nio.", NULL, NULL, NULL},
    {"type and Swedish date above the title",
     "Pressmeddelande \xE2\x80\xA2 3 mars 2023 kl. 09.30\n\nKulturrådet\n\n"
     "Nya stipendier\n\nDela på LinkedIn\n\nStipendierna delas ut i juni.\n",
     "Nya stipendier", "Kulturrådet", "Stipendierna delas ut i juni.", NULL,
     "2023-03-03T09:30", "Pressmeddelande", "LinkedIn"},
    {"a date inside a sentence is text",
     "Kommunen\n\nMöte om budget\n\nMötet hölls 25.11.2022 14:00 i "
     "Rådhuset.\n",
     "Möte om budget", "Kommunen", "Mötet hölls 25.11.2022 14:00 i Rådhuset.",
     NULL, NULL, NULL, NULL},
    {"only a title", "Bara en rubrik\n", "Bara en rubrik", NULL, NULL, NULL,
     NULL, NULL, NULL},
    {"CRLF and no-break spaces",
     "Org AB\r\n\r\nRubrik\xC2\xA0h\xC3\xA4r\r\n\xC2\xA0\r\nText\xC2\xA0"
     "med\xC2\xA0mellanslag.\r\n",
     "Rubrik här", "Org AB", "Text med mellanslag.", NULL, NULL, NULL, "\r"},
    {"Kontakt block followed by more text",
     "Org\n\nRubrik\n\nIngress.\n\nKontakt: Eva Ek, presschef, 08-123 456 78\n\n"
     "Detta är en längre mening som hör till pressmeddelandet och fortsätter "
     "efter kontaktuppgifterna i texten.\n",
     "Rubrik", "Org", "Ingress.",
     "Detta är en längre mening som hör till pressmeddelandet och fortsätter "
     "efter kontaktuppgifterna i texten.", NULL, NULL, "Kontakt"},
};

static void dump_variants_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dump_cases / sizeof *dump_cases; i++) {
        struct prs_doc d = {0};
        struct prs_err err = {0};
        const char *t = dump_cases[i].text;
        if (prs_parse_dump(t, strlen(t), &d, &err) != 0)
            fail_msg("%s: %s", dump_cases[i].name, err.msg);
        print_message("dump case: %s\n", dump_cases[i].name);
        assert_str_or_null(d.title, dump_cases[i].title);
        assert_str_or_null(d.org, dump_cases[i].org);
        assert_str_or_null(d.lead, dump_cases[i].lead);
        assert_str_or_null(d.body, dump_cases[i].body);
        assert_str_or_null(d.published, dump_cases[i].published);
        assert_str_or_null(d.type, dump_cases[i].type);
        if (dump_cases[i].absent)
            assert_doc_lacks(&d, dump_cases[i].absent);
        prs_doc_clear(&d);
    }
    /* The inline "Kontakt:" case keeps its contact. */
    struct prs_doc d = {0};
    struct prs_err err = {0};
    const char *t = dump_cases[6].text;
    assert_int_equal(prs_parse_dump(t, strlen(t), &d, &err), 0);
    assert_int_equal(d.ncontacts, 1);
    assert_string_equal(d.contacts[0].name, "Eva Ek");
    assert_string_equal(d.contacts[0].role, "presschef");
    assert_string_equal(d.contacts[0].phone, "08-123 456 78");
    prs_doc_clear(&d);
}

/* ---- HTML ---------------------------------------------------------------- */

static void html_fixture(void **state)
{
    (void)state;
    struct prs_doc d = {0};
    parse_file(FIXTURE("release.html"), PRS_FMT_HTML, &d);
    assert_string_equal(d.title, "Klockaretorpet klassas inte längre som utsatt "
                                 "område");
    assert_string_equal(d.org, "Norrköpings kommun");
    assert_string_equal(d.published, "2022-11-28T09:15");
    assert_string_equal(d.url, "https://www.norrkoping.se/press/klockaretorpet");
    assert_string_equal(d.lead, "Stadsdelen Klockaretorpet i Norrköping har "
                                "funnits med på polisens nationella lista över "
                                "utsatta områden.");
    assert_string_equal(d.body,
                        "Ett utsatt område är enligt polisen ett område som är "
                        "geografiskt avgränsat och där den socioekonomiska "
                        "statusen är låg.\n\nSkolan\n\n– Skolan är central i "
                        "det förebyggande arbetet, säger Olle Vikmång.\n"
                        "Kontakt: 070-687 15 38\n\nStudiehandledning\n"
                        "Språkutveckling");
    static const char *const absent[] = {
        "Spårningsskript", "color", "Startsida", "Meny", "Pressrum", "Viaplays",
        "Sök", "Dold", "Javascript", "Abonnera", "\xC2\xA0", NULL};
    for (size_t i = 0; absent[i]; i++)
        assert_doc_lacks(&d, absent[i]);
    prs_doc_clear(&d);
}

static const struct {
    const char *name;
    const char *html;
    const char *title, *lead, *body, *published, *org;
} html_cases[] = {
    {"og:title wins; meta description as lead without repetition",
     "<html><head><meta property=\"og:title\" content=\" Titel  från OG \">"
     "<meta name=\"description\" content=\"Första stycket.\">"
     "<meta name=\"author\" content=\"Kommunen\"></head><body><h1>H1</h1>"
     "<p>Första stycket.</p><p>Andra.</p></body></html>",
     "Titel från OG", "Första stycket.", "Andra.", NULL, "Kommunen"},
    {"<title> without the site suffix",
     "<title>Nyhet om vägar | Trafikverket</title><p>Text.</p>",
     "Nyhet om vägar", "Text.", NULL, NULL, NULL},
    {"<time> text and the longest article with <h1>",
     "<article><h2>Teaser</h2><p>Annan nyhet</p></article>"
     "<article><h1>Riktig</h1><time>3 mars 2023</time><p>Ett.</p>"
     "<div>Två <b>fet</b></div></article>",
     "Riktig", "Ett.", "Två fet", "2023-03-03", NULL},
    {"meta date and entities",
     "<head><meta name=\"date\" content=\"2021-06-01\"></head>"
     "<main><h1>R&auml;ksm&ouml;rg&aring;s &amp; co</h1><p>a&nbsp;&nbsp;b"
     "</p><table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>"
     "</main>",
     "Räksmörgås & co", "a b", "x y\nz", "2021-06-01", NULL},
    {"bad dates are ignored",
     "<head><meta property=\"article:published_time\" content=\"igår\">"
     "</head><h1>T</h1><time datetime=\"2020-02-30\">x</time>"
     "<meta name=\"date\" content=\"2020-02-03\">",
     "T", NULL, NULL, "2020-02-03", NULL},
};

static void html_variants_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof html_cases / sizeof *html_cases; i++) {
        struct prs_doc d = {0};
        struct prs_err err = {0};
        const char *h = html_cases[i].html;
        if (prs_parse_html(h, strlen(h), &d, &err) != 0)
            fail_msg("%s: %s", html_cases[i].name, err.msg);
        print_message("html case: %s\n", html_cases[i].name);
        assert_str_or_null(d.title, html_cases[i].title);
        assert_str_or_null(d.lead, html_cases[i].lead);
        assert_str_or_null(d.body, html_cases[i].body);
        assert_str_or_null(d.published, html_cases[i].published);
        assert_str_or_null(d.org, html_cases[i].org);
        prs_doc_clear(&d);
    }
}

static void html_latin1_is_converted_when_declared(void **state)
{
    (void)state;
    const char *page = "<html><head><meta charset=\"iso-8859-1\"></head><body>"
                       "<h1>R\xE4ksm\xF6rg\xE5s</h1><p>Pris 10 \x80.</p></body>"
                       "</html>";
    struct prs_doc d = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_html(page, strlen(page), &d, &err), 0);
    assert_string_equal(d.title, "Räksmörgås");
    assert_string_equal(d.lead, "Pris 10 €.");
    prs_doc_clear(&d);

    const char *undeclared = "<h1>R\xE4ksm\xF6rg\xE5s</h1>";
    assert_int_equal(prs_parse_html(undeclared, strlen(undeclared), &d, &err),
                     PRS_E_PARSE);
    assert_contains(err.msg, "invalid UTF-8 at byte 5 (line 1)");
}

static void html_without_title_is_refused(void **state)
{
    (void)state;
    const char *page = "<html><body><p>Bara text.</p></body></html>";
    struct prs_doc d = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_html(page, strlen(page), &d, &err), PRS_E_PARSE);
    assert_contains(err.msg, "no title");
    assert_null(d.lead);
}

static void html_deep_nesting(void **state)
{
    (void)state;
    /* Right under the limit (inline elements count too). */
    struct prs_buf b = {0};
    assert_int_equal(prs_buf_puts(&b, "<h1>Djup</h1>"), 0);
    for (int i = 0; i < 495; i++)
        assert_int_equal(prs_buf_puts(&b, "<span><i>"), 0);
    assert_int_equal(prs_buf_puts(&b, "botten"), 0);
    struct prs_doc d = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_html(b.data, b.len, &d, &err), 0);
    assert_string_equal(d.title, "Djup");
    assert_string_equal(d.lead, "botten");
    prs_doc_clear(&d);

    /* Deeper costs gumbo the square of the depth: refused early. */
    prs_buf_reset(&b);
    assert_int_equal(prs_buf_puts(&b, "<h1>Djup</h1><!-- <div><div> -->"
                                      "<script>if (a<b) x = '<div>';</script>"), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(prs_buf_puts(&b, "<div><b>"), 0);
    assert_int_equal(prs_parse_html(b.data, b.len, &d, &err), PRS_E_PARSE);
    assert_contains(err.msg, "nested deeper than 1000 elements");
    assert_null(d.title);

    /* A deep but plausible page, with unclosed <p> and <li>, is fine. */
    prs_buf_reset(&b);
    assert_int_equal(prs_buf_puts(&b, "<h1>Djup</h1>"), 0);
    for (int i = 0; i < 900; i++)
        assert_int_equal(prs_buf_puts(&b, "<div><p>stycke<ul><li>a<li>b</ul>"
                                          "<br><img src=x><hr/>"), 0);
    assert_int_equal(prs_parse_html(b.data, b.len, &d, &err), 0);
    assert_string_equal(d.lead, "stycke");
    prs_doc_clear(&d);
    prs_buf_free(&b);
}

/* ---- JSON ---------------------------------------------------------------- */

struct collect {
    size_t nok, nbad;
    char ids[16][128];
    size_t bad_lines[16];
    char bad_msgs[16][PRS_ERR_MSG_MAX + 64];
    struct prs_doc first; /* a copy of the first good record */
    int stop_after;       /* > 0: return stop_code after that many */
    int stop_code;
};

static int on_ok(struct prs_doc *doc, void *ctx)
{
    struct collect *c = ctx;
    if (c->nok < 16)
        snprintf(c->ids[c->nok], sizeof c->ids[0], "%s", doc->id);
    if (c->nok == 0) {
        c->first = *doc;
        memset(doc, 0, sizeof *doc);
    }
    c->nok++;
    if (c->stop_after && c->nok == (size_t)c->stop_after)
        return c->stop_code;
    return 0;
}

static void on_bad(const char *path, size_t line, const char *msg, void *ctx)
{
    struct collect *c = ctx;
    assert_non_null(path);
    if (c->nbad < 16) {
        c->bad_lines[c->nbad] = line;
        snprintf(c->bad_msgs[c->nbad], sizeof c->bad_msgs[0], "%s", msg);
    }
    c->nbad++;
}

static void collect_free(struct collect *c) { prs_doc_clear(&c->first); }

static void assert_bad(const struct collect *c, size_t i, size_t line,
                       const char *msg)
{
    if (i >= c->nbad)
        fail_msg("bad record %zu missing (%zu reported)", i, c->nbad);
    if (c->bad_lines[i] != line || !strstr(c->bad_msgs[i], msg))
        fail_msg("bad record %zu: line %zu '%s', want line %zu '%s'", i,
                 c->bad_lines[i], c->bad_msgs[i], line, msg);
}

/* What records.jsonl holds, wherever it is read from. */
static void check_records_jsonl(const struct collect *c)
{
    assert_int_equal(c->nok, 4);
    assert_string_equal(c->ids[0], "pressmeddelanden/2022/11/bullerskydd");
    assert_string_equal(c->ids[1], "pressmeddelanden/2019/03/pbf");
    assert_string_equal(c->ids[2], "no-date");
    assert_string_equal(c->ids[3], "last");
    assert_int_equal(c->nbad, 6);
    assert_bad(c, 0, 4, "invalid JSON");
    assert_bad(c, 1, 5, "'title' must be a string, not a number");
    assert_bad(c, 2, 6, "missing 'id'");
    assert_bad(c, 3, 7, "'contacts[0].name' must be a string");
    assert_bad(c, 4, 8, "'published' is not a date: \"2022-13\"");
    assert_bad(c, 5, 10, "must be a JSON object, not an array");
    const struct prs_doc *d = &c->first;
    assert_string_equal(d->title, "Nya bullerskydd längs E4");
    assert_string_equal(d->org, "Trafikverket");
    assert_string_equal(d->published, "2022-11-25T14:00");
    assert_string_equal(d->type, "Pressmeddelande");
    assert_string_equal(d->lead, "Trafikverket bygger nya bullerskydd.");
    assert_string_equal(d->body, "Arbetet pågår dagtid.\n\nLäs mer på vår "
                                 "webbplats.");
    assert_string_equal(d->url, "https://trafikverket.se/press/1");
    assert_null(d->source);
    assert_int_equal(d->ncontacts, 2);
    assert_string_equal(d->contacts[0].name, "Anna Berg");
    assert_string_equal(d->contacts[0].role, "projektledare");
    assert_string_equal(d->contacts[0].phone, "010-123 45 67");
    assert_string_equal(d->contacts[0].email, "anna.berg@trafikverket.se");
    assert_string_equal(d->contacts[1].name, "Pressjouren");
    assert_null(d->contacts[1].phone);
}

static void json_lines_fixture(void **state)
{
    (void)state;
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(FIXTURE("records.jsonl"), 0, on_ok,
                                         on_bad, &c, &err), 0);
    check_records_jsonl(&c);
    collect_free(&c);
}

static void json_lines_section_and_markdown(void **state)
{
    (void)state;
    const char *lines =
        "{\"id\":\"x\",\"title\":\"T\",\"section\":\"pressmeddelanden\","
        "\"body\":\"Ett *stycke*.\\n\\n## Bakgrund\\n\\nFonden.\"}\n";
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_buffer(lines, strlen(lines), PRS_FMT_JSONL,
                                           "mem", on_ok, on_bad, &c, &err), 0);
    assert_int_equal(c.nok, 1);
    assert_string_equal(c.first.type, "pressmeddelanden");
    assert_string_equal(c.first.lead, "Ett stycke.");
    assert_string_equal(c.first.body, "Bakgrund\n\nFonden.");
    collect_free(&c);
}

static void json_array_fixture(void **state)
{
    (void)state;
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(FIXTURE("records.json"), 0, on_ok,
                                         on_bad, &c, &err), 0);
    assert_int_equal(c.nok, 2);
    assert_string_equal(c.ids[0], "a");
    assert_string_equal(c.ids[1], "c");
    assert_string_equal(c.first.published, "2021-05-04");
    assert_int_equal(c.nbad, 1);
    assert_bad(&c, 0, 2, "array element 2 (line 7): 'title' must be a string, "
                         "not an array");
    collect_free(&c);
}

static void json_single_pretty_object(void **state)
{
    (void)state;
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(FIXTURE("single.json"), 0, on_ok,
                                         on_bad, &c, &err), 0);
    assert_int_equal(c.nok, 1);
    assert_int_equal(c.nbad, 0);
    assert_string_equal(c.first.title, "Ett enda pressmeddelande");
    assert_string_equal(c.first.lead, "Första stycket.");
    assert_string_equal(c.first.body, "Andra stycket.");
    collect_free(&c);
}

static const struct {
    const char *name;
    const char *json;
    int format;
    size_t nok;
    size_t nbad;
    size_t bad_line;
    const char *bad_msg;
} json_cases[] = {
    {"empty", "", PRS_FMT_JSONL, 0, 0, 0, NULL},
    {"blank lines only", "\n \n\t\r\n", PRS_FMT_JSONL, 0, 0, 0, NULL},
    {"empty array", " [ ] ", PRS_FMT_JSON, 0, 0, 0, NULL},
    {"BOM", "\xEF\xBB\xBF{\"id\":\"a\",\"title\":\"t\"}", PRS_FMT_JSONL, 1, 0, 0,
     NULL},
    {"invalid UTF-8 line", "{\"id\":\"a\",\"title\":\"p\xE5\"}\n"
     "{\"id\":\"b\",\"title\":\"ok\"}", PRS_FMT_JSONL, 1, 1, 1, "invalid JSON"},
    {"escaped NUL", "{\"id\":\"a\",\"title\":\"x\\u0000y\"}\n"
     "{\"id\":\"b\",\"title\":\"ok\"}", PRS_FMT_JSONL, 1, 1, 1, "invalid JSON"},
    {"empty id", "{\"id\":\" \",\"title\":\"t\"}", PRS_FMT_JSONL, 0, 1, 1,
     "'id' is empty"},
    {"id as number", "{\"id\":7,\"title\":\"t\"}", PRS_FMT_JSONL, 0, 1, 1,
     "'id' must be a string, not a number"},
    {"missing title", "\n\n{\"id\":\"a\"}", PRS_FMT_JSONL, 0, 1, 3,
     "missing 'title'"},
    {"contacts not an array", "{\"id\":\"a\",\"title\":\"t\",\"contacts\":\"x\"}",
     PRS_FMT_JSONL, 0, 1, 1, "'contacts' must be an array, not a string"},
    {"contact of the wrong type", "{\"id\":\"a\",\"title\":\"t\",\"contacts\":[1]}",
     PRS_FMT_JSONL, 0, 1, 1, "'contacts[0]' must be an object or a string"},
    {"lead of the wrong type", "{\"id\":\"a\",\"title\":\"t\",\"lead\":{}}",
     PRS_FMT_JSONL, 0, 1, 1, "'lead' must be a string, not an object"},
    {"array with a broken element",
     "[{\"id\":\"a\",\"title\":\"t\"},\n{\"id\":\"b\",\"title\":},\n"
     "{\"id\":\"c\",\"title\":\"t\"}]", PRS_FMT_JSON, 2, 1, 2,
     "array element 2 (line 2): invalid JSON"},
    {"array of strings with commas and brackets",
     "[{\"id\":\"a,]\",\"title\":\"t \\\"}]\"}, 5]", PRS_FMT_JSON, 1, 1, 2,
     "must be a JSON object, not a number"},
    {"array not closed", "[{\"id\":\"a\",\"title\":\"t\"},", PRS_FMT_JSON, 1, 1,
     2, "not closed"},
    {"text after the array", "[{\"id\":\"a\",\"title\":\"t\"}] x", PRS_FMT_JSON,
     1, 1, 2, "text after the end"},
    {"empty element", "[{\"id\":\"a\",\"title\":\"t\"},,]", PRS_FMT_JSON, 1, 2,
     2, "empty array element"},
    {"concatenated objects in .json",
     "{\"id\":\"a\",\n \"title\":\"t\"}{\"id\":\"b\",\"title\":\"u\"}\n"
     "{\"id\":\"c\",\n\"title\": 1}", PRS_FMT_JSON, 2, 1, 3,
     "'title' must be a string"},
    {"unterminated object in .json", "{\"id\":\"a\",\"title\":\"t\"\n",
     PRS_FMT_JSON, 0, 1, 1, "unterminated record"},
    {"scalar in .json", "42", PRS_FMT_JSON, 0, 1, 1, "not a number"},
};

static void json_variants_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof json_cases / sizeof *json_cases; i++) {
        struct collect c = {0};
        struct prs_err err = {0};
        int rc = prs_parse_json_buffer(json_cases[i].json,
                                       strlen(json_cases[i].json),
                                       json_cases[i].format, "mem", on_ok,
                                       on_bad, &c, &err);
        if (rc != 0 || c.nok != json_cases[i].nok || c.nbad != json_cases[i].nbad)
            fail_msg("%s: rc %d (%s), %zu good, %zu bad ('%s'); want %zu, %zu",
                     json_cases[i].name, rc, err.msg, c.nok, c.nbad,
                     c.nbad ? c.bad_msgs[0] : "", json_cases[i].nok,
                     json_cases[i].nbad);
        if (json_cases[i].bad_msg)
            assert_bad(&c, 0, json_cases[i].bad_line, json_cases[i].bad_msg);
        collect_free(&c);
    }
}

static void json_deep_nesting(void **state)
{
    (void)state;
    const size_t depths[] = {100, 100000};
    for (size_t k = 0; k < 2; k++) {
        struct prs_buf b = {0};
        assert_int_equal(prs_buf_puts(&b, "{\"id\":\"a\",\"title\":\"t\",\"x\":"), 0);
        for (size_t i = 0; i < depths[k]; i++)
            assert_int_equal(prs_buf_putc(&b, '['), 0);
        for (size_t i = 0; i < depths[k]; i++)
            assert_int_equal(prs_buf_putc(&b, ']'), 0);
        assert_int_equal(prs_buf_puts(&b, "}\n{\"id\":\"b\",\"title\":\"u\"}"), 0);
        for (int f = PRS_FMT_JSONL; f <= PRS_FMT_JSON; f++) {
            struct collect c = {0};
            struct prs_err err = {0};
            assert_int_equal(prs_parse_json_buffer(b.data, b.len, f, "deep",
                                                   on_ok, on_bad, &c, &err), 0);
            /* jansson caps the depth: too deep is a bad record, no crash. */
            assert_int_equal(c.nok, k == 0 ? 2 : 1);
            assert_int_equal(c.nbad, k == 0 ? 0 : 1);
            collect_free(&c);
        }
        prs_buf_free(&b);
    }
}

static void json_long_line_is_a_bad_record(void **state)
{
    (void)state;
    struct prs_buf b = {0};
    assert_int_equal(prs_buf_puts(&b, "{\"id\":\"a\",\"title\":\"t\"}\n"
                                      "{\"id\":\"long\",\"title\":\""), 0);
    size_t big = PRS_PARSE_MAX_RECORD + 10;
    char *x = malloc(big);
    assert_non_null(x);
    memset(x, 'x', big);
    assert_int_equal(prs_buf_append(&b, x, big), 0);
    free(x);
    assert_int_equal(prs_buf_puts(&b, "\"}\n{\"id\":\"c\",\"title\":\"t\"}\n"), 0);
    const int formats[] = {PRS_FMT_JSONL, PRS_FMT_JSON};
    for (size_t f = 0; f < 2; f++) {
        struct collect c = {0};
        struct prs_err err = {0};
        assert_int_equal(prs_parse_json_buffer(b.data, b.len, formats[f], "big",
                                               on_ok, on_bad, &c, &err), 0);
        assert_int_equal(c.nok, 2);
        assert_string_equal(c.ids[1], "c");
        assert_int_equal(c.nbad, 1);
        assert_int_equal(c.bad_lines[0], 2);
        assert_contains(c.bad_msgs[0], "longer than");
        collect_free(&c);
    }
    prs_buf_free(&b);
}

static void json_callback_can_stop_or_abort(void **state)
{
    (void)state;
    struct collect c = {.stop_after = 2, .stop_code = 1};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(FIXTURE("records.jsonl"), 0, on_ok,
                                         on_bad, &c, &err), 0);
    assert_int_equal(c.nok, 2);
    assert_int_equal(c.nbad, 0);
    collect_free(&c);

    struct collect a = {.stop_after = 1, .stop_code = PRS_E_IO};
    assert_int_equal(prs_parse_json_file(FIXTURE("records.json"), 0, on_ok,
                                         on_bad, &a, &err), PRS_E_IO);
    assert_int_equal(a.nok, 1);
    assert_contains(err.msg, "records.json:1: stopped by the record handler");
    collect_free(&a);
}

static void json_file_errors(void **state)
{
    (void)state;
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(FIXTURE("no-such-file.jsonl"), 0, on_ok,
                                         on_bad, &c, &err), PRS_E_NOTFOUND);
    assert_contains(err.msg, "no-such-file.jsonl");
    assert_int_equal(prs_parse_json_file(PRS_TEST_DATA_DIR "/parse", 0, on_ok,
                                         on_bad, &c, &err), PRS_E_BADARG);
    assert_contains(err.msg, "is a directory");
    assert_int_equal(prs_parse_json_file(FIXTURE("records.jsonl"), 100, on_ok,
                                         on_bad, &c, &err), PRS_E_RANGE);
    assert_contains(err.msg, "file too large (limit 100 bytes)");
    assert_int_equal(c.nok, 0);
}

/* A scratch folder for files written at run time. */
struct tmp {
    char dir[256];
    char path[3][320];
};

static void tmp_open(struct tmp *t)
{
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/prs_parse_XXXXXX", base ? base : "/tmp");
    assert_non_null(mkdtemp(t->dir));
}

static const char *tmp_file(struct tmp *t, int i, const char *name)
{
    snprintf(t->path[i], sizeof t->path[i], "%s/%s", t->dir, name);
    return t->path[i];
}

static void tmp_close(struct tmp *t)
{
    for (int i = 0; i < 3; i++)
        if (t->path[i][0])
            unlink(t->path[i]);
    rmdir(t->dir);
}

static void gzip_file(const char *from, const char *to)
{
    size_t len;
    char *text = slurp(from, &len);
    gzFile gz = gzopen(to, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, text, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
    free(text);
}

static void json_gzip_is_read_transparently(void **state)
{
    (void)state;
    struct tmp t = {0};
    tmp_open(&t);
    const char *gz = tmp_file(&t, 0, "records.jsonl.gz");
    gzip_file(FIXTURE("records.jsonl"), gz);
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(gz, 0, on_ok, on_bad, &c, &err), 0);
    check_records_jsonl(&c);
    collect_free(&c);

    const char *gzarr = tmp_file(&t, 1, "records.json.gz");
    gzip_file(FIXTURE("records.json"), gzarr);
    struct collect a = {0};
    assert_int_equal(prs_parse_json_file(gzarr, 0, on_ok, on_bad, &a, &err), 0);
    assert_int_equal(a.nok, 2);
    assert_int_equal(a.nbad, 1);
    collect_free(&a);

    /* max_bytes counts what comes out of the decompressor. */
    struct collect m = {0};
    assert_int_equal(prs_parse_json_file(gz, 200, on_ok, on_bad, &m, &err),
                     PRS_E_RANGE);
    assert_contains(err.msg, "after decompression");

    /* A single-release file may be gzipped too. */
    const char *md = tmp_file(&t, 2, "release.md.gz");
    gzip_file(FIXTURE("release.md"), md);
    size_t len = 0;
    char *text = prs_parse_read_file(md, 1 << 20, &len, &err);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_true(strncmp(text, "# Ny rapport", 12) == 0);
    free(text);
    tmp_close(&t);
}

static void json_corrupt_gzip_fails_the_file(void **state)
{
    (void)state;
    struct tmp t = {0};
    tmp_open(&t);
    const char *gz = tmp_file(&t, 0, "corrupt.jsonl.gz");
    gzip_file(FIXTURE("records.jsonl"), gz);
    size_t len;
    char *bytes = slurp(gz, &len);
    /* Truncated: the gzip trailer and some data are missing. */
    const char *cut = tmp_file(&t, 1, "cut.jsonl.gz");
    FILE *f = fopen(cut, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len - 40, f), len - 40);
    fclose(f);
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(cut, 0, on_ok, on_bad, &c, &err),
                     PRS_E_PARSE);
    assert_contains(err.msg, "gzip data is corrupt");
    collect_free(&c);
    /* Damaged in the middle. */
    for (size_t i = 20; i < 60 && i < len; i++)
        bytes[i] = (char)0xA5;
    f = fopen(gz, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    struct collect d = {0};
    assert_int_equal(prs_parse_json_file(gz, 0, on_ok, on_bad, &d, &err),
                     PRS_E_PARSE);
    assert_contains(err.msg, "gzip data is corrupt");
    char *text = prs_parse_read_file(gz, 1 << 20, &len, &err);
    assert_null(text);
    assert_contains(err.msg, "gzip data is corrupt");
    collect_free(&d);
    free(bytes);
    tmp_close(&t);
}

static void regeringen_jsonl_gz_all_records(void **state)
{
    (void)state;
    struct collect c = {0};
    struct prs_err err = {0};
    assert_int_equal(prs_parse_json_file(REGERINGEN, 0, on_ok, on_bad, &c,
                                         &err), 0);
    if (c.nbad)
        fail_msg("%zu bad records, first at line %zu: %s", c.nbad,
                 c.bad_lines[0], c.bad_msgs[0]);
    assert_int_equal(c.nok, 44397);
    assert_string_equal(c.ids[0], "arendeforteckningar/2011/04/regeringens-"
                                  "arendeforteckning-vecka-16");
    assert_string_equal(c.first.title, "Regeringens ärendeförteckning vecka 16");
    assert_string_equal(c.first.published, "2011-04");
    assert_string_equal(c.first.type, "arendeforteckningar");
    assert_string_equal(c.first.lead, "Till regeringssammanträdet onsdagen den "
                                      "20 april 2011.");
    assert_null(c.first.body);
    collect_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_from_path_table),
        cmocka_unit_test(date_from_path_table),
        cmocka_unit_test(md_to_text_table),
        cmocka_unit_test(md_fixture),
        cmocka_unit_test(md_front_matter),
        cmocka_unit_test(md_real_corpus),
        cmocka_unit_test(md_and_jsonl_agree),
        cmocka_unit_test(md_title_forms),
        cmocka_unit_test(md_without_title_is_refused),
        cmocka_unit_test(single_parsers_refuse_unusable_input),
        cmocka_unit_test(dump_seed),
        cmocka_unit_test(dump_date_near_top_and_inline_contacts),
        cmocka_unit_test(dump_title_first_org_from_trailer),
        cmocka_unit_test(dump_variants_table),
        cmocka_unit_test(html_fixture),
        cmocka_unit_test(html_variants_table),
        cmocka_unit_test(html_latin1_is_converted_when_declared),
        cmocka_unit_test(html_without_title_is_refused),
        cmocka_unit_test(html_deep_nesting),
        cmocka_unit_test(json_lines_fixture),
        cmocka_unit_test(json_lines_section_and_markdown),
        cmocka_unit_test(json_array_fixture),
        cmocka_unit_test(json_single_pretty_object),
        cmocka_unit_test(json_variants_table),
        cmocka_unit_test(json_deep_nesting),
        cmocka_unit_test(json_long_line_is_a_bad_record),
        cmocka_unit_test(json_callback_can_stop_or_abort),
        cmocka_unit_test(json_file_errors),
        cmocka_unit_test(json_gzip_is_read_transparently),
        cmocka_unit_test(json_corrupt_gzip_fails_the_file),
        cmocka_unit_test(regeringen_jsonl_gz_all_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
