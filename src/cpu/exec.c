/* exec.c — the dispatch loop over decoded blocks, the block cache, and guest exceptions.
 * A block is a run of decoded instructions ending at a control transfer (or 64 insns); it
 * remembers two successors so hot loops go block to block without a hash lookup. The whole
 * cache is dropped when code memory changes (mem.code_dirty), checked between blocks. */
#include "exec.h"

#include "base/diag.h"
#include "abi/linux_abi.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flags.h"
#include "tier2.h"
#include "cpu/access.h"

#define BLOCK_MAX_INSNS 64
#define ICACHE_BUCKETS (1u << 16)
#define ARENA_CHUNK (1u << 20)

struct block {
    uint64_t start;
    struct block *hnext;       /* hash chain */
    struct block *succ[2];     /* recently followed successors */
    struct tier2_block t2;     /* its translation, once hot (tier2.h); t2.entry NULL: tier 1 */
    uint64_t linked[2];        /* guest starts t2's two exits are linked to */
    uint32_t n;
    uint32_t succ_next;        /* which succ slot to replace next */
    uint32_t heat;             /* tier-1 runs so far */
    uint32_t link_next;        /* exits linked so far (at most 2) */
    struct insn insns[];
};

/* Tier-1 runs after which a block is translated (--tier=auto). Low: translating costs about
 * as much as a few runs, and Go's hot loops run millions of times. */
#define TIER2_HOT 16

struct arena_chunk {
    struct arena_chunk *next;
    size_t used;
    unsigned char data[];
};

struct icache {
    struct block *buckets[ICACHE_BUCKETS];
    struct arena_chunk *chunks;
    struct tier2_cache tier2;  /* translations of these blocks */
};

void (*exec_symbolize)(uint64_t addr, char *buf, size_t n);

static const struct cpu_hooks no_hooks;

void cpu_init(struct cpu *c, struct mem *m)
{
    memset(c, 0, sizeof(*c));
    c->mem = m;
    c->hooks = &no_hooks;
    c->rflags = 0x202;
    c->cc_op = CC_EFLAGS;
    c->mxcsr = MXCSR_DEFAULT;
}

/* ---- block cache ------------------------------------------------------------------------ */

static struct icache *icache_of(struct mem *m)
{
    if (!m->icache) {
        m->icache = calloc(1, sizeof(struct icache));
        if (!m->icache) {
            fprintf(diag(), "goemu: out of memory for the decoded-block cache\n");
            exit(70);
        }
    }
    return m->icache;
}

static void *arena_alloc(struct icache *ic, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct arena_chunk *ch = ic->chunks;
    if (!ch || ch->used + size > ARENA_CHUNK) {
        ch = malloc(sizeof(*ch) + ARENA_CHUNK);
        if (!ch) {
            fprintf(diag(), "goemu: out of memory for decoded blocks\n");
            exit(70);
        }
        ch->next = ic->chunks;
        ch->used = 0;
        ic->chunks = ch;
    }
    void *p = ch->data + ch->used;
    ch->used += size;
    return p;
}

void icache_flush(struct mem *m)
{
    struct icache *ic = m->icache;
    m->code_dirty = 0;
    if (!ic)
        return;
    tier2_reset(&ic->tier2);
    while (ic->chunks) {
        struct arena_chunk *next = ic->chunks->next;
        free(ic->chunks);
        ic->chunks = next;
    }
    memset(ic->buckets, 0, sizeof(ic->buckets));
}

void icache_destroy(struct mem *m)
{
    icache_flush(m);
    if (m->icache)
        tier2_destroy(&m->icache->tier2);
    free(m->icache);
    m->icache = NULL;
}

static unsigned bucket_of(uint64_t rip)
{
    return (unsigned)((rip * 0x9e3779b97f4a7c15ull) >> 48) & (ICACHE_BUCKETS - 1);
}

/* Decodes a block at rip. NULL when not even the first byte can be fetched. */
static struct block *block_build(struct icache *ic, struct mem *m, uint64_t rip)
{
    struct insn tmp[BLOCK_MAX_INSNS];
    uint32_t n = 0;
    uint64_t pc = rip;
    while (n < BLOCK_MAX_INSNS) {
        if (decode_insn(m, pc, &tmp[n]) != 0)
            break;  /* next byte unfetchable: the next block lookup faults precisely there */
        pc += tmp[n].len;
        if (decode_ends_block(&tmp[n++]))
            break;
    }
    if (n == 0)
        return NULL;
    struct block *b = arena_alloc(ic, sizeof(*b) + n * sizeof(struct insn));
    memset(b, 0, sizeof(*b));
    b->start = rip;
    b->n = n;
    memcpy(b->insns, tmp, n * sizeof(struct insn));
    unsigned h = bucket_of(rip);
    b->hnext = ic->buckets[h];
    ic->buckets[h] = b;
    return b;
}

