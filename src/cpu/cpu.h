/* cpu.h — architectural state of one guest x86-64 hardware thread.
 * Registers, RIP, lazily computed arithmetic flags, FS/GS bases, SSE state. Process-wide state
 * (threads, files) lives above the CPU (src/proc); a cpu points only at its memory and at the
 * observer hooks installed from outside (struct cpu_hooks). */
#ifndef GOEMU_CPU_H
#define GOEMU_CPU_H

#include <setjmp.h>
#include <stdint.h>

struct mem;
struct cpu;
struct insn;

/* General register numbers in encoding order. REG_NONE indexes gpr[16], which is always zero,
 * so an effective address adds base and index without asking whether they exist. */
enum gpr {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
    REG_NONE = 16,
};

/* Segment slots for effective addresses: only FS and GS have a non-zero base in 64-bit mode. */
enum seg { SEG_NONE, SEG_FS, SEG_GS };

/* RFLAGS bits. */
enum {
    FLAG_CF = 1u << 0, FLAG_PF = 1u << 2, FLAG_AF = 1u << 4, FLAG_ZF = 1u << 6,
    FLAG_SF = 1u << 7, FLAG_TF = 1u << 8, FLAG_IF = 1u << 9, FLAG_DF = 1u << 10,
    FLAG_OF = 1u << 11, FLAG_AC = 1u << 18, FLAG_ID = 1u << 21,
};
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

/* MXCSR bits used by the SSE handlers. */
enum {
    MXCSR_IE = 1u << 0, MXCSR_DE = 1u << 1, MXCSR_ZE = 1u << 2, MXCSR_OE = 1u << 3,
    MXCSR_UE = 1u << 4, MXCSR_PE = 1u << 5, MXCSR_DAZ = 1u << 6, MXCSR_RC_SHIFT = 13,
    MXCSR_FZ = 1u << 15, MXCSR_DEFAULT = 0x1f80,
};

typedef union xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    int8_t sb[16];
    int16_t sw[8];
    int32_t sd[4];
    int64_t sq[2];
    float f[4];
    double fd[2];
} xmm_t;

/* Whose model-specific behaviour the core reproduces where Intel and AMD differ (docs/oracle.md,
 * "Vendor differences"). goemu's CPUID says GenuineIntel, so cpu_init picks Intel; goemu-oracle
 * sets the host's vendor so every case compares exactly on either kind of host. */
enum cpu_vendor { VENDOR_INTEL = 0, VENDOR_AMD = 1 };

/* Which execution tier runs decoded blocks (--tier): the interpreter only, every block
 * translated before its first run, or blocks translated once hot (the default). */
enum cpu_tier { CPU_TIER_AUTO = 0, CPU_TIER_1 = 1, CPU_TIER_2 = 2 };

/* Why a guest stopped executing instructions (cpu.stop). */
enum cpu_stop {
    STOP_NONE = 0,
    STOP_BUDGET,          /* the instruction budget given to cpu_run is spent */
    STOP_SYSCALL,         /* SYSCALL executed (rcx, r11 set; rip after it): the run loop
                             performs the request */
    STOP_FAULT,           /* a guest exception was raised (see cpu.fault) */
};

/* Observers of the CPU, installed from outside (the startup trace, the process clock), so the
 * CPU calls nothing above it. Every member may be NULL. */
struct cpu_hooks {
    /* A decoded block is about to run: its start and its n decoded instructions. */
    void (*block)(struct cpu *c, uint64_t start, const struct insn *insns, uint32_t n);
    /* CPUID answered leaf/subleaf with r (eax, ebx, ecx, edx). */
    void (*cpuid)(struct cpu *c, uint32_t leaf, uint32_t subleaf, const uint32_t r[4]);
    /* RDTSC's counter; NULL: the thread's retired-instruction count. */
    uint64_t (*tsc)(struct cpu *c);
};

/* A guest exception: the signal Linux would send, with its siginfo fields and the
 * trap number/error code it would put into the signal frame (sigcontext trapno/err, written
 * by __unsafe_setup_sigcontext in arch/x86/kernel/signal_64.c). */
struct cpu_fault {
    int signo;      /* SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS */
    int code;       /* si_code: SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPN, FPE_INTDIV, ... */
    uint64_t addr;  /* si_addr: data address for SIGSEGV, rip otherwise */
    uint64_t rip;   /* address of the faulting instruction */
    int trapno;     /* 14 page fault, 13 #GP, 6 #UD, 0 #DE, 3 #BP */
    int err;        /* page-fault error code: 4 user | 2 write | 1 present(protection) */
};

/* The lazy-flags state (see flags.h), saved whole. */
struct cpu_flags_save {
    uint64_t res, a, b, rflags;
    uint32_t op, aux;
};

struct cpu {
    uint64_t gpr[17];       /* gpr[REG_NONE] stays 0 */
    uint64_t rip;           /* during a handler: address of the NEXT instruction */
    uint64_t segbase[3];    /* indexed by enum seg; segbase[SEG_NONE] == 0 */

    /* Lazy flags (src/cpu/flags.h): the last flag-setting operation, evaluated on demand. */
    uint64_t cc_res, cc_a, cc_b;
    uint32_t cc_op;         /* enum cc_op | width code; CC_EFLAGS means rflags holds them */
    uint32_t cc_aux;        /* carry-in, preserved CF, or precomputed CF/OF */
    uint64_t rflags;        /* non-arithmetic bits always; arithmetic bits when cc_op==CC_EFLAGS */

    xmm_t xmm[16];
    uint32_t mxcsr;         /* see cpu_mxcsr_unload: may lag the host's sticky flags */
    uint8_t mxcsr_live;     /* the host MXCSR holds this guest's control bits right now */

    uint64_t insn_rip;      /* address of the instruction being executed */
    uint64_t cur_block_start; /* start of the decoded block being executed (exec.c) */
    uint64_t icount_limit;  /* cpu_run's budget as an icount, for translated code (tier2.h);
                               0 while the loop must see every block (a stop, a block hook) */
    const void *tier2_exit; /* the translated block that last returned to the loop */
    uint64_t icount;        /* instructions retired by this thread */
    uint8_t vendor;         /* enum cpu_vendor */
    uint8_t tier;           /* enum cpu_tier */

    struct mem *mem;
    const struct cpu_hooks *hooks;  /* never NULL: cpu_init installs an empty set */

    enum cpu_stop stop;
    struct cpu_fault fault;
    /* Set while an instruction whose flags a fault must not show runs (REP CMPS/SCAS on
     * Intel): cpu_raise puts these back. */
    const struct cpu_flags_save *flags_on_fault;
    jmp_buf *fault_jmp;     /* where a faulting access unwinds to (set by the exec loop) */
};

/* Installs observer hooks (never NULL). A block hook must see every block, so translated code
 * stops going from block to block by itself for this thread (icount_limit 0). */
static inline void cpu_set_hooks(struct cpu *c, const struct cpu_hooks *h)
{
    c->hooks = h;
    if (h->block)
        c->icount_limit = 0;
}

/* Stops the CPU at the end of the current block (SYSCALL). Translated code checks only the
 * budget between blocks, so the budget ends too. */
static inline void cpu_stop_at_block_end(struct cpu *c, enum cpu_stop why)
{
    c->stop = why;
    c->icount_limit = 0;
}

#endif
