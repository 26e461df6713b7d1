/* test_elf_load.c — elf_load on small ELF files written at test time with libelf's writing
 * API: a good ET_EXEC and static-pie ET_DYN are mapped byte-exact with zeroed bss and segment
 * protections; every malformed or foreign file is refused with its reason, never a crash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tmpdir.h"

#include "elf/load.h"
#include "proc/process.h"

static char tmpdir[64];

/* ---- writing test ELF files ---------------------------------------------------------- */

struct blob {
    uint64_t offset;
    const void *bytes;
    size_t len;
};

struct spec {
    int cls;
    unsigned char data;
    uint16_t machine, type;
    uint64_t entry;
    int nseg;
    GElf_Phdr seg[6];
    int nblob;
    struct blob blob[3];
};

static const uint8_t code[16] = {0x48, 0x31, 0xff, 0xb8, 0x3c, 0x00, 0x00, 0x00,
                                 0x0f, 0x05, 0xf4, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
static uint8_t data[0x100];

static GElf_Phdr phdr(uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                      uint64_t filesz, uint64_t memsz, uint64_t align)
{
    return (GElf_Phdr){.p_type = type, .p_flags = flags, .p_offset = off, .p_vaddr = vaddr,
                       .p_paddr = vaddr, .p_filesz = filesz, .p_memsz = memsz,
                       .p_align = align};
}

/* Go's layout in miniature: headers and text in one R+X segment at 0x400000, then a RW
 * segment with 0x100 data bytes and bss running to 0x405800. */
static struct spec good_exec(void)
{
    struct spec s = {.cls = ELFCLASS64, .data = ELFDATA2LSB, .machine = EM_X86_64,
                     .type = ET_EXEC, .entry = 0x401000, .nseg = 3, .nblob = 2};
    s.seg[0] = phdr(PT_PHDR, PF_R, 64, 0x400040, 3 * 56, 3 * 56, 8);
    s.seg[1] = phdr(PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000 + sizeof code,
                    0x1000 + sizeof code, 0x1000);
    s.seg[2] = phdr(PT_LOAD, PF_R | PF_W, 0x2000, 0x403000, sizeof data, 0x2800, 0x1000);
    s.blob[0] = (struct blob){0x1000, code, sizeof code};
    s.blob[1] = (struct blob){0x2000, data, sizeof data};
    return s;
}

static void add_blob_section(Elf *elf, const struct blob *b)
{
    Elf_Scn *scn = elf_newscn(elf);
    Elf_Data *d = elf_newdata(scn);
    GElf_Shdr sh;

    d->d_buf = (void *)b->bytes;
    d->d_size = b->len;
    d->d_type = ELF_T_BYTE;
    d->d_align = 1;
    gelf_getshdr(scn, &sh);
    sh.sh_type = SHT_PROGBITS;
    sh.sh_flags = SHF_ALLOC;
    sh.sh_offset = b->offset;
    sh.sh_size = b->len;
    sh.sh_addralign = 1;
    gelf_update_shdr(scn, &sh);
}

static uint64_t blobs_end(const struct spec *s, uint64_t end)
{
    for (int i = 0; i < s->nblob; i++)
        if (s->blob[i].offset + s->blob[i].len > end)
            end = s->blob[i].offset + s->blob[i].len;
    return (end + 7) & ~7ull;
}

/* Writes s to dir/name with the layout given explicitly (ELF_F_LAYOUT): headers at 0, blobs
 * at their offsets, section headers after the last blob. Returns the path. */
static const char *write_elf(const char *name, const struct spec *s)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
    assert_true(fd >= 0);
    Elf *elf = elf_begin(fd, ELF_C_WRITE, NULL);
    assert_non_null(elf);
    elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
    assert_non_null(gelf_newehdr(elf, s->cls));
    for (int i = 0; i < s->nblob; i++)
        add_blob_section(elf, &s->blob[i]);

    GElf_Ehdr eh;
    gelf_getehdr(elf, &eh);
    eh.e_ident[EI_DATA] = s->data;
    eh.e_machine = s->machine;
    eh.e_type = s->type;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
    uint64_t phend = eh.e_phoff + gelf_fsize(elf, ELF_T_PHDR, (size_t)s->nseg, EV_CURRENT);
    eh.e_shoff = blobs_end(s, phend);
    assert_true(gelf_update_ehdr(elf, &eh));
    if (s->nseg) {
        assert_non_null(gelf_newphdr(elf, (size_t)s->nseg));
        for (int i = 0; i < s->nseg; i++)
            assert_true(gelf_update_phdr(elf, i, (GElf_Phdr *)&s->seg[i]));
    }
    if (elf_update(elf, ELF_C_WRITE) <= 0)
        fail_msg("elf_update %s: %s", name, elf_errmsg(-1));
    elf_end(elf);
    close(fd);
    return path;
}

