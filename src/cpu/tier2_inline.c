/* tier2_inline.c — instruction templates: the work of the hottest handlers (moves, LEA, the
 * ALU forms, INC/DEC, shifts, SETcc/CMOVcc, PUSH/POP, Jcc/JMP/CALL/RET) as a few host
 * instructions on struct cpu's fields (rbx holds the cpu), memory through the same TLB the
 * handlers use. Encodings: SDM Vol. 2 (MOV 88/89/8B/C6/C7/B8, MOVZX 0F B6/B7, LEA 8D, ALU 00-39
 * and 84/85, INC/DEC FF /0 /1, shifts C1 /4 /5 /7, SETcc 0F 90+cc, CMOVcc 0F 40+cc). */
#include "cpu/tier2_inline.h"

#include <stddef.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/ops_inline.h"
#include "mem/aspace.h"

/* Host registers by encoding number: rax, rcx, rdx are scratch, rsi the host address of a
 * memory operand, rbx the cpu. */
enum { H_RAX = 0, H_RCX = 1, H_RDX = 2, H_RSI = 6, H_RDI = 7 };

#define GPR(r) ((uint32_t)(offsetof(struct cpu, gpr) + 8u * (r)))
#define CPU_FIELD(f) ((uint32_t)offsetof(struct cpu, f))

_Static_assert(sizeof(struct tlb_entry) == 16, "the TLB index is scaled by shl 4");

/* ---- moves between host registers, struct cpu and host memory ------------------------------ */

