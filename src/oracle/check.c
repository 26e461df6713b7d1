/* check.c — comparing the native and goemu results of one case, and reporting mismatches.
 * Only what the Intel SDM leaves undefined is masked: the flags Zydis lists as undefined for
 * the instruction (refined by shift count as the SDM's flag rules say), BSF/BSR's destination
 * for a zero source, SHLD/SHRD results for counts above 16, and the registers CPUID/RDTSC(P)
 * fill with machine-specific values. Everything else must match bit for bit: 16 GPRs, RIP,
 * RFLAGS, XMM0-15, MXCSR, the data pages, and for faults the signal and its siginfo. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle/oracle.h"

static const char *const gpr_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* RFLAGS bits user code can observe; RF (set in fault frames) and VM/VIF/VIP are not. */
#define CMP_FLAGS (FLAGS_ARITH | FLAG_TF | FLAG_IF | FLAG_DF | FLAG_AC | FLAG_ID | 0x2u)

/* ---- Zydis helpers ---------------------------------------------------------------------- */

int or_decode(const uint8_t *bytes, size_t len, struct odecoded *d)
{
    static ZydisDecoder dec;
    static int ready;
    if (!ready) {
        ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
        ready = 1;
    }
    if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, bytes, len, &d->in, d->op)))
        return 0;
    /* Invalid on purpose (a LOCK prefix where none is allowed): no operands, no flag info. */
    memset(d, 0, sizeof *d);
    d->in.length = (ZyanU8)len;
    return -1;
}

void or_format(const struct odecoded *d, uint64_t rip, char *buf, size_t n)
{
    static ZydisFormatter fmt;
    static int ready;
    if (!ready) {
        ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
        ready = 1;
    }
    if (d->in.mnemonic == ZYDIS_MNEMONIC_INVALID) {
        snprintf(buf, n, "(invalid encoding)");
        return;
    }
    if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&fmt, &d->in, d->op,
                                                       d->in.operand_count_visible, buf, n,
                                                       rip, NULL)))
        snprintf(buf, n, "(unformattable)");
}

int or_gpr_index(ZydisRegister r, int *high)
{
    *high = 0;
    if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) {
        *high = 1;
        return r - ZYDIS_REGISTER_AH;
    }
    if (ZydisRegisterGetClass(r) != ZYDIS_REGCLASS_GPR8 &&
        ZydisRegisterGetClass(r) != ZYDIS_REGCLASS_GPR16 &&
        ZydisRegisterGetClass(r) != ZYDIS_REGCLASS_GPR32 &&
        ZydisRegisterGetClass(r) != ZYDIS_REGCLASS_GPR64)
        return -1;
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    return big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15 ? (int)(big - ZYDIS_REGISTER_RAX) : -1;
}

ZydisRegister or_gpr_reg(int i, unsigned bytes)
{
    static const ZydisRegister low8[16] = {
        ZYDIS_REGISTER_AL, ZYDIS_REGISTER_CL, ZYDIS_REGISTER_DL, ZYDIS_REGISTER_BL,
        ZYDIS_REGISTER_SPL, ZYDIS_REGISTER_BPL, ZYDIS_REGISTER_SIL, ZYDIS_REGISTER_DIL,
        ZYDIS_REGISTER_R8B, ZYDIS_REGISTER_R9B, ZYDIS_REGISTER_R10B, ZYDIS_REGISTER_R11B,
        ZYDIS_REGISTER_R12B, ZYDIS_REGISTER_R13B, ZYDIS_REGISTER_R14B, ZYDIS_REGISTER_R15B,
    };
    switch (bytes) {
    case 1: return low8[i];
    case 2: return (ZydisRegister)(ZYDIS_REGISTER_AX + i);
    case 4: return (ZydisRegister)(ZYDIS_REGISTER_EAX + i);
    default: return (ZydisRegister)(ZYDIS_REGISTER_RAX + i);
    }
}

