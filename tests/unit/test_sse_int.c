/* test_sse_int.c — SSE2 packed-integer instructions against the real CPU: every form (xmm,xmm;
 * high registers; xmm,m128 aligned, misaligned and page-crossing; immediates) runs natively and
 * on goemu from the same random, edge-biased state and must match bit for bit, faults included.
 * A few hand-written cases pin the behaviour Go relies on and the instructions that must SIGILL. */
#include "sse_oracle.h"

static const struct ora_op int_ops[] = {
    {"pxor", 0x66, 0, {0xef}, 1, -1},       {"por", 0x66, 0, {0xeb}, 1, -1},
    {"pand", 0x66, 0, {0xdb}, 1, -1},       {"pandn", 0x66, 0, {0xdf}, 1, -1},
    {"paddb", 0x66, 0, {0xfc}, 1, -1},      {"paddw", 0x66, 0, {0xfd}, 1, -1},
    {"paddd", 0x66, 0, {0xfe}, 1, -1},      {"paddq", 0x66, 0, {0xd4}, 1, -1},
    {"psubb", 0x66, 0, {0xf8}, 1, -1},      {"psubw", 0x66, 0, {0xf9}, 1, -1},
    {"psubd", 0x66, 0, {0xfa}, 1, -1},      {"psubq", 0x66, 0, {0xfb}, 1, -1},
    {"paddusb", 0x66, 0, {0xdc}, 1, -1},    {"paddusw", 0x66, 0, {0xdd}, 1, -1},
    {"psubusb", 0x66, 0, {0xd8}, 1, -1},    {"psubusw", 0x66, 0, {0xd9}, 1, -1},
    {"paddsb", 0x66, 0, {0xec}, 1, -1},     {"paddsw", 0x66, 0, {0xed}, 1, -1},
    {"psubsb", 0x66, 0, {0xe8}, 1, -1},     {"psubsw", 0x66, 0, {0xe9}, 1, -1},
    {"pcmpeqb", 0x66, 0, {0x74}, 1, -1},    {"pcmpeqw", 0x66, 0, {0x75}, 1, -1},
    {"pcmpeqd", 0x66, 0, {0x76}, 1, -1},    {"pcmpgtb", 0x66, 0, {0x64}, 1, -1},
    {"pcmpgtw", 0x66, 0, {0x65}, 1, -1},    {"pcmpgtd", 0x66, 0, {0x66}, 1, -1},
    {"pminub", 0x66, 0, {0xda}, 1, -1},     {"pmaxub", 0x66, 0, {0xde}, 1, -1},
    {"pminsw", 0x66, 0, {0xea}, 1, -1},     {"pmaxsw", 0x66, 0, {0xee}, 1, -1},
    {"pavgb", 0x66, 0, {0xe0}, 1, -1},      {"pavgw", 0x66, 0, {0xe3}, 1, -1},
    {"pmullw", 0x66, 0, {0xd5}, 1, -1},     {"pmulhw", 0x66, 0, {0xe5}, 1, -1},
    {"pmulhuw", 0x66, 0, {0xe4}, 1, -1},    {"pmuludq", 0x66, 0, {0xf4}, 1, -1},
    {"pmaddwd", 0x66, 0, {0xf5}, 1, -1},    {"psadbw", 0x66, 0, {0xf6}, 1, -1},
    {"punpcklbw", 0x66, 0, {0x60}, 1, -1},  {"punpcklwd", 0x66, 0, {0x61}, 1, -1},
    {"punpckldq", 0x66, 0, {0x62}, 1, -1},  {"punpcklqdq", 0x66, 0, {0x6c}, 1, -1},
    {"punpckhbw", 0x66, 0, {0x68}, 1, -1},  {"punpckhwd", 0x66, 0, {0x69}, 1, -1},
    {"punpckhdq", 0x66, 0, {0x6a}, 1, -1},  {"punpckhqdq", 0x66, 0, {0x6d}, 1, -1},
    {"packsswb", 0x66, 0, {0x63}, 1, -1},   {"packssdw", 0x66, 0, {0x6b}, 1, -1},
    {"packuswb", 0x66, 0, {0x67}, 1, -1},
};

/* Shifts whose count is the low quadword of an xmm register or m128. */
static const struct ora_op shift_ops[] = {
    {"psllw", 0x66, 0, {0xf1}, 1, -1}, {"pslld", 0x66, 0, {0xf2}, 1, -1},
    {"psllq", 0x66, 0, {0xf3}, 1, -1}, {"psrlw", 0x66, 0, {0xd1}, 1, -1},
    {"psrld", 0x66, 0, {0xd2}, 1, -1}, {"psrlq", 0x66, 0, {0xd3}, 1, -1},
    {"psraw", 0x66, 0, {0xe1}, 1, -1}, {"psrad", 0x66, 0, {0xe2}, 1, -1},
};

