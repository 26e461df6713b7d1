/* access.h — guest memory as instruction handlers see it: loads and stores through the TLB
 * fast path (one compare, one add), and on a miss the slow path that refills it or raises the
 * precise guest exception (cpu/access.c). */
#ifndef GOEMU_CPU_ACCESS_H
#define GOEMU_CPU_ACCESS_H

#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"
#include "mem/aspace.h"

/* On failure these record a precise SIGSEGV in c->fault and longjmp to c->fault_jmp, before
 * any byte is written (a page-crossing store checks both pages first). */
uint64_t mem_ld_slow(struct cpu *c, uint64_t a, unsigned size);
void mem_st_slow(struct cpu *c, uint64_t a, unsigned size, uint64_t v);
void mem_ld128(struct cpu *c, uint64_t a, xmm_t *out);
void mem_st128(struct cpu *c, uint64_t a, const xmm_t *v);
/* Raise a guest SIGSEGV for an access to a (never returns). */
_Noreturn void mem_fault(struct cpu *c, uint64_t a, int is_write);

static inline void *mem_tlb(struct tlb_entry *tlb, uint64_t a, unsigned size)
{
    struct tlb_entry *e = &tlb[(a >> 12) & (TLB_SIZE - 1)];
    if (__builtin_expect(e->tag == (a >> 12) && (a & GUEST_PAGE_MASK) <= GUEST_PAGE_SIZE - size, 1))
        return (void *)(uintptr_t)(a + e->addend);
    return NULL;
}

static inline uint64_t mem_ld(struct cpu *c, uint64_t a, unsigned size)
{
    void *p = mem_tlb(c->mem->tlb_r, a, size);
    if (__builtin_expect(p != NULL, 1)) {
        switch (size) {
        case 1: return *(uint8_t *)p;
        case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
        case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
        default: { uint64_t v; memcpy(&v, p, 8); return v; }
        }
    }
    return mem_ld_slow(c, a, size);
}

static inline void mem_st(struct cpu *c, uint64_t a, unsigned size, uint64_t v)
{
    void *p = mem_tlb(c->mem->tlb_w, a, size);
    if (__builtin_expect(p != NULL, 1)) {
        switch (size) {
        case 1: *(uint8_t *)p = (uint8_t)v; return;
        case 2: { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); return; }
        case 4: { uint32_t w = (uint32_t)v; memcpy(p, &w, 4); return; }
        default: memcpy(p, &v, 8); return;
        }
    }
    mem_st_slow(c, a, size, v);
}

static inline uint8_t mem_ld8(struct cpu *c, uint64_t a) { return (uint8_t)mem_ld(c, a, 1); }
static inline uint16_t mem_ld16(struct cpu *c, uint64_t a) { return (uint16_t)mem_ld(c, a, 2); }
static inline uint32_t mem_ld32(struct cpu *c, uint64_t a) { return (uint32_t)mem_ld(c, a, 4); }
static inline uint64_t mem_ld64(struct cpu *c, uint64_t a) { return mem_ld(c, a, 8); }

#endif
