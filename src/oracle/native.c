/* native.c — the native runner (native.h): instruction bytes on the host CPU.
 * native_enter (assembly below) saves the host's callee-saved registers, RSP, RFLAGS and MXCSR,
 * loads MXCSR, XMM0-15, RFLAGS and all 16 GPRs (RSP last) from native_blk.in and jumps to the
 * bytes. Behind them, and at the branch target, a 14-byte stub jumps back into .text, where the
 * state is stored to native_blk.out and the host's is put back. Everything is addressed
 * RIP-relative, so no register is needed on the way in or out. Faults arrive as signals on an
 * alternate stack (the bytes' RSP may point anywhere); the handler copies the interrupted state
 * from the ucontext and siglongjmps back. */
#include <asm/prctl.h>
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "oracle/native.h"

struct native_block {
    struct native_state in, out;
    uint64_t host_rsp, host_flags, entry, exit;   /* exit: 1 after the bytes, 2 at target */
    uint32_t host_mxcsr, pad;
};

/* Offsets the assembly uses (checked below). */
#define NS_RFLAGS 128
#define NS_XMM 144
#define NS_MXCSR 400
#define NB_OUT 408
#define NB_HOSTRSP 816
#define NB_HOSTFL 824
#define NB_ENTRY 832
#define NB_EXIT 840
#define NB_HOSTMX 848
_Static_assert(offsetof(struct native_state, rflags) == NS_RFLAGS, "asm offsets");
_Static_assert(offsetof(struct native_state, xmm) == NS_XMM, "asm offsets");
_Static_assert(offsetof(struct native_state, mxcsr) == NS_MXCSR, "asm offsets");
_Static_assert(offsetof(struct native_block, out) == NB_OUT, "asm offsets");
_Static_assert(offsetof(struct native_block, host_rsp) == NB_HOSTRSP, "asm offsets");
_Static_assert(offsetof(struct native_block, host_flags) == NB_HOSTFL, "asm offsets");
_Static_assert(offsetof(struct native_block, entry) == NB_ENTRY, "asm offsets");
_Static_assert(offsetof(struct native_block, exit) == NB_EXIT, "asm offsets");
_Static_assert(offsetof(struct native_block, host_mxcsr) == NB_HOSTMX, "asm offsets");

extern struct native_block native_blk;
__attribute__((visibility("hidden"))) struct native_block native_blk;
void native_enter(void);
void native_restore(void);
extern const char native_exit_next[], native_exit_target[];

#define STR_(x) #x
#define STR(x) STR_(x)
#define B(off) "(" STR(off) ")+native_blk(%rip)"
#define LD(i, r) "  mov " B(8 * i) ", %" #r "\n"
#define ST(i, r) "  mov %" #r ", " B(NB_OUT + 8 * i) "\n"
#define LDX(i) "  movdqu " B(NS_XMM + 16 * i) ", %xmm" #i "\n"
#define STX(i) "  movdqu %xmm" #i ", " B(NB_OUT + NS_XMM + 16 * i) "\n"