/* reg = [rbx + off], zero-extended from 1, 2, 4 or 8 bytes. */
static void ld_raw(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
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
static void st_raw(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
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

/* ---- the guest register cache ------------------------------------------------------------
 * ld_cpu/st_cpu of a guest register go through it; other struct cpu fields go to memory. The
 * host registers: r8-r11 are caller-saved, which is safe because every call in a block comes
 * after a write-back and before a reload or a forget; r13-r15 and rbp are saved by the
 * prologue. */
static const uint8_t slot_host[GPRC_SLOTS] = {8, 9, 10, 11, 13, 14, 15, 5};

/* mov [rbx + gpr[g]], host / mov host, [rbx + gpr[g]] */
static void gc_move(struct emit *e, uint8_t opcode, unsigned host, unsigned g)
{
    emit_bytes(e, (uint8_t[]){(uint8_t)(0x48 | (host >= 8) << 2), opcode,
                              (uint8_t)(0x83 | (host & 7) << 3)}, 3);
    emit_u32(e, GPR(g));
}

/* dst = src (64-bit), or the low 32 bits zero-extended */
static void mov_rr(struct emit *e, unsigned bytes, unsigned dst, unsigned src)
{
    uint8_t rex = (uint8_t)(0x40 | (bytes == 8) << 3 | (src >= 8) << 2 | (dst >= 8));
    if (rex != 0x40)
        emit_u8(e, rex);
    emit_bytes(e, (uint8_t[]){0x89, (uint8_t)(0xc0 | (src & 7) << 3 | (dst & 7))}, 2);
}

static void gc_writeback(struct emit *e, int s)
{
    struct gpr_cache *gc = e->gprs;
    if (gc->dirty & 1u << s)
        gc_move(e, 0x89, slot_host[s], gc->guest[s]);
    gc->dirty &= (uint8_t)~(1u << s);
}

static void gc_drop(struct gpr_cache *gc, int s)
{
    gc->slot_of[gc->guest[s]] = -1;
    gc->guest[s] = GPRC_FREE;
}

static int gc_alloc(struct emit *e, unsigned g)
{
    struct gpr_cache *gc = e->gprs;
    int s = -1;
    for (int k = 0; k < GPRC_SLOTS && s < 0; k++)
        if (gc->guest[k] == GPRC_FREE)
            s = k;
    if (s < 0) {
        s = gc->victim;
        gc->victim = (uint8_t)((gc->victim + 1) % GPRC_SLOTS);
        gc_writeback(e, s);
        gc_drop(gc, s);
    }
    gc->guest[s] = (uint8_t)g;
    gc->slot_of[g] = (int8_t)s;
    return s;
}

/* The host register holding guest register g (< 16), loading it into the cache if needed.
 * The slot stays valid until the next gc_alloc, which may evict it. */
static unsigned gc_host(struct emit *e, unsigned g)
{
    int s = e->gprs->slot_of[g];
    if (s < 0) {
        s = gc_alloc(e, g);
        gc_move(e, 0x8b, slot_host[s], g);
    }
    return slot_host[s];
}

void tier2_gprs_init(struct gpr_cache *gc)
{
    memset(gc->slot_of, -1, sizeof gc->slot_of);
    memset(gc->guest, GPRC_FREE, sizeof gc->guest);
    gc->dirty = gc->victim = 0;
    gc->win = 0;
}

void tier2_gprs_flush(struct emit *e)
{
    for (int s = 0; e->gprs && s < GPRC_SLOTS; s++)
        gc_writeback(e, s);
}

void tier2_gprs_forget(struct emit *e)
{
    if (e->gprs)
        tier2_gprs_init(e->gprs);   /* the window closes too: a handler may change RSP */
}

/* The guest register at off in struct cpu, or -1 for any other field (gpr[REG_NONE], which
 * is always 0, included). */
static int gpr_at(const struct emit *e, uint32_t off, unsigned *byte)
{
    if (!e->gprs || off - GPR(0) >= GPR(16) - GPR(0))   /* unsigned: below gpr wraps */
        return -1;
    *byte = (off - GPR(0)) % 8;
    return (int)((off - GPR(0)) / 8);
}

/* reg = [rbx + off], zero-extended from 1, 2, 4 or 8 bytes: a guest register from its host
 * register when cached (4 and 8 bytes; a byte or word is read from struct cpu after a
 * write-back). */
static void ld_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    unsigned byte;
    int g = gpr_at(e, off, &byte);
    if (g < 0) {
        ld_raw(e, bytes, reg, off);
        return;
    }
    int s = e->gprs->slot_of[g];
    if (byte || bytes < 4) {
        if (s >= 0)
            gc_writeback(e, s);
        ld_raw(e, bytes, reg, off);
        return;
    }
    if (s < 0) {
        s = gc_alloc(e, (unsigned)g);
        gc_move(e, 0x8b, slot_host[s], (unsigned)g);
    }
    mov_rr(e, bytes, reg, slot_host[s]);
}

/* [rbx + off] = the low bytes of reg: a whole guest register into its host register (a byte or
 * word goes to struct cpu, and the cached copy is dropped). */
static void st_cpu(struct emit *e, unsigned bytes, unsigned reg, uint32_t off)
{
    unsigned byte;
    int g = gpr_at(e, off, &byte);
    if (g < 0) {
        st_raw(e, bytes, reg, off);
        return;
    }
    int s = e->gprs->slot_of[g];
    if (g == RSP)
        e->gprs->win = 0;
    if (byte || bytes < 8) {
        if (s >= 0) {
            gc_writeback(e, s);
            gc_drop(e->gprs, s);
        }
        st_raw(e, bytes, reg, off);
        return;
    }
    if (s < 0)
        s = gc_alloc(e, (unsigned)g);
    mov_rr(e, 8, slot_host[s], reg);
    e->gprs->dirty |= (uint8_t)(1u << s);
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
    if (small && e->gprs && i->m_base != REG_NONE) {
        /* lea rax, [base + index * scale + disp32] straight from the cached registers */
        unsigned b = gc_host(e, i->m_base), x = i->m_index != REG_NONE ? gc_host(e, i->m_index) : 0;
        if (e->gprs->slot_of[i->m_base] < 0)   /* the index's load evicted the base: again */
            b = gc_host(e, i->m_base);      /* (round robin: it evicts another slot) */
        if (i->m_index != REG_NONE)
            emit_bytes(e, (uint8_t[]){(uint8_t)(0x48 | (x >= 8) << 1 | (b >= 8)), 0x8d, 0x84,
                                      (uint8_t)(i->m_scale << 6 | (x & 7) << 3 | (b & 7))}, 4);
        else
            emit_bytes(e, (uint8_t[]){(uint8_t)(0x48 | (b >= 8)), 0x8d, (uint8_t)(0x80 | (b & 7))}, 3);
        emit_u32(e, (uint32_t)(int32_t)i->disp);
    } else if (i->m_base == REG_NONE && i->m_index == REG_NONE) {
        mov_imm(e, H_RAX, (uint64_t)i->disp);
        small = 1;
    } else {
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
    }
    if (i->m_seg != SEG_NONE) {
        emit_bytes(e, "\x48\x03\x83", 3);                     /* add rax, [rbx + segbase] */
        emit_u32(e, CPU_FIELD(segbase) + 8u * i->m_seg);
    }
    return 1;
}

/* mem_tlb's test on the guest address in rax, with r12 = c->mem (tier2.c's prologue): the
 * entry is indexed by the first byte's page and compared with the last byte's page, so an
 * access that crosses a page misses (qemu's tlb_fill trick). To the slow path on a miss; then
 * rsi = the host address. rax is kept; rcx and rdx are clobbered. */
static void emit_tlb_lookup(struct emit *e, uint32_t tlb_off, unsigned size, struct slow_path *sp)
{
    if (size > 1)
        emit_bytes(e, (uint8_t[]){0x48, 0x8d, 0x48, (uint8_t)(size - 1)}, 4); /* lea rcx, [rax+s-1] */
    else
        emit_bytes(e, "\x48\x89\xc1", 3);                   /* mov rcx, rax */
    emit_bytes(e, "\x48\xc1\xe9\x0c", 4);                  /* shr rcx, 12 */
    emit_bytes(e, "\x89\xc2\xc1\xea\x08\x81\xe2", 7);      /* mov edx, eax; shr edx, 8; and edx, */
    emit_u32(e, (TLB_SIZE - 1) << 4);                         /*   index * 16 */
    emit_bytes(e, "\x49\x3b\x8c\x14", 4);                  /* cmp rcx, [r12 + rdx + tag] */
    emit_u32(e, tlb_off + (uint32_t)offsetof(struct tlb_entry, tag));
    if (e->gprs)
        sp->at_jump = *e->gprs;
    sp->jcc[0] = emit_jcc_fwd(e, 0x85);                       /* jne slow */
    sp->writes = tlb_off == offsetof(struct mem, tlb_w);
    emit_bytes(e, "\x48\x89\xc6\x49\x03\xb4\x14", 7);      /* mov rsi, rax; add rsi, [r12 + */
    emit_u32(e, tlb_off + (uint32_t)offsetof(struct tlb_entry, addend)); /* rdx + addend] */
}

/* rsi = host address of i's memory operand, size bytes, read (or written when write);
 * rax keeps the guest address. */
static int emit_mem_operand(struct emit *e, const struct insn *i, unsigned size, int write,
                            struct slow_path *sp)
{
    struct gpr_cache *gc = e->gprs;
    if (gc && gc->win && (!write || gc->win_write) && i->m_base == RSP &&
        i->m_index == REG_NONE && i->m_seg == SEG_NONE && !(i->prefix & PFX_ADDR32) &&
        i->disp >= gc->win_lo && i->disp + (int64_t)size <= gc->win_hi) {
        /* In the stack window: lea rsi, [rsp' + disp]; add rsi, [host rsp] (the addend).
         * Cannot miss, so no slow path. */
        unsigned h = gc_host(e, RSP);
        emit_bytes(e, (uint8_t[]){(uint8_t)(0x48 | (h >= 8)), 0x8d, (uint8_t)(0xb0 | (h & 7))}, 3);
        emit_u32(e, (uint32_t)(int32_t)i->disp);
        emit_bytes(e, "\x48\x03\x34\x24", 4);
        return 1;
    }
    if (!emit_ea(e, i))
        return 0;
    emit_tlb_lookup(e, write ? offsetof(struct mem, tlb_w) : offsetof(struct mem, tlb_r), size, sp);
    return 1;
}

/* ---- the stack window ------------------------------------------------------------------
 * Go's code is mostly [rsp + d] loads and stores of spilled values. A block checks once that
 * the range its [rsp + d] accesses span is one page in the TLB, and then each access is one
 * LEA and one ADD. The page cannot leave the TLB within the block: only syscalls unmap or
 * reprotect, and a page holding decoded code is never in tlb_w. */

/* The bytes and direction of i's memory operand when it is [rsp + disp]; 0 otherwise. */
static unsigned rsp_access(const struct insn *i, int *write)
{
    int mem = -1;
    for (int k = 0; k < i->nops && k < INSN_MAX_OPS; k++)
        if (i->kind[k] == OK_MEM)
            mem = k;
    if (mem < 0 || i->m_base != RSP || i->m_index != REG_NONE || i->m_seg != SEG_NONE ||
        (i->prefix & PFX_ADDR32) || i->disp != (int32_t)i->disp || i->fn == op_lea64 ||
        i->fn == op_lea)
        return 0;
    *write = mem == 0;   /* the destination; a read-modify-write counts as a write */
    return i->size[mem] <= 16 ? i->size[mem] : 0;
}

/* Whether i may write RSP (which ends the window's analysis; the templates close it too). */
static int may_write_rsp(const struct insn *i)
{
    op_fn *fn = i->fn;
    if (fn == op_push_r64 || fn == op_pop_r64 || fn == op_call_rel || fn == op_call_r ||
        fn == op_ret)
        return 1;
    if (i->nops >= 1 && i->kind[0] == OK_REG && i->reg[0] == RSP)
        return 1;
    /* Templates are known not to write anything else implicitly; a handler might */
    unsigned op, w;
    struct inline_alu a;
    int is_cmov;
    return !(fn == op_nop || fn == op_mov_r64_r64 || fn == op_mov_r32_r32 || fn == op_mov_r64_imm ||
             fn == op_mov_r32_imm || fn == op_mov_r64_m || fn == op_mov_r32_m ||
             fn == op_mov_m_r64 || fn == op_mov_m_r32 || fn == op_mov_m_imm ||
             fn == op_mov_r64_bd || fn == op_mov_bd_r64 || fn == op_lea64 || fn == op_lea ||
             fn == op_movzx_r_m8 || fn == op_movzx || fn == op_movsx || fn == op_mov_generic ||
             fn == op_movsd_load || fn == op_movsd_store || alu_inline_form(fn, &a) ||
             shift_inline_form(fn, &op, &w) || cond_inline_form(fn, &is_cmov) >= 0 ||
             jcc_inline_cond(fn) >= 0);
}

unsigned tier2_stack_window(const struct insn *insns, uint32_t n, int32_t *lo, int32_t *hi,
                            int *write)
{
    unsigned count = 0;
    *lo = INT32_MAX, *hi = INT32_MIN, *write = 0;
    for (uint32_t k = 0; k < n && !may_write_rsp(&insns[k]); k++) {
        int w;
        unsigned size = rsp_access(&insns[k], &w);
        if (!size)
            continue;
        int32_t d = (int32_t)insns[k].disp;
        if (d < *lo)
            *lo = d;
        if (d + (int32_t)size > *hi)
            *hi = d + (int32_t)size;
        *write |= w;
        count++;
    }
    return count;
}

void tier2_open_window(struct emit *e, int32_t lo, int32_t hi, int write, uint8_t *fail[2])
{
    unsigned h = gc_host(e, RSP);
    uint8_t rex = (uint8_t)(0x48 | (h >= 8)), rm = (uint8_t)(h & 7);
    emit_bytes(e, (uint8_t[]){rex, 0x8d, (uint8_t)(0x88 | rm)}, 3);   /* lea rcx, [rsp' + lo] */
    emit_u32(e, (uint32_t)lo);
    emit_bytes(e, (uint8_t[]){rex, 0x8d, (uint8_t)(0x90 | rm)}, 3);   /* lea rdx, [rsp' + hi-1] */
    emit_u32(e, (uint32_t)(hi - 1));
    emit_bytes(e, "\x48\xc1\xe9\x0c\x48\xc1\xea\x0c\x48\x39\xd1", 11);  /* shr; shr; cmp */
    fail[0] = emit_jcc_fwd(e, 0x85);                            /* two pages */
    uint32_t off = write ? offsetof(struct mem, tlb_w) : offsetof(struct mem, tlb_r);
    emit_bytes(e, "\x89\xca\x81\xe2", 4);                   /* mov edx, ecx; and edx, */
    emit_u32(e, TLB_SIZE - 1);
    emit_bytes(e, "\xc1\xe2\x04\x49\x3b\x8c\x14", 7);      /* shl edx, 4; cmp rcx, [r12+rdx+ */
    emit_u32(e, off + (uint32_t)offsetof(struct tlb_entry, tag));
    fail[1] = emit_jcc_fwd(e, 0x85);                            /* not in the TLB */
    emit_bytes(e, "\x49\x8b\x94\x14", 4);                   /* mov rdx, [r12 + rdx + addend] */
    emit_u32(e, off + (uint32_t)offsetof(struct tlb_entry, addend));
    emit_bytes(e, "\x48\x89\x14\x24", 4);                   /* mov [rsp], rdx */
    e->gprs->win = 1;
    e->gprs->win_write = (uint8_t)write;
    e->gprs->win_lo = lo;
    e->gprs->win_hi = hi;
}

/* ---- MOV, LEA, MOVZX --------------------------------------------------------------------- */

/* ---- the flags ------------------------------------------------------------------------------ */

/* Host flags equal to what the record cc (an ADD, SUB or LOGIC one) implies for every
 * condition: the same operation redone at the same width on the recorded operands. Returns 0,
 * having written nothing, for other records. */
static int redoable(int32_t cc)
{
    unsigned kind = (unsigned)cc >> 2;
    return cc >= 0 && (kind == CC_LOGIC || kind == CC_SUB || kind == CC_ADD);
}

static int flags_from_record(struct emit *e, int32_t cc)
{
    if (!redoable(cc))
        return 0;
    unsigned kind = (unsigned)cc >> 2, w = 1u << (cc & 3);
    uint8_t narrow = w == 1;
    if (kind == CC_LOGIC) {
        ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_res));
        if (w == 2)
            emit_u8(e, 0x66);
        if (w == 8)
            emit_u8(e, 0x48);
        emit_bytes(e, (uint8_t[]){(uint8_t)(0x85 - narrow), 0xc0}, 2);   /* test rax, rax */
        return 1;
    }
    ld_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    if (w == 2)
        emit_u8(e, 0x66);
    if (w == 8)
        emit_u8(e, 0x48);
    /* cmp / add rax, [rbx + cc_b] */
    emit_bytes(e, (uint8_t[]){(uint8_t)((kind == CC_SUB ? 0x3b : 0x03) - narrow), 0x83}, 2);
    emit_u32(e, CPU_FIELD(cc_b));
    return 1;
}

