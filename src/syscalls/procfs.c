/* procfs.c — the guest's virtual /proc/self. Guest paths are host paths, so without this a
 * guest opening /proc/self/mem would get goemu's own memory (and could overwrite goemu), and
 * /proc/self/{maps,exe,auxv,cmdline,environ,stat,status} would describe goemu. Paths naming
 * this process's /proc directory — /proc/self, /proc/thread-self, /proc/<guest pid>,
 * /proc/<guest tid>, /proc/self/task/<guest tid> — are answered here from the guest's own
 * state; a few harmless entries pass through to the host's /proc/self (goemu and the guest
 * share one host process: same cwd, root, namespaces); everything else is
 * -ENOENT. The table of names is docs/isolation.md, "Virtual /proc/self".
 *
 * Text files (maps, status, ...; procfs_gen.c) are generated when opened into a sealed memfd
 * the guest then reads normally: a snapshot at open, where Linux's seq_file regenerates on
 * each read from offset 0 (fs/seq_file.c). /proc/self/mem is a memfd placeholder whose inode is recorded in
 * a small table; read/write/pread64/pwrite64/readv/writev/lseek on an fd with that inode are
 * done here on guest addresses (fs/proc/base.c: mem_rw, mem_lseek). The table is looked up
 * only once some virtual fd was ever opened, so ordinary fds pay one predictable branch. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "elf/stack.h"
#include "syscalls/procfs_gen.h"
#include "syscalls/syscalls.h"

/* Open files procfs serves itself, by host inode (shared by dups, forks and reopenings of
 * /proc/self/fd/N, so closing or dup2-ing over one needs no bookkeeping). Entries are never
 * removed: a closed placeholder's inode is not reused while the table holds its number for a
 * memfd (shmem inode numbers come from get_next_ino), and a stale entry costs only a lookup. */
struct vfile {
    dev_t dev;
    ino_t ino;
    int kind;
};
static struct vfile *vfiles;
static size_t nvfiles, cap_vfiles;

static int remember(int fd, int kind)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    for (size_t i = 0; i < nvfiles; i++)
        if (vfiles[i].dev == st.st_dev && vfiles[i].ino == st.st_ino) {
            vfiles[i].kind = kind;
            return 0;
        }
    if (nvfiles == cap_vfiles) {
        size_t cap = cap_vfiles ? 2 * cap_vfiles : 16;
        struct vfile *v = realloc(vfiles, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        vfiles = v;
        cap_vfiles = cap;
    }
    vfiles[nvfiles++] = (struct vfile){st.st_dev, st.st_ino, kind};
    return 0;
}

size_t procfs_virtual_files(void)
{
    return nvfiles;
}

int procfs_fd_kind(int fd)
{
    struct stat st;
    if (!nvfiles || fstat(fd, &st) < 0)
        return 0;
    for (size_t i = 0; i < nvfiles; i++)
        if (vfiles[i].dev == st.st_dev && vfiles[i].ino == st.st_ino)
            return vfiles[i].kind;
    return 0;
}

/* ---- guest memory regardless of protection (FOLL_FORCE) ---------------------------------- */

/* Reads n bytes inside one guest page as ptrace and /proc/pid/mem do (access_remote_vm with
 * FOLL_FORCE, mm/gup.c check_vma_flags: any mapping may be read, PROT_NONE included). A
 * mapped page without host memory yet reads as zeros, as the kernel's zero page would. */
int procfs_force_read(struct mem *m, uint64_t a, void *buf, size_t n)
{
    if (a >= GUEST_ADDR_LIMIT)
        return -1;
    const uint8_t *h = mem_host_addr(m, a, GPROT_NONE);
    if (h) {
        memcpy(buf, h, n);
        return 0;
    }
    if (!mem_vma_at(m, a))
        return -1;
    memset(buf, 0, n);
    return 0;
}

/* Writes n bytes inside one guest page, read-only and PROT_NONE pages included (FOLL_FORCE
 * breaks COW on a private mapping; a PROT_NONE mapping that never had memory gets it here, as
 * the fault handler gives the page one), but never a shared mapping the guest cannot write:
 * check_vma_flags refuses a FOLL_FORCE write to a mapping that is not is_cow_mapping. */
