/* linux_abi.h — the guest's x86-64 Linux kernel ABI: structs with explicit widths and sizes
 * checked at compile time, constants the syscall layer names, and converters named by
 * direction (host_to_guest_*, guest_to_host_*). Host types never cross into guest memory
 * except through these converters (qemu linux-user's target_* structs, Blink's linux.h). */
#ifndef GOEMU_ABI_LINUX_ABI_H
#define GOEMU_ABI_LINUX_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

/* ---- constants (include/uapi/...; values of the x86-64 kernel) ------------------------ */
#define LINUX_AT_FDCWD (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
/* close_range flags (include/uapi/linux/close_range.h) */
#define LINUX_CLOSE_RANGE_UNSHARE (1u << 1)
#define LINUX_CLOSE_RANGE_CLOEXEC (1u << 2)
#define LINUX_PATH_MAX 4096

/* Signal numbers of the guest (arch/x86/include/uapi/asm/signal.h): the one spelling the CPU,
 * the process layer and the syscalls use, whatever the host's <signal.h> says. */
#define LINUX_SIG_DFL 0
#define LINUX_SIG_IGN 1
#define LINUX_NSIG 64
#define LINUX_SIGINT 2
#define LINUX_SIGILL 4
#define LINUX_SIGTRAP 5
#define LINUX_SIGBUS 7
#define LINUX_SIGFPE 8
#define LINUX_SIGKILL 9
#define LINUX_SIGSEGV 11
#define LINUX_SIGPIPE 13
#define LINUX_SIGCONT 18
#define LINUX_SIGSTOP 19
#define LINUX_SIGTSTP 20
#define LINUX_SIGTTIN 21
#define LINUX_SIGTTOU 22
#define LINUX_SIGSYS 31

/* si_code values (include/uapi/asm-generic/siginfo.h). */
#define LINUX_SI_USER 0
#define LINUX_SI_KERNEL 0x80
#define LINUX_SI_TKILL (-6)
#define LINUX_ILL_ILLOPN 2
#define LINUX_FPE_INTDIV 1
#define LINUX_FPE_FLTDIV 3
#define LINUX_FPE_FLTOVF 4
#define LINUX_FPE_FLTUND 5
#define LINUX_FPE_FLTRES 6
#define LINUX_FPE_FLTINV 7
#define LINUX_SEGV_MAPERR 1
#define LINUX_SEGV_ACCERR 2
#define LINUX_SA_SIGINFO 0x00000004u
#define LINUX_SA_RESTORER 0x04000000u
#define LINUX_SA_ONSTACK 0x08000000u
#define LINUX_SA_RESTART 0x10000000u
#define LINUX_SA_NODEFER 0x40000000u
#define LINUX_SA_RESETHAND 0x80000000u
#define LINUX_SIG_BLOCK 0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2
#define LINUX_SS_ONSTACK 1
#define LINUX_SS_DISABLE 2
#define LINUX_SS_AUTODISARM (1u << 31)
#define LINUX_MINSIGSTKSZ 2048

#define LINUX_CLONE_VM 0x00000100ull
#define LINUX_CLONE_VFORK 0x00004000ull
#define LINUX_CLONE_SIGHAND 0x00000800ull
#define LINUX_CLONE_THREAD 0x00010000ull
#define LINUX_CLONE_SETTLS 0x00080000ull
#define LINUX_CLONE_PARENT_SETTID 0x00100000ull
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000ull
#define LINUX_CLONE_CHILD_SETTID 0x01000000ull
#define LINUX_CSIGNAL 0x000000ffull             /* the exit signal, in clone's low byte */
#define LINUX_CLONE_PIDFD 0x00001000ull
#define LINUX_CLONE_DETACHED 0x00400000ull
#define LINUX_CLONE_INTO_CGROUP 0x200000000ull  /* clone3 only */

/* wait4/waitid (include/uapi/linux/wait.h); WSTOPPED is WUNTRACED's waitid name. */
#define LINUX_WNOHANG 0x00000001
#define LINUX_WUNTRACED 0x00000002
#define LINUX_WEXITED 0x00000004
#define LINUX_WCONTINUED 0x00000008
#define LINUX_WNOWAIT 0x01000000
#define LINUX_P_ALL 0
#define LINUX_P_PID 1
#define LINUX_P_PGID 2
#define LINUX_P_PIDFD 3
#define LINUX_CLD_EXITED 1
#define LINUX_CLD_KILLED 2
#define LINUX_CLD_DUMPED 3
#define LINUX_PIDFD_THREAD 0x80      /* O_EXCL */

#define LINUX_AT_EMPTY_PATH 0x1000
#define LINUX_MAX_ARG_STRLEN (32 * 4096)   /* one argv/envp string (binfmts.h) */

#define LINUX_FUTEX_WAIT 0
#define LINUX_FUTEX_WAKE 1
#define LINUX_FUTEX_WAIT_BITSET 9
#define LINUX_FUTEX_WAKE_BITSET 10
#define LINUX_FUTEX_PRIVATE_FLAG 128
#define LINUX_FUTEX_CLOCK_REALTIME 256

