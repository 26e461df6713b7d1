/* run.c — the run loop, the one place that decides what happens next (qemu's cpu_loop shape):
 * pick the next runnable thread (round robin in fixed instruction quanta, so a run is
 * reproducible), let its CPU run, and perform what the CPU stopped for — a syscall, then the
 * signals pending on the way back to user mode, or a fault's signal. The CPU calls nothing
 * above it; observers reach it through struct cpu_hooks. */
#include "run.h"

#include "cpu/exec.h"
#include "proc/signal.h"
#include "syscalls/syscalls.h"
#include "trace/trace.h"

/* sys_dispatch with the startup trace's enter/exit notes around it. */
static void dispatch_traced(struct emu *e, struct thread *t)
{
    const struct cpu *c = &t->cpu;
    unsigned nr = (uint32_t)c->gpr[RAX];
    const char *name, *fmt;
    if (!sys_lookup(nr, &name, &fmt)) {
        int64_t r = sys_dispatch(e, t);
        trace_syscall_unknown(e, t, nr, r);
        return;
    }
    /* The arguments as they were: a handler may change the registers (clone, sigreturn). */
    uint64_t a[6];
    sys_args(c, a);
    trace_syscall_enter(e, t, name, fmt, a);
    int64_t r = sys_dispatch(e, t);
    trace_syscall_exit(e, t, r, t->state == THREAD_BLOCKED);
}

/* The thread's CPU stopped on SYSCALL: perform it, then deliver what is pending on the way
 * back, as Linux's do_syscall_64 and exit_to_user_mode do, so a signal a thread sends itself,
 * or unblocks, is handled before its next instruction (the frame saves the result just
 * written and rt_sigreturn brings it back). */
static void do_syscall(struct emu *e, struct thread *t)
{
    if (__builtin_expect(e->trace != NULL, 0))  /* --trace-startup only */
        dispatch_traced(e, t);
    else
        sys_dispatch(e, t);
    if (t->state == THREAD_RUNNABLE && !e->exited && sig_wants_wake(e, t))
        sig_deliver(e, t);
}

enum cpu_stop run_step(struct emu *e, struct thread *t, uint64_t budget)
{
    enum cpu_stop why = cpu_run(&t->cpu, budget);
    if (why == STOP_SYSCALL)
        do_syscall(e, t);
    return why;
}

/* Runs t for one quantum: until it has retired opt.quantum instructions (checked at block
 * ends), or a syscall blocks, yields or exits, or an instruction faults. Syscalls inside the
 * quantum do not end it, so scheduling points depend only on retired instructions. */
static void run_quantum(struct emu *e, struct thread *t)
{
    struct cpu *c = &t->cpu;
    uint64_t limit = c->icount + e->opt.quantum;
    enum cpu_stop why;
    GOEMU_ASSERT(t->state == THREAD_RUNNABLE && e->current == t && !t->yield);
    e->quantum_start = c->icount;
    do
        why = run_step(e, t, limit - c->icount);
    while (why == STOP_SYSCALL && t->state == THREAD_RUNNABLE && !t->yield && !e->exited &&
           c->icount < limit);
    t->yield = 0;
    e->total_icount += c->icount - e->quantum_start;
    e->quantum_start = c->icount;
    if (why == STOP_FAULT)
        sig_deliver_fault(e, t);
}

int run_process(struct emu *e)
{
    struct thread *t = NULL;
    uint64_t rounds = 0;
    while (!e->exited) {
        /* Blocked threads are looked at every 8 quanta, and whenever nobody can run. */
        if ((++rounds & 7) == 0 || !sched_next_runnable(e, t))
            sched_poll(e);
        struct thread *next = sched_next_runnable(e, t);
        if (!next) {
            sched_wait_idle(e);
            continue;
        }
        t = next;
        e->current = t;
        if (sig_wants_wake(e, t))
            sig_deliver(e, t);  /* signals are taken at instruction boundaries, here */
        run_quantum(e, t);
        if (t->state == THREAD_EXITED) {
            e->current = NULL;
            thread_reap(e);
            t = NULL;
        }
    }
    return e->exit_status;
}
