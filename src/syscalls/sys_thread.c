/* sys_thread.c — guest threads: the CLONE_THREAD half of clone (decoded in sys_clone.c; Go's
 * newosproc in runtime/os_linux.go) and futex wait/wake (man 2 futex; Go's futexsleep and
 * futexwakeup) on the scheduler's wait queues. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

/* ---- clone ------------------------------------------------------------------------------ */

/* The child is the parent at the same instruction (rip is already past the SYSCALL) with every
 * register, lazy flag, SSE register and segment base copied (copy_thread in
 * arch/x86/kernel/process.c) — Go's child path in runtime·clone (runtime/sys_linux_amd64.s)
 * needs rsi, r9, r12, r13 unchanged — except rax = 0 and, if given, rsp = the new stack. */
static void copy_cpu_to_child(const struct thread *parent, struct thread *child, uint64_t sp)
{
    struct cpu *c = &child->cpu;
    struct mem *mem = c->mem;
    *c = parent->cpu;
    c->mem = mem;
    c->stop = STOP_NONE;
    c->icount = 0;
    c->fault_jmp = NULL;
    c->gpr[RAX] = 0;
    if (sp)
        c->gpr[RSP] = sp;
}

/* How many live threads the guest may have: copy_process (kernel/fork.c) says EAGAIN past
 * kernel.threads-max, and past RLIMIT_NPROC unless privileged (the limit counts the user's
 * processes on the host; goemu counts the guest's threads, which no host limit sees). */
static int thread_limit(void)
{
    static int limit;
    if (!limit) {
        long max = 0;
        FILE *f = fopen("/proc/sys/kernel/threads-max", "r");
        if (!f || fscanf(f, "%ld", &max) != 1 || max <= 0)
            max = 1L << 20;
        if (f)
            fclose(f);
        struct rlimit rl;
        if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (long)rl.rlim_cur < max)
            max = (long)rl.rlim_cur;
        limit = max > INT_MAX ? INT_MAX : (int)max;
    }
    return limit;
}

/* A new thread in this process (CLONE_THREAD): the tid stores ignore faults, as the kernel's
 * put_user calls do. */
int64_t clone_thread(struct emu *e, struct thread *t, const struct clone_request *rq)
{
    if (e->nthreads_live >= thread_limit())
        return -EAGAIN;
    struct thread *child = thread_new(e);
    if (!child)
        return -EAGAIN;
    copy_cpu_to_child(t, child, rq->stack);
    if (rq->flags & LINUX_CLONE_SETTLS)
        child->cpu.segbase[SEG_FS] = rq->tls;
    /* The child starts with the parent's current mask (Go blocks everything around clone:
     * runtime/os_linux.go newosproc), no pending signals, and no alternate stack (Linux
     * clears it for CLONE_VM). */
    child->sigmask = t->sigmask;
    child->sigpending = 0;
    child->altstack = (struct guest_sigaltstack){0, LINUX_SS_DISABLE, 0};
    uint32_t tid = (uint32_t)child->tid;
    if (rq->flags & LINUX_CLONE_PARENT_SETTID)
        GOEMU_IGNORE_RESULT(mem_copy_to(&e->mem, rq->parent_tid, &tid, sizeof(tid)));
    if (rq->flags & LINUX_CLONE_CHILD_SETTID)
        GOEMU_IGNORE_RESULT(mem_copy_to(&e->mem, rq->child_tid, &tid, sizeof(tid)));
    if (rq->flags & LINUX_CLONE_CHILD_CLEARTID)
        child->clear_child_tid = rq->child_tid;
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
 * matching every waiter, since Go never uses them to select. The word is never read, but its
 * key is made first (get_futex_key, kernel/futex/core.c): access_ok for every futex, and for a
 * shared one its page (get_user_pages_fast, reading is enough for a wake), else -EFAULT. */
static int64_t futex_wake(struct emu *e, uint64_t uaddr, int val, int op, uint32_t bitset)
{
    int cmd = op & ~(LINUX_FUTEX_PRIVATE_FLAG | LINUX_FUTEX_CLOCK_REALTIME);
    if (cmd == LINUX_FUTEX_WAKE_BITSET && bitset == 0)
        return -EINVAL;
    if (!mem_access_ok(uaddr, sizeof(uint32_t)) ||
        (!(op & LINUX_FUTEX_PRIVATE_FLAG) &&
         !mem_accessible(&e->mem, uaddr, sizeof(uint32_t), GPROT_READ)))
        return -EFAULT;
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
        return futex_wake(e, uaddr, arg_int(a[2]), op, (uint32_t)a[5]);
    default:
        return sys_unimplemented(t, "futex op", (uint64_t)(unsigned)op, -ENOSYS);
    }
}
