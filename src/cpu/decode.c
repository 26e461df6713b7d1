/* decode.c — Zydis decodes guest bytes once into goemu's struct insn; the selector of the
 * mnemonic (ops_*.def) then picks the handler for that operand form and width. Nothing else
 * in the execution path includes Zydis. */
#include "decode.h"

#include <Zydis/Zydis.h>
#include <string.h>

#include "exec.h"

#define OP(mn, sel, ...) op_select_fn sel;
#include "ops_core.def"
#include "ops_int.def"
#include "ops_sse.def"
#undef OP

static op_select_fn *const selectors[ZYDIS_MNEMONIC_MAX_VALUE + 1] = {
#define OP(mn, sel, ...) [ZYDIS_MNEMONIC_##mn] = sel,
#include "ops_core.def"
#include "ops_int.def"
#include "ops_sse.def"
#undef OP
};

static ZydisDecoder decoder;
static int decoder_ready;

static void decoder_init(void)
{
    if (!decoder_ready) {
        ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
        decoder_ready = 1;
    }
}

/* Maps a Zydis register to goemu's (kind, number). Returns 0 for registers handlers do not
 * take as operands (segment, control, x87, AVX). */
static int map_reg(ZydisRegister r, uint8_t *kind, uint8_t *num)
{
    if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_BL) {
        *kind = OK_REG, *num = (uint8_t)(r - ZYDIS_REGISTER_AL);
    } else if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) {
        *kind = OK_REG8H, *num = (uint8_t)(r - ZYDIS_REGISTER_AH);
    } else if (r >= ZYDIS_REGISTER_SPL && r <= ZYDIS_REGISTER_DIL) {
        *kind = OK_REG, *num = (uint8_t)(4 + r - ZYDIS_REGISTER_SPL);
    } else if (r >= ZYDIS_REGISTER_R8B && r <= ZYDIS_REGISTER_R15B) {
        *kind = OK_REG, *num = (uint8_t)(8 + r - ZYDIS_REGISTER_R8B);
    } else {
        ZydisRegisterClass cls = ZydisRegisterGetClass(r);
        int id = ZydisRegisterGetId(r);
        if (cls == ZYDIS_REGCLASS_GPR16 || cls == ZYDIS_REGCLASS_GPR32 ||
            cls == ZYDIS_REGCLASS_GPR64)
            *kind = OK_REG;
        else if (cls == ZYDIS_REGCLASS_XMM && id < 16)
            *kind = OK_XMM;
        else
            return 0;
        *num = (uint8_t)id;
    }
    return 1;
}

/* Base/index register of a memory operand as a gpr number (REG_NONE when absent). */
static int map_addr_reg(ZydisRegister r, uint8_t *num)
{
    uint8_t kind;
    if (r == ZYDIS_REGISTER_NONE) {
        *num = REG_NONE;
        return 1;
    }
    return map_reg(r, &kind, num) && kind == OK_REG;
}

static int fill_mem(struct insn *out, const ZydisDecodedOperand *o, uint64_t next_rip)
{
    if (o->mem.base == ZYDIS_REGISTER_RIP) {
        out->m_base = REG_NONE;
        out->disp = (int64_t)(next_rip + (uint64_t)o->mem.disp.value);
    } else {
        if (!map_addr_reg(o->mem.base, &out->m_base))
            return 0;
        out->disp = o->mem.disp.value;
    }
    if (!map_addr_reg(o->mem.index, &out->m_index))
        return 0;
    out->m_scale = o->mem.scale == 8 ? 3 : o->mem.scale == 4 ? 2 : o->mem.scale == 2 ? 1 : 0;
    out->m_seg = o->mem.segment == ZYDIS_REGISTER_FS ? SEG_FS
               : o->mem.segment == ZYDIS_REGISTER_GS ? SEG_GS : SEG_NONE;
    return 1;
}

