/*
 * tmpdir.h: removing the temporary index folders unit tests make. A test
 * that includes it defines _XOPEN_SOURCE 700 first (nftw).
 */
#ifndef PRS_TEST_TMPDIR_H
#define PRS_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes dir and everything below it; 0 or -1. */
static int remove_tree(const char *dir)
{
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
