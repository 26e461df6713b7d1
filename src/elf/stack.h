/* stack.h — the initial process stack Linux builds for a new program: argc, argv, envp, the
 * auxiliary vector and the strings they point to (fs/binfmt_elf.c, create_elf_tables), at a
 * fixed address. */
#ifndef GOEMU_ELF_STACK_H
#define GOEMU_ELF_STACK_H

#include <stdint.h>

#include "cpu/cpuid.h"

struct mem;
struct elf_image;

/* Who the new program is, for the auxiliary vector: its image, AT_EXECFN (argv[0] when NULL)
 * and the ids the guest sees. */
struct elf_process {
    const struct elf_image *image;
    const char *execfn;
    unsigned uid, euid, gid, egid;
};

/* The [stack] mapping: 8 MiB (Linux's default RLIMIT_STACK) ending at the top of the user
 * address space minus one page, as with randomisation off, so every run is identical. */
#define ELF_STACK_TOP 0x7ffffffff000ull
#define ELF_STACK_SIZE (8ull << 20)

/* The hardware capabilities reported in AT_HWCAP: on x86-64 Linux that is CPUID leaf 1 EDX,
 * so it repeats goemu's CPU profile (src/cpu/cpuid.h). */
#define ELF_HWCAP ((uint64_t)CPUID_1_EDX)

#define ELF_AUXV_MAX 24

struct elf_auxv {
    uint64_t tag, val;
};

/* Where everything went, for the startup trace. */
struct elf_stack_info {
    uint64_t rsp;          /* points at argc; 16-byte aligned */
    uint64_t argv, envp;   /* the argv[] and envp[] pointer arrays */
    uint64_t auxv;         /* the first auxv pair */
    uint64_t random;       /* the 16 AT_RANDOM bytes */
    uint64_t platform;     /* "x86_64" (AT_PLATFORM) */
    uint64_t execfn;       /* AT_EXECFN string */
    uint64_t strings;      /* lowest argv/envp string byte */
    int argc, envc;
    int nauxv;             /* entries in auxv_entries, including the final AT_NULL */
    struct elf_auxv auxv_entries[ELF_AUXV_MAX];
};

/* Maps the stack in m and builds the Linux entry layout for argv[0..argc-1] and the
 * NULL-terminated envp (may be NULL) for process p. Returns 0 or a negative errno (-E2BIG when the strings exceed a quarter of the stack,
 * like execve). info may not be NULL. */
__attribute__((warn_unused_result))
int elf_build_stack_info(struct mem *m, const struct elf_process *p, int argc, char **argv,
                         char **envp, const uint8_t random16[16], struct elf_stack_info *info);

/* Same, returning only the initial rsp. */
__attribute__((warn_unused_result))
int elf_build_stack(struct mem *m, const struct elf_process *p, int argc, char **argv,
                    char **envp, const uint8_t random16[16], uint64_t *rsp_out);

/* "AT_PAGESZ" for an auxv tag, or NULL when unknown (for traces). */
const char *elf_auxv_name(uint64_t tag);

#endif
