/* mem.h — the guest's own 47-bit address space: mappings, protections, and the accessors
 * every guest access goes through. A page table maps guest pages to host pages; a small
 * direct-mapped TLB per access type makes a hit one compare and one add (TinyEMU's scheme).
 * The guest can never name emulator memory: only mapped guest pages have host backing. */
#ifndef GOEMU_MEM_H
#define GOEMU_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "cpu.h"

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

struct icache;

/* One guest mapping, kept sorted and non-overlapping in mem.vmas. */
struct vma {
    uint64_t start, end; /* [start, end), page aligned */
    int prot;            /* GPROT_* */
    int flags;           /* VMA_* */
    char name[24];       /* "[stack]", "[heap]", image path tail, "" for anonymous */
};
enum {
    VMA_IMAGE = 1, VMA_STACK = 2, VMA_HEAP = 4,
    VMA_SHARED_RO = 8,  /* MAP_SHARED of a file opened read-only: can never become writable */
};

struct mem {
    struct tlb_entry tlb_r[TLB_SIZE], tlb_w[TLB_SIZE], tlb_x[TLB_SIZE];
    uint64_t **l1;       /* page table root, see mem.c */
    struct vma *vmas;
    size_t nvmas, cap_vmas;
    uint64_t mmap_base;  /* top-down search starts below this */
    uint64_t mapped_bytes;
    int code_dirty;      /* code pages were written/unmapped/reprotected: flush decoded blocks */
    struct icache *icache; /* decoded blocks of this address space (exec.c) */
};

/* Lifetime and mappings. All lengths are rounded up to pages; addresses must be page aligned.
 * Return 0 or a negative Linux errno. */
int mem_init(struct mem *m);
void mem_destroy(struct mem *m);
/* Maps fresh zeroed memory at [addr, addr+len), replacing whatever was there (MAP_FIXED). */
int mem_map(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags, const char *name);
/* Like mem_map, but backed by host memory the caller mapped (len bytes at host, page
 * aligned, readable and, unless VMA_SHARED_RO, writable): a MAP_SHARED file mapping. mem
 * owns it afterwards and munmaps it with the guest pages. */
int mem_map_host(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags,
                 const char *name, void *host);
int mem_unmap(struct mem *m, uint64_t addr, uint64_t len);
int mem_protect(struct mem *m, uint64_t addr, uint64_t len, int prot);
/* Finds a free page-aligned range of len bytes: at hint if it is free, else top-down below
 * mmap_base. Returns 0 when the address space is full. */
uint64_t mem_find_free(struct mem *m, uint64_t hint, uint64_t len);
/* Protection changes: -EACCES when asking for write on a VMA_SHARED_RO mapping. */
/* Whether [addr, addr+len) is entirely unmapped. */
int mem_range_free(struct mem *m, uint64_t addr, uint64_t len);
const struct vma *mem_vma_at(const struct mem *m, uint64_t addr);

/* Checked copies for the syscall layer and the loader: 0 or -EFAULT, no partial effects on
 * failure for writes (the whole range is checked first). Permissions are the guest's. */
int mem_copy_from(struct mem *m, void *dst, uint64_t src, size_t n);
int mem_copy_to(struct mem *m, uint64_t dst, const void *src, size_t n);
/* Writes regardless of guest protection (loader filling read-only segments). */
int mem_poke(struct mem *m, uint64_t dst, const void *src, size_t n);
/* Reads a NUL-terminated string of at most max-1 bytes into buf: its length, -EFAULT, or
 * -ENAMETOOLONG when no NUL was found within max bytes. */
long mem_read_cstr(struct mem *m, uint64_t src, char *buf, size_t max);
/* Describes guest [addr, addr+len) as host iovecs (page-contiguous runs merged). Returns the
 * number of iovecs used, or -EFAULT if any page is unmapped or lacks prot. */
int mem_iov(struct mem *m, uint64_t addr, size_t len, int prot, struct iovec *iov, int max);

/* Host pointer for one guest page with the given access, or NULL (slow path of the TLB;
 * also marks code pages when prot has GPROT_EXEC). */
void *mem_page_ptr(struct mem *m, uint64_t addr, int prot);

/* ---- accessors used by instruction handlers ---------------------------------------------
 * On failure these record a precise SIGSEGV in c->fault and longjmp to c->fault_jmp, before
 * any byte is written (a page-crossing store checks both pages first). */
uint64_t mem_ld_slow(struct cpu *c, uint64_t a, unsigned size);
void mem_st_slow(struct cpu *c, uint64_t a, unsigned size, uint64_t v);
void mem_ld128(struct cpu *c, uint64_t a, xmm_t *out);
void mem_st128(struct cpu *c, uint64_t a, const xmm_t *v);
/* Raise a guest SIGSEGV for an access to a (never returns). */
_Noreturn void mem_fault(struct cpu *c, uint64_t a, int is_write);
/* Fetch up to n instruction bytes at rip for the decoder: the number available (stops at an
 * unmapped or non-executable page), 0 if the first byte is not executable. */
size_t mem_fetch_code(struct mem *m, uint64_t rip, uint8_t *buf, size_t n);

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
