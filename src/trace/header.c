/* header.c — the trace's first part, like gdb's "info files": the file, its Go release (from
 * its build info), symbols, entry point, the guest mappings at entry (the VMA list of struct
 * mem), the ELF sections (libelf), the CPUID profile, and the initial stack with argc, argv,
 * envp and auxv as placed by src/elf/stack.c. */
#include "trace/internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpuid.h"
#include "elf/stack.h"
#include "elf/symbols.h"

struct bit_name {
    uint8_t bit;
    const char *name;
};

static const struct bit_name leaf1_edx[] = {
    {0, "FPU"}, {4, "TSC"}, {8, "CX8"}, {15, "CMOV"}, {23, "MMX"}, {24, "FXSR"}, {25, "SSE"},
    {26, "SSE2"}, {0, NULL},
};
static const struct bit_name leaf1_ecx[] = {
    {0, "SSE3"}, {1, "PCLMULQDQ"}, {9, "SSSE3"}, {12, "FMA"}, {13, "CX16"}, {19, "SSE4.1"},
    {20, "SSE4.2"}, {22, "MOVBE"}, {23, "POPCNT"}, {25, "AES"}, {27, "OSXSAVE"}, {28, "AVX"},
    {0, NULL},
};
static const struct bit_name leaf7_ebx[] = {
    {3, "BMI1"}, {5, "AVX2"}, {8, "BMI2"}, {9, "ERMS"}, {16, "AVX512F"}, {19, "ADX"},
    {29, "SHA"}, {0, NULL},
};
static const struct bit_name ext1_ecx[] = {{0, "LAHF-SAHF"}, {5, "LZCNT"}, {0, NULL}};
static const struct bit_name ext1_edx[] = {
    {11, "SYSCALL"}, {20, "NX"}, {27, "RDTSCP"}, {29, "LM"}, {0, NULL},
};

/* Offsets of g.goid by release (runtime2.go): 152 from 1.9; 160 in 1.23 and 1.24, when
 * g.syscallbp came before it; 152 again from 1.25, when gobuf.ret went. Checked against
 * DWARF for go1.19.8, go1.22.12 and go1.26.8, and again at runtime.main on every run. */
static const struct {
    int lo, hi, off;
    const char *source;
} goid_offsets[] = {
    {19, 22, 152, "table for go1.19-1.22"},
    {23, 24, 160, "table for go1.23-1.24 (g.syscallbp added)"},
    {25, 26, 152, "table for go1.25-1.26 (gobuf.ret removed)"},
};

static void bits_text(uint32_t v, const struct bit_name *names, char *buf, size_t n)
{
    size_t len = 0;
    tr_put(buf, n, &len, "[");
    for (const struct bit_name *b = names; b->name; b++)
        if ((v >> b->bit) & 1)
            tr_put(buf, n, &len, " %s", b->name);
    tr_put(buf, n, &len, " ]");
}

/* ---- facts the annotations need later ------------------------------------------------------- */

static void env_fact(struct trace *tr, const char *kv)
{
    static const struct { const char *key; size_t off, size; } keys[] = {
        {"GOMAXPROCS=", offsetof(struct boot_facts, gomaxprocs), 32},
        {"GOGC=", offsetof(struct boot_facts, gogc), 32},
        {"GOMEMLIMIT=", offsetof(struct boot_facts, gomemlimit), 32},
        {"GODEBUG=", offsetof(struct boot_facts, godebug), 96},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t kl = strlen(keys[i].key);
        if (!strncmp(kv, keys[i].key, kl))
            snprintf((char *)&tr->f + keys[i].off, keys[i].size, "%s", kv + kl);
    }
}

static uint64_t auxv_value(const struct elf_stack_info *si, uint64_t tag)
{
    for (int i = 0; i < si->nauxv; i++)
        if (si->auxv_entries[i].tag == tag)
            return si->auxv_entries[i].val;
    return 0;
}

static void goid_fact(struct trace *tr)
{
    struct boot_facts *f = &tr->f;
    if (sscanf(f->goversion, "go1.%d", &f->go_minor) != 1)
        f->go_minor = 0;
    for (size_t i = 0; i < sizeof goid_offsets / sizeof goid_offsets[0]; i++)
        if (f->go_minor >= goid_offsets[i].lo && f->go_minor <= goid_offsets[i].hi)
            f->goid_off = goid_offsets[i].off;
}

/* ---- the parts ---------------------------------------------------------------------------- */

