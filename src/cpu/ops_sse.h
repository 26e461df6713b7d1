/* ops_sse.h — private helpers of the SSE/SSE2 handler files (ops_sse_*.c): xmm operand fetch
 * with the legacy-SSE alignment rule, the #GP and #XM faults, and running one host SSE
 * instruction under the guest's MXCSR, so rounding, DAZ/FZ, NaN propagation and the exception
 * flags are the real CPU's own, bit for bit. goemu only runs on x86-64 hosts with SSE2. */
#ifndef GOEMU_OPS_SSE_H
#define GOEMU_OPS_SSE_H

#include <emmintrin.h>
#include "abi/linux_abi.h"

#include "exec.h"
#include "operand.h"

/* ---- faults ------------------------------------------------------------------------------ */

/* #GP(0) as Linux delivers it to user space: SIGSEGV, si_code SI_KERNEL, si_addr 0, trap 13. */
_Noreturn static inline void sse_gp(struct cpu *c)
{
    cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0);
}

/* #XM: SIGFPE with the si_code the kernel derives from the MXCSR flags that are unmasked, in
 * its priority order (arch/x86/kernel/fpu/core.c, fpu__exception_code): IE, ZE, OE, DE|UE, PE. */
_Noreturn static inline void sse_xm(struct cpu *c)
{
    uint32_t err = c->mxcsr & ~(c->mxcsr >> 7) & 0x3f;
    int code = (err & MXCSR_IE) ? LINUX_FPE_FLTINV
             : (err & MXCSR_ZE) ? LINUX_FPE_FLTDIV
             : (err & MXCSR_OE) ? LINUX_FPE_FLTOVF
             : (err & (MXCSR_DE | MXCSR_UE)) ? LINUX_FPE_FLTUND
             : LINUX_FPE_FLTRES;
    cpu_raise(c, LINUX_SIGFPE, code, c->insn_rip, 19, 0);
}

/* ---- registers and memory operands -------------------------------------------------------- */

static inline __m128i xmm_get(const struct cpu *c, unsigned r)
{
    return _mm_loadu_si128((const __m128i *)&c->xmm[r]);
}

static inline void xmm_set(struct cpu *c, unsigned r, __m128i v)
{
    _mm_storeu_si128((__m128i *)&c->xmm[r], v);
}

/* Address of a 16-byte operand of a legacy SSE instruction: it must be 16-byte aligned or the
 * instruction raises #GP(0) (SDM Vol. 2A, "Intel AVX and Intel SSE Instruction Exception
 * Classification", exception types 1, 2 and 4); MOVUPS/MOVUPD/MOVDQU are the exceptions.
 * The alignment check comes before any page fault, as on hardware. */
static inline uint64_t sse_ea16(struct cpu *c, const struct insn *i)
{
    uint64_t a = insn_ea(c, i);
    if (__builtin_expect(a & 15, 0))
        sse_gp(c);
    return a;
}

/* 16 bytes from an aligned memory operand. */
static inline __m128i sse_ld128a(struct cpu *c, const struct insn *i)
{
    xmm_t v;
    mem_ld128(c, sse_ea16(c, i), &v);
    return _mm_loadu_si128((const __m128i *)&v);
}

/* Scalar memory operands, in the low lane of an otherwise zero vector. */
static inline __m128i sse_ld64(struct cpu *c, const struct insn *i)
{
    return _mm_cvtsi64_si128((long long)mem_ld(c, insn_ea(c, i), 8));
}

static inline __m128i sse_ld32(struct cpu *c, const struct insn *i)
{
    return _mm_cvtsi32_si128((int)mem_ld(c, insn_ea(c, i), 4));
}

/* Picks the register or memory form of a two-operand "xmm, xmm/mem" instruction. MMX forms of
 * the same mnemonics (no OK_XMM operand) get NULL: goemu implements no MMX. */
static inline op_fn *sse_sel_xx(const struct insn *i, op_fn *rr, op_fn *rm)
{
    if (i->nops < 2 || i->kind[0] != OK_XMM)
        return NULL;
    return i->kind[1] == OK_XMM ? rr : i->kind[1] == OK_MEM ? rm : NULL;
}

/* ---- bitwise and integer operations via host intrinsics ------------------------------------ */

