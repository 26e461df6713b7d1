/* tier2_inline.c — instruction templates: the work of the hottest handlers (MOV, LEA, MOVZX,
 * the two-operand ALU forms, Jcc) as a few host instructions on struct cpu's fields (rbx holds
 * the cpu), memory through the same TLB the handlers use. Encodings: SDM Vol. 2 (MOV 88/89/8B/
 * C6/C7/B8, MOVZX 0F B6/B7, LEA 8D, ALU 00-39 and 84/85, CMOVcc 0F 40+cc). */
#include "cpu/tier2_inline.h"

#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/ops_inline.h"
#include "mem/aspace.h"

/* Host registers by encoding number: rax, rcx, rdx are scratch, rsi the host address of a
 * memory operand, rbx the cpu. */
enum { H_RAX = 0, H_RCX = 1, H_RDX = 2, H_RSI = 6 };

#define GPR(r) ((uint32_t)(offsetof(struct cpu, gpr) + 8u * (r)))
#define CPU_FIELD(f) ((uint32_t)offsetof(struct cpu, f))

_Static_assert(sizeof(struct tlb_entry) == 16, "the TLB index is scaled by shl 4");

/* ---- moves between host registers, struct cpu and host memory ------------------------------ */

/* reg = [rbx + off], zero-extended from 1, 4 or 8 bytes. */
static void ld_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    uint8_t modrm = (uint8_t)(0x83 | reg << 3);
    if (bytes == 8)
        emit_bytes(e, (uint8_t[]){0x48, 0x8b, modrm}, 3);
    else if (bytes == 4)
        emit_bytes(e, (uint8_t[]){0x8b, modrm}, 2);
    else
        emit_bytes(e, (uint8_t[]){0x0f, 0xb6, modrm}, 3);
    emit_u32(e, off);
}

/* [rbx + off] = the low 1 or 8 bytes of reg (reg < 4 for a byte). */
static void st_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    uint8_t modrm = (uint8_t)(0x83 | reg << 3);
    if (bytes == 8)
        emit_bytes(e, (uint8_t[]){0x48, 0x89, modrm}, 3);
    else
        emit_bytes(e, (uint8_t[]){0x88, modrm}, 2);
    emit_u32(e, off);
}

/* reg = [rsi], zero-extended from 1, 2, 4 or 8 bytes. */
static void ld_host(struct emit *e, unsigned bytes, unsigned reg)
{
    uint8_t modrm = (uint8_t)(0x06 | reg << 3);
    switch (bytes) {
    case 8: emit_bytes(e, (uint8_t[]){0x48, 0x8b, modrm}, 3); break;
    case 4: emit_bytes(e, (uint8_t[]){0x8b, modrm}, 2); break;
    case 2: emit_bytes(e, (uint8_t[]){0x0f, 0xb7, modrm}, 3); break;
    default: emit_bytes(e, (uint8_t[]){0x0f, 0xb6, modrm}, 3); break;
    }
}

/* [rsi] = the low 1, 2, 4 or 8 bytes of reg (reg < 4 for a byte). */
static void st_host(struct emit *e, unsigned bytes, unsigned reg)
{
    uint8_t modrm = (uint8_t)(0x06 | reg << 3);
    switch (bytes) {
    case 8: emit_bytes(e, (uint8_t[]){0x48, 0x89, modrm}, 3); break;
    case 4: emit_bytes(e, (uint8_t[]){0x89, modrm}, 2); break;
    case 2: emit_bytes(e, (uint8_t[]){0x66, 0x89, modrm}, 3); break;
    default: emit_bytes(e, (uint8_t[]){0x88, modrm}, 2); break;
    }
}

/* reg = v, in the shortest form; none of them changes the host flags. */
static void mov_imm(struct emit *e, unsigned reg, uint64_t v)
{
    if (v == (uint32_t)v) {
        emit_u8(e, (uint8_t)(0xb8 + reg));                   /* mov r32, imm32 */
        emit_u32(e, (uint32_t)v);
    } else if (v == (uint64_t)(int64_t)(int32_t)v) {
        emit_bytes(e, (uint8_t[]){0x48, 0xc7, (uint8_t)(0xc0 + reg)}, 3);
        emit_u32(e, (uint32_t)v);
    } else {
        emit_bytes(e, (uint8_t[]){0x48, (uint8_t)(0xb8 + reg)}, 2);
        emit_u64(e, v);
    }
}

/* ---- guest addresses and the TLB ------------------------------------------------------------ */

