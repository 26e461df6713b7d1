/* sys_fs.c — files and descriptors. Guest fds are host fds and guest paths host paths
 * (passthrough), except the guest's own /proc entries (/proc/self, /proc/thread-self,
 * /proc/<pid>), which procfs.c answers so that they describe the guest, not goemu, and never
 * reach goemu's memory (docs/isolation.md, "Virtual /proc/self"). Guest buffers reach the host as iovecs
 * from mem_iov: one host call, no copies. A read or write that would block the one host
 * thread blocks the guest thread instead (sys_block_on_fd) and re-executes when ready. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* Linux clamps every read/write to MAX_RW_COUNT = INT_MAX & PAGE_MASK (fs/read_write.c). */
#define MAX_RW_COUNT 0x7ffff000ull
/* readv/writev accept at most UIO_MAXIOV segments (man 2 readv). */
#define LINUX_UIO_MAXIOV 1024

/* ---- paths ----------------------------------------------------------------------------- */

int64_t sys_read_path(struct emu *e, uint64_t addr, char *buf)
{
    long r = mem_read_cstr(&e->mem, addr, buf, LINUX_PATH_MAX);
    return r < 0 ? r : 0;
}

/* The stand-ins go to the host by raw syscall() only: a libc wrapper may look at a string
 * itself (AddressSanitizer's interceptors do) and fault in goemu. */
const char *sys_host_path(struct emu *e, uint64_t addr, char *buf, int64_t *err)
{
    static char toolong[LINUX_PATH_MAX + 1];
    *err = sys_read_path(e, addr, buf);
    if (*err == -ENAMETOOLONG) {
        if (!toolong[0])
            memset(toolong, 'a', LINUX_PATH_MAX);   /* getname: PATH_MAX bytes, no NUL */
        return toolong;
    }
    return *err ? mem_fault_ptr(addr, 1) : buf;
}

/* Files Go's runtime reads at startup that describe the host rather than the program: the
 * huge page size (osinit) and, from Go 1.25, the cgroup CPU limit (GOMAXPROCS). A
 * --deterministic run hides them, as a minimal container would, so that it runs the same
 * way on every machine. */
static int describes_host(const char *path)
{
    return !strcmp(path, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size") ||
           !strcmp(path, "/proc/self/cgroup") || !strcmp(path, "/proc/self/mountinfo") ||
           !strncmp(path, "/sys/fs/cgroup/", 15);
}

/* Reads a guest path without the host files a --deterministic run hides. */
static int64_t guest_path_raw(struct emu *e, uint64_t addr, char *buf)
{
    int64_t r = sys_read_path(e, addr, buf);
    if (r)
        return r;
    return e->opt.deterministic && describes_host(buf) ? -ENOENT : 0;
}

/* When a guest path cannot be read (err is -EFAULT or -ENAMETOOLONG), the host call is made
 * with sys_host_path's stand-in instead, so that what Linux checks before it reads the path
 * (flags, mode, fds) still comes first. */
static const char *unreadable_path(struct emu *e, uint64_t addr, int64_t err)
{
    char unused[LINUX_PATH_MAX];
    int64_t again;
    if (err != -EFAULT && err != -ENAMETOOLONG)
        return NULL;
    const char *p = sys_host_path(e, addr, unused, &again);
    return again ? p : NULL;   /* read fine after all: the error was not the guest's path */
}

/* Reads a guest path and maps the guest's /proc entries to their host stand-ins (procfs.c).
 * follow: the call follows a final symlink (stat), so /proc/self/exe is the binary. */
static int64_t guest_path(struct emu *e, uint64_t addr, char *buf, int follow)
{
    int64_t r = guest_path_raw(e, addr, buf);
    return r ? r : procfs_path(e, e->current, buf, follow);
}

/* ---- reads and writes ----------------------------------------------------------------- */

static uint64_t iov_bytes(const struct iovec *iov, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += iov[i].iov_len;
    return sum;
}

/* Linux checks every segment with access_ok before any I/O (__import_iovec, lib/iov_iter.c),
 * then copies segment by segment and stops at the first fault with a short count. The host is
 * given the same: one non-user segment when a guest segment fails access_ok (the host fails
 * at the same point, after its fd and mode checks), else the accessible pages followed by a
 * faulting stand-in (mem_iov_user). */
int64_t sys_build_iov(struct mem *m, const struct linux_iovec *seg, int nseg, int prot,
                         uint64_t cap, struct iovec *iov, int *niov)
{
    for (int i = 0; i < nseg; i++)
        if (!mem_access_ok(seg[i].iov_base, seg[i].iov_len)) {
            iov[0].iov_base = mem_fault_ptr(seg[i].iov_base, seg[i].iov_len);
            iov[0].iov_len = (size_t)seg[i].iov_len;
            *niov = 1;
            return 0;
        }
    uint64_t total = 0;
    int n = 0;
    for (int i = 0; i < nseg && n < IOV_CAP && total < cap; i++) {
        uint64_t len = seg[i].iov_len < cap - total ? seg[i].iov_len : cap - total;
        if (!len)
            continue;
        int k = mem_iov_user(m, seg[i].iov_base, len, prot, iov + n, IOV_CAP - n);
        uint64_t got = iov_bytes(iov + n, k);
        n += k;
        total += got;
        if (got < len || (k && mem_is_stand_in(iov[n - 1].iov_base)))
            break;   /* the copy stops at the first fault */
    }
    *niov = n;
    return (int64_t)total;
}

static int fd_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && (fl & O_NONBLOCK);
}

