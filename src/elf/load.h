/* load.h — maps a static x86-64 Linux ELF executable into the guest address space, the way
 * the kernel's binfmt_elf does for a program without an interpreter (load_elf_binary in
 * fs/binfmt_elf.c). */
#ifndef GOEMU_ELF_LOAD_H
#define GOEMU_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct mem;

/* What the loader mapped, as the kernel's load_elf_binary hands it to create_elf_tables and
 * start_thread: where to start, the program headers for AT_PHDR, and where the heap begins. */
struct elf_image {
    uint64_t entry;   /* e_entry + bias */
    uint64_t phdr;    /* guest address of the program headers (AT_PHDR); 0 if not mapped */
    unsigned phnum;   /* AT_PHNUM */
    uint64_t bias;    /* 0 for ET_EXEC, ELF_DYN_BIAS for static-pie */
    uint64_t brk;     /* first page above the highest segment: the program break */
};

/* Where a static-pie (ET_DYN) image goes: the address Linux uses with randomisation off
 * (ELF_ET_DYN_BASE under `setarch -R`), so traces are reproducible. */
#define ELF_DYN_BIAS 0x555555554000ull

/* Loads the ELF executable at path into m, which must be initialised and empty where the
 * segments go, and describes what it mapped in *out. Accepts ELF64 little-endian x86-64
 * ET_EXEC and static-pie ET_DYN.
 * Returns 0, or a negative errno with a one-line reason in err (no program name, no newline):
 * -ENOENT/-EACCES/... when the file cannot be opened, -ENOEXEC when it is not a loadable
 * static x86-64 executable, -ENOMEM (or mem_map's error) when mapping fails. */
__attribute__((warn_unused_result))
int elf_load(struct mem *m, const char *path, struct elf_image *out, char *err, size_t errlen);

#endif
