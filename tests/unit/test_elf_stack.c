/* test_elf_stack.c — the initial stack as create_elf_tables (fs/binfmt_elf.c) builds it: argc
 * at a 16-byte aligned rsp, argv/envp pointer arrays and auxv contiguous above it, strings at
 * the top of [stack] ending 8 bytes below it, AT_RANDOM readable and writable, no
 * AT_SYSINFO_EHDR. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpu/cpuid.h"

#include "elf/load.h"
#include "elf/stack.h"
#include "proc/process.h"

static const uint8_t rnd[16] = {0x58, 0x02, 0x70, 0x24, 0x00, 0xed, 0x5d, 0xe8,
                                0xfc, 0x98, 0xb2, 0xa9, 0xdc, 0xc2, 0x23, 0x5b};
static char *hello_argv[] = {"hello", "a", "bb", NULL};
static char *hello_envp[] = {"FOO=bar", "LANG=C", NULL};

static const struct elf_image hello_image = {.entry = 0x45e500, .phdr = 0x400040, .phnum = 7};

static int setup(void **state)
{
    struct emu *e = calloc(1, sizeof *e);
    if (!e || mem_init(&e->mem) != 0)
        return -1;
    e->exe_path = "/tmp/goemu/hello";
    *state = e;
    return 0;
}

/* The process the stack is built for: hello_image, e's AT_EXECFN and ids. */
static struct elf_process who(const struct emu *e)
{
    return (struct elf_process){&hello_image, e->exe_path,
                                emu_guest_id(e, getuid()), emu_guest_id(e, geteuid()),
                                emu_guest_id(e, getgid()), emu_guest_id(e, getegid())};
}

static int build_info(struct emu *e, int argc, char **argv, char **envp, const uint8_t r[16],
                      struct elf_stack_info *info)
{
    struct elf_process p = who(e);
    return elf_build_stack_info(&e->mem, &p, argc, argv, envp, r, info);
}

static int build(struct emu *e, int argc, char **argv, char **envp, const uint8_t r[16],
                 uint64_t *rsp)
{
    struct elf_process p = who(e);
    return elf_build_stack(&e->mem, &p, argc, argv, envp, r, rsp);
}

static int teardown(void **state)
{
    struct emu *e = *state;
    emu_destroy(e);
    free(e);
    return 0;
}

static uint64_t rd64(struct emu *e, uint64_t addr)
{
    uint64_t v;
    assert_int_equal(mem_copy_from(&e->mem, &v, addr, 8), 0);
    return v;
}

static void assert_cstr(struct emu *e, uint64_t addr, const char *want)
{
    char buf[256];
    assert_int_equal(mem_read_cstr(&e->mem, addr, buf, sizeof buf), (long)strlen(want));
    assert_string_equal(buf, want);
}

static uint64_t auxv_get(const struct elf_stack_info *info, uint64_t tag)
{
    for (int i = 0; i < info->nauxv; i++)
        if (info->auxv_entries[i].tag == tag)
            return info->auxv_entries[i].val;
    fail_msg("auxv tag %llu missing", (unsigned long long)tag);
    return 0;
}

static struct elf_stack_info build_hello(struct emu *e)
{
    struct elf_stack_info info;
    assert_int_equal(build_info(e, 3, hello_argv, hello_envp, rnd, &info), 0);
    return info;
}

static void test_rsp_is_16_aligned_and_points_at_argc(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);

    assert_int_equal(info.rsp % 16, 0);
    assert_int_equal(rd64(e, info.rsp), 3);
    assert_int_equal(info.argv, info.rsp + 8);
    assert_int_equal(info.envp, info.rsp + 40);
    assert_int_equal(info.auxv, info.rsp + 64);
}

static void test_argv_and_envp_point_at_their_strings(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);

    for (int i = 0; i < 3; i++)
        assert_cstr(e, rd64(e, info.rsp + 8 + 8 * (uint64_t)i), hello_argv[i]);
    assert_int_equal(rd64(e, info.rsp + 32), 0);
    assert_cstr(e, rd64(e, info.rsp + 40), "FOO=bar");
    assert_cstr(e, rd64(e, info.rsp + 48), "LANG=C");
    assert_int_equal(rd64(e, info.rsp + 56), 0);
}

/* Strings are contiguous at the top: argv, envp, AT_EXECFN, then 8 zero bytes at the top. */
static void test_strings_sit_at_the_top_in_linux_order(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);
    uint64_t execfn = auxv_get(&info, AT_EXECFN);
    uint64_t a0 = rd64(e, info.rsp + 8), e1 = rd64(e, info.rsp + 48);

    assert_int_equal(a0, info.strings);
    assert_int_equal(rd64(e, info.rsp + 16), a0 + 6);
    assert_int_equal(rd64(e, info.rsp + 24), a0 + 8);
    assert_int_equal(rd64(e, info.rsp + 40), a0 + 11);
    assert_int_equal(execfn, e1 + sizeof "LANG=C");
    assert_cstr(e, execfn, "/tmp/goemu/hello");
    assert_int_equal(execfn + sizeof "/tmp/goemu/hello", ELF_STACK_TOP - 8);
    assert_int_equal(rd64(e, ELF_STACK_TOP - 8), 0);
}