__asm__(".text\n"
        ".globl native_enter\n.hidden native_enter\n.type native_enter, @function\n"
        "native_enter:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  pushfq\n  popq " B(NB_HOSTFL) "\n"
        "  stmxcsr " B(NB_HOSTMX) "\n"
        "  mov %rsp, " B(NB_HOSTRSP) "\n"
        "  ldmxcsr " B(NS_MXCSR) "\n"
        LDX(0) LDX(1) LDX(2) LDX(3) LDX(4) LDX(5) LDX(6) LDX(7)
        LDX(8) LDX(9) LDX(10) LDX(11) LDX(12) LDX(13) LDX(14) LDX(15)
        "  pushq " B(NS_RFLAGS) "\n  popfq\n"
        LD(0, rax) LD(1, rcx) LD(2, rdx) LD(3, rbx) LD(5, rbp) LD(6, rsi) LD(7, rdi)
        LD(8, r8) LD(9, r9) LD(10, r10) LD(11, r11) LD(12, r12) LD(13, r13) LD(14, r14)
        LD(15, r15) LD(4, rsp)
        "  jmp *" B(NB_ENTRY) "\n"
        ".size native_enter, .-native_enter\n"
        ".globl native_exit_next\n.hidden native_exit_next\n"
        ".globl native_exit_target\n.hidden native_exit_target\n"
        "native_exit_next:\n"
        "  movq $1, " B(NB_EXIT) "\n"        /* MOV leaves the flags alone */
        "  jmp 1f\n"
        "native_exit_target:\n"
        "  movq $2, " B(NB_EXIT) "\n"
        "1:\n"
        ST(0, rax) ST(1, rcx) ST(2, rdx) ST(3, rbx) ST(4, rsp) ST(5, rbp) ST(6, rsi) ST(7, rdi)
        ST(8, r8) ST(9, r9) ST(10, r10) ST(11, r11) ST(12, r12) ST(13, r13) ST(14, r14)
        ST(15, r15)
        "  mov " B(NB_HOSTRSP) ", %rsp\n"
        "  pushfq\n  popq " B(NB_OUT + NS_RFLAGS) "\n"
        "  stmxcsr " B(NB_OUT + NS_MXCSR) "\n"
        STX(0) STX(1) STX(2) STX(3) STX(4) STX(5) STX(6) STX(7)
        STX(8) STX(9) STX(10) STX(11) STX(12) STX(13) STX(14) STX(15)
        "  ldmxcsr " B(NB_HOSTMX) "\n"
        "  pushq " B(NB_HOSTFL) "\n  popfq\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n"
        /* After a fault: the host's MXCSR and RFLAGS (DF, AC) as they were before. */
        ".globl native_restore\n.hidden native_restore\n.type native_restore, @function\n"
        "native_restore:\n"
        "  ldmxcsr " B(NB_HOSTMX) "\n"
        "  pushq " B(NB_HOSTFL) "\n  popfq\n"
        "  ret\n"
        ".size native_restore, .-native_restore\n");

/* ---- state ------------------------------------------------------------------------------- */

#define EXIT_LEN 14

void (*native_stray_hook)(int sig);

static uint64_t code_page, insn_at, target_at, gs_now;
static size_t placed;          /* bytes written at insn_at by the previous run */
static sigjmp_buf jb;
static volatile sig_atomic_t active;
static struct native_result *result;

static const int sigs[5] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
static struct sigaction displaced[5];

/* jmp [rip+0] followed by the absolute address: back into .text without touching a register. */
static void put_exit(uint64_t at, const char *to)
{
    static const uint8_t jmp_rip0[6] = { 0xff, 0x25, 0, 0, 0, 0 };
    uint64_t a = (uint64_t)(uintptr_t)to;
    memcpy((void *)(uintptr_t)at, jmp_rip0, 6);
    memcpy((void *)(uintptr_t)(at + 6), &a, 8);
}

/* ---- signals ----------------------------------------------------------------------------- */

