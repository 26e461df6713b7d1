/* sys_process.c — other processes: fork-like clone and clone3 (a host clone whose child keeps
 * only the calling guest thread), execve/execveat (a new goemu for static x86-64 ELF files, the
 * host kernel for anything else), wait4/waitid that park the guest thread instead of the one
 * host thread, pidfds, signals to other processes, process groups and credentials. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf/stack.h"
#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* ---- children -------------------------------------------------------------------------------
 * A wait that has to block parks the guest thread on the child's pidfd, or for "any child" on
 * one epoll set of the children's pidfds, which polls readable once any of them has exited;
 * stops and continues, which pidfds do not report, are looked for every STOP_POLL_NS through
 * a timer in the set. These fds are goemu's, kept in its block (base/fds.h), which has room
 * for a bounded number: a pidfd is opened when a wait first needs it and closed when the
 * child is reaped, and a child that gets none is looked for through the timer, like stops.
 * No host SIGCHLD handler is needed: SIGCHLD stays the guest's (signal_deliver.c). */
#define STOP_POLL_NS 10000000

static struct child {
    int pid, slot;   /* slot: its pidfd in goemu's block, or -1 */
} *children;
static int nchildren, cap_children;
static int children_ep = -1, stop_timer = -1;   /* slots */

/* The set's fd, made on first use; -1 when goemu's block has no room. */
static int children_set(void)
{
    if (children_ep < 0) {
        int fd = epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0 && fds_retry_begin()) {
            fd = epoll_create1(EPOLL_CLOEXEC);
            fds_retry_end();
        }
        children_ep = fds_keep(fd);
    }
    return fds_fd(children_ep);
}

static struct child *track_child(int pid)
{
    if (nchildren == cap_children) {
        int cap = cap_children ? 2 * cap_children : 16;
        struct child *c = realloc(children, (size_t)cap * sizeof(*c));
        if (!c)
            return NULL;
        children = c;
        cap_children = cap;
    }
    children[nchildren] = (struct child){pid, -1};
    return &children[nchildren++];
}

static struct child *find_child(int pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid == pid)
            return &children[i];
    return NULL;
}

/* c's pidfd, opened (and put in the set) if it has none yet; -1 if the block is full or the
 * child is gone. A pid the kernel reaped itself (SIGCHLD ignored) and gave to another process
 * is not kept: waitid says that process is not a child. */
static int pidfd_of(struct child *c)
{
    if (c->slot < 0) {
        int fd = (int)syscall(SYS_pidfd_open, c->pid, 0);
        if (fd < 0 && fds_retry_begin()) {
            fd = (int)syscall(SYS_pidfd_open, c->pid, 0);
            fds_retry_end();
        }
        siginfo_t si;
        if (fd >= 0 && syscall(SYS_waitid, LINUX_P_PIDFD, fd, &si,
                               WEXITED | WNOHANG | WNOWAIT | __WALL, NULL) < 0) {
            close(fd);
            fd = -1;
        }
        c->slot = fds_keep(fd);
        struct epoll_event ev = {.events = EPOLLIN};
        if (c->slot >= 0 && children_set() >= 0)
            epoll_ctl(children_set(), EPOLL_CTL_ADD, fds_fd(c->slot), &ev);
    }
    return fds_fd(c->slot);
}

/* The pidfd of child pid (a child goemu did not see being made, from before an execve, is
 * tracked from now on). -1 if it has none. */
static int child_fd(int pid)
{
    struct child *c = find_child(pid);
    if (!c)
        c = track_child(pid);
    return c ? pidfd_of(c) : -1;
}

/* Its pidfd leaves the set by being closed: goemu's is the file's only fd. */
static void forget_child_at(int i)
{
    fds_drop(children[i].slot);
    children[i] = children[--nchildren];
}

static void forget_child(int pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid == pid) {
            forget_child_at(i);
            return;
        }
}

