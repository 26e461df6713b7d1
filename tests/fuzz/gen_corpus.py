#!/usr/bin/env python3
"""gen_corpus.py — writes the seed corpora under tests/fuzz/corpus/ (docs/fuzzing.md).

elf/: tiny crafted ELF executables (Go's layout in miniature, as tests/unit/test_elf_load.c
builds with libelf), one with a .symtab, a static-pie, plus truncated and corrupt variants.
syscalls/: syscall sequences in fuzz_syscalls.c's input format.
Deterministic: rerunning it rewrites the same bytes."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ehdr(etype=2, entry=0x401000, phoff=64, shoff=0, phnum=0, shnum=0, shstrndx=0,
         cls=2, data=1, machine=62):
    ident = b"\x7fELF" + bytes([cls, data, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, phoff, shoff, 0,
                               64, 56, phnum, 64, shnum, shstrndx)


def phdr(ptype, flags, off, vaddr, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", ptype, flags, off, vaddr, vaddr, filesz, memsz, align)


def shdr(name, stype, flags, addr, off, size, link=0, info=0, align=1, entsize=0):
    return struct.pack("<IIQQQQIIQQ", name, stype, flags, addr, off, size, link, info, align,
                       entsize)


CODE = bytes([0x48, 0x31, 0xff, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05, 0xf4]) + b"\xcc" * 5
DATA = bytes((i * 7 + 1) & 0xff for i in range(0x100))


def place(buf, off, b):
    if len(buf) < off:
        buf += b"\0" * (off - len(buf))
    return buf[:off] + b + buf[off + len(b):]


def pclntab(text):
    """A Go 1.20 .gopclntab (runtime/symtab.go pcHeader) with two functions."""
    names = b"main.main\0runtime.rt0_go\0"
    funcname, pcln = 72, 104
    hdr = struct.pack("<IBBBBQQQQQQQQ", 0xfffffff1, 0, 0, 1, 8, 2, 0, text, funcname, 0, 0, 0,
                      pcln)
    body = hdr + names
    body += b"\0" * (pcln - len(body))
    body += struct.pack("<IIIIII", 0, 0x20, 8, 0x28, 16, 0)
    body += b"\0" * (pcln + 0x20 - len(body))
    body += struct.pack("<Ii", 0, 0) + struct.pack("<Ii", 8, 10)
    return body


def good_exec(etype=2, base=0x400000, symtab=False, gopclntab=False):
    """PT_PHDR, R+X text at base, RW data+bss: test_elf_load.c's good_exec."""
    entry = base + 0x1000
    phs = [phdr(6, 4, 64, base + 64, 3 * 56, 3 * 56, 8),
           phdr(1, 5, 0, base, 0x1000 + len(CODE), 0x1000 + len(CODE)),
           phdr(1, 6, 0x2000, base + 0x3000, len(DATA), 0x2800)]
    f = b""
    f = place(f, 0x1000, CODE)
    f = place(f, 0x2000, DATA)
    shoff, shnum, shstrndx = 0, 0, 0
    if symtab:
        strtab = b"\0main.main\0runtime.data\0_rt0_amd64\0"
        shstr = b"\0.text\0.symtab\0.strtab\0.shstrtab\0"
        syms = b"\0" * 24
        syms += struct.pack("<IBBHQQ", 1, 0x12, 0, 1, entry, len(CODE))          # FUNC
        syms += struct.pack("<IBBHQQ", 11, 0x11, 0, 2, base + 0x3000, 0x100)     # OBJECT
        syms += struct.pack("<IBBHQQ", 24, 0x12, 0, 1, entry + 8, 0)             # FUNC size 0
        symoff = 0x2100
        stroff = symoff + len(syms)
        shstroff = stroff + len(strtab)
        f = place(f, symoff, syms)
        f = place(f, stroff, strtab)
        f = place(f, shstroff, shstr)
        shoff = (shstroff + len(shstr) + 7) & ~7
        shs = [shdr(0, 0, 0, 0, 0, 0),
               shdr(1, 1, 6, entry, 0x1000, len(CODE), align=16),
               shdr(7, 2, 0, 0, symoff, len(syms), link=3, info=1, align=8, entsize=24),
               shdr(15, 3, 0, 0, stroff, len(strtab)),
               shdr(23, 3, 0, 0, shstroff, len(shstr))]
        f = place(f, shoff, b"".join(shs))
        shnum, shstrndx = len(shs), 4
    if gopclntab:
        shstr = b"\0.text\0.gopclntab\0.shstrtab\0"
        tab = pclntab(entry if etype == 2 else 0)
        taboff, shstroff = 0x2100, 0x2100 + len(tab)
        f = place(f, taboff, tab)
        f = place(f, shstroff, shstr)
        shoff = (shstroff + len(shstr) + 7) & ~7
        shs = [shdr(0, 0, 0, 0, 0, 0),
               shdr(1, 1, 6, entry, 0x1000, len(CODE), align=16),
               shdr(7, 1, 2, 0, taboff, len(tab), align=8),
               shdr(18, 3, 0, 0, shstroff, len(shstr))]
        f = place(f, shoff, b"".join(shs))
        shnum, shstrndx = len(shs), 3
    h = ehdr(etype, entry, 64, shoff, len(phs), shnum, shstrndx)
    f = place(f, 0, h + b"".join(phs))
    return f


