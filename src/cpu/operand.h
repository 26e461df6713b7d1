/* operand.h — reading and writing the operands of a decoded instruction.
 * Effective addresses add base, scaled index, displacement and segment base with no branches
 * (absent registers index the always-zero gpr[REG_NONE]). Register writes follow x86-64 rules:
 * a 32-bit write zero-extends, 8/16-bit writes merge. */
#ifndef GOEMU_OPERAND_H
#define GOEMU_OPERAND_H

#include "cpu.h"
#include "flags.h"
#include "insn.h"
#include "cpu/access.h"

static inline uint64_t insn_ea(const struct cpu *c, const struct insn *i)
{
    uint64_t a = (uint64_t)i->disp + c->gpr[i->m_base] + (c->gpr[i->m_index] << i->m_scale);
    if (__builtin_expect(i->prefix & PFX_ADDR32, 0))
        a = (uint32_t)a;
    return a + c->segbase[i->m_seg];
}

static inline uint64_t reg_get(const struct cpu *c, unsigned r, unsigned size)
{
    uint64_t v = c->gpr[r];
    switch (size) {
    case 1: return (uint8_t)v;
    case 2: return (uint16_t)v;
    case 4: return (uint32_t)v;
    default: return v;
    }
}

static inline void reg_put(struct cpu *c, unsigned r, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: c->gpr[r] = (c->gpr[r] & ~0xffull) | (uint8_t)v; break;
    case 2: c->gpr[r] = (c->gpr[r] & ~0xffffull) | (uint16_t)v; break;
    case 4: c->gpr[r] = (uint32_t)v; break;
    default: c->gpr[r] = v; break;
    }
}

/* Generic operand access by index: register, high-byte register, memory or immediate.
 * Values are zero-extended to 64 bits (immediates are returned masked to the operand size). */
static inline uint64_t op_get(struct cpu *c, const struct insn *i, int n)
{
    unsigned size = i->size[n];
    switch (i->kind[n]) {
    case OK_REG: return reg_get(c, i->reg[n], size);
    case OK_REG8H: return (uint8_t)(c->gpr[i->reg[n]] >> 8);
    case OK_MEM: return mem_ld(c, insn_ea(c, i), size);
    /* The decoder already sign-extended the immediate; it applies at the operation's width
     * (size[n] is the encoded width: 1 for `add qword [rax], -1`). */
    case OK_IMM: return (uint64_t)i->imm & width_mask(i->opsize ? i->opsize : size);
    default: return 0;
    }
}

static inline void op_put(struct cpu *c, const struct insn *i, int n, uint64_t v)
{
    switch (i->kind[n]) {
    case OK_REG: reg_put(c, i->reg[n], i->size[n], v); break;
    case OK_REG8H: {
        uint64_t *r = &c->gpr[i->reg[n]];
        *r = (*r & ~0xff00ull) | ((v & 0xff) << 8);
        break;
    }
    case OK_MEM: mem_st(c, insn_ea(c, i), i->size[n], v); break;
    default: break;
    }
}

/* Sign-extends the low `bytes` bytes of v. */
static inline int64_t sext(uint64_t v, unsigned bytes)
{
    switch (bytes) {
    case 1: return (int8_t)v;
    case 2: return (int16_t)v;
    case 4: return (int32_t)v;
    default: return (int64_t)v;
    }
}

#endif
