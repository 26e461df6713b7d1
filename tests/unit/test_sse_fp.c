/* test_sse_fp.c — named edge cases of the SSE/SSE2 floating-point instructions, each run on the
 * host CPU and on goemu from the same state and compared (cpu_harness.h: XMM, MXCSR, RFLAGS,
 * memory, faults including #XM). goemu-oracle sweeps every form over special values, rounding
 * modes, DAZ/FZ and unmasked exceptions; these are the cases Go's code depends on or that
 * pin one rule each. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_add_ucomisd, "add rax, 1\n ucomisd xmm0, xmm1")
CODE(c_comisd, "comisd xmm0, xmm1")
CODE(c_addsd, "addsd xmm0, xmm1")
CODE(c_divsd, "divsd xmm0, xmm1")
CODE(c_mulsd, "mulsd xmm0, xmm1")
CODE(c_addps_m, "addps xmm0, [rsi]")
CODE(c_addss_m, "addss xmm0, dword ptr [rsi]")
CODE(c_minsd, "minsd xmm0, xmm1")
CODE(c_cmpltpd, "cmppd xmm0, xmm1, 1")
CODE(c_string_cmpsd, "cmpsd")

#define QNAN 0x7ff8000000000000ull
#define ONE 0x3ff0000000000000ull

CPU_TEST_FIXTURE()

static void xmm01(uint64_t a, uint64_t b, uint32_t mxcsr)
{
    hcase_init(&k, a ^ b);
    k.in.xmm[0].q[0] = a;
    k.in.xmm[1].q[0] = b;
    k.in.mxcsr = mxcsr;
}

/* runtime.check and every Go float compare: NaN gives ZF=PF=CF=1, OF=SF=AF=0, even when the
 * ADD before left OF, SF and AF pending in goemu's lazy flags. UCOMISD on a QNaN raises
 * nothing. */
static void test_ucomisd_unordered_sets_zf_pf_cf(void **state)
{
    xmm01(QNAN, ONE, MXCSR_DEFAULT);
    k.in.gpr[RAX] = 0x7fffffffffffffffull;
    CHECK(c_add_ucomisd);
    assert_int_equal(k.emu.st.rflags & FLAGS_ARITH, FLAG_ZF | FLAG_PF | FLAG_CF);
}

/* COMISD signals on a QNaN too: IE set. */
static void test_comisd_qnan_raises_ie_flag(void **state)
{
    xmm01(QNAN, 0, MXCSR_DEFAULT);
    CHECK(c_comisd);
    assert_int_equal(k.emu.st.mxcsr, MXCSR_DEFAULT | MXCSR_IE);
}

/* Scalar ops keep the upper lane; rounding up turns 1 + 2^-60 into 1 + ulp, with PE. */
static void test_addsd_keeps_upper_lane_and_honours_rounding(void **state)
{
    xmm01(ONE, 0x3c30000000000000ull /* 2^-60 */, MXCSR_DEFAULT | 2u << MXCSR_RC_SHIFT);
    CHECK(c_addsd);
    assert_int_equal(k.emu.st.xmm[0].q[0], 0x3ff0000000000001ull);
    assert_int_equal(k.emu.st.xmm[0].q[1], k.in.xmm[0].q[1]);
}

/* Unmasked divide-by-zero: #XM, SIGFPE/FPE_FLTDIV, trap 19, the destination untouched. */
static void test_divsd_by_zero_unmasked_raises_sigfpe_fltdiv(void **state)
{
    xmm01(ONE, 0, MXCSR_DEFAULT & ~(MXCSR_ZE << 7));
    CHECK(c_divsd);
    assert_int_equal(k.emu.code, FPE_FLTDIV);
    assert_int_equal(k.emu.trapno, 19);
}

/* Unmasked overflow: #XM before the destination is written (PE is left out of the
 * comparison there, see cpu_harness.c). */
static void test_mulsd_overflow_unmasked_traps(void **state)
{
    xmm01(0x7fefffffffffffffull, 0x4000000000000000ull, MXCSR_DEFAULT & ~(MXCSR_OE << 7));
    CHECK(c_mulsd);
    assert_int_equal(k.emu.code, FPE_FLTOVF);
}

/* DAZ: a denormal input counts as zero (1 * denormal = +0, no DE). */
static void test_daz_treats_denormal_input_as_zero(void **state)
{
    xmm01(ONE, 0x000fffffffffffffull, MXCSR_DEFAULT | MXCSR_DAZ);
    CHECK(c_mulsd);
    assert_int_equal(k.emu.st.xmm[0].q[0], 0);
}