/* Stamps out op_NAME_rr and op_NAME_rm for "xmm, xmm/m128": `expr` combines the destination
 * `a` and the source `b` (both __m128i). Memory sources are aligned m128. SSE_BINOP adds the
 * selector sel_NAME. */
#define SSE_BINOP_HANDLERS(name, expr)                                                            \
    static void op_##name##_rr(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        __m128i a = xmm_get(c, i->reg[0]), b = xmm_get(c, i->reg[1]);                             \
        xmm_set(c, i->reg[0], (expr));                                                            \
    }                                                                                             \
    static void op_##name##_rm(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        __m128i b = sse_ld128a(c, i), a = xmm_get(c, i->reg[0]);                                  \
        xmm_set(c, i->reg[0], (expr));                                                            \
    }

#define SSE_BINOP(name, expr)                                                                     \
    SSE_BINOP_HANDLERS(name, expr)                                                                \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        return sse_sel_xx(i, op_##name##_rr, op_##name##_rm);                                     \
    }

/* ---- floating point on the host under the guest's MXCSR ----------------------------------- */

/* The host runs a guest operation with the guest's RC, DAZ and FZ, status flags cleared and
 * every exception masked: an exception the guest unmasked must become a guest #XM, never a
 * host SIGFPE. goemu itself always runs with the default MXCSR (0x1f80). */
static inline uint32_t sse_host_csr(const struct cpu *c)
{
    return (c->mxcsr & ~0x3fu) | 0x1f80u;
}

/* An exception the guest unmasked occurred (never in Go). The host computed with everything
 * masked; the hardware's unmasked behaviour (SDM Vol. 1 §11.5.1-11.5.3) is rebuilt from that:
 * an unmasked pre-computation exception (IE, DE, ZE) stops the instruction before the
 * post-computation ones (OE, UE, PE) are looked at; otherwise those are checked. Either way the
 * destination is not written (handlers store only after this returns) and #XM is raised.
 * Approximation: at an unmasked OE/UE trap the hardware sets PE only if the result rounded to
 * an unbounded exponent is inexact; goemu leaves PE clear. */
_Noreturn void sse_unmasked(struct cpu *c, uint32_t raised);   /* in ops_sse_fp.c */

/* The fast path: while a guest keeps every exception masked (Go always does), the host MXCSR
 * holds the guest's RC/DAZ/FZ for the whole cpu_run and its sticky flags are folded into
 * c->mxcsr only at sync points (cpu_mxcsr_unload in exec.c: end of a run, SYSCALL,
 * LDMXCSR/STMXCSR). That saves an LDMXCSR/STMXCSR pair (~20 ns here) per operation. */
static inline int sse_fast(const struct cpu *c)
{
    return (c->mxcsr & 0x1f80u) == 0x1f80u;
}

static inline void sse_mxcsr_load(struct cpu *c)
{
    if (__builtin_expect(!c->mxcsr_live, 0)) {
        uint32_t csr = sse_host_csr(c);
        __asm__ volatile("ldmxcsr %0" : : "m"(csr));
        c->mxcsr_live = 1;
    }
}

#define SSE_UNPAREN(...) __VA_ARGS__
/* Runs the asm template `tmpl` (operands `outs`, `ins`, each parenthesised) under the guest's
 * MXCSR: on the fast path with the live host MXCSR (csr, st become "nothing to do" for
 * sse_host_done), otherwise bracketed by LDMXCSR csr / STMXCSR st. */
#define SSE_RUN(c, csr_var, st_var, tmpl, outs, ins)                                                      \
    do {                                                                                          \
        if (__builtin_expect(sse_fast(c), 1)) {                                                   \
            sse_mxcsr_load(c);                                                                    \
            __asm__ volatile(tmpl : SSE_UNPAREN outs : SSE_UNPAREN ins);                          \
            (csr_var) = MXCSR_DEFAULT;                                                                \
            (st_var) = 0;                                                                             \
        } else {                                                                                  \
            __asm__ volatile("ldmxcsr %[csr]\n\t" tmpl "\n\tstmxcsr %[st]"                        \
                             : SSE_UNPAREN outs, [st] "=m"(st_var)                                    \
                             : SSE_UNPAREN ins, [csr] "m"(csr_var));                                  \
        }                                                                                         \
    } while (0)

