/* aspace.c — guest address space: a three-level page table from guest page to host page, the
 * sorted mapping list Linux calls VMAs, and the TLB refill behind the CPU's fast path.
 * Every mapping gets its own anonymous host memory (MAP_NORESERVE, so PROT_NONE reservations
 * of hundreds of MB cost nothing until touched); protections are enforced here, not by the host. */
#include "mem/aspace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


/* Page-table entry: host page address | PTE_* bits (host pages are 4 KiB aligned). */
enum { PTE_R = GPROT_READ, PTE_W = GPROT_WRITE, PTE_X = GPROT_EXEC, PTE_CODE = 8, PTE_PRESENT = 16 };
#define PTE_FLAGS 0xfffull

/* 35-bit guest page number = 11 bits (L1) + 12 bits (L2) + 12 bits (L3). */
#define L1_BITS 11
#define L2_BITS 12
#define L3_BITS 12
#define L2_SIZE (1u << L2_BITS)
#define L3_SIZE (1u << L3_BITS)

static uint64_t *pte_slot(struct mem *m, uint64_t addr, int create)
{
    uint64_t pn = addr >> 12;
    unsigned i1 = (unsigned)(pn >> (L2_BITS + L3_BITS)) & ((1u << L1_BITS) - 1);
    unsigned i2 = (unsigned)(pn >> L3_BITS) & (L2_SIZE - 1);
    unsigned i3 = (unsigned)pn & (L3_SIZE - 1);
    uint64_t **l2 = (uint64_t **)m->l1[i1];
    if (!l2) {
        if (!create)
            return NULL;
        l2 = calloc(L2_SIZE, sizeof(*l2));
        m->l1[i1] = (uint64_t *)l2;
    }
    uint64_t *l3 = l2[i2];
    if (!l3) {
        if (!create)
            return NULL;
        l3 = calloc(L3_SIZE, sizeof(*l3));
        l2[i2] = l3;
    }
    return &l3[i3];
}

static uint64_t pte_get(const struct mem *m, uint64_t addr)
{
    uint64_t *p = pte_slot((struct mem *)m, addr, 0);
    return p ? *p : 0;
}

static void tlb_flush(struct mem *m)
{
    memset(m->tlb_r, 0xff, sizeof(m->tlb_r));
    memset(m->tlb_w, 0xff, sizeof(m->tlb_w));
    memset(m->tlb_x, 0xff, sizeof(m->tlb_x));
}

int mem_init(struct mem *m)
{
    memset(m, 0, sizeof(*m));
    m->l1 = calloc(1u << L1_BITS, sizeof(*m->l1));
    if (!m->l1)
        return -ENOMEM;
    /* Linux puts mmap_base just below the stack gap; the stack ends at 0x7ffffffff000. */
    m->mmap_base = 0x7ff000000000ull;
    tlb_flush(m);
    return 0;
}

/* ---- host backing ----------------------------------------------------------------------- */

/* Releases the host pages behind guest [a, b) and clears their entries, in host-contiguous
 * runs so a large unmap is a few munmap calls. */
static void release_pages(struct mem *m, uint64_t a, uint64_t b)
{
    uintptr_t run_start = 0, run_end = 0;
    for (uint64_t p = a; p < b; p += GUEST_PAGE_SIZE) {
        uint64_t *slot = pte_slot(m, p, 0);
        if (!slot || !(*slot & PTE_PRESENT))
            continue;
        if (*slot & PTE_CODE)
            m->code_dirty = 1;
        uintptr_t host = (uintptr_t)(*slot & ~PTE_FLAGS);
        *slot = 0;
        m->mapped_bytes -= GUEST_PAGE_SIZE;
        if (host == run_end) {
            run_end += GUEST_PAGE_SIZE;
            continue;
        }
        if (run_end > run_start)
            munmap((void *)run_start, run_end - run_start);
        run_start = host;
        run_end = host + GUEST_PAGE_SIZE;
    }
    if (run_end > run_start)
        munmap((void *)run_start, run_end - run_start);
}

/* ---- the VMA list ----------------------------------------------------------------------- */

static int vma_reserve(struct mem *m, size_t extra)
{
    if (m->nvmas + extra <= m->cap_vmas)
        return 0;
    size_t cap = m->cap_vmas ? m->cap_vmas * 2 : 64;
    while (cap < m->nvmas + extra)
        cap *= 2;
    struct vma *v = realloc(m->vmas, cap * sizeof(*v));
    if (!v)
        return -ENOMEM;
    m->vmas = v;
    m->cap_vmas = cap;
    return 0;
}

