/* fds.c — goemu's own descriptors in a block the guest cannot name (fds.h). The kernel hands
 * out the lowest free number below the soft RLIMIT_NOFILE (fs/file.c alloc_fd) and refuses
 * dup2/F_DUPFD targets at or above it (man 2 dup, man 2 fcntl), so keeping the host's soft
 * limit at min(guest soft limit, block) makes every guest fd Linux's number and none goemu's. */
#include "base/fds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int fds_lo = INT_MAX;
static int active;              /* the block exists: fds_lo is its first number */
static uint32_t used;           /* slots in use, bit per slot */
static int raw[FDS_SLOTS];      /* without a block: where each used slot's fd is */
static rlim_t gsoft, ghard;     /* the guest's RLIMIT_NOFILE */
static rlim_t hhard;            /* the host's hard limit: ghard + FDS_SLOTS, or the block's top */
static int window;              /* fds_retry_begin opened the block's room */

_Static_assert(FDS_SLOTS <= 32, "one bit per slot in used");

/* The host's soft limit outside windows: nothing at or above the block, nothing at or above
 * the guest's own limit. */
static rlim_t host_soft(void)
{
    return gsoft < (rlim_t)fds_lo ? gsoft : (rlim_t)fds_lo;
}

static void set_host_soft(rlim_t soft)
{
    struct rlimit r = {soft, hhard};
    setrlimit(RLIMIT_NOFILE, &r);   /* within the hard limit: cannot fail */
}

/* The highest fd open, -1 for none, -2 when /proc cannot tell. */
static int highest_fd(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -2;
    int hi = -1, self = dirfd(d);
    for (struct dirent *de; (de = readdir(d));) {
        int n = de->d_name[0] >= '0' && de->d_name[0] <= '9' ? atoi(de->d_name) : -1;
        if (n != self && n > hi)
            hi = n;
    }
    closedir(d);
    return hi;
}

void fds_init(void)
{
    struct rlimit r;
    if (active || getrlimit(RLIMIT_NOFILE, &r) < 0)
        return;
    int hi = highest_fd();
    if (hi == -2)   /* no /proc: assume what the soft limit allows */
        hi = r.rlim_cur < (rlim_t)FDS_BASE ? (int)r.rlim_cur - 1 : FDS_BASE - 1;
    for (int s = 0; s < FDS_SLOTS; s++)
        if ((used & (1u << s)) && raw[s] > hi)
            hi = raw[s];
    /* Room for the block and a guest range of its own; otherwise goemu's fds stay where they
     * are (the guest can then reach them, as before this block existed). */
    if (r.rlim_max == RLIM_INFINITY || r.rlim_max < 4 * FDS_SLOTS || r.rlim_max > INT_MAX)
        return;
    rlim_t lo = r.rlim_max - FDS_SLOTS < FDS_BASE ? r.rlim_max - FDS_SLOTS : FDS_BASE;
    if ((rlim_t)hi + 1 > lo)
        lo = (rlim_t)hi + 1;
    if (lo + FDS_SLOTS > r.rlim_max)
        return;
    hhard = r.rlim_max;
    ghard = hhard - FDS_SLOTS;
    gsoft = r.rlim_cur < ghard ? r.rlim_cur : ghard;
    fds_lo = (int)lo;
    active = 1;
    set_host_soft(lo + FDS_SLOTS);   /* slots kept before the block existed move in */
    for (int s = 0; s < FDS_SLOTS; s++)
        if (used & (1u << s)) {
            if (dup3(raw[s], fds_lo + s, O_CLOEXEC) < 0)
                used &= ~(1u << s);
            close(raw[s]);
        }
    set_host_soft(host_soft());
}

/* ---- slots ------------------------------------------------------------------------------ */

int fds_fd(int slot)
{
    if (slot < 0 || slot >= FDS_SLOTS || !(used & (1u << slot)))
        return -1;
    return active ? fds_lo + slot : raw[slot];
}

