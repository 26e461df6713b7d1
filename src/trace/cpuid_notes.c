/* cpuid_notes.c — each CPUID the boot executes, with what Go derives from it: rt0_go's
 * vendor check (runtime.isIntel) and processorVersionInfo (asm_amd64.s), and the feature
 * flags internal/cpu.doinit sets (internal/cpu/cpu_x86.go; leaves: SDM Vol. 2A, CPUID). The
 * values come from the registers CPUID returned, so a changed profile shows up here unchanged. */
#include "trace/internal.h"

#include <inttypes.h>
#include <string.h>

#include "elf/symbols.h"

struct feature {
    uint8_t reg;     /* 0 eax, 1 ebx, 2 ecx, 3 edx */
    uint8_t bit;
    const char *name;
};

/* internal/cpu's X86 fields, in the order doinit reads them. */
static const struct feature leaf1_features[] = {
    {3, 26, "SSE2"}, {2, 0, "SSE3"}, {2, 1, "PCLMULQDQ"}, {2, 9, "SSSE3"}, {2, 12, "FMA"},
    {2, 19, "SSE41"}, {2, 20, "SSE42"}, {2, 23, "POPCNT"}, {2, 25, "AES"},
    {2, 27, "OSXSAVE"}, {2, 28, "AVX"},
};
static const struct feature leaf7_features[] = {
    {1, 3, "BMI1"}, {1, 5, "AVX2"}, {1, 8, "BMI2"}, {1, 9, "ERMS"}, {1, 16, "AVX512F"},
    {1, 19, "ADX"}, {1, 29, "SHA"}, {3, 4, "FSRM"},
};
static const struct feature ext1_features[] = {{3, 27, "RDTSCP"}};

static void list_features(const struct feature *f, size_t nf, const uint32_t r[4], int want,
                          char *buf, size_t n, size_t *len)
{
    for (size_t i = 0; i < nf; i++)
        if (((r[f[i].reg] >> f[i].bit) & 1) == (unsigned)want)
            tr_put(buf, n, len, " %s", f[i].name);
}

/* "has: SSE2; lacks: SSE3 ..." for one leaf's answer. */
static void has_lacks(const struct feature *f, size_t nf, const uint32_t r[4], char *buf,
                      size_t n, size_t *len)
{
    size_t mark = *len;
    tr_put(buf, n, len, "has:");
    list_features(f, nf, r, 1, buf, n, len);
    if (*len == mark + 4)
        tr_put(buf, n, len, " none");
    tr_put(buf, n, len, "; lacks:");
    mark = *len;
    list_features(f, nf, r, 0, buf, n, len);
    if (*len == mark)
        tr_put(buf, n, len, " none");
}

static void vendor_of(const uint32_t r[4], char v[13])
{
    memcpy(v, &r[1], 4);
    memcpy(v + 4, &r[3], 4);
    memcpy(v + 8, &r[2], 4);
    v[12] = 0;
    for (int i = 0; i < 12; i++)
        if (v[i] < 0x20 || v[i] > 0x7e)
            v[i] = '?';
}

/* Family, model, stepping as the SDM (Vol. 2A, CPUID leaf 1 EAX) composes them. */
static void version_info(uint32_t eax, char *buf, size_t n, size_t *len)
{
    unsigned family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
    if (family == 0xf)
        family += (eax >> 20) & 0xff;
    if (family == 6 || family >= 0xf)
        model |= ((eax >> 16) & 0xf) << 4;
    tr_put(buf, n, len, "family %u, model %u, stepping %u", family, model, eax & 0xf);
}

static void rt0_note(uint32_t leaf, const uint32_t r[4], char *buf, size_t n, size_t *len)
{
    char v[13];
    if (leaf == 0) {
        vendor_of(r, v);
        tr_put(buf, n, len, "vendor \"%s\" -> runtime.isIntel = %s; max basic leaf %#x", v,
               strcmp(v, "GenuineIntel") ? "false" : "true", r[0]);
    } else if (leaf == 1) {
        tr_put(buf, n, len, "runtime.processorVersionInfo = %#x (", r[0]);
        version_info(r[0], buf, n, len);
        tr_put(buf, n, len, ")");
    }
}