/* rax = the guest address of i's memory operand, as insn_ea computes it. Returns 0, having
 * written nothing, for 32-bit addressing (0x67), which templates leave to the handler. */
static int emit_ea(struct emit *e, const struct insn *i)
{
    if (i->prefix & PFX_ADDR32)
        return 0;
    int small = i->disp == (int32_t)i->disp;
    ld_cpu(e, 8, H_RAX, GPR(i->m_base));                      /* gpr[REG_NONE] is 0 */
    if (i->m_index != REG_NONE) {
        ld_cpu(e, 8, H_RCX, GPR(i->m_index));
        /* lea rax, [rax + rcx * scale + disp32] */
        emit_bytes(e, (uint8_t[]){0x48, 0x8d, 0x84, (uint8_t)(i->m_scale << 6 | 0x08)}, 4);
        emit_u32(e, small ? (uint32_t)(int32_t)i->disp : 0);
    } else if (small && i->disp) {
        emit_bytes(e, "\x48\x8d\x80", 3);                     /* lea rax, [rax + disp32] */
        emit_u32(e, (uint32_t)(int32_t)i->disp);
    }
    if (!small) {
        mov_imm(e, H_RCX, (uint64_t)i->disp);
        emit_bytes(e, "\x48\x01\xc8", 3);                     /* add rax, rcx */
    }
    if (i->m_seg != SEG_NONE) {
        emit_bytes(e, "\x48\x03\x83", 3);                     /* add rax, [rbx + segbase] */
        emit_u32(e, CPU_FIELD(segbase) + 8u * i->m_seg);
    }
    return 1;
}

/* mem_tlb's test on the guest address in rax: rdx = &tlb[index] of the TLB at tlb_off in
 * struct mem; to the slow path unless the entry holds the page and the access does not cross
 * it; then rsi = the host address. */
static void emit_tlb_lookup(struct emit *e, uint32_t tlb_off, unsigned size, struct slow_path *sp)
{
    emit_bytes(e, "\x48\x89\xc1\x48\xc1\xe9\x0c", 7);      /* mov rcx, rax; shr rcx, 12 */
    emit_bytes(e, "\x89\xca\x81\xe2", 4);                   /* mov edx, ecx; and edx, */
    emit_u32(e, TLB_SIZE - 1);
    emit_bytes(e, "\x48\xc1\xe2\x04\x48\x03\x93", 7);      /* shl rdx, 4; add rdx, [rbx+ */
    emit_u32(e, CPU_FIELD(mem));                              /*   mem] */
    if (tlb_off) {
        emit_bytes(e, "\x48\x81\xc2", 3);                     /* add rdx, imm32 */
        emit_u32(e, tlb_off);
    }
    emit_bytes(e, "\x48\x3b\x0a", 3);                        /* cmp rcx, [rdx] */
    sp->jcc[0] = emit_jcc_fwd(e, 0x85);                       /* jne slow */
    if (size > 1) {
        emit_bytes(e, "\x89\xc1\x81\xe1", 4);               /* mov ecx, eax; and ecx, */
        emit_u32(e, GUEST_PAGE_MASK);
        emit_bytes(e, "\x81\xf9", 2);                         /* cmp ecx, PAGE - size */
        emit_u32(e, GUEST_PAGE_SIZE - size);
        sp->jcc[1] = emit_jcc_fwd(e, 0x87);                   /* ja slow */
    }
    emit_bytes(e, "\x48\x89\xc6\x48\x03\x72\x08", 7);      /* mov rsi, rax; add rsi, [rdx+8] */
}

/* rsi = host address of i's memory operand, size bytes, read (or written when write). */
static int emit_mem_operand(struct emit *e, const struct insn *i, unsigned size, int write,
                            struct slow_path *sp)
{
    if (!emit_ea(e, i))
        return 0;
    emit_tlb_lookup(e, write ? offsetof(struct mem, tlb_w) : offsetof(struct mem, tlb_r), size, sp);
    return 1;
}

/* ---- MOV, LEA, MOVZX --------------------------------------------------------------------- */

