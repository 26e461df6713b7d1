/* native.c — runs one test instruction on the real CPU, inside the oracle process.
 * A RWX page at OR_CODE holds a stub (built with Zydis's encoder) that saves the host's
 * callee-saved registers, loads RFLAGS, MXCSR, XMM0-15 and all 16 GPRs from the state block at
 * OR_STATE (RSP last: the instruction gets its own stack in the data pages), jumps to the
 * instruction at OR_INSN, and on the way out stores everything back and returns. A fall-through
 * stub after the instruction and a target stub at OR_TARGET record where execution went.
 * Faults arrive as signals on an alternate stack; the handler copies the interrupted state from
 * the ucontext (registers at the faulting instruction, like the frame a guest handler sees) and
 * siglongjmps back. */
#include <asm/prctl.h>
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

#include "oracle/oracle.h"

#define ST_IN       (OR_STATE + 0x000)
#define ST_OUT      (OR_STATE + 0x200)
#define ST_HOSTRSP  (OR_STATE + 0x400)
#define ST_HOSTFL   (OR_STATE + 0x408)
#define ST_HOSTMX   (OR_STATE + 0x410)
#define EPILOGUE    (OR_CODE + 0x200)

typedef void stub_fn(void);

const struct ocase *native_crash_case;
const char *native_crash_what;

static sigjmp_buf native_jb;
static volatile sig_atomic_t native_active;
static struct oresult *native_out;
static uint64_t native_gsbase;

/* ---- a tiny assembler on top of ZydisEncoderEncodeInstructionAbsolute ------------------- */

struct asmbuf {
    uint8_t *p;
    size_t n, cap;
    uint64_t addr;     /* runtime address of p[0] */
    int err;
};

static ZydisEncoderOperand o_reg(ZydisRegister r)
{
    ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_REGISTER };
    o.reg.value = r;
    return o;
}

static ZydisEncoderOperand o_abs(uint64_t addr, unsigned size)
{
    ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_MEMORY };
    o.mem.displacement = (int64_t)addr;
    o.mem.size = (ZyanU16)size;
    return o;
}

static ZydisEncoderOperand o_imm(int64_t v)
{
    ZydisEncoderOperand o = { .type = ZYDIS_OPERAND_TYPE_IMMEDIATE };
    o.imm.s = v;
    return o;
}

static void emit(struct asmbuf *a, ZydisMnemonic m, int n, ZydisEncoderOperand o0,
                 ZydisEncoderOperand o1)
{
    ZydisEncoderRequest q;
    memset(&q, 0, sizeof q);
    q.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
    q.mnemonic = m;
    q.operand_count = (ZyanU8)n;
    q.operands[0] = o0;
    q.operands[1] = o1;
    if (m == ZYDIS_MNEMONIC_JMP)
        q.branch_width = ZYDIS_BRANCH_WIDTH_32;
    ZyanUSize len = a->cap - a->n;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstructionAbsolute(&q, a->p + a->n, &len, a->addr + a->n)))
        a->err = 1;
    else
        a->n += len;
}

#define E0(a, m) emit(a, ZYDIS_MNEMONIC_##m, 0, (ZydisEncoderOperand){0}, (ZydisEncoderOperand){0})
#define E1(a, m, x) emit(a, ZYDIS_MNEMONIC_##m, 1, x, (ZydisEncoderOperand){0})
#define E2(a, m, x, y) emit(a, ZYDIS_MNEMONIC_##m, 2, x, y)

static const ZydisRegister callee_saved[] = {
    ZYDIS_REGISTER_RBX, ZYDIS_REGISTER_RBP, ZYDIS_REGISTER_R12,
    ZYDIS_REGISTER_R13, ZYDIS_REGISTER_R14, ZYDIS_REGISTER_R15,
};

static void build_prologue(struct asmbuf *a)
{
    const uint64_t in = ST_IN;
    for (int i = 0; i < 6; i++)
        E1(a, PUSH, o_reg(callee_saved[i]));
    E0(a, PUSHFQ);
    E1(a, POP, o_abs(ST_HOSTFL, 8));
    E1(a, STMXCSR, o_abs(ST_HOSTMX, 4));
    E2(a, MOV, o_abs(ST_HOSTRSP, 8), o_reg(ZYDIS_REGISTER_RSP));
    E1(a, LDMXCSR, o_abs(in + offsetof(struct ostate, mxcsr), 4));
    for (int i = 0; i < 16; i++)
        E2(a, MOVDQU, o_reg(ZYDIS_REGISTER_XMM0 + i),
           o_abs(in + offsetof(struct ostate, xmm) + 16 * i, 16));
    E1(a, PUSH, o_abs(in + offsetof(struct ostate, rflags), 8));
    E0(a, POPFQ);
    for (int i = 0; i < 16; i++)
        if (i != RSP)
            E2(a, MOV, o_reg(or_gpr_reg(i, 8)), o_abs(in + 8 * i, 8));
    E2(a, MOV, o_reg(ZYDIS_REGISTER_RSP), o_abs(in + 8 * RSP, 8));
    E1(a, JMP, o_imm((int64_t)OR_INSN));
}

