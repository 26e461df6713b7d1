/* ops_shift.c — SHL SHR SAR, ROL ROR, RCL RCR, SHLD SHRD.
 * The count is masked to 5 bits (6 for 64-bit operands); a masked count of 0 changes no flags,
 * though a 32-bit register destination is still written and so zero-extended (as hardware does).
 * Shifts record CF/OF in cc_aux (CC_SHIFT); rotates change only CF and OF, so they materialise
 * the flags and edit those two bits (SDM Vol. 2B "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR"). */
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

typedef unsigned __int128 u128;

enum shift_op { SH_SHL, SH_SHR, SH_SAR, SH_ROL, SH_ROR, SH_RCL, SH_RCR };
_Static_assert((int)SH_SHL == ISH_SHL && (int)SH_SHR == ISH_SHR && (int)SH_SAR == ISH_SAR,
               "ops_inline.h names the shifts by these numbers");

static inline unsigned count_mask(unsigned size)
{
    return size == 8 ? 63 : 31;
}

/* The count operand n: an immediate, CL, or the implicit 1 of the D0/D1 forms (which Zydis may
 * present as an immediate operand or leave out). */
static inline unsigned shift_count(const struct cpu *c, const struct insn *i, int n)
{
    if (i->nops <= n)
        return 1;
    if (i->kind[n] == OK_IMM)
        return (unsigned)i->imm & 0xff;
    return (uint8_t)c->gpr[i->reg[n]];
}

static inline unsigned msb(uint64_t v, unsigned bits)
{
    return (unsigned)(v >> (bits - 1)) & 1;
}

/* ---- result and CF/OF of each operation, for a masked count n >= 1 --------------------------
 * *cf and *of receive the new flags; OF is architecturally defined only for n == 1 and is
 * computed with the n == 1 formula for every count. */

static inline uint64_t do_shl(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    /* n - 1 <= 30 for narrow operands, so the intermediate never loses the last bit out. */
    uint64_t t = a << (n - 1);
    uint64_t r = (t << 1) & width_mask(bits / 8);
    *cf = msb(t, bits);
    *of = msb(r, bits) ^ *cf;  /* SDM: OF = MSB(result) XOR CF */
    return r;
}

static inline uint64_t do_shr(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    uint64_t t = a >> (n - 1);
    *cf = t & 1;
    *of = n == 1 ? msb(a, bits) : 0;  /* SDM: OF = MSB(original operand) */
    return t >> 1;
}

static inline uint64_t do_sar(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    int64_t t = sext(a, bits / 8) >> (n - 1);
    *cf = t & 1;
    *of = 0;  /* SDM: OF cleared for 1-bit shifts */
    return (uint64_t)(t >> 1) & width_mask(bits / 8);
}

/* ROL/ROR rotate by n mod width; CF is set even when that is 0 (SDM ROL pseudocode: "IF (COUNT
 * & COUNTMASK) ≠ 0 THEN CF ← LSB(DEST)"). */
static inline uint64_t do_rol(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    unsigned k = n & (bits - 1);
    uint64_t r = k ? (a << k | a >> (bits - k)) & width_mask(bits / 8) : a;
    *cf = r & 1;
    *of = msb(r, bits) ^ *cf;
    return r;
}

static inline uint64_t do_ror(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    unsigned k = n & (bits - 1);
    uint64_t r = k ? (a >> k | a << (bits - k)) & width_mask(bits / 8) : a;
    *cf = msb(r, bits);
    *of = msb(r, bits) ^ msb(r, bits - 1);  /* SDM: OF = MSB(DEST) XOR MSB-1(DEST) */
    return r;
}

/* RCL/RCR rotate the (width+1)-bit value CF:dest by n mod (width+1) (mod 9 and 17 for byte and
 * word operands; the masked count is already below 33 and 65). */
static inline uint64_t do_rcl(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    unsigned k = n % (bits + 1);
    if (k == 0) {
        *of = msb(a, bits) ^ *cf;
        return a;
    }
    u128 mask = ((u128)1 << (bits + 1)) - 1;
    u128 v = (u128)*cf << bits | a;
    v = (v << k | v >> (bits + 1 - k)) & mask;
    uint64_t r = (uint64_t)v & width_mask(bits / 8);
    *cf = (unsigned)(v >> bits) & 1;
    *of = msb(r, bits) ^ *cf;  /* SDM RCL: OF = MSB(DEST) XOR CF */
    return r;
}

