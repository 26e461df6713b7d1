/* test_sse_cvt.c — named edge cases of the SSE/SSE2 conversions, each run on the host CPU and on
 * goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps every conversion
 * over special values, rounding modes, DAZ/FZ and unmasked exceptions; these are the results
 * Go's conversions rely on: the integer indefinite, rounding by MXCSR, and merged upper lanes. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_cvttsd2si_r64, "cvttsd2si rax, xmm1")
CODE(c_cvttsd2si_r32, "cvttsd2si edx, xmm1")
CODE(c_cvtsd2si_r64, "cvtsd2si rax, xmm1")
CODE(c_cvtsi2sd_r64, "cvtsi2sd xmm0, rax")
CODE(c_cvtsi2ss_m32, "cvtsi2ss xmm0, dword ptr [rsi]")
CODE(c_cvttss2si_r32, "cvttss2si eax, xmm1")
CODE(c_cvtsd2ss, "cvtsd2ss xmm0, xmm1")
CODE(c_cvtpd2dq, "cvtpd2dq xmm0, xmm1")

CPU_TEST_FIXTURE()

static void src(uint64_t xmm1_lo, uint32_t mxcsr)
{
    hcase_init(&k, xmm1_lo);
    k.in.xmm[1].q[0] = xmm1_lo;
    k.in.mxcsr = mxcsr;
}

/* Go's float64 -> int64: NaN gives the integer indefinite 0x8000000000000000 with IE. */
static void test_cvttsd2si_nan_gives_integer_indefinite(void **state)
{
    src(0x7ff8000000000000ull, MXCSR_DEFAULT);
    CHECK(c_cvttsd2si_r64);
    assert_int_equal(k.emu.st.gpr[RAX], 0x8000000000000000ull);
}

/* 2^31 does not fit in 32 bits: 0x80000000, zero-extended into rdx. */
static void test_cvttsd2si_r32_out_of_range(void **state)
{
    src(0x41e0000000000000ull, MXCSR_DEFAULT);
    CHECK(c_cvttsd2si_r32);
    assert_int_equal(k.emu.st.gpr[RDX], 0x80000000ull);
}

/* -2^31 - 0.5 truncates to -2^31, which fits: no IE. */
static void test_cvttsd2si_r32_truncates_into_range(void **state)
{
    src(0xc1e0000000100000ull, MXCSR_DEFAULT);
    CHECK(c_cvttsd2si_r32);
}

/* 2.5 under each rounding mode: nearest-even 2, down 2, up 3, toward zero 2; always PE. */
static void test_cvtsd2si_rounds_per_mxcsr(void **state)
{
    static const int64_t want[4] = {2, 2, 3, 2};
    for (unsigned rc = 0; rc < 4; rc++) {
        src(0x4004000000000000ull, MXCSR_DEFAULT | rc << MXCSR_RC_SHIFT);
        CHECK(c_cvtsd2si_r64);
        assert_int_equal((int64_t)k.emu.st.gpr[RAX], want[rc]);
    }
}

/* The upper lane of the destination is kept. */
static void test_cvtsi2sd_keeps_upper_lane(void **state)
{
    src(0, MXCSR_DEFAULT);
    k.in.gpr[RAX] = (uint64_t)-3;
    CHECK(c_cvtsi2sd_r64);
    assert_int_equal(k.emu.st.xmm[0].q[0], 0xc008000000000000ull);
}

/* 2^24 + 1 from memory is not representable in float: rounded, with PE. */
static void test_cvtsi2ss_m32_inexact(void **state)
{
    src(0, MXCSR_DEFAULT);
    k.in.gpr[RSI] = HARNESS_DATA + 0x40;
    uint32_t v = 0x1000001;
    memcpy(k.data + 0x40, &v, 4);
    CHECK(c_cvtsi2ss_m32);
}

/* Float NaN to int32: the 32-bit indefinite 0x80000000. */
static void test_cvttss2si_nan(void **state)
{
    src(0xffc12345ull, MXCSR_DEFAULT);
    CHECK(c_cvttss2si_r32);
}

/* Double to float overflow: +Inf with OE and PE; an SNaN input becomes a QNaN with IE. */
static void test_cvtsd2ss_overflow_and_snan(void **state)
{
    src(0x47f0000000000000ull, MXCSR_DEFAULT);
    CHECK(c_cvtsd2ss);
    src(0x7ff0000000000001ull, MXCSR_DEFAULT);
    CHECK(c_cvtsd2ss);
}

/* The packed double -> int32 conversion zeroes the upper 64 bits of the destination. */
static void test_cvtpd2dq_zeroes_upper_half(void **state)
{
    src(0xc00c000000000000ull /* -3.5 */, MXCSR_DEFAULT);
    k.in.xmm[1].q[1] = 0x41e0000000000000ull;   /* 2^31: indefinite */
    CHECK(c_cvtpd2dq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cvttsd2si_nan_gives_integer_indefinite),
        cmocka_unit_test(test_cvttsd2si_r32_out_of_range),
        cmocka_unit_test(test_cvttsd2si_r32_truncates_into_range),
        cmocka_unit_test(test_cvtsd2si_rounds_per_mxcsr),
        cmocka_unit_test(test_cvtsi2sd_keeps_upper_lane),
        cmocka_unit_test(test_cvtsi2ss_m32_inexact),
        cmocka_unit_test(test_cvttss2si_nan),
        cmocka_unit_test(test_cvtsd2ss_overflow_and_snan),
        cmocka_unit_test(test_cvtpd2dq_zeroes_upper_half),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
