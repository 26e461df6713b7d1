/* cpuid.c — answers CPUID from the fixed profile in cpuid.h, so a Go binary picks the same
 * code paths on every host (SDM Vol. 2A, CPUID; read by internal/cpu/cpu_x86.go): leaf 0
 * vendor, leaf 1 features, leaf 7 zero, 0x80000001 SYSCALL|NX|LM with RDTSCP clear, so
 * cputicks (runtime/asm_amd64.s) uses MFENCE;LFENCE;RDTSC. */
#include "cpuid.h"

#include <string.h>

void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    switch (leaf) {
    case 0:
        out[0] = 7;  /* max basic leaf; leaf 7 exists and reports no extended features */
        memcpy(&out[1], CPUID_VENDOR, 4);
        memcpy(&out[3], CPUID_VENDOR + 4, 4);
        memcpy(&out[2], CPUID_VENDOR + 8, 4);
        break;
    case 1:
        out[0] = CPUID_1_EAX;
        out[1] = 8u << 8;  /* CLFLUSH line size 8*8 bytes, APIC id 0, one logical CPU */
        out[2] = CPUID_1_ECX;
        out[3] = CPUID_1_EDX;
        break;
    case 7:
        (void)subleaf;  /* every subleaf: eax (max subleaf) = 0 and no features */
        break;
    case 0x80000000:
        out[0] = 0x80000001;
        break;
    case 0x80000001:
        out[2] = 1u << 0;                                /* LAHF/SAHF in 64-bit mode */
        out[3] = (1u << 11) | (1u << 20) | (1u << 29);   /* SYSCALL, NX, LM; RDTSCP clear */
        break;
    default:
        break;
    }
}
