/* cpu_harness.h — runs instruction bytes on goemu's core for unit tests.
 * A code page at HARNESS_CODE and a read-write scratch page at HARNESS_DATA are mapped in a
 * private address space; tests set registers, execute bytes and inspect the result. */
#ifndef GOEMU_CPU_HARNESS_H
#define GOEMU_CPU_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/exec.h"
#include "cpu/flags.h"
#include "cpu/mem.h"

#define HARNESS_CODE 0x10000ull
#define HARNESS_DATA 0x20000ull    /* 4 pages, read-write */
#define HARNESS_DATA_SIZE 0x4000ull

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

#endif
