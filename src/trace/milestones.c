/* milestones.c — the functions of Go's boot the startup trace names, with what each line
 * says and the values it reads (asm_amd64.s: rt0_go; proc.go: schedinit, newproc, mstart,
 * schedule, execute, main; os_linux.go: osinit). Names differ between releases (getproccount
 * became getCPUCount in 1.25, fastrandinit became randinit in 1.22); a function a binary
 * lacks is reported absent in the header, never guessed. Entry annotations read only the
 * registers captured at entry (x->r) and guest memory; x->c is NULL there. */
#include "trace/internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "elf/symbols.h"

/* Layout of runtime.g and runtime.m that has held from Go 1.19 to 1.26 (checked with the
 * DWARF of the go1.19.8, go1.22.12 and go1.26.8 test binaries): stack {lo, hi} first,
 * m at 48, sched (gobuf {sp, pc, ...}) at 56; m.g0 first in runtime.m. */
#define G_STACK_LO 0
#define G_STACK_HI 8
#define G_M 48
#define G_SCHED_SP 56
#define G_SCHED_PC 64
#define M_G0 0

#define OUT(...) snprintf(x->out, x->n, __VA_ARGS__)

static uint64_t rd(struct ms_ctx *x, uint64_t addr)
{
    uint64_t v = 0;
    tr_read64(x->tr, addr, &v);
    return v;
}

/* The function a Go func value points at (funcval.fn is its first word). */
static void funcval_name(struct ms_ctx *x, uint64_t fv, char *buf, size_t n)
{
    uint64_t pc;
    if (!fv || tr_read64(x->tr, fv, &pc))
        snprintf(buf, n, "nil");
    else
        tr_sym(x->tr, pc, buf, n);
}

static const char *env_or(const char *v, const char *unset) { return v[0] ? v : unset; }

/* ---- rt0 -------------------------------------------------------------------------------- */

static void n_entry(struct ms_ctx *x)
{
    OUT("process entry (ELF e_entry): rsp = %#" PRIx64 " points at argc = %d; "
        "Linux leaves rflags = 0x202 and fs_base = 0", x->r->rsp, x->tr->f.argc);
}

static void n_rt0_amd64(struct ms_ctx *x)
{
    uint64_t argc = rd(x, x->r->rsp);
    OUT("MOVQ 0(SP), DI: argc = %" PRIu64 "; LEAQ 8(SP), SI: argv = %#" PRIx64
        "; JMP runtime.rt0_go", argc, x->r->rsp + 8);
}

static void n_rt0_go(struct ms_ctx *x)
{
    OUT("DI = argc = %" PRIu64 ", SI = argv = %#" PRIx64 "; aligns SP, makes g0's stack "
        "from the OS stack, asks CPUID, sets up TLS", x->r->rdi, x->r->rsi);
}

static void n_settls(struct ms_ctx *x)
{
    OUT("settls(DI = &m0.tls = %#" PRIx64 "): adds 8 and calls arch_prctl(ARCH_SET_FS), so "
        "that g, at fs:-8, is m0.tls[0]", x->r->rdi);
}

static void r_settls(struct ms_ctx *x)
{
    x->tt->tls_check = 1;   /* rt0_go tests the new TLS right after the return */
    x->out[0] = 0;
}

/* rt0_go stored g0 at fs:-8 and linked m0.g0 = g0, g0.m = m0 just before calling check. */
static void n_check(struct ms_ctx *x)
{
    uint64_t fs = x->r->fs, g0 = rd(x, fs - 8), m0 = rd(x, g0 + G_M), back = rd(x, m0 + M_G0);
    OUT("g0 = %#" PRIx64 " (fs:-8), m0 = g0.m = %#" PRIx64 ", m0.g0 %s g0; m0.tls at m0+%#"
        PRIx64 "; check: type sizes, atomics (CAS/XADD), NaN compares, timediv",
        g0, m0, back == g0 ? "==" : "!=", fs - 8 - m0);
}

static void r_check(struct ms_ctx *x) { OUT("runtime.check passed"); }

/* ---- args, osinit ----------------------------------------------------------------------- */

