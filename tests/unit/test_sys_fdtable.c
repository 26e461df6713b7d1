/* test_sys_fdtable.c — goemu's own fds (base/fds.h) are out of the guest's reach and guest fd
 * numbers are Linux's: lowest free, EMFILE exactly at the guest's soft RLIMIT_NOFILE, targets
 * at or above it refused (fs/file.c alloc_fd, ksys_dup3; man 2 dup, close_range, getrlimit),
 * through sys_dispatch, which screens fd arguments and moves the block on EMFILE. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/diag.h"
#include "base/fds.h"
#include "sys_test.h"

#define PATH (SCRATCH + 0x8000)
#define OUT (SCRATCH + 0x9000)

enum { NR_READ = 0, NR_WRITE = 1, NR_CLOSE = 3, NR_FSTAT = 5, NR_LSEEK = 8, NR_DUP = 32,
       NR_DUP2 = 33, NR_FCNTL = 72, NR_FCHDIR = 81, NR_OPENAT = 257, NR_DUP3 = 292,
       NR_PIPE2 = 293, NR_PRLIMIT64 = 302, NR_CLOSE_RANGE = 436, NR_EPOLL_CTL = 233,
       NR_EPOLL_CREATE1 = 291, NR_RECVMSG = 47 };

/* The SYSCALL instruction's work, as the run loop asks for it. */
static int64_t call6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5)
{
    struct cpu *c = &T->cpu;
    c->gpr[RAX] = nr;
    c->gpr[RDI] = a0, c->gpr[RSI] = a1, c->gpr[RDX] = a2;
    c->gpr[R10] = a3, c->gpr[R8] = a4, c->gpr[R9] = a5;
    return sys_dispatch(E, T);
}
#define CALL(nr, ...) call6_((nr), (uint64_t[6]){__VA_ARGS__})
static int64_t call6_(uint64_t nr, const uint64_t a[6])
{
    return call6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int64_t open_null(void)
{
    put_str(PATH, "/dev/null");
    return CALL(NR_OPENAT, (uint64_t)LINUX_AT_FDCWD, PATH, O_RDONLY);
}

static void set_limit(uint64_t soft, uint64_t hard)
{
    struct linux_rlimit rl = {soft, hard};
    poke(OUT, &rl, sizeof(rl));
    assert_int_equal(CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, OUT, 0), 0);
}

static struct linux_rlimit get_limit(void)
{
    struct linux_rlimit rl;
    assert_int_equal(CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, 0, OUT), 0);
    peek(OUT, &rl, sizeof(rl));
    return rl;
}

/* The guest's view: everything from fd 3 up closed (the test runner's fds included). */
static void close_guest_fds(void)
{
    assert_int_equal(CALL(NR_CLOSE_RANGE, 3, ~0u, 0), 0);
}

/* Two slots of goemu's, the ends of one pipe: working if a byte goes through. */
static int rd_slot = -1, wr_slot = -1;

static void make_pipe_slots(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    rd_slot = fds_keep(p[0]);
    wr_slot = fds_keep(p[1]);
    assert_true(rd_slot >= 0 && wr_slot >= 0);
}

static void assert_slots_work(void)
{
    char c = 0;
    assert_true(fds_private(fds_fd(rd_slot)) && fds_private(fds_fd(wr_slot)));
    assert_int_equal(write(fds_fd(wr_slot), "k", 1), 1);
    assert_int_equal(read(fds_fd(rd_slot), &c, 1), 1);
    assert_int_equal(c, 'k');
    assert_true(fcntl(fds_fd(wr_slot), F_GETFD) & FD_CLOEXEC);
}

static uint64_t host_soft(void)
{
    struct rlimit r;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &r), 0);
    return r.rlim_cur;
}

static int group_setup(void **state)
{
    (void)state;
    fds_init();
    diag_capture();
    make_pipe_slots();
    return fds_private(fds_fd(rd_slot)) ? 0 : -1;
}