/* Immediate shifts: group opcode and the ModRM.reg extension. */
static const struct { const char *name; uint8_t op, ext; } shift_imm_ops[] = {
    {"psllw", 0x71, 6}, {"psrlw", 0x71, 2}, {"psraw", 0x71, 4}, {"pslld", 0x72, 6},
    {"psrld", 0x72, 2}, {"psrad", 0x72, 4}, {"psllq", 0x73, 6}, {"psrlq", 0x73, 2},
    {"pslldq", 0x73, 7}, {"psrldq", 0x73, 3},
};

static const uint64_t shift_counts[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255,
                                        256, 0x100000000ull, 0x8000000000000000ull};
static const int imm8s[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 127, 128, 255};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every operand form (registers, high registers, same register, aligned, misaligned and
 * page-crossing memory), `runs` random states each for register forms, fewer for memory. */
static void run_all_forms(struct ora *o, const struct ora_op *op, int runs)
{
    for (size_t f = 0; f < ORA_NFORMS_RR; f++)
        ora_random(o, op, &ora_forms_rr[f], LANES_INT, LANES_INT, ora_modes, 1,
                   f == 0 ? runs : runs / 5);
    for (size_t f = 0; f < ORA_NFORMS_MEM; f++)
        ora_random(o, op, &ora_forms_mem[f], LANES_INT, LANES_INT, ora_modes, 1,
                   f < 2 ? runs / 2 : runs / 20 + 1);
}

static void test_int_binops_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(int_ops); n++)
        run_all_forms(o, &int_ops[n], 300);
    ora_done(o, "int binops");
}

/* The count (low quadword of the source) cycles through shift_counts; the rest is random. */
static void test_shifts_by_xmm_count_match_cpu(void **state)
{
    struct ora *o = *state;
    const struct ora_form *forms[ORA_NFORMS_RR + ORA_NFORMS_MEM];
    for (size_t f = 0; f < ORA_NFORMS_RR; f++)
        forms[f] = &ora_forms_rr[f];
    for (size_t f = 0; f < ORA_NFORMS_MEM; f++)
        forms[ORA_NFORMS_RR + f] = &ora_forms_mem[f];
    for (size_t n = 0; n < N(shift_ops); n++)
        for (size_t f = 0; f < N(forms); f++) {
            uint8_t code[16];
            size_t len = ora_encode(code, &shift_ops[n], forms[f]->reg, forms[f]->rm);
            for (size_t k = 0; k < 3 * N(shift_counts); k++) {
                struct ora_state s;
                ora_prepare(o, &s, forms[f], LANES_INT, LANES_INT, 0x1f80);
                ora_set_src(o, &s, forms[f], 8, 0, shift_counts[k % N(shift_counts)]);
                ora_check(o, shift_ops[n].name, code, len, &s);
            }
        }
    ora_done(o, "shifts by xmm");
}

static void test_shifts_by_imm_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(shift_imm_ops); n++)
        for (size_t k = 0; k < N(imm8s); k++)
            for (int reg = 0; reg < 16; reg += 5) {
                struct ora_op op = {shift_imm_ops[n].name, 0x66, 0, {shift_imm_ops[n].op}, 1,
                                    imm8s[k]};
                uint8_t code[16];
                size_t len = ora_encode(code, &op, shift_imm_ops[n].ext, reg);
                struct ora_state s;
                ora_state_random(o, &s, LANES_INT, 0x1f80, 0x100);
                ora_check(o, op.name, code, len, &s);
            }
    ora_done(o, "shifts by imm8");
}

static void test_shuffles_match_cpu(void **state)
{
    struct ora *o = *state;
    static const struct ora_op shuf[] = {
        {"pshufd", 0x66, 0, {0x70}, 1, 0}, {"pshuflw", 0xf2, 0, {0x70}, 1, 0},
        {"pshufhw", 0xf3, 0, {0x70}, 1, 0},
    };
    static const int ctl[] = {0x00, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39, 0x93};
    for (size_t n = 0; n < N(shuf); n++)
        for (size_t k = 0; k < N(ctl); k++) {
            struct ora_op op = shuf[n];
            op.imm = ctl[k];
            run_all_forms(o, &op, 40);
        }
    ora_done(o, "pshufd/pshuflw/pshufhw");
}

