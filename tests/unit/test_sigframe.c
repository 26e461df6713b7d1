/* test_sigframe.c — goemu's rt_sigframe against the one this machine's kernel builds: the
 * test installs real SA_SIGINFO handlers in its own process, measures the kernel's frames
 * (offsets from the handler's rsp, uc_flags, fpstate alignment, sigcontext of faults), then
 * builds the same situations in a guest and compares (the kernel side: x64_setup_rt_frame in
 * arch/x86/kernel/signal_64.c). Also the rt_sigreturn round trip through a guest restorer
 * (rt_sigreturn in the same file). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/exec.h"
#include "cpu/flags.h"
#include "proc/process.h"
#include "abi/linux_abi.h"
#include "run.h"
#include "syscalls/syscalls.h"

/* ---- what a handler sees, natively or in the guest -------------------------------------------- */

struct frame_obs {
    int sig, code;
    uint64_t addr;                /* si_addr, or si_pid | si_uid << 32 */
    uint64_t rsp;                 /* at handler entry */
    long uc_off, si_off, mc_off, mask_off, fp_off;
    uint64_t restorer, uc_flags, uc_link;
    uint64_t ss_sp, ss_size;
    int32_t ss_flags;
    uint64_t gregs[NGREG];        /* glibc's REG_* order: the kernel sigcontext head */
    uint64_t fp_xmm0;
    uint32_t mxcsr_saved;
    uint32_t magic1, ext_size, xstate_size, magic2;
    uint16_t cwd;
    uint64_t entry_rax, entry_flags, entry_xmm0;
    uint32_t entry_mxcsr;
};

/* Reads a frame (wherever its bytes are) the way a C handler would, through glibc's
 * ucontext_t/siginfo_t, whose first 304 bytes are the kernel's struct ucontext. */
static void observe(struct frame_obs *o, uint64_t rsp, const uint8_t *stack, uint64_t uc_addr,
                    uint64_t si_at, const uint8_t *fp)
{
    ucontext_t uc;
    siginfo_t si;
    memset(o, 0, sizeof(*o));
    memcpy(&uc, stack + (uc_addr - rsp), 304);
    memcpy(&si, stack + (si_at - rsp), sizeof(si));
    o->sig = si.si_signo;
    o->code = si.si_code;
    o->addr = (uint64_t)si.si_addr;
    o->rsp = rsp;
    o->uc_off = (long)(uc_addr - rsp);
    o->si_off = (long)(si_at - rsp);
    o->mc_off = o->uc_off + (long)offsetof(ucontext_t, uc_mcontext);
    o->mask_off = o->uc_off + (long)offsetof(ucontext_t, uc_sigmask);
    o->fp_off = (long)((uint64_t)uc.uc_mcontext.fpregs - rsp);
    memcpy(&o->restorer, stack, 8);
    o->uc_flags = uc.uc_flags;
    o->uc_link = (uint64_t)uc.uc_link;
    o->ss_sp = (uint64_t)uc.uc_stack.ss_sp;
    o->ss_size = uc.uc_stack.ss_size;
    o->ss_flags = uc.uc_stack.ss_flags;
    memcpy(o->gregs, uc.uc_mcontext.gregs, sizeof(o->gregs));
    memcpy(&o->cwd, fp + 0, 2);
    memcpy(&o->mxcsr_saved, fp + 24, 4);
    memcpy(&o->fp_xmm0, fp + 160, 8);
    memcpy(&o->magic1, fp + 464, 4);
    memcpy(&o->ext_size, fp + 468, 4);
    memcpy(&o->xstate_size, fp + 480, 4);
    memcpy(&o->magic2, fp + o->xstate_size, 4);
}

/* ---- native: the kernel's frames ---------------------------------------------------------------- */

uint64_t sf_entry_rsp, sf_entry_rax, sf_entry_flags, sf_entry_xmm0;
uint32_t sf_entry_mxcsr;
void sf_handler(int sig, siginfo_t *si, void *ctx);
/* The handler's first instructions record what the kernel left in rsp, rax, rflags, xmm0 and
 * MXCSR before any C code runs (the pushfq uses the red zone below rsp, which is free). */
