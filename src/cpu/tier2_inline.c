/* tier2_inline.c — instruction templates: the work of the hottest handlers (moves, LEA, the
 * ALU forms, INC/DEC, shifts, SETcc/CMOVcc, PUSH/POP, Jcc/JMP/CALL/RET) as a few host
 * instructions on struct cpu's fields (rbx holds the cpu), memory through the same TLB the
 * handlers use. Encodings: SDM Vol. 2 (MOV 88/89/8B/C6/C7/B8, MOVZX 0F B6/B7, LEA 8D, ALU 00-39
 * and 84/85, INC/DEC FF /0 /1, shifts C1 /4 /5 /7, SETcc 0F 90+cc, CMOVcc 0F 40+cc). */
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

/* reg = [rbx + off], zero-extended from 1, 2, 4 or 8 bytes. */
static void ld_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    uint8_t modrm = (uint8_t)(0x83 | reg << 3);
    switch (bytes) {
    case 8: emit_bytes(e, (uint8_t[]){0x48, 0x8b, modrm}, 3); break;
    case 4: emit_bytes(e, (uint8_t[]){0x8b, modrm}, 2); break;
    case 2: emit_bytes(e, (uint8_t[]){0x0f, 0xb7, modrm}, 3); break;
    default: emit_bytes(e, (uint8_t[]){0x0f, 0xb6, modrm}, 3); break;
    }
    emit_u32(e, off);
}

/* [rbx + off] = the low 1, 2, 4 or 8 bytes of reg (reg < 4 for a byte). */
static void st_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    uint8_t modrm = (uint8_t)(0x83 | reg << 3);
    switch (bytes) {
    case 8: emit_bytes(e, (uint8_t[]){0x48, 0x89, modrm}, 3); break;
    case 4: emit_bytes(e, (uint8_t[]){0x89, modrm}, 2); break;
    case 2: emit_bytes(e, (uint8_t[]){0x66, 0x89, modrm}, 3); break;
    default: emit_bytes(e, (uint8_t[]){0x88, modrm}, 2); break;
    }
    emit_u32(e, off);
}

/* qword [rbx + off] = v (sign-extended imm32). */
static void st_cpu_imm(struct emit *e, uint32_t off, int32_t v)
{
    emit_bytes(e, "\x48\xc7\x83", 3);
    emit_u32(e, off);
    emit_u32(e, (uint32_t)v);
}

/* Where operand n's register lives in struct cpu: AH..BH are byte 1 of gpr[0..3]. */
static uint32_t reg_off(const struct insn *i, int n)
{
    return GPR(i->reg[n]) + (i->kind[n] == OK_REG8H);
}

/* rax += imm (lea: the host flags stay). */
static void add_rax(struct emit *e, int32_t imm)
{
    emit_bytes(e, "\x48\x8d\x80", 3);
    emit_u32(e, (uint32_t)imm);
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
        add_rax(e, (int32_t)i->disp);
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
    sp->writes = tlb_off == offsetof(struct mem, tlb_w);
    if (size > 1) {
        emit_bytes(e, "\x89\xc1\x81\xe1", 4);               /* mov ecx, eax; and ecx, */
        emit_u32(e, GUEST_PAGE_MASK);
        emit_bytes(e, "\x81\xf9", 2);                         /* cmp ecx, PAGE - size */
        emit_u32(e, GUEST_PAGE_SIZE - size);
        sp->jcc[1] = emit_jcc_fwd(e, 0x87);                   /* ja slow */
    }
    emit_bytes(e, "\x48\x89\xc6\x48\x03\x72\x08", 7);      /* mov rsi, rax; add rsi, [rdx+8] */
}

/* rsi = host address of i's memory operand, size bytes, read (or written when write);
 * rax keeps the guest address. */