static void file_part(struct trace *tr, Elf *elf, const struct go_buildinfo *bi)
{
    struct emu *e = tr->e;
    GElf_Ehdr eh;
    char entry[160];
    tr_header(tr, "file          %s", e->exe_path);
    if (elf && gelf_getehdr(elf, &eh))
        tr_header(tr, "format        ELF64 x86-64 %s, static (no PT_INTERP), %u program headers",
                  eh.e_type == ET_DYN ? "static-pie (ET_DYN)" : "executable (ET_EXEC)",
                  e->phnum);
    if (bi->version[0]) {
        tr_header(tr, "go version    %s (from the build info in .go.buildinfo)", bi->version);
        tr_header(tr, "main package  %s", bi->path[0] ? bi->path : "?");
        tr_header(tr, "build         %s", bi->settings[0] ? bi->settings : "(no settings)");
    } else {
        tr_header(tr, "go version    unknown (no Go 1.18+ build info)");
    }
    if (tr->syms)
        tr_header(tr, "symbols       %zu from %s", sym_count(tr->syms), sym_source(tr->syms));
    else
        tr_header(tr, "symbols       none (no .symtab, no Go 1.18+ .gopclntab)");
    tr_sym(tr, e->entry, entry, sizeof entry);
    tr_header(tr, "entry point   %#" PRIx64 " <%s>", e->entry, entry);
}

static void mappings_part(struct trace *tr)
{
    const struct mem *m = &tr->e->mem;
    tr_header(tr, "mappings at entry (guest address space):");
    for (size_t i = 0; i < m->nvmas; i++) {
        const struct vma *v = &m->vmas[i];
        tr_header(tr, "  %#014" PRIx64 "-%#014" PRIx64 " %c%c%c  %10" PRIu64 " KiB  %s", v->start,
                  v->end, v->prot & GPROT_READ ? 'r' : '-', v->prot & GPROT_WRITE ? 'w' : '-',
                  v->prot & GPROT_EXEC ? 'x' : '-', (v->end - v->start) >> 10, v->name);
    }
}

static void sections_part(struct trace *tr, Elf *elf)
{
    size_t shstrndx, len = 0;
    Elf_Scn *scn = NULL;
    char other[1024] = "";
    if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
        return;
    tr_header(tr, "sections (loaded):");
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        const char *name;
        if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
            continue;
        if (!(sh.sh_flags & SHF_ALLOC)) {
            tr_put(other, sizeof other, &len, " %s", name);
            continue;
        }
        uint64_t a = sh.sh_addr + tr->e->load_bias;
        tr_header(tr, "  [%2zu] %-18s 0x%08" PRIx64 "-0x%08" PRIx64 " r%c%c%s", elf_ndxscn(scn),
                  name, a, a + sh.sh_size, sh.sh_flags & SHF_WRITE ? 'w' : '-',
                  sh.sh_flags & SHF_EXECINSTR ? 'x' : '-',
                  sh.sh_type == SHT_NOBITS ? "  (zero-filled)" : "");
    }
    tr_header(tr, "sections (not loaded):%s", len ? other : " none");
}

static void cpu_part(struct trace *tr)
{
    uint32_t r0[4], r1[4], r7[4], rx0[4], rx1[4];
    char vendor[13], b1[160], b2[160];
    cpuid_query(0, 0, r0);
    cpuid_query(1, 0, r1);
    cpuid_query(7, 0, r7);
    cpuid_query(0x80000000, 0, rx0);
    cpuid_query(0x80000001, 0, rx1);
    memcpy(vendor, &r0[1], 4), memcpy(vendor + 4, &r0[3], 4), memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = 0;
    tr_header(tr, "cpu profile   goemu's fixed CPUID (src/cpu/cpuid.h): \"%s\", max leaf %#x, "
              "max extended leaf %#x", vendor, r0[0], rx0[0]);
    bits_text(r1[3], leaf1_edx, b1, sizeof b1);
    bits_text(r1[2], leaf1_ecx, b2, sizeof b2);
    tr_header(tr, "  leaf 0x1    eax=0x%08x edx=0x%08x %s ecx=0x%08x %s", r1[0], r1[3], b1, r1[2],
              b2);
    bits_text(r7[1], leaf7_ebx, b1, sizeof b1);
    tr_header(tr, "  leaf 0x7.0  ebx=0x%08x %s ecx=0x%08x edx=0x%08x", r7[1], b1, r7[2], r7[3]);
    bits_text(rx1[2], ext1_ecx, b1, sizeof b1);
    bits_text(rx1[3], ext1_edx, b2, sizeof b2);
    tr_header(tr, "  0x80000001  ecx=0x%08x %s edx=0x%08x %s", rx1[2], b1, rx1[3], b2);
}

static void string_at(struct trace *tr, uint64_t addr, char *buf, size_t n)
{
    char s[200];
    long k = mem_read_cstr(&tr->e->mem, addr, s, sizeof s);
    if (k == -EFAULT)
        snprintf(buf, n, "?");
    else
        snprintf(buf, n, "\"%s\"%s", s, k < 0 ? "..." : "");
}