static const char *write_bytes(const char *name, const void *bytes, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    return path;
}

static size_t read_whole(const char *path, uint8_t **out)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0 && fstat(fd, &st) == 0);
    *out = malloc((size_t)st.st_size);
    assert_int_equal(read(fd, *out, (size_t)st.st_size), st.st_size);
    close(fd);
    return (size_t)st.st_size;
}

/* ---- fixtures ------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    elf_version(EV_CURRENT);
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    return test_tmpdir_create(tmpdir, sizeof tmpdir, "elf");
}

static int group_teardown(void **state)
{
    test_tmpdir_remove(tmpdir);
    return 0;
}

/* What the last elf_load described. */
static struct elf_image im;

static int setup(void **state)
{
    memset(&im, 0, sizeof im);
    struct emu *e = calloc(1, sizeof *e);
    if (!e || mem_init(&e->mem) != 0)
        return -1;
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct emu *e = *state;
    emu_destroy(e);
    free(e);
    return 0;
}

static void assert_prot(struct emu *e, uint64_t addr, int prot)
{
    const struct vma *v = mem_vma_at(&e->mem, addr);
    assert_non_null(v);
    assert_int_equal(v->prot, prot);
    assert_int_equal(v->flags, VMA_IMAGE);
}

static void assert_zero(struct emu *e, uint64_t addr, size_t len)
{
    uint8_t *buf = malloc(len), *zero = calloc(1, len);
    assert_int_equal(mem_copy_from(&e->mem, buf, addr, len), 0);
    assert_memory_equal(buf, zero, len);
    free(buf);
    free(zero);
}

/* Loads a file that must be refused: rc, reason substring, and nothing mapped. */
static void assert_refused(struct emu *e, const char *path, int rc, const char *reason)
{
    char err[256] = "unset";
    int got = elf_load(&e->mem, path, &im, err, sizeof err);
    if (got != rc || !strstr(err, reason))
        print_error("%s: rc %d err \"%s\", want rc %d \"%s\"\n", path, got, err, rc, reason);
    assert_int_equal(got, rc);
    assert_non_null(strstr(err, reason));
    assert_null(strchr(err, '\n'));
    assert_int_equal(e->mem.nvmas, 0);
    assert_int_equal(im.entry, 0);
}

/* ---- good files ---------------------------------------------------------------------- */

static void test_exec_segments_are_mapped_with_file_bytes_and_zeroed_bss(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    char err[256];
    uint8_t buf[sizeof data];

    assert_int_equal(elf_load(&e->mem, write_elf("good", &s), &im, err, sizeof err), 0);
    assert_int_equal(mem_copy_from(&e->mem, buf, 0x400000, 4), 0);
    assert_memory_equal(buf, "\177ELF", 4);
    assert_int_equal(mem_copy_from(&e->mem, buf, 0x401000, sizeof code), 0);
    assert_memory_equal(buf, code, sizeof code);
    assert_zero(e, 0x401000 + sizeof code, 0x1000 - sizeof code); /* tail of the text page */
    assert_int_equal(mem_copy_from(&e->mem, buf, 0x403000, sizeof data), 0);
    assert_memory_equal(buf, data, sizeof data);
    assert_zero(e, 0x403000 + sizeof data, 0x3000 - sizeof data); /* bss to the page end */
}

static void test_exec_segments_get_their_protections(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    char err[256];

    assert_int_equal(elf_load(&e->mem, write_elf("good", &s), &im, err, sizeof err), 0);
    assert_prot(e, 0x400000, GPROT_READ | GPROT_EXEC);
    assert_prot(e, 0x401fff, GPROT_READ | GPROT_EXEC);
    assert_null(mem_vma_at(&e->mem, 0x402000));
    assert_prot(e, 0x403000, GPROT_READ | GPROT_WRITE);
    assert_prot(e, 0x405fff, GPROT_READ | GPROT_WRITE);
    assert_null(mem_vma_at(&e->mem, 0x406000));
    assert_string_equal(mem_vma_at(&e->mem, 0x400000)->name, "good");
    /* text is not writable by the guest */
    assert_int_equal(mem_copy_to(&e->mem, 0x401000, "x", 1), -EFAULT);
}

