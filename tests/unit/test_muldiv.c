/* test_muldiv.c — named edge cases of MUL, IMUL, DIV and IDIV, each run on the host CPU and on
 * goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps every form with
 * mostly representable quotients; here are the #DE boundaries (divide by zero, quotient
 * overflow, INT_MIN / -1) and the register-pair and zero-extension rules. Flags compared: CF
 * and OF for multiplies (the rest are undefined), none for divides. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_div_r8, "div cl")
CODE(c_div_r32, "div ecx")
CODE(c_div_r64, "div rcx")
CODE(c_idiv_r32, "idiv ecx")
CODE(c_idiv_r64, "idiv rcx")
CODE(c_mul_r64, "mul rcx")
CODE(c_imul3_r64, "imul rax, rcx, 0x12345679")
CODE(c_imul2_r16, "imul ax, cx")

#define MULF ((uint64_t)(FLAG_CF | FLAG_OF))

CPU_TEST_FIXTURE()

/* rdx:rax and the source rcx; flags compared as given. */
static void regs(uint64_t rdx, uint64_t rax, uint64_t rcx, uint64_t flags)
{
    hcase_init(&k, 3);
    k.in.gpr[RDX] = rdx;
    k.in.gpr[RAX] = rax;
    k.in.gpr[RCX] = rcx;
    k.flags = flags;
}

/* #DE is a fault: SIGFPE/FPE_INTDIV at the DIV, nothing written. */
static void test_div64_by_zero_raises_sigfpe_before_writing(void **state)
{
    regs(0, 1234, 0, 0);
    CHECK(c_div_r64);
    assert_int_equal(k.emu.signo, SIGFPE);
    assert_int_equal(k.emu.code, FPE_INTDIV);
    assert_int_equal(k.emu.st.rip, HARNESS_CODE);
}

/* rdx >= divisor: the quotient does not fit in 64 bits. */
static void test_div64_quotient_overflow_raises_de(void **state)
{
    regs(5, 0, 5, 0);
    CHECK(c_div_r64);
    assert_int_equal(k.emu.signo, SIGFPE);
}

/* INT32_MIN / -1 = +2^31 does not fit. */
static void test_idiv32_int_min_by_minus_one_raises_de(void **state)
{
    regs(0xffffffff, 0x80000000, 0xffffffff, 0);
    CHECK(c_idiv_r32);
    assert_int_equal(k.emu.signo, SIGFPE);
}

static void test_idiv64_int_min_by_minus_one_raises_de(void **state)
{
    regs(~0ull, 1ull << 63, ~0ull, 0);
    CHECK(c_idiv_r64);
    assert_int_equal(k.emu.signo, SIGFPE);
}

/* rdx:rax = +2^63 does not fit in 64 bits, but its quotient by -1 is INT64_MIN, which does. */
static void test_idiv64_positive_2_63_by_minus_one_gives_int64_min(void **state)
{
    regs(0, 1ull << 63, ~0ull, 0);
    CHECK(c_idiv_r64);
    assert_int_equal(k.emu.signo, 0);
    assert_int_equal(k.emu.st.gpr[RAX], 1ull << 63);
}

/* A 128-bit negative dividend: (-2^64 - 6) / 3, and a quotient just inside the range. */
static void test_idiv64_wide_dividend_divides_exactly(void **state)
{
    regs(0xfffffffffffffffeull, 0xfffffffffffffffaull, 3, 0);
    CHECK(c_idiv_r64);
    assert_int_equal(k.emu.st.gpr[RAX], (uint64_t)-6148914691236517207ll);
    regs(0xfffffffffffffffeull, 0xfffffffffffffffaull, 0x7fffffffffffffffull, 0);
    CHECK(c_idiv_r64);
}

/* DIV r8 divides ax: quotient in al, remainder in ah; the rest of rax is kept. */
static void test_div8_puts_remainder_in_ah(void **state)
{
    regs(0, 0x1234567800000107ull, 0x10, 0);
    CHECK(c_div_r8);
    assert_int_equal(k.emu.st.gpr[RAX], 0x1234567800000710ull);
}

/* DIV r32 writes eax and edx, clearing both upper halves. */
static void test_div32_zero_extends_rax_and_rdx(void **state)
{
    regs(0xffffffff00000001ull, 0xffffffff00000003ull, 2, 0);
    CHECK(c_div_r32);
    assert_int_equal(k.emu.st.gpr[RDX], 1);
}

/* 2^63 * 2: the product's high half is 1, so CF = OF = 1. */
static void test_mul64_high_half_sets_cf_of(void **state)
{
    regs(0, 1ull << 63, 2, MULF);
    CHECK(c_mul_r64);
    assert_int_equal(k.emu.st.rflags & MULF, MULF);
}

/* The truncated product differs from the full signed one: CF = OF = 1. */
static void test_imul64_three_operand_overflow_sets_cf_of(void **state)
{
    regs(0, 0, 1ull << 40, MULF);
    CHECK(c_imul3_r64);
    assert_int_equal(k.emu.st.rflags & MULF, MULF);
}

/* -32768 * -1 = +32768 overflows 16 bits; bits 63:16 of rax are kept. */
static void test_imul16_overflow_keeps_upper_bits(void **state)
{
    regs(0, 0xabcdef0000008000ull, 0xffff, MULF);
    CHECK(c_imul2_r16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_div64_by_zero_raises_sigfpe_before_writing),
        cmocka_unit_test(test_div64_quotient_overflow_raises_de),
        cmocka_unit_test(test_idiv32_int_min_by_minus_one_raises_de),
        cmocka_unit_test(test_idiv64_int_min_by_minus_one_raises_de),
        cmocka_unit_test(test_idiv64_positive_2_63_by_minus_one_gives_int64_min),
        cmocka_unit_test(test_idiv64_wide_dividend_divides_exactly),
        cmocka_unit_test(test_div8_puts_remainder_in_ah),
        cmocka_unit_test(test_div32_zero_extends_rax_and_rdx),
        cmocka_unit_test(test_mul64_high_half_sets_cf_of),
        cmocka_unit_test(test_imul64_three_operand_overflow_sets_cf_of),
        cmocka_unit_test(test_imul16_overflow_keeps_upper_bits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
