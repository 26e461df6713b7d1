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
#include "cpu/ops_inline.h"
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

/* ---- inline templates ------------------------------------------------------------------
 * A template does its handler's work in host code; when the TLB misses it falls back to the
 * handler itself, out of line (after the block's exit), which also records insn_rip: only a
 * fault needs it, and only the handler can fault. */

struct slow_path {
    uint8_t *jcc[2];          /* rel32s of the jumps to it */
    uint8_t *back;            /* where the fast path rejoins */
    const struct insn *i;
    uint64_t rip;             /* the instruction's address, for insn_rip */
};

#define SLOW_MAX 64

/* rax = the guest address c->gpr[base] + disp; rdx = &tlb[index] (tlb at offset tlb_off in
 * struct mem); jumps to the slow path unless the entry holds the page and the 8 bytes do not
 * cross it (mem_tlb's test); then rax = the host address. */
static void emit_tlb_lookup(struct emit *e, const struct insn *i, uint32_t tlb_off,
                            struct slow_path *sp)
{
    emit_load_rax_cpu(e, offsetof(struct cpu, gpr) + 8u * i->m_base);
    if (i->disp) {
        emit_bytes(e, "\x48\x05", 2);                         /* add rax, imm32 */
        emit_u32(e, (uint32_t)(int32_t)i->disp);
    }
    emit_bytes(e, "\x48\x89\xc1\x48\xc1\xe9\x0c", 7);      /* mov rcx, rax; shr rcx, 12 */
    emit_bytes(e, "\x89\xca\x81\xe2", 4);                   /* mov edx, ecx; and edx, */
    emit_u32(e, TLB_SIZE - 1);
    emit_bytes(e, "\x48\xc1\xe2\x04\x48\x03\x93", 7);      /* shl rdx, 4; add rdx, [rbx+ */
    emit_u32(e, offsetof(struct cpu, mem));                    /*   mem] */
    if (tlb_off) {
        emit_bytes(e, "\x48\x81\xc2", 3);                     /* add rdx, imm32 */
        emit_u32(e, tlb_off);
    }
    emit_bytes(e, "\x48\x3b\x0a", 3);                        /* cmp rcx, [rdx] */
    sp->jcc[0] = emit_jcc_fwd(e, 0x85);                       /* jne slow */
    emit_bytes(e, "\x89\xc1\x81\xe1", 4);                   /* mov ecx, eax; and ecx, */
    emit_u32(e, GUEST_PAGE_MASK);
    emit_bytes(e, "\x81\xf9", 2);                             /* cmp ecx, PAGE - 8 */
    emit_u32(e, GUEST_PAGE_SIZE - 8);
    sp->jcc[1] = emit_jcc_fwd(e, 0x87);                       /* ja slow */
    emit_bytes(e, "\x48\x03\x42\x08", 4);                   /* add rax, [rdx + 8] */
}

/* Writes i inline when a template does its handler's work. Returns 0 when i has none. */
static int emit_template(struct emit *e, const struct insn *i, uint64_t rip,
                         struct slow_path *sp)
{
    if (i->fn != op_mov_r64_bd && i->fn != op_mov_bd_r64)
        return 0;
    if (i->disp != (int32_t)i->disp)
        return 0;
    *sp = (struct slow_path){{NULL, NULL}, NULL, i, rip};
    if (i->fn == op_mov_r64_bd) {
        emit_tlb_lookup(e, i, offsetof(struct mem, tlb_r), sp);
        emit_bytes(e, "\x48\x8b\x00", 3);                    /* mov rax, [rax] */
        emit_store_rax_cpu(e, offsetof(struct cpu, gpr) + 8u * i->reg[0]);
    } else {
        emit_tlb_lookup(e, i, offsetof(struct mem, tlb_w), sp);
        emit_bytes(e, "\x48\x8b\x8b", 3);                    /* mov rcx, [rbx + gpr[src]] */
        emit_u32(e, offsetof(struct cpu, gpr) + 8u * i->reg[1]);
        emit_bytes(e, "\x48\x89\x08", 3);                    /* mov [rax], rcx */
    }
    sp->back = e->p;
    return 1;
}

