/* test_sys_poll.c — epoll as Go's netpoller uses it (packed 12-byte events, the data word
 * round-trips: EPOLL_PACKED in include/uapi/linux/eventpoll.h) and poll/ppoll: ready answers
 * at once, waits become scheduler blocks on one fd with the right deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"

#define EV (SCRATCH + 0x100)
#define OUT (SCRATCH + 0x1000)
#define BAD 0x7000000000ull
#define EPOLL_CTL_ADD_ 1
#define EPOLL_CTL_DEL_ 2

static int epfd, pfd[2];

static void setup_epoll(void)
{
    epfd = (int)SYS(sys_epoll_create1, 02000000 /* EPOLL_CLOEXEC */);
    assert_true(epfd >= 0);
    assert_int_equal(pipe(pfd), 0);
    /* Go: EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET with a *pollDesc as data. */
    struct linux_epoll_event ev = {0x80002005, 0xc000123456};
    poke(EV, &ev, sizeof(ev));
    assert_int_equal(SYS(sys_epoll_ctl, (uint64_t)epfd, EPOLL_CTL_ADD_, (uint64_t)pfd[0], EV), 0);
}

static void teardown_epoll(void)
{
    close(epfd);
    close(pfd[0]);
    close(pfd[1]);
}

static void test_epoll_pwait_returns_ready_event_with_guest_data(void **state)
{
    setup_epoll();
    assert_int_equal(write(pfd[1], "x", 1), 1);
    assert_int_equal(SYS(sys_epoll_pwait, (uint64_t)epfd, OUT, 128, 0, 0, 0), 1);
    struct linux_epoll_event got;
    peek(OUT, &got, sizeof(got));   /* 12 bytes, packed */
    assert_true(got.events & POLLIN);
    assert_int_equal(got.data, 0xc000123456);
    teardown_epoll();
}

static void test_epoll_pwait_nothing_ready_with_zero_timeout_is_zero(void **state)
{
    setup_epoll();
    assert_int_equal(SYS(sys_epoll_pwait, (uint64_t)epfd, OUT, 128, 0, 0, 0), 0);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    teardown_epoll();
}

static void test_epoll_pwait_with_timeout_blocks_on_the_epoll_fd(void **state)
{
    setup_epoll();
    int64_t before = emu_monotonic_ns(E);
    assert_int_equal(SYS(sys_epoll_pwait, (uint64_t)epfd, OUT, 128, 10, 0, 0), 0);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->wait_fd, epfd);
    assert_int_equal(T->wait_events, POLLIN);
    assert_int_equal(T->timeout_result, 0);
    assert_true(T->deadline_ns >= before + 10000000);
    teardown_epoll();
}

static void test_epoll_wait_infinite_timeout_has_no_deadline(void **state)
{
    setup_epoll();
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)epfd, OUT, 128, 0xffffffffull), 0);
    assert_int_equal(T->deadline_ns, -1);
    teardown_epoll();
}

static void test_epoll_wait_errors(void **state)
{
    setup_epoll();
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)epfd, OUT, 0, 0), -EINVAL);
    /* access_ok fails for a kernel address; an unmapped one faults only when an event is
     * stored (test_sys_faults.c). */
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)epfd, 0xffff800000000000ull, 1, 0), -EFAULT);
    assert_int_equal(SYS(sys_epoll_wait, (uint64_t)epfd, BAD, 1, 0), 0);
    assert_int_equal(SYS(sys_epoll_wait, 9999, OUT, 1, 0), -EBADF);
    assert_int_equal(SYS(sys_epoll_pwait, (uint64_t)epfd, OUT, 1, 0, EV, 4), -EINVAL);
    teardown_epoll();
}

static void test_epoll_ctl_errors_and_del_without_event(void **state)
{
    setup_epoll();
    assert_int_equal(SYS(sys_epoll_ctl, (uint64_t)epfd, EPOLL_CTL_ADD_, (uint64_t)pfd[0], EV),
                     -EEXIST);
    assert_int_equal(SYS(sys_epoll_ctl, (uint64_t)epfd, EPOLL_CTL_ADD_, (uint64_t)pfd[1], BAD),
                     -EFAULT);
    assert_int_equal(SYS(sys_epoll_ctl, (uint64_t)epfd, EPOLL_CTL_DEL_, (uint64_t)pfd[0], 0), 0);
    teardown_epoll();
}

static void test_epoll_ctl_on_regular_file_is_eperm(void **state)
{
    /* Go falls back to blocking I/O for files on this answer (newFile in os/file_unix.go;
     * man 2 epoll_ctl, EPERM). */
    setup_epoll();
    int fd = open("/proc/self/exe", O_RDONLY);
    assert_int_equal(SYS(sys_epoll_ctl, (uint64_t)epfd, EPOLL_CTL_ADD_, (uint64_t)fd, EV), -EPERM);
    close(fd);
    teardown_epoll();
}

