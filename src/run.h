/* run.h — the run loop and process boot: the layer above the CPU, the process model and the
 * syscalls that decides what happens next (src/run.c) and starts a program (src/boot.c). */
#ifndef GOEMU_RUN_H
#define GOEMU_RUN_H

#include <stddef.h>

#include "elf/stack.h"
#include "proc/process.h"

/* Runs every guest thread of e until the process exits; returns its exit status. */
int run_process(struct emu *e);

/* One step of a quantum: runs t's CPU for at most about budget instructions and, when it
 * stopped on SYSCALL, performs the syscall and delivers the signals pending after it.
 * Returns why the CPU stopped. The run loop's quanta are made of these; tests drive a thread
 * with it. */
enum cpu_stop run_step(struct emu *e, struct thread *t, uint64_t budget);

/* Boots the program at path in e, whose options, pid and exe paths are set: initialises the
 * address space, loads the ELF image, reads its symbols, creates the main thread and builds
 * its initial stack from argv[0..argc-1] and envp. On success returns the main thread and
 * fills *stack (where argv, envp and auxv went, for the startup trace). On failure returns
 * NULL and a one-line reason in err, and *status is the exit status a shell would report
 * (127 not found, 126 cannot run, 70 no memory). */
struct thread *boot_process(struct emu *e, const char *path, int argc, char **argv,
                            char **envp, struct elf_stack_info *stack, char *err, size_t errlen,
                            int *status);

#endif
