/* sys_clone.c — clone and clone3 decoded in one place into a struct clone_request, checked
 * as kernel/fork.c checks them, then handed to clone_thread (sys_thread.c: a new guest thread,
 * CLONE_THREAD) or clone_process (sys_process.c: a new host process, fork and vfork). */
#include <errno.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* Flag combinations Linux rejects (THREAD without SIGHAND, SIGHAND without VM) are -EINVAL
 * (man 2 clone); so a thread here always has CLONE_VM|CLONE_SIGHAND|CLONE_THREAD. */
static int64_t check_clone_flags(uint64_t flags)
{
    if ((flags & LINUX_CLONE_THREAD) && !(flags & LINUX_CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & LINUX_CLONE_SIGHAND) && !(flags & LINUX_CLONE_VM))
        return -EINVAL;
    return 0;
}

static int64_t start_clone(struct emu *e, struct thread *t, const struct clone_request *rq)
{
    int64_t r = check_clone_flags(rq->flags);
    if (r)
        return r;
    return rq->flags & LINUX_CLONE_THREAD ? clone_thread(e, t, rq) : clone_process(e, t, rq);
}

/* clone(flags, stack, parent_tid, child_tid, tls): the x86-64 argument order. Only the low 32
 * bits of flags count (kernel/fork.c: lower_32_bits(clone_flags)), the exit signal is their
 * low byte, and parent_tid doubles as where CLONE_PIDFD stores the pidfd, so the two cannot
 * both be asked for. */
int64_t sys_clone(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t flags = (uint32_t)a[0];
    struct clone_request rq = {flags & ~LINUX_CSIGNAL, flags & LINUX_CSIGNAL, a[1], a[2], a[3],
                               a[4], a[2], 0, 0};
    if ((rq.flags & LINUX_CLONE_PIDFD) && (rq.flags & LINUX_CLONE_PARENT_SETTID))
        return -EINVAL;
    return start_clone(e, t, &rq);
}

/* clone3's checks (kernel/fork.c copy_clone_args_from_user, clone3_args_valid). */
static int64_t check_clone3(const struct linux_clone_args *ca, uint64_t size)
{
    if ((ca->exit_signal & ~LINUX_CSIGNAL) || ca->exit_signal > LINUX_NSIG)
        return -EINVAL;
    if ((ca->flags & LINUX_CLONE_INTO_CGROUP) && (ca->cgroup > 0x7fffffff ||
                                                  size < sizeof(*ca)))
        return -EINVAL;
    if (ca->flags & (LINUX_CLONE_DETACHED | (LINUX_CSIGNAL & ~0x80ull)))  /* 0x80: NEWTIME */
        return -EINVAL;
    if ((ca->flags & (LINUX_CLONE_THREAD | 0x8000ull /* CLONE_PARENT */)) && ca->exit_signal)
        return -EINVAL;
    if (!ca->stack != !ca->stack_size)
        return -EINVAL;
    if ((ca->flags & LINUX_CLONE_PIDFD) && (ca->flags & LINUX_CLONE_PARENT_SETTID) &&
        ca->pidfd == ca->parent_tid)
        return -EINVAL;
    return 0;
}

/* clone3(args, size): the same request described by a struct. A caller's struct may be older
 * (shorter) or newer (longer, with only zeros past what goemu knows). */
int64_t sys_clone3(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_clone_args ca = {0};
    uint64_t size = a[1];
    if (size < LINUX_CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    if (size > GUEST_PAGE_SIZE)
        return -E2BIG;
    if (mem_copy_from(&e->mem, &ca, a[0], size < sizeof(ca) ? size : sizeof(ca)))
        return -EFAULT;
    for (uint64_t off = sizeof(ca); off < size; off++) {
        uint8_t b;
        if (mem_copy_from(&e->mem, &b, a[0] + off, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    int64_t r = check_clone3(&ca, size);
    if (r)
        return r;
    if (ca.set_tid_size)
        return sys_unimplemented(t, "clone3 set_tid_size", ca.set_tid_size, -EINVAL);
    /* The cgroup is an fd inside guest memory: one naming goemu's own fds is screened as
     * dispatch.c screens fd arguments (the host then answers -EBADF, cgroup_css_set_fork). */
    if ((ca.flags & LINUX_CLONE_INTO_CGROUP) && fds_private((int)ca.cgroup))
        ca.cgroup = FDS_CLOSED;
    uint64_t stack = ca.stack ? ca.stack + ca.stack_size : 0;  /* the stack grows down */
    struct clone_request rq = {ca.flags, ca.exit_signal, stack, ca.parent_tid, ca.child_tid,
                               ca.tls, ca.pidfd, ca.cgroup, 1};
    return start_clone(e, t, &rq);
}
