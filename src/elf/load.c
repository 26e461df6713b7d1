/* load.c — ELF executable loading with libelf: check that the file is a static x86-64 Linux
 * executable, then map its PT_LOAD segments the way binfmt_elf would (file bytes, zeroed bss,
 * final protections). Everything is validated before the first mapping, so a refused file
 * leaves the address space untouched. As load_elf_binary (fs/binfmt_elf.c) for an ELF without
 * PT_INTERP; no vDSO is mapped (src/elf/stack.c says why). */
#include "elf/load.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/uaccess.h"

/* Linux refuses to map below vm.mmap_min_addr (65536 by default); an image there would also
 * turn Go's nil-pointer faults into silent reads. */
#define MMAP_MIN_ADDR 0x10000ull

/* Largest segment accepted. Go rejects static objects of 2 GiB or more, so real images stay
 * far below; a corrupt p_memsz of terabytes would otherwise make mem_map build page tables
 * for all of it. */
#define SEGMENT_MAX (16ull << 30)

/* A file that passed the checks, ready to map. */
struct image {
    Elf *elf;
    uint64_t file_size;
    GElf_Ehdr eh;
    size_t phnum;
    GElf_Phdr *ph;
    uint64_t bias;
};

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static uint64_t page_down(uint64_t a) { return a & ~GUEST_PAGE_MASK; }

/* Machine names as file(1) prints them, for the "ELF for X: not x86-64" message. */
static const char *machine_name(unsigned em, char *buf, size_t n)
{
    switch (em) {
    case EM_386: return "Intel 80386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "ARM aarch64";
    case EM_RISCV: return "RISC-V";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "64-bit PowerPC";
    case EM_S390: return "IBM S/390";
    case EM_MIPS: return "MIPS";
    case EM_SPARCV9: return "SPARC V9";
    case EM_IA_64: return "IA-64";
    case EM_LOONGARCH: return "LoongArch";
    }
    snprintf(buf, n, "machine %u", em);
    return buf;
}

static const char *osabi_name(unsigned abi)
{
    switch (abi) {
    case ELFOSABI_FREEBSD: return "FreeBSD";
    case ELFOSABI_NETBSD: return "NetBSD";
    case ELFOSABI_OPENBSD: return "OpenBSD";
    case ELFOSABI_SOLARIS: return "Solaris";
    default: return NULL;
    }
}

/* Class, byte order, OS ABI and machine: the questions a wrong-platform binary fails. */
static int check_platform(struct image *im, char *err, size_t errlen)
{
    char buf[32];
    const char *ident = elf_getident(im->elf, NULL);
    int cls = gelf_getclass(im->elf);
    const char *mach = machine_name(im->eh.e_machine, buf, sizeof buf);
    const char *bits = cls == ELFCLASS32 ? "32-bit " : "";

    if (ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, -ENOEXEC, "big-endian %sELF for %s: not x86-64", bits, mach);
    if (im->eh.e_machine != EM_X86_64)
        return fail(err, errlen, -ENOEXEC, "%sELF for %s: not x86-64", bits, mach);
    if (cls != ELFCLASS64)
        return fail(err, errlen, -ENOEXEC, "32-bit ELF for x86-64 (x32 ABI): not supported");
    if (ident[EI_OSABI] != ELFOSABI_NONE && ident[EI_OSABI] != ELFOSABI_GNU) {
        const char *os = osabi_name((unsigned char)ident[EI_OSABI]);
        if (os)
            return fail(err, errlen, -ENOEXEC, "ELF for %s: not Linux", os);
        return fail(err, errlen, -ENOEXEC, "ELF for OS/ABI %u: not Linux",
                    (unsigned char)ident[EI_OSABI]);
    }
    return 0;
}

static int check_type(struct image *im, char *err, size_t errlen)
{
    switch (im->eh.e_type) {
    case ET_EXEC: im->bias = 0; return 0;
    case ET_DYN: im->bias = ELF_DYN_BIAS; return 0;
    case ET_REL: return fail(err, errlen, -ENOEXEC, "relocatable object file: not an executable");
    case ET_CORE: return fail(err, errlen, -ENOEXEC, "core dump: not an executable");
    default:
        return fail(err, errlen, -ENOEXEC, "corrupt ELF: unknown file type %u", im->eh.e_type);
    }
}

/* The kernel never reads section headers, but a section header table cut off by the end of
 * the file is the surest sign of a truncated copy (a download or a copy that failed). */
