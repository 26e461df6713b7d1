/* test_sys_fsmeta.c — flock, truncate, sendfile and copy_file_range: host effects, offsets
 * copied back to guest memory, -EFAULT for bad offset pointers, and a contended blocking
 * flock parking the guest thread instead of the host. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"

static char path[64];

static int temp_file(const char *content)
{
    strcpy(path, "/tmp/goemu-fsmeta-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    return fd;
}

static void test_truncate_by_path_and_missing_path(void **s)
{
    int fd = temp_file("0123456789");
    put_str(SCRATCH, path);
    assert_int_equal(SYS(sys_truncate, SCRATCH, 4), 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, 4);
    put_str(SCRATCH, "/nonexistent/goemu");
    assert_int_equal(SYS(sys_truncate, SCRATCH, 0), -ENOENT);
    close(fd);
    unlink(path);
}

static void test_sendfile_copies_and_advances_guest_offset(void **s)
{
    int in = temp_file("hello, world");
    int p[2];
    assert_int_equal(pipe(p), 0);
    int64_t off = 7;
    poke(SCRATCH, &off, 8);
    assert_int_equal(SYS(sys_sendfile, p[1], in, SCRATCH, 5), 5);
    peek(SCRATCH, &off, 8);
    assert_int_equal(off, 12);
    char buf[6] = {0};
    assert_int_equal(read(p[0], buf, 5), 5);
    assert_string_equal(buf, "world");
    assert_int_equal(SYS(sys_sendfile, p[1], in, 0x10, 5), -EFAULT);
    close(p[0]);
    close(p[1]);
    close(in);
    unlink(path);
}

static void test_copy_file_range_between_files(void **s)
{
    int in = temp_file("abcdef");
    char inpath[64];
    strcpy(inpath, path);
    int out = temp_file("");
    int64_t oin = 2, oout = 0;
    poke(SCRATCH, &oin, 8);
    poke(SCRATCH + 8, &oout, 8);
    assert_int_equal(SYS(sys_copy_file_range, in, SCRATCH, out, SCRATCH + 8, 3, 0), 3);
    peek(SCRATCH, &oin, 8);
    peek(SCRATCH + 8, &oout, 8);
    assert_int_equal(oin, 5);
    assert_int_equal(oout, 3);
    char buf[4] = {0};
    assert_int_equal(pread(out, buf, 3, 0), 3);
    assert_string_equal(buf, "cde");
    close(in);
    close(out);
    unlink(inpath);
    unlink(path);
}

static void test_contended_blocking_flock_parks_the_guest_thread(void **s)
{
    int a = temp_file("x");
    int b = open(path, O_RDONLY);  /* a second open file description: locks conflict */
    assert_int_equal(flock(a, LOCK_EX), 0);
    assert_int_equal(SYS(sys_flock, b, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
    T->cpu.rip = 0x401002;
    assert_int_equal(SYS(sys_flock, b, LOCK_EX), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->cpu.rip, 0x401000);  /* retried when scheduled again */
    flock(a, LOCK_UN);
    close(a);
    close(b);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T_(f) cmocka_unit_test_setup_teardown(f, sys_setup, sys_teardown)
        T_(test_truncate_by_path_and_missing_path),
        T_(test_sendfile_copies_and_advances_guest_offset),
        T_(test_copy_file_range_between_files),
        T_(test_contended_blocking_flock_parks_the_guest_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
