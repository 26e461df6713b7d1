/* sys_proc.c — the process and its identity: exit, ids, uname, resource limits, CPU
 * affinity, arch_prctl (the FS base Go's TLS needs first: settls in runtime/sys_linux_amd64.s,
 * called by rt0_go), prctl and the thread-library hooks Go does not use (set_tid_address,
 * set_robust_list, rseq). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "abi/linux_abi.h"
#include "base/fds.h"
#include "syscalls/syscalls.h"

#define STACK_RLIMIT (8ull << 20)   /* what the guest's stack limit reports: Linux's default */

/* ---- exit --------------------------------------------------------------------------------- */

/* exit ends one thread (Go's exitThread); if it was the last, its status is the process's. */
int64_t sys_exit(struct emu *e, struct thread *t, const uint64_t a[6])
{
    thread_exit(e, t);
    if (e->exited)
        e->exit_status = arg_int(a[0]) & 0xff;
    return 0;
}

int64_t sys_exit_group(struct emu *e, struct thread *t, const uint64_t a[6])
{
    e->exited = 1;
    e->exit_status = arg_int(a[0]) & 0xff;
    return 0;
}

/* ---- the system ---------------------------------------------------------------------- */

int64_t sys_uname(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct utsname h;
    struct linux_utsname g;
    if (uname(&h) < 0)
        return sys_errno(errno);
    memset(&g, 0, sizeof(g));
    host_to_guest_utsname(&h, &g);
    snprintf(g.sysname, sizeof(g.sysname), "Linux");
    snprintf(g.machine, sizeof(g.machine), "x86_64");
    return mem_copy_to(&e->mem, a[0], &g, sizeof(g)) ? -EFAULT : 0;
}

int64_t sys_sysinfo(struct emu *e, struct thread *t, const uint64_t a[6])
{
    struct sysinfo h;
    if (sysinfo(&h) < 0)
        return sys_errno(errno);
    struct linux_sysinfo g = host_to_guest_sysinfo(&h);
    g.uptime = emu_monotonic_ns(e) / 1000000000ll;
    return mem_copy_to(&e->mem, a[0], &g, sizeof(g)) ? -EFAULT : 0;
}

/* ---- resource limits ------------------------------------------------------------------- */

/* Limits whose host value is the guest's own: the guest's files are goemu's files. Others
 * are read from the host but a new value is only checked, not applied, since lowering e.g.
 * RLIMIT_AS or RLIMIT_DATA would constrain goemu rather than the guest. RLIMIT_NOFILE is the
 * guest's own, kept by base/fds.c next to goemu's block of fds. */
static int applies_to_host(int res)
{
    return res == LINUX_RLIMIT_FSIZE || res == LINUX_RLIMIT_CORE;
}

static int64_t get_limit(int res, struct linux_rlimit *out)
{
    struct rlimit h;
    if (res == LINUX_RLIMIT_STACK) {
        /* goemu maps the guest stack itself; report Linux's default 8 MiB soft limit. */
        *out = (struct linux_rlimit){STACK_RLIMIT, LINUX_RLIM_INFINITY};
        return 0;
    }
    if (res == LINUX_RLIMIT_NOFILE) {
        fds_guest_limit(&out->rlim_cur, &out->rlim_max);
        return 0;
    }
    if (getrlimit((__rlimit_resource_t)res, &h) < 0)
        return sys_errno(errno);
    *out = (struct linux_rlimit){h.rlim_cur, h.rlim_max};
    return 0;
}

static int64_t set_limit(int res, const struct linux_rlimit *in)
{
    if (in->rlim_cur > in->rlim_max)
        return -EINVAL;
    if (res == LINUX_RLIMIT_NOFILE)
        return fds_set_guest_limit(in->rlim_cur, in->rlim_max);
    if (!applies_to_host(res))
        return 0;
    struct rlimit h = {in->rlim_cur, in->rlim_max};
    return sys_host(setrlimit((__rlimit_resource_t)res, &h));
}

/* prlimit64(pid, resource, new, old): old is read before new is applied (man 2 getrlimit).
 * Only this process (pid 0 or its own pid) can be named. The new limit is copied first, then
 * the task is found, then the resource checked (prlimit64 and do_prlimit, kernel/sys.c). */
