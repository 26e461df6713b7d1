/* sched.c — guest threads on one host thread: round robin in fixed instruction quanta, so a
 * run is reproducible. Blocked threads (futex, sleep, fd) wait here; when every thread is
 * blocked, goemu sleeps in ppoll until the earliest deadline or fd readiness. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/exec.h"
#include "emu.h"

#define MAX_POLL_FDS 256

struct thread *thread_new(struct emu *e)
{
    struct thread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    cpu_init(&t->cpu, &e->mem);
    t->cpu.thread = t;
    t->emu = e;
    t->tid = e->next_tid++;
    t->state = THREAD_RUNNABLE;
    t->deadline_ns = -1;
    /* No altstack: size 0. The main thread's raw flags are 0 as on Linux (measured in
     * tests/unit/test_sigframe.c); clone gives new threads SS_DISABLE (sys_thread.c). */
    t->altstack.flags = 0;
    struct thread **pp = &e->threads;
    while (*pp)
        pp = &(*pp)->next;
    *pp = t;
    e->nthreads_live++;
    return t;
}

void thread_exit(struct emu *e, struct thread *t)
{
    if (t->clear_child_tid) {
        uint32_t zero = 0;
        if (mem_copy_to(&e->mem, t->clear_child_tid, &zero, 4) == 0)
            sched_futex_wake(e, t->clear_child_tid, 1);
    }
    t->state = THREAD_EXITED;
    t->cpu.stop = STOP_EXIT;
    if (--e->nthreads_live == 0)
        e->exited = 1;  /* the last thread's exit ends the process (status set by the caller) */
}

void sched_block(struct thread *t, enum block_kind kind, int64_t deadline_ns)
{
    t->state = THREAD_BLOCKED;
    t->block = kind;
    t->deadline_ns = deadline_ns;
    t->wait_seq = ++t->emu->wait_seq;
    if (kind == BLOCK_SLEEP)
        t->timeout_result = 0;
    if (kind == BLOCK_FD)
        t->cpu.rip -= 2;  /* re-execute the 2-byte SYSCALL when the fd is ready */
    t->cpu.stop = STOP_SYSCALL_BLOCKED;
}

static void wake(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    t->block = BLOCK_NONE;
    t->deadline_ns = -1;
}

int sched_futex_wake(struct emu *e, uint64_t addr, int count)
{
    int woken = 0;
    while (woken < count) {
        struct thread *first = NULL;
        for (struct thread *t = e->threads; t; t = t->next)
            if (t->state == THREAD_BLOCKED && t->block == BLOCK_FUTEX && t->futex_addr == addr &&
                (!first || t->wait_seq < first->wait_seq))
                first = t;
        if (!first)
            break;
        wake(first);  /* rax already holds 0 from the FUTEX_WAIT return */
        woken++;
    }
    return woken;
}

static void time_out(struct thread *t)
{
    if (t->block == BLOCK_FD)
        t->cpu.rip += 2;  /* the SYSCALL completes with its timeout result instead */
    t->cpu.gpr[RAX] = (uint64_t)t->timeout_result;
    wake(t);
}

/* Wakes threads whose deadline passed or whose fd is ready. poll_timeout_ns: how long to
 * wait for fds (0 = just look). Returns the number of threads woken. */
static int wake_ready(struct emu *e, int64_t poll_timeout_ns)
{
    struct pollfd pfd[MAX_POLL_FDS];
    struct thread *owner[MAX_POLL_FDS];
    int n = 0, woken = 0;
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->state == THREAD_BLOCKED && t->block == BLOCK_FD && n < MAX_POLL_FDS) {
            pfd[n] = (struct pollfd){t->wait_fd, t->wait_events, 0};
            owner[n++] = t;
        }
    if (n > 0 || poll_timeout_ns != 0) {
        /* A wait (timeout != 0, < 0 forever) must end when a host signal arrives. */
        struct timespec zero = {0, 0};
        int r = poll_timeout_ns == 0 ? ppoll(pfd, (nfds_t)n, &zero, NULL)
                                     : sig_host_ppoll(pfd, (unsigned long)n, poll_timeout_ns);
        for (int k = 0; r > 0 && k < n; k++)
            if (pfd[k].revents) {
                wake(owner[k]);
                woken++;
            }
    }
    int64_t now = emu_monotonic_ns(e);
    sig_poll_host(e);
    for (struct thread *t = e->threads; t; t = t->next) {
        if (t->state != THREAD_BLOCKED)
            continue;
        if (t->deadline_ns >= 0 && t->deadline_ns <= now) {
            time_out(t);
            woken++;
        } else if (sig_wants_wake(e, t)) {
            woken += sig_deliver(e, t);  /* interrupts the syscall, enters the handler */
        }
    }
    return woken;
}

static int64_t earliest_deadline(struct emu *e, int *any_fd)
{
    int64_t best = -1;
    *any_fd = 0;
    for (struct thread *t = e->threads; t; t = t->next) {
        if (t->state != THREAD_BLOCKED)
            continue;
        if (t->block == BLOCK_FD)
            *any_fd = 1;
        if (t->deadline_ns >= 0 && (best < 0 || t->deadline_ns < best))
            best = t->deadline_ns;
    }
    return best;
}

/* Every live thread is blocked: sleep until something can run. */
static void wait_idle(struct emu *e)
{
    int any_fd;
    int64_t deadline = earliest_deadline(e, &any_fd);
    /* With no deadline and no fd, only a signal from outside can wake anyone (a program
     * waiting in signal.Notify): ppoll without timeout sleeps until one arrives, exactly as
     * the native process would sleep. */
    int64_t wait = -1;
    if (deadline >= 0) {
        wait = deadline - emu_monotonic_ns(e);
        if (wait < 0)
            wait = 0;
        if (e->opt.deterministic) {
            /* Virtual time jumps to the deadline; fds are only looked at. */
            e->virt_skip_ns += wait;
            wait = 0;
        }
    }
    wake_ready(e, wait);
}

static struct thread *next_runnable(struct emu *e, struct thread *after)
{
    struct thread *t = after && after->next ? after->next : e->threads;
    for (struct thread *start = t; t;) {
        if (t->state == THREAD_RUNNABLE)
            return t;
        t = t->next ? t->next : e->threads;
        if (t == start)
            break;
    }
    return NULL;
}

static void reap_exited(struct emu *e)
{
    struct thread **pp = &e->threads;
    while (*pp) {
        struct thread *t = *pp;
        if (t->state == THREAD_EXITED && t != e->current) {
            *pp = t->next;
            free(t);
        } else {
            pp = &t->next;
        }
    }
}

int sched_run(struct emu *e)
{
    struct thread *t = NULL;
    uint64_t rounds = 0;
    while (!e->exited) {
        if ((++rounds & 7) == 0 || !next_runnable(e, t))
            wake_ready(e, 0);
        struct thread *next = next_runnable(e, t);
        if (!next) {
            wait_idle(e);
            continue;
        }
        t = next;
        e->current = t;
        if (sig_wants_wake(e, t))
            sig_deliver(e, t);  /* signals are taken at instruction boundaries, here */
        e->quantum_start = t->cpu.icount;
        enum cpu_stop why = cpu_run(&t->cpu, e->opt.quantum);
        e->total_icount += t->cpu.icount - e->quantum_start;
        e->quantum_start = t->cpu.icount;
        if (why == STOP_FAULT)
            sig_deliver_fault(e, t);
        if (t->state == THREAD_EXITED) {
            e->current = NULL;
            reap_exited(e);
            t = NULL;
        }
    }
    return e->exit_status;
}
