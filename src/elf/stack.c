/* stack.c — builds the initial stack Linux builds (fs/binfmt_elf.c: create_elf_tables):
 * strings at the top, then AT_PLATFORM and AT_RANDOM, then argc/argv/envp/auxv with rsp
 * 16-byte aligned at argc. No random gap and no AT_SYSINFO_EHDR (no vDSO: Go then makes
 * clock_gettime syscalls, runtime/vdso_linux.go and sys_linux_amd64.s nanotime1). The whole
 * block is assembled in host memory and written with one mem_copy_to. */
#include "elf/stack.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/load.h"
#include "mem/uaccess.h"

static const char platform_str[] = "x86_64";

/* Entries build_auxv writes, AT_NULL included; place() needs the count before the values. */
enum { NAUXV = 19 };

/* Guest addresses of each part, computed top-down before anything is written. */
struct layout {
    size_t argc, envc, strbytes, execfn_len;
    const char *execfn_src;
    uint64_t execfn, strings, platform, random, rsp;
};

static size_t count_env(char **envp)
{
    size_t n = 0;
    while (envp && envp[n])
        n++;
    return n;
}

static size_t string_bytes(char **v, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += strlen(v[i]) + 1;
    return total;
}

/* Fills info->auxv_entries in the order Linux 6.x writes them, minus AT_SYSINFO_EHDR,
 * AT_MINSIGSTKSZ (Go ignores it: sysauxv in runtime/os_linux.go) and the rseq entries. */
static void build_auxv(const struct elf_process *p, const struct layout *l, struct elf_stack_info *info)
{
    const struct elf_auxv v[] = {
        {AT_HWCAP, ELF_HWCAP},
        {AT_PAGESZ, GUEST_PAGE_SIZE},
        {AT_CLKTCK, 100},
        {AT_PHDR, p->image->phdr},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, p->image->phnum},
        {AT_BASE, 0},          /* no interpreter */
        {AT_FLAGS, 0},
        {AT_ENTRY, p->image->entry},
        {AT_UID, p->uid},
        {AT_EUID, p->euid},
        {AT_GID, p->gid},
        {AT_EGID, p->egid},
        {AT_SECURE, 0},
        {AT_RANDOM, l->random},
        {AT_HWCAP2, 0},        /* no FSGSBASE, no ring-3 MONITOR */
        {AT_EXECFN, l->execfn},
        {AT_PLATFORM, l->platform},
        {AT_NULL, 0},
    };
    _Static_assert(sizeof v / sizeof v[0] == NAUXV, "NAUXV out of date");
    _Static_assert(NAUXV <= ELF_AUXV_MAX, "auxv too long");
    memcpy(info->auxv_entries, v, sizeof v);
    info->nauxv = NAUXV;
}

/* Places everything top-down: 8 zero bytes at the very top, AT_EXECFN below them, envp and
 * argv strings below that, "x86_64", the random bytes, then the vectors. */
static void place(struct layout *l, int nauxv)
{
    uint64_t p;
    size_t words = 1 + (l->argc + 1) + (l->envc + 1) + 2 * (size_t)nauxv;

    l->execfn = ELF_STACK_TOP - 8 - l->execfn_len;
    l->strings = l->execfn - l->strbytes;
    p = l->strings & ~15ull;
    l->platform = p - sizeof platform_str;
    l->random = l->platform - 16;
    p = l->random & ~15ull;
    l->rsp = (p - 8 * words) & ~15ull;
}

static uint64_t put_strings(uint8_t *buf, uint64_t base, uint64_t at, char **v, size_t n,
                            uint64_t *ptrs)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        memcpy(buf + (at - base), v[i], len);
        ptrs[i] = at;
        at += len;
    }
    return at;
}

static void put64(uint8_t *buf, uint64_t base, uint64_t at, uint64_t v)
{
    memcpy(buf + (at - base), &v, 8);
}

/* Writes the image of [rsp, top) into buf (zeroed, top - rsp bytes). */
static void fill(uint8_t *buf, const struct layout *l, char **argv, char **envp,
                 const uint8_t random16[16], struct elf_stack_info *info, uint64_t *ptrs)
{
    uint64_t base = l->rsp, at = base;

    uint64_t s = put_strings(buf, base, l->strings, argv, l->argc, ptrs);
    put_strings(buf, base, s, envp, l->envc, ptrs + l->argc);
    memcpy(buf + (l->execfn - base), l->execfn_src, l->execfn_len);
    memcpy(buf + (l->platform - base), platform_str, sizeof platform_str);
    memcpy(buf + (l->random - base), random16, 16);

    put64(buf, base, at, l->argc);
    at += 8;
    info->argv = at;
    for (size_t i = 0; i < l->argc; i++, at += 8)
        put64(buf, base, at, ptrs[i]);
    at += 8; /* argv NULL */
    info->envp = at;
    for (size_t i = 0; i < l->envc; i++, at += 8)
        put64(buf, base, at, ptrs[l->argc + i]);
    at += 8; /* envp NULL */
    info->auxv = at;
    for (int i = 0; i < info->nauxv; i++, at += 16) {
        put64(buf, base, at, info->auxv_entries[i].tag);
        put64(buf, base, at + 8, info->auxv_entries[i].val);
    }
}