/* A fault of the host program itself: tell the hook, then whoever handled it before us. */
static void stray(int sig, siginfo_t *si, void *uc)
{
    if (native_stray_hook)
        native_stray_hook(sig);
    for (int i = 0; i < 5; i++) {
        const struct sigaction *p = &displaced[i];
        if (sigs[i] != sig)
            continue;
        if ((p->sa_flags & SA_SIGINFO) && p->sa_sigaction) {
            p->sa_sigaction(sig, si, uc);
            return;
        }
        if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
            p->sa_handler(sig);
            return;
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    if (!active) {
        stray(sig, si, ucv);
        return;
    }
    static const int map[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    const ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    struct native_result *o = result;
    for (int i = 0; i < 16; i++)
        o->st.gpr[i] = (uint64_t)g[map[i]];
    o->st.rip = (uint64_t)g[REG_RIP];
    o->st.rflags = (uint64_t)g[REG_EFL];
    if (uc->uc_mcontext.fpregs) {
        memcpy(o->st.xmm, uc->uc_mcontext.fpregs->_xmm, sizeof o->st.xmm);
        o->st.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    }
    o->signo = sig;
    o->code = si->si_code;
    o->addr = (uint64_t)(uintptr_t)si->si_addr;
    o->trapno = (int)g[REG_TRAPNO];
    o->err = (int)g[REG_ERR];
    active = 0;
    siglongjmp(jb, 1);
}

/* Installs the handler where someone else's is (cmocka installs its own for every test);
 * SIGSEGV stands for the five. */
static void catch_signals(void)
{
    struct sigaction cur, sa;
    if (sigaction(SIGSEGV, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
        cur.sa_sigaction == on_signal)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;   /* nothing blocked: siglongjmp */
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 5; i++) {
        if (sigaction(sigs[i], NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
            cur.sa_sigaction == on_signal)
            continue;
        sigaction(sigs[i], &sa, &displaced[i]);
    }
}

/* ---- setup and run ----------------------------------------------------------------------- */

int native_map(uint64_t addr, size_t len, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, len, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || (uint64_t)(uintptr_t)p != addr) {
        fprintf(stderr, "native: cannot map %#llx: %s\n", (unsigned long long)addr,
                p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
        if (p != MAP_FAILED)
            munmap(p, len);
        return -1;
    }
    return 0;
}

int native_unmapped(uint64_t addr)
{
    return msync((void *)(uintptr_t)(addr & ~4095ull), 4096, MS_ASYNC) != 0 && errno == ENOMEM;
}

int native_init(uint64_t page, uint64_t insn, uint64_t target)
{
    if (code_page)
        return page == code_page && insn == insn_at && target == target_at ? 0 : -1;
    if (native_map(page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
        return -1;
    memset((void *)(uintptr_t)page, 0xcc, 4096);   /* a stray jump traps */
    if (target)
        put_exit(target, native_exit_target);
    code_page = page;
    insn_at = insn;
    target_at = target;
    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    if (sigaltstack(&ss, NULL) != 0)
        return -1;
    catch_signals();
    return 0;
}

void native_run(const uint8_t *bytes, size_t len, const struct native_state *in,
                uint64_t gsbase, struct native_result *out)
{
    uint64_t end = target_at > insn_at ? target_at : code_page + 4096;
    if (!code_page || len + EXIT_LEN > end - insn_at) {
        fprintf(stderr, "native_run: %zu bytes do not fit (or native_init was not called)\n",
                len);
        abort();
    }
    memset((void *)(uintptr_t)insn_at, 0xcc, placed);
    memcpy((void *)(uintptr_t)insn_at, bytes, len);
    put_exit(insn_at + len, native_exit_next);
    placed = len + EXIT_LEN;
    if (gsbase != gs_now) {
        syscall(SYS_arch_prctl, ARCH_SET_GS, gsbase);
        gs_now = gsbase;
    }
    native_blk.in = *in;
    native_blk.entry = insn_at;
    native_blk.exit = 0;
    memset(out, 0, sizeof *out);
    result = out;
    catch_signals();
    if (sigsetjmp(jb, 0) == 0) {
        active = 1;
        native_enter();
        active = 0;
        out->st = native_blk.out;
        out->st.rip = native_blk.exit == 2 ? target_at : insn_at + len;
    } else {
        native_restore();
    }
}

enum cpu_vendor native_vendor(void)
{
    unsigned a, b, c, d;
    char v[12];
    if (!__get_cpuid(0, &a, &b, &c, &d))
        return VENDOR_INTEL;
    memcpy(v, &b, 4);
    memcpy(v + 4, &d, 4);
    memcpy(v + 8, &c, 4);
    return memcmp(v, "AuthenticAMD", 12) == 0 || memcmp(v, "HygonGenuine", 12) == 0
               ? VENDOR_AMD : VENDOR_INTEL;
}
