/* tier2.c — translating decoded blocks into host functions (tier2.h), in a code cache of
 * TIER2_CACHE_SIZE bytes per address space, mapped near goemu's own code so translated code
 * reaches every handler with a direct CALL rel32. When the cache is full every translation is
 * dropped at once (qemu's tb_flush policy): simple, bounded, and rare. */
#include "cpu/tier2.h"

#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

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
                      struct slow_path *slow, unsigned *nslow, int *may_dirty)
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
                                : tier2_inline_end(e, i, rip, next, sp, &flags);
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
        *may_dirty = 1;
        rip = next;
    }
    tier2_gprs_flush(e);   /* the loop and the next block read struct cpu */
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
    emit_prologue(&e);
    emit_load_r12_cpu(&e, offsetof(struct cpu, mem));  /* the same for every block it chains to */
    uint8_t *body = e.p;
    /* What the loop does before run_block: which block runs, its instructions counted. */
    emit_store_cpu64(&e, offsetof(struct cpu, cur_block_start), start);
    emit_add_cpu64(&e, offsetof(struct cpu, icount), n);
    /* Two slow paths per instruction at most: one in each body. */
    struct slow_path slow[2 * SLOW_MAX];
    unsigned nslow = 0;
    int may_dirty = 0;
    /* Blocks with several [rsp + d] accesses get two bodies: one for when those all fall in
     * one page in the TLB (checked once here), one for the rest. */
    int32_t lo, hi;
    int write;
    uint8_t *to_end = NULL;
    if (tier2_stack_window(insns, n, &lo, &hi, &write) >= tier2_window_min && (int64_t)hi - lo <= (int64_t)GUEST_PAGE_SIZE) {
        uint8_t *fail[2];
        tier2_open_window(&e, lo, hi, write, fail);
        emit_body(&e, start, insns, n, slow, &nslow, &may_dirty);
        emit_u8(&e, 0xe9);                                    /* jmp end */
        to_end = e.p;
        emit_u32(&e, 0);
        for (int k = 0; k < 2 && !e.overflow; k++)
            emit_patch_rel32(fail[k], e.p);
        tier2_gprs_init(&gprs);   /* RSP was loaded clean: memory still has everything */
    }
    emit_body(&e, start, insns, n, slow, &nslow, &may_dirty);
    if (to_end && !e.overflow)
        emit_patch_rel32(to_end, e.p);
    /* What the loop checks after each block before going on. A stop (SYSCALL) and a block
     * hook zero icount_limit (cpu_set_hooks, cpu_stop_at_block_end), so one compare covers
     * them and the budget; only a store can make code dirty: a template's fast path never
     * does (tlb_w holds no page with decoded code), its slow path or a handler may. */
    uint8_t *to_exit[2] = {NULL, NULL};
    emit_load_rax_cpu(&e, offsetof(struct cpu, icount));
    emit_cmp_rax_cpu(&e, offsetof(struct cpu, icount_limit));
    to_exit[0] = emit_jcc_fwd(&e, 0x83);
    if (may_dirty) {
        emit_load_rax_cpu(&e, offsetof(struct cpu, mem));
        emit_test_rax32(&e, offsetof(struct mem, code_dirty));
        to_exit[1] = emit_jcc_fwd(&e, 0x85);
    }
    emit_load_rax_cpu(&e, offsetof(struct cpu, rip));
    uint8_t *link0 = emit_link(&e), *link1 = emit_link(&e);
    uint8_t *exit = e.p;
    emit_bytes(&e, "\x48\xb8", 2);   /* mov rax, self; mov [rbx + tier2_exit], rax */
    emit_u64(&e, (uintptr_t)self);
    emit_store_rax_cpu(&e, offsetof(struct cpu, tier2_exit));
    emit_epilogue(&e);
    for (unsigned k = 0; k < nslow && !e.overflow; k++)
        tier2_emit_slow_path(&e, &slow[k]);
    if (e.overflow)
        return -1;
    for (int k = 0; k < 2; k++)
        if (to_exit[k])
            emit_patch_rel32(to_exit[k], exit);
    emit_patch_rel32(link0 + LINK_REL, exit);
    emit_patch_rel32(link1 + LINK_REL, exit);
    if (perf_map)
        describe(code, (size_t)(e.p - code), start);
    tc->used = (size_t)(e.p - tc->base + 15) & ~(size_t)15;
    *out = (struct tier2_block){(tier2_fn *)(void *)code, body, {link0, link1}};
    return 0;
}

void tier2_link(struct tier2_block *from, unsigned k, uint64_t to_start,
                const struct tier2_block *to)
{
    uint8_t *at = from->link[k & 1];
    memcpy(at + LINK_START, &to_start, 8);
    emit_patch_rel32(at + LINK_REL, to->body);
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
