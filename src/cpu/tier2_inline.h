/* tier2_inline.h — instruction templates for the translating tier: host code that does a
 * handler's work without calling it (tier2_inline.c). tier2.c writes blocks, this writes
 * single instructions; the out-of-line miss path is the boundary between them. */
#ifndef GOEMU_CPU_TIER2_INLINE_H
#define GOEMU_CPU_TIER2_INLINE_H

#include <stdint.h>

#include "cpu/emit.h"
#include "cpu/insn.h"

/* Guest registers held in host registers within a block: loaded on first use, written back
 * when changed before anything reads struct cpu (a handler, a slow path, the block's end). */
#define GPRC_SLOTS 8
struct gpr_cache {
    int8_t slot_of[16];       /* guest register -> slot, -1 when not cached */
    uint8_t guest[GPRC_SLOTS];   /* slot -> guest register, GPRC_FREE when unused */
    uint8_t dirty;            /* slots whose host register differs from struct cpu */
    uint8_t victim;           /* the next slot to evict when all are taken */
    /* The stack window (tier2.c): while set, [rsp + d] with win_lo <= d, d + size <= win_hi
     * lies in one page known to be in the TLB (tlb_w when win_write) and whose addend is at
     * [host rsp]. Writing RSP or calling a handler closes it. */
    uint8_t win, win_write;
    int32_t win_lo, win_hi;
};
#define GPRC_FREE 0xff

void tier2_gprs_init(struct gpr_cache *gc);

/* The stack window of a block: the range of [rsp + d] its instructions access before anything
 * may change RSP. Returns the number of such accesses. */
unsigned tier2_stack_window(const struct insn *insns, uint32_t n, int32_t *lo, int32_t *hi,
                            int *write);
/* Checks at run time that [rsp + lo, rsp + hi) is one page in the TLB (tlb_w when write) and
 * puts its addend at [host rsp]; when not, jumps through the two rel32s in fail (the caller
 * patches them). Opens the window for the templates that follow. */
void tier2_open_window(struct emit *e, int32_t lo, int32_t hi, int write, uint8_t *fail[2]);
/* Writes every changed cached register back to struct cpu (host code, no flags touched). */
void tier2_gprs_flush(struct emit *e);
/* Forgets every cached register (after a handler, which may change any in struct cpu). */
void tier2_gprs_forget(struct emit *e);

/* A template's out-of-line half: when the TLB misses (or a RET's target is not canonical),
 * the handler itself runs (after the block's exit), which refills the TLB or raises the
 * precise fault, and records insn_rip: only a fault needs it, and only the handler can fault. */
struct slow_path {
    uint8_t *jcc[3];          /* rel32s of the jumps to it, NULL when unused */
    uint8_t *back;            /* where the fast path rejoins */
    const struct insn *i;
    uint64_t rip;             /* the instruction's address, for insn_rip */
    int writes;               /* the handler may store (and so make code dirty) */
    struct gpr_cache at_jump; /* the registers cached where it jumps out (written back first) */
    struct gpr_cache at_back; /* and where it comes back (reloaded after the handler) */
};

/* What tier 2 knows about the guest's arithmetic flags at a point in a block. */
struct tmpl_flags {
    int32_t cc;               /* the cc_op of the flag record a template wrote, while it is
                                 the current one; -1 when unknown (a handler ran since) */
    int live;                 /* the host's arithmetic flags are the guest's (a template did
                                 the same operation at the same width, nothing changed them) */
};

/* Writes i (at guest address rip) inline when a template does its handler's work, updating
 * *f; fills *sp (sp->jcc[0] stays NULL when no slow path is needed). flags_dead says that the
 * next instruction writes every flag and the whole record without reading them and cannot
 * fault (tier2_kills_flags): then i's flags are never seen, not even in a signal frame, and
 * the template computes only its result. Returns 0, having written nothing, when there is no
 * template. i must not end its block: these templates leave rip alone. */
int tier2_inline(struct emit *e, const struct insn *i, uint64_t rip, struct slow_path *sp,
                 struct tmpl_flags *f, int flags_dead);

/* i writes all six arithmetic flags (the record: cc_op, cc_res, cc_a, cc_b) without reading
 * any, and cannot fault: the register and immediate forms of ADD, OR, AND, SUB, XOR, CMP,
 * TEST; NEG and IMUL of registers; SHL/SHR/SAR of a register by a non-zero imm8. */
int tier2_kills_flags(const struct insn *i);
/* i does not read the flags and cannot fault (register moves, LEA, NOP, NOT, a register
 * shift by CL, which may or may not write them): flags dead after it are dead before it. */
int tier2_flags_neutral(const struct insn *i);

/* Where a block goes after its last instruction. */
struct tier2_end {
    int direct;               /* successors known at translation time: 0 (c->rip holds the
                                 next rip), 1 (rip[0]) or 2 (a Jcc: see cond) */
    int cond;                 /* direct == 2: the host flags are ready; cond (enum cond)
                                 taken goes to rip[1], else rip[0] */
    uint64_t rip[2];
};

/* The block's last instruction (at rip; next follows it) inline: Jcc from known flags, JMP
 * rel, CALL rel32 or r64, RET. Fills *end: JMP/CALL rel and Jcc leave c->rip to the block's
 * exit (it stores the successor's address only when returning to the loop), the others set
 * it as the handler would. Returns 0, having written nothing, when there is no template. */
int tier2_inline_end(struct emit *e, const struct insn *i, uint64_t rip, uint64_t next,
                     struct slow_path *sp, const struct tmpl_flags *f, struct tier2_end *end);

/* The out-of-line half of sp: insn_rip, the handler, back to the fast path's end. */
void tier2_emit_slow_path(struct emit *e, const struct slow_path *sp);

#endif
