/* test_core_ops.c — moves, stack, branches, SETcc/CMOVcc, CPUID and traps on goemu's core.
 * Where a result depends on flags, the expected value is computed by the real CPU with the
 * same instruction in inline asm. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpuid.h"
#include "cpu_harness.h"

static struct harness h;
static int setup(void **s) { harness_init(&h); return 0; }
static int teardown(void **s) { harness_free(&h); return 0; }

#define RUN(...) do { static const uint8_t code_[] = {__VA_ARGS__}; \
    assert_int_equal(harness_exec(&h, code_, sizeof(code_)), STOP_NONE); } while (0)

static void test_mov_r32_zero_extends_and_r8_merges(void **s)
{
    h.cpu.gpr[RAX] = 0xffffffffffffffffull;
    h.cpu.gpr[RBX] = 0x1122334455667788ull;
    RUN(0x89, 0xd8);        /* mov eax, ebx */
    assert_int_equal(h.cpu.gpr[RAX], 0x55667788);
    h.cpu.gpr[RCX] = 0xaaaaaaaaaaaaaaaaull;
    RUN(0x88, 0xfd);        /* mov ch, bh */
    assert_int_equal(h.cpu.gpr[RCX], 0xaaaaaaaaaaaa77aaull);
    RUN(0x66, 0xb9, 0x34, 0x12); /* mov cx, 0x1234 */
    assert_int_equal(h.cpu.gpr[RCX], 0xaaaaaaaaaaaa1234ull);
}

static void test_mov_memory_forms_and_rip_relative(void **s)
{
    h.cpu.gpr[RDI] = HARNESS_DATA;
    h.cpu.gpr[RSI] = 0x0102030405060708ull;
    RUN(0x48, 0x89, 0x77, 0x08,      /* mov [rdi+8], rsi */
        0x48, 0x8b, 0x47, 0x08);     /* mov rax, [rdi+8] */
    assert_int_equal(h.cpu.gpr[RAX], 0x0102030405060708ull);
    /* mov rcx, [rip+0]: reads the next 8 code bytes (the ud2 fill and beyond) */
    RUN(0x48, 0x8b, 0x0d, 0x00, 0x00, 0x00, 0x00);
    assert_int_equal(h.cpu.gpr[RCX] & 0xffff, 0x0b0f);
    RUN(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff); /* mov qword [rdi], -1 (imm32 sign-extended) */
    uint64_t v;
    mem_copy_from(&h.mem, &v, HARNESS_DATA, 8);
    assert_int_equal(v, ~0ull);
}

static void test_movzx_movsx_movsxd(void **s)
{
    h.cpu.gpr[RBX] = 0x80f0;
    RUN(0x0f, 0xb6, 0xc3);           /* movzx eax, bl */
    assert_int_equal(h.cpu.gpr[RAX], 0xf0);
    RUN(0x48, 0x0f, 0xbf, 0xc3);     /* movsx rax, bx */
    assert_int_equal(h.cpu.gpr[RAX], 0xffffffffffff80f0ull);
    h.cpu.gpr[RBX] = 0x80000000;
    RUN(0x48, 0x63, 0xc3);           /* movsxd rax, ebx */
    assert_int_equal(h.cpu.gpr[RAX], 0xffffffff80000000ull);
}

static void test_lea_ignores_fs_base_and_truncates_to_32(void **s)
{
    h.cpu.gpr[RBX] = 0xffffffff00000010ull;
    h.cpu.gpr[RCX] = 2;
    RUN(0x48, 0x8d, 0x44, 0x8b, 0x04);  /* lea rax, [rbx+rcx*4+4] */
    assert_int_equal(h.cpu.gpr[RAX], 0xffffffff0000001cull);
    RUN(0x8d, 0x44, 0x8b, 0x04);        /* lea eax, [rbx+rcx*4+4] */
    assert_int_equal(h.cpu.gpr[RAX], 0x1c);
}

static void test_fs_relative_load_uses_fs_base(void **s)
{
    /* Go's TLS: mov r14, fs:[-8] (reference §9.2). */
    uint64_t g = 0xc000001234;
    mem_copy_to(&h.mem, HARNESS_DATA + 0x100 - 8, &g, 8);
    h.cpu.segbase[SEG_FS] = HARNESS_DATA + 0x100;
    RUN(0x64, 0x4c, 0x8b, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff);
    assert_int_equal(h.cpu.gpr[R14], g);
}

static void test_push_pop_call_ret_round_trip(void **s)
{
    h.cpu.gpr[RSP] = HARNESS_DATA + 0x1000;
    h.cpu.gpr[RBX] = 77;
    RUN(0x53,                         /* push rbx */
        0x58);                        /* pop rax */
    assert_int_equal(h.cpu.gpr[RAX], 77);
    assert_int_equal(h.cpu.gpr[RSP], HARNESS_DATA + 0x1000);
    /* call +1; (skipped int3); target: pop rcx → rcx = return address */
    RUN(0xe8, 0x01, 0x00, 0x00, 0x00, 0xcc, 0x59);
    assert_int_equal(h.cpu.gpr[RCX], HARNESS_CODE + 5);
    assert_int_equal(h.cpu.gpr[RSP], HARNESS_DATA + 0x1000);
}