/* FZ: a result below the normal range is flushed to zero, with UE and PE. */
static void test_fz_flushes_tiny_result(void **state)
{
    xmm01(0x0010000000000000ull /* smallest normal */, 0x3fe0000000000000ull /* 0.5 */,
          MXCSR_DEFAULT | MXCSR_FZ);
    CHECK(c_mulsd);
    assert_int_equal(k.emu.st.xmm[0].q[0], 0);
}

/* MINSD returns the second operand when either is NaN or both are zero (of either sign):
 * Go's math.Min must not be compiled to a bare MINSD because of this. */
static void test_minsd_nan_and_signed_zero_return_second(void **state)
{
    xmm01(QNAN, ONE, MXCSR_DEFAULT);
    CHECK(c_minsd);
    xmm01(0x8000000000000000ull, 0, MXCSR_DEFAULT);
    CHECK(c_minsd);
    assert_int_equal(k.emu.st.xmm[0].q[0], 0);
}

/* CMPLTPD against NaN is false (all-zero lane), and sets IE (LT signals on QNaN). */
static void test_cmpltpd_with_nan(void **state)
{
    xmm01(QNAN, ONE, MXCSR_DEFAULT);
    k.in.xmm[0].q[1] = ONE;
    k.in.xmm[1].q[1] = 0x4000000000000000ull;
    CHECK(c_cmpltpd);
}

/* A misaligned m128 operand of a packed op is #GP (SIGSEGV, si_code SI_KERNEL, addr 0); the
 * scalar m32 form has no alignment rule. */
static void test_addps_misaligned_m128_raises_gp_but_addss_m32_does_not(void **state)
{
    hcase_init(&k, 1);
    k.in.gpr[RSI] = HARNESS_DATA + 4;
    CHECK(c_addps_m);
    assert_int_equal(k.emu.code, SI_KERNEL);
    assert_int_equal(k.emu.trapno, 13);
    CHECK(c_addss_m);
    assert_int_equal(k.emu.signo, 0);
}

/* CMPSD without xmm operands is the string compare (ops_string.c): flags of [rsi] - [rdi]. */
static void test_string_cmpsd_still_compares_dwords(void **state)
{
    hcase_init(&k, 2);
    k.in.gpr[RSI] = HARNESS_DATA;
    k.in.gpr[RDI] = HARNESS_DATA + 0x800;
    CHECK(c_string_cmpsd);
    assert_int_equal(k.emu.st.gpr[RSI], HARNESS_DATA + 4);
}

/* The host's MXCSR must be back to the default after a guest operation in another mode, and
 * after the second (flush-to-zero) run that detects tiny results when UE is unmasked. A
 * property of goemu alone: no native run. */
static void test_guest_rounding_mode_does_not_leak_to_host(void **state)
{
    static const uint32_t modes[] = {0x7fc0 | 0x8000, 0x1780, 0x0000};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        h.cpu.mxcsr = modes[i];
        h.cpu.xmm[0].q[0] = h.cpu.xmm[1].q[0] = ONE;
        assert_int_equal(harness_exec(&h, c_mulsd, CODE_LEN(c_mulsd)), STOP_NONE);
        uint32_t host;
        __asm__ volatile("stmxcsr %0" : "=m"(host));
        assert_int_equal(host & ~0x3fu, 0x1f80);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ucomisd_unordered_sets_zf_pf_cf),
        cmocka_unit_test(test_comisd_qnan_raises_ie_flag),
        cmocka_unit_test(test_addsd_keeps_upper_lane_and_honours_rounding),
        cmocka_unit_test(test_divsd_by_zero_unmasked_raises_sigfpe_fltdiv),
        cmocka_unit_test(test_mulsd_overflow_unmasked_traps),
        cmocka_unit_test(test_daz_treats_denormal_input_as_zero),
        cmocka_unit_test(test_fz_flushes_tiny_result),
        cmocka_unit_test(test_minsd_nan_and_signed_zero_return_second),
        cmocka_unit_test(test_cmpltpd_with_nan),
        cmocka_unit_test(test_addps_misaligned_m128_raises_gp_but_addss_m32_does_not),
        cmocka_unit_test(test_string_cmpsd_still_compares_dwords),
        cmocka_unit_test(test_guest_rounding_mode_does_not_leak_to_host),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
