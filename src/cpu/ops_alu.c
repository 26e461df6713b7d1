/* ops_alu.c — two-operand ALU instructions (ADD OR ADC SBB AND SUB XOR CMP TEST) and the
 * one-operand INC DEC NEG NOT. The hot 32/64-bit forms (reg,reg / reg,imm / reg,mem / mem,reg /
 * mem,imm) get their own handlers chosen at decode time; 8/16-bit and high-byte forms use one
 * generic handler per mnemonic. Flags are recorded after the destination is written, so a
 * faulting store leaves registers and flags as they were. */
#include <stdint.h>
#include <stdlib.h>

#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

/* Source operand n at the operation's width. Immediates are taken from i->imm directly: the
 * decoder sign-extends them, and Zydis reports the encoded immediate width (1 or 4 bytes for a
 * 64-bit ADD), which would truncate a negative immediate if used as the operand size. */
static inline uint64_t alu_src(struct cpu *c, const struct insn *i, int n, unsigned size)
{
    if (i->kind[n] == OK_IMM)
        return (uint64_t)i->imm & width_mask(size);
    return op_get(c, i, n);
}

/* ---- two-operand ALU ------------------------------------------------------------------------
 * X(name, flag kind, result expression over a, b and cin, writes destination). cin is the carry
 * in for ADC/SBB (read before the operation, kept in cc_aux as flags.h asks). */
#define ALU_OPS(X)                              \
    X(add, CC_ADD, a + b, 1)                    \
    X(or, CC_LOGIC, a | b, 1)                   \
    X(adc, CC_ADC, a + b + cin, 1)              \
    X(sbb, CC_SBB, a - b - cin, 1)              \
    X(and, CC_LOGIC, a & b, 1)                  \
    X(sub, CC_SUB, a - b, 1)                    \
    X(xor, CC_LOGIC, a ^ b, 1)                  \
    X(cmp, CC_SUB, a - b, 0)                    \
    X(test, CC_LOGIC, a & b, 0)

#define HAS_CIN(ccop) ((ccop) == CC_ADC || (ccop) == CC_SBB)
#define CARRY_IN(ccop) (HAS_CIN(ccop) ? (unsigned)flags_cf(c) : 0u)
#define SET_FLAGS(ccop, bytes, r, a, b)             \
    do {                                            \
        flags_set(c, ccop, bytes, r, a, b);         \
        if (HAS_CIN(ccop))                          \
            c->cc_aux = cin;                        \
    } while (0)

/* Specialised forms at width T (uint32_t or uint64_t). A 32-bit register write through a
 * uint32_t value zero-extends, as x86-64 requires. */
/* Register results of the fast forms: 32-bit writes zero-extend, 8-bit ones merge into the
 * low byte (AH..BH operands never reach the fast forms). */
static inline void alu_wr64(struct cpu *c, unsigned r, uint64_t v) { c->gpr[r] = v; }
static inline void alu_wr32(struct cpu *c, unsigned r, uint32_t v) { c->gpr[r] = v; }
static inline void alu_wr8(struct cpu *c, unsigned r, uint8_t v)
{
    c->gpr[r] = (c->gpr[r] & ~0xffull) | v;
}

#define ALU_FAST(name, ccop, expr, writes, bits, T)                                  \
    static void op_##name##_rr##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        unsigned cin = CARRY_IN(ccop);                                               \
        T a = (T)c->gpr[i->reg[0]], b = (T)c->gpr[i->reg[1]], r = (T)(expr);         \
        if (writes)                                                                  \
            alu_wr##bits(c, i->reg[0], r);                                           \
        SET_FLAGS(ccop, sizeof(T), r, a, b);                                         \
    }                                                                                \
    static void op_##name##_ri##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        unsigned cin = CARRY_IN(ccop);                                               \
        T a = (T)c->gpr[i->reg[0]], b = (T)i->imm, r = (T)(expr);                    \
        if (writes)                                                                  \
            alu_wr##bits(c, i->reg[0], r);                                           \
        SET_FLAGS(ccop, sizeof(T), r, a, b);                                         \
    }                                                                                \
    static void op_##name##_rm##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        T b = (T)mem_ld(c, insn_ea(c, i), sizeof(T));                                \
        unsigned cin = CARRY_IN(ccop);                                               \
        T a = (T)c->gpr[i->reg[0]], r = (T)(expr);                                   \
        if (writes)                                                                  \
            alu_wr##bits(c, i->reg[0], r);                                           \
        SET_FLAGS(ccop, sizeof(T), r, a, b);                                         \
    }                                                                                \
    static void op_##name##_mr##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        uint64_t ea = insn_ea(c, i);                                                 \
        unsigned cin = CARRY_IN(ccop);                                               \
        T a = (T)mem_ld(c, ea, sizeof(T)), b = (T)c->gpr[i->reg[1]], r = (T)(expr);  \
        if (writes)                                                                  \
            mem_st(c, ea, sizeof(T), r);                                             \
        SET_FLAGS(ccop, sizeof(T), r, a, b);                                         \
    }                                                                                \
    static void op_##name##_mi##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        uint64_t ea = insn_ea(c, i);                                                 \
        unsigned cin = CARRY_IN(ccop);                                               \
        T a = (T)mem_ld(c, ea, sizeof(T)), b = (T)i->imm, r = (T)(expr);             \
        if (writes)                                                                  \
            mem_st(c, ea, sizeof(T), r);                                             \
        SET_FLAGS(ccop, sizeof(T), r, a, b);                                         \
    }