static void test_auxv_has_linux_order_without_vdso(void **state)
{
    static const uint64_t tags[] = {AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT,
                                    AT_PHNUM, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID,
                                    AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM,
                                    AT_HWCAP2, AT_EXECFN, AT_PLATFORM, AT_NULL};
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);
    const size_t n = sizeof tags / sizeof tags[0];

    assert_int_equal(info.nauxv, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t at = info.auxv + 16 * i;
        assert_int_equal(rd64(e, at), tags[i]);
        assert_int_equal(info.auxv_entries[i].tag, tags[i]);
        assert_int_equal(rd64(e, at + 8), info.auxv_entries[i].val);
        assert_int_not_equal(tags[i], AT_SYSINFO_EHDR);
    }
}

static void test_auxv_values(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);

    uint32_t leaf1[4];
    cpuid_query(1, 0, leaf1);  /* AT_HWCAP is CPUID.1:EDX on x86-64 Linux */
    assert_int_equal(auxv_get(&info, AT_HWCAP), leaf1[3]);
    assert_int_equal(auxv_get(&info, AT_PAGESZ), 4096);
    assert_int_equal(auxv_get(&info, AT_CLKTCK), 100);
    assert_int_equal(auxv_get(&info, AT_PHDR), 0x400040);
    assert_int_equal(auxv_get(&info, AT_PHENT), 56);
    assert_int_equal(auxv_get(&info, AT_PHNUM), 7);
    assert_int_equal(auxv_get(&info, AT_BASE), 0);
    assert_int_equal(auxv_get(&info, AT_FLAGS), 0);
    assert_int_equal(auxv_get(&info, AT_ENTRY), 0x45e500);
    assert_int_equal(auxv_get(&info, AT_UID), getuid());
    assert_int_equal(auxv_get(&info, AT_EUID), geteuid());
    assert_int_equal(auxv_get(&info, AT_GID), getgid());
    assert_int_equal(auxv_get(&info, AT_EGID), getegid());
    assert_int_equal(auxv_get(&info, AT_SECURE), 0);
    assert_int_equal(auxv_get(&info, AT_HWCAP2), 0);
    assert_int_equal(auxv_get(&info, AT_RANDOM), info.random);
    assert_int_equal(auxv_get(&info, AT_PLATFORM), info.platform);
    assert_int_equal(auxv_get(&info, AT_EXECFN), info.execfn);
    assert_cstr(e, info.platform, "x86_64");
}

/* Go ≥1.22 zeroes the 16 bytes after reading them (randinit in runtime/rand.go), so they must
 * be writable. */
static void test_at_random_is_readable_and_writable(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);
    uint8_t buf[16], zero[16] = {0};

    assert_int_equal(mem_copy_from(&e->mem, buf, info.random, 16), 0);
    assert_memory_equal(buf, rnd, 16);
    assert_int_equal(mem_copy_to(&e->mem, info.random, zero, 16), 0);
    assert_int_equal(info.platform, info.random + 16); /* directly above, as measured */
}

/* create_elf_tables (fs/binfmt_elf.c) rounds rsp down to 16 (STACK_ROUND) below the random
 * bytes, so the vectors end just under them. */
static void test_vectors_end_just_below_the_random_bytes(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info = build_hello(e);
    uint64_t auxv_end = info.auxv + 16 * (uint64_t)info.nauxv;

    assert_true(auxv_end <= info.random);
    assert_true(info.random - auxv_end < 32);
    assert_true(info.platform + sizeof "x86_64" <= info.strings);
    assert_true(info.strings - (info.platform + sizeof "x86_64") < 16);
}

static void test_stack_mapping_is_8mib_read_write(void **state)
{
    struct emu *e = *state;
    (void)build_hello(e);
    const struct vma *v = mem_vma_at(&e->mem, ELF_STACK_TOP - 1);

    assert_non_null(v);
    assert_int_equal(v->start, ELF_STACK_TOP - ELF_STACK_SIZE);
    assert_int_equal(v->end, ELF_STACK_TOP);
    assert_int_equal(v->prot, GPROT_READ | GPROT_WRITE);
    assert_int_equal(v->flags, VMA_STACK);
    assert_string_equal(v->name, "[stack]");
    assert_null(mem_vma_at(&e->mem, ELF_STACK_TOP));
}

