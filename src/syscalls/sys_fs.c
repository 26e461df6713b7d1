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
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
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

int64_t sys_build_iov(struct mem *m, const struct linux_iovec *seg, int nseg, int prot,
                         uint64_t cap, struct iovec *iov, int *niov)
{
    uint64_t total = 0;
    int n = 0;
    for (int i = 0; i < nseg && n < IOV_CAP && total < cap; i++) {
        uint64_t len = seg[i].iov_len < cap - total ? seg[i].iov_len : cap - total;
        if (!len)
            continue;
        int k = mem_iov(m, seg[i].iov_base, len, prot, iov + n, IOV_CAP - n);
        if (k < 0) {
            if (total == 0)
                return -EFAULT;
            break;
        }
        uint64_t got = iov_bytes(iov + n, k);
        n += k;
        total += got;
        if (got < len)
            break;
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
    if (procfs_nvirtual && procfs_fd_kind(fd) == PROCFS_MEM)
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
    if (procfs_nvirtual && procfs_fd_kind(fd) == PROCFS_MEM)
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

static int64_t do_read(struct emu *e, struct thread *t, int fd, const struct linux_iovec *seg,
                       int nseg)
{
    if (sys_fd_would_block(fd, POLLIN))
        return sys_block_on_fd(t, fd, POLLIN, -1, 0);
    return read_segments(e, fd, seg, nseg, -1);
}

static int64_t do_write(struct emu *e, struct thread *t, int fd, const struct linux_iovec *seg,
                        int nseg, int64_t off)
{
    if (off < 0 && sys_fd_would_block(fd, POLLOUT))
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

int64_t sys_read(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    return do_read(e, t, arg_int(a[0]), &seg, 1);
}

int64_t sys_write(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    return do_write(e, t, arg_int(a[0]), &seg, 1, -1);
}

int64_t sys_pread64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    return read_segments(e, arg_int(a[0]), &seg, 1, (int64_t)a[3]);
}

int64_t sys_pwrite64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg = {a[1], a[2]};
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    return do_write(e, t, arg_int(a[0]), &seg, 1, (int64_t)a[3]);
}

/* Reads the guest iovec array: its count, or -EINVAL (count outside [0, UIO_MAXIOV], a length
 * that would overflow ssize_t) or -EFAULT (man 2 readv, ERRORS). */
static int read_guest_iovecs(struct emu *e, uint64_t addr, int count, struct linux_iovec *seg)
{
    if (count < 0 || count > LINUX_UIO_MAXIOV)
        return -EINVAL;
    if (count && mem_copy_from(&e->mem, seg, addr, (size_t)count * sizeof(*seg)))
        return -EFAULT;
    uint64_t sum = 0;
    for (int i = 0; i < count; i++) {
        if (seg[i].iov_len > (uint64_t)INT64_MAX - sum)
            return -EINVAL;
        sum += seg[i].iov_len;
    }
    return count;
}

int64_t sys_readv(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg[LINUX_UIO_MAXIOV];
    int n = read_guest_iovecs(e, a[1], arg_int(a[2]), seg);
    return n < 0 ? n : do_read(e, t, arg_int(a[0]), seg, n);
}

int64_t sys_writev(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct linux_iovec seg[LINUX_UIO_MAXIOV];
    int n = read_guest_iovecs(e, a[1], arg_int(a[2]), seg);
    return n < 0 ? n : do_write(e, t, arg_int(a[0]), seg, n, -1);
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

int64_t sys_dup2(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(dup2(arg_int(a[0]), arg_int(a[1])));
}

int64_t sys_dup3(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(dup3(arg_int(a[0]), arg_int(a[1]), arg_int(a[2])));
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
    if (mem_copy_from(&e->mem, &gl, addr, sizeof(gl)))
        return -EFAULT;
    struct flock hl = {.l_type = gl.l_type, .l_whence = gl.l_whence, .l_start = gl.l_start,
                       .l_len = gl.l_len, .l_pid = gl.l_pid};
    int wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
    int hcmd = cmd == F_SETLKW ? F_SETLK : cmd == F_OFD_SETLKW ? F_OFD_SETLK : cmd;
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
    if (mem_copy_from(&e->mem, buf, addr, size))
        return -EFAULT;
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
        if (r)
            return r;
    }
    int r = fstatat(dirfd, p, &st, flags);
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
    if (procfs_nvirtual && procfs_fd_kind(arg_int(a[0])) == PROCFS_MEM)
        return procfs_mem_lseek(arg_int(a[0]), (int64_t)a[1], (int)arg_uint(a[2]));
    return sys_host(lseek(arg_int(a[0]), (off_t)a[1], (int)arg_uint(a[2])));
}

/* The dirent64 stream has the same layout for host and guest (struct linux_dirent64), so the
 * host kernel writes straight into the guest buffer's first contiguous run. */
int64_t sys_getdents64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    size_t count = arg_uint(a[2]);
    if (count > (1u << 20))
        count = 1u << 20;   /* fewer entries per call, never a different result */
    struct iovec iov;
    int k = mem_iov(&e->mem, a[1], count, GPROT_WRITE, &iov, 1);
    if (k < 0)
        return -EFAULT;
    if (k == 0) {
        iov.iov_base = NULL;
        iov.iov_len = 0;
    }
    int fd = arg_int(a[0]);
    int fddir = procfs_nvirtual && procfs_fd_kind(fd) == PROCFS_FDDIR;
    for (;;) {
        int64_t n = sys_host(syscall(SYS_getdents64, fd, iov.iov_base, iov.iov_len));
        if (!fddir || n <= 0)
            return n;
        /* The guest's fd/ directory lists none of goemu's private fds (procfs.c). */
        n = procfs_filter_fddir(iov.iov_base, n);
        if (n > 0)
            return n;
    }
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
    struct linux_timespec g[2];
    struct timespec h[2];
    if (a[1]) {
        int64_t r = guest_path(e, a[1], p, !(arg_int(a[3]) & AT_SYMLINK_NOFOLLOW));
        if (r)
            return r;
    }
    if (a[2]) {
        if (mem_copy_from(&e->mem, g, a[2], sizeof(g)))
            return -EFAULT;
        for (int i = 0; i < 2; i++)
            h[i] = (struct timespec){.tv_sec = g[i].tv_sec, .tv_nsec = g[i].tv_nsec};
    }
    return sys_host(syscall(SYS_utimensat, arg_int(a[0]), a[1] ? p : NULL, a[2] ? h : NULL,
                            arg_int(a[3])));
}

