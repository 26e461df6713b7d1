/* sse_oracle.h — the real CPU as the oracle for the SSE unit tests (test_sse_*.c).
 * The same instruction bytes run natively (a tiny assembly thunk loads all xmm, general
 * registers, RFLAGS and MXCSR from a state block, calls the bytes, stores everything back;
 * faults are caught with their siginfo and trap number) and on goemu through cpu_harness.
 * Registers, MXCSR, arithmetic flags, the memory window and any fault must match bit for bit. */
#ifndef GOEMU_SSE_ORACLE_H
#define GOEMU_SSE_ORACLE_H

#include <assert.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cmocka.h>

#include "cpu_harness.h"

/* ---- machine state exchanged with the native thunk (offsets used by the assembly) --------- */

struct ora_state {
    xmm_t xmm[16];          /* 0 */
    uint64_t gpr[16];       /* 256, encoding order; rsp is neither loaded nor stored */
    uint64_t rflags;        /* 384 */
    uint32_t mxcsr;         /* 392 */
    uint32_t host_mxcsr;    /* 396: put back after the instruction */
};
_Static_assert(offsetof(struct ora_state, gpr) == 256, "thunk offsets");
_Static_assert(offsetof(struct ora_state, rflags) == 384, "thunk offsets");
_Static_assert(offsetof(struct ora_state, mxcsr) == 392, "thunk offsets");

/* ora_thunk(state, code): runs `code` (instruction bytes followed by RET) with the state. */
void ora_thunk(struct ora_state *s, const void *code);
__asm__(".text\n"
        ".type ora_thunk, @function\n"
        "ora_thunk:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rdi\n  push %rsi\n"
        "  movups 0(%rdi), %xmm0\n  movups 16(%rdi), %xmm1\n  movups 32(%rdi), %xmm2\n"
        "  movups 48(%rdi), %xmm3\n  movups 64(%rdi), %xmm4\n  movups 80(%rdi), %xmm5\n"
        "  movups 96(%rdi), %xmm6\n  movups 112(%rdi), %xmm7\n  movups 128(%rdi), %xmm8\n"
        "  movups 144(%rdi), %xmm9\n  movups 160(%rdi), %xmm10\n  movups 176(%rdi), %xmm11\n"
        "  movups 192(%rdi), %xmm12\n  movups 208(%rdi), %xmm13\n  movups 224(%rdi), %xmm14\n"
        "  movups 240(%rdi), %xmm15\n"
        "  ldmxcsr 392(%rdi)\n  pushq 384(%rdi)\n  popfq\n"
        "  mov 256(%rdi), %rax\n  mov 264(%rdi), %rcx\n  mov 272(%rdi), %rdx\n"
        "  mov 280(%rdi), %rbx\n  mov 296(%rdi), %rbp\n  mov 304(%rdi), %rsi\n"
        "  mov 320(%rdi), %r8\n  mov 328(%rdi), %r9\n  mov 336(%rdi), %r10\n"
        "  mov 344(%rdi), %r11\n  mov 352(%rdi), %r12\n  mov 360(%rdi), %r13\n"
        "  mov 368(%rdi), %r14\n  mov 376(%rdi), %r15\n  mov 312(%rdi), %rdi\n"
        "  call *(%rsp)\n"
        "  xchg %rdi, 8(%rsp)\n"
        "  pushfq\n  popq 384(%rdi)\n  stmxcsr 392(%rdi)\n  ldmxcsr 396(%rdi)\n"
        "  movups %xmm0, 0(%rdi)\n  movups %xmm1, 16(%rdi)\n  movups %xmm2, 32(%rdi)\n"
        "  movups %xmm3, 48(%rdi)\n  movups %xmm4, 64(%rdi)\n  movups %xmm5, 80(%rdi)\n"
        "  movups %xmm6, 96(%rdi)\n  movups %xmm7, 112(%rdi)\n  movups %xmm8, 128(%rdi)\n"
        "  movups %xmm9, 144(%rdi)\n  movups %xmm10, 160(%rdi)\n  movups %xmm11, 176(%rdi)\n"
        "  movups %xmm12, 192(%rdi)\n  movups %xmm13, 208(%rdi)\n  movups %xmm14, 224(%rdi)\n"
        "  movups %xmm15, 240(%rdi)\n"
        "  mov %rax, 256(%rdi)\n  mov %rcx, 264(%rdi)\n  mov %rdx, 272(%rdi)\n"
        "  mov %rbx, 280(%rdi)\n  mov %rbp, 296(%rdi)\n  mov %rsi, 304(%rdi)\n"
        "  mov %r8, 320(%rdi)\n  mov %r9, 328(%rdi)\n  mov %r10, 336(%rdi)\n"
        "  mov %r11, 344(%rdi)\n  mov %r12, 352(%rdi)\n  mov %r13, 360(%rdi)\n"
        "  mov %r14, 368(%rdi)\n  mov %r15, 376(%rdi)\n"
        "  add $8, %rsp\n  pop %rax\n  mov %rax, 312(%rdi)\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n"
        ".size ora_thunk, .-ora_thunk\n");

