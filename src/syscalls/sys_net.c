/* sys_net.c — sockets. Guest fds are host fds, so each call passes through after copying
 * socket addresses and options across and turning guest buffers into host iovecs. Go's net
 * package uses non-blocking sockets and its netpoller (epoll); a blocking socket that would
 * block parks the guest thread instead of the single host thread (sys_block_on_fd). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* sockaddr_storage is 128 bytes on Linux; longer addresses are -EINVAL (net/socket.c). */
#define SOCKADDR_MAX 128
/* Linux caps option values at INT_MAX but no option Go uses exceeds a few bytes; 1 KiB
 * covers the rest (struct linger, timevals, tcp_info). */
#define SOCKOPT_MAX 1024
/* Ancillary data passed through as bytes (SCM_RIGHTS fds are host fds too). */
#define CONTROL_MAX 4096

/* Guest struct msghdr (man 2 recvmsg), x86-64 layout. */
struct linux_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen, control, controllen;
    int32_t flags, pad1;
};
_Static_assert(sizeof(struct linux_msghdr) == 56, "msghdr");

static int64_t addr_from_guest(struct emu *e, uint64_t addr, uint64_t len, void *buf)
{
    uint32_t n = (uint32_t)len;
    if (n > SOCKADDR_MAX)
        return -EINVAL;
    if (n && mem_copy_from(&e->mem, buf, addr, n))
        return -EFAULT;
    return n;
}

/* Copies a host address of hlen bytes to the guest buffer whose capacity is at *lenp, and
 * stores the full length there, as move_addr_to_user (net/socket.c) does for accept,
 * getsockname and recvfrom: the capacity is read first (-EFAULT), cut to hlen, then a negative
 * one is -EINVAL; nothing is copied for 0, so a NULL address with capacity 0 is fine. */
static int64_t addr_to_guest(struct emu *e, uint64_t addr, uint64_t lenp, const void *buf,
                             socklen_t hlen)
{
    int32_t cap;
    if (mem_copy_from(&e->mem, &cap, lenp, 4))
        return -EFAULT;
    if (cap > (int32_t)hlen)
        cap = (int32_t)hlen;
    if (cap < 0)
        return -EINVAL;
    if (cap && mem_copy_to(&e->mem, addr, buf, (size_t)cap))
        return -EFAULT;
    return mem_copy_to(&e->mem, lenp, &hlen, 4) ? -EFAULT : 0;
}

/* err, an error goemu found in the caller's memory or arguments, unless the fd's comes first:
 * fdget and sockfd_lookup_light (net/socket.c), which the socket calls make before they read
 * anything from the caller, say -EBADF for no open fd (an O_PATH fd is none to fdget), and,
 * when socket is set, -ENOTSOCK for a file that is not a socket. Asked only when there is an
 * error to order, so a call that works costs nothing more; otherwise the host checks the fd. */
static int64_t sock_first(int fd, int socket, int64_t err)
{
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_PATH))
        return -EBADF;
    if (socket && (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)))
        return -ENOTSOCK;
    return err;
}

/* Blocking sockets that are not ready park the guest thread (the call re-executes). Anything
 * but a socket answers at once: -ENOTSOCK from sockfd_lookup_light (net/socket.c), even for an
 * empty pipe that poll calls "not ready". */
static int would_block(int fd, short events)
{
    struct stat st;
    return sys_fd_would_block(fd, events, UINT64_MAX) && fstat(fd, &st) == 0 &&
           S_ISSOCK(st.st_mode);
}

int64_t sys_socket(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(socket(arg_int(a[0]), arg_int(a[1]), arg_int(a[2])));
}