__asm__(".globl sf_stub\n"
        "sf_stub:\n"
        "  movq %rsp, sf_entry_rsp(%rip)\n"
        "  movq %rax, sf_entry_rax(%rip)\n"
        "  movq %xmm0, sf_entry_xmm0(%rip)\n"
        "  stmxcsr sf_entry_mxcsr(%rip)\n"
        "  pushfq\n"
        "  popq sf_entry_flags(%rip)\n"
        "  jmp sf_handler\n");
void sf_stub(int, siginfo_t *, void *);

static struct frame_obs native;
static int native_skip;  /* bytes to step over a faulting instruction */

void sf_handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint64_t rsp = sf_entry_rsp;
    observe(&native, rsp, (const uint8_t *)rsp, (uint64_t)uc, (uint64_t)si,
            (const uint8_t *)uc->uc_mcontext.fpregs);
    native.entry_rax = sf_entry_rax;
    native.entry_flags = sf_entry_flags;
    native.entry_xmm0 = sf_entry_xmm0;
    native.entry_mxcsr = sf_entry_mxcsr;
    uc->uc_mcontext.gregs[REG_RIP] += native_skip;
}

#define ALTSIZE 65536
static uint8_t *native_alt;
static struct sigaction saved_actions[32];

static void native_install(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = sf_stub;
    sa.sa_flags = SA_SIGINFO | flags;
    sigfillset(&sa.sa_mask);
    assert_int_equal(sigaction(sig, &sa, &saved_actions[sig]), 0);
}

static void native_restore(int sig)
{
    sigaction(sig, &saved_actions[sig], NULL);
}

static void native_altstack(void)
{
    if (!native_alt)
        native_alt = aligned_alloc(4096, ALTSIZE);
    stack_t ss = {.ss_sp = native_alt, .ss_flags = 0, .ss_size = ALTSIZE};
    assert_int_equal(sigaltstack(&ss, NULL), 0);
}

/* tgkill(self, SIGUSR1) from inline assembly, with xmm0 = 0x1234 and MXCSR rounding down,
 * so the frame shows the interrupted state and the entry state shows the reset. Returns the
 * rsp the SYSCALL ran with. */
static uint64_t native_tgkill_usr1(void)
{
    uint64_t rsp;
    long pid = getpid(), tid = syscall(SYS_gettid);
    uint32_t down = 0x3f80, def = 0x1f80;
    __asm__ volatile("movq $0x1234, %%rax\n\t"
                     "movq %%rax, %%xmm0\n\t"
                     "ldmxcsr %[down]\n\t"
                     "movq %%rsp, %[rsp]\n\t"
                     "movl $234, %%eax\n\t"
                     "syscall\n\t"
                     "ldmxcsr %[def]\n\t"
                     : [rsp] "=&r"(rsp)
                     : "D"(pid), "S"(tid), "d"((long)SIGUSR1), [down] "m"(down), [def] "m"(def)
                     : "rax", "rcx", "r11", "xmm0", "memory");
    return rsp;
}

/* ---- guest: goemu's frames ------------------------------------------------------------------ */

#define CODE 0x400000ull
#define HANDLER (CODE + 0x800)     /* ret */
#define RESTORER (CODE + 0x900)    /* mov eax, 15; syscall */
#define SPIN (CODE + 0xa00)        /* jmp $ */
#define SPIN2 (CODE + 0xa10)       /* jmp $ */
#define STACK_TOP 0x7ff000ull
#define STACK_SIZE 0x10000ull
#define ALT 0x900000ull

static struct emu e;
static struct thread *t;