/* ---- one run's outcome ------------------------------------------------------------------- */

#define ORA_DATA_SIZE HARNESS_DATA_SIZE   /* same size natively, followed by an unmapped page */

/* Only a window around the memory operand ([rsi-64, rsi+64)) is loaded and compared per run:
 * no instruction here reaches further, and copying all of the data each time is slow. */
#define ORA_WIN 64

struct ora_result {
    struct ora_state st;    /* after the instruction, or at the fault */
    int signo, code, trapno;
    int64_t addr;           /* fault address relative to the data or code base it falls in */
    uint8_t mem[ORA_DATA_SIZE];
};

static inline void ora_window(const struct ora_state *in, size_t *lo, size_t *hi)
{
    uint64_t off = in->gpr[RSI];
    *lo = off >= ORA_WIN ? off - ORA_WIN : 0;
    *hi = off + ORA_WIN <= ORA_DATA_SIZE ? off + ORA_WIN : ORA_DATA_SIZE;
    if (*lo > *hi)
        *lo = *hi;
}

struct ora {
    struct harness h;
    uint8_t *code;          /* native RWX page */
    uint8_t *data;          /* native data, ORA_DATA_SIZE bytes, page aligned */
    uint8_t mem_in[ORA_DATA_SIZE];
    struct ora_result nat, emu;
    int failures, runs, faults;   /* faults: runs where the CPU raised a signal */
    uint64_t rng;
    /* At an unmasked overflow/underflow trap the CPU sets PE if the result, rounded with an
     * unbounded exponent, is inexact; goemu leaves it clear (ops_sse.h). Tests of unmasked
     * exceptions set this to ignore PE in exactly those traps. */
    int relax_pe_at_ovf_und;
};

static sigjmp_buf ora_jmp;
static volatile sig_atomic_t ora_armed;
static siginfo_t ora_si;
static struct ora_state ora_fault_state;

static inline void ora_forward(int sig, siginfo_t *si, void *uc);

static inline void ora_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    if (!ora_armed) {
        ora_forward(sig, si, ucv);
        return;
    }
    static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                    REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                    REG_R12, REG_R13, REG_R14, REG_R15};
    ora_si = *si;
    for (int r = 0; r < 16; r++)
        ora_fault_state.gpr[r] = (uint64_t)uc->uc_mcontext.gregs[greg_of[r]];
    ora_fault_state.rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    ora_fault_state.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    memcpy(ora_fault_state.xmm, uc->uc_mcontext.fpregs->_xmm, sizeof(ora_fault_state.xmm));
    ora_si.si_errno = (int)uc->uc_mcontext.gregs[REG_TRAPNO];  /* smuggle the trap number */
    siglongjmp(ora_jmp, 1);
}