int64_t sys_socketpair(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int sv[2];
    int64_t r = sys_host(socketpair(arg_int(a[0]), arg_int(a[1]), arg_int(a[2]), sv));
    if (r < 0)
        return r;
    if (mem_copy_to(&e->mem, a[3], sv, sizeof(sv))) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

/* bind looks the socket up before it copies the address; connect only gets the file
 * (__sys_bind, __sys_connect in net/socket.c). */
static int64_t addr_call(struct emu *e, const uint64_t a[6],
                         int (*fn)(int, const struct sockaddr *, socklen_t))
{
    unsigned char buf[SOCKADDR_MAX];
    int64_t n = addr_from_guest(e, a[1], a[2], buf);
    if (n < 0)
        return sock_first(arg_int(a[0]), fn == bind, n);
    return sys_host(fn(arg_int(a[0]), (const struct sockaddr *)buf, (socklen_t)n));
}

int64_t sys_bind(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return addr_call(e, a, bind);
}

/* A blocking connect would wait for the handshake in the host; Go's sockets are
 * non-blocking (EINPROGRESS, then the netpoller). Blocking connects stay host-blocking:
 * documented limitation. */
int64_t sys_connect(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return addr_call(e, a, connect);
}

int64_t sys_listen(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(listen(arg_int(a[0]), arg_int(a[1])));
}

static int64_t do_accept(struct emu *e, struct thread *t, const uint64_t a[6], int flags)
{
    int fd = arg_int(a[0]);
    if (would_block(fd, POLLIN))
        return sys_block_on_fd(t, fd, POLLIN, -1, 0);
    unsigned char buf[SOCKADDR_MAX];
    socklen_t len = sizeof(buf);
    int64_t r = sys_host(accept4(fd, (struct sockaddr *)buf, &len, flags));
    if (r < 0)
        return r;
    /* The new file is dropped when the address cannot be stored (do_accept, net/socket.c). */
    int64_t w = a[1] ? addr_to_guest(e, a[1], a[2], buf, len) : 0;
    if (w < 0) {
        close((int)r);
        return w;
    }
    return r;
}

int64_t sys_accept(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_accept(e, t, a, 0);
}

int64_t sys_accept4(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_accept(e, t, a, arg_int(a[3]));
}

static int64_t name_call(struct emu *e, const uint64_t a[6],
                         int (*fn)(int, struct sockaddr *, socklen_t *))
{
    unsigned char buf[SOCKADDR_MAX];
    socklen_t len = sizeof(buf);
    int64_t r = sys_host(fn(arg_int(a[0]), (struct sockaddr *)buf, &len));
    if (r < 0)
        return r;
    return addr_to_guest(e, a[1], a[2], buf, len);
}

int64_t sys_getsockname(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return name_call(e, a, getsockname);
}

int64_t sys_getpeername(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return name_call(e, a, getpeername);
}

/* ---- socket options ------------------------------------------------------------------------
 *
 * An option value is copied into a host buffer and the host's setsockopt/getsockopt is given
 * that buffer, so a value that is plain bytes (ints, timevals, struct linger, ip_mreq, tpacket_req,
 * crypto info, sockaddrs) is safe to pass through. A value that holds a pointer is not: the host
 * kernel would follow a guest address as one of goemu's own. Those are translated (classic BPF
 * programs) or refused; levels goemu has not audited are refused with -ENOPROTOOPT, the answer of
 * a protocol that does not know the level (e.g. ip_setsockopt, net/ipv4/ip_sockglue.c). */

/* Levels and options named by number as the guest ABI spells them (x86-64 = host). */
enum {
    SOL_IP_ = 0, SOL_SOCKET_ = 1, SOL_TCP_ = 6, SOL_UDP_ = 17, SOL_IPV6_ = 41, SOL_ICMPV6_ = 58,
    SOL_UDPLITE_ = 136, SOL_RAW_ = 255, SOL_PACKET_ = 263, SOL_NETLINK_ = 270, SOL_ALG_ = 279,
    SOL_TLS_ = 282,
    SO_ATTACH_FILTER_ = 26, SO_GET_FILTER_ = 26, SO_ATTACH_BPF_ = 50,
    SO_ATTACH_REUSEPORT_CBPF_ = 51, SO_ATTACH_REUSEPORT_EBPF_ = 52, PACKET_FANOUT_DATA_ = 22,
    TCP_ZEROCOPY_RECEIVE_ = 35, TCP_AO_GET_KEYS_ = 41,
    IPT_SO_SET_REPLACE_ = 64,   /* also IP6T_SO_SET_REPLACE at SOL_IPV6 */
    ARPT_SO_SET_REPLACE_ = 96, EBT_SO_SET_ENTRIES_ = 128, EBT_SO_SET_COUNTERS_ = 129,
    EBT_SO_GET_ENTRIES_ = 130, EBT_SO_GET_INIT_ENTRIES_ = 131,
};
#define BPF_MAXINSNS_ 4096   /* include/uapi/linux/bpf_common.h */

/* Guest struct sock_fprog (include/uapi/linux/filter.h): a count and a pointer to the program. */
struct linux_sock_fprog {
    uint16_t len;
    uint8_t pad[6];
    uint64_t filter;
};
struct linux_sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
_Static_assert(sizeof(struct linux_sock_fprog) == 16, "sock_fprog");

/* A level goemu does not pass to the host: an AF_UNIX socket has no protocol options at all
 * (unix_stream_ops and unix_dgram_ops have no setsockopt/getsockopt, so do_sock_setsockopt
 * says -EOPNOTSUPP), anything else -ENOPROTOOPT. */
static int64_t unaudited_level(int fd)
{
    int domain = 0;
    socklen_t len = sizeof(domain);
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX)
        return -EOPNOTSUPP;
    return -ENOPROTOOPT;
}

