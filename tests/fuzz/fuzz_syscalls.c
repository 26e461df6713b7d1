/* fuzz_syscalls.c — libFuzzer target for the syscall layer: the input is a sequence of
 * syscalls run through sys_dispatch on a fresh process (the tests/unit/sys_test.h fixture:
 * struct emu, mem_init, thread_new, a read-write scratch area), from a scratch working
 * directory. The invariants: no crash, no sanitizer report or leak, every result a valid
 * return (>= 0, or -errno in [-4095, -1]) that rax holds, a blocked thread's rip back on the
 * SYSCALL, a runnable thread without a block reason.
 *
 * Input format (little-endian), repeated until the input ends or MAX_CALLS calls ran:
 *   u16 nr            syscall number (mod 512); a number goemu has no row for, or one the
 *                     target must not run (forbidden()), picks allowed[nr % nallowed]
 *   u8  sel[6]        one selector per argument register (rdi rsi rdx r10 r8 r9):
 *                       sel < NVALS          values[sel]: small ints, fds 0-5, AT_FDCWD,
 *                                            scratch addresses, its end, unmapped and
 *                                            kernel addresses, huge lengths, common flags
 *                       sel < NVALS+NPATHS   a guest pointer to path string sel-NVALS
 *                       0xfe                 the next 4 input bytes, zero-extended
 *                       0xff                 the next 8 input bytes
 *                       else                 SCRATCH + (sel * 64) % SCRATCH_SIZE
 * A record whose nr is 0xffff is a poke instead: u8 len, u16 offset, then len bytes copied
 * into the scratch area at offset (mod its size): how the input builds structs in memory.
 *
 * What the host sees: the target is a real process running real host syscalls, so it only
 * lets through what cannot end, replace, block or escape it (forbidden(), sanitize(),
 * defuse_signals(), may_block_host()): path arguments always point at a fixed table of names
 * (relative ones, and goemu's virtual /proc/self entries), never at bytes the input or a
 * syscall wrote; fds 0-2 are files in the scratch directory during a run and libFuzzer's own
 * fds are parked out of reach; every fd the run opened is closed after it, the working
 * directory, umask and the fuzzer's fds are restored and the scratch directory emptied.
 * docs/fuzzing.md lists every rule and why. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "cpu/cpu.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "syscalls/syscalls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* Sanitizer runtime (weak: absent in a plain replay build). */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

#define SCRATCH 0x100000ull               /* 16 read-write pages, as in sys_test.h */
#define SCRATCH_SIZE (16 * 4096ull)
#define PATHS 0x200000ull                 /* read-only page(s) of NUL-terminated names */
#define PATHS_SIZE (2 * 4096ull)
#define BRK_START 0x300000ull
#define MAX_CALLS 64
#define FD_SAVE_BASE 900                  /* where the fuzzer's own fds 0-2 wait */
#define FD_SAVE_LIMIT 1000                /* ... and its other fds, above them */

static const uint64_t values[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 64, 255, 4096, 0x7fffffff, 0x80000000, 0xffffffff,
    (uint64_t)-1, (uint64_t)-100, 0xffffff9cull /* AT_FDCWD as Go passes it */, 0x100000000ull,
    SCRATCH, SCRATCH + 8, SCRATCH + 0x800, SCRATCH + 0x1000, SCRATCH + SCRATCH_SIZE - 8,
    SCRATCH + SCRATCH_SIZE - 1, SCRATCH + SCRATCH_SIZE /* end: unmapped */, SCRATCH - 8,
    0x1000, 0x7fffffffe000ull, 1ull << 47, 0xffff800000000000ull, SCRATCH_SIZE,
    SCRATCH_SIZE + 1, 1ull << 32, 1ull << 40, 0x7fffffffffffffffull, (uint64_t)-4096,
    /* flags worth having without luck */
    0x42 /* O_RDWR|O_CREAT */, 0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, 0x10000 /* O_DIRECTORY */,
    0x800 /* O_NONBLOCK */, 0x80000 /* O_CLOEXEC */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */,
    0x32 /* |MAP_FIXED */, 0x21 /* MAP_SHARED|MAP_ANONYMOUS */, 0x4022 /* |MAP_NORESERVE */,
    0x1ff, 0x1a4, 0x80 /* FUTEX_PRIVATE_FLAG */, 0x81 /* FUTEX_WAKE_PRIVATE */,
    BRK_START + 0x10000, 8 /* sigset size */, 10 /* SIGUSR1 */, 9 /* SIGKILL */, 1000000000,
};
#define NVALS (sizeof values / sizeof values[0])

