/*
 * parse.h: turns archive files into struct prs_doc, one parser per shape.
 *
 * Single-release formats (Markdown, page dumps, HTML) take the whole file
 * as an in-memory buffer and fill one document. Multi-record formats (JSON
 * Lines, JSON arrays) are streamed from a path, gunzipped on the fly, and
 * hand each record to a callback; a malformed record is reported through a
 * second callback and the rest of the file goes on.
 *
 * The parsers fill every field they can find except id and source, which
 * the caller sets (JSON records carry their own id). Nothing they store is
 * invalid UTF-8:
 *   - Markdown and page dumps must be valid UTF-8 as a whole; otherwise the
 *     file is rejected with PRS_E_PARSE naming the byte offset and line.
 *   - HTML must be valid UTF-8 too, except that a page declaring
 *     windows-1252 / ISO-8859-1 (<meta charset>) is converted first.
 *   - JSON records are checked by jansson; a record with invalid UTF-8 or an
 *     escaped NUL (\u0000) is a bad record, reported with its line.
 * NUL bytes always mean "binary file" and are rejected.
 *
 * Text is normalised the same way in every format: U+00A0 and the other
 * Unicode spaces become ' ', soft hyphens (U+00AD), zero-width spaces and
 * BOMs are dropped, paragraphs are separated by one blank line.
 *
 * lead/body: when a source does not mark the lead (ingress) explicitly, the
 * first paragraph of the text becomes the lead and the remaining paragraphs
 * the body, so lead + "\n\n" + body reads as the whole release and no text
 * is stored twice.
 */
#ifndef PRS_PARSE_H
#define PRS_PARSE_H

#include <stddef.h>

#include "doc.h"
#include "err.h"
#include "strutil.h"

enum prs_format {
    PRS_FMT_UNKNOWN = 0,
    PRS_FMT_MARKDOWN, /* .md .markdown */
    PRS_FMT_DUMP,     /* .txt: text copied from a press-room page */
    PRS_FMT_HTML,     /* .html .htm */
    PRS_FMT_JSONL,    /* .jsonl .ndjson: one record per line */
    PRS_FMT_JSON,     /* .json: one array of records, or one record */
};

/* A single record (one line, one array element) larger than this is a bad
 * record; the file goes on. */
#define PRS_PARSE_MAX_RECORD (16u * 1024 * 1024)

/* The format named by path's extension (case-insensitive), each also with
 * ".gz" appended; PRS_FMT_UNKNOWN otherwise. */
int prs_format_from_path(const char *path);

/* A short name for a format ("markdown", "dump", ...). Static string. */
const char *prs_format_name(int format);

/* Finds ".../YYYY/MM/..." in path (year 1900..2999, month 01..12) and
 * writes "YYYY-MM" to out (cap >= 8). Returns 0, or PRS_E_NOTFOUND. */
int prs_date_from_path(const char *path, char *out, size_t cap);

/* Reads a whole file like prs_read_file(), gunzipping it when it is gzip
 * data (any file may be; plain files are read as they are). max_bytes caps
 * the decompressed size (PRS_E_RANGE beyond). Returns a NUL-terminated
 * buffer to free(), or NULL + err. */
char *prs_parse_read_file(const char *path, size_t max_bytes, size_t *len_out,
                          struct prs_err *err);

/* ---- single-release formats -------------------------------------------
 * Each fills doc (which must be zeroed or cleared; on failure it is left
 * cleared) from text[0..len) and returns 0, or PRS_E_PARSE with a message
 * for unusable input: empty, binary (NUL bytes), invalid UTF-8 (offset and
 * line named), or no title. PRS_E_NOMEM on allocation failure. */

/* Markdown: an optional "---" front matter block (title, date/published,
 * type, org, lead/description, url), then "# Title" as the first non-empty
 * line (any heading level, or a setext "Title\n===" heading); the rest is
 * the text, cleaned by prs_md_to_text(). published is left NULL unless the
 * front matter has it: see prs_date_from_path(). */
int prs_parse_markdown(const char *text, size_t len, struct prs_doc *doc,
                       struct prs_err *err);

