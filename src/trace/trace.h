/* trace.h — --trace-startup: the annotated boot of a Go binary from its ELF entry point to
 * main.main (docs/boot.md), as text, JSON lines or a Chrome trace-event file. A traced thread's
 * CPU runs with trace_cpu_hooks (block, CPUID); the run loop calls the syscall hooks while
 * e->trace is set. At main.main the trace detaches and the program runs on. */
#ifndef GOEMU_TRACE_H
#define GOEMU_TRACE_H

#include <stdint.h>

struct cpu;
struct emu;
struct insn;
struct thread;
struct elf_stack_info;

enum trace_format { TRACE_TEXT, TRACE_JSON, TRACE_CHROME };

/* "text", "json" or "chrome" as an enum trace_format; -1 when unknown. */
int trace_parse_format(const char *name);

/* Opens the sink (path NULL: stderr), writes the header — file, Go version, segments,
 * sections, CPU profile, the initial stack si — and attaches to t, the first thread, which
 * has not run yet. Returns 0 or a negative errno (the file cannot be created). */
__attribute__((warn_unused_result))
int trace_start(struct emu *e, struct thread *t, const struct elf_stack_info *si,
                const char *path, enum trace_format format);

/* Closes every open span, writes the summary if main.main was never reached, and closes the
 * sink. Safe to call when no trace is attached. */
void trace_finish(struct emu *e);

/* ---- hooks ------------------------------------------------------------------------------ */

/* CPU hooks (struct cpu_hooks): the decoded block at start (n instructions) is about to run
 * on c; CPUID leaf/subleaf answered {eax, ebx, ecx, edx}. */
void trace_block(struct cpu *c, uint64_t start, const struct insn *insns, uint32_t n);
void trace_cpuid(struct cpu *c, uint32_t leaf, uint32_t subleaf, const uint32_t r[4]);
/* The run loop, while e->trace is set: around each syscall (fmt is the table.def strace
 * format). */
void trace_syscall_enter(struct emu *e, struct thread *t, const char *name, const char *fmt,
                         const uint64_t a[6]);
void trace_syscall_exit(struct emu *e, struct thread *t, int64_t ret, int blocked);
void trace_syscall_unknown(struct emu *e, struct thread *t, unsigned nr, int64_t ret);

#endif
