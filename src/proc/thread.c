/* thread.c — guest threads of one process: creation (the main thread and clone's), exit with
 * the clear_child_tid wake that pthread_join and Go's mexit rely on, lookup by tid, and
 * freeing the exited. Threads are kept in creation order, which is the run order. */
#include <stdlib.h>

#include "cpu/exec.h"
#include "mem/uaccess.h"
#include "proc/process.h"

struct thread *thread_new(struct emu *e)
{
    struct thread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    cpu_init(&t->cpu, &e->mem);
    cpu_set_hooks(&t->cpu, &process_cpu_hooks);
    t->cpu.tier = (uint8_t)e->opt.tier;
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
    GOEMU_ASSERT(t->state != THREAD_EXITED && e->nthreads_live > 0);
    t->state = THREAD_EXITED;
    if (--e->nthreads_live == 0)
        e->exited = 1;  /* the last thread's exit ends the process (status set by the caller) */
}

struct thread *thread_find(struct emu *e, int tid)
{
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->tid == tid && t->state != THREAD_EXITED)
            return t;
    return NULL;
}

void thread_reap(struct emu *e)
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

