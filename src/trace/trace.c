/* trace.c — the startup trace's sink and bookkeeping: one event becomes a text line, a JSON
 * line or a Chrome trace event; per-thread state; phases; start, detach at main.main, finish.
 * Only guest values are written (instruction counts, guest addresses, fixed tids), so two
 * --deterministic runs give byte-identical traces (docs/architecture.md, "Determinism"). */
#include "base/diag.h"
#include "base/fds.h"
#include "trace/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "elf/symbols.h"

static const char *const phase_names[PH_COUNT] = {
    "rt0", "check", "args", "osinit", "schedinit", "newproc", "mstart", "main",
};

const char *tr_phase_name(int p) { return p >= 0 && p < PH_COUNT ? phase_names[p] : "?"; }

int trace_parse_format(const char *name)
{
    if (!strcmp(name, "text"))
        return TRACE_TEXT;
    if (!strcmp(name, "json"))
        return TRACE_JSON;
    if (!strcmp(name, "chrome"))
        return TRACE_CHROME;
    return -1;
}

/* ---- small helpers -------------------------------------------------------------------- */

void tr_put(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k < n - *len ? (size_t)k : n - *len - 1;
}

void tr_json_escape(char *buf, size_t n, size_t *len, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            tr_put(buf, n, len, "\\%c", ch);
        else if (ch == '\n')
            tr_put(buf, n, len, "\\n");
        else if (ch < 0x20 || ch >= 0x7f)
            tr_put(buf, n, len, "\\u%04x", ch);
        else
            tr_put(buf, n, len, "%c", ch);
    }
}

int tr_read64(const struct trace *tr, uint64_t addr, uint64_t *v)
{
    return mem_copy_from(&tr->e->mem, v, addr, 8) == 0 ? 0 : -1;
}

void tr_sym(const struct trace *tr, uint64_t addr, char *buf, size_t n)
{
    sym_format(tr->syms, addr, buf, n);
    if (!buf[0])
        snprintf(buf, n, "%#" PRIx64, addr);
}

const char *tr_func_name(const struct trace *tr, uint64_t addr)
{
    uint64_t off;
    const char *name = sym_lookup(tr->syms, addr, &off);
    return name && off == 0 ? name : NULL;
}

uint64_t tr_icount_block(const struct trace *tr, const struct cpu *c)
{
    return tr->e->total_icount + (c->icount - tr->e->quantum_start);
}

/* Instructions retired before c's current instruction: the block's count plus the ones
 * before it in the block (the block's icount was added up front by run_block). */
uint64_t tr_icount_insn(const struct trace *tr, const struct tthread *tt, const struct cpu *c)
{
    uint64_t rip = tt->blk_start;
    for (uint32_t k = 0; tt->blk_insns && k < tt->blk_n; k++) {
        if (rip == c->insn_rip)
            return tt->blk_icount + k;
        rip += tt->blk_insns[k].len;
    }
    return tr_icount_block(tr, c);
}

int64_t tr_goid_of_g(const struct trace *tr, uint64_t g)
{
    uint64_t id;
    if (!tr->f.goid_off || g < 0x10000 || tr_read64(tr, g + (uint64_t)tr->f.goid_off, &id))
        return -1;
    return id < (1ull << 40) ? (int64_t)id : -1;
}

/* g lives at fs:-8 on linux/amd64 (runtime/go_tls.h); before settls fs is 0, and right after
 * it the slot holds rt0_go's 0x123 test value, which is no g. */
int64_t tr_goid(const struct trace *tr, const struct cpu *c)
{
    uint64_t fs = c->segbase[SEG_FS], g;
    if (!fs || tr_read64(tr, fs - 8, &g))
        return -1;
    return tr_goid_of_g(tr, g);
}

/* ---- threads, roles, phases ------------------------------------------------------------- */

const char *tr_role(const struct trace *tr, int tid)
{
    for (int i = 0; i < tr->f.nroles; i++)
        if (tr->f.roles[i].tid == tid)
            return tr->f.roles[i].role;
    return NULL;
}

void tr_set_role(struct trace *tr, int tid, const char *role)
{
    if (tr->f.nroles >= TRACE_MAX_ROLES)
        return;
    tr->f.roles[tr->f.nroles].tid = tid;
    snprintf(tr->f.roles[tr->f.nroles].role, sizeof tr->f.roles[0].role, "%s", role);
    tr->f.nroles++;
}

static void chrome_thread_name(struct trace *tr, int tid, const char *name)
{
    char buf[256];
    size_t len = 0;
    tr_put(buf, sizeof buf, &len, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,"
           "\"args\":{\"name\":\"", tr->e->pid, tid);
    tr_json_escape(buf, sizeof buf, &len, name);
    tr_put(buf, sizeof buf, &len, "\"}}");
    fprintf(tr->out, "%s%s", tr->nchrome++ ? ",\n" : "", buf);
}

