/* sys_poll.c — readiness: epoll (Go's runtime/netpoll_epoll.go), poll/ppoll, and the helpers
 * every possibly-blocking call uses. All guest threads share one host thread, so nothing may
 * sleep in the host: a call asks the host with a zero timeout and, if it would wait, blocks
 * the guest thread on one fd (BLOCK_FD) until the scheduler sees it ready and re-executes it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* Host epoll events gathered per call; the rest stay queued in the host for the next call. */
#define EPOLL_BATCH 128
/* epoll_wait's maxevents limit (fs/eventpoll.c EP_MAX_EVENTS). */
#define EP_MAX_EVENTS (INT32_MAX / (int)sizeof(struct linux_epoll_event))
/* A multi-fd poll that must wait watches only its first fd, for at most this long. */
#define MULTI_POLL_SLICE_NS 10000000ll

/* Whether a read or write of len bytes on fd can wait at all: pipes, sockets, terminals and
 * other character devices, and the anonymous files that wait for an event. Any other file
 * answers at once even while poll says "not ready": read on an epoll fd is -EINVAL
 * (eventpoll_fops has no read, fs/eventpoll.c), on a pidfd too (pidfd_fops, kernel/pid.c).
 * Some event files refuse a buffer smaller than their record before they would wait:
 * eventfd_read/eventfd_write (8 bytes, fs/eventfd.c), timerfd_read (8, fs/timerfd.c),
 * signalfd_read (sizeof(struct signalfd_siginfo), fs/signalfd.c), userfaultfd_read
 * (sizeof(struct uffd_msg), fs/userfaultfd.c): -EINVAL at once. Anonymous inodes have no
 * file type in st_mode; their /proc/self/fd link names them. */
static int may_wait(int fd, uint64_t len)
{
    static const struct {
        const char *name;
        uint64_t min;   /* smallest transfer that may wait */
    } waiting[] = {{"anon_inode:[eventfd]", 8},    {"anon_inode:[timerfd]", 8},
                   {"anon_inode:[signalfd]", 128}, {"anon_inode:inotify", 0},
                   {"anon_inode:[fanotify]", 0},   {"anon_inode:[userfaultfd]", 32}};
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode))
        return 1;
    if (st.st_mode & S_IFMT)
        return 0;
    char link[64], name[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof(name) - 1);
    if (n <= 0)
        return 0;
    name[n] = 0;
    for (size_t i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
        if (!strcmp(name, waiting[i].name))
            return len >= waiting[i].min;
    return 0;
}

int sys_fd_would_block(int fd, short events, uint64_t len)
{
    struct pollfd p = {fd, events, 0};
    /* Ready, hung up, in error, or not an fd (POLLNVAL): the call itself will answer. */
    if (poll(&p, 1, 0) != 0)
        return 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK))
        return 0;
    /* A read on a write-only fd (a pipe's write end) or a write on a read-only one never
     * becomes ready: the call itself answers EBADF at once (fs/read_write.c, FMODE_READ). */
    int acc = fl & O_ACCMODE;
    if (((events & POLLIN) && acc == O_WRONLY) || ((events & POLLOUT) && acc == O_RDONLY))
        return 0;
    return may_wait(fd, len);
}

int64_t sys_block_on_fd(struct thread *t, int fd, short events, int64_t deadline,
                        int64_t timeout_result)
{
    t->wait_fd = fd;
    t->wait_events = events;
    t->timeout_result = timeout_result;
    sched_block(t, BLOCK_FD, deadline);
    return 0;
}

/* A poll timeout in ms as a deadline: -1 (negative: forever) or now + ms. */
static int64_t ms_deadline(struct emu *e, int timeout_ms)
{
    return timeout_ms < 0 ? -1 : sys_deadline_after(e, (int64_t)timeout_ms * 1000000);
}

/* ---- epoll -------------------------------------------------------------------------------- */

int64_t sys_epoll_create1(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(epoll_create1(arg_int(a[0])));
}

/* The size hint is ignored since Linux 2.6.8 but must be positive (man 2 epoll_create). */
int64_t sys_epoll_create(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return arg_int(a[0]) <= 0 ? -EINVAL : sys_host(epoll_create1(0));
}

/* epoll_ctl(epfd, op, fd, event): the event is read for ADD/MOD only; DEL may pass NULL. The
 * data word is the guest's (Go stores a *pollDesc) and comes back untouched. */