/* ---- limits --------------------------------------------------------------------------- */

static void test_the_guest_limit_is_the_hosts_less_the_block(void **state)
{
    struct rlimit h;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &h), 0);
    struct linux_rlimit g = get_limit();
    assert_true(g.rlim_max + FDS_SLOTS <= h.rlim_max);
    assert_true(g.rlim_cur <= g.rlim_max);
    /* The kernel's allocations stop below the block and below the guest's limit. */
    assert_int_equal(h.rlim_cur, g.rlim_cur < (uint64_t)fds_lo ? g.rlim_cur : (uint64_t)fds_lo);
    /* getrlimit says the same as prlimit64. */
    assert_int_equal(SYS(sys_getrlimit, LINUX_RLIMIT_NOFILE, OUT + 64), 0);
    struct linux_rlimit o;
    peek(OUT + 64, &o, sizeof(o));
    assert_int_equal(o.rlim_cur, g.rlim_cur);
    assert_int_equal(o.rlim_max, g.rlim_max);
}

/* /proc/self/limits says what getrlimit says. */
static void test_proc_self_limits_shows_the_guest_limit(void **state)
{
    struct linux_rlimit g = get_limit();
    put_str(PATH, "/proc/self/limits");
    int64_t fd = CALL(NR_OPENAT, (uint64_t)LINUX_AT_FDCWD, PATH, O_RDONLY);
    assert_true(fd >= 0);
    char text[4096] = "", want[128];
    int64_t n = CALL(NR_READ, (uint64_t)fd, SCRATCH, sizeof(text) - 1);
    assert_true(n > 0);
    peek(SCRATCH, text, (size_t)n);
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)fd), 0);
    snprintf(want, sizeof(want), "Max open files            %-20llu %-20llu files     \n",
             (unsigned long long)g.rlim_cur, (unsigned long long)g.rlim_max);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "Limit                     Soft Limit"));
    assert_non_null(strstr(text, "Max stack size"));
}

static void test_soft_above_hard_is_einval_and_raising_hard_needs_the_capability(void **state)
{
    struct linux_rlimit g = get_limit();
    struct linux_rlimit bad = {g.rlim_max + 1, g.rlim_max};
    poke(OUT, &bad, sizeof(bad));
    assert_int_equal(CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, OUT, 0), -EINVAL);
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    assert_int_equal(syscall(SYS_capget, &hdr, d), 0);
    if (d[0].effective & CAP_TO_MASK(CAP_SYS_RESOURCE))
        skip();   /* allowed to raise it (up to fs.nr_open) */
    struct linux_rlimit up = {g.rlim_max, g.rlim_max + 1};
    poke(OUT, &up, sizeof(up));
    assert_int_equal(CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, OUT, 0), -EPERM);
    assert_int_equal(get_limit().rlim_max, g.rlim_max);
}

/* Lowering the hard limit cannot be undone, so it happens in a child process. */
static void test_lowering_the_hard_limit_is_seen_and_cannot_be_undone(void **state)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct linux_rlimit g = get_limit(), low = {100, 200};
        poke(OUT, &low, sizeof(low));
        int ok = CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, OUT, 0) == 0;
        struct linux_rlimit now = get_limit();
        ok &= now.rlim_cur == 100 && now.rlim_max == 200 && host_soft() <= 100;
        poke(OUT, &g, sizeof(g));
        ok &= CALL(NR_PRLIMIT64, 0, LINUX_RLIMIT_NOFILE, OUT, 0) == -EPERM;
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- goemu's fds named by the guest ---------------------------------------------------- */

