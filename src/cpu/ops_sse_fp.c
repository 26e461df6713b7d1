/* ops_sse_fp.c — SSE/SSE2 floating-point instructions: bitwise logic, arithmetic, MIN/MAX/SQRT,
 * CMPcc predicates, (U)COMIS ordered compares into RFLAGS, and the float shuffles/unpacks.
 * Arithmetic runs the host's identical instruction under the guest's MXCSR (ops_sse.h), so
 * rounding, DAZ/FZ, NaN selection and exception flags are exactly what the hardware does. */
#include "ops_inline.h"
#include "ops_sel.h"
#include "ops_sse.h"

op_select_fn sel_cmps_str;   /* string CMPSD shares the mnemonic (ops_string.c) */

/* Declared, and the model explained, in ops_sse.h. */
_Noreturn void sse_unmasked(struct cpu *c, uint32_t raised)
{
    uint32_t unmasked = ~(c->mxcsr >> 7) & 0x3f;
    uint32_t pre = raised & (MXCSR_IE | MXCSR_DE | MXCSR_ZE);
    uint32_t post = raised & (MXCSR_OE | MXCSR_UE | MXCSR_PE);
    if (pre & unmasked) {
        c->mxcsr |= pre;
    } else {
        if (post & unmasked & (MXCSR_OE | MXCSR_UE))
            post &= ~(uint32_t)MXCSR_PE;
        c->mxcsr |= pre | post;
    }
    sse_xm(c);
}

/* ---- bitwise: the integer instructions move identical bits and raise no exceptions ------- */

SSE_BINOP(xorps, _mm_xor_si128(a, b))
SSE_BINOP(xorpd, _mm_xor_si128(a, b))
SSE_BINOP(andps, _mm_and_si128(a, b))
SSE_BINOP(andpd, _mm_and_si128(a, b))
SSE_BINOP(andnps, _mm_andnot_si128(a, b))     /* dst = ~dst & src */
SSE_BINOP(andnpd, _mm_andnot_si128(a, b))
SSE_BINOP(orps, _mm_or_si128(a, b))
SSE_BINOP(orpd, _mm_or_si128(a, b))

/* ---- arithmetic: scalar forms take m32/m64 (no alignment rule), packed forms aligned m128 -- */