/* Splits the VMA containing addr (if any, and addr is inside it) so addr is a boundary. */
static int vma_split_at(struct mem *m, uint64_t addr)
{
    for (size_t i = 0; i < m->nvmas; i++) {
        struct vma *v = &m->vmas[i];
        if (v->start < addr && addr < v->end) {
            if (vma_reserve(m, 1))
                return -ENOMEM;
            v = &m->vmas[i];
            memmove(v + 1, v, (m->nvmas - i) * sizeof(*v));
            m->nvmas++;
            v[0].end = addr;
            v[1].start = addr;
            return 0;
        }
        if (v->start >= addr)
            break;
    }
    return 0;
}

static void vma_remove_range(struct mem *m, uint64_t a, uint64_t b)
{
    size_t out = 0;
    for (size_t i = 0; i < m->nvmas; i++) {
        struct vma v = m->vmas[i];
        if (v.end <= a || v.start >= b) {
            m->vmas[out++] = v;
            continue;
        }
        /* Pieces outside [a, b) survive (at most two, since the split guaranteed boundaries). */
        if (v.start < a) {
            v.end = a;
            m->vmas[out++] = v;
        } else if (v.end > b) {
            v.start = b;
            m->vmas[out++] = v;
        }
    }
    m->nvmas = out;
}

static int vma_insert(struct mem *m, uint64_t a, uint64_t b, int prot, int flags, const char *name)
{
    if (vma_reserve(m, 1))
        return -ENOMEM;
    size_t i = 0;
    while (i < m->nvmas && m->vmas[i].start < a)
        i++;
    /* The list stays sorted and non-overlapping: callers removed [a, b) first. */
    GOEMU_ASSERT(a < b && !(a & GUEST_PAGE_MASK) && !(b & GUEST_PAGE_MASK));
    GOEMU_ASSERT(i == 0 || m->vmas[i - 1].end <= a);
    GOEMU_ASSERT(i == m->nvmas || b <= m->vmas[i].start);
    memmove(&m->vmas[i + 1], &m->vmas[i], (m->nvmas - i) * sizeof(struct vma));
    m->nvmas++;
    struct vma *v = &m->vmas[i];
    memset(v, 0, sizeof(*v));
    v->start = a;
    v->end = b;
    v->prot = prot;
    v->flags = flags;
    if (name)
        snprintf(v->name, sizeof(v->name), "%s", name);
    return 0;
}

const struct vma *mem_vma_at(const struct mem *m, uint64_t addr)
{
    size_t lo = 0, hi = m->nvmas;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct vma *v = &m->vmas[mid];
        if (addr < v->start)
            hi = mid;
        else if (addr >= v->end)
            lo = mid + 1;
        else
            return v;
    }
    return NULL;
}

/* ---- mapping operations ----------------------------------------------------------------- */

static int range_ok(uint64_t addr, uint64_t len)
{
    return !(addr & GUEST_PAGE_MASK) && len && guest_range_in_user(addr, len);
}

/* Fresh zeroed host memory for len bytes (MAP_NORESERVE: untouched pages cost nothing). */
static void *host_alloc(uint64_t len)
{
    void *host = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return host == MAP_FAILED ? NULL : host;
}

static int set_ptes(struct mem *m, uint64_t addr, uint64_t len, uintptr_t host, int prot)
{
    for (uint64_t off = 0; off < len; off += GUEST_PAGE_SIZE) {
        uint64_t *slot = pte_slot(m, addr + off, 1);
        if (!slot)
            return -ENOMEM;
        *slot = (host + off) | PTE_PRESENT | (unsigned)prot;
    }
    m->mapped_bytes += len;
    return 0;
}

/* A PROT_NONE mapping gets neither host memory nor page-table entries: Go reserves hundreds
 * of MB that way and commits pieces later, and a reservation must cost nothing however large.
 * mem_protect backs pages when they become accessible. */
int mem_map(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags, const char *name)
{
    len = guest_page_up(len);
    if (!range_ok(addr, len))
        return -EINVAL;
    void *host = NULL;
    if (prot != GPROT_NONE && !(host = host_alloc(len)))
        return -ENOMEM;
    return mem_map_host(m, addr, len, prot, vma_flags, name, host);
}