/* Reads into guest segments; off < 0 means the file position (read/readv). */
static int64_t read_segments(struct emu *e, int fd, const struct linux_iovec *seg, int nseg,
                             int64_t off)
{
    if (procfs_fd_kind(fd) == PROCFS_MEM)
        return procfs_mem_rw(e, fd, seg, nseg, off, 0);
    struct iovec iov[IOV_CAP];
    int n = 0;
    int64_t r = sys_build_iov(&e->mem, seg, nseg, GPROT_WRITE, MAX_RW_COUNT, iov, &n);
    if (r < 0)
        return r;
    return sys_host(off < 0 ? readv(fd, iov, n) : preadv(fd, iov, n, off));
}

/* Writes guest segments. A blocking pipe gets at most PIPE_BUF bytes per call: poll's
 * POLLOUT promises room for that much only, and a larger write could block the host thread;
 * the short count is legal and Go's write loop continues (internal/poll FD.Write). Sockets
 * are written with MSG_DONTWAIT for the same reason, and MSG_NOSIGNAL because the guest, not
 * goemu, must receive SIGPIPE. */
static int64_t write_segments(struct emu *e, int fd, const struct linux_iovec *seg, int nseg,
                              int64_t off, int *is_sock)
{
    struct stat st;
    uint64_t cap = MAX_RW_COUNT;
    *is_sock = 0;
    if (procfs_fd_kind(fd) == PROCFS_MEM)
        return procfs_mem_rw(e, fd, seg, nseg, off, 1);
    if (off < 0 && fstat(fd, &st) == 0) {
        if (S_ISFIFO(st.st_mode) && !fd_nonblocking(fd))
            cap = PIPE_BUF;
        *is_sock = S_ISSOCK(st.st_mode);
    }
    struct iovec iov[IOV_CAP];
    int n = 0;
    int64_t r = sys_build_iov(&e->mem, seg, nseg, GPROT_READ, cap, iov, &n);
    if (r < 0)
        return r;
    if (*is_sock) {
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
        return sys_host(sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL));
    }
    return sys_host(off < 0 ? writev(fd, iov, n) : pwritev(fd, iov, n, off));
}

/* Bytes the guest asks for, saturating: a read of none never waits (pipe_read returns at
 * once), and an eventfd refuses fewer than 8 before it would wait (may_wait, sys_poll.c). */
static uint64_t seg_bytes(const struct linux_iovec *seg, int nseg)
{
    uint64_t sum = 0;
    for (int i = 0; i < nseg; i++)
        sum = seg[i].iov_len > UINT64_MAX - sum ? UINT64_MAX : sum + seg[i].iov_len;
    return sum;
}

static int64_t do_read(struct emu *e, struct thread *t, int fd, const struct linux_iovec *seg,
                       int nseg)
{
    uint64_t len = seg_bytes(seg, nseg);
    if (len && sys_fd_would_block(fd, POLLIN, len))
        return sys_block_on_fd(t, fd, POLLIN, -1, 0);
    return read_segments(e, fd, seg, nseg, -1);
}

static int64_t do_write(struct emu *e, struct thread *t, int fd, const struct linux_iovec *seg,
                        int nseg, int64_t off)
{
    uint64_t len = seg_bytes(seg, nseg);
    if (off < 0 && len && sys_fd_would_block(fd, POLLOUT, len))
        return sys_block_on_fd(t, fd, POLLOUT, -1, 0);
    int is_sock;
    int64_t r = write_segments(e, fd, seg, nseg, off, &is_sock);
    if (r == -EAGAIN && is_sock && !fd_nonblocking(fd))
        return sys_block_on_fd(t, fd, POLLOUT, -1, 0);
    /* pipe_write and the socket layer send SIGPIPE to the writer (man 7 pipe). */
    if (r == -EPIPE)
        sig_post(e, t, LINUX_SIGPIPE);
    return r;
}