static int audited_level(int level)
{
    switch (level) {
    case SOL_IP_: case SOL_SOCKET_: case SOL_TCP_: case SOL_UDP_: case SOL_IPV6_:
    case SOL_ICMPV6_: case SOL_UDPLITE_: case SOL_RAW_: case SOL_PACKET_: case SOL_NETLINK_:
    case SOL_ALG_: case SOL_TLS_:
        return 1;
    default:
        return 0;   /* SOL_RDS (RDS_GET_MR: rds_iovec), SOL_XDP (XDP_UMEM_REG: a user address),
                     * SOL_MPTCP (MPTCP_FULL_INFO: two user pointers), and the unaudited rest */
    }
}

/* Options whose value carries pointers goemu does not translate: netfilter table replacement
 * (struct ipt_replace/arpt_replace .counters, struct ebt_replace .entries/.counters:
 * do_replace in net/ipv4/netfilter/ip_tables.c, net/bridge/netfilter/ebtables.c),
 * TCP_ZEROCOPY_RECEIVE (.address, .copybuf_address, .msg_control: tcp_zerocopy_receive,
 * net/ipv4/tcp.c), and TCP_AO_GET_KEYS, whose output size comes from a count inside the value
 * rather than from optlen (tcp_ao_get_mkts, net/ipv4/tcp_ao.c). */
static int untranslated(int level, int opt, int get)
{
    if (level == SOL_IP_ || level == SOL_IPV6_) {
        if (!get && (opt == IPT_SO_SET_REPLACE_ || opt == ARPT_SO_SET_REPLACE_ ||
                     opt == EBT_SO_SET_ENTRIES_ || opt == EBT_SO_SET_COUNTERS_))
            return 1;
        if (get && (opt == EBT_SO_GET_ENTRIES_ || opt == EBT_SO_GET_INIT_ENTRIES_))
            return 1;
    }
    if (level == SOL_TCP_ && get && (opt == TCP_ZEROCOPY_RECEIVE_ || opt == TCP_AO_GET_KEYS_))
        return 1;
    return 0;
}

/* Options whose 4-byte value is an fd, a BPF program's: SO_ATTACH_BPF and
 * SO_ATTACH_REUSEPORT_EBPF (sock_setsockopt, net/core/sock.c: optlen must be sizeof(u32)) and
 * PACKET_FANOUT_DATA of a PACKET_FANOUT_EBPF group (fanout_set_data_ebpf, net/packet/af_packet.c).
 * One naming goemu's own fds is screened as dispatch.c screens fd arguments: the host then
 * answers -EBADF, as for any fd the guest does not have, instead of -EINVAL for an open fd that
 * is not a BPF program. */
static void screen_fd_value(int level, int opt, unsigned char *buf, uint32_t len)
{
    int fd;
    if (len != sizeof(fd) ||
        !((level == SOL_SOCKET_ && (opt == SO_ATTACH_BPF_ || opt == SO_ATTACH_REUSEPORT_EBPF_)) ||
          (level == SOL_PACKET_ && opt == PACKET_FANOUT_DATA_)))
        return;
    memcpy(&fd, buf, sizeof(fd));
    if (fds_private(fd)) {
        fd = FDS_CLOSED;
        memcpy(buf, &fd, sizeof(fd));
    }
}

