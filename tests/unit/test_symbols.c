/* test_symbols.c — symbol lookup from a .symtab (ELF files written with libelf at test time,
 * and this test binary's own table) and from a synthetic Go 1.18+/1.20+ .gopclntab, as in a
 * stripped Go binary. Covers containment, aliases, nesting, the 64 KiB fallback, bias. */
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tmpdir.h"

#include "elf/symbols.h"

static char tmpdir[64];

/* ---- writing test ELF files ---------------------------------------------------------- */

struct strtab {
    char buf[1 << 16];
    size_t len;
};

static uint32_t str_add(struct strtab *t, const char *s)
{
    size_t n = strlen(s) + 1;
    if (t->len == 0)
        t->buf[t->len++] = '\0';
    assert_true(t->len + n <= sizeof t->buf);
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    return (uint32_t)(t->len - n);
}

struct elf_out {
    int fd;
    Elf *elf;
    struct strtab shstr;
    char path[128];
};

static void out_begin(struct elf_out *o, const char *name)
{
    GElf_Ehdr eh;

    memset(&o->shstr, 0, sizeof o->shstr);
    snprintf(o->path, sizeof o->path, "%s/%s", tmpdir, name);
    o->fd = open(o->path, O_RDWR | O_CREAT | O_TRUNC, 0755);
    assert_true(o->fd >= 0);
    o->elf = elf_begin(o->fd, ELF_C_WRITE, NULL);
    assert_non_null(o->elf);
    assert_non_null(gelf_newehdr(o->elf, ELFCLASS64));
    gelf_getehdr(o->elf, &eh);
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_machine = EM_X86_64;
    eh.e_type = ET_EXEC;
    eh.e_version = EV_CURRENT;
    gelf_update_ehdr(o->elf, &eh);
}

static Elf_Scn *out_section(struct elf_out *o, const char *name, uint32_t type, uint64_t flags,
                            uint64_t addr, const void *bytes, size_t len, Elf_Type dtype)
{
    Elf_Scn *scn = elf_newscn(o->elf);
    Elf_Data *d = elf_newdata(scn);
    GElf_Shdr sh;

    d->d_buf = (void *)bytes;
    d->d_size = len;
    d->d_type = dtype;
    d->d_align = dtype == ELF_T_BYTE ? 1 : 8;
    gelf_getshdr(scn, &sh);
    sh.sh_name = str_add(&o->shstr, name);
    sh.sh_type = type;
    sh.sh_flags = flags;
    sh.sh_addr = addr;
    sh.sh_size = len;
    sh.sh_addralign = d->d_align;
    gelf_update_shdr(scn, &sh);
    return scn;
}

static const char *out_end(struct elf_out *o)
{
    GElf_Ehdr eh;
    Elf_Scn *scn = out_section(o, ".shstrtab", SHT_STRTAB, 0, 0, NULL, 0, ELF_T_BYTE);
    uint32_t self = str_add(&o->shstr, ".shstrtab");
    GElf_Shdr sh;

    elf_getdata(scn, NULL)->d_buf = o->shstr.buf;
    elf_getdata(scn, NULL)->d_size = o->shstr.len;
    gelf_getshdr(scn, &sh);
    sh.sh_name = self;
    sh.sh_size = o->shstr.len;
    gelf_update_shdr(scn, &sh);
    gelf_getehdr(o->elf, &eh);
    eh.e_shstrndx = (uint16_t)elf_ndxscn(scn);
    gelf_update_ehdr(o->elf, &eh);
    if (elf_update(o->elf, ELF_C_WRITE) <= 0)
        fail_msg("elf_update %s: %s", o->path, elf_errmsg(-1));
    elf_end(o->elf);
    close(o->fd);
    return o->path;
}

/* ---- an ELF with a .symtab ----------------------------------------------------------- */

struct symdef {
    const char *name;
    int type, bind;
    int sect; /* TEXT, DATA, or an SHN_* value */
    uint64_t value, size;
};

enum { TEXT = -1, DATA = -2 };

