/* sys_thread.c — threads and what passes between them: clone for threads (reference §4.1;
 * without CLONE_THREAD it makes a process, sys_process.c), futex wait/wake (§4.3) on the
 * scheduler's wait queues, and kill/tkill/tgkill, which post a signal to a thread or the
 * process (sig_post in sys_signal.c). */
#include <errno.h>
#include <stdio.h>

#include "syscalls/linux_abi.h"
#include "syscalls/syscalls.h"

struct thread *sys_find_thread(struct emu *e, int tid)
{
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->tid == tid && t->state != THREAD_EXITED)
            return t;
    return NULL;
}

/* ---- clone ------------------------------------------------------------------------------ */

/* The child is the parent at the same instruction (rip is already past the SYSCALL) with every
 * register, lazy flag, SSE register and segment base copied — Go's child path needs rsi, r9,
 * r12, r13 unchanged (reference §4.1) — except rax = 0 and, if given, rsp = the new stack. */
static void copy_cpu_to_child(const struct thread *parent, struct thread *child, uint64_t sp)
{
    struct cpu *c = &child->cpu;
    struct mem *mem = c->mem;
    *c = parent->cpu;
    c->mem = mem;
    c->thread = child;
    c->stop = STOP_NONE;
    c->icount = 0;
    c->fault_jmp = NULL;
    c->gpr[RAX] = 0;
    if (sp)
        c->gpr[RSP] = sp;
}

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

/* clone(flags, stack, parent_tid, child_tid, tls): x86-64 argument order. The tid stores
 * ignore faults, as the kernel's put_user calls do. */
int64_t sys_clone(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t flags = a[0];
    int64_t r = check_clone_flags(flags);
    if (r)
        return r;
    if (!(flags & LINUX_CLONE_THREAD))
        return sys_fork_clone(e, t, a);  /* fork or vfork (os/exec) */
    struct thread *child = thread_new(e);
    if (!child)
        return -EAGAIN;
    copy_cpu_to_child(t, child, a[1]);
    if (flags & LINUX_CLONE_SETTLS)
        child->cpu.segbase[SEG_FS] = a[4];
    /* The child starts with the parent's current mask (Go blocks everything around clone,
     * §4.1), no pending signals, and no alternate stack (Linux clears it for CLONE_VM). */
    child->sigmask = t->sigmask;
    child->sigpending = 0;
    child->altstack = (struct guest_sigaltstack){0, LINUX_SS_DISABLE, 0};
    uint32_t tid = (uint32_t)child->tid;
    if (flags & LINUX_CLONE_PARENT_SETTID)
        mem_copy_to(&e->mem, a[2], &tid, sizeof(tid));
    if (flags & LINUX_CLONE_CHILD_SETTID)
        mem_copy_to(&e->mem, a[3], &tid, sizeof(tid));
    if (flags & LINUX_CLONE_CHILD_CLEARTID)
        child->clear_child_tid = a[3];
    return child->tid;
}

/* ---- futex -------------------------------------------------------------------------------- */

/* The deadline of a FUTEX_WAIT[_BITSET]: none for a NULL timeout; relative for FUTEX_WAIT;
 * absolute on CLOCK_MONOTONIC (or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME) for WAIT_BITSET
 * (man 2 futex). Returns 0 or -EFAULT/-EINVAL. */
static int64_t futex_deadline(struct emu *e, int cmd, int op, uint64_t uts, int64_t *deadline)
{
    int64_t ns;
    *deadline = -1;
    if (!uts)
        return 0;
    int64_t r = sys_read_timespec_ns(e, uts, &ns);
    if (r)
        return r;
    if (cmd == LINUX_FUTEX_WAIT) {
        *deadline = sys_deadline_after(e, ns);
        return 0;
    }
    int64_t now = (op & LINUX_FUTEX_CLOCK_REALTIME) ? emu_realtime_ns(e) : emu_monotonic_ns(e);
    *deadline = sys_deadline_after(e, ns > now ? ns - now : 0);
    return 0;
}

/* FUTEX_WAIT: if *uaddr still holds val, sleep until a FUTEX_WAKE on uaddr (rax 0) or the
 * deadline (the scheduler then sets rax = timeout_result = -ETIMEDOUT). The compare and the
 * sleep are atomic because no other guest thread runs in between. */
static int64_t futex_wait(struct emu *e, struct thread *t, uint64_t uaddr, uint32_t val,
                          int cmd, int op, uint64_t uts, uint32_t bitset)
{
    int64_t deadline;
    if (cmd == LINUX_FUTEX_WAIT_BITSET && bitset == 0)
        return -EINVAL;
    int64_t r = futex_deadline(e, cmd, op, uts, &deadline);
    if (r)
        return r;
    uint32_t cur;
    if (mem_copy_from(&e->mem, &cur, uaddr, sizeof(cur)))
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    if (deadline >= 0 && deadline <= emu_monotonic_ns(e))
        return -ETIMEDOUT;
    t->futex_addr = uaddr;
    t->timeout_result = -ETIMEDOUT;
    sched_block(t, BLOCK_FUTEX, deadline);
    return 0;
}

/* FUTEX_WAKE wakes at most val waiters and returns how many. Linux wakes one even for
 * val <= 0 (futex_wake's loop breaks only after the first wake); bitsets are treated as
 * matching every waiter, since Go never uses them to select. */
static int64_t futex_wake(struct emu *e, uint64_t uaddr, int val, int cmd, uint32_t bitset)
{
    if (cmd == LINUX_FUTEX_WAKE_BITSET && bitset == 0)
        return -EINVAL;
    return sched_futex_wake(e, uaddr, val > 0 ? val : 1);
}

/* futex(uaddr, op, val, timeout, uaddr2, val3). */
int64_t sys_futex(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t uaddr = a[0];
    int op = arg_int(a[1]);
    int cmd = op & ~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME);
    if (uaddr & 3)
        return -EINVAL;
    switch (cmd) {
    case LINUX_FUTEX_WAIT:
    case LINUX_FUTEX_WAIT_BITSET:
        return futex_wait(e, t, uaddr, (uint32_t)a[2], cmd, op, a[3], (uint32_t)a[5]);
    case LINUX_FUTEX_WAKE:
    case LINUX_FUTEX_WAKE_BITSET:
        if (op & LINUX_FUTEX_CLOCK_REALTIME)
            return -ENOSYS;   /* only meaningful for waits (kernel/futex/syscalls.c) */
        return futex_wake(e, uaddr, arg_int(a[2]), cmd, (uint32_t)a[5]);
    default:
        return sys_unimplemented(t, "futex op", (uint64_t)(unsigned)op, -ENOSYS);
    }
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
    struct thread *target = sys_find_thread(e, tid);
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