static int fill_operands(struct insn *out, const ZydisDecodedInstruction *zi,
                         const ZydisDecodedOperand *zo, uint64_t next_rip)
{
    int n = 0;
    for (int k = 0; k < zi->operand_count_visible && n < INSN_MAX_OPS; k++) {
        const ZydisDecodedOperand *o = &zo[k];
        out->size[n] = (uint8_t)(o->size / 8);
        switch (o->type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            if (!map_reg(o->reg.value, &out->kind[n], &out->reg[n]))
                return 0;
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (!fill_mem(out, o, next_rip))
                return 0;
            out->kind[n] = OK_MEM;
            if ((o->actions & ZYDIS_OPERAND_ACTION_MASK_READ) &&
                (o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
                out->iflags |= INSN_RMW;
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            out->kind[n] = OK_IMM;
            if (o->imm.is_relative)
                out->imm = (int64_t)(next_rip + o->imm.value.u);
            else if (n > 0 && out->kind[n - 1] == OK_IMM)
                out->imm2 = (uint8_t)o->imm.value.u;  /* ENTER's nesting level */
            else
                out->imm = o->imm.is_signed ? o->imm.value.s : (int64_t)o->imm.value.u;
            break;
        default:
            return 0;
        }
        n++;
    }
    out->nops = (uint8_t)n;
    return 1;
}

static int category_ends_block(ZydisInstructionCategory cat)
{
    switch (cat) {
    case ZYDIS_CATEGORY_COND_BR:
    case ZYDIS_CATEGORY_UNCOND_BR:
    case ZYDIS_CATEGORY_CALL:
    case ZYDIS_CATEGORY_RET:
    case ZYDIS_CATEGORY_SYSCALL:
    case ZYDIS_CATEGORY_INTERRUPT:
    case ZYDIS_CATEGORY_SYSTEM:
        return 1;
    default:
        return 0;
    }
}

int decode_insn(struct mem *m, uint64_t rip, struct insn *out)
{
    uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    size_t n = mem_fetch_code(m, rip, buf, sizeof(buf));
    if (n == 0)
        return -1;
    decoder_init();
    memset(out, 0, sizeof(*out));
    out->m_base = out->m_index = REG_NONE;
    out->fn = op_sigill;
    out->iflags = INSN_ENDS_BLOCK;
    out->len = 1;

    ZydisDecodedInstruction zi;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    ZyanStatus st = ZydisDecoderDecodeFull(&decoder, buf, n, &zi, zo);
    if (!ZYAN_SUCCESS(st)) {
        /* Ran into an unfetchable page mid-instruction: the CPU would take a page fault on
         * the fetch; fault at the first byte we could not read. */
        if (st == ZYDIS_STATUS_NO_MORE_DATA && n < sizeof(buf))
            return (int)n > 0 ? (out->len = (uint8_t)n, out->fn = op_fetch_fault, 0) : -1;
        return 0;  /* invalid encoding: #UD */
    }
    out->len = zi.length;
    out->mnemonic = (uint16_t)zi.mnemonic;
    out->opsize = (uint8_t)(zi.operand_width / 8);
    out->opcode = zi.opcode;
    if (zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) out->prefix |= PFX_LOCK;
    if (zi.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) out->prefix |= PFX_REP;
    if (zi.attributes & ZYDIS_ATTRIB_HAS_REPNE) out->prefix |= PFX_REPNE;
    if (zi.address_width == 32) out->prefix |= PFX_ADDR32;
    out->iflags = category_ends_block(zi.meta.category) ? INSN_ENDS_BLOCK : 0;  /* before operands */

    op_select_fn *sel = selectors[zi.mnemonic];
    if (!fill_operands(out, &zi, zo, rip + zi.length) || !sel) {
        out->fn = op_sigill;
        out->iflags = INSN_ENDS_BLOCK;
        return 0;
    }
    op_fn *fn = sel(out);
    out->fn = fn ? fn : op_sigill;
    if (!fn)
        out->iflags = INSN_ENDS_BLOCK;
    return 0;
}

int decode_ends_block(const struct insn *i)
{
    return i->iflags & INSN_ENDS_BLOCK;
}

const char *decode_mnemonic_name(unsigned mnemonic)
{
    const char *s = ZydisMnemonicGetString((ZydisMnemonic)mnemonic);
    return s ? s : "?";
}