/* Names the guest may pass as paths. No "..": with a symlink to "." it would leave the
 * scratch directory. No host device or file outside it: only goemu's virtual /proc/self. */
static const char *const paths[] = {
    "a", "b", "c", "c/d", "c/d/e", ".", "", "f.txt", "lnk", "sock",
    "/proc/self/maps", "/proc/self/exe", "/proc/self/fd", "/proc/self/mem", "/proc/self/status",
    "/proc/self/cwd", "/proc/self/fd/0", "/proc/self/stat", "/proc/self/auxv",
    "/nonexistent/x", "a/", "c/./d", "exe",
    NULL /* a 300-byte name: ENAMETOOLONG for a component */, NULL /* a 5000-byte path */,
};
#define NPATHS (sizeof paths / sizeof paths[0])
static uint64_t path_addr[NPATHS + 1]; /* + one unterminated string at the page end */

static int allowed_nrs[SYS_NR_MAX];
static int nallowed;
static int is_allowed[SYS_NR_MAX];
static char sandbox[128], exe_file[160];
static int saved_fd[3] = {-1, -1, -1};
static int keep_stderr;     /* GOEMU_FUZZ_STDERR=1: fd 2 stays the real stderr during a run */

/* Syscalls the target never runs, for the host process's sake (the reason in each case). */
static int forbidden(unsigned nr)
{
    switch (nr) {
    case 59: case 322:             /* execve, execveat: replace the process */
    case 60: case 231:             /* exit, exit_group: end it */
    case 435:                      /* clone3: the flags are in memory, could fork */
    case 434:                      /* pidfd_open: a pidfd for any host pid, then a signal */
    case 105: case 106: case 113: case 114: case 116: case 117: case 119:
                                   /* setuid & co pass through: would drop root for good */
    case 112: case 109:            /* setsid, setpgid: detach from libFuzzer's job control */
    case 160:                      /* setrlimit passes through (RLIMIT_NOFILE, AS, CORE...) */
    case 157:                      /* prctl: PR_SET_PDEATHSIG passes through */
    case 42: case 49:              /* connect, bind: sockaddrs from the input reach the host
                                      network and file system */
    case 46:                       /* sendmsg: msg_name is an address from the input */
        return 1;
    }
    return 0;
}

