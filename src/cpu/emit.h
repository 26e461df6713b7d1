/* emit.h — the few x86-64 host instructions the translating tier writes, as bytes into a
 * buffer (encodings from SDM Vol. 2: MOV C7 /0 and 89 /r with REX.W, MOV B8+r imm64, CALL
 * E8 cd and FF /2, PUSH/POP 50+r, RET C3). An emitter, not a decoder: guest code is decoded
 * by Zydis only. The host registers used are fixed: rbx holds the struct cpu pointer, r12 its
 * struct mem (whose TLBs the templates read), r8-r11, r13-r15 and rbp cache guest registers. */
#ifndef GOEMU_CPU_EMIT_H
#define GOEMU_CPU_EMIT_H

#include <stdint.h>
#include <string.h>

struct gpr_cache;

struct emit {
    uint8_t *p, *end;   /* next byte, end of the buffer */
    int overflow;       /* a write did not fit: the buffer's contents are unusable */
    struct gpr_cache *gprs;   /* tier 2's guest registers in host registers (tier2_inline.h) */
};

static inline void emit_bytes(struct emit *e, const void *b, size_t n)
{
    if (e->overflow || (size_t)(e->end - e->p) < n) {
        e->overflow = 1;
        return;
    }
    memcpy(e->p, b, n);
    e->p += n;
}

static inline void emit_u8(struct emit *e, uint8_t v) { emit_bytes(e, &v, 1); }
static inline void emit_u32(struct emit *e, uint32_t v) { emit_bytes(e, &v, 4); }
static inline void emit_u64(struct emit *e, uint64_t v) { emit_bytes(e, &v, 8); }

/* push rbx, rbp, r12, r13, r14, r15; sub rsp, 8 (the stack 16-byte aligned at calls);
 * mov rbx, rdi */
static inline void emit_prologue(struct emit *e)
{
    emit_bytes(e, "\x53\x55\x41\x54\x41\x55\x41\x56\x41\x57\x48\x83\xec\x08\x48\x89\xfb", 17);
}
/* add rsp, 8; pop r15, r14, r13, r12, rbp, rbx; ret */
static inline void emit_epilogue(struct emit *e)
{
    emit_bytes(e, "\x48\x83\xc4\x08\x41\x5f\x41\x5e\x41\x5d\x41\x5c\x5d\x5b\xc3", 15);
}

/* mov r12, [rbx + disp32] */
static inline void emit_load_r12_cpu(struct emit *e, uint32_t disp)
{
    emit_bytes(e, "\x4c\x8b\xa3", 3);
    emit_u32(e, disp);
}

/* mov qword [rbx + disp32], v: imm32 sign-extended when it fits, else through rax. */
static inline void emit_store_cpu64(struct emit *e, uint32_t disp, uint64_t v)
{
    if ((uint64_t)(int64_t)(int32_t)v == v) {
        emit_bytes(e, "\x48\xc7\x83", 3);   /* REX.W C7 /0, ModRM mod=10 rm=rbx */
        emit_u32(e, disp);
        emit_u32(e, (uint32_t)v);
    } else {
        emit_bytes(e, "\x48\xb8", 2);       /* mov rax, imm64 */
        emit_u64(e, v);
        emit_bytes(e, "\x48\x89\x83", 3);   /* mov [rbx + disp32], rax */
        emit_u32(e, disp);
    }
}

/* add qword [rbx + disp32], imm32 */
static inline void emit_add_cpu64(struct emit *e, uint32_t disp, uint32_t imm)
{
    emit_bytes(e, "\x48\x81\x83", 3);
    emit_u32(e, disp);
    emit_u32(e, imm);
}

/* mov rax, [rbx + disp32] */
static inline void emit_load_rax_cpu(struct emit *e, uint32_t disp)
{
    emit_bytes(e, "\x48\x8b\x83", 3);
    emit_u32(e, disp);
}

/* mov [rbx + disp32], rax */
static inline void emit_store_rax_cpu(struct emit *e, uint32_t disp)
{
    emit_bytes(e, "\x48\x89\x83", 3);
    emit_u32(e, disp);
}

/* cmp dword [rax + disp32], 0 */
static inline void emit_test_rax32(struct emit *e, uint32_t disp)
{
    emit_bytes(e, "\x83\xb8", 2);
    emit_u32(e, disp);
    emit_u8(e, 0);
}

/* cmp rax, [rbx + disp32] */
static inline void emit_cmp_rax_cpu(struct emit *e, uint32_t disp)
{
    emit_bytes(e, "\x48\x3b\x83", 3);
    emit_u32(e, disp);
}

/* Jcc rel32 with the target filled in later (emit_patch_rel32): returns where the rel32 is,
 * NULL after an overflow. cc: 0x84 JE, 0x85 JNE, 0x83 JAE. */
static inline uint8_t *emit_jcc_fwd(struct emit *e, uint8_t cc)
{
    emit_u8(e, 0x0f);
    emit_u8(e, cc);
    uint8_t *at = e->p;
    emit_u32(e, 0);
    return e->overflow ? NULL : at;
}

/* Points the rel32 at `at` (the last 4 bytes of a jump) to target. */
static inline void emit_patch_rel32(uint8_t *at, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

/* fn(cpu, arg): mov rdi, rbx; mov rsi, imm64; call fn (rel32 when in reach, else via rax). */
static inline void emit_call2(struct emit *e, const void *fn, uint64_t arg)
{
    emit_bytes(e, "\x48\x89\xdf\x48\xbe", 5);
    emit_u64(e, arg);
    int64_t rel = (int64_t)((uintptr_t)fn - ((uintptr_t)e->p + 5));
    if (rel == (int32_t)rel) {
        emit_u8(e, 0xe8);
        emit_u32(e, (uint32_t)(int32_t)rel);
    } else {
        emit_bytes(e, "\x48\xb8", 2);
        emit_u64(e, (uintptr_t)fn);
        emit_bytes(e, "\xff\xd0", 2);
    }
}

#endif