static inline uint64_t do_rcr(uint64_t a, unsigned n, unsigned bits, unsigned *cf, unsigned *of)
{
    unsigned k = n % (bits + 1);
    uint64_t r = a;
    if (k != 0) {
        u128 mask = ((u128)1 << (bits + 1)) - 1;
        u128 v = (u128)*cf << bits | a;
        v = (v >> k | v << (bits + 1 - k)) & mask;
        *cf = (unsigned)(v >> bits) & 1;
        r = (uint64_t)v & width_mask(bits / 8);
    }
    /* SDM RCR: OF = MSB(DEST) XOR CF before a 1-bit rotation, which is the top two bits of the
     * result; that form also matches AMD hardware for the undefined larger counts. */
    *of = msb(r, bits) ^ msb(r, bits - 1);
    return r;
}

static inline uint64_t do_shift(enum shift_op op, uint64_t a, unsigned n, unsigned bits,
                                unsigned *cf, unsigned *of)
{
    switch (op) {
    case SH_SHL: return do_shl(a, n, bits, cf, of);
    case SH_SHR: return do_shr(a, n, bits, cf, of);
    case SH_SAR: return do_sar(a, n, bits, cf, of);
    case SH_ROL: return do_rol(a, n, bits, cf, of);
    case SH_ROR: return do_ror(a, n, bits, cf, of);
    case SH_RCL: return do_rcl(a, n, bits, cf, of);
    default: return do_rcr(a, n, bits, cf, of);
    }
}

/* Records the flags of a shift (SZP from the result) or a rotate (only CF and OF). */
static inline void shift_flags(struct cpu *c, enum shift_op op, unsigned size, uint64_t r,
                               uint64_t a, unsigned n, unsigned cf, unsigned of)
{
    if (op <= SH_SAR) {
        flags_set(c, CC_SHIFT, size, r, a, n);
        c->cc_aux = cf | of << 1;
        return;
    }
    flags_materialize(c);
    c->rflags = (c->rflags & ~(uint64_t)(FLAG_CF | FLAG_OF)) | (cf ? FLAG_CF : 0) |
                (of ? FLAG_OF : 0);
}

/* Any operand kind and width: load, compute, store, then flags. */
static inline void shift_generic(struct cpu *c, const struct insn *i, enum shift_op op)
{
    unsigned size = i->size[0], bits = size * 8;
    uint64_t a = op_get(c, i, 0);
    unsigned n = shift_count(c, i, 1) & count_mask(size);
    if (n == 0) {
        op_put(c, i, 0, a);  /* no flags; a 32-bit register is still zero-extended */
        return;
    }
    unsigned cf = (op == SH_RCL || op == SH_RCR) ? (unsigned)flags_cf(c) : 0, of = 0;
    uint64_t r = do_shift(op, a, n, bits, &cf, &of);
    op_put(c, i, 0, r);
    shift_flags(c, op, size, r, a, n, cf, of);
}

/* Register destination, immediate count, 32/64-bit: the common compiled-code form. */
#define SHIFT_RI(name, op, bits, T)                                                  \
    static void op_##name##_ri##bits(struct cpu *c, const struct insn *i)           \
    {                                                                                \
        T a = (T)c->gpr[i->reg[0]];                                                  \
        unsigned n = (unsigned)i->imm & (bits - 1), of = 0;                          \
        if (n == 0) {                                                                \
            c->gpr[i->reg[0]] = a;                                                   \
            return;                                                                  \
        }                                                                            \
        unsigned cf = (op == SH_RCL || op == SH_RCR) ? (unsigned)flags_cf(c) : 0;    \
        T r = (T)do_shift(op, a, n, bits, &cf, &of);                                 \
        c->gpr[i->reg[0]] = r;                                                       \
        shift_flags(c, op, sizeof(T), r, a, n, cf, of);                              \
    }