/* Effective address of a memory operand for the input state (segment GS included). */
static uint64_t operand_ea(const struct ocase *k, const struct odecoded *d,
                           const ZydisDecodedOperand *o)
{
    uint64_t a = (uint64_t)o->mem.disp.value;
    int hi;
    if (o->mem.base == ZYDIS_REGISTER_RIP || o->mem.base == ZYDIS_REGISTER_EIP) {
        a += OR_INSN + d->in.length;
    } else if (o->mem.base != ZYDIS_REGISTER_NONE) {
        int b = or_gpr_index(o->mem.base, &hi);
        if (b >= 0)
            a += k->in.gpr[b];
    }
    if (o->mem.index != ZYDIS_REGISTER_NONE) {
        int x = or_gpr_index(o->mem.index, &hi);
        if (x >= 0)
            a += k->in.gpr[x] * (o->mem.scale ? o->mem.scale : 1);
    }
    if (d->in.address_width == 32)
        a = (uint32_t)a;
    if (o->mem.segment == ZYDIS_REGISTER_GS)
        a += k->gsbase;
    return a;
}

/* Value of visible operand n in the input state (registers and data-page memory). */
static uint64_t operand_value(const struct ocase *k, const struct odecoded *d, int n)
{
    const ZydisDecodedOperand *o = &d->op[n];
    int hi;
    if (o->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int g = or_gpr_index(o->reg.value, &hi);
        if (g < 0)
            return 0;
        uint64_t v = k->in.gpr[g] >> (hi ? 8 : 0);
        return o->size >= 64 ? v : v & ((1ull << o->size) - 1);
    }
    if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
        return o->imm.value.u;
    if (o->type == ZYDIS_OPERAND_TYPE_MEMORY) {
        uint64_t a = operand_ea(k, d, o), v = 0;
        if (a >= OR_DATA && a + 8 <= OR_DATA + OR_DATA_SIZE) {
            static uint8_t mem[OR_DATA_SIZE];
            or_fill_data(k, mem);
            memcpy(&v, mem + (a - OR_DATA), 8);
        }
        return o->size >= 64 ? v : v & ((1ull << o->size) - 1);
    }
    return 0;
}

/* ---- masks ------------------------------------------------------------------------------ */

struct omask {
    uint64_t flags;          /* RFLAGS bits compared */
    uint16_t gpr;            /* GPRs compared */
    uint64_t mem_lo, mem_hi; /* data-page bytes [lo, hi) not compared */
    const char *why;         /* what was masked beyond Zydis's undefined flags */
};

static int is_shift(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR: case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL: case ZYDIS_MNEMONIC_ROR: case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: case ZYDIS_MNEMONIC_SHLD: case ZYDIS_MNEMONIC_SHRD:
        return 1;
    default:
        return 0;
    }
}

/* Masks the destination (operand 0) of d. */
static void mask_dest(const struct ocase *k, const struct odecoded *d, struct omask *m)
{
    const ZydisDecodedOperand *o = &d->op[0];
    int hi;
    if (o->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        int g = or_gpr_index(o->reg.value, &hi);
        if (g >= 0)
            m->gpr &= (uint16_t)~(1u << g);
    } else if (o->type == ZYDIS_OPERAND_TYPE_MEMORY) {
        uint64_t a = operand_ea(k, d, o);
        if (a >= OR_DATA && a < OR_DATA + OR_DATA_SIZE) {
            m->mem_lo = a - OR_DATA;
            m->mem_hi = m->mem_lo + o->size / 8;
        }
    }
}