static int thread_bucket(struct trace *tr, int tid)
{
    if (tid == tr->main_tid)
        return tr->phase;
    if (tr->nbuckets >= TRACE_MAX_BUCKETS)
        return TRACE_MAX_BUCKETS - 1;   /* the last one collects any further threads */
    struct bucket *b = &tr->buckets[tr->nbuckets];
    snprintf(b->name, sizeof b->name, "thread %d", tid);
    return tr->nbuckets++;
}

const struct cpu_hooks trace_cpu_hooks = {
    .block = trace_block,
    .cpuid = trace_cpuid,
    .tsc = process_tsc,
};

struct tthread *tthread_of(struct trace *tr, struct cpu *c)
{
    struct thread *t = thread_of(c);
    struct tthread *tt = t->trace;
    if (tt)
        return tt;
    if (tr->ntts == tr->cap_tts) {
        int cap = tr->cap_tts ? tr->cap_tts * 2 : 8;
        struct tthread **v = realloc(tr->tts, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        tr->tts = v;
        tr->cap_tts = cap;
    }
    tt = calloc(1, sizeof *tt);
    if (!tt)
        return NULL;
    tt->tr = tr;
    tt->tid = t->tid;
    tt->bucket = thread_bucket(tr, tt->tid);
    tt->last_cicount = c->icount;
    tr->tts[tr->ntts++] = tt;
    t->trace = tt;
    cpu_set_hooks(c, &trace_cpu_hooks);
    if (tr->fmt == TRACE_CHROME) {
        char name[96];
        const char *role = tr_role(tr, tt->tid);
        snprintf(name, sizeof name, "tid %d (%s)", tt->tid,
                 tt->tid == tr->main_tid ? "m0, main thread" : role ? role : "M");
        chrome_thread_name(tr, tt->tid, name);
    }
    return tt;
}

void tr_set_phase(struct trace *tr, struct tthread *tt, int p, uint64_t icount)
{
    if (tt->tid != tr->main_tid || p <= tr->phase)
        return;
    /* Functions of the old phase that never returned (mstart, a stack switch) end here,
     * so the Chrome spans nest. */
    startup_close_spans(tr, tt, icount);
    tr_span(tr, tt, 'E', phase_names[tr->phase], "phase", icount);
    tr->phase = p;
    tt->bucket = p;
    tr_span(tr, tt, 'B', phase_names[p], "phase", icount);
}

/* ---- the sink ------------------------------------------------------------------------- */

static const char *phase_of(const struct trace *tr, const struct tthread *tt)
{
    return tt->tid == tr->main_tid ? phase_names[tr->phase] : "thread";
}

static void goid_text(int64_t goid, char *buf, size_t n)
{
    if (goid < 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%" PRId64, goid);
}

static void emit_text(struct trace *tr, const struct trace_event *ev)
{
    char where[192], goid[24];
    tr_sym(tr, ev->pc, where, sizeof where);
    goid_text(ev->goid, goid, sizeof goid);
    fprintf(tr->out, "%10" PRIu64 " %5d %4s  %-9s %-38s %*s%s\n", ev->icount, ev->tt->tid, goid,
            phase_of(tr, ev->tt), where, 2 * ev->depth, "", ev->text);
}

/* The members every JSON line and Chrome "args" share. */
static void common_json(struct trace *tr, const struct trace_event *ev, char *buf, size_t n,
                        size_t *len)
{
    char where[192];
    tr_sym(tr, ev->pc, where, sizeof where);
    tr_put(buf, n, len, "\"where\":\"");
    tr_json_escape(buf, n, len, where);
    tr_put(buf, n, len, "\",\"pc\":\"%#" PRIx64 "\",\"goid\":", ev->pc);
    if (ev->goid < 0)
        tr_put(buf, n, len, "null");
    else
        tr_put(buf, n, len, "%" PRId64, ev->goid);
    tr_put(buf, n, len, ",\"depth\":%d,\"text\":\"", ev->depth);
    tr_json_escape(buf, n, len, ev->text);
    tr_put(buf, n, len, "\"");
    if (ev->json && ev->json[0])
        tr_put(buf, n, len, ",%s", ev->json);
}

static void emit_json(struct trace *tr, const struct trace_event *ev)
{
    char buf[4096];
    size_t len = 0;
    tr_put(buf, sizeof buf, &len, "{\"kind\":\"%s\",\"icount\":%" PRIu64 ",\"tid\":%d,"
           "\"phase\":\"%s\",\"name\":\"", ev->kind, ev->icount, ev->tt->tid, phase_of(tr, ev->tt));
    tr_json_escape(buf, sizeof buf, &len, ev->name);
    tr_put(buf, sizeof buf, &len, "\",");
    common_json(tr, ev, buf, sizeof buf, &len);
    fprintf(tr->out, "%s}\n", buf);
}

static void emit_chrome(struct trace *tr, const struct trace_event *ev)
{
    char buf[4096];
    size_t len = 0;
    tr_put(buf, sizeof buf, &len, "{\"name\":\"");
    tr_json_escape(buf, sizeof buf, &len, ev->name);
    tr_put(buf, sizeof buf, &len, "\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%" PRIu64
           ",\"pid\":%d,\"tid\":%d,\"args\":{", ev->kind, ev->icount, tr->e->pid, ev->tt->tid);
    common_json(tr, ev, buf, sizeof buf, &len);
    fprintf(tr->out, "%s%s}}", tr->nchrome++ ? ",\n" : "", buf);
}

void tr_emit(struct trace *tr, const struct trace_event *ev)
{
    switch (tr->fmt) {
    case TRACE_TEXT: emit_text(tr, ev); break;
    case TRACE_JSON: emit_json(tr, ev); break;
    case TRACE_CHROME: emit_chrome(tr, ev); break;
    }
}

void tr_span(struct trace *tr, const struct tthread *tt, char ph, const char *name,
             const char *cat, uint64_t icount)
{
    if (tr->fmt != TRACE_CHROME)
        return;
    char buf[512];
    size_t len = 0;
    tr_put(buf, sizeof buf, &len, "{\"name\":\"");
    tr_json_escape(buf, sizeof buf, &len, name);
    tr_put(buf, sizeof buf, &len, "\",\"cat\":\"%s\",\"ph\":\"%c\",\"ts\":%" PRIu64
           ",\"pid\":%d,\"tid\":%d}", cat, ph, icount, tr->e->pid, tt->tid);
    fprintf(tr->out, "%s%s", tr->nchrome++ ? ",\n" : "", buf);
}

static void header_append(struct trace *tr, const char *line)
{
    size_t need = tr->header_len + strlen(line) + 2;
    if (need > tr->header_cap) {
        size_t cap = tr->header_cap ? tr->header_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(tr->header_text, cap);
        if (!p)
            return;
        tr->header_text = p;
        tr->header_cap = cap;
    }
    tr->header_len += (size_t)sprintf(tr->header_text + tr->header_len, "%s\n", line);
}

void tr_header(struct trace *tr, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (tr->fmt == TRACE_TEXT) {
        fprintf(tr->out, "%s\n", line);
    } else if (tr->fmt == TRACE_JSON) {
        char buf[2048];
        size_t len = 0;
        tr_put(buf, sizeof buf, &len, "{\"kind\":\"header\",\"text\":\"");
        tr_json_escape(buf, sizeof buf, &len, line);
        fprintf(tr->out, "%s\"}\n", buf);
    } else {
        header_append(tr, line);
    }
}

void tr_block_text(struct trace *tr, const char *kind, const struct tthread *tt,
                   uint64_t icount, const char *text, const char *json)
{
    if (tr->fmt == TRACE_TEXT) {
        fprintf(tr->out, "%s", text);
        return;
    }
    char buf[8192];
    size_t len = 0;
    if (tr->fmt == TRACE_JSON) {
        tr_put(buf, sizeof buf, &len, "{\"kind\":\"%s\",\"icount\":%" PRIu64 ",\"tid\":%d,%s}",
               kind, icount, tt->tid, json);
        fprintf(tr->out, "%s\n", buf);
        return;
    }
    tr_put(buf, sizeof buf, &len, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\","
           "\"ts\":%" PRIu64 ",\"pid\":%d,\"tid\":%d,\"args\":{%s}}", kind, kind, icount,
           tr->e->pid, tt->tid, json);
    fprintf(tr->out, "%s%s", tr->nchrome++ ? ",\n" : "", buf);
}

/* ---- start, detach, finish -------------------------------------------------------------- */

static void chrome_open(struct trace *tr)
{
    char buf[512];
    size_t len = 0;
    tr_put(buf, sizeof buf, &len, "[{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,"
           "\"args\":{\"name\":\"goemu ", tr->e->pid);
    tr_json_escape(buf, sizeof buf, &len, tr->e->exe_path ? tr->e->exe_path : "?");
    tr_put(buf, sizeof buf, &len, "\"}}");
    fputs(buf, tr->out);
    tr->nchrome = 1;
}

/* Chrome: the header as one instant event at ts 0, readable in Perfetto's details pane. */
static void chrome_header(struct trace *tr)
{
    size_t n = tr->header_len * 2 + 256, len = 0;
    char *buf = malloc(n);
    if (!buf)
        return;
    tr_put(buf, n, &len, ",\n{\"name\":\"header\",\"cat\":\"header\",\"ph\":\"i\",\"s\":\"g\","
           "\"ts\":0,\"pid\":%d,\"tid\":%d,\"args\":{\"text\":\"", tr->e->pid, tr->main_tid);
    tr_json_escape(buf, n, &len, tr->header_text ? tr->header_text : "");
    tr_put(buf, n, &len, "\"}}");
    fputs(buf, tr->out);
    tr->nchrome++;
    free(buf);
}

static int open_sink(struct trace *tr, const char *path)
{
    if (!path) {
        tr->out = diag();
        return 0;
    }
    /* Kept in goemu's block of fds (base/fds.h): the guest's first open still gets fd 3. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return -errno;
    int slot = fds_keep(fd);
    tr->out = fds_stream(slot);
    if (!tr->out) {
        fds_drop(slot);
        return -EMFILE;
    }
    tr->close_out = 1;
    /* Line buffered: a guest that dies by a signal before main.main still leaves every line
     * written so far. */
    setvbuf(tr->out, NULL, _IOLBF, 0);
    return 0;
}

int trace_start(struct emu *e, struct thread *t, const struct elf_stack_info *si,
                const char *path, enum trace_format format)
{
    struct trace *tr = calloc(1, sizeof *tr);
    if (!tr)
        return -ENOMEM;
    tr->e = e;
    tr->fmt = format;
    tr->syms = e->syms;
    tr->main_tid = t->tid;
    tr->nbuckets = PH_COUNT;
    for (int p = 0; p < PH_COUNT; p++)
        snprintf(tr->buckets[p].name, sizeof tr->buckets[p].name, "%s", phase_names[p]);
    int rc = open_sink(tr, path);
    if (rc) {
        free(tr);
        return rc;
    }
    if (format == TRACE_CHROME)
        chrome_open(tr);
    header_write(tr, si);
    startup_report_milestones(tr);
    header_columns(tr);
    if (format == TRACE_CHROME)
        chrome_header(tr);
    e->trace = tr;
    struct tthread *tt = tthread_of(tr, &t->cpu);
    if (!tt)
        return -ENOMEM;
    tr_span(tr, tt, 'B', "boot: entry to main.main", "boot", 0);
    tr_span(tr, tt, 'B', phase_names[PH_RT0], "phase", 0);
    return 0;
}

/* Instructions a thread ran since its last block hook (its last block, at least). */
static void account_rest(struct trace *tr)
{
    for (struct thread *t = tr->e->threads; t; t = t->next) {
        struct tthread *tt = t->trace;
        if (tt) {
            tr->buckets[tt->bucket].insns += t->cpu.icount - tt->last_cicount;
            tt->last_cicount = t->cpu.icount;
        }
    }
}

static void close_all(struct trace *tr, uint64_t icount)
{
    for (int i = 0; i < tr->ntts; i++) {
        struct tthread *tt = tr->tts[i];
        startup_close_spans(tr, tt, icount);
        if (tt->tid == tr->main_tid) {
            tr_span(tr, tt, 'E', phase_names[tr->phase], "phase", icount);
            tr_span(tr, tt, 'E', "boot: entry to main.main", "boot", icount);
        }
    }
}

static void free_trace(struct trace *tr)
{
    for (int i = 0; i < tr->ntts; i++)
        free(tr->tts[i]);
    free(tr->tts);
    addrmap_free(&tr->blocks);
    addrmap_free(&tr->funcs);
    free(tr->header_text);
    free(tr);
}

void tr_detach(struct trace *tr)
{
    struct emu *e = tr->e;
    if (tr->fmt == TRACE_CHROME)
        fputs("\n]\n", tr->out);
    if (tr->close_out)
        fclose(tr->out);
    else
        fflush(tr->out);
    for (struct thread *t = e->threads; t; t = t->next) {
        t->trace = NULL;
        cpu_set_hooks(&t->cpu, &process_cpu_hooks);
    }
    e->trace = NULL;
    free_trace(tr);
}

void trace_end(struct trace *tr, uint64_t icount)
{
    startup_flush(tr);
    account_rest(tr);
    summary_write(tr, icount);
    close_all(tr, icount);
    tr_detach(tr);
}

void trace_finish(struct emu *e)
{
    struct trace *tr = e->trace;
    if (!tr)
        return;
    uint64_t icount = e->total_icount;
    struct tthread *main_tt = NULL;
    for (int i = 0; i < tr->ntts; i++)
        if (tr->tts[i]->tid == tr->main_tid)
            main_tt = tr->tts[i];
    if (main_tt) {
        startup_flush(tr);
        struct trace_event ev = {"note", "end", main_tt, icount, main_tt->blk_start, -1, 0,
                                 "the process ended before main.main", NULL};
        tr_emit(tr, &ev);
    }
    trace_end(tr, icount);
}