/* read/write/pread64/pwrite64 of 0 bytes still ask the file, after the mode checks and
 * access_ok (vfs_read in fs/read_write.c has no shortcut: a directory says -EISDIR, an eventfd
 * -EINVAL), while readv of nothing returns 0 before the file is asked (vfs_iter_read): so they
 * are made with the plain host calls, with no memory to access. Sockets keep their path, which
 * sends without SIGPIPE to goemu. */
static int zero_length(int fd, int write)
{
    struct stat st;
    return !write || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode);
}

static void *zero_length_buffer(uint64_t addr)
{
    return mem_access_ok(addr, 0) ? NULL : mem_fault_ptr(addr, 0);
}

int64_t sys_read(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if (!a[2] && zero_length(arg_int(a[0]), 0))
        return sys_host(read(arg_int(a[0]), zero_length_buffer(a[1]), 0));
    return do_read(e, t, arg_int(a[0]), &seg, 1);
}

int64_t sys_write(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if (!a[2] && zero_length(arg_int(a[0]), 1))
        return sys_host(write(arg_int(a[0]), zero_length_buffer(a[1]), 0));
    return do_write(e, t, arg_int(a[0]), &seg, 1, -1);
}

int64_t sys_pread64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    if (!a[2])
        return sys_host(pread(arg_int(a[0]), zero_length_buffer(a[1]), 0, (off_t)a[3]));
    return read_segments(e, arg_int(a[0]), &seg, 1, (int64_t)a[3]);
}

int64_t sys_pwrite64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    if (!a[2])
        return sys_host(pwrite(arg_int(a[0]), zero_length_buffer(a[1]), 0, (off_t)a[3]));
    return do_write(e, t, arg_int(a[0]), &seg, 1, (int64_t)a[3]);
}

/* Reads the guest iovec array (count is the full register: vlen is an unsigned long): the
 * count, or -1 when it is over UIO_MAXIOV or cannot be read. Each segment's length is checked
 * with its address (sys_build_iov). */
static int read_guest_iovecs(struct emu *e, uint64_t addr, uint64_t count, struct linux_iovec *seg)
{
    if (count > LINUX_UIO_MAXIOV)
        return -1;
    if (count && mem_copy_from(&e->mem, seg, addr, (size_t)count * sizeof(*seg)))
        return -1;
    return (int)count;
}

/* A vector the guest cannot give: the host's readv/writev is asked with a stand-in for it, so
 * that its fd and mode checks come before -EINVAL for the count and -EFAULT for the array, as
 * in vfs_readv (fs/read_write.c: fdget_pos, FMODE_READ, then import_iovec). */
static int64_t bad_vector(int fd, uint64_t addr, uint64_t count, long nr)
{
    void *p = count > LINUX_UIO_MAXIOV ? NULL : mem_fault_ptr(addr, count * sizeof(struct linux_iovec));
    return sys_host(syscall(nr, fd, p, count));
}

int64_t sys_readv(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg[LINUX_UIO_MAXIOV];
    int n = read_guest_iovecs(e, a[1], a[2], seg);
    return n < 0 ? bad_vector(arg_int(a[0]), a[1], a[2], SYS_readv)
                 : do_read(e, t, arg_int(a[0]), seg, n);
}

int64_t sys_writev(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg[LINUX_UIO_MAXIOV];
    int n = read_guest_iovecs(e, a[1], a[2], seg);
    return n < 0 ? bad_vector(arg_int(a[0]), a[1], a[2], SYS_writev)
                 : do_write(e, t, arg_int(a[0]), seg, n, -1);
}

/* ---- opening, closing, duplicating --------------------------------------------------- */

int is_guest_exe(const struct emu *e, const struct stat *st)
{
    struct stat x;
    return e->exe_realpath && S_ISREG(st->st_mode) && stat(e->exe_realpath, &x) == 0 &&
           x.st_dev == st->st_dev && x.st_ino == st->st_ino;
}

/* ETXTBSY: a running executable cannot be opened for writing or truncated (the write access
 * denied by exec: deny_write_access in fs/exec.c, get_write_access in do_dentry_open and
 * handle_truncate, fs/open.c and fs/namei.c; man 2 open). The host enforces this for goemu's
 * own binary, but the guest's executable is only a file goemu read, so the check is goemu's.
 * Done before the host open, since O_TRUNC would already have truncated it. Linux reports
 * EEXIST (O_CREAT|O_EXCL) and a missing write permission (may_open) first. */