/* edi = the guest's CF whatever the record is (flags_cf, a C call that reads only the cc_*
 * fields, so the cached registers need no write-back; the caller-saved ones are kept). */
static void cf_from_lazy(struct emit *e)
{
    emit_bytes(e, "\x41\x50\x41\x51\x41\x52\x41\x53", 8);  /* push r8-r11: still aligned */
    emit_call2(e, (const void *)flags_cf, 0);
    emit_bytes(e, "\x41\x5b\x41\x5a\x41\x59\x41\x58", 8);  /* pop r11-r8 */
    emit_bytes(e, "\x89\xc7", 2);                              /* mov edi, eax */
}

/* host CF = bit 0 of edi (bt edi, 0) */
static void cf_from_edi(struct emit *e)
{
    emit_bytes(e, "\x0f\xba\xe7\x00", 4);
}

/* Makes the host flags the guest's, if tier 2 knows them. */
static int want_flags(struct emit *e, const struct tmpl_flags *f)
{
    return f->live || flags_from_record(e, f->cc);
}

/* The lazy-flag record of an operation on rax (a), rcx (b) giving rdx (r), as flags_set. A
 * logic operation's flags come from its result alone (flags_arith, flags_cond, flags_cf read
 * no cc_a or cc_b for CC_LOGIC, nor for CC_SHIFT and CC_MUL), so those stores are left out:
 * the fields differ from the handler's, the flags they give do not. */