static int emit_mem_operand(struct emit *e, const struct insn *i, unsigned size, int write,
                            struct slow_path *sp)
{
    if (!emit_ea(e, i))
        return 0;
    emit_tlb_lookup(e, write ? offsetof(struct mem, tlb_w) : offsetof(struct mem, tlb_r), size, sp);
    return 1;
}

/* ---- MOV, LEA, MOVZX --------------------------------------------------------------------- */

/* ---- the flags ------------------------------------------------------------------------------ */

/* Host flags equal to what the record cc (an ADD, SUB or LOGIC one) implies for every
 * condition: the same operation redone at the same width on the recorded operands. Returns 0,
 * having written nothing, for other records. */
static int flags_from_record(struct emit *e, int32_t cc)
{
    if (cc < 0)
        return 0;
    unsigned kind = (unsigned)cc >> 2, w = 1u << (cc & 3);
    if (w == 2 || (kind != CC_LOGIC && kind != CC_SUB && kind != CC_ADD))
        return 0;
    uint8_t narrow = w == 1;
    if (kind == CC_LOGIC) {
        ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_res));
        if (w == 8)
            emit_u8(e, 0x48);
        emit_bytes(e, (uint8_t[]){(uint8_t)(0x85 - narrow), 0xc0}, 2);   /* test rax, rax */
        return 1;
    }
    ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    if (w == 8)
        emit_u8(e, 0x48);
    /* cmp / add rax, [rbx + cc_b] */
    emit_bytes(e, (uint8_t[]){(uint8_t)((kind == CC_SUB ? 0x3b : 0x03) - narrow), 0x83}, 2);
    emit_u32(e, CPU_FIELD(cc_b));
    return 1;
}

/* Makes the host flags the guest's, if tier 2 knows them. */
static int want_flags(struct emit *e, const struct tmpl_flags *f)
{
    return f->live || flags_from_record(e, f->cc);
}

/* The lazy-flag record of an operation on rax (a), rcx (b) giving rdx (r), as flags_set. */
static void record_flags(struct emit *e, struct tmpl_flags *f, unsigned kind, unsigned bytes)
{
    st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    st_cpu(e, 8, H_RCX, CPU_FIELD(cc_b));
    st_cpu(e, 8, H_RDX, CPU_FIELD(cc_res));
    f->cc = (int32_t)CC_OP(kind, width_log2(bytes));
    emit_bytes(e, "\xc7\x83", 2);                             /* mov dword [rbx + cc_op], */
    emit_u32(e, CPU_FIELD(cc_op));
    emit_u32(e, (uint32_t)f->cc);
}

/* ecx = CF (setc cl; movzx ecx, cl): neither changes the flags. */
static void ecx_from_cf(struct emit *e)
{
    emit_bytes(e, "\x0f\x92\xc1\x0f\xb6\xc9", 6);
}

/* ---- moves ---------------------------------------------------------------------------------- */

/* Register and immediate moves and LEA: no memory, no flags. */
static int move_template(struct emit *e, const struct insn *i)
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
            return 0;
        ld_cpu(e, 8, H_RAX, GPR(i->m_base));
        ld_cpu(e, 8, H_RCX, GPR(i->m_index));
        emit_bytes(e, (uint8_t[]){0x48, 0x8d, 0x84, (uint8_t)(i->m_scale << 6 | 0x08)}, 4);
        emit_u32(e, (uint32_t)(int32_t)i->disp);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_movzx && i->kind[1] != OK_MEM) {
        /* reg_put at size[0]: a 16-bit destination merges, wider ones zero-extend */
        ld_cpu(e, i->size[1], H_RAX, reg_off(i, 1));
        st_cpu(e, i->size[0] == 2 ? 2 : 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_mov_generic && i->kind[0] != OK_MEM && i->kind[1] != OK_MEM &&
               i->size[0] <= 2) {
        if (i->kind[1] == OK_IMM)
            mov_imm(e, H_RAX, (uint64_t)i->imm & width_mask(i->size[0]));
        else
            ld_cpu(e, i->size[0], H_RAX, reg_off(i, 1));
        st_cpu(e, i->size[0], H_RAX, reg_off(i, 0));
    } else {
        return 0;
    }
    return 1;
}

