/* sched.c — blocking and waking guest threads, which all run on one host thread: futex,
 * sleep and fd waits park a thread here; when every thread is blocked, goemu sleeps in ppoll
 * until the earliest deadline, fd readiness or a host signal. The order in which threads run
 * is the run loop's (src/run.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/uaccess.h"
#include "proc/signal.h"

#define MAX_POLL_FDS 256

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
void sched_wait_idle(struct emu *e)
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

struct thread *sched_next_runnable(struct emu *e, struct thread *after)
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

int sched_poll(struct emu *e) { return wake_ready(e, 0); }
