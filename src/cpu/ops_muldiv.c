/* ops_muldiv.c — MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV.
 * Products are formed at double width (__int128 for 64-bit); CF=OF say whether the upper half
 * carries information (SDM MUL/IMUL). Division checks for #DE (zero divisor, quotient overflow)
 * before any register is written; DIV/IDIV leave the lazy flags alone (all six are undefined). */
#include "abi/linux_abi.h"

#include "exec.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* SF/ZF/PF/AF are undefined after a multiply; CC_MUL derives SZP from the low half. */
static inline void mul_flags(struct cpu *c, unsigned size, uint64_t lo, int of)
{
    flags_set(c, CC_MUL, size, lo & width_mask(size), 0, 0);
    c->cc_aux = (uint32_t)of;
}

/* Writes a double-width result: AX for bytes (SDM MUL: "AX ← AL ∗ SRC"), else rDX:rAX. */
static inline void put_rdx_rax(struct cpu *c, unsigned size, uint64_t lo, uint64_t hi)
{
    if (size == 1) {
        reg_put(c, RAX, 2, (hi & 0xff) << 8 | (lo & 0xff));
    } else {
        reg_put(c, RAX, size, lo);
        reg_put(c, RDX, size, hi);
    }
}

static int is_rm(const struct insn *i, int n)
{
    return i->kind[n] == OK_REG || i->kind[n] == OK_REG8H || i->kind[n] == OK_MEM;
}

/* ---- MUL and one-operand IMUL: rDX:rAX = rAX * src ------------------------------------------ */

static void op_mul(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t b = op_get(c, i, 0), a = reg_get(c, RAX, size), lo, hi;
    if (size == 8) {
        u128 p = (u128)a * b;
        lo = (uint64_t)p;
        hi = (uint64_t)(p >> 64);
    } else {
        uint64_t p = a * b;  /* at most 64 bits for 32-bit operands */
        lo = p & width_mask(size);
        hi = p >> (size * 8);
    }
    put_rdx_rax(c, size, lo, hi);
    mul_flags(c, size, lo, hi != 0);
}

static void op_imul1(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    int64_t b = sext(op_get(c, i, 0), size), a = sext(c->gpr[RAX], size);
    uint64_t lo, hi;
    int of;
    if (size == 8) {
        s128 p = (s128)a * b;
        lo = (uint64_t)p;
        hi = (uint64_t)((u128)p >> 64);
        of = p != (s128)(int64_t)lo;
    } else {
        int64_t p = a * b;
        lo = (uint64_t)p & width_mask(size);
        hi = ((uint64_t)p >> (size * 8)) & width_mask(size);
        of = p != sext(lo, size);
    }
    put_rdx_rax(c, size, lo, hi);
    mul_flags(c, size, lo, of);
}

/* ---- two- and three-operand IMUL: dest = src1 * src2, truncated ----------------------------- */

/* Truncated signed product at `size` bytes; *of is set when it differs from the full product. */
static inline uint64_t imul_trunc(int64_t a, int64_t b, unsigned size, int *of)
{
    if (size == 8) {
        int64_t r;
        *of = __builtin_mul_overflow(a, b, &r);
        return (uint64_t)r;
    }
    int64_t p = a * b;  /* operands of at most 32 bits cannot overflow 64 */
    uint64_t r = (uint64_t)p & width_mask(size);
    *of = p != sext(r, size);
    return r;
}

/* IMUL r32/r64, r/m (0F AF) and IMUL r, r/m, imm (6B, 69): the multiplicand is the last
 * non-immediate operand; for the two-operand form that is operand 1 and the multiplier the
 * destination itself. */
static void op_imul_gen(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    int64_t a, b;
    if (i->nops == 3) {
        a = sext(op_get(c, i, 1), size);
        b = sext((uint64_t)i->imm, size);
    } else {
        a = sext(reg_get(c, i->reg[0], size), size);
        b = sext(op_get(c, i, 1), size);
    }
    int of;
    uint64_t r = imul_trunc(a, b, size, &of);
    reg_put(c, i->reg[0], size, r);
    mul_flags(c, size, r, of);
}

/* Hot register forms (Go's index scaling and hashing). */
#define IMUL_FAST(bits, T, ST)                                                      \
    void op_imul_rr##bits(struct cpu *c, const struct insn *i)                     \
    {                                                                               \
        int of;                                                                     \
        uint64_t r = imul_trunc((ST)c->gpr[i->reg[0]], (ST)c->gpr[i->reg[1]],       \
                                sizeof(T), &of);                                    \
        c->gpr[i->reg[0]] = (T)r;                                                   \
        mul_flags(c, sizeof(T), r, of);                                             \
    }                                                                               \
    void op_imul_rri##bits(struct cpu *c, const struct insn *i)                    \
    {                                                                               \
        int of;                                                                     \
        uint64_t r = imul_trunc((ST)c->gpr[i->reg[1]], (ST)i->imm, sizeof(T), &of);  \
        c->gpr[i->reg[0]] = (T)r;                                                   \
        mul_flags(c, sizeof(T), r, of);                                             \
    }