static void compute_mask(const struct ocase *k, const struct odecoded *d, struct omask *m)
{
    ZydisMnemonic mn = d->in.mnemonic;
    uint64_t undef = d->in.cpu_flags ? d->in.cpu_flags->undefined : 0;
    m->gpr = 0xffff;
    m->mem_lo = m->mem_hi = 0;
    m->why = NULL;

    if (is_shift(mn)) {
        /* SDM SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD/SHRD: a masked count of 0 affects no
         * flag; OF is defined for a count of 1; CF is undefined for SHL/SHR by >= the width;
         * SHLD/SHRD by more than the width leave result and flags undefined. */
        int cnt_op = (mn == ZYDIS_MNEMONIC_SHLD || mn == ZYDIS_MNEMONIC_SHRD) ? 2 : 1;
        unsigned width = d->in.operand_width;
        uint64_t count = operand_value(k, d, cnt_op) & (width == 64 ? 63 : 31);
        if (count == 0)
            undef = 0;
        else if (count == 1)
            undef &= ~(uint64_t)FLAG_OF;
        if ((mn == ZYDIS_MNEMONIC_SHL || mn == ZYDIS_MNEMONIC_SHR) && count >= width)
            undef |= FLAG_CF;
        if ((mn == ZYDIS_MNEMONIC_SHLD || mn == ZYDIS_MNEMONIC_SHRD) && count > width) {
            undef |= FLAGS_ARITH;
            mask_dest(k, d, m);
            m->why = "SHLD/SHRD count > operand size: result undefined";
        }
    }
    if ((mn == ZYDIS_MNEMONIC_BSF || mn == ZYDIS_MNEMONIC_BSR) && operand_value(k, d, 1) == 0) {
        mask_dest(k, d, m);
        m->why = "BSF/BSR source 0: destination undefined";
    }
    switch (mn) {
    case ZYDIS_MNEMONIC_CPUID:
        m->gpr &= (uint16_t)~(1u << RAX | 1u << RBX | 1u << RCX | 1u << RDX);
        m->why = "CPUID outputs are machine specific";
        break;
    case ZYDIS_MNEMONIC_RDTSCP:
        m->gpr &= (uint16_t)~(1u << RCX);
        /* fall through */
    case ZYDIS_MNEMONIC_RDTSC:
    case ZYDIS_MNEMONIC_XGETBV:
        m->gpr &= (uint16_t)~(1u << RAX | 1u << RDX);
        m->why = "time stamp / XCR0 are machine specific";
        break;
    default:
        break;
    }
    m->flags = CMP_FLAGS & ~undef;
}

/* ---- comparison and reports ------------------------------------------------------------- */

static void flag_names(uint64_t f, char *buf, size_t n)
{
    static const struct { uint64_t bit; const char *name; } names[] = {
        { FLAG_CF, "CF" }, { FLAG_PF, "PF" }, { FLAG_AF, "AF" }, { FLAG_ZF, "ZF" },
        { FLAG_SF, "SF" }, { FLAG_TF, "TF" }, { FLAG_IF, "IF" }, { FLAG_DF, "DF" },
        { FLAG_OF, "OF" }, { FLAG_AC, "AC" }, { FLAG_ID, "ID" },
    };
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit)
            used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
                                     used ? " " : "", names[i].name);
}

static const char *signame(int s)
{
    switch (s) {
    case 0: return "none";
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGBUS: return "SIGBUS";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal?";
    }
}

/* Bit sets of registers the instruction names (any operand, visible or not). */
static void touched(const struct odecoded *d, uint16_t *gprs, uint16_t *xmms)
{
    *gprs = *xmms = 0;
    for (int i = 0; i < d->in.operand_count; i++) {
        const ZydisDecodedOperand *o = &d->op[i];
        ZydisRegister rs[3] = { ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE, ZYDIS_REGISTER_NONE };
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER)
            rs[0] = o->reg.value;
        else if (o->type == ZYDIS_OPERAND_TYPE_MEMORY) {
            rs[1] = o->mem.base;
            rs[2] = o->mem.index;
        }
        for (int j = 0; j < 3; j++) {
            int hi, g = or_gpr_index(rs[j], &hi);
            if (g >= 0)
                *gprs |= (uint16_t)(1u << g);
            if (rs[j] >= ZYDIS_REGISTER_XMM0 && rs[j] <= ZYDIS_REGISTER_XMM15)
                *xmms |= (uint16_t)(1u << (rs[j] - ZYDIS_REGISTER_XMM0));
        }
    }
}

struct diff {
    uint16_t gpr, xmm;
    int rip, flags, mxcsr, mem, fault;
    unsigned mem_first;
};