static enum tmpl_result mov_template(struct emit *e, const struct insn *i)
{
    op_fn *fn = i->fn;
    if (fn == op_mov_r64_r64 || fn == op_mov_r32_r32) {
        ld_cpu(e, fn == op_mov_r64_r64 ? 8 : 4, H_RAX, GPR(i->reg[1]));
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_mov_r64_imm || fn == op_mov_r32_imm) {
        uint64_t v = (uint64_t)i->imm;
        mov_imm(e, H_RAX, fn == op_mov_r32_imm ? (uint32_t)v : v);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_lea64) {
        if (i->disp != (int32_t)i->disp)
            return TMPL_NONE;
        ld_cpu(e, 8, H_RAX, GPR(i->m_base));
        ld_cpu(e, 8, H_RCX, GPR(i->m_index));
        emit_bytes(e, (uint8_t[]){0x48, 0x8d, 0x84, (uint8_t)(i->m_scale << 6 | 0x08)}, 4);
        emit_u32(e, (uint32_t)(int32_t)i->disp);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else {
        return TMPL_NONE;
    }
    return TMPL_KEEPS_FLAGS;
}

static enum tmpl_result load_store_template(struct emit *e, const struct insn *i,
                                            struct slow_path *sp)
{
    op_fn *fn = i->fn;
    if (fn == op_mov_r64_m || fn == op_mov_r64_bd || fn == op_mov_r32_m ||
        (fn == op_movzx_r_m8 && i->size[0] >= 4)) {
        unsigned size = fn == op_movzx_r_m8 ? 1 : fn == op_mov_r32_m ? 4 : 8;
        if (!emit_mem_operand(e, i, size, 0, sp))
            return TMPL_NONE;
        ld_host(e, size, H_RAX);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_mov_m_r64 || fn == op_mov_bd_r64 || fn == op_mov_m_r32) {
        unsigned size = fn == op_mov_m_r32 ? 4 : 8;
        if (!emit_mem_operand(e, i, size, 1, sp))
            return TMPL_NONE;
        ld_cpu(e, 8, H_RAX, GPR(i->reg[1]));
        st_host(e, size, H_RAX);
    } else if (fn == op_mov_m_imm) {
        unsigned size = i->size[0];
        uint64_t v = (uint64_t)i->imm & width_mask(size);
        if (size == 8 && v != (uint64_t)(int64_t)(int32_t)v)
            return TMPL_NONE;
        if (!emit_mem_operand(e, i, size, 1, sp))
            return TMPL_NONE;
        mov_imm(e, H_RAX, v);
        st_host(e, size, H_RAX);
    } else {
        return TMPL_NONE;
    }
    return TMPL_DONE;
}

/* ---- two-operand ALU ------------------------------------------------------------------------
 * a in rax, b in rcx, both zero-extended from the width as the handlers keep them; rdx = a OP b
 * at the width (CMP computes as SUB, TEST as AND: the same flags); then the lazy-flag record
 * (flags_set) and the destination. */

static enum tmpl_result alu_template(struct emit *e, const struct insn *i, struct inline_alu f,
                                     struct slow_path *sp, int32_t *cc)
{
    /* The host opcode (r/m, reg form, 32/64-bit; the byte form is one less) and cc kind. */
    static const struct { uint8_t opcode, kind, writes; } ops[IALU_COUNT] = {
        [IALU_ADD] = {0x01, CC_ADD, 1},  [IALU_OR] = {0x09, CC_LOGIC, 1},
        [IALU_AND] = {0x21, CC_LOGIC, 1}, [IALU_SUB] = {0x29, CC_SUB, 1},
        [IALU_XOR] = {0x31, CC_LOGIC, 1}, [IALU_CMP] = {0x29, CC_SUB, 0},
        [IALU_TEST] = {0x21, CC_LOGIC, 0},
    };
    if (f.op == IALU_ADC || f.op == IALU_SBB)
        return TMPL_NONE;   /* they read the carry: flags_cf */
    unsigned w = f.bytes;
    int mem_dst = f.form == IFORM_MR || f.form == IFORM_MI;
    if (f.form == IFORM_RM || mem_dst) {
        /* A read-modify-write needs the page writable before anything is read (INSN_RMW). */
        if (!emit_mem_operand(e, i, w, mem_dst && ops[f.op].writes, sp))
            return TMPL_NONE;
    }
    if (mem_dst)
        ld_host(e, w, H_RAX);
    else
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    switch (f.form) {
    case IFORM_RR:
    case IFORM_MR: ld_cpu(e, w, H_RCX, GPR(i->reg[1])); break;
    case IFORM_RM: ld_host(e, w, H_RCX); break;
    default: mov_imm(e, H_RCX, (uint64_t)i->imm & width_mask(w)); break;
    }
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    uint8_t op = (uint8_t)(ops[f.op].opcode - (w == 1));
    if (w == 8)
        emit_bytes(e, (uint8_t[]){0x48, op, 0xca}, 3);        /* op rdx, rcx */
    else
        emit_bytes(e, (uint8_t[]){op, 0xca}, 2);              /* op edx, ecx / dl, cl */
    st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    st_cpu(e, 8, H_RCX, CPU_FIELD(cc_b));
    st_cpu(e, 8, H_RDX, CPU_FIELD(cc_res));
    *cc = (int32_t)CC_OP(ops[f.op].kind, width_log2(w));
    emit_bytes(e, "\xc7\x83", 2);                             /* mov dword [rbx + cc_op], */
    emit_u32(e, CPU_FIELD(cc_op));
    emit_u32(e, (uint32_t)*cc);
    if (ops[f.op].writes) {
        if (mem_dst)
            st_host(e, w, H_RDX);
        else   /* a 32-bit result zero-extends, a byte merges into the low byte */
            st_cpu(e, w == 1 ? 1 : 8, H_RDX, GPR(i->reg[0]));
    }
    /* A memory form's slow path ran the handler instead: the host flags are not the guest's. */
    return f.form == IFORM_RR || f.form == IFORM_RI ? TMPL_FLAGS_LIVE : TMPL_DONE;
}

enum tmpl_result tier2_inline(struct emit *e, const struct insn *i, uint64_t rip,
                              struct slow_path *sp, int32_t *cc)
{
    *sp = (struct slow_path){{NULL, NULL}, NULL, i, rip};
    enum tmpl_result r = mov_template(e, i);
    if (r == TMPL_NONE)
        r = load_store_template(e, i, sp);
    struct inline_alu f;
    if (r == TMPL_NONE && alu_inline_form(i->fn, &f))
        r = alu_template(e, i, f, sp, cc);
    sp->back = e->p;
    return r;
}

/* ---- Jcc ------------------------------------------------------------------------------------ */

/* Host flags equal to what the record cc (an ADD, SUB or LOGIC one) implies for every
 * condition: the same operation redone at the same width on the recorded operands. */
static int emit_flags_from_record(struct emit *e, int32_t cc)
{
    unsigned kind = (unsigned)cc >> 2, w = 1u << (cc & 3);
    if (w == 2)
        return 0;
    uint8_t rex = w == 8 ? 0x48 : 0x00;
    if (kind == CC_LOGIC) {
        ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_res));
        uint8_t op = w == 1 ? 0x84 : 0x85;                    /* test rax, rax */
        if (rex)
            emit_u8(e, rex);
        emit_bytes(e, (uint8_t[]){op, 0xc0}, 2);
        return 1;
    }
    if (kind != CC_SUB && kind != CC_ADD)
        return 0;
    ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    uint8_t op = (uint8_t)((kind == CC_SUB ? 0x3b : 0x03) - (w == 1)); /* cmp/add rax, [m] */
    if (rex)
        emit_u8(e, rex);
    emit_bytes(e, (uint8_t[]){op, 0x83}, 2);
    emit_u32(e, CPU_FIELD(cc_b));
    return 1;
}