static void build_epilogue(struct asmbuf *a)
{
    const uint64_t out = ST_OUT;
    for (int i = 0; i < 16; i++)
        E2(a, MOV, o_abs(out + 8 * i, 8), o_reg(or_gpr_reg(i, 8)));
    E2(a, MOV, o_reg(ZYDIS_REGISTER_RSP), o_abs(ST_HOSTRSP, 8));
    E0(a, PUSHFQ);
    E1(a, POP, o_abs(out + offsetof(struct ostate, rflags), 8));
    E1(a, STMXCSR, o_abs(out + offsetof(struct ostate, mxcsr), 4));
    for (int i = 0; i < 16; i++)
        E2(a, MOVDQU, o_abs(out + offsetof(struct ostate, xmm) + 16 * i, 16),
           o_reg(ZYDIS_REGISTER_XMM0 + i));
    E1(a, LDMXCSR, o_abs(ST_HOSTMX, 4));
    E1(a, PUSH, o_abs(ST_HOSTFL, 8));
    E0(a, POPFQ);
    for (int i = 5; i >= 0; i--)
        E1(a, POP, o_reg(callee_saved[i]));
    E0(a, RET);
}

/* Records where execution went (without touching flags) and jumps to the epilogue. */
static void build_exit(struct asmbuf *a, uint64_t rip)
{
    E2(a, MOV, o_abs(ST_OUT + offsetof(struct ostate, rip), 8), o_imm((int64_t)rip));
    E1(a, JMP, o_imm((int64_t)EPILOGUE));
}

/* ---- signals ---------------------------------------------------------------------------- */

static void write_str(const char *s)
{
    ssize_t r = write(1, s, strlen(s));
    (void)r;
}

static void crash_report(int sig)
{
    char buf[128];
    snprintf(buf, sizeof buf, "\nHOST SIGNAL %d in the oracle process while running %s cases; last case: goemu-oracle --repro ",
             sig, native_crash_what ? native_crash_what : "?");
    write_str(buf);
    if (native_crash_case) {
        static char hex[OR_HEX_MAX];
        or_case_to_hex(native_crash_case, hex, sizeof hex);
        write_str(hex);
    }
    write_str("\n");
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    if (!native_active) {
        crash_report(sig);
        signal(sig, SIG_DFL);
        if (sig == SIGALRM)
            raise(sig);
        return;   /* re-executes the faulting host instruction with the default action */
    }
    ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    static const int map[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    struct oresult *o = native_out;
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
    native_active = 0;
    siglongjmp(native_jb, 1);
}

static int install_handlers(void)
{
    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    if (sigaltstack(&ss, NULL) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0)
            return -1;
    return 0;
}

/* ---- setup and run ---------------------------------------------------------------------- */

static int map_fixed(uint64_t addr, size_t len, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS |
                   MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || (uint64_t)(uintptr_t)p != addr) {
        fprintf(stderr, "goemu-oracle: cannot map %#llx: %s\n", (unsigned long long)addr,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int unmapped(uint64_t addr)
{
    return msync((void *)(uintptr_t)addr, 4096, MS_ASYNC) != 0 && errno == ENOMEM;
}

int native_init(void)
{
    if (map_fixed(OR_DATA, OR_DATA_SIZE, PROT_READ | PROT_WRITE) ||
        map_fixed(OR_RO, 4096, PROT_READ | PROT_WRITE) ||
        map_fixed(OR_CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) ||
        map_fixed(OR_STATE, 4096, PROT_READ | PROT_WRITE))
        return -1;
    or_fill_ro((uint8_t *)(uintptr_t)OR_RO);
    if (mprotect((void *)(uintptr_t)OR_RO, 4096, PROT_READ) != 0)
        return -1;
    if (!unmapped(OR_GUARD) || !unmapped(OR_BELOW)) {
        fprintf(stderr, "goemu-oracle: guard pages at %#llx/%#llx are mapped\n",
                (unsigned long long)OR_GUARD, (unsigned long long)OR_BELOW);
        return -1;
    }
    uint8_t *code = (uint8_t *)(uintptr_t)OR_CODE;
    memset(code, 0xcc, 4096);
    struct asmbuf a = { code, 0, 0x200, OR_CODE, 0 };
    build_prologue(&a);
    struct asmbuf e = { code + 0x200, 0, 0x300, EPILOGUE, 0 };
    build_epilogue(&e);
    struct asmbuf t = { code + 0x840, 0, 0x40, OR_TARGET, 0 };
    build_exit(&t, OR_TARGET);
    if (a.err || e.err || t.err) {
        fprintf(stderr, "goemu-oracle: cannot encode the native stub\n");
        return -1;
    }
    return install_handlers();
}

void native_run(const struct ocase *k, const uint8_t *mem, struct oresult *out)
{
    uint8_t *code = (uint8_t *)(uintptr_t)OR_CODE;
    memcpy((void *)(uintptr_t)OR_DATA, mem, OR_DATA_SIZE);
    memset(code + 0x800, 0xcc, 0x40);
    memcpy(code + 0x800, k->bytes, k->len);
    struct asmbuf x = { code + 0x800 + k->len, 0, 0x40 - k->len, OR_INSN + k->len, 0 };
    build_exit(&x, OR_INSN + k->len);
    if (k->gsbase != native_gsbase) {
        syscall(SYS_arch_prctl, ARCH_SET_GS, k->gsbase);
        native_gsbase = k->gsbase;
    }
    memcpy((void *)(uintptr_t)ST_IN, &k->in, sizeof k->in);
    memset(out, 0, offsetof(struct oresult, mem));
    native_out = out;
    if (sigsetjmp(native_jb, 0) == 0) {
        native_active = 1;
        ((stub_fn *)(uintptr_t)OR_CODE)();
        native_active = 0;
        memcpy(&out->st, (void *)(uintptr_t)ST_OUT, sizeof out->st);
    }
    memcpy(out->mem, (void *)(uintptr_t)OR_DATA, OR_DATA_SIZE);
}
