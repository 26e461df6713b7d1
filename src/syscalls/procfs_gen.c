/* procfs_gen.c — the text files of the guest's virtual /proc/self (procfs.c serves them):
 * maps, smaps, status, stat, statm, comm from the guest's state, and cmdline, environ and
 * auxv found again on its initial stack. Formats follow fs/proc/task_mmu.c (show_map_vma),
 * fs/proc/array.c (proc_pid_status, do_task_stat) and fs/proc/base.c. */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "elf/stack.h"
#include "syscalls/procfs_gen.h"
#include "syscalls/syscalls.h"

/* ---- the initial stack: argv, envp, auxv ---------------------------------------------------
 * struct emu does not keep where boot put them, so they are found again from the layout
 * src/elf/stack.c builds (and Linux, fs/binfmt_elf.c create_elf_tables): AT_EXECFN's string
 * just below ELF_STACK_TOP - 8, argv and envp strings below it, "x86_64" (AT_PLATFORM) ending
 * 16-byte aligned below those, the 16 random bytes, then argc, argv[], envp[] and auxv ending
 * at or 8 bytes below the random bytes' 16-byte boundary. Every candidate is checked against
 * the vectors' pointers, so a guest that rewrote its stack gets -ENOENT, not garbage. */
struct initstack {
    uint64_t rsp, auxv, auxv_end, arg_start, arg_end, env_start, env_end;
};

static int rd64(struct mem *m, uint64_t a, uint64_t *v)
{
    return procfs_force_read(m, a, v, 8);
}

/* With the auxv ending at end, fills s (rsp, argv/envp areas) or returns -1. */
static int check_vectors(struct mem *m, uint64_t end, uint64_t strings, uint64_t execfn,
                         uint64_t platform, struct initstack *s)
{
    uint64_t w0, w1;
    if (rd64(m, end - 16, &w0) || rd64(m, end - 8, &w1) || w0 != AT_NULL)
        return -1;
    int found_platform = 0;
    uint64_t a = end - 16;
    for (int n = 0; n < 64; n++) {
        if (rd64(m, a - 16, &w0) || rd64(m, a - 8, &w1))
            return -1;
        if (w0 == AT_NULL || w0 > 64)
            break;
        if (w0 == AT_PLATFORM && w1 == platform)
            found_platform = 1;
        a -= 16;
    }
    if (!found_platform || rd64(m, a - 8, &w0) || w0 != 0)
        return -1;
    /* envp[] then argv[] below the auxv, read backwards: pointers into the strings. */
    uint64_t p = a - 16, env0 = 0, n = 0;
    while (!rd64(m, p, &w0) && w0 >= strings && w0 < execfn) {
        env0 = w0;
        p -= 8;
    }
    if (rd64(m, p, &w0) || w0 != 0)   /* argv NULL */
        return -1;
    p -= 8;
    uint64_t argv0 = 0;
    while (!rd64(m, p, &w0) && w0 >= strings && w0 < execfn && w0 != n) {
        argv0 = w0;
        n++;
        p -= 8;
    }
    if (rd64(m, p, &w0) || w0 != n || (n && argv0 != strings))
        return -1;
    s->rsp = p;
    s->auxv = a;
    s->auxv_end = end;
    s->arg_start = strings;
    s->arg_end = env0 ? env0 : execfn;
    s->env_start = s->arg_end;
    s->env_end = execfn;
    return 0;
}