/* A classic BPF program (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF, PACKET_FANOUT_DATA of a
 * PACKET_FANOUT_CBPF group): the guest's sock_fprog and the instructions it points to are
 * copied to host memory and the host is given a host sock_fprog. Checks in the kernel's order:
 * optlen must be sizeof(struct sock_fprog) (copy_bpf_fprog_from_user, net/core/filter.c), a
 * NULL program, 0 or more than BPF_MAXINSNS instructions is -EINVAL (bpf_check_basics_ok), an
 * unreadable program -EFAULT (bpf_prog_create_from_user). */
static int64_t setsockopt_fprog(struct emu *e, int fd, int level, int opt, uint64_t addr,
                                uint32_t len)
{
    static struct linux_sock_filter prog[BPF_MAXINSNS_];
    struct linux_sock_fprog g;
    if (len != sizeof(g))
        return -EINVAL;
    if (mem_copy_from(&e->mem, &g, addr, sizeof(g)))
        return sys_host(syscall(SYS_setsockopt, fd, level, opt, mem_fault_ptr(addr, sizeof(g)), len));
    if (!g.filter || g.len == 0 || g.len > BPF_MAXINSNS_)
        return -EINVAL;
    if (mem_copy_from(&e->mem, prog, g.filter, (size_t)g.len * sizeof(prog[0])))
        return -EFAULT;
    struct {
        unsigned short len;
        void *filter;
    } h = {g.len, prog};
    _Static_assert(sizeof(h) == sizeof(g), "host sock_fprog");
    return sys_host(setsockopt(fd, level, opt, &h, sizeof(h)));
}

int64_t sys_setsockopt(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned char buf[SOCKOPT_MAX];
    int fd = arg_int(a[0]), level = arg_int(a[1]), opt = arg_int(a[2]);
    uint32_t len = arg_uint(a[4]);
    /* __sys_setsockopt (net/socket.c): the socket, then a negative optlen, then the level. */
    if ((int32_t)len < 0)
        return sock_first(fd, 1, -EINVAL);
    if (!audited_level(level))
        return sock_first(fd, 1, unaudited_level(fd));
    if (untranslated(level, opt, 0))
        return sock_first(fd, 1, -ENOPROTOOPT);
    if ((level == SOL_SOCKET_ &&
         (opt == SO_ATTACH_FILTER_ || opt == SO_ATTACH_REUSEPORT_CBPF_)) ||
        (level == SOL_PACKET_ && opt == PACKET_FANOUT_DATA_ &&
         len == sizeof(struct linux_sock_fprog)))
        return setsockopt_fprog(e, fd, level, opt, a[3], len);
    if (len > sizeof(buf))
        return sock_first(fd, 1, -EINVAL);
    /* An unreadable value: the host's option code checks the length first (sock_setsockopt:
     * optlen < sizeof(int) is -EINVAL) and faults on the stand-in where Linux would. */
    if (len && mem_copy_from(&e->mem, buf, a[3], len))
        return sys_host(syscall(SYS_setsockopt, fd, level, opt, mem_fault_ptr(a[3], len), len));
    screen_fd_value(level, opt, buf, len);
    return sys_host(setsockopt(fd, level, opt, buf, len));
}

/* SO_GET_FILTER counts instructions, not bytes, in optlen (sk_get_filter, net/core/filter.c):
 * 0 asks for the count, a smaller capacity than the program is -EINVAL, and otherwise the
 * program is written and its count stored. */
static int64_t getsockopt_filter(struct emu *e, int fd, uint64_t addr, uint64_t lenp, int32_t cap)
{
    static struct linux_sock_filter prog[BPF_MAXINSNS_];
    socklen_t n = (uint32_t)cap < BPF_MAXINSNS_ ? (socklen_t)cap : BPF_MAXINSNS_;
    int64_t r = sys_host(getsockopt(fd, SOL_SOCKET_, SO_GET_FILTER_, prog, &n));
    if (r < 0)
        return r;
    if (cap && n <= BPF_MAXINSNS_ && mem_copy_to(&e->mem, addr, prog, (size_t)n * sizeof(prog[0])))
        return -EFAULT;
    return mem_copy_to(&e->mem, lenp, &n, 4) ? -EFAULT : 0;
}

