/* test_string.c — named edge cases of MOVS STOS LODS CMPS SCAS with and without REP/REPE/REPNE,
 * each run on the host CPU and on goemu from the same state and compared (cpu_harness.h: all
 * registers and flags, the whole 16 KiB data area, faults). goemu-oracle runs short strings
 * inside its two data pages; here are count 0, overlapping copies in both directions, runs over
 * several pages, 32-bit addressing, and faults part-way (registers must count the iterations
 * done, and no partial element may be written). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cpu_harness.h"

CODE(c_rep_movsb, "rep movsb")
CODE(c_rep_movsq, "rep movsq")
CODE(c_rep_stosb, "rep stosb")
CODE(c_rep_stosq, "rep stosq")
CODE(c_rep_lodsq, "rep lodsq")
CODE(c_repe_cmpsb, "repe cmpsb")
CODE(c_repe_cmpsq, "repe cmpsq")
CODE(c_repne_cmpsb, "repne cmpsb")
CODE(c_repne_scasb, "repne scasb")
CODE(c_repe_scasd, "repe scasd")
CODE(c_cmpsd, "cmpsd")
CODE(c_repe_cmpsd, "repe cmpsd")
/* 0x67: 32-bit addressing uses ESI/EDI/ECX; junk in the upper halves must not matter. */
CODE(c_a32_rep_movsb, ".byte 0x67, 0xf3, 0xa4")
CODE(c_a32_rep_stosq, ".byte 0x67, 0xf3, 0x48, 0xab")
CODE(c_a32_repne_scasb, ".byte 0x67, 0xf2, 0xae")

CPU_TEST_FIXTURE()

/* rsi and rdi as offsets into the data area, rcx, DF; rax junk. */
static void strings(uint32_t src, uint32_t dst, uint64_t count, int df)
{
    hcase_init(&k, src ^ dst ^ count);
    k.in.gpr[RSI] = HARNESS_DATA + src;
    k.in.gpr[RDI] = HARNESS_DATA + dst;
    k.in.gpr[RCX] = count;
    k.in.rflags = 0x202 | (df ? FLAG_DF | FLAG_CF : FLAG_ZF);
}

/* rcx = 0: no access at all, no flag or register change. */
static void test_rep_count_zero_does_nothing(void **state)
{
    strings(0x100, 0x3ffc, 0, 0);
    CHECK(c_rep_movsq);
    CHECK(c_repe_cmpsb);
}

/* dst = src + 1, forwards: the copy is byte by byte, so the first byte is replicated. */
static void test_rep_movsb_forward_overlap_replicates(void **state)
{
    strings(0x1000, 0x1001, 64, 0);
    CHECK(c_rep_movsb);
    assert_memory_equal(k.emu_data + 0x1001, k.emu_data + 0x1000, 63);
}

/* dst = src - 1, backwards (DF=1): replicates the other way. */
static void test_rep_movsb_backward_overlap_replicates(void **state)
{
    strings(0x1040, 0x103f, 64, 1);
    CHECK(c_rep_movsb);
}

/* Unaligned source and destination, both crossing a page boundary. */
static void test_rep_movsq_unaligned_across_pages(void **state)
{
    strings(0x0ffd, 0x2003, 5, 0);
    CHECK(c_rep_movsq);
}

/* 0x2400 bytes: more than two pages in one instruction. */
static void test_rep_stosq_several_pages(void **state)
{
    strings(0, 0x0010, 0x2400 / 8, 0);
    CHECK(c_rep_stosq);
}

/* REP LODS is legal and pointless: rax keeps the last element. */
static void test_rep_lodsq_keeps_last_element(void **state)
{
    strings(0x200, 0, 7, 0);
    CHECK(c_rep_lodsq);
}

/* Equal runs up to a planted difference: REPE stops right after the first unequal element. */
static void test_repe_cmps_stops_after_first_difference(void **state)
{
    strings(0x0010, 0x2010, 0x1800, 0);
    memcpy(k.data + 0x2010, k.data + 0x0010, 0x1800);
    k.data[0x2010 + 0x1234] ^= 0x40;
    CHECK(c_repe_cmpsb);
    assert_int_equal(k.emu.st.gpr[RSI], HARNESS_DATA + 0x0010 + 0x1235);
    strings(0x0ff8, 0x1ff0, 6, 0);
    memcpy(k.data + 0x1ff0, k.data + 0x0ff8, 48);
    k.data[0x1ff0 + 17] ^= 1;
    CHECK(c_repe_cmpsq);
}

/* REPNE SCAS finds the byte (backwards here) and stops after it; REPE SCAS runs over equal
 * dwords to the count. */
static void test_scas_finds_and_runs(void **state)
{
    strings(0, 0x2ff0, 0x100, 1);
    k.in.gpr[RAX] = 0x55;
    memset(k.data + 0x2f00, 0, 0xf1);
    k.data[0x2f40] = 0x55;
    CHECK(c_repne_scasb);
    strings(0, 0x200, 16, 0);
    k.in.gpr[RAX] = 0x1122334455667788ull;
    for (int i = 0; i < 16; i++)
        memcpy(k.data + 0x200 + 4 * i, &k.in.gpr[RAX], 4);
    CHECK(c_repe_scasd);
}