static void test_epoll_create_size_must_be_positive(void **state)
{
    assert_int_equal(SYS(sys_epoll_create, 0), -EINVAL);
    int64_t fd = SYS(sys_epoll_create, 1);
    assert_true(fd >= 0);
    close((int)fd);
    assert_int_equal(SYS(sys_epoll_create1, 1), -EINVAL);
}

static void put_pollfds(const struct linux_pollfd *p, int n)
{
    poke(EV, p, (size_t)n * sizeof(*p));
}

static void test_poll_ready_fd_returns_revents(void **state)
{
    assert_int_equal(pipe(pfd), 0);
    assert_int_equal(write(pfd[1], "x", 1), 1);
    struct linux_pollfd p[2] = {{pfd[0], POLLIN, 0}, {pfd[1], POLLOUT, 0}};
    put_pollfds(p, 2);
    assert_int_equal(SYS(sys_poll, EV, 2, 0xffffffffull), 2);
    peek(EV, p, sizeof(p));
    assert_int_equal(p[0].revents, POLLIN);
    assert_int_equal(p[1].revents, POLLOUT);
    close(pfd[0]);
    close(pfd[1]);
}

static void test_poll_zero_timeout_not_ready_is_zero(void **state)
{
    assert_int_equal(pipe(pfd), 0);
    struct linux_pollfd p = {pfd[0], POLLIN, 0};
    put_pollfds(&p, 1);
    assert_int_equal(SYS(sys_poll, EV, 1, 0), 0);
    assert_int_equal(T->state, THREAD_RUNNABLE);
    close(pfd[0]);
    close(pfd[1]);
}

static void test_poll_one_fd_blocks_on_it(void **state)
{
    assert_int_equal(pipe(pfd), 0);
    struct linux_pollfd p = {pfd[0], POLLIN, 0};
    put_pollfds(&p, 1);
    assert_int_equal(SYS(sys_poll, EV, 1, 0xffffffffull), 0);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->wait_fd, pfd[0]);
    assert_int_equal(T->deadline_ns, -1);
    close(pfd[0]);
    close(pfd[1]);
}

static void test_poll_several_fds_wait_in_short_slices(void **state)
{
    int q[2];
    assert_int_equal(pipe(pfd), 0);
    assert_int_equal(pipe(q), 0);
    struct linux_pollfd p[2] = {{pfd[0], POLLIN, 0}, {q[0], POLLIN, 0}};
    put_pollfds(p, 2);
    int64_t before = emu_monotonic_ns(E);
    assert_int_equal(SYS(sys_poll, EV, 2, 60000), 0);
    assert_int_equal(T->block, BLOCK_FD);
    assert_true(T->deadline_ns > before && T->deadline_ns <= emu_monotonic_ns(E) + 10000000);
    assert_int_equal(T->timeout_result, 0);
    close(pfd[0]);
    close(pfd[1]);
    close(q[0]);
    close(q[1]);
}

static void test_poll_without_fds_sleeps(void **state)
{
    assert_int_equal(SYS(sys_poll, 0, 0, 5), 0);
    assert_int_equal(T->block, BLOCK_SLEEP);
}

static void test_poll_bad_array_is_efault(void **state)
{
    assert_int_equal(SYS(sys_poll, BAD, 1, 0), -EFAULT);
}

static void test_ppoll_null_timeout_waits_forever_and_bad_sigsetsize_is_einval(void **state)
{
    assert_int_equal(pipe(pfd), 0);
    struct linux_pollfd p = {pfd[0], POLLIN, 0};
    put_pollfds(&p, 1);
    assert_int_equal(SYS(sys_ppoll, EV, 1, 0, OUT, 4), -EINVAL);
    assert_int_equal(SYS(sys_ppoll, EV, 1, 0, 0, 0), 0);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->deadline_ns, -1);
    close(pfd[0]);
    close(pfd[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_epoll_pwait_returns_ready_event_with_guest_data),
        SYS_TEST(test_epoll_pwait_nothing_ready_with_zero_timeout_is_zero),
        SYS_TEST(test_epoll_pwait_with_timeout_blocks_on_the_epoll_fd),
        SYS_TEST(test_epoll_wait_infinite_timeout_has_no_deadline),
        SYS_TEST(test_epoll_wait_errors),
        SYS_TEST(test_epoll_ctl_errors_and_del_without_event),
        SYS_TEST(test_epoll_ctl_on_regular_file_is_eperm),
        SYS_TEST(test_epoll_create_size_must_be_positive),
        SYS_TEST(test_poll_ready_fd_returns_revents),
        SYS_TEST(test_poll_zero_timeout_not_ready_is_zero),
        SYS_TEST(test_poll_one_fd_blocks_on_it),
        SYS_TEST(test_poll_several_fds_wait_in_short_slices),
        SYS_TEST(test_poll_without_fds_sleeps),
        SYS_TEST(test_poll_bad_array_is_efault),
        SYS_TEST(test_ppoll_null_timeout_waits_forever_and_bad_sigsetsize_is_einval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