/* Moves with a memory operand, PUSH and POP. */
static int memory_move_template(struct emit *e, const struct insn *i, struct slow_path *sp)
{
    op_fn *fn = i->fn;
    if (fn == op_mov_r64_m || fn == op_mov_r64_bd || fn == op_mov_r32_m ||
        ((fn == op_movzx_r_m8 || fn == op_movzx) && i->kind[1] == OK_MEM)) {
        unsigned size = fn == op_mov_r32_m ? 4 : fn == op_movzx_r_m8 ? 1 : fn == op_movzx ? i->size[1] : 8;
        if (!emit_mem_operand(e, i, size, 0, sp))
            return 0;
        ld_host(e, size, H_RAX);
        st_cpu(e, (fn == op_movzx_r_m8 || fn == op_movzx) && i->size[0] == 2 ? 2 : 8, H_RAX,
               GPR(i->reg[0]));
    } else if (fn == op_mov_m_r64 || fn == op_mov_bd_r64 || fn == op_mov_m_r32) {
        unsigned size = fn == op_mov_m_r32 ? 4 : 8;
        if (!emit_mem_operand(e, i, size, 1, sp))
            return 0;
        ld_cpu(e, 8, H_RCX, GPR(i->reg[1]));
        st_host(e, size, H_RCX);
    } else if (fn == op_mov_m_imm) {
        unsigned size = i->size[0];
        uint64_t v = (uint64_t)i->imm & width_mask(size);
        if (size == 8 && v != (uint64_t)(int64_t)(int32_t)v)
            return 0;
        if (!emit_mem_operand(e, i, size, 1, sp))
            return 0;
        mov_imm(e, H_RCX, v);
        st_host(e, size, H_RCX);
    } else if (fn == op_mov_generic && i->size[0] <= 2 &&
               (i->kind[0] == OK_MEM || i->kind[1] == OK_MEM)) {
        unsigned size = i->size[0], store = i->kind[0] == OK_MEM;
        if (!emit_mem_operand(e, i, size, store, sp))
            return 0;
        if (!store) {
            ld_host(e, size, H_RCX);
            st_cpu(e, size, H_RCX, reg_off(i, 0));
        } else {
            if (i->kind[1] == OK_IMM)
                mov_imm(e, H_RCX, (uint64_t)i->imm & width_mask(size));
            else
                ld_cpu(e, size, H_RCX, reg_off(i, 1));
            st_host(e, size, H_RCX);
        }
    } else if (fn == op_push_r64) {
        /* the store before RSP changes (precise); PUSH RSP pushes the old value */
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        add_rax(e, -8);
        emit_tlb_lookup(e, offsetof(struct mem, tlb_w), 8, sp);
        ld_cpu(e, 8, H_RCX, GPR(i->reg[0]));
        st_host(e, 8, H_RCX);
        st_cpu(e, 8, H_RAX, GPR(RSP));
    } else if (fn == op_pop_r64) {
        /* RSP first, then the destination: POP RSP keeps the loaded value */
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        emit_tlb_lookup(e, offsetof(struct mem, tlb_r), 8, sp);
        ld_host(e, 8, H_RCX);
        add_rax(e, 8);
        st_cpu(e, 8, H_RAX, GPR(RSP));
        st_cpu(e, 8, H_RCX, GPR(i->reg[0]));
    } else {
        return 0;
    }
    return 1;
}

/* ---- arithmetic ------------------------------------------------------------------------------
 * a in rax, b in rcx, both zero-extended from the width as the handlers keep them; rdx = a OP b
 * at the width (CMP computes as SUB, TEST as AND: the same flags); then the lazy-flag record
 * (flags_set) and the destination. */