/* Every argc/envc parity combination still gives an aligned rsp and correct vectors. */
static void test_alignment_holds_for_all_argc_envc(void **state)
{
    static char *args[] = {"p", "one", "twotwo", "333", "4444", NULL};
    static char *envs[] = {"A=1", "BB=22", "CCC=333", NULL};

    for (int argc = 0; argc <= 5; argc++) {
        for (int envc = 0; envc <= 3; envc++) {
            struct emu *e = calloc(1, sizeof *e);
            char *env[4] = {0};
            struct elf_stack_info info;
            assert_int_equal(mem_init(&e->mem), 0);
            memcpy(env, envs, (size_t)envc * sizeof *env);
            assert_int_equal(build_info(e, argc, args, env, rnd, &info), 0);
            assert_int_equal(info.rsp % 16, 0);
            assert_int_equal(rd64(e, info.rsp), (uint64_t)argc);
            for (int i = 0; i < argc; i++)
                assert_cstr(e, rd64(e, info.argv + 8 * (uint64_t)i), args[i]);
            assert_int_equal(rd64(e, info.argv + 8 * (uint64_t)argc), 0);
            for (int i = 0; i < envc; i++)
                assert_cstr(e, rd64(e, info.envp + 8 * (uint64_t)i), envs[i]);
            assert_int_equal(rd64(e, info.envp + 8 * (uint64_t)envc), 0);
            assert_int_equal(info.auxv, info.envp + 8 * (uint64_t)(envc + 1));
            assert_int_equal(rd64(e, info.auxv + 16 * (uint64_t)(info.nauxv - 1)), AT_NULL);
            assert_true(info.auxv + 16 * (uint64_t)info.nauxv <= info.random);
            mem_destroy(&e->mem);
            free(e);
        }
    }
}

static void test_execfn_defaults_to_argv0(void **state)
{
    struct emu *e = *state;
    struct elf_stack_info info;

    e->exe_path = NULL;
    assert_int_equal(build_info(e, 3, hello_argv, NULL, rnd, &info), 0);
    assert_cstr(e, info.execfn, "hello");
    assert_int_equal(info.envc, 0);
    assert_int_equal(rd64(e, info.envp), 0);
}

static void test_oversized_environment_is_e2big_and_maps_nothing(void **state)
{
    struct emu *e = *state;
    size_t len = 3u << 20;
    char *big = malloc(len);
    char *env[] = {big, NULL};
    uint64_t rsp = 1;

    memset(big, 'x', len - 1);
    big[len - 1] = '\0';
    assert_int_equal(build(e, 3, hello_argv, env, rnd, &rsp), -E2BIG);
    assert_int_equal(rsp, 1);
    assert_int_equal(e->mem.nvmas, 0);
    free(big);
}

static void test_negative_argc_is_einval(void **state)
{
    uint64_t rsp;
    assert_int_equal(build(*state, -1, hello_argv, hello_envp, rnd, &rsp), -EINVAL);
}

/* Same inputs, same bytes: traces must not depend on the run. */
static void test_layout_is_deterministic(void **state)
{
    struct emu *e = *state, *f = calloc(1, sizeof *f);
    uint64_t rsp_f;
    struct elf_stack_info info = build_hello(e);

    assert_int_equal(mem_init(&f->mem), 0);
    f->exe_path = e->exe_path;
    assert_int_equal(build(f, 3, hello_argv, hello_envp, rnd, &rsp_f), 0);
    assert_int_equal(rsp_f, info.rsp);
    size_t n = ELF_STACK_TOP - info.rsp;
    uint8_t *a = malloc(n), *b = malloc(n);
    assert_int_equal(mem_copy_from(&e->mem, a, info.rsp, n), 0);
    assert_int_equal(mem_copy_from(&f->mem, b, info.rsp, n), 0);
    assert_memory_equal(a, b, n);
    free(a);
    free(b);
    mem_destroy(&f->mem);
    free(f);
}

static void test_auxv_names(void **state)
{
    assert_string_equal(elf_auxv_name(AT_RANDOM), "AT_RANDOM");
    assert_string_equal(elf_auxv_name(AT_NULL), "AT_NULL");
    assert_string_equal(elf_auxv_name(AT_MINSIGSTKSZ), "AT_MINSIGSTKSZ");
    assert_null(elf_auxv_name(1000));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_rsp_is_16_aligned_and_points_at_argc),
        T(test_argv_and_envp_point_at_their_strings),
        T(test_strings_sit_at_the_top_in_linux_order),
        T(test_auxv_has_linux_order_without_vdso),
        T(test_auxv_values),
        T(test_at_random_is_readable_and_writable),
        T(test_vectors_end_just_below_the_random_bytes),
        T(test_stack_mapping_is_8mib_read_write),
        T(test_alignment_holds_for_all_argc_envc),
        T(test_execfn_defaults_to_argv0),
        T(test_oversized_environment_is_e2big_and_maps_nothing),
        T(test_negative_argc_is_einval),
        T(test_layout_is_deterministic),
        T(test_auxv_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