static int64_t do_prlimit(struct emu *e, int pid, int res, uint64_t new_addr, uint64_t old_addr)
{
    struct linux_rlimit nl, ol;
    if (new_addr && mem_copy_from(&e->mem, &nl, new_addr, sizeof(nl)))
        return -EFAULT;
    if (pid != 0 && pid != e->pid)
        return -ESRCH;
    if (res < 0 || res >= LINUX_RLIM_NLIMITS)
        return -EINVAL;
    int64_t r = get_limit(res, &ol);
    if (r)
        return r;
    if (new_addr && (r = set_limit(res, &nl)))
        return r;
    if (old_addr && mem_copy_to(&e->mem, old_addr, &ol, sizeof(ol)))
        return -EFAULT;
    return 0;
}

int64_t sys_prlimit64(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return do_prlimit(e, arg_int(a[0]), arg_int(a[1]), a[2], a[3]);
}

/* getrlimit and setrlimit always copy (kernel/sys.c): a NULL pointer is -EFAULT, after the
 * resource is checked for getrlimit, before for setrlimit. */
int64_t sys_getrlimit(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t r = do_prlimit(e, 0, arg_int(a[0]), 0, a[1]);
    return r || a[1] ? r : -EFAULT;
}

int64_t sys_setrlimit(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return a[1] ? do_prlimit(e, 0, arg_int(a[0]), a[1], 0) : -EFAULT;
}

/* ---- scheduling ---------------------------------------------------------------------------- */

/* pid 0 is the caller; otherwise a live tid of this process. */
static int names_thread(struct emu *e, int pid)
{
    return pid == 0 || thread_find(e, pid) != NULL;
}

/* Reports opt.ncpus CPUs (what GOMAXPROCS becomes: osinit, runtime/os_linux.go). The kernel writes
 * cpumask_size() = whole longs of bits and returns that count; a buffer smaller than that,
 * or not a multiple of 8 bytes, is -EINVAL (kernel/sched/core.c sched_getaffinity). */
int64_t sys_sched_getaffinity(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int ncpus = e->opt.ncpus > 0 ? e->opt.ncpus : 1;
    unsigned len = arg_uint(a[1]);
    unsigned size = (unsigned)(ncpus + 63) / 64 * 8;
    if (len < size || (len & 7))
        return -EINVAL;
    if (!names_thread(e, arg_int(a[0])))
        return -ESRCH;
    uint8_t mask[1024] = {0};
    if (size > sizeof(mask))
        return -EINVAL;
    for (int i = 0; i < ncpus; i++)
        mask[i / 8] |= (uint8_t)(1u << (i % 8));
    return mem_copy_to(&e->mem, a[2], mask, size) ? -EFAULT : (int64_t)size;
}

/* Accepted and ignored: every guest thread runs on the one host thread anyway. As
 * sched_setaffinity (kernel/sched/core.c) does, the mask is read first (get_user_cpu_mask: at
 * most cpumask_size() bytes, fewer leave the rest clear), then the thread is found, and a mask
 * naming none of the CPUs is -EINVAL. */
int64_t sys_sched_setaffinity(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int ncpus = e->opt.ncpus > 0 ? e->opt.ncpus : 1;
    uint8_t mask[1024] = {0};
    size_t size = (size_t)(ncpus + 63) / 64 * 8, len = arg_uint(a[1]);
    if (size > sizeof(mask))
        size = sizeof(mask);
    if (len > size)
        len = size;
    if (len && mem_copy_from(&e->mem, mask, a[2], len))
        return -EFAULT;
    if (!names_thread(e, arg_int(a[0])))
        return -ESRCH;
    for (int i = 0; i < ncpus && (size_t)i / 8 < sizeof(mask); i++)
        if (mask[i / 8] & (1u << (i % 8)))
            return 0;
    return -EINVAL;
}

int64_t sys_sched_yield(struct emu *e, struct thread *t, const uint64_t a[6])
{
    t->yield = 1;
    return 0;
}

/* ---- architecture and thread-library hooks -------------------------------------------- */