static inline void ora_init(struct ora *o)
{
    memset(o, 0, sizeof(*o));
    harness_init(&o->h);
    o->code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    assert(o->code != MAP_FAILED);
    /* Data then one unmapped page, as HARNESS_DATA is followed by nothing in the guest. */
    uint8_t *d = mmap(NULL, ORA_DATA_SIZE + 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(d != MAP_FAILED);
    munmap(d + ORA_DATA_SIZE, 4096);
    o->data = d;
    o->rng = 0x9e3779b97f4a7c15ull;
}

/* cmocka installs its own handlers for each test, so ours are (re)installed whenever a native
 * run finds them replaced; signals that are not ours go to the handler we displaced. */
static const int ora_sigs[4] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
static struct sigaction ora_prev[4];

static inline void ora_catch(void)
{
    struct sigaction cur;
    sigaction(SIGSEGV, NULL, &cur);
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == ora_signal)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = ora_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;   /* nothing blocked: siglongjmp need not restore */
    for (int k = 0; k < 4; k++)
        sigaction(ora_sigs[k], &sa, &ora_prev[k]);
}

static inline void ora_forward(int sig, siginfo_t *si, void *uc)
{
    for (int k = 0; k < 4; k++)
        if (ora_sigs[k] == sig) {
            sigaction(sig, &ora_prev[k], NULL);
            if ((ora_prev[k].sa_flags & SA_SIGINFO) && ora_prev[k].sa_sigaction)
                ora_prev[k].sa_sigaction(sig, si, uc);
            else if (ora_prev[k].sa_handler != SIG_DFL && ora_prev[k].sa_handler != SIG_IGN)
                ora_prev[k].sa_handler(sig);
            else
                raise(sig);
        }
}

static inline void ora_free(struct ora *o)
{
    harness_free(&o->h);
    munmap(o->code, 4096);
    munmap(o->data, ORA_DATA_SIZE);
}

static inline uint64_t ora_rand(struct ora *o)
{
    uint64_t x = o->rng;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return o->rng = x;
}

/* A fault address relative to the region it lies in, so native and guest addresses compare. */
static inline int64_t ora_rel(uint64_t a, uint64_t data, uint64_t code)
{
    if (a - data < ORA_DATA_SIZE + 4096)
        return (int64_t)(a - data) + 0x100000000;
    if (a - code < 4096)
        return (int64_t)(a - code) + 0x200000000;
    return (int64_t)a;
}

/* The data pointer register (rsi) is compared relative to the data base. */
#define ORA_BASE_REG RSI

static inline void ora_run_native(struct ora *o, const uint8_t *bytes, size_t len,
                           const struct ora_state *in)
{
    struct ora_result *r = &o->nat;
    memcpy(o->code, bytes, len);
    o->code[len] = 0xc3;
    size_t lo, hi;
    ora_window(in, &lo, &hi);
    memcpy(o->data + lo, o->mem_in + lo, hi - lo);
    r->st = *in;
    r->st.gpr[ORA_BASE_REG] += (uint64_t)(uintptr_t)o->data;
    r->st.host_mxcsr = 0x1f80;
    r->signo = 0;
    ora_catch();
    if (sigsetjmp(ora_jmp, 0) == 0) {
        ora_armed = 1;
        ora_thunk(&r->st, o->code);
        ora_armed = 0;
    } else {
        ora_armed = 0;
        uint32_t def = 0x1f80;
        __asm__ volatile("ldmxcsr %0" : : "m"(def));
        r->signo = ora_si.si_signo;
        r->code = ora_si.si_code;
        r->trapno = ora_si.si_errno;
        r->addr = ora_rel((uint64_t)(uintptr_t)ora_si.si_addr, (uint64_t)(uintptr_t)o->data,
                          (uint64_t)(uintptr_t)o->code);
        r->st = ora_fault_state;
    }
    r->st.gpr[ORA_BASE_REG] -= (uint64_t)(uintptr_t)o->data;
    r->st.gpr[RSP] = 0;
    memcpy(r->mem + lo, o->data + lo, hi - lo);
}