static int64_t deny_exe_write(struct emu *e, struct thread *t, int dirfd, const char *path,
                              int flags)
{
    if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_TRUNC))
        return 0;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) || !e->exe_realpath)
        return 0;
    char q[LINUX_PATH_MAX];
    struct stat st;
    snprintf(q, sizeof(q), "%s", path);
    int follow = !(flags & O_NOFOLLOW);
    if (procfs_path(e, t, q, follow) != 0 ||
        fstatat(dirfd, q, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0 || !is_guest_exe(e, &st))
        return 0;
    if (faccessat(dirfd, q, W_OK, AT_EACCESS) != 0)
        return sys_errno(errno);
    return -ETXTBSY;
}

/* The guest's /proc entries are opened by procfs.c; anything the host opens that turns out
 * to be goemu's own /proc (a symlink to /proc/self/mem, a dirfd in /proc) is redone there. */
static int64_t do_openat(struct emu *e, struct thread *t, int dirfd, uint64_t path, int flags,
                         unsigned mode)
{
    char p[LINUX_PATH_MAX];
    int64_t r = guest_path_raw(e, path, p);
    const char *bad = r ? unreadable_path(e, path, r) : NULL;
    if (bad)   /* build_open_flags (fs/open.c) says -EINVAL before getname */
        return sys_host(syscall(SYS_openat, dirfd, bad, flags, (mode_t)mode));
    if (r)
        return r;
    if ((r = deny_exe_write(e, t, dirfd, p, flags)))
        return r;
    r = procfs_openat(e, t, p, flags, mode);
    if (r != PROCFS_PASS)
        return r;
    r = sys_host(openat(dirfd, p, flags, (mode_t)mode));
    return procfs_check_opened(e, t, r, flags, mode);
}

int64_t sys_openat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_openat(e, t, arg_int(a[0]), a[1], arg_int(a[2]), arg_uint(a[3]));
}

int64_t sys_open(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_openat(e, t, AT_FDCWD, a[0], arg_int(a[1]), arg_uint(a[2]));
}

int64_t sys_close(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(close(arg_int(a[0])));
}

int64_t sys_dup(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(dup(arg_int(a[0])));
}

/* A dup2/dup3/F_DUPFD target the guest may use (below its soft RLIMIT_NOFILE) that goemu's
 * block holds: the block moves up first. Targets at or above the guest's limit stay at or
 * above the host's soft limit, where the kernel refuses them (EBADF, EINVAL: man 2 dup). */
static void make_room(struct emu *e, int fd)
{
    uint64_t soft, hard;
    fds_guest_limit(&soft, &hard);
    if (fds_private(fd) && (uint64_t)fd < soft)
        sys_fd_grow(e, (uint64_t)fd + 1);
}

int64_t sys_dup2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    make_room(e, arg_int(a[1]));
    return sys_host(dup2(arg_int(a[0]), arg_int(a[1])));
}

int64_t sys_dup3(struct emu *e, struct thread *t, const uint64_t a[6])
{
    make_room(e, arg_int(a[1]));
    return sys_host(dup3(arg_int(a[0]), arg_int(a[1]), arg_int(a[2])));
}

/* close_range(first, last, flags) (fs/file.c, man 2 close_range): the range stops below
 * goemu's block, where no guest fd is. */
int64_t sys_close_range(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned first = arg_uint(a[0]), last = arg_uint(a[1]), flags = arg_uint(a[2]);
    if (flags & ~(LINUX_CLOSE_RANGE_UNSHARE | LINUX_CLOSE_RANGE_CLOEXEC) || first > last)
        return -EINVAL;
    if (first >= (unsigned)fds_lo)
        return 0;
    if (last >= (unsigned)fds_lo)
        last = (unsigned)fds_lo - 1;
    return sys_host(syscall(SYS_close_range, first, last, flags));
}

/* Writes the two new fds; on a bad pointer closes them, as Linux installs them only after
 * the copy succeeded (fs/pipe.c do_pipe2). */
static int64_t return_fd_pair(struct emu *e, uint64_t addr, const int fds[2])
{
    int32_t g[2] = {fds[0], fds[1]};
    if (mem_copy_to(&e->mem, addr, g, sizeof(g))) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_pipe2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fds[2];
    if (pipe2(fds, arg_int(a[1])) < 0)
        return sys_errno(errno);
    return return_fd_pair(e, a[0], fds);
}

int64_t sys_pipe(struct emu *e, struct thread *t, const uint64_t a[6])
{
    const uint64_t b[6] = {a[0], 0};
    return sys_pipe2(e, t, b);
}

int64_t sys_eventfd2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(eventfd(arg_uint(a[0]), arg_int(a[1])));
}

int64_t sys_eventfd(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(eventfd(arg_uint(a[0]), 0));
}

/* ---- fcntl and ioctl ------------------------------------------------------------------ */

