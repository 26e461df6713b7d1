/* sys_mm.c — Linux's memory syscalls over the guest address space of mem.h: mmap (anonymous,
 * and file-backed MAP_PRIVATE by copying the file in), munmap, mprotect, madvise, brk, mremap.
 * Argument checks and their order follow man 2 mmap and mm/mmap.c. Go's use of them: PROT_NONE
 * reservations and MAP_FIXED commits inside them (sysReserveOS, sysMapOS in
 * runtime/mem_linux.go), and heap address hints (mallocinit in runtime/malloc.go). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

/* vm.mmap_min_addr's default: MAP_FIXED below it is -EPERM (security_mmap_addr). */
#define MMAP_MIN_ADDR 0x10000ull
#define GUEST_PROT_MASK (GPROT_READ | GPROT_WRITE | GPROT_EXEC)
#define GUEST_MAP_NORESERVE 0x4000ull   /* include/uapi/asm-generic/mman.h */

/* ---- overcommit and resource limits --------------------------------------------------- */

/* vm.overcommit_memory (Documentation/mm/overcommit-accounting.rst): 0 heuristic, 1 always,
 * 2 never. The guest's is the host's; read once. */
static int overcommit_mode(void)
{
    static int mode = -1;
    if (mode < 0) {
        FILE *f = fds_fopen("/proc/sys/vm/overcommit_memory");
        if (!f || fscanf(f, "%d", &mode) != 1 || mode < 0 || mode > 2)
            mode = 0;
        if (f)
            fclose(f);
    }
    return mode;
}

/* One field of the host's /proc/meminfo in bytes, or ~0 when missing. */
static uint64_t meminfo(const char *key)
{
    FILE *f = fds_fopen("/proc/meminfo");
    char line[128];
    uint64_t kb = ~0ull / 1024, n;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, key, k) && line[k] == ':' && sscanf(line + k + 1, "%lu", &n) == 1) {
            kb = n;
            break;
        }
    if (f)
        fclose(f);
    return kb * 1024;
}

/* Whether bytes more of committed memory may be charged: __vm_enough_memory (mm/util.c).
 * Heuristic mode refuses one request larger than RAM + swap, which is what makes Linux
 * answer ENOMEM at once to mmap of 1 TiB or mremap to 64 TiB of ordinary memory; mode 2
 * compares with the host's CommitLimit minus Committed_AS (goemu's own host memory is
 * MAP_NORESERVE, so that is the rest of the machine). */
static int vm_enough_memory(uint64_t bytes)
{
    int mode = overcommit_mode();
    if (mode == 1)
        return 1;
    if (mode == 2) {
        uint64_t limit = meminfo("CommitLimit"), used = meminfo("Committed_AS");
        return used < limit && bytes <= limit - used;
    }
    struct sysinfo si;
    if (sysinfo(&si) < 0)
        return 1;
    return bytes / si.mem_unit <= (uint64_t)si.totalram + si.totalswap;
}

/* accountable_mapping (mm/mmap.c): private writable memory without MAP_NORESERVE is charged. */
static int accountable(int prot, int vma_flags)
{
    return (prot & GPROT_WRITE) && !(vma_flags & (VMA_SHARED | VMA_SHARED_RO | VMA_NORESERVE));
}

/* may_expand_vm (mm/mmap.c): the guest's mappings, grown by mapping [at, at+len) over
 * whatever is there now (at 0: len bytes of free pages), stay within RLIMIT_AS. The guest's
 * limits are the host's (sys_proc.c get_limit). */
static int may_expand_vm(const struct mem *m, uint64_t at, uint64_t len)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return 1;
    uint64_t grow = at ? len - mem_mapped_in(m, at, len) : len;
    uint64_t total = mem_mapped_in(m, 0, GUEST_ADDR_LIMIT);
    return grow <= rl.rlim_cur && total <= rl.rlim_cur - grow;
}

/* ---- mmap ------------------------------------------------------------------------------ */

/* The checks Linux makes on a file before mapping it, in do_mmap's order (mm/mmap.c): no fd
 * (an O_PATH one counts as none) is -EBADF, a shared writable mapping of a file not open for
 * writing and any mapping of one not open for reading -EACCES, a file that cannot be mapped
 * (only regular files can be, here) -ENODEV. *writable says whether a shared mapping of it
 * may ever be written (the fd is O_RDWR). */
