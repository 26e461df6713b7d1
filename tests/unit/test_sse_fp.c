/* test_sse_fp.c — SSE/SSE2 floating-point instructions against the real CPU: arithmetic, MIN/
 * MAX/SQRT, CMPcc, (U)COMIS and the float logic/shuffles, over every pair of special values
 * (±0, denormals, QNaN/SNaN, ±Inf, extremes) in every rounding mode with DAZ/FZ, in register and
 * memory forms, comparing results, MXCSR flags, RFLAGS and faults (including unmasked #XM). */
#include "sse_oracle.h"

#define OP1(name, pfx, op) {name, pfx, 0, {op}, 1, -1}

struct fp_op {
    struct ora_op op;
    enum ora_lanes dt, st;
};

/* Scalar arithmetic: every special pair, every mode. */
static const struct fp_op scalar_ops[] = {
    {OP1("addss", 0xf3, 0x58), LANES_F32, LANES_F32}, {OP1("addsd", 0xf2, 0x58), LANES_F64, LANES_F64},
    {OP1("subss", 0xf3, 0x5c), LANES_F32, LANES_F32}, {OP1("subsd", 0xf2, 0x5c), LANES_F64, LANES_F64},
    {OP1("mulss", 0xf3, 0x59), LANES_F32, LANES_F32}, {OP1("mulsd", 0xf2, 0x59), LANES_F64, LANES_F64},
    {OP1("divss", 0xf3, 0x5e), LANES_F32, LANES_F32}, {OP1("divsd", 0xf2, 0x5e), LANES_F64, LANES_F64},
    {OP1("minss", 0xf3, 0x5d), LANES_F32, LANES_F32}, {OP1("minsd", 0xf2, 0x5d), LANES_F64, LANES_F64},
    {OP1("maxss", 0xf3, 0x5f), LANES_F32, LANES_F32}, {OP1("maxsd", 0xf2, 0x5f), LANES_F64, LANES_F64},
    {OP1("sqrtss", 0xf3, 0x51), LANES_F32, LANES_F32}, {OP1("sqrtsd", 0xf2, 0x51), LANES_F64, LANES_F64},
    {OP1("ucomiss", 0x00, 0x2e), LANES_F32, LANES_F32}, {OP1("ucomisd", 0x66, 0x2e), LANES_F64, LANES_F64},
    {OP1("comiss", 0x00, 0x2f), LANES_F32, LANES_F32}, {OP1("comisd", 0x66, 0x2f), LANES_F64, LANES_F64},
};

/* Packed arithmetic and the float logic, shuffles and unpacks: random lanes of special values. */
static const struct fp_op packed_ops[] = {
    {OP1("addps", 0x00, 0x58), LANES_F32, LANES_F32}, {OP1("addpd", 0x66, 0x58), LANES_F64, LANES_F64},
    {OP1("subps", 0x00, 0x5c), LANES_F32, LANES_F32}, {OP1("subpd", 0x66, 0x5c), LANES_F64, LANES_F64},
    {OP1("mulps", 0x00, 0x59), LANES_F32, LANES_F32}, {OP1("mulpd", 0x66, 0x59), LANES_F64, LANES_F64},
    {OP1("divps", 0x00, 0x5e), LANES_F32, LANES_F32}, {OP1("divpd", 0x66, 0x5e), LANES_F64, LANES_F64},
    {OP1("minps", 0x00, 0x5d), LANES_F32, LANES_F32}, {OP1("minpd", 0x66, 0x5d), LANES_F64, LANES_F64},
    {OP1("maxps", 0x00, 0x5f), LANES_F32, LANES_F32}, {OP1("maxpd", 0x66, 0x5f), LANES_F64, LANES_F64},
    {OP1("sqrtps", 0x00, 0x51), LANES_F32, LANES_F32}, {OP1("sqrtpd", 0x66, 0x51), LANES_F64, LANES_F64},
    {OP1("xorps", 0x00, 0x57), LANES_F32, LANES_F32}, {OP1("xorpd", 0x66, 0x57), LANES_F64, LANES_F64},
    {OP1("andps", 0x00, 0x54), LANES_F32, LANES_F32}, {OP1("andpd", 0x66, 0x54), LANES_F64, LANES_F64},
    {OP1("andnps", 0x00, 0x55), LANES_F32, LANES_F32}, {OP1("andnpd", 0x66, 0x55), LANES_F64, LANES_F64},
    {OP1("orps", 0x00, 0x56), LANES_F32, LANES_F32}, {OP1("orpd", 0x66, 0x56), LANES_F64, LANES_F64},
    {OP1("unpcklps", 0x00, 0x14), LANES_F32, LANES_F32}, {OP1("unpckhps", 0x00, 0x15), LANES_F32, LANES_F32},
    {OP1("unpcklpd", 0x66, 0x14), LANES_F64, LANES_F64}, {OP1("unpckhpd", 0x66, 0x15), LANES_F64, LANES_F64},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_scalar_arith_and_comis_match_cpu_on_all_special_pairs(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(scalar_ops); n++) {
        const struct fp_op *f = &scalar_ops[n];
        ora_pairs(o, &f->op, &ora_forms_rr[0], f->dt, f->st, ora_modes, ORA_NMODES);
        ora_random(o, &f->op, &ora_forms_rr[1], f->dt, f->st, ora_modes, ORA_NMODES, 100);
        ora_random(o, &f->op, &ora_forms_rr[2], f->dt, f->st, ora_modes, ORA_NMODES, 100);
        ora_pairs(o, &f->op, &ora_forms_mem[0], f->dt, f->st, ora_modes, 1);
        for (size_t m = 1; m < ORA_NFORMS_MEM; m++)
            ora_random(o, &f->op, &ora_forms_mem[m], f->dt, f->st, ora_modes, ORA_NMODES, 40);
    }
    ora_done(o, "scalar arithmetic, (u)comis");
}

