/* ops_bits.c — bit test and modify (BT BTS BTR BTC), bit scans (BSF BSR) and the instructions
 * that move single flags (CLC STC CMC, LAHF SAHF). BT* change only CF, so they materialise the
 * lazy flags and edit the bit; ZF is preserved as the SDM requires and the undefined OF/SF/AF/PF
 * keep their old values. */
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

enum bit_op { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

static inline void set_cf(struct cpu *c, unsigned cf)
{
    flags_materialize(c);
    c->rflags = (c->rflags & ~(uint64_t)FLAG_CF) | (cf ? FLAG_CF : 0);
}

static inline uint64_t bit_apply(enum bit_op op, uint64_t v, uint64_t mask)
{
    switch (op) {
    case BIT_SET: return v | mask;
    case BIT_RESET: return v & ~mask;
    case BIT_COMPLEMENT: return v ^ mask;
    default: return v;
    }
}

/* SDM Vol. 1 §3.4.1.2 "Bit(BitBase, BitOffset)" and BT: with a register bit offset and a memory
 * operand, the offset is signed and may reach outside the operand: the processor accesses the
 * operand-sized word at EA + size * floor(offset / bits). An immediate offset is taken modulo
 * the operand width and never leaves the operand. */
static inline void bit_generic(struct cpu *c, const struct insn *i, enum bit_op op)
{
    unsigned size = i->size[0], bits = size * 8;
    uint64_t off = i->kind[1] == OK_IMM ? (uint64_t)i->imm : reg_get(c, i->reg[1], size);
    uint64_t mask = 1ull << (off & (bits - 1)), v, r;
    if (i->kind[0] == OK_MEM) {
        uint64_t ea = insn_ea(c, i);
        if (i->kind[1] != OK_IMM) {
            ea += (uint64_t)((sext(off, size) >> (width_log2(size) + 3)) * (int64_t)size);
            if (i->prefix & PFX_ADDR32)  /* the whole address wraps at 32 bits */
                ea = (uint32_t)(ea - c->segbase[i->m_seg]) + c->segbase[i->m_seg];
        }
        v = mem_ld(c, ea, size);
        r = bit_apply(op, v, mask);
        if (op != BIT_TEST)
            mem_st(c, ea, size, r);
    } else {
        v = reg_get(c, i->reg[0], size);
        r = bit_apply(op, v, mask);
        if (op != BIT_TEST)
            reg_put(c, i->reg[0], size, r);
    }
    set_cf(c, (v & mask) != 0);
}

static op_fn *bit_select(const struct insn *i, op_fn *fn)
{
    if (i->nops != 2 || (i->kind[0] != OK_REG && i->kind[0] != OK_MEM) || i->size[0] < 2)
        return NULL;
    if (i->kind[1] != OK_IMM && i->kind[1] != OK_REG)
        return NULL;
    return fn;
}

#define BIT_DEFINE(name, op)                                                         \
    static void op_##name(struct cpu *c, const struct insn *i)                      \
    {                                                                                \
        bit_generic(c, i, op);                                                       \
    }                                                                                \
    op_fn *sel_##name(const struct insn *i)                                          \
    {                                                                                \
        return bit_select(i, op_##name);                                             \
    }

BIT_DEFINE(bt, BIT_TEST)
BIT_DEFINE(bts, BIT_SET)
BIT_DEFINE(btr, BIT_RESET)
BIT_DEFINE(btc, BIT_COMPLEMENT)

/* ---- BSF / BSR ------------------------------------------------------------------------------
 * SDM: with a zero source ZF=1 and the destination is undefined; real CPUs leave it unchanged
 * (a 32-bit destination keeps its upper half too), and Go's bits.Len/TrailingZeros code relies
 * only on ZF. The other flags are undefined; CC_LOGIC on the source gives ZF = (src == 0). */

void op_bsf(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t s = op_get(c, i, 1);
    if (s != 0)
        reg_put(c, i->reg[0], size, (uint64_t)__builtin_ctzll(s));
    flags_set(c, CC_LOGIC, size, s, 0, 0);
}

void op_bsr(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t s = op_get(c, i, 1);
    if (s != 0)
        reg_put(c, i->reg[0], size, (uint64_t)(63 - __builtin_clzll(s)));
    flags_set(c, CC_LOGIC, size, s, 0, 0);
}

static op_fn *scan_select(const struct insn *i, op_fn *fn)
{
    if (i->nops != 2 || i->kind[0] != OK_REG || i->size[0] < 2)
        return NULL;
    return i->kind[1] == OK_REG || i->kind[1] == OK_MEM ? fn : NULL;
}

op_fn *sel_bsf(const struct insn *i)
{
    return scan_select(i, op_bsf);
}

op_fn *sel_bsr(const struct insn *i)
{
    return scan_select(i, op_bsr);
}

/* ---- CLC STC CMC LAHF SAHF ------------------------------------------------------------------ */

static void op_clc(struct cpu *c, const struct insn *i)
{
    set_cf(c, 0);
}

static void op_stc(struct cpu *c, const struct insn *i)
{
    set_cf(c, 1);
}

static void op_cmc(struct cpu *c, const struct insn *i)
{
    set_cf(c, !flags_cf(c));
}

/* SDM LAHF: AH ← SF:ZF:0:AF:0:PF:1:CF, exactly the low byte of RFLAGS. */
static void op_lahf(struct cpu *c, const struct insn *i)
{
    uint64_t ah = flags_get(c) & 0xff;
    c->gpr[RAX] = (c->gpr[RAX] & ~0xff00ull) | ah << 8;
}

/* SDM SAHF: SF, ZF, AF, PF and CF ← AH bits 7, 6, 4, 2, 0. */
static void op_sahf(struct cpu *c, const struct insn *i)
{
    const uint64_t bits = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;
    uint64_t ah = (c->gpr[RAX] >> 8) & 0xff;
    flags_materialize(c);
    c->rflags = (c->rflags & ~bits) | (ah & bits);
}

static op_fn *no_operands(const struct insn *i, op_fn *fn)
{
    return i->nops == 0 ? fn : NULL;
}

op_fn *sel_clc(const struct insn *i) { return no_operands(i, op_clc); }
op_fn *sel_stc(const struct insn *i) { return no_operands(i, op_stc); }
op_fn *sel_cmc(const struct insn *i) { return no_operands(i, op_cmc); }
op_fn *sel_lahf(const struct insn *i) { return no_operands(i, op_lahf); }
op_fn *sel_sahf(const struct insn *i) { return no_operands(i, op_sahf); }
