/* native.h — runs instruction bytes on the host CPU with a given register state.
 * The one native runner of goemu-oracle and the instruction unit tests: both put the same bytes
 * at the same address natively and in goemu's guest memory, so that absolute and RIP-relative
 * addresses mean the same, and compare what comes out. */
#ifndef GOEMU_ORACLE_NATIVE_H
#define GOEMU_ORACLE_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* Architectural state loaded before and stored after the bytes. RSP is loaded too: the bytes
 * run on the stack they are given (PUSH, CALL and RET are tested for real). */
struct native_state {
    uint64_t gpr[16];       /* enum gpr order */
    uint64_t rflags;
    uint64_t rip;           /* output only: where execution continued, or the faulting insn */
    xmm_t xmm[16];
    uint32_t mxcsr;
    uint32_t pad;
};

/* signo == 0: the bytes ran to their end (st.rip = insn + len) or branched to the target
 * (st.rip = target). Otherwise a fault: st is the state in the signal frame, as a guest
 * handler would see it, and code/addr/trapno/err come from siginfo and the frame. */
struct native_result {
    struct native_state st;
    int signo, code, trapno, err;
    uint64_t addr;
};

/* Maps the runner's 4 KB code page read-write-execute at code_page. Bytes are placed at insn;
 * a branch to target (0: none) ends the run like falling off the end. Installs the fault
 * handlers on an alternate stack. Calling it again with the same layout does nothing. */
int native_init(uint64_t code_page, uint64_t insn, uint64_t target);

/* Runs len bytes at insn from state in, with the GS base set to gsbase (glibc does not use
 * GS; FS is its TLS and cannot be given to the bytes). */
void native_run(const uint8_t *bytes, size_t len, const struct native_state *in,
                uint64_t gsbase, struct native_result *out);

/* Maps fresh anonymous memory at exactly addr (it must be free); 0 or -1 with a message. */
int native_map(uint64_t addr, size_t len, int prot);
/* Whether the page at addr is unmapped in this process. */
int native_unmapped(uint64_t addr);

/* The host CPU's vendor from CPUID leaf 0 (AuthenticAMD and HygonGenuine are AMD). */
enum cpu_vendor native_vendor(void);

/* Called with the signal number when a fault signal arrives while no bytes are running (a
 * crash of the host program itself), before it is passed on to the handler the runner
 * displaced, or to the default action. */
extern void (*native_stray_hook)(int sig);

#endif
