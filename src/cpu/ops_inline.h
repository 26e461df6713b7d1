/* ops_inline.h — tier-1 handlers whose work tier 2 writes inline (tier2.c), so it can tell an
 * instruction's form from the handler its selector chose. Each template must do exactly what
 * its handler does; goemu-oracle --tier 2 checks every case of both. */
#ifndef GOEMU_CPU_OPS_INLINE_H
#define GOEMU_CPU_OPS_INLINE_H

#include "cpu/insn.h"

/* ops_mov.c: MOV r64, [base + disp] and MOV [base + disp], r64 (no index, no segment). */
op_fn op_mov_r64_bd, op_mov_bd_r64;

#endif