#define SSE_FP4(op)                                                                               \
    SSE_FPOP(op##ss, #op "ss", sse_ld32)                                                          \
    SSE_FPOP(op##sd, #op "sd", sse_ld64)                                                          \
    SSE_FPOP(op##ps, #op "ps", sse_ld128a)                                                        \
    SSE_FPOP(op##pd, #op "pd", sse_ld128a)

SSE_FP4(add)
SSE_FP4(sub)
SSE_FP4(mul)
SSE_FP4(div)
SSE_FP4(min)    /* if either is NaN, or both are zeros, the result is the source (SDM MINSS) */
SSE_FP4(max)
SSE_FP4(sqrt)   /* scalar forms keep the destination's upper lanes */

int sse_inline_scalar(op_fn *fn, uint8_t *prefix, uint8_t *opcode, int *mem)
{
    static const struct { op_fn *rr, *rm; uint8_t prefix, opcode; } forms[] = {
        {op_addss_rr, op_addss_rm, 0xf3, 0x58}, {op_addsd_rr, op_addsd_rm, 0xf2, 0x58},
        {op_mulss_rr, op_mulss_rm, 0xf3, 0x59}, {op_mulsd_rr, op_mulsd_rm, 0xf2, 0x59},
        {op_subss_rr, op_subss_rm, 0xf3, 0x5c}, {op_subsd_rr, op_subsd_rm, 0xf2, 0x5c},
        {op_minss_rr, op_minss_rm, 0xf3, 0x5d}, {op_minsd_rr, op_minsd_rm, 0xf2, 0x5d},
        {op_divss_rr, op_divss_rm, 0xf3, 0x5e}, {op_divsd_rr, op_divsd_rm, 0xf2, 0x5e},
        {op_maxss_rr, op_maxss_rm, 0xf3, 0x5f}, {op_maxsd_rr, op_maxsd_rm, 0xf2, 0x5f},
        {op_sqrtss_rr, op_sqrtss_rm, 0xf3, 0x51}, {op_sqrtsd_rr, op_sqrtsd_rm, 0xf2, 0x51},
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        if (forms[k].rr == fn || forms[k].rm == fn) {
            *prefix = forms[k].prefix;
            *opcode = forms[k].opcode;
            *mem = forms[k].rm == fn;
            return 1;
        }
    return 0;
}

/* ---- CMPSS/CMPSD/CMPPS/CMPPD xmm, xmm/mem, imm8 ------------------------------------------
 * The predicate is imm8 bits 2:0 in the legacy encoding (bits 7:3 are ignored). It is chosen at
 * decode time: one handler per predicate, each running the host's pseudo-op (cmpltsd, ...), so
 * the signalling predicates (LT, LE, NLT, NLE) raise IE on a QNaN exactly as the hardware does. */
#define SSE_CMP_PRED(t, load, p)  SSE_FPOP_HANDLERS(cmp##p##t, "cmp" #p #t, load)

#define SSE_CMP(t, load)                                                                          \
    SSE_CMP_PRED(t, load, eq) SSE_CMP_PRED(t, load, lt) SSE_CMP_PRED(t, load, le)                 \
    SSE_CMP_PRED(t, load, unord) SSE_CMP_PRED(t, load, neq) SSE_CMP_PRED(t, load, nlt)            \
    SSE_CMP_PRED(t, load, nle) SSE_CMP_PRED(t, load, ord)                                         \
    static op_fn *const cmp##t##_rr[8] = {                                                        \
        op_cmpeq##t##_rr, op_cmplt##t##_rr, op_cmple##t##_rr, op_cmpunord##t##_rr,                \
        op_cmpneq##t##_rr, op_cmpnlt##t##_rr, op_cmpnle##t##_rr, op_cmpord##t##_rr,               \
    };                                                                                            \
    static op_fn *const cmp##t##_rm[8] = {                                                        \
        op_cmpeq##t##_rm, op_cmplt##t##_rm, op_cmple##t##_rm, op_cmpunord##t##_rm,                \
        op_cmpneq##t##_rm, op_cmpnlt##t##_rm, op_cmpnle##t##_rm, op_cmpord##t##_rm,               \
    };                                                                                            \
    static op_fn *cmp##t##_select(const struct insn *i)                                          \
    {                                                                                             \
        if (i->kind[2] != OK_IMM)                                                                 \
            return NULL;                                                                          \
        return sse_sel_xx(i, cmp##t##_rr[i->imm & 7], cmp##t##_rm[i->imm & 7]);                  \
    }

SSE_CMP(ss, sse_ld32)
SSE_CMP(sd, sse_ld64)
SSE_CMP(ps, sse_ld128a)
SSE_CMP(pd, sse_ld128a)

op_fn *sel_cmpss(const struct insn *i) { return cmpss_select(i); }
op_fn *sel_cmpps(const struct insn *i) { return cmpps_select(i); }
op_fn *sel_cmppd(const struct insn *i) { return cmppd_select(i); }

/* ZYDIS_MNEMONIC_CMPSD is also the string compare A7 (no xmm operand), in ops_string.c. */
op_fn *sel_cmpsd(const struct insn *i)
{
    if (i->kind[0] != OK_XMM && i->kind[1] != OK_XMM)
        return sel_cmps_str(i);
    return cmpsd_select(i);
}

/* ---- UCOMISS/UCOMISD/COMISS/COMISD: ZF, PF, CF from the compare; OF, SF, AF cleared ------
 * Unordered gives ZF=PF=CF=1 (SDM UCOMISD); COMIS also raises IE for a QNaN operand, UCOMIS
 * only for SNaN — the host instruction decides, under the guest's DAZ. runtime.check relies on
 * the unordered result. */
/* All six arithmetic flags are written, so the lazy record is dropped rather than evaluated:
 * the result equals flags_materialize() followed by the writes, without computing flags that
 * would be thrown away (UCOMISD is on Go's float-compare path). */
static inline void sse_set_comi_flags(struct cpu *c, _Bool zf, _Bool pf, _Bool cf)
{
    c->cc_op = CC_EFLAGS;
    c->rflags = (c->rflags & ~(uint64_t)FLAGS_ARITH) | (zf ? FLAG_ZF : 0) | (pf ? FLAG_PF : 0) |
                (cf ? FLAG_CF : 0);
}

#define SSE_COMI(name, load)                                                                      \
    static void name(struct cpu *c, __m128i a, __m128i b)                                         \
    {                                                                                             \
        uint32_t csr = sse_host_csr(c), st;                                                       \
        _Bool zf, pf, cf;                                                                         \
        SSE_RUN(c, csr, st, #name " %[b], %[a]", ("=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf)),      \
                ([a] "x"(a), [b] "x"(b)));                                                        \
        sse_host_done(c, csr, st);                                                                \
        sse_set_comi_flags(c, zf, pf, cf);                                                        \
    }                                                                                             \
    static void op_##name##_rr(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        name(c, xmm_get(c, i->reg[0]), xmm_get(c, i->reg[1]));                                    \
    }                                                                                             \
    static void op_##name##_rm(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        name(c, xmm_get(c, i->reg[0]), load(c, i));                                               \
    }                                                                                             \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        return sse_sel_xx(i, op_##name##_rr, op_##name##_rm);                                     \
    }

SSE_COMI(ucomiss, sse_ld32)
SSE_COMI(ucomisd, sse_ld64)
SSE_COMI(comiss, sse_ld32)
SSE_COMI(comisd, sse_ld64)

/* ---- shuffles and unpacks: pure data movement, no MXCSR involvement -------------------------- */

SSE_BINOP(unpcklps, _mm_unpacklo_epi32(a, b))
SSE_BINOP(unpckhps, _mm_unpackhi_epi32(a, b))
SSE_BINOP(unpcklpd, _mm_unpacklo_epi64(a, b))
SSE_BINOP(unpckhpd, _mm_unpackhi_epi64(a, b))

/* SHUFPS: the two low results come from the destination, the two high from the source. */
static void shufps(struct cpu *c, const struct insn *i, xmm_t s)
{
    xmm_t *d = &c->xmm[i->reg[0]], r;
    unsigned imm = (unsigned)i->imm;
    r.d[0] = d->d[imm & 3];
    r.d[1] = d->d[(imm >> 2) & 3];
    r.d[2] = s.d[(imm >> 4) & 3];
    r.d[3] = s.d[(imm >> 6) & 3];
    *d = r;
}

static void shufpd(struct cpu *c, const struct insn *i, xmm_t s)
{
    xmm_t *d = &c->xmm[i->reg[0]], r;
    r.q[0] = d->q[i->imm & 1];
    r.q[1] = s.q[(i->imm >> 1) & 1];
    *d = r;
}

SSE_SHUF(shufps)
SSE_SHUF(shufpd)
