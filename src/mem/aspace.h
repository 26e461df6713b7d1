/* aspace.h — the guest's own 47-bit address space: mappings (VMAs), protections, the page
 * table from guest to host pages, and the TLB it refills for the CPU's fast path (TinyEMU's
 * scheme: a hit is one compare and one add). Depends on nothing of the CPU: the CPU's
 * faulting accessors are cpu/access.h, the syscalls' checked copies mem/uaccess.h.
 * The guest can never name emulator memory: only mapped guest pages have host backing. */
#ifndef GOEMU_MEM_ASPACE_H
#define GOEMU_MEM_ASPACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/check.h"

#define GUEST_PAGE_SIZE 4096ull
#define GUEST_PAGE_MASK (GUEST_PAGE_SIZE - 1)
#define GUEST_ADDR_LIMIT (1ull << 47)   /* user half of a 4-level x86-64 address space */
#define TLB_SIZE 1024

/* Guest protections use the Linux PROT_* values. */
enum { GPROT_NONE = 0, GPROT_READ = 1, GPROT_WRITE = 2, GPROT_EXEC = 4 };

/* Address arithmetic shared by the memory layer, the loader and the syscalls. */
static inline uint64_t guest_page_up(uint64_t a) { return (a + GUEST_PAGE_MASK) & ~GUEST_PAGE_MASK; }
/* [addr, addr+len) lies inside the 47-bit user address space. */
static inline int guest_range_in_user(uint64_t addr, uint64_t len)
{
    return addr < GUEST_ADDR_LIMIT && len <= GUEST_ADDR_LIMIT - addr;
}
/* Bits 63..47 all equal (SDM Vol. 1 §3.3.7.1): anything else is #GP before paging. */
static inline int guest_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

struct tlb_entry {
    uint64_t tag;        /* guest page number, or ~0 when empty */
    uintptr_t addend;    /* host address = guest address + addend */
};

/* The CPU's decoded-block cache for this address space (cpu/exec.c): stored here so every
 * thread sharing the address space shares it, and dropped when code_dirty is set. */
struct icache;

/* One guest mapping, kept sorted and non-overlapping in mem.vmas. */
struct vma {
    uint64_t start, end; /* [start, end), page aligned */
    int prot;            /* GPROT_* */
    int flags;           /* VMA_* */
    char name[24];       /* "[stack]", "[heap]", image path tail, "" for anonymous */
    uintptr_t host;      /* host address backing start (host + (a - start) backs a), or 0 when
                          * the pages have no host memory yet (PROT_NONE never made accessible).
                          * Page-table entries are filled from it on first access. */
};
enum {
    VMA_IMAGE = 1, VMA_STACK = 2, VMA_HEAP = 4,
    VMA_SHARED_RO = 8,  /* MAP_SHARED of a file opened read-only: can never become writable */
    VMA_SHARED = 16,    /* MAP_SHARED of a file: host is a host MAP_SHARED mapping of it */
    VMA_NORESERVE = 32, /* mapped with MAP_NORESERVE: not charged to overcommit (mm/mmap.c) */
};

struct mem {
    struct tlb_entry tlb_r[TLB_SIZE], tlb_w[TLB_SIZE], tlb_x[TLB_SIZE];
    uint64_t **l1;       /* page table root, see mem.c */
    struct vma *vmas;
    size_t nvmas, cap_vmas;
    size_t max_vmas;          /* vm.max_map_count: more mappings are ENOMEM, as in Linux */
    uint64_t mmap_base;  /* top-down search starts below this */
    uint64_t mapped_bytes; /* guest bytes that have host memory (VMAs with host != 0) */
    int code_dirty;      /* code pages were written/unmapped/reprotected: flush decoded blocks */
    struct icache *icache; /* decoded blocks of this address space (exec.c) */
};

/* Lifetime and mappings. All lengths are rounded up to pages; addresses must be page aligned.
 * Return 0 or a negative Linux errno. */
GOEMU_MUST_CHECK int mem_init(struct mem *m);
void mem_destroy(struct mem *m);
/* Maps fresh zeroed memory at [addr, addr+len), replacing whatever was there (MAP_FIXED). */
GOEMU_MUST_CHECK int mem_map(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags, const char *name);
/* Like mem_map, but backed by host memory the caller mapped (len bytes at host, page
 * aligned, readable and, unless VMA_SHARED_RO, writable): a MAP_SHARED file mapping. mem
 * owns it afterwards and munmaps it with the guest pages. */
GOEMU_MUST_CHECK int mem_map_host(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags,
                 const char *name, void *host);
GOEMU_MUST_CHECK int mem_unmap(struct mem *m, uint64_t addr, uint64_t len);
GOEMU_MUST_CHECK int mem_protect(struct mem *m, uint64_t addr, uint64_t len, int prot);
/* Gives the mapping at addr the host memory it lacks (a PROT_NONE mapping never made
 * accessible), as a fault would; 0, -EFAULT when nothing is mapped there, or -ENOMEM. */
GOEMU_MUST_CHECK int mem_back(struct mem *m, uint64_t addr);
/* Moves the mappings of [old, old+len), which must be mapped throughout (else -EFAULT), to
 * [dest, dest+len), replacing whatever was there and keeping their host memory: no page is
 * copied, a MAP_SHARED file mapping stays shared, pages without host memory stay without.
 * The ranges must not overlap (-EINVAL). */
GOEMU_MUST_CHECK int mem_move(struct mem *m, uint64_t old, uint64_t len, uint64_t dest);
/* Bytes of [addr, addr+len) covered by mappings (all of them when len is GUEST_ADDR_LIMIT and
 * addr 0): Linux's total_vm, which RLIMIT_AS bounds (mm/mmap.c may_expand_vm). */
uint64_t mem_mapped_in(const struct mem *m, uint64_t addr, uint64_t len);
/* Finds a free page-aligned range of len bytes: at hint if it is free, else top-down below
 * mmap_base. Returns 0 when the address space is full. */
uint64_t mem_find_free(struct mem *m, uint64_t hint, uint64_t len);
/* Protection changes: -EACCES when asking for write on a VMA_SHARED_RO mapping. */
/* Whether [addr, addr+len) is entirely unmapped. */
int mem_range_free(struct mem *m, uint64_t addr, uint64_t len);
const struct vma *mem_vma_at(const struct mem *m, uint64_t addr);

/* Host pointer for one guest page with the given access, or NULL (slow path of the TLB;
 * also marks code pages when prot has GPROT_EXEC). */
void *mem_page_ptr(struct mem *m, uint64_t addr, int prot);

/* Bytes of [a, b) the guest has touched since they were mapped (pages with a page-table
 * entry, made on first access): /proc's Rss. Costs what is mapped, not the range's length. */
uint64_t mem_touched_bytes(struct mem *m, uint64_t a, uint64_t b);
/* Whether guest page a has host backing (the present bit of the page table). */
int mem_page_mapped(const struct mem *m, uint64_t a);
/* Host address of guest byte a when its page is mapped with at least prot (GPROT_NONE: mapped
 * at all), else NULL. Unlike mem_page_ptr it neither fills the TLB nor marks code pages. */
void *mem_host_addr(const struct mem *m, uint64_t a, int prot);
/* The host (a syscall, the loader) is about to write guest page a: decoded code from it is
 * stale. */
void mem_note_host_write(struct mem *m, uint64_t a);
/* Fetch up to n instruction bytes at rip for the decoder: the number available (stops at an
 * unmapped or non-executable page), 0 if the first byte is not executable. */
size_t mem_fetch_code(struct mem *m, uint64_t rip, uint8_t *buf, size_t n);

#endif
