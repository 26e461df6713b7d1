/* test_sse_mov.c — named edge cases of SSE/SSE2 data movement, each run on the host CPU and on
 * goemu from the same state and compared (cpu_harness.h): the load/merge rules of the scalar
 * moves, alignment, precise faults at a page end, MOVD/MOVQ zero-extension, LDMXCSR's reserved
 * bits, and the string MOVSD sharing its mnemonic. goemu-oracle sweeps every form; forms
 * outside x86-64-v1 must raise SIGILL on goemu (no native run: the host has them). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_movsd_load, "movsd xmm0, qword ptr [rsi]")
CODE(c_movsd_merge, "movsd xmm0, xmm1")
CODE(c_movaps_store, "movaps [rsi], xmm0")
CODE(c_movups_store, "movups [rsi], xmm0")
CODE(c_movq_load, "movq xmm2, qword ptr [rsi]")
CODE(c_movd_r32, "movd eax, xmm3")
CODE(c_movhps_load, "movhps xmm4, qword ptr [rsi]")
CODE(c_ldmxcsr, "ldmxcsr dword ptr [rsi]")
CODE(c_string_movsd, "movsd")

CPU_TEST_FIXTURE()

static void at(uint64_t offset)
{
    hcase_init(&k, offset);
    k.in.gpr[RSI] = HARNESS_DATA + offset;
}

/* MOVSD from memory zeroes the upper lane; between registers it keeps it. */
static void test_movsd_load_zeroes_upper_register_form_merges(void **state)
{
    at(0x100);
    CHECK(c_movsd_load);
    assert_int_equal(k.emu.st.xmm[0].q[1], 0);
    CHECK(c_movsd_merge);
    assert_int_equal(k.emu.st.xmm[0].q[1], k.in.xmm[0].q[1]);
}

/* MOVAPS to a misaligned address is #GP and writes nothing; MOVUPS stores. */
static void test_movaps_misaligned_raises_gp_and_movups_does_not(void **state)
{
    at(0x208);
    CHECK(c_movaps_store);
    assert_int_equal(k.emu.trapno, 13);
    CHECK(c_movups_store);
    assert_int_equal(k.emu.signo, 0);
}

/* A 16-byte store crossing into an unmapped page: #PF at the page, and the 8 mapped bytes
 * are not written either. */
static void test_movups_store_across_page_end_faults_without_writing(void **state)
{
    at(HARNESS_DATA_SIZE - 8);
    CHECK(c_movups_store);
    assert_int_equal(k.emu.addr, HARNESS_DATA + HARNESS_DATA_SIZE);
}

/* MOVQ xmm, m64 zeroes bits 127:64; MOVD r32, xmm zero-extends into rax. */
static void test_movq_movd_zero_extend(void **state)
{
    at(0x40);
    CHECK(c_movq_load);
    CHECK(c_movd_r32);
    assert_int_equal(k.emu.st.gpr[RAX], (uint32_t)k.in.xmm[3].q[0]);
}

/* MOVHPS loads the high lane only. */
static void test_movhps_load_keeps_low_lane(void **state)
{
    at(0x48);
    CHECK(c_movhps_load);
}

/* Reserved MXCSR bits (16, 31) are #GP and MXCSR stays as it was; a valid value loads. */
static void test_ldmxcsr_reserved_bit_raises_gp(void **state)
{
    static const uint32_t values[] = {0x10000 | 0x1f80, 0x80000000, 0x7fc0 | 0x8000};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        at(0x80);
        memcpy(k.data + 0x80, &values[i], 4);
        CHECK(c_ldmxcsr);
    }
}

/* Bit 17 is AMD's misaligned-SSE mask where the CPU has that feature; goemu's profile has not,
 * so it is reserved (#GP) on goemu whatever the host does. */
static void test_ldmxcsr_bit17_is_reserved_in_goemu(void **state)
{
    uint32_t v = 0x20000 | 0x1f80;
    assert_int_equal(mem_copy_to(&h.mem, HARNESS_DATA, &v, 4), 0);
    h.cpu.gpr[RSI] = HARNESS_DATA;
    h.cpu.mxcsr = 0x1f80;
    assert_int_equal(harness_exec(&h, c_ldmxcsr, CODE_LEN(c_ldmxcsr)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGSEGV);
    assert_int_equal(h.cpu.fault.trapno, 13);
    assert_int_equal(h.cpu.mxcsr, 0x1f80);
}

/* MOVSD without xmm operands is the string move (ops_string.c): 4 bytes, rsi/rdi step. */
static void test_string_movsd_still_moves_dwords(void **state)
{
    at(0);
    k.in.gpr[RDI] = HARNESS_DATA + 0x800;
    CHECK(c_string_movsd);
    assert_memory_equal(k.emu_data + 0x800, k.data, 4);
}

static void test_mmx_and_sse3_moves_raise_sigill(void **state)
{
    static const struct { const char *name; uint8_t b[8]; size_t len; } cases[] = {
        {"movd mm0, eax", {0x0f, 0x6e, 0xc0}, 3},
        {"movq rax, mm0", {0x48, 0x0f, 0x7e, 0xc0}, 4},
        {"pmovmskb eax, mm1", {0x0f, 0xd7, 0xc1}, 3},
        {"movddup xmm0, xmm1", {0xf2, 0x0f, 0x12, 0xc1}, 4},
        {"movshdup xmm0, xmm1", {0xf3, 0x0f, 0x16, 0xc1}, 4},
        {"movntdqa xmm0, [rax]", {0x66, 0x0f, 0x38, 0x2a, 0x00}, 5},
        {"vmovdqu xmm0, [rax]", {0xc5, 0xfa, 0x6f, 0x00}, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h.cpu.gpr[RAX] = HARNESS_DATA;
        enum cpu_stop why = harness_exec(&h, cases[i].b, cases[i].len);
        if (why != STOP_FAULT || h.cpu.fault.signo != SIGILL || h.cpu.fault.rip != HARNESS_CODE)
            fail_msg("%s did not raise SIGILL", cases[i].name);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_movsd_load_zeroes_upper_register_form_merges),
        cmocka_unit_test(test_movaps_misaligned_raises_gp_and_movups_does_not),
        cmocka_unit_test(test_movups_store_across_page_end_faults_without_writing),
        cmocka_unit_test(test_movq_movd_zero_extend),
        cmocka_unit_test(test_movhps_load_keeps_low_lane),
        cmocka_unit_test(test_ldmxcsr_reserved_bit_raises_gp),
        cmocka_unit_test(test_ldmxcsr_bit17_is_reserved_in_goemu),
        cmocka_unit_test(test_string_movsd_still_moves_dwords),
        cmocka_unit_test(test_mmx_and_sse3_moves_raise_sigill),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
