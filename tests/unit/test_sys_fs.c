/* test_sys_fs.c — file and descriptor syscalls: passthrough results, guest-memory faults
 * (-EFAULT, never a host crash), int arguments from the low 32 bits, /proc/self special
 * cases, and reads/writes that would block the host thread blocking the guest thread instead. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"
#include "test_tmpdir.h"

#define BUF (SCRATCH + 0x1000)
#define PATH (SCRATCH + 0x8000)
#define BAD 0x7000000000ull              /* unmapped */
#define AT_FDCWD_GO119 0x00000000ffffff9cull

static int make_pipe(int fds[2], int flags)
{
    int32_t g[2];
    int64_t r = SYS(sys_pipe2, BUF, (uint64_t)flags);
    peek(BUF, g, sizeof(g));
    fds[0] = g[0];
    fds[1] = g[1];
    return (int)r;
}

static void test_pipe_write_then_read_round_trips(void **state)
{
    int fds[2];
    char out[6] = {0};
    assert_int_equal(make_pipe(fds, 0), 0);
    put_str(BUF, "hello");
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], BUF, 5), 5);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], BUF + 100, 5), 5);
    peek(BUF + 100, out, 5);
    assert_string_equal(out, "hello");
    close(fds[0]);
    close(fds[1]);
}

static void test_read_into_unmapped_buffer_is_efault(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], BAD, 1), -EFAULT);
    close(fds[0]);
    close(fds[1]);
}

static void test_read_into_read_only_buffer_is_efault(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_int_equal(mem_protect(&E->mem, SCRATCH + 0x4000, 4096, GPROT_READ), 0);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], SCRATCH + 0x4000, 1), -EFAULT);
    close(fds[0]);
    close(fds[1]);
}

static void test_write_from_unmapped_buffer_is_efault(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], BAD, 10), -EFAULT);
    close(fds[0]);
    close(fds[1]);
}

static void test_read_spanning_pages_fills_both(void **state)
{
    int fds[2];
    char in[64], out[64];
    for (int i = 0; i < 64; i++)
        in[i] = (char)('A' + i % 26);
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(write(fds[1], in, 64), 64);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], SCRATCH + 0x2000 - 32, 64), 64);
    peek(SCRATCH + 0x2000 - 32, out, 64);
    assert_memory_equal(in, out, 64);
    close(fds[0]);
    close(fds[1]);
}

static void test_read_on_empty_blocking_pipe_blocks_the_thread(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], BUF, 10), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->wait_fd, fds[0]);
    assert_int_equal(T->wait_events, POLLIN);
    assert_int_equal(T->deadline_ns, -1);
    assert_int_equal(T->cpu.rip, 0x401000);   /* rewound onto the SYSCALL */
    close(fds[0]);
    close(fds[1]);
}

/* A pipe's write end never becomes readable (nor its read end writable): Linux answers EBADF
 * at once, so goemu must not park the thread waiting for readiness. */
static void test_read_on_write_end_and_write_on_read_end_are_ebadf(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[1], BUF, 10), -EBADF);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[0], BUF, 10), -EBADF);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    close(fds[0]);
    close(fds[1]);
}

static void test_read_on_empty_nonblocking_pipe_is_eagain(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, O_NONBLOCK), 0);
    assert_int_equal(SYS(sys_read, (uint64_t)fds[0], BUF, 10), -EAGAIN);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    close(fds[0]);
    close(fds[1]);
}

static void test_write_to_full_blocking_pipe_blocks_the_thread(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, O_NONBLOCK), 0);
    char junk[4096] = {0};
    while (write(fds[1], junk, sizeof(junk)) > 0)
        ;
    fcntl(fds[1], F_SETFL, 0);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], BUF, 10), 0);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->wait_events, POLLOUT);
    close(fds[0]);
    close(fds[1]);
}

static void test_write_to_blocking_pipe_is_capped_at_pipe_buf(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], SCRATCH, 3 * 4096), 4096);
    close(fds[0]);
    close(fds[1]);
}

static void test_write_to_pipe_without_reader_is_epipe_and_posts_sigpipe(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    close(fds[0]);
    E->sigactions[LINUX_SIGPIPE].handler = 0x401234;   /* caught, so it stays pending */
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], BUF, 1), -EPIPE);
    assert_true(T->sigpending & (1ull << (LINUX_SIGPIPE - 1)));
    close(fds[1]);
}