static int check_shdrs(const struct image *im, char *err, size_t errlen)
{
    uint64_t n = im->eh.e_shnum ? im->eh.e_shnum : 1; /* 0: the count is in section 0 */

    if (im->eh.e_shoff == 0)
        return 0;
    if (im->eh.e_shoff > im->file_size ||
        n * im->eh.e_shentsize > im->file_size - im->eh.e_shoff)
        return fail(err, errlen, -ENOEXEC,
                    "truncated ELF: section headers extend beyond the end of the file");
    return 0;
}

/* Where the program header table is, checked against the file: elf_getphdrnum quietly clamps
 * the count to what the file holds (e_phnum is exact unless it is PN_XNUM). */
static int check_phdr_table(const struct image *im, char *err, size_t errlen)
{
    const GElf_Ehdr *eh = &im->eh;

    if (eh->e_phnum == 0)
        return fail(err, errlen, -ENOEXEC, "corrupt ELF: no program headers");
    if (eh->e_phentsize != gelf_fsize(im->elf, ELF_T_PHDR, 1, EV_CURRENT))
        return fail(err, errlen, -ENOEXEC, "corrupt ELF: program header size %u, expected 56",
                    eh->e_phentsize);
    if (eh->e_phnum != PN_XNUM &&
        (eh->e_phoff > im->file_size ||
         (uint64_t)eh->e_phnum * eh->e_phentsize > im->file_size - eh->e_phoff))
        return fail(err, errlen, -ENOEXEC,
                    "truncated or corrupt ELF: program headers extend beyond the end of the file");
    return 0;
}

static int read_phdrs(struct image *im, char *err, size_t errlen)
{
    int rc = check_phdr_table(im, err, errlen);

    if (rc)
        return rc;
    if (elf_getphdrnum(im->elf, &im->phnum) != 0)
        return fail(err, errlen, -ENOEXEC,
                    "truncated or corrupt ELF: cannot read program headers (%s)", elf_errmsg(-1));
    if (im->phnum == 0 || (im->eh.e_phnum != PN_XNUM && im->phnum != im->eh.e_phnum))
        return fail(err, errlen, -ENOEXEC, "corrupt ELF: bad program header count");
    im->ph = calloc(im->phnum, sizeof *im->ph);
    if (!im->ph)
        return fail(err, errlen, -ENOMEM, "out of memory reading program headers");
    for (size_t i = 0; i < im->phnum; i++)
        if (!gelf_getphdr(im->elf, (int)i, &im->ph[i]))
            return fail(err, errlen, -ENOEXEC,
                        "truncated or corrupt ELF: cannot read program header %zu (%s)", i,
                        elf_errmsg(-1));
    return 0;
}

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

/* One PT_LOAD on its own: sizes, file extent, alignment and address range (binfmt_elf's
 * elf_map/vm_mmap would reject or misplace anything failing these). */
