/* ops_stack.c — PUSH, POP, PUSHFQ, POPFQ, LEAVE. Stores happen before RSP changes, so a
 * faulting push leaves RSP as it was (precise exceptions). 64-bit mode: pushes are 8 bytes
 * unless a 0x66 prefix makes them 2. */
#include "flags.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

static inline void push(struct cpu *c, unsigned size, uint64_t v)
{
    uint64_t sp = c->gpr[RSP] - size;
    mem_st(c, sp, size, v);
    c->gpr[RSP] = sp;
}

static inline uint64_t pop(struct cpu *c, unsigned size)
{
    uint64_t v = mem_ld(c, c->gpr[RSP], size);
    c->gpr[RSP] += size;
    return v;
}

void op_push_r64(struct cpu *c, const struct insn *i) { push(c, 8, c->gpr[i->reg[0]]); }
static void op_push_imm(struct cpu *c, const struct insn *i) { push(c, i->opsize, (uint64_t)i->imm); }
static void op_push_generic(struct cpu *c, const struct insn *i) { push(c, i->opsize, op_get(c, i, 0)); }
void op_pop_r64(struct cpu *c, const struct insn *i) { c->gpr[i->reg[0]] = pop(c, 8); }
static void op_pop_generic(struct cpu *c, const struct insn *i)
{
    uint64_t sp = c->gpr[RSP], v = mem_ld(c, sp, i->opsize);
    if (i->kind[0] == OK_MEM) {
        /* SDM POP: the destination address is computed with the incremented RSP, yet a
         * faulting store must leave RSP unchanged (precise exception). */
        c->gpr[RSP] = sp + i->opsize;
        uint64_t ea = insn_ea(c, i);
        c->gpr[RSP] = sp;
        mem_st(c, ea, i->opsize, v);
        c->gpr[RSP] = sp + i->opsize;
        return;
    }
    c->gpr[RSP] = sp + i->opsize;
    op_put(c, i, 0, v);
}

op_fn *sel_push(const struct insn *i)
{
    if (i->nops != 1)
        return NULL;
    if (i->kind[0] == OK_REG && i->opsize == 8) return op_push_r64;
    if (i->kind[0] == OK_IMM) return op_push_imm;
    return op_push_generic;
}

op_fn *sel_pop(const struct insn *i)
{
    if (i->nops != 1 || i->kind[0] == OK_IMM)
        return NULL;
    return i->kind[0] == OK_REG && i->opsize == 8 ? op_pop_r64 : op_pop_generic;
}

/* The pushed image has RF and VM clear (SDM PUSHF). */
static void op_pushf(struct cpu *c, const struct insn *i)
{
    push(c, i->opsize, flags_get(c) & ~(uint64_t)((1u << 16) | (1u << 17)));
}

static void op_popf(struct cpu *c, const struct insn *i)
{
    uint64_t v = pop(c, i->opsize);
    if (i->opsize == 2)
        v = (flags_get(c) & ~0xffffull) | v;
    flags_put(c, v);
}

op_fn *sel_pushf(const struct insn *i) { return op_pushf; }
op_fn *sel_popf(const struct insn *i) { return op_popf; }

static void op_leave(struct cpu *c, const struct insn *i)
{
    uint64_t v = mem_ld(c, c->gpr[RBP], i->opsize);
    c->gpr[RSP] = c->gpr[RBP] + i->opsize;
    reg_put(c, RBP, i->opsize, v);
}

op_fn *sel_leave(const struct insn *i) { return op_leave; }