int64_t sys_epoll_ctl(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int op = arg_int(a[1]);
    struct linux_epoll_event g;
    struct epoll_event h = {0};
    if (op != LINUX_EPOLL_CTL_DEL) {
        if (mem_copy_from(&e->mem, &g, a[3], sizeof(g)))
            return -EFAULT;
        h = guest_to_host_epoll_event(&g);
    }
    return sys_host(epoll_ctl(arg_int(a[0]), op, arg_int(a[2]), &h));
}

static int64_t copy_out_events(struct emu *e, uint64_t addr, const struct epoll_event *h, int n)
{
    for (int i = 0; i < n; i++) {
        struct linux_epoll_event g = host_to_guest_epoll_event(&h[i]);
        if (mem_copy_to(&e->mem, addr + (uint64_t)i * sizeof(g), &g, sizeof(g)))
            return -EFAULT;
    }
    return n;
}

/* epoll_wait: the host is asked without waiting; with nothing ready and a timeout, the thread
 * blocks on the epoll fd itself (readable when any event is) until then, and 0 events is the
 * answer at the deadline. A re-executed wait starts its timeout again: only a spurious
 * readiness makes it longer. The signal mask of epoll_pwait is not applied (no delivery yet).
 * Faults as in do_epoll_wait and ep_send_events (fs/eventpoll.c): the fd, maxevents and
 * access_ok on the whole array are checked first, in an order that has changed between kernel
 * versions, so an error there is the host's own answer, asked with a buffer it refuses (it
 * never waits or takes an event then). Each event is then stored by itself: the events that
 * fit the writable start of the array are returned, and one that cannot be stored stays ready
 * (-EFAULT when it is the first). The host is asked for only as many as fit, or, when none
 * does, given a stand-in that faults, so it keeps the event itself. */
static int64_t do_epoll_wait(struct emu *e, struct thread *t, int epfd, uint64_t events,
                             int maxevents, int timeout_ms)
{
    const uint64_t size = sizeof(struct linux_epoll_event);
    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS ||
        !mem_access_ok(events, (uint64_t)maxevents * size))
        return sys_host(syscall(SYS_epoll_wait, epfd,
                                mem_fault_ptr(events, (uint64_t)(uint32_t)maxevents * size),
                                maxevents, 0));
    struct epoll_event h[EPOLL_BATCH];
    int want = maxevents < EPOLL_BATCH ? maxevents : EPOLL_BATCH, room = 0;
    while (room < want && mem_accessible(&e->mem, events + (uint64_t)room * size, size, GPROT_WRITE))
        room++;
    int n = room ? epoll_wait(epfd, h, room, 0)
                 : (int)syscall(SYS_epoll_wait, epfd, mem_fault_ptr(events, size), want, 0);
    if (n < 0)
        return sys_errno(errno);
    if (n > 0)
        return copy_out_events(e, events, h, n);
    if (timeout_ms == 0)
        return 0;
    return sys_block_on_fd(t, epfd, POLLIN, ms_deadline(e, timeout_ms), 0);
}

int64_t sys_epoll_wait(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_epoll_wait(e, t, arg_int(a[0]), a[1], arg_int(a[2]), arg_int(a[3]));
}

/* The mask is read before anything else (set_user_sigmask in do_epoll_pwait, fs/eventpoll.c),
 * though not applied. */
static int64_t read_sigmask(struct emu *e, uint64_t addr, uint64_t size)
{
    uint64_t mask;
    if (!addr)
        return 0;
    if (size != sizeof(mask))
        return -EINVAL;
    return mem_copy_from(&e->mem, &mask, addr, sizeof(mask)) ? -EFAULT : 0;
}

int64_t sys_epoll_pwait(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t r = read_sigmask(e, a[4], a[5]);
    return r ? r : do_epoll_wait(e, t, arg_int(a[0]), a[1], arg_int(a[2]), arg_int(a[3]));
}

/* ---- poll, ppoll --------------------------------------------------------------------------- */

_Static_assert(sizeof(struct pollfd) == sizeof(struct linux_pollfd), "pollfd layout");

/* Whether every revents field of the guest's array can be written (access_ok first). */
static int revents_writable(struct emu *e, uint64_t addr, const struct linux_pollfd *p,
                            uint64_t nfds)
{
    if (!mem_access_ok(addr, nfds * sizeof(*p)))
        return 0;
    if (mem_accessible(&e->mem, addr, nfds * sizeof(*p), GPROT_WRITE))
        return 1;
    for (uint64_t i = 0; i < nfds; i++)
        if (!mem_accessible(&e->mem, addr + i * sizeof(*p) + offsetof(struct linux_pollfd, revents),
                            sizeof(p[i].revents), GPROT_WRITE))
            return 0;
    return 1;
}

