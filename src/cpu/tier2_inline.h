/* tier2_inline.h — instruction templates for the translating tier: host code that does a
 * handler's work without calling it (tier2_inline.c). tier2.c writes blocks, this writes
 * single instructions; the out-of-line miss path is the boundary between them. */
#ifndef GOEMU_CPU_TIER2_INLINE_H
#define GOEMU_CPU_TIER2_INLINE_H

#include <stdint.h>

#include "cpu/emit.h"
#include "cpu/insn.h"

/* A template's out-of-line half: when the TLB misses, the handler itself runs (after the
 * block's exit), which refills the TLB or raises the precise fault, and records insn_rip: only
 * a fault needs it, and only the handler can fault. */
struct slow_path {
    uint8_t *jcc[2];          /* rel32s of the jumps to it, NULL when unused */
    uint8_t *back;            /* where the fast path rejoins */
    const struct insn *i;
    uint64_t rip;             /* the instruction's address, for insn_rip */
};

/* What a template leaves behind for the instruction after it. */
enum tmpl_result {
    TMPL_NONE = 0,            /* no template: call the handler */
    TMPL_DONE,                /* written inline; the host flags are clobbered */
    TMPL_KEEPS_FLAGS,         /* written inline without touching the host flags (MOV, LEA) */
    TMPL_FLAGS_LIVE,          /* written inline, and the host's arithmetic flags are now the
                                 guest's (same operation at the same width) */
};

/* Writes i (at guest address rip) inline when a template does its handler's work; fills *sp
 * (sp->jcc[0] stays NULL when no slow path is needed). A template that records flags sets *cc
 * to the cc_op it wrote. i must not end its block: templates leave rip alone. */
enum tmpl_result tier2_inline(struct emit *e, const struct insn *i, uint64_t rip,
                              struct slow_path *sp, int32_t *cc);

/* The block's last instruction, when it is a Jcc whose flags are known: live in the host
 * (flags_live), or the record cc (a cc_op) written by a template earlier in the block with no
 * other flag write since (-1: unknown). Writes rip = condition ? target : next. Returns 0,
 * having written nothing, when it cannot. */
int tier2_inline_jcc(struct emit *e, const struct insn *i, uint64_t next, int32_t cc,
                     int flags_live);

/* The out-of-line half of sp: insn_rip, the handler, back to the fast path's end. */
void tier2_emit_slow_path(struct emit *e, const struct slow_path *sp);

#endif