static void test_exec_image_fields(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    char err[256];

    assert_int_equal(elf_load(&e->mem, write_elf("good", &s), &im, err, sizeof err), 0);
    assert_int_equal(im.entry, 0x401000);
    assert_int_equal(im.phdr, 0x400040);
    assert_int_equal(im.phnum, 3);
    assert_int_equal(im.bias, 0);
    assert_int_equal(im.brk, 0x406000);
    assert_int_equal(im.brk, 0x406000);
}

static void test_phdr_addr_without_pt_phdr_comes_from_the_covering_load(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    char err[256];
    uint8_t buf[56];
    GElf_Phdr want = s.seg[1];

    s.seg[0] = phdr(PT_NOTE, PF_R, 0x1000, 0x401000, 4, 4, 4);
    assert_int_equal(elf_load(&e->mem, write_elf("nophdr", &s), &im, err, sizeof err), 0);
    assert_int_equal(im.phdr, 0x400040);
    /* the second program header in guest memory is the text PT_LOAD */
    assert_int_equal(mem_copy_from(&e->mem, buf, im.phdr + 56, sizeof buf), 0);
    Elf64_Phdr got;
    memcpy(&got, buf, sizeof got);
    assert_int_equal(got.p_type, PT_LOAD);
    assert_int_equal(got.p_vaddr, want.p_vaddr);
}

static void test_static_pie_loads_at_fixed_bias(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    const uint64_t b = ELF_DYN_BIAS;
    char err[256];
    uint8_t buf[sizeof code];

    s.type = ET_DYN;
    s.entry -= 0x400000;
    for (int i = 0; i < s.nseg; i++)
        s.seg[i].p_vaddr -= 0x400000;
    assert_int_equal(elf_load(&e->mem, write_elf("pie", &s), &im, err, sizeof err), 0);
    assert_int_equal(im.bias, b);
    assert_int_equal(im.entry, b + 0x1000);
    assert_int_equal(im.phdr, b + 0x40);
    assert_int_equal(im.brk, b + 0x6000);
    assert_int_equal(mem_copy_from(&e->mem, buf, b + 0x1000, sizeof code), 0);
    assert_memory_equal(buf, code, sizeof code);
    assert_prot(e, b, GPROT_READ | GPROT_EXEC);
    assert_prot(e, b + 0x3000, GPROT_READ | GPROT_WRITE);
}

/* Traditional ld layouts end text and start data inside one page; both contents must survive
 * and the page must allow both uses. */
static void test_segments_sharing_a_page_keep_both_contents(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    char err[256];
    uint8_t buf[sizeof data];

    s.blob[1].offset = 0x1800;
    s.seg[2] = phdr(PT_LOAD, PF_R | PF_W, 0x1800, 0x401800, sizeof data, 0x2000, 0x1000);
    assert_int_equal(elf_load(&e->mem, write_elf("shared", &s), &im, err, sizeof err), 0);
    assert_int_equal(mem_copy_from(&e->mem, buf, 0x401000, sizeof code), 0);
    assert_memory_equal(buf, code, sizeof code);
    assert_int_equal(mem_copy_from(&e->mem, buf, 0x401800, sizeof data), 0);
    assert_memory_equal(buf, data, sizeof data);
    assert_prot(e, 0x400000, GPROT_READ | GPROT_EXEC);
    assert_prot(e, 0x401000, GPROT_READ | GPROT_WRITE | GPROT_EXEC);
    assert_prot(e, 0x402000, GPROT_READ | GPROT_WRITE);
    assert_int_equal(im.brk, 0x404000);
}

/* ---- refused files ------------------------------------------------------------------- */

static void test_missing_file_is_refused_with_enoent(void **state)
{
    char path[128];
    snprintf(path, sizeof path, "%s/does-not-exist", tmpdir);
    assert_refused(*state, path, -ENOENT, "No such file or directory");
}

static void test_directory_is_refused(void **state)
{
    assert_refused(*state, tmpdir, -EISDIR, "Is a directory");
}

static void test_empty_file_is_not_elf(void **state)
{
    assert_refused(*state, write_bytes("empty", "", 0), -ENOEXEC, "not an ELF file");
}

