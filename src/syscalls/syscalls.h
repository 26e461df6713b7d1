/* syscalls.h — inside the syscall layer: the handler type, every handler (declared from
 * table.def), and the helpers the sys_*.c files share: argument decoding, host errno
 * translation, guest paths and timespecs, fd readiness, signal posting. */
#ifndef GOEMU_SYSCALLS_H
#define GOEMU_SYSCALLS_H

#include <stdint.h>

#include "proc/signal.h"

/* A handler gets the six raw argument registers and returns the value for rax: a result or
 * -errno. Handlers that block the thread return what rax should hold once it wakes. */
typedef int64_t sys_fn(struct emu *e, struct thread *t, const uint64_t a[6]);

#define SYSCALL(nr, name, handler, fmt) sys_fn handler;
#include "syscalls/table.def"
#undef SYSCALL

#define SYS_NR_MAX 512

/* dispatch.c: performs the SYSCALL instruction's request for thread t (number in rax,
 * arguments in rdi rsi rdx r10 r8 r9; the instruction already set rcx and r11) and writes the
 * result to rax, unless the thread blocked to re-execute it or exited. Returns the result. */
int64_t sys_dispatch(struct emu *e, struct thread *t);
/* The six argument registers of a syscall, in the x86-64 order (rdi rsi rdx r10 r8 r9). */
static inline void sys_args(const struct cpu *c, uint64_t a[6])
{
    a[0] = c->gpr[RDI], a[1] = c->gpr[RSI], a[2] = c->gpr[RDX];
    a[3] = c->gpr[R10], a[4] = c->gpr[R8], a[5] = c->gpr[R9];
}
/* dispatch.c: moves goemu's block of fds (base/fds.h) up so that the guest can use numbers
 * below need (0: the next doubling), and repoints threads parked on a moved fd. Returns
 * whether it moved. A handler calls it before a dup2/F_DUPFD onto a number the block holds. */
int sys_fd_grow(struct emu *e, uint64_t need);
/* The row of syscall nr: its name and strace format, or 0 when goemu has no handler. */
int sys_lookup(unsigned nr, const char **name, const char **fmt);

/* names.c: the x86-64 name of syscall nr, NULL if none. */
const char *sys_name(unsigned nr);

/* strace.c: formats "name(args" for --strace before the call, and the result after. */
void strace_format_call(struct emu *e, char *buf, size_t size, const char *name,
                        const char *fmt, const uint64_t a[6]);
void strace_print(struct thread *t, const char *call, const char *fmt, int64_t ret,
                  int blocked);

/* errno.c: the one place host errno becomes a guest -errno. */
int64_t sys_errno(int host_errno);
/* A host call's result: r itself, or -errno (guest numbering) when r == -1. */
int64_t sys_host(int64_t r);

/* dispatch.c: prints "goemu: unimplemented WHAT VALUE at rip ...: returning -E..." once per
 * (what, value) pair. Returns err so a handler can `return sys_unimplemented(...)`. */
int64_t sys_unimplemented(struct thread *t, const char *what, uint64_t value, int64_t err);

/* Integer syscall parameters are C ints: the kernel reads the low 32 bits (__SC_CAST in
 * include/linux/syscalls.h; Go's runtime·open in runtime/sys_linux_amd64.s loads AT_FDCWD
 * with MOVL, so it arrives as 0x00000000ffffff9c). */
static inline int arg_int(uint64_t v) { return (int)(uint32_t)v; }
static inline unsigned arg_uint(uint64_t v) { return (uint32_t)v; }

/* Host iovecs per call: UIO_MAXIOV, as many segments as readv/writev/sendmsg accept (each
 * guest segment inside one mapping is one host region), so no guest request is cut short. */
#define IOV_CAP 1024

struct iovec;
struct linux_iovec;
/* sys_fs.c: describes up to cap bytes of guest segments as host iovecs (at most IOV_CAP) for
 * a host call that copies as Linux would: the accessible pages, then a stand-in that faults
 * for the rest (mem_iov_user), so the host gives a short count or -EFAULT where Linux does;
 * a segment access_ok refuses makes the whole vector one non-user segment (the host fails it
 * after its fd checks, as import_iovec does). Returns the bytes of guest memory described
 * (iovecs in *niov); never fails. */
GOEMU_MUST_CHECK int64_t sys_build_iov(struct mem *m, const struct linux_iovec *seg, int nseg, int prot,
                      uint64_t cap, struct iovec *iov, int *niov);

/* sys_fs.c: reads a guest path into buf (LINUX_PATH_MAX bytes): 0, -EFAULT, -ENAMETOOLONG. */
GOEMU_MUST_CHECK int64_t sys_read_path(struct emu *e, uint64_t addr, char *buf);
/* sys_fs.c: a guest path for a host call. Reads it into buf (LINUX_PATH_MAX bytes) and returns
 * buf with *err 0; when the guest cannot give it, returns a host stand-in the host kernel
 * rejects as Linux rejects the guest's (getname: faulting memory for -EFAULT, a PATH_MAX-long
 * name for -ENAMETOOLONG), with *err that error, so the checks Linux makes before it reads the
 * path (flags, modes, lengths, fds) still come first. Never a guest pointer. */
