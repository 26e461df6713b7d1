/* ops_inline.h — how tier 2 (tier2_inline.c) learns which instructions it may write inline:
 * from the handler the selector chose, which pins down the form exactly (operand kinds, width,
 * addressing). Each template must do exactly what its handler does; goemu-oracle --tier 2
 * checks every case of both. */
#ifndef GOEMU_CPU_OPS_INLINE_H
#define GOEMU_CPU_OPS_INLINE_H

#include "cpu/insn.h"

/* ops_mov.c: MOV's register, immediate and 32/64-bit memory forms; [base + disp] with no
 * index, segment or 0x67 (_bd); LEA at 64 bits; MOVZX r32/r64, m8 (reg_put at size[0]). */
op_fn op_mov_r64_r64, op_mov_r32_r32, op_mov_r64_imm, op_mov_r32_imm;
op_fn op_mov_r64_m, op_mov_r32_m, op_mov_m_r64, op_mov_m_r32, op_mov_m_imm;
op_fn op_mov_r64_bd, op_mov_bd_r64;
op_fn op_lea64, op_lea, op_movzx_r_m8, op_movzx, op_movsx, op_mov_generic;

/* ops_stack.c, ops_branch.c: PUSH/POP r64, CALL rel32, CALL r64, RET, JMP rel. */
op_fn op_push_r64, op_pop_r64, op_call_rel, op_call_r, op_ret, op_jmp_rel;

/* ops_alu.c: INC/DEC of a 32/64-bit register (CF kept, flags.h CC_INC/CC_DEC). */
op_fn op_inc_r32, op_inc_r64, op_dec_r32, op_dec_r64, op_not, op_neg;
/* ops_alu.c: INC/DEC of any operand (the 8/16-bit and memory forms). */
op_fn op_inc_gen, op_dec_gen;
/* ops_system.c: NOP and PAUSE. */
op_fn op_nop;

/* ops_bits.c: BSF/BSR r, r/m (the destination kept when the source is 0; CC_LOGIC on it). */
op_fn op_bsf, op_bsr;

/* ops_muldiv.c: IMUL r, r/m and IMUL r, r, imm at 32/64 bits (flags.h CC_MUL). */
op_fn op_imul_rr32, op_imul_rr64, op_imul_rri32, op_imul_rri64;

/* ops_alu.c: the two-operand ALU instructions' specialised forms. The operation order is
 * ALU_OPS's; the forms are the handlers' suffixes (rr: reg, reg; ri: reg, imm; rm: reg, mem;
 * mr: mem, reg; mi: mem, imm). */
enum inline_alu_op {
    IALU_ADD, IALU_OR, IALU_ADC, IALU_SBB, IALU_AND, IALU_SUB, IALU_XOR, IALU_CMP, IALU_TEST,
    IALU_COUNT
};
enum inline_form { IFORM_RR, IFORM_RI, IFORM_RM, IFORM_MR, IFORM_MI, IFORM_COUNT };
struct inline_alu {
    uint8_t op;      /* enum inline_alu_op */
    uint8_t form;    /* enum inline_form */
    uint8_t bytes;   /* 1, 4 or 8 */
};
/* Fills *out and returns 1 when fn is one of those handlers. */
int alu_inline_form(op_fn *fn, struct inline_alu *out);
/* Returns 1 and the operation when fn is the generic handler of one (any width and form). */
int alu_inline_generic(op_fn *fn, unsigned *op);

/* ops_shift.c: SHL/SHR/SAR r32/r64, imm8 (*bytes 4 or 8), or SHL/SHR/SAR in their generic
 * handler (*bytes 0: any operand, count imm8 or CL). Fills *op (ISH_*). */
enum { ISH_SHL, ISH_SHR, ISH_SAR };
int shift_inline_form(op_fn *fn, unsigned *op, unsigned *bytes);

/* ops_cond.c: the condition (enum cond) of a SETcc or CMOVcc handler, *is_cmov saying which;
 * -1 for any other fn. */
int cond_inline_form(op_fn *fn, int *is_cmov);

/* ops_sse_mov.c: MOVAPS-style xmm copies, MOVSD/MOVQ xmm forms (load zeroes the upper half). */
op_fn op_mov128_rr, op_movsd_rr, op_movsd_load, op_movsd_store;

/* ops_sse_fp.c: the scalar ADD/MUL/SUB/MIN/DIV/MAX/SQRT SS/SD handlers, as the host
 * instruction that does their work (*prefix F3/F2, 0F *opcode) and whether the source is in
 * memory. */
int sse_inline_scalar(op_fn *fn, uint8_t *prefix, uint8_t *opcode, int *mem);

/* ops_branch.c: the condition (enum cond) of a Jcc rel handler, or -1 for any other fn. */
int jcc_inline_cond(op_fn *fn);

#endif
