/* process.h — one emulated Linux process: its address space, guest threads, signal
 * dispositions, loaded image and options, and the services the syscalls build on: threads,
 * blocking and waking (sched.c), clocks and ids (process.c). Signals: proc/signal.h. The run
 * loop that drives all of it is src/run.c. */
#ifndef GOEMU_PROC_PROCESS_H
#define GOEMU_PROC_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "mem/uaccess.h"

struct symtab;
struct trace;

/* Why a blocked thread waits and what wakes it (thread.block). */
enum block_kind {
    BLOCK_NONE,
    BLOCK_FUTEX,   /* futex(WAIT): woken by FUTEX_WAKE on addr (rax=0) or deadline (-ETIMEDOUT) */
    BLOCK_SLEEP,   /* nanosleep: deadline (rax=0) */
    BLOCK_FD,      /* fd not ready: when fd polls ready for events, the SYSCALL is re-executed;
                      at the deadline (if any) rax = timeout_result */
};

enum thread_state { THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_EXITED };

/* A thread's alternate signal stack as Linux keeps it (sas_ss_sp/size/flags): flags are what
 * sigaltstack was given (SS_AUTODISARM, or SS_DISABLE after a reset); size 0 = none. */
struct guest_sigaltstack {
    uint64_t sp;
    int32_t flags;
    uint64_t size;
};

/* Who generated a pending standard signal: the siginfo fields it is delivered with. */
struct sig_source {
    int32_t code;    /* si_code: SI_USER, SI_TKILL, SI_KERNEL, CLD_EXITED... */
    int32_t pid;     /* si_pid */
    uint32_t uid;    /* si_uid */
    int32_t status;  /* si_status (SIGCHLD) */
};

struct thread {
    struct cpu cpu;         /* first: thread_of() finds the thread from its cpu */
    struct emu *emu;
    int tid;
    enum thread_state state;
    int yield;              /* a syscall gave up the rest of the quantum (sched_yield) */
    void *trace;            /* startup-trace state of this thread (src/trace), NULL when off */

    enum block_kind block;
    uint64_t futex_addr;
    int64_t deadline_ns;    /* CLOCK_MONOTONIC of the scheduler; -1 = none */
    int wait_fd;
    short wait_events;
    int64_t timeout_result; /* rax when the deadline passes */
    uint64_t wait_seq;      /* order of blocking, so futex wakes are first-come first-served */

    uint64_t sigmask;       /* blocked signals, bit (n-1) for signal n */
    uint64_t sigpending;    /* thread-directed pending signals */
    struct sig_source sigsrc[65];  /* siginfo of each thread-pending signal */
    struct guest_sigaltstack altstack;
    /* The last exception's trap number, error code and page-fault address: Linux keeps them
     * per thread and writes them into every signal frame, faults or not (thread.trap_nr,
     * error_code, cr2: __unsafe_setup_sigcontext in arch/x86/kernel/signal_64.c). */
    int32_t trap_nr, trap_err;
    uint64_t trap_cr2;
    uint64_t clear_child_tid;

    struct thread *next;    /* in emu.threads, creation order */
};

/* Kernel-layout struct sigaction as Go passes it (sigactiont, runtime/defs_linux_amd64.go). */
struct guest_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct emu_options {
    int ncpus;             /* what sched_getaffinity reports (--cpus, default 1) */
    int tier;              /* enum cpu_tier (--tier) */
    int deterministic;     /* virtual clock, fixed pid/tids/random (--deterministic) */
    uint64_t seed;         /* AT_RANDOM / getrandom stream in deterministic mode */
    uint64_t quantum;      /* instructions per scheduling slice */
    int strace;            /* --strace: log syscalls to stderr */
};

struct emu {
    struct mem mem;
    struct emu_options opt;
    struct thread *threads;     /* all threads, creation order */
    struct thread *current;
    int nthreads_live;
    int next_tid;
    int pid;
    int ppid;   /* --deterministic, in a forked child: the parent's pid (else getppid shows 1) */