static int compare(const struct oresult *a, const struct oresult *b, const struct omask *m,
                   struct diff *df)
{
    memset(df, 0, sizeof *df);
    for (int i = 0; i < 16; i++) {
        if ((m->gpr >> i & 1) && a->st.gpr[i] != b->st.gpr[i])
            df->gpr |= (uint16_t)(1u << i);
        if (memcmp(&a->st.xmm[i], &b->st.xmm[i], 16) != 0)
            df->xmm |= (uint16_t)(1u << i);
    }
    df->rip = a->st.rip != b->st.rip;
    df->flags = ((a->st.rflags ^ b->st.rflags) & m->flags) != 0;
    /* At an unmasked overflow/underflow trap the CPU sets PE when the result, rounded with an
     * unbounded exponent, is inexact; goemu leaves it clear (ops_sse.h). */
    uint32_t pe = a->signo == SIGFPE &&
                  (a->st.mxcsr & ~(a->st.mxcsr >> 7) & (MXCSR_OE | MXCSR_UE)) ? MXCSR_PE : 0;
    df->mxcsr = ((a->st.mxcsr ^ b->st.mxcsr) & ~pe) != 0;
    /* Above the last user page the kernel's own page tables decide the P bit of a page-fault
     * error code; an emulator cannot know it. */
    int err_mask = a->signo == SIGSEGV && a->trapno == 14 && a->addr >= 0x7ffffffff000ull ? ~1 : ~0;
    df->fault = a->signo != b->signo ||
                (a->signo && (a->code != b->code || a->addr != b->addr || a->trapno != b->trapno ||
                              (a->err & err_mask) != (b->err & err_mask)));
    for (unsigned i = 0; i < OR_DATA_SIZE; i++) {
        if (i >= m->mem_lo && i < m->mem_hi)
            continue;
        if (a->mem[i] != b->mem[i]) {
            df->mem = 1;
            df->mem_first = i;
            break;
        }
    }
    return df->gpr || df->xmm || df->rip || df->flags || df->mxcsr || df->mem || df->fault;
}

static void print_xmm(const char *pfx, int i, const xmm_t *x)
{
    printf("%sxmm%d=%016" PRIx64 "_%016" PRIx64, pfx, i, x->q[1], x->q[0]);
}

static void print_result(const char *who, const struct oresult *r, const struct ocase *k,
                         uint16_t gprs, uint16_t xmms, const struct omask *m, int sse)
{
    char fl[64];
    printf("  %-7s", who);
    if (r->unimplemented)
        printf("[goemu decodes this to op_sigill: unimplemented form] ");
    if (r->signo)
        printf("%s code=%d addr=%#" PRIx64 " trapno=%d err=%d at rip=%#" PRIx64 "\n         ",
               signame(r->signo), r->code, r->addr, r->trapno, r->err, r->st.rip);
    else
        printf("rip=%#" PRIx64 "%s ", r->st.rip,
               r->st.rip == OR_TARGET ? " (taken)" :
               r->st.rip == OR_INSN + k->len ? " (next)" : "");
    for (int i = 0; i < 16; i++)
        if (gprs >> i & 1)
            printf("%s=%#" PRIx64 " ", gpr_names[i], r->st.gpr[i]);
    flag_names(r->st.rflags & m->flags & FLAGS_ARITH, fl, sizeof fl);
    printf("rflags=%#" PRIx64 " [%s]", r->st.rflags, fl);
    if (sse)
        printf(" mxcsr=%#x", r->st.mxcsr);
    for (int i = 0; i < 16; i++)
        if (xmms >> i & 1)
            print_xmm("\n         ", i, &r->st.xmm[i]);
    printf("\n");
}

static void print_input(const struct ocase *k, const struct odecoded *d, uint16_t gprs,
                        uint16_t xmms, int sse)
{
    char fl[64];
    static uint8_t mem[OR_DATA_SIZE];
    printf("  input  ");
    for (int i = 0; i < 16; i++)
        if (gprs >> i & 1)
            printf("%s=%#" PRIx64 " ", gpr_names[i], k->in.gpr[i]);
    flag_names(k->in.rflags & (FLAGS_ARITH | FLAG_DF), fl, sizeof fl);
    printf("rflags=%#" PRIx64 " [%s]", k->in.rflags, fl);
    if (sse)
        printf(" mxcsr=%#x", k->in.mxcsr);
    if (k->gsbase)
        printf(" gsbase=%#" PRIx64, k->gsbase);
    for (int i = 0; i < 16; i++)
        if (xmms >> i & 1)
            print_xmm("\n         ", i, &k->in.xmm[i]);
    or_fill_data(k, mem);
    for (int i = 0; i < d->in.operand_count; i++) {
        const ZydisDecodedOperand *o = &d->op[i];
        if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->mem.type != ZYDIS_MEMOP_TYPE_MEM)
            continue;
        uint64_t a = operand_ea(k, d, o);
        unsigned n = o->size / 8 > 16 ? 16 : o->size / 8;
        printf("\n         mem[%#" PRIx64 "] (%u bytes) =", a, o->size / 8);
        if (a >= OR_DATA && a + n <= OR_DATA + OR_DATA_SIZE) {
            for (unsigned j = 0; j < n; j++)
                printf(" %02x", mem[a - OR_DATA + j]);
        } else {
            printf(" (outside the data pages)");
        }
    }
    printf("\n");
}