static void test_packed_ops_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(packed_ops); n++) {
        const struct fp_op *f = &packed_ops[n];
        for (size_t m = 0; m < ORA_NFORMS_RR; m++)
            ora_random(o, &f->op, &ora_forms_rr[m], f->dt, f->st, ora_modes, ORA_NMODES, 1500);
        for (size_t m = 0; m < ORA_NFORMS_MEM; m++)
            ora_random(o, &f->op, &ora_forms_mem[m], f->dt, f->st, ora_modes, ORA_NMODES,
                       m < 2 ? 500 : 20);
    }
    ora_done(o, "packed arithmetic, logic, unpacks");
}

/* CMPcc: every predicate (and immediates above 7, whose bits 7:3 the legacy form ignores). */
static void test_cmp_predicates_match_cpu(void **state)
{
    struct ora *o = *state;
    static const struct fp_op cmps[] = {
        {{"cmpss", 0xf3, 0, {0xc2}, 1, 0}, LANES_F32, LANES_F32},
        {{"cmpsd", 0xf2, 0, {0xc2}, 1, 0}, LANES_F64, LANES_F64},
        {{"cmpps", 0x00, 0, {0xc2}, 1, 0}, LANES_F32, LANES_F32},
        {{"cmppd", 0x66, 0, {0xc2}, 1, 0}, LANES_F64, LANES_F64},
    };
    static const int imms[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0d, 0x1f, 0xff};
    static const uint32_t modes[] = {0x1f80, 0x1fc0};   /* DAZ changes denormal compares */
    for (size_t n = 0; n < N(cmps); n++)
        for (size_t k = 0; k < N(imms); k++) {
            struct ora_op op = cmps[n].op;
            op.imm = imms[k];
            int scalar = n < 2;
            if (scalar && imms[k] < 8)
                ora_pairs(o, &op, &ora_forms_rr[0], cmps[n].dt, cmps[n].st, modes, 2);
            else
                ora_random(o, &op, &ora_forms_rr[0], cmps[n].dt, cmps[n].st, modes, 2, 400);
            ora_random(o, &op, &ora_forms_rr[1], cmps[n].dt, cmps[n].st, modes, 2, 30);
            for (size_t m = 0; m < ORA_NFORMS_MEM; m++)
                ora_random(o, &op, &ora_forms_mem[m], cmps[n].dt, cmps[n].st, modes, 2,
                           m == 0 ? 200 : 10);
        }
    ora_done(o, "cmpss/sd/ps/pd");
}

