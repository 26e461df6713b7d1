/* signal_deliver.c — delivering signals to guest handlers the way Linux does: the exact
 * rt_sigframe (reference §5.2) on the thread's sigaltstack when SA_ONSTACK applies, handler
 * entry registers, mask updates, and rt_sigreturn restoring everything from the (possibly
 * modified) frame. Also default actions and host signals forwarded to the guest. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cpu/exec.h"
#include "cpu/flags.h"
#include "emu.h"
#include "syscalls/linux_abi.h"
#include "syscalls/syscalls.h"

/* Offsets inside the frame, from the handler-entry rsp (measured layout, reference §5.2). */
enum {
    F_RESTORER = 0,
    F_UC = 8,                 /* struct ucontext */
    F_UC_FLAGS = F_UC + 0,
    F_UC_LINK = F_UC + 8,
    F_UC_STACK = F_UC + 16,   /* stack_t {sp, flags(int)+pad, size} */
    F_MC = F_UC + 40,         /* struct sigcontext, 256 bytes */
    F_SIGMASK = F_UC + 296,
    F_SIGINFO = 312,          /* 128 bytes */
    F_END = 440,
    F_FP_GAP = 456,           /* the FP image starts 64-byte aligned, 16 bytes after siginfo */
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
 * with UC_FP_XSTATE; fx_sw_bytes live in the legacy area's software-reserved tail. */
enum {
    FP_FCW = 0, FP_MXCSR = 24, FP_MXCSR_MASK = 28, FP_XMM = 160, FP_SW_BYTES = 464,
    FP_XSTATE_BV = 512, FP_XSTATE_SIZE = 576, FP_TOTAL = FP_XSTATE_SIZE + 4,
    FP_MAGIC1 = 0x46505853, FP_MAGIC2 = 0x46505845,
};
#ifndef LINUX_SA_ONSTACK
#define LINUX_SA_ONSTACK 0x08000000u
#define LINUX_SA_RESTART 0x10000000u
#define LINUX_SA_NODEFER 0x40000000u
#define LINUX_SA_RESETHAND 0x80000000u
#endif
#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4

static void put64(uint8_t *b, unsigned off, uint64_t v) { memcpy(b + off, &v, 8); }
static void put32(uint8_t *b, unsigned off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put16(uint8_t *b, unsigned off, uint16_t v) { memcpy(b + off, &v, 2); }
static uint64_t get64(const uint8_t *b, unsigned off) { uint64_t v; memcpy(&v, b + off, 8); return v; }
static uint32_t get32(const uint8_t *b, unsigned off) { uint32_t v; memcpy(&v, b + off, 4); return v; }

static uint64_t sigbit(int sig) { return 1ull << (sig - 1); }
static const uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

/* Default action of a signal (signal(7)): 0 ignore, 1 terminate, 2 core, 3 stop. */
static int default_action(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
        return 0;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return 2;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return 3;
    default:
        return 1;
    }
}

static int on_altstack(const struct thread *t, uint64_t sp)
{
    return !(t->altstack.flags & LINUX_SS_DISABLE) && sp > t->altstack.sp &&
           sp <= t->altstack.sp + t->altstack.size;
}

static void fill_fpstate(uint8_t *fp, const struct cpu *c)
{
    put16(fp, FP_FCW, 0x37f);
    put32(fp, FP_MXCSR, c->mxcsr);
    put32(fp, FP_MXCSR_MASK, 0xffff);
    memcpy(fp + FP_XMM, c->xmm, sizeof(c->xmm));
    put32(fp, FP_SW_BYTES + 0, FP_MAGIC1);
    put32(fp, FP_SW_BYTES + 4, FP_TOTAL);      /* extended_size */
    put64(fp, FP_SW_BYTES + 8, 3);             /* xfeatures: x87 | SSE */
    put32(fp, FP_SW_BYTES + 16, FP_XSTATE_SIZE);
    put64(fp, FP_XSTATE_BV, 3);
    put32(fp, FP_XSTATE_SIZE, FP_MAGIC2);
}

/* Builds the frame for sig with siginfo si (128 bytes) and enters the handler. Returns 0, or
 * -EFAULT when the frame cannot be written (the caller then kills with SIGSEGV, as Linux's
 * force_sigsegv does). */
static int setup_frame(struct emu *e, struct thread *t, int sig, const uint8_t si[128],
                       const struct cpu_fault *fault)
{
    struct cpu *c = &t->cpu;
    const struct guest_sigaction *act = &e->sigactions[sig];
    uint64_t sp = c->gpr[RSP];
    int altstack_usable = (act->flags & LINUX_SA_ONSTACK) &&
                          !(t->altstack.flags & LINUX_SS_DISABLE) && !on_altstack(t, sp);
    if (altstack_usable)
        sp = t->altstack.sp + t->altstack.size;
    else
        sp -= 128;  /* the System V red zone */
    uint64_t fp_addr = (sp - FP_TOTAL) & ~63ull;
    uint64_t frame = fp_addr - F_FP_GAP;

    uint8_t buf[F_FP_GAP + FP_TOTAL];
    memset(buf, 0, sizeof(buf));
    put64(buf, F_RESTORER, act->restorer);
    put64(buf, F_UC_FLAGS, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    put64(buf, F_UC_STACK + 0, t->altstack.sp);
    put32(buf, F_UC_STACK + 8, (uint32_t)(t->altstack.flags |
                                          (on_altstack(t, c->gpr[RSP]) ? LINUX_SS_ONSTACK : 0)));
    put64(buf, F_UC_STACK + 16, t->altstack.size);
    for (int k = 0; k < 16; k++)
        put64(buf, F_MC + 8 * k, c->gpr[mc_gpr_order[k]]);
    put64(buf, F_MC + MC_RIP, c->rip);
    put64(buf, F_MC + MC_EFLAGS, flags_get(c) | (fault ? 1u << 16 : 0));  /* RF on faults */
    put16(buf, F_MC + MC_CS, 0x33);
    put16(buf, F_MC + MC_SS, 0x2b);
    if (fault) {
        put64(buf, F_MC + MC_ERR, (uint64_t)fault->err);
        put64(buf, F_MC + MC_TRAPNO, (uint64_t)fault->trapno);
        if (fault->trapno == 14)
            put64(buf, F_MC + MC_CR2, fault->addr);
    }
    put64(buf, F_MC + MC_OLDMASK, t->sigmask);
    put64(buf, F_MC + MC_FPSTATE, fp_addr);
    put64(buf, F_SIGMASK, t->sigmask);
    memcpy(buf + F_SIGINFO, si, 128);
    fill_fpstate(buf + F_FP_GAP, c);
    if (mem_copy_to(&e->mem, frame, buf, sizeof(buf)) != 0)
        return -EFAULT;

    /* Handler entry (Linux signal_64.c): rdi/rsi/rdx, rax = 0, DF clear, FP state reset. */
    c->gpr[RSP] = frame;
    c->gpr[RDI] = (uint64_t)sig;
    c->gpr[RSI] = frame + F_SIGINFO;
    c->gpr[RDX] = frame + F_UC;
    c->gpr[RAX] = 0;
    c->rip = act->handler;
    flags_materialize(c);
    c->rflags &= ~(uint64_t)(FLAG_DF | FLAG_TF);
    memset(c->xmm, 0, sizeof(c->xmm));
    c->mxcsr = MXCSR_DEFAULT;
    t->sigmask |= act->mask | (act->flags & LINUX_SA_NODEFER ? 0 : sigbit(sig));
    t->sigmask &= ~unblockable;
    if (act->flags & LINUX_SA_RESETHAND)
        e->sigactions[sig].handler = 0;  /* SIG_DFL */
    return 0;
}

static void siginfo_kill(uint8_t si[128], int sig, int code, int pid)
{
    memset(si, 0, 128);
    put32(si, 0, (uint32_t)sig);
    put32(si, 8, (uint32_t)code);
    put32(si, 16, (uint32_t)pid);
    put32(si, 20, 0);  /* uid */
}

static void siginfo_fault(uint8_t si[128], const struct cpu_fault *f)
{
    memset(si, 0, 128);
    put32(si, 0, (uint32_t)f->signo);
    put32(si, 8, (uint32_t)f->code);
    put64(si, 16, f->addr);
}

/* The process dies by sig: Linux prints nothing itself; the shell reports 128+n. */
static _Noreturn void die_by(struct emu *e, int sig)
{
    emu_die_signal(e, sig);
}

void sig_deliver_fault(struct emu *e, struct thread *t)
{
    const struct cpu_fault *f = &t->cpu.fault;
    int sig = f->signo;
    const struct guest_sigaction *act = &e->sigactions[sig];
    /* force_sig_fault: a blocked or ignored synchronous signal kills the process. */
    if (act->handler == 0 || act->handler == 1 || (t->sigmask & sigbit(sig))) {
        char sym[160] = "";
        if (exec_symbolize)
            exec_symbolize(f->rip, sym, sizeof(sym));
        fprintf(stderr, "goemu: guest %s (si_code %d, addr 0x%llx) at rip 0x%llx%s%s%s in thread %d\n",
                strsignal(sig), f->code, (unsigned long long)f->addr, (unsigned long long)f->rip,
                sym[0] ? " <" : "", sym, sym[0] ? ">" : "", t->tid);
        die_by(e, sig);
    }
    uint8_t si[128];
    siginfo_fault(si, f);
    if (setup_frame(e, t, sig, si, f) != 0)
        die_by(e, SIGSEGV);
}

/* Lowest-numbered deliverable signal in set, synchronous ones first as Linux does. */
static int pick_signal(uint64_t set)
{
    static const int sync_first[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS};
    for (size_t k = 0; k < sizeof(sync_first) / sizeof(sync_first[0]); k++)
        if (set & sigbit(sync_first[k]))
            return sync_first[k];
    return set ? __builtin_ctzll(set) + 1 : 0;
}

/* Interrupts a blocking syscall for a handler: -EINTR, or a transparent restart of an fd
 * wait when the handler has SA_RESTART (rip already points at the SYSCALL). */
static void interrupt_syscall(struct thread *t, int sig)
{
    if (t->state != THREAD_BLOCKED)
        return;
    int restart = t->emu->sigactions[sig].flags & LINUX_SA_RESTART;
    if (t->block == BLOCK_FD && !restart) {
        t->cpu.rip += 2;
        t->cpu.gpr[RAX] = (uint64_t)-EINTR;
    } else if (t->block != BLOCK_FD) {
        t->cpu.gpr[RAX] = (uint64_t)-EINTR;
    }
    t->state = THREAD_RUNNABLE;
    t->block = BLOCK_NONE;
    t->deadline_ns = -1;
}

int sig_deliver(struct emu *e, struct thread *t)
{
    uint64_t deliverable = (t->sigpending | e->sigpending) & ~t->sigmask;
    if (!deliverable)
        return 0;
    int sig = pick_signal(deliverable);
    int from_thread = (t->sigpending & sigbit(sig)) != 0;
    if (from_thread)
        t->sigpending &= ~sigbit(sig);
    else
        e->sigpending &= ~sigbit(sig);
    const struct guest_sigaction *act = &e->sigactions[sig];
    if (act->handler == 1 || (act->handler == 0 && default_action(sig) == 0))
        return 0;  /* ignored by the time it is delivered */
    if (act->handler == 0) {
        if (default_action(sig) == 3)
            return 0;  /* stop: job control is not emulated */
        die_by(e, sig);
    }
    interrupt_syscall(t, sig);
    uint8_t si[128];
    siginfo_kill(si, sig, from_thread ? SI_TKILL : SI_USER, e->pid);
    if (setup_frame(e, t, sig, si, NULL) != 0)
        die_by(e, SIGSEGV);
    return 1;
}

int sig_wants_wake(struct emu *e, struct thread *t)
{
    return ((t->sigpending | e->sigpending) & ~t->sigmask) != 0;
}

int64_t sig_return(struct emu *e, struct thread *t)
{
    struct cpu *c = &t->cpu;
    uint64_t frame = c->gpr[RSP] - 8;  /* the handler's RET popped the restorer address */
    uint8_t buf[F_END];
    if (mem_copy_from(&e->mem, buf, frame, sizeof(buf)) != 0)
        die_by(e, SIGSEGV);
    uint8_t fp[FP_XMM + 256];
    uint64_t fp_addr = get64(buf, F_MC + MC_FPSTATE);
    if (fp_addr && mem_copy_from(&e->mem, fp, fp_addr, sizeof(fp)) != 0)
        die_by(e, SIGSEGV);
    for (int k = 0; k < 16; k++)
        c->gpr[mc_gpr_order[k]] = get64(buf, F_MC + 8 * k);
    c->rip = get64(buf, F_MC + MC_RIP);
    flags_put(c, get64(buf, F_MC + MC_EFLAGS));
    if (fp_addr) {
        c->mxcsr = get32(fp, FP_MXCSR) & 0xffff;
        memcpy(c->xmm, fp + FP_XMM, sizeof(c->xmm));
    }
    t->sigmask = get64(buf, F_SIGMASK) & ~unblockable;
    /* restore_altstack: applied unless the thread is running on the altstack right now. */
    uint64_t ss_sp = get64(buf, F_UC_STACK), ss_size = get64(buf, F_UC_STACK + 16);
    int32_t ss_flags = (int32_t)get32(buf, F_UC_STACK + 8) & ~LINUX_SS_ONSTACK;
    if (!on_altstack(t, c->gpr[RSP])) {
        t->altstack.sp = ss_sp;
        t->altstack.size = ss_size;
        t->altstack.flags = ss_flags;
    }
    return (int64_t)c->gpr[RAX];
}

/* ---- host signals ----------------------------------------------------------------------- */

static volatile sig_atomic_t host_pending[65];
static volatile sig_atomic_t host_any;

static void on_host_signal(int sig)
{
    host_pending[sig] = 1;
    host_any = 1;
}

void sig_forward_host_signals(void)
{
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                    SIGWINCH, SIGALRM, SIGCONT, SIGTSTP};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_host_signal;
    sigfillset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof(forwarded) / sizeof(forwarded[0]); k++)
        sigaction(forwarded[k], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);  /* a guest write to a closed pipe gets EPIPE (and SIGPIPE below) */
}

void sig_poll_host(struct emu *e)
{
    if (!host_any)
        return;
    host_any = 0;
    for (int sig = 1; sig <= 64; sig++)
        if (host_pending[sig]) {
            host_pending[sig] = 0;
            sig_post(e, NULL, sig);
        }
}