/* Any width and operand kinds. The destination is read once and written once, so a memory
 * destination is loaded, computed and stored before flags change. */
#define ALU_GENERIC(name, ccop, expr, writes)                                        \
    static void op_##name##_gen(struct cpu *c, const struct insn *i)                \
    {                                                                                \
        unsigned size = i->size[0];                                                  \
        uint64_t m = width_mask(size);                                               \
        uint64_t a = op_get(c, i, 0), b = alu_src(c, i, 1, size);                    \
        unsigned cin = CARRY_IN(ccop);                                               \
        uint64_t r = (expr) & m;                                                     \
        if (writes)                                                                  \
            op_put(c, i, 0, r);                                                      \
        SET_FLAGS(ccop, size, r, a, b);                                              \
    }


/* The specialised form of a two-operand instruction, or -1 when only the generic handler fits.
 * Byte forms matter too: Go tests flag bytes (writeBarrier.enabled, GC mark bits) constantly. */
static int alu_form(const struct insn *i)
{
    if (i->nops != 2 || (i->size[0] != 1 && i->size[0] != 4 && i->size[0] != 8))
        return -1;
    if (i->kind[0] == OK_REG) {
        if (i->kind[1] == OK_REG && i->size[1] == i->size[0])
            return IFORM_RR;
        if (i->kind[1] == OK_IMM)
            return IFORM_RI;
        if (i->kind[1] == OK_MEM && i->size[1] == i->size[0])
            return IFORM_RM;
    } else if (i->kind[0] == OK_MEM) {
        if (i->kind[1] == OK_REG && i->size[1] == i->size[0])
            return IFORM_MR;
        if (i->kind[1] == OK_IMM)
            return IFORM_MI;
    }
    return -1;
}

static op_fn *alu_select(const struct insn *i, op_fn *const fast[3][IFORM_COUNT], op_fn *generic)
{
    if (i->nops != 2 || i->kind[0] == OK_IMM || i->kind[0] == OK_NONE || i->kind[0] == OK_XMM ||
        i->kind[1] == OK_NONE || i->kind[1] == OK_XMM)
        return NULL;
    int form = alu_form(i);
    if (form < 0)
        return generic;
    return fast[i->size[0] == 8 ? 2 : i->size[0] == 4 ? 1 : 0][form];
}

#define ALU_DEFINE(name, ccop, expr, writes)                                         \
    ALU_FAST(name, ccop, expr, writes, 8, uint8_t)                                   \
    ALU_FAST(name, ccop, expr, writes, 32, uint32_t)                                 \
    ALU_FAST(name, ccop, expr, writes, 64, uint64_t)                                 \
    ALU_GENERIC(name, ccop, expr, writes)                                            \
    static op_fn *const name##_fast[3][IFORM_COUNT] = {                              \
        {op_##name##_rr8, op_##name##_ri8, op_##name##_rm8, op_##name##_mr8,         \
         op_##name##_mi8},                                                           \
        {op_##name##_rr32, op_##name##_ri32, op_##name##_rm32, op_##name##_mr32,     \
         op_##name##_mi32},                                                          \
        {op_##name##_rr64, op_##name##_ri64, op_##name##_rm64, op_##name##_mr64,     \
         op_##name##_mi64},                                                          \
    };                                                                               \
    op_fn *sel_##name(const struct insn *i)                                          \
    {                                                                                \
        return alu_select(i, name##_fast, op_##name##_gen);                          \
    }

ALU_OPS(ALU_DEFINE)

/* Every specialised form, by operation, for tier 2's templates. */
static op_fn *const (*const alu_fast[IALU_COUNT])[3][IFORM_COUNT] = {
    [IALU_ADD] = &add_fast, [IALU_OR] = &or_fast, [IALU_ADC] = &adc_fast,
    [IALU_SBB] = &sbb_fast, [IALU_AND] = &and_fast, [IALU_SUB] = &sub_fast,
    [IALU_XOR] = &xor_fast, [IALU_CMP] = &cmp_fast, [IALU_TEST] = &test_fast,
};

int alu_inline_generic(op_fn *fn, unsigned *op)
{
    static op_fn *const gen[IALU_COUNT] = {
        [IALU_ADD] = op_add_gen, [IALU_OR] = op_or_gen, [IALU_ADC] = op_adc_gen,
        [IALU_SBB] = op_sbb_gen, [IALU_AND] = op_and_gen, [IALU_SUB] = op_sub_gen,
        [IALU_XOR] = op_xor_gen, [IALU_CMP] = op_cmp_gen, [IALU_TEST] = op_test_gen,
    };
    for (unsigned k = 0; k < IALU_COUNT; k++)
        if (gen[k] == fn) {
            *op = k;
            return 1;
        }
    return 0;
}

/* The same, sorted by handler address: tier 2 asks several times per instruction it
 * translates, so a hello world would spend 3% of its time in a linear search. Built before
 * main (a constructor), read-only afterwards. */
#define ALU_FORMS (IALU_COUNT * 3 * IFORM_COUNT)
static struct alu_form_entry {
    op_fn *fn;
    struct inline_alu form;
} alu_by_fn[ALU_FORMS];

static int cmp_fn(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct alu_form_entry *)a)->fn;
    uintptr_t y = (uintptr_t)((const struct alu_form_entry *)b)->fn;
    return x < y ? -1 : x > y;
}

__attribute__((constructor)) static void alu_index_forms(void)
{
    static const uint8_t bytes[3] = {1, 4, 8};
    size_t n = 0;
    for (unsigned op = 0; op < IALU_COUNT; op++)
        for (unsigned w = 0; w < 3; w++)
            for (unsigned f = 0; f < IFORM_COUNT; f++)
                alu_by_fn[n++] = (struct alu_form_entry){
                    (*alu_fast[op])[w][f], {(uint8_t)op, (uint8_t)f, bytes[w]}};
    qsort(alu_by_fn, n, sizeof alu_by_fn[0], cmp_fn);
}

int alu_inline_form(op_fn *fn, struct inline_alu *out)
{
    size_t lo = 0, hi = ALU_FORMS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)alu_by_fn[mid].fn < (uintptr_t)fn)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ALU_FORMS || alu_by_fn[lo].fn != fn)
        return 0;
    *out = alu_by_fn[lo].form;
    return 1;
}