/* Record locks: struct flock has the same layout on host and guest (x86-64). F_SETLKW would
 * sleep in the host, so it is tried as F_SETLK and, while the lock is held elsewhere, retried
 * each time the thread is scheduled (blocking on an always-ready fd re-executes it). */
static int64_t fcntl_lock(struct emu *e, struct thread *t, int fd, int cmd, uint64_t addr)
{
    struct linux_flock gl;
    int wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
    int hcmd = cmd == F_SETLKW ? F_SETLK : cmd == F_OFD_SETLKW ? F_OFD_SETLK : cmd;
    /* The fd is looked at before the lock is copied (do_fcntl, fs/fcntl.c: -EBADF for no fd,
     * or an O_PATH one): a lock the guest cannot give reaches the host as a stand-in. */
    if (mem_copy_from(&e->mem, &gl, addr, sizeof(gl)))
        return sys_host(syscall(SYS_fcntl, fd, hcmd, mem_fault_ptr(addr, sizeof(gl))));
    struct flock hl = {.l_type = gl.l_type, .l_whence = gl.l_whence, .l_start = gl.l_start,
                       .l_len = gl.l_len, .l_pid = gl.l_pid};
    if (fcntl(fd, hcmd, &hl) < 0) {
        if (wait && (errno == EAGAIN || errno == EACCES))
            return sys_block_on_fd(t, fd, POLLIN | POLLOUT, -1, 0);
        return sys_errno(errno);
    }
    gl.l_type = hl.l_type;
    gl.l_whence = hl.l_whence;
    gl.l_start = hl.l_start;
    gl.l_len = hl.l_len;
    gl.l_pid = hl.l_pid;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        return mem_copy_to(&e->mem, addr, &gl, sizeof(gl)) ? -EFAULT : 0;
    return 0;
}

int64_t sys_fcntl(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fd = arg_int(a[0]), cmd = arg_int(a[1]);
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        make_room(e, arg_int(a[2]));
        return sys_host(fcntl(fd, cmd, arg_int(a[2])));
    case F_SETFD:
    case F_SETFL:
    case F_SETPIPE_SZ:
        return sys_host(fcntl(fd, cmd, arg_int(a[2])));
    case F_GETFD:
    case F_GETFL:
    case F_GETPIPE_SZ:
        return sys_host(fcntl(fd, cmd));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(e, t, fd, cmd, a[2]);
    default:
        if (fcntl(fd, F_GETFD) < 0)
            return sys_errno(errno);
        return sys_unimplemented(t, "fcntl command", (uint64_t)cmd, -EINVAL);
    }
}

/* An ioctl whose argument is a struct the host fills in (TCGETS, TIOCGWINSZ, FIONREAD). */
static int64_t ioctl_out(struct emu *e, int fd, unsigned long req, uint64_t addr, void *buf,
                         size_t size)
{
    if (ioctl(fd, req, buf) < 0)
        return sys_errno(errno);
    return mem_copy_to(&e->mem, addr, buf, size) ? -EFAULT : 0;
}

/* An ioctl whose argument is a struct the guest provides (TCSETS*, TIOCSWINSZ, FIONBIO). */
static int64_t ioctl_in(struct emu *e, int fd, unsigned long req, uint64_t addr, void *buf,
                        size_t size)
{
    /* The fd and the file's own ioctl come first (a file without TCSETS says -ENOTTY without
     * reading): an argument the guest cannot give reaches the host as a stand-in. */
    if (mem_copy_from(&e->mem, buf, addr, size))
        return sys_host(syscall(SYS_ioctl, fd, req, mem_fault_ptr(addr, size)));
    return sys_host(ioctl(fd, req, buf));
}

/* Terminal and fd ioctls pass through with the kernel's own structs (the guest ABI is the
 * host ABI here); anything else is -ENOTTY, which is what Go's isatty checks expect of
 * non-terminals (man 2 ioctl, ENOTTY; golang.org/x/term's IsTerminal issues TCGETS). */
int64_t sys_ioctl(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fd = arg_int(a[0]);
    unsigned req = arg_uint(a[1]);
    struct linux_termios tio;
    struct linux_winsize ws;
    int32_t v;
    switch (req) {
    case LINUX_TCGETS: return ioctl_out(e, fd, req, a[2], &tio, sizeof(tio));
    case LINUX_TCSETS:
    case LINUX_TCSETSW:
    case LINUX_TCSETSF: return ioctl_in(e, fd, req, a[2], &tio, sizeof(tio));
    case LINUX_TIOCGWINSZ: return ioctl_out(e, fd, req, a[2], &ws, sizeof(ws));
    case LINUX_TIOCSWINSZ: return ioctl_in(e, fd, req, a[2], &ws, sizeof(ws));
    case LINUX_FIONREAD: return ioctl_out(e, fd, req, a[2], &v, sizeof(v));
    case LINUX_FIONBIO: return ioctl_in(e, fd, req, a[2], &v, sizeof(v));
    case LINUX_FIOCLEX:
    case LINUX_FIONCLEX: return sys_host(ioctl(fd, req));
    default:
        if (fcntl(fd, F_GETFD) < 0)
            return sys_errno(errno);
        return sys_unimplemented(t, "ioctl request", req, -ENOTTY);
    }
}