static inline void ora_run_emu(struct ora *o, const uint8_t *bytes, size_t len,
                        const struct ora_state *in)
{
    struct ora_result *r = &o->emu;
    struct cpu *c = &o->h.cpu;
    size_t lo, hi;
    ora_window(in, &lo, &hi);
    int rc = mem_copy_to(&o->h.mem, HARNESS_DATA + lo, o->mem_in + lo, hi - lo);
    assert(rc == 0);
    memcpy(c->xmm, in->xmm, sizeof(c->xmm));
    memcpy(c->gpr, in->gpr, sizeof(in->gpr));
    c->gpr[RSP] = 0;
    c->gpr[ORA_BASE_REG] += HARNESS_DATA;
    c->mxcsr = in->mxcsr;
    flags_put(c, in->rflags);
    r->signo = 0;
    enum cpu_stop why = harness_exec(&o->h, bytes, len);
    if (why == STOP_FAULT) {
        r->signo = c->fault.signo;
        r->code = c->fault.code;
        r->trapno = c->fault.trapno;
        r->addr = ora_rel(c->fault.addr, HARNESS_DATA, HARNESS_CODE);
    }
    memcpy(r->st.xmm, c->xmm, sizeof(c->xmm));
    memcpy(r->st.gpr, c->gpr, sizeof(r->st.gpr));
    r->st.gpr[ORA_BASE_REG] -= HARNESS_DATA;
    r->st.gpr[RSP] = 0;
    r->st.rflags = harness_rflags(&o->h);
    r->st.mxcsr = c->mxcsr;
    rc = mem_copy_from(&o->h.mem, r->mem + lo, HARNESS_DATA + lo, hi - lo);
    assert(rc == 0);
}

static inline void ora_hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        sprintf(out + 3 * k, "%02x ", b[k]);
}

/* Prints what differs; returns 1 if anything does. */
static inline int ora_diff(struct ora *o, const char *what, const uint8_t *bytes, size_t len,
                    const struct ora_state *in)
{
    const struct ora_result *n = &o->nat, *e = &o->emu;
    char hex[64], line[512];
    int bad = 0, shown = o->failures < 12;
    ora_hex(hex, bytes, len);
#define ORA_REPORT(...)                                                                           \
    do {                                                                                          \
        if (shown && !bad++)                                                                      \
            print_message("MISMATCH %s [%s] mxcsr_in=%04x\n", what, hex, in->mxcsr);              \
        else                                                                                      \
            bad++;                                                                                \
        if (shown) {                                                                              \
            snprintf(line, sizeof(line), __VA_ARGS__);                                            \
            print_message("  %s\n", line);                                                        \
        }                                                                                         \
    } while (0)
    if (n->signo != e->signo || (n->signo && (n->code != e->code || n->trapno != e->trapno ||
                                              n->addr != e->addr)))
        ORA_REPORT("fault native sig%d code %#x trap %d addr %#llx / goemu sig%d code %#x trap "
                   "%d addr %#llx", n->signo, n->code, n->trapno, (long long)n->addr,
                   e->signo, e->code, e->trapno, (long long)e->addr);
    for (int r = 0; r < 16; r++)
        if (memcmp(&n->st.xmm[r], &e->st.xmm[r], 16))
            ORA_REPORT("xmm%d in %016llx:%016llx native %016llx:%016llx goemu %016llx:%016llx",
                       r, (unsigned long long)in->xmm[r].q[1],
                       (unsigned long long)in->xmm[r].q[0],
                       (unsigned long long)n->st.xmm[r].q[1],
                       (unsigned long long)n->st.xmm[r].q[0],
                       (unsigned long long)e->st.xmm[r].q[1],
                       (unsigned long long)e->st.xmm[r].q[0]);
    for (int r = 0; r < 16; r++)
        if (n->st.gpr[r] != e->st.gpr[r])
            ORA_REPORT("gpr%d in %016llx native %016llx goemu %016llx", r,
                       (unsigned long long)in->gpr[r], (unsigned long long)n->st.gpr[r],
                       (unsigned long long)e->st.gpr[r]);
    uint32_t pe = o->relax_pe_at_ovf_und && n->signo == SIGFPE &&
                          (n->st.mxcsr & ~(n->st.mxcsr >> 7) & (MXCSR_OE | MXCSR_UE))
                      ? MXCSR_PE : 0;
    if ((n->st.mxcsr ^ e->st.mxcsr) & ~pe)
        ORA_REPORT("mxcsr native %04x goemu %04x", n->st.mxcsr, e->st.mxcsr);
    if ((n->st.rflags ^ e->st.rflags) & FLAGS_ARITH)
        ORA_REPORT("rflags in %03llx native %03llx goemu %03llx",
                   (unsigned long long)(in->rflags & FLAGS_ARITH),
                   (unsigned long long)(n->st.rflags & FLAGS_ARITH),
                   (unsigned long long)(e->st.rflags & FLAGS_ARITH));
    size_t lo, hi;
    ora_window(in, &lo, &hi);
    for (size_t k = lo; k < hi; k++)
        if (n->mem[k] != e->mem[k]) {
            ORA_REPORT("memory differs first at data+%#zx: native %02x goemu %02x", k, n->mem[k],
                       e->mem[k]);
            break;
        }
#undef ORA_REPORT
    return bad != 0;
}