/* Every one of up to UIO_MAXIOV (1024) segments is transferred; 1025 is EINVAL (man 2 writev). */
static void test_writev_takes_all_1024_segments_and_refuses_1025(void **state)
{
    int fds[2];
    static struct linux_iovec iov[1025];
    char out[1024];
    for (int k = 0; k < 1025; k++)
        iov[k] = (struct linux_iovec){BUF + (uint64_t)(k % 2) * 0x800 + (uint64_t)k, 1};
    assert_int_equal(make_pipe(fds, 0), 0);   /* first: it writes the fds at BUF */
    for (int k = 0; k < 1025; k++)
        poke(iov[k].iov_base, &(char){(char)('a' + k % 26)}, 1);
    poke(SCRATCH + 0x4000, iov, sizeof(iov));
    assert_int_equal(SYS(sys_writev, (uint64_t)fds[1], SCRATCH + 0x4000, 1025), -EINVAL);
    assert_int_equal(SYS(sys_writev, (uint64_t)fds[1], SCRATCH + 0x4000, 1024), 1024);
    assert_int_equal(read(fds[0], out, sizeof out), 1024);
    for (int k = 0; k < 1024; k++)
        assert_int_equal(out[k], 'a' + k % 26);
    close(fds[0]);
    close(fds[1]);
}

static void test_readv_and_writev_gather_and_scatter(void **state)
{
    int fds[2];
    struct linux_iovec iov[2] = {{BUF, 3}, {BUF + 0x800, 4}};
    char out[8] = {0};
    assert_int_equal(make_pipe(fds, 0), 0);
    put_str(BUF, "abc");
    put_str(BUF + 0x800, "defg");
    poke(SCRATCH, iov, sizeof(iov));
    assert_int_equal(SYS(sys_writev, (uint64_t)fds[1], SCRATCH, 2), 7);
    struct linux_iovec rio[2] = {{BUF + 0x100, 2}, {BUF + 0x200, 5}};
    poke(SCRATCH, rio, sizeof(rio));
    assert_int_equal(SYS(sys_readv, (uint64_t)fds[0], SCRATCH, 2), 7);
    peek(BUF + 0x100, out, 2);
    peek(BUF + 0x200, out + 2, 5);
    assert_string_equal(out, "abcdefg");
    close(fds[0]);
    close(fds[1]);
}

static void test_readv_bad_count_is_einval_and_bad_array_efault(void **state)
{
    assert_int_equal(SYS(sys_readv, 0, SCRATCH, 0xffffffffull), -EINVAL);
    assert_int_equal(SYS(sys_readv, 0, SCRATCH, 1025), -EINVAL);
    assert_int_equal(SYS(sys_writev, 1, BAD, 1), -EFAULT);
}

static void test_openat_takes_dirfd_from_low_32_bits(void **state)
{
    put_str(PATH, "/dev/null");
    int64_t fd = SYS(sys_openat, AT_FDCWD_GO119, PATH, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_close, (uint64_t)fd), 0);
}

static void test_openat_missing_file_is_enoent(void **state)
{
    put_str(PATH, "/nonexistent/goemu/file");
    assert_int_equal(SYS(sys_openat, AT_FDCWD_GO119, PATH, O_RDONLY), -ENOENT);
}

static void test_openat_bad_path_pointer_is_efault(void **state)
{
    assert_int_equal(SYS(sys_openat, AT_FDCWD_GO119, BAD, O_RDONLY), -EFAULT);
}

static void test_open_proc_self_auxv_is_enoent(void **state)
{
    put_str(PATH, "/proc/self/auxv");
    assert_int_equal(SYS(sys_open, PATH, O_RDONLY), -ENOENT);
}

static void test_readlink_proc_self_exe_is_the_guest_binary(void **state)
{
    char out[32] = {0};
    E->exe_realpath = "/opt/guest/hello";
    put_str(PATH, "/proc/self/exe");
    assert_int_equal(SYS(sys_readlinkat, AT_FDCWD_GO119, PATH, BUF, 128), 16);
    peek(BUF, out, 16);
    assert_string_equal(out, "/opt/guest/hello");
    assert_int_equal(SYS(sys_readlink, PATH, BUF, 4), 4);   /* truncated, no NUL */
    assert_int_equal(SYS(sys_readlink, PATH, BUF, 0), -EINVAL);
}