static void doinit_note(uint32_t leaf, uint32_t subleaf, const uint32_t r[4], char *buf,
                        size_t n, size_t *len)
{
    char v[13];
    switch (leaf) {
    case 0:
        vendor_of(r, v);
        tr_put(buf, n, len, "maxID = %#x, vendor \"%s\"", r[0], v);
        break;
    case 1:
        tr_put(buf, n, len, "X86 ");
        has_lacks(leaf1_features, sizeof leaf1_features / sizeof leaf1_features[0], r, buf, n,
                  len);
        if (!((r[2] >> 27) & 1))
            tr_put(buf, n, len, " (no OSXSAVE: no XGETBV, AVX off)");
        break;
    case 7:
        if (subleaf == 0) {
            tr_put(buf, n, len, "X86 ");
            has_lacks(leaf7_features, sizeof leaf7_features / sizeof leaf7_features[0], r, buf,
                      n, len);
        } else {
            tr_put(buf, n, len, "leaf 7.%u: eax = %#x (AVX-VNNI, AVX512-BF16...)", subleaf, r[0]);
        }
        break;
    case 0x80000000:
        tr_put(buf, n, len, "maxExtendedFunctionInformation = %#x", r[0]);
        break;
    case 0x80000001:
        tr_put(buf, n, len, "HasRDTSCP = %s: cputicks uses %s", (r[3] >> 27) & 1 ? "true" : "false",
               (r[3] >> 27) & 1 ? "RDTSCP" : "MFENCE; LFENCE; RDTSC");
        break;
    default:
        tr_put(buf, n, len, "leaf not used by internal/cpu");
        break;
    }
}

void cpuid_note(struct trace *tr, const char *caller, uint32_t leaf, uint32_t subleaf,
                const uint32_t r[4], char *buf, size_t n)
{
    size_t len = 0;
    int sub = leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd || leaf == 0xf;
    tr_put(buf, n, &len, "CPUID leaf %#x", leaf);
    if (sub)
        tr_put(buf, n, &len, ".%u", subleaf);
    tr_put(buf, n, &len, ": eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x -> ", r[0], r[1], r[2],
           r[3]);
    if (caller && !strcmp(caller, "runtime.rt0_go"))
        rt0_note(leaf, r, buf, n, &len);
    else
        doinit_note(leaf, subleaf, r, buf, n, &len);
    if (caller && strcmp(caller, "runtime.rt0_go"))
        tr_put(buf, n, &len, " [%s]", caller);
    /* The last answer of each leaf is what the feature summary at cpuinit's return uses. */
    if (leaf == 1)
        memcpy(tr->f.leaf1, r, 16), tr->f.seen_leaf1 = 1;
    else if (leaf == 7 && subleaf == 0)
        memcpy(tr->f.leaf7, r, 16), tr->f.seen_leaf7 = 1;
    else if (leaf == 0x80000001)
        memcpy(tr->f.ext1, r, 16), tr->f.seen_ext1 = 1;
}

void cpuid_features(const struct trace *tr, char *buf, size_t n)
{
    uint32_t r[4] = {0};
    size_t len = 0;
    /* One combined list: leaf 1 features, then leaf 7 and 0x80000001 ones, each tested
     * against its own leaf's registers. */
    tr_put(buf, n, &len, "has:");
    for (int want = 1; want >= 0; want--) {
        if (want == 0)
            tr_put(buf, n, &len, "; lacks:");
        size_t mark = len;
        memcpy(r, tr->f.leaf1, 16);
        list_features(leaf1_features, sizeof leaf1_features / sizeof leaf1_features[0], r, want,
                      buf, n, &len);
        memcpy(r, tr->f.leaf7, 16);
        list_features(leaf7_features, sizeof leaf7_features / sizeof leaf7_features[0], r, want,
                      buf, n, &len);
        memcpy(r, tr->f.ext1, 16);
        list_features(ext1_features, 1, r, want, buf, n, &len);
        if (len == mark)
            tr_put(buf, n, &len, " none");
    }
    if (!tr->f.seen_leaf1)
        tr_put(buf, n, &len, " (no CPUID leaf 1 seen)");
}