/* ---- metadata ---------------------------------------------------------------------- */

static int64_t return_stat(struct emu *e, uint64_t addr, int host_r, const struct stat *st)
{
    if (host_r < 0)
        return sys_errno(errno);
    struct linux_stat g = host_to_guest_stat(st);
    return mem_copy_to(&e->mem, addr, &g, sizeof(g)) ? -EFAULT : 0;
}

int64_t sys_fstat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct stat st;
    int r = fstat(arg_int(a[0]), &st);
    return return_stat(e, a[1], r, &st);
}

static int64_t do_fstatat(struct emu *e, int dirfd, uint64_t path, uint64_t buf, int flags)
{
    char p[LINUX_PATH_MAX];
    struct stat st;
    /* Since Linux 6.11 a NULL path with AT_EMPTY_PATH means the fd itself. */
    if (path == 0 && (flags & AT_EMPTY_PATH))
        p[0] = 0;
    else {
        int64_t r = guest_path(e, path, p, !(flags & AT_SYMLINK_NOFOLLOW));
        const char *bad = r ? unreadable_path(e, path, r) : NULL;
        if (bad)
            return sys_host(syscall(SYS_newfstatat, dirfd, bad, &st, flags));
        if (r)
            return r;
    }
    int r = (int)syscall(SYS_newfstatat, dirfd, p, &st, flags);
    return return_stat(e, buf, r, &st);
}

int64_t sys_newfstatat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_fstatat(e, arg_int(a[0]), a[1], a[2], arg_int(a[3]));
}

int64_t sys_stat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_fstatat(e, AT_FDCWD, a[0], a[1], 0);
}

int64_t sys_lstat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_fstatat(e, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

int64_t sys_lseek(struct emu *e, struct thread *t, const uint64_t a[6])
{
    if (procfs_fd_kind(arg_int(a[0])) == PROCFS_MEM)
        return procfs_mem_lseek(arg_int(a[0]), (int64_t)a[1], (int)arg_uint(a[2]));
    return sys_host(lseek(arg_int(a[0]), (off_t)a[1], (int)arg_uint(a[2])));
}

/* Copies the entries of buf[0, n) to the guest one by one, as filldir64 (fs/readdir.c) writes
 * each with its own user access: the bytes of the entries that fit, up to the first that does
 * not. When one does not, the directory is put back at that entry (its predecessor's d_off, or
 * where it was before the call), where Linux's position stays. */
static int64_t entries_to_guest(struct emu *e, int fd, uint64_t addr, const uint8_t *buf,
                                int64_t n, off_t before)
{
    int64_t done = 0;
    off_t next = before;
    while (done < n) {
        struct linux_dirent64 d;
        memcpy(&d, buf + done, sizeof(d));
        if (!d.d_reclen || mem_copy_to(&e->mem, addr + (uint64_t)done, buf + done, d.d_reclen))
            break;
        done += d.d_reclen;
        next = (off_t)d.d_off;
    }
    if (done < n)
        lseek(fd, next, SEEK_SET);
    return done ? done : -EFAULT;
}

/* The dirent64 stream has the same layout for host and guest (struct linux_dirent64). The host
 * fills a buffer of goemu's, so that it makes every check in Linux's order (-EBADF, -ENOTDIR,
 * -EINVAL for a buffer too small for the first entry, 0 at the end: nothing is written then,
 * whatever the guest's pointer), and the entries go to the guest as Linux writes them. */
int64_t sys_getdents64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    size_t count = arg_uint(a[2]);
    if (count > (1u << 20))
        count = 1u << 20;   /* fewer entries per call, never a different result */
    uint8_t *buf = malloc(count ? count : 1);
    if (!buf)
        return -ENOMEM;
    int fd = arg_int(a[0]);
    int fddir = procfs_fd_kind(fd) == PROCFS_FDDIR;
    int64_t got, n;
    do {
        off_t before = lseek(fd, 0, SEEK_CUR);
        n = got = sys_host(syscall(SYS_getdents64, fd, buf, count));
        /* The guest's fd/ directory lists none of goemu's private fds (procfs.c): when a
         * whole batch was goemu's, the next one is read. */
        if (n > 0 && fddir)
            n = procfs_filter_fddir(buf, n);
        if (n > 0 && mem_copy_to(&e->mem, a[1], buf, (size_t)n))
            n = entries_to_guest(e, fd, a[1], buf, n, before);
    } while (n == 0 && got > 0);
    free(buf);
    return n;
}