static void test_fstat_fills_the_guest_stat_layout(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    char path[] = "/tmp/goemu_test_fsXXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "12345", 5), 5);
    assert_int_equal(SYS(sys_fstat, (uint64_t)fd, BUF), 0);
    struct linux_stat st;
    peek(BUF, &st, sizeof(st));
    assert_int_equal(st.st_size, 5);
    assert_true(S_ISREG(st.st_mode));
    int64_t size_at_48;
    peek(BUF + 48, &size_at_48, 8);   /* st_size's offset in the x86-64 struct stat */
    assert_int_equal(size_at_48, 5);
    put_str(PATH, path);
    memset(&st, 0, sizeof(st));
    poke(BUF, &st, sizeof(st));
    assert_int_equal(SYS(sys_newfstatat, AT_FDCWD_GO119, PATH, BUF, 0), 0);
    peek(BUF, &st, sizeof(st));
    assert_int_equal(st.st_size, 5);
    unlink(path);
    close(fd);
    close(fds[0]);
    close(fds[1]);
}

static void test_fstat_bad_fd_is_ebadf_and_bad_buffer_efault(void **state)
{
    assert_int_equal(SYS(sys_fstat, 9999, BUF), -EBADF);
    assert_int_equal(SYS(sys_fstat, 0, BAD), -EFAULT);
    put_str(PATH, "/");
    assert_int_equal(SYS(sys_stat, PATH, BAD), -EFAULT);
}

static void test_close_bad_fd_is_ebadf(void **state)
{
    assert_int_equal(SYS(sys_close, 9999), -EBADF);
}

static void test_fcntl_getfd_setfl_and_unknown_command(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, O_CLOEXEC), 0);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)fds[0], F_GETFD), FD_CLOEXEC);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)fds[0], F_SETFL, O_NONBLOCK), 0);
    assert_true(SYS(sys_fcntl, (uint64_t)fds[0], F_GETFL) & O_NONBLOCK);
    assert_int_equal(SYS(sys_fcntl, 9999, F_GETFD), -EBADF);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)fds[0], 9999), -EINVAL);
    int64_t d = SYS(sys_fcntl, (uint64_t)fds[0], F_DUPFD_CLOEXEC, 100);
    assert_true(d >= 100);
    close((int)d);
    close(fds[0]);
    close(fds[1]);
}

static void test_ioctl_tcgets_on_a_pipe_is_enotty(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)fds[0], LINUX_TCGETS, BUF), -ENOTTY);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)fds[0], LINUX_TIOCGWINSZ, BUF), -ENOTTY);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)fds[0], 0x1234, BUF), -ENOTTY);
    assert_int_equal(SYS(sys_ioctl, 9999, 0x1234, BUF), -EBADF);
    assert_int_equal(write(fds[1], "abc", 3), 3);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)fds[0], LINUX_FIONREAD, BUF), 0);
    int32_t n;
    peek(BUF, &n, 4);
    assert_int_equal(n, 3);
    close(fds[0]);
    close(fds[1]);
}

static void test_pipe2_bad_pointer_is_efault(void **state)
{
    assert_int_equal(SYS(sys_pipe2, BAD, 0), -EFAULT);
}

static void test_lseek_and_pread_use_64_bit_offsets(void **state)
{
    char path[] = "/tmp/goemu_test_fsXXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    assert_int_equal(SYS(sys_lseek, (uint64_t)fd, 4, SEEK_SET), 4);
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 2), 2);
    char out[3] = {0};
    peek(BUF, out, 2);
    assert_string_equal(out, "45");
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 2, 8), 2);
    peek(BUF, out, 2);
    assert_string_equal(out, "89");
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 2, (uint64_t)-1), -EINVAL);
    assert_int_equal(SYS(sys_lseek, (uint64_t)fd, 0, 99), -EINVAL);
    close(fd);
}

