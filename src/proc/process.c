/* process.c — process-wide services: the guest's clocks (and RDTSC's), ids, teardown and
 * death by signal.
 * In --deterministic mode time is virtual (1 ns per retired instruction, plus the time all
 * threads spent asleep), so runs are identical on any machine (issue: trace determinism). */
#include "proc/process.h"

#include "base/diag.h"

#include "cpu/exec.h"
#include "elf/symbols.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VIRT_MONO_BASE 1000000000ll           /* never zero: runtime.main throws on 0 */
#define VIRT_EPOCH_NS 1700000000000000000ll   /* 2023-11-14T22:13:20Z */

static int64_t host_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

void emu_destroy(struct emu *e)
{
    while (e->threads) {
        struct thread *next = e->threads->next;
        free(e->threads);
        e->threads = next;
    }
    e->current = NULL;
    icache_destroy(&e->mem);
    mem_destroy(&e->mem);
    sym_free(e->syms);
    e->syms = NULL;
}

unsigned emu_guest_id(const struct emu *e, unsigned host_id)
{
    return e->opt.deterministic ? 1000 : host_id;
}

uint64_t process_tsc(struct cpu *c)
{
    return (uint64_t)emu_monotonic_ns(thread_of(c)->emu);
}

const struct cpu_hooks process_cpu_hooks = {.tsc = process_tsc};

int64_t emu_monotonic_ns(struct emu *e)
{
    if (!e->opt.deterministic)
        return host_ns(CLOCK_MONOTONIC);
    uint64_t running = e->current ? e->current->cpu.icount - e->quantum_start : 0;
    return VIRT_MONO_BASE + (int64_t)(e->total_icount + running) + e->virt_skip_ns;
}

int64_t emu_realtime_ns(struct emu *e)
{
    if (!e->opt.deterministic)
        return host_ns(CLOCK_REALTIME);
    return VIRT_EPOCH_NS + emu_monotonic_ns(e) - VIRT_MONO_BASE;
}

/* Dies by the same signal on the host, so the shell (or CI) sees exactly what it would have
 * seen natively: status 128+n, "Segmentation fault", a core dump where enabled. */
_Noreturn void emu_die_signal(struct emu *e, int signo)
{
    (void)e;
    fflush(stdout);
    fflush(stderr);
    fflush(diag());
    signal(signo, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(signo);
    /* Signals whose default action is to ignore or stop cannot kill us: report as bash would. */
    _exit(128 + signo);
}
