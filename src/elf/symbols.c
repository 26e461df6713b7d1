/* symbols.c — symbol tables for traces: .symtab read through libelf, or, for stripped Go
 * binaries, the function table of .gopclntab (Go 1.18+ layout, runtime/symtab.go: pcHeader,
 * functab, _func; reference tools/pclntab.py). Symbols are kept sorted by address, with a
 * second index sorted by name for exact lookups. */
#include "elf/symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* When several symbols start at one address, the best comes last in address order (so a
 * backward scan meets it first): functions, then data, then untyped labels; sized first. */
enum { RANK_NOTYPE = 0, RANK_OBJECT = 2, RANK_FUNC = 4, RANK_SIZED = 1 };

/* How far a lookup walks back for a symbol containing the address (nested or aliased
 * symbols), and how far past a symbol's start an unsized match may be. */
#define SCAN_BACK 32
#define NEAR_LIMIT 0x10000ull

struct sym {
    uint64_t addr, size;
    const char *name;   /* into symtab.names, set by finish() */
    uint32_t name_off;
    uint32_t rank;
};

struct symtab {
    struct sym *syms;
    size_t n, cap;
    char *names;
    size_t names_len, names_cap;
    const struct sym **by_name;   /* built on first use: only traces look names up */
    const char *source;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 256;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

/* Adds name[0..len) as a symbol. */
static int add_sym(struct symtab *st, uint64_t addr, uint64_t size, const char *name, size_t len,
                   int rank)
{
    if (st->names_len + len + 1 > UINT32_MAX ||
        grow((void **)&st->names, &st->names_cap, st->names_len + len + 1, 1) ||
        grow((void **)&st->syms, &st->cap, st->n + 1, sizeof *st->syms))
        return -1;
    memcpy(st->names + st->names_len, name, len);
    st->names[st->names_len + len] = '\0';
    st->syms[st->n++] = (struct sym){.addr = addr, .size = size,
                                     .name_off = (uint32_t)st->names_len,
                                     .rank = (uint32_t)(rank | (size ? RANK_SIZED : 0))};
    st->names_len += len + 1;
    return 0;
}

/* ---- .symtab ------------------------------------------------------------------------ */

static int section_flags(Elf *elf, size_t shndx, uint64_t *flags)
{
    GElf_Shdr sh;
    Elf_Scn *scn = elf_getscn(elf, shndx);
    if (!scn || !gelf_getshdr(scn, &sh))
        return -1;
    *flags = sh.sh_flags;
    return 0;
}

/* Which ELF symbols name code or data addresses: functions, objects, and untyped labels in
 * loaded sections. Sections, files, TLS offsets and absolute values are not addresses. */
static int symbol_rank(Elf *elf, const GElf_Sym *s)
{
    uint64_t flags;

    if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE)
        return -1;
    switch (GELF_ST_TYPE(s->st_info)) {
    case STT_FUNC: return RANK_FUNC;
    case STT_OBJECT: return RANK_OBJECT;
    case STT_NOTYPE:
        if (section_flags(elf, s->st_shndx, &flags) == 0 && (flags & SHF_ALLOC))
            return RANK_NOTYPE;
        return -1;
    default: return -1;
    }
}

/* Go's linker names assembly (ABI0) functions "runtime.rt0_go.abi0" in .symtab but
 * "runtime.rt0_go" in .gopclntab; Go binaries drop the suffix so that names do not depend on
 * whether the binary was stripped. */
static size_t name_len(const char *name, int is_go)
{
    size_t n = strlen(name);
    if (is_go && n > 5 && strcmp(name + n - 5, ".abi0") == 0)
        return n - 5;
    return n;
}

static int load_symtab(struct symtab *st, Elf *elf, Elf_Scn *scn, int is_go)
{
    GElf_Shdr sh;
    Elf_Data *d;

    if (!gelf_getshdr(scn, &sh) || sh.sh_entsize == 0 || !(d = elf_getdata(scn, NULL)))
        return -1;
    size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s))
            break;
        const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
        int rank = symbol_rank(elf, &s);
        if (rank < 0 || !name || !name[0])
            continue;
        if (add_sym(st, s.st_value, s.st_size, name, name_len(name, is_go), rank))
            return -1;
    }
    st->source = ".symtab";
    return 0;
}