/* Children who cannot be waited for any more (reaped by the kernel because SIGCHLD was
 * ignored): a readable pidfd would keep the set readable for ever. Returns whether every
 * child left has a pidfd in the set. */
static int prune_children(void)
{
    int all = 1;
    for (int i = 0; i < nchildren;) {
        siginfo_t si;
        int fd = pidfd_of(&children[i]);
        struct pollfd p = {fd, POLLIN, 0};
        if ((fd < 0 || poll(&p, 1, 0) == 1) &&
            syscall(SYS_waitid, fd < 0 ? LINUX_P_PID : LINUX_P_PIDFD,
                    fd < 0 ? children[i].pid : fd, &si,
                    WEXITED | WNOHANG | WNOWAIT | __WALL, NULL) < 0 && errno == ECHILD) {
            forget_child_at(i);
            continue;
        }
        all &= fd >= 0;
        i++;
    }
    return all;
}

/* Arms the stop timer (one-shot) in the set; a wait for stops parks on the set. */
static void arm_stop_timer(void)
{
    if (stop_timer < 0 && children_set() >= 0) {
        int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (fd < 0 && fds_retry_begin()) {
            fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
            fds_retry_end();
        }
        stop_timer = fds_keep(fd);
        struct epoll_event ev = {.events = EPOLLIN};
        if (stop_timer >= 0)
            epoll_ctl(children_set(), EPOLL_CTL_ADD, fds_fd(stop_timer), &ev);
    }
    struct itimerspec its = {{0, 0}, {0, STOP_POLL_NS}};
    if (stop_timer >= 0)
        timerfd_settime(fds_fd(stop_timer), 0, &its, NULL);
}

/* An expired timer keeps the set readable until it is read. */
static void drain_stop_timer(void)
{
    uint64_t n;
    if (stop_timer >= 0 && read(fds_fd(stop_timer), &n, sizeof(n)) < 0)
        return;
}

/* A forked child has no children yet: the parent's pidfds, set and timer are not its own. */
static void forget_all_children(void)
{
    while (nchildren > 0)
        forget_child_at(nchildren - 1);
    fds_drop(children_ep);
    fds_drop(stop_timer);
    children_ep = stop_timer = -1;
}

/* ---- clone and clone3 without CLONE_THREAD: a new process (decoded in sys_clone.c) ------- */

#define LINUX_CLONE_CLEAR_SIGHAND 0x100000000ull

/* What goemu does itself rather than the host: the guest's memory, TLS and tid words live in
 * goemu, not at those host addresses; CLONE_VM and CLONE_SIGHAND cannot be shared between two
 * host processes, so the child gets copies (Go's vfork child writes nothing the parent reads:
 * it reports through a pipe); CLONE_CLEAR_SIGHAND is about the guest's handlers, not goemu's.
 * Everything else — the exit signal, CLONE_VFORK's suspension of the parent until the child
 * execs or exits, pidfds, namespaces, shared fd tables — is the host kernel's to do. (The
 * suspension holds all of goemu, so every guest thread of the parent waits, not only the
 * caller; Go's vfork child execs within a few dozen syscalls.) goemu opens its own pidfd
 * for a child only when a wait needs one (see "children" above). */
static const uint64_t clone_emulated = LINUX_CLONE_VM | LINUX_CLONE_SIGHAND |
    LINUX_CLONE_SETTLS | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_SETTID |
    LINUX_CLONE_CHILD_CLEARTID | LINUX_CLONE_CLEAR_SIGHAND;

static long host_clone(const struct clone_request *f, int *pidfd)
{
    uint64_t flags = f->flags & ~clone_emulated;
    if (!f->clone3)
        return syscall(SYS_clone, flags | f->exit_signal, 0, pidfd, NULL, 0);
    struct linux_clone_args ca = {0};
    ca.flags = flags;
    ca.pidfd = (uint64_t)(uintptr_t)pidfd;
    ca.exit_signal = f->exit_signal;
    ca.cgroup = f->cgroup;
    return syscall(SYS_clone3, &ca, sizeof(ca));
}