/* Runs `bytes` natively and on goemu from the same state and memory; counts a mismatch. */
static inline int ora_check(struct ora *o, const char *what, const uint8_t *bytes, size_t len,
                     const struct ora_state *in)
{
    ora_run_native(o, bytes, len, in);
    ora_run_emu(o, bytes, len, in);
    o->runs++;
    o->faults += o->nat.signo != 0;
    int bad = ora_diff(o, what, bytes, len, in);
    o->failures += bad;
    return bad;
}

static inline void ora_done(struct ora *o, const char *what)
{
    print_message("%s: %d oracle runs (%d faulting), %d mismatches\n", what, o->runs, o->faults,
                  o->failures);
    assert_int_equal(o->failures, 0);
}

/* ---- encoding legacy SSE instructions ------------------------------------------------------ */

/* One instruction form: mandatory prefix (0 = none), REX.W, opcode bytes after 0F (one, or two
 * for 0F 38/3A maps), immediate (-1 = none). ModRM comes from the operands. */
struct ora_op {
    const char *name;
    uint8_t pfx, rexw;
    uint8_t op[2];
    uint8_t oplen;
    int imm;
};

#define ORA_MEM (-1)   /* rm operand is [rsi] */

/* Encodes `op reg, rm` (rm a register number or ORA_MEM for [rsi]). Returns the length. */
static inline size_t ora_encode(uint8_t *b, const struct ora_op *op, int reg, int rm)
{
    size_t n = 0;
    if (op->pfx)
        b[n++] = op->pfx;
    uint8_t rex = (uint8_t)(0x40 | (op->rexw ? 8 : 0) | (reg >= 8 ? 4 : 0) |
                            (rm >= 8 ? 1 : 0));
    if (rex != 0x40)
        b[n++] = rex;
    b[n++] = 0x0f;
    for (int k = 0; k < op->oplen; k++)
        b[n++] = op->op[k];
    if (rm == ORA_MEM)
        b[n++] = (uint8_t)(0x00 | (reg & 7) << 3 | 6);        /* [rsi] */
    else
        b[n++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
    if (op->imm >= 0)
        b[n++] = (uint8_t)op->imm;
    return n;
}

/* ---- interesting values -------------------------------------------------------------------- */

static const uint32_t ora_f32[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000, 0x3eaaaaab,
    0x40200000, 0xc0200000, 0x3f000000, 0x00000001, 0x807fffff, 0x007fffff, 0x00800000,
    0x80800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345,
    0x7f800001, 0xff812345, 0x7fbfffff, 0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001,
    0x5f000000, 0xdf000000, 0x5effffff, 0x4b800001, 0x501502f9, 0x0c000000, 0x33d6bf95,
};
static const uint64_t ora_f64[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3ff8000000000000, 0x3fd5555555555555, 0x4004000000000000, 0xc004000000000000,
    0x3fe0000000000000, 0x0000000000000001, 0x800fffffffffffff, 0x000fffffffffffff,
    0x0010000000000000, 0x8010000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000012345,
    0x7ff0000000000001, 0xfff0000000012345, 0x7ff7ffffffffffff, 0x41e0000000000000,
    0xc1e0000000000000, 0x41dfffffffe00000, 0xc1e0000000200000, 0x41dfffffffffffff,
    0x43e0000000000000, 0xc3e0000000000000, 0x43dfffffffffffff, 0xc3e0000000000001,
    0x47efffffe0000000, 0x47efffffefffffff, 0x36a0000000000000, 0x3690000000000001,
    0x4340000000000001, 0x7e37e43c8800759c, 0x01a56e1fc2f8f359, 0x3ff0000000000001,
};
#define ORA_NF32 (sizeof(ora_f32) / sizeof(ora_f32[0]))
#define ORA_NF64 (sizeof(ora_f64) / sizeof(ora_f64[0]))

/* What the lanes of a register or memory operand hold. */
enum ora_lanes { LANES_INT, LANES_F32, LANES_F64, LANES_I32 };

static const uint64_t ora_ints[] = {
    0, 1, 0xffffffffffffffff, 0x7fffffff, 0x80000000, 0xffffffff80000000, 0x7fffffffffffffff,
    0x8000000000000000, 0x1000001, 0xffffffffff000001, 0x20000000000001, 0x123456789abcdef0,
    0xfffffffe, 0x8000000000000001, 0x7fffff80, 0xffff, 0x8000, 0x7fff,
    0xfffffffffffffffd, 0x4000000000000001, 0xffffff, 0x1000003, 0x7ffffffffffffc00,
    0x7ffffffffffffe00, 0x1fffffffffffff, 0xffffffff7fffffc0,
};
#define ORA_NINTS (sizeof(ora_ints) / sizeof(ora_ints[0]))

static inline uint8_t ora_byte(struct ora *o)
{
    static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x81, 0x40};
    uint64_t r = ora_rand(o);
    return (r & 3) ? (uint8_t)(r >> 8) : edge[(r >> 8) & 7];
}

