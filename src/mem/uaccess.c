/* uaccess.c — checked copies between guest memory and host buffers, for the syscall layer and
 * the loader (Linux's copy_from_user/copy_to_user): every guest pointer a syscall is given
 * goes through here, checked against the guest's own protections, never the host's. */
#include "mem/uaccess.h"

#include <errno.h>
#include <string.h>

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
        if (n > 0 && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == h) {
            iov[n - 1].iov_len += k;
        } else {
            if (n == max)
                break;  /* caller gets a short transfer, as with a short read */
            iov[n].iov_base = h;
            iov[n].iov_len = k;
            n++;
        }
        addr += k;
        len -= k;
    }
    return n;
}
