/* test_atomic.c — CMPXCHG and XADD, with and without LOCK, against the real CPU.
 * The accumulator and destination sweep edge values so both the equal and the unequal path run
 * at every width; register forms include the accumulator itself as source or destination, where
 * the 32-bit zero-extension quirks show. All six flags are defined and compared. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "int_oracle.h"

struct form {
    const char *name;
    const uint8_t *code;
    size_t len;
    unsigned size;
    int mem;    /* destination [rbx] (else rcx-family) */
};
#define FORM(n, size, mem) {#n, n, CODE_LEN(n), size, mem}

#define RMW_CODES(op)                                                                \
    CODE(c_##op##_r8, #op " cl, dl")                                                 \
    CODE(c_##op##_rh8, #op " ch, dh")                                                \
    CODE(c_##op##_r16, #op " cx, dx")                                                \
    CODE(c_##op##_r32, #op " ecx, edx")                                              \
    CODE(c_##op##_r64, #op " rcx, rdx")                                              \
    CODE(c_##op##_acc_dst32, #op " eax, edx")                                        \
    CODE(c_##op##_acc_src32, #op " ecx, eax")                                        \
    CODE(c_##op##_same32, #op " ecx, ecx")                                           \
    CODE(c_##op##_acc_dst64, #op " rax, rdx")                                        \
    CODE(c_##op##_m8, #op " byte ptr [rbx], dl")                                     \
    CODE(c_##op##_m16, #op " word ptr [rbx], dx")                                    \
    CODE(c_##op##_m32, #op " dword ptr [rbx], edx")                                  \
    CODE(c_##op##_m64, #op " qword ptr [rbx], rdx")                                  \
    CODE(c_##op##_lm8, "lock " #op " byte ptr [rbx], dl")                            \
    CODE(c_##op##_lm32, "lock " #op " dword ptr [rbx], edx")                         \
    CODE(c_##op##_lm64, "lock " #op " qword ptr [rbx], rdx")

#define RMW_FORMS(op)                                                                \
    {                                                                                \
        FORM(c_##op##_r8, 1, 0), FORM(c_##op##_rh8, 1, 0), FORM(c_##op##_r16, 2, 0),  \
        FORM(c_##op##_r32, 4, 0), FORM(c_##op##_r64, 8, 0),                          \
        FORM(c_##op##_acc_dst32, 4, 0), FORM(c_##op##_acc_src32, 4, 0),              \
        FORM(c_##op##_same32, 4, 0), FORM(c_##op##_acc_dst64, 8, 0),                 \
        FORM(c_##op##_m8, 1, 1), FORM(c_##op##_m16, 2, 1), FORM(c_##op##_m32, 4, 1),  \
        FORM(c_##op##_m64, 8, 1), FORM(c_##op##_lm8, 1, 1),                          \
        FORM(c_##op##_lm32, 4, 1), FORM(c_##op##_lm64, 8, 1), {0},                   \
    }

RMW_CODES(cmpxchg)
RMW_CODES(xadd)

static struct oracle *O;

static int setup(void **state)
{
    O = oracle_new(64);
    return 0;
}

static int teardown(void **state)
{
    oracle_free(O);
    return 0;
}

/* rax (accumulator) and the destination take every pair of edge values; the source is junk. */
static void sweep(const struct form *forms, const char *op)
{
    int bad = 0, runs = 0;
    for (const struct form *f = forms; f->code; f++) {
        uint64_t v[16];
        size_t n = oracle_edges(f->size, v, 16);
        for (size_t x = 0; x < n; x++)
            for (size_t y = 0; y < n; y++) {
                uint8_t image[64];
                memset(image, 0xee, sizeof(image));
                oracle_reset(O, x * 19 + y);
                O->in.r[RBX] = HARNESS_DATA;
                O->in.flags = (x ^ y) & 1 ? FLAGS_ARITH : 0;
                O->in.r[RAX] = oracle_low(O->in.r[RAX], f->size, v[x]);
                if (f->mem)
                    memcpy(image, &v[y], f->size);
                else if (strstr(f->name, "rh8"))
                    O->in.r[RCX] = (O->in.r[RCX] & ~0xff00ull) | (v[y] & 0xff) << 8;
                else
                    O->in.r[RCX] = oracle_low(O->in.r[RCX], f->size, v[y]);
                oracle_run(O, f->code, f->len, image);
                runs++;
                bad += !oracle_same(O, FLAGS_ARITH, "%s acc=%llx dst=%llx", f->name,
                                    (unsigned long long)v[x], (unsigned long long)v[y]);
            }
    }
    print_message("%s: %d runs\n", op, runs);
    assert_int_equal(bad, 0);
}

static void test_cmpxchg_matches_cpu_equal_and_unequal_all_forms(void **state)
{
    const struct form forms[] = RMW_FORMS(cmpxchg);
    sweep(forms, "cmpxchg");
}

static void test_xadd_matches_cpu_all_forms(void **state)
{
    const struct form forms[] = RMW_FORMS(xadd);
    sweep(forms, "xadd");
}

static void run_regs(const uint8_t *code, size_t len, uint64_t rax, uint64_t rcx, uint64_t rdx)
{
    oracle_reset(O, 4);
    O->in.r[RAX] = rax;
    O->in.r[RCX] = rcx;
    O->in.r[RDX] = rdx;
    O->in.r[RBX] = HARNESS_DATA;
    oracle_run(O, code, len, NULL);
    assert_true(oracle_same(O, FLAGS_ARITH, "rax=%llx rcx=%llx rdx=%llx",
                            (unsigned long long)rax, (unsigned long long)rcx,
                            (unsigned long long)rdx));
}

static void test_cmpxchg32_failure_zero_extends_rax_keeps_dest(void **state)
{
    run_regs(c_cmpxchg_r32, CODE_LEN(c_cmpxchg_r32), 0x1111111122222222ull,
             0xdeadbeef12345678ull, 0x5555555566666666ull);
    assert_int_equal(O->emu.r[RAX], 0x12345678ull);
    assert_int_equal(O->emu.r[RCX], 0xdeadbeef12345678ull);
    assert_false(O->emu.flags & FLAG_ZF);
}

static void test_cmpxchg32_success_writes_dest_keeps_rax(void **state)
{
    run_regs(c_cmpxchg_r32, CODE_LEN(c_cmpxchg_r32), 0x1111111122222222ull,
             0xdeadbeef22222222ull, 0x5555555566666666ull);
    assert_int_equal(O->emu.r[RAX], 0x1111111122222222ull);
    assert_int_equal(O->emu.r[RCX], 0x66666666ull);
    assert_true(O->emu.flags & FLAG_ZF);
}

static void test_lock_cmpxchg64_mem_failure_loads_rax(void **state)
{
    uint64_t mem = 0x0123456789abcdefull;
    memcpy(O->data, &mem, 8);
    run_regs(c_cmpxchg_lm64, CODE_LEN(c_cmpxchg_lm64), 5, 0, 7);
    assert_int_equal(O->emu.r[RAX], mem);
    assert_memory_equal(O->emu_data, &mem, 8);
}

static void test_lock_xadd64_mem_returns_old_value(void **state)
{
    uint64_t mem = 40;
    memcpy(O->data, &mem, 8);
    run_regs(c_xadd_lm64, CODE_LEN(c_xadd_lm64), 0, 0, 2);
    assert_int_equal(O->emu.r[RDX], 40);
    mem = 42;
    assert_memory_equal(O->emu_data, &mem, 8);
}

static void test_cmpxchg_readonly_mem_faults_even_on_failure(void **state)
{
    /* The destination is always written (SDM CMPXCHG), so a read-only page faults whether or
     * not the comparison succeeds, and nothing changes. */
    oracle_reset(O, 6);
    O->in.r[RBX] = HARNESS_CODE + 0x100;
    O->in.r[RAX] = 1;
    enum cpu_stop why = oracle_run_emu(O, c_cmpxchg_m64, CODE_LEN(c_cmpxchg_m64));
    assert_int_equal(why, STOP_FAULT);
    assert_int_equal(O->h.cpu.fault.signo, SIGSEGV);
    assert_int_equal(O->emu.r[RAX], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmpxchg_matches_cpu_equal_and_unequal_all_forms),
        cmocka_unit_test(test_xadd_matches_cpu_all_forms),
        cmocka_unit_test(test_cmpxchg32_failure_zero_extends_rax_keeps_dest),
        cmocka_unit_test(test_cmpxchg32_success_writes_dest_keeps_rax),
        cmocka_unit_test(test_lock_cmpxchg64_mem_failure_loads_rax),
        cmocka_unit_test(test_lock_xadd64_mem_returns_old_value),
        cmocka_unit_test(test_cmpxchg_readonly_mem_faults_even_on_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
