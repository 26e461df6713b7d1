/* test_sys_dispatch.c — the SYSCALL instruction as sys_dispatch performs it: number from the
 * low 32 bits of rax, result in rax, rcx/r11 clobbered as the instruction does, rax kept for
 * a re-executed blocking call, unknown syscalls reported once by name, and a signal the
 * thread sent itself delivered before its next instruction. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/flags.h"
#include "run.h"
#include "sys_test.h"

#define CODE 0x401000ull   /* SYSCALL; then a spin loop */

/* Executes a real SYSCALL instruction at CODE through the run loop's step. */
static int64_t dispatch(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    static const uint8_t code[] = {0x0f, 0x05, 0xeb, 0xfe};
    struct cpu *c = &T->cpu;
    if (!mem_vma_at(&E->mem, CODE)) {
        assert_int_equal(mem_map(&E->mem, CODE, 4096, GPROT_READ | GPROT_EXEC, 0, "code"), 0);
        assert_int_equal(mem_poke(&E->mem, CODE, code, sizeof code), 0);
    }
    c->rip = CODE;
    c->gpr[RAX] = nr;
    c->gpr[RDI] = a0;
    c->gpr[RSI] = a1;
    c->gpr[RDX] = a2;
    assert_int_equal(run_step(E, T, 1), STOP_SYSCALL);
    return (int64_t)c->gpr[RAX];
}

static void test_result_goes_to_rax(void **state)
{
    assert_int_equal(dispatch(39 /* getpid */, 0, 0, 0), 4242);
}

static void test_number_is_taken_from_the_low_32_bits(void **state)
{
    assert_int_equal(dispatch(0xffffffff00000000ull | 39, 0, 0, 0), 4242);
}

static void test_rcx_gets_next_rip_and_r11_gets_rflags(void **state)
{
    T->cpu.gpr[RCX] = 1;
    T->cpu.gpr[R11] = 2;
    dispatch(186 /* gettid */, 0, 0, 0);
    assert_int_equal(T->cpu.gpr[RCX], 0x401002);
    assert_int_equal(T->cpu.gpr[R11], flags_get(&T->cpu));
}

static void test_unknown_syscall_is_enosys_and_reported_once_by_name(void **state)
{
    int p[2];
    char buf[512] = {0};
    assert_int_equal(pipe(p), 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(p[1], 2);
    assert_int_equal(dispatch(169 /* reboot */, 0, 0, 0), -ENOSYS);
    assert_int_equal(dispatch(169, 0, 0, 0), -ENOSYS);
    assert_int_equal(dispatch(100000, 0, 0, 0), -ENOSYS);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(p[1]);
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    close(p[0]);
    assert_true(n > 0);
    const char *first = strstr(buf, "goemu: unimplemented syscall reboot (nr 169) at rip 0x401000");
    assert_non_null(first);
    assert_null(strstr(first + 40, "syscall reboot"));   /* once only */
    assert_non_null(strstr(buf, "(nr 100000)"));
}

static void test_blocking_poll_keeps_the_number_in_rax_for_re_execution(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct linux_pollfd pf = {p[0], 1 /* POLLIN */, 0};
    poke(SCRATCH, &pf, sizeof(pf));
    assert_int_equal(dispatch(7 /* poll */, SCRATCH, 1, 0xffffffffull), 7);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->cpu.rip, 0x401000);
    close(p[0]);
    close(p[1]);
}

static void test_futex_wait_writes_zero_for_a_later_wake(void **state)
{
    uint32_t zero = 0;
    poke(SCRATCH, &zero, 4);
    T->cpu.gpr[R10] = 0;
    assert_int_equal(dispatch(202, SCRATCH, 128, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_FUTEX);
}

static void test_int_arguments_use_the_low_32_bits(void **state)
{
    put_str(SCRATCH, "/dev/null");
    T->cpu.gpr[R10] = 0;
    int64_t fd = dispatch(257 /* openat */, 0x00000000ffffff9cull, SCRATCH, O_RDONLY);
    assert_true(fd >= 0);
    close((int)fd);
}

static void test_signal_sent_to_self_is_delivered_on_syscall_exit(void **state)
{
    E->sigactions[10].handler = 0x45e9e0;   /* SIGUSR1 caught */
    E->sigactions[10].flags = 0x1c000004;   /* Go's: x86-64 Linux needs SA_RESTORER */
    E->sigactions[10].restorer = 0x45eb20;
    E->sigactions[10].mask = ~0ull;
    T->cpu.gpr[RSP] = SCRATCH + SCRATCH_SIZE - 64;
    assert_int_equal(dispatch(200 /* tkill */, (uint64_t)T->tid, 10, 0), 0);
    assert_int_equal(T->cpu.rip, 0x45e9e0);
    assert_int_equal(T->cpu.gpr[RDI], 10);
    assert_int_equal(T->sigpending, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_result_goes_to_rax),
        SYS_TEST(test_number_is_taken_from_the_low_32_bits),
        SYS_TEST(test_rcx_gets_next_rip_and_r11_gets_rflags),
        SYS_TEST(test_unknown_syscall_is_enosys_and_reported_once_by_name),
        SYS_TEST(test_blocking_poll_keeps_the_number_in_rax_for_re_execution),
        SYS_TEST(test_futex_wait_writes_zero_for_a_later_wake),
        SYS_TEST(test_int_arguments_use_the_low_32_bits),
        SYS_TEST(test_signal_sent_to_self_is_delivered_on_syscall_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
