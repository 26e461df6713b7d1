/* startup.c — the block hook: which function each decoded block belongs to, milestone entries
 * (held one block to see through Go's ABI wrappers), spans that end when the function
 * returns, phases, per-phase accounting, and the main.main end. Blocks start at function
 * entries because calls end blocks, so an entry is a block start at a symbol's address. */
#include "trace/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "elf/symbols.h"

/* Block-info encoding in addrmap b: milestone + 3, so that 0 means "not computed yet",
 * 1 a package init function and 2 no milestone. */
#define BI_OFFSET 3

static const char *ms_name(int ms, const char *fallback)
{
    return ms >= 0 ? trace_milestones[ms].names[0] : fallback;
}

/* ---- which function, which milestone ------------------------------------------------------ */

static void block_info(struct trace *tr, uint64_t start, uint64_t *func, int *ms)
{
    struct addrmap_entry *e = addrmap_get(&tr->blocks, start, 1);
    if (e && e->b) {
        *func = e->a;
        *ms = (int)e->b - BI_OFFSET;
        return;
    }
    uint64_t off = 0;
    const char *name = sym_lookup(tr->syms, start, &off);
    *func = name ? start - off : 0;
    *ms = name && off == 0 ? ms_find(name) : -1;
    if (e) {
        e->a = *func;
        e->b = (uint64_t)(*ms + BI_OFFSET);
    }
}

static void mark_func(struct trace *tr, uint64_t func, int bucket)
{
    struct addrmap_entry *e = func ? addrmap_get(&tr->funcs, func, 1) : NULL;
    if (e)
        e->a |= 1ull << bucket;
}

static void snapshot(const struct cpu *c, uint64_t pc, struct entry_regs *r)
{
    *r = (struct entry_regs){pc, c->gpr[RAX], c->gpr[RBX], c->gpr[RCX], c->gpr[RDI],
                             c->gpr[RSI], c->gpr[RSP], c->segbase[SEG_FS]};
}

/* ---- spans ------------------------------------------------------------------------------- */

static void push_span(struct trace *tr, struct tthread *tt, const struct span *s,
                      uint64_t icount)
{
    if (tt->nspans == TRACE_MAX_SPANS)
        return;   /* deeper than any boot path: not watched */
    tt->spans[tt->nspans++] = *s;
    tr_span(tr, tt, 'B', ms_name(s->ms, "?"), "function", icount);
}

void startup_close_spans(struct trace *tr, struct tthread *tt, uint64_t icount)
{
    while (tt->nspans > 0) {
        tt->nspans--;
        tr_span(tr, tt, 'E', ms_name(tt->spans[tt->nspans].ms, "?"), "function", icount);
    }
}

static void return_note(struct trace *tr, struct tthread *tt, struct cpu *c, struct span *s,
                        uint64_t pc, uint64_t icount)
{
    const struct milestone *m = &trace_milestones[s->ms];
    char text[1024] = "";
    if (!m->on_return)
        return;
    struct ms_ctx x = {tr, tt, c, NULL, s, text, sizeof text};
    m->on_return(&x);
    if (!text[0])
        return;
    struct trace_event ev = {"return", m->names[0], tt, icount, pc, tr_goid(tr, c),
                             tt->nspans, text, NULL};
    tr_emit(tr, &ev);
}

/* A span ends when a block starts at its return address with the stack pointer just above
 * it. Spans above a matching one (a function left by a stack switch) end with it. */
static void pop_returns(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start,
                        uint64_t icount)
{
    uint64_t rsp = c->gpr[RSP];
    for (int k = tt->nspans - 1; k >= 0; k--) {
        struct span s = tt->spans[k];
        if (s.ret != start || s.rsp_after != rsp)
            continue;
        while (tt->nspans > k + 1) {
            tt->nspans--;
            tr_span(tr, tt, 'E', ms_name(tt->spans[tt->nspans].ms, "?"), "function", icount);
        }
        tt->nspans = k;
        return_note(tr, tt, c, &s, start, icount);
        tr_span(tr, tt, 'E', ms_name(s.ms, "?"), "function", icount);
        return;
    }
}

/* ---- milestone entries ---------------------------------------------------------------------- */

static void entry_text(struct trace *tr, struct tthread *tt, struct cpu *c, int ms,
                       const struct entry_regs *r, struct span *s, char *text, size_t n)
{
    struct ms_ctx x = {tr, tt, c, r, s, text, n};
    text[0] = 0;
    if (ms == MS_PKGINIT) {
        char name[160];
        tr_sym(tr, r->pc, name, sizeof name);
        snprintf(text, n, "package init: %s", name);
        return;
    }
    const struct milestone *m = &trace_milestones[ms];
    if (m->on_entry)
        m->on_entry(&x);
    else if (m->what)
        snprintf(text, n, "%s", m->what);
}

