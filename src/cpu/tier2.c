/* tier2.c — translating decoded blocks into host functions (tier2.h), in a code cache of
 * TIER2_CACHE_SIZE bytes per address space, mapped near goemu's own code so translated code
 * reaches every handler with a direct CALL rel32. When the cache is full every translation is
 * dropped at once (qemu's tb_flush policy): simple, bounded, and rare. */
#include "cpu/tier2.h"

#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "base/check.h"
#include "cpu/cpu.h"
#include "cpu/emit.h"
#include "cpu/exec.h"
#include "cpu/tier2_inline.h"
#include "mem/aspace.h"

#define TIER2_CACHE_SIZE (32u << 20)

/* An address within rel32 reach of goemu's text, or NULL to let the kernel choose. */
static void *near_text(void)
{
    uintptr_t text = (uintptr_t)&tier2_translate;
    uintptr_t want = (text + (256u << 20)) & ~(uintptr_t)0xfffff;
    return (void *)want;
}

static int cache_map(struct tier2_cache *tc)
{
    /* Readable, writable and executable: the cache is written between blocks and executed
     * right after. The guest cannot name it: guest memory is only its own mapped pages. */
    void *p = mmap(near_text(), TIER2_CACHE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    tc->base = p;
    tc->size = TIER2_CACHE_SIZE;
    tc->used = 0;
    return 0;
}

/* One exit: mov rcx, imm64 (the successor's start; ~0 matches nothing); cmp rax, rcx;
 * je rel32 (its body; the exit path until linked). */
enum { LINK_START = 2, LINK_REL = 15 };

static uint8_t *emit_link(struct emit *e)
{
    uint8_t *at = e->p;
    emit_bytes(e, "\x48\xb9", 2);
    emit_u64(e, ~0ull);
    emit_bytes(e, "\x48\x39\xc8\x0f\x84", 5);
    emit_u32(e, 0);
    return e->overflow ? NULL : at;
}

unsigned tier2_window_min = 2;

static FILE *perf_map;

void tier2_set_perf_map(FILE *f)
{
    perf_map = f;
}

static void describe(const uint8_t *code, size_t size, uint64_t start)
{
    char sym[128] = "";
    if (exec_symbolize)
        exec_symbolize(start, sym, sizeof sym);
    fprintf(perf_map, "%lx %zx goemu:%llx %s\n", (unsigned long)(uintptr_t)code, size,
            (unsigned long long)start, sym);
    fflush(perf_map);   /* perf reads it after goemu is gone, perhaps killed */
}

/* Out-of-line halves per block: one per instruction at most (blocks hold up to 64). */
#define SLOW_MAX 65

/* The instructions of a block, from the state in *e->gprs (and no known flags), leaving every
 * cached register written back. Collects the slow paths; *may_dirty: something may have
 * stored into decoded code. */
static void emit_body(struct emit *e, uint64_t start, const struct insn *insns, uint32_t n,
                      struct slow_path *slow, unsigned *nslow, int *may_dirty, int *calls,
                      struct tier2_end *end)
{
    uint64_t rip = start;
    struct tmpl_flags flags = {-1, 0};   /* nothing known at the block's start */
    for (uint32_t k = 0; k < n; k++) {
        const struct insn *i = &insns[k];
        uint64_t next = rip + i->len;
        /* The last instruction sets rip (it may transfer control); the others leave it. */
        int dead = 0;   /* a later instruction overwrites i's flags before anything sees them */
        for (uint32_t j = k + 1; j < n && !dead && j < k + 8; j++) {
            dead = tier2_kills_flags(&insns[j]);
            if (!dead && !tier2_flags_neutral(&insns[j]))
                break;
        }
        struct slow_path *sp = &slow[*nslow];
        int inlined = k < n - 1 ? tier2_inline(e, i, rip, sp, &flags, dead)
                                : tier2_inline_end(e, i, rip, next, sp, &flags, end);
        if (inlined) {
            if (sp->jcc[0]) {
                *may_dirty |= sp->writes;
                (*nslow)++;
            }
            rip = next;
            continue;
        }
        /* What run_block does per instruction: the address for fault reports, and for the
         * last one the next rip. */
        tier2_gprs_flush(e);   /* the handler works on struct cpu */
        emit_store_cpu64(e, offsetof(struct cpu, insn_rip), rip);
        if (k == n - 1)
            emit_store_cpu64(e, offsetof(struct cpu, rip), next);
        emit_call2(e, (const void *)i->fn, (uintptr_t)i);
        tier2_gprs_forget(e);
        flags = (struct tmpl_flags){-1, 0};   /* a handler may have written them */
        *may_dirty = *calls = 1;
        if (k == n - 1)
            *end = (struct tier2_end){0, -1, {0, 0}};
        rip = next;
    }
    tier2_gprs_flush(e);   /* the loop and the next block read struct cpu */
}

/* Fills n bytes with the recommended multi-byte NOPs (SDM Vol. 2B, NOP). */
static void fill_nops(uint8_t *p, size_t n)
{
    static const uint8_t nop9[9] = {0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
    static const uint8_t nop8[8] = {0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
    while (n >= 9)
        memcpy(p, nop9, 9), p += 9, n -= 9;
    if (n == 8)
        memcpy(p, nop8, 8), n = 0;
    for (; n >= 2; n -= 2)
        *p++ = 0x66, *p++ = 0x90;
    if (n)
        *p = 0x90;
}

struct exits {
    uint8_t *to_exit[16];     /* jumps to the common exit: at most 5 per body, 2 bodies */
    unsigned n;
    unsigned njump;           /* direct sites used in out->jump */
};

static void to_exit(struct emit *e, struct exits *x, uint8_t *rel)
{
    GOEMU_ASSERT(x->n < 16);
    if (rel)
        x->to_exit[x->n++] = rel;
}

/* What the loop checks after each block before going on. A stop (SYSCALL) and a block hook
 * zero icount_limit (cpu_set_hooks, cpu_stop_at_block_end), so one compare covers them and
 * the budget; only a store can make code dirty: a template's fast path never does (tlb_w
 * holds no page with decoded code), its slow path or a handler may. Jumps to fail when the
 * loop must see the block. */
static void emit_checks(struct emit *e, int may_dirty, uint8_t **fail0, uint8_t **fail1)
{
    emit_load_rax_cpu(e, offsetof(struct cpu, icount));
    emit_cmp_rax_cpu(e, offsetof(struct cpu, icount_limit));
    *fail0 = emit_jcc_fwd(e, 0x83);
    *fail1 = NULL;
    if (may_dirty) {
        emit_load_rax_cpu(e, offsetof(struct cpu, mem));
        emit_test_rax32(e, offsetof(struct mem, code_dirty));
        *fail1 = emit_jcc_fwd(e, 0x85);
    }
}

/* One known successor: the checks, a JMP rel32 linking patches to its body, and the way to
 * the loop, which stores rip first. */
static void emit_direct_exit(struct emit *e, struct exits *x, struct tier2_block *out,
                             uint64_t rip, int may_dirty)
{
    uint8_t *f0, *f1;
    emit_checks(e, may_dirty, &f0, &f1);
    emit_u8(e, 0xe9);
    uint8_t *site = e->p;
    emit_u32(e, 0);
    if (e->overflow)
        return;
    emit_patch_rel32(site, e->p);   /* not linked yet: on to the loop */
    emit_patch_rel32(f0, e->p);
    if (f1)
        emit_patch_rel32(f1, e->p);
    emit_store_cpu64(e, offsetof(struct cpu, rip), rip);
    emit_u8(e, 0xe9);
    to_exit(e, x, e->p);
    emit_u32(e, 0);
    if (x->njump < 4)
        out->jump[x->njump++] = (struct tier2_site){site, rip, 0};
}

/* The end of one body, after its last instruction: by known successors, or by comparing
 * c->rip with two linked starts. */
static void emit_end(struct emit *e, struct exits *x, struct tier2_block *out, unsigned body,
                     const struct tier2_end *end, int may_dirty)
{
    if (end->direct == 2) {
        uint8_t *taken = emit_jcc_fwd(e, (uint8_t)(0x80 + end->cond));
        emit_direct_exit(e, x, out, end->rip[0], may_dirty);
        if (taken && !e->overflow)
            emit_patch_rel32(taken, e->p);
        emit_direct_exit(e, x, out, end->rip[1], may_dirty);
        return;
    }
    if (end->direct == 1) {
        emit_direct_exit(e, x, out, end->rip[0], may_dirty);
        return;
    }
    uint8_t *f0, *f1;
    emit_checks(e, may_dirty, &f0, &f1);
    to_exit(e, x, f0);
    to_exit(e, x, f1);
    emit_load_rax_cpu(e, offsetof(struct cpu, rip));
    for (int k = 0; k < 2; k++) {
        uint8_t *l = emit_link(e);
        out->link[body][k] = l;
        if (l)
            to_exit(e, x, l + LINK_REL);
    }
    emit_u8(e, 0xe9);
    to_exit(e, x, e->p);
    emit_u32(e, 0);
}

int tier2_translate(struct tier2_cache *tc, const void *self, uint64_t start,
                    const struct insn *insns, uint32_t n, struct tier2_block *out)
{
    if (!tc->base && cache_map(tc) != 0)
        return -1;
    uint8_t *code = tc->base + tc->used;
    struct gpr_cache gprs;
    tier2_gprs_init(&gprs);
    struct emit e = {code, tc->base + tc->size, 0, &gprs};
    *out = (struct tier2_block){0};
    struct exits x = {{0}, 0, 0};
    emit_prologue(&e);
    emit_load_r12_cpu(&e, offsetof(struct cpu, mem));  /* the same for every block it chains to */
    uint8_t *body = e.p;
    /* What the loop does before run_block: which block runs (for a fault report: made NOPs
     * below when nothing in the block can fault), its instructions counted. */
    uint8_t *block_start = e.p;
    emit_store_cpu64(&e, offsetof(struct cpu, cur_block_start), start);
    size_t block_start_len = (size_t)(e.p - block_start);
    emit_add_cpu64(&e, offsetof(struct cpu, icount), n);
    /* Two slow paths per instruction at most: one in each body. */
    struct slow_path slow[2 * SLOW_MAX];
    unsigned nslow = 0;
    int may_dirty = 0, calls = 0;
    struct tier2_end end;
    /* Blocks with several [rsp + d] accesses get two bodies: one for when those all fall in
     * one page in the TLB (checked once here), one for the rest. */
    int32_t lo, hi;
    int write;
    if (tier2_stack_window(insns, n, &lo, &hi, &write) >= tier2_window_min &&
        (int64_t)hi - lo <= (int64_t)GUEST_PAGE_SIZE) {
        uint8_t *fail[2];
        tier2_open_window(&e, lo, hi, write, fail);
        int dirty = 0;
        emit_body(&e, start, insns, n, slow, &nslow, &dirty, &calls, &end);
        emit_end(&e, &x, out, 0, &end, dirty);
        may_dirty |= dirty;
        for (int k = 0; k < 2 && !e.overflow; k++)
            emit_patch_rel32(fail[k], e.p);
        tier2_gprs_init(&gprs);   /* RSP was loaded clean: memory still has everything */
    }
    int dirty = 0;
    emit_body(&e, start, insns, n, slow, &nslow, &dirty, &calls, &end);
    emit_end(&e, &x, out, 1, &end, dirty);
    uint8_t *exit = e.p;
    emit_bytes(&e, "\x48\xb8", 2);   /* mov rax, self; mov [rbx + tier2_exit], rax */
    emit_u64(&e, (uintptr_t)self);
    emit_store_rax_cpu(&e, offsetof(struct cpu, tier2_exit));
    emit_epilogue(&e);
    for (unsigned k = 0; k < nslow && !e.overflow; k++)
        tier2_emit_slow_path(&e, &slow[k]);
    if (e.overflow)
        return -1;
    for (unsigned k = 0; k < x.n; k++)
        emit_patch_rel32(x.to_exit[k], exit);
    if (!nslow && !calls)   /* nothing can fault: no fault report needs the block's start */
        fill_nops(block_start, block_start_len);
    if (perf_map)
        describe(code, (size_t)(e.p - code), start);
    tc->used = (size_t)(e.p - tc->base + 15) & ~(size_t)15;
    out->entry = (tier2_fn *)(void *)code;
    out->body = body;
    return 0;
}

int tier2_link(struct tier2_block *from, unsigned k, uint64_t to_start,
               const struct tier2_block *to)
{
    int known = 0;
    for (int j = 0; j < 4; j++) {
        struct tier2_site *s = &from->jump[j];
        if (!s->at || s->rip != to_start)
            continue;
        known = 1;
        if (!s->linked)
            emit_patch_rel32(s->at, to->body);
        s->linked = 1;
    }
    if (known)
        return 1;
    for (int b = 0; b < 2; b++) {
        uint8_t *at = from->link[b][k & 1];
        if (!at)
            continue;
        memcpy(at + LINK_START, &to_start, 8);
        emit_patch_rel32(at + LINK_REL, to->body);
    }
    return 0;
}

void tier2_reset(struct tier2_cache *tc)
{
    if (tc->base && tc->used)  /* give the host back what was written */
        madvise(tc->base, (tc->used + 4095) & ~(size_t)4095, MADV_DONTNEED);
    tc->used = 0;
}

void tier2_destroy(struct tier2_cache *tc)
{
    if (tc->base)
        munmap(tc->base, tc->size);
    tc->base = NULL;
    tc->size = tc->used = 0;
}
