/* cpuid.h — the one CPU profile goemu advertises: x86-64-v1 with SSE2 and nothing beyond
 * (the level GOAMD64=v1 code targets, "go help environment"; x86-64 psABI Table 3.1 lists its
 * features, of which the unused x87/MMX/FXSR bits stay clear below). Every bit set here is a
 * promise that the instructions behind it are implemented; AT_HWCAP on the initial stack
 * repeats leaf 1 EDX. */
#ifndef GOEMU_CPUID_H
#define GOEMU_CPUID_H

#include <stdint.h>

/* Leaf 1 EDX: TSC(4), CX8(8), CMOV(15), SSE(25), SSE2(26). x87 FPU and MMX are
 * left clear because goemu implements neither (Go never uses them); CX8 (CMPXCHG8B) and
 * FXSR likewise. */
#define CPUID_1_EDX ((1u << 4) | (1u << 15) | (1u << 25) | (1u << 26))
#define CPUID_1_ECX 0u   /* no SSE3+, no POPCNT, no OSXSAVE → Go never runs XGETBV */
#define CPUID_1_EAX 0x00000663u  /* family 6 model 6 stepping 3, as qemu64 reports */
#define CPUID_VENDOR "GenuineIntel"

/* Result registers {eax, ebx, ecx, edx} for a leaf/subleaf; unknown leaves give zeros. */
void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