static void test_push_to_unmapped_stack_faults_and_leaves_rsp(void **s)
{
    static const uint8_t code[] = {0x53};  /* push rbx */
    h.cpu.gpr[RSP] = 0x7000;
    assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGSEGV);
    assert_int_equal(h.cpu.fault.addr, 0x6ff8);
    assert_int_equal(h.cpu.gpr[RSP], 0x7000);
    assert_int_equal(h.cpu.rip, HARNESS_CODE);
}

static void test_pushf_popf_round_trip_keeps_arith_flags(void **s)
{
    h.cpu.gpr[RSP] = HARNESS_DATA + 0x1000;
    h.cpu.gpr[RAX] = 0x8d5;  /* OF SF ZF AF PF CF */
    RUN(0x50, 0x9d,          /* push rax; popfq */
        0x9c, 0x5b);         /* pushfq; pop rbx */
    assert_int_equal(h.cpu.gpr[RBX] & 0x8d5, 0x8d5);
    assert_int_equal(h.cpu.gpr[RBX] & 0x202, 0x202);
}

/* SETcc and CMOVcc after CMP, for every condition, against the real CPU. */
static uint8_t native_setcc(unsigned cc, uint64_t a, uint64_t b)
{
    uint8_t r = 0;
#define NATIVE_SET(n, ins) case n: __asm__("cmp %2, %1\n\t" ins " %0" : "=r"(r) : "r"(a), "r"(b) : "cc"); break;
    switch (cc) {
    NATIVE_SET(0, "seto") NATIVE_SET(1, "setno") NATIVE_SET(2, "setb") NATIVE_SET(3, "setae")
    NATIVE_SET(4, "sete") NATIVE_SET(5, "setne") NATIVE_SET(6, "setbe") NATIVE_SET(7, "seta")
    NATIVE_SET(8, "sets") NATIVE_SET(9, "setns") NATIVE_SET(10, "setp") NATIVE_SET(11, "setnp")
    NATIVE_SET(12, "setl") NATIVE_SET(13, "setge") NATIVE_SET(14, "setle") NATIVE_SET(15, "setg")
    }
    return r;
}

static void test_setcc_and_cmovcc_after_cmp_match_cpu(void **s)
{
    static const uint64_t vals[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffffffffffffull,
                                    0x8000000000000000ull, ~0ull, 0x123456789ull};
    for (unsigned cc = 0; cc < 16; cc++)
        for (size_t x = 0; x < 10; x++)
            for (size_t y = 0; y < 10; y++) {
                uint8_t code[] = {0x48, 0x39, 0xd8,              /* cmp rax, rbx */
                                  0x0f, (uint8_t)(0x90 + cc), 0xc1, /* setcc cl */
                                  0x48, 0x0f, (uint8_t)(0x40 + cc), 0xd6}; /* cmovcc rdx, rsi */
                h.cpu.gpr[RAX] = vals[x];
                h.cpu.gpr[RBX] = vals[y];
                h.cpu.gpr[RCX] = 0xff00;
                h.cpu.gpr[RDX] = 1;
                h.cpu.gpr[RSI] = 2;
                assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_NONE);
                uint8_t want = native_setcc(cc, vals[x], vals[y]);
                assert_int_equal(h.cpu.gpr[RCX], 0xff00 | want);
                assert_int_equal(h.cpu.gpr[RDX], want ? 2 : 1);
            }
}

static void test_cmov32_false_still_zero_extends(void **s)
{
    h.cpu.gpr[RAX] = 0xffffffff00000005ull;
    h.cpu.gpr[RBX] = 1;
    RUN(0x48, 0x85, 0xdb,       /* test rbx, rbx → ZF=0 */
        0x0f, 0x44, 0xc3);      /* cmove eax, ebx (not taken) */
    assert_int_equal(h.cpu.gpr[RAX], 5);
}

static void test_jcc_taken_and_not_taken(void **s)
{
    h.cpu.gpr[RAX] = 3;
    /* cmp rax,3; je +2; mov cl,1; (target) mov dl,1 */
    RUN(0x48, 0x83, 0xf8, 0x03, 0x74, 0x02, 0xb1, 0x01, 0xb2, 0x01);
    assert_int_equal(h.cpu.gpr[RCX] & 0xff, 0);
    assert_int_equal(h.cpu.gpr[RDX] & 0xff, 1);
}