/* In the host child: the process has only the thread that called clone (man 2 fork), its pid
 * is the host child's. In --deterministic mode it is the parent's next unused id instead, and
 * getppid the parent's pid, so a trace shows no host pid (the parent still gets the host pid
 * from clone: it needs it for wait and kill; after an exec the child is a fresh goemu). */
static void become_child(struct emu *e, struct thread *t, const struct clone_request *f)
{
    for (struct thread *o = e->threads, *next; o; o = next) {
        next = o->next;
        if (o != t)
            free(o);
    }
    t->next = NULL;
    e->threads = e->current = t;
    e->nthreads_live = 1;
    if (e->opt.deterministic) {
        e->ppid = e->pid;
        e->pid = e->next_tid;
    } else {
        e->pid = (int)getpid();
    }
    t->tid = e->pid;
    e->next_tid = e->pid + 1;
    e->sigpending = t->sigpending = 0;
    if (f->stack)
        t->cpu.gpr[RSP] = f->stack;
    if (f->flags & LINUX_CLONE_SETTLS)
        t->cpu.segbase[SEG_FS] = f->tls;
    /* Linux drops the altstack only for a CLONE_VM child that does not suspend the parent. */
    if ((f->flags & (LINUX_CLONE_VM | LINUX_CLONE_VFORK)) == LINUX_CLONE_VM)
        t->altstack = (struct guest_sigaltstack){0, LINUX_SS_DISABLE, 0};
    t->clear_child_tid = (f->flags & LINUX_CLONE_CHILD_CLEARTID) ? f->child_tid : 0;
    uint32_t tid = (uint32_t)t->tid;
    if (f->flags & LINUX_CLONE_CHILD_SETTID)
        GOEMU_IGNORE_RESULT(mem_copy_to(&e->mem, f->child_tid, &tid, sizeof(tid)));
    if (f->flags & LINUX_CLONE_CLEAR_SIGHAND)
        for (int sig = 1; sig <= LINUX_NSIG; sig++)
            if (e->sigactions[sig].handler != LINUX_SIG_IGN)
                e->sigactions[sig] = (struct guest_sigaction){0};
    forget_all_children();
}

/* Whether the guest can take a 4-byte result at addr: read and written back unchanged, so a
 * bad CLONE_PIDFD address fails before a child exists, as in the kernel. */
static int writable32(struct emu *e, uint64_t addr)
{
    uint32_t v;
    return mem_copy_from(&e->mem, &v, addr, 4) == 0 && mem_copy_to(&e->mem, addr, &v, 4) == 0;
}

int64_t clone_process(struct emu *e, struct thread *t, const struct clone_request *f)
{
    if ((f->flags & LINUX_CLONE_PIDFD) && !writable32(e, f->pidfd))
        return -EFAULT;
    fflush(NULL);  /* goemu's own buffered output must not be written twice */
    int pidfd = -1;
    long pid = host_clone(f, &pidfd);
    if (pid < 0)
        return sys_errno(errno);
    if (pid == 0) {
        become_child(e, t, f);
        return 0;
    }
    uint32_t v = (uint32_t)pidfd;
    if (f->flags & LINUX_CLONE_PIDFD)
        GOEMU_IGNORE_RESULT(mem_copy_to(&e->mem, f->pidfd, &v, sizeof(v)));  /* the guest's */
    track_child((int)pid);
    v = (uint32_t)pid;
    if (f->flags & LINUX_CLONE_PARENT_SETTID)
        GOEMU_IGNORE_RESULT(mem_copy_to(&e->mem, f->parent_tid, &v, sizeof(v)));
    return pid;
}

/* clone(flags, stack, parent_tid, child_tid, tls) without CLONE_THREAD (sys_thread.c has
 * already rejected the invalid combinations). The legacy call has 32 bits of flags, and its
 * pidfd goes where parent_tid would, so the two exclude each other (kernel_clone). */
