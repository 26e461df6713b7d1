/* tier2.h — the translating tier: a hot decoded block becomes one host function that runs
 * its instructions in order. Today every instruction is a direct call of its tier-1 handler
 * (subroutine threading: no dispatch loop, no indirect calls); instruction templates that
 * inline the work replace those calls one family at a time. Same handlers, same order, same
 * icount: both tiers give byte-identical traces. */
#ifndef GOEMU_CPU_TIER2_H
#define GOEMU_CPU_TIER2_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/insn.h"

struct cpu;

/* A translated block's entry: runs the block (it sets cur_block_start and adds its instruction
 * count to icount, as run_block does) and then, while nothing asks for the loop — a stop
 * reason, the budget (c->icount_limit), changed code, a block hook — goes straight on into
 * any linked successor whose start is the next rip. On return c->tier2_exit is the block that
 * returned (the loop links it to what runs next). */
typedef void tier2_fn(struct cpu *c);

/* Where a translation is, for running and linking it. */
struct tier2_block {
    tier2_fn *entry;     /* called by the loop */
    uint8_t *body;       /* where a linked predecessor jumps in */
    /* A block whose successors are known (a Jcc, JMP or CALL rel last) has a JMP rel32 per
     * successor and body (a block can have two bodies, tier2.c): patched to the successor's
     * body once linked. Any other block has patchable compares "if next rip == start, jump
     * to body", two per body (link[body][k]). */
    struct tier2_site {
        uint8_t *at;     /* the rel32, NULL when unused */
        uint64_t rip;    /* the successor it goes to */
        uint8_t linked;
    } jump[4];
    uint8_t *link[2][2];
};

/* The bounded code cache of one address space: host code for its translated blocks. */
struct tier2_cache {
    uint8_t *base;   /* NULL until the first translation */
    size_t size, used;
};

/* Translates the n decoded instructions starting at guest address start into *out; self is
 * what c->tier2_exit is set to when this block returns to the loop. Returns 0, or -1 when the
 * cache is full (the caller drops every translation with tier2_reset) or host memory for it
 * cannot be had. insns must stay valid as long as the translation. */
int tier2_translate(struct tier2_cache *tc, const void *self, uint64_t start,
                    const struct insn *insns, uint32_t n, struct tier2_block *out);
/* Makes from jump straight into to (whose guest start is to_start) where it goes to
 * to_start: its known successor's JMP when it has one for to_start (returns 1, also when it
 * was linked already), else its compare exit k (returns 0; guarded by the compare, so a stale
 * link is never wrong). */
int tier2_link(struct tier2_block *from, unsigned k, uint64_t to_start,
               const struct tier2_block *to);
/* How many [rsp + d] accesses a block needs before it gets a stack-window body (tier2.c;
 * default 2). goemu-oracle sets 1 so that its one-instruction cases run windowed code too. */
extern unsigned tier2_window_min;

/* Describes every translation made from now on to f, one line each in perf's JIT map format
 * (tools/perf/Documentation/jit-interface.txt: "START SIZE NAME", hex), so `perf report`
 * names translated code by guest block: "goemu:ADDR SYMBOL+OFF". NULL stops it. The host
 * addresses stay in that file: traces never see them. */
void tier2_set_perf_map(FILE *f);
/* Forgets every translation (the decoded blocks they came from are being dropped). */
void tier2_reset(struct tier2_cache *tc);
/* Returns the cache's host memory. */
void tier2_destroy(struct tier2_cache *tc);

#endif