/* ---- directory entries ---------------------------------------------------------------- */

static int64_t do_unlinkat(struct emu *e, int dirfd, uint64_t path, int flags)
{
    char p[LINUX_PATH_MAX];
    int64_t r = sys_read_path(e, path, p);
    return r ? r : sys_host(unlinkat(dirfd, p, flags));
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
    int64_t r = sys_read_path(e, path, p);
    return r ? r : sys_host(mkdirat(dirfd, p, (mode_t)mode));
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
    int64_t r = sys_read_path(e, oldp, o);
    if (!r)
        r = sys_read_path(e, newp, n);
    if (r)
        return r;
    if (flags)
        return sys_host(syscall(SYS_renameat2, olddir, o, newdir, n, flags));
    return sys_host(renameat(olddir, o, newdir, n));
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
    int64_t r = sys_read_path(e, a[1], o);
    if (!r)
        r = sys_read_path(e, a[3], n);
    return r ? r : sys_host(linkat(arg_int(a[0]), o, arg_int(a[2]), n, arg_int(a[4])));
}

int64_t sys_symlinkat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char target[LINUX_PATH_MAX], n[LINUX_PATH_MAX];
    int64_t r = sys_read_path(e, a[0], target);
    if (!r)
        r = sys_read_path(e, a[2], n);
    return r ? r : sys_host(symlinkat(target, arg_int(a[1]), n));
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
    int64_t r = sys_read_path(e, a[0], p);
    return r ? r : sys_host(chdir(p));
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
