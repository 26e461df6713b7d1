/* sys_signal.c — signal dispositions (rt_sigaction), masks (rt_sigprocmask), alternate stacks
 * (sigaltstack), generation (sig_post) and rt_sigreturn. Delivery itself — handler frames and
 * default actions — is signal_deliver.c's, run by the scheduler and on every syscall exit
 * (dispatch.c). Go's use of all of this: reference §5.1 and §5.6 (dieFromSignal). */
#include <errno.h>
#include <stdio.h>

#include "syscalls/linux_abi.h"
#include "syscalls/syscalls.h"

static uint64_t sigbit(int sig)
{
    return 1ull << (sig - 1);
}

/* KILL and STOP can be neither blocked nor caught (man 7 signal). */
static const uint64_t UNBLOCKABLE = (1ull << (LINUX_SIGKILL - 1)) | (1ull << (LINUX_SIGSTOP - 1));

/* Default action "ignore": SIGCHLD, SIGCONT, SIGURG, SIGWINCH. The stop signals (SIGSTOP,
 * SIGTSTP, SIGTTIN, SIGTTOU) are treated the same: goemu cannot stop the process. Every other
 * signal, real-time ones included, terminates (man 7 signal, "Standard signals"). */
static int default_ignores(int sig)
{
    switch (sig) {
    case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 28:
        return 1;
    default:
        return 0;
    }
}

/* Whether generating sig now would discard it (kernel/signal.c sig_task_ignored). */
static int disposition_ignores(const struct emu *e, int sig)
{
    uint64_t h = e->sigactions[sig].handler;
    return h == LINUX_SIG_IGN || (h == LINUX_SIG_DFL && default_ignores(sig));
}

static int blocked_everywhere(const struct emu *e, int sig)
{
    for (const struct thread *t = e->threads; t; t = t->next)
        if (t->state != THREAD_EXITED && !(t->sigmask & sigbit(sig)))
            return 0;
    return 1;
}

void sig_post(struct emu *e, struct thread *target, int sig)
{
    if (sig == LINUX_SIGKILL)
        emu_die_signal(e, sig);
    int blocked = target ? (target->sigmask & sigbit(sig)) != 0 : blocked_everywhere(e, sig);
    /* An ignored signal is discarded at generation unless blocked (its disposition may still
     * change while it waits). */
    if (!blocked && disposition_ignores(e, sig))
        return;
    if (target)
        target->sigpending |= sigbit(sig);
    else
        e->sigpending |= sigbit(sig);
}

/* Setting an ignoring disposition discards the signal where it is pending (POSIX, kernel
 * do_sigaction). */
static void discard_pending(struct emu *e, int sig)
{
    e->sigpending &= ~sigbit(sig);
    for (struct thread *t = e->threads; t; t = t->next)
        t->sigpending &= ~sigbit(sig);
}

/* ---- rt_sigaction ------------------------------------------------------------------------ */

static struct guest_sigaction guest_to_emu_sigaction(const struct linux_sigaction *g)
{
    /* KILL and STOP are silently removed from sa_mask (kernel do_sigaction). */
    return (struct guest_sigaction){g->handler, g->flags, g->restorer, g->mask & ~UNBLOCKABLE};
}

static struct linux_sigaction emu_to_guest_sigaction(const struct guest_sigaction *s)
{
    return (struct linux_sigaction){s->handler, s->flags, s->restorer, s->mask};
}

/* rt_sigaction(sig, act, oact, sigsetsize): sigsetsize must be 8; signals 1..64, and KILL and
 * STOP cannot be given an action (man 2 sigaction). The old action is what was set before. */
int64_t sys_rt_sigaction(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int sig = arg_int(a[0]);
    struct linux_sigaction act;
    if (a[3] != 8 || sig < 1 || sig > LINUX_NSIG)
        return -EINVAL;
    if (a[1] && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return -EINVAL;
    if (a[1] && mem_copy_from(&e->mem, &act, a[1], sizeof(act)))
        return -EFAULT;
    struct linux_sigaction old = emu_to_guest_sigaction(&e->sigactions[sig]);
    if (a[1]) {
        e->sigactions[sig] = guest_to_emu_sigaction(&act);
        if (disposition_ignores(e, sig))
            discard_pending(e, sig);
    }
    if (a[2] && mem_copy_to(&e->mem, a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- rt_sigprocmask ------------------------------------------------------------------------ */

/* rt_sigprocmask(how, set, oset, sigsetsize): how is looked at only when set is given; the
 * mask changes before oset is written, so a bad oset still leaves the new mask (kernel
 * order). Go uses only SIG_SETMASK (reference §3.1). */
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
        t->sigmask = set & ~UNBLOCKABLE;
    }
    if (a[2] && mem_copy_to(&e->mem, a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- sigaltstack ---------------------------------------------------------------------------- */

/* Whether sp is on t's alternate stack (kernel on_sig_stack: the stack grows down). */
static int on_altstack(const struct thread *t, uint64_t sp)
{
    const struct guest_sigaltstack *s = &t->altstack;
    return s->size && sp > s->sp && sp - s->sp <= s->size;
}

static struct linux_stack current_altstack(const struct thread *t)
{
    const struct guest_sigaltstack *s = &t->altstack;
    int32_t flags = s->size == 0 ? LINUX_SS_DISABLE
                                 : (on_altstack(t, t->cpu.gpr[RSP]) ? LINUX_SS_ONSTACK : 0) |
                                       (int32_t)(s->flags & LINUX_SS_AUTODISARM);
    return (struct linux_stack){s->sp, flags, 0, s->size};
}

/* Installs a new alternate stack: -EPERM while running on the current one, -EINVAL for an
 * unknown mode, -ENOMEM below MINSIGSTKSZ; SS_DISABLE clears it (man 2 sigaltstack). */
static int64_t set_altstack(struct thread *t, const struct linux_stack *ss)
{
    int mode = ss->ss_flags & ~(int32_t)LINUX_SS_AUTODISARM;
    if (on_altstack(t, t->cpu.gpr[RSP]))
        return -EPERM;
    if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
        return -EINVAL;
    if (mode == LINUX_SS_DISABLE) {
        t->altstack = (struct guest_sigaltstack){0, LINUX_SS_DISABLE, 0};
        return 0;
    }
    if (ss->ss_size < LINUX_MINSIGSTKSZ)
        return -ENOMEM;
    t->altstack = (struct guest_sigaltstack){ss->ss_sp,
                                             (int32_t)(ss->ss_flags & LINUX_SS_AUTODISARM),
                                             ss->ss_size};
    return 0;
}

int64_t sys_sigaltstack(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_stack ss, old = current_altstack(t);
    if (a[0]) {
        if (mem_copy_from(&e->mem, &ss, a[0], sizeof(ss)))
            return -EFAULT;
        int64_t r = set_altstack(t, &ss);
        if (r)
            return r;
    }
    if (a[1] && mem_copy_to(&e->mem, a[1], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- rt_sigreturn ----------------------------------------------------------------------------- */

/* The restorer of a delivered signal: every register, the mask and the altstack come back
 * from the frame (reference §5.4); the syscall's result is the restored rax. */
int64_t sys_rt_sigreturn(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sig_return(e, t);
}
