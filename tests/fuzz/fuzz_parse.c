/*
 * fuzz_parse.c: every parser gets the same bytes: Markdown, page dump,
 * HTML, JSON Lines and JSON (in memory), the Markdown cleanup, the date
 * normaliser and the document JSON reader.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks the
 * parsers' promises: every stored string is valid UTF-8, a parsed release
 * has a title, a normalised date normalises to itself, and a document
 * survives prs_doc_to_json() / prs_doc_from_json().
 *
 * Built two ways: as a libFuzzer target (PRS_FUZZ=ON, clang), and as
 * fuzz_parse_replay (PRS_FUZZ_REPLAY), whose main() feeds the files named
 * on the command line, or a built-in set of nasty inputs when there are
 * none; ctest runs the latter as fuzz.parse_replay.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_parse: broken promise: %s\n", what);
        abort();
    }
}

static void check_str(const char *s)
{
    if (s)
        check(prs_utf8_valid(s, strlen(s)) && *s, "field is valid, non-empty UTF-8");
}

/* parsed: the document came from a parser (not prs_doc_from_json(), which
 * stores what it is given), so it has a title and a normalised date. */
static void check_doc(const struct prs_doc *d, int parsed)
{
    const char *f[] = {d->id,   d->title, d->org,    d->published,
                       d->type, d->lead,  d->body,   d->url,
                       d->sender, d->about, d->source};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        check_str(f[i]);
    for (size_t i = 0; i < d->ncontacts; i++) {
        check_str(d->contacts[i].name);
        check_str(d->contacts[i].role);
        check_str(d->contacts[i].phone);
        check_str(d->contacts[i].email);
    }
    if (parsed)
        check(d->title != NULL, "a parsed release has a title");
    if (parsed && d->published) {
        char again[32];
        check(prs_doc_normalize_date(d->published, again, sizeof again) == 0 &&
                  strcmp(again, d->published) == 0,
              "a stored date normalises to itself");
    }
    /* The JSON form reads back to the same document. */
    size_t len = 0;
    char *json = prs_doc_to_json(d, &len);
    check(json != NULL, "document serialises");
    struct prs_doc back = {0};
    struct prs_err err = {0};
    check(prs_doc_from_json(json, len, &back, &err) == 0, "JSON reads back");
    size_t len2 = 0;
    char *json2 = prs_doc_to_json(&back, &len2);
    check(json2 && strcmp(json, json2) == 0, "JSON round trip is exact");
    free(json);
    free(json2);
    prs_doc_clear(&back);
}

static int on_record(struct prs_doc *doc, void *ctx)
{
    (void)ctx;
    check_doc(doc, 1);
    check(doc->id != NULL, "a JSON record has an id");
    return 0;
}

static void on_bad(const char *path, size_t line, const char *msg, void *ctx)
{
    (void)ctx;
    (void)line;
    check(path && msg && *msg, "a bad record has a message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct prs_err err = {0};

    const int formats[] = {PRS_FMT_MARKDOWN, PRS_FMT_DUMP, PRS_FMT_HTML};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        struct prs_doc doc = {0};
        int rc = prs_parse_buffer(formats[i], text, size, &doc, &err);
        if (rc == 0)
            check_doc(&doc, 1);
        else
            check(doc.title == NULL && err.msg[0], "a failed parse says why");
        prs_doc_clear(&doc);
    }

    if (prs_utf8_valid(text, size)) {
        struct prs_buf out = {0};
        check(prs_md_to_text(text, size, &out) == 0, "cleanup succeeds");
        if (out.data)
            check(prs_utf8_valid(out.data, out.len), "cleanup keeps UTF-8");
        prs_buf_free(&out);
    }

    for (int f = PRS_FMT_JSONL; f <= PRS_FMT_JSON; f++)
        check(prs_parse_json_buffer(text, size, f, "fuzz", on_record, on_bad,
                                    NULL, &err) == 0,
              "an in-memory JSON parse only fails per record");

    struct prs_doc doc = {0};
    if (prs_doc_from_json(text, size, &doc, &err) == 0)
        check_doc(&doc, 0);
    prs_doc_clear(&doc);
    /* The stored form: a corrupt index record is an error, not a crash. */
    if (prs_doc_unpack(text, size, &doc, &err) == 0)
        check_doc(&doc, 0);
    else
        check(doc.id == NULL && err.msg[0], "a failed unpack says why");
    prs_doc_clear(&doc);

    /* Short inputs as C strings: dates and paths. */
    char s[80];
    size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
    memcpy(s, text, n);
    s[n] = '\0';
    char out[32];
    if (prs_doc_normalize_date(s, out, sizeof out) == 0) {
        char again[32];
        check(prs_doc_normalize_date(out, again, sizeof again) == 0 &&
                  strcmp(out, again) == 0,
              "date normalisation is idempotent");
    }
    if (prs_date_from_path(s, out, sizeof out) == 0)
        check(strlen(out) == 7, "a path date is YYYY-MM");
    (void)prs_format_from_path(s);
    return 0;
}