static int alu_template(struct emit *e, const struct insn *i, struct inline_alu a,
                        struct slow_path *sp, struct tmpl_flags *f)
{
    /* The host opcode (r/m, reg form, 32/64-bit; the byte form is one less) and cc kind. */
    static const struct { uint8_t opcode, kind, writes; } ops[IALU_COUNT] = {
        [IALU_ADD] = {0x01, CC_ADD, 1},  [IALU_OR] = {0x09, CC_LOGIC, 1},
        [IALU_AND] = {0x21, CC_LOGIC, 1}, [IALU_SUB] = {0x29, CC_SUB, 1},
        [IALU_XOR] = {0x31, CC_LOGIC, 1}, [IALU_CMP] = {0x29, CC_SUB, 0},
        [IALU_TEST] = {0x21, CC_LOGIC, 0},
    };
    if (a.op == IALU_ADC || a.op == IALU_SBB)
        return 0;   /* they read the carry: flags_cf */
    unsigned w = a.bytes;
    int mem_dst = a.form == IFORM_MR || a.form == IFORM_MI;
    if (a.form == IFORM_RM || mem_dst) {
        /* A read-modify-write needs the page writable before anything is read (INSN_RMW). */
        if (!emit_mem_operand(e, i, w, mem_dst && ops[a.op].writes, sp))
            return 0;
    }
    if (mem_dst)
        ld_host(e, w, H_RAX);
    else
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    switch (a.form) {
    case IFORM_RR:
    case IFORM_MR: ld_cpu(e, w, H_RCX, GPR(i->reg[1])); break;
    case IFORM_RM: ld_host(e, w, H_RCX); break;
    default: mov_imm(e, H_RCX, (uint64_t)i->imm & width_mask(w)); break;
    }
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    uint8_t op = (uint8_t)(ops[a.op].opcode - (w == 1));
    if (w == 8)
        emit_bytes(e, (uint8_t[]){0x48, op, 0xca}, 3);        /* op rdx, rcx */
    else
        emit_bytes(e, (uint8_t[]){op, 0xca}, 2);              /* op edx, ecx / dl, cl */
    record_flags(e, f, ops[a.op].kind, w);
    if (ops[a.op].writes) {
        if (mem_dst)
            st_host(e, w, H_RDX);
        else   /* a 32-bit result zero-extends, a byte merges into the low byte */
            st_cpu(e, w == 1 ? 1 : 8, H_RDX, GPR(i->reg[0]));
    }
    /* A memory form's slow path ran the handler instead: the host flags are not the guest's. */
    f->live = !sp->jcc[0];
    return 1;
}

/* INC/DEC r32/r64 keep CF: done on the host with the guest's flags in place, INC/DEC keep it
 * too, and SETC reads it back for cc_aux. */
static int incdec_template(struct emit *e, const struct insn *i, struct tmpl_flags *f)
{
    op_fn *fn = i->fn;
    int inc = fn == op_inc_r32 || fn == op_inc_r64;
    if (!inc && fn != op_dec_r32 && fn != op_dec_r64)
        return 0;
    unsigned w = fn == op_inc_r64 || fn == op_dec_r64 ? 8 : 4;
    if (!want_flags(e, f))
        return 0;
    ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    if (w == 8)
        emit_u8(e, 0x48);
    emit_bytes(e, (uint8_t[]){0xff, inc ? 0xc2 : 0xca}, 2);  /* inc/dec rdx */
    ecx_from_cf(e);
    st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    st_cpu_imm(e, CPU_FIELD(cc_b), 1);
    st_cpu(e, 8, H_RDX, CPU_FIELD(cc_res));
    st_cpu(e, 4, H_RCX, CPU_FIELD(cc_aux));
    f->cc = (int32_t)CC_OP(inc ? CC_INC : CC_DEC, width_log2(w));
    emit_bytes(e, "\xc7\x83", 2);                             /* mov dword [rbx + cc_op], */
    emit_u32(e, CPU_FIELD(cc_op));
    emit_u32(e, (uint32_t)f->cc);
    st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    f->live = 1;
    return 1;
}