static void print_diff(const struct diff *df, const struct oresult *a, const struct oresult *b)
{
    char fl[64];
    printf("  differs:");
    if (df->fault)
        printf(" signal");
    if (df->rip)
        printf(" rip");
    for (int i = 0; i < 16; i++)
        if (df->gpr >> i & 1)
            printf(" %s", gpr_names[i]);
    for (int i = 0; i < 16; i++)
        if (df->xmm >> i & 1)
            printf(" xmm%d", i);
    if (df->flags) {
        flag_names((a->st.rflags ^ b->st.rflags) & CMP_FLAGS, fl, sizeof fl);
        printf(" rflags(%s)", fl);
    }
    if (df->mxcsr)
        printf(" mxcsr");
    if (df->mem) {
        unsigned i = df->mem_first & ~7u;
        printf(" mem[%#" PRIx64 "]: native", (uint64_t)(OR_DATA + i));
        for (unsigned j = i; j < i + 16 && j < OR_DATA_SIZE; j++)
            printf(" %02x", a->mem[j]);
        printf(" goemu");
        for (unsigned j = i; j < i + 16 && j < OR_DATA_SIZE; j++)
            printf(" %02x", b->mem[j]);
    }
    printf("\n");
}

static void report(const struct ocase *k, const struct odecoded *d, const struct odecoded *d2,
                   const struct oresult *nat, const struct oresult *emu, const struct omask *m,
                   const struct diff *df, const char *form)
{
    char text[256], hex[OR_HEX_MAX];
    uint16_t gprs, xmms;
    touched(d, &gprs, &xmms);
    if (d2) {
        uint16_t g2, x2;
        touched(d2, &g2, &x2);
        gprs |= g2;
        xmms |= x2;
    }
    if (df) {
        gprs |= df->gpr;
        xmms |= df->xmm;
    }
    int sse = xmms != 0 || nat->st.mxcsr != k->in.mxcsr || emu->st.mxcsr != nat->st.mxcsr;
    or_format(d, OR_INSN, text, sizeof text);
    if (d2) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof text - n, " ; ");
        or_format(d2, OR_INSN + d->in.length, text + n + 3, sizeof text - n - 3);
    }
    printf("%s %s: %s  [", df ? "FAIL" : "CASE", form ? form : "", text);
    for (int i = 0; i < k->len; i++)
        printf("%s%02x", i ? " " : "", k->bytes[i]);
    printf("]\n");
    print_input(k, d, gprs, xmms, sse);
    print_result("native", nat, k, gprs, xmms, m, sse);
    print_result("goemu", emu, k, gprs, xmms, m, sse);
    if (df)
        print_diff(df, nat, emu);
    char fl[64];
    flag_names(m->flags & FLAGS_ARITH, fl, sizeof fl);
    printf("  compared flags: [%s]%s%s\n", fl, m->why ? "; masked: " : "", m->why ? m->why : "");
    or_case_to_hex(k, hex, sizeof hex);
    printf("  repro: goemu-oracle --repro %s\n", hex);
}

/* Decodes the case's instruction(s): the second is the consumer of a flags pair. Masks
 * combine: flags undefined after either instruction are not compared. Returns 1 if the bytes
 * hold two instructions. */
static int decode_case(const struct ocase *k, struct odecoded *d, struct odecoded *d2,
                       struct omask *m)
{
    int two = 0;
    or_decode(k->bytes, k->len, d);
    compute_mask(k, d, m);
    if (d->in.length > 0 && d->in.length < k->len &&
        or_decode(k->bytes + d->in.length, k->len - d->in.length, d2) == 0) {
        two = 1;
        if (d2->in.cpu_flags)
            m->flags &= ~(uint64_t)d2->in.cpu_flags->undefined;
    }
    return two;
}

uint64_t or_undefined_flags(const struct ocase *k)
{
    struct odecoded d;
    struct omask m;
    or_decode(k->bytes, k->len, &d);
    compute_mask(k, &d, &m);
    return CMP_FLAGS & ~m.flags;
}