def set_at(b, off, fmt, *v):
    return b[:off] + struct.pack(fmt, *v) + b[off + struct.calcsize(fmt):]


def elf_seeds():
    s = {}
    g = good_exec()
    s["exec"] = g
    s["exec-symtab"] = good_exec(symtab=True)
    s["static-pie"] = good_exec(etype=3, base=0)
    s["static-pie-symtab"] = good_exec(etype=3, base=0, symtab=True)
    s["stripped-gopclntab"] = good_exec(gopclntab=True)
    s["stripped-gopclntab-pie"] = good_exec(etype=3, base=0, gopclntab=True)
    gp = good_exec(gopclntab=True)
    s["gopclntab-nfunc-huge"] = set_at(gp, 0x2100 + 8, "<Q", 1 << 60)
    s["gopclntab-nameoff-bad"] = set_at(gp, 0x2100 + 104 + 0x28 + 4, "<i", -5)
    # truncations: inside e_ident, inside the header, inside the phdrs, inside a segment
    for n in (0, 4, 16, 63, 64, 100, 0x1004, 0x2080):
        s["trunc-%d" % n] = g[:n]
    s["bad-magic"] = b"\x7fELG" + g[4:]
    s["class32"] = g[:4] + b"\x01" + g[5:]
    s["big-endian"] = g[:5] + b"\x02" + g[6:]
    s["machine-arm64"] = set_at(g, 18, "<H", 183)
    s["type-rel"] = set_at(g, 16, "<H", 1)
    s["phnum-0"] = set_at(g, 56, "<H", 0)
    s["phnum-huge"] = set_at(g, 56, "<H", 0xffff)
    s["phoff-eof"] = set_at(g, 32, "<Q", 1 << 40)
    s["phentsize-bad"] = set_at(g, 54, "<H", 32)
    ph1 = 64 + 56  # second phdr (first PT_LOAD)
    s["interp"] = set_at(g, 64, "<I", 3)   # PT_PHDR becomes PT_INTERP
    s["filesz-gt-memsz"] = set_at(g, ph1 + 32, "<Q", 0x5000)
    s["filesz-past-eof"] = set_at(set_at(g, ph1 + 32, "<Q", 0x100000), ph1 + 40, "<Q", 0x100000)
    s["memsz-huge"] = set_at(g, ph1 + 56 + 40, "<Q", 1 << 46)
    s["vaddr-kernel"] = set_at(g, ph1 + 16, "<Q", 0xffff800000000000)
    s["vaddr-wrap"] = set_at(set_at(g, ph1 + 16, "<Q", (1 << 64) - 0x1000), ph1 + 40, "<Q", 0x2000)
    s["offset-misaligned"] = set_at(g, ph1 + 8, "<Q", 0x10)
    s["align-odd"] = set_at(g, ph1 + 48, "<Q", 3)
    s["overlap"] = set_at(g, ph1 + 56 + 16, "<Q", 0x400000)
    s["entry-unmapped"] = set_at(g, 24, "<Q", 0x10)
    s["phdr-outside"] = set_at(g, 64 + 16, "<Q", 0x900000)
    st = good_exec(symtab=True)
    s["symtab-shoff-eof"] = set_at(st, 40, "<Q", 1 << 33)
    s["symtab-shstrndx-bad"] = set_at(st, 62, "<H", 77)
    shoff = struct.unpack_from("<Q", st, 40)[0]
    s["symtab-link-bad"] = set_at(st, shoff + 2 * 64 + 40, "<I", 99)
    s["symtab-size-odd"] = set_at(st, shoff + 2 * 64 + 32, "<Q", 24 * 4 + 5)
    s["symtab-strtab-short"] = set_at(st, shoff + 3 * 64 + 32, "<Q", 3)
    return s


# ---- syscall sequences (fuzz_syscalls.c format) --------------------------------------
# selectors: index into values[] / paths[] in fuzz_syscalls.c
V = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 8: 8, 16: 9, 64: 10, 4096: 12, -1: 16,
     "AT_FDCWD": 18, "S": 20, "S+8": 21, "S+0x800": 22, "S+0x1000": 23, "Send-8": 24,
     "Send": 26, "low": 28, "huge": 36, "O_RDWR|O_CREAT": 38, "O_WRONLY|O_CREAT|O_TRUNC": 39,
     "O_DIRECTORY": 40, "O_NONBLOCK": 41, "MAP_PRIVATE|MAP_ANON": 43, "MAP_FIXED": 44,
     "MAP_SHARED|MAP_ANON": 45, "0777": 47, "0644": 48, "FUTEX_WAKE_PRIVATE": 50,
     "sigset8": 52, "SIGUSR1": 53}