int mem_map_host(struct mem *m, uint64_t addr, uint64_t len, int prot, int vma_flags,
                 const char *name, void *host)
{
    len = guest_page_up(len);
    if (!range_ok(addr, len) || vma_split_at(m, addr) || vma_split_at(m, addr + len)) {
        if (host)
            munmap(host, len);
        return range_ok(addr, len) ? -ENOMEM : -EINVAL;
    }
    release_pages(m, addr, addr + len);
    vma_remove_range(m, addr, addr + len);
    if (vma_insert(m, addr, addr + len, prot, vma_flags, name)) {
        if (host)
            munmap(host, len);
        return -ENOMEM;
    }
    int r = host ? set_ptes(m, addr, len, (uintptr_t)host, prot) : 0;
    tlb_flush(m);
    return r;
}

int mem_unmap(struct mem *m, uint64_t addr, uint64_t len)
{
    len = guest_page_up(len);
    if (!range_ok(addr, len))
        return -EINVAL;
    if (vma_split_at(m, addr) || vma_split_at(m, addr + len))
        return -ENOMEM;
    release_pages(m, addr, addr + len);
    vma_remove_range(m, addr, addr + len);
    tlb_flush(m);
    return 0;
}

/* Gives fresh zero pages to the pages of [addr, addr+len) that have none yet (they were
 * mapped PROT_NONE), one host allocation per run of such pages. */
static int back_unbacked(struct mem *m, uint64_t addr, uint64_t len, int prot)
{
    uint64_t end = addr + len;
    for (uint64_t p = addr; p < end;) {
        uint64_t *slot = pte_slot(m, p, 0);
        if (slot && (*slot & PTE_PRESENT)) {
            p += GUEST_PAGE_SIZE;
            continue;
        }
        uint64_t run = p;
        while (run < end && !((slot = pte_slot(m, run, 0)) && (*slot & PTE_PRESENT)))
            run += GUEST_PAGE_SIZE;
        void *host = host_alloc(run - p);
        if (!host || set_ptes(m, p, run - p, (uintptr_t)host, prot))
            return -ENOMEM;
        p = run;
    }
    return 0;
}

int mem_protect(struct mem *m, uint64_t addr, uint64_t len, int prot)
{
    len = guest_page_up(len);
    if (!range_ok(addr, len))
        return -EINVAL;
    /* Linux: -ENOMEM if any page of the range is unmapped, and nothing changes. */
    for (uint64_t p = addr; p < addr + len;) {
        const struct vma *v = mem_vma_at(m, p);
        if (!v)
            return -ENOMEM;
        if ((v->flags & VMA_SHARED_RO) && (prot & GPROT_WRITE))
            return -EACCES;  /* man 2 mprotect: MAP_SHARED file not opened for writing */
        p = v->end;
    }
    if (vma_split_at(m, addr) || vma_split_at(m, addr + len))
        return -ENOMEM;
    for (size_t i = 0; i < m->nvmas; i++)
        if (m->vmas[i].start >= addr && m->vmas[i].end <= addr + len)
            m->vmas[i].prot = prot;
    if (prot != GPROT_NONE && back_unbacked(m, addr, len, prot))
        return -ENOMEM;
    for (uint64_t p = addr; p < addr + len; p += GUEST_PAGE_SIZE) {
        uint64_t *slot = pte_slot(m, p, 0);
        if (!slot || !(*slot & PTE_PRESENT))
            continue;
        if (*slot & PTE_CODE)
            m->code_dirty = 1;
        *slot = (*slot & ~(uint64_t)(PTE_R | PTE_W | PTE_X | PTE_CODE)) | (unsigned)prot;
    }
    tlb_flush(m);
    return 0;
}

int mem_range_free(struct mem *m, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < m->nvmas; i++)
        if (m->vmas[i].start < addr + len && addr < m->vmas[i].end)
            return 0;
    return 1;
}

