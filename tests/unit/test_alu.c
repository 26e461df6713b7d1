/* test_alu.c — ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT against the real CPU.
 * Every form (reg/reg, reg/imm, reg/mem, mem/reg, mem/imm, high-byte registers) at every width
 * runs on a table of edge values with CF clear and set; results, flags (AF masked for the
 * logical ops, where the SDM leaves it undefined) and memory must match the host. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "int_oracle.h"

/* One encoded form: operand 0 is rax/ah or [rbx]; the source is rcx/ch, [rbx] or an immediate. */
enum src { SRC_REG, SRC_MEM, SRC_IMM, SRC_NONE };
struct form {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned size;
    int dst_mem;    /* destination [rbx] instead of rax */
    int high;       /* ah/ch instead of al/cl */
    enum src src;
};
#define FORM(n, size, dst_mem, high, src) {#n, n, CODE_LEN(n), size, dst_mem, high, src}

#define ALU_CODES(op)                                                                \
    CODE(c_##op##_rr64, #op " rax, rcx")                                             \
    CODE(c_##op##_rr32, #op " eax, ecx")                                             \
    CODE(c_##op##_rr16, #op " ax, cx")                                               \
    CODE(c_##op##_rr8, #op " al, cl")                                                \
    CODE(c_##op##_rh8, #op " ah, ch")                                                \
    CODE(c_##op##_rm64, #op " rax, qword ptr [rbx]")                                 \
    CODE(c_##op##_rm32, #op " eax, dword ptr [rbx]")                                 \
    CODE(c_##op##_rm16, #op " ax, word ptr [rbx]")                                   \
    CODE(c_##op##_rm8, #op " al, byte ptr [rbx]")                                    \
    CODE(c_##op##_mr64, #op " qword ptr [rbx], rcx")                                 \
    CODE(c_##op##_mr32, #op " dword ptr [rbx], ecx")                                 \
    CODE(c_##op##_mr16, #op " word ptr [rbx], cx")                                   \
    CODE(c_##op##_mr8, #op " byte ptr [rbx], cl")                                    \
    CODE(c_##op##_ri64a, #op " rax, -2")                                             \
    CODE(c_##op##_ri64b, #op " rax, 0x7fff8001")                                     \
    CODE(c_##op##_ri64c, #op " rax, -0x80000000")                                    \
    CODE(c_##op##_ri32a, #op " eax, 0x7f")                                           \
    CODE(c_##op##_ri32b, #op " eax, 0x80000001")                                     \
    CODE(c_##op##_ri16, #op " ax, -3")                                               \
    CODE(c_##op##_ri8, #op " al, 0x81")                                              \
    CODE(c_##op##_rhi8, #op " ah, 0x7f")                                             \
    CODE(c_##op##_mi64, #op " qword ptr [rbx], -1")                                  \
    CODE(c_##op##_mi32, #op " dword ptr [rbx], 0x12345")                             \
    CODE(c_##op##_mi16, #op " word ptr [rbx], 0x8000")                               \
    CODE(c_##op##_mi8, #op " byte ptr [rbx], 1")

/* TEST has no reg,mem encoding distinct from mem,reg; its rm rows assemble to the same bytes. */
#define ALU_FORMS(op)                                                                \
    {                                                                                \
        FORM(c_##op##_rr64, 8, 0, 0, SRC_REG), FORM(c_##op##_rr32, 4, 0, 0, SRC_REG),  \
        FORM(c_##op##_rr16, 2, 0, 0, SRC_REG), FORM(c_##op##_rr8, 1, 0, 0, SRC_REG),   \
        FORM(c_##op##_rh8, 1, 0, 1, SRC_REG), FORM(c_##op##_rm64, 8, 0, 0, SRC_MEM),   \
        FORM(c_##op##_rm32, 4, 0, 0, SRC_MEM), FORM(c_##op##_rm16, 2, 0, 0, SRC_MEM),  \
        FORM(c_##op##_rm8, 1, 0, 0, SRC_MEM), FORM(c_##op##_mr64, 8, 1, 0, SRC_REG),   \
        FORM(c_##op##_mr32, 4, 1, 0, SRC_REG), FORM(c_##op##_mr16, 2, 1, 0, SRC_REG),  \
        FORM(c_##op##_mr8, 1, 1, 0, SRC_REG), FORM(c_##op##_ri64a, 8, 0, 0, SRC_IMM),  \
        FORM(c_##op##_ri64b, 8, 0, 0, SRC_IMM), FORM(c_##op##_ri64c, 8, 0, 0, SRC_IMM),\
        FORM(c_##op##_ri32a, 4, 0, 0, SRC_IMM), FORM(c_##op##_ri32b, 4, 0, 0, SRC_IMM),\
        FORM(c_##op##_ri16, 2, 0, 0, SRC_IMM), FORM(c_##op##_ri8, 1, 0, 0, SRC_IMM),   \
        FORM(c_##op##_rhi8, 1, 0, 1, SRC_IMM), FORM(c_##op##_mi64, 8, 1, 0, SRC_IMM),  \
        FORM(c_##op##_mi32, 4, 1, 0, SRC_IMM), FORM(c_##op##_mi16, 2, 1, 0, SRC_IMM),  \
        FORM(c_##op##_mi8, 1, 1, 0, SRC_IMM), {0}                                      \
    }

ALU_CODES(add)
ALU_CODES(or)
ALU_CODES(adc)
ALU_CODES(sbb)
ALU_CODES(and)
ALU_CODES(sub)
ALU_CODES(xor)
ALU_CODES(cmp)
ALU_CODES(test)

#define UNARY_CODES(op)                                                              \
    CODE(c_##op##_r64, #op " rax")                                                   \
    CODE(c_##op##_r32, #op " eax")                                                   \
    CODE(c_##op##_r16, #op " ax")                                                    \
    CODE(c_##op##_r8, #op " al")                                                     \
    CODE(c_##op##_rh8, #op " ah")                                                    \
    CODE(c_##op##_r8x, #op " sil")                                                   \
    CODE(c_##op##_m64, #op " qword ptr [rbx]")                                       \
    CODE(c_##op##_m32, #op " dword ptr [rbx]")                                       \
    CODE(c_##op##_m16, #op " word ptr [rbx]")                                        \
    CODE(c_##op##_m8, #op " byte ptr [rbx]")

/* sil stands in for "rax" through the high-bit trick below: its value is placed in rsi. */
#define UNARY_FORMS(op)                                                              \
    {                                                                                \
        FORM(c_##op##_r64, 8, 0, 0, SRC_NONE), FORM(c_##op##_r32, 4, 0, 0, SRC_NONE),  \
        FORM(c_##op##_r16, 2, 0, 0, SRC_NONE), FORM(c_##op##_r8, 1, 0, 0, SRC_NONE),   \
        FORM(c_##op##_rh8, 1, 0, 1, SRC_NONE), FORM(c_##op##_r8x, 1, 0, 2, SRC_NONE),  \
        FORM(c_##op##_m64, 8, 1, 0, SRC_NONE), FORM(c_##op##_m32, 4, 1, 0, SRC_NONE),  \
        FORM(c_##op##_m16, 2, 1, 0, SRC_NONE), FORM(c_##op##_m8, 1, 1, 0, SRC_NONE),   \
        {0}                                                                          \
    }

UNARY_CODES(inc)
UNARY_CODES(dec)
UNARY_CODES(neg)
UNARY_CODES(not)

#define ALL_FLAGS ((uint64_t)FLAGS_ARITH)
#define NO_AF ((uint64_t)(FLAGS_ARITH & ~FLAG_AF))

static struct oracle *O;

static int setup(void **state)
{
    O = oracle_new(64);
    return 0;
}

static int teardown(void **state)
{
    oracle_free(O);
    return 0;
}

/* Puts v into the operand slot: [rbx], rax/ah (slot 0) or rcx/ch (slot 1); high == 2 means rsi. */
static void place(const struct form *f, int slot, uint64_t v, uint8_t *image)
{
    int reg = slot == 0 ? (f->high == 2 ? RSI : RAX) : RCX;
    if (slot == 0 ? f->dst_mem : f->src == SRC_MEM) {
        memcpy(image, &v, f->size);
    } else if (f->high == 1) {
        O->in.r[reg] = (O->in.r[reg] & ~0xff00ull) | (v & 0xff) << 8;
    } else {
        O->in.r[reg] = oracle_low(O->in.r[reg], f->size, v);
    }
}

/* Sweeps each form over edge values of both operands, CF clear and set (plus all flags set). */
static void sweep(const struct form *forms, uint64_t flag_mask, const char *op)
{
    static const uint64_t flag_inputs[] = {0, FLAG_CF, FLAGS_ARITH, FLAGS_ARITH & ~FLAG_CF};
    int bad = 0, runs = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t va[16], vb[16] = {0};
        size_t na = oracle_edges(f->size, va, 16);
        size_t nb = f->src == SRC_REG || f->src == SRC_MEM ? oracle_edges(f->size, vb, 16) : 1;
        for (size_t x = 0; x < na; x++)
            for (size_t y = 0; y < nb; y++)
                for (size_t k = 0; k < 4; k++) {
                    uint8_t image[64];
                    memset(image, 0xee, sizeof(image));
                    oracle_reset(O, x * 131 + y);
                    O->in.r[RBX] = HARNESS_DATA;
                    O->in.flags = flag_inputs[k];
                    place(f, 0, va[x], image);
                    if (f->src == SRC_REG || f->src == SRC_MEM)
                        place(f, 1, vb[y], image);
                    oracle_run(O, f->code, f->len, image);
                    runs++;
                    bad += !oracle_same(O, flag_mask, "%s %s a=%llx b=%llx flags=%llx", op,
                                        f->name, (unsigned long long)va[x],
                                        (unsigned long long)vb[y],
                                        (unsigned long long)flag_inputs[k]);
                }
    }
    print_message("%s: %d runs\n", op, runs);
    assert_int_equal(bad, 0);
}

#define SWEEP_TEST(op, mask)                                                         \
    static void test_##op##_matches_cpu_all_forms_and_widths(void **state)          \
    {                                                                                \
        const struct form forms[] = ALU_FORMS(op);                           \
        sweep(forms, mask, #op);                                                     \
    }

SWEEP_TEST(add, ALL_FLAGS)
SWEEP_TEST(or, NO_AF)
SWEEP_TEST(adc, ALL_FLAGS)
SWEEP_TEST(sbb, ALL_FLAGS)
SWEEP_TEST(and, NO_AF)
SWEEP_TEST(sub, ALL_FLAGS)
SWEEP_TEST(xor, NO_AF)
SWEEP_TEST(cmp, ALL_FLAGS)
SWEEP_TEST(test, NO_AF)

#define UNARY_TEST(op, mask)                                                         \
    static void test_##op##_matches_cpu_all_forms_and_widths(void **state)          \
    {                                                                                \
        const struct form forms[] = UNARY_FORMS(op);                          \
        sweep(forms, mask, #op);                                                     \
    }

UNARY_TEST(inc, ALL_FLAGS)
UNARY_TEST(dec, ALL_FLAGS)
UNARY_TEST(neg, ALL_FLAGS)
UNARY_TEST(not, ALL_FLAGS)

/* ---- targeted behaviours (still checked against the CPU) ------------------------------------ */

static void run_rr(const uint8_t *code, size_t len, uint64_t rax, uint64_t rcx, uint64_t flags)
{
    oracle_reset(O, 7);
    O->in.r[RAX] = rax;
    O->in.r[RCX] = rcx;
    O->in.flags = flags;
    oracle_run(O, code, len, NULL);
    assert_true(oracle_same(O, ALL_FLAGS, "rax=%llx rcx=%llx", (unsigned long long)rax,
                            (unsigned long long)rcx));
}

static void test_add64_signed_overflow_sets_of(void **state)
{
    run_rr(c_add_rr64, CODE_LEN(c_add_rr64), 0x7fffffffffffffffull, 1, 0);
    assert_true(O->emu.flags & FLAG_OF);
    assert_false(O->emu.flags & FLAG_CF);
    assert_true(O->emu.flags & FLAG_SF);
}

static void test_add32_unsigned_carry_sets_cf_and_zero_extends(void **state)
{
    run_rr(c_add_rr32, CODE_LEN(c_add_rr32), 0xffffffffffffffffull, 1, 0);
    assert_int_equal(O->emu.r[RAX], 0);
    assert_true(O->emu.flags & FLAG_CF);
    assert_true(O->emu.flags & FLAG_ZF);
}

static void test_adc64_adds_carry_in(void **state)
{
    run_rr(c_adc_rr64, CODE_LEN(c_adc_rr64), ~0ull, 0, FLAG_CF);
    assert_int_equal(O->emu.r[RAX], 0);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_sbb32_borrow_in_wraps(void **state)
{
    run_rr(c_sbb_rr32, CODE_LEN(c_sbb_rr32), 0, 0, FLAG_CF);
    assert_int_equal(O->emu.r[RAX], 0xffffffffull);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_sub8_high_byte_keeps_other_bits(void **state)
{
    run_rr(c_sub_rh8, CODE_LEN(c_sub_rh8), 0x1122334455660177ull, 0x0200, 0);
    assert_int_equal(O->emu.r[RAX], 0x112233445566ff77ull);
}

CODE(c_xor_eax_eax, "xor eax, eax")

static void test_xor32_same_register_zero_extends(void **state)
{
    run_rr(c_xor_eax_eax, CODE_LEN(c_xor_eax_eax), 0xdeadbeefcafef00dull, 0, FLAG_CF | FLAG_OF);
    assert_int_equal(O->emu.r[RAX], 0);
    assert_int_equal(O->emu.flags & (FLAG_CF | FLAG_OF | FLAG_ZF), FLAG_ZF);
}

static void test_cmp64_does_not_write_destination(void **state)
{
    run_rr(c_cmp_rr64, CODE_LEN(c_cmp_rr64), 5, 7, 0);
    assert_int_equal(O->emu.r[RAX], 5);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_inc64_preserves_cf(void **state)
{
    run_rr(c_inc_r64, CODE_LEN(c_inc_r64), ~0ull, 0, FLAG_CF);
    assert_int_equal(O->emu.r[RAX], 0);
    assert_true(O->emu.flags & FLAG_CF);
    assert_true(O->emu.flags & FLAG_ZF);
}

static void test_dec32_min_sets_of_keeps_cf_clear(void **state)
{
    run_rr(c_dec_r32, CODE_LEN(c_dec_r32), 0x80000000ull, 0, 0);
    assert_int_equal(O->emu.r[RAX], 0x7fffffffull);
    assert_true(O->emu.flags & FLAG_OF);
    assert_false(O->emu.flags & FLAG_CF);
}

static void test_neg_zero_clears_cf(void **state)
{
    run_rr(c_neg_r64, CODE_LEN(c_neg_r64), 0, 0, FLAG_CF);
    assert_false(O->emu.flags & FLAG_CF);
    run_rr(c_neg_r64, CODE_LEN(c_neg_r64), 1, 0, 0);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_add_mem_to_readonly_page_faults_without_effects(void **state)
{
    /* add qword ptr [rbx], rcx with rbx on the code page (read+exec): #PF, nothing changes. */
    struct harness *h = &O->h;
    oracle_reset(O, 1);
    O->in.r[RBX] = HARNESS_CODE + 0x800;
    O->in.flags = FLAG_CF | FLAG_ZF;
    enum cpu_stop why = oracle_run_emu(O, c_add_mr64, CODE_LEN(c_add_mr64));
    assert_int_equal(why, STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGSEGV);
    assert_int_equal(h->cpu.fault.addr, HARNESS_CODE + 0x800);
    assert_int_equal(h->cpu.rip, HARNESS_CODE);
    assert_int_equal(O->emu.flags & FLAGS_ARITH, FLAG_CF | FLAG_ZF);
    for (int k = 0; k < 16; k++)
        assert_int_equal(O->emu.r[k], O->in.r[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_or_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_adc_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_sbb_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_and_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_sub_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_xor_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_cmp_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_test_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_inc_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_dec_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_neg_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_not_matches_cpu_all_forms_and_widths),
        cmocka_unit_test(test_add64_signed_overflow_sets_of),
        cmocka_unit_test(test_add32_unsigned_carry_sets_cf_and_zero_extends),
        cmocka_unit_test(test_adc64_adds_carry_in),
        cmocka_unit_test(test_sbb32_borrow_in_wraps),
        cmocka_unit_test(test_sub8_high_byte_keeps_other_bits),
        cmocka_unit_test(test_xor32_same_register_zero_extends),
        cmocka_unit_test(test_cmp64_does_not_write_destination),
        cmocka_unit_test(test_inc64_preserves_cf),
        cmocka_unit_test(test_dec32_min_sets_of_keeps_cf_clear),
        cmocka_unit_test(test_neg_zero_clears_cf),
        cmocka_unit_test(test_add_mem_to_readonly_page_faults_without_effects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
