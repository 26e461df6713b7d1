/* flags.h — lazily evaluated arithmetic flags (the Bochs/QEMU scheme).
 * A flag-setting handler records the operation, operands and result; CF/PF/AF/ZF/SF/OF are
 * computed only when an instruction reads them. Most flag writes are overwritten unread. */
#ifndef GOEMU_FLAGS_H
#define GOEMU_FLAGS_H

#include <stdint.h>

#include "cpu.h"

/* cc_op = kind << 2 | log2(width in bytes). */
enum cc_kind {
    CC_EFLAGS = 0,  /* flags are materialised in rflags */
    CC_ADD,         /* res = a + b */
    CC_ADC,         /* res = a + b + cc_aux(carry in) */
    CC_SUB,         /* res = a - b (also CMP, NEG with a = 0) */
    CC_SBB,         /* res = a - b - cc_aux */
    CC_LOGIC,       /* AND/OR/XOR/TEST: CF=OF=0 */
    CC_INC,         /* res = a + 1, CF preserved in cc_aux */
    CC_DEC,         /* res = a - 1, CF preserved in cc_aux */
    CC_SHIFT,       /* SZP from res; CF = cc_aux bit 0, OF = cc_aux bit 1, AF = 0 */
    CC_MUL,         /* SZP from res; CF = OF = cc_aux; AF = 0 */
};
#define CC_OP(kind, width_log2) ((uint32_t)(kind) << 2 | (width_log2))

/* Condition codes in encoding order (Jcc/SETcc/CMOVcc low nibble). */
enum cond {
    COND_O, COND_NO, COND_B, COND_AE, COND_E, COND_NE, COND_BE, COND_A,
    COND_S, COND_NS, COND_P, COND_NP, COND_L, COND_GE, COND_LE, COND_G,
};

static inline unsigned width_log2(unsigned bytes)
{
    return bytes == 8 ? 3 : bytes == 4 ? 2 : bytes == 2 ? 1 : 0;
}

static inline uint64_t width_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

static inline void flags_set(struct cpu *c, enum cc_kind k, unsigned bytes,
                             uint64_t res, uint64_t a, uint64_t b)
{
    c->cc_op = CC_OP(k, width_log2(bytes));
    c->cc_res = res;
    c->cc_a = a;
    c->cc_b = b;
}

/* The six arithmetic flags as RFLAGS bits. */
uint64_t flags_arith(const struct cpu *c);
/* Full RFLAGS (arithmetic bits evaluated, fixed bit 1 set). */
uint64_t flags_get(const struct cpu *c);
/* Sets all of RFLAGS from v (POPF, sigreturn); only architecturally writable user bits. */
void flags_put(struct cpu *c, uint64_t v);
/* Materialises the lazy state: afterwards cc_op == CC_EFLAGS and rflags is complete, so a
 * handler may change single flags (BT, CLC/STC, SAHF-like updates) directly in rflags. */
void flags_materialize(struct cpu *c);
/* Carry flag only, cheaply (ADC/SBB/RCL/RCR need it). */
int flags_cf(const struct cpu *c);
/* Evaluates a condition code from materialised RFLAGS bits. */
int flags_cond_slow(const struct cpu *c, unsigned cond);

static inline int64_t flags_sext(uint64_t v, unsigned wlog2)
{
    switch (wlog2) {
    case 0: return (int8_t)v;
    case 1: return (int16_t)v;
    case 2: return (int32_t)v;
    default: return (int64_t)v;
    }
}

/* Evaluates a condition code. CMP and TEST followed by Jcc/SETcc/CMOVcc are most of what Go
 * executes, so those are answered straight from the operands; handlers specialised per cond
 * let the compiler fold the switch. */
static inline int flags_cond(const struct cpu *c, unsigned cond)
{
    unsigned kind = c->cc_op >> 2, w = c->cc_op & 3;
    if (kind == CC_SUB) {
        uint64_t m = w == 3 ? ~0ull : (1ull << (8u << w)) - 1;
        uint64_t a = c->cc_a & m, b = c->cc_b & m;
        switch (cond) {
        case COND_B: return a < b;
        case COND_AE: return a >= b;
        case COND_E: return a == b;
        case COND_NE: return a != b;
        case COND_BE: return a <= b;
        case COND_A: return a > b;
        case COND_L: return flags_sext(a, w) < flags_sext(b, w);
        case COND_GE: return flags_sext(a, w) >= flags_sext(b, w);
        case COND_LE: return flags_sext(a, w) <= flags_sext(b, w);
        case COND_G: return flags_sext(a, w) > flags_sext(b, w);
        default: break;
        }
    } else if (kind == CC_LOGIC) {
        int64_t r = flags_sext(c->cc_res, w);
        switch (cond) {
        case COND_B: return 0;
        case COND_AE: return 1;
        case COND_E: case COND_BE: return r == 0;
        case COND_NE: case COND_A: return r != 0;
        case COND_S: case COND_L: return r < 0;
        case COND_NS: case COND_GE: return r >= 0;
        case COND_LE: return r <= 0;
        case COND_G: return r > 0;
        case COND_O: return 0;
        case COND_NO: return 1;
        default: break;
        }
    } else if (kind != CC_EFLAGS) {
        /* Every recorded operation sets ZF and SF from its result (DEC/JNZ loops, ADD/JS). */
        int64_t r = flags_sext(c->cc_res, w);
        switch (cond) {
        case COND_E: return r == 0;
        case COND_NE: return r != 0;
        case COND_S: return r < 0;
        case COND_NS: return r >= 0;
        default: break;
        }
    }
    return flags_cond_slow(c, cond);
}

#endif