static int force_write(struct mem *m, uint64_t a, const void *buf, size_t n)
{
    if (a >= GUEST_ADDR_LIMIT)
        return -1;
    const struct vma *v = mem_vma_at(m, a);
    if (!v || (v->flags & VMA_SHARED_RO) || (!v->host && mem_back(m, a)))
        return -1;
    return mem_poke(m, a, buf, n) ? -1 : 0;
}

/* mem_rw (fs/proc/base.c): page-sized chunks; the first chunk that cannot be transferred ends
 * the call with the bytes done so far, or -EIO when none were (-EFAULT for the guest buffer). */
int64_t procfs_mem_rw(struct emu *e, int fd, const struct linux_iovec *seg, int nseg,
                      int64_t off, int write)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return sys_errno(errno);
    if ((fl & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
        return -EBADF;
    int64_t pos = off >= 0 ? off : lseek(fd, 0, SEEK_CUR);
    if (pos < 0)
        return sys_errno(errno);
    uint64_t done = 0, cap = 0x7ffff000ull;   /* MAX_RW_COUNT */
    int64_t err = 0;
    uint8_t page[GUEST_PAGE_SIZE];
    for (int i = 0; i < nseg && !err && done < cap; i++) {
        uint64_t left = seg[i].iov_len, ubuf = seg[i].iov_base;
        while (left && done < cap) {
            uint64_t a = (uint64_t)pos;
            size_t k = GUEST_PAGE_SIZE - (a & GUEST_PAGE_MASK);
            if (k > left)
                k = left;
            if (k > cap - done)
                k = cap - done;
            if (write) {
                if (mem_copy_from(&e->mem, page, ubuf, k)) {
                    err = -EFAULT;
                    break;
                }
                if (force_write(&e->mem, a, page, k)) {
                    err = -EIO;
                    break;
                }
            } else {
                if (procfs_force_read(&e->mem, a, page, k)) {
                    err = -EIO;
                    break;
                }
                if (mem_copy_to(&e->mem, ubuf, page, k)) {
                    err = -EFAULT;
                    break;
                }
            }
            pos += (int64_t)k;
            ubuf += k;
            left -= k;
            done += k;
        }
    }
    if (off < 0 && done)
        lseek(fd, pos, SEEK_SET);
    return done ? (int64_t)done : err;
}

/* mem_lseek: SEEK_SET and SEEK_CUR only. Linux allows any unsigned position
 * (FMODE_UNSIGNED_OFFSET); here positions are kept by the host file and stay below 2^63,
 * which covers every guest address. */
int64_t procfs_mem_lseek(int fd, int64_t off, int whence)
{
    if (whence != SEEK_SET && whence != SEEK_CUR)
        return -EINVAL;
    return sys_host(lseek(fd, off, whence));
}

/* getdents64 on the virtual fd/ directory: drops goemu's private descriptors (its block,
 * base/fds.h) from the entries the host wrote. Returns the new length. */
int64_t procfs_filter_fddir(void *buf, int64_t n)
{
    uint8_t *p = buf, *out = buf;
    int64_t kept = 0;
    for (int64_t at = 0; at < n;) {
        struct linux_dirent64 *d = (struct linux_dirent64 *)(p + at);
        unsigned short len = d->d_reclen;
        if (!len)
            break;
        const char *name = d->d_name;
        int priv = name[0] >= '0' && name[0] <= '9' && fds_private(atoi(name));
        if (!priv) {
            if (out != p + at)
                memmove(out, p + at, len);
            out += len;
            kept += len;
        }
        at += len;
    }
    return kept;
}

/* ---- naming ----------------------------------------------------------------------------- */

enum entry {
    ENT_DIR,      /* the /proc/<pid> directory itself: the host's /proc/self stands in */
    ENT_MEM, ENT_MAPS, ENT_SMAPS, ENT_STATUS, ENT_STAT, ENT_STATM, ENT_CMDLINE, ENT_ENVIRON,
    ENT_AUXV, ENT_COMM, ENT_EXE, ENT_LIMITS,
    ENT_FDDIR,    /* fd/ itself: listed without goemu's private fds */
    ENT_FD,       /* fd/N, fdinfo/N: the host's, but not goemu's private fds */
    ENT_PASS,     /* the host's /proc/self/<rest>: identical for guest and goemu */
};

static const struct {
    const char *name;
    enum entry ent;
} names[] = {
    {"mem", ENT_MEM},        {"maps", ENT_MAPS},       {"smaps", ENT_SMAPS},
    {"status", ENT_STATUS},  {"stat", ENT_STAT},       {"statm", ENT_STATM},
    {"cmdline", ENT_CMDLINE}, {"environ", ENT_ENVIRON}, {"auxv", ENT_AUXV},
    {"comm", ENT_COMM},      {"exe", ENT_EXE},
    {"cwd", ENT_PASS},       {"root", ENT_PASS},       {"cgroup", ENT_PASS},
    {"mountinfo", ENT_PASS}, {"mounts", ENT_PASS},     {"limits", ENT_LIMITS},
    {"ns", ENT_PASS},        {"net", ENT_PASS},        {"oom_score", ENT_PASS},
    {"oom_score_adj", ENT_PASS}, {"uid_map", ENT_PASS}, {"gid_map", ENT_PASS},
    {"setgroups", ENT_PASS}, {"loginuid", ENT_PASS},   {"sessionid", ENT_PASS},
};

struct procname {
    enum entry ent;
    int tid;            /* the thread whose directory it is (pid for /proc/self) */
    int is_link;        /* the path is /proc/self (1) or /proc/thread-self (2) themselves */
    char rest[LINUX_PATH_MAX - 32];   /* the path below /proc/self/ (fits under it) */
};

static int parse_num(const char *s, int *v)
{
    if (!*s || strlen(s) > 9)
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    *v = atoi(s);
    return 0;
}

/* Splits an absolute path into components, resolving "", "." and ".." lexically (a ".." of a
 * real directory reached through a symlink, like /proc/self/cwd/.., is not what the kernel
 * would do; the kernel's answer is then found after the host open by procfs_check_opened). */
static int split(const char *path, char comps[][256], int max)
{
    int n = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t len = strcspn(p, "/");
        if (!len)
            break;
        if (len == 1 && p[0] == '.') {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (n)
                n--;
        } else {
            if (n == max || len >= 256)
                return -1;
            memcpy(comps[n], p, len);
            comps[n][len] = 0;
            n++;
        }
        p += len;
    }
    return n;
}

