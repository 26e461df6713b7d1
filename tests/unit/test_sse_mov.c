/* test_sse_mov.c — SSE/SSE2 data movement against the real CPU: 16-byte moves (aligned forms
 * fault on misalignment, all fault precisely at a page end), scalar and half-register moves,
 * MOVD/MOVQ with general registers and memory, non-temporal stores, sign masks and
 * LDMXCSR/STMXCSR; plus the string MOVSD that shares its mnemonic and forms that must SIGILL. */
#include "sse_oracle.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Loads (ModRM.reg = xmm destination) and stores (ModRM.reg = xmm source, rm = destination).
 * mem_only: the register form is another instruction or invalid, exercised separately. */
static const struct mov_op {
    struct ora_op op;
    int mem_only;
} mov_ops[] = {
    {{"movups load", 0x00, 0, {0x10}, 1, -1}, 0}, {{"movups store", 0x00, 0, {0x11}, 1, -1}, 0},
    {{"movupd load", 0x66, 0, {0x10}, 1, -1}, 0}, {{"movupd store", 0x66, 0, {0x11}, 1, -1}, 0},
    {{"movdqu load", 0xf3, 0, {0x6f}, 1, -1}, 0}, {{"movdqu store", 0xf3, 0, {0x7f}, 1, -1}, 0},
    {{"movaps load", 0x00, 0, {0x28}, 1, -1}, 0}, {{"movaps store", 0x00, 0, {0x29}, 1, -1}, 0},
    {{"movapd load", 0x66, 0, {0x28}, 1, -1}, 0}, {{"movapd store", 0x66, 0, {0x29}, 1, -1}, 0},
    {{"movdqa load", 0x66, 0, {0x6f}, 1, -1}, 0}, {{"movdqa store", 0x66, 0, {0x7f}, 1, -1}, 0},
    {{"movntdq", 0x66, 0, {0xe7}, 1, -1}, 1},     {{"movntps", 0x00, 0, {0x2b}, 1, -1}, 1},
    {{"movntpd", 0x66, 0, {0x2b}, 1, -1}, 1},
    {{"movss load", 0xf3, 0, {0x10}, 1, -1}, 0},  {{"movss store", 0xf3, 0, {0x11}, 1, -1}, 0},
    {{"movsd load", 0xf2, 0, {0x10}, 1, -1}, 0},  {{"movsd store", 0xf2, 0, {0x11}, 1, -1}, 0},
    {{"movq xmm, xmm/m64", 0xf3, 0, {0x7e}, 1, -1}, 0},
    {{"movq xmm/m64, xmm", 0x66, 0, {0xd6}, 1, -1}, 0},
    {{"movlps/movhlps", 0x00, 0, {0x12}, 1, -1}, 0},
    {{"movhps/movlhps", 0x00, 0, {0x16}, 1, -1}, 0},
    {{"movlps store", 0x00, 0, {0x13}, 1, -1}, 1}, {{"movhps store", 0x00, 0, {0x17}, 1, -1}, 1},
    {{"movlpd load", 0x66, 0, {0x12}, 1, -1}, 1},  {{"movlpd store", 0x66, 0, {0x13}, 1, -1}, 1},
    {{"movhpd load", 0x66, 0, {0x16}, 1, -1}, 1},  {{"movhpd store", 0x66, 0, {0x17}, 1, -1}, 1},
    /* ModRM.reg is a general register here. */
    {{"movd xmm, r/m32", 0x66, 0, {0x6e}, 1, -1}, 0},
    {{"movd r/m32, xmm", 0x66, 0, {0x7e}, 1, -1}, 0},
    {{"movq xmm, r/m64", 0x66, 1, {0x6e}, 1, -1}, 0},
    {{"movq r/m64, xmm", 0x66, 1, {0x7e}, 1, -1}, 0},
    {{"movnti m32", 0x00, 0, {0xc3}, 1, -1}, 1},  {{"movnti m64", 0x00, 1, {0xc3}, 1, -1}, 1},
};

static void test_moves_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(mov_ops); n++) {
        const struct mov_op *m = &mov_ops[n];
        if (!m->mem_only)
            for (size_t f = 0; f < ORA_NFORMS_RR; f++)
                ora_random(o, &m->op, &ora_forms_rr[f], LANES_INT, LANES_INT, ora_modes, 1, 40);
        for (size_t f = 0; f < ORA_NFORMS_MEM; f++)
            ora_random(o, &m->op, &ora_forms_mem[f], LANES_INT, LANES_INT, ora_modes, 1, 20);
    }
    ora_done(o, "moves");
}

