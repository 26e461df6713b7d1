/* oracle.h — goemu-oracle: differential testing of goemu's core against this machine's CPU.
 * One test case is an instruction (bytes encoded by Zydis) plus a complete input state; it runs
 * natively (host.c, through the shared runner native.c) and on goemu's core (guest.c) at the
 * same addresses, and the outputs are compared with the SDM's undefined results masked
 * (check.c). Forms and inputs: gen.c. */
#ifndef GOEMU_ORACLE_H
#define GOEMU_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "cpu/cpu.h"
#include "oracle/native.h"

/* Fixed addresses, identical in the oracle process and in goemu's guest address space, so that
 * absolute and RIP-relative addresses mean the same on both sides. */
#define OR_DATA        0x10000000ull   /* two read-write pages: memory operands and the stack */
#define OR_DATA_SIZE   0x2000u
#define OR_RO          0x10002000ull   /* read-only page holding a fixed pattern */
#define OR_GUARD       0x10003000ull   /* never mapped (faults with SEGV_MAPERR) */
#define OR_BELOW       0x0ffff000ull   /* never mapped either: rep strings running downwards */
#define OR_CODE        0x10010000ull   /* the native runner's code page; goemu: the same */
#define OR_INSN        (OR_CODE + 0x800)  /* the instruction under test */
#define OR_TARGET      (OR_CODE + 0x840)  /* where every taken branch goes */

#define OR_MAX_PATCH 6

/* A change to the pseudo-random initial data pages: write bytes, or copy a range (so that
 * CMPS/SCAS see equal runs). */
struct opatch {
    uint16_t off;       /* offset in the data pages */
    uint16_t src;       /* copy: source offset */
    uint16_t len;       /* write: <= 16; copy: any */
    uint8_t copy;
    uint8_t data[16];
};

/* One complete test input: everything --repro needs. The bytes are one instruction, or a
 * flag producer followed by a flag consumer (lazy-flags pairs). */
#define OR_MAX_BYTES 31
struct ocase {
    uint8_t bytes[OR_MAX_BYTES + 1];
    uint8_t len;
    uint8_t npatch;
    uint64_t gsbase;    /* GS base on both sides (0 unless an operand is GS-relative) */
    uint64_t mem_seed;  /* data pages = or_fill(mem_seed), then patches */
    struct native_state in;
    struct opatch patch[OR_MAX_PATCH];
};

/* What one side produced. signo == 0: the instruction completed and st.rip is where execution
 * continues; otherwise it faulted and st is the state the signal handler would see. */
struct oresult {
    struct native_state st;
    int signo, code, trapno, err;
    uint64_t addr;
    int unimplemented;  /* goemu only: the decoder installed op_sigill */
    uint8_t mem[OR_DATA_SIZE];
};

/* ---- rng.c: deterministic randomness ---------------------------------------------------- */
struct rng { uint64_t s; };
uint64_t rng_next(struct rng *r);
static inline uint64_t rng_below(struct rng *r, uint64_t n) { return n ? rng_next(r) % n : 0; }
static inline int rng_chance(struct rng *r, unsigned percent) { return rng_below(r, 100) < percent; }
uint64_t rng_mix(uint64_t a, uint64_t b);
/* Builds the initial data pages of a case. */
void or_fill_data(const struct ocase *k, uint8_t *mem);
/* The pattern of the read-only page. */
void or_fill_ro(uint8_t *page);

/* ---- host.c: the real CPU, through the native runner (native.h) ------------------------- */
/* Maps the data, read-only and code pages natively. */
int host_init(void);
void host_run(const struct ocase *k, const uint8_t *mem, struct oresult *out);
/* Set while running goemu so a host crash inside goemu can name the case. */
extern const struct ocase *or_crash_case;
extern const char *or_crash_what;

/* ---- guest.c: goemu's core ------------------------------------------------------------- */
/* vendor: whose model-specific behaviour goemu reproduces (the host's, to compare exactly). */
int guest_init(enum cpu_vendor vendor, enum cpu_tier tier);
void guest_run(const struct ocase *k, const uint8_t *mem, struct oresult *out);
/* Whether goemu's decoder picks a real handler (not op_sigill) for these bytes. */
int guest_implemented(const uint8_t *bytes, size_t len);

/* ---- check.c: decoding, masks, comparison, reports, repro ------------------------------ */
struct odecoded {
    ZydisDecodedInstruction in;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
};
int or_decode(const uint8_t *bytes, size_t len, struct odecoded *d);
void or_format(const struct odecoded *d, uint64_t rip, char *buf, size_t n);
/* Compares; returns 0 when equal under the masks. report 1: print a full report of a
 * mismatch; 2: print every case. */
int or_check(const struct ocase *k, const struct oresult *nat, const struct oresult *emu,
             const char *form, int report);
/* Prints one case's input and both results (--repro). */
void or_show(const struct ocase *k, const struct oresult *nat, const struct oresult *emu);
void or_case_to_hex(const struct ocase *k, char *hex, size_t n);
int or_case_from_hex(const char *hex, struct ocase *k);
#define OR_HEX_MAX 2048

/* gpr index (enum gpr order) of a Zydis GPR of any width, or -1; *high set for AH..BH. */
int or_gpr_index(ZydisRegister r, int *high);
/* Zydis GPR register of gpr index i and width bytes (1 = low byte: AL..R15B). */
ZydisRegister or_gpr_reg(int i, unsigned bytes);

/* ---- gen.c: operand forms and test cases ----------------------------------------------- */
enum slot { SL_G, SL_G8H, SL_M, SL_I, SL_X, SL_CL, SL_REL };

struct form {
    ZydisMnemonic mnemonic;
    uint8_t nslot;
    uint8_t slot[3];
    uint8_t size[3];        /* bytes, per slot (G/M) */
    uint8_t branch_width;   /* SL_REL: ZYDIS_BRANCH_WIDTH_8 or _32 */
    uint8_t nopfill;        /* > 0: a NOP of this length from ZydisEncoderNopFill */
    uint8_t implemented;
    ZydisInstructionAttributes prefixes;
    char name[64];          /* "add r64, m64", "lock cmpxchg m32, r32" */
};

/* Finds the operand forms Zydis can encode for a mnemonic; returns how many were added. */
size_t gen_forms(ZydisMnemonic m, struct form *out, size_t max);
/* Generates case number idx of a form. Returns 0, or -1 if no encodable instance was found. */
int gen_case(const struct form *f, struct rng *r, struct ocase *k);
/* Why a mnemonic is never run: NULL when it is tested. */
const char *gen_skip_reason(ZydisMnemonic m);
/* The encoder in the oracle's settings: 64-bit mode, legacy encodings only; and encoding at a
 * runtime address (relative targets are given absolute). */
ZydisEncoderRequest gen_request(ZydisMnemonic m);
int gen_encode_at(ZydisEncoderRequest *q, uint8_t *buf, uint8_t *len, uint64_t at);

/* ---- pairs.c: lazy-flags pairs ----------------------------------------------------------- */
/* Whether m sets arithmetic flags a following Jcc/SETcc/CMOVcc/ADC/SBB could read. */
int gen_is_flag_producer(ZydisMnemonic m);
/* A pair case: a case of producer form f followed by a random flag consumer. */
int gen_pair(const struct form *f, struct rng *r, struct ocase *k);
/* Flags left undefined by the first instruction of k (check.c). */
uint64_t or_undefined_flags(const struct ocase *k);

#endif
