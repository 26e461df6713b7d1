/* gen.c — operand forms and test cases.
 * Forms: every operand template (reg,reg / reg,mem / mem,imm / xmm,xmm / shifts by cl ...) at
 * every operand size is offered to Zydis's encoder; what it accepts, and what decodes back to
 * the same mnemonic, is a form. LOCK/REP variants and branch widths are forms of their own.
 * Cases: a random machine state, concrete registers and an addressing mode for the form's
 * slots (so the encoding varies too), then operand values drawn from edge cases (0, 1, -1, sign
 * boundaries, special floats) and random bits, with per-instruction rules (division without
 * overflow most of the time, shift counts around the width, string pointers inside the data
 * pages, branch targets at OR_TARGET) and a few percent of faulting addresses and divisors. */
#include <stdio.h>
#include <string.h>

#include "oracle/oracle.h"

/* ---- traits: instructions whose inputs need rules ----------------------------------------- */

enum trait {
    T_NONE, T_SKIP, T_DIV, T_CMPXCHG, T_CMPXCHG8B, T_BT, T_SHIFT, T_BRANCH, T_RET, T_LOOP,
    T_POPF, T_LEAVE, T_ENTER, T_CPUID, T_LDMXCSR, T_MOVS, T_CMPS, T_SCAS, T_LODS, T_STOS,
    T_INT, T_AGEN, T_IMM8,
};

static enum trait trait_of(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_SYSCALL: case ZYDIS_MNEMONIC_SYSENTER: case ZYDIS_MNEMONIC_SYSEXIT:
    case ZYDIS_MNEMONIC_SYSRET: case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_IRETD:
    case ZYDIS_MNEMONIC_IRETQ: case ZYDIS_MNEMONIC_WRFSBASE: case ZYDIS_MNEMONIC_WRGSBASE:
    case ZYDIS_MNEMONIC_RDFSBASE: case ZYDIS_MNEMONIC_RDGSBASE: case ZYDIS_MNEMONIC_WRPKRU:
    case ZYDIS_MNEMONIC_XBEGIN: case ZYDIS_MNEMONIC_FXRSTOR: case ZYDIS_MNEMONIC_FXRSTOR64:
    case ZYDIS_MNEMONIC_XRSTOR: case ZYDIS_MNEMONIC_XRSTOR64: case ZYDIS_MNEMONIC_FXSAVE:
    case ZYDIS_MNEMONIC_FXSAVE64: case ZYDIS_MNEMONIC_XSAVE: case ZYDIS_MNEMONIC_XSAVE64:
    case ZYDIS_MNEMONIC_RDRAND: case ZYDIS_MNEMONIC_RDSEED: case ZYDIS_MNEMONIC_RDPID:
    case ZYDIS_MNEMONIC_VZEROUPPER:
        return T_SKIP;
    case ZYDIS_MNEMONIC_DIV: case ZYDIS_MNEMONIC_IDIV:
        return T_DIV;
    case ZYDIS_MNEMONIC_CMPXCHG:
        return T_CMPXCHG;
    case ZYDIS_MNEMONIC_CMPXCHG8B: case ZYDIS_MNEMONIC_CMPXCHG16B:
        return T_CMPXCHG8B;
    case ZYDIS_MNEMONIC_BT: case ZYDIS_MNEMONIC_BTS: case ZYDIS_MNEMONIC_BTR:
    case ZYDIS_MNEMONIC_BTC:
        return T_BT;
    case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR: case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL: case ZYDIS_MNEMONIC_ROR: case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: case ZYDIS_MNEMONIC_SHLD: case ZYDIS_MNEMONIC_SHRD:
    case ZYDIS_MNEMONIC_PSLLW: case ZYDIS_MNEMONIC_PSLLD: case ZYDIS_MNEMONIC_PSLLQ:
    case ZYDIS_MNEMONIC_PSRLW: case ZYDIS_MNEMONIC_PSRLD: case ZYDIS_MNEMONIC_PSRLQ:
    case ZYDIS_MNEMONIC_PSRAW: case ZYDIS_MNEMONIC_PSRAD: case ZYDIS_MNEMONIC_PSLLDQ:
    case ZYDIS_MNEMONIC_PSRLDQ:
        return T_SHIFT;
    case ZYDIS_MNEMONIC_JMP: case ZYDIS_MNEMONIC_CALL:
        return T_BRANCH;
    case ZYDIS_MNEMONIC_RET:
        return T_RET;
    case ZYDIS_MNEMONIC_LOOP: case ZYDIS_MNEMONIC_LOOPE: case ZYDIS_MNEMONIC_LOOPNE:
    case ZYDIS_MNEMONIC_JRCXZ: case ZYDIS_MNEMONIC_JECXZ:
        return T_LOOP;
    case ZYDIS_MNEMONIC_POPF: case ZYDIS_MNEMONIC_POPFQ:
        return T_POPF;
    case ZYDIS_MNEMONIC_LEAVE:
        return T_LEAVE;
    case ZYDIS_MNEMONIC_ENTER:
        return T_ENTER;
    case ZYDIS_MNEMONIC_CPUID:
        return T_CPUID;
    case ZYDIS_MNEMONIC_LDMXCSR:
        return T_LDMXCSR;
    case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: case ZYDIS_MNEMONIC_MOVSD:
    case ZYDIS_MNEMONIC_MOVSQ:
        return T_MOVS;
    case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSD:
    case ZYDIS_MNEMONIC_CMPSQ:
        return T_CMPS;
    case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
    case ZYDIS_MNEMONIC_SCASQ:
        return T_SCAS;
    case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
    case ZYDIS_MNEMONIC_LODSQ:
        return T_LODS;
    case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW: case ZYDIS_MNEMONIC_STOSD:
    case ZYDIS_MNEMONIC_STOSQ:
        return T_STOS;
    case ZYDIS_MNEMONIC_INT:
        return T_INT;
    case ZYDIS_MNEMONIC_LEA: case ZYDIS_MNEMONIC_NOP: case ZYDIS_MNEMONIC_PREFETCHNTA:
    case ZYDIS_MNEMONIC_PREFETCHT0: case ZYDIS_MNEMONIC_PREFETCHT1:
    case ZYDIS_MNEMONIC_PREFETCHT2: case ZYDIS_MNEMONIC_PREFETCHW:
        return T_AGEN;
    default:
        return T_NONE;
    }
}

const char *gen_skip_reason(ZydisMnemonic m)
{
    if (trait_of(m) != T_SKIP)
        return NULL;
    switch (m) {
    case ZYDIS_MNEMONIC_SYSCALL: case ZYDIS_MNEMONIC_SYSENTER:
        return "would make a real system call in the oracle";
    case ZYDIS_MNEMONIC_RDRAND: case ZYDIS_MNEMONIC_RDSEED: case ZYDIS_MNEMONIC_RDPID:
        return "output is not reproducible";
    default:
        return "would change the oracle's own execution state";
    }
}

