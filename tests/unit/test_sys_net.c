/* test_sys_net.c — socket syscalls: addresses and messages cross between guest and host
 * memory correctly, bad pointers are -EFAULT, oversized addresses -EINVAL, and a blocking
 * receive that would block parks the guest thread instead of the host. */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/filter.h>
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

/* ---- issue 11: pointers in option values, descriptors nobody receives ---------------------- */

static int count_open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* Sends two descriptors (dups of stdin/stdout) with one byte over fds[0], from the host. */
static void send_two_fds(int sock)
{
    char cbuf[CMSG_SPACE(2 * sizeof(int))];
    struct iovec iov = {"x", 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                       .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {0, 1};
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    assert_int_equal(sendmsg(sock, &m, 0), 1);
}

/* Linux, a control buffer the kernel cannot write: the data is returned, msg_controllen is 0,
 * MSG_CTRUNC is set and no descriptor is installed (scm_detach_fds, net/core/scm.c;
 * receive_fd_user gives the fd back when put_user fails). Measured natively: recvmsg = 1,
 * flags MSG_CTRUNC, controllen 0, /proc/self/fd unchanged. goemu used to return -EFAULT and
 * keep both host fds open, two leaked per call. */
static void test_recvmsg_rights_into_read_only_control_leaks_nothing(void **s)
{
    const uint64_t ro = 0x300000, msg = SCRATCH, iov = SCRATCH + 64, buf = SCRATCH + 128;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(mem_map(&E->mem, ro, 4096, GPROT_READ, 0, "ro"), 0);
    uint64_t seg[2] = {buf, 16};
    poke(iov, seg, sizeof(seg));
    int before = count_open_fds();
    for (int i = 0; i < 3; i++) {
        send_two_fds(sv[0]);
        struct linux_msghdr_t { uint64_t name; uint32_t namelen, pad0; uint64_t iov, iovlen,
                                control, controllen; int32_t flags, pad1; } h =
            {0, 0, 0, iov, 1, ro, 64, 0, 0};
        poke(msg, &h, sizeof(h));
        assert_int_equal(SYS(sys_recvmsg, sv[1], msg, 0), 1);
        peek(msg, &h, sizeof(h));
        assert_int_equal(h.controllen, 0);
        assert_true(h.flags & MSG_CTRUNC);
        assert_int_equal(count_open_fds(), before);
    }
    /* A writable control buffer gets both, and they are open descriptors. */
    send_two_fds(sv[0]);
    uint64_t ctl = SCRATCH + 1024;
    uint64_t h2[7] = {0, 0, iov, 1, ctl, 64, 0};
    poke(msg, h2, sizeof(h2));
    assert_int_equal(SYS(sys_recvmsg, sv[1], msg, 0), 1);
    peek(msg, h2, sizeof(h2));
    assert_int_equal(h2[5], CMSG_SPACE(2 * sizeof(int)));
    unsigned char cbuf[CMSG_SPACE(2 * sizeof(int))];
    peek(ctl, cbuf, sizeof(cbuf));
    int got[2];
    memcpy(got, CMSG_DATA((struct cmsghdr *)cbuf), sizeof(got));
    assert_int_equal(count_open_fds(), before + 2);
    close(got[0]);
    close(got[1]);
    close(sv[0]);
    close(sv[1]);
}

/* SO_ATTACH_FILTER's struct sock_fprog points to the program: goemu copies both and gives the
 * host a host pointer (before, the guest address went to the host kernel as one of goemu's).
 * Errors as Linux gives them natively: optlen != 16 and a 0-length or NULL program -EINVAL
 * (copy_bpf_fprog_from_user, bpf_check_basics_ok in net/core/filter.c), an unreadable program
 * -EFAULT. SO_GET_FILTER counts instructions in optlen (sk_get_filter). */
static void test_so_attach_filter_copies_the_program(void **s)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    const uint64_t fprog = SCRATCH, prog = SCRATCH + 64, lenp = SCRATCH + 256,
                   out = SCRATCH + 512;
    /* ld len; ret a: accept the whole datagram */
    const uint16_t insns[8] = {0x80, 0, 0, 0, 0x16, 0, 0, 0};
    poke(prog, insns, sizeof(insns));
    struct { uint16_t len; uint8_t pad[6]; uint64_t filter; } f = {2, {0}, prog};
    poke(fprog, &f, sizeof(f));
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_FILTER, fprog, 8), -EINVAL);
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16), 0);
    uint32_t len = 0;
    poke(lenp, &len, 4);
    assert_int_equal(SYS(sys_getsockopt, sv[0], SOL_SOCKET, SO_GET_FILTER, out, lenp), 0);
    peek(lenp, &len, 4);
    assert_int_equal(len, 2);
    len = 1;
    poke(lenp, &len, 4);
    assert_int_equal(SYS(sys_getsockopt, sv[0], SOL_SOCKET, SO_GET_FILTER, out, lenp), -EINVAL);
    len = 4;
    poke(lenp, &len, 4);
    assert_int_equal(SYS(sys_getsockopt, sv[0], SOL_SOCKET, SO_GET_FILTER, out, lenp), 0);
    uint16_t back[8];
    peek(out, back, sizeof(back));
    assert_memory_equal(back, insns, sizeof(insns));
    peek(lenp, &len, 4);
    assert_int_equal(len, 2);
    f.filter = 0x7000000000ull;   /* not mapped in the guest */
    poke(fprog, &f, sizeof(f));
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16), -EFAULT);
    f.filter = 0;
    poke(fprog, &f, sizeof(f));
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16), -EINVAL);
    f.filter = prog;
    f.len = 0;
    poke(fprog, &f, sizeof(f));
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16), -EINVAL);
    f.len = 4097;
    poke(fprog, &f, sizeof(f));
    assert_int_equal(SYS(sys_setsockopt, sv[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog, 16),
                     -EINVAL);
    close(sv[0]);
    close(sv[1]);
}