static void n_args(struct ms_ctx *x)
{
    if (x->sp && x->sp->merged)
        OUT("args(argc = %d, argv = %#" PRIx64 ") in AX, BX; saves them for goargs, then "
            "sysargs", (int)x->r->rax, x->r->rbx);
    else
        OUT("args(argc = %d, argv = %#" PRIx64 "): saves them for goargs, then sysargs",
            x->tr->f.argc, x->tr->f.argv);
}

static void n_sysargs(struct ms_ctx *x)
{
    OUT("sysargs: skips argv and envp (%d vars) to auxv; sysauxv takes AT_PAGESZ = %" PRIu64
        " (physPageSize) and AT_RANDOM = %#" PRIx64 " (16 seed bytes)", x->tr->f.envc,
        x->tr->f.pagesz, x->tr->f.random);
}

static void n_osinit(struct ms_ctx *x)
{
    OUT("osinit: CPU count and huge page size (physPageSize = %" PRIu64 " came from "
        "AT_PAGESZ in sysauxv)", x->tr->f.pagesz);
}

static void r_ncpu(struct ms_ctx *x)
{
    OUT("returns %d: ncpu, the CPUs in the sched_getaffinity mask", (int)x->c->gpr[RAX]);
}

static void r_hugepage(struct ms_ctx *x)
{
    uint64_t v = x->c->gpr[RAX];
    OUT("returns %" PRIu64 ": physHugePageSize%s", v,
        v ? " from /sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
          : " (hpage_pmd_size not readable: no transparent huge pages)");
}

/* ---- schedinit -------------------------------------------------------------------------- */

static void r_cpuinit(struct ms_ctx *x)
{
    char feats[512];
    cpuid_features(x->tr, feats, sizeof feats);
    OUT("x86 features: %s", feats);
}

static void n_initalgaes(struct ms_ctx *x)
{
    x->tr->f.aeshash = 1;
    OUT("initAlgAES: map hashing with AES-NI (aeshash), keys from the random seed");
}

static void r_alginit(struct ms_ctx *x)
{
    if (x->tr->f.aeshash)
        OUT("hash algorithm: aeshash (AES, SSSE3 and SSE4.1 present)");
    else
        OUT("hash algorithm: the portable memhash (wyhash-style): AES, SSSE3, SSE4.1 not all "
            "present, so useAeshash = false; hashkey from the random seed");
}

static void n_randinit(struct ms_ctx *x)
{
    OUT("randinit: seeds the runtime's ChaCha8 generator from the 16 AT_RANDOM bytes at %#"
        PRIx64 " (and zeroes them)", x->tr->f.random);
}

static void n_fastrandinit(struct ms_ctx *x)
{
    OUT("fastrandinit: fastrand seed from startupRandomData (the AT_RANDOM bytes at %#" PRIx64
        ")", x->tr->f.random);
}

static void n_goargs(struct ms_ctx *x)
{
    OUT("goargs: os.Args from argv (%d)", x->tr->f.argc);
}

static void n_goenvs(struct ms_ctx *x)
{
    OUT("goenvs: the environment from envp (%d vars)", x->tr->f.envc);
}

static void n_parsedebugvars(struct ms_ctx *x)
{
    OUT("parsedebugvars: GODEBUG %s", env_or(x->tr->f.godebug, "unset (defaults)"));
}

static void n_gcinit(struct ms_ctx *x)
{
    OUT("gcinit: GC pacer from GOGC=%s, GOMEMLIMIT=%s", env_or(x->tr->f.gogc, "unset (100)"),
        env_or(x->tr->f.gomemlimit, "unset (no limit)"));
}

static void n_procresize(struct ms_ctx *x)
{
    int n = (int)x->r->rax;
    char why[128];
    if (x->tr->f.gomaxprocs[0])
        snprintf(why, sizeof why, "GOMAXPROCS=%s from the environment", x->tr->f.gomaxprocs);
    else if (n == x->tr->f.ncpu)
        snprintf(why, sizeof why, "= ncpu (GOMAXPROCS unset)");
    else
        snprintf(why, sizeof why, "the runtime's default for ncpu = %d (GOMAXPROCS unset)",
                 x->tr->f.ncpu);
    OUT("procresize(%d): creates %d P%s, %s; m0 takes P 0", n, n, n == 1 ? "" : "s", why);
}

