/* ops_sel.h — one declaration per selector named in ops_core.def, ops_int.def and ops_sse.def,
 * so every ops_*.c file that defines a selector sees its prototype (-Wmissing-prototypes) and a
 * selector whose signature drifts from op_select_fn fails to compile where it is defined rather
 * than being called through the wrong type from decode.c's table. Several mnemonics share a
 * selector; repeating a declaration is harmless. OP is variadic so rows may grow columns that
 * only some users read. */
#ifndef GOEMU_OPS_SEL_H
#define GOEMU_OPS_SEL_H

#include "insn.h"

#define OP(mn, sel, ...) op_select_fn sel;
#include "ops_core.def"
#include "ops_int.def"
#include "ops_sse.def"
#undef OP

/* The string MOVSD/CMPSD selectors (ops_string.c): not table rows, because Zydis gives them the
 * SSE2 scalar-double mnemonics; sel_movsd/sel_cmpsd in ops_sse_*.c hand them over. */
op_select_fn sel_movs_str;
op_select_fn sel_cmps_str;

#endif