/* ---- .gopclntab (Go 1.18+) ------------------------------------------------------------
 * pcHeader: magic u32, pad u8 x2, minLC u8, ptrSize u8, then uintptr nfunc, nfiles,
 * textStart, funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset. At pclnOffset:
 * nfunc+1 functab entries {entryoff u32, funcoff u32}, the last giving the end of text; a
 * _func at pclnOffset+funcoff starts {entryOff u32, nameOff i32}, nameOff relative to
 * funcnameOffset. All offsets are relative to the start of the section. */

#define PCLN_MAGIC_118 0xfffffff0u
#define PCLN_MAGIC_120 0xfffffff1u
#define PCLN_HEADER_SIZE 72

struct pcln {
    const uint8_t *p;
    size_t size;
    uint64_t nfunc, text, funcname, pcln;
};

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static int pcln_header(struct pcln *t, uint64_t text_fallback)
{
    if (t->size < PCLN_HEADER_SIZE)
        return -1;
    uint32_t magic = rd32(t->p);
    if ((magic != PCLN_MAGIC_118 && magic != PCLN_MAGIC_120) || t->p[6] != 1 || t->p[7] != 8)
        return -1;
    t->nfunc = rd64(t->p + 8);
    t->text = rd64(t->p + 24);
    t->funcname = rd64(t->p + 32);
    t->pcln = rd64(t->p + 64);
    if (t->text == 0) /* PIE: textStart is filled in by a dynamic relocation */
        t->text = text_fallback;
    if (t->pcln > t->size || t->funcname > t->size ||
        t->nfunc >= (t->size - t->pcln) / 8) /* nfunc + 1 entries must fit */
        return -1;
    return 0;
}

/* The name of function i, or NULL if any offset points outside the table. */
static const char *pcln_name(const struct pcln *t, uint64_t funcoff)
{
    uint64_t fo = t->pcln + funcoff;
    if (fo > t->size - 8)
        return NULL;
    int32_t nameoff = (int32_t)rd32(t->p + fo + 4);
    uint64_t no = t->funcname + (uint64_t)(int64_t)nameoff;
    if (nameoff < 0 || no >= t->size || !memchr(t->p + no, '\0', t->size - no))
        return NULL;
    return (const char *)t->p + no;
}

static int parse_pclntab(struct symtab *st, const uint8_t *p, size_t size, uint64_t text_fallback)
{
    struct pcln t = {.p = p, .size = size};

    if (pcln_header(&t, text_fallback))
        return -1;
    for (uint64_t i = 0; i < t.nfunc; i++) {
        const uint8_t *ft = p + t.pcln + 8 * i;
        uint32_t entry = rd32(ft), next = rd32(ft + 8);
        const char *name = pcln_name(&t, rd32(ft + 4));
        if (!name || !name[0])
            continue;
        if (add_sym(st, t.text + entry, next > entry ? next - entry : 0, name, strlen(name),
                    RANK_FUNC))
            return -1;
    }
    st->source = ".gopclntab";
    return 0;
}

static int is_pclntab_name(const char *name)
{
    size_t n = strlen(name);
    /* ".gopclntab", or ".data.rel.ro.gopclntab" in a PIE */
    return n >= 10 && strcmp(name + n - 10, ".gopclntab") == 0;
}

static int load_pclntab(struct symtab *st, Elf *elf, Elf_Scn *scn, uint64_t text_addr)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || !d->d_buf)
        return -1;
    return parse_pclntab(st, d->d_buf, d->d_size, text_addr);
}

/* ---- loading and indexing ------------------------------------------------------------ */

struct sections {
    Elf_Scn *symtab, *pclntab;
    uint64_t text_addr;
};

static int find_sections(Elf *elf, struct sections *s)
{
    size_t shstrndx;
    Elf_Scn *scn = NULL;

    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return -1;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        const char *name;
        if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
            continue;
        if (sh.sh_type == SHT_SYMTAB && !s->symtab)
            s->symtab = scn;
        else if (sh.sh_type == SHT_PROGBITS && is_pclntab_name(name) && !s->pclntab)
            s->pclntab = scn;
        else if (strcmp(name, ".text") == 0)
            s->text_addr = sh.sh_addr;
    }
    return 0;
}

static int cmp_addr(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->size < y->size ? -1 : x->size > y->size;
}