/* ---- goroutines and the scheduler -------------------------------------------------------- */

static void n_newproc(struct ms_ctx *x)
{
    char fn[160];
    funcval_name(x, x->r->rax, fn, sizeof fn);
    OUT("newproc(%s): a new goroutine to run it", fn);
}

static void r_newproc1(struct ms_ctx *x)
{
    uint64_t g = x->c->gpr[RAX];
    int64_t id = tr_goid_of_g(x->tr, g);
    if (id >= 0)
        OUT("newproc1 made goroutine %" PRId64 " (g = %#" PRIx64 "), runnable", id, g);
    else
        OUT("newproc1 made g = %#" PRIx64 " (goroutine id unknown), runnable", g);
}

static void n_mstart(struct ms_ctx *x)
{
    if (x->tt->tid == x->tr->main_tid)
        OUT("mstart: m0 enters the scheduler on g0 (never returns)");
    else
        OUT("mstart: the new M starts on its g0 stack");
}

static void n_initsig(struct ms_ctx *x)
{
    x->sp->mark = x->tr->f.sigactions;
    OUT("initsig: installs the runtime's handler for every signal");
}

static void r_initsig(struct ms_ctx *x)
{
    OUT("initsig done: %" PRIu64 " rt_sigaction calls", x->tr->f.sigactions - x->sp->mark);
}

static void n_execute(struct ms_ctx *x)
{
    uint64_t g = x->r->rax;
    char pc[160];
    tr_sym(x->tr, rd(x, g + G_SCHED_PC), pc, sizeof pc);
    int64_t id = tr_goid_of_g(x->tr, g);
    char ids[32] = "?";
    if (id >= 0)
        snprintf(ids, sizeof ids, "%" PRId64, id);
    OUT("execute(goroutine %s, g = %#" PRIx64 "): resumes at %s, sp = %#" PRIx64, ids, g, pc,
        rd(x, g + G_SCHED_SP));
}

static void n_gogo(struct ms_ctx *x)
{
    x->tt->after_gogo = x->r->pc;
    OUT("gogo: loads the goroutine's gobuf (sp, pc, g) and jumps: a stack switch");
}

/* runtime.main runs on goroutine 1: the place to confirm the g.goid offset. */
static void n_main(struct ms_ctx *x)
{
    struct boot_facts *f = &x->tr->f;
    uint64_t g = rd(x, x->r->fs - 8), id = 0;
    if (!f->goid_off) {
        OUT("runtime.main (goroutine ids unknown for %s)", env_or(f->goversion, "this release"));
        return;
    }
    tr_read64(x->tr, g + (uint64_t)f->goid_off, &id);
    if (id == 1) {
        f->goid_verified = 1;
        OUT("runtime.main on goroutine 1 (g = %#" PRIx64 "; g.goid at +%d confirmed)", g,
            f->goid_off);
        return;
    }
    OUT("runtime.main: g.goid at +%d reads %" PRIu64 ", not 1: goroutine ids are not shown "
        "from here on", f->goid_off, id);
    f->goid_off = 0;
}

static void n_newm(struct ms_ctx *x)
{
    char fn[160];
    x->tr->f.newm_fn = x->r->rax ? rd(x, x->r->rax) : 0;
    funcval_name(x, x->r->rax, fn, sizeof fn);
    if (x->r->rax)
        OUT("newm(%s): a new M with its own OS thread to run it", fn);
    else
        OUT("newm(nil): a new M (OS thread) to run a P that has work");
}

static void n_throw(struct ms_ctx *x)
{
    char s[81] = "?";
    uint64_t len = x->r->rbx < 80 ? x->r->rbx : 80;
    if (mem_copy_from(&x->tr->e->mem, s, x->r->rax, (size_t)len) == 0)
        s[len] = 0;
    OUT("throw(\"%s\"): fatal runtime error", s);
}