static void test_getdents64_lists_directory_entries(void **state)
{
    char dir[] = "/tmp/goemu_test_dirXXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof(file), "%s/entry_one", dir);
    close(open(file, O_CREAT | O_WRONLY, 0600));
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    int64_t n = SYS(sys_getdents64, (uint64_t)fd, BUF, 4096);
    assert_true(n > 0);
    uint8_t buf[4096];
    peek(BUF, buf, (size_t)n);
    int found = 0;
    for (int64_t off = 0; off < n;) {
        const struct linux_dirent64 *d = (const void *)(buf + off);
        found |= strcmp(d->d_name, "entry_one") == 0;
        off += d->d_reclen;
    }
    assert_true(found);
    /* At the end nothing is written, so the buffer is never looked at (filldir64 is not
     * called); from the start again, an unwritable buffer is -EFAULT. */
    assert_int_equal(SYS(sys_getdents64, (uint64_t)fd, BAD, 4096), 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(SYS(sys_getdents64, (uint64_t)fd, BAD, 4096), -EFAULT);
    assert_int_equal(SYS(sys_getdents64, (uint64_t)fd, BUF, 4096), n);   /* nothing lost */
    close(fd);
    unlink(file);
    rmdir(dir);
}

static void test_getcwd_returns_length_with_nul_or_erange(void **state)
{
    char cwd[4096], out[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(SYS(sys_getcwd, BUF, 4096), (int64_t)strlen(cwd) + 1);
    peek(BUF, out, strlen(cwd) + 1);
    assert_string_equal(out, cwd);
    assert_int_equal(SYS(sys_getcwd, BUF, 1), -ERANGE);
}

static void test_mkdir_rename_unlink_round_trip(void **state)
{
    char dir[] = "/tmp/goemu_test_dirXXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64];
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    put_str(PATH, a);
    put_str(PATH + 0x100, b);
    assert_int_equal(SYS(sys_mkdirat, AT_FDCWD_GO119, PATH, 0700), 0);
    assert_int_equal(SYS(sys_mkdirat, AT_FDCWD_GO119, PATH, 0700), -EEXIST);
    assert_int_equal(SYS(sys_renameat, AT_FDCWD_GO119, PATH, AT_FDCWD_GO119, PATH + 0x100), 0);
    assert_int_equal(SYS(sys_faccessat, AT_FDCWD_GO119, PATH + 0x100, F_OK), 0);
    assert_int_equal(SYS(sys_faccessat, AT_FDCWD_GO119, PATH, F_OK), -ENOENT);
    assert_int_equal(SYS(sys_unlinkat, AT_FDCWD_GO119, PATH + 0x100, AT_REMOVEDIR), 0);
    rmdir(dir);
}

static void test_dup_family_passes_through(void **state)
{
    int fds[2];
    assert_int_equal(make_pipe(fds, 0), 0);
    int64_t d = SYS(sys_dup, (uint64_t)fds[0]);
    assert_true(d >= 0);
    assert_int_equal(SYS(sys_dup2, (uint64_t)fds[0], 200), 200);
    assert_int_equal(SYS(sys_dup3, (uint64_t)fds[0], (uint64_t)fds[0], 0), -EINVAL);
    assert_int_equal(SYS(sys_dup, 9999), -EBADF);
    close((int)d);
    close(200);
    close(fds[0]);
    close(fds[1]);
}

static void test_eventfd2_counts(void **state)
{
    int64_t fd = SYS(sys_eventfd2, 3, 0);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 8), 8);
    uint64_t v;
    peek(BUF, &v, 8);
    assert_int_equal(v, 3);
    close((int)fd);
}

/* An empty blocking eventfd or timerfd refuses a buffer smaller than its 8-byte count at once
 * (eventfd_read, eventfd_write, timerfd_read: -EINVAL before they would wait); it used to park
 * the guest thread for ever (tests/run_abuse.sh, pipe-wrong-end). 8 bytes still wait. */
static void test_event_files_refuse_short_buffers_before_waiting(void **state)
{
    int64_t fd = SYS(sys_eventfd2, 0, 0);
    assert_true(fd >= 0);
    uint64_t max = UINT64_MAX - 1;   /* the counter is full: writes would wait */
    poke(BUF, &max, 8);
    assert_int_equal(SYS(sys_write, (uint64_t)fd, BUF, 8), 8);
    assert_int_equal(SYS(sys_write, (uint64_t)fd, BUF, 4), -EINVAL);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 8), 8);   /* empty again */
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 4), -EINVAL);
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 7), -EINVAL);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    assert_true(tfd >= 0);
    assert_int_equal(SYS(sys_read, (uint64_t)tfd, BUF, 4), -EINVAL);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 8), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    close(tfd);
    close((int)fd);
}

/* ETXTBSY for the running guest executable, by any name (a hard link, /proc/self/exe),
 * as a native program gets for its own: open O_WRONLY, O_RDWR and O_RDONLY|O_TRUNC are
 * ETXTBSY and truncate nothing; O_RDONLY works; O_CREAT|O_EXCL is EEXIST first (fs/namei.c
 * do_open, handle_truncate; fs/open.c do_dentry_open get_write_access). */
