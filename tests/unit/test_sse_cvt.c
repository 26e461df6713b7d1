/* test_sse_cvt.c — SSE/SSE2 conversions against the real CPU: integer to float from 32- and
 * 64-bit registers and memory, float to integer (truncating and rounding, r32 and r64, with the
 * integer indefinite for NaN and out-of-range), float<->double and the packed forms, over the
 * special values in every rounding mode with DAZ/FZ, plus unmasked-exception traps. */
#include "sse_oracle.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct cvt_op {
    struct ora_op op;
    enum ora_lanes dt, st;
};

/* CVTSI2SS/SD: ModRM.reg is the xmm destination, ModRM.rm a general register or memory. */
static const struct cvt_op si2f_ops[] = {
    {{"cvtsi2ss r32", 0xf3, 0, {0x2a}, 1, -1}, LANES_F32, LANES_I32},
    {{"cvtsi2ss r64", 0xf3, 1, {0x2a}, 1, -1}, LANES_F32, LANES_INT},
    {{"cvtsi2sd r32", 0xf2, 0, {0x2a}, 1, -1}, LANES_F64, LANES_I32},
    {{"cvtsi2sd r64", 0xf2, 1, {0x2a}, 1, -1}, LANES_F64, LANES_INT},
};

/* CVT(T)SS2SI/CVT(T)SD2SI: ModRM.reg is the general destination, ModRM.rm xmm or memory. */
static const struct cvt_op f2si_ops[] = {
    {{"cvttss2si r32", 0xf3, 0, {0x2c}, 1, -1}, LANES_INT, LANES_F32},
    {{"cvttss2si r64", 0xf3, 1, {0x2c}, 1, -1}, LANES_INT, LANES_F32},
    {{"cvttsd2si r32", 0xf2, 0, {0x2c}, 1, -1}, LANES_INT, LANES_F64},
    {{"cvttsd2si r64", 0xf2, 1, {0x2c}, 1, -1}, LANES_INT, LANES_F64},
    {{"cvtss2si r32", 0xf3, 0, {0x2d}, 1, -1}, LANES_INT, LANES_F32},
    {{"cvtss2si r64", 0xf3, 1, {0x2d}, 1, -1}, LANES_INT, LANES_F32},
    {{"cvtsd2si r32", 0xf2, 0, {0x2d}, 1, -1}, LANES_INT, LANES_F64},
    {{"cvtsd2si r64", 0xf2, 1, {0x2d}, 1, -1}, LANES_INT, LANES_F64},
};

/* xmm, xmm/mem conversions. */
static const struct cvt_op xmm_ops[] = {
    {{"cvtss2sd", 0xf3, 0, {0x5a}, 1, -1}, LANES_F64, LANES_F32},
    {{"cvtsd2ss", 0xf2, 0, {0x5a}, 1, -1}, LANES_F32, LANES_F64},
    {{"cvtps2pd", 0x00, 0, {0x5a}, 1, -1}, LANES_F64, LANES_F32},
    {{"cvtpd2ps", 0x66, 0, {0x5a}, 1, -1}, LANES_F32, LANES_F64},
    {{"cvtdq2ps", 0x00, 0, {0x5b}, 1, -1}, LANES_F32, LANES_I32},
    {{"cvtps2dq", 0x66, 0, {0x5b}, 1, -1}, LANES_I32, LANES_F32},
    {{"cvttps2dq", 0xf3, 0, {0x5b}, 1, -1}, LANES_I32, LANES_F32},
    {{"cvtdq2pd", 0xf3, 0, {0xe6}, 1, -1}, LANES_F64, LANES_I32},
    {{"cvtpd2dq", 0xf2, 0, {0xe6}, 1, -1}, LANES_I32, LANES_F64},
    {{"cvttpd2dq", 0x66, 0, {0xe6}, 1, -1}, LANES_I32, LANES_F64},
};