static void test_fd_arguments_naming_goemus_fds_are_ebadf(void **state)
{
    int fd = fds_fd(rd_slot);
    assert_int_equal(CALL(NR_READ, (uint64_t)fd, SCRATCH, 1), -EBADF);
    assert_int_equal(CALL(NR_WRITE, (uint64_t)fds_fd(wr_slot), SCRATCH, 1), -EBADF);
    assert_int_equal(CALL(NR_FSTAT, (uint64_t)fd, SCRATCH), -EBADF);
    assert_int_equal(CALL(NR_FCNTL, (uint64_t)fd, F_GETFD), -EBADF);
    assert_int_equal(CALL(NR_LSEEK, (uint64_t)fd, 0, SEEK_CUR), -EBADF);
    assert_int_equal(CALL(NR_DUP, (uint64_t)fd), -EBADF);
    assert_int_equal(CALL(NR_FCHDIR, (uint64_t)fd), -EBADF);
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)fd), -EBADF);
    int64_t ep = CALL(NR_EPOLL_CREATE1, 0);
    assert_true(ep >= 0);
    struct linux_epoll_event ev = {1 /* EPOLLIN */, 0};
    poke(SCRATCH, &ev, sizeof(ev));
    assert_int_equal(CALL(NR_EPOLL_CTL, (uint64_t)ep, 1 /* ADD */, (uint64_t)fd, SCRATCH), -EBADF);
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)ep), 0);
    /* A dirfd: not open, so a relative path is EBADF and an absolute one ignores it. */
    put_str(PATH, "null");
    assert_int_equal(CALL(NR_OPENAT, (uint64_t)fd, PATH, O_RDONLY), -EBADF);
    put_str(PATH, "/dev/null");
    int64_t n = CALL(NR_OPENAT, (uint64_t)fd, PATH, O_RDONLY);
    assert_true(n >= 0 && !fds_private((int)n));
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)n), 0);
    /* poll: POLLNVAL, and the guest's array keeps its fd. */
    struct linux_pollfd pf = {fd, POLLIN, 0};
    poke(SCRATCH, &pf, sizeof(pf));
    assert_int_equal(SYS(sys_poll, SCRATCH, 1, 0), 1);
    peek(SCRATCH, &pf, sizeof(pf));
    assert_int_equal(pf.fd, fd);
    assert_int_equal(pf.revents, POLLNVAL);
    /* waitid(P_PIDFD, fd): EBADF, as for any fd that is not open. */
    assert_int_equal(SYS(sys_waitid, LINUX_P_PIDFD, (uint64_t)fd, SCRATCH, 4 /* WEXITED */, 0),
                     -EBADF);
    /* Last: a number the guest may use as a target moves the block (see below). */
    assert_int_equal(CALL(NR_DUP2, (uint64_t)fd, (uint64_t)fd), -EBADF);
    assert_slots_work();
}

static void test_scm_rights_naming_goemus_fd_is_ebadf(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    struct {
        struct cmsghdr h;
        int fd;
    } cm = {{CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS}, fds_fd(rd_slot)};
    struct linux_iovec iov = {SCRATCH + 0x100, 1};
    uint64_t msg[7] = {0, 0, SCRATCH + 0x200, 1, SCRATCH + 0x300, CMSG_LEN(sizeof(int)), 0};
    poke(SCRATCH + 0x200, &iov, sizeof(iov));
    poke(SCRATCH + 0x300, &cm, CMSG_LEN(sizeof(int)));
    poke(SCRATCH + 0x400, msg, sizeof(msg));
    assert_int_equal(SYS(sys_sendmsg, (uint64_t)sv[0], SCRATCH + 0x400, 0), -EBADF);
    close(sv[0]);
    close(sv[1]);
}

/* fds inside option values: a BPF program fd naming goemu's fd is EBADF, as a closed one is
 * (natively: EINVAL for an open fd that is not a BPF program, __bpf_prog_get). */
