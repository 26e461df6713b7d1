/* sigstate.h — what signal generation (sys_signal.c) and delivery (signal_deliver.c) share:
 * signal bit sets, default actions, the alternate-stack rules of kernel/signal.c, and which
 * thread takes a process-directed signal. Guest numbering throughout (Linux x86-64). */
#ifndef GOEMU_SIGSTATE_H
#define GOEMU_SIGSTATE_H

#include <stdint.h>

#include "emu.h"
#include "syscalls/linux_abi.h"

#define SIG_SIGINT 2
#define SIG_SIGILL 4
#define SIG_SIGTRAP 5
#define SIG_SIGBUS 7
#define SIG_SIGFPE 8
#define SIG_SIGSEGV 11
#define SIG_SIGCONT 18
#define SIG_SIGTSTP 20
#define SIG_SIGTTIN 21
#define SIG_SIGTTOU 22
#define SIG_SIGSYS 31

/* si_code values (include/uapi/asm-generic/siginfo.h). */
#define SIG_SI_USER 0
#define SIG_SI_KERNEL 0x80
#define SIG_SI_TKILL (-6)

static inline uint64_t sig_bit(int sig) { return 1ull << (sig - 1); }

/* KILL and STOP can be neither blocked nor caught (man 7 signal). */
#define SIG_UNBLOCKABLE (sig_bit(LINUX_SIGKILL) | sig_bit(LINUX_SIGSTOP))
/* Stop signals (kernel SIG_KERNEL_STOP_MASK). */
#define SIG_STOP_MASK (sig_bit(LINUX_SIGSTOP) | sig_bit(SIG_SIGTSTP) | sig_bit(SIG_SIGTTIN) | \
                       sig_bit(SIG_SIGTTOU))

/* The default action of each signal (man 7 signal, "Standard signals"; real-time signals
 * terminate). */
enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP };
enum sig_default sig_default_action(int sig);

/* Whether a signal with this disposition is thrown away (SIG_IGN, or SIG_DFL whose default
 * is to ignore): kernel sig_handler_ignored. */
int sig_handler_ignored(const struct emu *e, int sig);

/* kernel on_sig_stack / sas_ss_flags: whether sp is on t's altstack (never with
 * SS_AUTODISARM), and the flags sigaltstack reports for it (SS_DISABLE when there is none). */
int sig_on_altstack(const struct thread *t, uint64_t sp);
int32_t sig_altstack_flags(const struct thread *t, uint64_t sp);

/* kernel do_sigaltstack for a new stack (sigaltstack(2) and rt_sigreturn's restore):
 * 0, -EPERM while on the current one, -EINVAL for an unknown mode, -ENOMEM when too small. */
int64_t sig_set_altstack(struct thread *t, uint64_t sp, int32_t flags, uint64_t size);

/* The thread that takes a pending process-directed signal: the main thread unless it blocks
 * sig, else the first live thread that does not (kernel complete_signal); NULL if all do. */
struct thread *sig_process_target(const struct emu *e, int sig);

#endif
