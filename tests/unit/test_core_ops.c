/* test_core_ops.c — moves, stack, branches, CMOVcc, traps and the CPUID profile on goemu's core.
 * Named cases run on the host CPU and on goemu from the same state and are compared
 * (cpu_harness.h); what only goemu defines (its CPUID profile, the instructions outside it, FS,
 * self-modifying code) is checked on goemu alone, against values the test itself put in. */
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
static struct hcase k;

static int setup(void **s)
{
    harness_init(&h);
    return 0;
}

static int teardown(void **s)
{
    harness_free(&h);
    return 0;
}

#define CHECK(code) assert_true(harness_check(&h, &k, code, CODE_LEN(code), #code))
#define RUN(...) do { static const uint8_t code_[] = {__VA_ARGS__}; \
    assert_int_equal(harness_exec(&h, code_, sizeof(code_)), STOP_NONE); } while (0)

CODE(c_mov_widths, "mov eax, ebx\n mov ch, bh\n mov dx, 0x1234")
CODE(c_mov_mem, "mov [rdi+8], rsi\n mov rax, [rdi+8]\n mov qword ptr [rdi], -1")
CODE(c_mov_riprel, "mov rcx, [rip + 0x20000 - 0x10000 - 7 + 0x40]")
CODE(c_movsx_family, "movzx eax, bl\n movsx rcx, bx\n movsxd rdx, ebx")
CODE(c_movsxd16_m, "movsxd ax, dword ptr [rbx]")
CODE(c_lea, "lea rax, [rbx+rcx*4+4]\n lea edx, [rbx+rcx*4+4]")
CODE(c_push_pop_call, "push rbx\n pop rax\n call 1f\n int3\n1: pop rcx")
CODE(c_push, "push rbx")
CODE(c_pushf_popf, "push rax\n popfq\n pushfq\n pop rbx")
CODE(c_cmov32_false, "test rbx, rbx\n cmove eax, ebx")
CODE(c_jcc, "cmp rax, 3\n je 1f\n mov cl, 1\n1: mov dl, 1")
CODE(c_ud2, "nop\n ud2")
CODE(c_int3, "int3")
CODE(c_jmp_rax, "jmp rax")
CODE(c_call_mem, "call qword ptr [rbx]")
CODE(c_gs_load, "mov rax, qword ptr gs:[rbx]")
CODE(c_popcnt, "popcnt rax, rcx")

/* 32-bit writes zero-extend, 8- and 16-bit writes merge (ch is bits 15:8). */
static void test_mov_r32_zero_extends_and_r8_r16_merge(void **s)
{
    hcase_init(&k, 1);
    k.in.gpr[RBX] = 0x1122334455667788ull;
    CHECK(c_mov_widths);
    assert_int_equal(k.emu.st.gpr[RAX], 0x55667788);
}

/* Stores and loads through [rdi+disp]; an imm32 store sign-extends to 64 bits. */
static void test_mov_memory_forms(void **s)
{
    hcase_init(&k, 2);
    k.in.gpr[RDI] = HARNESS_DATA + 0x100;
    k.in.gpr[RSI] = 0x0102030405060708ull;
    CHECK(c_mov_mem);
    assert_int_equal(k.emu.st.gpr[RAX], 0x0102030405060708ull);
}

/* RIP-relative: the displacement counts from the end of the instruction (7 bytes at
 * HARNESS_CODE), here reaching HARNESS_DATA + 0x40. */
static void test_mov_rip_relative(void **s)
{
    hcase_init(&k, 3);
    CHECK(c_mov_riprel);
    assert_memory_equal(&k.emu.st.gpr[RCX], k.data + 0x40, 8);
}

static void test_movzx_movsx_movsxd(void **s)
{
    hcase_init(&k, 4);
    k.in.gpr[RBX] = 0x80f0 | 0x80000000ull;
    CHECK(c_movsx_family);
    assert_int_equal(k.emu.st.gpr[RDX], 0xffffffff800080f0ull);
}

/* MOVSXD r16, m32 (66 63): Intel reads only the 2 bytes it uses, AMD all 4 (docs/oracle.md,
 * "Vendor differences"). With the operand's last 2 bytes unmapped, one faults and one does
 * not; goemu behaves as the host. */
