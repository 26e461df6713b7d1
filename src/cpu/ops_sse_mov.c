/* ops_sse_mov.c — SSE/SSE2 data movement: full-register, scalar and half-register moves, MOVD/
 * MOVQ between xmm and general registers or memory, non-temporal stores, sign-mask extraction
 * and LDMXCSR/STMXCSR. Aligned forms (MOVAPS, MOVDQA, MOVNT*) raise #GP on a misaligned address;
 * loads complete before anything is written, so a fault leaves the guest state untouched. */
#include "ops_inline.h"
#include "ops_sel.h"
#include "ops_sse.h"

op_select_fn sel_movs_str;   /* string MOVSD shares the mnemonic (ops_string.c) */

/* ---- 16-byte moves: MOVUPS/MOVUPD/MOVDQU (any alignment), MOVAPS/MOVAPD/MOVDQA (aligned) -- */

void op_mov128_rr(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]] = c->xmm[i->reg[1]];
}

static void op_movu_load(struct cpu *c, const struct insn *i)
{
    mem_ld128(c, insn_ea(c, i), &c->xmm[i->reg[0]]);
}

static void op_movu_store(struct cpu *c, const struct insn *i)
{
    mem_st128(c, insn_ea(c, i), &c->xmm[i->reg[1]]);
}

static void op_mova_load(struct cpu *c, const struct insn *i)
{
    mem_ld128(c, sse_ea16(c, i), &c->xmm[i->reg[0]]);
}

static void op_mova_store(struct cpu *c, const struct insn *i)
{
    mem_st128(c, sse_ea16(c, i), &c->xmm[i->reg[1]]);
}

/* Register, load or store form of an "xmm/mem, xmm/mem" move, from the operand kinds. */
static op_fn *sel_move(const struct insn *i, op_fn *rr, op_fn *load, op_fn *store)
{
    if (i->kind[0] == OK_XMM && i->kind[1] == OK_XMM)
        return rr;
    if (i->kind[0] == OK_XMM && i->kind[1] == OK_MEM)
        return load;
    if (i->kind[0] == OK_MEM && i->kind[1] == OK_XMM)
        return store;
    return NULL;
}

op_fn *sel_movu(const struct insn *i) { return sel_move(i, op_mov128_rr, op_movu_load, op_movu_store); }
op_fn *sel_mova(const struct insn *i) { return sel_move(i, op_mov128_rr, op_mova_load, op_mova_store); }
/* MOVNTDQ/MOVNTPS/MOVNTPD exist only as aligned stores; the cache hint has no meaning here. */
op_fn *sel_movnt(const struct insn *i) { return sel_move(i, NULL, NULL, op_mova_store); }

/* MOVNTI m32/m64, r32/r64: a plain integer store. */
static void op_movnti(struct cpu *c, const struct insn *i)
{
    mem_st(c, insn_ea(c, i), i->size[0], c->gpr[i->reg[1]]);
}

op_fn *sel_movnti(const struct insn *i)
{
    return i->kind[0] == OK_MEM && i->kind[1] == OK_REG && (i->size[0] == 4 || i->size[0] == 8)
               ? op_movnti : NULL;
}

/* ---- MOVSS / MOVSD: register to register merges the low element; a load zeroes the rest ---- */

static void op_movss_rr(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].d[0] = c->xmm[i->reg[1]].d[0];
}

static void op_movss_load(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.d = {(uint32_t)mem_ld(c, insn_ea(c, i), 4)}};
    c->xmm[i->reg[0]] = v;
}

static void op_movss_store(struct cpu *c, const struct insn *i)
{
    mem_st(c, insn_ea(c, i), 4, c->xmm[i->reg[1]].d[0]);
}

void op_movsd_rr(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].q[0] = c->xmm[i->reg[1]].q[0];
}

void op_movsd_load(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.q = {mem_ld(c, insn_ea(c, i), 8)}};
    c->xmm[i->reg[0]] = v;
}

void op_movsd_store(struct cpu *c, const struct insn *i)
{
    mem_st(c, insn_ea(c, i), 8, c->xmm[i->reg[1]].q[0]);
}

op_fn *sel_movss(const struct insn *i)
{
    return sel_move(i, op_movss_rr, op_movss_load, op_movss_store);
}

/* ZYDIS_MNEMONIC_MOVSD is also the string move A5 (no xmm operand), handled in ops_string.c. */
op_fn *sel_movsd(const struct insn *i)
{
    if (i->kind[0] != OK_XMM && i->kind[1] != OK_XMM)
        return sel_movs_str(i);
    return sel_move(i, op_movsd_rr, op_movsd_load, op_movsd_store);
}

/* ---- MOVD / MOVQ between xmm and general registers or memory ----------------------------
 * Into xmm the value is zero-extended to 128 bits; MOVQ xmm, xmm also zeroes the upper quadword.
 * Zydis names the REX.W forms of 66 0F 6E/7E "movq". MMX forms have no OK_XMM operand: NULL. */

static void op_movd_x_r(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.d = {(uint32_t)c->gpr[i->reg[1]]}};
    c->xmm[i->reg[0]] = v;
}

static void op_movd_x_m(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.d = {(uint32_t)mem_ld(c, insn_ea(c, i), 4)}};
    c->xmm[i->reg[0]] = v;
}

static void op_movd_r_x(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = c->xmm[i->reg[1]].d[0];    /* 32-bit write zero-extends */
}

static void op_movd_m_x(struct cpu *c, const struct insn *i)
{
    mem_st(c, insn_ea(c, i), 4, c->xmm[i->reg[1]].d[0]);
}

