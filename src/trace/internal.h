/* internal.h — what the files of src/trace share: the trace and per-thread state, the event
 * sink (trace.c), milestones and spans (startup.c, milestones.c), CPUID and syscall notes,
 * the header (header.c, buildinfo.c), register dumps (regs.c) and the summary (summary.c). */
#ifndef GOEMU_TRACE_INTERNAL_H
#define GOEMU_TRACE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "proc/process.h"
#include "trace/addrmap.h"
#include "trace/trace.h"

#define TRACE_MAX_SPANS 48
#define TRACE_MAX_BUCKETS 64   /* a function's phases are a 64-bit mask */
#define TRACE_MAX_ROLES 32

/* Boot phases of the main thread, in order: each begins at its milestone's entry and lasts
 * until the next one begins (docs/boot.md). Other threads get a bucket of their own. */
enum trace_phase {
    PH_RT0, PH_CHECK, PH_ARGS, PH_OSINIT, PH_SCHEDINIT, PH_NEWPROC, PH_MSTART, PH_MAIN,
    PH_COUNT,
};

/* An entered milestone function whose return we watch for: it has returned when a block
 * starts at ret with rsp == rsp_after (a stack switch never matches, so it stays open). */
struct span {
    int ms;
    uint64_t ret, rsp_after;
    uint64_t mark;     /* a counter noted at entry, for the return annotation */
    int merged;        /* entered through an ABI wrapper: results are not in rax */
};

/* Registers as they were when a milestone function was entered (or its wrapper's callee). */
struct entry_regs {
    uint64_t pc, rax, rbx, rcx, rdi, rsi, rsp, fs;
};

struct trace;

/* The CPU hooks of a traced thread: trace_block, trace_cpuid and the process's clock. */
extern const struct cpu_hooks trace_cpu_hooks;

/* Per guest thread; thread.trace points here. A thread clone made copies its parent's CPU
 * hooks, so its first block reaches tthread_of, which gives it its own. */
struct tthread {
    struct trace *tr;
    int tid;
    int bucket;
    int nblocks;
    uint64_t last_cicount;     /* cpu.icount at the previous block: the delta is accounted */
    uint64_t prev_func;        /* function of the previous block (entry = coming from elsewhere) */
    uint64_t blk_start, blk_icount;   /* the running block, for exact mid-block icounts */
    const struct insn *blk_insns;
    uint32_t blk_n;
    struct span spans[TRACE_MAX_SPANS];
    int nspans;
    int tls_check;             /* settls returned: check the 0x123 store at the next block */
    uint64_t after_gogo;       /* gogo's address: report the new stack once it is left */
    /* the syscall in flight */
    char call[512];
    const char *sysname, *sysfmt;
    uint64_t sysargs[6], sys_icount, sys_pc;
    int64_t sys_goid;
};

/* A milestone entry held for one block: if the next block enters the same-named function
 * at another address, the first was an ABI wrapper and the callee's registers are used. */
struct pending {
    struct tthread *tt;
    int ms, merged;
    uint64_t func, icount;
    uint64_t ret, rsp_after;   /* of the outer (wrapper) entry: the span ends there */
    int64_t goid;
    struct entry_regs regs;
};

struct bucket {
    char name[64];
    uint64_t insns, syscalls;
};

/* The runtime facts annotations need, gathered while the boot runs. */
struct boot_facts {
    char goversion[32];
    int go_minor;              /* 19 for go1.19.x; 0 unknown */
    int goid_off;              /* offset of g.goid, 0 when unknown */
    int goid_verified;         /* runtime.main's goroutine read back as goid 1 */
    int g0_reported;
    int argc, envc;
    uint64_t argv, pagesz, random;
    int ncpu;
    char gomaxprocs[32], gogc[32], gomemlimit[32], godebug[96];
    uint32_t leaf1[4], leaf7[4], ext1[4];
    int seen_leaf1, seen_leaf7, seen_ext1;
    uint64_t sigactions;       /* rt_sigaction calls so far */
    int aeshash;               /* initAlgAES ran */
    uint64_t newm_fn;          /* newm's function, for the clone that follows */
    struct { int tid; char role[64]; } roles[TRACE_MAX_ROLES];
    int nroles;
};