/* Emits one entry: phase switch, the line, then its span (so the line sits outside it). */
static void emit_entry(struct trace *tr, struct tthread *tt, struct cpu *c,
                       const struct pending *p)
{
    const struct milestone *m = p->ms >= 0 ? &trace_milestones[p->ms] : NULL;
    if (m && m->kind == MS_PHASE)
        tr_set_phase(tr, tt, m->phase, p->icount);
    struct span s = {p->ms, p->ret, p->rsp_after, 0, p->merged};
    char text[1024], name[160];
    entry_text(tr, tt, c, p->ms, &p->regs, &s, text, sizeof text);
    if (m)
        snprintf(name, sizeof name, "%s", m->names[0]);
    else
        tr_sym(tr, p->func, name, sizeof name);
    struct trace_event ev = {"milestone", name, tt, p->icount, p->func, p->goid, tt->nspans,
                             text, NULL};
    if (text[0])   /* a milestone with nothing to say at entry speaks at its return */
        tr_emit(tr, &ev);
    if (m && m->kind != MS_POINT)
        push_span(tr, tt, &s, p->icount);
}

void startup_flush(struct trace *tr)
{
    if (!tr->have_pending)
        return;
    tr->have_pending = 0;
    struct tthread *tt = tr->pend.tt;
    emit_entry(tr, tt, NULL, &tr->pend);
}

static int same_name(const struct trace *tr, uint64_t f1, uint64_t f2)
{
    const char *a = tr_func_name(tr, f1), *b = tr_func_name(tr, f2);
    return a && b && !strcmp(a, b);
}

/* The held entry meets the next block of its thread: the same-named function at another
 * address is the wrapper's callee (merge, with the callee's registers); staying inside the
 * entered function keeps waiting; anything else emits it. Returns 1 when merged. */
static int pending_step(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t func,
                        int ms, int entered)
{
    struct pending *p = &tr->pend;
    if (p->tt == tt) {
        if (entered && ms == p->ms && func != p->func && same_name(tr, func, p->func)) {
            p->merged = 1;
            snapshot(c, p->regs.pc, &p->regs);
            p->goid = tr_goid(tr, c);
            startup_flush(tr);
            return 1;
        }
        if (func == p->func)
            return 0;
    }
    startup_flush(tr);
    return 0;
}

/* runtime.gogo and the gogo<> it jumps to, which does the switch. */
static int in_gogo(const struct trace *tr, uint64_t func)
{
    const char *name = tr_func_name(tr, func);
    size_t len = name ? strlen(name) : 0;
    return len >= 4 && !strcmp(name + len - 4, "gogo");
}

static void register_dump(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t icount)
{
    char text[4096], json[4096];
    regs_format(tr, c, text, sizeof text, json, sizeof json);
    tr_block_text(tr, "registers", tt, icount, text, json);
}

static void enter(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start, int ms,
                  uint64_t icount)
{
    struct pending p = {tt, ms, 0, start, icount, 0, c->gpr[RSP] + 8, tr_goid(tr, c), {0}};
    tr_read64(tr, c->gpr[RSP], &p.ret);
    snapshot(c, start, &p.regs);
    int flags = ms >= 0 ? trace_milestones[ms].flags : 0;
    if (!(flags & MSF_NOW)) {
        tr->pend = p;
        tr->have_pending = 1;
        return;
    }
    emit_entry(tr, tt, c, &p);
    if (flags & MSF_REGS)
        register_dump(tr, tt, c, icount);
    if (flags & MSF_END) {
        tr->reached_main = 1;
        trace_end(tr, icount);
    }
}

/* ---- per-block checks ----------------------------------------------------------------------- */

/* rt0_go stores 0x123 through fs:-8 and compares m0.tls[0] with it; at the block after that
 * test, fs:-8 still holds it (the next instructions store g0 there) unless the store went
 * elsewhere, and then rt0_go calls abort. */
static void tls_check(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start,
                      uint64_t icount)
{
    uint64_t fs = c->segbase[SEG_FS], v = 0;
    char text[256];
    if (fs && tr_read64(tr, fs - 8, &v) == 0 && v == 0x123)
        snprintf(text, sizeof text, "TLS self-check: 0x123 stored through fs:-8 is read back "
                 "from m0.tls[0] at %#" PRIx64 ": passed", fs - 8);
    else
        snprintf(text, sizeof text, "TLS self-check FAILED: fs:-8 holds %#" PRIx64
                 " instead of 0x123 (rt0_go calls abort)", v);
    struct trace_event ev = {"note", "tls-check", tt, icount, start, -1, tt->nspans, text, NULL};
    tr_emit(tr, &ev);
}

