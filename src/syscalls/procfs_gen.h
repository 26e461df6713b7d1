/* procfs_gen.h — inside the virtual /proc/self: the text files procfs.c serves, generated
 * from the guest's own state by procfs_gen.c. */
#ifndef GOEMU_SYSCALLS_PROCFS_GEN_H
#define GOEMU_SYSCALLS_PROCFS_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct emu;
struct thread;

enum procfs_text {
    PT_NONE,   /* not a generated file */
    PT_MAPS, PT_SMAPS, PT_STATUS, PT_STAT, PT_STATM, PT_COMM, PT_CMDLINE, PT_ENVIRON, PT_AUXV,
    PT_LIMITS,
};

struct mem;
/* Reads n bytes of guest memory within one page regardless of its protection (FOLL_FORCE):
 * 0, or -1 where the guest has nothing mapped; a mapped page never touched reads as zeros. */
int procfs_force_read(struct mem *m, uint64_t a, void *buf, size_t n);

/* Writes entry `which` of thread tid's /proc directory (t: the thread asking) to f. Returns 0,
 * -ENOENT when the initial stack cannot be found again (the guest rewrote it), or -EIO when
 * guest memory cannot be read. */
int procfs_generate(FILE *f, struct emu *e, struct thread *t, int tid, enum procfs_text which);

#endif
