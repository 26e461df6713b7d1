/* test_sched.c — guest threads on one host thread: round robin in fixed quanta, futex waits
 * woken first-come first-served, timeouts in virtual time, and a sleeping process that
 * wakes at its deadline. Guest code is a few hand-encoded instructions (encodings noted). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/exec.h"
#include "proc/process.h"
#include "run.h"

#define CODE 0x400000ull
#define DATA 0x600000ull

static struct emu e;

static int setup(void **s)
{
    memset(&e, 0, sizeof(e));
    assert_int_equal(mem_init(&e.mem), 0);
    e.opt.ncpus = 1;
    e.opt.deterministic = 1;
    e.opt.quantum = 1000;
    e.pid = e.next_tid = 1000;
    assert_int_equal(mem_map(&e.mem, CODE, 4096, GPROT_READ | GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_map(&e.mem, DATA, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    return 0;
}

static int teardown(void **s)
{
    emu_destroy(&e);
    return 0;
}

static void load_code(const uint8_t *code, size_t n)
{
    assert_int_equal(mem_poke(&e.mem, CODE, code, n), 0);
}

static uint64_t data64(uint64_t off)
{
    uint64_t v = 0;
    assert_int_equal(mem_copy_from(&e.mem, &v, DATA + off, 8), 0);
    return v;
}

/* rdi = slot address; loop: inc qword [rdi]; cmp qword [rdi], 5000; jb loop; then exit(0). */
static const uint8_t counting_thread[] = {
    0x48, 0xff, 0x07,                               /* inc qword [rdi] */
    0x48, 0x81, 0x3f, 0x88, 0x13, 0x00, 0x00,       /* cmp qword [rdi], 5000 */
    0x72, 0xf4,                                     /* jb -12 */
    0xb8, 0x3c, 0x00, 0x00, 0x00,                   /* mov eax, 60 (exit) */
    0x31, 0xff,                                     /* xor edi, edi */
    0x0f, 0x05,                                     /* syscall */
};

static void test_threads_share_the_host_thread_in_round_robin_quanta(void **s)
{
    load_code(counting_thread, sizeof(counting_thread));
    struct thread *a = thread_new(&e), *b = thread_new(&e);
    a->cpu.rip = b->cpu.rip = CODE;
    a->cpu.gpr[RDI] = DATA;
    b->cpu.gpr[RDI] = DATA + 8;
    assert_int_equal(a->tid, 1000);
    assert_int_equal(b->tid, 1001);
    assert_int_equal(run_process(&e), 0);
    assert_int_equal(data64(0), 5000);
    assert_int_equal(data64(8), 5000);
    /* 5000 iterations of 3 instructions each, plus 3 to exit, per thread */
    assert_int_equal(e.total_icount, 2 * (5000 * 3 + 3));
}

static void test_futex_wake_is_first_come_first_served(void **s)
{
    struct thread *a = thread_new(&e), *b = thread_new(&e), *c = thread_new(&e);
    c->futex_addr = b->futex_addr = a->futex_addr = DATA;
    sched_block(b, BLOCK_FUTEX, -1);  /* b waits first */
    sched_block(a, BLOCK_FUTEX, -1);
    sched_block(c, BLOCK_FUTEX, -1);
    assert_int_equal(sched_futex_wake(&e, DATA, 1), 1);
    assert_int_equal(b->state, THREAD_RUNNABLE);
    assert_int_equal(a->state, THREAD_BLOCKED);
    assert_int_equal(sched_futex_wake(&e, DATA + 4, 10), 0);  /* other address: nobody */
    assert_int_equal(sched_futex_wake(&e, DATA, 10), 2);
    assert_int_equal(a->state, THREAD_RUNNABLE);
    assert_int_equal(c->state, THREAD_RUNNABLE);
}

/* Exits the process with the low byte of rax as status, so a test can see what a blocked
 * syscall returned: mov rdi, rax; mov eax, 231; syscall. */
static const uint8_t exit_with_rax[] = {
    0x48, 0x89, 0xc7,              /* mov rdi, rax */
    0xb8, 0xe7, 0x00, 0x00, 0x00,  /* mov eax, 231 (exit_group) */
    0x0f, 0x05,                    /* syscall */
};

static void test_futex_timeout_returns_etimedout_in_virtual_time(void **s)
{
    load_code(exit_with_rax, sizeof(exit_with_rax));
    struct thread *t = thread_new(&e);
    t->cpu.rip = CODE;
    t->futex_addr = DATA;
    t->timeout_result = -ETIMEDOUT;
    int64_t start = emu_monotonic_ns(&e);
    sched_block(t, BLOCK_FUTEX, start + 5000000000ll);  /* 5 s: no real waiting */
    assert_int_equal(run_process(&e), (uint8_t)-ETIMEDOUT);
    assert_true(emu_monotonic_ns(&e) >= start + 5000000000ll);
}

static void test_sleep_ends_at_deadline_with_zero(void **s)
{
    load_code(exit_with_rax, sizeof(exit_with_rax));
    struct thread *t = thread_new(&e);
    t->cpu.rip = CODE;
    t->cpu.gpr[RAX] = 99;
    sched_block(t, BLOCK_SLEEP, emu_monotonic_ns(&e) + 1000);
    t->cpu.gpr[RAX] = 0;  /* what dispatch writes as nanosleep's return */
    assert_int_equal(run_process(&e), 0);
}

static void test_monotonic_clock_starts_nonzero_and_advances_with_instructions(void **s)
{
    int64_t t0 = emu_monotonic_ns(&e);
    assert_true(t0 > 0);  /* runtime.main throws "nanotime returning zero" */
    load_code(counting_thread, sizeof(counting_thread));
    struct thread *a = thread_new(&e);
    a->cpu.rip = CODE;
    a->cpu.gpr[RDI] = DATA;
    run_process(&e);
    assert_true(emu_monotonic_ns(&e) > t0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_threads_share_the_host_thread_in_round_robin_quanta),
        T(test_futex_wake_is_first_come_first_served),
        T(test_futex_timeout_returns_etimedout_in_virtual_time),
        T(test_sleep_ends_at_deadline_with_zero),
        T(test_monotonic_clock_starts_nonzero_and_advances_with_instructions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
