/* test_shift.c — named edge cases of SHL SHR SAR ROL ROR RCL RCR SHLD SHRD, each run on the
 * host CPU and on goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps
 * every form with counts around the masking boundaries; these are the boundaries with a name.
 * Each case compares the flags the SDM defines for its count: a masked count of 0 changes no
 * flag; AF is undefined for shifts by 1 or more, OF for counts other than 1. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_shl_r32_cl, "shl eax, cl")
CODE(c_shl_r64_1, "shl rax, 1")
CODE(c_sar_r8_cl, "sar al, cl")
CODE(c_ror_r32_cl, "ror eax, cl")
CODE(c_rcl_r8_cl, "rcl al, cl")
CODE(c_rcr_r64_cl, "rcr rax, cl")
CODE(c_shrd_r64_i40, "shrd rax, rdx, 40")
CODE(c_shld_r16_cl, "shld ax, dx, cl")

#define NO_AF_OF ((uint64_t)(FLAG_CF | FLAG_PF | FLAG_ZF | FLAG_SF))
#define NO_OF ((uint64_t)(FLAGS_ARITH & ~FLAG_OF))   /* multi-bit rotates: only OF undefined */

CPU_TEST_FIXTURE()

static void regs(uint64_t rax, unsigned cl, uint64_t flags, uint64_t compared)
{
    hcase_init(&k, 11);
    k.in.gpr[RAX] = rax;
    k.in.gpr[RCX] = (k.in.gpr[RCX] & ~0xffull) | cl;
    k.in.rflags = 0x202 | flags;
    k.flags = compared;
}

/* cl = 32 masks to 0 for a 32-bit shift: no flag changes, yet eax is written (zero-extends). */
static void test_shl32_count_zero_keeps_flags_but_zero_extends(void **state)
{
    regs(0xdeadbeef80000000ull, 32, FLAG_CF | FLAG_OF | FLAG_ZF, FLAGS_ARITH);
    CHECK(c_shl_r32_cl);
    assert_int_equal(k.emu.st.gpr[RAX], 0x80000000ull);
    assert_int_equal(k.emu.st.rflags & FLAGS_ARITH, FLAG_CF | FLAG_OF | FLAG_ZF);
}

/* Count 1: OF = the sign changed (bit 62 moved into bit 63). */
static void test_shl64_by_one_sets_of_from_sign_change(void **state)
{
    regs(0x4000000000000000ull, 0, 0, FLAGS_ARITH & ~(uint64_t)FLAG_AF);
    CHECK(c_shl_r64_1);
    assert_true(k.emu.st.rflags & FLAG_OF);
}

/* SAR r8 by 20 (masked to 20, beyond the width): every bit becomes the sign. */
static void test_sar8_large_count_fills_sign(void **state)
{
    regs(0x80, 20, 0, NO_AF_OF);
    CHECK(c_sar_r8_cl);
    assert_int_equal(k.emu.st.gpr[RAX] & 0xff, 0xff);
}

/* Rotates change only CF (and OF at count 1); SF ZF AF PF keep their input values. */
static void test_ror32_changes_only_cf_and_of(void **state)
{
    regs(1, 1, FLAG_ZF | FLAG_PF | FLAG_SF | FLAG_AF, FLAGS_ARITH);
    CHECK(c_ror_r32_cl);
    assert_int_equal(k.emu.st.gpr[RAX], 0x80000000ull);
}

/* RCL r8 rotates through 9 bits: a count of 10 acts as 1. */
static void test_rcl8_rotates_through_carry_mod_9(void **state)
{
    regs(0x81, 10, FLAG_CF, NO_OF);
    CHECK(c_rcl_r8_cl);
    assert_int_equal(k.emu.st.gpr[RAX] & 0xff, 0x03);
}

/* RCR r64 by 63 (masked count, no modulo 65 for 64-bit operands). */
static void test_rcr64_count_63(void **state)
{
    regs(0x8000000000000001ull, 63, FLAG_CF | FLAG_ZF, NO_OF);
    CHECK(c_rcr_r64_cl);
}

/* SHRD fills from the source: rdx:rax >> 40. */
static void test_shrd64_fills_from_source(void **state)
{
    regs(0xff, 0, 0, NO_AF_OF);
    k.in.gpr[RDX] = 0xabc;
    CHECK(c_shrd_r64_i40);
    assert_int_equal(k.emu.st.gpr[RAX], 0xabc000000ull);
}

/* SHLD r16 by exactly 16: the result is the source, the last bit out lands in CF. */
static void test_shld16_count_16(void **state)
{
    regs(0x1234, 16, 0, NO_AF_OF);
    k.in.gpr[RDX] = 0xfedcba98;
    CHECK(c_shld_r16_cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shl32_count_zero_keeps_flags_but_zero_extends),
        cmocka_unit_test(test_shl64_by_one_sets_of_from_sign_change),
        cmocka_unit_test(test_sar8_large_count_fills_sign),
        cmocka_unit_test(test_ror32_changes_only_cf_and_of),
        cmocka_unit_test(test_rcl8_rotates_through_carry_mod_9),
        cmocka_unit_test(test_rcr64_count_63),
        cmocka_unit_test(test_shrd64_fills_from_source),
        cmocka_unit_test(test_shld16_count_16),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