static void test_bpf_fd_options_naming_goemus_fd_are_ebadf(void **state)
{
    int64_t s = SYS(sys_socket, AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    int mine = fds_fd(rd_slot), p[2];
    assert_int_equal(pipe(p), 0);
    for (int opt = 50 /* SO_ATTACH_BPF */; opt <= 52; opt += 2 /* SO_ATTACH_REUSEPORT_EBPF */) {
        poke(SCRATCH, &mine, 4);
        assert_int_equal(SYS(sys_setsockopt, (uint64_t)s, SOL_SOCKET, (uint64_t)opt, SCRATCH, 4),
                         -EBADF);
        poke(SCRATCH, &p[0], 4);   /* a guest fd reaches the host as it is */
        assert_int_equal(SYS(sys_setsockopt, (uint64_t)s, SOL_SOCKET, (uint64_t)opt, SCRATCH, 4),
                         -EINVAL);
    }
    close(p[0]);
    close(p[1]);
    close((int)s);
    assert_slots_work();
}

/* clone3's CLONE_INTO_CGROUP fd naming goemu's fd: EBADF, and no child. */
static void test_clone3_cgroup_naming_goemus_fd_is_ebadf(void **state)
{
    struct linux_clone_args ca = {0};
    ca.flags = LINUX_CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.cgroup = (uint64_t)fds_fd(rd_slot);
    poke(SCRATCH, &ca, sizeof(ca));
    assert_int_equal(SYS(sys_clone3, SCRATCH, sizeof(ca)), -EBADF);
    assert_slots_work();
}

static void test_dup2_onto_goemus_fd_is_ebadf_when_at_or_above_the_limit(void **state)
{
    struct linux_rlimit g = get_limit();
    int fd = fds_fd(rd_slot);
    set_limit(64, g.rlim_max);
    assert_int_equal(CALL(NR_DUP2, 0, (uint64_t)fd), -EBADF);
    assert_int_equal(CALL(NR_DUP3, 0, (uint64_t)fd, 0), -EBADF);
    /* F_DUPFD: a minimum at or above the limit is EINVAL (fs/fcntl.c f_dupfd). */
    assert_int_equal(CALL(NR_FCNTL, 0, F_DUPFD, 64), -EINVAL);
    assert_int_equal(CALL(NR_FCNTL, 0, F_DUPFD_CLOEXEC, (uint64_t)fd), -EINVAL);
    assert_int_equal(fds_fd(rd_slot), fd);
    assert_slots_work();
    set_limit(g.rlim_cur, g.rlim_max);
}

/* Below the guest's limit a number in the block is the guest's to use: the block moves up,
 * and goemu's fds keep working at their new numbers. */
static void test_dup2_below_the_limit_onto_the_block_moves_the_block(void **state)
{
    struct linux_rlimit g = get_limit();
    int lo = fds_lo;
    if ((uint64_t)lo + FDS_SLOTS >= g.rlim_cur)
        skip();   /* the host's limit leaves no room above the block */
    int fd = fds_fd(wr_slot);
    assert_int_equal(CALL(NR_DUP2, 0, (uint64_t)fd), fd);
    assert_true(fds_lo > fd);
    assert_false(fds_private(fd));
    struct stat a, b;
    assert_int_equal(fstat(fd, &a), 0);
    assert_int_equal(fstat(0, &b), 0);
    assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)fd), 0);
    assert_slots_work();
    int64_t r = CALL(NR_FCNTL, 0, F_DUPFD, (uint64_t)fds_lo);   /* the same for F_DUPFD */
    assert_true(r >= 0 && !fds_private((int)r));
    assert_int_equal(CALL(NR_CLOSE, (uint64_t)r), 0);
    fprintf(diag(), "%s", "");   /* the diag stream follows the block */
    assert_false(ferror(diag()));
    assert_slots_work();
}