/* 1 if path names this process's /proc directory (filling pn), 0 if not, -errno when it does
 * but names nothing procfs offers. */
static int lookup(struct emu *e, struct thread *t, const char *path, struct procname *pn)
{
    enum { MAXC = 64 };
    static char comps[MAXC][256];
    if (path[0] != '/')
        return 0;
    int n = split(path, comps, MAXC), i = 2, num;
    /* /dev/fd is the symlink to /proc/self/fd (udev, systemd): goemu's fds are not there. */
    if (n == 3 && !strcmp(comps[0], "dev") && !strcmp(comps[1], "fd") &&
        !parse_num(comps[2], &num) && fds_private(num))
        return -ENOENT;
    if (n < 2 || strcmp(comps[0], "proc"))
        return 0;
    pn->is_link = 0;
    if (!strcmp(comps[1], "self")) {
        pn->tid = e->pid;
        pn->is_link = n == 2;
    } else if (!strcmp(comps[1], "thread-self")) {
        pn->tid = t ? t->tid : e->pid;
        pn->is_link = n == 2 ? 2 : 0;
    } else if (!parse_num(comps[1], &num)) {
        if (num == e->pid || thread_find(e, num))
            pn->tid = num;
        else if (num == (int)getpid() || num == (int)gettid())
            return -ENOENT;   /* goemu's own, under another number than the guest's pid */
        else
            return 0;         /* another process: the host's */
    } else {
        return 0;
    }
    if (n > i && !strcmp(comps[i], "task")) {
        if (n == i + 1 || parse_num(comps[i + 1], &num) || !thread_find(e, num))
            return -ENOENT;   /* the list of tasks is not offered, only each task's files */
        pn->tid = num;
        i += 2;
    }
    pn->rest[0] = 0;
    if (n == i) {
        pn->ent = ENT_DIR;
        return 1;
    }
    for (int k = i; k < n; k++) {
        size_t len = strlen(pn->rest);
        snprintf(pn->rest + len, sizeof(pn->rest) - len, "%s%s", len ? "/" : "", comps[k]);
    }
    if (!strcmp(comps[i], "fd") || !strcmp(comps[i], "fdinfo")) {
        if (n == i + 1) {
            pn->ent = !strcmp(comps[i], "fd") ? ENT_FDDIR : ENT_PASS;
            return 1;
        }
        if (parse_num(comps[i + 1], &num) || fds_private(num))
            return -ENOENT;
        pn->ent = ENT_FD;
        return 1;
    }
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if (!strcmp(comps[i], names[k].name)) {
            if (names[k].ent != ENT_PASS && n > i + 1)
                return -ENOTDIR;   /* a file, or exe (the executable is not a directory) */
            pn->ent = names[k].ent;
            return 1;
        }
    return -ENOENT;
}

