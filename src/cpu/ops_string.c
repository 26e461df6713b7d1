/* ops_string.c — MOVS STOS LODS CMPS SCAS in byte/word/dword/qword widths, with REP/REPE/REPNE.
 * NOTE for ops_sse: Zydis names the dword string forms MOVSD and CMPSD, like the SSE2 scalar-double
 * instructions, so ops_int.def leaves those two out; the SSE selectors for MOVSD/CMPSD must return
 * sel_movs_str(i) / sel_cmps_str(i) when no operand is an XMM register (the string forms have
 * no visible operands at all). REP MOVS/STOS copy page-sized chunks through host pointers. */
#include <string.h>

#include "operand.h"
#include "ops_sel.h"
op_select_fn sel_movs_str, sel_cmps_str;

/* Segment overrides on the source (FS:/GS: MOVS) are not honoured: the decoder has no visible
 * memory operand to record them in, and Go never emits them. */

/* ---- registers: 64-bit addressing, or 32-bit with the 0x67 prefix (SDM Vol. 1 §3.6) -------- */

static inline int addr32(const struct insn *i)
{
    return (i->prefix & PFX_ADDR32) != 0;
}

static inline uint64_t str_reg(const struct cpu *c, const struct insn *i, unsigned r)
{
    return addr32(i) ? (uint32_t)c->gpr[r] : c->gpr[r];
}

static inline void str_advance(struct cpu *c, const struct insn *i, unsigned r, int64_t delta)
{
    uint64_t v = c->gpr[r] + (uint64_t)delta;
    c->gpr[r] = addr32(i) ? (uint32_t)v : v;
}

/* Element step: +size, or -size when DF is set. */
static inline int64_t str_step(const struct cpu *c, unsigned size)
{
    return (c->rflags & FLAG_DF) ? -(int64_t)size : (int64_t)size;
}

static inline int has_rep(const struct insn *i)
{
    return (i->prefix & (PFX_REP | PFX_REPNE)) != 0;
}

/* ---- one element of each instruction: memory first, registers after ------------------------ */

static inline void movs_one(struct cpu *c, const struct insn *i, unsigned size)
{
    uint64_t v = mem_ld(c, str_reg(c, i, RSI), size);
    mem_st(c, str_reg(c, i, RDI), size, v);
    int64_t d = str_step(c, size);
    str_advance(c, i, RSI, d);
    str_advance(c, i, RDI, d);
}

static inline void stos_one(struct cpu *c, const struct insn *i, unsigned size)
{
    mem_st(c, str_reg(c, i, RDI), size, c->gpr[RAX]);
    str_advance(c, i, RDI, str_step(c, size));
}

static inline void lods_one(struct cpu *c, const struct insn *i, unsigned size)
{
    uint64_t v = mem_ld(c, str_reg(c, i, RSI), size);
    reg_put(c, RAX, size, v);
    str_advance(c, i, RSI, str_step(c, size));
}

/* CMPS compares [rSI] with [rDI] (flags of [rSI] - [rDI]); SCAS compares rAX with [rDI].
 * Both return ZF, for REPE/REPNE. */
static inline int cmps_one(struct cpu *c, const struct insn *i, unsigned size)
{
    uint64_t a = mem_ld(c, str_reg(c, i, RSI), size);
    uint64_t b = mem_ld(c, str_reg(c, i, RDI), size);
    int64_t d = str_step(c, size);
    str_advance(c, i, RSI, d);
    str_advance(c, i, RDI, d);
    flags_set(c, CC_SUB, size, (a - b) & width_mask(size), a, b);
    return a == b;
}

static inline int scas_one(struct cpu *c, const struct insn *i, unsigned size)
{
    uint64_t a = reg_get(c, RAX, size);
    uint64_t b = mem_ld(c, str_reg(c, i, RDI), size);
    str_advance(c, i, RDI, str_step(c, size));
    flags_set(c, CC_SUB, size, (a - b) & width_mask(size), a, b);
    return a == b;
}

/* ---- page chunks for REP MOVS/STOS ----------------------------------------------------------
 * A chunk is the run of elements from the current address, in the DF direction, that stays
 * inside one guest page for every range involved, so one host pointer covers it. Chunks only
 * run where the TLB or the page table grants the access; anything else (an unmapped page, an
 * element straddling pages) goes one element at a time through mem_ld/mem_st, which fault
 * precisely. rCX/rSI/rDI are updated after every chunk and element, so a fault leaves them
 * counting the iterations done, as on hardware. */