/* execve limits argv+envp to a quarter of the stack limit (fs/exec.c: get_arg_page). */
static int measure(struct layout *l, const struct elf_process *p, int argc, char **argv, char **envp)
{
    if (argc < 0 || (argc > 0 && !argv))
        return -EINVAL;
    l->argc = (size_t)argc;
    l->envc = count_env(envp);
    l->strbytes = string_bytes(argv, l->argc) + string_bytes(envp, l->envc);
    l->execfn_src = p->execfn ? p->execfn : argc > 0 ? argv[0] : "";
    l->execfn_len = strlen(l->execfn_src) + 1;
    if (l->argc + l->envc > ELF_STACK_SIZE / 4 / 8 ||
        l->strbytes + l->execfn_len + 8 * (l->argc + l->envc + 2) > ELF_STACK_SIZE / 4)
        return -E2BIG;
    return 0;
}

static int write_stack(struct mem *m, const struct layout *l, char **argv, char **envp,
                       const uint8_t random16[16], struct elf_stack_info *info)
{
    size_t size = ELF_STACK_TOP - l->rsp;
    uint8_t *buf = calloc(1, size);
    uint64_t *ptrs = calloc(l->argc + l->envc + 1, sizeof *ptrs);
    int rc = -ENOMEM;

    if (buf && ptrs) {
        fill(buf, l, argv, envp, random16, info, ptrs);
        rc = mem_copy_to(m, l->rsp, buf, size);
    }
    free(buf);
    free(ptrs);
    return rc;
}

int elf_build_stack_info(struct mem *m, const struct elf_process *p, int argc, char **argv,
                         char **envp, const uint8_t random16[16], struct elf_stack_info *info)
{
    struct layout l = {0};
    int rc;

    memset(info, 0, sizeof *info);
    if ((rc = measure(&l, p, argc, argv, envp)) != 0)
        return rc;
    place(&l, NAUXV);
    build_auxv(p, &l, info);
    rc = mem_map(m, ELF_STACK_TOP - ELF_STACK_SIZE, ELF_STACK_SIZE,
                 GPROT_READ | GPROT_WRITE, VMA_STACK, "[stack]");
    if (rc)
        return rc;
    if ((rc = write_stack(m, &l, argv, envp, random16, info)) != 0)
        return rc;
    info->rsp = l.rsp;
    info->random = l.random;
    info->platform = l.platform;
    info->execfn = l.execfn;
    info->strings = l.strings;
    info->argc = (int)l.argc;
    info->envc = (int)l.envc;
    return 0;
}

int elf_build_stack(struct mem *m, const struct elf_process *p, int argc, char **argv,
                    char **envp, const uint8_t random16[16], uint64_t *rsp_out)
{
    struct elf_stack_info info;
    int rc = elf_build_stack_info(m, p, argc, argv, envp, random16, &info);
    if (rc == 0)
        *rsp_out = info.rsp;
    return rc;
}

const char *elf_auxv_name(uint64_t tag)
{
    static const char *const names[] = {
        [AT_NULL] = "AT_NULL", [AT_IGNORE] = "AT_IGNORE", [AT_EXECFD] = "AT_EXECFD",
        [AT_PHDR] = "AT_PHDR", [AT_PHENT] = "AT_PHENT", [AT_PHNUM] = "AT_PHNUM",
        [AT_PAGESZ] = "AT_PAGESZ", [AT_BASE] = "AT_BASE", [AT_FLAGS] = "AT_FLAGS",
        [AT_ENTRY] = "AT_ENTRY", [AT_NOTELF] = "AT_NOTELF", [AT_UID] = "AT_UID",
        [AT_EUID] = "AT_EUID", [AT_GID] = "AT_GID", [AT_EGID] = "AT_EGID",
        [AT_PLATFORM] = "AT_PLATFORM", [AT_HWCAP] = "AT_HWCAP", [AT_CLKTCK] = "AT_CLKTCK",
        [AT_SECURE] = "AT_SECURE", [AT_BASE_PLATFORM] = "AT_BASE_PLATFORM",
        [AT_RANDOM] = "AT_RANDOM", [AT_HWCAP2] = "AT_HWCAP2", [AT_EXECFN] = "AT_EXECFN",
        [AT_SYSINFO_EHDR] = "AT_SYSINFO_EHDR", [AT_MINSIGSTKSZ] = "AT_MINSIGSTKSZ",
    };
    return tag < sizeof names / sizeof names[0] ? names[tag] : NULL;
}