struct trace {
    struct emu *e;
    FILE *out;
    int close_out;
    enum trace_format fmt;
    long nchrome;              /* chrome events written: a comma before all but the first */
    const struct symtab *syms;
    struct tthread **tts;
    int ntts, cap_tts;
    struct addrmap blocks;     /* block start -> a: function start, b: milestone + 1 */
    struct addrmap funcs;      /* function start -> a: mask of buckets that ran it */
    struct bucket buckets[TRACE_MAX_BUCKETS];
    int nbuckets;
    int main_tid;
    int phase;                 /* enum trace_phase of the main thread */
    int have_pending;
    struct pending pend;
    struct boot_facts f;
    char *header_text;         /* chrome: the header, as one event's argument */
    size_t header_len, header_cap;
    int reached_main;
};

/* ---- trace.c: the sink ---------------------------------------------------------------- */

/* One line of the trace. text is the annotation; json holds extra JSON members (already
 * encoded, without braces) or NULL. */
struct trace_event {
    const char *kind;   /* "milestone", "return", "syscall", "cpuid", "note", "thread" */
    const char *name;   /* short name (Chrome event name) */
    struct tthread *tt;
    uint64_t icount, pc;
    int64_t goid;       /* -1: unknown */
    int depth;
    const char *text;
    const char *json;
};

void tr_emit(struct trace *tr, const struct trace_event *ev);
/* Chrome only: ph 'B' or 'E' of a span on tt's timeline (other formats ignore spans). */
void tr_span(struct trace *tr, const struct tthread *tt, char ph, const char *name,
             const char *cat, uint64_t icount);
