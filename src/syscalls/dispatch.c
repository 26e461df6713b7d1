/* dispatch.c — performs a guest syscall: reads the number and argument registers, calls the
 * handler from table.def, writes rax, logs it for --strace, and reports an unimplemented
 * syscall once, by name (Blink's "missing syscall", qemu's LOG_UNIMP). The run loop calls it
 * when the CPU stops on SYSCALL (src/run.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "base/fds.h"
#include "cpu/exec.h"
#include "syscalls/syscalls.h"

struct sys_entry {
    const char *name;
    sys_fn *fn;
    const char *fmt;
};

static const struct sys_entry sys_table[SYS_NR_MAX] = {
#define SYSCALL(nr, name, handler, fmt) [nr] = {#name, handler, fmt},
#include "syscalls/table.def"
#undef SYSCALL
};

/* (what, value) pairs already reported; a full list just reports again. */
static struct {
    const char *what;
    uint64_t value;
} reported[128];
static unsigned nreported;

static int first_report(const char *what, uint64_t value)
{
    for (unsigned i = 0; i < nreported; i++)
        if (reported[i].what == what && reported[i].value == value)
            return 0;
    if (nreported < sizeof(reported) / sizeof(reported[0])) {
        reported[nreported].what = what;
        reported[nreported].value = value;
        nreported++;
    }
    return 1;
}

/* " <runtime.futex+0x21>": rip named by the symbolizer of every diagnostic (main.c). */
static const char *rip_name(uint64_t rip, char *buf, size_t n)
{
    char sym[160] = "";
    if (exec_symbolize)
        exec_symbolize(rip, sym, sizeof sym);
    snprintf(buf, n, sym[0] ? " <%s>" : "", sym);
    return buf;
}

int64_t sys_unimplemented(struct thread *t, const char *what, uint64_t value, int64_t err)
{
    char sym[176];
    if (first_report(what, value))
        fprintf(diag(), "goemu: unimplemented %s %#" PRIx64 " at rip %#" PRIx64
                "%s : returning -%s\n", what, value, t->cpu.insn_rip,
                rip_name(t->cpu.insn_rip, sym, sizeof sym),
                strerrorname_np((int)-err) ? strerrorname_np((int)-err) : "E?");
    return err;
}

static const char syscall_what[] = "syscall";

static int64_t sys_unknown(struct thread *t, unsigned nr)
{
    if (first_report(syscall_what, nr)) {
        const char *name = sys_name(nr);
        char sym[176];
        fprintf(diag(), "goemu: unimplemented syscall %s (nr %u) at rip %#" PRIx64
                "%s : returning -ENOSYS\n", name ? name : "?", nr, t->cpu.insn_rip,
                rip_name(t->cpu.insn_rip, sym, sizeof sym));
    }
    return -ENOSYS;
}

/* A handler that found its fd not ready blocked the thread with BLOCK_FD; sched_block rewound
 * rip onto the SYSCALL, which runs again when the fd is ready, so rax must keep the number. */
static int reexecutes(const struct thread *t)
{
    return t->state == THREAD_BLOCKED && t->block == BLOCK_FD;
}

/* Guest fd arguments (format letters 'f' and 'a', table.def) that name goemu's block become
 * a number that is never open, so every syscall answers as Linux does for an fd the process
 * does not have: EBADF, POLLNVAL, a dirfd ignored for an absolute path (docs/isolation.md). */
static void screen_fds(const char *fmt, uint64_t a[6])
{
    if (*fmt == '!')
        fmt++;
    for (int i = 0; i < 6 && fmt[i] && fmt[i] != ':'; i++)
        if ((fmt[i] == 'f' || fmt[i] == 'a') && fds_private(arg_int(a[i])))
            a[i] = FDS_CLOSED;
}

int sys_fd_grow(struct emu *e, uint64_t need)
{
    int old = fds_grow(need);
    if (old < 0)
        return 0;
    for (struct thread *t = e->threads; t; t = t->next)
        if (t->state == THREAD_BLOCKED && t->block == BLOCK_FD && t->wait_fd >= old &&
            t->wait_fd - old < FDS_SLOTS)
            t->wait_fd += fds_lo - old;
    return 1;
}

int sys_lookup(unsigned nr, const char **name, const char **fmt)
{
    if (nr >= SYS_NR_MAX || !sys_table[nr].fn)
        return 0;
    *name = sys_table[nr].name;
    *fmt = sys_table[nr].fmt;
    return 1;
}

int64_t sys_dispatch(struct emu *e, struct thread *t)
{
    struct cpu *c = &t->cpu;
    /* Linux takes the number from the low 32 bits of rax (do_syscall_64: (int)regs->ax). */
    unsigned nr = (uint32_t)c->gpr[RAX];
    uint64_t a[6];
    sys_args(c, a);
    const struct sys_entry *s = nr < SYS_NR_MAX && sys_table[nr].fn ? &sys_table[nr] : NULL;
    if (!s) {
        int64_t r = sys_unknown(t, nr);
        if (e->opt.strace)
            fprintf(diag(), "[%d] syscall_%u(...) = %" PRId64 " ENOSYS\n", t->tid, nr, r);
        c->gpr[RAX] = (uint64_t)r;
        return r;
    }

    char call[512];
    if (e->opt.strace) {
        strace_format_call(e, call, sizeof(call), s->name, s->fmt, a);
        if (s->fmt[0] == '!')
            strace_print(t, call, s->fmt, 0, 0);
    }
    uint64_t h[6] = {a[0], a[1], a[2], a[3], a[4], a[5]};
    screen_fds(s->fmt, h);
    int64_t r = s->fn(e, t, h);
    /* Out of numbers below goemu's block while the guest's limit is higher: the block moves
     * up and the call runs again. Calls that make fds fail with EMFILE before any effect
     * (get_unused_fd_flags comes first, fs/file.c); recvmsg makes room itself (sys_net.c). */
    while (r == -EMFILE && t->state == THREAD_RUNNABLE && sys_fd_grow(e, 0))
        r = s->fn(e, t, h);
    if (!reexecutes(t) && t->state != THREAD_EXITED)
        c->gpr[RAX] = (uint64_t)r;
    if (e->opt.strace && s->fmt[0] != '!')
        strace_print(t, call, s->fmt, r, t->state == THREAD_BLOCKED);
    return r;
}