static int64_t check_file_mapping(int fd, int type, int prot, struct stat *st, int *writable)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_PATH) || fstat(fd, st) < 0)
        return -EBADF;
    *writable = (fl & O_ACCMODE) == O_RDWR;
    if (type != LINUX_MAP_PRIVATE && (prot & GPROT_WRITE) && !*writable)
        return -EACCES;
    if ((fl & O_ACCMODE) == O_WRONLY)
        return -EACCES;
    if (!S_ISREG(st->st_mode))
        return -ENODEV;
    return 0;
}

/* A file mapping: the host maps the file and the guest pages are those host pages. Shared,
 * writes reach the file and other processes (Go's linker writes its output this way);
 * private, the host's copy-on-write gives Linux's semantics and costs only the pages touched
 * (a copy of the file at mmap time would commit the whole range: a sparse 1 TiB file would
 * exhaust the host). Only the part inside the file is host-mapped — touching whole pages past
 * EOF would be a SIGBUS in goemu itself — the rest is zero memory. */
static int64_t map_file(struct emu *e, uint64_t at, uint64_t len, int prot, int fd,
                        uint64_t off, const struct stat *st, int shared, int writable,
                        const char *name)
{
    uint64_t size = (uint64_t)st->st_size;
    uint64_t in_file = off >= size ? 0 : guest_page_up(size - off) < len ? guest_page_up(size - off) : len;
    if (in_file < len) {
        int r = mem_map(&e->mem, at + in_file, len - in_file, prot, 0, name);
        if (r)
            return r;
    }
    if (in_file == 0)
        return 0;
    void *host = shared ? mmap(NULL, in_file, PROT_READ | (writable ? PROT_WRITE : 0),
                               MAP_SHARED, fd, (off_t)off)
                        : mmap(NULL, in_file, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE,
                               fd, (off_t)off);   /* the guest's charge was checked above */
    if (host == MAP_FAILED)
        return sys_errno(errno);
    int vflags = shared ? VMA_SHARED | (writable ? 0 : VMA_SHARED_RO) : 0;
    return mem_map_host(&e->mem, at, in_file, prot, vflags, name, host);
}

/* The VMA name a file mapping shows: the file's base name, as /proc/self/maps would. */
static void file_vma_name(int fd, char *name, size_t size)
{
    char link[64], target[LINUX_PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0) {
        name[0] = 0;
        return;
    }
    target[n] = 0;
    const char *base = strrchr(target, '/');
    snprintf(name, size, "%.*s", (int)size - 1, base ? base + 1 : target);
}

/* Where a new mapping goes: addr itself for MAP_FIXED[_NOREPLACE], else the hint if free,
 * else top-down (mem_find_free). Returns the address or -errno. */
static int64_t mmap_place(struct mem *m, uint64_t addr, uint64_t len, int flags)
{
    if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) {
        if (addr & GUEST_PAGE_MASK)
            return -EINVAL;
        if (!guest_range_in_user(addr, len))
            return -ENOMEM;
        if (addr < MMAP_MIN_ADDR)
            return -EPERM;
        /* NOREPLACE wins over FIXED when both are given (mm/mmap.c do_mmap). */
        if ((flags & LINUX_MAP_FIXED_NOREPLACE) && !mem_range_free(m, addr, len))
            return -EEXIST;
        return (int64_t)addr;
    }
    uint64_t at = mem_find_free(m, addr, len);
    return at ? (int64_t)at : -ENOMEM;
}