/* The host path that stands in for pn (stat, access, passthrough opens): goemu's own entry of
 * the same name, which has the same type and mode, or the executable for a followed exe. */
static void host_path(struct emu *e, const struct procname *pn, int follow, char *buf)
{
    if (pn->ent == ENT_DIR)
        snprintf(buf, LINUX_PATH_MAX, "/proc/self");
    else if (pn->ent == ENT_EXE && follow && e->exe_realpath)
        snprintf(buf, LINUX_PATH_MAX, "%s", e->exe_realpath);
    else
        snprintf(buf, LINUX_PATH_MAX, "/proc/self/%s", pn->rest);
}

int64_t procfs_path(struct emu *e, struct thread *t, char *path, int follow)
{
    struct procname pn;
    int r = lookup(e, t, path, &pn);
    if (r <= 0)
        return r;
    if (pn.is_link && !follow) {
        snprintf(path, LINUX_PATH_MAX, "/proc/self");
        return 0;   /* lstat of the link: the host's /proc/self link */
    }
    host_path(e, &pn, follow, path);
    return 0;
}

/* ---- opening ------------------------------------------------------------------------------ */

/* Gives a descriptor the guest's access mode and close-on-exec flag at the lowest free number,
 * as open does: reopens tmp through /proc/self/fd and moves the result onto tmp's number. */
static int64_t install(int tmp, int flags)
{
    char link[64];
    int acc = flags & O_ACCMODE, cloexec = flags & O_CLOEXEC;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", tmp);
    int fd = fds_open(link, acc);   /* briefly a second fd: room even at the guest's limit */
    if (fd < 0) {
        int err = errno;
        close(tmp);
        return sys_errno(err);
    }
    if (dup3(fd, tmp, cloexec) < 0) {
        int err = errno;
        close(fd);
        close(tmp);
        return sys_errno(err);
    }
    close(fd);
    return tmp;
}