static void vector_part(struct trace *tr, const char *what, uint64_t base, int count)
{
    char s[256], label[32];
    if (count == 0)
        tr_header(tr, "  %-18s (empty)  (at %#" PRIx64 ")", what, base);
    for (int i = 0; i < count; i++) {
        uint64_t p = 0;
        tr_read64(tr, base + 8 * (uint64_t)i, &p);
        string_at(tr, p, s, sizeof s);
        snprintf(label, sizeof label, "%s[%d]", what, i);
        tr_header(tr, "  %-18s %#" PRIx64 " %s  (at %#" PRIx64 ")", label, p, s,
                  base + 8 * (uint64_t)i);
        if (!strcmp(what, "envp") && s[0] == '"') {
            s[strlen(s) - 1] = 0;
            env_fact(tr, s + 1);
        }
    }
}

static void auxv_entry(struct trace *tr, uint64_t at, const struct elf_auxv *a)
{
    const char *name = elf_auxv_name(a->tag);
    char val[256];
    switch (a->tag) {
    case AT_PAGESZ: case AT_CLKTCK: case AT_PHENT: case AT_PHNUM: case AT_UID: case AT_EUID:
    case AT_GID: case AT_EGID: case AT_SECURE: case AT_FLAGS: case AT_NULL:
        snprintf(val, sizeof val, "%" PRIu64, a->val);
        break;
    case AT_EXECFN: case AT_PLATFORM: {
        char s[200];
        string_at(tr, a->val, s, sizeof s);
        snprintf(val, sizeof val, "%#" PRIx64 " %s", a->val, s);
        break;
    }
    case AT_RANDOM: {
        uint8_t r[16] = {0};
        size_t len = 0;
        GOEMU_IGNORE_RESULT(mem_copy_from(&tr->e->mem, r, a->val, 16));  /* zeros if unreadable */
        tr_put(val, sizeof val, &len, "%#" PRIx64 " ->", a->val);
        for (int i = 0; i < 16; i++)
            tr_put(val, sizeof val, &len, " %02x", r[i]);
        break;
    }
    default:
        snprintf(val, sizeof val, "%#" PRIx64, a->val);
        break;
    }
    tr_header(tr, "  auxv %-13s %s  (at %#" PRIx64 ")", name ? name : "AT_?", val, at);
}

static void stack_part(struct trace *tr, const struct elf_stack_info *si)
{
    tr_header(tr, "initial stack rsp = %#" PRIx64 " (16-byte aligned), the [stack] mapping ends at "
              "%#" PRIx64, si->rsp, (uint64_t)ELF_STACK_TOP);
    tr_header(tr, "  %-18s %d  (at %#" PRIx64 ")", "argc", si->argc, si->rsp);
    vector_part(tr, "argv", si->argv, si->argc);
    vector_part(tr, "envp", si->envp, si->envc);
    for (int i = 0; i < si->nauxv; i++)
        auxv_entry(tr, si->auxv + 16 * (uint64_t)i, &si->auxv_entries[i]);
}

static void goid_part(struct trace *tr)
{
    const struct boot_facts *f = &tr->f;
    const char *source = "";
    for (size_t i = 0; i < sizeof goid_offsets / sizeof goid_offsets[0]; i++)
        if (f->go_minor >= goid_offsets[i].lo && f->go_minor <= goid_offsets[i].hi)
            source = goid_offsets[i].source;
    if (f->goid_off)
        tr_header(tr, "goroutine id  g.goid at g+%d (%s), g read from fs:-8; checked at "
                  "runtime.main", f->goid_off, source);
    else
        tr_header(tr, "goroutine id  unknown for %s: shown as '-'",
                  f->goversion[0] ? f->goversion : "this binary");
}

void header_write(struct trace *tr, const struct elf_stack_info *si)
{
    struct go_buildinfo bi;
    int fd = open(tr->e->exe_path, O_RDONLY | O_CLOEXEC);
    elf_version(EV_CURRENT);
    Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
    go_buildinfo_read(tr->e->exe_path, &bi);
    snprintf(tr->f.goversion, sizeof tr->f.goversion, "%s", bi.version);
    goid_fact(tr);
    tr->f.argc = si->argc;
    tr->f.argv = si->argv;
    tr->f.envc = si->envc;
    tr->f.random = si->random;
    tr->f.pagesz = auxv_value(si, AT_PAGESZ);

    tr_header(tr, "goemu --trace-startup: the boot of a Go binary, from its ELF entry point to "
              "main.main (docs/boot.md)");
    file_part(tr, elf, &bi);
    mappings_part(tr);
    sections_part(tr, elf);
    cpu_part(tr);
    stack_part(tr, si);
    goid_part(tr);
    elf_end(elf);
    if (fd >= 0)
        close(fd);
}

void header_columns(struct trace *tr)
{
    tr_header(tr, "%10s %5s %4s  %-9s %-38s %s", "icount", "tid", "goid", "phase", "where",
              "event (indented by open milestone spans)");
}
