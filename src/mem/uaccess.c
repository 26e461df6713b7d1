/* uaccess.c — checked copies between guest memory and host buffers, for the syscall layer and
 * the loader (Linux's copy_from_user/copy_to_user): every guest pointer a syscall is given
 * goes through here, checked against the guest's own protections, never the host's. */
#include "mem/uaccess.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static int range_check(struct mem *m, uint64_t a, size_t n, int prot)
{
    if (n == 0)
        return 0;
    if (a >= GUEST_ADDR_LIMIT || n > GUEST_ADDR_LIMIT - a)
        return -EFAULT;
    for (uint64_t p = a & ~GUEST_PAGE_MASK; p < a + n; p += GUEST_PAGE_SIZE)
        if (!mem_host_addr(m, p, prot))
            return -EFAULT;
    return 0;
}

/* Host address of a byte whose page range_check accepted. */
static uint8_t *host_byte(struct mem *m, uint64_t a) { return mem_host_addr(m, a, GPROT_NONE); }

/* Copies between guest and host page by page; range already checked. */
static void copy_pages(struct mem *m, uint64_t a, void *host, size_t n, int to_guest)
{
    uint8_t *h = host;
    while (n) {
        size_t in_page = GUEST_PAGE_SIZE - (a & GUEST_PAGE_MASK);
        size_t k = in_page < n ? in_page : n;
        if (to_guest) {
            mem_note_host_write(m, a);
            memcpy(host_byte(m, a), h, k);
        } else {
            memcpy(h, host_byte(m, a), k);
        }
        a += k;
        h += k;
        n -= k;
    }
}

int mem_copy_from(struct mem *m, void *dst, uint64_t src, size_t n)
{
    int r = range_check(m, src, n, GPROT_READ);
    if (r)
        return r;
    copy_pages(m, src, dst, n, 0);
    return 0;
}

int mem_copy_to(struct mem *m, uint64_t dst, const void *src, size_t n)
{
    int r = range_check(m, dst, n, GPROT_WRITE);
    if (r)
        return r;
    copy_pages(m, dst, (void *)src, n, 1);
    return 0;
}

int mem_poke(struct mem *m, uint64_t dst, const void *src, size_t n)
{
    int r = range_check(m, dst, n, GPROT_NONE);
    if (r)
        return r;
    copy_pages(m, dst, (void *)src, n, 1);
    return 0;
}

long mem_read_cstr(struct mem *m, uint64_t src, char *buf, size_t max)
{
    for (size_t k = 0; k < max; k++) {
        if (range_check(m, src + k, 1, GPROT_READ))
            return -EFAULT;
        buf[k] = (char)*host_byte(m, src + k);
        if (!buf[k])
            return (long)k;
    }
    if (max)
        buf[max - 1] = 0;
    return -ENAMETOOLONG;
}

/* Appends k host bytes at h to iov[0..*n), merging with the last segment when contiguous.
 * Returns 0 when a new segment is needed and max are in use. */
static int iov_add(struct iovec *iov, int *n, int max, uint8_t *h, size_t k)
{
    if (*n > 0 && (uint8_t *)iov[*n - 1].iov_base + iov[*n - 1].iov_len == h) {
        iov[*n - 1].iov_len += k;
        return 1;
    }
    if (*n == max)
        return 0;
    iov[*n].iov_base = h;
    iov[*n].iov_len = k;
    (*n)++;
    return 1;
}

int mem_iov(struct mem *m, uint64_t addr, size_t len, int prot, struct iovec *iov, int max)
{
    int r = range_check(m, addr, len, prot);
    if (r)
        return r;
    int n = 0;
    while (len) {
        size_t in_page = GUEST_PAGE_SIZE - (addr & GUEST_PAGE_MASK);
        size_t k = in_page < len ? in_page : len;
        uint8_t *h = host_byte(m, addr);
        if (prot & GPROT_WRITE)
            mem_note_host_write(m, addr);
        if (!iov_add(iov, &n, max, h, k))
            break;  /* caller gets a short transfer, as with a short read */
        addr += k;
        len -= k;
    }
    return n;
}

int mem_accessible(struct mem *m, uint64_t addr, size_t n, int prot)
{
    return range_check(m, addr, n, prot) == 0;
}

size_t mem_copy_to_prefix(struct mem *m, uint64_t dst, const void *src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t in_page = GUEST_PAGE_SIZE - ((dst + done) & GUEST_PAGE_MASK);
        size_t k = in_page < n - done ? in_page : n - done;
        if (range_check(m, dst + done, k, GPROT_WRITE))
            break;
        copy_pages(m, dst + done, (uint8_t *)src + done, k, 1);
        done += k;
    }
    return done;
}

/* ---- stand-ins ------------------------------------------------------------------------- */

/* Linux's TASK_SIZE_MAX on x86-64 with 4-level paging: the last user page is a guard page. */
#define LINUX_TASK_SIZE_MAX (GUEST_ADDR_LIMIT - GUEST_PAGE_SIZE)
/* A kernel address: access_ok refuses it for any length, on any host. */
#define HOST_NON_USER ((void *)(uintptr_t)0xffff800000000000ull)

int mem_access_ok(uint64_t addr, uint64_t n)
{
    return addr + n >= addr && addr + n <= LINUX_TASK_SIZE_MAX;
}

/* The PROT_NONE host region, reserved (not committed) on first use; one page if the host
 * refuses the span (RLIMIT_AS), a non-user address if it refuses even that. */
static void *fault_region(void)
{
    static void *region;
    if (!region) {
        void *p = mmap(NULL, MEM_FAULT_SPAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            p = mmap(NULL, GUEST_PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        region = p == MAP_FAILED ? HOST_NON_USER : p;
    }
    return region;
}

void *mem_fault_ptr(uint64_t addr, uint64_t n)
{
    return mem_access_ok(addr, n) ? fault_region() : HOST_NON_USER;
}

int mem_is_stand_in(const void *p)
{
    return p == HOST_NON_USER || p == fault_region();
}

int mem_iov_user(struct mem *m, uint64_t addr, uint64_t len, int prot, struct iovec *iov, int max)
{
    if (max <= 0)
        return 0;
    if (!mem_access_ok(addr, len)) {
        iov[0].iov_base = HOST_NON_USER;
        iov[0].iov_len = (size_t)len;
        return 1;
    }
    int n = 0;
    while (len) {
        size_t in_page = GUEST_PAGE_SIZE - (addr & GUEST_PAGE_MASK);
        size_t k = in_page < len ? in_page : (size_t)len;
        uint8_t *h = range_check(m, addr, k, prot) ? NULL : host_byte(m, addr);
        if (!h) {
            if (n == max)
                break;
            iov[n].iov_base = fault_region();
            iov[n].iov_len = (size_t)(len < MEM_FAULT_SPAN ? len : MEM_FAULT_SPAN);
            return n + 1;
        }
        if (prot & GPROT_WRITE)
            mem_note_host_write(m, addr);
        if (!iov_add(iov, &n, max, h, k))
            break;
        addr += k;
        len -= k;
    }
    return n;
}
