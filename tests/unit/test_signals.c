/* test_signals.c — signal generation and delivery semantics (man 7 signal, kernel/signal.c):
 * masks and pending sets per thread and per process, which thread takes a signal, the order
 * of delivery (compared with this machine's kernel, measured in-process), SA_NODEFER,
 * SA_RESETHAND, syscall restart rules, default actions and fatal faults (in a forked child),
 * and host signals forwarded to the guest. Guest code is a few hand-encoded instructions. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/exec.h"
#include "proc/process.h"
#include "abi/linux_abi.h"
#include "run.h"
#include "syscalls/syscalls.h"

#define CODE 0x400000ull
#define HANDLER (CODE + 0x800)     /* records rdi in the order log, then ret */
#define RESTORER (CODE + 0x900)    /* mov eax, 15; syscall */
#define SPIN (CODE + 0xa00)        /* jmp $ */
#define DATA 0x600000ull           /* order log: count, then signal numbers */
#define STACK_TOP 0x7ff000ull
#define STACK_SIZE 0x10000ull
#define ALL_BUT_KILL_STOP (~0ull & ~((1ull << 8) | (1ull << 18)))

static struct emu e;
static struct thread *t;

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

static int setup(void **s)
{
    memset(&e, 0, sizeof(e));
    assert_int_equal(mem_init(&e.mem), 0);
    e.opt.ncpus = 1;
    e.opt.quantum = 1000;
    e.pid = e.next_tid = 1000;
    assert_int_equal(mem_map(&e.mem, CODE, 4096, GPROT_READ | GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_map(&e.mem, DATA, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_map(&e.mem, STACK_TOP - STACK_SIZE, STACK_SIZE, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    static const uint8_t handler[] = {
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x60, 0x00,  /* mov rax, [DATA] */
        0x48, 0x89, 0x3c, 0xc5, 0x08, 0x00, 0x60, 0x00,  /* mov [DATA + 8 + rax*8], rdi */
        0x48, 0xff, 0x04, 0x25, 0x00, 0x00, 0x60, 0x00,  /* inc qword [DATA] */
        0xc3,                                            /* ret */
    };
    static const uint8_t restorer[] = {0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05}, spin[] = {0xeb, 0xfe};
    assert_int_equal(mem_poke(&e.mem, HANDLER, handler, sizeof(handler)), 0);
    assert_int_equal(mem_poke(&e.mem, RESTORER, restorer, sizeof(restorer)), 0);
    assert_int_equal(mem_poke(&e.mem, SPIN, spin, sizeof(spin)), 0);
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

static void install(int sig, uint64_t flags, uint64_t mask)
{
    e.sigactions[sig] = (struct guest_sigaction){HANDLER, LINUX_SA_SIGINFO | LINUX_SA_RESTORER | flags,
                                                 RESTORER, mask & ALL_BUT_KILL_STOP};
}

static struct thread *second_thread(void)
{
    struct thread *u = thread_new(&e);
    u->cpu.rip = SPIN;
    u->cpu.gpr[RSP] = STACK_TOP - 0x8000;
    return u;
}

/* Runs th's handlers (each returning through rt_sigreturn, after which dispatch delivers
 * what became deliverable) until th spins; returns how many handlers ran, order in out. */
static int run_handlers(struct thread *th, int out[16])
{
    uint64_t zero = 0;
    assert_int_equal(mem_copy_to(&e.mem, DATA, &zero, 8), 0);
    e.current = th;
    for (int k = 0; k < 400 && th->cpu.rip != SPIN; k++)
        assert_int_not_equal(run_step(&e, th, 1), STOP_FAULT);
    assert_int_equal(th->cpu.rip, SPIN);
    uint64_t n, v;
    assert_int_equal(mem_copy_from(&e.mem, &n, DATA, 8), 0);
    for (uint64_t k = 0; k < n && k < 16; k++) {
        assert_int_equal(mem_copy_from(&e.mem, &v, DATA + 8 + 8 * k, 8), 0);
        out[k] = (int)v;
    }
    return (int)n;
}

/* ---- native: the kernel's order, measured in this process ------------------------------------ */

/* Written by the handler: volatile, so the compiler reads them after sigprocmask. */
static volatile sig_atomic_t native_order[16], native_n;

static void native_record(int sig, siginfo_t *si, void *uc)
{
    if (native_n < 16)
        native_order[native_n++] = sig;
}

/* Blocks `sigs`, sends them (thread-directed with tgkill, or process-directed with kill when
 * procdir has the bit), unblocks them all at once, and returns the order handlers ran in. */
static int native_delivery(const int *sigs, int n, uint64_t procdir, int full_mask, int out[16])
{
    struct sigaction sa, old[65];
    sigset_t set, prev;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = native_record;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    if (full_mask)
        sigfillset(&sa.sa_mask);
    sigemptyset(&set);
    for (int k = 0; k < n; k++) {
        sigaction(sigs[k], &sa, &old[sigs[k]]);
        sigaddset(&set, sigs[k]);
    }
    sigprocmask(SIG_BLOCK, &set, &prev);
    for (int k = 0; k < n; k++) {
        if (procdir & bit(sigs[k]))
            kill(getpid(), sigs[k]);
        else
            syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sigs[k]);
    }
    native_n = 0;
    sigprocmask(SIG_SETMASK, &prev, NULL);
    for (int k = 0; k < n; k++)
        sigaction(sigs[k], &old[sigs[k]], NULL);
    for (int k = 0; k < 16; k++)
        out[k] = native_order[k];
    return native_n;
}

/* The same in the guest: sig_post while blocked, then the mask cleared and sig_deliver, as
 * dispatch does on the way out of rt_sigprocmask. */
static int guest_delivery(const int *sigs, int n, uint64_t procdir, int full_mask, int out[16])
{
    t->sigmask = 0;
    for (int k = 0; k < n; k++) {
        install(sigs[k], LINUX_SA_RESTART, full_mask ? ~0ull : 0);
        t->sigmask |= bit(sigs[k]);
    }
    for (int k = 0; k < n; k++)
        sig_post(&e, procdir & bit(sigs[k]) ? NULL : t, sigs[k]);
    t->sigmask = 0;
    sig_deliver(&e, t);
    return run_handlers(t, out);
}

static void compare_order(const int *sigs, int n, uint64_t procdir, int full_mask, const int *want)
{
    int nat[16], gst[16];
    int nn = native_delivery(sigs, n, procdir, full_mask, nat);
    int gn = guest_delivery(sigs, n, procdir, full_mask, gst);
    assert_int_equal(nn, n);
    assert_int_equal(gn, n);
    for (int k = 0; k < n; k++) {
        assert_int_equal(nat[k], want[k]);
        assert_int_equal(gst[k], nat[k]);
    }
}

static void test_order_lowest_first_handlers_run_after_sigreturn_with_full_mask(void **s)
{
    compare_order((int[]){SIGTERM, SIGUSR2, SIGUSR1}, 3, 0, 1, (int[]){SIGUSR1, SIGUSR2, SIGTERM});
}

static void test_order_with_empty_mask_frames_nest_so_highest_runs_first(void **s)
{
    /* 10 is set up first, 12 and 15 nest on top of it: 15's handler runs first. */
    compare_order((int[]){SIGTERM, SIGUSR2, SIGUSR1}, 3, 0, 0, (int[]){SIGTERM, SIGUSR2, SIGUSR1});
}

static void test_order_synchronous_signals_first(void **s)
{
    compare_order((int[]){SIGUSR2, SIGUSR1, SIGSEGV, SIGCHLD}, 4, 0, 1,
                  (int[]){SIGSEGV, SIGUSR1, SIGUSR2, SIGCHLD});
}

static void test_order_thread_directed_before_process_directed(void **s)
{
    compare_order((int[]){SIGUSR1, SIGTERM}, 2, bit(SIGUSR1), 1, (int[]){SIGTERM, SIGUSR1});
}

/* ---- masks and pending sets ------------------------------------------------------------------- */

static void test_blocked_signal_stays_pending_until_unblocked(void **s)
{
    install(SIGUSR1, 0, ~0ull);
    t->sigmask = bit(SIGUSR1);
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(t->sigpending, bit(SIGUSR1));
    assert_false(sig_wants_wake(&e, t));
    assert_int_equal(sig_deliver(&e, t), 0);
    assert_int_equal(t->sigpending, bit(SIGUSR1));
    assert_int_equal(t->cpu.rip, SPIN);
    t->sigmask = 0;
    assert_true(sig_wants_wake(&e, t));
    assert_int_equal(sig_deliver(&e, t), 1);
    assert_int_equal(t->sigpending, 0);
    assert_int_equal(t->cpu.rip, HANDLER);
}

static void test_standard_signal_pending_twice_is_delivered_once(void **s)
{
    int order[16];
    install(SIGUSR1, 0, 0);
    t->sigmask = bit(SIGUSR1);
    sig_post(&e, t, SIGUSR1);
    sig_post(&e, t, SIGUSR1);
    t->sigmask = 0;
    sig_deliver(&e, t);
    assert_int_equal(run_handlers(t, order), 1);
}

static void test_kill_and_stop_cannot_be_blocked_by_sigprocmask_or_sa_mask(void **s)
{
    install(SIGUSR1, 0, ~0ull);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(t->sigmask & (bit(SIGKILL) | bit(SIGSTOP)), 0);
    assert_int_equal(e.sigactions[SIGUSR1].mask & (bit(SIGKILL) | bit(SIGSTOP)), 0);
}

static void test_handler_blocks_its_own_signal_unless_sa_nodefer(void **s)
{
    install(SIGUSR1, 0, 0);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(t->sigmask, bit(SIGUSR1));
    teardown(s);
    setup(s);
    install(SIGUSR1, LINUX_SA_NODEFER, bit(SIGUSR2));
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(t->sigmask, bit(SIGUSR2));
}

static void test_sa_nodefer_lets_the_signal_nest_in_its_own_handler(void **s)
{
    install(SIGUSR1, LINUX_SA_NODEFER, 0);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    uint64_t first = t->cpu.gpr[RSP];
    sig_post(&e, t, SIGUSR1);
    assert_true(sig_wants_wake(&e, t));
    sig_deliver(&e, t);
    assert_true(t->cpu.gpr[RSP] < first);
}

static void test_sa_resethand_restores_default_after_one_delivery(void **s)
{
    /* Measured: the handler still runs with its signal blocked (SA_RESETHAND does not imply
     * SA_NODEFER), and only the handler is reset, not the flags. */
    install(SIGUSR1, LINUX_SA_RESETHAND, 0);
    uint64_t flags = e.sigactions[SIGUSR1].flags;
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(sig_deliver(&e, t), 1);
    assert_int_equal(e.sigactions[SIGUSR1].handler, LINUX_SIG_DFL);
    assert_int_equal(e.sigactions[SIGUSR1].flags, flags);
    assert_int_equal(t->sigmask, bit(SIGUSR1));
}

static void test_tgkill_targets_one_thread(void **s)
{
    struct thread *u = second_thread();
    install(SIGUSR1, 0, 0);
    const uint64_t a[6] = {1000, (uint64_t)u->tid, SIGUSR1};
    assert_int_equal(sys_tgkill(&e, t, a), 0);
    assert_int_equal(u->sigpending, bit(SIGUSR1));
    assert_int_equal(t->sigpending, 0);
    assert_int_equal(e.sigpending, 0);
    assert_false(sig_wants_wake(&e, t));
    assert_true(sig_wants_wake(&e, u));
    assert_int_equal(sig_deliver(&e, t), 0);
    assert_int_equal(sig_deliver(&e, u), 1);
    assert_int_equal(u->cpu.rip, HANDLER);
    assert_int_equal(u->cpu.gpr[RDI], SIGUSR1);
    const uint64_t bad[6] = {1000, 4242, SIGUSR1};
    assert_int_equal(sys_tgkill(&e, t, bad), -ESRCH);
}

static void test_kill_is_process_directed_and_taken_by_the_main_thread(void **s)
{
    struct thread *u = second_thread();
    install(SIGUSR1, 0, 0);
    const uint64_t a[6] = {1000, SIGUSR1};
    assert_int_equal(sys_kill(&e, u, a), 0);
    assert_int_equal(e.sigpending, bit(SIGUSR1));
    assert_int_equal(u->sigpending | t->sigpending, 0);
    /* complete_signal prefers the main thread when it does not block the signal. */
    assert_false(sig_wants_wake(&e, u));
    assert_true(sig_wants_wake(&e, t));
    assert_int_equal(sig_deliver(&e, t), 1);
    assert_int_equal(e.sigpending, 0);
}

static void test_kill_goes_to_another_thread_when_the_main_thread_blocks_it(void **s)
{
    struct thread *u = second_thread();
    install(SIGUSR1, 0, 0);
    t->sigmask = bit(SIGUSR1);
    sig_post(&e, NULL, SIGUSR1);
    assert_false(sig_wants_wake(&e, t));
    assert_true(sig_wants_wake(&e, u));
    assert_int_equal(sig_deliver(&e, u), 1);
    /* Blocked everywhere: it waits in the process set. */
    sig_post(&e, NULL, SIGUSR1);   /* u now blocks it inside its handler */
    assert_false(sig_wants_wake(&e, t));
    assert_false(sig_wants_wake(&e, u));
    assert_int_equal(e.sigpending, bit(SIGUSR1));
}

static void test_ignored_signal_is_discarded_unless_blocked(void **s)
{
    e.sigactions[SIGUSR1].handler = LINUX_SIG_IGN;
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(t->sigpending, 0);
    sig_post(&e, t, SIGCHLD);           /* default action: ignore */
    assert_int_equal(t->sigpending, 0);
    t->sigmask = bit(SIGUSR1);
    sig_post(&e, t, SIGUSR1);           /* blocked: kept, the disposition may change */
    assert_int_equal(t->sigpending, bit(SIGUSR1));
    t->sigmask = 0;
    assert_int_equal(sig_deliver(&e, t), 0);   /* still ignored when delivered */
    assert_int_equal(t->sigpending, 0);
    assert_int_equal(t->cpu.rip, SPIN);
}

static void test_siginfo_of_kill_and_tgkill(void **s)
{
    install(SIGUSR1, 0, 0);
    install(SIGUSR2, 0, 0);
    sig_post(&e, NULL, SIGUSR1);
    sig_deliver(&e, t);
    int32_t si[4];
    assert_int_equal(mem_copy_from(&e.mem, si, t->cpu.gpr[RSI], 16), 0);
    assert_int_equal(si[0], SIGUSR1);
    assert_int_equal(si[2], SI_USER);
    t->sigmask = 0;
    sig_post(&e, t, SIGUSR2);
    sig_deliver(&e, t);
    int32_t si2[6];
    assert_int_equal(mem_copy_from(&e.mem, si2, t->cpu.gpr[RSI], 24), 0);
    assert_int_equal(si2[0], SIGUSR2);
    assert_int_equal(si2[2], SI_TKILL);
    assert_int_equal(si2[4], 1000);                  /* si_pid */
    assert_int_equal((uint32_t)si2[5], emu_guest_id(&e, getuid()));    /* si_uid */
}

static void test_stop_signal_cancels_pending_sigcont_and_back(void **s)
{
    install(SIGCONT, 0, 0);
    t->sigmask = bit(SIGCONT) | bit(SIGTSTP);
    sig_post(&e, NULL, SIGCONT);
    assert_int_equal(e.sigpending, bit(SIGCONT));
    sig_post(&e, NULL, SIGTSTP);
    assert_int_equal(e.sigpending, bit(SIGTSTP));
    sig_post(&e, t, SIGCONT);
    assert_int_equal(e.sigpending, 0);
    assert_int_equal(t->sigpending, bit(SIGCONT));
}

/* ---- syscalls interrupted by a handler ---------------------------------------------------------- */

/* The thread sits in a syscall at CODE (SYSCALL at CODE, rip after it), blocked as kind. */
static void block_in_syscall(enum block_kind kind, unsigned nr, int64_t deadline)
{
    t->cpu.rip = CODE + 2;
    t->cpu.gpr[RAX] = nr;
    sched_block(t, kind, deadline);   /* BLOCK_FD moves rip back onto the SYSCALL */
    if (kind != BLOCK_FD)
        t->cpu.gpr[RAX] = 0;          /* what dispatch wrote as the wait's result */
}

static uint64_t saved_reg(int greg_index)
{
    uint64_t v;
    assert_int_equal(mem_copy_from(&e.mem, &v, t->cpu.gpr[RDX] + 40 + 8 * (uint64_t)greg_index, 8), 0);
    return v;
}
#define SAVED_RAX saved_reg(13)
#define SAVED_RIP saved_reg(16)

static void test_read_is_restarted_with_sa_restart_and_eintr_without(void **s)
{
    install(SIGUSR1, LINUX_SA_RESTART, 0);
    block_in_syscall(BLOCK_FD, 0 /* read */, -1);
    sig_post(&e, t, SIGUSR1);
    assert_int_equal(sig_deliver(&e, t), 1);
    assert_int_equal(t->state, THREAD_RUNNABLE);
    assert_int_equal(SAVED_RIP, CODE);      /* back on the SYSCALL */
    assert_int_equal(SAVED_RAX, 0);         /* read's number */

    install(SIGUSR2, 0, 0);
    t->cpu.gpr[RSP] = STACK_TOP - 0x1000;
    t->sigmask = 0;
    block_in_syscall(BLOCK_FD, 0, -1);
    sig_post(&e, t, SIGUSR2);
    sig_deliver(&e, t);
    assert_int_equal(SAVED_RIP, CODE + 2);
    assert_int_equal(SAVED_RAX, (uint64_t)-EINTR);
}

static void test_epoll_wait_is_never_restarted(void **s)
{
    install(SIGUSR1, LINUX_SA_RESTART, 0);
    block_in_syscall(BLOCK_FD, 232, -1);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(SAVED_RIP, CODE + 2);
    assert_int_equal(SAVED_RAX, (uint64_t)-EINTR);
}

static void test_futex_wait_restarts_only_without_timeout(void **s)
{
    install(SIGUSR1, LINUX_SA_RESTART, 0);
    block_in_syscall(BLOCK_FUTEX, 202, -1);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(SAVED_RIP, CODE);
    assert_int_equal(SAVED_RAX, 202);

    t->cpu.gpr[RSP] = STACK_TOP - 0x1000;
    t->sigmask = 0;
    block_in_syscall(BLOCK_FUTEX, 202, emu_monotonic_ns(&e) + 1000000000);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(SAVED_RIP, CODE + 2);
    assert_int_equal(SAVED_RAX, (uint64_t)-EINTR);
}

static void test_nanosleep_is_eintr_even_with_sa_restart(void **s)
{
    install(SIGUSR1, LINUX_SA_RESTART, 0);
    block_in_syscall(BLOCK_SLEEP, 35, emu_monotonic_ns(&e) + 1000000000);
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
    assert_int_equal(SAVED_RIP, CODE + 2);
    assert_int_equal(SAVED_RAX, (uint64_t)-EINTR);
    assert_int_equal(t->deadline_ns, -1);
}

static void test_ignored_signal_does_not_interrupt_a_wait(void **s)
{
    e.sigactions[SIGURG].handler = LINUX_SIG_DFL;   /* default: ignore */
    t->sigmask = bit(SIGURG);
    block_in_syscall(BLOCK_FUTEX, 202, -1);
    sig_post(&e, t, SIGURG);
    t->sigmask = 0;
    sig_deliver(&e, t);
    assert_int_equal(t->state, THREAD_BLOCKED);
}

/* ---- death, in a child process -------------------------------------------------------------- */

/* Runs fn in a forked child (no core files) and returns its wait status. */
static int in_child(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        int devnull = open("/dev/null", 1);
        dup2(devnull, 2);   /* the fatal-fault diagnostic */
        fn();
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void assert_killed_by(int status, int sig)
{
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
}

static void child_sigkill_while_blocked(void)
{
    t->sigmask = ~0ull;
    sig_post(&e, t, SIGKILL);
}

static void child_sigterm_default(void)
{
    sig_post(&e, NULL, SIGTERM);
}

static void child_blocked_sigterm_kills_when_unblocked(void)
{
    t->sigmask = bit(SIGTERM);
    sig_post(&e, NULL, SIGTERM);
    if (e.sigpending != bit(SIGTERM))
        _exit(3);
    t->sigmask = 0;
    sig_deliver(&e, t);
}

/* A fault (mov eax, [0]) whose SIGSEGV the thread blocks: force_sig_fault kills. */
static void child_fault_while_blocked(void)
{
    static const uint8_t code[] = {0x8b, 0x04, 0x25, 0, 0, 0, 0};
    assert_int_equal(mem_poke(&e.mem, CODE, code, sizeof(code)), 0);
    install(SIGSEGV, 0, 0);
    t->sigmask = bit(SIGSEGV);
    t->cpu.rip = CODE;
    if (run_step(&e, t, 10) != STOP_FAULT)
        _exit(3);
    sig_deliver_fault(&e, t);
}

static void child_fault_while_ignored(void)
{
    static const uint8_t code[] = {0x0f, 0x0b};   /* ud2 */
    assert_int_equal(mem_poke(&e.mem, CODE, code, sizeof(code)), 0);
    e.sigactions[SIGILL].handler = LINUX_SIG_IGN;
    t->cpu.rip = CODE;
    if (run_step(&e, t, 10) != STOP_FAULT)
        _exit(3);
    sig_deliver_fault(&e, t);
}

/* No room for a frame (rsp in unmapped memory): force_sigsegv kills by SIGSEGV. */
static void child_frame_cannot_be_written(void)
{
    install(SIGUSR1, 0, 0);
    t->cpu.gpr[RSP] = 0x10000;
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
}

/* Without SA_RESTORER x86-64 Linux cannot build a frame either. */
static void child_no_sa_restorer(void)
{
    install(SIGUSR1, 0, 0);
    e.sigactions[SIGUSR1].flags &= ~(uint64_t)LINUX_SA_RESTORER;
    sig_post(&e, t, SIGUSR1);
    sig_deliver(&e, t);
}

static void test_sigkill_kills_even_when_everything_is_blocked(void **s)
{
    assert_killed_by(in_child(child_sigkill_while_blocked), SIGKILL);
}

static void test_default_action_terminates_at_generation(void **s)
{
    assert_killed_by(in_child(child_sigterm_default), SIGTERM);
    assert_killed_by(in_child(child_blocked_sigterm_kills_when_unblocked), SIGTERM);
}

static void test_fault_with_its_signal_blocked_or_ignored_kills(void **s)
{
    assert_killed_by(in_child(child_fault_while_blocked), SIGSEGV);
    assert_killed_by(in_child(child_fault_while_ignored), SIGILL);
}

static void test_unwritable_frame_kills_by_sigsegv(void **s)
{
    assert_killed_by(in_child(child_frame_cannot_be_written), SIGSEGV);
    assert_killed_by(in_child(child_no_sa_restorer), SIGSEGV);
}

/* ---- host signals ---------------------------------------------------------------------------- */

static void child_host_sigterm_with_default_action(void)
{
    sig_forward_host_signals(&e);
    kill(getpid(), SIGTERM);
    sig_poll_host(&e);   /* the guest's SIGTERM is SIG_DFL: goemu dies by SIGTERM */
}

static void test_host_sigterm_kills_a_guest_without_handler(void **s)
{
    assert_killed_by(in_child(child_host_sigterm_with_default_action), SIGTERM);
}

static void test_host_signal_is_queued_for_a_guest_handler(void **s)
{
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    install(SIGUSR2, 0, 0);
    sig_forward_host_signals(&e);
    kill(getpid(), SIGUSR2);
    sig_poll_host(&e);
    sigaction(SIGUSR2, &old, NULL);
    assert_int_equal(e.sigpending, bit(SIGUSR2));
    assert_int_equal(e.sigsrc[SIGUSR2].code, SI_USER);
    assert_int_equal(e.sigsrc[SIGUSR2].pid, getpid());
    assert_int_equal(sig_deliver(&e, t), 1);
    assert_int_equal(t->cpu.gpr[RDI], SIGUSR2);
}

/* goemu started with SIGHUP ignored and SIGUSR1 blocked (nohup, a shell's background job):
 * the guest starts so too, and a handler the guest installs makes goemu forward it again. */
static void child_inherits_ignored_and_blocked(void)
{
    signal(SIGHUP, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sig_forward_host_signals(&e);
    if (e.sigactions[SIGHUP].handler != LINUX_SIG_IGN || e.sigactions[SIGINT].handler != 0)
        _exit(3);
    if (t->sigmask != bit(SIGUSR1))
        _exit(4);
    sigprocmask(SIG_SETMASK, NULL, &set);
    if (sigismember(&set, SIGUSR1))
        _exit(5);   /* goemu itself must see it; the guest's mask blocks it */
    struct linux_sigaction act = {HANDLER, LINUX_SA_SIGINFO | LINUX_SA_RESTORER, RESTORER, 0};
    if (mem_copy_to(&e.mem, DATA, &act, sizeof(act)))
        _exit(6);
    const uint64_t a[6] = {SIGHUP, DATA, 0, 8};
    if (sys_rt_sigaction(&e, t, a) != 0)
        _exit(7);
    struct sigaction now;
    sigaction(SIGHUP, NULL, &now);
    if (now.sa_handler == SIG_IGN)
        _exit(8);
    kill(getpid(), SIGHUP);
    sig_poll_host(&e);
    _exit(e.sigpending == bit(SIGHUP) ? 0 : 9);
}

static void test_guest_inherits_ignored_and_blocked_signals_from_goemus_parent(void **s)
{
    int status = in_child(child_inherits_ignored_and_blocked);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_idle_wait_ends_when_a_host_signal_arrives(void **s)
{
    struct sigaction old;
    sigaction(SIGALRM, NULL, &old);
    install(SIGALRM, 0, 0);
    sig_forward_host_signals(&e);
    struct itimerval it = {{0, 0}, {0, 50000}};   /* SIGALRM in 50 ms */
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = sig_host_ppoll(NULL, 0, -1);          /* no fd, no timeout: only a signal ends it */
    int err = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r, -1);
    assert_int_equal(err, EINTR);
    assert_true(t1.tv_sec - t0.tv_sec < 5);
    /* Already arrived: the next wait does not sleep at all. */
    assert_int_equal(sig_host_ppoll(NULL, 0, -1), 0);
    sig_poll_host(&e);
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(e.sigpending, bit(SIGALRM));
    assert_int_equal(e.sigsrc[SIGALRM].code, SI_KERNEL);   /* a timer, from the kernel */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_order_lowest_first_handlers_run_after_sigreturn_with_full_mask),
        T(test_order_with_empty_mask_frames_nest_so_highest_runs_first),
        T(test_order_synchronous_signals_first),
        T(test_order_thread_directed_before_process_directed),
        T(test_blocked_signal_stays_pending_until_unblocked),
        T(test_standard_signal_pending_twice_is_delivered_once),
        T(test_kill_and_stop_cannot_be_blocked_by_sigprocmask_or_sa_mask),
        T(test_handler_blocks_its_own_signal_unless_sa_nodefer),
        T(test_sa_nodefer_lets_the_signal_nest_in_its_own_handler),
        T(test_sa_resethand_restores_default_after_one_delivery),
        T(test_tgkill_targets_one_thread),
        T(test_kill_is_process_directed_and_taken_by_the_main_thread),
        T(test_kill_goes_to_another_thread_when_the_main_thread_blocks_it),
        T(test_ignored_signal_is_discarded_unless_blocked),
        T(test_siginfo_of_kill_and_tgkill),
        T(test_stop_signal_cancels_pending_sigcont_and_back),
        T(test_read_is_restarted_with_sa_restart_and_eintr_without),
        T(test_epoll_wait_is_never_restarted),
        T(test_futex_wait_restarts_only_without_timeout),
        T(test_nanosleep_is_eintr_even_with_sa_restart),
        T(test_ignored_signal_does_not_interrupt_a_wait),
        T(test_sigkill_kills_even_when_everything_is_blocked),
        T(test_default_action_terminates_at_generation),
        T(test_fault_with_its_signal_blocked_or_ignored_kills),
        T(test_unwritable_frame_kills_by_sigsegv),
        T(test_host_sigterm_kills_a_guest_without_handler),
        T(test_host_signal_is_queued_for_a_guest_handler),
        T(test_idle_wait_ends_when_a_host_signal_arrives),
        T(test_guest_inherits_ignored_and_blocked_signals_from_goemus_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