IMUL_FAST(32, uint32_t, int32_t)
IMUL_FAST(64, uint64_t, int64_t)

op_fn *sel_mul(const struct insn *i)
{
    return i->nops == 1 && is_rm(i, 0) ? op_mul : NULL;
}

op_fn *sel_imul(const struct insn *i)
{
    if (i->nops == 1)
        return is_rm(i, 0) ? op_imul1 : NULL;
    if (i->kind[0] != OK_REG || !is_rm(i, 1) || i->size[0] < 2)
        return NULL;
    int fast = i->kind[1] == OK_REG && (i->size[0] == 4 || i->size[0] == 8);
    if (i->nops == 2)
        return !fast ? op_imul_gen : i->size[0] == 8 ? op_imul_rr64 : op_imul_rr32;
    if (i->nops == 3 && i->kind[2] == OK_IMM)
        return !fast ? op_imul_gen : i->size[0] == 8 ? op_imul_rri64 : op_imul_rri32;
    return NULL;
}

/* ---- DIV and IDIV ---------------------------------------------------------------------------
 * SDM DIV/IDIV: #DE when the divisor is 0 or the quotient does not fit the destination. Linux
 * delivers SIGFPE/FPE_INTDIV with si_addr = the faulting instruction for both. */

static _Noreturn void divide_error(struct cpu *c)
{
    cpu_raise(c, LINUX_SIGFPE, LINUX_FPE_INTDIV, c->insn_rip, 0, 0);
}

/* Stores quotient and remainder: AL/AH for bytes, rAX/rDX otherwise. */
static inline void put_quot_rem(struct cpu *c, unsigned size, uint64_t q, uint64_t r)
{
    put_rdx_rax(c, size, q, r);
}

static void op_div(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    uint64_t d = op_get(c, i, 0), q, r;
    if (d == 0)
        divide_error(c);
    if (size == 8) {
        uint64_t hi = c->gpr[RDX], lo = c->gpr[RAX];
        if (hi == 0) {
            q = lo / d;
            r = lo % d;
        } else {
            if (hi >= d)
                divide_error(c);
            u128 n = (u128)hi << 64 | lo;
            q = (uint64_t)(n / d);
            r = (uint64_t)(n % d);
        }
    } else {
        unsigned bits = size * 8;
        /* Bytes divide AX; wider operands divide rDX:rAX. Both fit in 64 bits. */
        uint64_t n = size == 1 ? (uint16_t)c->gpr[RAX]
                               : reg_get(c, RDX, size) << bits | reg_get(c, RAX, size);
        q = n / d;
        r = n % d;
        if (q > width_mask(size))
            divide_error(c);
    }
    put_quot_rem(c, size, q, r);
}

/* Signed 128-by-64 division for IDIV r/m64. A divisor of -1 is negation, done apart because
 * the host traps on INT128_MIN / -1 (and INT64_MIN / -1) where the guest wants #DE or a result. */
static void idiv64(struct cpu *c, int64_t d, int64_t *q, int64_t *r)
{
    uint64_t hi = c->gpr[RDX], lo = c->gpr[RAX];
    s128 n = (s128)((u128)hi << 64 | lo), qq, rr;
    if (d == -1) {
        if (hi == 1ull << 63 && lo == 0)
            divide_error(c);
        qq = -n;
        rr = 0;
    } else if (hi == (uint64_t)((int64_t)lo >> 63)) {  /* rDX is rAX's sign (after CQO) */
        qq = (int64_t)lo / d;
        rr = (int64_t)lo % d;
    } else {
        qq = n / d;
        rr = n % d;
    }
    if (qq < INT64_MIN || qq > INT64_MAX)
        divide_error(c);
    *q = (int64_t)qq;
    *r = (int64_t)rr;
}

static void op_idiv(struct cpu *c, const struct insn *i)
{
    unsigned size = i->size[0];
    int64_t d = sext(op_get(c, i, 0), size), q, r;
    if (d == 0)
        divide_error(c);
    if (size == 8) {
        idiv64(c, d, &q, &r);
    } else {
        unsigned bits = size * 8;
        int64_t n = size == 1 ? (int16_t)c->gpr[RAX]
                              : sext(reg_get(c, RDX, size) << bits | reg_get(c, RAX, size),
                                     size * 2);
        if (d == -1) {  /* INT64_MIN / -1 would trap the host; the guest wants #DE */
            if (n == INT64_MIN)
                divide_error(c);
            q = -n;
            r = 0;
        } else {
            q = n / d;
            r = n % d;
        }
        if (q != sext((uint64_t)q, size))
            divide_error(c);
    }
    put_quot_rem(c, size, (uint64_t)q & width_mask(size), (uint64_t)r & width_mask(size));
}

op_fn *sel_div(const struct insn *i)
{
    return i->nops == 1 && is_rm(i, 0) ? op_div : NULL;
}

op_fn *sel_idiv(const struct insn *i)
{
    return i->nops == 1 && is_rm(i, 0) ? op_idiv : NULL;
}