static void test_cpuid_reports_sse2_profile_only(void **s)
{
    h.cpu.gpr[RAX] = 0;
    RUN(0x0f, 0xa2);
    assert_int_equal(h.cpu.gpr[RAX], 7);
    char vendor[13] = {0};
    memcpy(vendor, &h.cpu.gpr[RBX], 4);
    memcpy(vendor + 4, &h.cpu.gpr[RDX], 4);
    memcpy(vendor + 8, &h.cpu.gpr[RCX], 4);
    assert_string_equal(vendor, CPUID_VENDOR);
    h.cpu.gpr[RAX] = 1;
    RUN(0x0f, 0xa2);
    assert_int_equal(h.cpu.gpr[RCX], 0);            /* no SSE3+, no OSXSAVE */
    assert_true(h.cpu.gpr[RDX] & (1u << 26));        /* SSE2 */
    h.cpu.gpr[RAX] = 0x80000001;
    RUN(0x0f, 0xa2);
    assert_false(h.cpu.gpr[RDX] & (1u << 27));       /* no RDTSCP */
    h.cpu.gpr[RAX] = 0x40000000;                     /* unknown leaf: zeros */
    RUN(0x0f, 0xa2);
    assert_int_equal(h.cpu.gpr[RAX] | h.cpu.gpr[RBX] | h.cpu.gpr[RCX] | h.cpu.gpr[RDX], 0);
}

static void test_ud2_and_unimplemented_raise_sigill_at_rip(void **s)
{
    static const uint8_t ud2[] = {0x90, 0x0f, 0x0b};
    assert_int_equal(harness_exec(&h, ud2, sizeof(ud2)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGILL);
    assert_int_equal(h.cpu.fault.rip, HARNESS_CODE + 1);
    /* popcnt is outside the profile (CPUID.1:ECX.POPCNT = 0) */
    static const uint8_t popcnt[] = {0xf3, 0x48, 0x0f, 0xb8, 0xc1};
    assert_int_equal(harness_exec(&h, popcnt, sizeof(popcnt)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGILL);
    assert_int_equal(h.cpu.fault.code, ILL_ILLOPN);
    assert_int_equal(h.cpu.fault.rip, HARNESS_CODE);
}

static void test_int3_traps_with_rip_after_it(void **s)
{
    static const uint8_t code[] = {0xcc};
    assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGTRAP);
    assert_int_equal(h.cpu.rip, HARNESS_CODE + 1);
}

static void test_jump_to_unmapped_faults_with_target_address(void **s)
{
    h.cpu.gpr[RAX] = 0x1234000;
    static const uint8_t code[] = {0xff, 0xe0};  /* jmp rax */
    assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_NONE);  /* rip left the bytes */
    assert_int_equal(h.cpu.rip, 0x1234000);
    assert_int_equal(cpu_run(&h.cpu, 1), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGSEGV);
    assert_int_equal(h.cpu.fault.code, SEGV_MAPERR);
    assert_int_equal(h.cpu.fault.err, 0x14);  /* user, instruction fetch */
    assert_int_equal(h.cpu.fault.addr, 0x1234000);
    assert_int_equal(h.cpu.fault.rip, 0x1234000);
}

static void test_self_modifying_store_invalidates_decoded_block(void **s)
{
    /* Code page made writable; run once, patch the immediate, run again. */
    static const uint8_t code[] = {0xb8, 0x01, 0x00, 0x00, 0x00};  /* mov eax, 1 */
    assert_int_equal(mem_protect(&h.mem, HARNESS_CODE, 4096, GPROT_READ | GPROT_WRITE | GPROT_EXEC), 0);
    assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h.cpu.gpr[RAX], 1);
    mem_copy_to(&h.mem, HARNESS_CODE + 1, "\x02", 1);
    h.cpu.rip = HARNESS_CODE;
    cpu_run(&h.cpu, 1);
    assert_int_equal(h.cpu.gpr[RAX], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_mov_r32_zero_extends_and_r8_merges),
        T(test_mov_memory_forms_and_rip_relative),
        T(test_movzx_movsx_movsxd),
        T(test_lea_ignores_fs_base_and_truncates_to_32),
        T(test_fs_relative_load_uses_fs_base),
        T(test_push_pop_call_ret_round_trip),
        T(test_push_to_unmapped_stack_faults_and_leaves_rsp),
        T(test_pushf_popf_round_trip_keeps_arith_flags),
        T(test_setcc_and_cmovcc_after_cmp_match_cpu),
        T(test_cmov32_false_still_zero_extends),
        T(test_jcc_taken_and_not_taken),
        T(test_cpuid_reports_sse2_profile_only),
        T(test_ud2_and_unimplemented_raise_sigill_at_rip),
        T(test_int3_traps_with_rip_after_it),
        T(test_jump_to_unmapped_faults_with_target_address),
        T(test_self_modifying_store_invalidates_decoded_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