NVALS = 56
PATH = lambda i: NVALS + i  # a, b, c, c/d, c/d/e, ., "", f.txt, lnk, sock, /proc/self/maps...
P = {"a": 0, "b": 1, "c": 2, "c/d": 3, ".": 5, "f.txt": 7, "lnk": 8, "maps": 10, "exe": 11,
     "fd": 12, "mem": 13, "status": 14}


def call(nr, *sels):
    out = struct.pack("<H", nr)
    args = list(sels) + [V[0]] * (6 - len(sels))
    for a in args:
        if isinstance(a, tuple) and a[0] == "lit":
            out += b"\xff" + struct.pack("<Q", a[1] & (2 ** 64 - 1))
        else:
            out += bytes([a])
    return out


def poke(off, b):
    return struct.pack("<HBH", 0xffff, len(b), off) + b


def lit(v):
    return ("lit", v)


S = 0x100000


def sys_seeds():
    s = {}
    s["file-rw"] = (poke(0, b"hello fuzz\n") +
                    call(257, V["AT_FDCWD"], PATH(P["f.txt"]), V["O_RDWR|O_CREAT"], V["0644"]) +
                    call(1, V[3], V["S"], V[8]) + call(8, V[3], V[0], V[0]) +
                    call(0, V[3], V["S+0x800"], V[64]) + call(5, V[3], V["S+0x1000"]) +
                    call(17, V[3], V["S+8"], V[4], V[2]) + call(77, V[3], V[1]) + call(3, V[3]))
    s["dirs"] = (call(83, PATH(P["c"]), V["0777"]) + call(258, V["AT_FDCWD"], PATH(P["c/d"]), V["0777"]) +
                 call(257, V["AT_FDCWD"], PATH(P["c"]), V["O_DIRECTORY"]) +
                 call(217, V[3], V["S"], V[4096]) + call(80, PATH(P["c"])) + call(79, V["S"], V[64]) +
                 call(81, V[3]) + call(266, PATH(P["a"]), V["AT_FDCWD"], PATH(P["lnk"])) +
                 call(89, PATH(P["lnk"]), V["S"], V[64]) + call(82, PATH(P["lnk"]), PATH(P["b"])) +
                 call(262, V["AT_FDCWD"], PATH(P["b"]), V["S"], lit(0x100)) +
                 call(87, PATH(P["b"])) + call(84, PATH(P["c/d"])))
    s["pipe"] = (call(293, V["S"], V["O_NONBLOCK"]) + call(1, V[4], V["S+8"], V[16]) +
                 call(0, V[3], V["S+0x800"], V[64]) + call(0, V[3], V["S+0x800"], V[64]) +
                 call(33, V[3], V[5]) + call(32, V[4]) + call(72, V[3], V[3]) +
                 call(7, V["S+0x1000"], V[1], V[0]) + call(3, V[3]) + call(3, V[4]))
    s["mm"] = (call(9, V[0], V[4096], V[3], V["MAP_PRIVATE|MAP_ANON"], V[-1], V[0]) +
               call(9, lit(0x500000), lit(0x3000), V[3], V["MAP_FIXED"], V[-1], V[0]) +
               call(10, lit(0x501000), V[4096], V[1]) + call(25, lit(0x500000), lit(0x3000),
                                                             lit(0x6000), V[1]) +
               call(28, lit(0x500000), V[4096], V[4]) + call(11, lit(0x500000), lit(0x6000)) +
               call(12, V[0]) + call(12, lit(0x310000)) + call(26, V["S"], V[4096], V[4]))
    s["time"] = (call(228, V[1], V["S"]) + call(228, V[0], V["Send"]) + call(229, V[1], V["S"]) +
                 call(96, V["S"], V[0]) + call(201, V["S"]) + call(318, V["S"], V[64], V[0]) +
                 poke(0x40, struct.pack("<qq", 0, 1000)) + call(35, V["S"] , V[0]) +
                 call(230, V[1], V[0], lit(S + 0x40), V[0]))
    s["ids"] = (call(39, ) + call(186) + call(102) + call(104) + call(107) + call(108) +
                call(110) + call(63, V["S"]) + call(99, V["S"]) + call(97, V[3], V["S"]) +
                call(302, V[0], V[7 if False else 3], V[0], V["S"]) + call(118, V["S"], V["S+8"], V["S+0x800"]) +
                call(115, V[16], V["S"]) + call(204, V[0], V[8], V["S"]) + call(95, V["0644"]))
    s["signals"] = (poke(0, struct.pack("<QQQQ", 0x401000, 0x04000000, 0x401100, 0)) +
                    call(13, V["SIGUSR1"], V["S"], V["S+0x800"], V["sigset8"]) +
                    call(14, V[0], V["S+8"], V["S+0x1000"], V["sigset8"]) +
                    call(131, V[0], V["S"]) + call(62, V[0], V["SIGUSR1"]) +
                    call(200, lit(4242), V["SIGUSR1"]) + call(234, lit(4242), lit(4242), V[0]))
    s["futex-thread"] = (call(202, V["S"], V["FUTEX_WAKE_PRIVATE"], V[1]) +
                         call(202, V["S"], lit(0x80), V[0], V[0]) +
                         call(218, V["S"]) + call(273, V["S"], lit(24)) +
                         call(158, lit(0x1002), V["S+0x800"]) + call(158, lit(0x1003), V["S"]) +
                         call(56, lit(0x3d0f00), V["S+0x1000"], V[0], V[0], V[0]) + call(24))
    s["poll-epoll"] = (call(291, V[0]) + call(290, V[0], V["O_NONBLOCK"]) +
                       poke(0x100, struct.pack("<IQ", 1, 7)) +
                       call(233, V[3], V[1], V[4], lit(S + 0x100)) +
                       call(232, V[3], V["S"], V[8], V[0]) + call(1, V[4], lit(S + 0x104), V[8]) +
                       call(232, V[3], V["S"], V[8], V[0]) +
                       poke(0x200, struct.pack("<ihh", 4, 1, 0)) + call(7, lit(S + 0x200), V[1], V[0]) +
                       call(271, lit(S + 0x200), V[1], V["S"], V[0], V[8]))
    s["sockets"] = (call(53, V[1], V[1], V[0], V["S"]) + call(44, V[3], V["S+8"], V[8], V[0]) +
                    call(45, V[4], V["S+0x800"], V[64], V["O_NONBLOCK"] , V[0], V[0]) +
                    call(51, V[3], V["S"], V["S+8"]) + call(55, V[3], V[1], lit(7), V["S"], V["S+8"]) +
                    call(54, V[3], V[1], lit(7), V["S"], V[4]) + call(48, V[3], V[1]) +
                    call(41, V[1], lit(0x801), V[0]) + call(50, V[5], V[1]) +
                    call(288, V[5], V[0], V[0], V["O_NONBLOCK"]))
    s["fsmeta"] = (call(257, V["AT_FDCWD"], PATH(P["a"]), V["O_RDWR|O_CREAT"], V["0644"]) +
                   call(285, V[3], V[0], V[0], V[4096]) + call(73, V[3], V[2]) +
                   call(40, V[3], V[3], V[0], V[16]) + call(326, V[3], V[0], V[3], V[0], V[16], V[0]) +
                   call(76, PATH(P["a"]), V[8]) + call(92, PATH(P["a"]), V[0], V[0]) +
                   call(133, PATH(P["b"]), V["0644"], V[0]) + call(91, V[3], V["0777"]) +
                   call(280, V["AT_FDCWD"], PATH(P["a"]), V[0], V[0]) +
                   call(265, V["AT_FDCWD"], PATH(P["a"]), V["AT_FDCWD"], PATH(P["c"]), V[0]) +
                   call(269, V["AT_FDCWD"], PATH(P["c"]), V[4]) + call(263, V["AT_FDCWD"], PATH(P["c"]), V[0]))
    s["procfs"] = (call(2, PATH(P["maps"]), V[0]) + call(0, V[3], V["S"], V[4096]) +
                   call(2, PATH(P["mem"]), V[2]) + call(17, V[4], V["S+0x800"], V[16], lit(S)) +
                   call(89, PATH(P["exe"]), V["S"], V[64]) + call(4, PATH(P["status"]), V["S"]) +
                   call(2, PATH(P["fd"]), V["O_DIRECTORY"]) + call(217, V[5], V["S"], V[4096]))
    s["faults"] = (call(0, V[0], V["Send-8"], V[64]) + call(1, V[1], V["low"], V[8]) +
                   call(5, V[1], V["Send"]) + call(20, V[1], V["S"], lit(1 << 31)) +
                   call(19, V[0], V["huge"], V[2]) + call(9, V["huge"], V["huge"], V[3], V[2], V[-1], V[0]) +
                   call(4, PATH(23), V["S"]) + call(2, PATH(24), V[0]) + call(999))
    return s


def main():
    for sub, seeds in (("elf", elf_seeds()), ("syscalls", sys_seeds())):
        d = os.path.join(HERE, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (d, len(seeds)))


if __name__ == "__main__":
    sys.exit(main())
