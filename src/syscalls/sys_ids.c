/* sys_ids.c — who the guest is: its pid, tids and parent, and its user and group ids. In
 * --deterministic runs every id is fixed (pid 1000, uid/gid 1000) so traces and output do not
 * depend on who runs them or when (emu_guest_id); credential changes go to the host, since
 * goemu's host process is the guest's process. */
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

/* ---- identity ---------------------------------------------------------------------------- */

int64_t sys_getpid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return e->pid;
}

int64_t sys_gettid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return t->tid;
}

/* In deterministic mode the parent is reported as pid 1 so traces do not carry host pids, or
 * in a forked child as its parent's pid (e->ppid, sys_process.c). */
int64_t sys_getppid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return e->opt.deterministic ? (e->ppid ? e->ppid : 1) : getppid();
}

int64_t sys_getuid(struct emu *e, struct thread *t, const uint64_t a[6]) { return emu_guest_id(e, getuid()); }
int64_t sys_geteuid(struct emu *e, struct thread *t, const uint64_t a[6]) { return emu_guest_id(e, geteuid()); }
int64_t sys_getgid(struct emu *e, struct thread *t, const uint64_t a[6]) { return emu_guest_id(e, getgid()); }
int64_t sys_getegid(struct emu *e, struct thread *t, const uint64_t a[6]) { return emu_guest_id(e, getegid()); }

/* ---- credentials ----------------------------------------------------------------------------
 * goemu is the guest's process, so its credentials are the guest's: the raw syscalls (glibc's
 * wrappers would signal every host thread; there is one). -1 means "unchanged" in 32 bits. */

int64_t sys_setuid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setuid, arg_uint(a[0])));
}

int64_t sys_setgid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setgid, arg_uint(a[0])));
}

int64_t sys_setreuid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setreuid, arg_uint(a[0]), arg_uint(a[1])));
}

int64_t sys_setregid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setregid, arg_uint(a[0]), arg_uint(a[1])));
}

int64_t sys_setresuid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setresuid, arg_uint(a[0]), arg_uint(a[1]), arg_uint(a[2])));
}

int64_t sys_setresgid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return sys_host(syscall(SYS_setresgid, arg_uint(a[0]), arg_uint(a[1]), arg_uint(a[2])));
}

/* Three 32-bit ids, each to its own guest pointer, as the guest sees them (emu_guest_id). */
static int64_t put_ids(struct emu *e, const uint64_t a[6], const unsigned host[3])
{
    for (int i = 0; i < 3; i++) {
        uint32_t id = emu_guest_id(e, host[i]);
        if (mem_copy_to(&e->mem, a[i], &id, sizeof(id)))
            return -EFAULT;
    }
    return 0;
}

int64_t sys_getresuid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uid_t r, ef, s;
    getresuid(&r, &ef, &s);
    return put_ids(e, a, (const unsigned[3]){r, ef, s});
}

int64_t sys_getresgid(struct emu *e, struct thread *t, const uint64_t a[6])
{
    gid_t r, ef, s;
    getresgid(&r, &ef, &s);
    return put_ids(e, a, (const unsigned[3]){r, ef, s});
}

#define LINUX_NGROUPS_MAX 65536

/* getgroups(size, list): size 0 asks only for the count. gid_t is 32 bits on both sides. */
int64_t sys_getgroups(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int size = arg_int(a[0]);
    if (size < 0)
        return -EINVAL;
    gid_t *g = malloc(LINUX_NGROUPS_MAX * sizeof(*g));
    if (!g)
        return -ENOMEM;
    int n = getgroups(size < LINUX_NGROUPS_MAX ? size : LINUX_NGROUPS_MAX, g);
    int64_t r = n < 0 ? sys_errno(errno) : n;
    if (n > 0 && size && mem_copy_to(&e->mem, a[1], g, (size_t)n * sizeof(*g)))
        r = -EFAULT;
    free(g);
    return r;
}

int64_t sys_setgroups(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int size = arg_int(a[0]);
    if (size < 0 || size > LINUX_NGROUPS_MAX)
        return -EINVAL;
    gid_t *g = malloc((size_t)(size ? size : 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    int64_t r = mem_copy_from(&e->mem, g, a[1], (size_t)size * sizeof(*g)) ? -EFAULT : 0;
    if (!r)
        r = sys_host(syscall(SYS_setgroups, size, g));
    free(g);
    return r;
}