static int find_initstack(struct emu *e, struct initstack *s)
{
    struct mem *m = &e->mem;
    if (!e->exe_path)
        return -1;
    size_t len = strlen(e->exe_path) + 1;
    uint64_t execfn = ELF_STACK_TOP - 8 - len;
    char buf[LINUX_PATH_MAX];
    if (len > sizeof(buf))
        return -1;
    for (size_t i = 0; i < len; i += 8) {
        size_t k = len - i < 8 ? len - i : 8;
        uint64_t a = execfn + i;
        size_t in_page = GUEST_PAGE_SIZE - (a & GUEST_PAGE_MASK);
        if (k > in_page) {
            if (procfs_force_read(m, a, buf + i, in_page) ||
                procfs_force_read(m, a + in_page, buf + i + in_page, k - in_page))
                return -1;
        } else if (procfs_force_read(m, a, buf + i, k)) {
            return -1;
        }
    }
    if (memcmp(buf, e->exe_path, len))
        return -1;
    /* Strings are at most a quarter of the stack (execve's limit, stack.c measure). */
    uint64_t lowest = execfn > ELF_STACK_SIZE / 4 + 64 ? execfn - ELF_STACK_SIZE / 4 - 64 : 0;
    for (uint64_t p = execfn & ~15ull; p > lowest; p -= 16) {
        char plat[8];
        if (procfs_force_read(m, p - 8, plat, 8))
            return -1;
        if (memcmp(plat + 1, "x86_64", 7))
            continue;
        uint64_t platform = p - 7, top = (platform - 16) & ~15ull;
        for (uint64_t strings = p; strings < p + 16 && strings <= execfn; strings++)
            for (uint64_t end = top; end >= top - 8; end -= 8)
                if (!check_vectors(m, end, strings, execfn, platform, s))
                    return 0;
    }
    return -1;
}

/* ---- generated text files -------------------------------------------------------------- */

/* The leader's thread for per-thread fields of /proc/<pid>/...: Linux shows the thread-group
 * leader there; when it has exited, the caller. */
static struct thread *leader(struct emu *e, struct thread *t)
{
    struct thread *l = thread_find(e, e->pid);
    return l ? l : t;
}

/* Resident guest bytes of [start, end): the pages the guest has touched. Asking the host
 * (mincore) page by page would cost time proportional to the mapping's length, and a guest
 * may map terabytes it never touches (found by tests/fuzz: minutes per read of status). */
static uint64_t resident_bytes(struct mem *m, uint64_t start, uint64_t end)
{
    return mem_touched_bytes(m, start, end);
}

static const char *vma_name(struct emu *e, const struct vma *v)
{
    if ((v->flags & VMA_IMAGE) && e->exe_realpath)
        return e->exe_realpath;
    return v->name;
}

/* show_map_vma (fs/proc/task_mmu.c): the header, then the name from column 74 (seq_pad to
 * 25 + 6 * sizeof(void *) - 1, one space). No file offsets or inodes are kept: 0 00:00 0. */
static void map_line(FILE *f, struct emu *e, const struct vma *v)
{
    int n = fprintf(f, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08x %02x:%02x %lu ", v->start,
                    v->end, v->prot & GPROT_READ ? 'r' : '-', v->prot & GPROT_WRITE ? 'w' : '-',
                    v->prot & GPROT_EXEC ? 'x' : '-', v->flags & VMA_SHARED_RO ? 's' : 'p', 0,
                    0, 0, 0ul);
    const char *name = vma_name(e, v);
    if (name[0])
        fprintf(f, "%*s %s", n < 72 ? 72 - n : 0, "", name);
    fputc('\n', f);
}

static void gen_maps(FILE *f, struct emu *e, int smaps)
{
    for (size_t i = 0; i < e->mem.nvmas; i++) {
        const struct vma *v = &e->mem.vmas[i];
        map_line(f, e, v);
        if (!smaps)
            continue;
        uint64_t size = (v->end - v->start) >> 10, rss = resident_bytes(&e->mem, v->start, v->end) >> 10;
        /* show_smap / __show_smap: "%-16s%8lu kB" rows; the ones goemu can estimate. */
        fprintf(f, "Size:           %8" PRIu64 " kB\n", size);
        fprintf(f, "KernelPageSize: %8d kB\n", 4);
        fprintf(f, "MMUPageSize:    %8d kB\n", 4);
        fprintf(f, "Rss:            %8" PRIu64 " kB\n", rss);
        fprintf(f, "Pss:            %8" PRIu64 " kB\n", rss);
        fprintf(f, "Private_Dirty:  %8" PRIu64 " kB\n", rss);
        fprintf(f, "Anonymous:      %8" PRIu64 " kB\n", v->flags & VMA_SHARED_RO ? 0 : rss);
        fprintf(f, "Swap:           %8d kB\n", 0);
        fprintf(f, "Locked:         %8d kB\n", 0);
    }
}

