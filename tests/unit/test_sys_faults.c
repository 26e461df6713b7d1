/* test_sys_faults.c — bad pointers give -EFAULT exactly where Linux does, and only there: the
 * checks Linux makes before it touches a pointer (fds, flags, lengths) come first, a copy that
 * faults part way gives a short count, and a pointer that is never used is never looked at
 * (issue 11; the syscall probe, testdata/probe, finds these by comparing with the host). Where
 * the host kernel can answer, the expected value is its answer to the same call made with a host
 * pointer that is bad in the same way. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"
#include "test_tmpdir.h"

#define BUF (SCRATCH + 0x1000)
#define PATH (SCRATCH + 0x2000)
#define VEC (SCRATCH + 0x3000)
#define BAD 0x7000000000ull                 /* unmapped, but a user address */
#define KERNEL 0xffff800000000000ull         /* access_ok fails */
#define NONE (SCRATCH + SCRATCH_SIZE)       /* a PROT_NONE guest page after the scratch area */
#define RO (NONE + 4096)                    /* then a read-only one */
#define END_BEFORE_NONE(n) (NONE - (n))      /* n writable bytes, then PROT_NONE */

static char dir[64];
static int file_fd, dir_fd;   /* "f" holds 12 bytes */
static uint8_t *host_page;    /* a host page followed by a PROT_NONE one, for the host's answer */

static int setup(void **state)
{
    if (sys_setup(state) || mem_map(&E->mem, NONE, 4096, GPROT_NONE, 0, "none") ||
        mem_map(&E->mem, RO, 4096, GPROT_READ, 0, "ro") ||
        test_tmpdir_create(dir, sizeof(dir), "faults"))
        return -1;
    char p[128];
    snprintf(p, sizeof(p), "%s/f", dir);
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "hello world\n", 12) != 12)
        return -1;
    close(fd);
    file_fd = open(p, O_RDONLY);
    dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
    host_page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (file_fd < 0 || dir_fd < 0 || host_page == MAP_FAILED ||
        mprotect(host_page + 4096, 4096, PROT_NONE))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    close(file_fd);
    close(dir_fd);
    munmap(host_page, 8192);
    test_tmpdir_remove(dir);
    return sys_teardown(state);
}

#define FAULT_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* The host's answer as a guest result: r, or -errno. */
static int64_t host(long r)
{
    return r < 0 ? -errno : r;
}

static void *host_none(void) { return host_page + 4096; }
static void *host_end_before_none(size_t n) { return host_page + 4096 - n; }

/* ---- read, write, readv, writev ------------------------------------------------------------ */

static void test_read_checks_the_fd_and_file_before_the_buffer(void **state)
{
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    assert_int_equal(SYS(sys_read, (uint64_t)-1, BAD, 16), host(read(-1, host_none(), 16)));
    assert_int_equal(SYS(sys_read, (uint64_t)p[1], 0, 16), -EBADF);          /* FMODE_READ */
    assert_int_equal(SYS(sys_read, (uint64_t)p[0], BAD, 16), -EAGAIN);       /* nothing to copy */
    assert_int_equal(SYS(sys_read, (uint64_t)dir_fd, 0, 16), -EISDIR);       /* NULL passes access_ok */
    assert_int_equal(SYS(sys_read, (uint64_t)dir_fd, KERNEL, 16), -EFAULT);  /* access_ok */
    assert_int_equal(SYS(sys_read, (uint64_t)file_fd, BAD, 16, 0), -EFAULT);
    assert_int_equal(lseek(file_fd, 0, SEEK_END), 12);
    assert_int_equal(SYS(sys_read, (uint64_t)file_fd, BAD, 16), 0);          /* at EOF */
    close(p[0]);
    close(p[1]);
}

static void test_read_of_zero_bytes_still_asks_the_file(void **state)
{
    /* vfs_read has no shortcut for 0 bytes; readv of nothing does (vfs_iter_read). */
    assert_int_equal(SYS(sys_read, (uint64_t)dir_fd, BUF, 0), host(read(dir_fd, host_page, 0)));
    assert_int_equal(SYS(sys_read, (uint64_t)dir_fd, BUF, 0), -EISDIR);
    assert_int_equal(SYS(sys_read, (uint64_t)file_fd, KERNEL, 0), -EFAULT);
    struct linux_iovec v = {BUF, 0};
    poke(VEC, &v, sizeof(v));
    assert_int_equal(SYS(sys_readv, (uint64_t)dir_fd, VEC, 1), 0);
}