static struct block *block_lookup(struct icache *ic, uint64_t rip)
{
    for (struct block *b = ic->buckets[bucket_of(rip)]; b; b = b->hnext)
        if (b->start == rip)
            return b;
    return NULL;
}

/* ---- exceptions ------------------------------------------------------------------------- */

/* Index of the executing instruction in the current block, or -1 when unknown. */
static long current_index(const struct cpu *c, const struct block **out)
{
    const struct block *b = c->mem->icache ? block_lookup(c->mem->icache, c->cur_block_start) : NULL;
    if (!b || c->insn_rip < b->start)
        return -1;
    uint64_t rip = b->start;
    uint32_t k = 0;
    while (k < b->n && rip < c->insn_rip)
        rip += b->insns[k++].len;
    if (k == b->n || rip != c->insn_rip)
        return -1;
    *out = b;
    return (long)k;
}

const struct insn *cpu_current_insn(const struct cpu *c)
{
    const struct block *b;
    long k = current_index(c, &b);
    return k < 0 ? NULL : &b->insns[k];
}

/* Instructions of the current block from the faulting one on: they were counted as
 * retired when the block started and did not retire. */
static uint64_t unretired(const struct cpu *c)
{
    const struct block *b;
    long k = current_index(c, &b);
    return k < 0 ? 1 : b->n - (uint64_t)k;
}

_Noreturn void cpu_raise(struct cpu *c, int signo, int code, uint64_t addr, int trapno, int err)
{
    if (c->flags_on_fault) {
        const struct cpu_flags_save *f = c->flags_on_fault;
        c->cc_res = f->res, c->cc_a = f->a, c->cc_b = f->b, c->rflags = f->rflags;
        c->cc_op = f->op, c->cc_aux = f->aux;
        c->flags_on_fault = NULL;
    }
    c->fault.signo = signo;
    c->fault.code = code;
    c->fault.addr = addr;
    c->fault.rip = c->insn_rip;
    c->fault.trapno = trapno;
    c->fault.err = err;
    c->rip = c->insn_rip;
    c->icount -= unretired(c);
    c->stop = STOP_FAULT;
    longjmp(*c->fault_jmp, 1);
}

_Noreturn void cpu_raise_trap(struct cpu *c, int signo, int code, int trapno)
{
    c->fault = (struct cpu_fault){signo, code, 0, c->insn_rip, trapno, 0};  /* si_addr 0, as Linux */
    c->stop = STOP_FAULT;
    longjmp(*c->fault_jmp, 1);
}

void op_sigill(struct cpu *c, const struct insn *i)
{
    char text[96], hex[64], sym[128] = "";
    disasm_at(c->mem, c->insn_rip, text, sizeof(text), hex, sizeof(hex));
    if (exec_symbolize)
        exec_symbolize(c->insn_rip, sym, sizeof(sym));
    fprintf(diag(), "goemu: SIGILL: %s instruction '%s' (%s) at rip 0x%llx%s%s%s\n",
            i->mnemonic ? "unimplemented" : "invalid", text, hex,
            (unsigned long long)c->insn_rip, sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
    cpu_raise(c, LINUX_SIGILL, LINUX_ILL_ILLOPN, c->insn_rip, 6, 0);
}

void op_fetch_fault(struct cpu *c, const struct insn *i)
{
    mem_fault(c, c->insn_rip + i->len, 0);
}

void cpu_mxcsr_unload(struct cpu *c)
{
    if (!c->mxcsr_live)
        return;
    uint32_t st, def = MXCSR_DEFAULT;
    __asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(st) : "m"(def));
    c->mxcsr |= st & 0x3f;
    c->mxcsr_live = 0;
}

/* ---- the loop --------------------------------------------------------------------------- */

/* Only a block's last instruction can transfer control, so only it needs c->rip (the next
 * address) before it runs; the others get insn_rip for fault reports. icount is added for
 * the whole block up front and corrected by cpu_raise if an instruction faults. */
static inline void run_block(struct cpu *c, const struct block *b)
{
    const struct insn *i = b->insns, *last = i + b->n - 1;
    uint64_t rip = b->start;
    c->cur_block_start = b->start;
    c->icount += b->n;
    for (; i < last; i++) {
        c->insn_rip = rip;
        rip += i->len;
        i->fn(c, i);
    }
    c->insn_rip = rip;
    c->rip = rip + i->len;
    i->fn(c, i);
}