/* By name, then address: among equal names (Go's ABI wrappers) the lowest address wins. */
static int cmp_name(const void *a, const void *b)
{
    const struct sym *const *x = a, *const *y = b;
    int c = strcmp((*x)->name, (*y)->name);
    if (c)
        return c;
    return (*x)->addr < (*y)->addr ? -1 : (*x)->addr > (*y)->addr;
}

/* Sorts and points names into the arena. */
static int finish(struct symtab *st)
{
    qsort(st->syms, st->n, sizeof *st->syms, cmp_addr);
    for (size_t i = 0; i < st->n; i++)
        st->syms[i].name = st->names + st->syms[i].name_off;
    return 0;
}

/* The name index, sorted on the first lookup by name: sorting ~10^4 names by strcmp is 3%
 * of a hello world's run, and only --trace-startup ever asks. */
static int name_index(struct symtab *st)
{
    if (st->by_name)
        return 0;
    st->by_name = malloc((st->n ? st->n : 1) * sizeof *st->by_name);
    if (!st->by_name)
        return -1;
    for (size_t i = 0; i < st->n; i++)
        st->by_name[i] = &st->syms[i];
    qsort(st->by_name, st->n, sizeof *st->by_name, cmp_name);
    return 0;
}

static int read_symbols(struct symtab *st, Elf *elf)
{
    struct sections s = {0};

    if (elf_kind(elf) != ELF_K_ELF || find_sections(elf, &s))
        return -1;
    if (s.symtab && load_symtab(st, elf, s.symtab, s.pclntab != NULL) == 0 && st->n > 0)
        return 0;
    st->n = st->names_len = 0;
    if (s.pclntab && load_pclntab(st, elf, s.pclntab, s.text_addr) == 0 && st->n > 0)
        return 0;
    return -1;
}

struct symtab *sym_load(const char *path)
{
    struct symtab *st = calloc(1, sizeof *st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    Elf *elf = NULL;
    int ok = 0;

    if (st && fd >= 0) {
        elf_version(EV_CURRENT);
        elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
        ok = elf && read_symbols(st, elf) == 0 && finish(st) == 0;
    }
    elf_end(elf);
    if (fd >= 0)
        close(fd);
    if (!ok) {
        sym_free(st);
        return NULL;
    }
    return st;
}

void sym_free(struct symtab *st)
{
    if (!st)
        return;
    free(st->syms);
    free(st->names);
    free(st->by_name);
    free(st);
}

void sym_relocate(struct symtab *st, uint64_t bias)
{
    for (size_t i = 0; st && i < st->n; i++)
        st->syms[i].addr += bias;
}

size_t sym_count(const struct symtab *st) { return st ? st->n : 0; }
const char *sym_source(const struct symtab *st) { return st ? st->source : NULL; }

/* ---- lookups ------------------------------------------------------------------------- */

/* Index of the first symbol starting above addr. */
static size_t upper_bound(const struct symtab *st, uint64_t addr)
{
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const char *hit(const struct sym *s, uint64_t addr, uint64_t *offset)
{
    if (offset)
        *offset = addr - s->addr;
    return s->name;
}

const char *sym_lookup(const struct symtab *st, uint64_t addr, uint64_t *offset)
{
    if (!st)
        return NULL;
    size_t end = upper_bound(st, addr);
    for (size_t k = end; k-- > 0 && end - k <= SCAN_BACK;)
        if (addr - st->syms[k].addr < st->syms[k].size)
            return hit(&st->syms[k], addr, offset);
    if (end > 0 && addr - st->syms[end - 1].addr < NEAR_LIMIT)
        return hit(&st->syms[end - 1], addr, offset);
    return NULL;
}

uint64_t sym_addr(const struct symtab *st, const char *name)
{
    /* The table is the caller's const view of an object sym_load allocated writable. */
    if (st && name_index((struct symtab *)st) != 0)
        return 0;
    size_t lo = 0, hi = st ? st->n : 0;
    while (lo < hi) { /* first entry not below name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(st->by_name[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (st && lo < st->n && strcmp(st->by_name[lo]->name, name) == 0)
        return st->by_name[lo]->addr;
    return 0;
}

void sym_format(const struct symtab *st, uint64_t addr, char *buf, size_t n)
{
    uint64_t off;
    const char *name = sym_lookup(st, addr, &off);

    if (n == 0)
        return;
    if (!name)
        buf[0] = '\0';
    else if (off == 0)
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "%s+0x%llx", name, (unsigned long long)off);
}