/* The rest of every record: cc_res from host register res, cc_aux from aux (-1: none), cc_op
 * for kind at bytes; *f learns it. */
static void record_result(struct emit *e, struct tmpl_flags *f, unsigned kind, unsigned bytes,
                          unsigned res, int aux)
{
    st_cpu(e, 8, res, CPU_FIELD(cc_res));
    if (aux >= 0)
        st_cpu(e, 4, (unsigned)aux, CPU_FIELD(cc_aux));
    f->cc = (int32_t)CC_OP(kind, width_log2(bytes));
    emit_bytes(e, "\xc7\x83", 2);                             /* mov dword [rbx + cc_op], */
    emit_u32(e, CPU_FIELD(cc_op));
    emit_u32(e, (uint32_t)f->cc);
}

static void record_flags(struct emit *e, struct tmpl_flags *f, unsigned kind, unsigned bytes)
{
    if (kind != CC_LOGIC) {
        st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
        st_cpu(e, 8, H_RCX, CPU_FIELD(cc_b));
    }
    record_result(e, f, kind, bytes, H_RDX, -1);
}

/* reg (ecx or esi) = CF: setc; movzx (the empty REX reaches sil), neither changes flags. */
static void cf_into(struct emit *e, unsigned reg)
{
    emit_bytes(e, (uint8_t[]){0x40, 0x0f, 0x92, (uint8_t)(0xc0 | reg),
                              0x40, 0x0f, 0xb6, (uint8_t)(0xc0 | reg << 3 | reg)}, 8);
}

/* INC/DEC's record after `inc/dec rdx` on a in rax (cc_b is never read for them): CF, kept
 * by the instruction, goes to cc_aux. */
static void record_incdec(struct emit *e, struct tmpl_flags *f, int inc, unsigned bytes)
{
    cf_into(e, H_RCX);
    st_cpu(e, 8, H_RAX, CPU_FIELD(cc_a));
    record_result(e, f, inc ? CC_INC : CC_DEC, bytes, H_RDX, H_RCX);
}

/* ---- moves ---------------------------------------------------------------------------------- */

