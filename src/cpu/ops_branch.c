/* ops_branch.c — JMP, CALL, RET, Jcc, JRCXZ. Relative targets were made absolute at decode
 * time (insn.imm). Each handler sets c->rip; the exec loop ends the block after it.
 * Jcc is stamped out once per condition so flags_cond folds to a single compare. */
#include "abi/linux_abi.h"

#include "exec.h"
#include "flags.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

/* An indirect JMP or RET to a non-canonical address raises #GP on the branch (SDM JMP/RET:
 * "If target offset is non-canonical"); RET pops nothing. CALL: call_noncanonical. */
static inline uint64_t branch_target(struct cpu *c, uint64_t t)
{
    if (__builtin_expect(!guest_canonical(t), 0))
        cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0);
    return t;
}

void op_jmp_rel(struct cpu *c, const struct insn *i) { c->rip = (uint64_t)i->imm; }
static void op_jmp_r(struct cpu *c, const struct insn *i) { c->rip = branch_target(c, c->gpr[i->reg[0]]); }
static void op_jmp_m(struct cpu *c, const struct insn *i) { c->rip = branch_target(c, mem_ld64(c, insn_ea(c, i))); }

op_fn *sel_jmp(const struct insn *i)
{
    if (i->nops != 1)
        return NULL;
    switch (i->kind[0]) {
    case OK_IMM: return op_jmp_rel;
    case OK_REG: return i->size[0] == 8 ? op_jmp_r : NULL;
    case OK_MEM: return i->size[0] == 8 ? op_jmp_m : NULL;
    default: return NULL;
    }
}

static inline void call_to(struct cpu *c, uint64_t target)
{
    uint64_t sp = c->gpr[RSP] - 8;
    mem_st(c, sp, 8, c->rip);
    c->gpr[RSP] = sp;
    c->rip = target;
}

/* CALL to a non-canonical target is #GP(0) (SDM CALL). Measured by goemu-oracle: Intel has
 * already stored the return address at [rsp-8] (rsp unchanged; a fault on that store is
 * reported instead), AMD stores nothing. */
static _Noreturn void call_noncanonical(struct cpu *c)
{
    if (c->vendor == VENDOR_INTEL)
        mem_st(c, c->gpr[RSP] - 8, 8, c->rip);
    cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0);
}

static inline void call_indirect(struct cpu *c, uint64_t target)
{
    if (__builtin_expect(!guest_canonical(target), 0))
        call_noncanonical(c);
    call_to(c, target);
}

void op_call_rel(struct cpu *c, const struct insn *i) { call_to(c, (uint64_t)i->imm); }
void op_call_r(struct cpu *c, const struct insn *i) { call_indirect(c, c->gpr[i->reg[0]]); }
static void op_call_m(struct cpu *c, const struct insn *i) { call_indirect(c, mem_ld64(c, insn_ea(c, i))); }

op_fn *sel_call(const struct insn *i)
{
    if (i->nops != 1)
        return NULL;
    switch (i->kind[0]) {
    case OK_IMM: return op_call_rel;
    case OK_REG: return i->size[0] == 8 ? op_call_r : NULL;
    case OK_MEM: return i->size[0] == 8 ? op_call_m : NULL;
    default: return NULL;
    }
}

void op_ret(struct cpu *c, const struct insn *i)
{
    uint64_t target = branch_target(c, mem_ld64(c, c->gpr[RSP]));
    c->gpr[RSP] += 8;
    c->rip = target;
}

static void op_ret_imm(struct cpu *c, const struct insn *i)
{
    uint64_t target = branch_target(c, mem_ld64(c, c->gpr[RSP]));
    c->gpr[RSP] += 8 + (uint16_t)i->imm;
    c->rip = target;
}

op_fn *sel_ret(const struct insn *i)
{
    if (i->nops == 0)
        return op_ret;
    return i->nops == 1 && i->kind[0] == OK_IMM ? op_ret_imm : NULL;
}

#define JCC(cc) \
    static void op_j_##cc(struct cpu *c, const struct insn *i) \
    { \
        if (flags_cond(c, cc)) \
            c->rip = (uint64_t)i->imm; \
    }
JCC(COND_O) JCC(COND_NO) JCC(COND_B) JCC(COND_AE) JCC(COND_E) JCC(COND_NE) JCC(COND_BE)
JCC(COND_A) JCC(COND_S) JCC(COND_NS) JCC(COND_P) JCC(COND_NP) JCC(COND_L) JCC(COND_GE)
JCC(COND_LE) JCC(COND_G)

static op_fn *const jcc_handlers[16] = {
    op_j_COND_O, op_j_COND_NO, op_j_COND_B, op_j_COND_AE, op_j_COND_E, op_j_COND_NE,
    op_j_COND_BE, op_j_COND_A, op_j_COND_S, op_j_COND_NS, op_j_COND_P, op_j_COND_NP,
    op_j_COND_L, op_j_COND_GE, op_j_COND_LE, op_j_COND_G,
};

op_fn *sel_jcc(const struct insn *i)
{
    if (i->nops != 1 || i->kind[0] != OK_IMM)
        return NULL;
    return jcc_handlers[i->opcode & 15];
}

int jcc_inline_cond(op_fn *fn)
{
    for (int cc = 0; cc < 16; cc++)
        if (jcc_handlers[cc] == fn)
            return cc;
    return -1;
}

static void op_jrcxz(struct cpu *c, const struct insn *i)
{
    uint64_t count = i->prefix & PFX_ADDR32 ? (uint32_t)c->gpr[RCX] : c->gpr[RCX];
    if (count == 0)
        c->rip = (uint64_t)i->imm;
}

op_fn *sel_jrcxz(const struct insn *i) { return i->nops == 1 ? op_jrcxz : NULL; }