struct vmstats {
    uint64_t size, rss, stack, exe, data, start_code, end_code, start_data, end_data;
};

static void vm_stats(struct emu *e, struct vmstats *s)
{
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < e->mem.nvmas; i++) {
        const struct vma *v = &e->mem.vmas[i];
        uint64_t len = v->end - v->start;
        s->size += len;
        s->rss += resident_bytes(&e->mem, v->start, v->end);
        if (v->flags & VMA_STACK)
            s->stack += len;
        else if ((v->flags & VMA_IMAGE) && (v->prot & GPROT_EXEC)) {
            s->exe += len;
            if (!s->start_code)
                s->start_code = v->start;
            s->end_code = v->end;
        } else if ((v->prot & GPROT_WRITE) && !(v->flags & VMA_SHARED_RO)) {
            s->data += len;
            if ((v->flags & VMA_IMAGE) && !s->start_data)
                s->start_data = v->start;
            if (v->flags & VMA_IMAGE)
                s->end_data = v->end;
        }
    }
}

/* The command name: the executable's base name cut to TASK_COMM_LEN - 1 (fs/exec.c
 * begin_new_exec, __set_task_comm(kbasename(bprm->filename))). */
static void comm_of(struct emu *e, char comm[16])
{
    const char *p = e->exe_path ? e->exe_path : "";
    const char *s = strrchr(p, '/');
    snprintf(comm, 16, "%s", s ? s + 1 : p);
}

static uint64_t sig_ignored(struct emu *e)
{
    uint64_t m = 0;
    for (int s = 1; s <= 64; s++)
        if (e->sigactions[s].handler == LINUX_SIG_IGN)
            m |= 1ull << (s - 1);
    return m;
}

static uint64_t sig_caught(struct emu *e)
{
    uint64_t m = 0;
    for (int s = 1; s <= 64; s++)
        if (e->sigactions[s].handler > LINUX_SIG_IGN)
            m |= 1ull << (s - 1);
    return m;
}

static int guest_ppid(struct emu *e)
{
    return e->opt.deterministic ? (e->ppid ? e->ppid : 1) : (int)getppid();
}