/* Register and immediate moves and LEA: no memory, no flags. */
static int move_template(struct emit *e, const struct insn *i)
{
    op_fn *fn = i->fn;
    if (fn == op_nop) {
        /* nothing to do */
    } else if (fn == op_mov_r64_r64 || fn == op_mov_r32_r32) {
        ld_cpu(e, fn == op_mov_r64_r64 ? 8 : 4, H_RAX, GPR(i->reg[1]));
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_mov_r64_imm || fn == op_mov_r32_imm) {
        uint64_t v = (uint64_t)i->imm;
        mov_imm(e, H_RAX, fn == op_mov_r32_imm ? (uint32_t)v : v);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_lea64 || (fn == op_lea && i->size[0] == 4 && !(i->prefix & PFX_ADDR32))) {
        /* lea rax/eax, [rax + rcx * scale + disp32]: LEA r32 keeps the sum's low half,
         * zero-extended */
        if (i->disp != (int32_t)i->disp)
            return 0;
        ld_cpu(e, 8, H_RAX, GPR(i->m_base));
        ld_cpu(e, 8, H_RCX, GPR(i->m_index));
        emit_bytes(e, (uint8_t[]){fn == op_lea64 ? 0x48 : 0x40, 0x8d, 0x84,
                                  (uint8_t)(i->m_scale << 6 | 0x08)}, 4);
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

/* The generic ALU handlers at 16 bits (op_*_gen: Go compares uint16 fields with CMPW), in
 * the forms the 8/32/64-bit handlers have; AH..BH operands stay with the handler. */
static int alu_inline_word(const struct insn *i, struct inline_alu *a)
{
    unsigned op;
    if (!alu_inline_generic(i->fn, &op) || i->nops != 2 || i->size[0] != 2)
        return 0;
    unsigned k0 = i->kind[0], k1 = i->kind[1];
    int form = k0 == OK_REG && k1 == OK_REG ? IFORM_RR : k0 == OK_REG && k1 == OK_IMM ? IFORM_RI
             : k0 == OK_REG && k1 == OK_MEM ? IFORM_RM : k0 == OK_MEM && k1 == OK_REG ? IFORM_MR
             : k0 == OK_MEM && k1 == OK_IMM ? IFORM_MI : -1;
    if (form < 0 || (k1 != OK_IMM && i->size[1] != 2))
        return 0;
    *a = (struct inline_alu){(uint8_t)op, (uint8_t)form, 2};
    return 1;
}

static int alu_template(struct emit *e, const struct insn *i, struct inline_alu a,
                        struct slow_path *sp, struct tmpl_flags *f, int dead)
{
    /* The host opcode (r/m, reg form, 32/64-bit; the byte form is one less) and cc kind. */
    static const struct { uint8_t opcode, kind, writes; } ops[IALU_COUNT] = {
        [IALU_ADD] = {0x01, CC_ADD, 1},  [IALU_OR] = {0x09, CC_LOGIC, 1},
        [IALU_ADC] = {0x11, CC_ADC, 1},  [IALU_SBB] = {0x19, CC_SBB, 1},
        [IALU_AND] = {0x21, CC_LOGIC, 1}, [IALU_SUB] = {0x29, CC_SUB, 1},
        [IALU_XOR] = {0x31, CC_LOGIC, 1}, [IALU_CMP] = {0x29, CC_SUB, 0},
        [IALU_TEST] = {0x21, CC_LOGIC, 0},
    };
    /* ADC/SBB read the carry: from the host's CF, with the guest's flags put there first,
     * which a memory operand's TLB lookup would clobber. */
    int carry = a.op == IALU_ADC || a.op == IALU_SBB;
    if (carry && a.form != IFORM_RR && a.form != IFORM_RI)
        return 0;
    if (carry && !want_flags(e, f)) {
        cf_from_lazy(e);
        cf_from_edi(e);
    }
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
    if (carry)   /* cc_aux = the carry in */
        cf_into(e, H_RSI);
    uint8_t op = (uint8_t)(ops[a.op].opcode - (w == 1));
    if (w == 8)
        emit_bytes(e, (uint8_t[]){0x48, op, 0xca}, 3);        /* op rdx, rcx */
    else if (w == 2)
        emit_bytes(e, (uint8_t[]){0x66, op, 0xca}, 3);        /* op dx, cx */
    else
        emit_bytes(e, (uint8_t[]){op, 0xca}, 2);              /* op edx, ecx / dl, cl */
    if (!dead) {
        record_flags(e, f, ops[a.op].kind, w);
        if (carry)
            st_cpu(e, 4, H_RSI, CPU_FIELD(cc_aux));
    }
    if (ops[a.op].writes) {
        if (mem_dst)
            st_host(e, w, H_RDX);
        else   /* a 32-bit result zero-extends, a byte or word merges into the register */
            st_cpu(e, w <= 2 ? w : 8, H_RDX, GPR(i->reg[0]));
    }
    /* A memory form's slow path ran the handler instead: the host flags are not the guest's. */
    f->live = !sp->jcc[0];
    return 1;
}

int tier2_flags_neutral(const struct insn *i)
{
    op_fn *fn = i->fn;
    if (fn == op_nop || fn == op_mov_r64_r64 || fn == op_mov_r32_r32 || fn == op_mov_r64_imm ||
        fn == op_mov_r32_imm || fn == op_lea64 || (fn == op_lea && !(i->prefix & PFX_ADDR32)))
        return 1;
    if ((fn == op_movzx || fn == op_movsx || fn == op_mov_generic) && i->kind[0] != OK_MEM &&
        i->kind[1] != OK_MEM)
        return 1;
    if (fn == op_not && i->kind[0] == OK_REG)
        return 1;
    /* A shift of a register by CL writes the flags unless the count is 0, and never reads
     * them: whichever it does, flags dead after it are dead before it. */
    unsigned op, w;
    return shift_inline_form(fn, &op, &w) && i->kind[0] == OK_REG;
}

int tier2_kills_flags(const struct insn *i)
{
    op_fn *fn = i->fn;
    struct inline_alu a;
    unsigned op, w;
    if (fn == op_imul_rr32 || fn == op_imul_rr64 || fn == op_imul_rri32 || fn == op_imul_rri64 ||
        (fn == op_neg && i->kind[0] == OK_REG))
        return 1;
    /* SHL/SHR/SAR r, imm8 with a count that is not 0 after masking */
    if (shift_inline_form(fn, &op, &w) && w && ((unsigned)i->imm & (w * 8 - 1)))
        return 1;
    return alu_inline_form(fn, &a) && (a.form == IFORM_RR || a.form == IFORM_RI) &&
           a.op != IALU_ADC && a.op != IALU_SBB;
}

/* INC/DEC r32/r64 keep CF: done on the host with the guest's flags in place, INC/DEC keep it
 * too, and SETC reads it back for cc_aux. */
static int incdec_template(struct emit *e, const struct insn *i, struct tmpl_flags *f, int dead)
{
    op_fn *fn = i->fn;
    int inc = fn == op_inc_r32 || fn == op_inc_r64;
    if (!inc && fn != op_dec_r32 && fn != op_dec_r64)
        return 0;
    unsigned w = fn == op_inc_r64 || fn == op_dec_r64 ? 8 : 4;
    if (dead) {   /* the result only: lea edx/rdx, [rax -+ 1] */
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
        emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0x8d, 0x50, inc ? 0x01 : 0xff}, 4);
        st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
        return 1;
    }
    if (!want_flags(e, f)) {   /* only CF matters: INC/DEC keep it */
        cf_from_lazy(e);
        cf_from_edi(e);
    }
    ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    if (w == 8)
        emit_u8(e, 0x48);
    emit_bytes(e, (uint8_t[]){0xff, inc ? 0xc2 : 0xca}, 2);  /* inc/dec rdx */
    record_incdec(e, f, inc, w);
    st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    f->live = 1;
    return 1;
}

/* jmp rel32 with the target filled in later (emit_patch_rel32). */
static uint8_t *jmp_fwd(struct emit *e)
{
    emit_u8(e, 0xe9);
    uint8_t *at = e->p;
    emit_u32(e, 0);
    return e->overflow ? NULL : at;
}

static void patch_here(struct emit *e, uint8_t *at)
{
    if (at && !e->overflow)
        emit_patch_rel32(at, e->p);
}

/* INC/DEC of a 32/64-bit memory operand: CF kept, so the guest's flags must be redone from
 * the record after the TLB lookup (which clobbers the host's), unless they are dead. */
static int incdec_mem_template(struct emit *e, const struct insn *i, struct slow_path *sp,
                               struct tmpl_flags *f, int dead)
{
    op_fn *fn = i->fn;
    int inc = fn == op_inc_gen;
    if ((!inc && fn != op_dec_gen) || i->kind[0] != OK_MEM || i->size[0] < 4)
        return 0;
    unsigned w = i->size[0];
    int32_t cc = f->cc;
    int redo = redoable(cc);
    if (i->prefix & PFX_ADDR32)
        return 0;
    if (!dead && !redo)
        cf_from_lazy(e);   /* edi survives the lookup */
    if (!emit_mem_operand(e, i, w, 1, sp))
        return 0;
    if (!dead) {
        if (redo)
            flags_from_record(e, cc);
        else
            cf_from_edi(e);
    }
    ld_host(e, w, H_RAX);
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0xff, inc ? 0xc2 : 0xca}, 3);
    if (!dead)
        record_incdec(e, f, inc, w);
    st_host(e, w, H_RDX);
    f->live = 0;   /* the slow path may have run the handler instead */
    return 1;
}

