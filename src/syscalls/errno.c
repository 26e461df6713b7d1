/* errno.c — the one place a host errno becomes the guest's -errno (qemu's
 * host_to_target_errno). Host and guest are both x86-64 Linux, so the numbers agree today;
 * every handler still goes through here so a different host needs one table, not a hunt. */
#include <errno.h>

#include "syscalls/syscalls.h"

int64_t sys_errno(int host_errno)
{
    /* A failing host call always sets errno; guard against 0 so an error never reads as
     * success to the guest. */
    return host_errno > 0 ? -(int64_t)host_errno : -EIO;
}

int64_t sys_host(int64_t r)
{
    return r == -1 ? sys_errno(errno) : r;
}
