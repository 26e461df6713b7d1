/* aspace.c — guest address space: a three-level page table from guest page to host page, the
 * sorted mapping list Linux calls VMAs, and the TLB refill behind the CPU's fast path.
 * Every mapping gets its own anonymous host memory (MAP_NORESERVE, so untouched pages cost
 * nothing), recorded in its VMA; page-table entries are filled lazily from the VMA on first
 * access, so a mapping's cost is what it touches, not its length (a 1 TiB mapping would need
 * 2 GiB of entries). Range walks visit only the page tables that exist. Protections are
 * enforced here, not by the host. */
#include "mem/aspace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


/* Page-table entry: host page address | PTE_* bits (host pages are 4 KiB aligned). */
enum { PTE_R = GPROT_READ, PTE_W = GPROT_WRITE, PTE_X = GPROT_EXEC, PTE_CODE = 8, PTE_PRESENT = 16 };
#define PTE_FLAGS 0xfffull

/* The access a VMA's protection grants. x86 page tables cannot say "writable but not
 * readable" or "executable but not readable": a present page is readable, so PROT_WRITE and
 * PROT_EXEC imply read access (Intel SDM Vol. 3A §4.6; Linux's x86 protection_map,
 * arch/x86/mm/pgprot.c, maps VM_WRITE and VM_EXEC alone to readable PAGE_* values). The VMA
 * keeps the requested protection (what /proc/self/maps shows, "-w-p"); only the page-table
 * entry, and so every access check, gets the implied read. */