static const struct symdef sample[] = {
    {"main.main", STT_FUNC, STB_GLOBAL, TEXT, 0x401000, 0x100},
    {"inner", STT_FUNC, STB_LOCAL, TEXT, 0x401010, 0x10},          /* nested in main.main */
    {"alias_of_rt0", STT_NOTYPE, STB_GLOBAL, TEXT, 0x401100, 0},   /* same address as a func */
    {"runtime.rt0_go", STT_FUNC, STB_GLOBAL, TEXT, 0x401100, 0x80},
    {"label", STT_NOTYPE, STB_GLOBAL, TEXT, 0x401200, 0},          /* unsized */
    {"runtime.bss_var", STT_OBJECT, STB_GLOBAL, DATA, 0x500000, 0x40},
    {"file.c", STT_FILE, STB_LOCAL, SHN_ABS, 0, 0},
    {"undef_sym", STT_FUNC, STB_GLOBAL, SHN_UNDEF, 0, 0},
    {"tls_var", STT_TLS, STB_GLOBAL, DATA, 0x10, 8},
    {"abs_sym", STT_OBJECT, STB_GLOBAL, SHN_ABS, 0x401000, 8},
};
#define NSAMPLE_KEPT 6

static void build_syms(const struct symdef *defs, size_t n, size_t text_ndx, size_t data_ndx,
                       struct strtab *str, Elf64_Sym *out)
{
    memset(&out[0], 0, sizeof out[0]);
    for (size_t i = 0; i < n; i++) {
        const struct symdef *d = &defs[i];
        Elf64_Sym *s = &out[i + 1];
        s->st_name = str_add(str, d->name);
        s->st_info = (unsigned char)ELF64_ST_INFO(d->bind, d->type);
        s->st_shndx = (uint16_t)(d->sect == TEXT   ? text_ndx
                                 : d->sect == DATA ? data_ndx
                                                   : (size_t)d->sect);
        s->st_value = d->value;
        s->st_size = d->size;
    }
}

static uint8_t go_tab[1024];
static size_t go_tab_len;

/* An ELF with the given symbols; with is_go, also a .gopclntab (go_tab) as Go binaries have. */
static const char *write_symtab_elf(const char *name, const struct symdef *defs, size_t n,
                                    int is_go)
{
    static struct elf_out o;
    static struct strtab str;
    static Elf64_Sym syms[8192];
    GElf_Shdr sh;

    assert_true(n + 1 <= sizeof syms / sizeof syms[0]);
    memset(&str, 0, sizeof str);
    out_begin(&o, name);
    Elf_Scn *text = out_section(&o, ".text", SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, 0x401000,
                                NULL, 0x1000, ELF_T_BYTE);
    Elf_Scn *data = out_section(&o, ".data", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0x500000, NULL,
                                0x1000, ELF_T_BYTE);
    if (is_go)
        out_section(&o, ".gopclntab", SHT_PROGBITS, SHF_ALLOC, 0x4a0000, go_tab, go_tab_len,
                    ELF_T_BYTE);
    build_syms(defs, n, elf_ndxscn(text), elf_ndxscn(data), &str, syms);
    Elf_Scn *strs = out_section(&o, ".strtab", SHT_STRTAB, 0, 0, str.buf, str.len, ELF_T_BYTE);
    Elf_Scn *symtab = out_section(&o, ".symtab", SHT_SYMTAB, 0, 0, syms,
                                  (n + 1) * sizeof(Elf64_Sym), ELF_T_SYM);
    gelf_getshdr(symtab, &sh);
    sh.sh_link = (uint32_t)elf_ndxscn(strs);
    sh.sh_info = 1;
    sh.sh_entsize = sizeof(Elf64_Sym);
    gelf_update_shdr(symtab, &sh);
    return out_end(&o);
}

/* ---- an ELF with only a .gopclntab (Go 1.18+ layout, see symbols.c) ------------------- */

