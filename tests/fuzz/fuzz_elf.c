/* fuzz_elf.c — libFuzzer target for the ELF loader: the input is an executable file, run
 * through everything `goemu FILE` does with it before the first instruction (src/boot.c):
 * elf_load into a fresh address space, the initial stack and auxv (elf_build_stack_info), and
 * the symbol table (sym_load, sym_relocate, a few lookups). Every outcome is fine except a
 * crash, a sanitizer report, a leak, or a result outside the documented contract.
 * Built as a libFuzzer binary with GOEMU_FUZZ=ON, else as a replay program (replay_main.c);
 * docs/fuzzing.md. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf/load.h"
#include "elf/stack.h"
#include "elf/symbols.h"
#include "mem/aspace.h"
#include "mem/uaccess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    memfd = memfd_create("goemu-fuzz-elf", MFD_CLOEXEC);
    if (memfd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    return 0;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_elf: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0)
        LLVMFuzzerInitialize(NULL, NULL);
    if (ftruncate(memfd, 0) != 0 || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
        abort();

    struct mem m;
    if (mem_init(&m) != 0)
        abort();
    struct elf_image image;
    memset(&image, 0xa5, sizeof image);
    char err[256];
    err[0] = 0;
    int rc = elf_load(&m, path, &image, err, sizeof err);
    check(rc <= 0 && rc >= -4095, "elf_load returns 0 or -errno");
    if (rc != 0) {
        check(err[0] != 0 && memchr(err, 0, sizeof err) && !strchr(err, '\n'),
              "a refused file has a one-line reason");
    } else {
        check(image.bias == 0 || image.bias == ELF_DYN_BIAS, "bias is 0 or ELF_DYN_BIAS");
        check(guest_range_in_user(image.brk, 0) && (image.brk & GUEST_PAGE_MASK) == 0,
              "brk is a page in the user address space");
        char *argv[] = {"/fuzz/prog", "-flag", "", NULL};
        char *envp[] = {"HOME=/", "A=B", NULL};
        const struct elf_process who = {&image, "/fuzz/prog", 1000, 1000, 1000, 1000};
        const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        struct elf_stack_info info;
        rc = elf_build_stack_info(&m, &who, 3, argv, envp, rnd, &info);
        /* The stack goes at a fixed address the image may already occupy: any -errno is an
         * answer; success must describe a sane stack. */
        check(rc <= 0 && rc >= -4095, "elf_build_stack_info returns 0 or -errno");
        if (rc == 0) {
            check((info.rsp & 15) == 0, "rsp 16-byte aligned");
            check(info.argc == 3 && info.envc == 2, "argc/envc as given");
            check(info.nauxv > 0 && info.nauxv <= ELF_AUXV_MAX, "auxv count");
            uint64_t argc = 0;
            check(mem_copy_from(&m, &argc, info.rsp, 8) == 0 && argc == 3,
                  "argc readable at rsp");
        }

        struct symtab *st = sym_load(path);
        if (st) {
            sym_relocate(st, image.bias);
            size_t n = sym_count(st);
            const char *src = sym_source(st);
            check(src && (!strcmp(src, ".symtab") || !strcmp(src, ".gopclntab")),
                  "symbol source");
            char buf[128];
            uint64_t off;
            const uint64_t probes[] = {0, image.entry, image.entry + 1, image.bias + 0x400000,
                                       image.brk, ~0ull};
            for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
                sym_format(st, probes[i], buf, sizeof buf);
                check(memchr(buf, 0, sizeof buf) != NULL, "sym_format terminates");
                const char *name = sym_lookup(st, probes[i], &off);
                if (name)
                    (void)sym_addr(st, name);
            }
            (void)n;
            sym_free(st);
        }
    }
    mem_destroy(&m);
    return 0;
}
