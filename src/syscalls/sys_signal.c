/* sys_signal.c — signal state and generation: dispositions (rt_sigaction), masks
 * (rt_sigprocmask), alternate stacks (sigaltstack), sig_post (kernel send_signal) and the
 * rules signal_deliver.c shares (sigstate.h). Delivery itself — frames, default actions,
 * rt_sigreturn — is signal_deliver.c's. Go's use of all of this: reference §5.1, §5.6. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "syscalls/linux_abi.h"
#include "syscalls/sigstate.h"
#include "syscalls/syscalls.h"

/* ---- shared rules (sigstate.h) --------------------------------------------------------------- */

enum sig_default sig_default_action(int sig)
{
    switch (sig) {
    case 17: case SIG_SIGCONT: case 23: case 28:      /* CHLD CONT URG WINCH */
        return SIGDFL_IGNORE;
    case 3: case SIG_SIGILL: case SIG_SIGTRAP: case 6: case SIG_SIGBUS: case SIG_SIGFPE:
    case SIG_SIGSEGV: case 24: case 25: case SIG_SIGSYS:  /* QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS */
        return SIGDFL_CORE;
    case LINUX_SIGSTOP: case SIG_SIGTSTP: case SIG_SIGTTIN: case SIG_SIGTTOU:
        return SIGDFL_STOP;
    default:
        return SIGDFL_TERM;
    }
}

int sig_handler_ignored(const struct emu *e, int sig)
{
    uint64_t h = e->sigactions[sig].handler;
    return h == LINUX_SIG_IGN || (h == LINUX_SIG_DFL && sig_default_action(sig) == SIGDFL_IGNORE);
}

/* The stack grows down: the top byte belongs to the stack, the bottom one does not. */
int sig_on_altstack(const struct thread *t, uint64_t sp)
{
    const struct guest_sigaltstack *s = &t->altstack;
    if (s->flags & LINUX_SS_AUTODISARM)  /* cannot be on it, by construction (on_sig_stack) */
        return 0;
    return sp > s->sp && sp - s->sp <= s->size;
}

int32_t sig_altstack_flags(const struct thread *t, uint64_t sp)
{
    if (t->altstack.size == 0)
        return LINUX_SS_DISABLE;
    return sig_on_altstack(t, sp) ? LINUX_SS_ONSTACK : 0;
}

int64_t sig_set_altstack(struct thread *t, uint64_t sp, int32_t flags, uint64_t size)
{
    int32_t mode = flags & ~(int32_t)LINUX_SS_AUTODISARM;
    if (sig_on_altstack(t, t->cpu.gpr[RSP]))
        return -EPERM;
    if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
        return -EINVAL;
    if (mode == LINUX_SS_DISABLE) {
        sp = 0;
        size = 0;
    } else if (size < LINUX_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->altstack = (struct guest_sigaltstack){sp, flags, size};
    return 0;
}

/* The thread group leader: the thread whose tid is the pid, while it lives. */
static struct thread *leader(const struct emu *e)
{
    struct thread *first = NULL;
    for (struct thread *t = e->threads; t; t = t->next) {
        if (t->state == THREAD_EXITED)
            continue;
        if (t->tid == e->pid)
            return t;
        if (!first)
            first = t;
    }
    return first;
}

struct thread *sig_process_target(const struct emu *e, int sig)
{
    struct thread *l = leader(e);
    if (l && !(l->sigmask & sig_bit(sig)))
        return l;
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->state != THREAD_EXITED && !(t->sigmask & sig_bit(sig)))
            return t;
    return NULL;
}

/* ---- generation (kernel/signal.c send_signal) ------------------------------------------------- */

static void flush_pending(struct emu *e, uint64_t set)
{
    e->sigpending &= ~set;
    for (struct thread *t = e->threads; t; t = t->next)
        t->sigpending &= ~set;
}

void sig_post_info(struct emu *e, struct thread *target, int sig, const struct sig_source *src)
{
    if (sig == LINUX_SIGKILL)
        emu_die_signal(e, sig);
    /* prepare_signal: a stop signal cancels a pending SIGCONT and vice versa. */
    if (sig_bit(sig) & SIG_STOP_MASK)
        flush_pending(e, sig_bit(SIG_SIGCONT));
    else if (sig == SIG_SIGCONT)
        flush_pending(e, SIG_STOP_MASK);
    /* sig_ignored: an ignored signal is dropped now unless the target (the leader for the
     * process) blocks it, since its disposition may change while it waits. */
    struct thread *checked = target ? target : leader(e);
    if (!(checked && (checked->sigmask & sig_bit(sig))) && sig_handler_ignored(e, sig))
        return;
    uint64_t *pending = target ? &target->sigpending : &e->sigpending;
    if (*pending & sig_bit(sig))
        return;  /* a standard signal is pending at most once (legacy_queue) */
    *pending |= sig_bit(sig);
    (target ? target->sigsrc : e->sigsrc)[sig] = *src;
    /* complete_signal: a signal whose default action terminates (without a core dump) kills
     * the whole process at once when a thread will take it, before the sender runs on. */
    struct thread *taker = target ? target : sig_process_target(e, sig);
    if (taker && !(taker->sigmask & sig_bit(sig)) &&
        e->sigactions[sig].handler == LINUX_SIG_DFL && sig_default_action(sig) == SIGDFL_TERM)
        emu_die_signal(e, sig);
}

void sig_post(struct emu *e, struct thread *target, int sig)
{
    /* kill(2) is SI_USER, tkill/tgkill SI_TKILL; both carry the sender's pid and uid. */
    struct sig_source src = {target ? SIG_SI_TKILL : SIG_SI_USER, e->pid,
                             emu_guest_id(e, getuid()), 0};
    sig_post_info(e, target, sig, &src);
}

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
 * An ignoring disposition discards the signal wherever it is pending (POSIX, do_sigaction). */
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
        if (sig_handler_ignored(e, sig))
            flush_pending(e, sig_bit(sig));
        sig_host_follow(sig, act.handler);
    }
    if (a[2] && mem_copy_to(&e->mem, a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

/* ---- rt_sigprocmask ------------------------------------------------------------------------ */

/* rt_sigprocmask(how, set, oset, sigsetsize): how is looked at only when set is given; the
 * mask changes before oset is written, so a bad oset still leaves the new mask (kernel
 * order). Go uses only SIG_SETMASK (reference §3.1). Signals it unblocks are delivered on
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
 * from the frame (reference §5.4); the syscall's result is the restored rax. */
int64_t sys_rt_sigreturn(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sig_return(e, t);
}