/* A press-room page copied as text: organisation, title, "Dela", body,
 * "Kontakt:" block, "____" rule, "Avsändare:", "Om" block, then boilerplate
 * and teasers of other releases, which are dropped. A "25.11.2022 14:00:06
 * CET | Pressmeddelande" line above the body gives published and type. */
int prs_parse_dump(const char *text, size_t len, struct prs_doc *doc,
                   struct prs_err *err);

/* An HTML page (gumbo): title from og:title, <h1> or <title>; date, org,
 * url and lead from <meta>/<link>/<time>; body from <article>, <main> or
 * <body> without navigation, scripts and page chrome. */
int prs_parse_html(const char *text, size_t len, struct prs_doc *doc,
                   struct prs_err *err);

/* Dispatches on format to one of the three parsers above; PRS_E_BADARG for
 * PRS_FMT_JSON / PRS_FMT_JSONL / unknown. */
int prs_parse_buffer(int format, const char *text, size_t len,
                     struct prs_doc *doc, struct prs_err *err);

/* Markdown to readable text: drops heading marks, emphasis, images, inline
 * base64 data URIs, link targets ([text](url) -> text), reference
 * definitions, table pipes and separator rows, block-quote marks, code
 * fences, simple HTML tags, backslash escapes; decodes common entities.
 * Appends to out paragraphs separated by "\n\n" (lines inside a paragraph
 * kept with "\n"); no leading or trailing blank. md must be valid UTF-8;
 * the output then is too. Returns 0 or PRS_E_NOMEM. */
int prs_md_to_text(const char *md, size_t len, struct prs_buf *out);

/* ---- multi-record formats --------------------------------------------- */

/* Receives each good record. doc is borrowed: it is cleared after the call
 * (take ownership of a field by setting it to NULL). Return 0 to go on, > 0
 * to stop early (the parse then returns 0), < 0 to abort (returned as is). */
typedef int (*prs_record_fn)(struct prs_doc *doc, void *ctx);

/* Receives each bad record: path as given, line = the 1-based line number
 * for JSON Lines, the 1-based element number for arrays; msg names the
 * field and problem. The string arguments are borrowed for the call. */
typedef void (*prs_bad_record_fn)(const char *path, size_t line,
                                  const char *msg, void *ctx);

/* Streams the records of a JSON Lines or JSON file, gzip-compressed or not.
 * The content decides the shape: a file starting with '[' is one array of
 * records (split element by element, never loaded as a whole); otherwise a
 * .jsonl/.ndjson file is read line by line (blank lines skipped), and any
 * other path as a sequence of JSON objects that may span lines (one pretty-
 * printed object, or concatenated ones).
 *
 * Record fields: id and title (required strings), org, published ("YYYY",
 * "YYYY-MM", ISO date or date-time, or null), type (else section), lead,
 * body (Markdown, cleaned by prs_md_to_text(); without a lead the first
 * paragraph becomes the lead), url, sender, about, contacts (array of
 * {name, role, phone, email} objects or of name strings). Unknown fields
 * are ignored; a wrong type or an unparseable date makes a bad record.
 *
 * max_bytes caps the decompressed bytes read (0: no cap); a record longer
 * than PRS_PARSE_MAX_RECORD is a bad record. Returns 0 when the whole file
 * was read (bad records do not count as failure), or a negative code for
 * the file as a whole: unreadable (PRS_E_NOTFOUND/PRS_E_IO), corrupt gzip
 * data (PRS_E_PARSE), larger than max_bytes (PRS_E_RANGE); records
 * delivered before such an error stay delivered. */
int prs_parse_json_file(const char *path, size_t max_bytes, prs_record_fn ok,
                        prs_bad_record_fn bad, void *ctx, struct prs_err *err);

/* The same over an in-memory buffer (not gzip): format is PRS_FMT_JSONL or
 * PRS_FMT_JSON and picks the non-array shape; name is what bad() and err
 * report as the path. */
int prs_parse_json_buffer(const char *data, size_t len, int format,
                          const char *name, prs_record_fn ok,
                          prs_bad_record_fn bad, void *ctx,
                          struct prs_err *err);

#endif
