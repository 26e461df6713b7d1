/* ops_system.c — SYSCALL, CPUID, RDTSC, the trapping instructions (INT3, INT n, UD2, HLT),
 * CLD/STD and the no-ops (NOP, PAUSE, fences, prefetches). Fences are no-ops because guest
 * threads run one at a time on one host thread: memory is always sequentially consistent. */
#include "abi/linux_abi.h"

#include "cpuid.h"
#include "exec.h"
#include "flags.h"
#include "operand.h"
#include "ops_inline.h"
#include "ops_sel.h"

/* SYSCALL (SDM Vol. 2B): rcx <- the next rip, r11 <- RFLAGS. The request itself belongs to
 * the operating system, so the CPU stops here and the run loop performs it (qemu's cpu_loop
 * shape); SYSCALL ends its block, so no later instruction has run. */
static void op_syscall(struct cpu *c, const struct insn *i)
{
    c->gpr[RCX] = c->rip;
    c->gpr[R11] = flags_get(c);
    cpu_stop_at_block_end(c, STOP_SYSCALL);
}

op_fn *sel_syscall(const struct insn *i) { return op_syscall; }

static void op_cpuid(struct cpu *c, const struct insn *i)
{
    uint32_t r[4], leaf = (uint32_t)c->gpr[RAX], subleaf = (uint32_t)c->gpr[RCX];
    cpuid_query(leaf, subleaf, r);
    if (__builtin_expect(c->hooks->cpuid != NULL, 0))  /* --trace-startup only */
        c->hooks->cpuid(c, leaf, subleaf, r);
    c->gpr[RAX] = r[0];
    c->gpr[RBX] = r[1];
    c->gpr[RCX] = r[2];
    c->gpr[RDX] = r[3];
}

op_fn *sel_cpuid(const struct insn *i) { return op_cpuid; }

/* The process installs a 1 GHz counter derived from the guest's monotonic clock, so it
 * advances with guest time (and is reproducible in --deterministic runs). */
static void op_rdtsc(struct cpu *c, const struct insn *i)
{
    uint64_t tsc = c->hooks->tsc ? c->hooks->tsc(c) : c->icount;
    c->gpr[RAX] = (uint32_t)tsc;
    c->gpr[RDX] = tsc >> 32;
}

op_fn *sel_rdtsc(const struct insn *i) { return op_rdtsc; }

/* Linux: int3 → SIGTRAP, si_code SI_KERNEL, rip after the instruction. */
static void op_int3(struct cpu *c, const struct insn *i) { cpu_raise_trap(c, LINUX_SIGTRAP, LINUX_SI_KERNEL, 3); }

/* INT n: Linux's IDT has user-callable (DPL 3) gates only for vector 3 (breakpoint →
 * SIGTRAP) and 4 (overflow → SIGSEGV), both traps reported after the instruction, and 0x80
 * (the 32-bit syscall entry, which a Go binary never uses: left as #GP here, documented).
 * Every other vector is #GP(vector*8+2) at the instruction. Go places `int $3` (CD 03)
 * after calls that never return. */
static void op_int(struct cpu *c, const struct insn *i)
{
    uint8_t vec = (uint8_t)i->imm;
    if (vec == 3)
        cpu_raise_trap(c, LINUX_SIGTRAP, LINUX_SI_KERNEL, 3);
    if (vec == 4)
        cpu_raise_trap(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 4);
    cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, vec * 8 + 2);
}

static void op_ud2(struct cpu *c, const struct insn *i) { cpu_raise(c, LINUX_SIGILL, LINUX_ILL_ILLOPN, c->insn_rip, 6, 0); }
static void op_hlt(struct cpu *c, const struct insn *i) { cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0); }
static void op_cld(struct cpu *c, const struct insn *i) { c->rflags &= ~(uint64_t)FLAG_DF; }
static void op_std(struct cpu *c, const struct insn *i) { c->rflags |= FLAG_DF; }
void op_nop(struct cpu *c, const struct insn *i) { }

op_fn *sel_int3(const struct insn *i) { return op_int3; }
op_fn *sel_int(const struct insn *i) { return op_int; }
op_fn *sel_ud2(const struct insn *i) { return op_ud2; }
op_fn *sel_hlt(const struct insn *i) { return op_hlt; }
op_fn *sel_cld(const struct insn *i) { return op_cld; }
op_fn *sel_std(const struct insn *i) { return op_std; }
op_fn *sel_nop(const struct insn *i) { return op_nop; }
op_fn *sel_pause(const struct insn *i) { return op_nop; }
