/* uaccess.h — checked copies between guest memory and host buffers (Linux's copy_from_user /
 * copy_to_user): the one way the syscall layer and the loader touch a guest pointer. */
#ifndef GOEMU_MEM_UACCESS_H
#define GOEMU_MEM_UACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "mem/aspace.h"

/* Checked copies: 0 or -EFAULT, no partial effects on
 * failure for writes (the whole range is checked first). Permissions are the guest's. */
GOEMU_MUST_CHECK int mem_copy_from(struct mem *m, void *dst, uint64_t src, size_t n);
GOEMU_MUST_CHECK int mem_copy_to(struct mem *m, uint64_t dst, const void *src, size_t n);
/* Writes regardless of guest protection (loader filling read-only segments). */
GOEMU_MUST_CHECK int mem_poke(struct mem *m, uint64_t dst, const void *src, size_t n);
/* Reads a NUL-terminated string of at most max-1 bytes into buf: its length, -EFAULT, or
 * -ENAMETOOLONG when no NUL was found within max bytes. */
GOEMU_MUST_CHECK long mem_read_cstr(struct mem *m, uint64_t src, char *buf, size_t max);
/* Describes guest [addr, addr+len) as host iovecs (page-contiguous runs merged). Returns the
 * number of iovecs used, or -EFAULT if any page is unmapped or lacks prot. */
GOEMU_MUST_CHECK int mem_iov(struct mem *m, uint64_t addr, size_t len, int prot, struct iovec *iov, int max);

#endif