static inline void ora_fill(struct ora *o, void *p, size_t n, enum ora_lanes t)
{
    uint8_t *b = p;
    for (size_t k = 0; k < n;) {
        uint64_t r = ora_rand(o);
        if (t == LANES_F32 && n - k >= 4) {
            uint32_t v = (r & 7) ? ora_f32[(r >> 8) % ORA_NF32] : (uint32_t)(r >> 16);
            memcpy(b + k, &v, 4), k += 4;
        } else if (t == LANES_F64 && n - k >= 8) {
            uint64_t v = (r & 7) ? ora_f64[(r >> 8) % ORA_NF64] : ora_rand(o);
            memcpy(b + k, &v, 8), k += 8;
        } else if (t == LANES_I32 && n - k >= 4) {
            uint32_t v = (r & 3) ? (uint32_t)ora_ints[(r >> 8) % ORA_NINTS] : (uint32_t)(r >> 16);
            memcpy(b + k, &v, 4), k += 4;
        } else {
            b[k++] = ora_byte(o);
        }
    }
}

/* A random state: xmm registers with `t` lanes, random general registers (rsi = offset `off`
 * into the data), random arithmetic flags, the given MXCSR. */
static inline void ora_state_random(struct ora *o, struct ora_state *s, enum ora_lanes t, uint32_t mxcsr,
                             uint64_t off)
{
    ora_fill(o, s->xmm, sizeof(s->xmm), t);
    for (int r = 0; r < 16; r++) {
        uint64_t x = ora_rand(o);
        s->gpr[r] = (x & 1) ? ora_ints[(x >> 8) % ORA_NINTS] : ora_rand(o);
    }
    s->gpr[RSP] = 0;
    s->gpr[ORA_BASE_REG] = off;
    s->rflags = 0x202 | (ora_rand(o) & FLAGS_ARITH);
    s->mxcsr = mxcsr;
    s->host_mxcsr = 0x1f80;
}

/* ---- drivers: operand forms, value pairs, random runs ----------------------------------------- */