/* Elements of `size` bytes that fit in a's page walking from a in the DF direction. */
static inline uint64_t page_room(uint64_t a, unsigned size, int down)
{
    uint64_t off = a & GUEST_PAGE_MASK;
    if (off + size > GUEST_PAGE_SIZE)
        return 0;
    return down ? off / size + 1 : (GUEST_PAGE_SIZE - off) / size;
}

/* Host pointer to [lo, lo+bytes) inside one page with access prot, or NULL. */
static inline uint8_t *host_range(struct cpu *c, struct tlb_entry *tlb, uint64_t lo,
                                  uint64_t bytes, int prot)
{
    void *p = mem_tlb(tlb, lo, (unsigned)bytes);
    return p ? p : mem_page_ptr(c->mem, lo, prot);
}

/* Copies n elements as successive element moves would: memmove unless the destination
 * overlaps source elements not yet read (a forward copy into higher addresses, or a backward
 * copy into lower ones), where the element-by-element result differs. */
static void copy_elements(uint8_t *d, const uint8_t *s, uint64_t n, unsigned size, int down)
{
    uint64_t bytes = n * size;
    int hazard = down ? (d < s && d + bytes > s) : (d > s && d < s + bytes);
    if (!hazard) {
        memmove(d, s, bytes);
        return;
    }
    for (uint64_t k = 0; k < n; k++) {
        uint64_t at = (down ? n - 1 - k : k) * size;
        uint64_t t;
        memcpy(&t, s + at, size);
        memcpy(d + at, &t, size);
    }
}

/* One chunk of REP MOVS; returns the elements moved (0: do one element the slow way). */
static uint64_t movs_chunk(struct cpu *c, unsigned size)
{
    int down = (c->rflags & FLAG_DF) != 0;
    uint64_t s = c->gpr[RSI], d = c->gpr[RDI], n = c->gpr[RCX];
    uint64_t rs = page_room(s, size, down), rd = page_room(d, size, down);
    n = n < rs ? n : rs;
    n = n < rd ? n : rd;
    if (n == 0)
        return 0;
    uint64_t bytes = n * size, back = down ? bytes - size : 0;
    uint8_t *ps = host_range(c, c->mem->tlb_r, s - back, bytes, GPROT_READ);
    uint8_t *pd = ps ? host_range(c, c->mem->tlb_w, d - back, bytes, GPROT_WRITE) : NULL;
    if (!pd)
        return 0;
    copy_elements(pd, ps, n, size, down);
    int64_t delta = down ? -(int64_t)bytes : (int64_t)bytes;
    c->gpr[RSI] += (uint64_t)delta;
    c->gpr[RDI] += (uint64_t)delta;
    c->gpr[RCX] -= n;
    return n;
}

static uint64_t stos_chunk(struct cpu *c, unsigned size)
{
    int down = (c->rflags & FLAG_DF) != 0;
    uint64_t d = c->gpr[RDI], n = c->gpr[RCX], rd = page_room(d, size, down);
    n = n < rd ? n : rd;
    if (n == 0)
        return 0;
    uint64_t bytes = n * size, back = down ? bytes - size : 0;
    uint8_t *pd = host_range(c, c->mem->tlb_w, d - back, bytes, GPROT_WRITE);
    if (!pd)
        return 0;
    uint64_t v = c->gpr[RAX];
    if (size == 1) {
        memset(pd, (uint8_t)v, bytes);
    } else {
        for (uint64_t k = 0; k < bytes; k += size)
            memcpy(pd + k, &v, size);
    }
    c->gpr[RDI] += down ? -bytes : bytes;
    c->gpr[RCX] -= n;
    return n;
}

/* ---- REP loops ------------------------------------------------------------------------------
 * SDM REP/REPE/REPNE: nothing happens while the count register is 0; it is decremented after
 * each element; REPE stops when ZF=0, REPNE when ZF=1. A REPNE (F2) prefix on MOVS/STOS/LODS
 * repeats like REP. */

static inline void rep_movs(struct cpu *c, const struct insn *i, unsigned size)
{
    while (str_reg(c, i, RCX) != 0) {
        if (!addr32(i) && movs_chunk(c, size))
            continue;
        movs_one(c, i, size);
        str_advance(c, i, RCX, -1);
    }
}