int64_t sys_getsockopt(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned char buf[SOCKOPT_MAX];
    int fd = arg_int(a[0]), level = arg_int(a[1]), opt = arg_int(a[2]);
    int32_t cap;
    int64_t r;
    /* __sys_getsockopt: the socket first. */
    if (!audited_level(level))
        return sock_first(fd, 1, unaudited_level(fd));
    if (mem_copy_from(&e->mem, &cap, a[4], 4))
        return sock_first(fd, 1, -EFAULT);
    if (cap < 0)
        return sock_first(fd, 1, -EINVAL);
    if (untranslated(level, opt, 1))
        return sock_first(fd, 1, -ENOPROTOOPT);
    if (level == SOL_SOCKET_ && opt == SO_GET_FILTER_)
        return getsockopt_filter(e, fd, a[3], a[4], cap);
    socklen_t len = (uint32_t)cap < sizeof(buf) ? (socklen_t)cap : sizeof(buf);
    /* The host gets the guest's bytes, never goemu's stack: some options read the value before
     * they write it (IP_MSFILTER and MCAST_MSFILTER name the group asked about and write it
     * back, ip_get_mcast_msfilter in net/ipv4/ip_sockglue.c; PACKET_HDRLEN reads the version).
     * A value the guest cannot give is zeros; writing the answer back then faults (-EFAULT). */
    memset(buf, 0, len);
    if (len && mem_copy_from(&e->mem, buf, a[3], len))
        memset(buf, 0, len);
    r = sys_host(getsockopt(fd, level, opt, buf, &len));
    if (r < 0)
        return r;
    /* A few options report a needed length larger than the buffer: copy what is there. */
    socklen_t have = len < (socklen_t)sizeof(buf) && len < (socklen_t)cap ? len
                   : (socklen_t)cap < sizeof(buf) ? (socklen_t)cap : sizeof(buf);
    if (mem_copy_to(&e->mem, a[3], buf, have) || mem_copy_to(&e->mem, a[4], &len, 4))
        return -EFAULT;
    return 0;
}

int64_t sys_shutdown(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(shutdown(arg_int(a[0]), arg_int(a[1])));
}

/* SCM_RIGHTS descriptors naming goemu's own fds are sent as fds that are not open: the
 * host answers EBADF, as scm_fp_copy does (net/core/scm.c; dispatch.c screens arguments). */
static void screen_rights(struct msghdr *h)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
            continue;
        size_t off = (size_t)(CMSG_DATA(c) - (unsigned char *)h->msg_control);
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        if (n > (h->msg_controllen - off) / sizeof(int))
            n = (h->msg_controllen - off) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd, closed = FDS_CLOSED;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
            if (fds_private(fd))
                memcpy(CMSG_DATA(c) + i * sizeof(int), &closed, sizeof(closed));
        }
    }
}

/* Received descriptors get the lowest free numbers below the host's soft limit, which is
 * goemu's block while the guest's limit is higher; the kernel drops what does not fit
 * (MSG_CTRUNC, scm_detach_fds). So before a receive that could carry n fds (at most
 * SCM_MAX_FD per message), the block moves up unless n numbers are free below it. */
static void room_for_rights(struct emu *e, int fd, uint64_t controllen)
{
    if (!fds_can_grow() || controllen < CMSG_LEN(sizeof(int)))
        return;
    uint64_t n = (controllen - CMSG_LEN(0)) / sizeof(int);
    if (n > 253)   /* SCM_MAX_FD, include/net/scm.h */
        n = 253;
    int low = fcntl(fd, F_DUPFD_CLOEXEC, 0);   /* the lowest free number */
    if (low < 0 && errno != EMFILE)
        return;   /* not an fd: recvmsg says so */
    if (low >= 0)
        close(low);
    else
        low = fds_lo;
    if ((uint64_t)low + n > (uint64_t)fds_lo)
        sys_fd_grow(e, (uint64_t)low + n);
}

/* sendto/sendmsg/recvfrom/recvmsg all go through one message path. */
struct net_msg {
    struct msghdr h;
    struct iovec iov[IOV_CAP];
    unsigned char name[SOCKADDR_MAX];
    unsigned char control[CONTROL_MAX];
};