static void sanitize(struct emu *e, unsigned nr, uint64_t a[6])
{
    /* No argument may name the fuzzer's own saved fds (FD_SAVE_BASE and up), whatever the
     * syscall: guest fds are host fds, and an fchmod(900, 01) once turned the machine's
     * /dev/null (the fuzzer's stdin) into mode 0001 for every process. A value whose low 32
     * bits (what the kernel reads for an int fd) fall there becomes a low fd instead. */
    for (int k = 0; k < 6; k++) {
        uint32_t lo = (uint32_t)a[k];
        if (lo >= FD_SAVE_BASE && lo < FD_SAVE_LIMIT)
            a[k] = (a[k] & ~0xffffffffull) | (lo % 8);
    }
    switch (nr) {
    case 56:   /* clone: only CLONE_THREAD reaches clone_thread; never a fork or vfork */
        a[0] = (a[0] & ~0x4000ull /* CLONE_VFORK */) | 0x10900ull /* THREAD|SIGHAND|VM */;
        break;
    case 62:   /* kill: only this process (the others are host processes) */
        a[0] = (a[0] & 3) == 0 ? (uint64_t)e->pid : (a[0] & 3) == 1 ? 0 : (uint64_t)-e->pid;
        break;
    case 9:    /* mmap, mremap: a length in (4 GiB, 2^47) becomes 4 GiB. Known finding
                * (docs/fuzzing.md): /proc/self/status, stat, statm and smaps walk every page
                * of every mapping, so one huge PROT_NONE reservation makes each open take
                * minutes and libFuzzer stop on a timeout. */
        if (a[1] > (1ull << 32) && a[1] < (1ull << 47) && !getenv("GOEMU_FUZZ_HUGE_MAPS"))
            a[1] = 1ull << 32;
        break;
    case 25:
        if (a[2] > (1ull << 32) && a[2] < (1ull << 47) && !getenv("GOEMU_FUZZ_HUGE_MAPS"))
            a[2] = 1ull << 32;
        break;
    case 436:  /* close_range: never over the fuzzer's saved fds */
        if ((uint32_t)a[1] >= FD_SAVE_BASE)
            a[1] = (a[1] & ~0xffffffffull) | (FD_SAVE_BASE - 1);
        break;
    case 302:  /* prlimit64: this process, read only (a new limit passes to the host) */
        a[0] = 0;
        a[2] = 0;
        break;
    case 133:  /* mknod(path, mode, dev): only regular files (a FIFO blocks its open on the
                * host, a device node as root reaches the real device) */
        a[1] = (a[1] & 07777) | S_IFREG;
        a[2] = 0;
        break;
    case 259:  /* mknodat(dirfd, path, mode, dev) */
        a[2] = (a[2] & 07777) | S_IFREG;
        a[3] = 0;
        break;
    case 41:   /* socket: AF_UNIX only (AF_INET would reach the network) */
    case 53:   /* socketpair */
        a[0] = 1;
        break;
    case 44:   /* sendto: no destination address */
        a[4] = 0;
        a[5] = 0;
        break;
    }
}

/* goemu ends its own host process, by design, when the guest gets a signal whose action is
 * to terminate (emu_die_signal: raise() of the same signal, src/proc/process.c): kill(self,
 * SIGKILL), a SIG_DFL SIGPIPE from a write to a pipe without readers, a bad rt_sigreturn frame
 * with SIGSEGV ignored or blocked. The target keeps the guest in the state of a Go program
 * (a handler for every signal): before each call, every SIG_DFL whose default is not to
 * ignore becomes a handler again, SIGKILL and SIGSTOP are never sent, and rt_sigreturn runs
 * only when a bad frame would queue SIGSEGV rather than kill. */
#define FAKE_HANDLER 0x401000ull

static void defuse_signals(struct emu *e)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++)
        if (sig != LINUX_SIGKILL && sig != LINUX_SIGSTOP &&
            e->sigactions[sig].handler == LINUX_SIG_DFL &&
            sig_default_action(sig) != SIGDFL_IGNORE)
            e->sigactions[sig].handler = FAKE_HANDLER;
}

static int fatal_signal(struct emu *e, struct thread *t, unsigned nr, uint64_t a[6])
{
    int i = nr == 62 || nr == 200 || nr == 424 ? 1 : nr == 234 ? 2 : -1;
    if (i >= 0 && ((uint32_t)a[i] == LINUX_SIGKILL || (uint32_t)a[i] == LINUX_SIGSTOP))
        a[i] = 0;
    if (nr == 15) {
        uint64_t h = e->sigactions[LINUX_SIGSEGV].handler;
        return h == LINUX_SIG_DFL || h == LINUX_SIG_IGN ||
               (t->sigmask & sig_bit(LINUX_SIGSEGV));
    }
    return 0;
}

/* sendfile and splice call the host with no readiness check (sys_fsmeta.c: "a blocking
 * splice stays host-blocking"): run them only when no fd could block. */