/* SHL/SHR/SAR r32/r64, imm8, recorded as shift_flags does: cc_aux = CF | OF << 1, OF by the
 * count-1 formula for every count (ops_shift.c do_shl/do_shr/do_sar). */
static int shift_template(struct emit *e, const struct insn *i, struct tmpl_flags *f)
{
    unsigned op, w;
    if (!shift_inline_form(i->fn, &op, &w))
        return 0;
    unsigned bits = w * 8, n = (unsigned)i->imm & (bits - 1);
    uint8_t rex = w == 8 ? 0x48 : 0x40;   /* 0x40: a harmless empty REX */
    ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    if (n == 0) {   /* no flags change; a 32-bit register is still zero-extended */
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
        return 1;
    }
    static const uint8_t ext[3] = {[ISH_SHL] = 4, [ISH_SHR] = 5, [ISH_SAR] = 7};
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    emit_bytes(e, (uint8_t[]){rex, 0xc1, (uint8_t)(0xc2 | ext[op] << 3), (uint8_t)n}, 4);
    ecx_from_cf(e);
    if (op == ISH_SHL || (op == ISH_SHR && n == 1)) {
        /* esi = MSB of the result (SHL: then xor CF) or of the operand (SHR by 1) */
        emit_bytes(e, op == ISH_SHL ? "\x48\x89\xd6" : "\x48\x89\xc6", 3);
        emit_bytes(e, (uint8_t[]){rex, 0xc1, 0xee, (uint8_t)(bits - 1)}, 4);  /* shr rsi */
        if (op == ISH_SHL)
            emit_bytes(e, "\x31\xce", 2);                     /* xor esi, ecx */
        emit_bytes(e, "\xd1\xe6\x09\xf1", 4);                /* shl esi, 1; or ecx, esi */
    }
    st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    st_cpu_imm(e, CPU_FIELD(cc_b), (int32_t)n);
    st_cpu(e, 8, H_RDX, CPU_FIELD(cc_res));
    st_cpu(e, 4, H_RCX, CPU_FIELD(cc_aux));
    f->cc = (int32_t)CC_OP(CC_SHIFT, width_log2(w));
    emit_bytes(e, "\xc7\x83", 2);                             /* mov dword [rbx + cc_op], */
    emit_u32(e, CPU_FIELD(cc_op));
    emit_u32(e, (uint32_t)f->cc);
    st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    f->live = 0;   /* the host's OF after a multi-bit shift need not be goemu's */
    return 1;
}

/* SETcc r8 and CMOVcc r32/r64, r32/r64 from the host flags. */
static int cond_template(struct emit *e, const struct insn *i, struct tmpl_flags *f)
{
    int is_cmov, cc = cond_inline_form(i->fn, &is_cmov);
    if (cc < 0)
        return 0;
    if (is_cmov ? i->kind[1] != OK_REG || i->size[0] < 4 : i->kind[0] == OK_MEM)
        return 0;
    if (!want_flags(e, f))
        return 0;
    if (is_cmov) {
        unsigned w = i->size[0];
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
        ld_cpu(e, w, H_RCX, GPR(i->reg[1]));
        /* cmovcc rax, rcx: a 32-bit destination is zero-extended either way */
        emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0x0f, (uint8_t)(0x40 + cc), 0xc1}, 4);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else {
        emit_bytes(e, (uint8_t[]){0x0f, (uint8_t)(0x90 + cc), 0xc0}, 3);   /* setcc al */
        st_cpu(e, 1, H_RAX, reg_off(i, 0));
    }
    f->live = 1;
    return 1;
}