static void op_movq_x_x(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.q = {c->xmm[i->reg[1]].q[0]}};
    c->xmm[i->reg[0]] = v;
}

static void op_movq_x_r(struct cpu *c, const struct insn *i)
{
    xmm_t v = {.q = {c->gpr[i->reg[1]]}};
    c->xmm[i->reg[0]] = v;
}

static void op_movq_r_x(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = c->xmm[i->reg[1]].q[0];
}

/* movq xmm, m64 is the MOVSD load and movq m64, xmm the MOVSD store: same bytes move. */
static op_fn *sel_movdq(const struct insn *i, unsigned size, op_fn *x_x, op_fn *x_r, op_fn *x_m,
                        op_fn *r_x, op_fn *m_x)
{
    if (i->kind[0] == OK_XMM) {
        if (i->kind[1] == OK_XMM)
            return x_x;
        if (i->kind[1] == OK_REG && i->size[1] == size)
            return x_r;
        return i->kind[1] == OK_MEM ? x_m : NULL;
    }
    if (i->kind[1] != OK_XMM)
        return NULL;
    if (i->kind[0] == OK_REG && i->size[0] == size)
        return r_x;
    return i->kind[0] == OK_MEM ? m_x : NULL;
}

op_fn *sel_movd(const struct insn *i)
{
    return sel_movdq(i, 4, NULL, op_movd_x_r, op_movd_x_m, op_movd_r_x, op_movd_m_x);
}

op_fn *sel_movq(const struct insn *i)
{
    return sel_movdq(i, 8, op_movq_x_x, op_movq_x_r, op_movsd_load, op_movq_r_x, op_movsd_store);
}

/* ---- half-register moves: MOVLPS/MOVLPD/MOVHPS/MOVHPD m64 forms, MOVHLPS/MOVLHPS ---------- */

static void op_movlp_load(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].q[0] = mem_ld(c, insn_ea(c, i), 8);
}

static void op_movhp_load(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].q[1] = mem_ld(c, insn_ea(c, i), 8);
}

static void op_movhp_store(struct cpu *c, const struct insn *i)
{
    mem_st(c, insn_ea(c, i), 8, c->xmm[i->reg[1]].q[1]);
}

/* The register forms of 0F 12 and 0F 16 are MOVHLPS and MOVLHPS, separate mnemonics in Zydis. */
op_fn *sel_movlp(const struct insn *i) { return sel_move(i, NULL, op_movlp_load, op_movsd_store); }
op_fn *sel_movhp(const struct insn *i) { return sel_move(i, NULL, op_movhp_load, op_movhp_store); }

static void op_movhlps(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].q[0] = c->xmm[i->reg[1]].q[1];
}

static void op_movlhps(struct cpu *c, const struct insn *i)
{
    c->xmm[i->reg[0]].q[1] = c->xmm[i->reg[1]].q[0];
}

op_fn *sel_movhlps(const struct insn *i) { return sel_move(i, op_movhlps, NULL, NULL); }
op_fn *sel_movlhps(const struct insn *i) { return sel_move(i, op_movlhps, NULL, NULL); }

/* ---- sign masks into a general register (zero-extended to 64 bits) ---------------------- */

static void op_movmskps(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(xmm_get(c, i->reg[1])));
}

static void op_movmskpd(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = (uint32_t)_mm_movemask_pd(_mm_castsi128_pd(xmm_get(c, i->reg[1])));
}

/* Hot in Go's bytealg (IndexByte, Equal, Compare) right after PCMPEQB. */
static void op_pmovmskb(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = (uint32_t)_mm_movemask_epi8(xmm_get(c, i->reg[1]));
}

static op_fn *sel_mask(const struct insn *i, op_fn *fn)
{
    return i->kind[0] == OK_REG && i->kind[1] == OK_XMM ? fn : NULL;
}

op_fn *sel_movmskps(const struct insn *i) { return sel_mask(i, op_movmskps); }
op_fn *sel_movmskpd(const struct insn *i) { return sel_mask(i, op_movmskpd); }
op_fn *sel_pmovmskb(const struct insn *i) { return sel_mask(i, op_pmovmskb); }

/* exec.h: what the first SSE instruction's sse_mxcsr_load would do, ahead of time. */
void cpu_mxcsr_preload(struct cpu *c)
{
    if (sse_fast(c))
        sse_mxcsr_load(c);
}

/* ---- LDMXCSR / STMXCSR m32 --------------------------------------------------------------
 * goemu's MXCSR_MASK is 0xffff (FXSAVE reports it): bits 16-31 are reserved and setting one
 * is #GP(0) (SDM LDMXCSR). AMD's misaligned-SSE mode bit 17 is not offered. */
#define MXCSR_MASK 0xffffu

static void op_ldmxcsr(struct cpu *c, const struct insn *i)
{
    uint32_t v = (uint32_t)mem_ld(c, insn_ea(c, i), 4);
    if (v & ~MXCSR_MASK)
        sse_gp(c);
    cpu_mxcsr_unload(c);  /* new control bits: the live host MXCSR is stale */
    c->mxcsr = v;
}

static void op_stmxcsr(struct cpu *c, const struct insn *i)
{
    uint64_t ea = insn_ea(c, i);
    cpu_mxcsr_unload(c);  /* fold in the flags the host accumulated */
    mem_st(c, ea, 4, c->mxcsr);
}

static op_fn *sel_m32(const struct insn *i, op_fn *fn)
{
    return i->kind[0] == OK_MEM ? fn : NULL;
}

op_fn *sel_ldmxcsr(const struct insn *i) { return sel_m32(i, op_ldmxcsr); }
op_fn *sel_stmxcsr(const struct insn *i) { return sel_m32(i, op_stmxcsr); }
