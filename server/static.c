/*
 * static.c: the search page and its files, from static_dir.
 *
 * Only plain names are served: every path segment must be made of
 * [A-Za-z0-9_-.], must not start with '.', and the file must be a regular
 * file (no symlinks followed) with a known extension. That rules out
 * "..", hidden files and anything outside static_dir, whatever the
 * encoding the client used (the path is checked after decoding).
 */
#include "server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_MAX_BYTES (16u * 1024 * 1024)
#define STATIC_MAX_DEPTH 4

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* True if the decoded relative path is one we may serve. */
static bool safe_path(const char *p)
{
    int depth = 0;
    if (!*p)
        return false;
    while (*p) {
        const char *seg = p;
        if (*seg == '.' || *seg == '/')
            return false;
        while (*p && *p != '/') {
            char c = *p++;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
                return false;
        }
        if (++depth > STATIC_MAX_DEPTH)
            return false;
        if (*p == '/' && !*++p)
            return false; /* trailing slash */
    }
    return true;
}

static void not_found(struct prs_reqctx *rc)
{
    prs_reply_error(rc, 404, "not_found", NULL, "no such file");
}

void prs_static_serve(struct prs_reqctx *rc, const char *raw_path)
{
    size_t n = 0;
    char *path = evhttp_uridecode(raw_path, 0, &n);
    char *full = NULL, *data = NULL;
    int fd = -1;
    if (!path || n != strlen(path)) {
        not_found(rc);
        goto out;
    }
    const char *rel = strcmp(path, "/") == 0 ? "index.html" : path + 1;
    const char *ctype = content_type(rel);
    if (path[0] != '/' || !safe_path(rel) || !ctype) {
        not_found(rc);
        goto out;
    }
    size_t flen = strlen(rc->srv->static_dir) + strlen(rel) + 2;
    if (!(full = malloc(flen))) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        goto out;
    }
    snprintf(full, flen, "%s/%s", rc->srv->static_dir, rel);
    fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        st.st_size > (off_t)STATIC_MAX_BYTES) {
        not_found(rc);
        goto out;
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
             (unsigned long long)st.st_size);
    prs_reply_header(rc, "ETag", etag);
    const char *inm = evhttp_find_header(
        evhttp_request_get_input_headers(rc->req), "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        prs_reply_raw(rc, 304, NULL, NULL, 0, PRS_CACHE_STATIC);
        goto out;
    }
    size_t size = (size_t)st.st_size, got = 0;
    if (!(data = malloc(size ? size : 1))) {
        prs_reply_error(rc, 500, "internal", NULL, "out of memory");
        goto out;
    }
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != size) {
        prs_reply_error(rc, 500, "internal", NULL, "could not read the file");
        goto out;
    }
    prs_reply_raw(rc, 200, ctype, data, size, PRS_CACHE_STATIC);
out:
    if (fd >= 0)
        close(fd);
    free(data);
    free(full);
    free(path);
}