#define SHIFT_DEFINE(name, op)                                                       \
    static void op_##name##_gen(struct cpu *c, const struct insn *i)                \
    {                                                                                \
        shift_generic(c, i, op);                                                     \
    }                                                                                \
    SHIFT_RI(name, op, 32, uint32_t)                                                 \
    SHIFT_RI(name, op, 64, uint64_t)                                                 \
    op_fn *sel_##name(const struct insn *i)                                          \
    {                                                                                \
        return shift_select(i, op_##name##_ri32, op_##name##_ri64, op_##name##_gen); \
    }

static int is_rm(const struct insn *i, int n)
{
    return i->kind[n] == OK_REG || i->kind[n] == OK_REG8H || i->kind[n] == OK_MEM;
}

static op_fn *shift_select(const struct insn *i, op_fn *ri32, op_fn *ri64, op_fn *generic)
{
    if (i->nops < 1 || i->nops > 2 || !is_rm(i, 0))
        return NULL;
    if (i->nops == 2 && i->kind[1] != OK_IMM && !(i->kind[1] == OK_REG && i->reg[1] == RCX))
        return NULL;
    if (i->nops == 2 && i->kind[0] == OK_REG && i->kind[1] == OK_IMM) {
        if (i->size[0] == 4)
            return ri32;
        if (i->size[0] == 8)
            return ri64;
    }
    return generic;
}

SHIFT_DEFINE(shl, SH_SHL)
SHIFT_DEFINE(shr, SH_SHR)
SHIFT_DEFINE(sar, SH_SAR)
SHIFT_DEFINE(rol, SH_ROL)
SHIFT_DEFINE(ror, SH_ROR)
SHIFT_DEFINE(rcl, SH_RCL)
SHIFT_DEFINE(rcr, SH_RCR)

/* ---- SHLD / SHRD ----------------------------------------------------------------------------
 * dest is shifted and the vacated bits filled from src (SDM "SHLD", "SHRD"). CF is the last bit
 * shifted out of dest; OF (defined for a count of 1) says whether the sign changed; AF is
 * undefined. A 16-bit operand with a count above 16 has an undefined result. */

static void op_shld(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0], bits = size * 8;
    uint64_t a = op_get(c, i, 0), b = reg_get(c, i->reg[1], size);
    unsigned n = shift_count(c, i, 2) & count_mask(size);
    if (n == 0) {
        op_put(c, i, 0, a);
        return;
    }
    u128 v = (u128)a << bits | b;
    uint64_t r = (uint64_t)((v << n) >> bits) & width_mask(size);
    unsigned cf = (unsigned)((v << (n - 1)) >> (2 * bits - 1)) & 1;
    op_put(c, i, 0, r);
    flags_set(c, CC_SHIFT, size, r, a, n);
    /* OF = sign change; for a 1-bit shift CF is the old sign, so MSB(r) XOR CF is the same
     * thing, and it matches AMD hardware for the undefined larger counts (as SHL does). */
    c->cc_aux = cf | (msb(r, bits) ^ cf) << 1;
}

static void op_shrd(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0], bits = size * 8;
    uint64_t a = op_get(c, i, 0), b = reg_get(c, i->reg[1], size);
    unsigned n = shift_count(c, i, 2) & count_mask(size);
    if (n == 0) {
        op_put(c, i, 0, a);
        return;
    }
    u128 v = (u128)b << bits | a;
    uint64_t r = (uint64_t)(v >> n) & width_mask(size);
    unsigned cf = (unsigned)(v >> (n - 1)) & 1;
    op_put(c, i, 0, r);
    flags_set(c, CC_SHIFT, size, r, a, n);
    /* OF = sign change; after a 1-bit shift the old sign sits just below the new one, so the
     * top two result bits tell it, which also matches AMD hardware for larger counts. */
    c->cc_aux = cf | (msb(r, bits) ^ msb(r, bits - 1)) << 1;
}

static op_fn *shd_select(const struct insn *i, op_fn *fn)
{
    if (i->nops != 3 || !is_rm(i, 0) || i->kind[1] != OK_REG || i->size[0] < 2)
        return NULL;
    if (i->kind[2] != OK_IMM && !(i->kind[2] == OK_REG && i->reg[2] == RCX))
        return NULL;
    return fn;
}

op_fn *sel_shld(const struct insn *i)
{
    return shd_select(i, op_shld);
}

op_fn *sel_shrd(const struct insn *i)
{
    return shd_select(i, op_shrd);
}

int shift_inline_form(op_fn *fn, unsigned *op, unsigned *bytes)
{
    static op_fn *const forms[3][3] = {
        {op_shl_gen, op_shl_ri32, op_shl_ri64}, {op_shr_gen, op_shr_ri32, op_shr_ri64},
        {op_sar_gen, op_sar_ri32, op_sar_ri64},
    };
    for (unsigned k = 0; k < 3; k++)
        for (unsigned w = 0; w < 3; w++)
            if (forms[k][w] == fn) {
                *op = k;
                *bytes = w * 4;
                return 1;
            }
    return 0;
}