static void test_read_and_write_stop_at_the_fault_with_a_short_count(void **state)
{
    assert_int_equal(pread(file_fd, host_end_before_none(8), 16, 0), 8);
    assert_int_equal(SYS(sys_pread64, (uint64_t)file_fd, END_BEFORE_NONE(8), 16, 0), 8);
    assert_int_equal(SYS(sys_read, (uint64_t)file_fd, END_BEFORE_NONE(8), 16), 8);
    char got[8];
    peek(END_BEFORE_NONE(8), got, 8);
    assert_memory_equal(got, "hello wo", 8);

    char p[128];
    snprintf(p, sizeof(p), "%s/w", dir);
    int w = open(p, O_WRONLY | O_CREAT, 0644);
    assert_true(w >= 0);
    assert_int_equal(SYS(sys_write, (uint64_t)w, END_BEFORE_NONE(8), 16), 8);
    assert_int_equal(SYS(sys_write, (uint64_t)w, NONE, 16), -EFAULT);
    assert_int_equal(SYS(sys_write, (uint64_t)w, RO, 16), 16);   /* only read: fine */
    close(w);
}

static void test_readv_checks_the_fd_before_the_vector(void **state)
{
    assert_int_equal(SYS(sys_readv, (uint64_t)-1, BAD, 1), -EBADF);
    assert_int_equal(SYS(sys_readv, (uint64_t)-1, VEC, 1025), -EBADF);
    assert_int_equal(SYS(sys_readv, (uint64_t)file_fd, VEC, 1025), -EINVAL);
    assert_int_equal(SYS(sys_readv, (uint64_t)file_fd, BAD, 1), -EFAULT);
    assert_int_equal(SYS(sys_writev, (uint64_t)file_fd, BAD, 1), -EBADF);   /* not for writing */
    /* A segment access_ok refuses fails the whole call, before anything is read. */
    struct linux_iovec v[2] = {{BUF, 4}, {KERNEL, 8}};
    poke(VEC, v, sizeof(v));
    assert_int_equal(SYS(sys_readv, (uint64_t)file_fd, VEC, 2), -EFAULT);
    assert_int_equal(lseek(file_fd, 0, SEEK_CUR), 0);
    /* An unmapped second segment ends the copy there. */
    v[1].iov_base = BAD;
    poke(VEC, v, sizeof(v));
    assert_int_equal(SYS(sys_readv, (uint64_t)file_fd, VEC, 2), 4);
}

/* ---- directory entries ------------------------------------------------------------------------ */

static void test_getdents64_returns_the_entries_that_fit(void **state)
{
    int guest = open(dir, O_RDONLY | O_DIRECTORY), native = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(guest >= 0 && native >= 0);
    /* 40 writable bytes: one entry fits ("." or ".." take 24), the next does not. */
    for (int round = 0; round < 4; round++) {
        int64_t want = host(syscall(SYS_getdents64, native, host_end_before_none(40), 1024));
        assert_int_equal(SYS(sys_getdents64, (uint64_t)guest, END_BEFORE_NONE(40), 1024), want);
    }
    assert_int_equal(lseek(guest, 0, SEEK_SET), 0);
    assert_int_equal(SYS(sys_getdents64, (uint64_t)guest, END_BEFORE_NONE(16), 1024), -EFAULT);
    assert_int_equal(SYS(sys_getdents64, (uint64_t)guest, 0, 1), -EINVAL);   /* too small */
    assert_int_equal(SYS(sys_getdents64, (uint64_t)-1, 0, 1024), -EBADF);
    assert_int_equal(SYS(sys_getdents64, (uint64_t)file_fd, KERNEL, 1024), -ENOTDIR);
    close(guest);
    close(native);
}

/* ---- paths --------------------------------------------------------------------------------- */