/* ---- INC DEC NEG NOT ------------------------------------------------------------------------
 * INC/DEC leave CF alone (SDM INC/DEC "Flags Affected"): the old CF is read before and kept in
 * cc_aux. NEG sets flags as 0 - src, so CF = (src != 0). NOT changes no flags. */

#define INCDEC_REG(name, ccop, op, bits, T)                                          \
    void op_##name##_r##bits(struct cpu *c, const struct insn *i)            \
    {                                                                                \
        unsigned cf = (unsigned)flags_cf(c);                                         \
        T a = (T)c->gpr[i->reg[0]], r = (T)(a op 1);                                 \
        c->gpr[i->reg[0]] = r;                                                       \
        flags_set(c, ccop, sizeof(T), r, a, 1);                                      \
        c->cc_aux = cf;                                                              \
    }

#define INCDEC_DEFINE(name, ccop, op)                                                \
    INCDEC_REG(name, ccop, op, 32, uint32_t)                                         \
    INCDEC_REG(name, ccop, op, 64, uint64_t)                                         \
    void op_##name##_gen(struct cpu *c, const struct insn *i)                       \
    {                                                                                \
        unsigned size = i->size[0];                                                  \
        uint64_t a = op_get(c, i, 0), r = (a op 1) & width_mask(size);               \
        unsigned cf = (unsigned)flags_cf(c);                                         \
        op_put(c, i, 0, r);                                                          \
        flags_set(c, ccop, size, r, a, 1);                                           \
        c->cc_aux = cf;                                                              \
    }                                                                                \
    op_fn *sel_##name(const struct insn *i)                                          \
    {                                                                                \
        if (i->nops != 1 || i->kind[0] == OK_IMM || i->kind[0] == OK_NONE ||         \
            i->kind[0] == OK_XMM)                                                    \
            return NULL;                                                             \
        if (i->kind[0] == OK_REG && i->size[0] == 4)                                 \
            return op_##name##_r32;                                                  \
        if (i->kind[0] == OK_REG && i->size[0] == 8)                                 \
            return op_##name##_r64;                                                  \
        return op_##name##_gen;                                                      \
    }

INCDEC_DEFINE(inc, CC_INC, +)
INCDEC_DEFINE(dec, CC_DEC, -)

void op_neg(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t a = op_get(c, i, 0), r = (0 - a) & width_mask(size);
    op_put(c, i, 0, r);
    flags_set(c, CC_SUB, size, r, 0, a);
}

void op_not(struct cpu *c, const struct insn *i)
{
    op_put(c, i, 0, ~op_get(c, i, 0) & width_mask(i->size[0]));
}

static int is_unary_dest(const struct insn *i)
{
    return i->nops == 1 && (i->kind[0] == OK_REG || i->kind[0] == OK_REG8H ||
                            i->kind[0] == OK_MEM);
}

op_fn *sel_neg(const struct insn *i)
{
    return is_unary_dest(i) ? op_neg : NULL;
}

op_fn *sel_not(const struct insn *i)
{
    return is_unary_dest(i) ? op_not : NULL;
}
