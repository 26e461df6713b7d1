/* cpu_harness.h — runs instruction bytes on goemu's core for unit tests, and the same bytes on
 * the host CPU (the native runner goemu-oracle uses, src/oracle/native.h) to compare with.
 * Both sides map the same pages at the same addresses: code at HARNESS_CODE, a read-write area
 * at HARNESS_DATA with nothing mapped just below or above it, and a read-only page. */
#ifndef GOEMU_CPU_HARNESS_H
#define GOEMU_CPU_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/exec.h"
#include "cpu/flags.h"
#include "cpu/access.h"
#include "mem/uaccess.h"
#include "oracle/native.h"

#define HARNESS_CODE 0x10000ull
#define HARNESS_DATA 0x20000ull    /* 4 pages, read-write */
#define HARNESS_DATA_SIZE 0x4000ull
#define HARNESS_RO 0x28000ull      /* one read-only page holding harness_ro_byte(i) */

struct harness {
    struct mem mem;
    struct cpu cpu;
};

/* Fresh address space and cpu (cpu_init state: all registers 0, rflags 0x202). */
void harness_init(struct harness *h);
void harness_free(struct harness *h);
/* Copies bytes to HARNESS_CODE, sets rip there and runs until rip leaves [code, code+len),
 * the cpu stops, or 64 instructions ran. Returns the stop reason (STOP_NONE when it ran off
 * the end normally, STOP_FAULT with h->cpu.fault filled). */
enum cpu_stop harness_exec(struct harness *h, const uint8_t *bytes, size_t len);
/* RFLAGS as the guest would see it after the last instruction (lazy flags evaluated). */
uint64_t harness_rflags(struct harness *h);
/* Byte i of the read-only page. */
uint8_t harness_ro_byte(size_t i);

/* Instruction bytes assembled by GCC from Intel-syntax text: CODE(name, "add rax, rcx")
 * defines name[] .. name_end[] in .rodata. */
#define CODE(name, text)                                                              \
    extern const uint8_t name[], name##_end[];                                        \
    __asm__(".pushsection .rodata\n.intel_syntax noprefix\n" #name ":\n" text         \
            "\n" #name "_end:\n.att_syntax prefix\n.popsection\n");
#define CODE_LEN(name) ((size_t)(name##_end - name))

/* ---- goemu against the host CPU ------------------------------------------------------------ */

/* One comparison. The test fills the inputs (after hcase_init), harness_check the outputs. */
struct hcase {
    struct native_state in;               /* all 16 GPRs (RSP too), RFLAGS, XMM0-15, MXCSR */
    uint64_t gsbase;
    uint8_t data[HARNESS_DATA_SIZE];      /* HARNESS_DATA before the run, on both sides */
    uint64_t flags;                       /* RFLAGS bits compared: those the SDM defines */
    struct native_result cpu, emu;        /* after the run; signo != 0: it faulted */
    uint8_t cpu_data[HARNESS_DATA_SIZE], emu_data[HARNESS_DATA_SIZE];
};

/* Inputs nobody chose: a distinct junk value in every GPR (so merges and zero-extension show),
 * RSP in the middle of the data area, RFLAGS 0x202, junk XMM, default MXCSR, GS base 0, a
 * fixed pattern in the data area; every arithmetic flag compared. */
void hcase_init(struct hcase *k, uint64_t seed);
/* Runs len bytes natively and on goemu (with the host's vendor behaviour) from k's inputs and
 * compares GPRs, RIP, the flags in k->flags, XMM, MXCSR, the data area, and any fault's signal,
 * si_code, si_addr, trap number and error code. Returns 1 when all agree; otherwise prints the
 * differences headed by `what` and returns 0. */
int harness_check(struct harness *h, struct hcase *k, const uint8_t *code, size_t len,
                  const char *what);

/* The fixture of every CPU family test: one harness h and one case k, a cmocka setup and
 * teardown, and CHECK(code), which fails the test unless goemu and this CPU agree. */
#define CPU_TEST_FIXTURE()                                                            \
    static struct harness h;                                                          \
    static struct hcase k;                                                            \
    static int setup(void **state)                                                    \
    {                                                                                 \
        (void)state;                                                                  \
        harness_init(&h);                                                             \
        return 0;                                                                     \
    }                                                                                 \
    static int teardown(void **state)                                                 \
    {                                                                                 \
        (void)state;                                                                  \
        harness_free(&h);                                                             \
        return 0;                                                                     \
    }
#define CHECK(code) assert_true(harness_check(&h, &k, code, CODE_LEN(code), #code))

#endif