/* ---- values ------------------------------------------------------------------------------- */

static uint64_t mask_of(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

static uint64_t sext_bytes(uint64_t v, unsigned bytes)
{
    if (bytes >= 8)
        return v;
    unsigned sh = 64 - bytes * 8;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* An integer of the given width (zero-extended): edge cases, powers of two, small, random. */
static uint64_t gen_int(struct rng *r, unsigned bytes)
{
    uint64_t m = mask_of(bytes), smin = 1ull << (bytes * 8 - 1);
    unsigned p = (unsigned)rng_below(r, 100);
    if (p < 35) {
        const uint64_t e[] = {
            0, 1, 2, 3, m, m - 1, smin, smin - 1, smin + 1, smin - 2, 0x7f, 0x80, 0xff, 0x100,
            0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
            0x8000000000000000ull, 0x7fffffffffffffffull, 0x5555555555555555ull,
            0xaaaaaaaaaaaaaaaaull,
        };
        return e[rng_below(r, sizeof e / sizeof e[0])] & m;
    }
    if (p < 50) {
        uint64_t b = 1ull << rng_below(r, bytes * 8);
        switch (rng_below(r, 3)) {
        case 0: return b & m;
        case 1: return (b - 1) & m;
        default: return (0 - b) & m;
        }
    }
    if (p < 62) {
        uint64_t v = rng_below(r, 64);
        return (rng_chance(r, 50) ? v : 0 - v) & m;
    }
    return rng_next(r) & m;
}

static uint32_t gen_f32(struct rng *r)
{
    static const uint32_t special[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
        0x7fa00000, 0x7fc0dead, 0x00000001, 0x807fffff, 0x007fffff, 0x00800000, 0x80800000,
        0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000,
        0xc0200000, 0x40600000, 0x4f000000, 0xcf000000, 0x4effffff, 0x5f000000, 0xdf000000,
        0x5effffff, 0x4f800000, 0x5f800000, 0x4b800000, 0x4b800001, 0x3dcccccd, 0x3eaaaaab,
    };
    unsigned p = (unsigned)rng_below(r, 100);
    if (p < 35)
        return special[rng_below(r, sizeof special / sizeof special[0])];
    if (p < 50) {   /* small integers and halves */
        float f = (float)(int)rng_below(r, 2000) - 1000.0f;
        f += (float)rng_below(r, 4) * 0.25f;
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
    }
    uint32_t sign = (uint32_t)rng_below(r, 2) << 31;
    uint32_t exp = p < 85 ? (uint32_t)(127 - 40 + rng_below(r, 80)) : (uint32_t)rng_below(r, 256);
    return sign | exp << 23 | ((uint32_t)rng_next(r) & 0x7fffff);
}

static uint64_t gen_f64(struct rng *r)
{
    static const uint64_t special[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
        0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
        0x7ff0000000000001ull, 0x7ff4000000000000ull, 0x7ff8dead0000beefull,
        0x0000000000000001ull, 0x800fffffffffffffull, 0x000fffffffffffffull,
        0x0010000000000000ull, 0x8010000000000000ull, 0x7fefffffffffffffull,
        0xffefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull,
        0xc004000000000000ull, 0x400c000000000000ull, 0x41e0000000000000ull,
        0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x41dfffffffe00000ull,
        0xc1e0000000100000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
        0x43dfffffffffffffull, 0x43f0000000000000ull, 0x41f0000000000000ull,
        0x47efffffe0000000ull, 0x47efffffe0000001ull, 0x47f0000000000000ull,
        0x3810000000000000ull, 0x380fffffffffffffull, 0x36a0000000000000ull,
        0x4340000000000001ull, 0x3fb999999999999aull, 0x3fd5555555555555ull,
    };
    unsigned p = (unsigned)rng_below(r, 100);
    if (p < 35)
        return special[rng_below(r, sizeof special / sizeof special[0])];
    if (p < 50) {
        double f = (double)(int)rng_below(r, 2000) - 1000.0;
        f += (double)rng_below(r, 4) * 0.25;
        uint64_t u;
        memcpy(&u, &f, 8);
        return u;
    }
    uint64_t sign = rng_below(r, 2) << 63;
    uint64_t exp = p < 85 ? 1023 - 70 + rng_below(r, 140) : rng_below(r, 2048);
    return sign | exp << 52 | (rng_next(r) & 0xfffffffffffffull);
}

/* Fills n bytes with elements of the given Zydis element type and size (bits). */
static void gen_elems(struct rng *r, uint8_t *p, unsigned n, int etype, unsigned ebits)
{
    for (unsigned i = 0; i < n;) {
        if (etype == ZYDIS_ELEMENT_TYPE_FLOAT32 && i + 4 <= n) {
            uint32_t v = gen_f32(r);
            memcpy(p + i, &v, 4);
            i += 4;
        } else if (etype == ZYDIS_ELEMENT_TYPE_FLOAT64 && i + 8 <= n) {
            uint64_t v = gen_f64(r);
            memcpy(p + i, &v, 8);
            i += 8;
        } else {
            unsigned eb = ebits >= 8 && ebits <= 64 ? ebits / 8 : 8;
            if (eb > n - i)
                eb = n - i;
            uint64_t v = gen_int(r, eb);
            memcpy(p + i, &v, eb);
            i += eb;
        }
    }
}

/* ---- forms ------------------------------------------------------------------------------- */

struct tmpl { uint8_t n, slot[3]; };

static const struct tmpl tmpls[] = {
    { 0, { 0 } },
    { 1, { SL_G } }, { 1, { SL_G8H } }, { 1, { SL_M } }, { 1, { SL_I } }, { 1, { SL_REL } },
    { 1, { SL_X } },
    { 2, { SL_G, SL_G } }, { 2, { SL_G, SL_G8H } }, { 2, { SL_G8H, SL_G } },
    { 2, { SL_G8H, SL_G8H } }, { 2, { SL_G, SL_M } }, { 2, { SL_M, SL_G } },
    { 2, { SL_G8H, SL_M } }, { 2, { SL_M, SL_G8H } }, { 2, { SL_G, SL_I } },
    { 2, { SL_G8H, SL_I } }, { 2, { SL_M, SL_I } }, { 2, { SL_G, SL_CL } },
    { 2, { SL_G8H, SL_CL } }, { 2, { SL_M, SL_CL } }, { 2, { SL_X, SL_X } },
    { 2, { SL_X, SL_M } }, { 2, { SL_M, SL_X } }, { 2, { SL_X, SL_G } }, { 2, { SL_G, SL_X } },
    { 2, { SL_X, SL_I } }, { 2, { SL_I, SL_I } },
    { 3, { SL_G, SL_G, SL_I } }, { 3, { SL_G, SL_M, SL_I } }, { 3, { SL_G, SL_G, SL_CL } },
    { 3, { SL_M, SL_G, SL_CL } }, { 3, { SL_M, SL_G, SL_I } }, { 3, { SL_X, SL_X, SL_I } },
    { 3, { SL_X, SL_M, SL_I } }, { 3, { SL_G, SL_X, SL_I } }, { 3, { SL_X, SL_G, SL_I } },
    { 3, { SL_M, SL_X, SL_I } },
};

static const uint8_t gsizes[] = { 1, 2, 4, 8 };
static const uint8_t msizes[] = { 1, 2, 4, 8, 16 };

ZydisEncoderRequest gen_request(ZydisMnemonic m)
{
    ZydisEncoderRequest q;
    memset(&q, 0, sizeof q);
    q.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
    q.allowed_encodings = ZYDIS_ENCODABLE_ENCODING_LEGACY;
    q.mnemonic = m;
    return q;
}

int gen_encode_at(ZydisEncoderRequest *q, uint8_t *buf, uint8_t *len, uint64_t at)
{
    ZyanUSize n = 15;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstructionAbsolute(q, buf, &n, at)))
        return -1;
    *len = (uint8_t)n;
    return 0;
}

