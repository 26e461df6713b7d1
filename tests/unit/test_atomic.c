/* test_atomic.c — named edge cases of CMPXCHG and XADD, with and without LOCK, each run on the
 * host CPU and on goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps
 * every form and width; these are the cases where the 32-bit zero-extension rules and the
 * always-written destination show. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_cmpxchg_r32, "cmpxchg ecx, edx")
CODE(c_cmpxchg_acc_dst32, "cmpxchg eax, edx")
CODE(c_cmpxchg_m64, "cmpxchg qword ptr [rbx], rdx")
CODE(c_lock_cmpxchg_m64, "lock cmpxchg qword ptr [rbx], rdx")
CODE(c_lock_xadd_m64, "lock xadd qword ptr [rbx], rdx")
CODE(c_xadd_same32, "xadd ecx, ecx")

CPU_TEST_FIXTURE()

static void regs(uint64_t rax, uint64_t rcx, uint64_t rdx)
{
    hcase_init(&k, 4);
    k.in.gpr[RAX] = rax;
    k.in.gpr[RCX] = rcx;
    k.in.gpr[RDX] = rdx;
    k.in.gpr[RBX] = HARNESS_DATA + 0x100;
}

/* Unequal: eax gets the destination, zero-extended into rax; the destination keeps its upper
 * half because a 32-bit register is only written when the comparison succeeds. */
static void test_cmpxchg32_failure_zero_extends_rax_keeps_dest(void **state)
{
    regs(0x1111111122222222ull, 0xdeadbeef12345678ull, 0x5555555566666666ull);
    CHECK(c_cmpxchg_r32);
    assert_int_equal(k.emu.st.gpr[RAX], 0x12345678ull);
    assert_int_equal(k.emu.st.gpr[RCX], 0xdeadbeef12345678ull);
}

/* Equal: the destination gets edx zero-extended; rax is not written at all. */
static void test_cmpxchg32_success_writes_dest_keeps_rax(void **state)
{
    regs(0x1111111122222222ull, 0xdeadbeef22222222ull, 0x5555555566666666ull);
    CHECK(c_cmpxchg_r32);
    assert_int_equal(k.emu.st.gpr[RAX], 0x1111111122222222ull);
    assert_int_equal(k.emu.st.gpr[RCX], 0x66666666ull);
}

/* The accumulator is the destination too: always equal, so eax = edx, zero-extended. */
static void test_cmpxchg32_accumulator_as_destination(void **state)
{
    regs(0xaaaaaaaa01234567ull, 0, 0x5555555589abcdefull);
    CHECK(c_cmpxchg_acc_dst32);
}

/* Go's CAS failure path: rax is loaded with the current memory value. */
static void test_lock_cmpxchg64_mem_failure_loads_rax(void **state)
{
    uint64_t mem = 0x0123456789abcdefull;
    regs(5, 0, 7);
    memcpy(k.data + 0x100, &mem, 8);
    CHECK(c_lock_cmpxchg_m64);
    assert_int_equal(k.emu.st.gpr[RAX], mem);
}

/* Go's atomic.Add: rdx gets the old value, memory the sum. */
static void test_lock_xadd64_mem_returns_old_value(void **state)
{
    uint64_t mem = 40;
    regs(0, 0, 2);
    memcpy(k.data + 0x100, &mem, 8);
    CHECK(c_lock_xadd_m64);
    assert_int_equal(k.emu.st.gpr[RDX], 40);
}

/* XADD with one register as both operands: the sum wins (it is written last). */
static void test_xadd32_same_register(void **state)
{
    regs(0, 0xffffffff80000001ull, 0);
    CHECK(c_xadd_same32);
}

/* The destination is always written (SDM CMPXCHG), so a read-only page faults even when the
 * comparison fails, and nothing changes. */
static void test_cmpxchg_readonly_mem_faults_even_on_failure(void **state)
{
    regs(1, 0, 7);
    k.in.gpr[RBX] = HARNESS_RO + 0x100;
    CHECK(c_cmpxchg_m64);
    assert_int_equal(k.emu.signo, SIGSEGV);
    assert_int_equal(k.emu.st.gpr[RAX], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmpxchg32_failure_zero_extends_rax_keeps_dest),
        cmocka_unit_test(test_cmpxchg32_success_writes_dest_keeps_rax),
        cmocka_unit_test(test_cmpxchg32_accumulator_as_destination),
        cmocka_unit_test(test_lock_cmpxchg64_mem_failure_loads_rax),
        cmocka_unit_test(test_lock_xadd64_mem_returns_old_value),
        cmocka_unit_test(test_xadd32_same_register),
        cmocka_unit_test(test_cmpxchg_readonly_mem_faults_even_on_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