static void test_flags_are_checked_before_an_unreadable_path(void **state)
{
    /* build_open_flags (fs/open.c), do_unlinkat, do_renameat2 (fs/namei.c), do_faccessat and
     * do_sys_truncate (fs/open.c) look at their flags before the name. */
    assert_int_equal(SYS(sys_open, BAD, O_CREAT | O_DIRECTORY, 0644),
                     host(syscall(SYS_open, host_none(), O_CREAT | O_DIRECTORY, 0644)));
    assert_int_equal(SYS(sys_open, BAD, O_CREAT | O_DIRECTORY, 0644), -EINVAL);
    assert_int_equal(SYS(sys_unlinkat, (uint64_t)AT_FDCWD, BAD, 1), -EINVAL);
    assert_int_equal(SYS(sys_renameat2, (uint64_t)AT_FDCWD, BAD, (uint64_t)AT_FDCWD, BAD, 3), -EINVAL);
    assert_int_equal(SYS(sys_access, KERNEL, 8), -EINVAL);
    assert_int_equal(SYS(sys_truncate, BAD, (uint64_t)-1), -EINVAL);
    assert_int_equal(SYS(sys_open, BAD, O_RDONLY, 0), -EFAULT);
    assert_int_equal(SYS(sys_rename, BAD, BAD), -EFAULT);
    /* Every call that hands the host a stand-in for a path (by raw syscall: a libc wrapper
     * must not look at it). */
    assert_int_equal(SYS(sys_readlink, BAD, BUF, 64), -EFAULT);
    assert_int_equal(SYS(sys_newfstatat, (uint64_t)AT_FDCWD, KERNEL, BUF, 0), -EFAULT);
    assert_int_equal(SYS(sys_faccessat2, (uint64_t)AT_FDCWD, BAD, 0, 0x200), -EFAULT);
    assert_int_equal(SYS(sys_fchmodat, (uint64_t)AT_FDCWD, BAD, 0644), -EFAULT);
    assert_int_equal(SYS(sys_unlink, BAD), -EFAULT);
    assert_int_equal(SYS(sys_mkdir, BAD, 0755), -EFAULT);
    assert_int_equal(SYS(sys_linkat, (uint64_t)AT_FDCWD, BAD, (uint64_t)AT_FDCWD, BAD, 0), -EFAULT);
    assert_int_equal(SYS(sys_symlinkat, BAD, (uint64_t)AT_FDCWD, BAD), -EFAULT);
    assert_int_equal(SYS(sys_chdir, BAD), -EFAULT);
    assert_int_equal(SYS(sys_chown, BAD, (uint64_t)-1, (uint64_t)-1), -EFAULT);
    assert_int_equal(SYS(sys_lchown, BAD, (uint64_t)-1, (uint64_t)-1), -EFAULT);
    assert_int_equal(SYS(sys_fchownat, (uint64_t)AT_FDCWD, BAD, (uint64_t)-1, (uint64_t)-1, 0),
                     -EFAULT);
    assert_int_equal(SYS(sys_mknodat, (uint64_t)AT_FDCWD, BAD, S_IFIFO | 0644, 0), -EFAULT);
    assert_int_equal(SYS(sys_truncate, BAD, 0), -EFAULT);
    assert_int_equal(SYS(sys_utimensat, (uint64_t)AT_FDCWD, BAD, 0, 0), -EFAULT);
    /* A name longer than PATH_MAX is -ENAMETOOLONG, still after the flags. */
    static char longname[5000];
    memset(longname, 'a', sizeof(longname) - 1);
    poke(BUF, longname, sizeof(longname));
    assert_int_equal(SYS(sys_open, BUF, O_RDONLY, 0), -ENAMETOOLONG);
    assert_int_equal(SYS(sys_open, BUF, O_CREAT | O_DIRECTORY, 0644), -EINVAL);
}

static void test_utimensat_reads_the_times_before_the_path(void **state)
{
    /* The times first, then the flags, then the path, then the times' values (utimensat and
     * do_utimes, fs/utimes.c). */
    assert_int_equal(SYS(sys_utimensat, (uint64_t)-1, put_str(PATH, "f"), KERNEL, 0), -EFAULT);
    assert_int_equal(SYS(sys_utimensat, (uint64_t)AT_FDCWD, KERNEL, 0, 0x1), -EINVAL);
    struct linux_timespec ts[2] = {{0, 2000000000}, {0, 0}};
    poke(BUF, ts, sizeof(ts));
    struct timespec hts[2] = {{0, 2000000000}, {0, 0}};
    assert_int_equal(SYS(sys_utimensat, (uint64_t)AT_FDCWD, KERNEL, BUF, 0),
                     host(syscall(SYS_utimensat, AT_FDCWD, (void *)KERNEL, hts, 0)));
}

/* ---- fcntl, ioctl ---------------------------------------------------------------------------- */

