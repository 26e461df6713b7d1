/* load.h — maps a static x86-64 Linux ELF executable into the guest address space, the way
 * the kernel's binfmt_elf does for a program without an interpreter (reference §1). */
#ifndef GOEMU_ELF_LOAD_H
#define GOEMU_ELF_LOAD_H

#include <stddef.h>

struct emu;

/* Where a static-pie (ET_DYN) image goes: the address Linux uses with randomisation off
 * (ELF_ET_DYN_BASE under `setarch -R`), so traces are reproducible. */
#define ELF_DYN_BIAS 0x555555554000ull

/* Loads the ELF executable at path into e->mem, which must be initialised and empty where
 * the segments go. Accepts ELF64 little-endian x86-64 ET_EXEC and static-pie ET_DYN.
 * Sets e->entry, phdr_addr, phnum, load_bias, brk_start and brk_cur.
 * Returns 0, or a negative errno with a one-line reason in err (no program name, no newline):
 * -ENOENT/-EACCES/... when the file cannot be opened, -ENOEXEC when it is not a loadable
 * static x86-64 executable, -ENOMEM (or mem_map's error) when mapping fails. */
__attribute__((warn_unused_result))
int elf_load(struct emu *e, const char *path, char *err, size_t errlen);

#endif
