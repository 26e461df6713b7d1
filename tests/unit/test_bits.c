/* test_bits.c — BT BTS BTR BTC, BSF BSR, CLC STC CMC, LAHF SAHF against the real CPU.
 * Memory bit tests with a register offset address words far before and after the operand
 * (SDM bit-base addressing), so the whole 16 KiB data area is compared. Flags compared: CF and
 * ZF (which BT* must preserve) for BT*, ZF for BSF/BSR, everything for the flag instructions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "int_oracle.h"

struct form {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned size;
    int mem;      /* operand [rbx] */
    int imm;      /* offset is an immediate (else rcx-family) */
};
#define FORM(n, size, mem, imm) {#n, n, CODE_LEN(n), size, mem, imm}

#define BT_CODES(op)                                                                 \
    CODE(c_##op##_r16, #op " ax, cx")                                                \
    CODE(c_##op##_r32, #op " eax, ecx")                                              \
    CODE(c_##op##_r64, #op " rax, rcx")                                              \
    CODE(c_##op##_r16_i, #op " ax, 17")                                              \
    CODE(c_##op##_r32_i, #op " eax, 5")                                              \
    CODE(c_##op##_r64_i, #op " rax, 70")                                             \
    CODE(c_##op##_m16, #op " word ptr [rbx], cx")                                    \
    CODE(c_##op##_m32, #op " dword ptr [rbx], ecx")                                  \
    CODE(c_##op##_m64, #op " qword ptr [rbx], rcx")                                  \
    CODE(c_##op##_m16_i, #op " word ptr [rbx], 31")                                  \
    CODE(c_##op##_m32_i, #op " dword ptr [rbx], 37")                                 \
    CODE(c_##op##_m64_i, #op " qword ptr [rbx], 63")

#define BT_FORMS(op)                                                                 \
    {                                                                                \
        FORM(c_##op##_r16, 2, 0, 0), FORM(c_##op##_r32, 4, 0, 0),                    \
        FORM(c_##op##_r64, 8, 0, 0), FORM(c_##op##_r16_i, 2, 0, 1),                  \
        FORM(c_##op##_r32_i, 4, 0, 1), FORM(c_##op##_r64_i, 8, 0, 1),                \
        FORM(c_##op##_m16, 2, 1, 0), FORM(c_##op##_m32, 4, 1, 0),                    \
        FORM(c_##op##_m64, 8, 1, 0), FORM(c_##op##_m16_i, 2, 1, 1),                  \
        FORM(c_##op##_m32_i, 4, 1, 1), FORM(c_##op##_m64_i, 8, 1, 1), {0},           \
    }

BT_CODES(bt)
BT_CODES(bts)
BT_CODES(btr)
BT_CODES(btc)

CODE(c_bsf_r16, "bsf ax, cx")
CODE(c_bsf_r32, "bsf eax, ecx")
CODE(c_bsf_r64, "bsf rax, rcx")
CODE(c_bsf_m64, "bsf rax, qword ptr [rbx]")
CODE(c_bsr_r16, "bsr ax, cx")
CODE(c_bsr_r32, "bsr eax, ecx")
CODE(c_bsr_r64, "bsr rax, rcx")
CODE(c_bsr_m32, "bsr eax, dword ptr [rbx]")

CODE(c_clc, "clc")
CODE(c_stc, "stc")
CODE(c_cmc, "cmc")
CODE(c_lahf, "lahf")
CODE(c_sahf, "sahf")

#define CF_ZF ((uint64_t)(FLAG_CF | FLAG_ZF))
#define MIDDLE (HARNESS_DATA + HARNESS_DATA_SIZE / 2)

static struct oracle *O;

static int setup(void **state)
{
    O = oracle_new(HARNESS_DATA_SIZE);
    return 0;
}

static int teardown(void **state)
{
    oracle_free(O);
    return 0;
}

/* Register bit offsets: inside the operand, at and past its width, negative; memory offsets
 * stay within +-HARNESS_DATA_SIZE/2 bytes of [rbx] so they land in the data area. */
static const int64_t offsets[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000,
                                  30000, -1, -2, -8, -9, -16, -17, -32, -33, -64, -65, -1000,
                                  -30000};
#define NOFFSETS (sizeof(offsets) / sizeof(offsets[0]))

static void sweep_bt(const struct form *forms, const char *op)
{
    static uint8_t image[HARNESS_DATA_SIZE];
    for (size_t k = 0; k < sizeof(image); k++)
        image[k] = (uint8_t)(k * 37 + (k >> 8));
    int bad = 0, runs = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t va[16];
        size_t na = oracle_edges(f->size, va, 16);
        for (size_t x = 0; x < na; x++)
            for (size_t y = 0; y < (f->imm ? 1 : NOFFSETS); y++)
                for (int fl = 0; fl < 2; fl++) {
                    oracle_reset(O, x * 3 + y);
                    O->in.r[RBX] = MIDDLE;
                    O->in.flags = fl ? FLAGS_ARITH : FLAG_PF;
                    uint64_t off = (uint64_t)offsets[y];
                    if (f->size == 2 && (offsets[y] > 32767 || offsets[y] < -32768))
                        continue;
                    O->in.r[RCX] = oracle_low(O->in.r[RCX], f->size, off);
                    if (f->mem)
                        memcpy(image + HARNESS_DATA_SIZE / 2, &va[x], f->size);
                    else
                        O->in.r[RAX] = oracle_low(O->in.r[RAX], f->size, va[x]);
                    oracle_run(O, f->code, f->len, image);
                    runs++;
                    bad += !oracle_same(O, CF_ZF, "%s %s a=%llx off=%lld", op, f->name,
                                        (unsigned long long)va[x], (long long)offsets[y]);
                }
    }
    print_message("%s: %d runs\n", op, runs);
    assert_int_equal(bad, 0);
}

#define BT_TEST(op)                                                                  \
    static void test_##op##_matches_cpu_register_and_bit_base_forms(void **state)   \
    {                                                                                \
        const struct form forms[] = BT_FORMS(op);                                    \
        sweep_bt(forms, #op);                                                        \
    }

BT_TEST(bt)
BT_TEST(bts)
BT_TEST(btr)
BT_TEST(btc)

static void test_bts_mem_negative_offset_sets_bit_below_operand(void **state)
{
    static uint8_t image[HARNESS_DATA_SIZE];
    memset(image, 0, sizeof(image));
    oracle_reset(O, 9);
    O->in.r[RBX] = MIDDLE;
    O->in.r[RCX] = (uint64_t)-9;  /* dword at rbx-4, bit 23 = byte rbx-2, bit 7 */
    oracle_run(O, c_bts_m32, CODE_LEN(c_bts_m32), image);
    assert_true(oracle_same(O, CF_ZF, "bts [rbx], -9"));
    assert_int_equal(O->emu_data[HARNESS_DATA_SIZE / 2 - 2], 0x80);
}

static void test_bsf_bsr_match_cpu_including_zero_source(void **state)
{
    const struct form forms[] = {
        FORM(c_bsf_r16, 2, 0, 0), FORM(c_bsf_r32, 4, 0, 0), FORM(c_bsf_r64, 8, 0, 0),
        FORM(c_bsf_m64, 8, 1, 0), FORM(c_bsr_r16, 2, 0, 0), FORM(c_bsr_r32, 4, 0, 0),
        FORM(c_bsr_r64, 8, 0, 0), FORM(c_bsr_m32, 4, 1, 0), {0},
    };
    static uint8_t image[HARNESS_DATA_SIZE];
    int bad = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t vs[80];
        size_t n = oracle_edges(f->size, vs, 16);
        for (unsigned b = 0; b < f->size * 8; b += 3)
            vs[n++] = 1ull << b;
        for (size_t x = 0; x < n; x++)
            for (int fl = 0; fl < 2; fl++) {
                oracle_reset(O, x);
                O->in.r[RBX] = MIDDLE;
                O->in.flags = fl ? FLAGS_ARITH : 0;
                O->in.r[RCX] = oracle_low(O->in.r[RCX], f->size, vs[x]);
                memcpy(image + HARNESS_DATA_SIZE / 2, &vs[x], 8);
                oracle_run(O, f->code, f->len, image);
                bad += !oracle_same(O, FLAG_ZF, "%s src=%llx", f->name,
                                    (unsigned long long)vs[x]);
            }
    }
    assert_int_equal(bad, 0);
}

static void test_bsf32_zero_source_leaves_whole_register(void **state)
{
    oracle_reset(O, 1);
    O->in.r[RAX] = 0xdeadbeef12345678ull;
    O->in.r[RCX] = 0xffffffff00000000ull;  /* ecx = 0 */
    oracle_run(O, c_bsf_r32, CODE_LEN(c_bsf_r32), NULL);
    assert_true(oracle_same(O, FLAG_ZF, "bsf eax, 0"));
    assert_int_equal(O->emu.r[RAX], 0xdeadbeef12345678ull);
    assert_true(O->emu.flags & FLAG_ZF);
}

/* Every arithmetic-flag combination in, all flags compared out. */
static void sweep_flags(const uint8_t *code, size_t len, const char *name)
{
    int bad = 0;
    for (uint64_t bits = 0; bits < 64; bits++) {
        static const uint64_t flag_bits[] = {FLAG_CF, FLAG_PF, FLAG_AF, FLAG_ZF, FLAG_SF, FLAG_OF};
        uint64_t fl = 0;
        for (int k = 0; k < 6; k++)
            if (bits >> k & 1)
                fl |= flag_bits[k];
        for (unsigned ah = 0; ah < 256; ah += 17) {
            oracle_reset(O, bits);
            O->in.r[RAX] = (O->in.r[RAX] & ~0xff00ull) | (uint64_t)ah << 8;
            O->in.flags = fl;
            oracle_run(O, code, len, NULL);
            bad += !oracle_same(O, FLAGS_ARITH, "%s flags=%llx ah=%x", name,
                                (unsigned long long)fl, ah);
        }
    }
    assert_int_equal(bad, 0);
}

static void test_clc_stc_cmc_change_only_cf(void **state)
{
    sweep_flags(c_clc, CODE_LEN(c_clc), "clc");
    sweep_flags(c_stc, CODE_LEN(c_stc), "stc");
    sweep_flags(c_cmc, CODE_LEN(c_cmc), "cmc");
}

static void test_lahf_sahf_match_cpu(void **state)
{
    sweep_flags(c_lahf, CODE_LEN(c_lahf), "lahf");
    sweep_flags(c_sahf, CODE_LEN(c_sahf), "sahf");
}

/* After the ADD, eax = 0x80000000 and OF=1 (lazily recorded); SAHF loads SF ZF AF PF CF from
 * AH = 0 and must keep that OF. */
CODE(c_add_sahf, "add eax, ecx\n sahf")

static void test_sahf_after_lazy_add_keeps_of(void **state)
{
    oracle_reset(O, 2);
    O->in.r[RAX] = 0x7fffffff;
    O->in.r[RCX] = 1;
    oracle_run(O, c_add_sahf, CODE_LEN(c_add_sahf), NULL);
    assert_true(oracle_same(O, FLAGS_ARITH, "add+sahf"));
    assert_true(O->emu.flags & FLAG_OF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bt_matches_cpu_register_and_bit_base_forms),
        cmocka_unit_test(test_bts_matches_cpu_register_and_bit_base_forms),
        cmocka_unit_test(test_btr_matches_cpu_register_and_bit_base_forms),
        cmocka_unit_test(test_btc_matches_cpu_register_and_bit_base_forms),
        cmocka_unit_test(test_bts_mem_negative_offset_sets_bit_below_operand),
        cmocka_unit_test(test_bsf_bsr_match_cpu_including_zero_source),
        cmocka_unit_test(test_bsf32_zero_source_leaves_whole_register),
        cmocka_unit_test(test_clc_stc_cmc_change_only_cf),
        cmocka_unit_test(test_lahf_sahf_match_cpu),
        cmocka_unit_test(test_sahf_after_lazy_add_keeps_of),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