/* The dword string compare: Zydis names it CMPSD like the SSE2 compare, so it reaches the
 * string handler through ops_sse.def's selector. */
static void test_cmpsd_string_form(void **state)
{
    strings(0x100, 0x900, 4, 0);
    CHECK(c_cmpsd);
    memcpy(k.data + 0x900, k.data + 0x100, 12);
    CHECK(c_repe_cmpsd);
}

static void test_addr32_string_ops_use_32bit_registers(void **state)
{
    strings(0x0ff8, 0x1ff0, 48, 0);
    k.in.gpr[RSI] |= 0xabcdef0100000000ull;
    k.in.gpr[RDI] |= 0x1234567800000000ull;
    k.in.gpr[RCX] |= 0xffff000000000000ull;
    CHECK(c_a32_rep_movsb);
    strings(0, 0x1ff0, 6, 0);
    k.in.gpr[RDI] |= 0x1234567800000000ull;
    k.in.gpr[RCX] |= 0xffff000000000000ull;
    CHECK(c_a32_rep_stosq);
    strings(0, 0x100, 64, 0);
    k.in.gpr[RAX] = k.data[0x120];
    k.in.gpr[RDI] |= 0x1234567800000000ull;
    CHECK(c_a32_repne_scasb);
}

/* ---- faults part-way: nothing is mapped just above or below the data area ----------------- */

/* The destination runs off the end after 0x100 bytes: rcx, rsi and rdi count those. */
static void test_rep_movsb_fault_on_destination_counts_done_iterations(void **state)
{
    strings(0x100, 0x3f00, 0x300, 0);
    CHECK(c_rep_movsb);
    assert_int_equal(k.emu.signo, SIGSEGV);
    assert_int_equal(k.emu.addr, HARNESS_DATA + HARNESS_DATA_SIZE);
    assert_int_equal(k.emu.st.gpr[RCX], 0x200);
}

static void test_rep_movsq_fault_on_source_counts_done_iterations(void **state)
{
    strings(0x3ff0, 0x100, 10, 0);
    CHECK(c_rep_movsq);
    assert_int_equal(k.emu.st.gpr[RCX], 8);
}

/* The third element straddles the end of the mapping: none of its bytes may be written. */
static void test_rep_stosq_straddling_end_faults_before_partial_element(void **state)
{
    strings(0, 0x3fec, 4, 0);
    CHECK(c_rep_stosq);
    assert_int_equal(k.emu.st.gpr[RCX], 2);
}

/* Backwards off the bottom of the area. */
static void test_rep_stosb_backwards_fault_below_area(void **state)
{
    strings(0, 0x10, 0x100, 1);
    CHECK(c_rep_stosb);
    assert_int_equal(k.emu.addr, HARNESS_DATA - 1);
}

/* REPNE CMPS over unequal bytes runs into the unmapped page after 0x40 iterations. rcx, rsi
 * and rdi count them on both vendors; the flags in the frame are the input flags on Intel and
 * those of the last comparison on AMD (docs/oracle.md, "Vendor differences"); goemu behaves
 * as the host. */
static void test_repne_cmps_fault_part_way_flags_per_vendor(void **state)
{
    strings(0x100, HARNESS_DATA_SIZE - 0x40, 0x1000, 0);
    for (int i = 0; i < 0x40; i++)
        k.data[0x100 + i] = (uint8_t)(k.data[HARNESS_DATA_SIZE - 0x40 + i] ^ 0x80);
    k.in.rflags = 0x202 | FLAG_ZF | FLAG_CF;
    CHECK(c_repne_cmpsb);
    assert_int_equal(k.emu.st.gpr[RCX], 0x1000 - 0x40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rep_count_zero_does_nothing),
        cmocka_unit_test(test_rep_movsb_forward_overlap_replicates),
        cmocka_unit_test(test_rep_movsb_backward_overlap_replicates),
        cmocka_unit_test(test_rep_movsq_unaligned_across_pages),
        cmocka_unit_test(test_rep_stosq_several_pages),
        cmocka_unit_test(test_rep_lodsq_keeps_last_element),
        cmocka_unit_test(test_repe_cmps_stops_after_first_difference),
        cmocka_unit_test(test_scas_finds_and_runs),
        cmocka_unit_test(test_cmpsd_string_form),
        cmocka_unit_test(test_addr32_string_ops_use_32bit_registers),
        cmocka_unit_test(test_rep_movsb_fault_on_destination_counts_done_iterations),
        cmocka_unit_test(test_rep_movsq_fault_on_source_counts_done_iterations),
        cmocka_unit_test(test_rep_stosq_straddling_end_faults_before_partial_element),
        cmocka_unit_test(test_rep_stosb_backwards_fault_below_area),
        cmocka_unit_test(test_repne_cmps_fault_part_way_flags_per_vendor),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