/* A read-only file holding the generated text (mode 0444 or 0400 as Linux has them). */
static int64_t open_text(struct emu *e, struct thread *t, const struct procname *pn, int flags)
{
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -ENOMEM;
    static const enum procfs_text text_of[] = {
        [ENT_MAPS] = PT_MAPS, [ENT_SMAPS] = PT_SMAPS, [ENT_STATUS] = PT_STATUS,
        [ENT_STAT] = PT_STAT, [ENT_STATM] = PT_STATM, [ENT_COMM] = PT_COMM,
        [ENT_CMDLINE] = PT_CMDLINE, [ENT_ENVIRON] = PT_ENVIRON, [ENT_AUXV] = PT_AUXV,
        [ENT_LIMITS] = PT_LIMITS,
    };
    int ok = pn->ent < sizeof text_of / sizeof text_of[0] && text_of[pn->ent] != PT_NONE
                 ? procfs_generate(f, e, t, pn->tid, text_of[pn->ent])
                 : -ENOENT;
    if (fclose(f) != 0 && !ok)
        ok = -ENOMEM;
    if (ok) {
        free(text);
        return ok;
    }
    int tmp = memfd_create("goemu-proc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (tmp < 0) {
        free(text);
        return sys_errno(errno);
    }
    size_t at = 0;
    while (at < len) {
        ssize_t w = write(tmp, text + at, len - at);
        if (w <= 0)
            break;
        at += (size_t)w;
    }
    free(text);
    if (at < len || lseek(tmp, 0, SEEK_SET) < 0 ||
        fcntl(tmp, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        close(tmp);
        return -EIO;
    }
    fchmod(tmp, pn->ent == ENT_ENVIRON || pn->ent == ENT_AUXV ? 0400 : 0444);
    return install(tmp, flags);
}

/* A new `mem` placeholder: an empty memfd, remembered as PROCFS_MEM. */
static int mem_memfd(void)
{
    int fd = memfd_create("goemu-proc-mem", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    fchmod(fd, 0600);
    int r = remember(fd, PROCFS_MEM);
    if (r) {
        close(fd);
        return r;
    }
    return fd;
}

/* A new open file of the one placeholder memfd every guest `mem` open shares (kept in
 * goemu's block of fds): a reopening through /proc/self/fd has its own position and the same
 * inode, so the table above holds one entry however often the guest opens and closes `mem`.
 * Falls back to a memfd of its own when the block has no room. */
static int mem_placeholder_open(void)
{
    static int slot = -1;
    if (slot < 0) {
        int fd = mem_memfd();
        if (fd < 0)
            return fd;
        int s = fds_keep(fd);
        if (s < 0)
            return mem_memfd();   /* the block is full: this open gets a memfd of its own */
        slot = s;
    }
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fds_fd(slot));
    int fd = open(link, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int64_t open_virtual(struct emu *e, struct thread *t, const struct procname *pn,
                            int flags, unsigned mode, char *path)
{
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if ((flags & O_DIRECTORY) && pn->ent != ENT_DIR && pn->ent != ENT_FDDIR &&
        pn->ent != ENT_PASS && pn->ent != ENT_FD)
        return -ENOTDIR;
    switch (pn->ent) {
    case ENT_MEM: {
        int tmp = mem_placeholder_open();
        return tmp < 0 ? tmp : install(tmp, flags);
    }
    case ENT_EXE:
        if (flags & O_NOFOLLOW)
            return -ELOOP;
        if (!e->exe_realpath)
            return -ENOENT;
        return sys_host(open(e->exe_realpath, flags & ~O_CREAT, (mode_t)mode));
    case ENT_FDDIR: {
        int fd = open("/proc/self/fd", flags & ~O_CREAT);
        if (fd < 0)
            return sys_errno(errno);
        int r = remember(fd, PROCFS_FDDIR);
        if (r) {
            close(fd);
            return r;
        }
        return fd;
    }
    case ENT_DIR:
    case ENT_FD:
    case ENT_PASS:
        host_path(e, pn, !(flags & O_NOFOLLOW), path);
        return PROCFS_PASS;
    default:
        return open_text(e, t, pn, flags);
    }
}

int64_t procfs_openat(struct emu *e, struct thread *t, char *path, int flags, unsigned mode)
{
    struct procname pn;
    int r = lookup(e, t, path, &pn);
    if (r < 0)
        return r;
    if (r == 0)
        return PROCFS_PASS;
    if (pn.is_link && (flags & O_NOFOLLOW) && !(flags & O_PATH))
        return -ELOOP;
    return open_virtual(e, t, &pn, flags, mode, path);
}

/* The kernel's name for fd ("/proc/1234/mem") when it is a file of /proc, else 0. */
static int proc_fd_target(int fd, char *target)
{
    static dev_t proc_dev;
    static int have_dev;
    struct stat st;
    if (!have_dev) {
        struct stat ps;
        if (stat("/proc/self", &ps) < 0)
            return 0;
        proc_dev = ps.st_dev;
        have_dev = 1;
    }
    if (fstat(fd, &st) < 0 || st.st_dev != proc_dev)
        return 0;
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, LINUX_PATH_MAX - 1);
    if (n < 0)
        return 0;
    target[n] = 0;
    return 1;
}

/* The guest's name for target when it is one of goemu's own /proc files:
 * "/proc/<goemu pid>/..." or ".../task/<tid>/..." turned into "/proc/self/...". */
static int own_proc_name(const char *target, char *out)
{
    char prefix[64], tprefix[96];
    int pid = (int)getpid(), tid = (int)gettid();
    snprintf(prefix, sizeof(prefix), "/proc/%d", pid);
    snprintf(tprefix, sizeof(tprefix), "/proc/%d/task/%d", pid, tid);
    const char *rest = NULL;
    size_t tl = strlen(tprefix), pl = strlen(prefix);
    if (!strncmp(target, tprefix, tl) && (target[tl] == '/' || !target[tl]))
        rest = target + tl;
    else if (!strncmp(target, prefix, pl) && (target[pl] == '/' || !target[pl]))
        rest = target + pl;
    else {
        snprintf(prefix, sizeof(prefix), "/proc/%d", tid);
        pl = strlen(prefix);
        if (!strncmp(target, prefix, pl) && (target[pl] == '/' || !target[pl]))
            rest = target + pl;
    }
    if (!rest)
        return 0;
    snprintf(out, LINUX_PATH_MAX, "/proc/self%s", rest);
    return 1;
}

/* Whether target is the mem file of another process running goemu's own executable (a forked
 * guest child, a parent goemu, any other goemu): its memory is that goemu's, not a guest's,
 * and writing it would reach that goemu's code and data. */
static int other_goemu_mem(const char *target)
{
    static struct stat self;
    static int have_self;
    int pid, tid, n = 0;
    if (!(sscanf(target, "/proc/%d/mem%n", &pid, &n) == 1 && n && !target[n]) &&
        !(sscanf(target, "/proc/%d/task/%d/mem%n", &pid, &tid, &n) == 2 && n && !target[n]))
        return 0;
    if (!have_self) {
        if (stat("/proc/self/exe", &self) < 0)
            return 0;
        have_self = 1;
    }
    char exe[64];
    struct stat st;
    snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
    return stat(exe, &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino;
}

int64_t procfs_check_opened(struct emu *e, struct thread *t, int64_t fd, int flags,
                            unsigned mode)
{
    char target[LINUX_PATH_MAX], path[LINUX_PATH_MAX];
    if (fd < 0 || !proc_fd_target((int)fd, target))
        return fd;
    if (!own_proc_name(target, path)) {
        if (!other_goemu_mem(target))
            return fd;
        /* As for a process the guest may not ptrace (proc_mem_open, fs/proc/base.c). */
        close((int)fd);
        return -EACCES;
    }
    /* Reached goemu's own /proc through a symlink, a relative path or "..": answer for the
     * guest instead, at the same descriptor number. */
    close((int)fd);
    int64_t r = procfs_openat(e, t, path, flags & ~O_NOFOLLOW, mode);
    if (r == PROCFS_PASS)
        r = sys_host(open(path, flags & ~O_NOFOLLOW, (mode_t)mode));
    return r;
}

/* ---- readlink -------------------------------------------------------------------------- */

int64_t procfs_readlink(struct emu *e, struct thread *t, char *path, char *target,
                        size_t size)
{
    struct procname pn;
    int r = lookup(e, t, path, &pn);
    if (r < 0)
        return r;
    if (r == 0)
        return PROCFS_PASS;
    if (pn.is_link) {
        /* proc_self_get_link, proc_thread_self_get_link (fs/proc/self.c, thread_self.c). */
        int n = pn.is_link == 2
                    ? snprintf(target, size, "%d/task/%d", e->pid, pn.tid)
                    : snprintf(target, size, "%d", e->pid);
        return n < (int)size ? n : (int64_t)size;
    }
    switch (pn.ent) {
    case ENT_EXE:
        if (!e->exe_realpath)
            return -ENOENT;
        return snprintf(target, size, "%s", e->exe_realpath) < (int)size ? (int64_t)strlen(target)
                                                                          : (int64_t)size;
    case ENT_FD:
    case ENT_PASS:
        host_path(e, &pn, 0, path);
        return PROCFS_PASS;
    default:
        return -EINVAL;   /* not a symlink */
    }
}