static void test_shufps_shufpd_match_cpu(void **state)
{
    struct ora *o = *state;
    for (int imm = 0; imm < 256; imm += 7) {
        struct ora_op ps = {"shufps", 0x00, 0, {0xc6}, 1, imm};
        struct ora_op pd = {"shufpd", 0x66, 0, {0xc6}, 1, imm};
        for (size_t m = 0; m < ORA_NFORMS_RR; m++) {
            ora_random(o, &ps, &ora_forms_rr[m], LANES_F32, LANES_F32, ora_modes, 1, 4);
            ora_random(o, &pd, &ora_forms_rr[m], LANES_F64, LANES_F64, ora_modes, 1, 4);
        }
        for (size_t m = 0; m < ORA_NFORMS_MEM; m++) {
            ora_random(o, &ps, &ora_forms_mem[m], LANES_F32, LANES_F32, ora_modes, 1, 2);
            ora_random(o, &pd, &ora_forms_mem[m], LANES_F64, LANES_F64, ora_modes, 1, 2);
        }
    }
    ora_done(o, "shufps/shufpd");
}

/* With an exception unmasked the CPU raises #XM (SIGFPE) and leaves the destination alone. */
static void test_unmasked_exceptions_raise_sigfpe_like_cpu(void **state)
{
    struct ora *o = *state;
    o->relax_pe_at_ovf_und = 1;
    for (size_t n = 0; n < N(scalar_ops); n++)
        ora_pairs(o, &scalar_ops[n].op, &ora_forms_rr[0], scalar_ops[n].dt, scalar_ops[n].st,
                  ora_unmasked, ORA_NUNMASKED);
    for (size_t n = 0; n < 14; n++)
        ora_random(o, &packed_ops[n].op, &ora_forms_rr[0], packed_ops[n].dt, packed_ops[n].st,
                   ora_unmasked, ORA_NUNMASKED, 800);
    o->relax_pe_at_ovf_und = 0;
    ora_done(o, "unmasked exceptions");
}

/* ---- hand-written behaviour --------------------------------------------------------------- */

/* runtime.check and every Go float compare: NaN operands give ZF=PF=CF=1, OF=SF=AF=0. */
static void test_ucomisd_unordered_sets_zf_pf_cf(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {
        0x48, 0x83, 0xc0, 0x01,    /* add rax, 1: leaves lazy flags pending (OF, SF, AF set) */
        0x66, 0x0f, 0x2e, 0xc1,    /* ucomisd xmm0, xmm1 */
    };
    h->cpu.gpr[RAX] = 0x7fffffffffffffff;
    h->cpu.xmm[0].q[0] = 0x7ff8000000000000;  /* QNaN */
    h->cpu.xmm[1].q[0] = 0x3ff0000000000000;
    h->cpu.mxcsr = 0x1f80;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(harness_rflags(h) & FLAGS_ARITH, FLAG_ZF | FLAG_PF | FLAG_CF);
    assert_int_equal(h->cpu.mxcsr, 0x1f80);   /* UCOMISD: QNaN raises nothing */
}

static void test_comisd_qnan_raises_ie_flag(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0x66, 0x0f, 0x2f, 0xc1};   /* comisd xmm0, xmm1 */
    h->cpu.xmm[0].q[0] = 0x7ff8000000000000;
    h->cpu.xmm[1].q[0] = 0;
    h->cpu.mxcsr = 0x1f80;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h->cpu.mxcsr, 0x1f81);
}

static void test_addsd_keeps_upper_lane_and_honours_rounding(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xf2, 0x0f, 0x58, 0xc1};   /* addsd xmm0, xmm1 */
    double one = 1.0, tiny = 0x1p-60;
    memcpy(&h->cpu.xmm[0].q[0], &one, 8);
    h->cpu.xmm[0].q[1] = 0x1122334455667788;
    memcpy(&h->cpu.xmm[1].q[0], &tiny, 8);
    h->cpu.xmm[1].q[1] = 0xdeadbeef;
    h->cpu.mxcsr = 0x1f80 | 2u << 13;                          /* round up */
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h->cpu.xmm[0].q[0], 0x3ff0000000000001);  /* 1 + ulp */
    assert_int_equal(h->cpu.xmm[0].q[1], 0x1122334455667788);
    assert_int_equal(h->cpu.mxcsr, 0x1f80 | 2u << 13 | MXCSR_PE);
}