int or_check(const struct ocase *k, const struct oresult *nat, const struct oresult *emu,
             const char *form, int do_report)
{
    struct odecoded d, d2;
    struct omask m;
    struct diff df;
    int two = decode_case(k, &d, &d2, &m);
    int bad = compare(nat, emu, &m, &df);
    if (do_report > 1 || (bad && do_report))
        report(k, &d, two ? &d2 : NULL, nat, emu, &m, bad ? &df : NULL, form);
    return bad;
}

void or_show(const struct ocase *k, const struct oresult *nat, const struct oresult *emu)
{
    struct odecoded d, d2;
    struct omask m;
    struct diff df;
    int two = decode_case(k, &d, &d2, &m);
    if (d.in.mnemonic == ZYDIS_MNEMONIC_INVALID)
        printf("(the bytes do not decode: an invalid encoding)\n");
    int bad = compare(nat, emu, &m, &df);
    report(k, &d, two ? &d2 : NULL, nat, emu, &m, bad ? &df : NULL, "repro");
    printf("%s\n", bad ? "MISMATCH" : "match");
}

/* ---- repro strings ---------------------------------------------------------------------- */

struct wbuf { uint8_t b[1024]; size_t n; };

static void put(struct wbuf *w, const void *p, size_t n)
{
    if (w->n + n <= sizeof w->b)
        memcpy(w->b + w->n, p, n);
    w->n += n;
}

void or_case_to_hex(const struct ocase *k, char *hex, size_t n)
{
    struct wbuf w = { .n = 0 };
    uint8_t ver = 1;
    put(&w, &ver, 1);
    put(&w, &k->len, 1);
    put(&w, k->bytes, k->len);
    put(&w, &k->gsbase, 8);
    put(&w, &k->mem_seed, 8);
    put(&w, k->in.gpr, sizeof k->in.gpr);
    put(&w, &k->in.rflags, 8);
    put(&w, k->in.xmm, sizeof k->in.xmm);
    put(&w, &k->in.mxcsr, 4);
    put(&w, &k->npatch, 1);
    for (unsigned i = 0; i < k->npatch; i++) {
        const struct opatch *p = &k->patch[i];
        put(&w, &p->off, 2);
        put(&w, &p->src, 2);
        put(&w, &p->len, 2);
        put(&w, &p->copy, 1);
        if (!p->copy)
            put(&w, p->data, p->len > 16 ? 16 : p->len);
    }
    static const char digits[] = "0123456789abcdef";
    size_t j = 0;
    for (size_t i = 0; i < w.n && j + 2 < n; i++) {
        hex[j++] = digits[w.b[i] >> 4];
        hex[j++] = digits[w.b[i] & 15];
    }
    hex[j] = 0;
}

struct rbuf { const uint8_t *b; size_t n, at; int bad; };

static void get(struct rbuf *r, void *p, size_t n)
{
    if (r->at + n > r->n) {
        r->bad = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, r->b + r->at, n);
    r->at += n;
}

int or_case_from_hex(const char *hex, struct ocase *k)
{
    static uint8_t b[1024];
    size_t n = strlen(hex) / 2;
    if (n > sizeof b)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        b[i] = (uint8_t)v;
    }
    struct rbuf r = { b, n, 0, 0 };
    uint8_t ver;
    memset(k, 0, sizeof *k);
    get(&r, &ver, 1);
    get(&r, &k->len, 1);
    if (ver != 1 || k->len == 0 || k->len > OR_MAX_BYTES)
        return -1;
    get(&r, k->bytes, k->len);
    get(&r, &k->gsbase, 8);
    get(&r, &k->mem_seed, 8);
    get(&r, k->in.gpr, sizeof k->in.gpr);
    get(&r, &k->in.rflags, 8);
    get(&r, k->in.xmm, sizeof k->in.xmm);
    get(&r, &k->in.mxcsr, 4);
    get(&r, &k->npatch, 1);
    if (k->npatch > OR_MAX_PATCH)
        return -1;
    for (unsigned i = 0; i < k->npatch; i++) {
        struct opatch *p = &k->patch[i];
        get(&r, &p->off, 2);
        get(&r, &p->src, 2);
        get(&r, &p->len, 2);
        get(&r, &p->copy, 1);
        if (!p->copy)
            get(&r, p->data, p->len > 16 ? 16 : p->len);
    }
    k->in.rip = OR_INSN;
    return r.bad ? -1 : 0;
}
