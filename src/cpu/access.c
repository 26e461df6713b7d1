/* access.c — the CPU's slow path behind the TLB: page-crossing and missed accesses, and the
 * precise guest exception (SIGSEGV/SIGBUS with the x86 trap number and error code) that an
 * access the address space refuses raises. Nothing here changes a mapping. */
#include "cpu/access.h"

#include "abi/linux_abi.h"

#include "cpu/exec.h"
#include "cpu/insn.h"

/* A non-canonical address is #GP (SIGSEGV, SI_KERNEL, no address) before any paging; through
 * an RSP/RBP base it is a stack-segment fault, which Linux reports as SIGBUS. */
static _Noreturn void noncanonical_fault(struct cpu *c)
{
    const struct insn *i = cpu_current_insn(c);
    if (i && i->m_seg == SEG_NONE && (i->m_base == RSP || i->m_base == RBP))
        cpu_raise(c, LINUX_SIGBUS, LINUX_SI_KERNEL, 0, 12, 0);
    cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0);
}

_Noreturn void mem_fault(struct cpu *c, uint64_t a, int is_write)
{
    if (!guest_canonical(a))
        noncanonical_fault(c);
        /* The kernel half is mapped, but only for the kernel: a protection fault on a page the
     * guest cannot see, which Linux reports as SEGV_MAPERR at the address. */
    int kernel = a >= GUEST_ADDR_LIMIT;
    if (kernel && c->vendor == VENDOR_AMD) {
        /* Measured by goemu-oracle: on AMD an FS/GS-relative access whose offset (before the
         * segment base is added) is non-canonical is #GP even when the final address is a
         * canonical kernel address; Intel checks only the final address and takes #PF. */
        const struct insn *i = cpu_current_insn(c);
        if (i && i->m_seg != SEG_NONE && !guest_canonical(a - c->segbase[i->m_seg]))
            cpu_raise(c, LINUX_SIGSEGV, LINUX_SI_KERNEL, 0, 13, 0);
    }
    int present = kernel || mem_page_mapped(c->mem, a);
    /* Linux: SEGV_ACCERR when a mapping (VMA) exists but forbids the access, else
     * SEGV_MAPERR (arch/x86/mm/fault.c); x86 page-fault error code: 4 user | 2 write |
     * 1 protection, i.e. the page was present in the page table (SDM Vol. 3A §4.7). */
    int code = !kernel && mem_vma_at(c->mem, a) ? LINUX_SEGV_ACCERR : LINUX_SEGV_MAPERR;
    int err = 4 | (is_write ? 2 : 0) | (present ? 1 : 0);
    cpu_raise(c, LINUX_SIGSEGV, code, a, 14, err);
}

static uint64_t first_denied(struct mem *m, uint64_t a, unsigned size, int prot);

/* Checks [a, a+size) for an access with prot and faults precisely if it is denied: first
 * canonical form (the CPU checks the whole access before paging), then page by page. A
 * read for a read-modify-write instruction is checked, and reported, as a write. */
static void check_access(struct cpu *c, uint64_t a, unsigned size, int prot)
{
    if (!guest_canonical(a) || !guest_canonical(a + size - 1))
        noncanonical_fault(c);
    if (prot == GPROT_READ) {
        const struct insn *i = cpu_current_insn(c);
        if (i && (i->iflags & INSN_RMW))
            prot = GPROT_READ | GPROT_WRITE;
    }
    uint64_t bad = first_denied(c->mem, a, size, prot);
    if (bad != a + size)
        mem_fault(c, bad, (prot & GPROT_WRITE) != 0);
}

/* First address in [a, a+size) whose page does not allow prot, or a+size if all do. */
static uint64_t first_denied(struct mem *m, uint64_t a, unsigned size, int prot)
{
    if (!mem_page_ptr(m, a, prot))
        return a;
    uint64_t last = a + size - 1;
    if ((last & ~GUEST_PAGE_MASK) != (a & ~GUEST_PAGE_MASK) && !mem_page_ptr(m, last, prot))
        return last & ~GUEST_PAGE_MASK;
    return a + size;
}

uint64_t mem_ld_slow(struct cpu *c, uint64_t a, unsigned size)
{
    if (first_denied(c->mem, a, size, GPROT_READ) != a + size || !guest_canonical(a + size - 1))
        check_access(c, a, size, GPROT_READ);
    uint8_t buf[8] = {0};
    for (unsigned k = 0; k < size; k++)
        buf[k] = *(uint8_t *)mem_page_ptr(c->mem, a + k, GPROT_READ);
    uint64_t v;
    memcpy(&v, buf, 8);
    return v;
}

void mem_st_slow(struct cpu *c, uint64_t a, unsigned size, uint64_t v)
{
    check_access(c, a, size, GPROT_WRITE);
    uint8_t buf[8];
    memcpy(buf, &v, 8);
    for (unsigned k = 0; k < size; k++)
        *(uint8_t *)mem_page_ptr(c->mem, a + k, GPROT_WRITE) = buf[k];
}

void mem_ld128(struct cpu *c, uint64_t a, xmm_t *out)
{
    void *p = mem_tlb(c->mem->tlb_r, a, 16);
    if (p) {
        memcpy(out, p, 16);
        return;
    }
    check_access(c, a, 16, GPROT_READ);
    out->q[0] = mem_ld_slow(c, a, 8);
    out->q[1] = mem_ld_slow(c, a + 8, 8);
}

void mem_st128(struct cpu *c, uint64_t a, const xmm_t *v)
{
    void *p = mem_tlb(c->mem->tlb_w, a, 16);
    if (p) {
        memcpy(p, v, 16);
        return;
    }
    /* Check all 16 bytes before writing any, so a fault has no partial effect. */
    check_access(c, a, 16, GPROT_WRITE);
    mem_st_slow(c, a, 8, v->q[0]);
    mem_st_slow(c, a + 8, 8, v->q[1]);
}