/* MOVMSKPS/MOVMSKPD/PMOVMSKB r32 (and REX.W r64), xmm: register forms only. */
static void test_sign_masks_match_cpu(void **state)
{
    struct ora *o = *state;
    static const struct ora_op ops[] = {
        {"movmskps", 0x00, 0, {0x50}, 1, -1}, {"movmskpd", 0x66, 0, {0x50}, 1, -1},
        {"pmovmskb", 0x66, 0, {0xd7}, 1, -1}, {"pmovmskb r64", 0x66, 1, {0xd7}, 1, -1},
        {"movmskps r64", 0x00, 1, {0x50}, 1, -1},
    };
    for (size_t n = 0; n < N(ops); n++)
        for (size_t f = 0; f < ORA_NFORMS_RR; f++)
            ora_random(o, &ops[n], &ora_forms_rr[f], LANES_F32, LANES_INT, ora_modes, 1, 200);
    ora_done(o, "sign masks");
}

/* LDMXCSR of every kind of value (reserved bits included: #GP) and STMXCSR. */
static void test_ldmxcsr_stmxcsr_match_cpu(void **state)
{
    struct ora *o = *state;
    static const struct ora_op ld = {"ldmxcsr", 0x00, 0, {0xae}, 1, -1};
    static const struct ora_op st = {"stmxcsr", 0x00, 0, {0xae}, 1, -1};
    static const uint32_t values[] = {
        0x1f80, 0x0000, 0xffff, 0x7fc0, 0x9fbf, 0x1f81, 0x6000, 0x8040,
        0x10000, 0x40000, 0x80000000, 0xffffffff, 0x11f80,
    };
    static const uint64_t offs[] = {0x100, 0x101, ORA_DATA_SIZE - 4, ORA_DATA_SIZE - 2};
    for (size_t k = 0; k < N(values); k++)
        for (size_t f = 0; f < N(offs); f++) {
            struct ora_form form = {"[rsi]", 2 /* /2 */, ORA_MEM, offs[f]};
            struct ora_state s;
            uint8_t code[16];
            ora_prepare(o, &s, &form, LANES_INT, LANES_INT, 0x1f80 | (uint32_t)k);
            if (offs[f] + 4 <= ORA_DATA_SIZE)
                memcpy(o->mem_in + offs[f], &values[k], 4);
            ora_check(o, "ldmxcsr", code, ora_encode(code, &ld, 2, ORA_MEM), &s);
            s.mxcsr = values[k] & 0xffff;
            form.reg = 3;   /* /3 */
            ora_check(o, "stmxcsr", code, ora_encode(code, &st, 3, ORA_MEM), &s);
        }
    ora_done(o, "ldmxcsr/stmxcsr");
}

/* ---- hand-written behaviour --------------------------------------------------------------- */

static void test_movsd_load_zeroes_upper_register_form_merges(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t load[] = {0xf2, 0x0f, 0x10, 0x06};    /* movsd xmm0, [rsi] */
    static const uint8_t merge[] = {0xf2, 0x0f, 0x10, 0xc1};   /* movsd xmm0, xmm1 */
    uint64_t v = 0x400921fb54442d18;
    assert_int_equal(mem_copy_to(&h->mem, HARNESS_DATA, &v, 8), 0);
    h->cpu.gpr[RSI] = HARNESS_DATA;
    h->cpu.xmm[0].q[1] = 0xffffffffffffffff;
    assert_int_equal(harness_exec(h, load, sizeof(load)), STOP_NONE);
    assert_int_equal(h->cpu.xmm[0].q[0], v);
    assert_int_equal(h->cpu.xmm[0].q[1], 0);
    h->cpu.xmm[0].q[1] = 0x1234;
    h->cpu.xmm[1].q[0] = 7, h->cpu.xmm[1].q[1] = 8;
    assert_int_equal(harness_exec(h, merge, sizeof(merge)), STOP_NONE);
    assert_int_equal(h->cpu.xmm[0].q[0], 7);
    assert_int_equal(h->cpu.xmm[0].q[1], 0x1234);
}

static void test_movaps_misaligned_raises_gp_and_movups_does_not(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t movaps[] = {0x0f, 0x29, 0x06};   /* movaps [rsi], xmm0 */
    static const uint8_t movups[] = {0x0f, 0x11, 0x06};   /* movups [rsi], xmm0 */
    memset(&h->cpu.xmm[0], 0x5a, 16);
    h->cpu.gpr[RSI] = HARNESS_DATA + 0x208;
    assert_int_equal(harness_exec(h, movaps, sizeof(movaps)), STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGSEGV);
    assert_int_equal(h->cpu.fault.code, SI_KERNEL);
    assert_int_equal(h->cpu.fault.addr, 0);
    assert_int_equal(h->cpu.fault.trapno, 13);
    uint8_t back[16];
    assert_int_equal(mem_copy_from(&h->mem, back, HARNESS_DATA + 0x208, 16), 0);
    assert_int_not_equal(back[0], 0x5a);
    h->cpu.gpr[RSI] = HARNESS_DATA + 0x208;
    assert_int_equal(harness_exec(h, movups, sizeof(movups)), STOP_NONE);
    assert_int_equal(mem_copy_from(&h->mem, back, HARNESS_DATA + 0x208, 16), 0);
    assert_int_equal(back[15], 0x5a);
}