/* ---- execve ---------------------------------------------------------------------------------
 * Policy: a static x86-64 ELF executable (no PT_INTERP) is what goemu runs, so the process
 * becomes a new goemu with this one's options, the target and its arguments (--argv0 keeps
 * the guest's argv[0]); anything else — a dynamic executable, a script, /bin/sh — the host
 * kernel executes natively, since the host is an x86-64 Linux. Errors the kernel would give
 * for the target (ENOENT, EACCES...) are found before the process is replaced, so they come
 * back to the guest as -errno (Go's child sends them to its parent through a pipe). */

/* Linux's limit on argv+envp: a quarter of the 8 MiB stack, strings and pointers (fs/exec.c
 * bprm_stack_limits); goemu's initial stack checks the same (elf/stack.c). */
#define ARG_BYTES_MAX (ELF_STACK_SIZE / 4)

struct strv {
    char **v;   /* NULL-terminated once read */
    size_t n;
};

static void strv_free(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* Reads a guest argv/envp: NULL addr is an empty list (as Linux accepts it). */
static int64_t read_strv(struct emu *e, uint64_t addr, struct strv *s, size_t *total,
                         char *scratch)
{
    size_t cap = 0;
    for (;; s->n++) {
        uint64_t p = 0;
        if (addr && mem_copy_from(&e->mem, &p, addr + 8 * s->n, 8))
            return -EFAULT;
        if (s->n + 1 >= cap) {
            cap = cap ? 2 * cap : 16;
            char **v = realloc(s->v, cap * sizeof(*v));
            if (!v)
                return -ENOMEM;
            s->v = v;
        }
        s->v[s->n] = NULL;
        if (!p)
            return 0;
        long len = mem_read_cstr(&e->mem, p, scratch, LINUX_MAX_ARG_STRLEN);
        if (len < 0)
            return len == -ENAMETOOLONG ? -E2BIG : len;
        *total += (size_t)len + 1 + 8;
        if (*total > ARG_BYTES_MAX)
            return -E2BIG;
        if (!(s->v[s->n] = strdup(scratch)))
            return -ENOMEM;
    }
}

/* Whether fd is an ELF file goemu's loader takes: 64-bit little-endian x86-64 for Linux,
 * ET_EXEC or static-pie ET_DYN, without an interpreter (elf/load.c says why in detail). */
static int goemu_runs(int fd)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
        (eh.e_ident[EI_OSABI] != ELFOSABI_NONE && eh.e_ident[EI_OSABI] != ELFOSABI_GNU) ||
        (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(ph) ||
        eh.e_phnum == 0 || eh.e_phnum >= PN_XNUM)
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
            (ssize_t)sizeof(ph))
            return 0;
        if (ph.p_type == PT_INTERP)
            return 0;
    }
    return 1;
}

/* Looks at the target as execve would: path errors as open reports them (ENOENT, ENOTDIR,
 * ELOOP for AT_SYMLINK_NOFOLLOW...), -EACCES for anything but a regular file, without execute
 * permission, or on a noexec mount. Sets *goemu_path when goemu is to run it: the path as
 * given, or absolute when it was relative to a dirfd the exec may close. A file goemu cannot
 * open (execute-only) is left to the host. */
