/* pairs.c — lazy-flags pairs: a flag-producing instruction followed by a flag consumer.
 * goemu evaluates flags lazily, and Jcc/SETcc/CMOVcc/ADC/SBB read them through fast paths
 * (flags_cond, flags_cf) that a single instruction starting from materialised RFLAGS never
 * reaches, nor tier 2's templates, which keep flags in the host's RFLAGS between instructions.
 * The consumer only reads flags the producer defines for the case's inputs. */
#include <string.h>

#include "oracle/oracle.h"

int gen_is_flag_producer(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_ADD: case ZYDIS_MNEMONIC_OR: case ZYDIS_MNEMONIC_ADC:
    case ZYDIS_MNEMONIC_SBB: case ZYDIS_MNEMONIC_AND: case ZYDIS_MNEMONIC_SUB:
    case ZYDIS_MNEMONIC_XOR: case ZYDIS_MNEMONIC_CMP: case ZYDIS_MNEMONIC_TEST:
    case ZYDIS_MNEMONIC_INC: case ZYDIS_MNEMONIC_DEC: case ZYDIS_MNEMONIC_NEG:
    case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR: case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL: case ZYDIS_MNEMONIC_ROR: case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: case ZYDIS_MNEMONIC_SHLD: case ZYDIS_MNEMONIC_SHRD:
    case ZYDIS_MNEMONIC_IMUL: case ZYDIS_MNEMONIC_MUL: case ZYDIS_MNEMONIC_BT:
    case ZYDIS_MNEMONIC_BTS: case ZYDIS_MNEMONIC_BTR: case ZYDIS_MNEMONIC_BTC:
    case ZYDIS_MNEMONIC_BSF: case ZYDIS_MNEMONIC_BSR: case ZYDIS_MNEMONIC_CMPXCHG:
    case ZYDIS_MNEMONIC_XADD: case ZYDIS_MNEMONIC_UCOMISS: case ZYDIS_MNEMONIC_UCOMISD:
    case ZYDIS_MNEMONIC_COMISS: case ZYDIS_MNEMONIC_COMISD: case ZYDIS_MNEMONIC_SAHF:
    case ZYDIS_MNEMONIC_STC: case ZYDIS_MNEMONIC_CLC: case ZYDIS_MNEMONIC_CMC:
    case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSQ:
    case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
    case ZYDIS_MNEMONIC_SCASQ: case ZYDIS_MNEMONIC_POPCNT:
        return 1;
    default:
        return 0;
    }
}

static const ZydisMnemonic jcc[16] = {
    ZYDIS_MNEMONIC_JO, ZYDIS_MNEMONIC_JNO, ZYDIS_MNEMONIC_JB, ZYDIS_MNEMONIC_JNB,
    ZYDIS_MNEMONIC_JZ, ZYDIS_MNEMONIC_JNZ, ZYDIS_MNEMONIC_JBE, ZYDIS_MNEMONIC_JNBE,
    ZYDIS_MNEMONIC_JS, ZYDIS_MNEMONIC_JNS, ZYDIS_MNEMONIC_JP, ZYDIS_MNEMONIC_JNP,
    ZYDIS_MNEMONIC_JL, ZYDIS_MNEMONIC_JNL, ZYDIS_MNEMONIC_JLE, ZYDIS_MNEMONIC_JNLE,
};
static const ZydisMnemonic setcc[16] = {
    ZYDIS_MNEMONIC_SETO, ZYDIS_MNEMONIC_SETNO, ZYDIS_MNEMONIC_SETB, ZYDIS_MNEMONIC_SETNB,
    ZYDIS_MNEMONIC_SETZ, ZYDIS_MNEMONIC_SETNZ, ZYDIS_MNEMONIC_SETBE, ZYDIS_MNEMONIC_SETNBE,
    ZYDIS_MNEMONIC_SETS, ZYDIS_MNEMONIC_SETNS, ZYDIS_MNEMONIC_SETP, ZYDIS_MNEMONIC_SETNP,
    ZYDIS_MNEMONIC_SETL, ZYDIS_MNEMONIC_SETNL, ZYDIS_MNEMONIC_SETLE, ZYDIS_MNEMONIC_SETNLE,
};
static const ZydisMnemonic cmovcc[16] = {
    ZYDIS_MNEMONIC_CMOVO, ZYDIS_MNEMONIC_CMOVNO, ZYDIS_MNEMONIC_CMOVB, ZYDIS_MNEMONIC_CMOVNB,
    ZYDIS_MNEMONIC_CMOVZ, ZYDIS_MNEMONIC_CMOVNZ, ZYDIS_MNEMONIC_CMOVBE, ZYDIS_MNEMONIC_CMOVNBE,
    ZYDIS_MNEMONIC_CMOVS, ZYDIS_MNEMONIC_CMOVNS, ZYDIS_MNEMONIC_CMOVP, ZYDIS_MNEMONIC_CMOVNP,
    ZYDIS_MNEMONIC_CMOVL, ZYDIS_MNEMONIC_CMOVNL, ZYDIS_MNEMONIC_CMOVLE, ZYDIS_MNEMONIC_CMOVNLE,
};