static void test_movsxd16_reads_per_vendor(void **s)
{
    hcase_init(&k, 5);
    k.in.gpr[RBX] = HARNESS_DATA + HARNESS_DATA_SIZE - 2;
    CHECK(c_movsxd16_m);
    k.in.gpr[RBX] = HARNESS_DATA + 0x10;
    CHECK(c_movsxd16_m);
}

/* LEA computes without touching memory; the 32-bit form truncates. */
static void test_lea_truncates_to_32(void **s)
{
    hcase_init(&k, 6);
    k.in.gpr[RBX] = 0xffffffff00000010ull;
    k.in.gpr[RCX] = 2;
    CHECK(c_lea);
    assert_int_equal(k.emu.st.gpr[RDX], 0x1c);
}

/* Go's TLS is mov r14, fs:[-8]. FS is glibc's TLS in this process, so there is no native run:
 * the value loaded is the one the test stored. GS takes the same path; see the next test. */
static void test_fs_relative_load_uses_fs_base(void **s)
{
    uint64_t g = 0xc000001234;
    assert_int_equal(mem_copy_to(&h.mem, HARNESS_DATA + 0x100 - 8, &g, 8), 0);
    h.cpu.segbase[SEG_FS] = HARNESS_DATA + 0x100;
    RUN(0x64, 0x4c, 0x8b, 0x34, 0x25, 0xf8, 0xff, 0xff, 0xff);
    assert_int_equal(h.cpu.gpr[R14], g);
}

/* A GS-relative load with a negative offset below the base. */
static void test_gs_relative_load(void **s)
{
    hcase_init(&k, 7);
    k.gsbase = HARNESS_DATA + 0x200;
    k.in.gpr[RBX] = (uint64_t)-8;
    CHECK(c_gs_load);
}

/* The offset before the segment base is non-canonical, the final address a canonical kernel
 * one: Intel raises #PF at the linear address, AMD #GP (docs/oracle.md, "Vendor
 * differences"); goemu behaves as the host. */
static void test_gs_relative_noncanonical_offset_kernel_address(void **s)
{
    hcase_init(&k, 8);
    k.gsbase = 0x00007fff00000000ull;
    k.in.gpr[RBX] = 0xffff888000000000ull - k.gsbase;
    CHECK(c_gs_load);
    assert_int_equal(k.emu.signo, SIGSEGV);
}

/* PUSH/POP through the data area, and CALL's return address popped back. */
static void test_push_pop_call_round_trip(void **s)
{
    hcase_init(&k, 9);
    k.in.gpr[RBX] = 77;
    CHECK(c_push_pop_call);
    assert_int_equal(k.emu.st.gpr[RCX], HARNESS_CODE + 7);
}

/* A push below the data area (unmapped): #PF on the write, rsp unchanged. */
static void test_push_to_unmapped_stack_faults_and_leaves_rsp(void **s)
{
    hcase_init(&k, 10);
    k.in.gpr[RSP] = HARNESS_DATA;
    CHECK(c_push);
    assert_int_equal(k.emu.addr, HARNESS_DATA - 8);
    assert_int_equal(k.emu.st.gpr[RSP], HARNESS_DATA);
}

/* POPFQ of every arithmetic flag, then PUSHFQ reads them back (with IF and bit 1). */
static void test_pushf_popf_round_trip_keeps_arith_flags(void **s)
{
    hcase_init(&k, 11);
    k.in.gpr[RAX] = 0x202 | FLAGS_ARITH;
    CHECK(c_pushf_popf);
}

/* A CMOV that does not move still writes its 32-bit destination: the upper half clears. */
static void test_cmov32_false_still_zero_extends(void **s)
{
    hcase_init(&k, 12);
    k.in.gpr[RAX] = 0xffffffff00000005ull;
    k.in.gpr[RBX] = 1;
    CHECK(c_cmov32_false);
    assert_int_equal(k.emu.st.gpr[RAX], 5);
}

static void test_jcc_taken_and_not_taken(void **s)
{
    hcase_init(&k, 13);
    k.in.gpr[RAX] = 3;
    CHECK(c_jcc);
    k.in.gpr[RAX] = 4;
    CHECK(c_jcc);
}

/* CALL through memory to a non-canonical target: #GP at the CALL with rsp unchanged; Intel
 * has already written the return address below rsp, AMD has not (docs/oracle.md, "Vendor
 * differences"); goemu behaves as the host. */