/* A 16-byte store that crosses into an unmapped page writes nothing (precise #PF). */
static void test_movups_store_across_page_end_faults_without_writing(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0x0f, 0x11, 0x06};     /* movups [rsi], xmm0 */
    uint8_t zero[8] = {0}, back[8];
    uint64_t a = HARNESS_DATA + HARNESS_DATA_SIZE - 8;
    assert_int_equal(mem_copy_to(&h->mem, a, zero, 8), 0);
    memset(&h->cpu.xmm[0], 0x77, 16);
    h->cpu.gpr[RSI] = a;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGSEGV);
    assert_int_equal(h->cpu.fault.addr, HARNESS_DATA + HARNESS_DATA_SIZE);
    assert_int_equal(h->cpu.fault.trapno, 14);
    assert_int_equal(mem_copy_from(&h->mem, back, a, 8), 0);
    assert_memory_equal(back, zero, 8);
}

static void test_ldmxcsr_reserved_bit_raises_gp(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0x0f, 0xae, 0x16};     /* ldmxcsr [rsi] */
    /* Bit 17 included: AMD's misaligned-SSE mask is valid on some hosts, reserved in goemu. */
    static const uint32_t bad[] = {0x10000 | 0x1f80, 0x20000 | 0x1f80, 0x80000000};
    for (size_t k = 0; k < N(bad); k++) {
        assert_int_equal(mem_copy_to(&h->mem, HARNESS_DATA, &bad[k], 4), 0);
        h->cpu.gpr[RSI] = HARNESS_DATA;
        h->cpu.mxcsr = 0x1f80;
        assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_FAULT);
        assert_int_equal(h->cpu.fault.signo, SIGSEGV);
        assert_int_equal(h->cpu.fault.code, SI_KERNEL);
        assert_int_equal(h->cpu.fault.trapno, 13);
        assert_int_equal(h->cpu.mxcsr, 0x1f80);
    }
}

/* MOVSD without xmm operands is the string move (ops_string.c): copies 4 bytes, steps rsi/rdi. */
static void test_string_movsd_still_moves_dwords(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xa5};                 /* movsd (movs dword) */
    uint32_t v = 0xcafef00d, back = 0;
    assert_int_equal(mem_copy_to(&h->mem, HARNESS_DATA, &v, 4), 0);
    h->cpu.gpr[RSI] = HARNESS_DATA;
    h->cpu.gpr[RDI] = HARNESS_DATA + 0x800;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(mem_copy_from(&h->mem, &back, HARNESS_DATA + 0x800, 4), 0);
    assert_int_equal(back, v);
    assert_int_equal(h->cpu.gpr[RSI], HARNESS_DATA + 4);
    assert_int_equal(h->cpu.gpr[RDI], HARNESS_DATA + 0x804);
}

static void test_mmx_and_sse3_moves_raise_sigill(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const struct { const char *name; uint8_t b[8]; size_t len; } cases[] = {
        {"movd mm0, eax", {0x0f, 0x6e, 0xc0}, 3},
        {"movq rax, mm0", {0x48, 0x0f, 0x7e, 0xc0}, 4},
        {"pmovmskb eax, mm1", {0x0f, 0xd7, 0xc1}, 3},
        {"movddup xmm0, xmm1", {0xf2, 0x0f, 0x12, 0xc1}, 4},
        {"movshdup xmm0, xmm1", {0xf3, 0x0f, 0x16, 0xc1}, 4},
        {"movntdqa xmm0, [rax]", {0x66, 0x0f, 0x38, 0x2a, 0x00}, 5},
        {"vmovdqu xmm0, [rax]", {0xc5, 0xfa, 0x6f, 0x00}, 4},
    };
    for (size_t k = 0; k < N(cases); k++) {
        h->cpu.gpr[RAX] = HARNESS_DATA;
        enum cpu_stop why = harness_exec(h, cases[k].b, cases[k].len);
        if (why != STOP_FAULT || h->cpu.fault.signo != SIGILL || h->cpu.fault.rip != HARNESS_CODE)
            fail_msg("%s did not raise SIGILL", cases[k].name);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_moves_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_sign_masks_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_ldmxcsr_stmxcsr_match_cpu, ora_reset_counts),
        cmocka_unit_test(test_movsd_load_zeroes_upper_register_form_merges),
        cmocka_unit_test(test_movaps_misaligned_raises_gp_and_movups_does_not),
        cmocka_unit_test(test_movups_store_across_page_end_faults_without_writing),
        cmocka_unit_test(test_ldmxcsr_reserved_bit_raises_gp),
        cmocka_unit_test(test_string_movsd_still_moves_dwords),
        cmocka_unit_test(test_mmx_and_sse3_moves_raise_sigill),
    };
    return cmocka_run_group_tests(tests, ora_group_setup, ora_group_teardown);
}