static void test_writing_the_guest_executable_is_etxtbsy(void **state)
{
    char dir[64], exe[96], hard[96], other[96];
    assert_int_equal(test_tmpdir_create(dir, sizeof(dir), "etxtbsy"), 0);
    snprintf(exe, sizeof(exe), "%s/prog", dir);
    snprintf(hard, sizeof(hard), "%s/hardlink", dir);
    snprintf(other, sizeof(other), "%s/other", dir);
    int fd = open(exe, O_WRONLY | O_CREAT, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x7f" "ELF", 4), 4);
    close(fd);
    assert_int_equal(link(exe, hard), 0);
    close(open(other, O_WRONLY | O_CREAT, 0644));
    E->exe_path = exe;
    E->exe_realpath = exe;
    assert_int_equal(SYS(sys_open, put_str(PATH, exe), O_WRONLY), -ETXTBSY);
    assert_int_equal(SYS(sys_open, put_str(PATH, hard), O_RDWR), -ETXTBSY);
    assert_int_equal(SYS(sys_openat, AT_FDCWD_GO119, put_str(PATH, exe), O_RDONLY | O_TRUNC),
                     -ETXTBSY);
    assert_int_equal(SYS(sys_open, put_str(PATH, "/proc/self/exe"), O_WRONLY), -ETXTBSY);
    assert_int_equal(SYS(sys_open, put_str(PATH, exe), O_WRONLY | O_CREAT | O_EXCL, 0644),
                     -EEXIST);
    assert_int_equal(SYS(sys_truncate, put_str(PATH, hard), 0), -ETXTBSY);
    struct stat st;
    assert_int_equal(stat(exe, &st), 0);
    assert_int_equal(st.st_size, 4);               /* O_TRUNC and truncate truncated nothing */
    int64_t r = SYS(sys_open, put_str(PATH, exe), O_RDONLY);
    assert_true(r >= 0);
    assert_int_equal(SYS(sys_ftruncate, (uint64_t)r, 0), -EINVAL);   /* not open for write */
    close((int)r);
    r = SYS(sys_open, put_str(PATH, other), O_WRONLY | O_TRUNC);
    assert_true(r >= 0);
    assert_int_equal(SYS(sys_ftruncate, (uint64_t)r, 10), 0);
    close((int)r);
    /* A writable fd goemu could not refuse (inherited, opened before): ftruncate is refused. */
    fd = open(exe, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_ftruncate, (uint64_t)fd, 0), -ETXTBSY);
    close(fd);
    assert_int_equal(stat(exe, &st), 0);
    assert_int_equal(st.st_size, 4);
    E->exe_realpath = NULL;
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_pipe_write_then_read_round_trips),
        SYS_TEST(test_read_into_unmapped_buffer_is_efault),
        SYS_TEST(test_read_into_read_only_buffer_is_efault),
        SYS_TEST(test_write_from_unmapped_buffer_is_efault),
        SYS_TEST(test_read_spanning_pages_fills_both),
        SYS_TEST(test_read_on_empty_blocking_pipe_blocks_the_thread),
        SYS_TEST(test_read_on_write_end_and_write_on_read_end_are_ebadf),
        SYS_TEST(test_read_on_empty_nonblocking_pipe_is_eagain),
        SYS_TEST(test_write_to_full_blocking_pipe_blocks_the_thread),
        SYS_TEST(test_write_to_blocking_pipe_is_capped_at_pipe_buf),
        SYS_TEST(test_write_to_pipe_without_reader_is_epipe_and_posts_sigpipe),
        SYS_TEST(test_writev_takes_all_1024_segments_and_refuses_1025),
        SYS_TEST(test_readv_and_writev_gather_and_scatter),
        SYS_TEST(test_readv_bad_count_is_einval_and_bad_array_efault),
        SYS_TEST(test_openat_takes_dirfd_from_low_32_bits),
        SYS_TEST(test_openat_missing_file_is_enoent),
        SYS_TEST(test_openat_bad_path_pointer_is_efault),
        SYS_TEST(test_open_proc_self_auxv_is_enoent),
        SYS_TEST(test_readlink_proc_self_exe_is_the_guest_binary),
        SYS_TEST(test_fstat_fills_the_guest_stat_layout),
        SYS_TEST(test_fstat_bad_fd_is_ebadf_and_bad_buffer_efault),
        SYS_TEST(test_close_bad_fd_is_ebadf),
        SYS_TEST(test_fcntl_getfd_setfl_and_unknown_command),
        SYS_TEST(test_ioctl_tcgets_on_a_pipe_is_enotty),
        SYS_TEST(test_pipe2_bad_pointer_is_efault),
        SYS_TEST(test_lseek_and_pread_use_64_bit_offsets),
        SYS_TEST(test_getdents64_lists_directory_entries),
        SYS_TEST(test_getcwd_returns_length_with_nul_or_erange),
        SYS_TEST(test_mkdir_rename_unlink_round_trip),
        SYS_TEST(test_dup_family_passes_through),
        SYS_TEST(test_eventfd2_counts),
        SYS_TEST(test_event_files_refuse_short_buffers_before_waiting),
        SYS_TEST(test_writing_the_guest_executable_is_etxtbsy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
