/* signal.c — the guest's signal model, as Linux's kernel/signal.c and
 * arch/x86/kernel/signal.c keep it: generation (sig_post), which pending signal goes first,
 * the exact rt_sigframe (x64_setup_rt_frame in arch/x86/kernel/signal_64.c) on the thread's
 * sigaltstack when
 * SA_ONSTACK applies, handler entry registers, mask updates, rt_sigreturn restoring
 * everything from the (possibly modified) frame, default actions and synchronous faults.
 * Host signals sent to goemu are forwarded by hostsig.c. docs/signals.md describes the path. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "cpu/exec.h"
#include "cpu/flags.h"
#include "abi/linux_abi.h"
#include "proc/signal.h"

/* Offsets inside the frame, from the handler-entry rsp (struct rt_sigframe in
 * arch/x86/include/asm/sigframe.h, filled by x64_setup_rt_frame; checked against a
 * kernel-built frame by tests/unit/test_sigframe.c). */
enum {
    F_RESTORER = 0,
    F_UC = 8,                 /* struct ucontext */
    F_UC_FLAGS = F_UC + 0,
    F_UC_LINK = F_UC + 8,
    F_UC_STACK = F_UC + 16,   /* stack_t {sp, flags(int)+pad, size} */
    F_MC = F_UC + 40,         /* struct sigcontext, 256 bytes */
    F_SIGMASK = F_UC + 296,
    F_SIGINFO = 312,          /* 128 bytes */
    F_END = 440,              /* sizeof(struct rt_sigframe) */
    RED_ZONE = 128,           /* System V ABI, skipped unless switching to the altstack */
};
/* sigcontext field offsets from F_MC: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
 * eflags (u64 each), cs, gs, fs, ss (u16), err, trapno, oldmask, cr2, fpstate. */
static const unsigned mc_gpr_order[16] = {R8, R9, R10, R11, R12, R13, R14, R15,
                                          RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP};
enum {
    MC_RIP = 128, MC_EFLAGS = 136, MC_CS = 144, MC_GS = 146, MC_FS = 148, MC_SS = 150,
    MC_ERR = 152, MC_TRAPNO = 160, MC_OLDMASK = 168, MC_CR2 = 176, MC_FPSTATE = 184,
};
/* FP image: FXSAVE legacy area (512) + XSAVE header (64) + magic2 (4), as Linux writes it
 * with UC_FP_XSTATE for a CPU whose XSAVE features are x87|SSE (goemu's CPUID profile has
 * no AVX); fx_sw_bytes live in the legacy area's software-reserved tail. */
enum {
    FP_FCW = 0, FP_MXCSR = 24, FP_MXCSR_MASK = 28, FP_XMM = 160, FP_SW_BYTES = 464,
    FP_LEGACY = 512, FP_XSTATE_BV = 512, FP_XSTATE_SIZE = 576, FP_TOTAL = FP_XSTATE_SIZE + 4,
    FP_MAGIC1 = 0x46505853, FP_MAGIC2 = 0x46505845,
};
/* MXCSR bits the emulated CPU implements (DAZ included): the image's mxcsr_mask. */
#define MXCSR_MASK 0xffffu
#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4
#define FLAG_RF (1u << 16)
/* The flags rt_sigreturn takes from the frame (arch/x86/kernel/signal_64.c FIX_EFLAGS;
 * TF and RF have no effect in goemu). */
#define FIX_EFLAGS (FLAGS_ARITH | FLAG_DF | FLAG_AC)
/* Signals next_signal dequeues before any other (kernel/signal.c SYNCHRONOUS_MASK). */
#define SYNCHRONOUS_MASK (sig_bit(LINUX_SIGSEGV) | sig_bit(LINUX_SIGBUS) | sig_bit(LINUX_SIGILL) | \
                          sig_bit(LINUX_SIGTRAP) | sig_bit(LINUX_SIGFPE) | sig_bit(LINUX_SIGSYS))