const char *sys_host_path(struct emu *e, uint64_t addr, char *buf, int64_t *err);

/* sys_time.c: reads a guest timespec as nanoseconds: 0, -EFAULT, or -EINVAL (negative
 * seconds or tv_nsec outside [0, 1e9)). Saturates at INT64_MAX. */
GOEMU_MUST_CHECK int64_t sys_read_timespec_ns(struct emu *e, uint64_t addr, int64_t *ns);
/* Monotonic deadline ns from now, saturating (never overflows into the past). */
int64_t sys_deadline_after(struct emu *e, int64_t ns);

/* sys_poll.c: whether a call on host fd for events, transferring len bytes (UINT64_MAX when
 * not a transfer), would block the (single) host thread: the fd is in blocking mode, poll()
 * says it is not ready, and the file would wait rather than refuse the call. */
int sys_fd_would_block(int fd, short events, uint64_t len);
/* Blocks t until fd is ready for events (the SYSCALL is then re-executed) or the deadline
 * (-1: none) passes, when rax becomes timeout_result. Returns 0 for the handler to return. */
int64_t sys_block_on_fd(struct thread *t, int fd, short events, int64_t deadline,
                        int64_t timeout_result);

/* A clone or clone3 request, decoded and checked by sys_clone.c. */
struct clone_request {
    uint64_t flags;        /* CLONE_*, without the exit signal */
    uint64_t exit_signal;  /* what the parent gets when the child ends (SIGCHLD, or 0) */
    uint64_t stack;        /* the child's rsp, 0 to keep the parent's */
    uint64_t parent_tid, child_tid, tls, pidfd, cgroup;
    int clone3;
};
/* sys_thread.c: CLONE_THREAD, a new guest thread. Returns its tid or -errno. */
int64_t clone_thread(struct emu *e, struct thread *t, const struct clone_request *rq);
/* sys_process.c: a new host process carrying on the emulation with only the calling thread
 * (fork, vfork). Returns the child's pid (in the parent) or -errno. */
int64_t clone_process(struct emu *e, struct thread *t, const struct clone_request *rq);
/* sys_process.c: kill(pid, sig) for a pid that is not this process's pid, 0 or -pid. */
int64_t sys_kill_other(struct emu *e, int pid, int sig);

/* procfs.c: the guest's virtual /proc/self (docs/isolation.md, "Virtual /proc/self"). */
/* "Not a /proc path of this process: let the host have it" (never a fd or -errno). */
#define PROCFS_PASS INT64_MIN
/* Kinds of open file procfs serves itself (procfs_fd_kind). */
enum { PROCFS_MEM = 1, PROCFS_FDDIR = 2 };
/* What fd is: PROCFS_MEM, PROCFS_FDDIR or 0 (one fstat, and none until a virtual file was
 * ever opened). */
int procfs_fd_kind(int fd);
/* How many open files procfs serves itself are known (inodes; for tests). */
size_t procfs_virtual_files(void);
/* open of a guest path (after sys_read_path): a fd or -errno, or PROCFS_PASS to open path on
 * the host (rewritten to the host's /proc/self/... for entries passed through). */
int64_t procfs_openat(struct emu *e, struct thread *t, char *path, int flags, unsigned mode);
/* After a host open returned fd: if the kernel resolved it to goemu's own /proc (through a
 * symlink, "..", or a dirfd), closes it and opens the guest's entry instead; if it is the mem
 * file of another goemu process, closes it and returns -EACCES. */
int64_t procfs_check_opened(struct emu *e, struct thread *t, int64_t fd, int flags,
                            unsigned mode);
/* stat, access & co.: rewrites path to the host stand-in of a virtual entry; 0 or -errno. */
int64_t procfs_path(struct emu *e, struct thread *t, char *path, int follow);
/* readlink: the link's length in target (not NUL-terminated), -errno, or PROCFS_PASS. */
int64_t procfs_readlink(struct emu *e, struct thread *t, char *path, char *target,
                        size_t size);
/* read/write (off < 0: at the file position) on a PROCFS_MEM fd: guest memory, FOLL_FORCE. */
int64_t procfs_mem_rw(struct emu *e, int fd, const struct linux_iovec *seg, int nseg,
                      int64_t off, int write);
int64_t procfs_mem_lseek(int fd, int64_t off, int whence);
/* getdents64 result of a PROCFS_FDDIR fd without goemu's private fds: the new length. */
int64_t procfs_filter_fddir(void *buf, int64_t n);

/* sys_fs.c: whether st is the guest's executable (same device and inode, so any name for it
 * counts): writing or truncating it is ETXTBSY. */
struct stat;
int is_guest_exe(const struct emu *e, const struct stat *st);

#endif