/* PINSRW xmm, r32/m16, imm8 and PEXTRW r32, xmm, imm8 (also REX.W and high registers). */
static void test_pinsrw_pextrw_match_cpu(void **state)
{
    struct ora *o = *state;
    for (int imm = 0; imm < 20; imm++)
        for (int w = 0; w < 2; w++) {
            struct ora_op ins = {"pinsrw", 0x66, (uint8_t)w, {0xc4}, 1, imm};
            struct ora_op ext = {"pextrw", 0x66, (uint8_t)w, {0xc5}, 1, imm};
            static const int regs[][2] = {{1, 2}, {9, 3}, {2, 13}, {15, 15}};
            for (int r = 0; r < 4; r++) {
                uint8_t code[16];
                struct ora_state s;
                ora_state_random(o, &s, LANES_INT, 0x1f80, 0x100 + (uint64_t)r * 0x11);
                size_t len = ora_encode(code, &ins, regs[r][0], regs[r][1]);
                ora_check(o, "pinsrw reg", code, len, &s);
                len = ora_encode(code, &ins, regs[r][0], ORA_MEM);
                ora_check(o, "pinsrw mem", code, len, &s);
                len = ora_encode(code, &ext, regs[r][0], regs[r][1]);
                ora_check(o, "pextrw", code, len, &s);
            }
        }
    /* m16 at the very end of the data: the two bytes are readable, nothing more is touched. */
    struct ora_op ins = {"pinsrw", 0x66, 0, {0xc4}, 1, 5};
    uint8_t code[16];
    struct ora_state s;
    ora_state_random(o, &s, LANES_INT, 0x1f80, ORA_DATA_SIZE - 2);
    ora_check(o, "pinsrw last m16", code, ora_encode(code, &ins, 4, ORA_MEM), &s);
    ora_state_random(o, &s, LANES_INT, 0x1f80, ORA_DATA_SIZE - 1);
    ora_check(o, "pinsrw m16 across end", code, ora_encode(code, &ins, 4, ORA_MEM), &s);
    ora_done(o, "pinsrw/pextrw");
}

/* ---- hand-written behaviour --------------------------------------------------------------- */

/* bytealg.IndexByte's inner loop: broadcast byte, PCMPEQB, PMOVMSKB, the mask's low set bit. */
static void test_pcmpeqb_then_pmovmskb_gives_match_mask(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {
        0x66, 0x0f, 0x74, 0xc1,    /* pcmpeqb xmm0, xmm1 */
        0x66, 0x0f, 0xd7, 0xc0,    /* pmovmskb eax, xmm0 */
    };
    memset(h->cpu.xmm, 0, sizeof(h->cpu.xmm));
    memset(&h->cpu.xmm[0], 'x', 16);
    memcpy(&h->cpu.xmm[1], "hello, xmm world", 16);
    h->cpu.gpr[RAX] = ~0ull;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h->cpu.gpr[RAX], 1u << 7);   /* the 'x' at 7; upper bits cleared */
}

static void test_paddd_misaligned_m128_raises_gp(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0x66, 0x0f, 0xfe, 0x06};   /* paddd xmm0, [rsi] */
    h->cpu.gpr[RSI] = HARNESS_DATA + 4;
    h->cpu.xmm[0].q[0] = 7;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGSEGV);
    assert_int_equal(h->cpu.fault.code, SI_KERNEL);
    assert_int_equal(h->cpu.fault.addr, 0);
    assert_int_equal(h->cpu.fault.trapno, 13);
    assert_int_equal(h->cpu.fault.rip, HARNESS_CODE);
    assert_int_equal(h->cpu.xmm[0].q[0], 7);
}

static void test_psrldq_by_16_or_more_clears_register(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0x66, 0x41, 0x0f, 0x73, 0xd8, 0x11};  /* psrldq xmm8, 17 */
    memset(&h->cpu.xmm[8], 0xab, 16);
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h->cpu.xmm[8].q[0] | h->cpu.xmm[8].q[1], 0);
}

/* x86-64-v1 has no SSSE3/SSE4 and goemu no MMX: these must raise SIGILL (#UD), not run. */
static void test_non_sse2_integer_forms_raise_sigill(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
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
    for (size_t k = 0; k < N(cases); k++) {
        h->cpu.gpr[RAX] = HARNESS_DATA;
        enum cpu_stop why = harness_exec(h, cases[k].b, cases[k].len);
        if (why != STOP_FAULT || h->cpu.fault.signo != SIGILL || h->cpu.fault.rip != HARNESS_CODE)
            fail_msg("%s did not raise SIGILL", cases[k].name);
        assert_int_equal(h->cpu.fault.trapno, 6);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_int_binops_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_shifts_by_xmm_count_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_shifts_by_imm_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_shuffles_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_pinsrw_pextrw_match_cpu, ora_reset_counts),
        cmocka_unit_test(test_pcmpeqb_then_pmovmskb_gives_match_mask),
        cmocka_unit_test(test_paddd_misaligned_m128_raises_gp),
        cmocka_unit_test(test_psrldq_by_16_or_more_clears_register),
        cmocka_unit_test(test_non_sse2_integer_forms_raise_sigill),
    };
    return cmocka_run_group_tests(tests, ora_group_setup, ora_group_teardown);
}
