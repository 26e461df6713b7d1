/* test_sys_net.c — socket syscalls: addresses and messages cross between guest and host
 * memory correctly, bad pointers are -EFAULT, oversized addresses -EINVAL, and a blocking
 * receive that would block parks the guest thread instead of the host. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"

static void test_socketpair_sendmsg_recvmsg_round_trip(void **s)
{
    uint64_t sv = SCRATCH, msg = SCRATCH + 64, iov = SCRATCH + 128, buf = SCRATCH + 256;
    assert_int_equal(SYS(sys_socketpair, AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int fds[2];
    peek(sv, fds, sizeof(fds));
    poke(buf, "ping", 4);
    uint64_t seg[2] = {buf, 4};
    poke(iov, seg, sizeof(seg));
    uint64_t hdr[7] = {0, 0, iov, 1, 0, 0, 0};
    poke(msg, hdr, sizeof(hdr));
    assert_int_equal(SYS(sys_sendmsg, fds[0], msg, 0), 4);
    uint64_t out = SCRATCH + 512;
    uint64_t seg2[2] = {out, 16};
    poke(iov, seg2, sizeof(seg2));
    assert_int_equal(SYS(sys_recvmsg, fds[1], msg, 0), 4);
    char got[5] = {0};
    peek(out, got, 4);
    assert_string_equal(got, "ping");
    close(fds[0]);
    close(fds[1]);
}

/* sendmsg takes up to UIO_MAXIOV segments, all of them; more is EMSGSIZE (net/socket.c). */
static void test_sendmsg_takes_1024_segments_and_refuses_1025(void **s)
{
    uint64_t sv = SCRATCH, msg = SCRATCH + 64, iov = SCRATCH + 0x1000, buf = SCRATCH + 0x8000;
    assert_int_equal(SYS(sys_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    int fds[2];
    peek(sv, fds, sizeof(fds));
    static uint64_t seg[2 * 1025];
    for (int k = 0; k < 1025; k++)
        seg[2 * k] = buf + (uint64_t)k, seg[2 * k + 1] = 1;
    poke(iov, seg, sizeof(seg));
    uint64_t hdr[7] = {0, 0, iov, 1025, 0, 0, 0};
    poke(msg, hdr, sizeof(hdr));
    assert_int_equal(SYS(sys_sendmsg, fds[0], msg, 0), -EMSGSIZE);
    hdr[3] = 1024;
    poke(msg, hdr, sizeof(hdr));
    assert_int_equal(SYS(sys_sendmsg, fds[0], msg, 0), 1024);
    close(fds[0]);
    close(fds[1]);
}

static void test_bind_and_getsockname_return_the_kernel_address(void **s)
{
    int64_t fd = SYS(sys_socket, AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    poke(SCRATCH, &sin, sizeof(sin));
    assert_int_equal(SYS(sys_bind, fd, SCRATCH, sizeof(sin)), 0);
    uint32_t len = sizeof(sin);
    poke(SCRATCH + 64, &len, 4);
    assert_int_equal(SYS(sys_getsockname, fd, SCRATCH + 128, SCRATCH + 64), 0);
    struct sockaddr_in got;
    peek(SCRATCH + 128, &got, sizeof(got));
    peek(SCRATCH + 64, &len, 4);
    assert_int_equal(len, sizeof(sin));
    assert_int_equal(got.sin_family, AF_INET);
    assert_int_not_equal(got.sin_port, 0);  /* the kernel picked a port */
    close((int)fd);
}

static void test_address_longer_than_sockaddr_storage_is_einval(void **s)
{
    int64_t fd = SYS(sys_socket, AF_INET, SOCK_STREAM, 0);
    assert_int_equal(SYS(sys_connect, fd, SCRATCH, 129), -EINVAL);
    assert_int_equal(SYS(sys_bind, fd, 0x10, 16), -EFAULT);
    close((int)fd);
}

static void test_getsockopt_copies_value_and_length(void **s)
{
    int64_t fd = SYS(sys_socket, AF_INET, SOCK_STREAM, 0);
    int one = 1;
    poke(SCRATCH, &one, 4);
    assert_int_equal(SYS(sys_setsockopt, fd, SOL_SOCKET, SO_REUSEADDR, SCRATCH, 4), 0);
    uint32_t len = 4;
    poke(SCRATCH + 8, &len, 4);
    int v = 0;
    poke(SCRATCH + 16, &v, 4);
    assert_int_equal(SYS(sys_getsockopt, fd, SOL_SOCKET, SO_REUSEADDR, SCRATCH + 16, SCRATCH + 8), 0);
    peek(SCRATCH + 16, &v, 4);
    assert_int_equal(v, 1);
    assert_int_equal(SYS(sys_getsockopt, fd, SOL_SOCKET, SO_REUSEADDR, SCRATCH + 16, 0x10), -EFAULT);
    close((int)fd);
}

static void test_blocking_recv_on_empty_socket_parks_the_guest_thread(void **s)
{
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    T->cpu.rip = 0x401002;  /* after a 2-byte SYSCALL */
    assert_int_equal(SYS(sys_recvfrom, fds[0], SCRATCH, 16, 0, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(T->wait_fd, fds[0]);
    assert_int_equal(T->cpu.rip, 0x401000);  /* the SYSCALL re-executes when data arrives */
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T_(f) cmocka_unit_test_setup_teardown(f, sys_setup, sys_teardown)
        T_(test_socketpair_sendmsg_recvmsg_round_trip),
        T_(test_sendmsg_takes_1024_segments_and_refuses_1025),
        T_(test_bind_and_getsockname_return_the_kernel_address),
        T_(test_address_longer_than_sockaddr_storage_is_einval),
        T_(test_getsockopt_copies_value_and_length),
        T_(test_blocking_recv_on_empty_socket_parks_the_guest_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