static unsigned pte_prot(int prot)
{
    unsigned p = (unsigned)prot & (PTE_R | PTE_W | PTE_X);
    return p & (PTE_W | PTE_X) ? p | PTE_R : p;
}

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
        if (!create || !(l2 = calloc(L2_SIZE, sizeof(*l2))))
            return NULL;
        m->l1[i1] = (uint64_t *)l2;
    }
    uint64_t *l3 = l2[i2];
    if (!l3) {
        if (!create || !(l3 = calloc(L3_SIZE, sizeof(*l3))))
            return NULL;
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

/* The host's vm.max_map_count (Documentation/admin-guide/sysctl/vm.rst; 65530 by default):
 * a VMA costs goemu memory and every range operation walks them, so a guest making millions
 * by splitting a reservation page by page must be stopped where Linux stops it. */
static size_t max_map_count(void)
{
    static size_t limit;
    if (!limit) {
        unsigned long v = 0;
        FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
        if (!f || fscanf(f, "%lu", &v) != 1 || v == 0)
            v = 65530;
        if (f)
            fclose(f);
        limit = v;
    }
    return limit;
}

int mem_init(struct mem *m)
{
    memset(m, 0, sizeof(*m));
    m->l1 = calloc(1u << L1_BITS, sizeof(*m->l1));
    if (!m->l1)
        return -ENOMEM;
    /* Linux puts mmap_base just below the stack gap; the stack ends at 0x7ffffffff000. */
    m->mmap_base = 0x7ff000000000ull;
    m->max_vmas = max_map_count();
    tlb_flush(m);
    return 0;
}

/* ---- page-table walks ------------------------------------------------------------------ */

typedef void pte_fn(struct mem *m, uint64_t *slot, void *arg);

/* Calls fn on every present entry for the pages of [a, b), skipping absent L2 and L3 tables,
 * so the cost is proportional to what has entries, not to the length of the range (Linux's
 * walks skip empty tables the same way: pmd_none_or_clear_bad in mm/mprotect.c, mm/memory.c).
 * With free_covered, tables whose whole span lies inside [a, b) are freed afterwards: an
 * unmapped range keeps no page-table memory. */
static void pte_walk(struct mem *m, uint64_t a, uint64_t b, pte_fn *fn, void *arg, int free_covered)
{
    const uint64_t l3_span = L3_SIZE, l2_span = (uint64_t)L2_SIZE * L3_SIZE;
    uint64_t pn = a >> 12, pe = b >> 12;
    while (pn < pe) {
        unsigned i1 = (unsigned)(pn / l2_span) & ((1u << L1_BITS) - 1);
        uint64_t l1_next = (pn / l2_span + 1) * l2_span;
        uint64_t **l2 = (uint64_t **)m->l1[i1];
        if (!l2) {
            pn = l1_next;
            continue;
        }
        int freed = 0;
        for (; pn < pe && pn < l1_next; pn = (pn / l3_span + 1) * l3_span) {
            unsigned i2 = (unsigned)(pn / l3_span) & (L2_SIZE - 1);
            uint64_t *l3 = l2[i2];
            if (!l3)
                continue;
            uint64_t l3_next = (pn / l3_span + 1) * l3_span, stop = pe < l3_next ? pe : l3_next;
            for (uint64_t q = pn; q < stop; q++) {
                uint64_t *slot = &l3[q & (L3_SIZE - 1)];
                if (*slot & PTE_PRESENT)
                    fn(m, slot, arg);
            }
            if (free_covered && pn % l3_span == 0 && stop == l3_next) {
                free(l3);
                l2[i2] = NULL;
                freed = 1;
            }
        }
        if (freed) {
            unsigned k = 0;
            while (k < L2_SIZE && !l2[k])
                k++;
            if (k == L2_SIZE) {
                free(l2);
                m->l1[i1] = NULL;
            }
        }
    }
}

static void pte_count(struct mem *m, uint64_t *slot, void *arg)
{
    (void)m, (void)slot;
    *(uint64_t *)arg += GUEST_PAGE_SIZE;
}

uint64_t mem_touched_bytes(struct mem *m, uint64_t a, uint64_t b)
{
    uint64_t n = 0;
    pte_walk(m, a, b, pte_count, &n, 0);
    return n;
}

static void pte_clear(struct mem *m, uint64_t *slot, void *arg)
{
    (void)arg;
    if (*slot & PTE_CODE)
        m->code_dirty = 1;
    *slot = 0;
}

static void pte_set_prot(struct mem *m, uint64_t *slot, void *arg)
{
    unsigned prot = *(const unsigned *)arg;
    if (*slot & PTE_CODE)
        m->code_dirty = 1;
    *slot = (*slot & ~(uint64_t)(PTE_R | PTE_W | PTE_X | PTE_CODE)) | prot;
}

/* ---- host backing ----------------------------------------------------------------------- */

/* Drops the page-table entries of guest [a, b) and their tables, and, with unmap_host, gives
 * the host memory behind the VMAs there back to the host (munmap of the host backing, so a
 * munmap returns memory at once). The VMAs themselves are the caller's. */
static void release_pages(struct mem *m, uint64_t a, uint64_t b, int unmap_host)
{
    for (size_t i = 0; i < m->nvmas; i++) {
        const struct vma *v = &m->vmas[i];
        uint64_t s = v->start > a ? v->start : a, e = v->end < b ? v->end : b;
        if (s >= e || !v->host)
            continue;
        if (unmap_host)
            munmap((void *)(v->host + (s - v->start)), e - s);
        m->mapped_bytes -= e - s;
    }
    pte_walk(m, a, b, pte_clear, NULL, 1);
}

/* ---- the VMA list ----------------------------------------------------------------------- */

static int vma_reserve(struct mem *m, size_t extra)
{
    /* do_mmap, __split_vma (mm/mmap.c): ENOMEM past map_count. goemu never merges VMAs, so it
     * may count more than Linux for the same calls; ordinary programs stay far below. */
    if (m->max_vmas && m->nvmas + extra > m->max_vmas && extra == 1)
        return -ENOMEM;
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
            if (v[1].host)
                v[1].host += addr - v[0].start;
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
            if (v.host)
                v.host += b - v.start;
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

/* Gives the VMA at index i host memory for its whole range, if it has none. */
static int vma_back(struct mem *m, size_t i)
{
    struct vma *v = &m->vmas[i];
    if (v->host)
        return 0;
    void *host = host_alloc(v->end - v->start);
    if (!host)
        return -ENOMEM;
    v->host = (uintptr_t)host;
    m->mapped_bytes += v->end - v->start;
    return 0;
}

/* A PROT_NONE mapping gets no host memory: Go reserves hundreds of MB that way and commits
 * pieces later, and a reservation must cost nothing however large. mem_protect backs pages
 * when they become accessible. No mapping gets page-table entries until it is accessed. */
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
    if (vma_reserve(m, 1)) {
        if (host)
            munmap(host, len);
        return -ENOMEM;
    }
    release_pages(m, addr, addr + len, 1);
    vma_remove_range(m, addr, addr + len);
    GOEMU_ASSERT(vma_insert(m, addr, addr + len, prot, vma_flags, name) == 0);  /* reserved */
    struct vma *v = (struct vma *)mem_vma_at(m, addr);
    v->host = (uintptr_t)host;
    if (host)
        m->mapped_bytes += len;
    tlb_flush(m);
    return 0;
}

int mem_unmap(struct mem *m, uint64_t addr, uint64_t len)
{
    len = guest_page_up(len);
    if (!range_ok(addr, len))
        return -EINVAL;
    if (vma_split_at(m, addr) || vma_split_at(m, addr + len))
        return -ENOMEM;
    release_pages(m, addr, addr + len, 1);
    vma_remove_range(m, addr, addr + len);
    tlb_flush(m);
    return 0;
}

int mem_move(struct mem *m, uint64_t old, uint64_t len, uint64_t dest)
{
    len = guest_page_up(len);
    if (!range_ok(old, len) || !range_ok(dest, len) || (dest < old + len && old < dest + len))
        return -EINVAL;
    if (mem_mapped_in(m, old, len) != len)
        return -EFAULT;
    /* The pieces of [old, old+len) (one VMA for Linux, maybe several here: goemu does not
     * merge neighbours) are copied out, then inserted at dest; four splits and the inserts
     * are reserved first, so nothing after that can fail. */
    size_t first = 0, n = 0;
    while (first < m->nvmas && m->vmas[first].end <= old)
        first++;
    while (first + n < m->nvmas && m->vmas[first + n].start < old + len)
        n++;
    struct vma *moved = malloc((n + 2) * sizeof(*moved));
    if (!moved || vma_reserve(m, n + 6)) {
        free(moved);
        return -ENOMEM;
    }
    GOEMU_ASSERT(!vma_split_at(m, old) && !vma_split_at(m, old + len));
    n = 0;
    for (size_t i = 0; i < m->nvmas; i++)
        if (m->vmas[i].start >= old && m->vmas[i].end <= old + len)
            moved[n++] = m->vmas[i];
    /* The entries go, the host memory stays: it is the moved mapping's (move_page_tables in
     * mm/mremap.c moves page tables, never pages). */
    release_pages(m, old, old + len, 0);
    vma_remove_range(m, old, old + len);
    GOEMU_ASSERT(!vma_split_at(m, dest) && !vma_split_at(m, dest + len));
    release_pages(m, dest, dest + len, 1);
    vma_remove_range(m, dest, dest + len);
    for (size_t i = 0; i < n; i++) {
        uint64_t s = dest + (moved[i].start - old), e = dest + (moved[i].end - old);
        GOEMU_ASSERT(vma_insert(m, s, e, moved[i].prot, moved[i].flags, moved[i].name) == 0);
        ((struct vma *)mem_vma_at(m, s))->host = moved[i].host;
        if (moved[i].host)
            m->mapped_bytes += e - s;
    }
    free(moved);
    tlb_flush(m);
    return 0;
}

uint64_t mem_mapped_in(const struct mem *m, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len, n = 0;
    for (size_t i = 0; i < m->nvmas; i++) {
        const struct vma *v = &m->vmas[i];
        uint64_t s = v->start > addr ? v->start : addr, e = v->end < end ? v->end : end;
        if (s < e)
            n += e - s;
    }
    return n;
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
    /* Pages becoming accessible get fresh zero host memory if they had none (one host
     * allocation per VMA, untouched pages cost nothing); entries that exist take the new
     * protection, the others are filled with it on first access. */
    for (size_t i = 0; i < m->nvmas; i++)
        if (m->vmas[i].start >= addr && m->vmas[i].end <= addr + len) {
            if (prot != GPROT_NONE && vma_back(m, i))
                return -ENOMEM;
            m->vmas[i].prot = prot;
        }
    unsigned p = pte_prot(prot);
    pte_walk(m, addr, addr + len, pte_set_prot, &p, 0);
    tlb_flush(m);
    return 0;
}

int mem_back(struct mem *m, uint64_t addr)
{
    const struct vma *v = mem_vma_at(m, addr);
    if (!v)
        return -EFAULT;
    return vma_back(m, (size_t)(v - m->vmas));
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
    release_pages(m, 0, GUEST_ADDR_LIMIT, 1);
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
    if (!slot || !(*slot & PTE_PRESENT)) {
        /* First access to the page: its entry comes from the VMA's host memory. */
        const struct vma *v = mem_vma_at(m, addr);
        if (!v || !v->host || (pte_prot(v->prot) & (unsigned)prot) != (unsigned)prot ||
            !(slot = pte_slot(m, addr, 1)))
            return NULL;
        *slot = (v->host + ((addr & ~GUEST_PAGE_MASK) - v->start)) | PTE_PRESENT | pte_prot(v->prot);
    }
    if ((*slot & (unsigned)prot) != (unsigned)prot)
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

/* Host address of guest byte a from its VMA when the page has no entry yet, else 0. */
static uintptr_t vma_host_addr(const struct mem *m, uint64_t a, int prot)
{
    const struct vma *v = mem_vma_at(m, a);
    if (!v || !v->host || (pte_prot(v->prot) & (unsigned)prot) != (unsigned)prot)
        return 0;
    return v->host + (a - v->start);
}

int mem_page_mapped(const struct mem *m, uint64_t a)
{
    return (pte_get(m, a) & PTE_PRESENT) || vma_host_addr(m, a, GPROT_NONE);
}

void *mem_host_addr(const struct mem *m, uint64_t a, int prot)
{
    if (a >= GUEST_ADDR_LIMIT)
        return NULL;
    uint64_t pte = pte_get(m, a);
    if (!(pte & PTE_PRESENT))
        return (void *)vma_host_addr(m, a, prot);
    if ((pte & (unsigned)prot) != (unsigned)prot)
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
