/* ops_atomic.c — CMPXCHG and XADD, with or without LOCK. Every guest thread runs on one host
 * thread, so a plain read-modify-write is already atomic with respect to the guest; LOCK only
 * matters for the decoder's validity checks. Stores come first, registers and flags after, so a
 * faulting store leaves no partial effect. */
#include "operand.h"
#include "ops_sel.h"

/* SDM CMPXCHG: compare the accumulator with dest (flags as CMP acc, dest). Equal: dest ← src.
 * Otherwise the accumulator ← dest, and a memory dest is written back with its own value (the
 * processor always issues the write). A register dest is left alone on failure, upper half
 * included, while a 32-bit accumulator load zero-extends RAX; on success RAX is not written. */
static void op_cmpxchg(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t acc = reg_get(c, RAX, size), src = op_get(c, i, 1);
    uint64_t d = op_get(c, i, 0);
    if (acc == d) {
        op_put(c, i, 0, src);
    } else {
        if (i->kind[0] == OK_MEM)
            op_put(c, i, 0, d);
        reg_put(c, RAX, size, d);
    }
    flags_set(c, CC_SUB, size, (acc - d) & width_mask(size), acc, d);
}

/* SDM XADD: TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP (so XADD r, r with one register leaves
 * the sum). Flags as ADD. */
static void op_xadd(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t s = op_get(c, i, 1), d = op_get(c, i, 0);
    uint64_t sum = (s + d) & width_mask(size);
    if (i->kind[0] == OK_MEM) {
        op_put(c, i, 0, sum);
        op_put(c, i, 1, d);
    } else {
        op_put(c, i, 1, d);
        op_put(c, i, 0, sum);
    }
    flags_set(c, CC_ADD, size, sum, d, s);
}

static op_fn *rmw_select(const struct insn *i, op_fn *fn)
{
    if (i->nops != 2 || (i->kind[0] != OK_REG && i->kind[0] != OK_REG8H && i->kind[0] != OK_MEM))
        return NULL;
    if (i->kind[1] != OK_REG && i->kind[1] != OK_REG8H)
        return NULL;
    return fn;
}

op_fn *sel_cmpxchg(const struct insn *i)
{
    return rmw_select(i, op_cmpxchg);
}

op_fn *sel_xadd(const struct insn *i)
{
    return rmw_select(i, op_xadd);
}