/* SHL/SHR/SAR of a 32/64-bit register by imm8 or CL, recorded as shift_flags does: cc_b =
 * the masked count, cc_aux = CF | OF << 1 with OF by the count-1 formula for every count
 * (ops_shift.c do_shl/do_shr/do_sar). A zero count writes the register back (zero-extending
 * a 32-bit one) and changes no flags. a in rax, count in ecx, result in rdx, aux in esi. */
static int shift_template(struct emit *e, const struct insn *i, struct tmpl_flags *f, int dead)
{
    unsigned op, w;
    if (!shift_inline_form(i->fn, &op, &w))
        return 0;
    int by_cl = w == 0;   /* the generic handler: only a register shifted by CL is written here */
    if (by_cl) {
        if (i->nops != 2 || i->kind[0] != OK_REG || (i->size[0] != 4 && i->size[0] != 8) ||
            i->kind[1] != OK_REG)
            return 0;
        w = i->size[0];
    }
    unsigned bits = w * 8, n = by_cl ? 0 : (unsigned)i->imm & (bits - 1);
    uint8_t rex = w == 8 ? 0x48 : 0x40;   /* 0x40: a harmless empty REX */
    static const uint8_t ext[3] = {[ISH_SHL] = 4, [ISH_SHR] = 5, [ISH_SAR] = 7};
    uint8_t *zero = NULL;
    ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
    if (dead) {   /* the result only; the host masks the count as ops_shift.c does */
        if (by_cl) {
            ld_cpu(e, 4, H_RCX, GPR(RCX));
            emit_bytes(e, (uint8_t[]){rex, 0xd3, (uint8_t)(0xc0 | ext[op] << 3)}, 3);
        } else if (n) {
            emit_bytes(e, (uint8_t[]){rex, 0xc1, (uint8_t)(0xc0 | ext[op] << 3), (uint8_t)n}, 4);
        }
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
        return 1;
    }
    if (by_cl) {
        ld_cpu(e, 4, H_RCX, GPR(RCX));
        emit_bytes(e, (uint8_t[]){0x83, 0xe1, (uint8_t)(bits - 1)}, 3);   /* and ecx, mask */
        zero = emit_jcc_fwd(e, 0x84);                                    /* jz zero */
    } else if (n == 0) {
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
        return 1;   /* the flags, host and guest, are as they were */
    } else {
        mov_imm(e, H_RCX, n);
    }
    emit_bytes(e, "\x48\x89\xc2", 3);                        /* mov rdx, rax */
    if (by_cl)
        emit_bytes(e, (uint8_t[]){rex, 0xd3, (uint8_t)(0xc2 | ext[op] << 3)}, 3);  /* op rdx, cl */
    else
        emit_bytes(e, (uint8_t[]){rex, 0xc1, (uint8_t)(0xc2 | ext[op] << 3), (uint8_t)n}, 4);
    cf_into(e, H_RSI);
    if (op == ISH_SHL || (op == ISH_SHR && (by_cl || n == 1))) {
        uint8_t *not_one = NULL;
        if (op == ISH_SHR && by_cl) {
            emit_bytes(e, "\x83\xf9\x01", 3);                 /* cmp ecx, 1 */
            not_one = emit_jcc_fwd(e, 0x85);
        }
        /* edi = MSB of the result (SHL, then xor CF) or of the operand (SHR by 1) */
        emit_bytes(e, op == ISH_SHL ? "\x48\x89\xd7" : "\x48\x89\xc7", 3);
        emit_bytes(e, (uint8_t[]){rex, 0xc1, 0xef, (uint8_t)(bits - 1)}, 4);  /* shr rdi */
        if (op == ISH_SHL)
            emit_bytes(e, "\x31\xf7", 2);                     /* xor edi, esi */
        emit_bytes(e, "\xd1\xe7\x09\xfe", 4);                /* shl edi, 1; or esi, edi */
        patch_here(e, not_one);
    }
    record_result(e, f, CC_SHIFT, w, H_RDX, H_RSI);   /* CC_SHIFT reads no cc_a, cc_b */
    st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    if (by_cl) {
        uint8_t *done = jmp_fwd(e);
        patch_here(e, zero);
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
        patch_here(e, done);
    }
    /* Which record is current depends on the count when it comes from CL; and the host's OF
     * after a multi-bit shift need not be goemu's. */
    if (by_cl)
        f->cc = -1;
    f->live = 0;
    return 1;
}

/* IMUL r, r and IMUL r, r, imm32 at 32/64 bits: the truncated product, CF = OF = it did not
 * fit (mul_flags: the record holds the result and the overflow, a = b = 0). */
static int imul_template(struct emit *e, const struct insn *i, struct tmpl_flags *f, int dead)
{
    op_fn *fn = i->fn;
    int three = fn == op_imul_rri32 || fn == op_imul_rri64;
    if (!three && fn != op_imul_rr32 && fn != op_imul_rr64)
        return 0;
    unsigned w = fn == op_imul_rr64 || fn == op_imul_rri64 ? 8 : 4;
    if (three && w == 8 && i->imm != (int32_t)i->imm)
        return 0;
    uint8_t rex = w == 8 ? 0x48 : 0x40;
    ld_cpu(e, w, H_RCX, GPR(i->reg[1]));
    if (three) {
        emit_bytes(e, (uint8_t[]){rex, 0x69, 0xc1}, 3);       /* imul eax/rax, ecx/rcx, imm32 */
        emit_u32(e, (uint32_t)i->imm);
    } else {
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
        emit_bytes(e, (uint8_t[]){rex, 0x0f, 0xaf, 0xc1}, 4); /* imul eax/rax, ecx/rcx */
    }
    if (dead) {
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
        return 1;
    }
    emit_bytes(e, "\x0f\x90\xc2\x0f\xb6\xd2", 6);            /* seto dl; movzx edx, dl */
    record_result(e, f, CC_MUL, w, H_RAX, H_RDX);   /* CC_MUL reads no cc_a, cc_b */
    st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    f->live = 0;   /* SF/ZF/PF are undefined on the host, derived from the result in goemu */
    return 1;
}