static void put64(uint8_t *b, unsigned off, uint64_t v) { memcpy(b + off, &v, 8); }
static void put32(uint8_t *b, unsigned off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put16(uint8_t *b, unsigned off, uint16_t v) { memcpy(b + off, &v, 2); }
static uint64_t get64(const uint8_t *b, unsigned off) { uint64_t v; memcpy(&v, b + off, 8); return v; }
static uint32_t get32(const uint8_t *b, unsigned off) { uint32_t v; memcpy(&v, b + off, 4); return v; }

/* The process dies by sig: Linux prints nothing itself; the shell reports 128+n. */
static _Noreturn void die_by(struct emu *e, int sig)
{
    emu_die_signal(e, sig);
}

/* ---- shared rules --------------------------------------------------------------- */

enum sig_default sig_default_action(int sig)
{
    switch (sig) {
    case 17: case LINUX_SIGCONT: case 23: case 28:      /* CHLD CONT URG WINCH */
        return SIGDFL_IGNORE;
    case 3: case LINUX_SIGILL: case LINUX_SIGTRAP: case 6: case LINUX_SIGBUS: case LINUX_SIGFPE:
    case LINUX_SIGSEGV: case 24: case 25: case LINUX_SIGSYS:  /* QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS */
        return SIGDFL_CORE;
    case LINUX_SIGSTOP: case LINUX_SIGTSTP: case LINUX_SIGTTIN: case LINUX_SIGTTOU:
        return SIGDFL_STOP;
    default:
        return SIGDFL_TERM;
    }
}

int sig_handler_ignored(const struct emu *e, int sig)
{
    uint64_t h = e->sigactions[sig].handler;
    return h == LINUX_SIG_IGN || (h == LINUX_SIG_DFL && sig_default_action(sig) == SIGDFL_IGNORE);
}

/* The stack grows down: the top byte belongs to the stack, the bottom one does not. */
int sig_on_altstack(const struct thread *t, uint64_t sp)
{
    const struct guest_sigaltstack *s = &t->altstack;
    if (s->flags & LINUX_SS_AUTODISARM)  /* cannot be on it, by construction (on_sig_stack) */
        return 0;
    return sp > s->sp && sp - s->sp <= s->size;
}

int32_t sig_altstack_flags(const struct thread *t, uint64_t sp)
{
    if (t->altstack.size == 0)
        return LINUX_SS_DISABLE;
    return sig_on_altstack(t, sp) ? LINUX_SS_ONSTACK : 0;
}

int64_t sig_set_altstack(struct thread *t, uint64_t sp, int32_t flags, uint64_t size)
{
    int32_t mode = flags & ~(int32_t)LINUX_SS_AUTODISARM;
    if (sig_on_altstack(t, t->cpu.gpr[RSP]))
        return -EPERM;
    if (mode != 0 && mode != LINUX_SS_ONSTACK && mode != LINUX_SS_DISABLE)
        return -EINVAL;
    if (mode == LINUX_SS_DISABLE) {
        sp = 0;
        size = 0;
    } else if (size < LINUX_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->altstack = (struct guest_sigaltstack){sp, flags, size};
    return 0;
}

/* The thread group leader: the thread whose tid is the pid, while it lives. */
static struct thread *leader(const struct emu *e)
{
    struct thread *first = NULL;
    for (struct thread *t = e->threads; t; t = t->next) {
        if (t->state == THREAD_EXITED)
            continue;
        if (t->tid == e->pid)
            return t;
        if (!first)
            first = t;
    }
    return first;
}

struct thread *sig_process_target(const struct emu *e, int sig)
{
    struct thread *l = leader(e);
    if (l && !(l->sigmask & sig_bit(sig)))
        return l;
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->state != THREAD_EXITED && !(t->sigmask & sig_bit(sig)))
            return t;
    return NULL;
}

/* ---- generation (kernel/signal.c send_signal) ------------------------------------------------- */

void sig_flush_pending(struct emu *e, uint64_t set)
{
    e->sigpending &= ~set;
    for (struct thread *t = e->threads; t; t = t->next)
        t->sigpending &= ~set;
}

void sig_post_info(struct emu *e, struct thread *target, int sig, const struct sig_source *src)
{
    if (sig == LINUX_SIGKILL)
        emu_die_signal(e, sig);
    /* prepare_signal: a stop signal cancels a pending SIGCONT and vice versa. */
    if (sig_bit(sig) & SIG_STOP_MASK)
        sig_flush_pending(e, sig_bit(LINUX_SIGCONT));
    else if (sig == LINUX_SIGCONT)
        sig_flush_pending(e, SIG_STOP_MASK);
    /* sig_ignored: an ignored signal is dropped now unless the target (the leader for the
     * process) blocks it, since its disposition may change while it waits. */
    struct thread *checked = target ? target : leader(e);
    if (!(checked && (checked->sigmask & sig_bit(sig))) && sig_handler_ignored(e, sig))
        return;
    uint64_t *pending = target ? &target->sigpending : &e->sigpending;
    if (*pending & sig_bit(sig))
        return;  /* a standard signal is pending at most once (legacy_queue) */
    *pending |= sig_bit(sig);
    (target ? target->sigsrc : e->sigsrc)[sig] = *src;
    /* complete_signal: a signal whose default action terminates (without a core dump) kills
     * the whole process at once when a thread will take it, before the sender runs on. */
    struct thread *taker = target ? target : sig_process_target(e, sig);
    if (taker && !(taker->sigmask & sig_bit(sig)) &&
        e->sigactions[sig].handler == LINUX_SIG_DFL && sig_default_action(sig) == SIGDFL_TERM)
        emu_die_signal(e, sig);
}

void sig_post(struct emu *e, struct thread *target, int sig)
{
    /* kill(2) is SI_USER, tkill/tgkill SI_TKILL; both carry the sender's pid and uid. */
    struct sig_source src = {target ? LINUX_SI_TKILL : LINUX_SI_USER, e->pid,
                             emu_guest_id(e, getuid()), 0};
    sig_post_info(e, target, sig, &src);
}

/* ---- the frame ---------------------------------------------------------------------------- */

/* kernel __on_sig_stack: inside the altstack, whatever its flags. */
static int within_altstack(const struct thread *t, uint64_t sp)
{
    return sp > t->altstack.sp && sp - t->altstack.sp <= t->altstack.size;
}

/* kernel get_sigframe: skip the red zone, switch to the altstack top when SA_ONSTACK asks and
 * the thread is not on it, make room for the FP image (64-byte aligned) and the frame (rsp %
 * 16 == 8 at entry, as after a CALL). 0 when the frame would overflow the altstack. */
static uint64_t frame_address(const struct thread *t, const struct guest_sigaction *act,
                              uint64_t *fp_addr)
{
    uint64_t sp = t->cpu.gpr[RSP];
    int nested = sig_on_altstack(t, sp), entering = 0;
    sp -= RED_ZONE;
    if ((act->flags & LINUX_SA_ONSTACK) && sig_altstack_flags(t, sp) == 0) {
        sp = t->altstack.sp + t->altstack.size;
        entering = 1;
    }
    *fp_addr = (sp - FP_TOTAL) & ~63ull;
    uint64_t frame = ((*fp_addr - F_END) & ~15ull) - 8;
    if ((nested || entering) && !within_altstack(t, frame))
        return 0;
    return frame;
}

static void fill_fpstate(uint8_t *fp, const struct cpu *c)
{
    put16(fp, FP_FCW, 0x37f);
    put32(fp, FP_MXCSR, c->mxcsr);
    put32(fp, FP_MXCSR_MASK, MXCSR_MASK);
    memcpy(fp + FP_XMM, c->xmm, sizeof(c->xmm));
    put32(fp, FP_SW_BYTES + 0, FP_MAGIC1);
    put32(fp, FP_SW_BYTES + 4, FP_TOTAL);      /* extended_size */
    put64(fp, FP_SW_BYTES + 8, 3);             /* xfeatures: x87 | SSE */
    put32(fp, FP_SW_BYTES + 16, FP_XSTATE_SIZE);
    put64(fp, FP_XSTATE_BV, 3);
    put32(fp, FP_XSTATE_SIZE, FP_MAGIC2);
}

/* uc_mcontext (arch/x86/kernel/signal_64.c setup_sigcontext). RF is set in the saved flags
 * for a fault, as the CPU pushes it (measured 0x10246), not for a trap (int3: 0x202). */
static void fill_sigcontext(uint8_t *mc, const struct thread *t, int fault, uint64_t fp_addr)
{
    const struct cpu *c = &t->cpu;
    for (int k = 0; k < 16; k++)
        put64(mc, 8 * k, c->gpr[mc_gpr_order[k]]);
    put64(mc, MC_RIP, c->rip);
    put64(mc, MC_EFLAGS, flags_get(c) | (fault ? FLAG_RF : 0));
    put16(mc, MC_CS, 0x33);
    put16(mc, MC_SS, 0x2b);
    /* Linux writes the thread's last exception into every frame, fault or not. */
    put64(mc, MC_ERR, (uint64_t)(uint32_t)t->trap_err);
    put64(mc, MC_TRAPNO, (uint64_t)(uint32_t)t->trap_nr);
    put64(mc, MC_OLDMASK, t->sigmask);
    put64(mc, MC_CR2, t->trap_cr2);
    put64(mc, MC_FPSTATE, fp_addr);
}

/* Builds the frame for sig with siginfo si (128 bytes) and enters the handler (kernel
 * setup_rt_frame + handle_signal + signal_setup_done). Returns 0, or -EFAULT when the frame
 * cannot be written (the caller then forces SIGSEGV, as Linux's force_sigsegv does). */
static int setup_frame(struct emu *e, struct thread *t, int sig, const uint8_t si[128], int fault)
{
    struct cpu *c = &t->cpu;
    const struct guest_sigaction act = e->sigactions[sig];
    if (!(act.flags & LINUX_SA_RESTORER))
        return -EFAULT;  /* "x86-64 should always use SA_RESTORER" (signal_64.c) */
    uint64_t fp_addr, frame = frame_address(t, &act, &fp_addr);
    if (!frame)
        return -EFAULT;

    uint8_t buf[F_END + 16 + FP_TOTAL];
    unsigned fp_off = (unsigned)(fp_addr - frame);  /* 456: measured */
    memset(buf, 0, sizeof(buf));
    put64(buf, F_RESTORER, act.restorer);
    put64(buf, F_UC_FLAGS, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    /* uc_stack holds the altstack as set, flags unprocessed (unsafe_save_altstack). */
    put64(buf, F_UC_STACK + 0, t->altstack.sp);
    put32(buf, F_UC_STACK + 8, (uint32_t)t->altstack.flags);
    put64(buf, F_UC_STACK + 16, t->altstack.size);
    fill_sigcontext(buf + F_MC, t, fault, fp_addr);
    put64(buf, F_SIGMASK, t->sigmask);
    memcpy(buf + F_SIGINFO, si, 128);
    fill_fpstate(buf + fp_off, c);
    if (mem_copy_to(&e->mem, frame, buf, fp_off + FP_TOTAL) != 0)
        return -EFAULT;
    if (t->altstack.flags & LINUX_SS_AUTODISARM)
        t->altstack = (struct guest_sigaltstack){0, LINUX_SS_DISABLE, 0};

    /* Handler entry (signal_64.c, handle_signal): rdi/rsi/rdx, rax = 0, DF/TF/RF clear, FP
     * state reset to its init state (fpu__clear_user_states). Other registers stay. */
    c->gpr[RSP] = frame;
    c->gpr[RDI] = (uint64_t)sig;
    c->gpr[RSI] = frame + F_SIGINFO;
    c->gpr[RDX] = frame + F_UC;
    c->gpr[RAX] = 0;
    c->rip = act.handler;
    flags_materialize(c);
    c->rflags &= ~(uint64_t)(FLAG_DF | FLAG_TF);
    memset(c->xmm, 0, sizeof(c->xmm));
    c->mxcsr = MXCSR_DEFAULT;
    /* signal_setup_done: block sa_mask and, without SA_NODEFER, the signal itself. */
    t->sigmask = (t->sigmask | act.mask | (act.flags & LINUX_SA_NODEFER ? 0 : sig_bit(sig))) &
                 ~SIG_UNBLOCKABLE;
    if (act.flags & LINUX_SA_RESETHAND)
        e->sigactions[sig].handler = LINUX_SIG_DFL;  /* get_signal: SA_ONESHOT */
    return 0;
}

/* ---- siginfo ------------------------------------------------------------------------------ */

static void siginfo_from_source(uint8_t si[128], int sig, const struct sig_source *src)
{
    memset(si, 0, 128);
    put32(si, 0, (uint32_t)sig);
    put32(si, 8, (uint32_t)src->code);
    put32(si, 16, (uint32_t)src->pid);
    put32(si, 20, src->uid);
    if (sig == 17)  /* SIGCHLD: si_status (utime/stime stay 0) */
        put32(si, 24, (uint32_t)src->status);
}

static void siginfo_fault(uint8_t si[128], const struct cpu_fault *f)
{
    memset(si, 0, 128);
    put32(si, 0, (uint32_t)f->signo);
    put32(si, 8, (uint32_t)f->code);
    put64(si, 16, f->addr);
}

/* ---- choosing the next signal --------------------------------------------------------------- */

/* kernel next_signal: synchronous signals first, then the lowest number. */
static int next_signal(uint64_t set)
{
    if (set & SYNCHRONOUS_MASK)
        set &= SYNCHRONOUS_MASK;
    return set ? __builtin_ctzll(set) + 1 : 0;
}

/* Process-pending signals t does not block and is the one to take (sig_process_target). */
static uint64_t shared_for(const struct emu *e, const struct thread *t)
{
    uint64_t set = e->sigpending & ~t->sigmask, mine = 0;
    while (set) {
        int sig = __builtin_ctzll(set) + 1;
        set &= set - 1;
        if (sig_process_target(e, sig) == t)
            mine |= sig_bit(sig);
    }
    return mine;
}

/* kernel dequeue_signal: the thread's own pending set first, then the process's. */
static int dequeue_signal(struct emu *e, struct thread *t, struct sig_source *src)
{
    int sig = next_signal(t->sigpending & ~t->sigmask);
    if (sig) {
        t->sigpending &= ~sig_bit(sig);
        *src = t->sigsrc[sig];
        return sig;
    }
    sig = next_signal(shared_for(e, t));
    if (sig) {
        e->sigpending &= ~sig_bit(sig);
        *src = e->sigsrc[sig];
    }
    return sig;
}

int sig_wants_wake(struct emu *e, struct thread *t)
{
    if (!((t->sigpending | e->sigpending) & ~t->sigmask))
        return 0;  /* the common case, on every syscall exit */
    return (t->sigpending & ~t->sigmask) || shared_for(e, t);
}

/* ---- delivery ------------------------------------------------------------------------------- */

/* The syscall a blocked thread waits in ends for a handler (kernel handle_signal's restart
 * rules): futex without timeout and fd reads/writes return -ERESTARTSYS, restarted with
 * SA_RESTART (rip back on the SYSCALL, rax = its number) and -EINTR otherwise; timed futex
 * waits, sleeps (-ERESTART_RESTARTBLOCK) and poll/epoll waits (-ERESTARTNOHAND, -EINTR) are
 * -EINTR whatever the flags. A BLOCK_FD thread's rip is already on its SYSCALL. */
static void interrupt_syscall(struct thread *t, int sig)
{
    if (t->state != THREAD_BLOCKED)
        return;
    struct cpu *c = &t->cpu;
    int restart = (t->emu->sigactions[sig].flags & LINUX_SA_RESTART) != 0;
    if (t->block == BLOCK_FD) {
        unsigned nr = (uint32_t)c->gpr[RAX];  /* kept for the re-execution */
        int never = nr == 7 || nr == 232 || nr == 271 || nr == 281;  /* poll epoll_wait ppoll epoll_pwait */
        if (!restart || never) {
            c->rip += 2;
            c->gpr[RAX] = (uint64_t)-EINTR;
        }
    } else if (t->block == BLOCK_FUTEX && t->deadline_ns < 0 && restart) {
        c->rip -= 2;
        c->gpr[RAX] = 202;  /* futex: FUTEX_WAIT again, with the same arguments */
    } else {
        c->gpr[RAX] = (uint64_t)-EINTR;
    }
    t->state = THREAD_RUNNABLE;
    t->block = BLOCK_NONE;
    t->deadline_ns = -1;
}

/* force_sigsegv: a frame that could not be built. For SIGSEGV itself, or with SIGSEGV
 * blocked or ignored, the process dies by SIGSEGV; else SIGSEGV (SI_KERNEL) is queued to the
 * thread, unblocked, and delivered next. */
static void force_sigsegv(struct emu *e, struct thread *t, int sig)
{
    uint64_t h = e->sigactions[LINUX_SIGSEGV].handler;
    if (sig == LINUX_SIGSEGV || h == LINUX_SIG_DFL || h == LINUX_SIG_IGN ||
        (t->sigmask & sig_bit(LINUX_SIGSEGV)))
        die_by(e, LINUX_SIGSEGV);
    t->sigpending |= sig_bit(LINUX_SIGSEGV);
    t->sigsrc[LINUX_SIGSEGV] = (struct sig_source){LINUX_SI_KERNEL, 0, 0, 0};
}

/* Default actions (man 7 signal): terminate or dump core (goemu dies by the same host
 * signal), stop (goemu stops itself with SIGSTOP, so the shell's job control sees it), or
 * nothing. */
static void default_action(struct emu *e, int sig)
{
    switch (sig_default_action(sig)) {
    case SIGDFL_IGNORE:
        return;
    case SIGDFL_STOP:
        fflush(stdout);
        kill(getpid(), SIGSTOP);
        return;
    default:
        die_by(e, sig);
    }
}

int sig_deliver(struct emu *e, struct thread *t)
{
    int built = 0;
    /* Linux loops on the way to user mode until nothing deliverable is left, so later
     * handlers nest on earlier frames and run first (unless sa_mask blocks them). */
    for (int n = 0; n < 2 * LINUX_NSIG && !e->exited; n++) {
        struct sig_source src;
        int sig = dequeue_signal(e, t, &src);
        if (!sig)
            break;
        uint64_t handler = e->sigactions[sig].handler;
        if (handler == LINUX_SIG_IGN)
            continue;
        if (handler == LINUX_SIG_DFL) {
            default_action(e, sig);
            continue;
        }
        interrupt_syscall(t, sig);
        uint8_t si[128];
        siginfo_from_source(si, sig, &src);
        if (setup_frame(e, t, sig, si, 0) != 0)
            force_sigsegv(e, t, sig);
        else
            built = 1;
    }
    return built;
}

/* force_sig_fault: the fault's signal is delivered first; when it is blocked or ignored, or
 * has no handler, the process dies by it (with a line for whoever debugs the guest). */
void sig_deliver_fault(struct emu *e, struct thread *t)
{
    const struct cpu_fault *f = &t->cpu.fault;
    int sig = f->signo;
    /* The thread's exception state, as the CPU and do_trap/do_page_fault record it. */
    t->trap_nr = f->trapno;
    t->trap_err = f->err;
    if (f->trapno == 14)
        t->trap_cr2 = f->addr;
    uint64_t handler = e->sigactions[sig].handler;
    if (handler == LINUX_SIG_DFL || handler == LINUX_SIG_IGN || (t->sigmask & sig_bit(sig))) {
        char sym[160] = "";
        if (exec_symbolize)
            exec_symbolize(f->rip, sym, sizeof(sym));
        fprintf(diag(), "goemu: guest %s (si_code %d, addr 0x%llx) at rip 0x%llx%s%s%s in thread %d\n",
                strsignal(sig), f->code, (unsigned long long)f->addr, (unsigned long long)f->rip,
                sym[0] ? " <" : "", sym, sym[0] ? ">" : "", t->tid);
        die_by(e, sig);
    }
    uint8_t si[128];
    siginfo_fault(si, f);
    int trap = f->trapno == 3 || f->trapno == 1;  /* #BP/#DB are traps: no RF */
    if (setup_frame(e, t, sig, si, !trap) != 0)
        force_sigsegv(e, t, sig);
    sig_deliver(e, t);  /* anything else deliverable nests on top, as on any return to user */
}

/* ---- rt_sigreturn --------------------------------------------------------------------------- */

/* A frame rt_sigreturn cannot use (unreadable, bad MXCSR): Linux's badframe raises SIGSEGV
 * and returns 0. */
static int64_t bad_frame(struct emu *e, struct thread *t)
{
    uint64_t h = e->sigactions[LINUX_SIGSEGV].handler;
    if (h == LINUX_SIG_DFL || h == LINUX_SIG_IGN || (t->sigmask & sig_bit(LINUX_SIGSEGV)))
        die_by(e, LINUX_SIGSEGV);
    t->sigpending |= sig_bit(LINUX_SIGSEGV);
    t->sigsrc[LINUX_SIGSEGV] = (struct sig_source){LINUX_SI_KERNEL, 0, 0, 0};
    return 0;
}

int64_t sig_return(struct emu *e, struct thread *t)
{
    struct cpu *c = &t->cpu;
    uint64_t frame = c->gpr[RSP] - 8;  /* the handler's RET popped the restorer address */
    uint8_t buf[F_END], fp[FP_LEGACY];
    if (mem_copy_from(&e->mem, buf, frame, sizeof(buf)) != 0)
        return bad_frame(e, t);
    uint64_t fp_addr = get64(buf, F_MC + MC_FPSTATE);
    if (fp_addr && (mem_copy_from(&e->mem, fp, fp_addr, sizeof(fp)) != 0 ||
                    (get32(fp, FP_MXCSR) & ~MXCSR_MASK)))
        return bad_frame(e, t);  /* FXRSTOR/XRSTOR would #GP on reserved MXCSR bits */

    for (int k = 0; k < 16; k++)
        c->gpr[mc_gpr_order[k]] = get64(buf, F_MC + 8 * k);
    c->rip = get64(buf, F_MC + MC_RIP);
    flags_put(c, (flags_get(c) & ~(uint64_t)FIX_EFLAGS) | (get64(buf, F_MC + MC_EFLAGS) & FIX_EFLAGS));
    if (fp_addr) {
        c->mxcsr = get32(fp, FP_MXCSR);
        memcpy(c->xmm, fp + FP_XMM, sizeof(c->xmm));
    } else {  /* no FP image: the init state (fpu__restore_sig with buf == NULL) */
        memset(c->xmm, 0, sizeof(c->xmm));
        c->mxcsr = MXCSR_DEFAULT;
    }
    t->sigmask = get64(buf, F_SIGMASK) & ~SIG_UNBLOCKABLE;
    /* restore_altstack: do_sigaltstack with the restored rsp; its errors are ignored. */
    sig_set_altstack(t, get64(buf, F_UC_STACK), (int32_t)get32(buf, F_UC_STACK + 8),
                     get64(buf, F_UC_STACK + 16));
    return (int64_t)c->gpr[RAX];
}