int tier2_inline_jcc(struct emit *e, const struct insn *i, uint64_t next, int32_t cc,
                     int flags_live)
{
    int cond = jcc_inline_cond(i->fn);
    if (cond < 0 || (!flags_live && (cc < 0 || !emit_flags_from_record(e, cc))))
        return 0;
    /* rip = cond ? target : next; movs and cmov leave the flags alone. */
    mov_imm(e, H_RAX, next);
    mov_imm(e, H_RCX, (uint64_t)i->imm);
    emit_bytes(e, (uint8_t[]){0x48, 0x0f, (uint8_t)(0x40 + cond), 0xc1}, 4);  /* cmovcc rax, rcx */
    st_cpu(e, 8, H_RAX, CPU_FIELD(rip));
    return 1;
}

void tier2_emit_slow_path(struct emit *e, const struct slow_path *sp)
{
    if (sp->jcc[0])
        emit_patch_rel32(sp->jcc[0], e->p);
    if (sp->jcc[1])
        emit_patch_rel32(sp->jcc[1], e->p);
    emit_store_cpu64(e, offsetof(struct cpu, insn_rip), sp->rip);
    emit_call2(e, (const void *)sp->i->fn, (uintptr_t)sp->i);
    emit_u8(e, 0xe9);                                         /* jmp back */
    uint8_t *at = e->p;
    emit_u32(e, 0);
    if (!e->overflow)
        emit_patch_rel32(at, sp->back);
}
