/* ops_mov.c — data movement: MOV, MOVZX, MOVSX(D), LEA, XCHG, BSWAP, CBW/CWDE/CDQE,
 * CWD/CDQ/CQO. None of these touch flags. The register/register, register/immediate and
 * 32/64-bit memory forms of MOV get their own handlers: MOV is ~30% of what Go executes. */
#include "flags.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

void op_mov_generic(struct cpu *c, const struct insn *i) { op_put(c, i, 0, op_get(c, i, 1)); }
void op_mov_r64_r64(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = c->gpr[i->reg[1]]; }
void op_mov_r32_r32(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = (uint32_t)c->gpr[i->reg[1]]; }
void op_mov_r64_imm(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = (uint64_t)i->imm; }
void op_mov_r32_imm(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = (uint32_t)i->imm; }
void op_mov_r64_m(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = mem_ld64(c, insn_ea(c, i)); }
void op_mov_r32_m(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = mem_ld32(c, insn_ea(c, i)); }
void op_mov_m_r64(struct cpu *c, const struct insn *i) { mem_st(c, insn_ea(c, i), 8, c->gpr[i->reg[1]]); }
void op_mov_m_r32(struct cpu *c, const struct insn *i) { mem_st(c, insn_ea(c, i), 4, c->gpr[i->reg[1]]); }
void op_mov_m_imm(struct cpu *c, const struct insn *i) { mem_st(c, insn_ea(c, i), i->size[0], (uint64_t)i->imm); }
/* [base+disp] with no index, segment or 0x67: most of Go's loads and stores (stack slots and
 * struct fields), so the address is one add. */
void op_mov_r64_bd(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = mem_ld64(c, c->gpr[i->m_base] + (uint64_t)i->disp); }
void op_mov_bd_r64(struct cpu *c, const struct insn *i) { mem_st(c, c->gpr[i->m_base] + (uint64_t)i->disp, 8, c->gpr[i->reg[1]]); }

static int simple_base_disp(const struct insn *i)
{
    return i->m_index == REG_NONE && i->m_seg == SEG_NONE && !(i->prefix & PFX_ADDR32);
}

op_fn *sel_mov(const struct insn *i)
{
    if (i->nops != 2)
        return NULL;
    unsigned k0 = i->kind[0], k1 = i->kind[1], s = i->size[0];
    if (k0 == OK_REG && k1 == OK_REG && s == 8) return op_mov_r64_r64;
    if (k0 == OK_REG && k1 == OK_REG && s == 4) return op_mov_r32_r32;
    if (k0 == OK_REG && k1 == OK_IMM && s == 8) return op_mov_r64_imm;
    if (k0 == OK_REG && k1 == OK_IMM && s == 4) return op_mov_r32_imm;
    if (k0 == OK_REG && k1 == OK_MEM && s == 8) return simple_base_disp(i) ? op_mov_r64_bd : op_mov_r64_m;
    if (k0 == OK_REG && k1 == OK_MEM && s == 4) return op_mov_r32_m;
    if (k0 == OK_MEM && k1 == OK_REG && s == 8) return simple_base_disp(i) ? op_mov_bd_r64 : op_mov_m_r64;
    if (k0 == OK_MEM && k1 == OK_REG && s == 4) return op_mov_m_r32;
    if (k0 == OK_MEM && k1 == OK_IMM) return op_mov_m_imm;
    if ((k0 == OK_REG || k0 == OK_REG8H || k0 == OK_MEM) &&
        (k1 == OK_REG || k1 == OK_REG8H || k1 == OK_MEM || k1 == OK_IMM))
        return op_mov_generic;
    return NULL;
}

void op_movzx(struct cpu *c, const struct insn *i) { reg_put(c, i->reg[0], i->size[0], op_get(c, i, 1)); }
void op_movzx_r_m8(struct cpu *c, const struct insn *i) { reg_put(c, i->reg[0], i->size[0], mem_ld8(c, insn_ea(c, i))); }
void op_movsx(struct cpu *c, const struct insn *i)
{
    reg_put(c, i->reg[0], i->size[0], (uint64_t)sext(op_get(c, i, 1), i->size[1]));
}