static int64_t exec_target(int dirfd, const char *path, int flags, char *goemu_path)
{
    int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;  /* a FIFO must not block the open */
    char proc[64];
    int fd;
    goemu_path[0] = '\0';
    if (!path[0] && (flags & LINUX_AT_EMPTY_PATH)) {
        if (dirfd != AT_FDCWD && fcntl(dirfd, F_GETFD) < 0)
            return -EBADF;   /* not open (or goemu's, dispatch.c) */
        if (dirfd == AT_FDCWD)
            snprintf(proc, sizeof(proc), ".");
        else
            snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
        fd = fds_open(proc, oflags);
    } else {
        oflags |= flags & LINUX_AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0;
        fd = openat(dirfd, path, oflags);
        if (fd < 0 && fds_retry_begin()) {   /* the guest's numbers all taken */
            fd = openat(dirfd, path, oflags);
            fds_retry_end();
        }
    }
    if (fd < 0)
        return errno == EACCES ? 0 : sys_errno(errno);
    struct stat st;
    struct statvfs vfs;
    int64_t r = 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        r = -EACCES;
    else if (syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0 &&
             errno != ENOSYS)
        r = sys_errno(errno);
    else if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
        r = -EACCES;
    if (r == 0 && goemu_runs(fd)) {
        if (dirfd == AT_FDCWD || path[0] == '/') {
            snprintf(goemu_path, LINUX_PATH_MAX, "%s", path);
        } else {
            snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
            ssize_t n = readlink(proc, goemu_path, LINUX_PATH_MAX - 1);
            goemu_path[n > 0 ? n : 0] = '\0';
        }
    }
    close(fd);
    return r;
}

/* Linux keeps the signal mask and ignored dispositions across execve and resets caught signals
 * to default (man 2 execve). goemu's host state is its own (handlers forwarding to the guest),
 * so an execve first takes the guest's — which a new goemu passes on to its guest at startup
 * (sig_forward_host_signals) — and gets its own back if the exec fails. */
struct host_signals {
    struct sigaction act[LINUX_NSIG + 1];
    char changed[LINUX_NSIG + 1];  /* not KILL, STOP, or glibc's own 32 and 33 */
    uint64_t mask;
};

static void take_guest_signals(struct emu *e, struct thread *t, struct host_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    for (int sig = 1; sig <= LINUX_NSIG; sig++) {
        sa.sa_handler = e->sigactions[sig].handler == LINUX_SIG_IGN ? SIG_IGN : SIG_DFL;
        saved->changed[sig] = sigaction(sig, &sa, &saved->act[sig]) == 0;
    }
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &t->sigmask, &saved->mask, 8);
}

static void restore_host_signals(const struct host_signals *saved)
{
    for (int sig = 1; sig <= LINUX_NSIG; sig++)
        if (saved->changed[sig])
            sigaction(sig, &saved->act[sig], NULL);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved->mask, NULL, 8);
}

/* goemu OPTIONS --argv0 ARGV0 -- PATH ARGV[1]...: the guest's environment is the new goemu's
 * (goemu reads none of its own). Returns only on failure. */
static int64_t exec_goemu(struct emu *e, struct thread *t, const char *path,
                          const struct strv *argv, const struct strv *envp)
{
    size_t nopts = 0;
    while (e->self_opts && e->self_opts[nopts])
        nopts++;
    char **v = calloc(nopts + argv->n + 6, sizeof(*v));
    if (!v)
        return -ENOMEM;
    size_t k = 0;
    v[k++] = (char *)e->self_exe;
    for (size_t i = 0; i < nopts; i++)
        v[k++] = e->self_opts[i];
    v[k++] = "--argv0";
    v[k++] = argv->n ? argv->v[0] : "";
    v[k++] = "--";
    v[k++] = (char *)path;
    for (size_t i = 1; i < argv->n; i++)
        v[k++] = argv->v[i];
    struct host_signals *saved = calloc(1, sizeof(*saved));
    if (!saved) {
        free(v);
        return -ENOMEM;
    }
    take_guest_signals(e, t, saved);
    fflush(NULL);
    fds_exec_begin();
    execve(e->self_exe, v, envp->v);
    int err = errno;
    if (err == ENOENT) {  /* goemu's file was removed since startup: the running image */
        execve("/proc/self/exe", v, envp->v);
        err = errno;
    }
    fds_exec_end();
    restore_host_signals(saved);
    free(saved);
    free(v);
    return sys_errno(err);
}

static int64_t exec_host(struct emu *e, struct thread *t, int dirfd, const char *path,
                         const struct strv *argv, const struct strv *envp, int flags)
{
    struct host_signals *saved = calloc(1, sizeof(*saved));
    if (!saved)
        return -ENOMEM;
    take_guest_signals(e, t, saved);
    fflush(NULL);
    fds_exec_begin();
    syscall(SYS_execveat, dirfd, path, argv->v, envp->v, flags);
    int err = errno;
    fds_exec_end();
    restore_host_signals(saved);
    free(saved);
    return sys_errno(err);
}

