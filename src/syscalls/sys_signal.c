/* sys_signal.c — the signal syscalls: dispositions (rt_sigaction), masks (rt_sigprocmask),
 * alternate stacks (sigaltstack), rt_sigreturn and kill/tkill/tgkill, thin wrappers over the
 * signal model in proc/signal.c (generation, delivery, frames). Go's use of all of this:
 * runtime/signal_unix.go and runtime/os_linux.go (setsig, sigprocmask, signalstack). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "proc/signal.h"
#include "syscalls/syscalls.h"

/* ---- rt_sigaction ------------------------------------------------------------------------ */

static struct guest_sigaction guest_to_emu_sigaction(const struct linux_sigaction *g)
{
    /* KILL and STOP are silently removed from sa_mask (kernel do_sigaction). */
    return (struct guest_sigaction){g->handler, g->flags, g->restorer, g->mask & ~SIG_UNBLOCKABLE};
}

static struct linux_sigaction emu_to_guest_sigaction(const struct guest_sigaction *s)
{
    return (struct linux_sigaction){s->handler, s->flags, s->restorer, s->mask};
}

/* rt_sigaction(sig, act, oact, sigsetsize): sigsetsize must be 8; signals 1..64, and KILL and
 * STOP cannot be given an action (man 2 sigaction). The old action is what was set before.
 * An ignoring disposition discards the signal wherever it is pending (POSIX, do_sigaction).
 * The new action is copied before the signal is checked (rt_sigaction, kernel/signal.c, then
 * do_sigaction), so a bad act is -EFAULT even for signal 0 or SIGKILL. */
int64_t sys_rt_sigaction(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int sig = arg_int(a[0]);
    struct linux_sigaction act;
    if (a[3] != 8)
        return -EINVAL;
    if (a[1] && mem_copy_from(&e->mem, &act, a[1], sizeof(act)))
        return -EFAULT;
    if (sig < 1 || sig > LINUX_NSIG)
        return -EINVAL;
    if (a[1] && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return -EINVAL;
    struct linux_sigaction old = emu_to_guest_sigaction(&e->sigactions[sig]);
    if (a[1]) {
        e->sigactions[sig] = guest_to_emu_sigaction(&act);
        if (sig_handler_ignored(e, sig))
            sig_flush_pending(e, sig_bit(sig));
        sig_host_follow(sig, act.handler);
    }
    if (a[2] && mem_copy_to(&e->mem, a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- rt_sigprocmask ------------------------------------------------------------------------ */

/* rt_sigprocmask(how, set, oset, sigsetsize): how is looked at only when set is given; the
 * mask changes before oset is written, so a bad oset still leaves the new mask (kernel
 * order). Go uses SIG_SETMASK, and SIG_UNBLOCK only in unblocksig before re-raising a fatal
 * signal (runtime/signal_unix.go). Signals it unblocks are delivered on
 * the way out of the syscall (dispatch.c). */
int64_t sys_rt_sigprocmask(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t set, old = t->sigmask;
    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        if (mem_copy_from(&e->mem, &set, a[1], sizeof(set)))
            return -EFAULT;
        switch (arg_int(a[0])) {
        case LINUX_SIG_BLOCK: set = old | set; break;
        case LINUX_SIG_UNBLOCK: set = old & ~set; break;
        case LINUX_SIG_SETMASK: break;
        default: return -EINVAL;
        }
        t->sigmask = set & ~SIG_UNBLOCKABLE;
    }
    if (a[2] && mem_copy_to(&e->mem, a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- sigaltstack ---------------------------------------------------------------------------- */

/* sigaltstack(ss, old_ss): the old stack is reported with computed flags (SS_DISABLE,
 * SS_ONSTACK) plus SS_AUTODISARM as set; a new one is checked as do_sigaltstack does. */
int64_t sys_sigaltstack(struct emu *e, struct thread *t, const uint64_t a[6])
{
    const struct guest_sigaltstack *s = &t->altstack;
    int32_t flags = sig_altstack_flags(t, t->cpu.gpr[RSP]) | (s->flags & (int32_t)LINUX_SS_AUTODISARM);
    struct linux_stack ss, old = {s->sp, flags, 0, s->size};
    if (a[0]) {
        if (mem_copy_from(&e->mem, &ss, a[0], sizeof(ss)))
            return -EFAULT;
        int64_t r = sig_set_altstack(t, ss.ss_sp, ss.ss_flags, ss.ss_size);
        if (r)
            return r;
    }
    if (a[1] && mem_copy_to(&e->mem, a[1], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- rt_sigreturn ----------------------------------------------------------------------------- */

/* The restorer of a delivered signal: every register, the mask and the altstack come back
 * from the frame (rt_sigreturn in arch/x86/kernel/signal_64.c); the syscall's result is the
 * restored rax. */
int64_t sys_rt_sigreturn(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sig_return(e, t);
}

/* ---- sending signals --------------------------------------------------------------------- */

static int valid_signal(int sig)
{
    return sig >= 0 && sig <= LINUX_NSIG;
}

/* tgkill(tgid, tid, sig): the thread must exist in this process (-ESRCH), then the signal
 * must be valid (-EINVAL), as do_send_specific checks them; signal 0 only probes. */
static int64_t send_to_thread(struct emu *e, int tgid, int tid, int sig)
{
    if (tid <= 0 || (tgid != -1 && tgid <= 0))
        return -EINVAL;
    struct thread *target = thread_find(e, tid);
    if (!target || (tgid != -1 && tgid != e->pid))
        return -ESRCH;
    if (!valid_signal(sig))
        return -EINVAL;
    if (sig)
        sig_post(e, target, sig);
    return 0;
}

int64_t sys_tgkill(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int tgid = arg_int(a[0]);
    if (tgid <= 0)
        return -EINVAL;
    return send_to_thread(e, tgid, arg_int(a[1]), arg_int(a[2]));
}

int64_t sys_tkill(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return send_to_thread(e, -1, arg_int(a[0]), arg_int(a[1]));
}

/* kill(pid, sig): this process is pid, 0 (its group) or -pid; other pids (children) are
 * sys_process.c's. */
int64_t sys_kill(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int pid = arg_int(a[0]), sig = arg_int(a[1]);
    if (!valid_signal(sig))
        return -EINVAL;
    if (pid != e->pid && pid != 0 && pid != -e->pid)
        return sys_kill_other(e, pid, sig);
    if (sig)
        sig_post(e, NULL, sig);
    return 0;
}
