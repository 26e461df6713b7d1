/* test_shift.c — SHL SHR SAR ROL ROR RCL RCR SHLD SHRD against the real CPU.
 * CL-count forms sweep counts around every masking boundary (0, 1, width, 32, 64, 255) over
 * edge values with CF clear and set; immediate and implicit-1 forms check the decoder paths.
 * Flags the SDM leaves undefined for a case are masked: AF always for shifts, OF when the
 * masked count is not 1, CF for SHL/SHR counts >= the width; nothing is undefined at count 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "int_oracle.h"

enum kind { SHIFT, ROTATE, DOUBLE };
enum count_src { CNT_CL, CNT_FIXED };

struct form {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned size;
    int mem;          /* destination [rbx] */
    int high;         /* destination ah */
    enum count_src cs;
    unsigned count;   /* for CNT_FIXED */
};
#define FORM(n, size, mem, high, cs, count) {#n, n, CODE_LEN(n), size, mem, high, cs, count}

/* D0/D1 (implicit 1), C0/C1 with imm8 1 (.byte: assemblers prefer D1), immediates, CL. */
#define SHIFT_CODES(op, ext)                                                         \
    CODE(c_##op##_r8_1, #op " al, 1")                                                \
    CODE(c_##op##_r8_i1, ".byte 0xc0, 0xc0 + " #ext " * 8, 1")                       \
    CODE(c_##op##_r8_i5, #op " al, 5")                                               \
    CODE(c_##op##_r8_i9, #op " al, 9")                                               \
    CODE(c_##op##_r8_cl, #op " al, cl")                                              \
    CODE(c_##op##_rh8_cl, #op " ah, cl")                                             \
    CODE(c_##op##_r16_1, #op " ax, 1")                                               \
    CODE(c_##op##_r16_cl, #op " ax, cl")                                             \
    CODE(c_##op##_r32_1, #op " eax, 1")                                              \
    CODE(c_##op##_r32_i1, ".byte 0xc1, 0xc0 + " #ext " * 8, 1")                      \
    CODE(c_##op##_r32_i0, #op " eax, 0")                                             \
    CODE(c_##op##_r32_i7, #op " eax, 7")                                             \
    CODE(c_##op##_r32_i31, #op " eax, 31")                                           \
    CODE(c_##op##_r32_i33, #op " eax, 33")                                           \
    CODE(c_##op##_r32_cl, #op " eax, cl")                                            \
    CODE(c_##op##_r64_1, #op " rax, 1")                                              \
    CODE(c_##op##_r64_i1, ".byte 0x48, 0xc1, 0xc0 + " #ext " * 8, 1")                \
    CODE(c_##op##_r64_i0, #op " rax, 0")                                             \
    CODE(c_##op##_r64_i13, #op " rax, 13")                                           \
    CODE(c_##op##_r64_i63, #op " rax, 63")                                           \
    CODE(c_##op##_r64_i64, #op " rax, 64")                                           \
    CODE(c_##op##_r64_cl, #op " rax, cl")                                            \
    CODE(c_##op##_m8_cl, #op " byte ptr [rbx], cl")                                  \
    CODE(c_##op##_m16_1, #op " word ptr [rbx], 1")                                   \
    CODE(c_##op##_m32_i3, #op " dword ptr [rbx], 3")                                 \
    CODE(c_##op##_m64_cl, #op " qword ptr [rbx], cl")

#define SHIFT_FORMS(op)                                                              \
    {                                                                                \
        FORM(c_##op##_r8_1, 1, 0, 0, CNT_FIXED, 1),                                  \
        FORM(c_##op##_r8_i1, 1, 0, 0, CNT_FIXED, 1),                                 \
        FORM(c_##op##_r8_i5, 1, 0, 0, CNT_FIXED, 5),                                 \
        FORM(c_##op##_r8_i9, 1, 0, 0, CNT_FIXED, 9),                                 \
        FORM(c_##op##_r8_cl, 1, 0, 0, CNT_CL, 0),                                    \
        FORM(c_##op##_rh8_cl, 1, 0, 1, CNT_CL, 0),                                   \
        FORM(c_##op##_r16_1, 2, 0, 0, CNT_FIXED, 1),                                 \
        FORM(c_##op##_r16_cl, 2, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_r32_1, 4, 0, 0, CNT_FIXED, 1),                                 \
        FORM(c_##op##_r32_i1, 4, 0, 0, CNT_FIXED, 1),                                \
        FORM(c_##op##_r32_i0, 4, 0, 0, CNT_FIXED, 0),                                \
        FORM(c_##op##_r32_i7, 4, 0, 0, CNT_FIXED, 7),                                \
        FORM(c_##op##_r32_i31, 4, 0, 0, CNT_FIXED, 31),                              \
        FORM(c_##op##_r32_i33, 4, 0, 0, CNT_FIXED, 33),                              \
        FORM(c_##op##_r32_cl, 4, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_r64_1, 8, 0, 0, CNT_FIXED, 1),                                 \
        FORM(c_##op##_r64_i1, 8, 0, 0, CNT_FIXED, 1),                                \
        FORM(c_##op##_r64_i0, 8, 0, 0, CNT_FIXED, 0),                                \
        FORM(c_##op##_r64_i13, 8, 0, 0, CNT_FIXED, 13),                              \
        FORM(c_##op##_r64_i63, 8, 0, 0, CNT_FIXED, 63),                              \
        FORM(c_##op##_r64_i64, 8, 0, 0, CNT_FIXED, 64),                              \
        FORM(c_##op##_r64_cl, 8, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_m8_cl, 1, 1, 0, CNT_CL, 0),                                    \
        FORM(c_##op##_m16_1, 2, 1, 0, CNT_FIXED, 1),                                 \
        FORM(c_##op##_m32_i3, 4, 1, 0, CNT_FIXED, 3),                                \
        FORM(c_##op##_m64_cl, 8, 1, 0, CNT_CL, 0),                                   \
        {0},                                                                         \
    }

/* ModRM reg field (/4 SHL, /5 SHR, /7 SAR, /0 ROL, /1 ROR, /2 RCL, /3 RCR) for the .byte rows. */
SHIFT_CODES(shl, 4)
SHIFT_CODES(shr, 5)
SHIFT_CODES(sar, 7)
SHIFT_CODES(rol, 0)
SHIFT_CODES(ror, 1)
SHIFT_CODES(rcl, 2)
SHIFT_CODES(rcr, 3)

#define DOUBLE_CODES(op)                                                             \
    CODE(c_##op##_r16_i5, #op " ax, dx, 5")                                          \
    CODE(c_##op##_r16_cl, #op " ax, dx, cl")                                         \
    CODE(c_##op##_r32_i1, #op " eax, edx, 1")                                        \
    CODE(c_##op##_r32_i0, #op " eax, edx, 0")                                        \
    CODE(c_##op##_r32_cl, #op " eax, edx, cl")                                       \
    CODE(c_##op##_r64_i1, #op " rax, rdx, 1")                                        \
    CODE(c_##op##_r64_i40, #op " rax, rdx, 40")                                      \
    CODE(c_##op##_r64_cl, #op " rax, rdx, cl")                                       \
    CODE(c_##op##_m32_cl, #op " dword ptr [rbx], edx, cl")                           \
    CODE(c_##op##_m64_i7, #op " qword ptr [rbx], rdx, 7")

#define DOUBLE_FORMS(op)                                                             \
    {                                                                                \
        FORM(c_##op##_r16_i5, 2, 0, 0, CNT_FIXED, 5),                                \
        FORM(c_##op##_r16_cl, 2, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_r32_i1, 4, 0, 0, CNT_FIXED, 1),                                \
        FORM(c_##op##_r32_i0, 4, 0, 0, CNT_FIXED, 0),                                \
        FORM(c_##op##_r32_cl, 4, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_r64_i1, 8, 0, 0, CNT_FIXED, 1),                                \
        FORM(c_##op##_r64_i40, 8, 0, 0, CNT_FIXED, 40),                              \
        FORM(c_##op##_r64_cl, 8, 0, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_m32_cl, 4, 1, 0, CNT_CL, 0),                                   \
        FORM(c_##op##_m64_i7, 8, 1, 0, CNT_FIXED, 7),                                \
        {0},                                                                         \
    }

DOUBLE_CODES(shld)
DOUBLE_CODES(shrd)

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

/* The flags the SDM defines for this operation and count. */
static uint64_t defined_flags(enum kind k, int is_shl_shr, unsigned size, unsigned count)
{
    unsigned n = count & (size == 8 ? 63 : 31);
    if (n == 0)
        return FLAGS_ARITH;  /* count 0: no flag changes, so every flag must be as before */
    uint64_t m = FLAGS_ARITH;
    if (k != ROTATE)
        m &= ~(uint64_t)FLAG_AF;
    if (n != 1)
        m &= ~(uint64_t)FLAG_OF;
    if (k == SHIFT && is_shl_shr && n >= size * 8)
        m &= ~(uint64_t)FLAG_CF;
    return m;
}

static const unsigned counts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 255};
#define NCOUNTS (sizeof(counts) / sizeof(counts[0]))

static void sweep(const struct form *forms, enum kind k, int is_shl_shr, const char *op)
{
    static const uint64_t flag_inputs[] = {0, FLAG_CF, FLAGS_ARITH, FLAGS_ARITH & ~FLAG_CF};
    int bad = 0, runs = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t va[16], vb[16];
        size_t na = oracle_edges(f->size, va, 16);
        size_t nb = k == DOUBLE ? oracle_edges(f->size, vb, 16) : 1;
        size_t nc = f->cs == CNT_CL ? NCOUNTS : 1;
        for (size_t x = 0; x < na; x++)
            for (size_t y = 0; y < nb; y++)
                for (size_t z = 0; z < nc; z++)
                    for (size_t fl = 0; fl < 4; fl++) {
                        unsigned count = f->cs == CNT_CL ? counts[z] : f->count;
                        /* SDM SHLD/SHRD: a 16-bit operand with a count above 16 is undefined. */
                        if (k == DOUBLE && f->size == 2 && (count & 31) > 16)
                            continue;
                        uint8_t image[64];
                        memset(image, 0xee, sizeof(image));
                        oracle_reset(O, x * 13 + y * 7 + z);
                        O->in.r[RBX] = HARNESS_DATA;
                        O->in.r[RCX] = oracle_low(O->in.r[RCX], 1, count);
                        O->in.flags = flag_inputs[fl];
                        if (f->mem)
                            memcpy(image, &va[x], f->size);
                        else if (f->high)
                            O->in.r[RAX] = (O->in.r[RAX] & ~0xff00ull) | (va[x] & 0xff) << 8;
                        else
                            O->in.r[RAX] = oracle_low(O->in.r[RAX], f->size, va[x]);
                        if (k == DOUBLE)
                            O->in.r[RDX] = oracle_low(O->in.r[RDX], f->size, vb[y]);
                        oracle_run(O, f->code, f->len, image);
                        runs++;
                        bad += !oracle_same(O, defined_flags(k, is_shl_shr, f->size, count),
                                            "%s %s a=%llx b=%llx count=%u flags=%llx", op,
                                            f->name, (unsigned long long)va[x],
                                            (unsigned long long)(k == DOUBLE ? vb[y] : 0), count,
                                            (unsigned long long)flag_inputs[fl]);
                    }
    }
    print_message("%s: %d runs\n", op, runs);
    assert_int_equal(bad, 0);
}

#define SHIFT_TEST(op, k, shl_shr)                                                   \
    static void test_##op##_matches_cpu_all_counts_and_widths(void **state)         \
    {                                                                                \
        const struct form forms[] = SHIFT_FORMS(op);                                 \
        sweep(forms, k, shl_shr, #op);                                               \
    }

SHIFT_TEST(shl, SHIFT, 1)
SHIFT_TEST(shr, SHIFT, 1)
SHIFT_TEST(sar, SHIFT, 0)
SHIFT_TEST(rol, ROTATE, 0)
SHIFT_TEST(ror, ROTATE, 0)
SHIFT_TEST(rcl, ROTATE, 0)
SHIFT_TEST(rcr, ROTATE, 0)

static void test_shld_matches_cpu_all_counts_and_widths(void **state)
{
    const struct form forms[] = DOUBLE_FORMS(shld);
    sweep(forms, DOUBLE, 0, "shld");
}

static void test_shrd_matches_cpu_all_counts_and_widths(void **state)
{
    const struct form forms[] = DOUBLE_FORMS(shrd);
    sweep(forms, DOUBLE, 0, "shrd");
}

/* ---- targeted behaviours -------------------------------------------------------------------- */

static void run_cl(const uint8_t *code, size_t len, uint64_t rax, unsigned cl, uint64_t flags)
{
    oracle_reset(O, 11);
    O->in.r[RAX] = rax;
    O->in.r[RCX] = cl;
    O->in.flags = flags;
    oracle_run(O, code, len, NULL);
    assert_true(oracle_same(O, FLAGS_ARITH & ~(uint64_t)FLAG_AF, "rax=%llx cl=%u",
                            (unsigned long long)rax, cl));
}

static void test_shl32_count_zero_keeps_flags_but_zero_extends(void **state)
{
    run_cl(c_shl_r32_cl, CODE_LEN(c_shl_r32_cl), 0xdeadbeef80000000ull, 32,
           FLAG_CF | FLAG_OF | FLAG_ZF);
    assert_int_equal(O->emu.r[RAX], 0x80000000ull);
    assert_int_equal(O->emu.flags & FLAGS_ARITH, FLAG_CF | FLAG_OF | FLAG_ZF);
}

static void test_shl64_by_one_sets_of_from_sign_change(void **state)
{
    run_cl(c_shl_r64_1, CODE_LEN(c_shl_r64_1), 0x4000000000000000ull, 0, 0);
    assert_true(O->emu.flags & FLAG_OF);
    assert_false(O->emu.flags & FLAG_CF);
}

static void test_sar8_large_count_fills_sign(void **state)
{
    run_cl(c_sar_r8_cl, CODE_LEN(c_sar_r8_cl), 0x80, 20, 0);
    assert_int_equal(O->emu.r[RAX] & 0xff, 0xff);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_ror32_changes_only_cf_and_of(void **state)
{
    run_cl(c_ror_r32_cl, CODE_LEN(c_ror_r32_cl), 1, 1, FLAG_ZF | FLAG_PF | FLAG_SF);
    assert_int_equal(O->emu.r[RAX], 0x80000000ull);
    assert_int_equal(O->emu.flags & (FLAG_ZF | FLAG_PF | FLAG_SF), FLAG_ZF | FLAG_PF | FLAG_SF);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_rcl8_rotates_through_carry_mod_9(void **state)
{
    run_cl(c_rcl_r8_cl, CODE_LEN(c_rcl_r8_cl), 0x81, 10, FLAG_CF);  /* 10 mod 9 = 1 */
    assert_int_equal(O->emu.r[RAX] & 0xff, 0x03);
    assert_true(O->emu.flags & FLAG_CF);
}

static void test_shrd64_fills_from_source(void **state)
{
    oracle_reset(O, 5);
    O->in.r[RAX] = 0x00000000000000ffull;
    O->in.r[RDX] = 0x0000000000000abcull;
    oracle_run(O, c_shrd_r64_i40, CODE_LEN(c_shrd_r64_i40), NULL);
    assert_true(oracle_same(O, FLAGS_ARITH & ~(uint64_t)(FLAG_AF | FLAG_OF), "shrd"));
    assert_int_equal(O->emu.r[RAX], 0xabc000000ull);  /* rdx:rax >> 40 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shl_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_shr_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_sar_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_rol_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_ror_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_rcl_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_rcr_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_shld_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_shrd_matches_cpu_all_counts_and_widths),
        cmocka_unit_test(test_shl32_count_zero_keeps_flags_but_zero_extends),
        cmocka_unit_test(test_shl64_by_one_sets_of_from_sign_change),
        cmocka_unit_test(test_sar8_large_count_fills_sign),
        cmocka_unit_test(test_ror32_changes_only_cf_and_of),
        cmocka_unit_test(test_rcl8_rotates_through_carry_mod_9),
        cmocka_unit_test(test_shrd64_fills_from_source),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
