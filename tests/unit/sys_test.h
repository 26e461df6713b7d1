/* sys_test.h — fixture for the syscall unit tests: a fresh process (struct emu with its own
 * address space) and one thread from thread_new, a read-write scratch area in guest memory,
 * and SYS(handler, args...) to call a handler directly with raw argument registers. */
#ifndef GOEMU_SYS_TEST_H
#define GOEMU_SYS_TEST_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "proc/process.h"
#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

#define SCRATCH 0x100000ull              /* 16 read-write pages */
#define SCRATCH_SIZE (16 * 4096ull)

static struct emu *E;
static struct thread *T;

static int sys_setup(void **state)
{
    (void)state;
    E = calloc(1, sizeof(*E));
    if (!E || mem_init(&E->mem))
        return -1;
    E->pid = 4242;
    E->next_tid = 4242;
    E->opt.ncpus = 1;
    T = thread_new(E);
    if (!T)
        return -1;
    T->cpu.rip = 0x401002;       /* as if just past a SYSCALL at 0x401000 */
    T->cpu.insn_rip = 0x401000;
    E->current = T;
    /* A write to a closed pipe must give the guest EPIPE, not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    return mem_map(&E->mem, SCRATCH, SCRATCH_SIZE, GPROT_READ | GPROT_WRITE, 0, "scratch");
}

static int sys_teardown(void **state)
{
    (void)state;
    emu_destroy(E);
    free(E);
    return 0;
}

static inline int64_t sys_call(sys_fn *fn, const uint64_t a[6])
{
    return fn(E, T, a);
}

/* SYS(sys_read, fd, buf, len): missing arguments are 0. */
#define SYS(fn, ...) sys_call(fn, (const uint64_t[6]){__VA_ARGS__})

/* Guest memory helpers for tests. */
static inline void poke(uint64_t addr, const void *p, size_t n)
{
    if (mem_copy_to(&E->mem, addr, p, n))
        abort();
}

static inline void peek(uint64_t addr, void *p, size_t n)
{
    if (mem_copy_from(&E->mem, p, addr, n))
        abort();
}

static inline uint64_t put_str(uint64_t addr, const char *s)
{
    poke(addr, s, strlen(s) + 1);
    return addr;
}

#define SYS_TEST(f) cmocka_unit_test_setup_teardown(f, sys_setup, sys_teardown)

#endif
