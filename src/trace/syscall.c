/* syscall.c — every syscall before main.main, decoded as --strace does (strace.c formats
 * the call from the table.def row), with its result and, for the ones the boot depends on,
 * what the runtime takes from it: the TLS base, the CPU count, reservations, new threads. */
#include "trace/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "elf/symbols.h"
#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

static void result_text(const char *fmt, int64_t ret, int blocked, char *buf, size_t n)
{
    const char *rfmt = strchr(fmt, ':');
    if (blocked) {
        snprintf(buf, n, "= ? <blocked>");
    } else if (ret < 0 && ret > -4096) {
        const char *name = strerrorname_np((int)-ret);
        snprintf(buf, n, "= -1 %s (%s)", name ? name : "E?", strerror((int)-ret));
    } else if (rfmt && rfmt[1] == 'x') {
        snprintf(buf, n, "= %#" PRIx64, (uint64_t)ret);
    } else {
        snprintf(buf, n, "= %" PRId64, ret);
    }
}

static void size_text(uint64_t bytes, char *buf, size_t n)
{
    if (bytes >= (1ull << 20) && !(bytes & ((1ull << 20) - 1)))
        snprintf(buf, n, "%" PRIu64 " MiB", bytes >> 20);
    else if (bytes >= 1024 && !(bytes & 1023))
        snprintf(buf, n, "%" PRIu64 " KiB", bytes >> 10);
    else
        snprintf(buf, n, "%" PRIu64 " bytes", bytes);
}

static void note_affinity(struct trace *tr, const uint64_t *a, int64_t ret, char *buf, size_t n)
{
    uint8_t mask[128];
    size_t len = ret > 0 ? ((size_t)ret < sizeof mask ? (size_t)ret : sizeof mask) : 0;
    int count = 0;
    if (!len || mem_copy_from(&tr->e->mem, mask, a[2], len))
        return;
    for (size_t i = 0; i < len; i++)
        count += __builtin_popcount(mask[i]);
    tr->f.ncpu = count;
    snprintf(buf, n, "CPU mask %#x...: %d CPU%s -> ncpu", mask[0], count, count == 1 ? "" : "s");
}

static void note_clone(struct trace *tr, int64_t ret, char *buf, size_t n)
{
    char role[96];
    if (ret <= 0)
        return;
    if (tr->f.newm_fn)
        tr_sym(tr, tr->f.newm_fn, role, sizeof role);
    else
        snprintf(role, sizeof role, "an M for a P with work");
    tr_set_role(tr, (int)ret, role);
    tr->f.newm_fn = 0;
    snprintf(buf, n, "new OS thread %d for %s", (int)ret, role);
}

static void note_mmap(const uint64_t *a, int64_t ret, char *buf, size_t n)
{
    char size[32];
    if (ret < 0 && ret > -4096)
        return;
    size_text(a[1], size, sizeof size);
    if (a[2] == 0)
        snprintf(buf, n, "reserves %s of address space (PROT_NONE)", size);
    else
        snprintf(buf, n, "maps %s", size);
}

/* What the runtime takes from this syscall, or "" (most say enough in strace form). */
static void annotate(struct trace *tr, struct tthread *tt, int64_t ret, char *buf, size_t n)
{
    const char *name = tt->sysname;
    const uint64_t *a = tt->sysargs;
    buf[0] = 0;
    if (!strcmp(name, "arch_prctl") && (int)a[0] == LINUX_ARCH_SET_FS && ret == 0)
        snprintf(buf, n, "TLS base: fs_base = %#" PRIx64 " = &m0.tls+8, so g is at fs:-8",
                 a[1]);
    else if (!strcmp(name, "sched_getaffinity"))
        note_affinity(tr, a, ret, buf, n);
    else if (!strcmp(name, "clone"))
        note_clone(tr, ret, buf, n);
    else if (!strcmp(name, "mmap"))
        note_mmap(a, ret, buf, n);
    else if (!strcmp(name, "gettid") && ret > 0)
        snprintf(buf, n, "m.procid = %d", (int)ret);
}

static void emit_syscall(struct trace *tr, struct tthread *tt, const char *result,
                         const char *note, int64_t ret)
{
    char text[1024], json[64];
    snprintf(text, sizeof text, "%s %s%s%s", tt->call, result, note[0] ? "  -- " : "", note);
    snprintf(json, sizeof json, "\"ret\":%" PRId64, ret);
    struct trace_event ev = {"syscall", tt->sysname, tt, tt->sys_icount, tt->sys_pc,
                             tt->sys_goid, tt->nspans, text, json};
    tr_emit(tr, &ev);
}

void trace_syscall_enter(struct emu *e, struct thread *t, const char *name, const char *fmt,
                         const uint64_t a[6])
{
    struct trace *tr = e->trace;
    struct tthread *tt = tthread_of(tr, &t->cpu);
    if (!tt)
        return;
    startup_flush(tr);
    tt->sysname = name;
    tt->sysfmt = fmt;
    memcpy(tt->sysargs, a, sizeof tt->sysargs);
    tt->sys_icount = tr_icount_insn(tr, tt, &t->cpu);
    tt->sys_pc = t->cpu.insn_rip;
    tt->sys_goid = tr_goid(tr, &t->cpu);
    strace_format_call(e, tt->call, sizeof tt->call, name, fmt, a);
    tr->buckets[tt->bucket].syscalls++;
    if (!strcmp(name, "rt_sigaction"))
        tr->f.sigactions++;
    if (fmt[0] == '!')   /* exit, exit_group, rt_sigreturn: no return to report */
        emit_syscall(tr, tt, "= ?", "", 0);
}

void trace_syscall_exit(struct emu *e, struct thread *t, int64_t ret, int blocked)
{
    struct trace *tr = e->trace;
    struct tthread *tt = t->trace;
    if (!tr || !tt || tt->tr != tr || !tt->sysname)
        return;
    if (tt->sysfmt[0] != '!') {
        char result[160], note[256];
        result_text(tt->sysfmt, ret, blocked, result, sizeof result);
        annotate(tr, tt, ret, note, sizeof note);
        emit_syscall(tr, tt, result, note, ret);
    }
    tt->sysname = NULL;
}

void trace_syscall_unknown(struct emu *e, struct thread *t, unsigned nr, int64_t ret)
{
    struct trace *tr = e->trace;
    struct tthread *tt = tthread_of(tr, &t->cpu);
    if (!tt)
        return;
    startup_flush(tr);
    const char *name = sys_name(nr);
    snprintf(tt->call, sizeof tt->call, "%s(...)", name ? name : "syscall");
    tt->sysname = name ? name : "syscall";
    tt->sys_icount = tr_icount_insn(tr, tt, &t->cpu);
    tt->sys_pc = t->cpu.insn_rip;
    tt->sys_goid = tr_goid(tr, &t->cpu);
    tr->buckets[tt->bucket].syscalls++;
    char result[64];
    snprintf(result, sizeof result, "= -1 ENOSYS (nr %u: not implemented by goemu)", nr);
    emit_syscall(tr, tt, result, "", ret);
    tt->sysname = NULL;
}
