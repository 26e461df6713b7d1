/* insn.h — goemu's compact decoded instruction, the currency between decoder and handlers.
 * Zydis decodes each instruction once (decode.c); the result is copied into this 48-byte form and
 * a handler is chosen for its form and width. Handlers never see Zydis types. */
#ifndef GOEMU_INSN_H
#define GOEMU_INSN_H

#include <stdint.h>

#include "cpu.h"

struct insn;
typedef void op_fn(struct cpu *c, const struct insn *i);

/* Operand kinds, in Intel operand order (operand 0 is the destination). */
enum opkind {
    OK_NONE = 0,
    OK_REG,     /* general register gpr[reg], size bytes wide (1,2,4,8) */
    OK_REG8H,   /* AH, CH, DH, BH: bits 8..15 of gpr[reg] (reg = 0..3) */
    OK_MEM,     /* memory at insn_ea(), size bytes */
    OK_IMM,     /* i->imm */
    OK_XMM,     /* xmm[reg] */
};

/* Prefix bits (insn.prefix). */
enum {
    PFX_LOCK = 1, PFX_REP = 2, PFX_REPNE = 4, PFX_ADDR32 = 8,
};

#define INSN_MAX_OPS 3

struct insn {
    op_fn *fn;               /* handler chosen at decode time */
    int64_t disp;            /* memory displacement; RIP-relative already folded to absolute */
    int64_t imm;             /* immediate, sign- or zero-extended as the encoding says;
                                for relative branches the absolute target */
    uint16_t mnemonic;       /* Zydis mnemonic id, for diagnostics (decode_mnemonic_name) */
    uint8_t len;             /* encoded length in bytes */
    uint8_t opsize;          /* operand size in bytes of the operation (1,2,4,8; 16 for xmm) */
    uint8_t nops;            /* visible operands */
    uint8_t prefix;          /* PFX_* */
    uint8_t kind[INSN_MAX_OPS];
    uint8_t reg[INSN_MAX_OPS];
    uint8_t size[INSN_MAX_OPS];  /* operand sizes in bytes */
    uint8_t m_base, m_index, m_scale, m_seg;  /* memory operand: REG_NONE when absent */
    uint8_t imm2;            /* second immediate (ENTER); rarely used */
    uint8_t opcode;          /* last opcode byte: Jcc/SETcc/CMOVcc carry their condition in
                                the low nibble (enum cond) */
    uint8_t iflags;          /* INSN_* */
};

enum {
    INSN_ENDS_BLOCK = 1,     /* control transfer, SYSCALL, trap: the decoded block stops here */
    INSN_RMW = 2,            /* its memory operand is read and written: a fault on the read
                                is reported as a write, as the CPU does (exec.c) */
};

/* A selector picks the handler for one decoded instruction from its operand kinds and sizes.
 * It returns NULL when goemu does not implement that form: the decoder then installs the
 * SIGILL handler, which reports mnemonic, bytes, rip and symbol. One selector per mnemonic,
 * listed in ops.def. */
typedef op_fn *op_select_fn(const struct insn *i);

#endif