static void test_fcntl_and_ioctl_check_the_fd_before_the_argument(void **state)
{
    int opath = open(dir, O_PATH);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)-1, F_GETLK, 0), -EBADF);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)opath, F_SETLK, BAD), -EBADF);
    assert_int_equal(SYS(sys_fcntl, (uint64_t)file_fd, F_SETLK, BAD), -EFAULT);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)-1, FIONBIO, 0), -EBADF);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)opath, FIONBIO, 0), -EBADF);
    assert_int_equal(SYS(sys_ioctl, (uint64_t)file_fd, FIONBIO, BAD), -EFAULT);
    /* A regular file has no TCSETS: -ENOTTY without reading the argument. */
    assert_int_equal(SYS(sys_ioctl, (uint64_t)file_fd, TCSETS, 0),
                     host(ioctl(file_fd, TCSETS, NULL)));
    close(opath);
}

/* ---- poll, epoll ---------------------------------------------------------------------------- */

static void test_poll_writes_every_revents_back(void **state)
{
    /* do_sys_poll (fs/select.c) writes revents back even when nothing is ready: a read-only
     * array is -EFAULT, also when a wait times out; access_ok applies even to nfds 0. */
    assert_int_equal(SYS(sys_poll, RO, 1, 0), -EFAULT);
    assert_int_equal(SYS(sys_poll, KERNEL, 0, 0), -EFAULT);
    assert_int_equal(SYS(sys_poll, 0, 0, 0), 0);
    assert_int_equal(SYS(sys_poll, RO, 1, 10), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->timeout_result, -EFAULT);
}

static void test_ppoll_reads_timeout_then_mask_then_fds(void **state)
{
    struct linux_timespec ts = {0, 0};
    poke(BUF, &ts, sizeof(ts));
    assert_int_equal(SYS(sys_ppoll, BUF, 1, KERNEL, RO, 7), -EFAULT);   /* timeout first */
    assert_int_equal(SYS(sys_ppoll, KERNEL, 1, BUF, RO, 7), -EINVAL);   /* then the mask */
    assert_int_equal(SYS(sys_ppoll, KERNEL, 1, BUF, BAD, 8), -EFAULT);
    assert_int_equal(SYS(sys_epoll_pwait, (uint64_t)-1, BUF, 0, 0, KERNEL, 8), -EFAULT);
}

static void test_epoll_wait_faults_only_when_an_event_is_stored(void **state)
{
    int ep = epoll_create1(0), p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = 7};
    assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev), 0);
    int empty = epoll_create1(0);
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)empty, BAD, 1, 0),
                     host(epoll_wait(empty, host_none(), 1, 0)));
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)empty, BAD, 1, 0), 0);
    /* The event that cannot be stored stays ready. */
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)ep, BAD, 1, 0), -EFAULT);
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)ep, END_BEFORE_NONE(12), 4, 0), 1);
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)ep, END_BEFORE_NONE(6), 4, 0), -EFAULT);
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)-1, KERNEL, 1, 0),
                     host(epoll_wait(-1, (void *)KERNEL, 1, 0)));
    close(ep);
    close(empty);
    close(p[0]);
    close(p[1]);
}

/* ---- sockets --------------------------------------------------------------------------------- */