static void n_main_main(struct ms_ctx *x)
{
    OUT("main.main reached: the runtime is up; tracing stops here and the program runs on");
}

#define P(...) {{__VA_ARGS__}
const struct milestone trace_milestones[] = {
    /* rt0: entry to runtime.check */
    P("_rt0_amd64_linux"), MS_POINT, 0, MSF_NOW | MSF_REGS, NULL, n_entry, NULL},
    P("_rt0_amd64"), MS_POINT, 0, 0, NULL, n_rt0_amd64, NULL},
    P("runtime.rt0_go"), MS_POINT, 0, 0, NULL, n_rt0_go, NULL},
    P("runtime.settls"), MS_STEP, 0, 0, NULL, n_settls, r_settls},
    P("runtime.abort"), MS_POINT, 0, 0, "abort: a runtime self-check failed", NULL, NULL},
    P("runtime.throw"), MS_POINT, 0, 0, NULL, n_throw, NULL},
    P("runtime.check"), MS_PHASE, PH_CHECK, 0, NULL, n_check, r_check},
    P("runtime.args"), MS_PHASE, PH_ARGS, 0, NULL, n_args, NULL},
    P("runtime.sysargs"), MS_STEP, 0, 0, NULL, n_sysargs, NULL},
    P("runtime.osinit"), MS_PHASE, PH_OSINIT, 0, NULL, n_osinit, NULL},
    P("runtime.getproccount", "runtime.getCPUCount"), MS_STEP, 0, 0,
        "counts CPUs: sched_getaffinity", NULL, r_ncpu},
    P("runtime.getHugePageSize"), MS_STEP, 0, 0,
        "reads the transparent huge page size", NULL, r_hugepage},
    P("runtime.vgetrandomInit"), MS_STEP, 0, 0,
        "vgetrandomInit: no vDSO (no AT_SYSINFO_EHDR), so getrandom stays a syscall", NULL, NULL},
    /* schedinit and its main steps (proc.go: schedinit) */
    P("runtime.schedinit"), MS_PHASE, PH_SCHEDINIT, 0,
        "schedinit: bootstraps the scheduler on m0 and g0", NULL, NULL},
    P("runtime.moduledataverify1"), MS_STEP, 0, 0,
        "moduledataverify1: checks the pclntab of the first module", NULL, NULL},
    P("runtime.mallocinit"), MS_STEP, 0, 0,
        "mallocinit: heap arena hints and the first reservations (the mmaps below; "
        "PROT_NONE = address space only)", NULL, NULL},
    P("runtime.cpuinit"), MS_STEP, 0, 0,
        "cpuinit: GODEBUG cpu.* options, then internal/cpu.Initialize", NULL, NULL},
    P("internal/cpu.Initialize"), MS_STEP, 0, 0,
        "internal/cpu.Initialize: doinit asks CPUID for the x86 features", NULL, r_cpuinit},
    P("runtime.randinit"), MS_STEP, 0, 0, NULL, n_randinit, NULL},
    P("runtime.alginit"), MS_STEP, 0, 0,
        "alginit: chooses the map hash from the CPU features", NULL, r_alginit},
    P("runtime.initAlgAES"), MS_POINT, 0, 0, NULL, n_initalgaes, NULL},
    P("runtime.fastrandinit"), MS_STEP, 0, 0, NULL, n_fastrandinit, NULL},
    P("runtime.mcommoninit"), MS_STEP, 0, 0,
        "mcommoninit: the M's id, its signal goroutine gsignal with a 32 KiB stack (mpreinit)",
        NULL, NULL},
    P("runtime.modulesinit"), MS_STEP, 0, 0, "modulesinit: the active modules list", NULL, NULL},
    P("runtime.typelinksinit"), MS_STEP, 0, 0, "typelinksinit: type links", NULL, NULL},
    P("runtime.itabsinit"), MS_STEP, 0, 0, "itabsinit: interface tables", NULL, NULL},
    P("runtime.goargs"), MS_STEP, 0, 0, NULL, n_goargs, NULL},
    P("runtime.goenvs", "runtime.goenvs_unix"), MS_STEP, 0, 0, NULL, n_goenvs, NULL},
    P("runtime.checkfds"), MS_STEP, 0, 0,
        "checkfds: fds 0, 1, 2 must be open (fcntl F_GETFD; /dev/null otherwise)", NULL, NULL},
    P("runtime.parsedebugvars"), MS_STEP, 0, 0, NULL, n_parsedebugvars, NULL},
    P("runtime.gcinit"), MS_STEP, 0, 0, NULL, n_gcinit, NULL},
    P("runtime.procresize"), MS_STEP, 0, 0, NULL, n_procresize, NULL},
    /* goroutine 1 and the scheduler */
    P("runtime.newproc"), MS_PHASE, PH_NEWPROC, 0, NULL, n_newproc, NULL},
    P("runtime.newproc1"), MS_STEP, 0, 0, NULL, NULL, r_newproc1},   /* said at return */
    P("runtime.mstart"), MS_PHASE, PH_MSTART, 0, NULL, n_mstart, NULL},
    P("runtime.mstart0"), MS_POINT, 0, 0,
        "mstart0: g0's stack guards from its bounds", NULL, NULL},
    P("runtime.mstart1"), MS_POINT, 0, 0,
        "mstart1: saves g0's context for later mcalls, then minit", NULL, NULL},
    P("runtime.minit"), MS_STEP, 0, 0,
        "minit: signal stack (sigaltstack), signal mask, procid = gettid()", NULL, NULL},
    P("runtime.mstartm0"), MS_STEP, 0, 0, "mstartm0 (m0 only): signal handlers", NULL, NULL},
    P("runtime.initsig"), MS_STEP, 0, 0, NULL, n_initsig, r_initsig},
    P("runtime.schedule"), MS_POINT, 0, 0, "schedule: finds a runnable goroutine", NULL, NULL},
    P("runtime.execute"), MS_POINT, 0, 0, NULL, n_execute, NULL},
    P("runtime.gogo"), MS_POINT, 0, 0, NULL, n_gogo, NULL},
    P("runtime.newstack"), MS_POINT, 0, 0,
        "newstack: a goroutine outgrew its stack (morestack): copied to one twice the size, "
        "then gogo resumes it", NULL, NULL},
    /* runtime.main on goroutine 1 */
    P("runtime.main"), MS_PHASE, PH_MAIN, 0, NULL, n_main, NULL},
    P("runtime.newm"), MS_STEP, 0, 0, NULL, n_newm, NULL},
    P("runtime.sysmon"), MS_POINT, 0, 0,
        "sysmon: the monitor loop, on its own M without a P (retakes Ps, preempts, netpoll)",
        NULL, NULL},
    P("runtime.gcenable"), MS_STEP, 0, 0,
        "gcenable: starts the background sweeper and scavenger goroutines", NULL, NULL},
    P("runtime.doInit"), MS_STEP, 0, 0,
        "doInit: runs init tasks, dependencies first", NULL, NULL},
    P("main.main"), MS_POINT, 0, MSF_NOW | MSF_REGS | MSF_END, NULL, n_main_main, NULL},
};
#undef P
const int trace_nmilestones = sizeof trace_milestones / sizeof trace_milestones[0];

/* "pkg.init" or "pkg.init.N": what doInit calls for each package (not closures inside). */
static int is_pkginit(const char *name)
{
    const char *p = strstr(name, ".init");
    while (p && p[5] && p[5] != '.')
        p = strstr(p + 1, ".init");
    if (!p || p == name || strchr(name, '(') || strchr(name, '['))
        return 0;
    if (!p[5])
        return 1;
    const char *d = p + 6;
    if (!*d)
        return 0;
    while (isdigit((unsigned char)*d))
        d++;
    return *d == 0;
}

int ms_find(const char *name)
{
    for (int i = 0; i < trace_nmilestones; i++)
        for (int k = 0; k < 3 && trace_milestones[i].names[k]; k++)
            if (!strcmp(name, trace_milestones[i].names[k]))
                return i;
    return is_pkginit(name) ? MS_PKGINIT : -1;
}