static void reg_operand(ZydisEncoderOperand *o, ZydisRegister r)
{
    o->type = ZYDIS_OPERAND_TYPE_REGISTER;
    o->reg.value = r;
}

/* A random flag consumer, encoded to follow an instruction ending at `at`. */
static int consumer(struct rng *r, uint64_t at, uint8_t *buf, uint8_t *len)
{
    unsigned cond = (unsigned)rng_below(r, 16), kind = (unsigned)rng_below(r, 14);
    static const uint8_t sizes[4] = { 1, 2, 4, 8 };
    ZydisEncoderRequest q;
    if (kind < 4) {                          /* Jcc rel8 / rel32 */
        q = gen_request(jcc[cond]);
        q.operand_count = 1;
        q.operands[0].type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        q.operands[0].imm.u = OR_TARGET;
        q.branch_width = kind < 3 ? ZYDIS_BRANCH_WIDTH_8 : ZYDIS_BRANCH_WIDTH_32;
    } else if (kind < 6) {                   /* SETcc r8 */
        q = gen_request(setcc[cond]);
        q.operand_count = 1;
        reg_operand(&q.operands[0], or_gpr_reg((int)rng_below(r, 16), 1));
    } else if (kind < 8) {                   /* CMOVcc r32/r64 */
        unsigned sz = rng_chance(r, 50) ? 8 : 4;
        q = gen_request(cmovcc[cond]);
        q.operand_count = 2;
        reg_operand(&q.operands[0], or_gpr_reg((int)rng_below(r, 16), sz));
        reg_operand(&q.operands[1], or_gpr_reg((int)rng_below(r, 16), sz));
    } else if (kind >= 12) {                 /* XOR/SUB r, r (the same r): overwrites every
                                                flag, so tier 2 computes only the producer's
                                                result; reads no value the producer may have
                                                left undefined */
        unsigned sz = rng_chance(r, 50) ? 8 : 4;
        ZydisRegister reg = or_gpr_reg((int)rng_below(r, 16), sz);
        uint8_t pre = 0;
        if (rng_chance(r, 50)) {             /* MOV r32, imm32 first: it neither reads nor
                                                writes flags, so they are still dead */
            q = gen_request(ZYDIS_MNEMONIC_MOV);
            q.operand_count = 2;
            reg_operand(&q.operands[0], or_gpr_reg((int)rng_below(r, 16), 4));
            q.operands[1].type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            q.operands[1].imm.u = rng_below(r, 1u << 31);
            if (gen_encode_at(&q, buf, &pre, at) != 0)
                return -1;
        }
        q = gen_request(kind == 12 ? ZYDIS_MNEMONIC_XOR : ZYDIS_MNEMONIC_SUB);
        q.operand_count = 2;
        reg_operand(&q.operands[0], reg);
        reg_operand(&q.operands[1], reg);
        if (gen_encode_at(&q, buf + pre, len, at + pre) != 0)
            return -1;
        *len = (uint8_t)(*len + pre);
        return 0;
    } else if (kind >= 10) {                 /* INC/DEC r32/r64: CF kept (tier 2 keeps it
                                                in the host's flags) */
        unsigned sz = rng_chance(r, 50) ? 8 : 4;
        q = gen_request(kind == 10 ? ZYDIS_MNEMONIC_INC : ZYDIS_MNEMONIC_DEC);
        q.operand_count = 1;
        reg_operand(&q.operands[0], or_gpr_reg((int)rng_below(r, 16), sz));
    } else {                                 /* ADC/SBB: the carry-in path */
        unsigned sz = sizes[rng_below(r, 4)];
        q = gen_request(kind == 8 ? ZYDIS_MNEMONIC_ADC : ZYDIS_MNEMONIC_SBB);
        q.operand_count = 2;
        reg_operand(&q.operands[0], or_gpr_reg((int)rng_below(r, 16), sz));
        reg_operand(&q.operands[1], or_gpr_reg((int)rng_below(r, 16), sz));
    }
    return gen_encode_at(&q, buf, len, at);
}

int gen_pair(const struct form *f, struct rng *r, struct ocase *k)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        if (gen_case(f, r, k) != 0)
            return -1;
        uint64_t undef = or_undefined_flags(k);
        for (int c = 0; c < 64; c++) {
            uint8_t buf[16], len;
            struct odecoded d;
            if (consumer(r, OR_INSN + k->len, buf, &len) != 0 || k->len + len > OR_MAX_BYTES ||
                or_decode(buf, len, &d) != 0)
                continue;
            /* The consumer may only read flags the producer defines for these inputs. */
            if (d.in.cpu_flags && (d.in.cpu_flags->tested & undef))
                continue;
            memcpy(k->bytes + k->len, buf, len);
            k->len = (uint8_t)(k->len + len);
            return 0;
        }
    }
    return -1;
}
