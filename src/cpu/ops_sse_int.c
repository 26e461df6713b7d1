/* ops_sse_int.c — SSE2 packed-integer instructions on xmm registers: logic, add/sub (wrapping
 * and saturating), compares, min/max, averages, multiplies, shifts, unpacks, packs, shuffles and
 * word insert/extract. Each maps onto the host's identical SSE2 instruction where one takes a
 * register operand; immediate-controlled shuffles are written out in C. */
#include "ops_sel.h"
#include "ops_sse.h"

/* ---- "xmm, xmm/m128" operations: the host intrinsic is the instruction ------------------- */

SSE_BINOP(pxor, _mm_xor_si128(a, b))
SSE_BINOP(por, _mm_or_si128(a, b))
SSE_BINOP(pand, _mm_and_si128(a, b))
SSE_BINOP(pandn, _mm_andnot_si128(a, b))      /* dst = ~dst & src */

SSE_BINOP(paddb, _mm_add_epi8(a, b))
SSE_BINOP(paddw, _mm_add_epi16(a, b))
SSE_BINOP(paddd, _mm_add_epi32(a, b))
SSE_BINOP(paddq, _mm_add_epi64(a, b))
SSE_BINOP(psubb, _mm_sub_epi8(a, b))
SSE_BINOP(psubw, _mm_sub_epi16(a, b))
SSE_BINOP(psubd, _mm_sub_epi32(a, b))
SSE_BINOP(psubq, _mm_sub_epi64(a, b))
SSE_BINOP(paddusb, _mm_adds_epu8(a, b))
SSE_BINOP(paddusw, _mm_adds_epu16(a, b))
SSE_BINOP(psubusb, _mm_subs_epu8(a, b))
SSE_BINOP(psubusw, _mm_subs_epu16(a, b))
SSE_BINOP(paddsb, _mm_adds_epi8(a, b))
SSE_BINOP(paddsw, _mm_adds_epi16(a, b))
SSE_BINOP(psubsb, _mm_subs_epi8(a, b))
SSE_BINOP(psubsw, _mm_subs_epi16(a, b))

SSE_BINOP(pcmpeqb, _mm_cmpeq_epi8(a, b))
SSE_BINOP(pcmpeqw, _mm_cmpeq_epi16(a, b))
SSE_BINOP(pcmpeqd, _mm_cmpeq_epi32(a, b))
SSE_BINOP(pcmpgtb, _mm_cmpgt_epi8(a, b))
SSE_BINOP(pcmpgtw, _mm_cmpgt_epi16(a, b))
SSE_BINOP(pcmpgtd, _mm_cmpgt_epi32(a, b))

SSE_BINOP(pminub, _mm_min_epu8(a, b))
SSE_BINOP(pmaxub, _mm_max_epu8(a, b))
SSE_BINOP(pminsw, _mm_min_epi16(a, b))
SSE_BINOP(pmaxsw, _mm_max_epi16(a, b))
SSE_BINOP(pavgb, _mm_avg_epu8(a, b))
SSE_BINOP(pavgw, _mm_avg_epu16(a, b))

SSE_BINOP(pmullw, _mm_mullo_epi16(a, b))
SSE_BINOP(pmulhw, _mm_mulhi_epi16(a, b))
SSE_BINOP(pmulhuw, _mm_mulhi_epu16(a, b))
SSE_BINOP(pmuludq, _mm_mul_epu32(a, b))
SSE_BINOP(pmaddwd, _mm_madd_epi16(a, b))
SSE_BINOP(psadbw, _mm_sad_epu8(a, b))

SSE_BINOP(punpcklbw, _mm_unpacklo_epi8(a, b))
SSE_BINOP(punpcklwd, _mm_unpacklo_epi16(a, b))
SSE_BINOP(punpckldq, _mm_unpacklo_epi32(a, b))
SSE_BINOP(punpcklqdq, _mm_unpacklo_epi64(a, b))
SSE_BINOP(punpckhbw, _mm_unpackhi_epi8(a, b))
SSE_BINOP(punpckhwd, _mm_unpackhi_epi16(a, b))
SSE_BINOP(punpckhdq, _mm_unpackhi_epi32(a, b))
SSE_BINOP(punpckhqdq, _mm_unpackhi_epi64(a, b))
SSE_BINOP(packsswb, _mm_packs_epi16(a, b))
SSE_BINOP(packssdw, _mm_packs_epi32(a, b))
SSE_BINOP(packuswb, _mm_packus_epi16(a, b))

/* ---- shifts ------------------------------------------------------------------------------
 * Three forms: "xmm, xmm" and "xmm, m128" take the count from the source's low quadword,
 * "xmm, imm8" from the immediate. A count above the lane width clears the lane (logical) or
 * fills it with the sign (arithmetic) — SDM PSLLW/PSRAW; the host instructions do exactly that,
 * so the immediate form feeds the same instruction a count register. */
