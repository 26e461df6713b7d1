/* test_bits.c — named edge cases of BT BTS BTR BTC, BSF BSR, LAHF SAHF, each run on the host
 * CPU and on goemu from the same state and compared (cpu_harness.h). goemu-oracle sweeps the
 * forms with bit offsets near the operand; here the offsets reach far (bit-string addressing
 * across pages, negative offsets) and the flag moves hit their fixed bits. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_bt_m64, "bt qword ptr [rbx], rcx")
CODE(c_bts_m32, "bts dword ptr [rbx], ecx")
CODE(c_btr_m16, "btr word ptr [rbx], cx")
CODE(c_btc_r32, "btc eax, ecx")
CODE(c_bsf_r32, "bsf eax, ecx")
CODE(c_bsr_r64, "bsr rax, rcx")
CODE(c_lahf, "lahf")
CODE(c_sahf, "sahf")
CODE(c_add_sahf, "add eax, ecx\n sahf")

#define CF_ZF ((uint64_t)(FLAG_CF | FLAG_ZF))   /* what BT* define (others undefined) */
#define MIDDLE (HARNESS_DATA + HARNESS_DATA_SIZE / 2)

CPU_TEST_FIXTURE()

/* The memory forms with a register offset address the bit string, not the operand: the byte
 * is [rbx + (offset >> 3)] with a signed offset. */
static void bit_at(int64_t offset, uint64_t flags)
{
    hcase_init(&k, (uint64_t)offset);
    k.in.gpr[RBX] = MIDDLE;
    k.in.gpr[RCX] = (uint64_t)offset;
    k.in.rflags = 0x202 | flags;
    k.flags = CF_ZF;
}

/* -9: dword at rbx-4, bit 23, i.e. byte rbx-2 bit 7. */
static void test_bts_mem_negative_offset_sets_bit_below_operand(void **state)
{
    bit_at(-9, 0);
    memset(k.data, 0, sizeof k.data);
    CHECK(c_bts_m32);
    assert_int_equal(k.emu_data[HARNESS_DATA_SIZE / 2 - 2], 0x80);
}

/* 30000 bits = 3750 bytes after the operand, on the next page. */
static void test_bt_mem_far_offset_reads_next_page(void **state)
{
    bit_at(30000, FLAG_ZF);
    CHECK(c_bt_m64);
}

/* A 16-bit offset is sign-extended too: -30000 bits lands 3750 bytes below. */
static void test_btr_mem16_negative_offset(void **state)
{
    bit_at(-30000, FLAG_CF);
    CHECK(c_btr_m16);
}

/* Register forms take the offset modulo the operand width. */
static void test_btc_reg_offset_is_modulo_width(void **state)
{
    bit_at(33, 0);
    k.in.gpr[RAX] = 0xffffffff00000000ull;
    CHECK(c_btc_r32);
    assert_int_equal(k.emu.st.gpr[RAX], 2);   /* bit 1 set; the upper half cleared */
}

/* A zero source leaves the destination unchanged: the whole register, although a 32-bit
 * write would otherwise zero-extend (the SDM says undefined; Intel and AMD both keep it). */
static void test_bsf32_zero_source_leaves_whole_register(void **state)
{
    hcase_init(&k, 1);
    k.in.gpr[RAX] = 0xdeadbeef12345678ull;
    k.in.gpr[RCX] = 0xffffffff00000000ull;   /* ecx = 0 */
    k.flags = FLAG_ZF;
    CHECK(c_bsf_r32);
    assert_int_equal(k.emu.st.gpr[RAX], 0xdeadbeef12345678ull);
}

/* The top bit: bsr gives 63. */
static void test_bsr64_top_bit(void **state)
{
    hcase_init(&k, 2);
    k.in.gpr[RCX] = 0x8000000000000001ull;
    k.flags = FLAG_ZF;
    CHECK(c_bsr_r64);
    assert_int_equal(k.emu.st.gpr[RAX], 63);
}

/* LAHF: AH = SF ZF 0 AF 0 PF 1 CF — bit 1 reads as 1, bits 3 and 5 as 0. */
static void test_lahf_fixed_bits(void **state)
{
    hcase_init(&k, 3);
    k.in.rflags = 0x202 | FLAGS_ARITH;
    CHECK(c_lahf);
    assert_int_equal(k.emu.st.gpr[RAX] >> 8 & 0xff, 0xd7);
}

/* SAHF from AH = 0xff sets SF ZF AF PF CF, never OF, and ignores bits 1, 3 and 5. */
static void test_sahf_all_ones(void **state)
{
    hcase_init(&k, 4);
    k.in.gpr[RAX] = 0xff00;
    CHECK(c_sahf);
}

/* After the ADD, eax = 0x80000000 and OF=1 (lazily recorded); SAHF loads SF ZF AF PF CF from
 * AH = 0 and must keep that OF. */
static void test_sahf_after_lazy_add_keeps_of(void **state)
{
    hcase_init(&k, 5);
    k.in.gpr[RAX] = 0x7fffffff;
    k.in.gpr[RCX] = 1;
    CHECK(c_add_sahf);
    assert_true(k.emu.st.rflags & FLAG_OF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bts_mem_negative_offset_sets_bit_below_operand),
        cmocka_unit_test(test_bt_mem_far_offset_reads_next_page),
        cmocka_unit_test(test_btr_mem16_negative_offset),
        cmocka_unit_test(test_btc_reg_offset_is_modulo_width),
        cmocka_unit_test(test_bsf32_zero_source_leaves_whole_register),
        cmocka_unit_test(test_bsr64_top_bit),
        cmocka_unit_test(test_lahf_fixed_bits),
        cmocka_unit_test(test_sahf_all_ones),
        cmocka_unit_test(test_sahf_after_lazy_add_keeps_of),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