#ifdef PRS_FUZZ_REPLAY

static size_t run(const char *data, size_t len)
{
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    return 1;
}

/* An input repeating unit n times after prefix. */
static size_t run_repeated(const char *prefix, const char *unit, size_t n,
                           const char *suffix)
{
    struct prs_buf b = {0};
    int rc = prs_buf_puts(&b, prefix);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = prs_buf_puts(&b, unit);
    if (rc == 0)
        rc = prs_buf_puts(&b, suffix);
    check(rc == 0, "out of memory building an input");
    run(b.data, b.len);
    prs_buf_free(&b);
    return 1;
}

#define LIT(s) s, sizeof(s) - 1

static const struct {
    const char *data;
    size_t len;
} nasty[] = {
    {LIT("")},
    {LIT("\0")},
    {LIT("#")},
    {LIT("# ")},
    {LIT("# T\n")},
    {LIT("\xEF\xBB\xBF")},
    {LIT("\xEF\xBB\xBF# T")},
    {LIT("# T\n\n[")},
    {LIT("# T\n\n![")},
    {LIT("# T\n\n![](")},
    {LIT("# T\n\n[a](")},
    {LIT("# T\n\n[a]((((((")},
    {LIT("# T\n\n]]]]](((((")},
    {LIT("# T\n\n[a][")},
    {LIT("# T\n\n![a][b")},
    {LIT("# T\n\ndata:image/png;base64,")},
    {LIT("# T\n\nDATA:x/y;base64,AAAA====")},
    {LIT("# T\n\n&#")},
    {LIT("# T\n\n&#x110000; &#xD800; &#0; &#99999999999; &;")},
    {LIT("# T\n\n<")},
    {LIT("# T\n\n<!--")},
    {LIT("# T\n\n<br")},
    {LIT("# T\n\n<http://")},
    {LIT("# T\n\n\\")},
    {LIT("# T\n\n```")},
    {LIT("# T\n\n```\n\xC3\xA5\n~~~")},
    /* Stored records (prs_doc_pack()): a release, huge declared sizes,
     * deep nesting, a string running off the end. */
    {LIT("\x82\xA2id\xA1x\xA8" "contacts\x91\x81\xA4name\xA1n")},
    {LIT("\xDF\xFF\xFF\xFF\xFF")},
    {LIT("\x81\xA1x\xDD\x7F\xFF\xFF\xFF")},
    {LIT("\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\xC0")},
    {LIT("\x81\xA2id\xDB\x00\x00\x01\x00x")},
    {LIT("---")},
    {LIT("---\n")},
    {LIT("---\ntitle: x\n")},
    {LIT("---\ntitle: \"\"\n---\n")},
    {LIT("---\ntitle: 'x'\ndate: 2022-13-01\n---\n")},
    {LIT("Title\n===")},
    {LIT("|")},
    {LIT("# T\n| --- |\n|\\|")},
    {LIT("# T\n> > > >")},
    {LIT("# T\n* \n- \n+ ")},
    {LIT("# T\n**\n__\n~~\n`")},
    {LIT("# T \xC3")},
    {LIT("# T \xF4\x90\x80\x80")},
    {LIT("# T \xED\xBF\xBF")},
    {LIT("Org\n\nKontakt:")},
    {LIT("Org\n\nTitel\n\nKontakt:\n\nTitel:\nTelefon:\nE-post:\n@\n")},
    {LIT("Org\n\nTitel\n\nAvsändare:")},
    {LIT("Org\n\nTitel\n\nOm")},
    {LIT("Org\n\nTitel\n\nFölj Org")},
    {LIT("Följ Org\n\nAbonnera")},
    {LIT("25.11.2022 14:00:06 CET |")},
    {LIT("25.11.2022 14:00:06 CET | Pressmeddelande")},
    {LIT("Org\n\nT\n\nx\n\ny25.11.2022 14:00:06 CET | P\n")},
    {LIT("Org\n\nT\n\nx\n\ny\n1.1.2000 0:00 | P\n")},
    {LIT("\xE2\x80\xA2 1 jan 2000 |")},
    {LIT("99.99.9999 99:99:99 ZZZZZZ | \xE2\x80\xA2")},
    {LIT("31 februari 2023")},
    {LIT("2022-11-25T14:00:06+01:00")},
    {LIT("2022-11-25T")},
    {LIT("1.1.1000")},
    {LIT("/2019/03/")},
    {LIT("/1899/13/x/2999/12/")},
    {LIT("<")},
    {LIT("<!")},
    {LIT("<!--")},
    {LIT("</")},
    {LIT("<h1>")},
    {LIT("<h1></h1><title></title>")},
    {LIT("<title> | x</title>")},
    {LIT("<meta property=og:title content=\"\xC2\xA0\">")},
    {LIT("<meta charset=latin1><h1>\xE5\x80\x81\x9F</h1>")},
    {LIT("<meta charset=\"l1\"><h1>\xFF</h1>")},
    {LIT("<h1>t</h1><time datetime=\"\">x</time><time>y</time>")},
    {LIT("<h1>t</h1><p class=\"lead\"></p><div class=\"-lead-\">l</div>")},
    {LIT("<script>")},
    {LIT("<script></scrip")},
    {LIT("<h1>t</h1><template><p>x</template><svg><p>y</svg>")},
    {LIT("<article><article><h1>a</h1></article></article>")},
    {LIT("{")},
    {LIT("}")},
    {LIT("[")},
    {LIT("]")},
    {LIT("[,")},
    {LIT("[,]")},
    {LIT("[]]")},
    {LIT("[\"\\")},
    {LIT("\"")},
    {LIT("{\"id\":\"a\",\"title\":\"t\"}}")},
    {LIT("{\"id\":\"a\",\"title\":\"t\",\"contacts\":[{},\"\",null]}")},
    {LIT("{\"id\":\"a\",\"title\":\"t\",\"published\":\"25.11.2022 14:00\"}")},
    {LIT("{\"id\":\"a\",\"title\":\"t\",\"body\":\"![\"}\n\n\r\n{}")},
    {LIT("{\"id\":\"a\\u0000\",\"title\":\"t\"}")},
    {LIT("{\"id\":\"\\ud800\",\"title\":\"t\"}")},
    {LIT("{\"id\":\"a\",\"title\":\"\xC3\"}")},
    {LIT("{\"contacts\":[{\"name\":\"x\"}],\"sender\":\"s\"}")},
};