#define SSE_SHIFT(name, fn)                                                                       \
    SSE_BINOP_HANDLERS(name, fn(a, b))                                                            \
    static void op_##name##_ri(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        __m128i count = _mm_cvtsi32_si128((int)(i->imm & 0xff));                                 \
        xmm_set(c, i->reg[0], fn(xmm_get(c, i->reg[0]), count));                                  \
    }                                                                                             \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        if (i->kind[0] == OK_XMM && i->kind[1] == OK_IMM)                                         \
            return op_##name##_ri;                                                                \
        return sse_sel_xx(i, op_##name##_rr, op_##name##_rm);                                     \
    }

SSE_SHIFT(psllw, _mm_sll_epi16)
SSE_SHIFT(pslld, _mm_sll_epi32)
SSE_SHIFT(psllq, _mm_sll_epi64)
SSE_SHIFT(psrlw, _mm_srl_epi16)
SSE_SHIFT(psrld, _mm_srl_epi32)
SSE_SHIFT(psrlq, _mm_srl_epi64)
SSE_SHIFT(psraw, _mm_sra_epi16)
SSE_SHIFT(psrad, _mm_sra_epi32)

/* PSLLDQ/PSRLDQ shift the whole register by imm8 bytes; 16 or more clears it. The host
 * instruction only takes a constant, so this is a byte copy. */
static void op_pslldq(struct cpu *c, const struct insn *i)
{
    xmm_t *d = &c->xmm[i->reg[0]], r = {0};
    unsigned n = (unsigned)i->imm & 0xff;
    if (n < 16)
        memcpy(r.b + n, d->b, 16 - n);
    *d = r;
}

static void op_psrldq(struct cpu *c, const struct insn *i)
{
    xmm_t *d = &c->xmm[i->reg[0]], r = {0};
    unsigned n = (unsigned)i->imm & 0xff;
    if (n < 16)
        memcpy(r.b, d->b + n, 16 - n);
    *d = r;
}

static op_fn *sel_xmm_imm(const struct insn *i, op_fn *fn)
{
    return i->kind[0] == OK_XMM && i->kind[1] == OK_IMM ? fn : NULL;
}

op_fn *sel_pslldq(const struct insn *i) { return sel_xmm_imm(i, op_pslldq); }
op_fn *sel_psrldq(const struct insn *i) { return sel_xmm_imm(i, op_psrldq); }

/* ---- shuffles: "xmm, xmm/m128, imm8", two control bits per destination element ---------- */

static void pshufd(struct cpu *c, const struct insn *i, xmm_t s)
{
    xmm_t r;
    for (int k = 0; k < 4; k++)
        r.d[k] = s.d[(i->imm >> (2 * k)) & 3];
    c->xmm[i->reg[0]] = r;
}

/* PSHUFLW shuffles the low four words and copies the high quadword; PSHUFHW the reverse. */
static void pshuflw(struct cpu *c, const struct insn *i, xmm_t s)
{
    xmm_t r = s;
    for (int k = 0; k < 4; k++)
        r.w[k] = s.w[(i->imm >> (2 * k)) & 3];
    c->xmm[i->reg[0]] = r;
}

static void pshufhw(struct cpu *c, const struct insn *i, xmm_t s)
{
    xmm_t r = s;
    for (int k = 0; k < 4; k++)
        r.w[4 + k] = s.w[4 + ((i->imm >> (2 * k)) & 3)];
    c->xmm[i->reg[0]] = r;
}

SSE_SHUF(pshufd)
SSE_SHUF(pshuflw)
SSE_SHUF(pshufhw)

/* ---- PINSRW / PEXTRW: imm8 bits 2:0 select the word ------------------------------------- */

static void op_pinsrw_r(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].w[i->imm & 7] = (uint16_t)c->gpr[i->reg[1]];
}

static void op_pinsrw_m(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].w[i->imm & 7] = (uint16_t)mem_ld(c, insn_ea(c, i), 2);
}

op_fn *sel_pinsrw(const struct insn *i)
{
    if (i->kind[0] != OK_XMM || i->kind[2] != OK_IMM)
        return NULL;
    return i->kind[1] == OK_REG ? op_pinsrw_r : i->kind[1] == OK_MEM ? op_pinsrw_m : NULL;
}

/* The word is zero-extended into the whole 64-bit register, whatever the encoded width. */
static void op_pextrw(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = c->xmm[i->reg[1]].w[i->imm & 7];
}

/* 66 0F 3A 15 (register or memory destination) is the SSE4.1 form, which goemu does not
 * advertise: only the SSE2 opcode 66 0F C5 is accepted. */
op_fn *sel_pextrw(const struct insn *i)
{
    return i->opcode == 0xc5 && i->kind[0] == OK_REG && i->kind[1] == OK_XMM &&
                   i->kind[2] == OK_IMM
               ? op_pextrw : NULL;
}