/* The revents fields one by one, when the array as a whole could not be written. */
static int64_t write_revents(struct emu *e, uint64_t addr, const struct linux_pollfd *p,
                             uint64_t nfds)
{
    for (uint64_t i = 0; i < nfds; i++)
        if (mem_copy_to(&e->mem, addr + i * sizeof(*p) + offsetof(struct linux_pollfd, revents),
                        &p[i].revents, sizeof(p[i].revents)))
            return -EFAULT;
    return 0;
}

/* Polls the guest's pollfd array once without waiting (struct pollfd is the same on host and
 * guest) and writes revents back. On a wait, blocks: a single fd is watched exactly; no fd
 * is a plain sleep; several fds are not tracked by the scheduler, so the thread watches the
 * first for at most MULTI_POLL_SLICE_NS and then returns 0 — an early timeout, which callers
 * of poll must handle anyway after signals. */
static int64_t do_poll(struct emu *e, struct thread *t, uint64_t addr, uint64_t nfds,
                       int64_t deadline)
{
    if (nfds > 65536)   /* beyond RLIMIT_NOFILE's usual hard limit (man 2 poll, EINVAL) */
        return -EINVAL;
    struct linux_pollfd *p = nfds ? calloc(nfds, sizeof(*p)) : NULL;
    if (nfds && !p)
        return -ENOMEM;
    int64_t r = nfds && mem_copy_from(&e->mem, p, addr, nfds * sizeof(*p)) ? -EFAULT : 0;
    /* An fd of goemu's own is polled as one that is not open: POLLNVAL (dispatch.c). */
    int32_t *mine = NULL;
    for (uint64_t i = 0; !r && i < nfds; i++)
        if (fds_private(p[i].fd)) {
            if (!mine && !(mine = calloc(nfds, sizeof(*mine))))
                r = -ENOMEM;
            else
                mine[i] = p[i].fd, p[i].fd = FDS_CLOSED;
        }
    if (!r)
        r = sys_host(poll((struct pollfd *)p, nfds, 0));
    for (uint64_t i = 0; mine && i < nfds; i++)
        if (mine[i])
            p[i].fd = mine[i];
    free(mine);
    /* Every revents is written back, ready or not, after access_ok on the whole array
     * (do_sys_poll, fs/select.c): a read-only array is -EFAULT even when nothing was ready, and
     * at the end of a wait that timed out. */
    int64_t back = r < 0 ? r : revents_writable(e, addr, p, nfds) ? 0 : -EFAULT;
    if (r == 0 && deadline != 0) {
        if (nfds == 0) {
            sched_block(t, BLOCK_SLEEP, deadline);
            t->timeout_result = back;   /* after sched_block, which sets 0 for a sleep */
        } else if (nfds == 1) {
            r = sys_block_on_fd(t, p[0].fd, p[0].events, deadline, back);
        } else {
            int64_t slice = sys_deadline_after(e, MULTI_POLL_SLICE_NS);
            r = sys_block_on_fd(t, p[0].fd, p[0].events,
                                deadline < 0 || slice < deadline ? slice : deadline, back);
        }
    } else if (r >= 0 && (back || (nfds && mem_copy_to(&e->mem, addr, p, nfds * sizeof(*p)))))
        r = back ? back : write_revents(e, addr, p, nfds);
    free(p);
    return r;
}

/* Deadline 0 means "do not wait" below; an already-passed deadline is the same thing. */
static int64_t clamp_deadline(struct emu *e, int64_t deadline)
{
    return deadline >= 0 && deadline <= emu_monotonic_ns(e) ? 0 : deadline;
}

int64_t sys_poll(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int timeout = arg_int(a[2]);
    int64_t deadline = timeout == 0 ? 0 : clamp_deadline(e, ms_deadline(e, timeout));
    return do_poll(e, t, a[0], arg_uint(a[1]), deadline);
}

/* ppoll(fds, nfds, tmo, sigmask, sigsetsize): a NULL timeout waits forever; the signal mask is
 * not applied (no delivery yet). */
int64_t sys_ppoll(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t ns, deadline = -1, r;
    /* The timeout, then the mask, then the array (ppoll, fs/select.c). */
    if (a[2]) {
        if ((r = sys_read_timespec_ns(e, a[2], &ns)))
            return r;
        deadline = ns == 0 ? 0 : clamp_deadline(e, sys_deadline_after(e, ns));
    }
    if ((r = read_sigmask(e, a[3], a[4])))
        return r;
    return do_poll(e, t, a[0], arg_uint(a[1]), deadline);
}
