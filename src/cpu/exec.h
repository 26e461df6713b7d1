/* exec.h — running guest instructions: decoded-block cache, dispatch loop, guest exceptions.
 * cpu_run executes until the thread stops (syscall block, yield, exit, fault) or its
 * instruction budget is spent; budgets are checked at block boundaries. */
#ifndef GOEMU_EXEC_H
#define GOEMU_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "insn.h"

/* Zeroes the architectural state and sets the Linux process-entry values: rflags 0x202
 * (start_thread_common in arch/x86/kernel/process_64.c: IF | the fixed bit 1), MXCSR 0x1f80
 * (MXCSR_DEFAULT, arch/x86/include/asm/fpu/types.h). */
void cpu_init(struct cpu *c, struct mem *m);

/* Runs until an instruction stops the CPU (SYSCALL, a fault) or about `budget` more
 * instructions have retired (checked at block ends: STOP_BUDGET). Returns the reason; c->stop
 * is cleared on return. On STOP_FAULT, c->fault describes the exception and c->rip is the
 * faulting instruction; on STOP_SYSCALL, rip is after the SYSCALL. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t budget);

/* Raises a guest exception from inside a handler: records it in c->fault with rip =
 * c->insn_rip, restores c->rip to the faulting instruction and unwinds (never returns). */
_Noreturn void cpu_raise(struct cpu *c, int signo, int code, uint64_t addr, int trapno, int err);

/* Raises a trap-class exception (INT3, INT n): the instruction retires and the signal frame
 * shows rip after it, as Linux reports SIGTRAP from int3. */
_Noreturn void cpu_raise_trap(struct cpu *c, int signo, int code, int trapno);

/* Handler for undecodable/unimplemented instructions: prints mnemonic, bytes, rip and nearest
 * symbol on stderr, then raises SIGILL (ILL_ILLOPN) in the guest. */
op_fn op_sigill;
/* Handler for an instruction whose bytes run into an unfetchable page: SIGSEGV at the first
 * byte that could not be fetched (i->len bytes were available). */
op_fn op_fetch_fault;

/* The decoded instruction being executed, found from the current block (for fault paths;
 * NULL outside cpu_run). */
const struct insn *cpu_current_insn(const struct cpu *c);

/* Folds the sticky exception flags the host MXCSR accumulated for this guest into c->mxcsr
 * and gives the host back its default MXCSR (ops_sse.h explains the lazy scheme). */
void cpu_mxcsr_unload(struct cpu *c);
/* The opposite, ahead of time: puts the guest's MXCSR into the host as its first SSE
 * instruction would, when every exception is masked (else nothing). goemu-oracle uses it so
 * that translated SSE code meets a live MXCSR, as it does in a running program. */
void cpu_mxcsr_preload(struct cpu *c);

/* Optional symbolizer for diagnostics: fills buf with "name+0xoff" for addr, or "". */
extern void (*exec_symbolize)(uint64_t addr, char *buf, size_t n);

/* Drops every decoded block of this address space (code changed). */
void icache_flush(struct mem *m);
/* Frees the block cache itself (the address space is going away). */
void icache_destroy(struct mem *m);

#endif