/* ARCH_SET_FS/GS beyond the user address space is -EPERM (arch/x86/kernel/process_64.c). */
int64_t sys_arch_prctl(struct emu *e, struct thread *t, const uint64_t a[6])
{
    uint64_t addr = a[1];
    switch (arg_int(a[0])) {
    case LINUX_ARCH_SET_FS:
    case LINUX_ARCH_SET_GS:
        if (addr >= GUEST_ADDR_LIMIT)
            return -EPERM;
        t->cpu.segbase[arg_int(a[0]) == LINUX_ARCH_SET_FS ? SEG_FS : SEG_GS] = addr;
        return 0;
    case LINUX_ARCH_GET_FS:
        return mem_copy_to(&e->mem, addr, &t->cpu.segbase[SEG_FS], 8) ? -EFAULT : 0;
    case LINUX_ARCH_GET_GS:
        return mem_copy_to(&e->mem, addr, &t->cpu.segbase[SEG_GS], 8) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

/* ---- prctl --------------------------------------------------------------------------------- */

/* The thread name ("comm", TASK_COMM_LEN 16 bytes). goemu's one host thread runs every guest
 * thread, so the names are kept here, per (process, tid); a thread never named reports the
 * executable's base name, Linux's initial comm (__set_task_comm from begin_new_exec, fs/exec.c). */
struct comm {
    const struct emu *e;
    int tid;
    char name[16];
};
static struct comm *comms;
static size_t ncomms, comms_cap;

static struct comm *comm_find(const struct emu *e, int tid)
{
    for (size_t i = 0; i < ncomms; i++)
        if (comms[i].e == e && comms[i].tid == tid)
            return &comms[i];
    return NULL;
}

/* A slot for (e, tid): names of this process's threads that have exited are dropped first, so
 * the table holds at most one entry per live thread. NULL when out of memory. */
static struct comm *comm_slot(struct emu *e, int tid)
{
    struct comm *c = comm_find(e, tid);
    if (c)
        return c;
    size_t k = 0;
    for (size_t i = 0; i < ncomms; i++)
        if (comms[i].e != e || thread_find(e, comms[i].tid))
            comms[k++] = comms[i];
    ncomms = k;
    if (ncomms == comms_cap) {
        size_t cap = comms_cap ? 2 * comms_cap : 16;
        struct comm *n = realloc(comms, cap * sizeof(*n));
        if (!n)
            return NULL;
        comms = n;
        comms_cap = cap;
    }
    c = &comms[ncomms++];
    memset(c, 0, sizeof(*c));
    c->e = e;
    c->tid = tid;
    return c;
}

/* PR_SET_NAME (kernel/sys.c): strncpy_from_user of at most 15 bytes, then set_task_comm;
 * a fault before the NUL or the 15th byte is -EFAULT and changes nothing. */
static int64_t set_thread_name(struct emu *e, struct thread *t, uint64_t addr)
{
    char name[16] = {0};
    for (int i = 0; i < 15; i++) {
        if (mem_copy_from(&e->mem, &name[i], addr + (uint64_t)i, 1))
            return -EFAULT;
        if (!name[i])
            break;
    }
    struct comm *c = comm_slot(e, t->tid);
    if (!c)
        return -ENOMEM;
    memcpy(c->name, name, sizeof(name));
    return 0;
}

/* PR_GET_NAME: copy_to_user of all 16 bytes (kernel/sys.c). */
static int64_t get_thread_name(struct emu *e, struct thread *t, uint64_t addr)
{
    char comm[16] = {0};
    const struct comm *c = comm_find(e, t->tid);
    if (c)
        memcpy(comm, c->name, sizeof(comm));
    else {
        const char *path = e->exe_path ? e->exe_path : "";
        const char *base = strrchr(path, '/');
        snprintf(comm, sizeof(comm), "%s", base ? base + 1 : path);
    }
    return mem_copy_to(&e->mem, addr, comm, sizeof(comm)) ? -EFAULT : 0;
}

/* An int the kernel writes with put_user (PR_GET_PDEATHSIG, PR_GET_CHILD_SUBREAPER,
 * PR_GET_TSC): the host's answer into a host int, then to the guest. */
static int64_t host_get_int(struct emu *e, int option, uint64_t addr)
{
    int v = 0;
    if (prctl(option, (unsigned long)&v, 0, 0, 0) < 0)
        return sys_errno(errno);
    return mem_copy_to(&e->mem, addr, &v, sizeof(v)) ? -EFAULT : 0;
}

/* prctl never answers "done" without doing it (issue 11). Three kinds of option:
 *  - forwarded to the host kernel, where goemu's host process is exactly what the option is
 *    about: the guest's credentials, exec and children are goemu's (setuid & co. go to the
 *    host, sys_ids.c; children are real host processes, sys_process.c). The host checks the
 *    arguments (kernel/sys.c SYSCALL_DEFINE5(prctl)), so its errors are Linux's.
 *    PR_SET/GET_PDEATHSIG, PR_SET/GET_DUMPABLE, PR_SET/GET_KEEPCAPS, PR_SET/GET_NO_NEW_PRIVS,
 *    PR_SET/GET_CHILD_SUBREAPER. (NO_NEW_PRIVS and KEEPCAPS are per-thread in Linux; on the
 *    one host thread they cover every guest thread: stricter, never weaker.)
 *  - emulated where goemu holds the state: PR_SET/GET_NAME (above), PR_GET_TID_ADDRESS
 *    (set_tid_address's pointer), PR_GET/SET_TSC (goemu's RDTSC always works:
 *    PR_TSC_ENABLE; PR_TSC_SIGSEGV is not implemented, so it is refused).
 *  - everything else is -EINVAL, Linux's answer for an option it does not know or a kernel
 *    built without it: PR_SET_SECCOMP would filter goemu's own syscalls, PR_SET_TIMERSLACK
 *    would apply to all guest threads at once, PR_SET_MM, PR_SET_PTRACER, PR_CAPBSET_*... */
int64_t sys_prctl(struct emu *e, struct thread *t, const uint64_t a[6])
{
    enum { PR_SET_PDEATHSIG_ = 1, PR_GET_PDEATHSIG_ = 2, PR_GET_DUMPABLE_ = 3,
           PR_SET_DUMPABLE_ = 4, PR_GET_KEEPCAPS_ = 7, PR_SET_KEEPCAPS_ = 8, PR_SET_NAME_ = 15,
           PR_GET_NAME_ = 16, PR_GET_TSC_ = 25, PR_SET_TSC_ = 26, PR_SET_CHILD_SUBREAPER_ = 36,
           PR_GET_CHILD_SUBREAPER_ = 37, PR_SET_NO_NEW_PRIVS_ = 38, PR_GET_NO_NEW_PRIVS_ = 39,
           PR_GET_TID_ADDRESS_ = 40, PR_SET_VMA_ = 0x53564d41, PR_TSC_ENABLE_ = 1 };
    int option = arg_int(a[0]);
    switch (option) {
    case PR_SET_NAME_:
        return set_thread_name(e, t, a[1]);
    case PR_GET_NAME_:
        return get_thread_name(e, t, a[1]);
    case PR_SET_PDEATHSIG_:
        /* goemu's process is the guest's, and a forked child is a real one (sys_process.c):
         * the host sends the signal when the parent goemu ends, and goemu forwards it. */
    case PR_GET_DUMPABLE_:
    case PR_SET_DUMPABLE_:
    case PR_GET_KEEPCAPS_:
    case PR_SET_KEEPCAPS_:
    case PR_SET_CHILD_SUBREAPER_:
    case PR_SET_NO_NEW_PRIVS_:
    case PR_GET_NO_NEW_PRIVS_:
        /* Scalars only: all five arguments as given, for the host's own argument checks. */
        return sys_host(prctl(option, (unsigned long)a[1], (unsigned long)a[2],
                              (unsigned long)a[3], (unsigned long)a[4]));
    case PR_GET_PDEATHSIG_:
    case PR_GET_CHILD_SUBREAPER_:
        return host_get_int(e, option, a[1]);
    case PR_GET_TID_ADDRESS_:
        /* put_user((unsigned long)me->clear_child_tid, (unsigned long __user *)arg2) */
        return mem_copy_to(&e->mem, a[1], &t->clear_child_tid, 8) ? -EFAULT : 0;
    case PR_GET_TSC_: {
        int v = PR_TSC_ENABLE_;
        return mem_copy_to(&e->mem, a[1], &v, sizeof(v)) ? -EFAULT : 0;
    }
    case PR_SET_TSC_:
        /* set_tsc_mode (arch/x86/kernel/process.c): ENABLE or SIGSEGV, else -EINVAL. */
        return a[1] == PR_TSC_ENABLE_ ? 0 : -EINVAL;
    case PR_SET_VMA_:
        /* Go names its metadata (setVMAName, runtime/set_vma_name_linux.go) and takes -EINVAL
         * as "unsupported"; kernels without CONFIG_ANON_VMA_NAME answer that too
         * (prctl_set_vma in kernel/sys.c). */
        return -EINVAL;
    default:
        return sys_unimplemented(t, "prctl option", arg_uint(a[0]), -EINVAL);
    }
}

/* Stored for thread_exit, which clears the word and wakes a futex on it (man 2
 * set_tid_address). Returns the caller's tid. */
int64_t sys_set_tid_address(struct emu *e, struct thread *t, const uint64_t a[6])
{
    t->clear_child_tid = a[0];
    return t->tid;
}

/* Robust futex lists matter only when a thread dies holding a lock; Go never registers one.
 * The size must still be struct robust_list_head's (24 bytes), as Linux checks. */
int64_t sys_set_robust_list(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return a[1] == 24 ? 0 : -EINVAL;
}

/* rseq is optional: -ENOSYS tells a libc to do without it. Go does not call it. Silent,
 * because it is a deliberate answer, not a missing feature. */
int64_t sys_rseq(struct emu *e, struct thread *t, const uint64_t a[6])
{
    return -ENOSYS;
}
