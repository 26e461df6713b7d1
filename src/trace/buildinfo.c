/* buildinfo.c — the Go release and build settings from the binary's own build info: the
 * .go.buildinfo section starts "\xff Go buildinf:", then pointer size and flags; with flag 2
 * (Go 1.18+) the version and the module info follow the 32-byte header as uvarint-length
 * strings (debug/buildinfo: readRawBuildInfo). The section is found with libelf. */
#include "trace/internal.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

static const char buildinfo_magic[14] = "\xff Go buildinf:";
#define BUILDINFO_HEADER 32
#define FLAG_INLINE_STRINGS 2

/* A uvarint-length string at *p; advances *p. Returns its length or -1. */
static long read_string(const uint8_t **p, const uint8_t *end, const char **s)
{
    uint64_t len = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(*p)++;
        len |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (len > (uint64_t)(end - *p))
                return -1;
            *s = (const char *)*p;
            *p += len;
            return (long)len;
        }
    }
    return -1;
}

static void copy_field(char *dst, size_t n, const char *src, size_t len)
{
    size_t k = len < n - 1 ? len : n - 1;
    memcpy(dst, src, k);
    dst[k] = 0;
}

/* The module text: "path\t<pkg>\n", "mod\t...", "dep\t...", "build\t<key>=<value>\n"; it is
 * framed by 16 sentinel bytes on each side, which debug/buildinfo strips the same way. */
static void parse_modinfo(const char *m, size_t len, struct go_buildinfo *bi)
{
    if (len >= 33 && m[len - 17] == '\n') {
        m += 16;
        len -= 32;
    }
    size_t slen = 0;
    while (len > 0) {
        const char *nl = memchr(m, '\n', len);
        size_t ll = nl ? (size_t)(nl - m) : len;
        if (ll > 5 && !memcmp(m, "path\t", 5))
            copy_field(bi->path, sizeof bi->path, m + 5, ll - 5);
        else if (ll > 6 && !memcmp(m, "build\t", 6) && slen + ll < sizeof bi->settings) {
            if (slen)
                bi->settings[slen++] = ' ';
            memcpy(bi->settings + slen, m + 6, ll - 6);
            slen += ll - 6;
            bi->settings[slen] = 0;
        }
        m += nl ? ll + 1 : ll;
        len -= nl ? ll + 1 : ll;
    }
}

int go_buildinfo_parse(const uint8_t *p, size_t n, struct go_buildinfo *bi)
{
    const uint8_t *end = p + n;
    const char *s;
    long len;
    memset(bi, 0, sizeof *bi);
    if (n < BUILDINFO_HEADER || memcmp(p, buildinfo_magic, sizeof buildinfo_magic) ||
        !(p[15] & FLAG_INLINE_STRINGS))
        return -1;   /* not Go 1.18+: the strings are behind pointers, not parsed here */
    p += BUILDINFO_HEADER;
    if ((len = read_string(&p, end, &s)) < 0)
        return -1;
    copy_field(bi->version, sizeof bi->version, s, (size_t)len);
    if ((len = read_string(&p, end, &s)) >= 0)
        parse_modinfo(s, (size_t)len, bi);
    return 0;
}

static Elf_Scn *find_section(Elf *elf, const char *want)
{
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        const char *name;
        if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
            !strcmp(name, want))
            return scn;
    }
    return NULL;
}

int go_buildinfo_read(const char *path, struct go_buildinfo *bi)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
    memset(bi, 0, sizeof *bi);
    if (fd < 0)
        return -1;
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    Elf_Scn *scn = elf ? find_section(elf, ".go.buildinfo") : NULL;
    Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
    if (d && d->d_buf)
        rc = go_buildinfo_parse(d->d_buf, d->d_size, bi);
    elf_end(elf);
    close(fd);
    return rc;
}
