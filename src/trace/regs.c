/* regs.c — a register dump in the form of gdb's "info registers" (amd64-linux): name, hex
 * value, natural value; rflags decoded as gdb does ("[ PF ZF IF ]"), rip with its symbol,
 * and fs_base/gs_base. Segment selectors are Linux's user values (cs 0x33, ss 0x2b). */
#include "trace/internal.h"

#include <inttypes.h>

#include "cpu/flags.h"

/* gdb's i386 eflags type, bit by bit from the low end. */
static const char *const eflags_names[22] = {
    "CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF", "", "", "NT", "",
    "RF", "VM", "AC", "VIF", "VIP", "ID",
};

void regs_eflags(uint64_t rflags, char *buf, size_t n)
{
    size_t len = 0;
    tr_put(buf, n, &len, "[");
    for (int b = 0; b < 22; b++)
        if (((rflags >> b) & 1) && eflags_names[b][0])
            tr_put(buf, n, &len, " %s", eflags_names[b]);
    tr_put(buf, n, &len, " ]");
}

struct reg_row {
    const char *name;
    int gpr;     /* index into gpr[], or -1 */
};

static const struct reg_row gprs[] = {
    {"rax", RAX}, {"rbx", RBX}, {"rcx", RCX}, {"rdx", RDX}, {"rsi", RSI}, {"rdi", RDI},
    {"rbp", RBP}, {"rsp", RSP}, {"r8", R8}, {"r9", R9}, {"r10", R10}, {"r11", R11},
    {"r12", R12}, {"r13", R13}, {"r14", R14}, {"r15", R15},
};

static void row(char *buf, size_t n, size_t *len, const char *name, uint64_t v,
                const char *natural)
{
    char hex[24];
    snprintf(hex, sizeof hex, "%#" PRIx64, v);
    if (v == 0)
        snprintf(hex, sizeof hex, "0x0");
    tr_put(buf, n, len, "%-15s%-19s%s\n", name, hex, natural);
}

static void json_reg(char *json, size_t jn, size_t *jl, const char *name, uint64_t v)
{
    tr_put(json, jn, jl, "%s\"%s\":\"0x%" PRIx64 "\"", json[*jl - 1] == '{' ? "" : ",", name, v);
}

void regs_format(const struct trace *tr, const struct cpu *c, char *buf, size_t n, char *json,
                 size_t jn)
{
    size_t len = 0, jl = 0;
    char nat[200], sym[160];
    tr_sym(tr, c->rip, sym, sizeof sym);
    tr_put(buf, n, &len, "registers at %s (gdb: info registers)\n", sym);
    tr_put(json, jn, &jl, "\"registers\":{");
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++) {
        uint64_t v = c->gpr[gprs[i].gpr];
        /* gdb shows rbp and rsp as pointers, the others as signed 64-bit integers. */
        if (gprs[i].gpr == RBP || gprs[i].gpr == RSP)
            snprintf(nat, sizeof nat, v ? "%#" PRIx64 : "0x0", v);
        else
            snprintf(nat, sizeof nat, "%" PRId64, (int64_t)v);
        row(buf, n, &len, gprs[i].name, v, nat);
        json_reg(json, jn, &jl, gprs[i].name, v);
    }
    snprintf(nat, sizeof nat, "%#" PRIx64 " <%s>", c->rip, sym);
    row(buf, n, &len, "rip", c->rip, nat);
    json_reg(json, jn, &jl, "rip", c->rip);
    uint64_t fl = flags_get(c);
    regs_eflags(fl, nat, sizeof nat);
    row(buf, n, &len, "eflags", fl, nat);
    json_reg(json, jn, &jl, "eflags", fl);
    static const struct { const char *name; uint64_t v; } segs[] = {
        {"cs", 0x33}, {"ss", 0x2b}, {"ds", 0}, {"es", 0}, {"fs", 0}, {"gs", 0},
    };
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
        snprintf(nat, sizeof nat, "%" PRIu64, segs[i].v);
        row(buf, n, &len, segs[i].name, segs[i].v, nat);
    }
    snprintf(nat, sizeof nat, "%" PRId64, (int64_t)c->segbase[SEG_FS]);
    row(buf, n, &len, "fs_base", c->segbase[SEG_FS], nat);
    json_reg(json, jn, &jl, "fs_base", c->segbase[SEG_FS]);
    snprintf(nat, sizeof nat, "%" PRId64, (int64_t)c->segbase[SEG_GS]);
    row(buf, n, &len, "gs_base", c->segbase[SEG_GS], nat);
    json_reg(json, jn, &jl, "gs_base", c->segbase[SEG_GS]);
    regs_eflags(fl, nat, sizeof nat);
    tr_put(json, jn, &jl, "},\"eflags_decoded\":\"%s\",\"where\":\"", nat);
    tr_json_escape(json, jn, &jl, sym);
    tr_put(json, jn, &jl, "\"");
}