/* A general register or memory source for CVTSI2SS/SD: every special integer, every mode. */
static void run_si2f(struct ora *o, const struct cvt_op *c, const struct ora_form *f,
                     const uint32_t *modes, size_t nmodes, int randoms)
{
    uint8_t code[16];
    char what[80];
    size_t len = ora_encode(code, &c->op, f->reg, f->rm);
    snprintf(what, sizeof(what), "%s %s", c->op.name, f->name);
    for (size_t k = 0; k < ORA_NINTS + (size_t)randoms; k++)
        for (size_t m = 0; m < nmodes; m++) {
            struct ora_state s;
            ora_prepare(o, &s, f, c->dt, LANES_INT, modes[m]);
            uint64_t v = k < ORA_NINTS ? ora_special(c->st, k) : ora_rand(o) >> (k & 63);
            if (f->rm == ORA_MEM) {
                if (f->off + 8 <= ORA_DATA_SIZE)
                    memcpy(o->mem_in + f->off, &v, 8);
            } else {
                s.gpr[f->rm] = v;
            }
            ora_check(o, what, code, len, &s);
        }
}

static void test_cvtsi2ss_cvtsi2sd_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(si2f_ops); n++) {
        run_si2f(o, &si2f_ops[n], &ora_forms_rr[0], ora_modes, ORA_NMODES, 200);
        run_si2f(o, &si2f_ops[n], &ora_forms_rr[1], ora_modes, 4, 20);
        for (size_t m = 0; m < ORA_NFORMS_MEM; m++)
            run_si2f(o, &si2f_ops[n], &ora_forms_mem[m], ora_modes, m == 0 ? ORA_NMODES : 1, 10);
    }
    ora_done(o, "cvtsi2ss/sd");
}

static void test_float_to_int_match_cpu_including_indefinite(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(f2si_ops); n++) {
        const struct cvt_op *c = &f2si_ops[n];
        for (size_t m = 0; m < ORA_NFORMS_RR; m++)
            ora_singles(o, &c->op, &ora_forms_rr[m], c->dt, c->st, ora_modes, ORA_NMODES);
        for (size_t m = 0; m < ORA_NFORMS_MEM; m++)
            ora_singles(o, &c->op, &ora_forms_mem[m], c->dt, c->st, ora_modes, m == 0 ? 4 : 1);
        ora_random(o, &c->op, &ora_forms_rr[0], c->dt, c->st, ora_modes, ORA_NMODES, 2000);
    }
    ora_done(o, "cvt(t)ss2si/cvt(t)sd2si");
}

static void test_xmm_conversions_match_cpu(void **state)
{
    struct ora *o = *state;
    for (size_t n = 0; n < N(xmm_ops); n++) {
        const struct cvt_op *c = &xmm_ops[n];
        for (size_t m = 0; m < ORA_NFORMS_RR; m++) {
            ora_singles(o, &c->op, &ora_forms_rr[m], c->dt, c->st, ora_modes, ORA_NMODES);
            ora_random(o, &c->op, &ora_forms_rr[m], c->dt, c->st, ora_modes, ORA_NMODES, 1000);
        }
        for (size_t m = 0; m < ORA_NFORMS_MEM; m++)
            ora_random(o, &c->op, &ora_forms_mem[m], c->dt, c->st, ora_modes, ORA_NMODES,
                       m < 2 ? 500 : 20);
    }
    ora_done(o, "xmm conversions");
}

static void test_unmasked_conversion_exceptions_raise_sigfpe_like_cpu(void **state)
{
    struct ora *o = *state;
    o->relax_pe_at_ovf_und = 1;
    for (size_t n = 0; n < N(f2si_ops); n++)
        ora_singles(o, &f2si_ops[n].op, &ora_forms_rr[0], f2si_ops[n].dt, f2si_ops[n].st,
                    ora_unmasked, ORA_NUNMASKED);
    for (size_t n = 0; n < N(si2f_ops); n++)
        run_si2f(o, &si2f_ops[n], &ora_forms_rr[0], ora_unmasked, ORA_NUNMASKED, 20);
    for (size_t n = 0; n < N(xmm_ops); n++) {
        ora_singles(o, &xmm_ops[n].op, &ora_forms_rr[0], xmm_ops[n].dt, xmm_ops[n].st,
                    ora_unmasked, ORA_NUNMASKED);
        ora_random(o, &xmm_ops[n].op, &ora_forms_rr[0], xmm_ops[n].dt, xmm_ops[n].st,
                   ora_unmasked, ORA_NUNMASKED, 400);
    }
    o->relax_pe_at_ovf_und = 0;
    ora_done(o, "unmasked conversion exceptions");
}

