/* test_sse_int.c — named edge cases of the SSE2 packed-integer instructions, each run on the host
 * CPU and on goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps every
 * form with edge-biased values; these are the idioms Go's runtime uses and the count rules of
 * the shifts. Forms outside x86-64-v1 must raise SIGILL on goemu (no native run: the host has
 * them). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_pcmpeqb_pmovmskb, "pcmpeqb xmm0, xmm1\n pmovmskb eax, xmm0")
CODE(c_paddd_m, "paddd xmm0, [rsi]")
CODE(c_psrldq_17, "psrldq xmm8, 17")
CODE(c_psllw_xmm, "psllw xmm2, xmm3")
CODE(c_psrad_imm, "psrad xmm4, 40")
CODE(c_pinsrw_m16, "pinsrw xmm4, word ptr [rsi], 5")
CODE(c_pextrw_r64, "pextrw rax, xmm9, 13")
CODE(c_packsswb, "packsswb xmm5, xmm6")

CPU_TEST_FIXTURE()

/* bytealg.IndexByte's inner loop: broadcast byte, PCMPEQB, PMOVMSKB, the mask's low set bit.
 * PMOVMSKB clears the upper bits of its 64-bit destination. */
static void test_pcmpeqb_then_pmovmskb_gives_match_mask(void **state)
{
    hcase_init(&k, 1);
    memset(&k.in.xmm[0], 'x', 16);
    memcpy(&k.in.xmm[1], "hello, xmm world", 16);
    k.in.gpr[RAX] = ~0ull;
    CHECK(c_pcmpeqb_pmovmskb);
    assert_int_equal(k.emu.st.gpr[RAX], 1u << 7);
}

/* m128 operands of integer ops must be aligned: #GP, the destination untouched. */
static void test_paddd_misaligned_m128_raises_gp(void **state)
{
    hcase_init(&k, 2);
    k.in.gpr[RSI] = HARNESS_DATA + 4;
    CHECK(c_paddd_m);
    assert_int_equal(k.emu.trapno, 13);
}

/* Byte shifts by 16 or more clear the register. */
static void test_psrldq_by_16_or_more_clears_register(void **state)
{
    hcase_init(&k, 3);
    CHECK(c_psrldq_17);
    assert_int_equal(k.emu.st.xmm[8].q[0] | k.emu.st.xmm[8].q[1], 0);
}

/* The count is the whole low quadword: 2^32 is not 0, it clears every word. */
static void test_psllw_count_is_64_bits(void **state)
{
    hcase_init(&k, 4);
    k.in.xmm[3].q[0] = 0x100000000ull;
    CHECK(c_psllw_xmm);
    assert_int_equal(k.emu.st.xmm[2].q[0] | k.emu.st.xmm[2].q[1], 0);
}

/* Arithmetic shifts by more than the width fill with the sign. */
static void test_psrad_large_count_fills_sign(void **state)
{
    hcase_init(&k, 5);
    CHECK(c_psrad_imm);
}

/* PINSRW m16 at the very end of the data: reads the 2 bytes, nothing beyond. */
static void test_pinsrw_m16_at_end_of_mapping(void **state)
{
    hcase_init(&k, 6);
    k.in.gpr[RSI] = HARNESS_DATA + HARNESS_DATA_SIZE - 2;
    CHECK(c_pinsrw_m16);
}

/* PEXTRW takes the word index modulo 8 and zero-extends into the whole 64-bit register. */
static void test_pextrw_index_modulo_8(void **state)
{
    hcase_init(&k, 7);
    CHECK(c_pextrw_r64);
}

/* Signed saturation at both ends. */
static void test_packsswb_saturates(void **state)
{
    hcase_init(&k, 8);
    k.in.xmm[5].q[0] = 0x8000007f0080ff7full;
    k.in.xmm[6].q[1] = 0x7fff0100ff7fff80ull;
    CHECK(c_packsswb);
}

/* x86-64-v1 has no SSSE3/SSE4 and goemu no MMX: these must raise SIGILL (#UD), not run. */
static void test_non_sse2_integer_forms_raise_sigill(void **state)
{
    static const struct { const char *name; uint8_t b[8]; size_t len; } cases[] = {
        {"pxor mm0, mm1", {0x0f, 0xef, 0xc1}, 3},
        {"paddb mm0, mm1", {0x0f, 0xfc, 0xc1}, 3},
        {"movq mm0, mm1", {0x0f, 0x6f, 0xc1}, 3},
        {"pshufb xmm0, xmm1", {0x66, 0x0f, 0x38, 0x00, 0xc1}, 5},
        {"palignr xmm0, xmm1, 3", {0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x03}, 6},
        {"pextrw eax, xmm1, 3 (sse4.1)", {0x66, 0x0f, 0x3a, 0x15, 0xc8, 0x03}, 6},
        {"pextrw [rax], xmm1, 3 (sse4.1)", {0x66, 0x0f, 0x3a, 0x15, 0x08, 0x03}, 6},
        {"pinsrd xmm0, eax, 1", {0x66, 0x0f, 0x3a, 0x22, 0xc0, 0x01}, 6},
        {"pinsrq xmm0, rax, 1", {0x66, 0x48, 0x0f, 0x3a, 0x22, 0xc0, 0x01}, 7},
        {"ptest xmm0, xmm1", {0x66, 0x0f, 0x38, 0x17, 0xc1}, 5},
        {"pcmpeqq xmm0, xmm1", {0x66, 0x0f, 0x38, 0x29, 0xc1}, 5},
        {"pmulld xmm0, xmm1", {0x66, 0x0f, 0x38, 0x40, 0xc1}, 5},
        {"pminsb xmm0, xmm1", {0x66, 0x0f, 0x38, 0x38, 0xc1}, 5},
        {"lddqu xmm0, [rax]", {0xf2, 0x0f, 0xf0, 0x00}, 4},
        {"vpxor xmm0, xmm1, xmm2", {0xc5, 0xf1, 0xef, 0xc2}, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h.cpu.gpr[RAX] = HARNESS_DATA;
        enum cpu_stop why = harness_exec(&h, cases[i].b, cases[i].len);
        if (why != STOP_FAULT || h.cpu.fault.signo != SIGILL || h.cpu.fault.rip != HARNESS_CODE)
            fail_msg("%s did not raise SIGILL", cases[i].name);
        assert_int_equal(h.cpu.fault.trapno, 6);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcmpeqb_then_pmovmskb_gives_match_mask),
        cmocka_unit_test(test_paddd_misaligned_m128_raises_gp),
        cmocka_unit_test(test_psrldq_by_16_or_more_clears_register),
        cmocka_unit_test(test_psllw_count_is_64_bits),
        cmocka_unit_test(test_psrad_large_count_fills_sign),
        cmocka_unit_test(test_pinsrw_m16_at_end_of_mapping),
        cmocka_unit_test(test_pextrw_index_modulo_8),
        cmocka_unit_test(test_packsswb_saturates),
        cmocka_unit_test(test_non_sse2_integer_forms_raise_sigill),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
