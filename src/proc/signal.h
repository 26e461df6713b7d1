/* signal.h — the guest's signal model (proc/signal.c): generation, delivery to handlers or
 * default actions, synchronous faults, rt_sigreturn, the alternate-stack rules, and host
 * signals forwarded to the guest (proc/hostsig.c). Guest numbering throughout (abi/linux_abi.h). */
#ifndef GOEMU_PROC_SIGNAL_H
#define GOEMU_PROC_SIGNAL_H

#include <stdint.h>

#include "proc/process.h"
#include "abi/linux_abi.h"

static inline uint64_t sig_bit(int sig) { return 1ull << (sig - 1); }

/* KILL and STOP can be neither blocked nor caught (man 7 signal). */
#define SIG_UNBLOCKABLE (sig_bit(LINUX_SIGKILL) | sig_bit(LINUX_SIGSTOP))
/* Stop signals (kernel SIG_KERNEL_STOP_MASK). */
#define SIG_STOP_MASK (sig_bit(LINUX_SIGSTOP) | sig_bit(LINUX_SIGTSTP) | sig_bit(LINUX_SIGTTIN) | \
                       sig_bit(LINUX_SIGTTOU))

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

/* Posts signal sig (1..64) to thread target, or to the process when target is NULL, as
 * Linux does at generation: SIGKILL kills, an ignored unblocked signal is dropped, one whose
 * default action terminates kills the process at once, anything else becomes pending.
 * sig_post's siginfo is a kill (SI_USER) or tkill (SI_TKILL) from this process; sig_post_info
 * gives it (SIGCHLD, signals from outside). */
void sig_post(struct emu *e, struct thread *target, int sig);
void sig_post_info(struct emu *e, struct thread *target, int sig, const struct sig_source *src);
/* Discards the signals in set wherever they are pending (a disposition became "ignore",
 * or a stop signal cancels SIGCONT and back: kernel flush_sigqueue_mask). */
void sig_flush_pending(struct emu *e, uint64_t set);

/* Delivery (docs/signals.md). */
/* Delivers every pending signal t does not block, as Linux does on the way to user mode:
 * lowest number first (thread-directed before process-directed), each handler frame on top
 * of the previous one, or the default action. Returns 1 when a handler frame was built. */
int sig_deliver(struct emu *e, struct thread *t);
/* Whether t has a pending signal it does not block and should take (a blocked syscall
 * should end). */
int sig_wants_wake(struct emu *e, struct thread *t);
/* t's instruction raised t->cpu.fault: enter the guest handler or die as Linux would. */
void sig_deliver_fault(struct emu *e, struct thread *t);
/* rt_sigreturn: restores t from the signal frame below rsp; returns the restored rax. */
int64_t sig_return(struct emu *e, struct thread *t);
/* Host signals (SIGINT, SIGTERM, ...) sent to goemu are queued for the guest, which starts
 * with the ignored dispositions and blocked mask goemu inherited (as execve(2) passes them
 * on). Call once the main thread exists. sig_poll_host posts what arrived. */
void sig_forward_host_signals(struct emu *e);
void sig_poll_host(struct emu *e);
/* rt_sigaction changed sig's handler: goemu's host disposition follows whether the guest
 * ignores it, so programs it execs inherit that (no-op until forwarding is on). */
void sig_host_follow(int sig, uint64_t handler);
/* ppoll for the scheduler's idle wait (timeout_ns < 0: none) that cannot miss a forwarded
 * host signal: returns 0 at once if one is already waiting, else ppoll's result (-1 with
 * EINTR when one arrives during the wait). */
struct pollfd;
int sig_host_ppoll(struct pollfd *pfd, unsigned long n, int64_t timeout_ns);

#endif