/* Order as in Linux 6.x: the path, the file, then argv and envp (alloc_bprm opens the file
 * before the strings are counted). */
static int64_t do_execveat(struct emu *e, struct thread *t, int dirfd, uint64_t upath,
                           uint64_t uargv, uint64_t uenvp, int flags)
{
    char path[LINUX_PATH_MAX], target[LINUX_PATH_MAX];
    /* The path is read before the flags are looked at (getname_uflags in execveat, then
     * do_execveat_common, fs/exec.c). */
    int64_t r = sys_read_path(e, upath, path);
    if (r)
        return r;
    if (flags & ~(LINUX_AT_EMPTY_PATH | LINUX_AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    /* The guest's /proc/self/exe is its own binary, not goemu (as readlink says, sys_fs.c). */
    if (e->exe_realpath && !strcmp(path, "/proc/self/exe"))
        snprintf(path, sizeof(path), "%s", e->exe_realpath);
    r = exec_target(dirfd, path, flags, target);
    if (r)
        return r;
    struct strv argv = {0}, envp = {0};
    size_t total = 0;
    char *scratch = malloc(LINUX_MAX_ARG_STRLEN);
    r = scratch ? read_strv(e, uargv, &argv, &total, scratch) : -ENOMEM;
    if (!r)
        r = read_strv(e, uenvp, &envp, &total, scratch);
    free(scratch);
    if (!r && target[0] && e->self_exe)
        r = exec_goemu(e, t, target, &argv, &envp);
    else if (!r)
        r = exec_host(e, t, dirfd, path, &argv, &envp, flags);
    strv_free(&argv);
    strv_free(&envp);
    return r;
}

int64_t sys_execve(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_execveat(e, t, AT_FDCWD, a[0], a[1], a[2], 0);
}

int64_t sys_execveat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_execveat(e, t, arg_int(a[0]), a[1], a[2], a[3], arg_int(a[4]));
}

/* ---- wait4, waitid ------------------------------------------------------------------------
 * The children are real host children: the host answers every wait, always with WNOHANG.
 * When the guest may block and nothing is ready, its thread parks on an fd that becomes
 * readable when the answer may have changed, and the wait runs again (BLOCK_FD; see
 * "children" above). Signals interrupt the park as they interrupt a wait in Linux (-EINTR, or
 * a restart under SA_RESTART). */

static int64_t park(struct thread *t, int fd)
{
    return fd < 0 ? -ENOMEM : sys_block_on_fd(t, fd, POLLIN, -1, 0);
}

/* pid > 0: that child; otherwise any child the wait may be for. Without a pidfd for each
 * child it may be for, the timer looks again every STOP_POLL_NS. */
static int64_t park_for_child(struct thread *t, int pid, int options)
{
    int exact = !(options & (LINUX_WUNTRACED | LINUX_WCONTINUED));
    if (exact && pid > 0) {
        int fd = child_fd(pid);
        if (fd >= 0)
            return park(t, fd);
        exact = 0;
    }
    if (exact && pid <= 0)
        exact = prune_children() && nchildren > 0;
    if (!exact)
        arm_stop_timer();
    return park(t, children_set());
}

/* wait4(pid, status, options, rusage): the status and rusage are written after the child is
 * reaped, so a bad pointer loses it and returns -EFAULT, as in the kernel. */
int64_t sys_wait4(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int pid = arg_int(a[0]), options = arg_int(a[2]), status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    drain_stop_timer();
    pid_t r = wait4(pid, &status, options | WNOHANG, &ru);
    if (r < 0)
        return sys_errno(errno);
    if (r == 0)
        return options & LINUX_WNOHANG ? 0 : park_for_child(t, pid, options);
    if (WIFEXITED(status) || WIFSIGNALED(status))
        forget_child(r);
    if (a[1] && mem_copy_to(&e->mem, a[1], &status, sizeof(status)))
        return -EFAULT;
    struct linux_rusage g = host_to_guest_rusage(&ru);
    if (a[3] && mem_copy_to(&e->mem, a[3], &g, sizeof(g)))
        return -EFAULT;
    return r;
}

/* waitid on a pidfd the guest holds: a non-blocking pidfd says -EAGAIN instead of waiting
 * (kernel_waitid). */
static int64_t park_on_guest_pidfd(struct thread *t, int fd, int options)
{
    if (options & (LINUX_WUNTRACED | LINUX_WCONTINUED))
        return park_for_child(t, -1, options);
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK))
        return -EAGAIN;
    return park(t, fd);
}