static void test_random_bytes_are_not_elf(void **state)
{
    static const uint8_t junk[10] = {0x23, 0x21, 0x9f, 0x00, 0x41, 0xff, 0x10, 0x7f, 0x45, 0x4c};
    assert_refused(*state, write_bytes("junk", junk, sizeof junk), -ENOEXEC, "not an ELF file");
}

static void test_shell_script_is_not_elf(void **state)
{
    static const char script[] = "#!/bin/sh\necho hi\n";
    assert_refused(*state, write_bytes("script", script, sizeof script - 1), -ENOEXEC,
                   "not an ELF file");
}

/* Every proper prefix of a good file is refused (libelf also checks the section headers). */
static void test_every_truncation_is_refused(void **state)
{
    struct emu *e = *state;
    struct spec s = good_exec();
    uint8_t *bytes;
    size_t size = read_whole(write_elf("whole", &s), &bytes);
    char err[256];

    int fd = memfd_create("truncated", 0); /* in memory: 8000 rewrites of a disk file are slow */
    char path[64];
    assert_true(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    assert_int_equal(write(fd, bytes, size), (ssize_t)size);
    for (size_t len = size; len-- > 0;) {
        assert_int_equal(ftruncate(fd, (off_t)len), 0);
        int rc = elf_load(&e->mem, path, &im, err, sizeof err);
        if (rc != -ENOEXEC || !(strstr(err, "truncated") || strstr(err, "not an ELF") ||
                                strstr(err, "corrupt")))
            print_error("length %zu of %zu: rc %d %s\n", len, size, rc, err);
        assert_int_equal(rc, -ENOEXEC);
        assert_true(strstr(err, "truncated") || strstr(err, "not an ELF") ||
                    strstr(err, "corrupt"));
        assert_int_equal(e->mem.nvmas, 0);
    }
    close(fd);
    free(bytes);
}

static void test_elfclass32_is_refused(void **state)
{
    struct spec s = good_exec();
    s.cls = ELFCLASS32;
    s.machine = EM_386;
    assert_refused(*state, write_elf("i386", &s), -ENOEXEC,
                   "32-bit ELF for Intel 80386: not x86-64");
}

static void test_x32_is_refused(void **state)
{
    struct spec s = good_exec();
    s.cls = ELFCLASS32;
    assert_refused(*state, write_elf("x32", &s), -ENOEXEC, "x32");
}

static void test_aarch64_is_refused(void **state)
{
    struct spec s = good_exec();
    s.machine = EM_AARCH64;
    assert_refused(*state, write_elf("arm64", &s), -ENOEXEC, "ELF for ARM aarch64: not x86-64");
}

static void test_big_endian_is_refused(void **state)
{
    struct spec s = good_exec();
    s.data = ELFDATA2MSB;
    s.machine = EM_PPC64;
    assert_refused(*state, write_elf("ppc64", &s), -ENOEXEC, "big-endian ELF for 64-bit PowerPC");
}

static void test_relocatable_object_is_refused(void **state)
{
    struct spec s = good_exec();
    s.type = ET_REL;
    assert_refused(*state, write_elf("obj", &s), -ENOEXEC, "relocatable object file");
}

static void test_pt_interp_is_refused_as_dynamically_linked(void **state)
{
    struct spec s = good_exec();
    s.seg[s.nseg++] = phdr(PT_INTERP, PF_R, 0x1000, 0x401000, 4, 4, 1);
    assert_refused(*state, write_elf("interp", &s), -ENOEXEC,
                   "dynamically linked: not supported yet");
}

/* The test executable itself is an ordinary dynamically linked program. */
static void test_this_dynamically_linked_test_is_refused(void **state)
{
    assert_refused(*state, "/proc/self/exe", -ENOEXEC, "dynamically linked: not supported yet");
}

static void test_filesz_above_memsz_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_memsz = s.seg[2].p_filesz - 1;
    assert_refused(*state, write_elf("filesz", &s), -ENOEXEC, "exceeds memory size");
}

static void test_segment_beyond_eof_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_offset = 0x100000;
    s.seg[2].p_vaddr = 0x500000;
    assert_refused(*state, write_elf("beyond", &s), -ENOEXEC, "beyond the end of the file");
}

static void test_segment_with_offset_overflow_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_offset = ~0ull - 0xfff;
    s.seg[2].p_vaddr = 0x403000;
    assert_refused(*state, write_elf("overflow", &s), -ENOEXEC, "beyond the end of the file");
}

