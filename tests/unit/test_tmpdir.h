/* test_tmpdir.h — a private temporary directory for tests that write files (generated ELF
 * binaries): made once per test group, removed with its files afterwards. */
#ifndef GOEMU_TEST_TMPDIR_H
#define GOEMU_TEST_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Creates /tmp/goemu_test_<tag>_XXXXXX in buf (n bytes). 0 or -1. */
static inline int test_tmpdir_create(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/goemu_test_%s_XXXXXX", tag);
    return mkdtemp(buf) ? 0 : -1;
}

/* Removes the directory and the files in it (tests make no subdirectories). */
static inline void test_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[512];
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

#endif