static void test_socket_calls_check_the_socket_before_pointers(void **state)
{
    int sv[2], p[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(SYS(sys_bind, (uint64_t)-1, BAD, 16), -EBADF);
    assert_int_equal(SYS(sys_bind, (uint64_t)file_fd, BAD, 16), -ENOTSOCK);
    assert_int_equal(SYS(sys_connect, (uint64_t)file_fd, BAD, 16), -EFAULT);   /* only fdget */
    assert_int_equal(SYS(sys_sendto, (uint64_t)-1, 0, 16, 0, 0, 0), -EBADF);
    assert_int_equal(SYS(sys_sendto, (uint64_t)-1, KERNEL, 16, 0, 0, 0), -EFAULT);
    assert_int_equal(SYS(sys_recvfrom, (uint64_t)sv[0], BAD, 16, 0, 0, 0), -EAGAIN);
    assert_int_equal(SYS(sys_sendmsg, (uint64_t)-1, 0, 0), -EBADF);
    assert_int_equal(SYS(sys_setsockopt, (uint64_t)-1, SOL_SOCKET, SO_REUSEADDR, 0, 4), -EBADF);
    assert_int_equal(SYS(sys_setsockopt, (uint64_t)sv[0], SOL_SOCKET, SO_REUSEADDR, BAD, 2),
                     host(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, host_none(), 2)));
    assert_int_equal(SYS(sys_getsockopt, (uint64_t)sv[0], 9999, 1, BUF, BUF + 64),
                     host(getsockopt(sv[0], 9999, 1, host_page, (socklen_t *)(host_page + 64))));
    /* move_addr_to_user: nothing is copied for a capacity of 0, so NULL is fine. */
    uint32_t zero = 0;
    poke(BUF, &zero, 4);
    assert_int_equal(SYS(sys_getsockname, (uint64_t)sv[0], 0, BUF), 0);
    assert_int_equal(SYS(sys_getsockname, (uint64_t)sv[0], 0, 0), -EFAULT);
    /* A pipe is not a socket: -ENOTSOCK at once, even for an empty blocking one. */
    assert_int_equal(SYS(sys_accept, (uint64_t)p[0], 0, 0), -ENOTSOCK);
    assert_int_equal(SYS(sys_recvfrom, (uint64_t)p[0], BUF, 16, 0, 0, 0), -ENOTSOCK);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

/* ---- signals, limits, affinity, futexes, randomness, processes, memory ------------------------ */

static void test_rt_sigaction_copies_the_action_before_checking_the_signal(void **state)
{
    assert_int_equal(SYS(sys_rt_sigaction, 9 /* SIGKILL */, BAD, 0, 8), -EFAULT);
    assert_int_equal(SYS(sys_rt_sigaction, 0, BAD, 0, 8), -EFAULT);
    assert_int_equal(SYS(sys_rt_sigaction, 9, RO, 0, 8), -EINVAL);
}

static void test_rlimit_calls_always_copy(void **state)
{
    assert_int_equal(SYS(sys_getrlimit, LINUX_RLIMIT_NOFILE, 0), -EFAULT);
    assert_int_equal(SYS(sys_getrlimit, 99, 0), -EINVAL);
    assert_int_equal(SYS(sys_setrlimit, LINUX_RLIMIT_NOFILE, 0), -EFAULT);
    assert_int_equal(SYS(sys_setrlimit, 99, 0), -EFAULT);
    assert_int_equal(SYS(sys_prlimit64, 0, 99, KERNEL, 0), -EFAULT);
    assert_int_equal(SYS(sys_prlimit64, 0x3ffffff0, 99, 0, BUF), -ESRCH);
}

static void test_sched_setaffinity_reads_the_mask(void **state)
{
    uint64_t one = 1;
    poke(BUF, &one, 8);
    assert_int_equal(SYS(sys_sched_setaffinity, 0, 128, BAD), -EFAULT);
    assert_int_equal(SYS(sys_sched_setaffinity, 0x3ffffff0, 128, KERNEL), -EFAULT);
    assert_int_equal(SYS(sys_sched_setaffinity, 0, 128, RO), -EINVAL);   /* no CPU */
    assert_int_equal(SYS(sys_sched_setaffinity, 0, 128, BUF), 0);
    assert_int_equal(SYS(sys_sched_setaffinity, 0, 0, 0), -EINVAL);     /* nothing read: empty */
}

static void test_futex_wake_makes_a_key(void **state)
{
    const uint64_t wake = LINUX_FUTEX_WAKE, wake_private = wake | LINUX_FUTEX_PRIVATE_FLAG;
    assert_int_equal(SYS(sys_futex, KERNEL, wake_private, 1), -EFAULT);
    assert_int_equal(SYS(sys_futex, BAD, wake_private, 1), 0);   /* a private key needs no page */
    assert_int_equal(SYS(sys_futex, BAD, wake, 1), -EFAULT);
    assert_int_equal(SYS(sys_futex, BUF, wake, 1), 0);
}

static void test_getrandom_counts_bytes_up_to_the_fault(void **state)
{
    assert_int_equal(SYS(sys_getrandom, END_BEFORE_NONE(8), 16, 0), 8);
    assert_int_equal(SYS(sys_getrandom, END_BEFORE_NONE(300), 4096, 0), 300);
    assert_int_equal(SYS(sys_getrandom, KERNEL, 0, 0), -EFAULT);
    assert_int_equal(SYS(sys_getrandom, NONE, 16, 0), -EFAULT);
}

static void test_waitid_stores_the_info_even_on_error(void **state)
{
    siginfo_t *hs = host_none();
    const int opts = WEXITED | WNOHANG;
    assert_int_equal(SYS(sys_waitid, P_ALL, 0, BAD, opts, 0),
                     host(syscall(SYS_waitid, P_ALL, 0, hs, opts, NULL)));
    assert_int_equal(SYS(sys_waitid, P_ALL, 0, BAD, opts, 0), -EFAULT);
    assert_int_equal(SYS(sys_waitid, P_ALL, 0, 0, opts, 0), -ECHILD);
    int32_t mark = 0x55555555;
    for (int i = 0; i < 32; i++)
        poke(BUF + 4 * (uint64_t)i, &mark, 4);
    assert_int_equal(SYS(sys_waitid, P_ALL, 0, BUF, opts, 0), -ECHILD);
    int32_t got[8];
    peek(BUF, got, sizeof(got));
    assert_int_equal(got[0], 0);        /* si_signo .. si_status are written */
    assert_int_equal(got[6], 0);
    assert_int_equal(got[7], mark);     /* nothing after si_status */
}

static void test_pidfd_send_signal_checks_the_fd_before_the_info(void **state)
{
    assert_int_equal(SYS(sys_pidfd_send_signal, (uint64_t)-1, 0, BAD, 0), -EBADF);
    assert_int_equal(SYS(sys_pidfd_send_signal, (uint64_t)file_fd, 0, KERNEL, 0), -EBADF);
}

static void test_offsets_are_read_after_the_fds(void **state)
{
    assert_int_equal(SYS(sys_copy_file_range, (uint64_t)-1, KERNEL, (uint64_t)file_fd, 0, 4, 0),
                     -EBADF);
    assert_int_equal(SYS(sys_splice, (uint64_t)-1, BAD, (uint64_t)file_fd, 0, 4, 0), -EBADF);
    assert_int_equal(SYS(sys_copy_file_range, (uint64_t)file_fd, BAD, (uint64_t)file_fd, 0, 4, 0),
                     -EFAULT);
    assert_int_equal(SYS(sys_setsockopt, (uint64_t)file_fd, SOL_SOCKET, SO_REUSEADDR, BAD, 4),
                     -ENOTSOCK);
}

static void test_mmap_checks_access_before_the_file_type(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    const uint64_t prot = GPROT_READ, priv = LINUX_MAP_PRIVATE;
    /* do_mmap (mm/mmap.c): FMODE_READ before "can this file be mapped". */
    assert_int_equal(SYS(sys_mmap, 0, 4096, prot, priv, (uint64_t)p[1], 0), -EACCES);
    assert_int_equal(SYS(sys_mmap, 0, 4096, prot, priv, (uint64_t)p[0], 0), -ENODEV);
    int opath = open(dir, O_PATH);
    assert_int_equal(SYS(sys_mmap, 0, 4096, prot, priv, (uint64_t)opath, 0), -EBADF);
    /* PROT_SEM is accepted on x86. */
    assert_int_equal(SYS(sys_mprotect, SCRATCH, 4096, GPROT_READ | GPROT_WRITE | 0x8), 0);
    close(opath);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAULT_TEST(test_read_checks_the_fd_and_file_before_the_buffer),
        FAULT_TEST(test_read_of_zero_bytes_still_asks_the_file),
        FAULT_TEST(test_read_and_write_stop_at_the_fault_with_a_short_count),
        FAULT_TEST(test_readv_checks_the_fd_before_the_vector),
        FAULT_TEST(test_getdents64_returns_the_entries_that_fit),
        FAULT_TEST(test_flags_are_checked_before_an_unreadable_path),
        FAULT_TEST(test_utimensat_reads_the_times_before_the_path),
        FAULT_TEST(test_fcntl_and_ioctl_check_the_fd_before_the_argument),
        FAULT_TEST(test_poll_writes_every_revents_back),
        FAULT_TEST(test_ppoll_reads_timeout_then_mask_then_fds),
        FAULT_TEST(test_epoll_wait_faults_only_when_an_event_is_stored),
        FAULT_TEST(test_socket_calls_check_the_socket_before_pointers),
        FAULT_TEST(test_rt_sigaction_copies_the_action_before_checking_the_signal),
        FAULT_TEST(test_rlimit_calls_always_copy),
        FAULT_TEST(test_sched_setaffinity_reads_the_mask),
        FAULT_TEST(test_futex_wake_makes_a_key),
        FAULT_TEST(test_getrandom_counts_bytes_up_to_the_fault),
        FAULT_TEST(test_waitid_stores_the_info_even_on_error),
        FAULT_TEST(test_pidfd_send_signal_checks_the_fd_before_the_info),
        FAULT_TEST(test_offsets_are_read_after_the_fds),
        FAULT_TEST(test_mmap_checks_access_before_the_file_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
