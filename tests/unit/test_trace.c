/* test_trace.c — pieces of the startup trace that need no guest: Go build info parsing (the
 * Go 1.18+ inline-string blob), gdb's eflags decoding, which function names are milestones or
 * package init functions, and the address map behind per-block bookkeeping. The whole trace
 * is checked end to end by the golden tests (tests/golden.cmake). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "trace/internal.h"

/* A .go.buildinfo blob as the Go 1.18+ linker writes it: 32-byte header with flag 2, then
 * the version and the module text (framed by 16-byte sentinels) as uvarint-length strings. */
static size_t make_blob(uint8_t *b, const char *version, const char *mod)
{
    size_t n = 0, vl = strlen(version), ml = strlen(mod) + 32;
    memcpy(b, "\xff Go buildinf:", 14);
    b[14] = 8;
    b[15] = 2;
    memset(b + 16, 0, 16);
    n = 32;
    b[n++] = (uint8_t)vl;
    memcpy(b + n, version, vl);
    n += vl;
    b[n++] = (uint8_t)(ml | 0x80);   /* two-byte uvarint */
    b[n++] = (uint8_t)(ml >> 7);
    memset(b + n, 0x30, 16);
    memcpy(b + n + 16, mod, ml - 32);
    memset(b + n + ml - 16, 0x31, 16);
    return n + ml;
}

static void test_buildinfo_gives_version_path_and_build_settings(void **state)
{
    uint8_t blob[512];
    const char *mod = "path\tgoemu.test/hello\nmod\tgoemu.test/hello\t(devel)\t\n"
                      "build\t-compiler=gc\nbuild\tGOAMD64=v1\n";
    size_t n = make_blob(blob, "go1.19.8", mod);
    struct go_buildinfo bi;
    assert_int_equal(go_buildinfo_parse(blob, n, &bi), 0);
    assert_string_equal(bi.version, "go1.19.8");
    assert_string_equal(bi.path, "goemu.test/hello");
    assert_string_equal(bi.settings, "-compiler=gc GOAMD64=v1");
}

static void test_buildinfo_without_inline_strings_is_not_parsed(void **state)
{
    uint8_t blob[512];
    size_t n = make_blob(blob, "go1.17", "path\tx\n");
    struct go_buildinfo bi;
    blob[15] = 0;   /* Go before 1.18: pointers to the strings, not the strings */
    assert_int_equal(go_buildinfo_parse(blob, n, &bi), -1);
    assert_int_equal(go_buildinfo_parse(blob, 20, &bi), -1);
}

static void test_buildinfo_truncated_string_is_rejected(void **state)
{
    uint8_t blob[512];
    size_t n = make_blob(blob, "go1.26.8", "path\tx\n");
    struct go_buildinfo bi;
    (void)n;
    assert_int_equal(go_buildinfo_parse(blob, 36, &bi), -1);
}

static void test_eflags_decode_like_gdb(void **state)
{
    char buf[64];
    regs_eflags(0x246, buf, sizeof buf);
    assert_string_equal(buf, "[ PF ZF IF ]");
    regs_eflags(0x202, buf, sizeof buf);
    assert_string_equal(buf, "[ IF ]");
    regs_eflags(0x200a95, buf, sizeof buf);
    assert_string_equal(buf, "[ CF PF AF SF IF OF ID ]");
}

static void test_milestones_are_found_under_each_release_name(void **state)
{
    int a = ms_find("runtime.getproccount"), b = ms_find("runtime.getCPUCount");
    assert_true(a >= 0);
    assert_int_equal(a, b);   /* renamed in Go 1.25: one milestone */
    assert_true(ms_find("runtime.rt0_go") >= 0);
    assert_true(ms_find("main.main") >= 0);
    assert_int_equal(ms_find("runtime.mallocgc"), -1);
}

static void test_package_init_functions_are_recognised(void **state)
{
    assert_int_equal(ms_find("fmt.init"), MS_PKGINIT);
    assert_int_equal(ms_find("os.init.0"), MS_PKGINIT);
    assert_int_equal(ms_find("internal/godebug.init.12"), MS_PKGINIT);
    assert_int_equal(ms_find("os.init.0.func1"), -1);   /* a closure inside, not an init */
    assert_int_equal(ms_find("os.init.func1"), -1);
    assert_int_equal(ms_find("strings.initial"), -1);
    assert_int_equal(ms_find("sync.(*Once).init"), -1);
}

static void test_addrmap_creates_finds_and_grows(void **state)
{
    struct addrmap m = {0};
    assert_null(addrmap_get(&m, 0x401000, 0));
    assert_null(addrmap_get(&m, 0, 1));   /* 0 is the empty key */
    for (uint64_t a = 1; a <= 5000; a++)
        addrmap_get(&m, a * 16, 1)->a = a;
    for (uint64_t a = 1; a <= 5000; a++)
        assert_int_equal(addrmap_get(&m, a * 16, 0)->a, a);
    assert_int_equal(m.n, 5000);
    assert_null(addrmap_get(&m, 5001 * 16, 0));
    addrmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buildinfo_gives_version_path_and_build_settings),
        cmocka_unit_test(test_buildinfo_without_inline_strings_is_not_parsed),
        cmocka_unit_test(test_buildinfo_truncated_string_is_rejected),
        cmocka_unit_test(test_eflags_decode_like_gdb),
        cmocka_unit_test(test_milestones_are_found_under_each_release_name),
        cmocka_unit_test(test_package_init_functions_are_recognised),
        cmocka_unit_test(test_addrmap_creates_finds_and_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