op_fn *sel_movzx(const struct insn *i)
{
    if (i->nops != 2 || i->kind[0] != OK_REG)
        return NULL;
    if (i->kind[1] == OK_MEM && i->size[1] == 1)
        return op_movzx_r_m8;
    return op_movzx;
}

/* MOVSXD r16, m32 (66 REX.W=0 63 /r): measured by goemu-oracle, Intel reads only the low 16
 * bits of the source (bytes 2-3 may be unmapped), AMD reads all 32; the result is the same. */
static void op_movsxd_r16_m(struct cpu *c, const struct insn *i)
{
    uint64_t a = insn_ea(c, i);
    reg_put(c, i->reg[0], 2, c->vendor == VENDOR_INTEL ? mem_ld(c, a, 2) : mem_ld(c, a, 4));
}

op_fn *sel_movsx(const struct insn *i)
{
    if (i->nops != 2 || i->kind[0] != OK_REG)
        return NULL;
    if (i->size[0] == 2 && i->size[1] == 4 && i->kind[1] == OK_MEM)
        return op_movsxd_r16_m;
    return op_movsx;
}

/* LEA computes the address without the segment base and without touching memory. */
void op_lea(struct cpu *c, const struct insn *i)
{
    uint64_t a = (uint64_t)i->disp + c->gpr[i->m_base] + (c->gpr[i->m_index] << i->m_scale);
    reg_put(c, i->reg[0], i->size[0], a);
}
void op_lea64(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = (uint64_t)i->disp + c->gpr[i->m_base] + (c->gpr[i->m_index] << i->m_scale);
}

op_fn *sel_lea(const struct insn *i)
{
    if (i->nops != 2 || i->kind[0] != OK_REG || i->kind[1] != OK_MEM)
        return NULL;
    return i->size[0] == 8 && !(i->prefix & PFX_ADDR32) ? op_lea64 : op_lea;
}

/* XCHG with memory is implicitly locked; guest threads share one host thread, so any
 * instruction is atomic with respect to the others. Memory is written first (precise). */
static void op_xchg(struct cpu *c, const struct insn *i)
{
    uint64_t a = op_get(c, i, 0), b = op_get(c, i, 1);
    if (i->kind[1] == OK_MEM) {
        op_put(c, i, 1, a);
        op_put(c, i, 0, b);
    } else {
        op_put(c, i, 0, b);
        op_put(c, i, 1, a);
    }
}

op_fn *sel_xchg(const struct insn *i)
{
    return i->nops == 2 ? op_xchg : NULL;
}

static void op_bswap32(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = __builtin_bswap32((uint32_t)c->gpr[i->reg[0]]);
}
static void op_bswap64(struct cpu *c, const struct insn *i)
{
    c->gpr[i->reg[0]] = __builtin_bswap64(c->gpr[i->reg[0]]);
}

op_fn *sel_bswap(const struct insn *i)
{
    if (i->nops != 1 || i->kind[0] != OK_REG)
        return NULL;
    return i->size[0] == 8 ? op_bswap64 : i->size[0] == 4 ? op_bswap32 : NULL;
}

/* CBW/CWDE/CDQE: sign-extend the low half of the accumulator into all of it. */
static void op_cbw(struct cpu *c, const struct insn *i)
{
    unsigned w = i->opsize;
    reg_put(c, RAX, w, (uint64_t)sext(c->gpr[RAX], w / 2));
}

op_fn *sel_cbw(const struct insn *i) { return op_cbw; }

/* CWD/CDQ/CQO: fill rdx (at the operand width) with the accumulator's sign. */
static void op_cwd(struct cpu *c, const struct insn *i)
{
    unsigned w = i->opsize;
    reg_put(c, RDX, w, sext(c->gpr[RAX], w) < 0 ? ~0ull : 0);
}

op_fn *sel_cwd(const struct insn *i) { return op_cwd; }
