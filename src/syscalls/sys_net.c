/* sys_net.c — sockets. Guest fds are host fds, so each call passes through after copying
 * socket addresses and options across and turning guest buffers into host iovecs. Go's net
 * package uses non-blocking sockets and its netpoller (epoll); a blocking socket that would
 * block parks the guest thread instead of the single host thread (sys_block_on_fd). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
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
 * stores the full length there, as accept/getsockname/recvfrom do (truncating silently). */
static int64_t addr_to_guest(struct emu *e, uint64_t addr, uint64_t lenp, const void *buf,
                             socklen_t hlen)
{
    if (!addr || !lenp)
        return 0;
    int32_t cap;
    if (mem_copy_from(&e->mem, &cap, lenp, 4))
        return -EFAULT;
    if (cap < 0)
        return -EINVAL;
    uint32_t n = hlen < (uint32_t)cap ? hlen : (uint32_t)cap;
    if (mem_copy_to(&e->mem, addr, buf, n) || mem_copy_to(&e->mem, lenp, &hlen, 4))
        return -EFAULT;
    return 0;
}

/* Blocking sockets that are not ready park the guest thread (the call re-executes). */
static int would_block(int fd, short events)
{
    return sys_fd_would_block(fd, events);
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

static int64_t addr_call(struct emu *e, const uint64_t a[6],
                         int (*fn)(int, const struct sockaddr *, socklen_t))
{
    unsigned char buf[SOCKADDR_MAX];
    int64_t n = addr_from_guest(e, a[1], a[2], buf);
    if (n < 0)
        return n;
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
    int64_t w = addr_to_guest(e, a[1], a[2], buf, len);
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
    if (!a[1] || !a[2])
        return -EFAULT;
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

int64_t sys_setsockopt(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned char buf[SOCKOPT_MAX];
    uint32_t len = arg_uint(a[4]);
    if (len > sizeof(buf))
        return -EINVAL;
    if (len && mem_copy_from(&e->mem, buf, a[3], len))
        return -EFAULT;
    return sys_host(setsockopt(arg_int(a[0]), arg_int(a[1]), arg_int(a[2]), buf, len));
}

int64_t sys_getsockopt(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned char buf[SOCKOPT_MAX];
    int32_t cap;
    if (mem_copy_from(&e->mem, &cap, a[4], 4))
        return -EFAULT;
    if (cap < 0)
        return -EINVAL;
    socklen_t len = (uint32_t)cap < sizeof(buf) ? (socklen_t)cap : sizeof(buf);
    int64_t r = sys_host(getsockopt(arg_int(a[0]), arg_int(a[1]), arg_int(a[2]), buf, &len));
    if (r < 0)
        return r;
    if (mem_copy_to(&e->mem, a[3], buf, len) || mem_copy_to(&e->mem, a[4], &len, 4))
        return -EFAULT;
    return 0;
}

int64_t sys_shutdown(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(shutdown(arg_int(a[0]), arg_int(a[1])));
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

int64_t sys_sendto(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct net_msg m;
    int64_t r = msg_buffer(e, &m, a[1], a[2], GPROT_READ);
    if (r < 0)
        return r;
    if (a[4]) {
        int64_t len = addr_from_guest(e, a[4], a[5], m.name);
        if (len < 0)
            return len;
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
    if (mem_copy_from(&e->mem, &g, a[1], sizeof(g)))
        return -EFAULT;
    int64_t r = msg_iov(e, &m, g.iov, g.iovlen, GPROT_READ);
    if (r < 0)
        return r;
    if (g.name) {
        int64_t len = addr_from_guest(e, g.name, g.namelen, m.name);
        if (len < 0)
            return len;
        m.h.msg_name = m.name;
        m.h.msg_namelen = (socklen_t)len;
    }
    if (g.control) {
        if (g.controllen > CONTROL_MAX)
            return -ENOBUFS;
        if (mem_copy_from(&e->mem, m.control, g.control, g.controllen))
            return -EFAULT;
        m.h.msg_control = m.control;
        m.h.msg_controllen = g.controllen;
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
    int64_t r = msg_buffer(e, &m, a[1], a[2], GPROT_WRITE);
    if (r < 0)
        return r;
    m.h.msg_name = m.name;
    m.h.msg_namelen = sizeof(m.name);
    r = do_recv(e, t, arg_int(a[0]), &m, arg_int(a[3]));
    if (r < 0 || t->state == THREAD_BLOCKED)
        return r;
    int64_t w = addr_to_guest(e, a[4], a[5], m.name, m.h.msg_namelen);
    return w < 0 ? w : r;
}

int64_t sys_recvmsg(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_msghdr g;
    struct net_msg m;
    memset(&m.h, 0, sizeof(m.h));
    if (mem_copy_from(&e->mem, &g, a[1], sizeof(g)))
        return -EFAULT;
    int64_t r = msg_iov(e, &m, g.iov, g.iovlen, GPROT_WRITE);
    if (r < 0)
        return r;
    m.h.msg_name = g.name ? m.name : NULL;
    m.h.msg_namelen = g.name ? sizeof(m.name) : 0;
    m.h.msg_control = g.control ? m.control : NULL;
    m.h.msg_controllen = g.control ? (g.controllen < CONTROL_MAX ? g.controllen : CONTROL_MAX) : 0;
    r = do_recv(e, t, arg_int(a[0]), &m, arg_int(a[2]));
    if (r < 0 || t->state == THREAD_BLOCKED)
        return r;
    uint32_t namelen = m.h.msg_namelen < g.namelen ? m.h.msg_namelen : g.namelen;
    g.controllen = m.h.msg_controllen;
    g.flags = m.h.msg_flags;
    if ((g.name && mem_copy_to(&e->mem, g.name, m.name, namelen)) ||
        (g.control && mem_copy_to(&e->mem, g.control, m.control, m.h.msg_controllen)))
        return -EFAULT;
    g.namelen = m.h.msg_namelen;
    if (mem_copy_to(&e->mem, a[1], &g, sizeof(g)))
        return -EFAULT;
    return r;
}
