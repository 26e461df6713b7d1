/* fds.h — goemu's own host fds (diag stream, trace file, children's pidfds, epoll set, timer)
 * live in a block above every guest fd, with the host's soft RLIMIT_NOFILE kept below it so
 * the kernel never gives the guest a number there (fs/file.c alloc_fd); the guest has its own
 * RLIMIT_NOFILE (man 2 getrlimit). Why: docs/isolation.md, "File descriptors". */
#ifndef GOEMU_BASE_FDS_H
#define GOEMU_BASE_FDS_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/* Numbers in the block. The guest's hard limit is the host's minus this many. */
#define FDS_SLOTS 32
/* The block starts here, or lower when the hard limit is lower; it moves up only when the
 * guest wants numbers it holds (fds_grow), so a guest using few fds keeps a small table. */
#define FDS_BASE 1024
/* A number no fd ever has (fs.nr_open stays below INT_MAX): an fd argument naming the block
 * is replaced by it, so the host answers as for any fd that is not open. */
#define FDS_CLOSED INT_MAX

/* The block's first number: every fd at or above it is goemu's or free, never the guest's.
 * INT_MAX until fds_init, or when the limits leave no room for a block. */
extern int fds_lo;
static inline int fds_private(int fd) { return fd >= fds_lo; }

/* Places the block above every fd open now (all of them the guest's) and sets the guest's
 * limits from the host's. Call once, before goemu opens anything it keeps. */
void fds_init(void);

/* Slots: goemu keeps the index, the number is fds_fd(slot) (the block may move). */
/* Moves fd into a free slot (fd is closed either way), close-on-exec. Returns the slot, or -1
 * when the block is full (one slot always stays free for fds_retry_begin). */
int fds_keep(int fd);
int fds_fd(int slot);          /* the slot's fd now; -1 for slot -1 */
void fds_drop(int slot);       /* closes it */
/* A write-only stream on the slot that follows the block when it moves; fclose drops it. */
FILE *fds_stream(int slot);

/* After a call that makes one fd for goemu's own use failed: if it failed with EMFILE (the
 * guest's numbers are all taken), opens the block's free room to the kernel and returns 1 —
 * repeat the call, then fds_retry_end(). Returns 0 otherwise. */
int fds_retry_begin(void);
void fds_retry_end(void);      /* keeps errno */
/* open(path, flags | O_CLOEXEC) for goemu's own brief use, with the retry above. */
int fds_open(const char *path, int flags);
FILE *fds_fopen(const char *path);   /* read-only */

/* The guest's RLIMIT_NOFILE, and setting it (0 or -errno, as setrlimit answers). */
void fds_guest_limit(uint64_t *soft, uint64_t *hard);
int fds_set_guest_limit(uint64_t soft, uint64_t hard);

/* Whether the block sits below the guest's soft limit (it then moves up on demand). */
int fds_can_grow(void);
/* Moves the block up, to at least need (a number the guest must be able to use), doubling
 * its position, never past the guest's soft limit. Returns the old fds_lo, -1 if unmoved. */
int fds_grow(uint64_t need);

/* Around execve: the new program starts with the guest's soft limit as the host's. */
void fds_exec_begin(void);
void fds_exec_end(void);       /* the exec failed */

#endif