/* readlink of the guest's /proc links is procfs.c's: /proc/self/exe names the guest binary
 * (os.Executable, os/executable_procfs.go), /proc/self the guest pid. The result is not
 * NUL-terminated and is truncated to bufsiz (man 2 readlink). */
static int64_t do_readlinkat(struct emu *e, struct thread *t, int dirfd, uint64_t path,
                             uint64_t buf, int bufsiz)
{
    char p[LINUX_PATH_MAX], target[LINUX_PATH_MAX];
    if (bufsiz <= 0)
        return -EINVAL;
    int64_t r = guest_path_raw(e, path, p);
    const char *bad = r ? unreadable_path(e, path, r) : NULL;
    if (bad)
        return sys_host(syscall(SYS_readlinkat, dirfd, bad, target, sizeof(target)));
    if (r)
        return r;
    ssize_t n = procfs_readlink(e, t, p, target, sizeof(target));
    if (n == PROCFS_PASS) {
        n = readlinkat(dirfd, p, target, sizeof(target));
        if (n < 0)
            return sys_errno(errno);
    } else if (n < 0) {
        return n;
    }
    if (n > bufsiz)
        n = bufsiz;
    if (n > (ssize_t)sizeof(target))
        n = sizeof(target);
    return mem_copy_to(&e->mem, buf, target, (size_t)n) ? -EFAULT : n;
}

int64_t sys_readlinkat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_readlinkat(e, t, arg_int(a[0]), a[1], a[2], arg_int(a[3]));
}

int64_t sys_readlink(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_readlinkat(e, t, AT_FDCWD, a[0], a[1], arg_int(a[2]));
}

static int64_t do_faccessat(struct emu *e, int dirfd, uint64_t path, int mode, int flags)
{
    char p[LINUX_PATH_MAX];
    int64_t r = guest_path(e, path, p, !(flags & AT_SYMLINK_NOFOLLOW));
    const char *bad = r ? unreadable_path(e, path, r) : NULL;
    if (bad)   /* do_faccessat (fs/open.c) checks mode and flags first */
        return sys_host(flags ? syscall(SYS_faccessat2, dirfd, bad, mode, flags)
                              : syscall(SYS_faccessat, dirfd, bad, mode));
    if (r)
        return r;
    /* The raw syscalls: glibc's faccessat emulates flags itself. */
    if (flags)
        return sys_host(syscall(SYS_faccessat2, dirfd, p, mode, flags));
    return sys_host(syscall(SYS_faccessat, dirfd, p, mode));
}

int64_t sys_faccessat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_faccessat(e, arg_int(a[0]), a[1], arg_int(a[2]), 0);
}

int64_t sys_faccessat2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_faccessat(e, arg_int(a[0]), a[1], arg_int(a[2]), arg_int(a[3]));
}

int64_t sys_access(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_faccessat(e, AT_FDCWD, a[0], arg_int(a[1]), 0);
}

int64_t sys_fchmod(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fchmod(arg_int(a[0]), (mode_t)arg_uint(a[1])));
}

int64_t sys_fchmodat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char p[LINUX_PATH_MAX];
    int64_t r = guest_path(e, a[1], p, 1);
    const char *bad = r ? unreadable_path(e, a[1], r) : NULL;
    if (bad)
        return sys_host(syscall(SYS_fchmodat, arg_int(a[0]), bad, (mode_t)arg_uint(a[2])));
    if (r)
        return r;
    return sys_host(syscall(SYS_fchmodat, arg_int(a[0]), p, (mode_t)arg_uint(a[2])));
}

int64_t sys_umask(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return umask((mode_t)(arg_uint(a[0]) & 0777));
}

/* utimensat(dirfd, path or NULL, times or NULL, flags): raw host syscall, since glibc
 * rejects the NULL path that futimens-style calls use. */
int64_t sys_utimensat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char p[LINUX_PATH_MAX];
    const char *hp = a[1] ? p : NULL;
    struct linux_timespec g[2];
    struct timespec h[2];
    /* The times are read first, the path after the flags and times are checked (do_utimes,
     * fs/utimes.c): an unreadable path reaches the host as a stand-in. */
    if (a[2]) {
        if (mem_copy_from(&e->mem, g, a[2], sizeof(g)))
            return -EFAULT;
        for (int i = 0; i < 2; i++)
            h[i] = (struct timespec){.tv_sec = g[i].tv_sec, .tv_nsec = g[i].tv_nsec};
    }
    if (a[1]) {
        int64_t r = guest_path(e, a[1], p, !(arg_int(a[3]) & AT_SYMLINK_NOFOLLOW));
        if (r && !(hp = unreadable_path(e, a[1], r)))
            return r;
    }
    return sys_host(syscall(SYS_utimensat, arg_int(a[0]), hp, a[2] ? h : NULL, arg_int(a[3])));
}