/* After the host operation: puts the host's MXCSR back if it was run with anything but the
 * default (csr), accumulates the sticky status flags and traps for unmasked ones. */
static inline void sse_host_done(struct cpu *c, uint32_t csr, uint32_t st)
{
    if (__builtin_expect(csr != MXCSR_DEFAULT, 0)) {
        uint32_t def = MXCSR_DEFAULT;
        __asm__ volatile("ldmxcsr %0" : : "m"(def));
    }
    uint32_t raised = st & 0x3f;
    if (__builtin_expect(raised & ~(c->mxcsr >> 7), 0))
        sse_unmasked(c, raised);
    c->mxcsr |= raised;
}

/* Runs the host instruction `mn src, dst` (AT&T order) on two xmm values; dst is updated in
 * place, so scalar forms keep the destination's upper lanes exactly as the hardware does. */
#define SSE_HOST(c, mn, dst, src)                                                                 \
    do {                                                                                          \
        __typeof__(dst) in_ = (dst);                                                              \
        uint32_t csr_ = sse_host_csr(c), st_;                                                     \
        SSE_RUN(c, csr_, st_, mn " %[s], %[d]", ([d] "+x"(dst)), ([s] "x"(src)));                \
        if (__builtin_expect(!((c)->mxcsr & MXCSR_UE << 7), 0)) {                                 \
            /* Unmasked, UE is signalled for every tiny result, exact or not; with UE masked   \
             * the host flags only inexact ones, but FZ flushes (and flags) every tiny one. */    \
            uint32_t fz_ = csr_ | MXCSR_FZ, st2_;                                                 \
            __asm__ volatile("ldmxcsr %[csr]\n\t" mn " %[s], %[d]\n\tstmxcsr %[st]"              \
                             : [d] "+x"(in_), [st] "=m"(st2_)                                     \
                             : [csr] "m"(fz_), [s] "x"(src));                                     \
            st_ |= st2_ & MXCSR_UE;                                                               \
            csr_ = fz_;                                                                           \
        }                                                                                         \
        sse_host_done(c, csr_, st_);                                                              \
    } while (0)

/* Stamps out op_NAME_rr and op_NAME_rm for a floating-point "xmm, xmm/mem" operation executed
 * by the host instruction `mn`; `load` fetches the memory operand (sse_ld32 or sse_ld64 for
 * scalars and half-width sources, sse_ld128a for packed). SSE_FPOP adds the selector. */
#define SSE_FPOP_HANDLERS(name, mn, load)                                                         \
    static void op_##name##_rr(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        __m128i d = xmm_get(c, i->reg[0]), s = xmm_get(c, i->reg[1]);                             \
        SSE_HOST(c, mn, d, s);                                                                    \
        xmm_set(c, i->reg[0], d);                                                                 \
    }                                                                                             \
    static void op_##name##_rm(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        __m128i s = load(c, i), d = xmm_get(c, i->reg[0]);                                        \
        SSE_HOST(c, mn, d, s);                                                                    \
        xmm_set(c, i->reg[0], d);                                                                 \
    }

#define SSE_FPOP(name, mn, load)                                                                  \
    SSE_FPOP_HANDLERS(name, mn, load)                                                             \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        return sse_sel_xx(i, op_##name##_rr, op_##name##_rm);                                     \
    }

/* Stamps out handlers and sel_NAME for "xmm, xmm/m128, imm8" data shuffles done in C by
 * `void NAME(struct cpu *, const struct insn *, xmm_t src)`; the source is read first. */
#define SSE_SHUF(name)                                                                            \
    static void op_##name##_rr(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        name(c, i, c->xmm[i->reg[1]]);                                                            \
    }                                                                                             \
    static void op_##name##_rm(struct cpu *c, const struct insn *i)                               \
    {                                                                                             \
        xmm_t s;                                                                                  \
        _mm_storeu_si128((__m128i *)&s, sse_ld128a(c, i));                                        \
        name(c, i, s);                                                                            \
    }                                                                                             \
    op_fn *sel_##name(const struct insn *i)                                                       \
    {                                                                                             \
        return i->kind[2] == OK_IMM ? sse_sel_xx(i, op_##name##_rr, op_##name##_rm) : NULL;       \
    }

#endif