static int encode(ZydisEncoderRequest *q, uint8_t *buf, uint8_t *len)
{
    return gen_encode_at(q, buf, len, OR_INSN);
}

/* A fixed, always-encodable instance of a form: the "trial" used to discover forms. */
static void trial_request(const struct form *f, ZydisEncoderRequest *q, int64_t imm)
{
    static const int gregs[3] = { RDX, RBX, RAX };
    static const ZydisRegister hregs[3] = { ZYDIS_REGISTER_DH, ZYDIS_REGISTER_BH,
                                            ZYDIS_REGISTER_CH };
    *q = gen_request(f->mnemonic);
    q->prefixes = f->prefixes;
    q->operand_count = f->nslot;
    q->branch_width = f->branch_width;
    int nimm = 0;
    for (int i = 0; i < f->nslot; i++) {
        ZydisEncoderOperand *o = &q->operands[i];
        switch (f->slot[i]) {
        case SL_G:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = or_gpr_reg(gregs[i], f->size[i]);
            break;
        case SL_G8H:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = hregs[i];
            break;
        case SL_X:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = ZYDIS_REGISTER_XMM1 + i;
            break;
        case SL_CL:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = ZYDIS_REGISTER_CL;
            break;
        case SL_M:
            o->type = ZYDIS_OPERAND_TYPE_MEMORY;
            o->mem.base = ZYDIS_REGISTER_RBX;
            o->mem.displacement = 0x10;
            o->mem.size = f->size[i];
            break;
        case SL_I:
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            o->imm.s = f->mnemonic == ZYDIS_MNEMONIC_ENTER ? (nimm ? 0 : 16) : imm;
            nimm++;
            break;
        case SL_REL:
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            o->imm.u = OR_TARGET;
            break;
        }
    }
}

/* Names a form after its decoded trial instance ("shl r64, cl", "cvtss2si r64, m32"), so
 * templates the encoder accepts for the same encoding collapse into one form. */
static void form_name(struct form *f, const struct odecoded *d)
{
    size_t n = 0, cap = sizeof f->name;
    const char *pfx = f->prefixes & ZYDIS_ATTRIB_HAS_LOCK ? "lock " :
                      f->prefixes & ZYDIS_ATTRIB_HAS_REPNE ? "repne " :
                      f->prefixes & ZYDIS_ATTRIB_HAS_REPE ? "repe " :
                      f->prefixes & ZYDIS_ATTRIB_HAS_REP ? "rep " : "";
    n += (size_t)snprintf(f->name, cap, "%s%s", pfx, ZydisMnemonicGetString(f->mnemonic));
    if (f->nopfill) {
        snprintf(f->name + n, cap - n, " (%u bytes)", f->nopfill);
        return;
    }
    for (int i = 0; d && i < d->in.operand_count_visible && n < cap; i++) {
        const ZydisDecodedOperand *o = &d->op[i];
        char t[16];
        int hi;
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value >= ZYDIS_REGISTER_XMM0 &&
            o->reg.value <= ZYDIS_REGISTER_XMM15)
            snprintf(t, sizeof t, "xmm");
        else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && i < f->nslot && f->slot[i] == SL_CL)
            snprintf(t, sizeof t, "cl");
        else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && or_gpr_index(o->reg.value, &hi) >= 0)
            snprintf(t, sizeof t, hi ? "r8h" : "r%u", o->size);
        else if (o->type == ZYDIS_OPERAND_TYPE_MEMORY)
            snprintf(t, sizeof t, "m%u", o->size);
        else if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && o->imm.is_relative)
            snprintf(t, sizeof t, "rel%u", d->in.raw.imm[0].size);
        else if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
            snprintf(t, sizeof t, "imm");
        else
            snprintf(t, sizeof t, "%s", ZydisRegisterGetString(o->reg.value));
        n += (size_t)snprintf(f->name + n, cap - n, "%s%s", i ? ", " : " ", t);
    }
}