static int check_load(const struct image *im, size_t i, char *err, size_t errlen)
{
    const GElf_Phdr *p = &im->ph[i];
    uint64_t start = im->bias + p->p_vaddr, end = start + p->p_memsz;

    if (p->p_filesz > p->p_memsz)
        return fail(err, errlen, -ENOEXEC,
                    "corrupt ELF: segment %zu: file size 0x%llx exceeds memory size 0x%llx", i,
                    (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
    if (p->p_offset > im->file_size || p->p_filesz > im->file_size - p->p_offset)
        return fail(err, errlen, -ENOEXEC,
                    "truncated or corrupt ELF: segment %zu extends beyond the end of the file", i);
    if (p->p_align > 1 && !is_pow2(p->p_align))
        return fail(err, errlen, -ENOEXEC,
                    "corrupt ELF: segment %zu: alignment 0x%llx is not a power of two", i,
                    (unsigned long long)p->p_align);
    if ((p->p_vaddr & GUEST_PAGE_MASK) != (p->p_offset & GUEST_PAGE_MASK) ||
        (p->p_align > 1 && (p->p_vaddr - p->p_offset) % p->p_align != 0))
        return fail(err, errlen, -ENOEXEC,
                    "corrupt ELF: segment %zu: address 0x%llx and file offset 0x%llx are not "
                    "congruent modulo its alignment", i, (unsigned long long)p->p_vaddr,
                    (unsigned long long)p->p_offset);
    if (start < im->bias || end < start || end > GUEST_ADDR_LIMIT)
        return fail(err, errlen, -ENOEXEC,
                    "corrupt ELF: segment %zu lies outside the user address space", i);
    if (p->p_memsz > SEGMENT_MAX)
        return fail(err, errlen, -ENOMEM,
                    "segment %zu needs 0x%llx bytes: more than goemu maps for one segment "
                    "(16 GiB)", i, (unsigned long long)p->p_memsz);
    if (p->p_memsz && page_down(start) < MMAP_MIN_ADDR)
        return fail(err, errlen, -ENOEXEC,
                    "corrupt ELF: segment %zu maps 0x%llx, below mmap_min_addr 0x10000", i,
                    (unsigned long long)start);
    return 0;
}

/* Checks every program header; PT_LOADs must be in ascending order (ELF gABI) and must not
 * overlap (they may share a page, as with traditional ld layouts). */
static int check_segments(const struct image *im, char *err, size_t errlen)
{
    size_t nload = 0, prev = 0;
    int rc;

    for (size_t i = 0; i < im->phnum; i++)
        if (im->ph[i].p_type == PT_INTERP)
            return fail(err, errlen, -ENOEXEC, "dynamically linked: not supported yet");
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        if ((rc = check_load(im, i, err, errlen)) != 0)
            return rc;
        if (nload++ && p->p_vaddr < im->ph[prev].p_vaddr + im->ph[prev].p_memsz)
            return fail(err, errlen, -ENOEXEC,
                        p->p_vaddr < im->ph[prev].p_vaddr
                            ? "corrupt ELF: segment %zu is not in ascending address order after %zu"
                            : "corrupt ELF: segment %zu overlaps segment %zu", i, prev);
        prev = i;
    }
    if (nload == 0)
        return fail(err, errlen, -ENOEXEC, "no loadable segments: not an executable");
    return 0;
}

/* The entry point must be inside a loaded segment, else the first fetch would fault. */
static int check_entry(const struct image *im, char *err, size_t errlen)
{
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD && im->eh.e_entry - p->p_vaddr < p->p_memsz)
            return 0;
    }
    return fail(err, errlen, -ENOEXEC,
                "corrupt ELF: entry point 0x%llx is outside the loaded segments",
                (unsigned long long)im->eh.e_entry);
}

static int prot_of(uint32_t pf)
{
    return (pf & PF_R ? GPROT_READ : 0) | (pf & PF_W ? GPROT_WRITE : 0) |
           (pf & PF_X ? GPROT_EXEC : 0);
}

/* Copies the segment's file bytes; libelf bounds-checks the range against the file. */
static int fill_segment(struct mem *m, const struct image *im, const GElf_Phdr *p, char *err,
                        size_t errlen)
{
    if (p->p_filesz == 0)
        return 0;
    Elf_Data *d = elf_getdata_rawchunk(im->elf, (int64_t)p->p_offset, p->p_filesz, ELF_T_BYTE);
    if (!d)
        return fail(err, errlen, -ENOEXEC, "truncated or corrupt ELF: cannot read segment (%s)",
                    elf_errmsg(-1));
    int rc = mem_poke(m, im->bias + p->p_vaddr, d->d_buf, p->p_filesz);
    if (rc)
        return fail(err, errlen, rc, "cannot fill segment at 0x%llx: %s",
                    (unsigned long long)(im->bias + p->p_vaddr), strerror(-rc));
    return 0;
}

/* Maps one PT_LOAD. shared_end is the page-rounded end of the previous segment: a page both
 * segments touch is mapped once and gets the union of their protections. */
static int map_segment(struct mem *m, const struct image *im, const GElf_Phdr *p,
                       const char *name, uint64_t *shared_end, int *shared_prot, char *err,
                       size_t errlen)
{
    uint64_t start = page_down(im->bias + p->p_vaddr);
    uint64_t end = guest_page_up(im->bias + p->p_vaddr + p->p_memsz);
    uint64_t fresh = start < *shared_end ? *shared_end : start;
    int prot = prot_of(p->p_flags), rc;

    if (fresh < end && (rc = mem_map(m, fresh, end - fresh, GPROT_READ | GPROT_WRITE,
                                     VMA_IMAGE, name)) != 0)
        return fail(err, errlen, rc, "cannot map segment at 0x%llx: %s",
                    (unsigned long long)fresh, strerror(-rc));
    if ((rc = fill_segment(m, im, p, err, errlen)) != 0)
        return rc;
    if (fresh < end && (rc = mem_protect(m, fresh, end - fresh, prot)) != 0)
        return fail(err, errlen, rc, "cannot protect segment: %s", strerror(-rc));
    if (start < fresh && (rc = mem_protect(m, start, fresh - start, prot | *shared_prot)))
        return fail(err, errlen, rc, "cannot protect segment: %s", strerror(-rc));
    if (end > *shared_end) {
        *shared_end = end;
        *shared_prot = prot;
    }
    return 0;
}

