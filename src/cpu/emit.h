/* emit.h — the few x86-64 host instructions the translating tier writes, as bytes into a
 * buffer (encodings from SDM Vol. 2: MOV C7 /0 and 89 /r with REX.W, MOV B8+r imm64, CALL
 * E8 cd and FF /2, PUSH/POP 50+r, RET C3). An emitter, not a decoder: guest code is decoded
 * by Zydis only. The host registers used are fixed: rbx holds the struct cpu pointer. */
#ifndef GOEMU_CPU_EMIT_H
#define GOEMU_CPU_EMIT_H

#include <stdint.h>
#include <string.h>

struct emit {
    uint8_t *p, *end;   /* next byte, end of the buffer */
    int overflow;       /* a write did not fit: the buffer's contents are unusable */
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

/* push rbx; mov rbx, rdi */
static inline void emit_prologue(struct emit *e) { emit_bytes(e, "\x53\x48\x89\xfb", 4); }
/* pop rbx; ret */
static inline void emit_epilogue(struct emit *e) { emit_bytes(e, "\x5b\xc3", 2); }

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