/* Accepts f if its trial encodes to the same mnemonic; returns 1 if added. */
static int try_form(struct form *f, struct form *out, size_t have, size_t max)
{
    ZydisEncoderRequest q;
    uint8_t buf[16], len;
    struct odecoded d;
    if (have >= max)
        return 0;
    trial_request(f, &q, 1);
    if (encode(&q, buf, &len) != 0 || or_decode(buf, len, &d) != 0 ||
        d.in.mnemonic != f->mnemonic)
        return 0;
    /* NOP: only 90 and 0F 1F /0. The other hint-space NOPs (0F 0D, 0F 18-1E with register
     * operands) are #UD on some CPUs and never emitted by Go's toolchain. */
    if (f->mnemonic == ZYDIS_MNEMONIC_NOP && d.in.opcode != 0x90 &&
        !(d.in.opcode_map == ZYDIS_OPCODE_MAP_0F && d.in.opcode == 0x1f))
        return 0;
    if (d.in.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
        return 0;   /* far JMP/CALL would load CS */
    for (int i = 0; i < f->nslot; i++)   /* a relative target is SL_REL, not a plain imm */
        if (f->slot[i] == SL_I && d.op[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
            d.op[i].imm.is_relative)
            return 0;
    form_name(f, &d);
    for (size_t i = 0; i < have; i++)
        if (strcmp(out[i].name, f->name) == 0)
            return 0;
    f->implemented = (uint8_t)guest_implemented(buf, len);
    out[have] = *f;
    return 1;
}

size_t gen_forms(ZydisMnemonic m, struct form *out, size_t max)
{
    size_t n = 0;
    if (m == ZYDIS_MNEMONIC_NOP) {
        for (uint8_t len = 1; len <= 9 && n < max; len++) {
            struct form f = { .mnemonic = m, .nopfill = len };
            uint8_t buf[16];
            ZydisEncoderNopFill(buf, len);
            form_name(&f, NULL);
            f.implemented = (uint8_t)guest_implemented(buf, len);
            out[n++] = f;
        }
    }
    for (size_t t = 0; t < sizeof tmpls / sizeof tmpls[0]; t++) {
        const struct tmpl *tp = &tmpls[t];
        int has_cl = 0;
        for (int i = 0; i < tp->n; i++)
            has_cl |= tp->slot[i] == SL_CL;
        if (has_cl && trait_of(m) != T_SHIFT)
            continue;   /* CL is then just another byte register */
        /* Sizes: every combination over the G and M slots. */
        unsigned combos = 1, radix[3] = { 1, 1, 1 };
        for (int i = 0; i < tp->n; i++) {
            radix[i] = tp->slot[i] == SL_G ? 4 : tp->slot[i] == SL_M ? 5 : 1;
            combos *= radix[i];
        }
        for (unsigned c = 0; c < combos; c++) {
            struct form f = { .mnemonic = m, .nslot = tp->n };
            unsigned v = c;
            for (int i = 0; i < tp->n; i++) {
                f.slot[i] = tp->slot[i];
                unsigned k = v % radix[i];
                v /= radix[i];
                f.size[i] = tp->slot[i] == SL_G ? gsizes[k] : tp->slot[i] == SL_M ? msizes[k] :
                            tp->slot[i] == SL_G8H ? 1 : tp->slot[i] == SL_X ? 16 : 0;
            }
            int has_rel = tp->n == 1 && tp->slot[0] == SL_REL;
            if (has_rel) {
                f.branch_width = ZYDIS_BRANCH_WIDTH_8;
                n += (size_t)try_form(&f, out, n, max);
                f.branch_width = ZYDIS_BRANCH_WIDTH_32;
            }
            n += (size_t)try_form(&f, out, n, max);
            if (tp->n > 0 && tp->slot[0] == SL_M) {
                struct form l = f;
                l.prefixes = ZYDIS_ATTRIB_HAS_LOCK;
                n += (size_t)try_form(&l, out, n, max);
            }
            if (tp->n == 0) {
                static const ZydisInstructionAttributes reps[] = {
                    ZYDIS_ATTRIB_HAS_REP, ZYDIS_ATTRIB_HAS_REPE, ZYDIS_ATTRIB_HAS_REPNE,
                };
                for (int i = 0; i < 3; i++) {
                    struct form p = f;
                    p.prefixes = reps[i];
                    n += (size_t)try_form(&p, out, n, max);
                }
            }
        }
    }
    return n;
}

/* ---- cases ------------------------------------------------------------------------------- */

/* The case being built: the memory image is kept up to date with the patches. */
struct build {
    struct ocase *k;
    struct rng *r;
    const struct form *f;
    enum trait t;
    uint16_t locked;         /* GPRs whose value is an address: not to be overwritten */
    uint8_t img[OR_DATA_SIZE];
};

static void lock_set(struct build *b, int g, uint64_t v)
{
    b->k->in.gpr[g] = v;
    b->locked |= (uint16_t)(1u << g);
}

static int in_data(uint64_t a, unsigned n)
{
    return a >= OR_DATA && a + n <= OR_DATA + OR_DATA_SIZE;
}

/* Writes n bytes at guest address a (if inside the data pages) as a patch. */
static void poke(struct build *b, uint64_t a, const void *p, unsigned n)
{
    struct ocase *k = b->k;
    while (n > 0 && in_data(a, 1)) {
        unsigned c = n > 16 ? 16 : n;
        if (!in_data(a, c))
            c = (unsigned)(OR_DATA + OR_DATA_SIZE - a);
        if (k->npatch >= OR_MAX_PATCH)
            return;
        struct opatch *pt = &k->patch[k->npatch++];
        memset(pt, 0, sizeof *pt);
        pt->off = (uint16_t)(a - OR_DATA);
        pt->len = (uint16_t)c;
        memcpy(pt->data, p, c);
        memcpy(b->img + pt->off, p, c);
        a += c;
        p = (const uint8_t *)p + c;
        n -= c;
    }
}

static void copy_mem(struct build *b, uint64_t dst, uint64_t src, unsigned n)
{
    struct ocase *k = b->k;
    if (!in_data(dst, n) || !in_data(src, n) || k->npatch >= OR_MAX_PATCH)
        return;
    struct opatch *pt = &k->patch[k->npatch++];
    memset(pt, 0, sizeof *pt);
    pt->copy = 1;
    pt->off = (uint16_t)(dst - OR_DATA);
    pt->src = (uint16_t)(src - OR_DATA);
    pt->len = (uint16_t)n;
    memmove(b->img + pt->off, b->img + pt->src, n);
}

static uint64_t stack_pointer(struct rng *r)
{
    uint64_t sp = OR_DATA + 0x1000 + rng_below(r, 0xe00);
    return rng_chance(r, 90) ? sp & ~7ull : sp;
}

static void random_state(struct build *b)
{
    struct ocase *k = b->k;
    struct rng *r = b->r;
    memset(k, 0, sizeof *k);
    for (int i = 0; i < 16; i++)
        k->in.gpr[i] = rng_chance(r, 30) ? gen_int(r, 8) : rng_next(r);
    k->in.gpr[RSP] = stack_pointer(r);
    k->in.rflags = 0x202 | (rng_next(r) & FLAGS_ARITH) | (rng_chance(r, 15) ? FLAG_DF : 0);
    for (int i = 0; i < 16; i++) {
        static const int et[3] = { ZYDIS_ELEMENT_TYPE_FLOAT32, ZYDIS_ELEMENT_TYPE_FLOAT64,
                                   ZYDIS_ELEMENT_TYPE_INT };
        gen_elems(r, k->in.xmm[i].b, 16, et[rng_below(r, 3)], 8u << rng_below(r, 4));
    }
    k->in.mxcsr = MXCSR_DEFAULT | (uint32_t)rng_below(r, 4) << MXCSR_RC_SHIFT;
    if (rng_chance(r, 40))
        k->in.mxcsr |= (uint32_t)rng_below(r, 64);
    if (rng_chance(r, 10)) {   /* DAZ, FZ or both */
        static const uint32_t dazfz[3] = { MXCSR_DAZ, MXCSR_FZ, MXCSR_DAZ | MXCSR_FZ };
        k->in.mxcsr |= dazfz[rng_below(r, 3)];
    }
    if (rng_chance(r, 8))      /* unmasked exceptions (#XM): one of the six, or all */
        k->in.mxcsr &= rng_chance(r, 25) ? ~0x1f80u : ~(0x80u << rng_below(r, 6));
    k->in.rip = OR_INSN;
    k->mem_seed = rng_next(r);
    or_fill_data(k, b->img);
    b->locked = 1u << RSP;
}

/* ---- memory operands ---------------------------------------------------------------------- */

/* Picks the address a memory operand of n bytes will access. */
static uint64_t pick_target(struct build *b, unsigned n)
{
    struct rng *r = b->r;
    unsigned p = (unsigned)rng_below(r, 1000);
    unsigned lo = 0, hi = OR_DATA_SIZE - n;
    if (b->t == T_BT) {        /* BT m, r reaches up to 256 bytes either way */
        lo = 0x120;
        hi = OR_DATA_SIZE - 0x120;
    }
    if (p < 900 || b->t == T_BT) {
        uint64_t off = lo + rng_below(r, hi - lo + 1);
        unsigned align = n >= 16 ? 16 : n;
        if (n >= 16 ? rng_chance(r, 90) : rng_chance(r, 55))
            off &= ~(uint64_t)(align - 1);
        else if (n > 1 && rng_chance(r, 10))
            off = 0x1000 - 1 - rng_below(r, n - 1);    /* crosses into the second page */
        return OR_DATA + off;
    }
    if (p < 930)
        return OR_RO + rng_below(r, 4096 - n + 1);
    if (p < 950)
        return OR_GUARD + rng_below(r, 4096);
    if (p < 965)
        return OR_GUARD - 1 - rng_below(r, n > 1 ? n - 1 : 1);      /* RO page into guard */
    if (p < 975)
        return OR_DATA - 1 - rng_below(r, n > 1 ? n - 1 : 1);       /* below into data */
    if (p < 985)
        return rng_chance(r, 50) ? 0x8000000000000000ull + rng_below(r, 4096)
                                 : 0x0000800000000000ull - rng_below(r, n);  /* non-canonical */
    if (p < 990)
        return 0xffff888000000000ull + rng_below(r, 1ull << 30);   /* canonical kernel half */
    return rng_below(r, 0x1000);                                    /* "nil + offset" */
}

static ZydisRegister reg_of(int g, int addr32)
{
    return or_gpr_reg(g, addr32 ? 4 : 8);
}

/* Chooses registers, scale and displacement so that the operand addresses ea; sets the
 * address registers' values and locks them. Returns 0, or -1 to try again. */
static int build_mem(struct build *b, ZydisEncoderOperand *o, unsigned size, int no_rex)
{
    struct rng *r = b->r;
    struct ocase *k = b->k;
    int agen = b->t == T_AGEN;
    uint64_t ea = agen ? (rng_chance(r, 50) ? rng_next(r) : gen_int(r, 8)) : pick_target(b, size);
    int nregs = no_rex ? 8 : 16;
    int addr32 = !no_rex && rng_chance(r, 8) && ea <= 0xffffffffull;
    int gs = !agen && !addr32 && rng_chance(r, 5);
    if (gs) {
        k->gsbase = (rng_next(r) & 0x00007ffffffff000ull) | 0x1000;
        ea -= k->gsbase;
    }
    memset(o, 0, sizeof *o);
    o->type = ZYDIS_OPERAND_TYPE_MEMORY;
    o->mem.size = (ZyanU16)size;
    unsigned mode = (unsigned)rng_below(r, 100);
    int64_t disp;
    switch (rng_below(r, 4)) {
    case 0: disp = 0; break;
    case 1: disp = (int64_t)rng_below(r, 256) - 128; break;
    case 2: disp = (int32_t)rng_next(r); break;
    default: disp = (int64_t)rng_below(r, 64) * 8 - 256; break;
    }
    if (mode < 6 && !addr32 && !gs) {                      /* RIP-relative */
        if (agen)
            ea = OR_INSN + (uint64_t)((int64_t)(int32_t)rng_next(r) / 2);
        o->mem.base = ZYDIS_REGISTER_RIP;
        o->mem.displacement = (int64_t)ea;
        return 0;
    }
    if (mode < 10 && !addr32 && !gs && (int64_t)ea == (int32_t)ea) {   /* absolute */
        o->mem.displacement = (int64_t)ea;
        return 0;
    }
    int base = -1, index = -1;
    unsigned scale = 1u << rng_below(r, 4);
    if (mode < 20) {
        index = (int)rng_below(r, (uint64_t)nregs);       /* index only, disp32 */
    } else {
        base = (int)rng_below(r, (uint64_t)nregs);
        if (mode >= 60) {
            index = (int)rng_below(r, (uint64_t)nregs);
            if (index == base)
                index = -1;
        }
    }
    if (index == RSP)
        index = -1;
    if (base < 0 && index < 0)
        return -1;
    if ((base >= 0 && (b->locked >> base & 1) && base != RSP) ||
        (index >= 0 && (b->locked >> index & 1)))
        return -1;
    uint64_t wrap = addr32 ? 0xffffffffull : ~0ull;
    if (base < 0) {
        uint64_t rem = (ea - (uint64_t)disp) & (scale - 1);
        disp += (int64_t)rem;
        if (disp != (int32_t)disp)
            return -1;
        uint64_t iv = ((ea - (uint64_t)disp) & wrap) / scale;
        if (addr32)
            iv |= rng_next(r) & 0xffffffff00000000ull;
        lock_set(b, index, iv);
    } else {
        uint64_t iv = 0;
        if (index >= 0) {
            iv = rng_chance(r, 50) ? rng_below(r, 8192) - 4096 : gen_int(r, 8);
            lock_set(b, index, iv);
        }
        if (base == RSP) {
            disp = (int64_t)(ea - k->in.gpr[RSP] - iv * scale);
            if (addr32)
                disp = (int32_t)(uint32_t)disp;
            if (disp != (int32_t)disp)
                return -1;
        } else {
            uint64_t bv = (ea - (uint64_t)disp - iv * scale) & wrap;
            if (addr32)
                bv |= rng_next(r) & 0xffffffff00000000ull;
            lock_set(b, base, bv);
        }
        o->mem.base = reg_of(base, addr32);
    }
    if (index >= 0) {
        o->mem.index = reg_of(index, addr32);
        o->mem.scale = (ZyanU8)scale;
    }
    o->mem.displacement = disp;
    return 0;
}

/* ---- immediates ----------------------------------------------------------------------------- */

static uint64_t gen_count(struct rng *r, unsigned width_bits)
{
    if (rng_chance(r, 50)) {
        const uint64_t e[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128,
                               255, width_bits - 1, width_bits, width_bits + 1 };
        return e[rng_below(r, sizeof e / sizeof e[0])] & 0xff;
    }
    return rng_chance(r, 70) ? rng_below(r, width_bits + 2) : rng_below(r, 256);
}

static int64_t gen_imm(struct build *b, int nth, unsigned opbytes)
{
    struct rng *r = b->r;
    switch (b->t) {
    case T_SHIFT: case T_BT:
        return (int64_t)gen_count(r, opbytes * 8 > 64 ? 64 : opbytes * 8);
    case T_ENTER:
        return nth == 0 ? (int64_t)rng_below(r, 0x100) : (int64_t)rng_below(r, 5);
    case T_RET:
        return (int64_t)rng_below(r, 9) * 8 + (rng_chance(r, 10) ? 4 : 0);
    case T_INT: {
        int64_t v = rng_chance(r, 50) ? 3 : (int64_t)rng_below(r, 256);
        return v == 0x80 ? 0x81 : v;
    }
    default:
        break;
    }
    if (opbytes == 0 && rng_chance(r, 50))     /* nothing sizes it (PUSH imm): imm8 or imm32 */
        return (int64_t)sext_bytes(gen_int(r, 4), 4);
    if (opbytes == 16 || opbytes == 0 || rng_chance(r, 25))
        return rng_chance(r, 50) ? (int64_t)rng_below(r, 256) : (int64_t)gen_count(r, 64);
    if (opbytes == 8 && b->f->mnemonic == ZYDIS_MNEMONIC_MOV && rng_chance(r, 40))
        return (int64_t)gen_int(r, 8);
    unsigned ib = opbytes > 4 ? 4 : opbytes;
    return (int64_t)sext_bytes(gen_int(r, ib), ib);
}

/* ---- instantiation ------------------------------------------------------------------------ */

static int build_request(struct build *b, ZydisEncoderRequest *q)
{
    const struct form *f = b->f;
    struct rng *r = b->r;
    int no_rex = 0, has_x = 0;
    for (int i = 0; i < f->nslot; i++) {
        no_rex |= f->slot[i] == SL_G8H;
        has_x |= f->slot[i] == SL_X;
    }
    *q = gen_request(f->mnemonic);
    q->prefixes = f->prefixes;
    q->operand_count = f->nslot;
    q->branch_width = f->branch_width;
    unsigned opbytes = f->nslot ? f->size[0] : 8;
    int nimm = 0;
    for (int i = 0; i < f->nslot; i++) {
        ZydisEncoderOperand *o = &q->operands[i];
        switch (f->slot[i]) {
        case SL_G: {
            int g = (int)rng_below(r, no_rex ? (f->size[i] == 1 ? 4 : 8) : 16);
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = or_gpr_reg(g, f->size[i]);
            break;
        }
        case SL_G8H:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = ZYDIS_REGISTER_AH + (int)rng_below(r, 4);
            break;
        case SL_X:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = ZYDIS_REGISTER_XMM0 + (int)rng_below(r, 16);
            break;
        case SL_CL:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = ZYDIS_REGISTER_CL;
            break;
        case SL_M:
            if (build_mem(b, o, f->size[i], no_rex) != 0)
                return -1;
            if (b->k->gsbase)
                q->prefixes |= ZYDIS_ATTRIB_HAS_SEGMENT_GS;
            break;
        case SL_I:
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            o->imm.s = gen_imm(b, nimm++, has_x ? 16 : opbytes);
            break;
        case SL_REL:
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            o->imm.u = OR_TARGET;
            break;
        }
    }
    return 0;
}

/* Reads/writes the bytes of decoded operand i in the case (registers, or memory patches). */
static int opnd_loc(struct build *b, const struct odecoded *d, int i, uint8_t **p, unsigned *n,
                    uint64_t *ea)
{
    const ZydisDecodedOperand *o = &d->op[i];
    int hi;
    *ea = 0;
    if (o->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int g = or_gpr_index(o->reg.value, &hi);
        if (g >= 0) {
            if (b->locked >> g & 1)
                return -1;
            *p = (uint8_t *)&b->k->in.gpr[g] + hi;
            *n = o->size / 8;
            return 0;
        }
        if (o->reg.value >= ZYDIS_REGISTER_XMM0 && o->reg.value <= ZYDIS_REGISTER_XMM15) {
            *p = b->k->in.xmm[o->reg.value - ZYDIS_REGISTER_XMM0].b;
            *n = 16;
            return 0;
        }
        return -1;
    }
    if (o->type == ZYDIS_OPERAND_TYPE_MEMORY && o->mem.type == ZYDIS_MEMOP_TYPE_MEM &&
        o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT) {
        uint64_t a = (uint64_t)o->mem.disp.value;
        if (o->mem.base == ZYDIS_REGISTER_RIP)
            a += OR_INSN + d->in.length;
        else if (o->mem.base != ZYDIS_REGISTER_NONE)
            a += b->k->in.gpr[or_gpr_index(o->mem.base, &hi)];
        if (o->mem.index != ZYDIS_REGISTER_NONE)
            a += b->k->in.gpr[or_gpr_index(o->mem.index, &hi)] * o->mem.scale;
        if (d->in.address_width == 32)
            a = (uint32_t)a;
        if (o->mem.segment == ZYDIS_REGISTER_GS)
            a += b->k->gsbase;
        *n = o->size / 8 > 16 ? 16 : o->size / 8;
        *ea = a;
        if (!in_data(a, *n))
            return -1;
        *p = b->img + (a - OR_DATA);
        return 0;
    }
    return -1;
}

static void set_operand(struct build *b, const struct odecoded *d, int i, const uint8_t *v,
                        unsigned n)
{
    uint8_t *p;
    unsigned have;
    uint64_t ea;
    if (opnd_loc(b, d, i, &p, &have, &ea) != 0)
        return;
    if (n > have)
        n = have;
    if (ea)
        poke(b, ea, v, n);
    else
        memcpy(p, v, n);
}

static void set_gpr_low(struct build *b, int g, unsigned bytes, uint64_t v)
{
    if (b->locked >> g & 1)
        return;
    uint64_t m = mask_of(bytes);
    b->k->in.gpr[g] = (b->k->in.gpr[g] & ~m) | (v & m);
}

/* Values for the visible operands, by element type. */
static void gen_operand_values(struct build *b, const struct odecoded *d)
{
    struct rng *r = b->r;
    for (int i = 0; i < d->in.operand_count_visible; i++) {
        const ZydisDecodedOperand *o = &d->op[i];
        uint8_t v[16];
        unsigned n = o->size / 8 > 16 ? 16 : o->size / 8;
        if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE || n == 0)
            continue;
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value == ZYDIS_REGISTER_CL &&
            b->t == T_SHIFT) {
            v[0] = (uint8_t)gen_count(r, d->in.operand_width);
            n = 1;
        } else {
            gen_elems(r, v, n, o->element_type, o->element_size);
        }
        set_operand(b, d, i, v, n);
    }
    /* Equal operands now and then (CMP/SUB to zero, UCOMISD equal, XCHG same value). */
    if (d->in.operand_count_visible >= 2 && rng_chance(r, 12)) {
        uint8_t *p0, *p1;
        unsigned n0, n1;
        uint64_t e0, e1;
        const ZydisDecodedOperand *o1 = &d->op[1];
        if (o1->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            uint8_t v[16] = { 0 };   /* an xmm destination takes 16 bytes */
            memcpy(v, &o1->imm.value.u, 8);
            if (opnd_loc(b, d, 0, &p0, &n0, &e0) == 0)
                set_operand(b, d, 0, v, n0);
        } else if (opnd_loc(b, d, 0, &p0, &n0, &e0) == 0 && opnd_loc(b, d, 1, &p1, &n1, &e1) == 0) {
            uint8_t v[16];
            memcpy(v, p0, n0 < n1 ? n0 : n1);
            set_operand(b, d, 1, v, n0 < n1 ? n0 : n1);
        }
    }
}