int fds_keep(int fd)
{
    if (fd < 0)
        return -1;
    int s = -1, n = __builtin_popcount(used);
    if (active && fd >= fds_lo && fd - fds_lo < FDS_SLOTS && !(used & (1u << (fd - fds_lo))))
        s = fd - fds_lo;   /* a retry put it in a free slot already */
    for (int k = 0; s < 0 && k < FDS_SLOTS; k++)
        if (!(used & (1u << k)))
            s = k;
    if (s < 0 || n >= FDS_SLOTS - 1) {
        close(fd);
        return -1;
    }
    if (!active) {
        /* No block: keep it high, out of the way of the numbers programs use, if it fits. */
        int high = fd < 512 ? fcntl(fd, F_DUPFD_CLOEXEC, 512) : -1;
        if (high >= 0) {
            close(fd);
            fd = high;
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        raw[s] = fd;
    } else if (fd != fds_lo + s) {
        set_host_soft((rlim_t)fds_lo + FDS_SLOTS);
        int r = dup3(fd, fds_lo + s, O_CLOEXEC);
        set_host_soft(window ? (rlim_t)fds_lo + FDS_SLOTS : host_soft());
        close(fd);
        if (r < 0)
            return -1;
    } else {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    used |= 1u << s;
    return s;
}

void fds_drop(int slot)
{
    int fd = fds_fd(slot);
    if (fd < 0)
        return;
    close(fd);
    used &= ~(1u << slot);
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fds_fd((int)(intptr_t)cookie), buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    return (ssize_t)done;   /* short: the stream's error flag (fopencookie(3)) */
}

static int stream_close(void *cookie)
{
    fds_drop((int)(intptr_t)cookie);
    return 0;
}

FILE *fds_stream(int slot)
{
    cookie_io_functions_t io = {.write = stream_write, .close = stream_close};
    return fds_fd(slot) < 0 ? NULL : fopencookie((void *)(intptr_t)slot, "w", io);
}

/* ---- goemu's brief opens ------------------------------------------------------------------ */

int fds_retry_begin(void)
{
    if (!active || window || errno != EMFILE)
        return 0;
    window = 1;
    set_host_soft((rlim_t)fds_lo + FDS_SLOTS);
    return 1;
}

void fds_retry_end(void)
{
    int err = errno;
    window = 0;
    set_host_soft(host_soft());
    errno = err;
}

int fds_open(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0 && fds_retry_begin()) {
        fd = open(path, flags | O_CLOEXEC);
        fds_retry_end();
    }
    return fd;
}

FILE *fds_fopen(const char *path)
{
    int fd = fds_open(path, O_RDONLY);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
    if (fd >= 0 && !f)
        close(fd);
    return f;
}

/* ---- the guest's limits ---------------------------------------------------------------- */

void fds_guest_limit(uint64_t *soft, uint64_t *hard)
{
    struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
    if (active)
        r = (struct rlimit){gsoft, ghard};
    else
        getrlimit(RLIMIT_NOFILE, &r);
    *soft = r.rlim_cur;
    *hard = r.rlim_max;
}

static int has_cap_sys_resource(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &h, d) < 0)
        return 0;
    return (d[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective & CAP_TO_MASK(CAP_SYS_RESOURCE)) != 0;
}

/* do_prlimit (kernel/sys.c): soft above hard is EINVAL, raising hard needs CAP_SYS_RESOURCE
 * and stays within fs.nr_open (EPERM). The host checks both, FDS_SLOTS higher. Lowering the
 * hard limit lowers the host's too, but never below the block (it holds fds already). */
int fds_set_guest_limit(uint64_t soft, uint64_t hard)
{
    if (soft > hard)
        return -EINVAL;
    if (!active) {
        struct rlimit r = {soft, hard};
        return setrlimit(RLIMIT_NOFILE, &r) < 0 ? -errno : 0;
    }
    if (hard > ghard) {
        if (hard > (uint64_t)INT_MAX - FDS_SLOTS)
            return -EPERM;
        if (hard + FDS_SLOTS <= hhard && !has_cap_sys_resource())
            return -EPERM;
        if (hard + FDS_SLOTS > hhard) {
            struct rlimit r = {host_soft(), hard + FDS_SLOTS};
            if (setrlimit(RLIMIT_NOFILE, &r) < 0)
                return -errno;
            hhard = hard + FDS_SLOTS;
        }
    }
    gsoft = soft;
    ghard = hard;
    rlim_t floor = (rlim_t)fds_lo + FDS_SLOTS;
    if (ghard + FDS_SLOTS < hhard)
        hhard = ghard + FDS_SLOTS > floor ? ghard + FDS_SLOTS : floor;
    set_host_soft(host_soft());
    return 0;
}

/* ---- moving the block up ----------------------------------------------------------------- */

int fds_can_grow(void)
{
    return active && (rlim_t)fds_lo < gsoft;
}

int fds_grow(uint64_t need)
{
    if (!fds_can_grow())
        return -1;
    uint64_t lo = 2 * (uint64_t)fds_lo;
    if (lo < need)
        lo = need;
    if (lo > gsoft)
        lo = gsoft;
    int old = fds_lo, to = (int)lo;
    set_host_soft(lo + FDS_SLOTS);
    /* Grow the kernel's table first, so no dup3 below can fail half way (expand_files). */
    int any = used ? old + __builtin_ctz(used) : -1;
    if (any >= 0 && dup3(any, to + FDS_SLOTS - 1, O_CLOEXEC) < 0) {
        set_host_soft(host_soft());
        return -1;
    }
    if (any >= 0)
        close(to + FDS_SLOTS - 1);
    /* Highest slot first: when the ranges overlap, each target is free by then. */
    for (int s = FDS_SLOTS - 1; s >= 0; s--)
        if (used & (1u << s)) {
            if (dup3(old + s, to + s, O_CLOEXEC) < 0)
                used &= ~(1u << s);
            close(old + s);
        }
    fds_lo = to;
    set_host_soft(window ? (rlim_t)fds_lo + FDS_SLOTS : host_soft());
    return old;
}

void fds_exec_begin(void)
{
    if (active)
        set_host_soft(gsoft);
}

void fds_exec_end(void)
{
    if (active)
        set_host_soft(host_soft());
}