static int64_t msg_iov(struct emu *e, struct net_msg *m, uint64_t iov, uint64_t iovlen, int prot)
{
    struct linux_iovec seg[IOV_CAP];
    if (iovlen > IOV_CAP)
        return -EMSGSIZE;  /* msg_iovlen > UIO_MAXIOV (net/socket.c __copy_msghdr) */
    if (iovlen && mem_copy_from(&e->mem, seg, iov, iovlen * sizeof(seg[0])))
        return -EFAULT;
    int n = 0;
    int64_t r = sys_build_iov(&e->mem, seg, (int)iovlen, prot, 0x7ffff000ull, m->iov, &n);
    if (r < 0)
        return r;
    m->h.msg_iov = m->iov;
    m->h.msg_iovlen = (size_t)n;
    return 0;
}

/* A message over one guest buffer (send/sendto/recv/recvfrom). */
static int64_t msg_buffer(struct emu *e, struct net_msg *m, uint64_t buf, uint64_t len, int prot)
{
    memset(&m->h, 0, sizeof(m->h));
    struct linux_iovec seg = {buf, len};
    int n = 0;
    int64_t r = sys_build_iov(&e->mem, &seg, 1, prot, 0x7ffff000ull, m->iov, &n);
    if (r < 0)
        return r;
    m->h.msg_iov = m->iov;
    m->h.msg_iovlen = (size_t)n;
    return 0;
}

/* Sends never block the host: MSG_DONTWAIT, and a blocking socket that is full parks the
 * guest thread. MSG_NOSIGNAL because the guest, not goemu, gets SIGPIPE (posted below). */
static int64_t do_send(struct emu *e, struct thread *t, int fd, struct net_msg *m, int flags)
{
    if (would_block(fd, POLLOUT))
        return sys_block_on_fd(t, fd, POLLOUT, -1, 0);
    int64_t r = sys_host(sendmsg(fd, &m->h, flags | MSG_DONTWAIT | MSG_NOSIGNAL));
    if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
        sig_post(e, t, 13 /* SIGPIPE */);
    return r;
}

/* __sys_sendto and __sys_recvfrom (net/socket.c): access_ok on the buffer (import_ubuf), the
 * socket, the address; the data is copied last (by the host, from stand-ins past the guest's
 * good pages), so a bad buffer on a socket with nothing to receive is -EAGAIN, and a fault part
 * way gives a short count. */
int64_t sys_sendto(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct net_msg m;
    if (!mem_access_ok(a[1], a[2]))
        return -EFAULT;
    int64_t r = msg_buffer(e, &m, a[1], a[2], GPROT_READ);
    if (r < 0)
        return r;
    if (a[4]) {
        int64_t len = addr_from_guest(e, a[4], a[5], m.name);
        if (len < 0)
            return sock_first(arg_int(a[0]), 1, len);
        m.h.msg_name = m.name;
        m.h.msg_namelen = (socklen_t)len;
    }
    return do_send(e, t, arg_int(a[0]), &m, arg_int(a[3]));
}

int64_t sys_sendmsg(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_msghdr g;
    struct net_msg m;
    memset(&m.h, 0, sizeof(m.h));
    int fd = arg_int(a[0]);   /* __sys_sendmsg: the socket, then the header */
    if (mem_copy_from(&e->mem, &g, a[1], sizeof(g)))
        return sock_first(fd, 1, -EFAULT);
    int64_t r = msg_iov(e, &m, g.iov, g.iovlen, GPROT_READ);
    if (r < 0)
        return sock_first(fd, 1, r);
    if (g.name) {
        int64_t len = addr_from_guest(e, g.name, g.namelen, m.name);
        if (len < 0)
            return sock_first(fd, 1, len);
        m.h.msg_name = m.name;
        m.h.msg_namelen = (socklen_t)len;
    }
    if (g.control) {
        if (g.controllen > CONTROL_MAX)
            return sock_first(fd, 1, -ENOBUFS);
        if (mem_copy_from(&e->mem, m.control, g.control, g.controllen))
            return sock_first(fd, 1, -EFAULT);
        m.h.msg_control = m.control;
        m.h.msg_controllen = g.controllen;
        screen_rights(&m.h);
    }
    return do_send(e, t, arg_int(a[0]), &m, arg_int(a[2]));
}