int64_t sys_mmap(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t addr = a[0], len = a[1], off = a[5];
    int prot = arg_int(a[2]) & GUEST_PROT_MASK, flags = arg_int(a[3]), fd = arg_int(a[4]);
    int type = flags & LINUX_MAP_TYPE;
    if (len == 0 || (off & GUEST_PAGE_MASK))
        return -EINVAL;
    if (type != LINUX_MAP_SHARED && type != LINUX_MAP_PRIVATE && type != LINUX_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (len > GUEST_ADDR_LIMIT)
        return -ENOMEM;
    len = guest_page_up(len);
    if (off + len < off)
        return -EOVERFLOW;

    int anon = flags & LINUX_MAP_ANONYMOUS, writable = 0;
    struct stat st;
    char name[sizeof(((struct vma *)0)->name)] = "";
    if (!anon) {
        int64_t r = check_file_mapping(fd, type, prot, &st, &writable);
        if (r)
            return r;
        file_vma_name(fd, name, sizeof(name));
    }
    int64_t at = mmap_place(&e->mem, addr, len, flags);
    if (at < 0)
        return at;
    /* mmap_region (mm/mmap.c): RLIMIT_AS counts what the mapping adds beyond what it replaces;
     * private writable memory is charged unless MAP_NORESERVE (ignored in overcommit mode 2). */
    int vflags = (flags & GUEST_MAP_NORESERVE) && overcommit_mode() != 2 ? VMA_NORESERVE : 0;
    if (!may_expand_vm(&e->mem, (uint64_t)at, len))
        return -ENOMEM;
    if ((type == LINUX_MAP_PRIVATE ? accountable(prot, vflags) : anon && !vflags) &&
        !vm_enough_memory(len))
        return -ENOMEM;
    if (!anon) {
        int64_t r = map_file(e, (uint64_t)at, len, prot, fd, off, &st,
                             type != LINUX_MAP_PRIVATE, writable, name);
        if (r) {
            GOEMU_IGNORE_RESULT(mem_unmap(&e->mem, (uint64_t)at, len));  /* already failing */
            return r;
        }
        return at;
    }
    /* A shared anonymous mapping is private here: there is no fork to share it with. */
    int r = mem_map(&e->mem, (uint64_t)at, len, prot, vflags, name);
    return r ? r : at;
}

/* ---- munmap, mprotect, madvise ------------------------------------------------------- */

int64_t sys_munmap(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t addr = a[0], len = guest_page_up(a[1]);
    if ((addr & GUEST_PAGE_MASK) || len == 0 || !guest_range_in_user(addr, len))
        return -EINVAL;
    return mem_unmap(&e->mem, addr, len);
}

int64_t sys_mprotect(struct emu *e, struct thread *t, const uint64_t a[6])
{
    /* PROT_GROWSDOWN/GROWSUP (0x01000000/0x02000000) are accepted and ignored, and so is
     * PROT_SEM (0x8), which x86 allows (arch_validate_prot, include/linux/mman.h). */
    const int grows = 0x03000000 | 0x8;
    uint64_t addr = a[0], len = a[1];
    int prot = arg_int(a[2]);
    if ((addr & GUEST_PAGE_MASK) || (prot & ~(GUEST_PROT_MASK | grows)))
        return -EINVAL;
    if (len == 0)
        return 0;
    len = guest_page_up(len);
    if (len == 0 || !guest_range_in_user(addr, len))
        return -ENOMEM;
    /* mprotect_fixup (mm/mprotect.c): private memory becoming writable is charged, per VMA. */
    struct mem *m = &e->mem;
    for (size_t i = 0; (prot & GPROT_WRITE) && i < m->nvmas; i++) {
        const struct vma *v = &m->vmas[i];
        uint64_t s = v->start > addr ? v->start : addr, en = v->end < addr + len ? v->end : addr + len;
        if (s < en && !(v->prot & GPROT_WRITE) && accountable(GPROT_WRITE, v->flags) &&
            !vm_enough_memory(en - s))
            return -ENOMEM;
    }
    return mem_protect(m, addr, len, prot & GUEST_PROT_MASK);
}

static int known_advice(int advice)
{
    /* MADV_NORMAL..MADV_WILLNEED, DONTNEED, FREE..COLLAPSE (include/uapi/asm-generic/mman-common.h),
     * plus MADV_HWPOISON 100 and MADV_SOFT_OFFLINE 101. */
    return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25) || advice == 100 ||
           advice == 101;
}

/* The part [s, en) of every mapping inside [addr, addr + len), handed to fn (NULL: none);
 * returns the bytes they cover, so madvise and msync can report holes with -ENOMEM. The cost
 * follows the number of mappings, not the length. */
typedef void vma_part_fn(struct mem *m, const struct vma *v, uint64_t s, uint64_t en, void *arg);

static uint64_t vma_parts(struct mem *m, uint64_t addr, uint64_t len, vma_part_fn *fn, void *arg)
{
    uint64_t end = addr + len, covered = 0;
    for (size_t i = 0; i < m->nvmas; i++) {
        const struct vma *v = &m->vmas[i];
        uint64_t s = v->start > addr ? v->start : addr, en = v->end < end ? v->end : end;
        if (s >= en)
            continue;
        covered += en - s;
        if (fn)
            fn(m, v, s, en, arg);
    }
    return covered;
}

/* MADV_DONTNEED on private anonymous memory: the next access reads zeros (man 2 madvise).
 * The host pages behind the range are discarded with the host's own MADV_DONTNEED (one call
 * per mapping, whose host memory is contiguous), which also returns the memory. Image (file)
 * mappings are left alone: refilling them from the file is not implemented, and Go never
 * discards its image. */