int tier2_inline(struct emit *e, const struct insn *i, uint64_t rip, struct slow_path *sp,
                 struct tmpl_flags *f)
{
    *sp = (struct slow_path){{NULL, NULL, NULL}, NULL, i, rip, 0};
    struct inline_alu a;
    int done;
    if (move_template(e, i)) {
        done = 1;   /* the flags stay as they were, in the host too */
    } else if (memory_move_template(e, i, sp)) {
        done = 1;
        f->live = 0;
    } else if (alu_inline_form(i->fn, &a)) {
        done = alu_template(e, i, a, sp, f);
    } else {
        done = incdec_template(e, i, f) || shift_template(e, i, f) || cond_template(e, i, f);
    }
    sp->back = e->p;
    return done;
}

/* ---- the block's last instruction ----------------------------------------------------------- */

int tier2_inline_end(struct emit *e, const struct insn *i, uint64_t rip, uint64_t next,
                     struct slow_path *sp, const struct tmpl_flags *f)
{
    *sp = (struct slow_path){{NULL, NULL, NULL}, NULL, i, rip, 0};
    op_fn *fn = i->fn;
    int cond = jcc_inline_cond(fn);
    if (cond >= 0) {
        if (!want_flags(e, f))
            return 0;
        /* rip = cond ? target : next; movs and cmov leave the flags alone. */
        mov_imm(e, H_RAX, next);
        mov_imm(e, H_RCX, (uint64_t)i->imm);
        emit_bytes(e, (uint8_t[]){0x48, 0x0f, (uint8_t)(0x40 + cond), 0xc1}, 4);  /* cmovcc */
        st_cpu(e, 8, H_RAX, CPU_FIELD(rip));
    } else if (fn == op_jmp_rel) {
        mov_imm(e, H_RAX, (uint64_t)i->imm);
        st_cpu(e, 8, H_RAX, CPU_FIELD(rip));
    } else if (fn == op_call_rel) {
        /* The handler, on the slow path, pushes c->rip: the next instruction. */
        emit_store_cpu64(e, CPU_FIELD(rip), next);
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        add_rax(e, -8);
        emit_tlb_lookup(e, offsetof(struct mem, tlb_w), 8, sp);
        mov_imm(e, H_RCX, next);
        st_host(e, 8, H_RCX);
        st_cpu(e, 8, H_RAX, GPR(RSP));
        mov_imm(e, H_RAX, (uint64_t)i->imm);
        st_cpu(e, 8, H_RAX, CPU_FIELD(rip));
    } else if (fn == op_ret) {
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        emit_tlb_lookup(e, offsetof(struct mem, tlb_r), 8, sp);
        ld_host(e, 8, H_RCX);
        /* a non-canonical target faults in the handler (branch_target) */
        emit_bytes(e, "\x48\x89\xca\x48\xc1\xe2\x10\x48\xc1\xfa\x10\x48\x39\xca", 14);
        sp->jcc[2] = emit_jcc_fwd(e, 0x85);   /* mov rdx, rcx; shl rdx, 16; sar rdx, 16; cmp */
        add_rax(e, 8);
        st_cpu(e, 8, H_RAX, GPR(RSP));
        st_cpu(e, 8, H_RCX, CPU_FIELD(rip));
    } else {
        return 0;
    }
    sp->back = e->p;
    return 1;
}

void tier2_emit_slow_path(struct emit *e, const struct slow_path *sp)
{
    for (int k = 0; k < 3; k++)
        if (sp->jcc[k])
            emit_patch_rel32(sp->jcc[k], e->p);
    emit_store_cpu64(e, offsetof(struct cpu, insn_rip), sp->rip);
    emit_call2(e, (const void *)sp->i->fn, (uintptr_t)sp->i);
    emit_u8(e, 0xe9);                                         /* jmp back */
    uint8_t *at = e->p;
    emit_u32(e, 0);
    if (!e->overflow)
        emit_patch_rel32(at, sp->back);
}