/* proc_pid_status (fs/proc/array.c), the fields Go and common tools read, in kernel order. */
static void gen_status(FILE *f, struct emu *e, struct thread *t, int tid)
{
    char comm[16];
    comm_of(e, comm);
    struct vmstats vs;
    vm_stats(e, &vs);
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg))
        ru = eu = su = getuid(), rg = eg = sg = getgid();
    mode_t um = umask(0);
    umask(um);
    fprintf(f, "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\n", comm, (unsigned)um);
    fprintf(f, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", e->pid, tid,
            guest_ppid(e));
    fprintf(f, "Uid:\t%u\t%u\t%u\t%u\n", emu_guest_id(e, ru), emu_guest_id(e, eu),
            emu_guest_id(e, su), emu_guest_id(e, eu));
    fprintf(f, "Gid:\t%u\t%u\t%u\t%u\n", emu_guest_id(e, rg), emu_guest_id(e, eg),
            emu_guest_id(e, sg), emu_guest_id(e, eg));
    fprintf(f, "FDSize:\t64\nGroups:\t");
    if (!e->opt.deterministic) {
        gid_t g[64];
        int n = getgroups(64, g);
        for (int i = 0; i < n; i++)
            fprintf(f, "%u ", (unsigned)g[i]);
    }
    fprintf(f, "\nNStgid:\t%d\nNSpid:\t%d\n", e->pid, tid);
    fprintf(f, "VmPeak:\t%8" PRIu64 " kB\nVmSize:\t%8" PRIu64 " kB\n", vs.size >> 10, vs.size >> 10);
    fprintf(f, "VmLck:\t%8d kB\nVmPin:\t%8d kB\n", 0, 0);
    fprintf(f, "VmHWM:\t%8" PRIu64 " kB\nVmRSS:\t%8" PRIu64 " kB\n", vs.rss >> 10, vs.rss >> 10);
    fprintf(f, "VmData:\t%8" PRIu64 " kB\nVmStk:\t%8" PRIu64 " kB\nVmExe:\t%8" PRIu64 " kB\n",
            vs.data >> 10, vs.stack >> 10, vs.exe >> 10);
    fprintf(f, "VmLib:\t%8d kB\nVmSwap:\t%8d kB\n", 0, 0);
    fprintf(f, "Threads:\t%d\n", e->nthreads_live);
    struct rlimit rl;
    if (getrlimit(RLIMIT_SIGPENDING, &rl))
        rl.rlim_cur = 0;
    fprintf(f, "SigQ:\t0/%llu\n", (unsigned long long)rl.rlim_cur);
    fprintf(f, "SigPnd:\t%016" PRIx64 "\nShdPnd:\t%016" PRIx64 "\nSigBlk:\t%016" PRIx64 "\n",
            t->sigpending, e->sigpending, t->sigmask);
    fprintf(f, "SigIgn:\t%016" PRIx64 "\nSigCgt:\t%016" PRIx64 "\n", sig_ignored(e),
            sig_caught(e));
    fprintf(f, "Cpus_allowed_list:\t0-%d\n", e->opt.ncpus > 0 ? e->opt.ncpus - 1 : 0);
    fprintf(f, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* do_task_stat (fs/proc/array.c): 52 fields. Fields goemu does not model come from the host
 * (flags, faults, priority, limits), zeroed or the guest pid in --deterministic runs, whose
 * output must not depend on the host; times are the host's CPU times of goemu, which are the
 * guest's. */
static void gen_stat(FILE *f, struct emu *e, struct thread *t, int tid)
{
    enum { NF = 50 };   /* fields 3..52 */
    char host[1024] = "", *fld[NF];
    char zero[] = "0";
    FILE *h = fds_fopen("/proc/self/stat");
    if (h) {
        if (!fgets(host, sizeof(host), h))
            host[0] = 0;
        fclose(h);
    }
    char *p = strrchr(host, ')');
    p = p ? p + 2 : host + strlen(host);
    for (int i = 0; i < NF; i++) {
        fld[i] = zero;
        if (*p) {
            fld[i] = p;
            p += strcspn(p, " \n");
            if (*p)
                *p++ = 0;
        }
    }
    char comm[16];
    comm_of(e, comm);
    struct vmstats vs;
    vm_stats(e, &vs);
    struct initstack st = {0};
    find_initstack(e, &st);
    char num[NF][24];
    #define SETU(i, v) (snprintf(num[i], sizeof(num[i]), "%" PRIu64, (uint64_t)(v)), fld[i] = num[i])
    #define SETD(i, v) (snprintf(num[i], sizeof(num[i]), "%" PRId64, (int64_t)(v)), fld[i] = num[i])
    fld[0] = "R";
    SETD(1, guest_ppid(e));
    if (e->opt.deterministic) {
        SETD(2, e->pid);
        SETD(3, e->pid);
        SETD(4, 0);
        SETD(5, -1);
        for (int i = 7; i <= 14; i++)
            fld[i] = zero;
        fld[19] = zero;
        fld[36] = zero;
    }
    SETD(17, e->nthreads_live);
    SETU(20, vs.size);
    SETU(21, vs.rss / GUEST_PAGE_SIZE);
    SETU(23, vs.start_code);
    SETU(24, vs.end_code);
    SETU(25, st.rsp);
    fld[26] = zero;
    fld[27] = zero;
    SETU(28, t->sigpending | e->sigpending);
    SETU(29, t->sigmask);
    SETU(30, sig_ignored(e));
    SETU(31, sig_caught(e));
    fld[32] = zero;
    SETU(42, vs.start_data);
    SETU(43, vs.end_data);
    SETU(44, e->brk_start);
    SETU(45, st.arg_start);
    SETU(46, st.arg_end);
    SETU(47, st.env_start);
    SETU(48, st.env_end);
    fld[49] = zero;
    #undef SETU
    #undef SETD
    fprintf(f, "%d (%s)", tid, comm);
    for (int i = 0; i < NF; i++)
        fprintf(f, " %s", fld[i]);
    fputc('\n', f);
}

/* proc_pid_statm (fs/proc/array.c): size resident shared text lib data dt, in pages. */
static void gen_statm(FILE *f, struct emu *e)
{
    struct vmstats vs;
    vm_stats(e, &vs);
    fprintf(f, "%" PRIu64 " %" PRIu64 " 0 %" PRIu64 " 0 %" PRIu64 " 0\n", vs.size >> 12,
            vs.rss >> 12, vs.exe >> 12, (vs.data + vs.stack) >> 12);
}

/* Copies guest [start, end) as it is now (get_mm_cmdline, environ_read in fs/proc/base.c read
 * the live memory too). */
static int gen_range(FILE *f, struct emu *e, uint64_t start, uint64_t end)
{
    uint8_t page[GUEST_PAGE_SIZE];
    for (uint64_t a = start; a < end;) {
        size_t k = GUEST_PAGE_SIZE - (a & GUEST_PAGE_MASK);
        if (k > end - a)
            k = end - a;
        if (procfs_force_read(&e->mem, a, page, k))
            return -1;
        fwrite(page, 1, k, f);
        a += k;
    }
    return 0;
}

/* ---- the entry point ------------------------------------------------------------------- */

/* proc_pid_limits (fs/proc/base.c): the host's lines, but RLIMIT_NOFILE is the guest's
 * (base/fds.c keeps the host's below goemu's block of fds). */
static void gen_limits(FILE *f)
{
    FILE *h = fds_fopen("/proc/self/limits");
    char line[256];
    while (h && fgets(line, sizeof(line), h)) {
        if (strncmp(line, "Max open files ", 15)) {
            fputs(line, f);
            continue;
        }
        uint64_t soft, hard;
        fds_guest_limit(&soft, &hard);
        fprintf(f, "%-25s %-20" PRIu64 " %-20" PRIu64 " %-10s\n", "Max open files", soft, hard,
                "files");
    }
    if (h)
        fclose(h);
}

int procfs_generate(FILE *f, struct emu *e, struct thread *t, int tid, enum procfs_text which)
{
    struct thread *who = tid == e->pid ? leader(e, t) : thread_find(e, tid);
    if (!who)
        who = t;
    struct initstack st;
    switch (which) {
    case PT_MAPS: gen_maps(f, e, 0); return 0;
    case PT_SMAPS: gen_maps(f, e, 1); return 0;
    case PT_STATUS: gen_status(f, e, who, tid); return 0;
    case PT_STAT: gen_stat(f, e, who, tid); return 0;
    case PT_STATM: gen_statm(f, e); return 0;
    case PT_LIMITS: gen_limits(f); return 0;
    case PT_COMM: {
        char comm[16];
        comm_of(e, comm);
        fprintf(f, "%s\n", comm);
        return 0;
    }
    case PT_NONE: break;
    case PT_CMDLINE:
    case PT_ENVIRON:
    case PT_AUXV:
        if (find_initstack(e, &st))
            return -ENOENT;
        if (which == PT_CMDLINE)
            return gen_range(f, e, st.arg_start, st.arg_end) ? -EIO : 0;
        if (which == PT_ENVIRON)
            return gen_range(f, e, st.env_start, st.env_end) ? -EIO : 0;
        return gen_range(f, e, st.auxv, st.auxv_end) ? -EIO : 0;
    }
    return -ENOENT;
}