static void discard_part(struct mem *m, const struct vma *v, uint64_t s, uint64_t en, void *arg)
{
    if (v->flags & VMA_IMAGE)
        return;
    if (v->prot & GPROT_EXEC)
        m->code_dirty = 1;   /* decoded blocks of these pages are now stale */
    if (v->host)
        madvise((void *)(v->host + (s - v->start)), en - s, MADV_DONTNEED);
}

static void sync_part(struct mem *m, const struct vma *v, uint64_t s, uint64_t en, void *arg)
{
    if (v->host && (v->flags & VMA_SHARED))
        msync((void *)(v->host + (s - v->start)), en - s, *(int *)arg);
}

int64_t sys_madvise(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t addr = a[0], len = guest_page_up(a[1]);
    int advice = arg_int(a[2]);
    if ((addr & GUEST_PAGE_MASK) || !known_advice(advice))
        return -EINVAL;
    if (a[1] && len == 0)
        return -EINVAL;
    if (len == 0)
        return 0;
    if (!guest_range_in_user(addr, len))
        return -ENOMEM;
    /* Linux applies the advice to the mapped parts and reports holes with -ENOMEM. */
    int discard = advice == LINUX_MADV_DONTNEED || advice == 24 /* MADV_DONTNEED_LOCKED */;
    return vma_parts(&e->mem, addr, len, discard ? discard_part : NULL, NULL) == len ? 0
                                                                                   : -ENOMEM;
}

/* ---- brk -------------------------------------------------------------------------------- */

/* The break moves within [brk_start, ...): growth maps fresh zeroed pages "[heap]" if the
 * range is free, shrinking unmaps whole pages. On failure Linux returns the current break
 * rather than an error (man 2 brk, NOTES). As brk in mm/mmap.c does, growth is refused past
 * RLIMIT_DATA (check_data_rlimit; goemu counts the heap only, not the image's data segment),
 * past RLIMIT_AS (may_expand_vm) and when overcommit refuses the charge (do_brk_flags).
 * Go on amd64 never calls brk (its one brk, sbrk0, is used only by mallocinit's 32-bit path
 * in runtime/malloc.go). */
int64_t sys_brk(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t want = a[0];
    if (!e->brk_start || want < e->brk_start || want >= GUEST_ADDR_LIMIT)
        return (int64_t)e->brk_cur;
    uint64_t old_top = guest_page_up(e->brk_cur), new_top = guest_page_up(want);
    struct rlimit rl;
    if (want > e->brk_cur && getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        want - e->brk_start > rl.rlim_cur)
        return (int64_t)e->brk_cur;
    if (new_top > old_top) {
        if (!may_expand_vm(&e->mem, old_top, new_top - old_top) ||
            !vm_enough_memory(new_top - old_top))
            return (int64_t)e->brk_cur;
        if (!mem_range_free(&e->mem, old_top, new_top - old_top))
            return (int64_t)e->brk_cur;
        if (mem_map(&e->mem, old_top, new_top - old_top, GPROT_READ | GPROT_WRITE, VMA_HEAP,
                    "[heap]"))
            return (int64_t)e->brk_cur;
    } else if (new_top < old_top && mem_unmap(&e->mem, new_top, old_top - new_top)) {
        return (int64_t)e->brk_cur;  /* brk(2) reports failure as the unchanged break */
    }
    e->brk_cur = want;
    return (int64_t)want;
}

/* ---- mremap ----------------------------------------------------------------------------- */

struct vma_copy {
    int prot, flags;
    char name[sizeof(((struct vma *)0)->name)];
};

/* Linux's mremap needs [old, end) inside one VMA (-EFAULT otherwise, vma_to_resize in
 * mm/mremap.c). goemu never merges neighbouring VMAs, so what Linux would have merged back
 * into one — adjacent pieces with the same protection and flags, e.g. a reservation after
 * mprotect made a page of it writable and then PROT_NONE again — counts as one here. */
static int one_linux_vma(const struct mem *m, const struct vma *v, uint64_t end)
{
    const struct vma *last = m->vmas + m->nvmas;
    for (const struct vma *w = v; w < last && w->start < end; w++) {
        if (w != v && (w->start != w[-1].end || w->prot != v->prot || w->flags != v->flags))
            return 0;
        if (w->end >= end)
            return 1;
    }
    return 0;
}

/* Moves [old, old+old_len) to dest as new_len bytes (mremap_to and move_vma in mm/mremap.c):
 * a shrinking move unmaps the tail first, a growing one maps the extra pages after the moved
 * ones, and the pages themselves move with their host memory (mem_move), never copied, so
 * moving a 4 GiB reservation costs what moving one VMA does, a MAP_SHARED file mapping stays
 * shared and PROT_NONE pages stay without memory. Whatever was at dest is replaced. */