/* The out-of-line half: insn_rip, the handler, back to the fast path's end. */
static void emit_slow_path(struct emit *e, const struct slow_path *sp)
{
    if (sp->jcc[0])
        emit_patch_rel32(sp->jcc[0], e->p);
    if (sp->jcc[1])
        emit_patch_rel32(sp->jcc[1], e->p);
    emit_store_cpu64(e, offsetof(struct cpu, insn_rip), sp->rip);
    emit_call2(e, (const void *)sp->i->fn, (uintptr_t)sp->i);
    emit_u8(e, 0xe9);                                         /* jmp back */
    uint8_t *at = e->p;
    emit_u32(e, 0);
    if (!e->overflow)
        emit_patch_rel32(at, sp->back);
}

int tier2_translate(struct tier2_cache *tc, const void *self, uint64_t start,
                    const struct insn *insns, uint32_t n, struct tier2_block *out)
{
    if (!tc->base && cache_map(tc) != 0)
        return -1;
    uint8_t *code = tc->base + tc->used;
    struct emit e = {code, tc->base + tc->size, 0};
    uint64_t rip = start;
    emit_prologue(&e);
    uint8_t *body = e.p;
    /* What the loop does before run_block: which block runs, its instructions counted. */
    emit_store_cpu64(&e, offsetof(struct cpu, cur_block_start), start);
    emit_add_cpu64(&e, offsetof(struct cpu, icount), n);
    struct slow_path slow[SLOW_MAX];
    unsigned nslow = 0;
    for (uint32_t k = 0; k < n; k++) {
        const struct insn *i = &insns[k];
        /* Not the last instruction: that one sets rip, which templates leave alone. */
        if (k < n - 1 && nslow < SLOW_MAX && emit_template(&e, i, rip, &slow[nslow])) {
            nslow++;
            rip += i->len;
            continue;
        }
        /* What run_block does per instruction: the address for fault reports, and for the
         * last one (the only one that may transfer control) the next rip. */
        emit_store_cpu64(&e, offsetof(struct cpu, insn_rip), rip);
        rip += i->len;
        if (k == n - 1)
            emit_store_cpu64(&e, offsetof(struct cpu, rip), rip);
        emit_call2(&e, (const void *)i->fn, (uintptr_t)i);
    }
    /* What the loop checks after each block, in the same order, before going on. */
    uint8_t *to_exit[4];
    emit_test_cpu32(&e, offsetof(struct cpu, stop));
    to_exit[0] = emit_jcc_fwd(&e, 0x85);
    emit_load_rax_cpu(&e, offsetof(struct cpu, icount));
    emit_cmp_rax_cpu(&e, offsetof(struct cpu, icount_limit));
    to_exit[1] = emit_jcc_fwd(&e, 0x83);
    emit_load_rax_cpu(&e, offsetof(struct cpu, mem));
    emit_test_rax32(&e, offsetof(struct mem, code_dirty));
    to_exit[2] = emit_jcc_fwd(&e, 0x85);
    emit_load_rax_cpu(&e, offsetof(struct cpu, hooks));
    emit_test_rax64(&e, offsetof(struct cpu_hooks, block));
    to_exit[3] = emit_jcc_fwd(&e, 0x85);
    emit_load_rax_cpu(&e, offsetof(struct cpu, rip));
    uint8_t *link0 = emit_link(&e), *link1 = emit_link(&e);
    uint8_t *exit = e.p;
    emit_bytes(&e, "\x48\xb8", 2);   /* mov rax, self; mov [rbx + tier2_exit], rax */
    emit_u64(&e, (uintptr_t)self);
    emit_store_rax_cpu(&e, offsetof(struct cpu, tier2_exit));
    emit_epilogue(&e);
    for (unsigned k = 0; k < nslow && !e.overflow; k++)
        emit_slow_path(&e, &slow[k]);
    if (e.overflow)
        return -1;
    for (int k = 0; k < 4; k++)
        emit_patch_rel32(to_exit[k], exit);
    emit_patch_rel32(link0 + LINK_REL, exit);
    emit_patch_rel32(link1 + LINK_REL, exit);
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