static struct block *next_block(struct cpu *c, struct icache *ic, struct block *prev)
{
    uint64_t rip = c->rip;
    if (prev) {
        if (prev->succ[0] && prev->succ[0]->start == rip)
            return prev->succ[0];
        if (prev->succ[1] && prev->succ[1]->start == rip)
            return prev->succ[1];
    }
    struct block *b = block_lookup(ic, rip);
    if (!b)
        b = block_build(ic, c->mem, rip);
    if (!b) {
        c->insn_rip = rip;
        c->cur_block_start = ~0ull;  /* no block: unretired() counts just this one */
        c->icount++;
        if (mem_fetch_code(c->mem, rip, &(uint8_t){0}, 1) == 0) {
            /* Executing unmapped or non-executable memory: #PF on the fetch (err has bit 4). */
            const struct vma *v = mem_vma_at(c->mem, rip);
            cpu_raise(c, LINUX_SIGSEGV, v ? LINUX_SEGV_ACCERR : LINUX_SEGV_MAPERR, rip, 14, 0x14 | (v ? 1 : 0));
        }
        cpu_raise(c, LINUX_SIGSEGV, LINUX_SEGV_MAPERR, rip, 14, 0x14);
    }
    if (prev) {
        prev->succ[prev->succ_next] = b;
        prev->succ_next ^= 1;
    }
    return b;
}

/* Translates b (tier2.h). When the code cache is full every block and translation is dropped
 * and 0 returned, so the caller looks b up afresh; when even an empty cache cannot take it (no
 * host memory for a code cache) the thread goes on in tier 1. */
static int translate(struct cpu *c, struct icache *ic, struct block *b)
{
    if (tier2_translate(&ic->tier2, b, b->start, b->insns, b->n, &b->t2) == 0)
        return 1;
    if (ic->tier2.used == 0) {
        b->heat = 0;
        c->tier = CPU_TIER_1;
        return 1;
    }
    icache_flush(c->mem);
    return 0;
}

/* The loop went from translated block prev to translated block b: let prev jump to b itself
 * next time. Each block links its first two successors and then no more: a RET or indirect
 * jump with many targets would otherwise rewrite host code on every run, and writing code
 * the host CPU is executing costs far more than the loop it saves. */
static void link_blocks(struct block *prev, struct block *b)
{
    if (prev->link_next >= 2 || prev->linked[0] == b->start)
        return;
    unsigned k = prev->link_next;
    if (tier2_link(&prev->t2, k, b->start, &b->t2))
        return;   /* a known successor's own jump: no compare exit used */
    prev->link_next++;
    prev->linked[k] = b->start;
}

/* The block loop, kept out of cpu_run: a function that calls setjmp must keep its locals in
 * memory across calls, and here that would reload c from the stack before every handler. */
static __attribute__((noinline)) void run_blocks(struct cpu *c, struct icache *ic,
                                                 uint64_t limit)
{
    struct block *b = NULL, *prev = NULL;
    c->icount_limit = c->hooks->block ? 0 : limit;  /* see cpu_set_hooks */
    for (;;) {
        if (c->mem->code_dirty) {
            icache_flush(c->mem);
            b = prev = NULL;
        }
        b = next_block(c, ic, b);
        if (!b->t2.entry && c->tier != CPU_TIER_1 &&
            ++b->heat >= (c->tier == CPU_TIER_2 ? 1 : TIER2_HOT) && !translate(c, ic, b)) {
            b = prev = NULL;  /* the code cache was full, everything was dropped: look up again */
            continue;
        }
        if (__builtin_expect(c->hooks->block != NULL, 0))  /* --trace-startup only */
            c->hooks->block(c, b->start, b->insns, b->n);
        if (b->t2.entry) {
            if (prev && prev->t2.entry)
                link_blocks(prev, b);
            b->t2.entry(c);
            b = (struct block *)c->tier2_exit;  /* linked successors may have run after b */
        } else {
            run_block(c, b);
        }
        prev = b;
        if (c->stop != STOP_NONE || c->icount >= limit)
            break;
    }
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t budget)
{
    jmp_buf jb;
    jmp_buf *saved = c->fault_jmp;
    struct icache *ic = icache_of(c->mem);
    uint64_t limit = c->icount + budget;
    c->fault_jmp = &jb;
    if (setjmp(jb)) {
        cpu_mxcsr_unload(c);
        c->fault_jmp = saved;
        c->stop = STOP_NONE;
        return STOP_FAULT;
    }
    run_blocks(c, ic, limit);
    cpu_mxcsr_unload(c);
    enum cpu_stop why = c->stop;
    c->stop = STOP_NONE;
    c->fault_jmp = saved;
    return why == STOP_NONE ? STOP_BUDGET : why;
}