struct gofunc {
    const char *name;
    uint32_t entryoff;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Builds a pclntab: header, funcnametab at 72, functab (nfunc+1 entries) and one 8-byte _func
 * per function. Returns its size. */
static size_t build_pclntab(uint8_t *p, size_t cap, uint32_t magic, uint64_t text,
                            const struct gofunc *f, size_t n, uint32_t end_off)
{
    size_t names = 72, at = names;
    uint32_t nameoff[16];

    assert_true(n <= 16);
    memset(p, 0, cap);
    for (size_t i = 0; i < n; i++) {
        nameoff[i] = (uint32_t)(at - names);
        memcpy(p + at, f[i].name, strlen(f[i].name) + 1);
        at += strlen(f[i].name) + 1;
    }
    size_t pcln = (at + 7) & ~(size_t)7, funcs = pcln + 8 * (n + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t funcoff = (uint32_t)(funcs + 8 * i - pcln);
        put32(p + pcln + 8 * i, f[i].entryoff);
        put32(p + pcln + 8 * i + 4, funcoff);
        put32(p + pcln + funcoff, f[i].entryoff);
        put32(p + pcln + funcoff + 4, nameoff[i]);
    }
    put32(p + pcln + 8 * n, end_off);
    put32(p, magic);
    p[6] = 1;
    p[7] = 8;
    put64(p + 8, n);
    put64(p + 24, text);
    put64(p + 32, names);
    put64(p + 64, pcln);
    assert_true(funcs + 8 * n <= cap);
    return funcs + 8 * n;
}

static const struct gofunc gofuncs[] = {
    {"_rt0_amd64_linux", 0x0},
    {"runtime.rt0_go", 0x20},
    {"main.main", 0x400},
};

static const char *write_pclntab_elf(const char *name, const uint8_t *tab, size_t len)
{
    static struct elf_out o;
    out_begin(&o, name);
    out_section(&o, ".text", SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, 0x401000, NULL, 0x1000,
                ELF_T_BYTE);
    out_section(&o, ".gopclntab", SHT_PROGBITS, SHF_ALLOC, 0x4a0000, tab, len, ELF_T_BYTE);
    return out_end(&o);
}

/* ---- fixtures ------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    elf_version(EV_CURRENT);
    return test_tmpdir_create(tmpdir, sizeof tmpdir, "sym");
}

static int group_teardown(void **state)
{
    test_tmpdir_remove(tmpdir);
    return 0;
}

static struct symtab *load_sample(void)
{
    struct symtab *st =
        sym_load(write_symtab_elf("sample", sample, sizeof sample / sizeof sample[0], 0));
    assert_non_null(st);
    return st;
}

static void assert_lookup(const struct symtab *st, uint64_t addr, const char *name, uint64_t off)
{
    uint64_t got_off = ~0ull;
    const char *got = sym_lookup(st, addr, &got_off);
    if (!got || strcmp(got, name) != 0)
        print_error("0x%llx: got %s, want %s\n", (unsigned long long)addr,
                    got ? got : "NULL", name);
    assert_non_null(got);
    assert_string_equal(got, name);
    assert_int_equal(got_off, off);
}

static void assert_format(const struct symtab *st, uint64_t addr, const char *want)
{
    char buf[128];
    sym_format(st, addr, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* ---- .symtab ------------------------------------------------------------------------- */

static void test_symtab_keeps_functions_objects_and_labels_only(void **state)
{
    struct symtab *st = load_sample();
    assert_int_equal(sym_count(st), NSAMPLE_KEPT);
    assert_string_equal(sym_source(st), ".symtab");
    assert_int_equal(sym_addr(st, "file.c"), 0);
    assert_int_equal(sym_addr(st, "undef_sym"), 0);
    assert_int_equal(sym_addr(st, "tls_var"), 0);
    assert_int_equal(sym_addr(st, "abs_sym"), 0);
    sym_free(st);
}

static void test_sym_addr_finds_exact_names(void **state)
{
    struct symtab *st = load_sample();
    assert_int_equal(sym_addr(st, "main.main"), 0x401000);
    assert_int_equal(sym_addr(st, "runtime.rt0_go"), 0x401100);
    assert_int_equal(sym_addr(st, "alias_of_rt0"), 0x401100);
    assert_int_equal(sym_addr(st, "runtime.bss_var"), 0x500000);
    assert_int_equal(sym_addr(st, "main.mai"), 0);
    assert_int_equal(sym_addr(st, "main.main2"), 0);
    sym_free(st);
}

static void test_lookup_inside_a_function(void **state)
{
    struct symtab *st = load_sample();
    assert_lookup(st, 0x401000, "main.main", 0);
    assert_lookup(st, 0x40111a, "runtime.rt0_go", 0x1a);
    assert_lookup(st, 0x40117f, "runtime.rt0_go", 0x7f);
    assert_lookup(st, 0x500020, "runtime.bss_var", 0x20);
    sym_free(st);
}

static void test_lookup_prefers_the_function_over_an_alias(void **state)
{
    struct symtab *st = load_sample();
    assert_lookup(st, 0x401100, "runtime.rt0_go", 0);
    sym_free(st);
}

static void test_lookup_in_nested_symbols(void **state)
{
    struct symtab *st = load_sample();
    assert_lookup(st, 0x401015, "inner", 5);
    assert_lookup(st, 0x401020, "main.main", 0x20); /* past inner, still in main.main */
    sym_free(st);
}

static void test_lookup_falls_back_to_nearest_within_64k(void **state)
{
    struct symtab *st = load_sample();
    assert_lookup(st, 0x401180, "runtime.rt0_go", 0x80); /* just past its end */
    assert_lookup(st, 0x401250, "label", 0x50);
    assert_lookup(st, 0x401200 + 0xffff, "label", 0xffff);
    assert_null(sym_lookup(st, 0x401200 + 0x10000, NULL));
    assert_null(sym_lookup(st, 0x400fff, NULL));
    assert_null(sym_lookup(st, 0x500040 + 0x10000, NULL));
    sym_free(st);
}

static void test_format(void **state)
{
    struct symtab *st = load_sample();
    assert_format(st, 0x40111a, "runtime.rt0_go+0x1a");
    assert_format(st, 0x401100, "runtime.rt0_go");
    assert_format(st, 0x10, "");
    assert_format(NULL, 0x401100, "");
    char small[8];
    sym_format(st, 0x40111a, small, sizeof small);
    assert_string_equal(small, "runtime"); /* cut to the buffer, terminated */
    sym_free(st);
}

static void test_relocate_moves_every_symbol(void **state)
{
    struct symtab *st = load_sample();
    const uint64_t bias = 0x555555554000;
    sym_relocate(st, bias);
    assert_int_equal(sym_addr(st, "main.main"), bias + 0x401000);
    assert_lookup(st, bias + 0x40111a, "runtime.rt0_go", 0x1a);
    assert_null(sym_lookup(st, 0x40111a, NULL));
    sym_free(st);
}

/* Binary search over many symbols: every address resolves to its own function. */
static void test_many_functions(void **state)
{
    enum { N = 5000 };
    static struct symdef defs[N];
    static char names[N][16];

    for (size_t i = 0; i < N; i++) {
        /* insertion order scrambled: symbol tables are not sorted */
        size_t k = (i * 7919) % N;
        snprintf(names[k], sizeof names[k], "f%zu", k);
        defs[i] = (struct symdef){names[k], STT_FUNC, STB_GLOBAL, TEXT, 0x401000 + 0x30 * k,
                                  0x20 + (k % 3) * 8};
    }
    struct symtab *st = sym_load(write_symtab_elf("many", defs, N, 0));
    assert_non_null(st);
    assert_int_equal(sym_count(st), N);
    for (size_t k = 0; k < N; k++) {
        uint64_t a = 0x401000 + 0x30 * k;
        assert_lookup(st, a, names[k], 0);
        assert_lookup(st, a + 0x1f, names[k], 0x1f);
        assert_lookup(st, a + 0x2f, names[k], 0x2f); /* past the end: nearest preceding */
        assert_int_equal(sym_addr(st, names[k]), a);
    }
    sym_free(st);
}

static const struct symdef go_syms[] = {
    {"runtime.rt0_go.abi0", STT_FUNC, STB_GLOBAL, TEXT, 0x401020, 0x20},
    {"runtime.osinit", STT_FUNC, STB_GLOBAL, TEXT, 0x401100, 0x20},
    {"runtime.osinit.abi0", STT_FUNC, STB_GLOBAL, TEXT, 0x401080, 0x10}, /* ABI wrapper */
    {"runtime.zerobase", STT_OBJECT, STB_GLOBAL, DATA, 0x500000, 8},
};

/* Go binaries name assembly functions "x.abi0" in .symtab only: the suffix is dropped so a
 * stripped and an unstripped build give the same names. */
static void test_go_symtab_drops_abi0_suffix(void **state)
{
    go_tab_len = build_pclntab(go_tab, sizeof go_tab, 0xfffffff1, 0x401000, gofuncs, 3, 0x500);
    struct symtab *st = sym_load(write_symtab_elf("gosym", go_syms, 4, 1));
    assert_non_null(st);
    assert_string_equal(sym_source(st), ".symtab"); /* objects too, so .symtab wins */
    assert_int_equal(sym_addr(st, "runtime.rt0_go"), 0x401020);
    assert_int_equal(sym_addr(st, "runtime.rt0_go.abi0"), 0);
    assert_format(st, 0x40103a, "runtime.rt0_go+0x1a");
    assert_int_equal(sym_addr(st, "runtime.osinit"), 0x401080); /* duplicates: lowest */
    assert_lookup(st, 0x500004, "runtime.zerobase", 4);
    sym_free(st);
}

static void test_non_go_symtab_keeps_abi0_suffix(void **state)
{
    struct symtab *st = sym_load(write_symtab_elf("cabi0", go_syms, 4, 0));
    assert_non_null(st);
    assert_int_equal(sym_addr(st, "runtime.rt0_go.abi0"), 0x401020);
    assert_int_equal(sym_addr(st, "runtime.rt0_go"), 0);
    sym_free(st);
}

static int here_a(int x) { return x + 1; }
static int here_b(int x) { return x * 3; }

/* This test binary keeps its .symtab; it is PIE, so compare positions relative to a bias. */
static void test_own_symtab_resolves_own_functions(void **state)
{
    int (*volatile fa)(int) = here_a, (*volatile fb)(int) = here_b;
    struct symtab *st = sym_load("/proc/self/exe");

    assert_non_null(st);
    assert_int_equal(fa(1) + fb(1), 5);
    uint64_t a = sym_addr(st, "here_a"), b = sym_addr(st, "here_b");
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    uint64_t bias = (uint64_t)(uintptr_t)fa - a;
    assert_int_equal((uint64_t)(uintptr_t)fb - bias, b);
    sym_relocate(st, bias);
    assert_lookup(st, (uint64_t)(uintptr_t)fb + 1, "here_b", 1);
    assert_lookup(st, (uint64_t)(uintptr_t)test_own_symtab_resolves_own_functions,
                  "test_own_symtab_resolves_own_functions", 0);
    sym_free(st);
}

/* ---- .gopclntab ---------------------------------------------------------------------- */

static void check_go_table(struct symtab *st)
{
    assert_non_null(st);
    assert_string_equal(sym_source(st), ".gopclntab");
    assert_int_equal(sym_count(st), 3);
    assert_int_equal(sym_addr(st, "_rt0_amd64_linux"), 0x401000);
    assert_int_equal(sym_addr(st, "runtime.rt0_go"), 0x401020);
    assert_int_equal(sym_addr(st, "main.main"), 0x401400);
    assert_lookup(st, 0x40103a, "runtime.rt0_go", 0x1a);
    assert_lookup(st, 0x4014ff, "main.main", 0xff);
    assert_lookup(st, 0x401500, "main.main", 0x100); /* past the table's end: nearest */
    assert_format(st, 0x40101f, "_rt0_amd64_linux+0x1f");
}

static void test_pclntab_go120(void **state)
{
    static uint8_t tab[1024];
    size_t len = build_pclntab(tab, sizeof tab, 0xfffffff1, 0x401000, gofuncs, 3, 0x500);
    struct symtab *st = sym_load(write_pclntab_elf("go120", tab, len));
    check_go_table(st);
    sym_free(st);
}

static void test_pclntab_go118(void **state)
{
    static uint8_t tab[1024];
    size_t len = build_pclntab(tab, sizeof tab, 0xfffffff0, 0x401000, gofuncs, 3, 0x500);
    struct symtab *st = sym_load(write_pclntab_elf("go118", tab, len));
    check_go_table(st);
    sym_free(st);
}

/* textStart is 0 in the file of a PIE (set by a relocation): use the .text address. */
static void test_pclntab_without_text_start_uses_text_section(void **state)
{
    static uint8_t tab[1024];
    size_t len = build_pclntab(tab, sizeof tab, 0xfffffff1, 0, gofuncs, 3, 0x500);
    struct symtab *st = sym_load(write_pclntab_elf("go_pie", tab, len));
    check_go_table(st);
    sym_free(st);
}

static void test_pclntab_with_unknown_magic_gives_no_table(void **state)
{
    static uint8_t tab[1024];
    size_t len = build_pclntab(tab, sizeof tab, 0xfffffffa, 0x401000, gofuncs, 3, 0x500);
    assert_null(sym_load(write_pclntab_elf("go116", tab, len)));
}

static void test_corrupt_pclntab_never_reads_outside(void **state)
{
    static uint8_t tab[1024];
    size_t len = build_pclntab(tab, sizeof tab, 0xfffffff1, 0x401000, gofuncs, 3, 0x500);

    /* a name offset pointing past the table drops that function only */
    uint64_t pcln;
    memcpy(&pcln, tab + 64, 8);
    uint32_t funcoff;
    memcpy(&funcoff, tab + pcln + 4, 4);
    put32(tab + pcln + funcoff + 4, 0x7fffffff);
    struct symtab *st = sym_load(write_pclntab_elf("badname", tab, len));
    assert_non_null(st);
    assert_int_equal(sym_count(st), 2);
    assert_int_equal(sym_addr(st, "_rt0_amd64_linux"), 0);
    sym_free(st);

    /* nfunc larger than the table: refused */
    build_pclntab(tab, sizeof tab, 0xfffffff1, 0x401000, gofuncs, 3, 0x500);
    put64(tab + 8, 1u << 30);
    assert_null(sym_load(write_pclntab_elf("badcount", tab, len)));

    /* every truncation of the table: a table or NULL, never a crash */
    build_pclntab(tab, sizeof tab, 0xfffffff1, 0x401000, gofuncs, 3, 0x500);
    for (size_t cut = 0; cut < len; cut++) {
        st = sym_load(write_pclntab_elf("cut", tab, cut));
        assert_true(st == NULL || sym_count(st) <= 3);
        sym_free(st);
    }
}

/* ---- no symbols ---------------------------------------------------------------------- */

static void test_unreadable_or_symbolless_files_give_null(void **state)
{
    static struct elf_out o;
    char path[128];

    snprintf(path, sizeof path, "%s/missing", tmpdir);
    assert_null(sym_load(path));
    assert_null(sym_load(tmpdir));
    out_begin(&o, "nosyms");
    out_section(&o, ".text", SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, 0x401000, NULL, 0x10,
                ELF_T_BYTE);
    assert_null(sym_load(out_end(&o)));
    assert_null(sym_lookup(NULL, 0x401000, NULL));
    assert_int_equal(sym_addr(NULL, "main.main"), 0);
    assert_int_equal(sym_count(NULL), 0);
    sym_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symtab_keeps_functions_objects_and_labels_only),
        cmocka_unit_test(test_sym_addr_finds_exact_names),
        cmocka_unit_test(test_lookup_inside_a_function),
        cmocka_unit_test(test_lookup_prefers_the_function_over_an_alias),
        cmocka_unit_test(test_lookup_in_nested_symbols),
        cmocka_unit_test(test_lookup_falls_back_to_nearest_within_64k),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_relocate_moves_every_symbol),
        cmocka_unit_test(test_many_functions),
        cmocka_unit_test(test_go_symtab_drops_abi0_suffix),
        cmocka_unit_test(test_non_go_symtab_keeps_abi0_suffix),
        cmocka_unit_test(test_own_symtab_resolves_own_functions),
        cmocka_unit_test(test_pclntab_go120),
        cmocka_unit_test(test_pclntab_go118),
        cmocka_unit_test(test_pclntab_without_text_start_uses_text_section),
        cmocka_unit_test(test_pclntab_with_unknown_magic_gives_no_table),
        cmocka_unit_test(test_corrupt_pclntab_never_reads_outside),
        cmocka_unit_test(test_unreadable_or_symbolless_files_give_null),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