static int64_t move_mapping(struct mem *m, uint64_t old, uint64_t old_len, uint64_t dest,
                            uint64_t new_len, const struct vma_copy *v)
{
    int r = 0;
    if (new_len < old_len) {
        r = mem_unmap(m, old + new_len, old_len - new_len);
        old_len = new_len;
    }
    if (!r && new_len > old_len)
        r = mem_map(m, dest + old_len, new_len - old_len, v->prot, v->flags, v->name);
    if (!r)
        r = mem_move(m, old, old_len, dest);
    return r ? r : (int64_t)dest;
}

/* Grows in place when the pages after the mapping are free, else moves (MREMAP_MAYMOVE) or
 * fails with -ENOMEM; MREMAP_FIXED moves to new_addr. Growth is checked first, as
 * vma_to_resize and mremap in mm/mremap.c do: past RLIMIT_AS, or an overcommit charge the
 * host refuses, is -ENOMEM before anything changes. Growing a MAP_SHARED file mapping is
 * -EINVAL: goemu keeps no descriptor to map more of the file with (moving and shrinking one
 * work). MREMAP_DONTUNMAP is not implemented. */
int64_t sys_mremap(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct mem *m = &e->mem;
    uint64_t old = a[0], old_len = guest_page_up(a[1]), new_len = guest_page_up(a[2]), new_addr = a[4];
    uint64_t flags = a[3];
    /* check_mremap_params (mm/mremap.c, Linux 6.17+): a new length beyond TASK_SIZE is
     * "silly", -EINVAL before the mapping is looked at (older kernels said -ENOMEM later). */
    if ((old & GUEST_PAGE_MASK) || (flags & ~7ull) || new_len == 0 || old_len == 0 ||
        new_len > GUEST_ADDR_LIMIT - GUEST_PAGE_SIZE)
        return -EINVAL;
    if ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & LINUX_MREMAP_DONTUNMAP)
        return sys_unimplemented(t, "mremap flag", flags, -EINVAL);
    const struct vma *v = mem_vma_at(m, old);
    if (!v || !guest_range_in_user(old, old_len) || !one_linux_vma(m, v, old + old_len))
        return -EFAULT;
    struct vma_copy vc = {v->prot, v->flags, ""};
    memcpy(vc.name, v->name, sizeof(vc.name));

    if (flags & LINUX_MREMAP_FIXED) {
        if ((new_addr & GUEST_PAGE_MASK) || !guest_range_in_user(new_addr, new_len))
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
    }
    if (new_len > old_len) {
        uint64_t grow = new_len - old_len;
        if (vc.flags & VMA_SHARED)
            return -EINVAL;
        if (!may_expand_vm(m, 0, grow) ||
            (accountable(vc.prot, vc.flags) && !vm_enough_memory(grow)))
            return -ENOMEM;
    }
    if (flags & LINUX_MREMAP_FIXED)
        return move_mapping(m, old, old_len, new_addr, new_len, &vc);
    if (new_len <= old_len) {
        int r = new_len < old_len ? mem_unmap(m, old + new_len, old_len - new_len) : 0;
        return r ? r : (int64_t)old;
    }
    uint64_t grow = new_len - old_len;
    if (guest_range_in_user(old, new_len) && mem_range_free(m, old + old_len, grow)) {
        int r = mem_map(m, old + old_len, grow, vc.prot, vc.flags, vc.name);
        return r ? r : (int64_t)old;
    }
    if (!(flags & LINUX_MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t dest = mem_find_free(m, 0, new_len);
    return dest ? move_mapping(m, old, old_len, dest, new_len, &vc) : -ENOMEM;
}

/* msync flushes the host pages behind a shared file mapping (man 2 msync); for private and
 * anonymous memory it only validates, as Linux does. */
int64_t sys_msync(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t addr = a[0], len = guest_page_up(a[1]);
    int flags = arg_int(a[2]);
    if ((addr & GUEST_PAGE_MASK) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    if (len && !guest_range_in_user(addr, len))
        return -ENOMEM;
    /* As mm/msync.c: the mapped parts are synced, a hole makes the result -ENOMEM. One host
     * call per shared file VMA, so the cost does not grow with the length. */
    return vma_parts(&e->mem, addr, len, sync_part, &flags) == len ? 0 : -ENOMEM;
}