/* NEG r32/r64: flags as 0 - x (op_neg: a = 0, b = x), which the host's NEG sets too. */
static int neg_template(struct emit *e, const struct insn *i, struct tmpl_flags *f, int dead)
{
    if (i->fn != op_neg || i->kind[0] != OK_REG || i->size[0] < 4)
        return 0;
    unsigned w = i->size[0];
    ld_cpu(e, w, H_RCX, GPR(i->reg[0]));
    emit_bytes(e, "\x31\xc0\x48\x89\xca", 5);            /* xor eax, eax; mov rdx, rcx */
    emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0xf7, 0xda}, 3);  /* neg edx/rdx */
    if (!dead)
        record_flags(e, f, CC_SUB, w);
    st_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    f->live = 1;
    return 1;
}

/* BSF/BSR r32/r64, r32/r64: the host's, with the old destination put back (CMOVZ, all 64
 * bits) when the source is 0, as op_bsf leaves it; flags recorded as CC_LOGIC on the source
 * (only ZF is defined, and it is the host's). */
static int bitscan_template(struct emit *e, const struct insn *i, struct tmpl_flags *f, int dead)
{
    if ((i->fn != op_bsf && i->fn != op_bsr) || i->kind[1] != OK_REG || i->size[0] < 4)
        return 0;
    unsigned w = i->size[0];
    ld_cpu(e, 8, H_RDX, GPR(i->reg[0]));
    ld_cpu(e, w, H_RCX, GPR(i->reg[1]));
    emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0x0f, i->fn == op_bsf ? 0xbc : 0xbd, 0xc1}, 4);
    emit_bytes(e, "\x48\x0f\x44\xc2", 4);                    /* cmovz rax, rdx */
    st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    if (!dead)   /* CC_LOGIC on the source: reads no cc_a, cc_b */
        record_result(e, f, CC_LOGIC, w, H_RCX, -1);
    f->live = 0;
    return 1;
}

