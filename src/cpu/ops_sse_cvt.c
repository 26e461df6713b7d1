/* ops_sse_cvt.c — SSE/SSE2 conversions between integers, single and double precision.
 * Each runs the host's identical instruction under the guest's MXCSR (ops_sse.h): rounding for
 * the non-truncating forms, the integer indefinite value (0x80000000 / 0x8000000000000000) with
 * IE for NaN or out-of-range sources, DAZ/FZ and NaN quieting are the hardware's own. */
#include "ops_sel.h"
#include "ops_sse.h"

/* ---- CVTSI2SS/CVTSI2SD xmm, r/m32 or r/m64: the source width is the GPR/memory operand's;
 * the destination's upper lanes are kept. ------------------------------------------------- */

#define CVT_SI2F(name, mn)                                                                        \
    static void name##_32(struct cpu *c, const struct insn *i, uint32_t v)                        \
    {                                                                                             \
        __m128i d = xmm_get(c, i->reg[0]);                                                        \
        uint32_t csr = sse_host_csr(c), st;                                                       \
        SSE_RUN(c, csr, st, mn "l %[s], %[d]", ([d] "+x"(d)), ([s] "r"(v)));                     \
        sse_host_done(c, csr, st);                                                                \
        xmm_set(c, i->reg[0], d);                                                                 \
    }                                                                                             \
    static void name##_64(struct cpu *c, const struct insn *i, uint64_t v)                        \
    {                                                                                             \
        __m128i d = xmm_get(c, i->reg[0]);                                                        \
        uint32_t csr = sse_host_csr(c), st;                                                       \
        SSE_RUN(c, csr, st, mn "q %[s], %[d]", ([d] "+x"(d)), ([s] "r"(v)));                     \
        sse_host_done(c, csr, st);                                                                \
        xmm_set(c, i->reg[0], d);                                                                 \
    }                                                                                             \
    static void op_##name##_r32(struct cpu *c, const struct insn *i)                              \
    {                                                                                             \
        name##_32(c, i, (uint32_t)c->gpr[i->reg[1]]);                                             \
    }                                                                                             \
    static void op_##name##_r64(struct cpu *c, const struct insn *i)                              \
    {                                                                                             \
        name##_64(c, i, c->gpr[i->reg[1]]);                                                       \
    }                                                                                             \
    static void op_##name##_m32(struct cpu *c, const struct insn *i)                              \
    {                                                                                             \
        name##_32(c, i, (uint32_t)mem_ld(c, insn_ea(c, i), 4));                                   \
    }                                                                                             \
    static void op_##name##_m64(struct cpu *c, const struct insn *i)                              \
    {                                                                                             \
        name##_64(c, i, mem_ld(c, insn_ea(c, i), 8));                                             \
    }                                                                                             \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        if (i->kind[0] != OK_XMM || (i->size[1] != 4 && i->size[1] != 8))                         \
            return NULL;                                                                          \
        if (i->kind[1] == OK_REG)                                                                 \
            return i->size[1] == 8 ? op_##name##_r64 : op_##name##_r32;                           \
        if (i->kind[1] == OK_MEM)                                                                 \
            return i->size[1] == 8 ? op_##name##_m64 : op_##name##_m32;                           \
        return NULL;                                                                              \
    }

CVT_SI2F(cvtsi2ss, "cvtsi2ss")
CVT_SI2F(cvtsi2sd, "cvtsi2sd")

/* ---- CVT(T)SS2SI/CVT(T)SD2SI r32/r64, xmm/m32 or xmm/m64 ---------------------------------
 * A 32-bit destination is zero-extended into the 64-bit register. */

#define CVT_F2SI_WIDTH(name, w, type, load)                                                      \
    static void name##_##w(struct cpu *c, const struct insn *i, __m128i s)                        \
    {                                                                                             \
        uint32_t csr = sse_host_csr(c), st;                                                       \
        type v;                                                                                   \
        SSE_RUN(c, csr, st, #name " %[s], %[d]", ([d] "=r"(v)), ([s] "x"(s)));                   \
        sse_host_done(c, csr, st);                                                                \
        c->gpr[i->reg[0]] = v;                                                                    \
    }                                                                                             \
    static void op_##name##_##w##r(struct cpu *c, const struct insn *i)                           \
    {                                                                                             \
        name##_##w(c, i, xmm_get(c, i->reg[1]));                                                  \
    }                                                                                             \
    static void op_##name##_##w##m(struct cpu *c, const struct insn *i)                           \
    {                                                                                             \
        name##_##w(c, i, load(c, i));                                                             \
    }

#define CVT_F2SI(name, load)                                                                      \
    CVT_F2SI_WIDTH(name, 32, uint32_t, load)                                                      \
    CVT_F2SI_WIDTH(name, 64, uint64_t, load)                                                      \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        if (i->kind[0] != OK_REG || (i->size[0] != 4 && i->size[0] != 8))                         \
            return NULL;                                                                          \
        if (i->kind[1] == OK_XMM)                                                                 \
            return i->size[0] == 8 ? op_##name##_64r : op_##name##_32r;                           \
        if (i->kind[1] == OK_MEM)                                                                 \
            return i->size[0] == 8 ? op_##name##_64m : op_##name##_32m;                           \
        return NULL;                                                                              \
    }

CVT_F2SI(cvttss2si, sse_ld32)
CVT_F2SI(cvttsd2si, sse_ld64)
CVT_F2SI(cvtss2si, sse_ld32)
CVT_F2SI(cvtsd2si, sse_ld64)

/* ---- float <-> float and packed int <-> float: "xmm, xmm/mem" ----------------------------
 * Scalar and 64-bit-source forms read m32/m64 with no alignment rule; m128 sources must be
 * aligned. CVTSS2SD/CVTSD2SS keep the destination's upper lanes; CVTPD2DQ, CVTTPD2DQ and
 * CVTPD2PS zero the upper quadword (the host instruction does both). */

SSE_FPOP(cvtss2sd, "cvtss2sd", sse_ld32)
SSE_FPOP(cvtsd2ss, "cvtsd2ss", sse_ld64)
SSE_FPOP(cvtdq2ps, "cvtdq2ps", sse_ld128a)
SSE_FPOP(cvtps2dq, "cvtps2dq", sse_ld128a)
SSE_FPOP(cvttps2dq, "cvttps2dq", sse_ld128a)
SSE_FPOP(cvtdq2pd, "cvtdq2pd", sse_ld64)
SSE_FPOP(cvtpd2dq, "cvtpd2dq", sse_ld128a)
SSE_FPOP(cvttpd2dq, "cvttpd2dq", sse_ld128a)
SSE_FPOP(cvtps2pd, "cvtps2pd", sse_ld64)
SSE_FPOP(cvtpd2ps, "cvtpd2ps", sse_ld128a)
