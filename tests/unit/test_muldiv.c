/* test_muldiv.c — MUL, IMUL (1/2/3 operands), DIV and IDIV against the real CPU.
 * Operands sweep edge values at every width and in register, high-byte and memory forms;
 * divisions that raise #DE on the CPU must raise SIGFPE/FPE_INTDIV under goemu with the same
 * registers. Flags compared: CF/OF for multiplies (the rest are undefined), none for divides. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "int_oracle.h"

struct form {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned size;
    int mem;    /* source [rbx] */
    int high;   /* source ch */
};
#define FORM(n, size, mem, high) {#n, n, CODE_LEN(n), size, mem, high}

#define ONE_OPERAND_CODES(op)                                                        \
    CODE(c_##op##_r8, #op " cl")                                                     \
    CODE(c_##op##_rh8, #op " ch")                                                    \
    CODE(c_##op##_r16, #op " cx")                                                    \
    CODE(c_##op##_r32, #op " ecx")                                                   \
    CODE(c_##op##_r64, #op " rcx")                                                   \
    CODE(c_##op##_m8, #op " byte ptr [rbx]")                                         \
    CODE(c_##op##_m16, #op " word ptr [rbx]")                                        \
    CODE(c_##op##_m32, #op " dword ptr [rbx]")                                       \
    CODE(c_##op##_m64, #op " qword ptr [rbx]")

#define ONE_OPERAND_FORMS(op)                                                        \
    {                                                                                \
        FORM(c_##op##_r8, 1, 0, 0), FORM(c_##op##_rh8, 1, 0, 1),                     \
        FORM(c_##op##_r16, 2, 0, 0), FORM(c_##op##_r32, 4, 0, 0),                    \
        FORM(c_##op##_r64, 8, 0, 0), FORM(c_##op##_m8, 1, 1, 0),                     \
        FORM(c_##op##_m16, 2, 1, 0), FORM(c_##op##_m32, 4, 1, 0),                    \
        FORM(c_##op##_m64, 8, 1, 0), {0}                                             \
    }

ONE_OPERAND_CODES(mul)
ONE_OPERAND_CODES(imul)
ONE_OPERAND_CODES(div)
ONE_OPERAND_CODES(idiv)

/* Two- and three-operand IMUL: destination rax-family, source rcx-family or [rbx]. */
CODE(c_imul2_r16, "imul ax, cx")
CODE(c_imul2_r32, "imul eax, ecx")
CODE(c_imul2_r64, "imul rax, rcx")
CODE(c_imul2_m16, "imul ax, word ptr [rbx]")
CODE(c_imul2_m32, "imul eax, dword ptr [rbx]")
CODE(c_imul2_m64, "imul rax, qword ptr [rbx]")
CODE(c_imul3_r16a, "imul ax, cx, -2")
CODE(c_imul3_r16b, "imul ax, cx, 0x7fff")
CODE(c_imul3_r32a, "imul eax, ecx, 3")
CODE(c_imul3_r32b, "imul eax, ecx, -0x7fffffff")
CODE(c_imul3_r64a, "imul rax, rcx, -1")
CODE(c_imul3_r64b, "imul rax, rcx, 0x12345679")
CODE(c_imul3_m32, "imul eax, dword ptr [rbx], 100")
CODE(c_imul3_m64, "imul rax, qword ptr [rbx], -0x80000000")
CODE(c_imul3_same, "imul rcx, rcx, 7")

#define MULF ((uint64_t)(FLAG_CF | FLAG_OF))

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

/* The multiplicand/dividend high part: a few values per width (0, 1, signs, all-ones, junk). */
static size_t high_values(unsigned size, uint64_t *v)
{
    uint64_t m = width_mask(size), sign = (m >> 1) + 1;
    const uint64_t base[] = {0, 1, sign - 1, sign, m, 0x3c3c3c3c3c3c3c3cull & m};
    memcpy(v, base, sizeof(base));
    return 6;
}

static void put_src(const struct form *f, uint64_t b, uint8_t *image)
{
    if (f->mem)
        memcpy(image, &b, f->size);
    else if (f->high)
        O->in.r[RCX] = (O->in.r[RCX] & ~0xff00ull) | (b & 0xff) << 8;
    else
        O->in.r[RCX] = oracle_low(O->in.r[RCX], f->size, b);
}

/* Sweeps rAX (and rDX, or AH for bytes) and the source over edge values. */
static void sweep_one_operand(const struct form *forms, uint64_t mask, const char *op)
{
    int bad = 0, runs = 0, faults = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t va[16], vb[16], vd[8];
        size_t na = oracle_edges(f->size, va, 16), nb = oracle_edges(f->size, vb, 16);
        size_t nd = high_values(f->size, vd);
        for (size_t x = 0; x < na; x++)
            for (size_t y = 0; y < nb; y++)
                for (size_t z = 0; z < nd + 1; z++) {
                    uint8_t image[64];
                    memset(image, 0xee, sizeof(image));
                    oracle_reset(O, x * 37 + y * 5 + z);
                    O->in.r[RBX] = HARNESS_DATA;
                    O->in.flags = (x + y) & 1 ? FLAGS_ARITH : 0;
                    uint64_t hi = z < nd ? vd[z] : (uint64_t)(sext(va[x], f->size) >> 63);
                    if (f->size == 1) {
                        O->in.r[RAX] = oracle_low(O->in.r[RAX], 2, (hi & 0xff) << 8 | va[x]);
                    } else {
                        O->in.r[RAX] = oracle_low(O->in.r[RAX], f->size, va[x]);
                        O->in.r[RDX] = oracle_low(O->in.r[RDX], f->size, hi);
                    }
                    put_src(f, vb[y], image);
                    oracle_run(O, f->code, f->len, image);
                    runs++;
                    faults += O->native_sig != 0;
                    bad += !oracle_same(O, mask, "%s %s rax=%llx rdx=%llx src=%llx", op, f->name,
                                        (unsigned long long)O->in.r[RAX],
                                        (unsigned long long)O->in.r[RDX],
                                        (unsigned long long)vb[y]);
                }
    }
    print_message("%s: %d runs, %d raised #DE\n", op, runs, faults);
    assert_int_equal(bad, 0);
}

static void test_mul_matches_cpu_all_widths(void **state)
{
    const struct form forms[] = ONE_OPERAND_FORMS(mul);
    sweep_one_operand(forms, MULF, "mul");
}

static void test_imul_one_operand_matches_cpu_all_widths(void **state)
{
    const struct form forms[] = ONE_OPERAND_FORMS(imul);
    sweep_one_operand(forms, MULF, "imul");
}

static void test_div_matches_cpu_including_divide_errors(void **state)
{
    const struct form forms[] = ONE_OPERAND_FORMS(div);
    sweep_one_operand(forms, 0, "div");
}

static void test_idiv_matches_cpu_including_divide_errors(void **state)
{
    const struct form forms[] = ONE_OPERAND_FORMS(idiv);
    sweep_one_operand(forms, 0, "idiv");
}

static void test_imul_two_and_three_operands_match_cpu(void **state)
{
    const struct form forms[] = {
        FORM(c_imul2_r16, 2, 0, 0),  FORM(c_imul2_r32, 4, 0, 0),  FORM(c_imul2_r64, 8, 0, 0),
        FORM(c_imul2_m16, 2, 1, 0),  FORM(c_imul2_m32, 4, 1, 0),  FORM(c_imul2_m64, 8, 1, 0),
        FORM(c_imul3_r16a, 2, 0, 0), FORM(c_imul3_r16b, 2, 0, 0), FORM(c_imul3_r32a, 4, 0, 0),
        FORM(c_imul3_r32b, 4, 0, 0), FORM(c_imul3_r64a, 8, 0, 0), FORM(c_imul3_r64b, 8, 0, 0),
        FORM(c_imul3_m32, 4, 1, 0),  FORM(c_imul3_m64, 8, 1, 0),  FORM(c_imul3_same, 8, 0, 0),
        {0},
    };
    int bad = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t va[16], vb[16];
        size_t na = oracle_edges(f->size, va, 16), nb = oracle_edges(f->size, vb, 16);
        for (size_t x = 0; x < na; x++)
            for (size_t y = 0; y < nb; y++) {
                uint8_t image[64];
                memset(image, 0xee, sizeof(image));
                oracle_reset(O, x * 17 + y);
                O->in.r[RBX] = HARNESS_DATA;
                O->in.flags = y & 1 ? FLAGS_ARITH : 0;
                O->in.r[RAX] = oracle_low(O->in.r[RAX], f->size, va[x]);
                put_src(f, vb[y], image);
                oracle_run(O, f->code, f->len, image);
                bad += !oracle_same(O, MULF, "%s a=%llx b=%llx", f->name,
                                    (unsigned long long)va[x], (unsigned long long)vb[y]);
            }
    }
    assert_int_equal(bad, 0);
}

/* ---- targeted behaviours -------------------------------------------------------------------- */

static void run_div(const uint8_t *code, size_t len, uint64_t rdx, uint64_t rax, uint64_t rcx)
{
    oracle_reset(O, 3);
    O->in.r[RDX] = rdx;
    O->in.r[RAX] = rax;
    O->in.r[RCX] = rcx;
    oracle_run(O, code, len, NULL);
    assert_true(oracle_same(O, MULF, "%llx:%llx / %llx", (unsigned long long)rdx,
                            (unsigned long long)rax, (unsigned long long)rcx));
}

static void test_div64_by_zero_raises_sigfpe_before_writing(void **state)
{
    run_div(c_div_r64, CODE_LEN(c_div_r64), 0, 1234, 0);
    assert_int_equal(O->stop, STOP_FAULT);
    assert_int_equal(O->h.cpu.fault.signo, SIGFPE);
    assert_int_equal(O->h.cpu.fault.code, FPE_INTDIV);
    assert_int_equal(O->h.cpu.fault.trapno, 0);
    assert_int_equal(O->h.cpu.rip, HARNESS_CODE);
    assert_int_equal(O->emu.r[RAX], 1234);
}

static void test_div64_quotient_overflow_raises_de(void **state)
{
    run_div(c_div_r64, CODE_LEN(c_div_r64), 5, 0, 5);
    assert_int_equal(O->h.cpu.fault.signo, SIGFPE);
}

static void test_idiv32_int_min_by_minus_one_raises_de(void **state)
{
    run_div(c_idiv_r32, CODE_LEN(c_idiv_r32), 0xffffffff, 0x80000000, 0xffffffff);
    assert_int_equal(O->h.cpu.fault.signo, SIGFPE);
}

static void test_idiv64_int_min_by_minus_one_raises_de(void **state)
{
    run_div(c_idiv_r64, CODE_LEN(c_idiv_r64), ~0ull, 1ull << 63, ~0ull);
    assert_int_equal(O->h.cpu.fault.signo, SIGFPE);
}

static void test_idiv64_positive_2_63_by_minus_one_gives_int64_min(void **state)
{
    /* rdx:rax = +2^63 does not fit in 64 bits, but its quotient by -1 is INT64_MIN. */
    run_div(c_idiv_r64, CODE_LEN(c_idiv_r64), 0, 1ull << 63, ~0ull);
    assert_int_equal(O->stop, STOP_NONE);
    assert_int_equal(O->emu.r[RAX], 1ull << 63);
    assert_int_equal(O->emu.r[RDX], 0);
}

static void test_idiv64_wide_dividend_divides_exactly(void **state)
{
    /* (-2^64 - 6) / 3 = -6148914691236517207, remainder -1 */
    run_div(c_idiv_r64, CODE_LEN(c_idiv_r64), 0xfffffffffffffffeull, 0xfffffffffffffffaull, 3);
    assert_int_equal(O->emu.r[RAX], (uint64_t)-6148914691236517207ll);
    assert_int_equal(O->emu.r[RDX], (uint64_t)-1);
    run_div(c_idiv_r64, CODE_LEN(c_idiv_r64), 0xfffffffffffffffeull, 0xfffffffffffffffaull,
            0x7fffffffffffffffull);
    assert_int_equal(O->stop, STOP_NONE);
}

static void test_div8_puts_remainder_in_ah(void **state)
{
    run_div(c_div_r8, CODE_LEN(c_div_r8), 0, 0x1234567800000107ull, 0x10);
    assert_int_equal(O->emu.r[RAX], 0x1234567800000710ull);
}

static void test_div32_zero_extends_rax_and_rdx(void **state)
{
    run_div(c_div_r32, CODE_LEN(c_div_r32), 0xffffffff00000001ull, 0xffffffff00000003ull, 2);
    assert_int_equal(O->emu.r[RAX], 0x80000001ull);
    assert_int_equal(O->emu.r[RDX], 1);
}

static void test_mul64_high_half_sets_cf_of(void **state)
{
    run_div(c_mul_r64, CODE_LEN(c_mul_r64), 0, 1ull << 63, 2);
    assert_int_equal(O->emu.r[RDX], 1);
    assert_int_equal(O->emu.r[RAX], 0);
    assert_int_equal(O->emu.flags & MULF, MULF);
}

static void test_imul64_three_operand_overflow_sets_cf_of(void **state)
{
    run_div(c_imul3_r64b, CODE_LEN(c_imul3_r64b), 0, 0, 1ull << 40);
    assert_int_equal(O->emu.flags & MULF, MULF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mul_matches_cpu_all_widths),
        cmocka_unit_test(test_imul_one_operand_matches_cpu_all_widths),
        cmocka_unit_test(test_div_matches_cpu_including_divide_errors),
        cmocka_unit_test(test_idiv_matches_cpu_including_divide_errors),
        cmocka_unit_test(test_imul_two_and_three_operands_match_cpu),
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