/* Hidden memory operands (string instructions, XLAT, MASKMOVDQU): their base registers point
 * into the middle of the data pages. */
static void point_hidden(struct build *b, const struct odecoded *d)
{
    int hi;
    for (int i = 0; i < d->in.operand_count; i++) {
        const ZydisDecodedOperand *o = &d->op[i];
        if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
            continue;
        int g = or_gpr_index(o->mem.base, &hi);
        if (g < 0 || g == RSP || (b->locked >> g & 1))
            continue;
        uint64_t p = OR_DATA + 0x600 + rng_below(b->r, 0x1400);
        unsigned align = o->size / 8 >= 8 ? 8 : o->size / 8 >= 1 ? o->size / 8 : 1;
        if (rng_chance(b->r, 70))
            p &= ~(uint64_t)(align - 1);
        lock_set(b, g, p);
    }
}

static void rule_div(struct build *b, const struct odecoded *d)
{
    struct rng *r = b->r;
    unsigned w = d->in.operand_width / 8;
    int sgn = d->in.mnemonic == ZYDIS_MNEMONIC_IDIV;
    uint64_t m = mask_of(w), dv = gen_int(r, w);
    if (dv == 0 && rng_chance(r, 80))
        dv = 1 + rng_below(r, 100);
    uint8_t vb[8];
    memcpy(vb, &dv, 8);
    set_operand(b, d, 0, vb, w);
    uint8_t *p;
    unsigned n;
    uint64_t ea;
    if (opnd_loc(b, d, 0, &p, &n, &ea) == 0) {     /* the divisor as it really is */
        dv = 0;
        memcpy(&dv, p, w);
    }
    unsigned __int128 hi_lo;
    if (rng_chance(r, 4) || dv == 0) {
        hi_lo = ((unsigned __int128)gen_int(r, w) << (w * 8)) | gen_int(r, w);
    } else if (!sgn) {
        uint64_t hi = rng_chance(r, 30) ? 0 : rng_below(r, dv);
        hi_lo = ((unsigned __int128)hi << (w * 8)) | gen_int(r, w);
    } else {
        __int128 q = (__int128)(int64_t)sext_bytes(gen_int(r, w), w);
        __int128 dd = (__int128)(int64_t)sext_bytes(dv, w);
        if (rng_chance(r, 50))
            q = (__int128)(int64_t)sext_bytes(rng_below(r, 1000) - 500, w);
        __int128 ad = dd < 0 ? -dd : dd;
        __int128 rem = (__int128)(rng_next(r) % (uint64_t)ad);
        __int128 prod = q * dd;
        __int128 div = prod < 0 || (prod == 0 && rng_chance(r, 50)) ? prod - rem : prod + rem;
        /* Keep the quotient representable: truncation toward zero may move it by one. */
        __int128 qmax = (__int128)((int64_t)(m >> 1)), qmin = -qmax - 1;
        __int128 qq = div / dd;
        if (qq > qmax || qq < qmin)
            div = prod;
        hi_lo = (unsigned __int128)div;
    }
    uint64_t lo = (uint64_t)hi_lo & m, hi = (uint64_t)(hi_lo >> (w * 8)) & m;
    if (w == 1) {
        set_gpr_low(b, RAX, 2, lo | hi << 8);
    } else {
        set_gpr_low(b, RAX, w, lo);
        set_gpr_low(b, RDX, w, hi);
    }
    /* A divisor register that is also RAX/RDX keeps its divisor value. */
    if (d->op[0].type == ZYDIS_OPERAND_TYPE_REGISTER && opnd_loc(b, d, 0, &p, &n, &ea) == 0)
        memcpy(p, &dv, w);
}