/* ---- directory entries ---------------------------------------------------------------- */

/* The calls below make the host call even when the guest's path cannot be read (with
 * sys_host_path's stand-in), since Linux checks their flags first: do_unlinkat, do_renameat2,
 * do_linkat (fs/namei.c) look at flags before the names getname already failed on. */
static int64_t do_unlinkat(struct emu *e, int dirfd, uint64_t path, int flags)
{
    char p[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_unlinkat, dirfd, sys_host_path(e, path, p, &r), flags));
}

int64_t sys_unlinkat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_unlinkat(e, arg_int(a[0]), a[1], arg_int(a[2]));
}

int64_t sys_unlink(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_unlinkat(e, AT_FDCWD, a[0], 0);
}

int64_t sys_rmdir(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_unlinkat(e, AT_FDCWD, a[0], AT_REMOVEDIR);
}

static int64_t do_mkdirat(struct emu *e, int dirfd, uint64_t path, unsigned mode)
{
    char p[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_mkdirat, dirfd, sys_host_path(e, path, p, &r), (mode_t)mode));
}

int64_t sys_mkdirat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_mkdirat(e, arg_int(a[0]), a[1], arg_uint(a[2]));
}

int64_t sys_mkdir(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_mkdirat(e, AT_FDCWD, a[0], arg_uint(a[1]));
}

static int64_t do_renameat2(struct emu *e, int olddir, uint64_t oldp, int newdir, uint64_t newp,
                            unsigned flags)
{
    char o[LINUX_PATH_MAX], n[LINUX_PATH_MAX];
    int64_t r;
    const char *ho = sys_host_path(e, oldp, o, &r), *hn = sys_host_path(e, newp, n, &r);
    return sys_host(flags ? syscall(SYS_renameat2, olddir, ho, newdir, hn, flags)
                          : syscall(SYS_renameat, olddir, ho, newdir, hn));
}

int64_t sys_renameat2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_renameat2(e, arg_int(a[0]), a[1], arg_int(a[2]), a[3], arg_uint(a[4]));
}

int64_t sys_renameat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_renameat2(e, arg_int(a[0]), a[1], arg_int(a[2]), a[3], 0);
}

int64_t sys_rename(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_renameat2(e, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

int64_t sys_linkat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char o[LINUX_PATH_MAX], n[LINUX_PATH_MAX];
    int64_t r;
    const char *ho = sys_host_path(e, a[1], o, &r), *hn = sys_host_path(e, a[3], n, &r);
    return sys_host(syscall(SYS_linkat, arg_int(a[0]), ho, arg_int(a[2]), hn, arg_int(a[4])));
}

int64_t sys_symlinkat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char target[LINUX_PATH_MAX], n[LINUX_PATH_MAX];
    int64_t r;
    const char *ht = sys_host_path(e, a[0], target, &r), *hn = sys_host_path(e, a[2], n, &r);
    return sys_host(syscall(SYS_symlinkat, ht, arg_int(a[1]), hn));
}

/* ---- working directory and file contents ---------------------------------------------- */

/* The raw syscall returns the length including the NUL, -ERANGE if size is too small. */
int64_t sys_getcwd(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char cwd[LINUX_PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return sys_errno(errno);
    size_t len = strlen(cwd) + 1;
    if (len > a[1])
        return -ERANGE;
    return mem_copy_to(&e->mem, a[0], cwd, len) ? -EFAULT : (int64_t)len;
}

int64_t sys_chdir(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char p[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_chdir, sys_host_path(e, a[0], p, &r)));
}

int64_t sys_fchdir(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fchdir(arg_int(a[0])));
}

int64_t sys_fsync(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fsync(arg_int(a[0])));
}

int64_t sys_fdatasync(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fdatasync(arg_int(a[0])));
}

/* A writable descriptor of the guest's executable cannot exist on Linux (the exec would have
 * failed with ETXTBSY), but under goemu one can be inherited: truncating through it is the
 * ETXTBSY the open would have been. A read-only fd keeps the host's -EINVAL. */
int64_t sys_ftruncate(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fd = arg_int(a[0]);
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY && fstat(fd, &st) == 0 && is_guest_exe(e, &st))
        return -ETXTBSY;
    return sys_host(ftruncate(fd, (off_t)a[1]));
}