/* An operand form: ModRM.reg, ModRM.rm (a register, or ORA_MEM for [rsi] with rsi = off). */
struct ora_form {
    const char *name;
    int reg, rm;
    uint64_t off;
};

static const struct ora_form ora_forms_rr[] = {
    {"xmm1,xmm2", 1, 2, 0x100}, {"xmm9,xmm14", 9, 14, 0x100}, {"xmm3,xmm3", 3, 3, 0x100},
};
static const struct ora_form ora_forms_mem[] = {
    {"xmm1,[aligned]", 1, ORA_MEM, 0x100},
    {"xmm12,[aligned]", 12, ORA_MEM, 0x230},
    {"xmm1,[+4]", 1, ORA_MEM, 0x104},
    {"xmm1,[+8]", 1, ORA_MEM, 0x108},
    {"xmm1,[+1]", 1, ORA_MEM, 0x101},
    {"xmm1,[last 4]", 1, ORA_MEM, ORA_DATA_SIZE - 4},
    {"xmm1,[last 8]", 1, ORA_MEM, ORA_DATA_SIZE - 8},
    {"xmm1,[last 16]", 1, ORA_MEM, ORA_DATA_SIZE - 16},
};
#define ORA_NFORMS_RR (sizeof(ora_forms_rr) / sizeof(ora_forms_rr[0]))
#define ORA_NFORMS_MEM (sizeof(ora_forms_mem) / sizeof(ora_forms_mem[0]))

/* Special values of a lane type: their count and width in bytes. */
static inline size_t ora_specials(enum ora_lanes t, const void **vals, unsigned *bytes)
{
    switch (t) {
    case LANES_F32: *vals = ora_f32, *bytes = 4; return ORA_NF32;
    case LANES_F64: *vals = ora_f64, *bytes = 8; return ORA_NF64;
    case LANES_I32: *vals = ora_ints, *bytes = 4; return ORA_NINTS;
    default: *vals = ora_ints, *bytes = 8; return ORA_NINTS;
    }
}

static inline uint64_t ora_special(enum ora_lanes t, size_t k)
{
    switch (t) {
    case LANES_F32: return ora_f32[k % ORA_NF32];
    case LANES_F64: return ora_f64[k % ORA_NF64];
    case LANES_I32: return (uint32_t)ora_ints[k % ORA_NINTS];
    default: return ora_ints[k % ORA_NINTS];
    }
}

/* Writes lane `idx` (lane_bytes wide) of the rm operand: a register, or memory at rsi. */
static inline void ora_set_src(struct ora *o, struct ora_state *s, const struct ora_form *f,
                               unsigned lane_bytes, unsigned idx, uint64_t v)
{
    if (f->rm != ORA_MEM) {
        memcpy((uint8_t *)&s->xmm[f->rm] + idx * lane_bytes, &v, lane_bytes);
    } else if (f->off + (idx + 1) * lane_bytes <= ORA_DATA_SIZE) {
        memcpy(o->mem_in + f->off + idx * lane_bytes, &v, lane_bytes);
    }
}

/* A random state for one run: registers of type dt, the source register and memory window of
 * type st, the given MXCSR. */
static inline void ora_prepare(struct ora *o, struct ora_state *s, const struct ora_form *f,
                               enum ora_lanes dt, enum ora_lanes st, uint32_t mxcsr)
{
    ora_state_random(o, s, dt, mxcsr, f->off);
    if (f->rm != ORA_MEM)
        ora_fill(o, &s->xmm[f->rm], 16, st);
    size_t lo = f->off >= ORA_WIN ? f->off - ORA_WIN : 0;
    size_t hi = f->off + ORA_WIN <= ORA_DATA_SIZE ? f->off + ORA_WIN : ORA_DATA_SIZE;
    ora_fill(o, o->mem_in + lo, hi - lo, st);
}

/* Every pair of special values in lane 0 of destination (type dt) and source (type st), each
 * under every MXCSR in modes; the other lanes are random. */