/* Values holding pointers goemu does not translate, and unaudited levels: refused. */
static void test_pointer_carrying_options_are_refused(void **s)
{
    int64_t fd = SYS(sys_socket, AF_INET, SOCK_STREAM, 0);
    uint32_t len = 64;
    poke(SCRATCH + 256, &len, 4);
    memset(&len, 0, 4);
    assert_int_equal(SYS(sys_setsockopt, fd, 276 /* SOL_RDS */, 2, SCRATCH, 16), -ENOPROTOOPT);
    assert_int_equal(SYS(sys_setsockopt, fd, 283 /* SOL_XDP */, 4, SCRATCH, 32), -ENOPROTOOPT);
    assert_int_equal(SYS(sys_setsockopt, fd, IPPROTO_IP, 64 /* IPT_SO_SET_REPLACE */, SCRATCH,
                         64), -ENOPROTOOPT);
    assert_int_equal(SYS(sys_getsockopt, fd, IPPROTO_TCP, 35 /* TCP_ZEROCOPY_RECEIVE */, SCRATCH,
                         SCRATCH + 256), -ENOPROTOOPT);
    /* Plain values still pass. */
    int one = 1;
    poke(SCRATCH, &one, 4);
    assert_int_equal(SYS(sys_setsockopt, fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, SCRATCH, 4), 0);
    close((int)fd);
}

/* getsockopt options that read the value before writing it get the guest's bytes: IP_MSFILTER
 * names the group asked about (ip_get_mcast_msfilter, net/ipv4/ip_sockglue.c) and writes it
 * back. Before, the host read goemu's uninitialised stack buffer (EINVAL, or goemu's bytes
 * echoed to the guest). */
static void test_getsockopt_gives_the_host_the_guests_value(void **s)
{
    /* multiaddr 239.1.2.3, interface 127.0.0.1, fmode, numsrc (IP_MSFILTER_SIZE(0) = 16). */
    const uint32_t group = htonl(0xef010203), lo = htonl(0x7f000001);
    uint32_t mreq[2] = {group, lo}, msf[4] = {group, lo, 7, 0};
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t hl = sizeof(msf);
    int native = setsockopt(probe, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, sizeof(mreq)) == 0 &&
                 getsockopt(probe, IPPROTO_IP, IP_MSFILTER, msf, &hl) == 0;
    close(probe);
    if (!native)
        skip();   /* no multicast on this host's loopback */
    int64_t fd = SYS(sys_socket, AF_INET, SOCK_DGRAM, 0);
    poke(SCRATCH, mreq, sizeof(mreq));
    assert_int_equal(SYS(sys_setsockopt, fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, SCRATCH, 8), 0);
    uint32_t in[4] = {group, lo, 7, 0}, out[4], len = sizeof(in);
    poke(SCRATCH + 64, in, sizeof(in));
    poke(SCRATCH + 128, &len, 4);
    assert_int_equal(SYS(sys_getsockopt, fd, IPPROTO_IP, IP_MSFILTER, SCRATCH + 64, SCRATCH + 128),
                     0);
    peek(SCRATCH + 64, out, sizeof(out));
    peek(SCRATCH + 128, &len, 4);
    assert_int_equal(len, 16);
    assert_int_equal(out[0], group);
    assert_int_equal(out[1], lo);
    assert_int_equal(out[2], msf[2]);   /* the filter mode, as the host reported it natively */
    close((int)fd);
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
        T_(test_recvmsg_rights_into_read_only_control_leaks_nothing),
        T_(test_so_attach_filter_copies_the_program),
        T_(test_pointer_carrying_options_are_refused),
        T_(test_getsockopt_gives_the_host_the_guests_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
