/* int_oracle.h — the real CPU as the oracle for the integer instruction tests.
 * The same instruction bytes run natively (from an executable host page, with every general
 * register and the arithmetic flags loaded from a state record) and under goemu through the
 * harness; HARNESS_DATA is mapped at the same host address so memory operands point alike.
 * A native fault (SIGFPE, SIGSEGV) is caught with the registers of the faulting moment, so
 * exceptions are compared too. Header-only: each test executable includes it once. */
#ifndef GOEMU_INT_ORACLE_H
#define GOEMU_INT_ORACLE_H

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

#include "cpu/operand.h"
#include "cpu_harness.h"

/* Instruction bytes assembled by GCC from Intel-syntax text: CODE(name, "add rax, rcx") defines
 * name[] .. name_end[] in .rodata. */
#define CODE(name, text)                                                             \
    extern const uint8_t name[], name##_end[];                                       \
    __asm__(".pushsection .rodata\n.intel_syntax noprefix\n" #name ":\n" text        \
            "\n" #name "_end:\n.att_syntax prefix\n.popsection\n");
#define CODE_LEN(name) ((size_t)(name##_end - name))

/* Register file + flags in encoding order; r[RSP] is never loaded (the code runs on a stack). */
struct ostate {
    uint64_t r[16];
    uint64_t flags;
};

/* oracle_native_call(state, code): loads state, calls code (which ends in RET), stores state. */
void oracle_native_call(struct ostate *s, const void *code);
__asm__(".text\n"
        ".globl oracle_native_call\n"
        "oracle_native_call:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  push %rdi\n  push %rsi\n"
        "  pushq 128(%rdi)\n  popfq\n"
        "  mov 0(%rdi), %rax\n  mov 8(%rdi), %rcx\n  mov 16(%rdi), %rdx\n"
        "  mov 24(%rdi), %rbx\n  mov 40(%rdi), %rbp\n  mov 48(%rdi), %rsi\n"
        "  mov 64(%rdi), %r8\n  mov 72(%rdi), %r9\n  mov 80(%rdi), %r10\n"
        "  mov 88(%rdi), %r11\n  mov 96(%rdi), %r12\n  mov 104(%rdi), %r13\n"
        "  mov 112(%rdi), %r14\n  mov 120(%rdi), %r15\n  mov 56(%rdi), %rdi\n"
        "  call *(%rsp)\n"
        "  pushfq\n  push %rdi\n"
        "  mov 24(%rsp), %rdi\n"  /* [rsp]=rdi, +8 flags, +16 code, +24 state */
        "  mov %rax, 0(%rdi)\n  mov %rcx, 8(%rdi)\n  mov %rdx, 16(%rdi)\n"
        "  mov %rbx, 24(%rdi)\n  mov %rbp, 40(%rdi)\n  mov %rsi, 48(%rdi)\n"
        "  mov %r8, 64(%rdi)\n  mov %r9, 72(%rdi)\n  mov %r10, 80(%rdi)\n"
        "  mov %r11, 88(%rdi)\n  mov %r12, 96(%rdi)\n  mov %r13, 104(%rdi)\n"
        "  mov %r14, 112(%rdi)\n  mov %r15, 120(%rdi)\n"
        "  pop %rax\n  mov %rax, 56(%rdi)\n"
        "  pop %rax\n  mov %rax, 128(%rdi)\n"
        "  cld\n"
        "  add $16, %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  ret\n");

/* Not every test uses every helper. */
#define ORACLE_FN static __attribute__((unused))

#define ORACLE_INPUT_FLAGS (FLAGS_ARITH | FLAG_DF)

struct oracle {
    struct harness h;
    uint8_t *code;       /* native executable page */
    uint8_t *data;       /* native HARNESS_DATA */
    size_t ndata;        /* bytes of HARNESS_DATA set and compared per run */
    struct ostate in, native, emu;
    uint8_t *emu_data;   /* goemu's HARNESS_DATA after the run */
    enum cpu_stop stop;
    int native_sig, native_code;  /* 0, or the signal the native run took */
    uint64_t native_addr;
    int failures;
};

/* Native fault catching: the handler records the registers from the signal frame and jumps
 * back out of the trampoline (sigsetjmp restored the callee-saved registers it pushed). */
static sigjmp_buf oracle_jmp;
static struct ostate oracle_fault_regs;
static siginfo_t oracle_fault_info;

static void oracle_on_fault(int sig, siginfo_t *si, void *ctx)
{
    static const int map[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};
    ucontext_t *uc = ctx;
    for (int k = 0; k < 16; k++)
        oracle_fault_regs.r[k] = (uint64_t)uc->uc_mcontext.gregs[map[k]];
    oracle_fault_regs.flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    oracle_fault_info = *si;
    siglongjmp(oracle_jmp, 1);
}

ORACLE_FN struct oracle *oracle_new(size_t ndata)
{
    struct oracle *o = calloc(1, sizeof(*o));
    harness_init(&o->h);
    o->code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    o->data = mmap((void *)(uintptr_t)HARNESS_DATA, HARNESS_DATA_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (o->code == MAP_FAILED || o->data != (uint8_t *)(uintptr_t)HARNESS_DATA) {
        fprintf(stderr, "oracle: cannot map native code/data pages\n");
        abort();
    }
    /* Tests fault on purpose just outside the data area: the pages around it must be unmapped
     * natively as they are in goemu (probe with MAP_FIXED_NOREPLACE, then release). */
    for (int side = 0; side < 2; side++) {
        uint64_t a = side ? HARNESS_DATA + HARNESS_DATA_SIZE : HARNESS_DATA - 4096;
        void *at = (void *)(uintptr_t)a;
        void *p = mmap(at, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                       -1, 0);
        if (p != at) {
            fprintf(stderr, "oracle: host memory next to HARNESS_DATA is in use\n");
            abort();
        }
        munmap(p, 4096);
    }
    o->ndata = ndata;
    o->emu_data = calloc(1, HARNESS_DATA_SIZE);
    return o;
}

ORACLE_FN void oracle_free(struct oracle *o)
{
    harness_free(&o->h);
    munmap(o->code, 4096);
    munmap(o->data, HARNESS_DATA_SIZE);
    free(o->emu_data);
    free(o);
}

/* Sets the input state: every register gets a distinct junk value (so merges and zero-extension
 * show), then the test overrides what it needs in o->in. */
ORACLE_FN void oracle_reset(struct oracle *o, uint64_t seed)
{
    for (int k = 0; k < 16; k++)
        o->in.r[k] = 0x9e3779b97f4a7c15ull * (uint64_t)(k + 1) ^ seed;
    o->in.r[RSP] = 0;
    o->in.flags = 0;
}

/* Runs the bytes under goemu only, from o->in and the native data image. */
ORACLE_FN enum cpu_stop oracle_run_emu(struct oracle *o, const uint8_t *code, size_t len)
{
    struct cpu *c = &o->h.cpu;
    for (int k = 0; k < 16; k++)
        c->gpr[k] = o->in.r[k];
    flags_put(c, (o->in.flags & ORACLE_INPUT_FLAGS) | 2);
    mem_copy_to(&o->h.mem, HARNESS_DATA, o->data, o->ndata);
    o->stop = harness_exec(&o->h, code, len);
    for (int k = 0; k < 16; k++)
        o->emu.r[k] = c->gpr[k];
    o->emu.r[RSP] = 0;
    o->emu.flags = harness_rflags(&o->h);
    mem_copy_from(&o->h.mem, o->emu_data, HARNESS_DATA, o->ndata);
    return o->stop;
}

/* Runs the bytes natively and under goemu from o->in, with HARNESS_DATA holding `image`
 * (o->ndata bytes; NULL keeps the current native contents). */
ORACLE_FN void oracle_run(struct oracle *o, const uint8_t *code, size_t len, const uint8_t *image)
{
    if (image)
        memcpy(o->data, image, o->ndata);
    oracle_run_emu(o, code, len);  /* reads the native image, does not change it */
    memcpy(o->code, code, len);
    o->code[len] = 0xc3;  /* ret */
    o->native = o->in;
    o->native.flags = (o->in.flags & ORACLE_INPUT_FLAGS) | 2;
    /* cmocka installs its own SIGFPE/SIGSEGV handlers around each test: borrow the signals
     * for the native run only. */
    struct sigaction sa, old_fpe, old_segv;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = oracle_on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, &old_fpe);
    sigaction(SIGSEGV, &sa, &old_segv);
    if (sigsetjmp(oracle_jmp, 1) == 0) {
        oracle_native_call(&o->native, o->code);
        o->native_sig = 0;
    } else {
        o->native_sig = oracle_fault_info.si_signo;
        o->native = oracle_fault_regs;
        o->native_code = oracle_fault_info.si_code;
        o->native_addr = (uint64_t)(uintptr_t)oracle_fault_info.si_addr;
    }
    sigaction(SIGFPE, &old_fpe, NULL);
    sigaction(SIGSEGV, &old_segv, NULL);
    o->native.r[RSP] = 0;
}

/* Compares goemu with the CPU: registers, the flags in flag_mask, and the data area. Reports
 * the first few differences with `what` describing the case; returns 1 when equal. */
ORACLE_FN int oracle_same(struct oracle *o, uint64_t flag_mask, const char *fmt, ...)
{
    int ok;
    if (o->native_sig == 0) {
        ok = o->stop == STOP_NONE;
    } else {
        /* Same signal and si_code; SIGSEGV also the same address (SIGFPE's si_addr is the
         * instruction, at different addresses natively and under goemu). */
        const struct cpu_fault *f = &o->h.cpu.fault;
        ok = o->stop == STOP_FAULT && f->signo == o->native_sig && f->code == o->native_code &&
             (o->native_sig != SIGSEGV || f->addr == o->native_addr);
    }
    for (int k = 0; k < 16; k++)
        ok &= o->native.r[k] == o->emu.r[k];
    ok &= ((o->native.flags ^ o->emu.flags) & flag_mask) == 0;
    ok &= memcmp(o->data, o->emu_data, o->ndata) == 0;
    if (ok)
        return 1;
    if (o->failures++ < 8) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "MISMATCH ");
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr,
                " (goemu stop %d signal %d code %d addr %llx; cpu signal %d code %d addr %llx)\n",
                (int)o->stop, o->stop == STOP_FAULT ? o->h.cpu.fault.signo : 0,
                o->stop == STOP_FAULT ? o->h.cpu.fault.code : 0,
                (unsigned long long)o->h.cpu.fault.addr, o->native_sig, o->native_code,
                (unsigned long long)o->native_addr);
        for (int k = 0; k < 16; k++)
            if (o->native.r[k] != o->emu.r[k] || o->in.r[k] != o->native.r[k])
                fprintf(stderr, "  r%-2d in %016llx cpu %016llx goemu %016llx%s\n", k,
                        (unsigned long long)o->in.r[k], (unsigned long long)o->native.r[k],
                        (unsigned long long)o->emu.r[k],
                        o->native.r[k] != o->emu.r[k] ? "  <--" : "");
        fprintf(stderr, "  flags in %03llx cpu %03llx goemu %03llx mask %03llx\n",
                (unsigned long long)o->in.flags, (unsigned long long)(o->native.flags & 0xfff),
                (unsigned long long)(o->emu.flags & 0xfff), (unsigned long long)flag_mask);
        for (size_t k = 0; k < o->ndata; k++)
            if (o->data[k] != o->emu_data[k]) {
                fprintf(stderr, "  data[+%zu] cpu %02x goemu %02x\n", k, o->data[k],
                        o->emu_data[k]);
                break;
            }
    }
    return 0;
}

/* Edge values for a width in bytes: 0, 1, 2, the signed limits and their neighbours, all-ones,
 * nibble-carry values, and pseudo-random values. Returns the count written to v. */
ORACLE_FN size_t oracle_edges(unsigned size, uint64_t *v, size_t max)
{
    uint64_t m = width_mask(size), sign = (m >> 1) + 1;
    const uint64_t base[] = {0, 1, 2, 0xf, 0x10, sign - 1, sign, sign + 1, m, m - 1,
                             0x5a5a5a5a5a5a5a5aull, 0xc3a7e1f04b2d9687ull, 0x0123456789abcdefull};
    size_t n = 0;
    for (size_t k = 0; k < sizeof(base) / sizeof(base[0]) && n < max; k++) {
        uint64_t x = base[k] & m;
        size_t j;
        for (j = 0; j < n && v[j] != x; j++) {}
        if (j == n)
            v[n++] = x;
    }
    return n;
}

/* Replaces the low `size` bytes of r with v, keeping the junk above (8/16-bit merges). */
ORACLE_FN uint64_t oracle_low(uint64_t r, unsigned size, uint64_t v)
{
    uint64_t m = width_mask(size);
    return (r & ~m) | (v & m);
}

#endif