static int64_t do_recv(struct emu *e, struct thread *t, int fd, struct net_msg *m, int flags)
{
    if (!(flags & MSG_DONTWAIT) && would_block(fd, POLLIN))
        return sys_block_on_fd(t, fd, POLLIN, -1, 0);
    return sys_host(recvmsg(fd, &m->h, flags | MSG_DONTWAIT));
}

int64_t sys_recvfrom(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct net_msg m;
    if (!mem_access_ok(a[1], a[2]))
        return -EFAULT;
    int64_t r = msg_buffer(e, &m, a[1], a[2], GPROT_WRITE);
    if (r < 0)
        return r;
    m.h.msg_name = m.name;
    m.h.msg_namelen = sizeof(m.name);
    r = do_recv(e, t, arg_int(a[0]), &m, arg_int(a[3]));
    if (r < 0 || t->state == THREAD_BLOCKED)
        return r;
    int64_t w = a[4] ? addr_to_guest(e, a[4], a[5], m.name, m.h.msg_namelen) : 0;
    return w < 0 ? w : r;
}

/* Closes the descriptors of an SCM_RIGHTS message that will not reach the guest. */
static void close_rights(const struct cmsghdr *c)
{
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
        return;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
        close(fd);
    }
}

/* Delivers the received control messages one by one, as the kernel writes them straight into
 * the guest's buffer (put_cmsg, scm_detach_fds in net/core/scm.c). A message the buffer cannot
 * take ends delivery: its descriptors and those of every later message are closed (the kernel
 * never installs them: receive_fd_user gives the fd back when put_user fails) and MSG_CTRUNC
 * is set; the call still returns the data it received. Returns the bytes delivered (the
 * guest's msg_controllen). */
static uint64_t control_to_guest(struct emu *e, uint64_t addr, struct msghdr *h, int32_t *flags)
{
    uint64_t done = 0;
    int failed = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
        size_t off = (size_t)((unsigned char *)c - (unsigned char *)h->msg_control);
        size_t space = CMSG_ALIGN(c->cmsg_len);
        if (space > h->msg_controllen - off)
            space = h->msg_controllen - off;
        if (!failed && mem_copy_to(&e->mem, addr + off, c, space) == 0) {
            done = off + space;
            continue;
        }
        failed = 1;
        close_rights(c);
    }
    if (failed)
        *flags |= MSG_CTRUNC;
    return done;
}

int64_t sys_recvmsg(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_msghdr g;
    struct net_msg m;
    memset(&m.h, 0, sizeof(m.h));
    /* __sys_recvmsg: the socket, then the header. */
    if (mem_copy_from(&e->mem, &g, a[1], sizeof(g)))
        return sock_first(arg_int(a[0]), 1, -EFAULT);
    int64_t r = msg_iov(e, &m, g.iov, g.iovlen, GPROT_WRITE);
    if (r < 0)
        return sock_first(arg_int(a[0]), 1, r);
    m.h.msg_name = g.name ? m.name : NULL;
    m.h.msg_namelen = g.name ? sizeof(m.name) : 0;
    m.h.msg_control = g.control ? m.control : NULL;
    m.h.msg_controllen = g.control ? (g.controllen < CONTROL_MAX ? g.controllen : CONTROL_MAX) : 0;
    room_for_rights(e, arg_int(a[0]), m.h.msg_controllen);
    r = do_recv(e, t, arg_int(a[0]), &m, arg_int(a[2]));
    if (r < 0 || t->state == THREAD_BLOCKED)
        return r;
    uint32_t namelen = m.h.msg_namelen < g.namelen ? m.h.msg_namelen : g.namelen;
    g.flags = m.h.msg_flags;
    g.controllen = g.control ? control_to_guest(e, g.control, &m.h, &g.flags) : 0;
    if (g.name && mem_copy_to(&e->mem, g.name, m.name, namelen))
        return -EFAULT;
    g.namelen = m.h.msg_namelen;
    if (mem_copy_to(&e->mem, a[1], &g, sizeof(g)))
        return -EFAULT;
    return r;
}