static int reaps(const siginfo_t *si, int options)
{
    return si->si_pid && !(options & LINUX_WNOWAIT) &&
           (si->si_code == CLD_EXITED || si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED);
}

/* What waitid stores at infop (kernel/exit.c): si_signo, si_errno, si_code, si_pid, si_uid and
 * si_status only, and also when the wait failed (-ECHILD, -EINVAL: all zero then), so a bad
 * infop turns any result into -EFAULT; a NULL one is skipped. */
static int64_t waitid_info(struct emu *e, uint64_t infop, const siginfo_t *si, int64_t r)
{
    struct linux_siginfo_child gi = host_to_guest_siginfo_child(si);
    if (infop && mem_copy_to(&e->mem, infop, &gi, offsetof(struct linux_siginfo_child, status) +
                                                    sizeof(gi.status)))
        return -EFAULT;
    return r;
}

/* waitid(idtype, id, infop, options, rusage): the raw syscall, whose fifth argument glibc's
 * waitid does not have. With WNOHANG and nothing to report the info is all zero. The rusage
 * is stored only for a child reported, before the info. */
int64_t sys_waitid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int idtype = arg_int(a[0]), id = arg_int(a[1]), options = arg_int(a[3]);
    if (idtype == LINUX_P_PIDFD && fds_private(id))
        id = FDS_CLOSED;   /* goemu's own: not open for the guest (dispatch.c) */
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof(si));
    memset(&ru, 0, sizeof(ru));
    drain_stop_timer();
    if (syscall(SYS_waitid, idtype, id, &si, options | WNOHANG, a[4] ? &ru : NULL) < 0) {
        int64_t err = sys_errno(errno);
        memset(&si, 0, sizeof(si));
        return waitid_info(e, a[2], &si, err);
    }
    if (!si.si_pid && !(options & LINUX_WNOHANG)) {
        if (idtype == LINUX_P_PIDFD)
            return park_on_guest_pidfd(t, id, options);
        return park_for_child(t, idtype == LINUX_P_PID && id > 0 ? id : -1, options);
    }
    if (reaps(&si, options))
        forget_child(si.si_pid);
    struct linux_rusage gr = host_to_guest_rusage(&ru);
    if (si.si_pid && a[4] && mem_copy_to(&e->mem, a[4], &gr, sizeof(gr)))
        return -EFAULT;
    return waitid_info(e, a[2], &si, 0);
}

/* ---- pidfds and signals to other processes ------------------------------------------------ */

/* The host pid for a pid the guest names: its own pid and (in a forked child) its parent's
 * are virtual in --deterministic mode; any other pid is the host's own. */
static int host_pid(struct emu *e, int pid)
{
    if (pid == e->pid)
        return (int)getpid();
    if (e->ppid && pid == e->ppid)
        return (int)getppid();
    return pid;
}

/* The guest's other threads have no host tid, and a pidfd needs a thread-group leader anyway
 * (-EINVAL). */
int64_t sys_pidfd_open(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int pid = arg_int(a[0]);
    if (pid != e->pid && pid > 0 && thread_find(e, pid))
        return -EINVAL;
    return sys_host(syscall(SYS_pidfd_open, host_pid(e, pid), arg_uint(a[1])));
}