/* After gogo: the thread now runs on the goroutine's stack. */
static void gogo_check(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start,
                       uint64_t icount)
{
    uint64_t fs = c->segbase[SEG_FS], g = 0, lo = 0, hi = 0, rsp = c->gpr[RSP];
    char text[256];
    if (!fs || tr_read64(tr, fs - 8, &g) || tr_read64(tr, g, &lo) || tr_read64(tr, g + 8, &hi))
        snprintf(text, sizeof text, "gogo switched stacks: rsp = %#" PRIx64, rsp);
    else
        snprintf(text, sizeof text, "now on the goroutine's stack: rsp = %#" PRIx64
                 " in g.stack [%#" PRIx64 ", %#" PRIx64 "), g = %#" PRIx64 "%s", rsp, lo, hi, g,
                 rsp >= lo && rsp < hi ? "" : " (rsp outside g.stack!)");
    struct trace_event ev = {"note", "stack-switch", tt, icount, start, tr_goid(tr, c),
                             tt->nspans, text, NULL};
    tr_emit(tr, &ev);
}

static void thread_started(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start,
                           uint64_t icount)
{
    char text[256];
    const char *role = tr_role(tr, tt->tid);
    snprintf(text, sizeof text, "thread %d starts: the clone child, rax = 0, rsp = %#" PRIx64
             "%s%s", tt->tid, c->gpr[RSP], role ? "; it will run " : "", role ? role : "");
    struct trace_event ev = {"thread", "thread-start", tt, icount, start, -1, 0, text, NULL};
    tr_emit(tr, &ev);
}

/* The entry point is not Go's _rt0_amd64_linux (another toolchain, or no symbols): the same
 * line and register dump, without the milestone. */
static void foreign_entry(struct trace *tr, struct tthread *tt, struct cpu *c, uint64_t start,
                          uint64_t icount)
{
    char text[256];
    snprintf(text, sizeof text, "process entry (ELF e_entry, not Go's _rt0_amd64_linux): rsp = %#"
             PRIx64 " points at argc", c->gpr[RSP]);
    struct trace_event ev = {"note", "entry", tt, icount, start, -1, 0, text, NULL};
    tr_emit(tr, &ev);
    register_dump(tr, tt, c, icount);
}

void trace_block(struct cpu *c, uint64_t start, const struct insn *insns, uint32_t n)
{
    struct trace *tr = thread_of(c)->emu->trace;
    struct tthread *tt = tr ? tthread_of(tr, c) : NULL;
    if (!tt) {
        cpu_set_hooks(c, &process_cpu_hooks);  /* this thread is no longer traced */
        return;
    }
    tr->buckets[tt->bucket].insns += c->icount - tt->last_cicount;
    tt->last_cicount = c->icount;
    uint64_t icount = tr_icount_block(tr, c), func;
    int ms;
    tt->blk_start = start;
    tt->blk_icount = icount;
    tt->blk_insns = insns;
    tt->blk_n = n;
    block_info(tr, start, &func, &ms);
    if (tt->nblocks++ == 0 && tt->tid != tr->main_tid)
        thread_started(tr, tt, c, start, icount);
    else if (tt->nblocks == 1 && (ms < 0 || !(trace_milestones[ms].flags & MSF_REGS)))
        foreign_entry(tr, tt, c, start, icount);
    /* An entry comes from another function: a block at the start of the function it is
     * already in is a loop or the retry after morestack. */
    int entered = func && start == func && func != tt->prev_func && ms != -1;
    tt->prev_func = func;
    if (entered && ms >= 0 && trace_milestones[ms].kind == MS_PHASE &&
        tt->tid == tr->main_tid && trace_milestones[ms].phase > tr->phase)
        tt->bucket = trace_milestones[ms].phase;   /* accounting now; the line when emitted */
    mark_func(tr, func, tt->bucket);
    if (tr->have_pending && pending_step(tr, tt, c, func, ms, entered))
        entered = 0;
    if (tt->tls_check) {
        tt->tls_check = 0;
        tls_check(tr, tt, c, start, icount);
    }
    if (tt->after_gogo && !in_gogo(tr, func)) {
        tt->after_gogo = 0;
        gogo_check(tr, tt, c, start, icount);
    }
    pop_returns(tr, tt, c, start, icount);
    if (entered)
        enter(tr, tt, c, start, ms, icount);   /* may end the trace: tr and tt are gone then */
}

void startup_report_milestones(struct trace *tr)
{
    char absent[2048] = "";
    size_t len = 0;
    int found = 0;
    for (int i = 0; i < trace_nmilestones; i++) {
        const struct milestone *m = &trace_milestones[i];
        int have = 0;
        for (int k = 0; k < 3 && m->names[k]; k++)
            have |= sym_addr(tr->syms, m->names[k]) != 0;
        if (have)
            found++;
        else
            tr_put(absent, sizeof absent, &len, " %s", m->names[0]);
    }
    tr_header(tr, "milestones    %d of %d present in this binary; absent:%s", found,
              trace_nmilestones, len ? absent : " none");
}