static int setup(void **s)
{
    memset(&e, 0, sizeof(e));
    assert_int_equal(mem_init(&e.mem), 0);
    e.opt.ncpus = 1;
    e.opt.quantum = 1000;
    e.pid = e.next_tid = 1000;
    assert_int_equal(mem_map(&e.mem, CODE, 4096, GPROT_READ | GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_map(&e.mem, STACK_TOP - STACK_SIZE, STACK_SIZE, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_map(&e.mem, ALT, ALTSIZE, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    static const uint8_t ret[] = {0xc3}, restorer[] = {0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05},
                         spin[] = {0xeb, 0xfe};
    assert_int_equal(mem_poke(&e.mem, HANDLER, ret, sizeof(ret)), 0);
    assert_int_equal(mem_poke(&e.mem, RESTORER, restorer, sizeof(restorer)), 0);
    assert_int_equal(mem_poke(&e.mem, SPIN, spin, sizeof(spin)), 0);
    assert_int_equal(mem_poke(&e.mem, SPIN2, spin, sizeof(spin)), 0);
    t = thread_new(&e);
    e.current = t;
    t->cpu.rip = SPIN;
    t->cpu.gpr[RSP] = STACK_TOP - 0x1000;
    return 0;
}

static int teardown(void **s)
{
    emu_destroy(&e);
    return 0;
}

/* Go's action (setsig in runtime/os_linux.go), with the test's handler and restorer. */
static void guest_install(int sig, uint64_t flags)
{
    e.sigactions[sig] = (struct guest_sigaction){HANDLER, LINUX_SA_SIGINFO | LINUX_SA_RESTORER | flags,
                                                 RESTORER, ~0ull & ~((1ull << 8) | (1ull << 18))};
}

static void guest_altstack(void)
{
    t->altstack = (struct guest_sigaltstack){ALT, 0, ALTSIZE};
}

/* Observes the frame the thread is about to enter a handler with. */
static void guest_observe(struct frame_obs *o)
{
    uint64_t rsp = t->cpu.gpr[RSP];
    static uint8_t buf[8192];
    assert_int_equal(mem_copy_from(&e.mem, buf, rsp, 1024), 0);
    uint64_t fp;
    ucontext_t uc;
    memcpy(&uc, buf + (t->cpu.gpr[RDX] - rsp), 304);
    fp = (uint64_t)uc.uc_mcontext.fpregs;
    assert_true(fp > rsp && fp - rsp < 1024);
    uint8_t fpbuf[1024];
    assert_int_equal(mem_copy_from(&e.mem, fpbuf, fp, 600), 0);
    observe(o, rsp, buf, t->cpu.gpr[RDX], t->cpu.gpr[RSI], fpbuf);
    o->entry_rax = t->cpu.gpr[RAX];
    o->entry_flags = flags_get(&t->cpu);
    o->entry_xmm0 = t->cpu.xmm[0].q[0];
    o->entry_mxcsr = t->cpu.mxcsr;
}

/* The guest twin of native_tgkill_usr1: the thread just executed a tgkill SYSCALL at SPIN-2
 * with xmm0 = 0x1234 and MXCSR rounding down; the signal is delivered on its way out. */
static void guest_tgkill_usr1(uint64_t rsp)
{
    t->cpu.gpr[RSP] = rsp;
    t->cpu.xmm[0].q[0] = 0x1234;
    t->cpu.mxcsr = 0x3f80;
    t->cpu.gpr[RAX] = 0;
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(sig_deliver(&e, t), 1);
}

/* ---- layout ------------------------------------------------------------------------------------ */

static void assert_same_layout(const struct frame_obs *n, const struct frame_obs *g)
{
    assert_int_equal(g->uc_off, n->uc_off);        /* 8 */
    assert_int_equal(g->si_off, n->si_off);        /* 312 */
    assert_int_equal(g->mc_off, n->mc_off);        /* 48 */
    assert_int_equal(g->mask_off, n->mask_off);    /* 304 */
    assert_int_equal(g->fp_off, n->fp_off);        /* 456 */
    assert_int_equal(n->rsp % 16, 8);
    assert_int_equal(g->rsp % 16, 8);
    assert_int_equal((g->rsp + (uint64_t)g->fp_off) % 64, 0);
    assert_int_equal(g->uc_flags, n->uc_flags);    /* UC_FP_XSTATE|UC_SIGCONTEXT_SS|UC_STRICT_RESTORE_SS */
    assert_int_equal(g->uc_link, 0);
    assert_int_equal(n->uc_link, 0);
    assert_int_equal(g->cwd, n->cwd);
    assert_int_equal(g->magic1, n->magic1);
    assert_int_equal(g->magic2, n->magic2);
    /* extended_size is the image plus magic2; the sizes differ (no AVX in the guest). */
    assert_int_equal(n->ext_size, n->xstate_size + 4);
    assert_int_equal(g->ext_size, g->xstate_size + 4);
}

/* Where the kernel puts the frame: FP image 64-byte aligned below `base`, the 440-byte frame
 * below it, rsp 16n+8 (get_sigframe). The same rule, with each CPU's XSAVE size, must place
 * both frames. */
static uint64_t expected_rsp(uint64_t base, uint32_t ext_size)
{
    uint64_t fp = (base - ext_size) & ~63ull;
    return ((fp - 440) & ~15ull) - 8;
}

static void test_async_frame_on_altstack_matches_kernel_layout(void **s)
{
    native_install(SIGUSR1, SA_ONSTACK | SA_RESTART);
    native_altstack();
    native_skip = 0;
    native_tgkill_usr1();
    native_restore(SIGUSR1);
    assert_int_equal(native.sig, SIGUSR1);
    assert_int_equal(native.rsp, expected_rsp((uint64_t)native_alt + ALTSIZE, native.ext_size));

    guest_install(SIGUSR1, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
    guest_altstack();
    struct frame_obs g;
    guest_tgkill_usr1(STACK_TOP - 0x1000);
    guest_observe(&g);
    assert_same_layout(&native, &g);
    assert_int_equal(g.rsp, expected_rsp(ALT + ALTSIZE, g.ext_size));
    assert_int_equal(g.restorer, RESTORER);
    assert_int_equal(native.restorer != 0, 1);
    /* uc_stack is the altstack as set: flags 0, not SS_ONSTACK (measured). */
    assert_int_equal(native.ss_flags, 0);
    assert_int_equal(g.ss_flags, 0);
    assert_int_equal(g.ss_sp, ALT);
    assert_int_equal(g.ss_size, ALTSIZE);
    assert_int_equal(native.ss_size, ALTSIZE);
}

static void test_async_frame_without_onstack_skips_the_red_zone(void **s)
{
    native_install(SIGUSR1, SA_RESTART);
    native_altstack();
    uint64_t native_rsp = native_tgkill_usr1();
    native_restore(SIGUSR1);
    assert_int_equal(native.gregs[REG_RSP], native_rsp);
    assert_int_equal(native.rsp, expected_rsp(native_rsp - 128, native.ext_size));

    guest_install(SIGUSR1, LINUX_SA_RESTART);
    guest_altstack();
    struct frame_obs g;
    guest_tgkill_usr1(STACK_TOP - 0x1000);
    guest_observe(&g);
    assert_same_layout(&native, &g);
    assert_int_equal(g.gregs[REG_RSP], STACK_TOP - 0x1000);
    assert_int_equal(g.rsp, expected_rsp(STACK_TOP - 0x1000 - 128, g.ext_size));
}

static void test_async_frame_registers_and_entry_state_match_kernel(void **s)
{
    native_install(SIGUSR1, SA_ONSTACK | SA_RESTART);
    native_altstack();
    native_tgkill_usr1();
    native_restore(SIGUSR1);

    guest_install(SIGUSR1, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
    guest_altstack();
    t->sigmask = 0;
    struct frame_obs g;
    guest_tgkill_usr1(STACK_TOP - 0x1000);
    guest_observe(&g);

    /* siginfo of tgkill: SI_TKILL, the sender's pid and uid. */
    assert_int_equal(native.code, SI_TKILL);
    assert_int_equal(g.code, SI_TKILL);
    assert_int_equal(g.addr, 1000 | (uint64_t)emu_guest_id(&e, getuid()) << 32);
    assert_int_equal(native.addr, (uint64_t)getpid() | (uint64_t)getuid() << 32);
    /* The interrupted state: tgkill's result in rax, the caller's xmm0 and MXCSR. */
    assert_int_equal(native.gregs[REG_RAX], 0);
    assert_int_equal(g.gregs[REG_RAX], 0);
    assert_int_equal(native.fp_xmm0, 0x1234);
    assert_int_equal(g.fp_xmm0, 0x1234);
    assert_int_equal(native.mxcsr_saved, 0x3f80);
    assert_int_equal(g.mxcsr_saved, 0x3f80);
    assert_int_equal(g.gregs[REG_RIP], SPIN);
    /* No exception yet: err, trapno, cr2 are 0; cs/gs/fs/ss; RF clear for a signal. */
    for (int r = REG_ERR; r <= REG_TRAPNO; r++) {
        assert_int_equal(native.gregs[r], 0);
        assert_int_equal(g.gregs[r], 0);
    }
    assert_int_equal(g.gregs[REG_CSGSFS], native.gregs[REG_CSGSFS]);  /* 0x2b000000000033 */
    assert_int_equal(native.gregs[REG_EFL] & (1u << 16), 0);
    assert_int_equal(g.gregs[REG_EFL] & (1u << 16), 0);
    /* Entry: rax 0, DF clear, xmm0 and MXCSR reset (fpu__clear_user_states). */
    assert_int_equal(native.entry_rax, 0);
    assert_int_equal(g.entry_rax, 0);
    assert_int_equal(native.entry_xmm0, 0);
    assert_int_equal(g.entry_xmm0, 0);
    assert_int_equal(native.entry_mxcsr, 0x1f80);
    assert_int_equal(g.entry_mxcsr, 0x1f80);
    assert_int_equal(native.entry_flags & (1u << 10), 0);
    assert_int_equal(g.entry_flags & (1u << 10), 0);
    /* oldmask and uc_sigmask: the mask before delivery (0 here and natively). */
    assert_int_equal(g.gregs[REG_OLDMASK], 0);
    assert_int_equal(native.gregs[REG_OLDMASK], 0);
    /* Go's sa_mask blocks everything but KILL/STOP in the handler. */
    assert_int_equal(t->sigmask, ~((1ull << 8) | (1ull << 18)));
}

/* ---- faults ---------------------------------------------------------------------------------- */

/* One faulting instruction, natively and in the guest: the bytes, and how the handler steps
 * over it (0 for int3, which Linux reports after the instruction). */
struct fault_case {
    const char *name;
    uint8_t setup[16];       /* guest: registers as the native asm sets them */
    unsigned setup_len;
    uint8_t insn[4];
    unsigned insn_len, skip;
};

/* Native: runs the case's instruction (inline asm mirrors `setup`) and returns its address. */
static uint64_t native_fault(int which)
{
    uint64_t at = 0;
    native_skip = 0;
    switch (which) {
    case 0:  /* mov ecx, 0x10; mov eax, [rcx] */
        native_skip = 2;
        __asm__ volatile("lea 1f(%%rip), %0\n\tmov $0x10, %%ecx\n1:\t.byte 0x8b, 0x01\n"
                         : "=&r"(at) :: "rax", "rcx", "memory");
        break;
    case 1:  /* mov ecx, 0x10; mov [rcx], eax */
        native_skip = 2;
        __asm__ volatile("lea 1f(%%rip), %0\n\tmov $0x10, %%ecx\n1:\t.byte 0x89, 0x01\n"
                         : "=&r"(at) :: "rax", "rcx", "memory");
        break;
    case 2:  /* xor ecx, ecx; mov eax, 1; xor edx, edx; div ecx */
        native_skip = 2;
        __asm__ volatile("lea 1f(%%rip), %0\n\txor %%ecx, %%ecx\n\tmov $1, %%eax\n\t"
                         "xor %%edx, %%edx\n1:\t.byte 0xf7, 0xf1\n"
                         : "=&r"(at) :: "rax", "rcx", "rdx", "memory");
        break;
    case 3:  /* ud2 */
        native_skip = 2;
        __asm__ volatile("lea 1f(%%rip), %0\n1:\t.byte 0x0f, 0x0b\n" : "=&r"(at) :: "memory");
        break;
    case 4:  /* int3 */
        __asm__ volatile("lea 1f(%%rip), %0\n1:\t.byte 0xcc\n" : "=&r"(at) :: "memory");
        break;
    }
    return at;
}

static const struct fault_case fault_cases[] = {
    {"read 0x10", {0xb9, 0x10, 0, 0, 0}, 5, {0x8b, 0x01}, 2, 2},
    {"write 0x10", {0xb9, 0x10, 0, 0, 0}, 5, {0x89, 0x01}, 2, 2},
    {"div by 0", {0x31, 0xc9, 0xb8, 1, 0, 0, 0, 0x31, 0xd2}, 9, {0xf7, 0xf1}, 2, 2},
    {"ud2", {0}, 0, {0x0f, 0x0b}, 2, 2},
    {"int3", {0}, 0, {0xcc}, 1, 0},
};
static const int fault_signals[] = {SIGSEGV, SIGSEGV, SIGFPE, SIGILL, SIGTRAP};

/* Guest: runs setup + instruction at CODE and delivers the fault. Returns the instruction's
 * address. */
static uint64_t guest_fault(const struct fault_case *fc)
{
    uint8_t code[32];
    memcpy(code, fc->setup, fc->setup_len);
    memcpy(code + fc->setup_len, fc->insn, fc->insn_len);
    memcpy(code + fc->setup_len + fc->insn_len, (uint8_t[]){0xeb, 0xfe}, 2);
    assert_int_equal(mem_poke(&e.mem, CODE, code, fc->setup_len + fc->insn_len + 2), 0);
    icache_flush(&e.mem);
    t->cpu.rip = CODE;
    t->cpu.gpr[RSP] = STACK_TOP - 0x1000;
    enum cpu_stop why = run_step(&e, t, 100);
    assert_int_equal(why, STOP_FAULT);
    sig_deliver_fault(&e, t);
    return CODE + fc->setup_len;
}

static void test_fault_frames_match_kernel(void **s)
{
    native_altstack();
    guest_altstack();
    for (size_t k = 0; k < sizeof(fault_cases) / sizeof(fault_cases[0]); k++) {
        const struct fault_case *fc = &fault_cases[k];
        int sig = fault_signals[k];
        print_message("fault: %s\n", fc->name);
        native_install(sig, SA_ONSTACK | SA_RESTART);
        uint64_t nat = native_fault((int)k);
        native_restore(sig);
        struct frame_obs n = native, g;

        guest_install(sig, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
        t->sigmask = 0;
        uint64_t at = guest_fault(fc);
        guest_observe(&g);
        assert_same_layout(&n, &g);
        assert_int_equal(g.sig, n.sig);
        assert_int_equal(g.code, n.code);
        /* si_addr: the data address for SIGSEGV, the instruction for SIGFPE/SIGILL, 0 for
         * int3; compared relative to the instruction where it points there. */
        if (n.addr >= nat && n.addr < nat + 16)
            assert_int_equal(g.addr - at, n.addr - nat);
        else
            assert_int_equal(g.addr, n.addr);
        assert_int_equal(g.gregs[REG_RIP] - at, n.gregs[REG_RIP] - nat);
        assert_int_equal(g.gregs[REG_TRAPNO], n.gregs[REG_TRAPNO]);
        assert_int_equal(g.gregs[REG_ERR], n.gregs[REG_ERR]);
        assert_int_equal(g.gregs[REG_CR2], n.gregs[REG_CR2]);  /* stays from the last #PF */
        assert_int_equal(g.gregs[REG_EFL] & (1u << 16), n.gregs[REG_EFL] & (1u << 16));  /* RF */
        assert_int_equal(g.gregs[REG_EFL] & FLAG_DF, n.gregs[REG_EFL] & FLAG_DF);
    }
    /* A later signal's frame still shows the last exception (thread.trap_nr/error_code/cr2). */
    native_install(SIGUSR1, SA_ONSTACK | SA_RESTART);
    native_tgkill_usr1();
    native_restore(SIGUSR1);
    guest_install(SIGUSR1, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
    t->sigmask = 0;
    struct frame_obs g;
    guest_tgkill_usr1(STACK_TOP - 0x1000);
    guest_observe(&g);
    assert_int_equal(native.gregs[REG_TRAPNO], 3);
    assert_int_equal(g.gregs[REG_TRAPNO], native.gregs[REG_TRAPNO]);
    assert_int_equal(g.gregs[REG_CR2], native.gregs[REG_CR2]);
    assert_int_equal(native.gregs[REG_CR2], 0x10);
}

/* A write to a read-only page: SEGV_ACCERR, err = user|write|present, cr2 = si_addr. */
static void test_write_to_read_only_page_matches_kernel(void **s)
{
    uint8_t *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(page != MAP_FAILED);
    native_install(SIGSEGV, SA_ONSTACK);
    native_altstack();
    native_skip = 2;
    /* Read it first: an untouched page has no PTE yet, and the CPU's error code then lacks
     * the present bit (6). goemu reports every mapped page as present, as after a read. */
    assert_int_equal(*(volatile uint8_t *)page, 0);
    uint64_t target = (uint64_t)page + 0x48, at;
    __asm__ volatile("lea 1f(%%rip), %0\n1:\t.byte 0x89, 0x01\n"   /* mov [rcx], eax */
                     : "=&r"(at) : "c"(target) : "rax", "memory");
    native_restore(SIGSEGV);
    munmap(page, 4096);
    struct frame_obs n = native, g;

    const uint64_t ro = 0x500000;
    assert_int_equal(mem_map(&e.mem, ro, 4096, GPROT_READ, 0, NULL), 0);
    static const struct fault_case write_ro = {
        "write read-only", {0xb9, 0x48, 0x00, 0x50, 0x00}, 5, {0x89, 0x01}, 2, 2};
    guest_install(SIGSEGV, LINUX_SA_ONSTACK);
    guest_altstack();
    uint64_t gat = guest_fault(&write_ro);
    guest_observe(&g);
    assert_int_equal(n.code, SEGV_ACCERR);
    assert_int_equal(g.code, SEGV_ACCERR);
    assert_int_equal(n.addr, target);
    assert_int_equal(g.addr, ro + 0x48);
    assert_int_equal(n.gregs[REG_ERR], 7);
    assert_int_equal(g.gregs[REG_ERR], n.gregs[REG_ERR]);
    assert_int_equal(g.gregs[REG_TRAPNO], n.gregs[REG_TRAPNO]);
    assert_int_equal(n.gregs[REG_CR2], target);
    assert_int_equal(g.gregs[REG_CR2], ro + 0x48);
    assert_int_equal(g.gregs[REG_RIP] - gat, n.gregs[REG_RIP] - at);
}

/* ---- rt_sigreturn ------------------------------------------------------------------------------ */

/* Runs the thread until it reaches a spin loop (handler → restorer → rt_sigreturn → ...). */
static void run_until_spin(void)
{
    for (int k = 0; k < 100; k++) {
        if (t->cpu.rip == SPIN || t->cpu.rip == SPIN2)
            return;
        enum cpu_stop why = run_step(&e, t, 1);
        assert_int_not_equal(why, STOP_FAULT);
    }
    fail_msg("the guest did not reach a spin loop (rip %#llx)", (unsigned long long)t->cpu.rip);
}

static void test_sigreturn_restores_everything_from_the_modified_frame(void **s)
{
    guest_install(SIGUSR1, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
    guest_altstack();
    struct cpu *c = &t->cpu;
    for (int r = 0; r < 16; r++)
        c->gpr[r] = 0x1111111111111111ull * (uint64_t)(r + 1);
    c->gpr[RSP] = STACK_TOP - 0x1000;
    c->rip = SPIN;
    flags_put(c, 0x202 | FLAG_CF | FLAG_ZF | FLAG_DF);
    for (int x = 0; x < 16; x++) {
        c->xmm[x].q[0] = 0xa0a0a0a000000000ull + (uint64_t)x;
        c->xmm[x].q[1] = 0x5050505000000000ull + (uint64_t)x;
    }
    c->mxcsr = 0x3f80;
    t->sigmask = 1ull << (SIGUSR2 - 1);
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(sig_deliver(&e, t), 1);

    /* The handler changes the frame: rip, rsp, rax, rflags, xmm3, the mask, the altstack. */
    uint64_t rsp = c->gpr[RSP];
    ucontext_t uc;
    assert_int_equal(mem_copy_from(&e.mem, &uc, c->gpr[RDX], 304), 0);
    assert_int_equal(uc.uc_mcontext.gregs[REG_RBX], 0x4444444444444444ull);
    uc.uc_mcontext.gregs[REG_RIP] = SPIN2;
    uc.uc_mcontext.gregs[REG_RSP] = STACK_TOP - 0x2000;
    uc.uc_mcontext.gregs[REG_RAX] = 0x77;
    uc.uc_mcontext.gregs[REG_EFL] = 0x202 | FLAG_OF;   /* CF, ZF, DF cleared; OF set */
    uint64_t newmask = (1ull << (SIGTERM - 1)) | (1ull << 8);  /* SIGKILL cannot stay */
    memcpy(&uc.uc_sigmask, &newmask, 8);
    uc.uc_stack.ss_sp = (void *)(ALT + 0x1000);
    uc.uc_stack.ss_size = 0x4000;
    assert_int_equal(mem_copy_to(&e.mem, c->gpr[RDX], &uc, 304), 0);
    uint64_t fp = (uint64_t)uc.uc_mcontext.fpregs, x3 = 0xfeedfacecafebeefull;
    assert_int_equal(mem_copy_to(&e.mem, fp + 160 + 3 * 16, &x3, 8), 0);

    run_until_spin();   /* ret → restorer → rt_sigreturn */
    assert_int_equal(c->rip, SPIN2);
    assert_int_equal(c->gpr[RAX], 0x77);  /* rt_sigreturn returns the restored rax */
    assert_int_equal(c->gpr[RSP], STACK_TOP - 0x2000);
    for (int r = 1; r < 16; r++)
        if (r != RSP)
            assert_int_equal(c->gpr[r], 0x1111111111111111ull * (uint64_t)(r + 1));
    uint64_t fl = flags_get(c);
    assert_int_equal(fl & (FLAG_CF | FLAG_ZF | FLAG_DF | FLAG_OF), FLAG_OF);
    assert_int_equal(fl & FLAG_IF, FLAG_IF);
    assert_int_equal(c->xmm[3].q[0], x3);
    assert_int_equal(c->xmm[3].q[1], 0x5050505000000003ull);
    assert_int_equal(c->xmm[15].q[0], 0xa0a0a0a00000000full);
    assert_int_equal(c->mxcsr, 0x3f80);
    assert_int_equal(t->sigmask, 1ull << (SIGTERM - 1));
    assert_int_equal(t->altstack.sp, ALT + 0x1000);
    assert_int_equal(t->altstack.size, 0x4000);
    (void)rsp;
}

static void test_sigreturn_of_an_unmodified_frame_is_invisible(void **s)
{
    guest_install(SIGUSR1, LINUX_SA_ONSTACK | LINUX_SA_RESTART);
    guest_altstack();
    struct cpu *c = &t->cpu;
    c->gpr[RAX] = (uint64_t)-4;  /* e.g. a syscall's -EINTR */
    c->gpr[R11] = 0x246;
    flags_put(c, 0x202 | FLAG_SF | FLAG_PF);
    struct cpu before = *c;
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(sig_deliver(&e, t), 1);
    run_until_spin();
    assert_int_equal(c->rip, SPIN);
    for (int r = 0; r < 16; r++)
        assert_int_equal(c->gpr[r], before.gpr[r]);
    assert_int_equal(flags_get(c), flags_get(&before));
    assert_memory_equal(c->xmm, before.xmm, sizeof(c->xmm));
    assert_int_equal(t->sigmask, 0);
    assert_int_equal(t->altstack.sp, ALT);
    assert_int_equal(t->altstack.size, ALTSIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_async_frame_on_altstack_matches_kernel_layout),
        T(test_async_frame_without_onstack_skips_the_red_zone),
        T(test_async_frame_registers_and_entry_state_match_kernel),
        T(test_fault_frames_match_kernel),
        T(test_write_to_read_only_page_matches_kernel),
        T(test_sigreturn_restores_everything_from_the_modified_frame),
        T(test_sigreturn_of_an_unmodified_frame_is_invisible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