#define LINUX_MAP_SHARED 0x01
#define LINUX_MAP_PRIVATE 0x02
#define LINUX_MAP_SHARED_VALIDATE 0x03
#define LINUX_MAP_TYPE 0x0f
#define LINUX_MAP_FIXED 0x10
#define LINUX_MAP_ANONYMOUS 0x20
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_MREMAP_MAYMOVE 1
#define LINUX_MREMAP_FIXED 2
#define LINUX_MREMAP_DONTUNMAP 4
#define LINUX_MADV_DONTNEED 4

#define LINUX_ARCH_SET_GS 0x1001
#define LINUX_ARCH_SET_FS 0x1002
#define LINUX_ARCH_GET_FS 0x1003
#define LINUX_ARCH_GET_GS 0x1004

#define LINUX_RLIMIT_FSIZE 1
#define LINUX_RLIMIT_STACK 3
#define LINUX_RLIMIT_CORE 4
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIM_NLIMITS 16
#define LINUX_RLIM_INFINITY (~0ull)

#define LINUX_TCGETS 0x5401
#define LINUX_TCSETS 0x5402
#define LINUX_TCSETSW 0x5403
#define LINUX_TCSETSF 0x5404
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_TIOCSWINSZ 0x5414
#define LINUX_FIONREAD 0x541b
#define LINUX_FIONBIO 0x5421
#define LINUX_FIONCLEX 0x5450
#define LINUX_FIOCLEX 0x5451

#define LINUX_GRND_NONBLOCK 1
#define LINUX_GRND_RANDOM 2
#define LINUX_GRND_INSECURE 4

#define LINUX_EPOLL_CTL_DEL 2

/* ---- structures ------------------------------------------------------------------------ */
struct linux_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
_Static_assert(sizeof(struct linux_timespec) == 16, "timespec");

struct linux_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};
_Static_assert(sizeof(struct linux_timeval) == 16, "timeval");

struct linux_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};
_Static_assert(sizeof(struct linux_timezone) == 8, "timezone");

/* arch/x86/include/uapi/asm/stat.h, the 64-bit struct stat (newfstatat, fstat, stat, lstat). */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    struct linux_timespec st_atim, st_mtim, st_ctim;
    int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes on x86-64");

/* Kernel struct sigaction as rt_sigaction sees it (include/linux/signal_types.h): not glibc's
 * layout. */
struct linux_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
_Static_assert(sizeof(struct linux_sigaction) == 32, "kernel sigaction");

struct linux_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};
_Static_assert(sizeof(struct linux_stack) == 24, "stack_t");
_Static_assert(offsetof(struct linux_stack, ss_size) == 16, "stack_t.ss_size");

struct linux_rlimit {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};
_Static_assert(sizeof(struct linux_rlimit) == 16, "rlimit64");

struct linux_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
_Static_assert(sizeof(struct linux_utsname) == 390, "new_utsname");

/* x86-64 is the one architecture where the kernel packs epoll_event (12 bytes). */
struct __attribute__((packed)) linux_epoll_event {
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct linux_epoll_event) == 12, "packed epoll_event");

/* getdents64 records: the byte stream is the same on host and guest (same kernel ABI), so
 * the syscall copies it through; the struct documents the layout. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "dirent64 name offset");

struct linux_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
_Static_assert(sizeof(struct linux_winsize) == 8, "winsize");

/* The kernel's struct termios for TCGETS/TCSETS (asm-generic/termbits.h), not glibc's. */
struct linux_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
_Static_assert(sizeof(struct linux_termios) == 36, "kernel termios");

struct linux_iovec {
    uint64_t iov_base;
    uint64_t iov_len;
};
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec");

struct linux_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
_Static_assert(sizeof(struct linux_pollfd) == 8, "pollfd");

struct linux_flock {
    int16_t l_type;
    int16_t l_whence;
    int32_t pad;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
    int32_t pad2;
};
_Static_assert(sizeof(struct linux_flock) == 32, "flock");

struct linux_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct linux_sysinfo) == 112, "sysinfo");

/* getrusage/wait4/waitid's struct rusage: two timevals and 14 longs. */
struct linux_rusage {
    struct linux_timeval ru_utime, ru_stime;
    int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
    int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct linux_rusage) == 144, "rusage");

/* The 128-byte siginfo as waitid fills it for a child (the SIGCHLD member of the union).
 * Field names drop the si_ prefix: glibc defines si_pid and friends as macros. */
struct linux_siginfo_child {
    int32_t signo, err, code, pad;
    int32_t pid;
    uint32_t uid;
    int32_t status, pad2;
    int64_t utime, stime;
    uint8_t rest[80];
};
_Static_assert(sizeof(struct linux_siginfo_child) == 128, "siginfo");
_Static_assert(offsetof(struct linux_siginfo_child, pid) == 16, "siginfo si_pid");
_Static_assert(offsetof(struct linux_siginfo_child, status) == 24, "siginfo si_status");