/* ---- hand-written behaviour --------------------------------------------------------------- */

/* Go's float64 -> int64 conversion: NaN and out-of-range give 0x8000000000000000 with IE. */
static void test_cvttsd2si_nan_gives_integer_indefinite(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t r64[] = {0xf2, 0x48, 0x0f, 0x2c, 0xc1};   /* cvttsd2si rax, xmm1 */
    static const uint8_t r32[] = {0xf2, 0x0f, 0x2c, 0xd1};         /* cvttsd2si edx, xmm1 */
    h->cpu.xmm[1].q[0] = 0x7ff8000000000000;
    h->cpu.gpr[RDX] = ~0ull;
    h->cpu.mxcsr = 0x1f80;
    assert_int_equal(harness_exec(h, r64, sizeof(r64)), STOP_NONE);
    assert_int_equal(h->cpu.gpr[RAX], 0x8000000000000000ull);
    assert_int_equal(h->cpu.mxcsr, 0x1f81);
    h->cpu.xmm[1].q[0] = 0x41e0000000000000;                       /* 2^31 */
    assert_int_equal(harness_exec(h, r32, sizeof(r32)), STOP_NONE);
    assert_int_equal(h->cpu.gpr[RDX], 0x80000000ull);              /* zero-extended */
}

static void test_cvtsd2si_rounds_per_mxcsr(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xf2, 0x48, 0x0f, 0x2d, 0xc1};  /* cvtsd2si rax, xmm1 */
    static const int64_t want[4] = {2, 2, 3, 2};                    /* nearest-even, down, up, zero */
    double x = 2.5;
    for (unsigned rc = 0; rc < 4; rc++) {
        memcpy(&h->cpu.xmm[1].q[0], &x, 8);
        h->cpu.mxcsr = 0x1f80 | rc << 13;
        assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
        assert_int_equal((int64_t)h->cpu.gpr[RAX], want[rc]);
        assert_int_equal(h->cpu.mxcsr, (0x1f80 | rc << 13 | MXCSR_PE));
    }
}

static void test_cvtsi2sd_keeps_upper_lane(void **state)
{
    struct ora *o = *state;
    struct harness *h = &o->h;
    static const uint8_t code[] = {0xf2, 0x48, 0x0f, 0x2a, 0xc0};  /* cvtsi2sd xmm0, rax */
    h->cpu.gpr[RAX] = (uint64_t)-3;
    h->cpu.xmm[0].q[1] = 0x0123456789abcdef;
    h->cpu.mxcsr = 0x1f80;
    assert_int_equal(harness_exec(h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h->cpu.xmm[0].q[0], 0xc008000000000000);      /* -3.0 */
    assert_int_equal(h->cpu.xmm[0].q[1], 0x0123456789abcdef);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_cvtsi2ss_cvtsi2sd_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_float_to_int_match_cpu_including_indefinite, ora_reset_counts),
        cmocka_unit_test_setup(test_xmm_conversions_match_cpu, ora_reset_counts),
        cmocka_unit_test_setup(test_unmasked_conversion_exceptions_raise_sigfpe_like_cpu,
                               ora_reset_counts),
        cmocka_unit_test(test_cvttsd2si_nan_gives_integer_indefinite),
        cmocka_unit_test(test_cvtsd2si_rounds_per_mxcsr),
        cmocka_unit_test(test_cvtsi2sd_keeps_upper_lane),
    };
    return cmocka_run_group_tests(tests, ora_group_setup, ora_group_teardown);
}