/* The function that asked: CPUID's own function, or for Go's cpuid helpers (leaf functions
 * without a frame, internal/cpu.cpuid) the caller at [rsp]. */
static const char *asker(struct trace *tr, const struct cpu *c, char *buf, size_t n)
{
    uint64_t off, ret;
    const char *name = sym_lookup(tr->syms, c->insn_rip, &off);
    size_t len = name ? strlen(name) : 0;
    if (len >= 6 && !strcmp(name + len - 6, ".cpuid") && !tr_read64(tr, c->gpr[RSP], &ret)) {
        const char *caller = sym_lookup(tr->syms, ret, &off);
        if (caller) {
            snprintf(buf, n, "%s", caller);
            return buf;
        }
    }
    return name;
}

/* rt0_go has just written g0's stack bounds (DI = &g0, stack.hi = SP) before its first
 * CPUID; checked, not assumed: hi must equal rsp and the size be rt0_go's ~64 KiB. */
static void g0_stack_note(struct trace *tr, struct tthread *tt, const struct cpu *c,
                          uint64_t icount)
{
    uint64_t g0 = c->gpr[RDI], lo = 0, hi = 0, guard = 0, rsp = c->gpr[RSP];
    char text[320];
    tr->f.g0_reported = 1;
    if (tr_read64(tr, g0, &lo) || tr_read64(tr, g0 + 8, &hi) || tr_read64(tr, g0 + 16, &guard) ||
        hi != rsp || hi <= lo || hi - lo > 0x10000 || hi - lo < 0x8000)
        snprintf(text, sizeof text, "g0's stack bounds not identified (rt0_go layout not "
                 "recognised)");
    else
        snprintf(text, sizeof text, "rt0_go wrote g0 (%#" PRIx64 ") stack.lo = %#" PRIx64
                 ", stack.hi = %#" PRIx64 " (%" PRIu64 " bytes, 64 KiB%s of the OS stack), "
                 "stackguard0 = stackguard1 = %#" PRIx64, g0, lo, hi, hi - lo,
                 hi - lo == 0x10000 ? "" : " minus a little", guard);
    struct trace_event ev = {"note", "g0-stack", tt, icount, c->insn_rip, -1, tt->nspans, text,
                             NULL};
    tr_emit(tr, &ev);
}

void trace_cpuid(struct cpu *c, uint32_t leaf, uint32_t subleaf, const uint32_t r[4])
{
    struct trace *tr = thread_of(c)->emu->trace;
    struct tthread *tt = tr ? tthread_of(tr, c) : NULL;
    if (!tt)
        return;
    startup_flush(tr);
    uint64_t icount = tr_icount_insn(tr, tt, c);
    char callerbuf[160], text[1024], json[256];
    const char *caller = asker(tr, c, callerbuf, sizeof callerbuf);
    if (caller && !strcmp(caller, "runtime.rt0_go") && !tr->f.g0_reported)
        g0_stack_note(tr, tt, c, icount);
    cpuid_note(tr, caller, leaf, subleaf, r, text, sizeof text);
    snprintf(json, sizeof json, "\"leaf\":%u,\"subleaf\":%u,\"eax\":%u,\"ebx\":%u,\"ecx\":%u,"
             "\"edx\":%u", leaf, subleaf, r[0], r[1], r[2], r[3]);
    struct trace_event ev = {"cpuid", "cpuid", tt, icount, c->insn_rip, tr_goid(tr, c),
                             tt->nspans, text, json};
    tr_emit(tr, &ev);
}