/* clone3's argument block (include/uapi/linux/sched.h): 64 bytes in version 0, 80 with
 * set_tid, 88 with cgroup. Later fields are read as zero when the caller's struct is older. */
struct linux_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
_Static_assert(sizeof(struct linux_clone_args) == 88, "clone_args v2");
#define LINUX_CLONE_ARGS_SIZE_VER0 64

/* ---- converters -------------------------------------------------------------------------- */
static inline struct linux_timespec host_to_guest_timespec(struct timespec ts)
{
    return (struct linux_timespec){ts.tv_sec, ts.tv_nsec};
}

static inline struct linux_timeval host_to_guest_timeval(struct timeval tv)
{
    return (struct linux_timeval){tv.tv_sec, tv.tv_usec};
}

static inline struct linux_rusage host_to_guest_rusage(const struct rusage *h)
{
    struct linux_rusage g = {0};
    g.ru_utime = host_to_guest_timeval(h->ru_utime);
    g.ru_stime = host_to_guest_timeval(h->ru_stime);
    g.ru_maxrss = h->ru_maxrss;
    g.ru_ixrss = h->ru_ixrss;
    g.ru_idrss = h->ru_idrss;
    g.ru_isrss = h->ru_isrss;
    g.ru_minflt = h->ru_minflt;
    g.ru_majflt = h->ru_majflt;
    g.ru_nswap = h->ru_nswap;
    g.ru_inblock = h->ru_inblock;
    g.ru_oublock = h->ru_oublock;
    g.ru_msgsnd = h->ru_msgsnd;
    g.ru_msgrcv = h->ru_msgrcv;
    g.ru_nsignals = h->ru_nsignals;
    g.ru_nvcsw = h->ru_nvcsw;
    g.ru_nivcsw = h->ru_nivcsw;
    return g;
}

/* A waitid result: all zero (si_pid 0) when WNOHANG found no child, as the kernel writes. */
static inline struct linux_siginfo_child host_to_guest_siginfo_child(const siginfo_t *h)
{
    struct linux_siginfo_child g = {0};
    g.signo = h->si_signo;
    g.err = h->si_errno;
    g.code = h->si_code;
    g.pid = h->si_pid;
    g.uid = h->si_uid;
    g.status = h->si_status;
    g.utime = h->si_utime;
    g.stime = h->si_stime;
    return g;
}

static inline struct linux_stat host_to_guest_stat(const struct stat *s)
{
    struct linux_stat g = {0};
    g.st_dev = s->st_dev;
    g.st_ino = s->st_ino;
    g.st_nlink = s->st_nlink;
    g.st_mode = s->st_mode;
    g.st_uid = s->st_uid;
    g.st_gid = s->st_gid;
    g.st_rdev = s->st_rdev;
    g.st_size = s->st_size;
    g.st_blksize = s->st_blksize;
    g.st_blocks = s->st_blocks;
    g.st_atim = host_to_guest_timespec(s->st_atim);
    g.st_mtim = host_to_guest_timespec(s->st_mtim);
    g.st_ctim = host_to_guest_timespec(s->st_ctim);
    return g;
}

static inline struct epoll_event guest_to_host_epoll_event(const struct linux_epoll_event *g)
{
    struct epoll_event h;
    h.events = g->events;
    h.data.u64 = g->data;
    return h;
}

static inline struct linux_epoll_event host_to_guest_epoll_event(const struct epoll_event *h)
{
    struct linux_epoll_event g;
    g.events = h->events;
    g.data = h->data.u64;
    return g;
}

static inline struct linux_sysinfo host_to_guest_sysinfo(const struct sysinfo *h)
{
    struct linux_sysinfo g = {0};
    g.uptime = h->uptime;
    for (int i = 0; i < 3; i++)
        g.loads[i] = h->loads[i];
    g.totalram = h->totalram;
    g.freeram = h->freeram;
    g.sharedram = h->sharedram;
    g.bufferram = h->bufferram;
    g.totalswap = h->totalswap;
    g.freeswap = h->freeswap;
    g.procs = h->procs;
    g.totalhigh = h->totalhigh;
    g.freehigh = h->freehigh;
    g.mem_unit = h->mem_unit;
    return g;
}

static inline void host_to_guest_utsname(const struct utsname *h, struct linux_utsname *g)
{
    /* glibc's fields are 65 bytes on Linux too, but copy by name, NUL-terminated. */
    static const size_t n = sizeof(g->sysname);
    snprintf(g->sysname, n, "%s", h->sysname);
    snprintf(g->nodename, n, "%s", h->nodename);
    snprintf(g->release, n, "%s", h->release);
    snprintf(g->version, n, "%s", h->version);
    snprintf(g->machine, n, "%s", h->machine);
    snprintf(g->domainname, n, "%s", h->domainname);
}

#endif