uint64_t mem_find_free(struct mem *m, uint64_t hint, uint64_t len)
{
    const uint64_t min_addr = 0x10000;  /* vm.mmap_min_addr */
    len = guest_page_up(len);
    if (!len || len > m->mmap_base)
        return 0;
    hint &= ~GUEST_PAGE_MASK;
    if (hint >= min_addr && hint < GUEST_ADDR_LIMIT && len <= GUEST_ADDR_LIMIT - hint &&
        mem_range_free(m, hint, len))
        return hint;
    /* Top-down: the highest gap below mmap_base that fits, as Linux's default layout does. */
    uint64_t top = m->mmap_base;
    for (size_t k = m->nvmas + 1; k-- > 0;) {
        uint64_t lo = k > 0 ? m->vmas[k - 1].end : min_addr;
        if (lo < top && top - lo >= len)
            return top - len;
        if (k > 0 && m->vmas[k - 1].start < top)
            top = m->vmas[k - 1].start;
    }
    return 0;
}

void mem_destroy(struct mem *m)
{
    for (size_t i = 0; i < m->nvmas; i++)
        release_pages(m, m->vmas[i].start, m->vmas[i].end);
    for (unsigned i1 = 0; i1 < (1u << L1_BITS); i1++) {
        uint64_t **l2 = (uint64_t **)m->l1[i1];
        if (!l2)
            continue;
        for (unsigned i2 = 0; i2 < L2_SIZE; i2++)
            free(l2[i2]);
        free(l2);
    }
    free(m->l1);
    free(m->vmas);
    memset(m, 0, sizeof(*m));
}

/* ---- translation slow paths ------------------------------------------------------------- */

void *mem_page_ptr(struct mem *m, uint64_t addr, int prot)
{
    if (addr >= GUEST_ADDR_LIMIT)
        return NULL;
    uint64_t *slot = pte_slot(m, addr, 0);
    if (!slot || !(*slot & PTE_PRESENT) || (*slot & (unsigned)prot) != (unsigned)prot)
        return NULL;
    uint64_t pte = *slot;
    uintptr_t host = (uintptr_t)(pte & ~PTE_FLAGS);
    uint64_t page = addr & ~GUEST_PAGE_MASK;
    unsigned idx = (addr >> 12) & (TLB_SIZE - 1);
    if (prot & GPROT_EXEC) {
        /* Decoded blocks now depend on this page: writes must take the slow path. */
        *slot = pte | PTE_CODE;
        if (m->tlb_w[idx].tag == addr >> 12)
            m->tlb_w[idx].tag = ~0ull;
        m->tlb_x[idx] = (struct tlb_entry){addr >> 12, host - page};
    } else if (prot & GPROT_WRITE) {
        if (pte & PTE_CODE) {
            *slot = pte & ~(uint64_t)PTE_CODE;
            m->code_dirty = 1;
        }
        m->tlb_w[idx] = (struct tlb_entry){addr >> 12, host - page};
    } else {
        m->tlb_r[idx] = (struct tlb_entry){addr >> 12, host - page};
    }
    return (void *)(host + (addr & GUEST_PAGE_MASK));
}

size_t mem_fetch_code(struct mem *m, uint64_t rip, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        uint8_t *p = mem_page_ptr(m, rip + got, GPROT_EXEC | GPROT_READ);
        if (!p)
            break;
        size_t in_page = GUEST_PAGE_SIZE - ((rip + got) & GUEST_PAGE_MASK);
        size_t k = in_page < n - got ? in_page : n - got;
        memcpy(buf + got, p, k);
        got += k;
    }
    return got;
}


/* ---- lookups for the CPU's fault path and the checked copies ----------------------------- */

int mem_page_mapped(const struct mem *m, uint64_t a)
{
    return (pte_get(m, a) & PTE_PRESENT) != 0;
}

void *mem_host_addr(const struct mem *m, uint64_t a, int prot)
{
    if (a >= GUEST_ADDR_LIMIT)
        return NULL;
    uint64_t pte = pte_get(m, a);
    if (!(pte & PTE_PRESENT) || (pte & (unsigned)prot) != (unsigned)prot)
        return NULL;
    return (uint8_t *)(uintptr_t)(pte & ~PTE_FLAGS) + (a & GUEST_PAGE_MASK);
}

void mem_note_host_write(struct mem *m, uint64_t a)
{
    uint64_t *slot = pte_slot(m, a, 0);
    if (slot && (*slot & PTE_CODE)) {
        *slot &= ~(uint64_t)PTE_CODE;
        m->code_dirty = 1;
        m->tlb_x[(a >> 12) & (TLB_SIZE - 1)].tag = ~0ull;
    }
}
