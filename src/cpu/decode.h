/* decode.h — the only door to Zydis for execution: guest bytes -> struct insn + handler.
 * Each instruction is decoded once; exec.c caches the result in decoded blocks. Disassembly
 * text for diagnostics and traces comes from disasm.c, the other Zydis user. */
#ifndef GOEMU_DECODE_H
#define GOEMU_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "insn.h"
#include "cpu/access.h"

/* Decodes the instruction at rip. Returns 0 on success; -1 when no executable byte is mapped
 * at rip. Bytes that do not form a valid instruction, and forms goemu does not implement,
 * decode successfully to a handler that raises SIGILL when executed (as a real CPU would). */
int decode_insn(struct mem *m, uint64_t rip, struct insn *out);

/* Whether an instruction ends a decoded block (control transfer, SYSCALL, SIGILL). */
int decode_ends_block(const struct insn *i);

/* Zydis's lower-case mnemonic name ("add", "cmpxchg"). */
const char *decode_mnemonic_name(unsigned mnemonic);

/* Formats the instruction at rip as Intel syntax ("lock cmpxchg [rdx], rcx") and its bytes as
 * hex ("f0 48 0f b1 0a"). Returns the length, or 0 if nothing could be decoded. */
size_t disasm_at(struct mem *m, uint64_t rip, char *text, size_t ntext, char *hex, size_t nhex);

#endif