static void rule_strings(struct build *b, const struct odecoded *d)
{
    struct rng *r = b->r;
    struct ocase *k = b->k;
    unsigned sz = d->in.operand_width / 8;
    int rep = (d->in.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
                                   ZYDIS_ATTRIB_HAS_REPNE)) != 0;
    int down = (k->in.rflags & FLAG_DF) != 0;
    uint64_t cnt = 1;
    if (rep) {
        unsigned p = (unsigned)rng_below(r, 100);
        cnt = p < 10 ? 0 : p < 40 ? rng_below(r, 4) : rng_below(r, 65);
        k->in.gpr[RCX] = cnt;
        if (p >= 97) {     /* runs off the data pages: precise fault with partial progress */
            k->in.gpr[RCX] = 0x100000;
            uint64_t top = OR_DATA + OR_DATA_SIZE - 8 * rng_below(r, 8) - sz;
            uint64_t bottom = OR_DATA + 8 * rng_below(r, 8);
            k->in.gpr[RSI] = down ? bottom : top;
            k->in.gpr[RDI] = down ? bottom : top;
            /* Both at the edge compare equal (REPE runs on); one pointer far from it compares
             * unequal elements (REPNE runs on), so the flags of the iterations done differ from
             * the input flags when the fault comes. */
            if (rng_chance(r, 50)) {
                uint64_t far = down ? OR_DATA + 0x1800 + 8 * rng_below(r, 64)
                                    : OR_DATA + 0x100 + 8 * rng_below(r, 64);
                k->in.gpr[rng_chance(r, 50) ? RSI : RDI] = far;
            }
            return;
        }
    }
    uint64_t span = cnt * sz;
    if (b->t == T_MOVS && rng_chance(r, 25))       /* overlapping copy */
        k->in.gpr[RDI] = k->in.gpr[RSI] + rng_below(r, 33) - 16;
    uint64_t si = k->in.gpr[RSI], di = k->in.gpr[RDI];
    uint64_t s0 = down ? si + sz - span : si, d0 = down ? di + sz - span : di;
    if (b->t == T_CMPS && span && rng_chance(r, 60)) {
        copy_mem(b, d0, s0, (unsigned)span);
        if (rng_chance(r, 50)) {
            uint8_t x = (uint8_t)(rng_next(r) | 1);
            uint64_t at = d0 + rng_below(r, span);
            if (in_data(at, 1)) {
                uint8_t v = b->img[at - OR_DATA] ^ x;
                poke(b, at, &v, 1);
            }
        }
    }
    if (b->t == T_SCAS && span && rng_chance(r, 60)) {
        uint64_t at = d0 + rng_below(r, cnt) * sz;
        poke(b, at, &k->in.gpr[RAX], sz);
    }
    if (b->t == T_SCAS && rep && rng_chance(r, 30) && (d->in.attributes & ZYDIS_ATTRIB_HAS_REPE)) {
        /* REPE SCAS over a run of equal elements */
        for (uint64_t i = 0; i < cnt && i < 2; i++)
            poke(b, d0 + i * sz, &k->in.gpr[RAX], sz);
    }
}