static void test_call_mem_noncanonical_target(void **s)
{
    uint64_t target = 0x8000000000000000ull;
    hcase_init(&k, 14);
    k.in.gpr[RBX] = HARNESS_DATA + 0x100;
    memcpy(k.data + 0x100, &target, 8);
    CHECK(c_call_mem);
    assert_int_equal(k.emu.signo, SIGSEGV);
    assert_int_equal(k.emu.st.gpr[RSP], k.in.gpr[RSP]);
}

/* A jump to an unmapped address: the fault is the fetch at the target (user, instruction
 * fetch: err 0x14) with rip there. */
static void test_jump_to_unmapped_faults_with_target_address(void **s)
{
    hcase_init(&k, 15);
    k.in.gpr[RAX] = 0x1234000;
    CHECK(c_jmp_rax);
    assert_int_equal(k.emu.st.rip, 0x1234000);
    assert_int_equal(k.emu.err, 0x14);
}

/* UD2 faults at itself (SIGILL, trap 6); INT3 traps with rip after it (SIGTRAP, trap 3). */
static void test_ud2_and_int3(void **s)
{
    hcase_init(&k, 16);
    CHECK(c_ud2);
    assert_int_equal(k.emu.st.rip, HARNESS_CODE + 1);
    CHECK(c_int3);
    assert_int_equal(k.emu.st.rip, HARNESS_CODE + 1);
}

/* The comparison can fail: POPCNT is outside goemu's CPUID profile (SIGILL) but the host
 * runs it. */
static void test_harness_check_sees_a_difference(void **s)
{
    hcase_init(&k, 17);
    assert_false(harness_check(&h, &k, c_popcnt, CODE_LEN(c_popcnt), "popcnt (expected)"));
    assert_int_equal(k.emu.signo, SIGILL);
    assert_int_equal(k.cpu.signo, 0);
}

/* ---- goemu's own definitions ----------------------------------------------------------------- */

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

/* POPCNT is outside the profile (CPUID.1:ECX.POPCNT = 0): SIGILL at the instruction. */
static void test_unimplemented_raises_sigill_at_rip(void **s)
{
    assert_int_equal(harness_exec(&h, c_popcnt, CODE_LEN(c_popcnt)), STOP_FAULT);
    assert_int_equal(h.cpu.fault.signo, SIGILL);
    assert_int_equal(h.cpu.fault.code, ILL_ILLOPN);
    assert_int_equal(h.cpu.fault.rip, HARNESS_CODE);
}

/* Code page made writable; run once, patch the immediate, run again. */
static void test_self_modifying_store_invalidates_decoded_block(void **s)
{
    static const uint8_t code[] = {0xb8, 0x01, 0x00, 0x00, 0x00};  /* mov eax, 1 */
    assert_int_equal(mem_protect(&h.mem, HARNESS_CODE, 4096, GPROT_READ | GPROT_WRITE | GPROT_EXEC), 0);
    assert_int_equal(harness_exec(&h, code, sizeof(code)), STOP_NONE);
    assert_int_equal(h.cpu.gpr[RAX], 1);
    assert_int_equal(mem_copy_to(&h.mem, HARNESS_CODE + 1, "\x02", 1), 0);
    h.cpu.rip = HARNESS_CODE;
    cpu_run(&h.cpu, 1);
    assert_int_equal(h.cpu.gpr[RAX], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_mov_r32_zero_extends_and_r8_r16_merge),
        T(test_mov_memory_forms),
        T(test_mov_rip_relative),
        T(test_movzx_movsx_movsxd),
        T(test_movsxd16_reads_per_vendor),
        T(test_lea_truncates_to_32),
        T(test_fs_relative_load_uses_fs_base),
        T(test_gs_relative_load),
        T(test_gs_relative_noncanonical_offset_kernel_address),
        T(test_push_pop_call_round_trip),
        T(test_push_to_unmapped_stack_faults_and_leaves_rsp),
        T(test_pushf_popf_round_trip_keeps_arith_flags),
        T(test_cmov32_false_still_zero_extends),
        T(test_jcc_taken_and_not_taken),
        T(test_call_mem_noncanonical_target),
        T(test_jump_to_unmapped_faults_with_target_address),
        T(test_ud2_and_int3),
        T(test_harness_check_sees_a_difference),
        T(test_cpuid_reports_sse2_profile_only),
        T(test_unimplemented_raises_sigill_at_rip),
        T(test_self_modifying_store_invalidates_decoded_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
