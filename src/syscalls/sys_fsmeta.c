/* sys_fsmeta.c — file locks, ownership, sizes and device nodes by path, and the in-kernel
 * copies (sendfile, copy_file_range, splice). All pass through to the host; offsets that
 * live in guest memory are copied in and back out. A blocking flock is tried non-blocking
 * and retried each time the thread is scheduled, as fcntl's F_SETLKW is (sys_fs.c). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

int64_t sys_flock(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int fd = arg_int(a[0]), op = arg_int(a[1]);
    if (flock(fd, op | LOCK_NB) == 0)
        return 0;
    if (errno == EWOULDBLOCK && !(op & LOCK_NB))
        return sys_block_on_fd(t, fd, POLLIN | POLLOUT, -1, 0);
    return sys_errno(errno);
}

int64_t sys_truncate(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char path[LINUX_PATH_MAX];
    int64_t r;
    /* An unreadable path goes to the host as a stand-in (sys_host_path): do_sys_truncate
     * (fs/open.c) checks the length before it reads the path. */
    const char *hp = sys_host_path(e, a[0], path, &r);
    /* The running guest executable is not to be truncated (handle_truncate's
     * get_write_access, fs/namei.c): ETXTBSY, as for open with O_TRUNC. */
    struct stat st;
    if (!r && stat(path, &st) == 0 && is_guest_exe(e, &st))
        return -ETXTBSY;
    return sys_host(syscall(SYS_truncate, hp, (off_t)a[1]));
}

int64_t sys_chown(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char path[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_chown, sys_host_path(e, a[0], path, &r), arg_uint(a[1]), arg_uint(a[2])));
}

int64_t sys_lchown(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char path[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_lchown, sys_host_path(e, a[0], path, &r), arg_uint(a[1]), arg_uint(a[2])));
}

int64_t sys_fchown(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fchown(arg_int(a[0]), arg_uint(a[1]), arg_uint(a[2])));
}

int64_t sys_fchownat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char path[LINUX_PATH_MAX];
    int64_t r;
    /* do_fchownat (fs/open.c) checks the flags before the path. */
    return sys_host(syscall(SYS_fchownat, arg_int(a[0]), sys_host_path(e, a[1], path, &r),
                            arg_uint(a[2]), arg_uint(a[3]), arg_int(a[4])));
}

int64_t sys_mknodat(struct emu *e, struct thread *t, const uint64_t a[6])
{
    char path[LINUX_PATH_MAX];
    int64_t r;
    return sys_host(syscall(SYS_mknodat, arg_int(a[0]), sys_host_path(e, a[1], path, &r),
                            arg_uint(a[2]), arg_uint(a[3])));
}

int64_t sys_mknod(struct emu *e, struct thread *t, const uint64_t a[6])
{
    const uint64_t b[6] = {(uint64_t)(uint32_t)AT_FDCWD, a[0], a[1], a[2]};
    return sys_mknodat(e, t, b);
}

/* An optional loff_t in guest memory: read into *off (returning &off's storage), or NULL. */
static int64_t off_in(struct emu *e, uint64_t addr, loff_t *off, loff_t **p)
{
    *p = NULL;
    if (!addr)
        return 0;
    if (mem_copy_from(&e->mem, off, addr, sizeof(*off)))
        return -EFAULT;
    *p = off;
    return 0;
}

static int64_t off_out(struct emu *e, uint64_t addr, const loff_t *off, int64_t r)
{
    if (r >= 0 && addr && mem_copy_to(&e->mem, addr, off, sizeof(*off)))
        return -EFAULT;
    return r;
}

int64_t sys_sendfile(struct emu *e, struct thread *t, const uint64_t a[6])
{
    loff_t off, *p;
    int64_t r = off_in(e, a[2], &off, &p);
    if (r < 0)
        return r;
    r = sys_host(sendfile(arg_int(a[0]), arg_int(a[1]), p, (size_t)a[3]));
    return off_out(e, a[2], &off, r);
}

/* copy_file_range and splice share their argument shape: (fd_in, loff_t *off_in, fd_out,
 * loff_t *off_out, len, flags). Both guest offsets are copied in and back out. */
typedef ssize_t copy_fn(int, loff_t *, int, loff_t *, size_t, unsigned);

static int64_t two_offset_copy(struct emu *e, const uint64_t a[6], copy_fn *fn, long nr)
{
    loff_t oin, oout, *pin, *pout;
    int64_t rin = off_in(e, a[1], &oin, &pin), rout = off_in(e, a[3], &oout, &pout);
    /* Both fds are looked up before an offset is read (copy_file_range in fs/read_write.c,
     * splice in fs/splice.c), and the offsets before anything moves: an offset the guest cannot
     * give reaches the host as a stand-in, which it fails on in its own order. */
    if (rin || rout)
        return sys_host(syscall(nr, arg_int(a[0]), rin ? mem_fault_ptr(a[1], sizeof(oin)) : pin,
                                arg_int(a[2]), rout ? mem_fault_ptr(a[3], sizeof(oout)) : pout,
                                (size_t)a[4], arg_uint(a[5])));   /* raw: no libc look */
    int64_t r = sys_host(fn(arg_int(a[0]), pin, arg_int(a[2]), pout, (size_t)a[4], arg_uint(a[5])));
    r = off_out(e, a[1], &oin, r);
    return off_out(e, a[3], &oout, r);
}

int64_t sys_copy_file_range(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return two_offset_copy(e, a, copy_file_range, SYS_copy_file_range);
}

/* Go's net package splices through non-blocking pipes (SPLICE_F_NONBLOCK); a blocking splice
 * stays host-blocking: documented limitation. */
int64_t sys_splice(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return two_offset_copy(e, a, splice, SYS_splice);
}

int64_t sys_fallocate(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(fallocate(arg_int(a[0]), arg_int(a[1]), (off_t)a[2], (off_t)a[3]));
}