static void test_close_range_leaves_goemus_fds_open(void **state)
{
    int64_t fd = open_null();
    assert_true(fd >= 3);
    assert_int_equal(CALL(NR_CLOSE_RANGE, 3, ~0u, 2 | 4 | 8), -EINVAL);   /* unknown flag */
    assert_int_equal(CALL(NR_CLOSE_RANGE, 5, 4, 0), -EINVAL);             /* first > last */
    assert_int_equal(CALL(NR_CLOSE_RANGE, (uint64_t)fds_lo, ~0u, 0), 0);  /* nothing there */
    assert_int_equal(CALL(NR_CLOSE_RANGE, 3, ~0u, 4 /* CLOEXEC */), 0);
    assert_true(fcntl((int)fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(CALL(NR_CLOSE_RANGE, 3, ~0u, 0), 0);
    assert_int_equal(CALL(NR_FCNTL, (uint64_t)fd, F_GETFD), -EBADF);   /* the guest's: closed */
    assert_slots_work();
    assert_true(fprintf(diag(), "%s", "") >= 0 && !ferror(diag()));
    assert_true(fcntl(diag_fd(), F_GETFD) >= 0);
}

/* ---- numbers and EMFILE -------------------------------------------------------------- */

static void test_emfile_at_the_guest_limit_with_lowest_free_numbers(void **state)
{
    struct linux_rlimit g = get_limit();
    close_guest_fds();
    set_limit(40, g.rlim_max);
    for (int want = 3; want < 40; want++)
        assert_int_equal(open_null(), want);
    assert_int_equal(open_null(), -EMFILE);
    assert_int_equal(CALL(NR_DUP, 0), -EMFILE);
    assert_int_equal(CALL(NR_PIPE2, SCRATCH, 0), -EMFILE);
    assert_int_equal(CALL(NR_FCNTL, 0, F_DUPFD, 39), -EMFILE);
    assert_int_equal(CALL(NR_FCNTL, 0, F_DUPFD, 40), -EINVAL);
    assert_int_equal(CALL(NR_DUP2, 0, 40), -EBADF);
    assert_int_equal(CALL(NR_DUP2, 0, 39), 39);   /* below the limit: replaced */
    assert_int_equal(CALL(NR_CLOSE, 17), 0);
    assert_int_equal(CALL(NR_CLOSE, 9), 0);
    assert_int_equal(open_null(), 9);              /* the lowest free number */
    assert_int_equal(CALL(NR_DUP, 0), 17);
    assert_int_equal(open_null(), -EMFILE);
    assert_slots_work();
    close_guest_fds();
    set_limit(g.rlim_cur, g.rlim_max);
}

/* A soft limit lowered below fds the guest holds keeps them; new ones stay below it. */
static void test_lowering_the_soft_limit_keeps_open_fds(void **state)
{
    struct linux_rlimit g = get_limit();
    close_guest_fds();
    for (int want = 3; want <= 20; want++)
        assert_int_equal(open_null(), want);
    set_limit(10, g.rlim_max);
    assert_int_equal(get_limit().rlim_cur, 10);
    assert_int_equal(CALL(NR_FSTAT, 20, SCRATCH), 0);
    assert_int_equal(open_null(), -EMFILE);
    assert_int_equal(CALL(NR_DUP2, 3, 15), -EBADF);
    assert_int_equal(CALL(NR_CLOSE, 5), 0);
    assert_int_equal(open_null(), 5);
    set_limit(g.rlim_cur, g.rlim_max);   /* raised again: numbers above 20 come back */
    assert_int_equal(open_null(), 21);
    close_guest_fds();
}

/* With the guest's limit above the block, the guest still gets every number below its limit
 * in order, through the block's old place: the block moves up as the guest reaches it. */
static void test_raising_the_soft_limit_past_the_block_gives_every_number(void **state)
{
    struct linux_rlimit g = get_limit();
    uint64_t limit = (uint64_t)fds_lo + 3 * FDS_SLOTS;
    if (limit + FDS_SLOTS > g.rlim_max)
        skip();
    close_guest_fds();
    set_limit(limit, g.rlim_max);
    for (uint64_t want = 3; want < limit; want++) {
        int64_t fd = open_null();
        if (fd != (int64_t)want)
            fail_msg("open gave %lld, wanted %llu", (long long)fd, (unsigned long long)want);
    }
    assert_int_equal(open_null(), -EMFILE);
    assert_true((uint64_t)fds_lo >= limit);
    assert_int_equal(host_soft(), limit);
    assert_slots_work();
    assert_true(fprintf(diag(), "%s", "") >= 0 && !ferror(diag()));
    close_guest_fds();
    set_limit(g.rlim_cur, g.rlim_max);
}

/* Descriptors received in SCM_RIGHTS also get the lowest free numbers, the block's old ones
 * included, rather than being dropped at the block. */
static void test_received_fds_get_numbers_past_the_block(void **state)
{
    struct linux_rlimit g = get_limit();
    if ((uint64_t)fds_lo + FDS_SLOTS + 8 > g.rlim_cur)
        skip();
    close_guest_fds();
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);   /* 3 and 4 */
    while (1) {
        int64_t fd = open_null();
        if (fd == fds_lo - 1)
            break;
        assert_true(fd >= 0 && fd < fds_lo);
    }
    int lo = fds_lo, two[2] = {0, 1};
    struct {
        struct cmsghdr h;
        int fd[2];
    } cm = {{CMSG_LEN(sizeof(two)), SOL_SOCKET, SCM_RIGHTS}, {two[0], two[1]}};
    char byte = 'x';
    struct iovec hiov = {&byte, 1};
    struct msghdr hm = {.msg_iov = &hiov, .msg_iovlen = 1, .msg_control = &cm,
                        .msg_controllen = CMSG_LEN(sizeof(two))};
    assert_int_equal(sendmsg(sv[0], &hm, 0), 1);
    struct linux_iovec iov = {SCRATCH + 0x100, 1};
    uint64_t msg[7] = {0, 0, SCRATCH + 0x200, 1, SCRATCH + 0x300, CMSG_SPACE(sizeof(two)), 0};
    poke(SCRATCH + 0x200, &iov, sizeof(iov));
    poke(SCRATCH + 0x400, msg, sizeof(msg));
    assert_int_equal(CALL(NR_RECVMSG, (uint64_t)sv[1], SCRATCH + 0x400, 0), 1);
    peek(SCRATCH + 0x300, &cm, sizeof(cm));
    assert_int_equal(cm.fd[0], lo);
    assert_int_equal(cm.fd[1], lo + 1);
    assert_true(fds_lo > lo + 1);
    assert_slots_work();
    close_guest_fds();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_the_guest_limit_is_the_hosts_less_the_block),
        SYS_TEST(test_proc_self_limits_shows_the_guest_limit),
        SYS_TEST(test_soft_above_hard_is_einval_and_raising_hard_needs_the_capability),
        SYS_TEST(test_lowering_the_hard_limit_is_seen_and_cannot_be_undone),
        SYS_TEST(test_fd_arguments_naming_goemus_fds_are_ebadf),
        SYS_TEST(test_scm_rights_naming_goemus_fd_is_ebadf),
        SYS_TEST(test_bpf_fd_options_naming_goemus_fd_are_ebadf),
        SYS_TEST(test_clone3_cgroup_naming_goemus_fd_is_ebadf),
        SYS_TEST(test_dup2_onto_goemus_fd_is_ebadf_when_at_or_above_the_limit),
        SYS_TEST(test_dup2_below_the_limit_onto_the_block_moves_the_block),
        SYS_TEST(test_close_range_leaves_goemus_fds_open),
        SYS_TEST(test_emfile_at_the_guest_limit_with_lowest_free_numbers),
        SYS_TEST(test_lowering_the_soft_limit_keeps_open_fds),
        SYS_TEST(test_raising_the_soft_limit_past_the_block_gives_every_number),
        SYS_TEST(test_received_fds_get_numbers_past_the_block),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