    struct guest_sigaction sigactions[65];  /* index = signal number */
    uint64_t sigpending;                    /* process-directed pending signals */
    struct sig_source sigsrc[65];           /* siginfo of each process-pending signal */

    const char *exe_path;      /* guest program path as given (AT_EXECFN, /proc/self/exe) */
    char *exe_realpath;        /* absolute path for readlink("/proc/self/exe") */
    uint64_t entry, phdr_addr, load_bias;
    unsigned phnum;
    uint64_t brk_start, brk_cur;
    struct symtab *syms;
    struct trace *trace;       /* --trace-startup (src/trace/trace.h); NULL when off */

    /* goemu itself, for execve of another static x86-64 binary (sys_process.c): the host path
     * of the goemu executable and the options it was started with (NULL-terminated, without
     * --argv0). self_exe NULL: such a target is run by the host instead. */
    const char *self_exe;
    char **self_opts;

    int exited;                /* exit_group called or killed */
    int exit_status;           /* the process's status as a shell reports it */

    uint64_t rand_state;       /* deterministic getrandom stream */
    uint64_t total_icount;     /* instructions retired by all threads, up to the last quantum */
    uint64_t quantum_start;    /* current thread's icount when its quantum began */
    int64_t virt_skip_ns;      /* deterministic clock: time skipped while all threads slept */
    uint64_t wait_seq;
};

_Static_assert(offsetof(struct thread, cpu) == 0, "thread_of needs cpu first");

/* The thread whose CPU c is (every CPU a process runs is a thread's). */
static inline struct thread *thread_of(struct cpu *c) { return (struct thread *)c; }

/* The CPU hooks of a process's threads: RDTSC follows the guest's monotonic clock. */
extern const struct cpu_hooks process_cpu_hooks;
/* RDTSC for a thread's CPU: a 1 GHz counter from emu_monotonic_ns. */
uint64_t process_tsc(struct cpu *c);

/* A user or group id as the guest sees it: the host's, or the fixed 1000 of a
 * --deterministic run, whose stack, syscalls and trace must not depend on who runs it. */
unsigned emu_guest_id(const struct emu *e, unsigned host_id);

/* Frees what a process owns: its threads, decoded blocks, address space, symbols. The
 * struct itself and its path strings (exe_path, exe_realpath) are the caller's. */
void emu_destroy(struct emu *e);

/* Monotonic nanoseconds as the guest sees them (virtual in deterministic mode). Never 0. */
int64_t emu_monotonic_ns(struct emu *e);
/* Wall-clock nanoseconds since the epoch as the guest sees them. */
int64_t emu_realtime_ns(struct emu *e);

/* Threads (thread.c). */
struct thread *thread_new(struct emu *e);
void thread_exit(struct emu *e, struct thread *t);
/* The live thread with this tid, or NULL. */
struct thread *thread_find(struct emu *e, int tid);
/* Frees exited threads other than e->current. */
void thread_reap(struct emu *e);

/* Blocking and waking (sched.c). */
void sched_block(struct thread *t, enum block_kind kind, int64_t deadline_ns);
int sched_futex_wake(struct emu *e, uint64_t addr, int count);
/* The next runnable thread after `after` (round robin, creation order), or NULL. */
struct thread *sched_next_runnable(struct emu *e, struct thread *after);
/* Wakes threads whose deadline passed, whose fd is ready, or that a signal interrupts;
 * looks at fds without waiting. Returns how many were woken. */
int sched_poll(struct emu *e);
/* Every live thread is blocked: sleeps (or, deterministic, skips virtual time) until the
 * earliest deadline, an fd or a host signal wakes one. */
void sched_wait_idle(struct emu *e);

/* Terminates the process as if killed by signal signo (status 128+signo), printing what
 * Linux/bash would. */
_Noreturn void emu_die_signal(struct emu *e, int signo);

#endif