static void test_overlapping_segments_are_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_vaddr = 0x401000;
    s.seg[2].p_offset = 0x2000;
    assert_refused(*state, write_elf("overlap", &s), -ENOEXEC, "overlaps segment 1");
}

static void test_unsorted_segments_are_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_vaddr = 0x300000;
    assert_refused(*state, write_elf("unsorted", &s), -ENOEXEC, "ascending address order");
}

static void test_page_incongruent_segment_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_offset = 0x2010;
    s.seg[2].p_filesz = 0x10;
    assert_refused(*state, write_elf("incongruent", &s), -ENOEXEC, "not congruent");
}

static void test_alignment_not_power_of_two_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_align = 0x3000;
    assert_refused(*state, write_elf("align", &s), -ENOEXEC, "not a power of two");
}

static void test_no_pt_load_is_refused(void **state)
{
    struct spec s = good_exec();
    s.nseg = 1;
    s.seg[0] = phdr(PT_NOTE, PF_R, 0x1000, 0x401000, 4, 4, 4);
    assert_refused(*state, write_elf("noload", &s), -ENOEXEC, "no loadable segments");
}

static void test_no_program_headers_is_refused(void **state)
{
    struct spec s = good_exec();
    s.nseg = 0;
    assert_refused(*state, write_elf("nophdrs", &s), -ENOEXEC, "no program headers");
}

static void test_segment_in_page_zero_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[1].p_vaddr = 0;
    s.seg[0].p_vaddr = 0x40;
    s.entry = 0x1000;
    assert_refused(*state, write_elf("page0", &s), -ENOEXEC, "mmap_min_addr");
}

static void test_segment_past_user_space_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_vaddr = 0x7ffffffff000;
    assert_refused(*state, write_elf("high", &s), -ENOEXEC, "outside the user address space");
}

/* A corrupt p_memsz of a terabyte must not make mem_map build page tables for all of it. */
static void test_terabyte_bss_is_refused(void **state)
{
    struct spec s = good_exec();
    s.seg[2].p_memsz = 1ull << 40;
    assert_refused(*state, write_elf("huge", &s), -ENOMEM, "more than goemu maps");
}

static void test_entry_outside_segments_is_refused(void **state)
{
    struct spec s = good_exec();
    s.entry = 0x402000;
    assert_refused(*state, write_elf("entry", &s), -ENOEXEC, "entry point 0x402000");
}

static void test_reason_fits_a_small_buffer(void **state)
{
    struct spec s = good_exec();
    char err[8];
    s.machine = EM_AARCH64;
    assert_int_equal(elf_load(&((struct emu *)*state)->mem, write_elf("small", &s), &im, err, sizeof err), -ENOEXEC);
    assert_string_equal(err, "ELF for");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_exec_segments_are_mapped_with_file_bytes_and_zeroed_bss),
        T(test_exec_segments_get_their_protections),
        T(test_exec_image_fields),
        T(test_phdr_addr_without_pt_phdr_comes_from_the_covering_load),
        T(test_static_pie_loads_at_fixed_bias),
        T(test_segments_sharing_a_page_keep_both_contents),
        T(test_missing_file_is_refused_with_enoent),
        T(test_directory_is_refused),
        T(test_empty_file_is_not_elf),
        T(test_random_bytes_are_not_elf),
        T(test_shell_script_is_not_elf),
        T(test_every_truncation_is_refused),
        T(test_elfclass32_is_refused),
        T(test_x32_is_refused),
        T(test_aarch64_is_refused),
        T(test_big_endian_is_refused),
        T(test_relocatable_object_is_refused),
        T(test_pt_interp_is_refused_as_dynamically_linked),
        T(test_this_dynamically_linked_test_is_refused),
        T(test_filesz_above_memsz_is_refused),
        T(test_segment_beyond_eof_is_refused),
        T(test_segment_with_offset_overflow_is_refused),
        T(test_overlapping_segments_are_refused),
        T(test_unsorted_segments_are_refused),
        T(test_page_incongruent_segment_is_refused),
        T(test_alignment_not_power_of_two_is_refused),
        T(test_no_pt_load_is_refused),
        T(test_no_program_headers_is_refused),
        T(test_segment_in_page_zero_is_refused),
        T(test_segment_past_user_space_is_refused),
        T(test_terabyte_bss_is_refused),
        T(test_entry_outside_segments_is_refused),
        T(test_reason_fits_a_small_buffer),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
