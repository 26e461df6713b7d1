/* flags.c — evaluating the lazy flag record into RFLAGS bits (Intel SDM Vol. 1 §3.4.3 and
 * each instruction's "Flags Affected"). CF/OF/AF come from the operands and result of the
 * recorded operation; ZF/SF/PF always from the result at its width. */
#include "flags.h"

static const uint64_t width_masks[4] = {0xff, 0xffff, 0xffffffff, ~0ull};

uint64_t flags_arith(const struct cpu *c)
{
    unsigned kind = c->cc_op >> 2, w = c->cc_op & 3;
    if (kind == CC_EFLAGS)
        return c->rflags & FLAGS_ARITH;
    uint64_t m = width_masks[w], sign = (m >> 1) + 1;
    uint64_t r = c->cc_res & m, a = c->cc_a & m, b = c->cc_b & m;
    int cf = 0, of = 0, af = 0;
    switch (kind) {
    case CC_ADD:
        cf = r < a;
        of = !!((a ^ r) & (b ^ r) & sign);
        af = !!((a ^ b ^ r) & 0x10);
        break;
    case CC_ADC:
        cf = c->cc_aux ? r <= a : r < a;
        of = !!((a ^ r) & (b ^ r) & sign);
        af = !!((a ^ b ^ r) & 0x10);
        break;
    case CC_SUB:
        cf = a < b;
        of = !!((a ^ b) & (a ^ r) & sign);
        af = !!((a ^ b ^ r) & 0x10);
        break;
    case CC_SBB:
        cf = c->cc_aux ? a <= b : a < b;
        of = !!((a ^ b) & (a ^ r) & sign);
        af = !!((a ^ b ^ r) & 0x10);
        break;
    case CC_INC:
        cf = c->cc_aux & 1;
        of = r == sign;
        af = !!((a ^ r) & 0x10);
        break;
    case CC_DEC:
        cf = c->cc_aux & 1;
        of = a == sign;
        af = !!((a ^ r) & 0x10);
        break;
    case CC_SHIFT:
        cf = c->cc_aux & 1;
        of = (c->cc_aux >> 1) & 1;
        break;
    case CC_MUL:
        cf = of = c->cc_aux & 1;
        break;
    case CC_LOGIC:
    default:
        break;
    }
    uint64_t f = 0;
    if (cf) f |= FLAG_CF;
    if (!__builtin_parity((unsigned)(r & 0xff))) f |= FLAG_PF;
    if (af) f |= FLAG_AF;
    if (r == 0) f |= FLAG_ZF;
    if (r & sign) f |= FLAG_SF;
    if (of) f |= FLAG_OF;
    return f;
}

uint64_t flags_get(const struct cpu *c)
{
    return (c->rflags & ~(uint64_t)FLAGS_ARITH) | flags_arith(c) | 2;
}

void flags_put(struct cpu *c, uint64_t v)
{
    /* What POPF can change at CPL 3 with IOPL 0 (SDM POPF): not IF, IOPL, VM, RF; TF would
     * need single-step traps, which goemu does not emulate, so it is kept clear. */
    const uint64_t writable = FLAGS_ARITH | FLAG_DF | FLAG_AC | FLAG_ID | (1u << 14) /* NT */;
    c->rflags = (c->rflags & ~writable) | (v & writable) | 2 | FLAG_IF;
    c->cc_op = CC_EFLAGS;
}

void flags_materialize(struct cpu *c)
{
    c->rflags = flags_get(c);
    c->cc_op = CC_EFLAGS;
}

int flags_cf(const struct cpu *c)
{
    unsigned kind = c->cc_op >> 2, w = c->cc_op & 3;
    uint64_t m = width_masks[w];
    switch (kind) {
    case CC_EFLAGS: return c->rflags & FLAG_CF;
    case CC_ADD: return (c->cc_res & m) < (c->cc_a & m);
    case CC_SUB: return (c->cc_a & m) < (c->cc_b & m);
    case CC_LOGIC: return 0;
    case CC_INC: case CC_DEC: case CC_SHIFT: case CC_MUL: return c->cc_aux & 1;
    default: return !!(flags_arith(c) & FLAG_CF);
    }
}

int flags_cond_slow(const struct cpu *c, unsigned cond)
{
    uint64_t f = flags_arith(c);
    int r;
    switch (cond >> 1) {
    case 0: r = !!(f & FLAG_OF); break;
    case 1: r = !!(f & FLAG_CF); break;
    case 2: r = !!(f & FLAG_ZF); break;
    case 3: r = !!(f & (FLAG_CF | FLAG_ZF)); break;
    case 4: r = !!(f & FLAG_SF); break;
    case 5: r = !!(f & FLAG_PF); break;
    case 6: r = !!(f & FLAG_SF) != !!(f & FLAG_OF); break;
    default: r = (f & FLAG_ZF) || (!!(f & FLAG_SF) != !!(f & FLAG_OF)); break;
    }
    return (cond & 1) ? !r : r;
}