static int may_block_host(unsigned nr, const uint64_t a[6])
{
    int fds[2];
    if (nr == 40)
        fds[0] = (int)a[0], fds[1] = (int)a[1];
    else if (nr == 275)
        fds[0] = (int)a[0], fds[1] = (int)a[2];
    else
        return 0;
    for (int i = 0; i < 2; i++) {
        struct stat st;
        int fl = fcntl(fds[i], F_GETFL);
        if (fl < 0 || fstat(fds[i], &st) != 0)
            continue;   /* EBADF: the host fails fast */
        if (!S_ISREG(st.st_mode) && !(fl & O_NONBLOCK))
            return 1;
    }
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type;
    if (ftw->level > 0)
        remove(p);
    return 0;
}

static void empty_sandbox(void)
{
    nftw(sandbox, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_sandbox(void)
{
    empty_sandbox();
    rmdir(sandbox);
    unlink(exe_file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    keep_stderr = getenv("GOEMU_FUZZ_STDERR") && atoi(getenv("GOEMU_FUZZ_STDERR"));
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(sandbox, sizeof sandbox, "%s/goemu-fuzz-sys-XXXXXX", tmp);
    if (!mkdtemp(sandbox)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(exe_file, sizeof exe_file, "%s.exe", sandbox);  /* beside, not inside */
    int fd = open(exe_file, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd >= 0)
        close(fd);
    atexit(remove_sandbox);
    /* As goemu's main does (hostsig.c): a write to a pipe without readers is -EPIPE for the
     * guest (and a SIGPIPE posted to it), never the host's SIGPIPE, which would end the
     * fuzzer without a word. */
    signal(SIGPIPE, SIG_IGN);
    for (unsigned nr = 0; nr < SYS_NR_MAX; nr++) {
        const char *name, *fmt;
        if (sys_lookup(nr, &name, &fmt) && !forbidden(nr)) {
            allowed_nrs[nallowed++] = (int)nr;
            is_allowed[nr] = 1;
        }
    }
    for (int i = 0; i < 3; i++) {
        saved_fd[i] = fcntl(i, F_DUPFD_CLOEXEC, FD_SAVE_BASE + i);
        if (saved_fd[i] < 0) {
            perror("fuzz_syscalls: fd 0-2 must be open");
            abort();
        }
    }
    /* Sanitizer reports go to the real stderr even while fd 2 is a scratch file. */
    if (__sanitizer_set_report_fd)
        __sanitizer_set_report_fd((void *)(intptr_t)saved_fd[2]);
    return 0;
}

static void redirect_stdio(void)
{
    static const char *const names[3] = {"stdin", "stdout", "stderr"};
    for (int i = 0; i < (keep_stderr ? 2 : 3); i++) {
        int fd = open(names[i], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, i) < 0)
            abort();
        if (fd != i)
            close(fd);
    }
}

/* The fuzzer's own fds other than 0-2 (a -merge control file, a symbolizer pipe): moved to
 * [FD_SAVE_BASE + 3, FD_SAVE_LIMIT) for the run, out of the guest's reach (a write(3, ...)
 * would land in libFuzzer's file), and put back after it. */
static int nkept, kept_fd[FD_SAVE_LIMIT - FD_SAVE_BASE - 3], kept_save[FD_SAVE_LIMIT - FD_SAVE_BASE - 3];

static void save_fuzzer_fds(void)
{
    nkept = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        abort();
    int dfd = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int fd = atoi(de->d_name);
        if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd < 3 || fd == dfd ||
            (fd >= FD_SAVE_BASE && fd < FD_SAVE_BASE + 3))
            continue;
        if (fd >= FD_SAVE_BASE || nkept == (int)(sizeof kept_fd / sizeof kept_fd[0]))
            abort();   /* the layout this target assumes: the fuzzer's fds are few and low */
        int saved = fcntl(fd, F_DUPFD_CLOEXEC, FD_SAVE_BASE + 3);
        if (saved < 0 || saved >= FD_SAVE_LIMIT)
            abort();
        kept_fd[nkept] = fd;
        kept_save[nkept++] = saved;
        close(fd);
    }
    closedir(d);
}

static void restore_host(mode_t mask)
{
    for (int i = 0; i < 3; i++)
        if (dup2(saved_fd[i], i) < 0)
            abort();
    /* Every fd the run opened (the guest's fds are below FD_SAVE_BASE, or anywhere F_DUPFD
     * put them), then the fuzzer's own back where they were. */
    close_range(3, FD_SAVE_BASE - 1, 0);
    close_range(FD_SAVE_LIMIT, ~0u, 0);
    for (int i = 0; i < nkept; i++) {
        if (dup2(kept_save[i], kept_fd[i]) < 0)
            abort();
        close(kept_save[i]);
    }
    umask(mask);
    (void)!chmod(sandbox, 0700);   /* the guest may have chmod'ed "." */
    if (chdir(sandbox) != 0)
        abort();
    empty_sandbox();
}

static int bad(const char *what, unsigned nr, int64_t r)
{
    fprintf(stderr, "fuzz_syscalls: invariant broken after syscall %u (%s): result %lld\n", nr,
            what, (long long)r);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!nallowed)
        LLVMFuzzerInitialize(NULL, NULL);
    if (chdir(sandbox) != 0)
        abort();
    mode_t mask = umask(022);
    save_fuzzer_fds();
    redirect_stdio();

    struct emu *e = calloc(1, sizeof *e);
    if (!e || mem_init(&e->mem) != 0)
        abort();
    e->pid = 4242;
    e->next_tid = 4242;
    e->opt.ncpus = 1;
    e->opt.deterministic = 1;
    e->opt.seed = 1;
    e->exe_path = "/fuzz/prog";
    e->exe_realpath = exe_file;
    e->brk_start = e->brk_cur = BRK_START;
    struct thread *t = thread_new(e);
    if (!t)
        abort();
    e->current = t;
    if (mem_map(&e->mem, SCRATCH, SCRATCH_SIZE, GPROT_READ | GPROT_WRITE, 0, "scratch") ||
        mem_map(&e->mem, PATHS, PATHS_SIZE, GPROT_READ | GPROT_WRITE, 0, "paths"))
        abort();
    /* The path table: fixed names, then two long ones, then an unterminated tail. */
    uint64_t at = PATHS;
    for (size_t i = 0; i < NPATHS; i++) {
        char buf[5001];
        const char *s = paths[i];
        if (!s) {
            size_t n = i == NPATHS - 2 ? 300 : 5000;
            memset(buf, 'x', n);
            buf[n] = 0;
            s = buf;
        }
        size_t n = strlen(s) + 1;
        if (mem_copy_to(&e->mem, at, s, n))
            abort();
        path_addr[i] = at;
        at += n;
    }
    path_addr[NPATHS] = PATHS + PATHS_SIZE - 4;
    if (mem_copy_to(&e->mem, path_addr[NPATHS], "abcd", 4) ||
        mem_protect(&e->mem, PATHS, PATHS_SIZE, GPROT_READ))
        abort();

    size_t pos = 0, calls = 0;
#define TAKE(n) (pos + (n) <= size ? (pos += (n), data + pos - (n)) : NULL)
    while (calls < MAX_CALLS) {
        const uint8_t *p = TAKE(2);
        if (!p)
            break;
        unsigned raw = p[0] | (unsigned)p[1] << 8;
        if (raw == 0xffff) {   /* poke */
            const uint8_t *h = TAKE(3);
            if (!h)
                break;
            size_t len = h[0], off = (h[1] | (size_t)h[2] << 8) % SCRATCH_SIZE;
            if (len > size - pos)
                len = size - pos;
            if (len > SCRATCH_SIZE - off)
                len = SCRATCH_SIZE - off;
            /* Best effort: the guest may have unmapped or protected the scratch area. */
            uint8_t *host = mem_host_addr(&e->mem, SCRATCH + off, GPROT_WRITE);
            if (host && (off & GUEST_PAGE_MASK) + len <= GUEST_PAGE_SIZE)
                memcpy(host, data + pos, len);
            else
                (void)!mem_copy_to(&e->mem, SCRATCH + off, data + pos, len);
            pos += len;
            continue;
        }
        unsigned nr = raw % SYS_NR_MAX;
        if (!is_allowed[nr])
            nr = (unsigned)allowed_nrs[raw % (unsigned)nallowed];
        uint64_t a[6] = {0};
        for (int i = 0; i < 6; i++) {
            const uint8_t *s = TAKE(1);
            if (!s)
                break;
            unsigned sel = *s;
            if (sel < NVALS) {
                a[i] = values[sel];
            } else if (sel < NVALS + NPATHS + 1) {
                a[i] = path_addr[sel - NVALS];
            } else if (sel == 0xfe || sel == 0xff) {
                size_t n = sel == 0xfe ? 4 : 8;
                const uint8_t *v = TAKE(n);
                if (v)
                    memcpy(&a[i], v, n);
            } else {
                a[i] = SCRATCH + (sel * 64ull) % SCRATCH_SIZE;
            }
        }
        /* Arguments that name strings: always the path table (docs/fuzzing.md). */
        const char *name, *fmt;
        if (!sys_lookup(nr, &name, &fmt))
            abort();
        for (int i = 0, k = fmt[0] == '!'; i < 6 && fmt[k] && fmt[k] != ':'; i++, k++)
            if (fmt[k] == 's' && (a[i] < PATHS || a[i] >= PATHS + PATHS_SIZE))
                a[i] = path_addr[a[i] % (NPATHS + 1)];
        sanitize(e, nr, a);
        for (int i = 0; i < 6; i++)   /* the fuzzer's own fds, saved */
            if ((uint32_t)a[i] >= FD_SAVE_BASE && (uint32_t)a[i] < FD_SAVE_LIMIT)
                a[i] = 3;
        defuse_signals(e);
        if (may_block_host(nr, a) || fatal_signal(e, t, nr, a))
            continue;
        calls++;

        struct cpu *c = &t->cpu;
        c->gpr[RAX] = nr;
        c->gpr[RDI] = a[0], c->gpr[RSI] = a[1], c->gpr[RDX] = a[2];
        c->gpr[R10] = a[3], c->gpr[R8] = a[4], c->gpr[R9] = a[5];
        if (nr == 15)   /* rt_sigreturn reads its frame at rsp - 8: the first argument */
            c->gpr[RSP] = a[0];
        c->insn_rip = 0x401000;
        c->rip = 0x401002;
        int64_t r = sys_dispatch(e, t);
        if (!(r >= 0 || r >= -4095))
            bad("result is neither >= 0 nor -errno", nr, r);
        if (t->state == THREAD_EXITED || e->exited)
            break;
        if (t->state == THREAD_BLOCKED) {
            /* Parked: as if woken at once (what sched.c's wake does). */
            if (t->block == BLOCK_FD && c->rip != 0x401000)
                bad("BLOCK_FD did not rewind rip onto the SYSCALL", nr, r);
            t->state = THREAD_RUNNABLE;
            t->block = BLOCK_NONE;
            t->deadline_ns = -1;
        } else if (t->block != BLOCK_NONE) {
            bad("a runnable thread with a block reason", nr, r);
        } else if ((int64_t)c->gpr[RAX] != r && nr != 15 /* rt_sigreturn sets rax itself */) {
            bad("rax differs from the result", nr, r);
        }
        /* Other threads (clone) stay parked or runnable; they never run here. */
    }
#undef TAKE
    emu_destroy(e);
    free(e);
    restore_host(mask);
    return 0;
}