/* Returns -1 when this instance cannot satisfy the rules. */
static int apply_rules(struct build *b, const struct odecoded *d)
{
    struct rng *r = b->r;
    struct ocase *k = b->k;
    uint8_t *p;
    unsigned n;
    uint64_t ea;
    switch (b->t) {
    case T_DIV:
        rule_div(b, d);
        break;
    case T_CMPXCHG:
        if (rng_chance(r, 50) && opnd_loc(b, d, 0, &p, &n, &ea) == 0) {
            uint64_t v = 0;
            memcpy(&v, p, n);
            set_gpr_low(b, RAX, n, v);
        }
        break;
    case T_CMPXCHG8B:
        if (rng_chance(r, 50) && opnd_loc(b, d, 0, &p, &n, &ea) == 0) {
            uint64_t lo = 0, hi = 0;
            unsigned h = n / 2;
            memcpy(&lo, p, h);
            memcpy(&hi, p + h, h);
            set_gpr_low(b, RAX, h, lo);
            set_gpr_low(b, RDX, h, hi);
        }
        break;
    case T_BT:
        if (d->op[0].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            d->op[1].type == ZYDIS_OPERAND_TYPE_REGISTER) {
            int hi, g = or_gpr_index(d->op[1].reg.value, &hi);
            unsigned w = d->op[1].size / 8;
            /* An offset register that also forms the address cannot be kept small: the access
             * would land anywhere, even in the host's own mappings. Try another instance. */
            if (g < 0 || (b->locked >> g & 1))
                return -1;
            k->in.gpr[g] = (k->in.gpr[g] & ~mask_of(w)) |
                           ((rng_below(r, 4096) - 2048) & mask_of(w));
        }
        break;
    case T_BRANCH:
        if (d->op[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            /* Now and then a bad target: non-canonical (#GP at the branch) or kernel half
             * (the fetch there faults). */
            static const uint64_t bad[4] = { 0x0000800000000000ull, 0x8000000000000000ull,
                                             0xffff800000000000ull, 0xffff888000001000ull };
            uint64_t t = rng_chance(r, 4) ? bad[rng_below(r, 4)] : OR_TARGET;
            set_operand(b, d, 0, (const uint8_t *)&t, 8);
        }
        break;
    case T_RET: {
        uint64_t t = OR_TARGET;
        poke(b, k->in.gpr[RSP], &t, 8);
        break;
    }
    case T_LOOP: {
        unsigned p2 = (unsigned)rng_below(r, 100);
        uint64_t v = p2 < 35 ? 0 : p2 < 55 ? 1 : p2 < 65 ? 0x100000000ull : gen_int(r, 8);
        k->in.gpr[RCX] = v;
        break;
    }
    case T_POPF: {
        uint64_t v = 0x202 | (rng_next(r) & (FLAGS_ARITH | FLAG_DF)) |
                     (rng_chance(r, 20) ? FLAG_ID : 0);
        poke(b, k->in.gpr[RSP], &v, 8);
        break;
    }
    case T_LEAVE: case T_ENTER: {
        uint64_t bp = OR_DATA + 0x1100 + rng_below(r, 0xd00);
        lock_set(b, RBP, rng_chance(r, 90) ? bp & ~7ull : bp);
        break;
    }
    case T_CPUID: {
        static const uint32_t leaves[] = { 0, 1, 7, 0x80000000, 0x80000001, 0xd, 2, 0x40000000 };
        set_gpr_low(b, RAX, 4, leaves[rng_below(r, sizeof leaves / sizeof leaves[0])]);
        set_gpr_low(b, RCX, 4, rng_below(r, 2));
        break;
    }
    case T_LDMXCSR:
        if (opnd_loc(b, d, 0, &p, &n, &ea) == 0) {
            uint32_t v = rng_chance(r, 95) ? (uint32_t)rng_below(r, 0x10000) : (uint32_t)rng_next(r);
            if (rng_chance(r, 70))
                v |= 0x1f80;   /* keep exceptions masked mostly */
            poke(b, ea, &v, 4);
        }
        break;
    case T_MOVS: case T_CMPS: case T_SCAS: case T_LODS: case T_STOS:
        if (d->in.operand_count_visible == 0)   /* not SSE MOVSD/CMPSD */
            rule_strings(b, d);
        break;
    default:
        break;
    }
    return 0;
}

int gen_case(const struct form *f, struct rng *r, struct ocase *k)
{
    static struct build b;
    for (int attempt = 0; attempt < 32; attempt++) {
        b.k = k;
        b.r = r;
        b.f = f;
        b.t = trait_of(f->mnemonic);
        random_state(&b);
        if (f->nopfill) {
            ZydisEncoderNopFill(k->bytes, f->nopfill);
            k->len = f->nopfill;
            return 0;
        }
        ZydisEncoderRequest q;
        if (build_request(&b, &q) != 0 || encode(&q, k->bytes, &k->len) != 0)
            continue;
        struct odecoded d;
        if (or_decode(k->bytes, k->len, &d) != 0 || d.in.mnemonic != f->mnemonic)
            continue;
        point_hidden(&b, &d);
        gen_operand_values(&b, &d);
        if (apply_rules(&b, &d) != 0)
            continue;
        /* #UD: a LOCK prefix on a form that does not take one (Zydis will not encode it, so
         * the byte is added by hand). */
        if (!(f->prefixes & ZYDIS_ATTRIB_HAS_LOCK) && k->len < 15 && rng_chance(r, 1)) {
            memmove(k->bytes + 1, k->bytes, k->len++);
            k->bytes[0] = 0xf0;
        }
        return 0;
    }
    return -1;
}
