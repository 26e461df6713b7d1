/* test_alu.c — named edge cases of ADD ADC SBB SUB XOR CMP INC DEC NEG, each run on the host
 * CPU and on goemu from the same state and compared (cpu_harness.h: registers, flags, memory,
 * faults). goemu-oracle sweeps every form and width with generated values; the cases here are
 * the boundaries worth a name, with the outcome also spelled out. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_add_rr64, "add rax, rcx")
CODE(c_add_rr32, "add eax, ecx")
CODE(c_adc_rr64, "adc rax, rcx")
CODE(c_sbb_rr32, "sbb eax, ecx")
CODE(c_sub_rh8, "sub ah, ch")
CODE(c_xor_eax_eax, "xor eax, eax")
CODE(c_cmp_rr64, "cmp rax, rcx")
CODE(c_inc_r64, "inc rax")
CODE(c_dec_r32, "dec eax")
CODE(c_neg_r64, "neg rax")
CODE(c_add_mr64, "add qword ptr [rbx], rcx")
CODE(c_lock_add_m32, "lock add dword ptr [rbx], ecx")

#define NO_AF ((uint64_t)(FLAGS_ARITH & ~FLAG_AF))   /* AF is undefined after logic ops */

CPU_TEST_FIXTURE()

/* rax, rcx and the arithmetic flags in; everything else junk. */
static void regs(uint64_t rax, uint64_t rcx, uint64_t flags)
{
    hcase_init(&k, 7);
    k.in.gpr[RAX] = rax;
    k.in.gpr[RCX] = rcx;
    k.in.rflags = 0x202 | flags;
}

/* INT64_MAX + 1: the signed overflow boundary, no unsigned carry. */
static void test_add64_signed_overflow_sets_of(void **state)
{
    regs(0x7fffffffffffffffull, 1, 0);
    CHECK(c_add_rr64);
    assert_int_equal(k.emu.st.rflags & (FLAG_OF | FLAG_CF | FLAG_SF), FLAG_OF | FLAG_SF);
}

/* A 32-bit carry out: the result is 0 and the upper half of rax is cleared, not carried into. */
static void test_add32_unsigned_carry_sets_cf_and_zero_extends(void **state)
{
    regs(0xffffffffffffffffull, 1, 0);
    CHECK(c_add_rr32);
    assert_int_equal(k.emu.st.gpr[RAX], 0);
    assert_int_equal(k.emu.st.rflags & (FLAG_CF | FLAG_ZF), FLAG_CF | FLAG_ZF);
}

/* ~0 + 0 + CF: the carry-in alone wraps the sum. */
static void test_adc64_adds_carry_in(void **state)
{
    regs(~0ull, 0, FLAG_CF);
    CHECK(c_adc_rr64);
    assert_int_equal(k.emu.st.gpr[RAX], 0);
}

/* 0 - 0 - CF: the borrow-in alone wraps the difference. */
static void test_sbb32_borrow_in_wraps(void **state)
{
    regs(0, 0, FLAG_CF);
    CHECK(c_sbb_rr32);
    assert_int_equal(k.emu.st.gpr[RAX], 0xffffffffull);
}

/* High-byte registers: only bits 15:8 of rax change. */
static void test_sub8_high_byte_keeps_other_bits(void **state)
{
    regs(0x1122334455660177ull, 0x0200, 0);
    CHECK(c_sub_rh8);
    assert_int_equal(k.emu.st.gpr[RAX], 0x112233445566ff77ull);
}

/* Go's zeroing idiom: clears the whole register and CF/OF, sets ZF. */
static void test_xor32_same_register_zero_extends(void **state)
{
    regs(0xdeadbeefcafef00dull, 0, FLAG_CF | FLAG_OF);
    k.flags = NO_AF;
    CHECK(c_xor_eax_eax);
    assert_int_equal(k.emu.st.gpr[RAX], 0);
}

/* CMP computes flags only: 5 - 7 borrows, rax keeps 5. */
static void test_cmp64_does_not_write_destination(void **state)
{
    regs(5, 7, 0);
    CHECK(c_cmp_rr64);
    assert_int_equal(k.emu.st.gpr[RAX], 5);
}

/* INC wraps to zero without touching CF (loops count with INC and test CF elsewhere). */
static void test_inc64_preserves_cf(void **state)
{
    regs(~0ull, 0, FLAG_CF);
    CHECK(c_inc_r64);
    assert_int_equal(k.emu.st.rflags & (FLAG_CF | FLAG_ZF), FLAG_CF | FLAG_ZF);
}

/* INT32_MIN - 1 overflows; DEC leaves CF clear as it was. */
static void test_dec32_min_sets_of_keeps_cf_clear(void **state)
{
    regs(0x80000000ull, 0, 0);
    CHECK(c_dec_r32);
    assert_int_equal(k.emu.st.gpr[RAX], 0x7fffffffull);
}

/* NEG sets CF exactly when the operand is not zero. */
static void test_neg_cf_is_operand_not_zero(void **state)
{
    regs(0, 0, FLAG_CF);
    CHECK(c_neg_r64);
    assert_false(k.emu.st.rflags & FLAG_CF);
    regs(1, 0, 0);
    CHECK(c_neg_r64);
    assert_true(k.emu.st.rflags & FLAG_CF);
}

/* A write to a read-only page: #PF with the write bit, and neither memory, registers nor
 * flags change (the faulting instruction has no effect). */
static void test_add_mem_to_readonly_page_faults_without_effects(void **state)
{
    regs(1, 2, FLAG_CF | FLAG_ZF);
    k.in.gpr[RBX] = HARNESS_RO + 0x800;
    CHECK(c_add_mr64);
    assert_int_equal(k.emu.signo, SIGSEGV);
    assert_int_equal(k.emu.addr, HARNESS_RO + 0x800);
    assert_int_equal(k.emu.st.rip, HARNESS_CODE);
}

/* LOCK on a dword that straddles two pages: still one atomic read-modify-write. */
static void test_lock_add_across_page_boundary(void **state)
{
    regs(0, 0x01010101, 0);
    k.in.gpr[RBX] = HARNESS_DATA + 0x0ffe;
    CHECK(c_lock_add_m32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add64_signed_overflow_sets_of),
        cmocka_unit_test(test_add32_unsigned_carry_sets_cf_and_zero_extends),
        cmocka_unit_test(test_adc64_adds_carry_in),
        cmocka_unit_test(test_sbb32_borrow_in_wraps),
        cmocka_unit_test(test_sub8_high_byte_keeps_other_bits),
        cmocka_unit_test(test_xor32_same_register_zero_extends),
        cmocka_unit_test(test_cmp64_does_not_write_destination),
        cmocka_unit_test(test_inc64_preserves_cf),
        cmocka_unit_test(test_dec32_min_sets_of_keeps_cf_clear),
        cmocka_unit_test(test_neg_cf_is_operand_not_zero),
        cmocka_unit_test(test_add_mem_to_readonly_page_faults_without_effects),
        cmocka_unit_test(test_lock_add_across_page_boundary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