/* Whether a pidfd names goemu's own host process: /proc/self/fdinfo says whose it is. */
static int pidfd_is_self(int fd)
{
    char name[64], buf[512];
    snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
    int f = fds_open(name, O_RDONLY);
    if (f < 0)
        return 0;
    ssize_t n = read(f, buf, sizeof(buf) - 1);
    close(f);
    buf[n > 0 ? n : 0] = '\0';
    const char *p = strstr(buf, "\nPid:");
    return p && atoi(p + 5) == (int)getpid();
}

/* pidfd_send_signal(pidfd, sig, info, flags): the host checks the fd and arguments (signal 0
 * only does that); a signal to the guest itself stays inside goemu, like kill(getpid()). */
int64_t sys_pidfd_send_signal(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fd = arg_int(a[0]), sig = arg_int(a[1]);
    siginfo_t si;
    /* The flags and the fd come before the info is copied (pidfd_send_signal, kernel/signal.c):
     * info the guest cannot give reaches the host as a stand-in, which it fails on. */
    if (a[2] && mem_copy_from(&e->mem, &si, a[2], sizeof(si)))
        return sys_host(syscall(SYS_pidfd_send_signal, fd, sig, mem_fault_ptr(a[2], sizeof(si)),
                                arg_uint(a[3])));
    if (sig > 0 && sig <= LINUX_NSIG && pidfd_is_self(fd)) {
        int64_t r = sys_host(syscall(SYS_pidfd_send_signal, fd, 0, NULL, arg_uint(a[3])));
        if (r == 0)
            sig_post(e, NULL, sig);
        return r;
    }
    return sys_host(syscall(SYS_pidfd_send_signal, fd, sig, a[2] ? &si : NULL, arg_uint(a[3])));
}

/* kill for a pid that is not this process's own pid or group (sys_thread.c handles those): a
 * tid of one of its threads names the process too, as in Linux; -1, every process the caller
 * may signal, stays refused; any other pid or -pgid is the host's, typically a child. */
int64_t sys_kill_other(struct emu *e, int pid, int sig)
{
    if (pid > 0 && thread_find(e, pid)) {
        if (sig)
            sig_post(e, NULL, sig);
        return 0;
    }
    if (pid == -1)
        return -ESRCH;
    return sys_host(kill(pid < 0 ? -host_pid(e, -pid) : host_pid(e, pid), sig));
}

/* ---- process groups and sessions ----------------------------------------------------------
 * They are the host's (a forked child is a real process). The guest's own pid, virtual in
 * --deterministic mode, and its threads' tids mean "the caller"; a result equal to goemu's
 * host pid (or its parent's) is reported as the guest's pid (or its parent's). */

static int host_pid_arg(struct emu *e, int pid)
{
    return pid == e->pid || (pid > 0 && thread_find(e, pid)) ? 0 : host_pid(e, pid);
}

static int64_t guest_pid_result(struct emu *e, int64_t r)
{
    if (r > 0 && r == getpid())
        return e->pid;
    return r > 0 && e->ppid && r == getppid() ? e->ppid : r;
}

int64_t sys_setsid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return guest_pid_result(e, sys_host(setsid()));
}

/* setpgid(pid, pgid): pgid 0 means pid's own; the guest's pid as pgid is goemu's group. */
int64_t sys_setpgid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int pgid = arg_int(a[1]);
    return sys_host(setpgid(host_pid_arg(e, arg_int(a[0])), pgid > 0 ? host_pid(e, pgid) : pgid));
}

int64_t sys_getpgid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return guest_pid_result(e, sys_host(getpgid(host_pid_arg(e, arg_int(a[0])))));
}

int64_t sys_getpgrp(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return guest_pid_result(e, sys_host(getpgrp()));
}

int64_t sys_getsid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return guest_pid_result(e, sys_host(getsid(host_pid_arg(e, arg_int(a[0])))));
}