/* One header line (printf format). */
void tr_header(struct trace *tr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A multi-line block (register dump, summary): text as printed; json is one JSON object's
 * members for the other formats. */
void tr_block_text(struct trace *tr, const char *kind, const struct tthread *tt,
                   uint64_t icount, const char *text, const char *json);
/* Appends s JSON-escaped (without quotes) to buf of size n at *len. */
void tr_json_escape(char *buf, size_t n, size_t *len, const char *s);

/* The state of c's thread (created on first sight, e.g. a clone child). */
struct tthread *tthread_of(struct trace *tr, struct cpu *c);
/* Instructions retired by all threads before the current instruction of c / its block. */
uint64_t tr_icount_block(const struct trace *tr, const struct cpu *c);
uint64_t tr_icount_insn(const struct trace *tr, const struct tthread *tt, const struct cpu *c);
/* The goroutine id running on c (g at fs:-8), or -1 when unknown. */
int64_t tr_goid(const struct trace *tr, const struct cpu *c);
int64_t tr_goid_of_g(const struct trace *tr, uint64_t g);
/* Guest reads that never fault: 0 or -1. */
int tr_read64(const struct trace *tr, uint64_t addr, uint64_t *v);
/* "name+0xoff", or "0x..." when no symbol covers addr. */
void tr_sym(const struct trace *tr, uint64_t addr, char *buf, size_t n);
/* Function name at addr exactly (offset 0), else NULL. */
const char *tr_func_name(const struct trace *tr, uint64_t addr);
/* Stops tracing: every thread's trace state and e->trace become NULL and its CPU hooks the
 * process's plain ones; the sink is closed and tr freed. */
void tr_detach(struct trace *tr);
/* The end at main.main or process exit: pending entry, summary, spans closed, detach. */
void trace_end(struct trace *tr, uint64_t icount);
/* Switches the main thread to phase p (never backwards): closes and opens Chrome spans. */
void tr_set_phase(struct trace *tr, struct tthread *tt, int p, uint64_t icount);
const char *tr_phase_name(int p);
const char *tr_role(const struct trace *tr, int tid);
void tr_set_role(struct trace *tr, int tid, const char *role);

/* ---- startup.c / milestones.c ----------------------------------------------------------- */

enum ms_kind {
    MS_PHASE,   /* begins a phase of the main thread; a span until it returns */
    MS_STEP,    /* a span nested in the current phase */
    MS_POINT,   /* an instant: functions that never return (schedule, gogo...) */
};

struct ms_ctx {
    struct trace *tr;
    struct tthread *tt;
    struct cpu *c;
    const struct entry_regs *r;   /* at entry (entry annotations) */
    struct span *sp;              /* the span (return annotations); NULL for points */
    char *out;
    size_t n;
};

typedef void ms_note_fn(struct ms_ctx *x);

enum {
    MSF_NOW = 1,    /* emitted at entry, no ABI-wrapper wait (entry point, main.main) */
    MSF_REGS = 2,   /* followed by a register dump */
    MSF_END = 4,    /* main.main: the trace ends here */
};

struct milestone {
    const char *names[3];   /* the function under each release's name */
    enum ms_kind kind;
    int phase;              /* MS_PHASE: enum trace_phase */
    int flags;              /* MSF_* */
    const char *what;       /* fixed annotation, printed when on_entry is NULL */
    ms_note_fn *on_entry;   /* annotation with values read at entry */
    ms_note_fn *on_return;  /* annotation at return; NULL or empty text: nothing printed */
};

extern const struct milestone trace_milestones[];
extern const int trace_nmilestones;
/* Milestone index for a function name (any of its names), -1 if none; -2 for a package
 * init function ("pkg.init", "pkg.init.0"). */
int ms_find(const char *name);
#define MS_PKGINIT (-2)

/* startup.c: after the header, the milestone presence report. */
void startup_report_milestones(struct trace *tr);
/* Emits the pending milestone entry, if any. */
void startup_flush(struct trace *tr);
/* Closes tt's open spans (Chrome 'E'), innermost first. */
void startup_close_spans(struct trace *tr, struct tthread *tt, uint64_t icount);

/* ---- header.c, buildinfo.c, regs.c, summary.c, cpuid_notes.c --------------------------- */

struct go_buildinfo {
    char version[32];       /* "go1.19.8", "" when absent */
    char path[128];         /* main package path */
    char settings[512];     /* "build" lines, space separated */
};
/* Reads the Go 1.18+ build info blob of the ELF file at path (.go.buildinfo). 0 or -1. */
int go_buildinfo_read(const char *path, struct go_buildinfo *bi);
/* Parses the blob itself (for tests): 0 or -1. */
int go_buildinfo_parse(const uint8_t *p, size_t n, struct go_buildinfo *bi);

void header_write(struct trace *tr, const struct elf_stack_info *si);
/* The column titles above the events. */
void header_columns(struct trace *tr);

/* gdb "info registers" text of c into buf; JSON members into json. */
void regs_format(const struct trace *tr, const struct cpu *c, char *buf, size_t n,
                 char *json, size_t jn);
/* "[ PF ZF IF ]" as gdb decodes eflags. */
void regs_eflags(uint64_t rflags, char *buf, size_t n);

void summary_write(struct trace *tr, uint64_t icount);

/* What Go derives from CPUID leaf/subleaf answered r, asked from caller (function name). */
void cpuid_note(struct trace *tr, const char *caller, uint32_t leaf, uint32_t subleaf,
                const uint32_t r[4], char *buf, size_t n);
/* internal/cpu's x86 feature flags from the CPUID answers seen so far. */
void cpuid_features(const struct trace *tr, char *buf, size_t n);

/* Formats into buf at *len (bounded; output past the end is dropped). */
void tr_put(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