static inline void rep_stos(struct cpu *c, const struct insn *i, unsigned size)
{
    while (str_reg(c, i, RCX) != 0) {
        if (!addr32(i) && stos_chunk(c, size))
            continue;
        stos_one(c, i, size);
        str_advance(c, i, RCX, -1);
    }
}

static inline void rep_lods(struct cpu *c, const struct insn *i, unsigned size)
{
    while (str_reg(c, i, RCX) != 0) {
        lods_one(c, i, size);
        str_advance(c, i, RCX, -1);
    }
}

/* Compare loops: stop when the count runs out or ZF says so (REPE: unequal; REPNE: equal).
 * Measured by goemu-oracle: when an element faults after k iterations, Intel's signal frame
 * has rcx/rsi/rdi advanced by k but the flags from before the instruction (it writes them
 * only when the instruction completes); AMD's has the flags of iteration k. */
#define REP_COMPARE(name, one)                                                       \
    static inline void rep_##name(struct cpu *c, const struct insn *i, unsigned size)\
    {                                                                                \
        int until_equal = (i->prefix & PFX_REPNE) != 0;                              \
        struct cpu_flags_save before = {c->cc_res, c->cc_a, c->cc_b, c->rflags,     \
                                        c->cc_op, c->cc_aux};                        \
        if (c->vendor == VENDOR_INTEL)                                               \
            c->flags_on_fault = &before;                                             \
        while (str_reg(c, i, RCX) != 0) {                                            \
            int zf = one(c, i, size);                                                \
            str_advance(c, i, RCX, -1);                                              \
            if (zf == until_equal)                                                   \
                break;                                                               \
        }                                                                            \
        c->flags_on_fault = NULL;                                                    \
    }

REP_COMPARE(cmps, cmps_one)
REP_COMPARE(scas, scas_one)

/* ---- handlers and selectors per width ------------------------------------------------------- */

#define STRING_WIDTH(name, sfx, size)                                                \
    static void op_##name##sfx(struct cpu *c, const struct insn *i)                 \
    {                                                                                \
        (void)name##_one(c, i, size);                                                \
    }                                                                                \
    static void op_rep_##name##sfx(struct cpu *c, const struct insn *i)             \
    {                                                                                \
        rep_##name(c, i, size);                                                      \
    }

#define STRING_DEFINE(name)                                                          \
    STRING_WIDTH(name, b, 1)                                                         \
    STRING_WIDTH(name, w, 2)                                                         \
    STRING_WIDTH(name, d, 4)                                                         \
    STRING_WIDTH(name, q, 8)

STRING_DEFINE(movs)
STRING_DEFINE(stos)
STRING_DEFINE(lods)
STRING_DEFINE(cmps)
STRING_DEFINE(scas)

#define STRING_SELECT(selname, name, sfx)                                            \
    op_fn *selname(const struct insn *i)                                             \
    {                                                                                \
        if (i->nops != 0)                                                            \
            return NULL;                                                             \
        return has_rep(i) ? op_rep_##name##sfx : op_##name##sfx;                     \
    }

STRING_SELECT(sel_movsb, movs, b)
STRING_SELECT(sel_movsw, movs, w)
STRING_SELECT(sel_movs_str, movs, d)
STRING_SELECT(sel_movsq, movs, q)
STRING_SELECT(sel_stosb, stos, b)
STRING_SELECT(sel_stosw, stos, w)
STRING_SELECT(sel_stosd, stos, d)
STRING_SELECT(sel_stosq, stos, q)
STRING_SELECT(sel_lodsb, lods, b)
STRING_SELECT(sel_lodsw, lods, w)
STRING_SELECT(sel_lodsd, lods, d)
STRING_SELECT(sel_lodsq, lods, q)
STRING_SELECT(sel_cmpsb, cmps, b)
STRING_SELECT(sel_cmpsw, cmps, w)
STRING_SELECT(sel_cmps_str, cmps, d)
STRING_SELECT(sel_cmpsq, cmps, q)
STRING_SELECT(sel_scasb, scas, b)
STRING_SELECT(sel_scasw, scas, w)
STRING_SELECT(sel_scasd, scas, d)
STRING_SELECT(sel_scasq, scas, q)
