#include "walk.h"

#include "parse.h"
#include "strutil.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Folders deeper than this are reported instead of followed. */
#define MAX_DEPTH 64

static const char *const format_exts[] = {
    ".jsonl.gz", ".ndjson.gz", ".json.gz", ".jsonl", ".ndjson", ".json",
    ".markdown", ".md", ".html", ".htm", ".txt",
};

void prs_strip_format_ext(const char *name, size_t *len)
{
    for (size_t i = 0; i < sizeof format_exts / sizeof *format_exts; i++) {
        size_t el = strlen(format_exts[i]);
        if (*len > el && strncasecmp(name + *len - el, format_exts[i], el) == 0) {
            *len -= el;
            return;
        }
    }
}

void prs_filelist_free(struct prs_filelist *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->files[i].path);
        free(list->files[i].abspath);
        free(list->files[i].id);
    }
    free(list->files);
    memset(list, 0, sizeof *list);
}

static int add_file(struct prs_filelist *list, const char *path,
                    const char *idbase, size_t idbase_len, int format,
                    const struct stat *st, struct prs_err *err)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 256;
        struct prs_file *f = realloc(list->files, cap * sizeof *f);
        if (!f)
            return prs_err_set(err, PRS_E_NOMEM, "out of memory");
        list->files = f;
        list->cap = cap;
    }
    struct prs_file *f = &list->files[list->n];
    memset(f, 0, sizeof *f);
    char resolved[PATH_MAX];
    size_t idlen = idbase_len;
    prs_strip_format_ext(idbase, &idlen);
    f->path = strdup(path);
    f->abspath = strdup(realpath(path, resolved) ? resolved : path);
    f->id = strndup(idbase, idlen);
    if (!f->path || !f->abspath || !f->id) {
        free(f->path), free(f->abspath), free(f->id);
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");
    }
    f->format = format;
    f->size = (uint64_t)st->st_size;
    f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    list->n++;
    list->total_bytes += f->size;
    return 0;
}

struct walker {
    struct prs_filelist *list;
    prs_walk_bad_fn bad;
    void *ctx;
    struct prs_err *err;
    struct prs_buf path; /* current path */
    size_t id_start;     /* where the id starts inside path */
};

static int walk_dir(struct walker *w, int depth);

/* Visits path (already in w->path); explicit says it was named by the
 * user, so an unknown format is reported rather than ignored. */
static int visit(struct walker *w, int depth, bool explicit)
{
    const char *path = w->path.data;
    struct stat st;
    /* Inside folders, links to files are followed but links to folders are
     * not (they can loop); a dangling link is reported. */
    bool dir_link = false;
    if (!explicit && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            dir_link = true;
    }
    if (dir_link)
        return 0;
    if (stat(path, &st) < 0) {
        if (explicit)
            return prs_err_errno(w->err, errno == ENOENT ? PRS_E_NOTFOUND
                                                         : PRS_E_IO,
                                 errno, "%s", path);
        w->bad(path, strerror(errno), w->ctx);
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth >= MAX_DEPTH) {
            w->bad(path, "folders nested too deep; not followed", w->ctx);
            return 0;
        }
        return walk_dir(w, depth + 1);
    }
    if (!S_ISREG(st.st_mode)) {
        if (explicit)
            w->bad(path, "not a regular file", w->ctx);
        return 0;
    }
    int format = prs_format_from_path(path);
    if (format == PRS_FMT_UNKNOWN) {
        if (explicit)
            w->bad(path, "unknown file format (expected .md, .txt, .html, "
                         ".jsonl or .json, optionally .gz)", w->ctx);
        return 0;
    }
    return add_file(w->list, path, path + w->id_start,
                    w->path.len - w->id_start, format, &st, w->err);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walker *w, int depth)
{
    DIR *dir = opendir(w->path.data);
    if (!dir) {
        w->bad(w->path.data, strerror(errno), w->ctx);
        return 0;
    }
    /* Read the names first so the order is sorted and stable. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* hidden, ".", ".." */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = prs_err_set(w->err, PRS_E_NOMEM, "out of memory");
                goto out;
            }
            names = grown;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = prs_err_set(w->err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    if (n > 1) /* an empty folder leaves names NULL, which qsort rejects */
        qsort(names, n, sizeof *names, compare_names);
    size_t base_len = w->path.len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        w->path.len = base_len;
        if (prs_buf_putc(&w->path, '/') < 0 ||
            prs_buf_puts(&w->path, names[i]) < 0) {
            rc = prs_err_set(w->err, PRS_E_NOMEM, "out of memory");
            break;
        }
        rc = visit(w, depth, false);
    }
    w->path.len = base_len;
    w->path.data[base_len] = '\0';
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dir);
    return rc;
}

int prs_walk(const char *root, struct prs_filelist *list, prs_walk_bad_fn bad,
             void *ctx, struct prs_err *err)
{
    struct walker w = {.list = list, .bad = bad, .ctx = ctx, .err = err};
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    if (prs_buf_append(&w.path, root, len) < 0)
        return prs_err_set(err, PRS_E_NOMEM, "out of memory");

    /* The id starts at the root's own name: "a/b/pressmeddelanden" ->
     * "pressmeddelanden/...". A root like "." or "x/.." has no usable name,
     * so use the last component of its canonical path instead. */
    char resolved[PATH_MAX];
    const char *slash = strrchr(w.path.data, '/');
    const char *name = slash ? slash + 1 : w.path.data;
    int rc = 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || *name == '\0') {
        if (!realpath(w.path.data, resolved)) {
            rc = prs_err_errno(err, errno == ENOENT ? PRS_E_NOTFOUND : PRS_E_IO,
                               errno, "%s", root);
            goto out;
        }
        /* Walk the canonical path so ids are built from it. */
        prs_buf_reset(&w.path);
        if (prs_buf_puts(&w.path, resolved) < 0) {
            rc = prs_err_set(err, PRS_E_NOMEM, "out of memory");
            goto out;
        }
        slash = strrchr(w.path.data, '/');
        name = slash ? slash + 1 : w.path.data;
    }
    w.id_start = (size_t)(name - w.path.data);

    struct stat st;
    if (stat(w.path.data, &st) == 0 && !S_ISDIR(st.st_mode)) {
        /* A single file: its id keeps its folder's name, as if that
         * folder had been given. */
        const char *p = w.path.data;
        size_t end = w.id_start ? w.id_start - 1 : 0;
        while (end > 0 && p[end - 1] != '/')
            end--;
        w.id_start = end;
    }
    rc = visit(&w, 0, true);
out:
    prs_buf_free(&w.path);
    return rc;
}