/* NOT r32/r64 and MOVSX r32/r64 from a register: no flags. */
static int misc_template(struct emit *e, const struct insn *i)
{
    op_fn *fn = i->fn;
    if (fn == op_not && i->kind[0] == OK_REG && i->size[0] >= 4) {
        unsigned w = i->size[0];
        ld_cpu(e, w, H_RAX, GPR(i->reg[0]));
        emit_bytes(e, (uint8_t[]){w == 8 ? 0x48 : 0x40, 0xf7, 0xd0}, 3);  /* not eax/rax */
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else if (fn == op_movsx && i->kind[1] != OK_MEM && i->size[0] >= 4) {
        /* reg_put at size[0] of the source sign-extended: movsx rax, al/ax or movsxd rax, eax,
         * then a 32-bit destination keeps the low half, zero-extended */
        ld_cpu(e, i->size[1], H_RAX, reg_off(i, 1));
        static const uint8_t sx[3][3] = {{0x48, 0x0f, 0xbe}, {0x48, 0x0f, 0xbf}, {0x48, 0x63, 0x00}};
        unsigned k = i->size[1] == 1 ? 0 : i->size[1] == 2 ? 1 : 2;
        emit_bytes(e, sx[k], k == 2 ? 2 : 3);
        emit_u8(e, 0xc0);                                     /* rax, al/ax/eax */
        if (i->size[0] == 4)
            emit_bytes(e, "\x89\xc0", 2);                     /* mov eax, eax */
        st_cpu(e, 8, H_RAX, GPR(i->reg[0]));
    } else {
        return 0;
    }
    return 1;
}

/* ---- SSE ------------------------------------------------------------------------------------ */

#define XMM(r) ((uint32_t)(offsetof(struct cpu, xmm) + 16u * (r)))

/* To the slow path unless the host's MXCSR holds the guest's and every exception is masked
 * (sse_fast and mxcsr_live, ops_sse.h): then the host instruction is the handler's work. */
static void emit_mxcsr_guard(struct emit *e, struct slow_path *sp)
{
    if (e->gprs && !sp->jcc[0])
        sp->at_jump = *e->gprs;
    emit_bytes(e, "\x80\xbb", 2);                             /* cmp byte [rbx + live], 0 */
    emit_u32(e, CPU_FIELD(mxcsr_live));
    emit_u8(e, 0);
    sp->jcc[sp->jcc[0] ? 1 : 0] = emit_jcc_fwd(e, 0x84);
    ld_raw(e, 4, H_RAX, CPU_FIELD(mxcsr));
    emit_u8(e, 0x25);                                          /* and eax, 0x1f80 */
    emit_u32(e, 0x1f80);
    emit_u8(e, 0x3d);                                          /* cmp eax, 0x1f80 */
    emit_u32(e, 0x1f80);
    sp->jcc[2] = emit_jcc_fwd(e, 0x85);
}

/* prefix 0F op xmm0, [base + disp32] (modrm_base: 0x83 [rbx + disp32], 0x06 [rsi]) */
static void xmm0_op(struct emit *e, uint8_t prefix, uint8_t opcode, uint8_t modrm, uint32_t disp)
{
    if (prefix)
        emit_u8(e, prefix);
    emit_bytes(e, (uint8_t[]){0x0f, opcode, modrm}, 3);
    if (modrm == 0x83)
        emit_u32(e, disp);
}

static int sse_template(struct emit *e, const struct insn *i, struct slow_path *sp,
                        struct tmpl_flags *f)
{
    op_fn *fn = i->fn;
    uint8_t prefix, opcode;
    int mem;
    if (fn == op_mov128_rr) {
        xmm0_op(e, 0, 0x10, 0x83, XMM(i->reg[1]));            /* movups xmm0, src */
        xmm0_op(e, 0, 0x11, 0x83, XMM(i->reg[0]));            /* movups dst, xmm0 */
        return 1;
    }
    if (fn == op_movsd_rr) {
        ld_raw(e, 8, H_RAX, XMM(i->reg[1]));
        st_raw(e, 8, H_RAX, XMM(i->reg[0]));
        return 1;
    }
    if (fn == op_movsd_load) {
        if (!emit_mem_operand(e, i, 8, 0, sp))
            return 0;
        ld_host(e, 8, H_RAX);
        st_raw(e, 8, H_RAX, XMM(i->reg[0]));
        st_cpu_imm(e, XMM(i->reg[0]) + 8, 0);
    } else if (fn == op_movsd_store) {
        if (!emit_mem_operand(e, i, 8, 1, sp))
            return 0;
        ld_raw(e, 8, H_RCX, XMM(i->reg[1]));
        st_host(e, 8, H_RCX);
    } else if (sse_inline_scalar(fn, &prefix, &opcode, &mem)) {
        if (mem && !emit_mem_operand(e, i, prefix == 0xf2 ? 8 : 4, 0, sp))
            return 0;
        emit_mxcsr_guard(e, sp);
        xmm0_op(e, prefix, 0x10, 0x83, XMM(i->reg[0]));       /* movsd/movss xmm0, dst */
        if (mem)
            xmm0_op(e, prefix, opcode, 0x06, 0);              /* op xmm0, [rsi] */
        else
            xmm0_op(e, prefix, opcode, 0x83, XMM(i->reg[1])); /* op xmm0, src */
        xmm0_op(e, prefix, 0x11, 0x83, XMM(i->reg[0]));       /* movsd/movss dst, xmm0 */
    } else {
        return 0;
    }
    f->live = 0;
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
                 struct tmpl_flags *f, int flags_dead)
{
    *sp = (struct slow_path){{NULL, NULL, NULL}, NULL, i, rip, 0};
    struct inline_alu a;
    int done;
    if (move_template(e, i)) {
        done = 1;   /* the flags stay as they were, in the host too */
    } else if (memory_move_template(e, i, sp)) {
        done = 1;
        f->live = 0;
    } else if (alu_inline_form(i->fn, &a) || alu_inline_word(i, &a)) {
        done = alu_template(e, i, a, sp, f, flags_dead);
    } else {
        done = incdec_template(e, i, f, flags_dead) || shift_template(e, i, f, flags_dead) ||
               neg_template(e, i, f, flags_dead) || imul_template(e, i, f, flags_dead) ||
               bitscan_template(e, i, f, flags_dead) ||
               incdec_mem_template(e, i, sp, f, flags_dead) ||
               cond_template(e, i, f) || misc_template(e, i) || sse_template(e, i, sp, f);
    }
    if (done && flags_dead)
        *f = (struct tmpl_flags){-1, 0};   /* the next instruction writes them all */
    sp->back = e->p;
    if (e->gprs)
        sp->at_back = *e->gprs;
    return done;
}

/* ---- the block's last instruction ----------------------------------------------------------- */

int tier2_inline_end(struct emit *e, const struct insn *i, uint64_t rip, uint64_t next,
                     struct slow_path *sp, const struct tmpl_flags *f, struct tier2_end *end)
{
    *sp = (struct slow_path){{NULL, NULL, NULL}, NULL, i, rip, 0};
    *end = (struct tier2_end){0, -1, {0, 0}};
    op_fn *fn = i->fn;
    int cond = jcc_inline_cond(fn);
    if (cond >= 0) {
        if (!want_flags(e, f))
            return 0;
        /* tier2.c branches on the host flags after the registers are written back (MOVs) */
        *end = (struct tier2_end){2, cond, {next, (uint64_t)i->imm}};
    } else if (fn == op_jmp_rel) {
        *end = (struct tier2_end){1, -1, {(uint64_t)i->imm, 0}};
    } else if (fn == op_call_rel) {
        /* The handler, on the slow path, pushes c->rip: the next instruction. */
        emit_store_cpu64(e, CPU_FIELD(rip), next);
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        add_rax(e, -8);
        emit_tlb_lookup(e, offsetof(struct mem, tlb_w), 8, sp);
        mov_imm(e, H_RCX, next);
        st_host(e, 8, H_RCX);
        st_cpu(e, 8, H_RAX, GPR(RSP));
        *end = (struct tier2_end){1, -1, {(uint64_t)i->imm, 0}};   /* the slow path's too */
    } else if (fn == op_call_r) {
        /* The target is read before RSP changes (CALL RSP); a non-canonical one is the
         * handler's to fault on, checked after the lookup so the slow path sees one state. */
        emit_store_cpu64(e, CPU_FIELD(rip), next);
        ld_cpu(e, 8, H_RDI, GPR(i->reg[0]));
        ld_cpu(e, 8, H_RAX, GPR(RSP));
        add_rax(e, -8);
        emit_tlb_lookup(e, offsetof(struct mem, tlb_w), 8, sp);
        emit_bytes(e, "\x48\x89\xfa\x48\xc1\xe2\x10\x48\xc1\xfa\x10\x48\x39\xfa", 14);
        sp->jcc[2] = emit_jcc_fwd(e, 0x85);   /* mov rdx, rdi; shl rdx, 16; sar rdx, 16; cmp */
        mov_imm(e, H_RCX, next);
        st_host(e, 8, H_RCX);
        st_cpu(e, 8, H_RAX, GPR(RSP));
        st_cpu(e, 8, H_RDI, CPU_FIELD(rip));
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
    if (e->gprs)
        sp->at_back = *e->gprs;
    return 1;
}

void tier2_emit_slow_path(struct emit *e, const struct slow_path *sp)
{
    for (int k = 0; k < 3; k++)
        if (sp->jcc[k])
            emit_patch_rel32(sp->jcc[k], e->p);
    /* The handler sees struct cpu as it was before the instruction, and may change any
     * register in it: what the fast path keeps in host registers is reloaded. */
    for (int s = 0; e->gprs && s < GPRC_SLOTS; s++)
        if (sp->at_jump.dirty & 1u << s)
            gc_move(e, 0x89, slot_host[s], sp->at_jump.guest[s]);
    emit_store_cpu64(e, offsetof(struct cpu, insn_rip), sp->rip);
    emit_call2(e, (const void *)sp->i->fn, (uintptr_t)sp->i);
    for (int s = 0; e->gprs && s < GPRC_SLOTS; s++)
        if (sp->at_back.guest[s] != GPRC_FREE)
            gc_move(e, 0x8b, slot_host[s], sp->at_back.guest[s]);
    emit_u8(e, 0xe9);                                         /* jmp back */
    uint8_t *at = e->p;
    emit_u32(e, 0);
    if (!e->overflow)
        emit_patch_rel32(at, sp->back);
}
