/* tier2.c — translating decoded blocks into host functions (tier2.h), in a code cache of
 * TIER2_CACHE_SIZE bytes per address space, mapped near goemu's own code so translated code
 * reaches every handler with a direct CALL rel32. When the cache is full every translation is
 * dropped at once (qemu's tb_flush policy): simple, bounded, and rare. */
#include "cpu/tier2.h"

#include <stddef.h>
#include <sys/mman.h>

#include "cpu/cpu.h"
#include "cpu/emit.h"

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

tier2_fn *tier2_translate(struct tier2_cache *tc, uint64_t start, const struct insn *insns,
                          uint32_t n)
{
    if (!tc->base && cache_map(tc) != 0)
        return NULL;
    uint8_t *code = tc->base + tc->used;
    struct emit e = {code, tc->base + tc->size, 0};
    uint64_t rip = start;
    emit_prologue(&e);
    for (uint32_t k = 0; k < n; k++) {
        const struct insn *i = &insns[k];
        /* What run_block does per instruction: the address for fault reports, and for the
         * last one (the only one that may transfer control) the next rip. */
        emit_store_cpu64(&e, offsetof(struct cpu, insn_rip), rip);
        rip += i->len;
        if (k == n - 1)
            emit_store_cpu64(&e, offsetof(struct cpu, rip), rip);
        emit_call2(&e, (const void *)i->fn, (uintptr_t)i);
    }
    emit_epilogue(&e);
    if (e.overflow)
        return NULL;
    tc->used = (size_t)(e.p - tc->base + 15) & ~(size_t)15;
    return (tier2_fn *)(void *)code;
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
