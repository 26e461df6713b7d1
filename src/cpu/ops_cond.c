/* ops_cond.c — SETcc and CMOVcc, one handler per condition (the condition is the low nibble
 * of the opcode byte). CMOVcc reads its source even when the condition is false, and a 32-bit
 * CMOVcc always zero-extends its destination register (SDM CMOVcc). */
#include "flags.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

#define COND_HANDLERS(cc) \
    static void op_set_##cc(struct cpu *c, const struct insn *i) { op_put(c, i, 0, flags_cond(c, cc)); } \
    static void op_cmov_##cc(struct cpu *c, const struct insn *i) \
    { \
        uint64_t v = op_get(c, i, 1); \
        if (flags_cond(c, cc)) \
            reg_put(c, i->reg[0], i->size[0], v); \
        else if (i->size[0] == 4) \
            c->gpr[i->reg[0]] = (uint32_t)c->gpr[i->reg[0]]; \
    }
COND_HANDLERS(COND_O) COND_HANDLERS(COND_NO) COND_HANDLERS(COND_B) COND_HANDLERS(COND_AE)
COND_HANDLERS(COND_E) COND_HANDLERS(COND_NE) COND_HANDLERS(COND_BE) COND_HANDLERS(COND_A)
COND_HANDLERS(COND_S) COND_HANDLERS(COND_NS) COND_HANDLERS(COND_P) COND_HANDLERS(COND_NP)
COND_HANDLERS(COND_L) COND_HANDLERS(COND_GE) COND_HANDLERS(COND_LE) COND_HANDLERS(COND_G)

#define ROW(prefix) { \
    prefix##COND_O, prefix##COND_NO, prefix##COND_B, prefix##COND_AE, prefix##COND_E, \
    prefix##COND_NE, prefix##COND_BE, prefix##COND_A, prefix##COND_S, prefix##COND_NS, \
    prefix##COND_P, prefix##COND_NP, prefix##COND_L, prefix##COND_GE, prefix##COND_LE, \
    prefix##COND_G }
static op_fn *const set_handlers[16] = ROW(op_set_);
static op_fn *const cmov_handlers[16] = ROW(op_cmov_);

op_fn *sel_setcc(const struct insn *i)
{
    if (i->nops != 1 || i->size[0] != 1 || i->kind[0] == OK_IMM)
        return NULL;
    return set_handlers[i->opcode & 15];
}

op_fn *sel_cmovcc(const struct insn *i)
{
    if (i->nops != 2 || i->kind[0] != OK_REG || i->size[0] < 2)
        return NULL;
    return cmov_handlers[i->opcode & 15];
}

int cond_inline_form(op_fn *fn, int *is_cmov)
{
    for (int cc = 0; cc < 16; cc++)
        if (set_handlers[cc] == fn || cmov_handlers[cc] == fn) {
            *is_cmov = cmov_handlers[cc] == fn;
            return cc;
        }
    return -1;
}
