/* tier2.h — the translating tier: a hot decoded block becomes one host function that runs
 * its instructions in order. Today every instruction is a direct call of its tier-1 handler
 * (subroutine threading: no dispatch loop, no indirect calls); instruction templates that
 * inline the work replace those calls one family at a time. Same handlers, same order, same
 * icount: both tiers give byte-identical traces. */
#ifndef GOEMU_CPU_TIER2_H
#define GOEMU_CPU_TIER2_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/insn.h"

struct cpu;

/* A translated block: runs the block's instructions on c. The caller has set
 * c->cur_block_start and added the block's instruction count to c->icount, as for tier 1. */
typedef void tier2_fn(struct cpu *c);

/* The bounded code cache of one address space: host code for its translated blocks. */
struct tier2_cache {
    uint8_t *base;   /* NULL until the first translation */
    size_t size, used;
};

/* Translates the n decoded instructions starting at guest address start. NULL when the cache
 * is full (the caller drops every translation with tier2_reset and carries on in tier 1) or
 * host memory for it cannot be had. insns must stay valid as long as the translation. */
tier2_fn *tier2_translate(struct tier2_cache *tc, uint64_t start, const struct insn *insns,
                          uint32_t n);
/* Forgets every translation (the decoded blocks they came from are being dropped). */
void tier2_reset(struct tier2_cache *tc);
/* Returns the cache's host memory. */
void tier2_destroy(struct tier2_cache *tc);

#endif
