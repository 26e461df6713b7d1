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
/* Whether the guest may access [addr, addr+n) with prot (1 or 0), nothing copied. */
int mem_accessible(struct mem *m, uint64_t addr, size_t n, int prot);
/* Copies to guest memory up to the first byte the guest cannot write (as copy_to_user leaves
 * a partial copy): the number of bytes copied. */
size_t mem_copy_to_prefix(struct mem *m, uint64_t dst, const void *src, size_t n);

/* ---- stand-ins: letting the host kernel fail where Linux fails ---------------------------
 * Linux checks fds, flags and lengths before it touches a user pointer, and a copy that faults
 * part way gives a short count. So that the host kernel answers those cases in Linux's own
 * order, a syscall hands it, in place of guest memory the guest cannot access, host memory that
 * faults the same way. A guest pointer itself never reaches the host. */

/* Linux's access_ok for guest [addr, addr+n): inside the user address space, mapped or not
 * (__access_ok, arch/x86/include/asm/uaccess_64.h: the end at most TASK_SIZE_MAX, no wrap). */
int mem_access_ok(uint64_t addr, uint64_t n);
/* Bytes of host memory behind mem_fault_ptr that fault on every access. */
#define MEM_FAULT_SPAN 0x80000000ull
/* A host address for n bytes at guest addr that the guest cannot access: outside the host's
 * user space when access_ok refuses addr (the host refuses it up front too), otherwise the
 * start of a PROT_NONE host region of MEM_FAULT_SPAN bytes (the host faults on first use). */
void *mem_fault_ptr(uint64_t addr, uint64_t n);
/* mem_iov for a host call that reads or writes guest memory as Linux would: the pages from
 * addr on that allow prot as host memory, then, if the range runs into one that does not, one
 * more iovec of the remaining length at mem_fault_ptr, so the host copies up to the fault and
 * stops (a short count, or -EFAULT when nothing was copied, after its own fd and mode checks).
 * A range access_ok refuses is one iovec at a non-user address, even when len is 0. Returns
 * the iovecs used (0 for an empty range); fewer bytes are described when max is reached. */
int mem_iov_user(struct mem *m, uint64_t addr, uint64_t len, int prot, struct iovec *iov, int max);
/* Whether p is one of the stand-ins above. */
int mem_is_stand_in(const void *p);

#endif
