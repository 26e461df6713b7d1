/* boot.c — starting a program in a fresh process, as the kernel's execve does: load the ELF
 * image, build the initial stack (argc, argv, envp, auxv), create the main thread at the
 * entry point. Symbols are read here too, for every diagnostic and the startup trace. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cpu/exec.h"
#include "elf/load.h"
#include "elf/symbols.h"
#include "run.h"

/* The process whose symbols diagnostics name (exec_symbolize has no context argument). */
static const struct emu *symbolized;

static void symbolize(uint64_t addr, char *buf, size_t n)
{
    sym_format(symbolized->syms, addr, buf, n);
}

/* AT_RANDOM's 16 bytes: the host's, or a fixed stream from --seed when deterministic. */
static void random_bytes(const struct emu *e, uint8_t out[16])
{
    if (e->opt.deterministic) {
        uint64_t s = e->opt.seed * 0x9e3779b97f4a7c15ull + 1;
        for (int k = 0; k < 16; k++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            out[k] = (uint8_t)s;
        }
        return;
    }
    if (getrandom(out, 16, 0) != 16)
        memset(out, 0x5a, 16);
}

static struct thread *fail(int *status, int code, char *err, size_t errlen, const char *fmt,
                           const char *what)
{
    snprintf(err, errlen, fmt, what);
    *status = code;
    return NULL;
}

struct thread *boot_process(struct emu *e, const char *path, int argc, char **argv,
                            char **envp, struct elf_stack_info *stack, char *err, size_t errlen,
                            int *status)
{
    if (mem_init(&e->mem) != 0)
        return fail(status, 70, err, errlen, "%s", "out of memory");
    struct elf_image image;
    int rc = elf_load(&e->mem, path, &image, err, errlen);
    if (rc != 0) {
        *status = rc == -ENOENT ? 127 : 126;  /* as a shell reports "not found" / "cannot run" */
        return NULL;
    }
    e->entry = image.entry;
    e->phdr_addr = image.phdr;
    e->phnum = image.phnum;
    e->load_bias = image.bias;
    e->brk_start = e->brk_cur = image.brk;
    e->syms = sym_load(path);
    if (e->syms) {
        sym_relocate(e->syms, e->load_bias);
        symbolized = e;
        exec_symbolize = symbolize;
    }

    struct thread *t = thread_new(e);
    if (!t)
        return fail(status, 70, err, errlen, "%s", "out of memory");
    const struct elf_process who = {
        &image, e->exe_path,
        emu_guest_id(e, getuid()), emu_guest_id(e, geteuid()),
        emu_guest_id(e, getgid()), emu_guest_id(e, getegid()),
    };
    uint8_t rnd[16];
    random_bytes(e, rnd);
    rc = elf_build_stack_info(&e->mem, &who, argc, argv, envp, rnd, stack);
    if (rc != 0)
        return fail(status, 126, err, errlen, "cannot build the initial stack: %s",
                    strerror(-rc));
    t->cpu.gpr[RSP] = stack->rsp;
    t->cpu.rip = e->entry;
    return t;
}