int main(int argc, char **argv)
{
    size_t runs = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            struct prs_err err = {0};
            size_t len = 0;
            char *data = prs_read_file(argv[i], 64u << 20, &len, &err);
            if (!data) {
                fprintf(stderr, "fuzz_parse_replay: %s\n", err.msg);
                return 1;
            }
            runs += run(data, len);
            free(data);
        }
    } else {
        for (size_t i = 0; i < sizeof nasty / sizeof *nasty; i++)
            runs += run(nasty[i].data, nasty[i].len);
        runs += run_repeated("# T\n\n", "[", 100000, "");
        runs += run_repeated("# T\n\n", "](", 50000, ")");
        runs += run_repeated("# T\n\n", "![", 50000, "]");
        runs += run_repeated("# T\n\n", "[a](b", 20000, "");
        runs += run_repeated("# T\n\n", "*_~`", 20000, "");
        runs += run_repeated("# T\n\n", "&#x", 20000, "");
        runs += run_repeated("# T\n\n", "\n", 100000, "x");
        runs += run_repeated("# T\n\n[x](data:image/png;base64,", "QUFB", 50000,
                             ")");
        runs += run_repeated("Org\n\nT\n\n", "Kontakt:\nA\nTel: 1\n\n", 5000, "");
        runs += run_repeated("Org\n\nT\n\n", "25.11.2022 ", 5000, "");
        runs += run_repeated("<h1>t</h1>", "<div>", 5000, "x");
        runs += run_repeated("<h1>t</h1>", "<p>", 20000, "x");
        runs += run_repeated("<h1>t</h1>", "<b id=x>", 900, "x");
        runs += run_repeated("<h1>t</h1>", "</div>", 20000, "x");
        runs += run_repeated("", "[", 100000, "");
        runs += run_repeated("{\"id\":\"a\",\"title\":\"t\",\"x\":", "{\"y\":",
                             5000, "");
        runs += run_repeated("", "{\"id\":\"a\",\"title\":\"t\"}\n", 2000, "");
        runs += run_repeated("[", "{\"id\":\"a\",\"title\":\"t\"},", 2000, "]");
    }
    printf("fuzz_parse_replay: %zu inputs, all promises kept\n", runs);
    return 0;
}

#endif
