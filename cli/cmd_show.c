/*
 * cmd_show.c: `prsearch show` (one stored release) and `prsearch stats`.
 */
#include "cli.h"
#include "doc.h"
#include "engine.h"
#include "remote.h"
#include "schema.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char show_help[] =
    "usage: prsearch show [--db DIR | --server URL] [--json] ID\n"
    "\n"
    "Prints the stored release with this id: title, date, organisation,\n"
    "type, URL, lead, body, contacts. --json prints all of it as JSON.\n"
    "\n"
    "options:\n"
    "  --db DIR       the index folder (default $PRSEARCH_DB or ./" PRS_DEFAULT_DB ")\n"
    "  --server URL   ask the prsearch server at URL (http://HOST:PORT[/PATH])\n"
    "                 instead; default $PRSEARCH_SERVER unless --db is given.\n"
    "                 The server does not give the source file.\n"
    "  --json         every stored field as one JSON object\n"
    "\n"
    "exit status: 0 shown, 7 no such release, 4 no index, 8 server\n"
    "unreachable, 9 server error, 1 failure.\n";

static void print_field(const char *label, const char *value)
{
    if (value)
        printf("%-13s %s\n", label, value);
}

static void print_doc(const struct prs_doc *d)
{
    printf("%s\n\n", d->title ? d->title : "(untitled)");
    print_field("id:", d->id);
    print_field("date:", d->published);
    print_field("organisation:", d->org);
    print_field("type:", d->type);
    print_field("url:", d->url);
    print_field("source:", d->source);
    if (d->lead)
        printf("\n%s\n", d->lead);
    if (d->body)
        printf("\n%s\n", d->body);
    if (d->ncontacts)
        printf("\nKontakt:\n");
    for (size_t i = 0; i < d->ncontacts; i++) {
        const struct prs_contact *c = &d->contacts[i];
        printf("  %s", c->name ? c->name : "");
        if (c->role)
            printf(", %s", c->role);
        if (c->phone)
            printf(", %s", c->phone);
        if (c->email)
            printf(", %s", c->email);
        printf("\n");
    }
    if (d->sender)
        printf("\nAvsändare: %s\n", d->sender);
}

/* The release as one line of JSON (prs_doc_to_json()'s form). */
static int print_json(const struct prs_doc *doc)
{
    size_t len = 0;
    char *text = prs_doc_to_json(doc, &len);
    if (!text) {
        fprintf(stderr, "prsearch: out of memory\n");
        return PRS_EXIT_FAILURE;
    }
    printf("%.*s\n", (int)len, text);
    free(text);
    return PRS_EXIT_OK;
}

/* `show --server`: the release from the server, printed as locally. */
static int show_remote(const char *server, const char *id, bool json)
{
    struct prs_remote_err rerr = {0};
    struct prs_doc doc = {0};
    int status = PRS_EXIT_OK;
    if (prs_remote_get_doc(server, id, &doc, &rerr) < 0) {
        status = prs_remote_fail(&rerr, true);
    } else if (json) {
        status = print_json(&doc);
    } else {
        print_doc(&doc);
    }
    prs_doc_clear(&doc);
    return status;
}

int prs_cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"server", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *dbpath = NULL, *server_opt = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'R': server_opt = optarg; break;
        case 'j': json = true; break;
        case 'h': fputs(show_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("show", "unknown option");
        }
    }
    if (argc - optind != 1)
        return prs_cli_usage_error("show", "give exactly one ID");
    if (dbpath && server_opt)
        return prs_cli_usage_error("show", "give --db or --server, not both");
    const char *server = prs_remote_server(server_opt, dbpath);
    if (server)
        return show_remote(server, argv[optind], json);
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(prs_cli_db_path(dbpath), PRS_DB_READ, &err);
    if (!db)
        return prs_cli_fail(&err);
    char *data = NULL;
    size_t len = 0;
    int status = PRS_EXIT_OK;
    int rc = prs_db_get_data(db, argv[optind], &data, &len, &err);
    if (rc == PRS_E_NOTFOUND) {
        fprintf(stderr, "prsearch: %s: no release with this id\n", argv[optind]);
        status = PRS_EXIT_NOTFOUND;
    } else if (rc < 0) {
        status = prs_cli_fail(&err);
    } else {
        struct prs_doc doc = {0};
        if (prs_doc_unpack(data, len, &doc, &err) < 0)
            status = prs_cli_fail(&err);
        else if (json)
            status = print_json(&doc);
        else
            print_doc(&doc);
        prs_doc_clear(&doc);
    }
    free(data);
    prs_db_close(db);
    return status;
}

/* Bytes used by the files in dir (the index is one flat folder). */
static unsigned long long folder_bytes(const char *dir)
{
    unsigned long long total = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            total += (unsigned long long)st.st_size;
    }
    closedir(d);
    return total;
}

static const char stats_help[] =
    "usage: prsearch stats [--db DIR] [--json]\n"
    "\n"
    "Prints the number of releases, the size of the index on disk and the\n"
    "time of the last update.\n";

int prs_cmd_stats(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *dbpath = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'j': json = true; break;
        case 'h': fputs(stats_help, stdout); return PRS_EXIT_OK;
        default: return prs_cli_usage_error("stats", "unknown option");
        }
    }
    if (optind != argc)
        return prs_cli_usage_error("stats", "unexpected argument '%s'",
                                   argv[optind]);
    const char *path = prs_cli_db_path(dbpath);
    struct prs_err err = {0};
    struct prs_db *db = prs_db_open(path, PRS_DB_READ, &err);
    if (!db)
        return prs_cli_fail(&err);
    struct prs_db_stats st;
    char *updated = NULL;
    int status = PRS_EXIT_OK;
    if (prs_db_stats(db, &st, &err) < 0 ||
        prs_db_get_metadata(db, PRS_META_UPDATED, &updated, &err) < 0) {
        status = prs_cli_fail(&err);
    } else {
        unsigned long long bytes = folder_bytes(path);
        if (json)
            printf("{\"documents\":%llu,\"bytes\":%llu,\"updated\":\"%s\"}\n",
                   (unsigned long long)st.doccount, bytes,
                   updated ? updated : "");
        else
            printf("index:        %s\n"
                   "releases:     %llu\n"
                   "size:         %.1f MB\n"
                   "last update:  %s\n",
                   path, (unsigned long long)st.doccount, (double)bytes / 1e6,
                   updated ? updated : "never");
    }
    free(updated);
    prs_db_close(db);
    return status;
}