/* The VMA name is the file's basename, cut to fit struct vma. */
static void image_name(const char *path, char *name, size_t n)
{
    const char *slash = strrchr(path, '/');
    snprintf(name, n, "%s", slash && slash[1] ? slash + 1 : path);
}

static int map_image(struct mem *m, const struct image *im, const char *path, char *err,
                     size_t errlen)
{
    char name[sizeof ((struct vma *)0)->name];
    uint64_t shared_end = 0;
    int shared_prot = 0, rc;

    image_name(path, name, sizeof name);
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        rc = map_segment(m, im, p, name, &shared_end, &shared_prot, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

/* AT_PHDR: PT_PHDR if present, else where the loaded file image covers e_phoff (binfmt_elf's
 * rule since Linux 5.18); 0 if the headers are not loaded at all. */
static uint64_t phdr_address(const struct image *im)
{
    uint64_t size = (uint64_t)im->phnum * im->eh.e_phentsize;

    for (size_t i = 0; i < im->phnum; i++)
        if (im->ph[i].p_type == PT_PHDR)
            return im->bias + im->ph[i].p_vaddr;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD && p->p_offset <= im->eh.e_phoff &&
            im->eh.e_phoff - p->p_offset + size <= p->p_filesz)
            return im->bias + p->p_vaddr + (im->eh.e_phoff - p->p_offset);
    }
    return 0;
}

static void describe_image(const struct image *im, struct elf_image *out)
{
    uint64_t top = 0;

    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *p = &im->ph[i];
        if (p->p_type == PT_LOAD && p->p_vaddr + p->p_memsz > top)
            top = p->p_vaddr + p->p_memsz;
    }
    out->entry = im->bias + im->eh.e_entry;
    out->phdr = phdr_address(im);
    out->phnum = (unsigned)im->phnum;
    out->bias = im->bias;
    out->brk = guest_page_up(im->bias + top);
}

/* All checks that need no mapping, in the order that gives the most useful reason first. */
static int check_image(struct image *im, char *err, size_t errlen)
{
    int rc;

    if (elf_kind(im->elf) != ELF_K_ELF)
        return fail(err, errlen, -ENOEXEC, "not an ELF file");
    if (!gelf_getehdr(im->elf, &im->eh))
        return fail(err, errlen, -ENOEXEC, "truncated or corrupt ELF: no ELF header (%s)",
                    elf_errmsg(-1));
    if ((rc = check_platform(im, err, errlen)) || (rc = check_type(im, err, errlen)) ||
        (rc = read_phdrs(im, err, errlen)) ||
        (rc = check_shdrs(im, err, errlen)) || (rc = check_segments(im, err, errlen)) ||
        (rc = check_entry(im, err, errlen)))
        return rc;
    return 0;
}

/* Opens path as execve would see it: a readable regular file. */
static int open_file(const char *path, uint64_t *size, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return fail(err, errlen, -errno, "%s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        int rc = -errno;
        close(fd);
        return fail(err, errlen, rc, "%s", strerror(-rc));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, errlen, S_ISDIR(st.st_mode) ? -EISDIR : -EACCES, "%s",
                    S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

int elf_load(struct mem *m, const char *path, struct elf_image *out, char *err, size_t errlen)
{
    struct image im = {0};
    int fd, rc;

    if (errlen)
        err[0] = '\0';
    if ((fd = open_file(path, &im.file_size, err, errlen)) < 0)
        return fd;
    if (im.file_size == 0) {
        close(fd);
        return fail(err, errlen, -ENOEXEC, "not an ELF file (empty)");
    }
    elf_version(EV_CURRENT);
    im.elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!im.elf)
        rc = fail(err, errlen, -ENOEXEC, "truncated or corrupt ELF: %s", elf_errmsg(-1));
    else if ((rc = check_image(&im, err, errlen)) == 0 &&
             (rc = map_image(m, &im, path, err, errlen)) == 0)
        describe_image(&im, out);
    free(im.ph);
    elf_end(im.elf);
    close(fd);
    return rc;
}