static void test_divsd_by_zero_unmasked_raises_sigfpe_fltdiv(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xf2, 0x0f, 0x5e, 0xc1};   /* divsd xmm0, xmm1 */
    h->cpu.xmm[0].q[0] = 0x3ff0000000000000;
    h->cpu.xmm[1].q[0] = 0;
    h->cpu.mxcsr = 0x1f80 & ~(MXCSR_ZE << 7);
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGFPE);
    assert_int_equal(h->cpu.fault.code, FPE_FLTDIV);
    assert_int_equal(h->cpu.fault.trapno, 19);
    assert_int_equal(h->cpu.fault.addr, HARNESS_CODE);
    assert_int_equal(h->cpu.xmm[0].q[0], 0x3ff0000000000000);  /* destination untouched */
}

static void test_addps_misaligned_m128_raises_gp_but_addss_m32_does_not(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t addps[] = {0x0f, 0x58, 0x06};        /* addps xmm0, [rsi] */
    static const uint8_t addss[] = {0xf3, 0x0f, 0x58, 0x06};  /* addss xmm0, [rsi] */
    h->cpu.gpr[RSI] = HARNESS_DATA + 4;
    assert_int_equal(harness_exec(h, addps, sizeof(addps)), STOP_FAULT);
    assert_int_equal(h->cpu.fault.signo, SIGSEGV);
    assert_int_equal(h->cpu.fault.code, SI_KERNEL);
    assert_int_equal(h->cpu.fault.trapno, 13);
    h->cpu.gpr[RSI] = HARNESS_DATA + 4;
    assert_int_equal(harness_exec(h, addss, sizeof(addss)), STOP_NONE);
}

/* CMPSD without xmm operands is the string compare (ops_string.c): flags of [rsi] - [rdi]. */
static void test_string_cmpsd_still_compares_dwords(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xa7};                 /* cmpsd (cmps dword) */
    uint32_t a = 5, b = 7;
    assert_int_equal(mem_copy_to(&h->mem, HARNESS_DATA, &a, 4), 0);
    assert_int_equal(mem_copy_to(&h->mem, HARNESS_DATA + 0x800, &b, 4), 0);
    h->cpu.gpr[RSI] = HARNESS_DATA;
    h->cpu.gpr[RDI] = HARNESS_DATA + 0x800;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_true(harness_rflags(h) & FLAG_CF);             /* 5 < 7 unsigned */
    assert_false(harness_rflags(h) & FLAG_ZF);
    assert_int_equal(h->cpu.gpr[RSI], HARNESS_DATA + 4);
    assert_int_equal(h->cpu.gpr[RDI], HARNESS_DATA + 0x804);
}

/* The host's MXCSR must be back to the default after a guest operation in another mode, and
 * after the second (flush-to-zero) run that detects tiny results when UE is unmasked. */
static void test_guest_rounding_mode_does_not_leak_to_host(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xf2, 0x0f, 0x59, 0xc1};   /* mulsd xmm0, xmm1 */
    static const uint32_t modes[] = {0x7fc0 | 0x8000, 0x1780, 0x0000};
    for (size_t k = 0; k < N(modes); k++) {
        h->cpu.mxcsr = modes[k];
        h->cpu.xmm[0].q[0] = h->cpu.xmm[1].q[0] = 0x3ff0000000000000;
        assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
        uint32_t host;
        __asm__ volatile("stmxcsr %0" : "=m"(host));
        assert_int_equal(host & ~0x3fu, 0x1f80);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_scalar_arith_and_comis_match_cpu_on_all_special_pairs,
                               ora_reset_counts),
        cmocka_unit_test_setup(test_packed_ops_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_cmp_predicates_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_shufps_shufpd_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_unmasked_exceptions_raise_sigfpe_like_cpu, ora_reset_counts),
        cmocka_unit_test(test_ucomisd_unordered_sets_zf_pf_cf),
        cmocka_unit_test(test_comisd_qnan_raises_ie_flag),
        cmocka_unit_test(test_addsd_keeps_upper_lane_and_honours_rounding),
        cmocka_unit_test(test_divsd_by_zero_unmasked_raises_sigfpe_fltdiv),
        cmocka_unit_test(test_addps_misaligned_m128_raises_gp_but_addss_m32_does_not),
        cmocka_unit_test(test_guest_rounding_mode_does_not_leak_to_host),
        cmocka_unit_test(test_string_cmpsd_still_compares_dwords),
    };
    return cmocka_run_group_tests(tests, ora_group_setup, ora_group_teardown);
}