static inline void ora_pairs(struct ora *o, const struct ora_op *op, const struct ora_form *f,
                             enum ora_lanes dt, enum ora_lanes st, const uint32_t *modes,
                             size_t nmodes)
{
    uint8_t code[16];
    char what[80];
    size_t len = ora_encode(code, op, f->reg, f->rm);
    snprintf(what, sizeof(what), "%s %s", op->name, f->name);
    const void *v;
    unsigned db, sb;
    size_t nd = ora_specials(dt, &v, &db), ns = ora_specials(st, &v, &sb);
    for (size_t a = 0; a < nd; a++)
        for (size_t b = 0; b < ns; b++)
            for (size_t m = 0; m < nmodes; m++) {
                struct ora_state s;
                ora_prepare(o, &s, f, dt, st, modes[m]);
                memcpy(&s.xmm[f->reg], &(uint64_t){ora_special(dt, a)}, db);
                ora_set_src(o, &s, f, sb, 0, ora_special(st, b));
                ora_check(o, what, code, len, &s);
            }
}

/* Every special value of type st in lane 0 of the source, under every MXCSR in modes. */
static inline void ora_singles(struct ora *o, const struct ora_op *op, const struct ora_form *f,
                               enum ora_lanes dt, enum ora_lanes st, const uint32_t *modes,
                               size_t nmodes)
{
    uint8_t code[16];
    char what[80];
    size_t len = ora_encode(code, op, f->reg, f->rm);
    snprintf(what, sizeof(what), "%s %s", op->name, f->name);
    const void *v;
    unsigned sb;
    size_t ns = ora_specials(st, &v, &sb);
    for (size_t b = 0; b < ns; b++)
        for (size_t m = 0; m < nmodes; m++) {
            struct ora_state s;
            ora_prepare(o, &s, f, dt, st, modes[m]);
            ora_set_src(o, &s, f, sb, 0, ora_special(st, b));
            ora_check(o, what, code, len, &s);
        }
}

/* `runs` random states of lane types dt/st, cycling through modes, with random sticky status
 * flags set in MXCSR on every other run. */
static inline void ora_random(struct ora *o, const struct ora_op *op, const struct ora_form *f,
                              enum ora_lanes dt, enum ora_lanes st, const uint32_t *modes,
                              size_t nmodes, int runs)
{
    uint8_t code[16];
    char what[80];
    size_t len = ora_encode(code, op, f->reg, f->rm);
    snprintf(what, sizeof(what), "%s %s", op->name, f->name);
    for (int k = 0; k < runs; k++) {
        struct ora_state s;
        uint32_t mx = modes[(size_t)k % nmodes];
        if (k & 1)
            mx |= (uint32_t)ora_rand(o) & 0x3f;
        ora_prepare(o, &s, f, dt, st, mx);
        ora_check(o, what, code, len, &s);
    }
}

/* The MXCSR settings the arithmetic is checked under: four rounding modes, then DAZ and FZ
 * (each and both) with round-to-nearest and round-up. */
static const uint32_t ora_modes[] = {
    0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x1fc0, 0x9f80, 0x9fc0, 0xdfc0,
};
#define ORA_NMODES (sizeof(ora_modes) / sizeof(ora_modes[0]))

/* Exceptions unmasked one at a time, then all of them: the guest gets SIGFPE (#XM). */
static const uint32_t ora_unmasked[] = {
    0x1f00, 0x1e80, 0x1d80, 0x1b80, 0x1780, 0x0f80, 0x0000, 0x0040 | 0x8000,
};
#define ORA_NUNMASKED (sizeof(ora_unmasked) / sizeof(ora_unmasked[0]))

/* cmocka fixtures shared by the SSE test files: one oracle for the whole group, counters
 * reset before each test. */
static inline int ora_group_setup(void **state)
{
    static struct ora o;
    ora_init(&o);
    *state = &o;
    return 0;
}

static inline int ora_group_teardown(void **state)
{
    ora_free(*state);
    return 0;
}

static inline int ora_reset_counts(void **state)
{
    struct ora *o = *state;
    o->runs = o->failures = o->faults = 0;
    return 0;
}

#endif
