// probe — a syscall probe run natively and under goemu, whose outputs tests/run_probe.sh
// compares line by line (tests/probe.cmake, docs/isolation.md "Remaining differences from the
// host probe"). Every case is one raw syscall (syscall.RawSyscall6, so the result is the
// kernel's own) and prints one line:
//
//	<case> <syscall> <result>
//
// where the result is an errno name or a value normalised so that it never depends on the
// run: new descriptors print "fd", addresses "addr", byte counts and flags their value. The
// cases cover every syscall goemu implements that takes a pointer (NULL, a low address, an
// unmapped one, a kernel one, a read-only page the kernel would write, a buffer running into
// a PROT_NONE page), descriptors of the wrong kind (-1, closed, out of range, a pipe's other
// end, a directory, an O_PATH fd, a socket...) and invalid flags. Nothing here depends on
// privileges or timing, blocks, or kills the process. Everything happens in a temporary
// directory, named by relative paths only.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl).
const (
	sRead             = 0
	sWrite            = 1
	sOpen             = 2
	sClose            = 3
	sStat             = 4
	sFstat            = 5
	sLstat            = 6
	sPoll             = 7
	sLseek            = 8
	sMmap             = 9
	sMprotect         = 10
	sMunmap           = 11
	sRtSigaction      = 13
	sRtSigprocmask    = 14
	sIoctl            = 16
	sPread64          = 17
	sPwrite64         = 18
	sReadv            = 19
	sWritev           = 20
	sAccess           = 21
	sPipe             = 22
	sMremap           = 25
	sMsync            = 26
	sMadvise          = 28
	sDup              = 32
	sDup2             = 33
	sNanosleep        = 35
	sGetpid           = 39
	sSendfile         = 40
	sSocket           = 41
	sConnect          = 42
	sAccept           = 43
	sSendto           = 44
	sRecvfrom         = 45
	sSendmsg          = 46
	sRecvmsg          = 47
	sShutdown         = 48
	sBind             = 49
	sListen           = 50
	sGetsockname      = 51
	sGetpeername      = 52
	sSocketpair       = 53
	sSetsockopt       = 54
	sGetsockopt       = 55
	sExecve           = 59
	sWait4            = 61
	sKill             = 62
	sUname            = 63
	sFcntl            = 72
	sFlock            = 73
	sFsync            = 74
	sFdatasync        = 75
	sTruncate         = 76
	sFtruncate        = 77
	sGetcwd           = 79
	sChdir            = 80
	sFchdir           = 81
	sRename           = 82
	sMkdir            = 83
	sRmdir            = 84
	sUnlink           = 87
	sReadlink         = 89
	sFchmod           = 91
	sChown            = 92
	sFchown           = 93
	sLchown           = 94
	sGettimeofday     = 96
	sGetrlimit        = 97
	sSysinfo          = 99
	sGetgroups        = 115
	sGetresuid        = 118
	sGetresgid        = 120
	sGetpgid          = 121
	sGetsid           = 124
	sSigaltstack      = 131
	sMknod            = 133
	sPrctl            = 157
	sArchPrctl        = 158
	sSetrlimit        = 160
	sGettid           = 186
	sTime             = 201
	sFutex            = 202
	sSchedSetaffinity = 203
	sSchedGetaffinity = 204
	sGetdents64       = 217
	sClockGettime     = 228
	sClockGetres      = 229
	sClockNanosleep   = 230
	sEpollWait        = 232
	sEpollCtl         = 233
	sTgkill           = 234
	sWaitid           = 247
	sOpenat           = 257
	sMkdirat          = 258
	sMknodat          = 259
	sFchownat         = 260
	sNewfstatat       = 262
	sUnlinkat         = 263
	sRenameat         = 264
	sLinkat           = 265
	sSymlinkat        = 266
	sReadlinkat       = 267
	sFchmodat         = 268
	sFaccessat        = 269
	sPpoll            = 271
	sSplice           = 275
	sUtimensat        = 280
	sEpollPwait       = 281
	sEventfd          = 284
	sFallocate        = 285
	sAccept4          = 288
	sEventfd2         = 290
	sEpollCreate1     = 291
	sDup3             = 292
	sPipe2            = 293
	sPrlimit64        = 302
	sRenameat2        = 316
	sGetrandom        = 318
	sExecveat         = 322
	sCopyFileRange    = 326
	sRseq             = 334
	sPidfdSendSignal  = 424
	sPidfdOpen        = 434
	sClone3           = 435
	sFaccessat2       = 439
)

const (
	atFdcwd    = ^uintptr(99) // -100
	kernelAddr = 0xffff800000000000
	lowAddr    = 0x1000
	unmapped   = 0x3f0000000000 // nothing maps here, natively or under goemu (checked below)
	page       = 4096
	bigFD      = 1 << 30
	closedFD   = 100
	minus1     = ^uintptr(0)
	oPath      = 0x200000
	sigBlock   = 0
)

var errnames = map[syscall.Errno]string{
	1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG",
	8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES",
	14: "EFAULT", 15: "ENOTBLK", 16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV",
	20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 23: "ENFILE", 24: "EMFILE", 25: "ENOTTY",
	26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE", 30: "EROFS", 31: "EMLINK",
	32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG", 37: "ENOLCK",
	38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 61: "ENODATA", 75: "EOVERFLOW", 88: "ENOTSOCK",
	89: "EDESTADDRREQ", 90: "EMSGSIZE", 91: "EPROTOTYPE", 92: "ENOPROTOOPT",
	93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT", 95: "EOPNOTSUPP", 96: "EPFNOSUPPORT",
	97: "EAFNOSUPPORT", 98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 103: "ECONNABORTED",
	104: "ECONNRESET", 105: "ENOBUFS", 106: "EISCONN", 107: "ENOTCONN", 110: "ETIMEDOUT",
	111: "ECONNREFUSED", 114: "EALREADY", 115: "EINPROGRESS", 125: "ECANCELED",
}

func errname(e syscall.Errno) string {
	if n, ok := errnames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno%d", int(e))
}

// How a successful result is printed.
type kind int

const (
	kVal  kind = iota // the value itself (counts, flags, 0)
	kFD               // a new descriptor: "fd", and it is closed
	kOK               // any success: "ok" (values that depend on the machine or the moment)
	kAddr             // an address: "addr"
	kHex              // a value in hex (flags)
)

var (
	rw    uintptr // 2 read-write pages: structs at rw, scratch data at rw+page
	none  uintptr // the PROT_NONE page after them
	ro    uintptr // a read-only page of zeros after that
	keep  [][]byte
	ncase int
	seen  = map[string]bool{}
)

func raw(nr uintptr, a ...uintptr) (uintptr, syscall.Errno) {
	var v [6]uintptr
	copy(v[:], a)
	r, _, e := syscall.RawSyscall6(nr, v[0], v[1], v[2], v[3], v[4], v[5])
	return r, e
}

// run makes one case: the syscall, then its line.
func run(name, sys string, k kind, nr uintptr, a ...uintptr) uintptr {
	fill(rw+page, page, 'f') // the bytes before the PROT_NONE page: a string without its NUL
	r, e := raw(nr, a...)
	res := ""
	switch {
	case e != 0:
		res = errname(e)
	case k == kFD:
		res = "fd"
		raw(sClose, r)
	case k == kOK:
		res = "ok"
	case k == kAddr:
		res = "addr"
	case k == kHex:
		res = fmt.Sprintf("%#x", r)
	default:
		res = fmt.Sprintf("%d", int64(r))
	}
	if seen[name] {
		fmt.Fprintf(os.Stderr, "probe: duplicate case %s\n", name)
		os.Exit(3)
	}
	seen[name] = true
	ncase++
	fmt.Printf("%s %s %s\n", name, sys, res)
	return r
}

// must is a setup step that has to work: it stops the probe otherwise.
func must(r uintptr, e syscall.Errno) uintptr {
	if e != 0 {
		_, _, line, _ := runtime.Caller(1)
		fmt.Fprintf(os.Stderr, "probe: setup at line %d: %v\n", line, e)
		os.Exit(2)
	}
	return r
}

func fill(addr uintptr, n int, b byte) {
	s := unsafe.Slice((*byte)(unsafe.Pointer(addr)), n)
	for i := range s {
		s[i] = b
	}
}

func put64(addr uintptr, v ...uint64) {
	for i, x := range v {
		*(*uint64)(unsafe.Pointer(addr + uintptr(8*i))) = x
	}
}

func put32(addr uintptr, v ...uint32) {
	for i, x := range v {
		*(*uint32)(unsafe.Pointer(addr + uintptr(4*i))) = x
	}
}

func get32(addr uintptr) uint32 { return *(*uint32)(unsafe.Pointer(addr)) }

// cstr is a NUL-terminated copy of s that stays put.
func cstr(s string) uintptr {
	b := append([]byte(s), 0)
	keep = append(keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

type ptr struct {
	name string
	addr uintptr
}

// straddle(n): n bytes whose second half is in the PROT_NONE page.
func straddle(n int) uintptr { return none - uintptr(n/2) }

// Pointers the kernel cannot read n bytes from.
func badIn(n int) []ptr {
	return []ptr{{"null", 0}, {"low", lowAddr}, {"unmapped", unmapped}, {"kernel", kernelAddr},
		{"straddle", straddle(n)}}
}

// Pointers the kernel cannot write n bytes to: the same plus a read-only page.
func badOut(n int) []ptr { return append(badIn(n), ptr{"rdonly", ro}) }

// Paths the kernel cannot read; "straddle" is 64 non-NUL bytes running into PROT_NONE.
func badPaths() []ptr { return badIn(128) }

type fdk struct {
	name string
	fd   uintptr
}

var (
	pipeR, pipeW     uintptr // blocking pipe, empty
	npipeR, npipeW   uintptr // non-blocking pipe, empty
	fileRO, fileWO   uintptr // "f" (12 bytes) read-only, "w" write-only
	dirFD, cwdFD     uintptr // "d" (empty directory), "."
	opathF, opathD   uintptr // O_PATH of "f" and of "d"
	sockA, sockB     uintptr // non-blocking connected unix stream pair
	lsock, usock     uintptr // listening (non-blocking) and unconnected unix stream sockets
	evFD, epFD, epRd uintptr // eventfd (non-blocking), empty epoll, epoll with a ready fd
)

// Descriptors of every kind; reads use the non-blocking pipe for "piper" so nothing blocks.
func fdKinds(read bool) []fdk {
	pr := pipeR
	if read {
		pr = npipeR
	}
	return []fdk{{"-1", minus1}, {"closed", closedFD}, {"big", bigFD}, {"piper", pr},
		{"pipew", pipeW}, {"dir", dirFD}, {"opath", opathF}, {"filero", fileRO},
		{"filewo", fileWO}, {"sock", sockA}, {"eventfd", evFD}, {"epoll", epFD}}
}

func rewind(fd uintptr) { raw(sLseek, fd, 0, 0) }

// drain empties the non-blocking pipe and socket pair.
func drain() {
	for {
		if _, e := raw(sRead, npipeR, rw+page, page); e != 0 {
			break
		}
	}
	for {
		if _, e := raw(sRead, sockB, rw+page, page); e != 0 {
			break
		}
	}
	for {
		if _, e := raw(sRead, sockA, rw+page, page); e != 0 {
			break
		}
	}
}

func setup() {
	base := must(raw(sMmap, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS, minus1, 0))
	rw, none, ro = base, base+2*page, base+3*page
	must(raw(sMprotect, none, page, syscall.PROT_NONE))
	must(raw(sMprotect, ro, page, syscall.PROT_READ))
	for _, a := range []uintptr{lowAddr, unmapped} {
		if _, e := raw(sMsync, a, page, syscall.MS_ASYNC); e != syscall.ENOMEM {
			fmt.Fprintf(os.Stderr, "probe: %#x is mapped\n", a)
			os.Exit(2)
		}
	}

	f := must(raw(sOpen, cstr("f"), syscall.O_RDWR|syscall.O_CREAT|syscall.O_TRUNC, 0644))
	must(raw(sWrite, f, cstr("hello world\n"), 12))
	raw(sClose, f)
	fileRO = must(raw(sOpen, cstr("f"), syscall.O_RDONLY, 0))
	fileWO = must(raw(sOpen, cstr("w"), syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, 0644))
	must(raw(sMkdir, cstr("d"), 0755))
	must(raw(sMkdir, cstr("e"), 0755))
	must(raw(sSymlinkat, cstr("f"), atFdcwd, cstr("l")))
	dirFD = must(raw(sOpen, cstr("d"), syscall.O_RDONLY|syscall.O_DIRECTORY, 0))
	cwdFD = must(raw(sOpen, cstr("."), syscall.O_RDONLY|syscall.O_DIRECTORY, 0))
	opathF = must(raw(sOpen, cstr("f"), oPath, 0))
	opathD = must(raw(sOpen, cstr("d"), oPath|syscall.O_DIRECTORY, 0))
	must(raw(sPipe2, rw, 0))
	pipeR, pipeW = uintptr(get32(rw)), uintptr(get32(rw+4))
	must(raw(sPipe2, rw, syscall.O_NONBLOCK))
	npipeR, npipeW = uintptr(get32(rw)), uintptr(get32(rw+4))
	must(raw(sSocketpair, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0, rw))
	sockA, sockB = uintptr(get32(rw)), uintptr(get32(rw+4))
	lsock = must(raw(sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0))
	sun := unixAddr(rw+512, "sock")
	must(raw(sBind, lsock, rw+512, sun))
	must(raw(sListen, lsock, 8))
	usock = must(raw(sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM, 0))
	evFD = must(raw(sEventfd2, 0, syscall.O_NONBLOCK))
	epFD = must(raw(sEpollCreate1, 0))
	epRd = must(raw(sEpollCreate1, 0))
	put32(rw, syscall.EPOLLOUT, 0)
	put64(rw+4, 7)
	must(raw(sEpollCtl, epRd, syscall.EPOLL_CTL_ADD, npipeW, rw))
	raw(sClose, closedFD)
}

// unixAddr writes a sockaddr_un for a relative path at addr and returns its length.
func unixAddr(addr uintptr, path string) uintptr {
	fill(addr, 110, 0)
	*(*uint16)(unsafe.Pointer(addr)) = syscall.AF_UNIX
	copy(unsafe.Slice((*byte)(unsafe.Pointer(addr+2)), 108), path)
	return uintptr(2 + len(path) + 1)
}

func main() {
	runtime.LockOSThread()
	dir, err := os.MkdirTemp("", "goemu-probe-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(dir)
	must(raw(sChdir, cstr(dir)))
	setup()

	files()
	paths()
	fdcalls()
	memory()
	signals()
	polling()
	sockets()
	processes()
	timeAndIds()

	fmt.Printf("# %d cases\n", ncase)
	raw(sChdir, cstr("/"))
}

// ---- read, write and their vectored and positioned forms -----------------------------------

func files() {
	for _, k := range fdKinds(true) {
		rewind(fileRO)
		run("read.fd="+k.name, "read", kVal, sRead, k.fd, rw, 16)
	}
	for _, p := range badOut(16) {
		rewind(fileRO)
		run("read.buf="+p.name, "read", kVal, sRead, fileRO, p.addr, 16)
	}
	rewind(fileRO)
	run("read.buf=straddle.len=4096", "read", kVal, sRead, fileRO, straddle(4096), 4096)
	rewind(fileRO)
	run("read.len=2g", "read", kVal, sRead, fileRO, rw, 0x7ffff000)
	rewind(fileRO)
	run("read.len=huge", "read", kVal, sRead, fileRO, rw, 1<<62)
	rewind(fileRO)
	run("read.len=0.buf=kernel", "read", kVal, sRead, fileRO, kernelAddr, 0)
	run("read.len=0.buf=null", "read", kVal, sRead, fileRO, 0, 0)
	run("read.len=0.fd=dir", "read", kVal, sRead, dirFD, rw, 0)
	run("read.len=0.fd=piper", "read", kVal, sRead, pipeR, rw, 0)
	run("read.len=0.fd=eventfd", "read", kVal, sRead, evFD, rw, 0)
	run("read.len=0.fd=pipew", "read", kVal, sRead, pipeW, rw, 0)
	put64(rw+256, uint64(rw), 0)
	run("readv.len=0.fd=dir", "readv", kVal, sReadv, dirFD, rw+256, 1)
	run("readv.len=0.fd=piper", "readv", kVal, sReadv, pipeR, rw+256, 1)
	put64(rw+256, kernelAddr, 0)
	run("readv.len=0.base=kernel", "readv", kVal, sReadv, fileRO, rw+256, 1)
	raw(sLseek, fileRO, 0, 2)
	run("read.eof.buf=null", "read", kVal, sRead, fileRO, 0, 16)
	run("read.eof.buf=kernel", "read", kVal, sRead, fileRO, kernelAddr, 16)
	run("read.fd=-1.buf=null", "read", kVal, sRead, minus1, 0, 16)
	run("read.fd=pipew.buf=null", "read", kVal, sRead, pipeW, 0, 16)
	run("read.fd=filewo.buf=kernel", "read", kVal, sRead, fileWO, kernelAddr, 16)
	run("read.fd=dir.buf=null", "read", kVal, sRead, dirFD, 0, 16)
	run("read.fd=dir.buf=kernel", "read", kVal, sRead, dirFD, kernelAddr, 16)
	run("read.fd=piper.buf=null", "read", kVal, sRead, npipeR, 0, 16)
	run("read.fd=sock.buf=null", "read", kVal, sRead, sockA, 0, 16)
	run("read.fd=eventfd.buf=null", "read", kVal, sRead, evFD, 0, 8)
	run("read.fd=eventfd.len=4", "read", kVal, sRead, evFD, rw, 4)
	raw(sWrite, npipeW, cstr("data"), 4)
	run("read.fd=piper.data.buf=null", "read", kVal, sRead, npipeR, 0, 16)
	run("read.fd=piper.data.buf=straddle", "read", kVal, sRead, npipeR, straddle(4), 4)
	drain()

	for _, k := range fdKinds(false) {
		run("write.fd="+k.name, "write", kVal, sWrite, k.fd, rw, 4)
	}
	drain()
	for _, p := range badIn(16) {
		run("write.buf="+p.name, "write", kVal, sWrite, fileWO, p.addr, 16)
	}
	run("write.buf=rdonly", "write", kVal, sWrite, fileWO, ro, 16)
	run("write.len=0.buf=kernel", "write", kVal, sWrite, fileWO, kernelAddr, 0)
	run("write.len=0.fd=dir", "write", kVal, sWrite, dirFD, rw, 0)
	run("write.len=0.fd=sock", "write", kVal, sWrite, sockA, rw, 0)
	run("write.len=0.fd=eventfd", "write", kVal, sWrite, evFD, rw, 0)
	run("pwrite64.len=0.fd=piper", "pwrite64", kVal, sPwrite64, pipeR, rw, 0, 0)
	run("write.len=2g", "write", kVal, sWrite, npipeW, rw, 0x7ffff000)
	drain()
	run("write.fd=-1.buf=null", "write", kVal, sWrite, minus1, 0, 16)
	run("write.fd=piper.buf=null", "write", kVal, sWrite, pipeR, 0, 16)
	run("write.fd=filero.buf=kernel", "write", kVal, sWrite, fileRO, kernelAddr, 16)
	run("write.fd=pipew.buf=null", "write", kVal, sWrite, npipeW, 0, 16)
	run("write.fd=pipew.buf=straddle", "write", kVal, sWrite, npipeW, straddle(16), 16)
	run("write.fd=sock.buf=null", "write", kVal, sWrite, sockA, 0, 16)
	run("write.fd=sock.buf=straddle", "write", kVal, sWrite, sockA, straddle(16), 16)
	run("write.fd=eventfd.buf=null", "write", kVal, sWrite, evFD, 0, 8)
	drain()

	for _, k := range fdKinds(true) {
		run("pread64.fd="+k.name, "pread64", kVal, sPread64, k.fd, rw, 16, 0)
	}
	for _, p := range badOut(16) {
		run("pread64.buf="+p.name, "pread64", kVal, sPread64, fileRO, p.addr, 16, 0)
	}
	run("pread64.off=-1", "pread64", kVal, sPread64, fileRO, rw, 16, minus1)
	run("pread64.off=-1.fd=-1", "pread64", kVal, sPread64, minus1, rw, 16, minus1)
	run("pread64.off=-1.buf=null", "pread64", kVal, sPread64, fileRO, 0, 16, minus1)
	run("pread64.off=eof.buf=null", "pread64", kVal, sPread64, fileRO, 0, 16, 100)
	run("pread64.fd=dir.buf=null", "pread64", kVal, sPread64, dirFD, 0, 16, 0)
	run("pread64.fd=pipew.buf=null", "pread64", kVal, sPread64, pipeW, 0, 16, 0)
	for _, k := range fdKinds(false) {
		run("pwrite64.fd="+k.name, "pwrite64", kVal, sPwrite64, k.fd, rw, 4, 0)
	}
	for _, p := range badIn(16) {
		run("pwrite64.buf="+p.name, "pwrite64", kVal, sPwrite64, fileWO, p.addr, 16, 0)
	}
	run("pwrite64.off=-1", "pwrite64", kVal, sPwrite64, fileWO, rw, 4, minus1)
	run("pwrite64.fd=piper.buf=null", "pwrite64", kVal, sPwrite64, pipeR, 0, 4, 0)
	run("pwrite64.fd=filero.buf=null", "pwrite64", kVal, sPwrite64, fileRO, 0, 4, 0)

	// readv/writev: the iovec array at rw+256, segments in rw+1024...
	iov := rw + 256
	seg := func(i int, base, n uintptr) { put64(iov+uintptr(16*i), uint64(base), uint64(n)) }
	for _, p := range badIn(16) {
		rewind(fileRO)
		run("readv.iov="+p.name, "readv", kVal, sReadv, fileRO, p.addr, 1)
	}
	for _, p := range badOut(16) {
		rewind(fileRO)
		seg(0, p.addr, 8)
		run("readv.base="+p.name, "readv", kVal, sReadv, fileRO, iov, 1)
	}
	rewind(fileRO)
	seg(0, rw+1024, 4)
	seg(1, 0, 8)
	run("readv.second=null", "readv", kVal, sReadv, fileRO, iov, 2)
	rewind(fileRO)
	seg(0, rw+1024, 4)
	seg(1, 1<<63, 8)
	run("readv.len=negative", "readv", kVal, sReadv, fileRO, iov, 2)
	rewind(fileRO)
	seg(0, rw+1024, 1<<62)
	seg(1, rw+1024, 1<<62)
	run("readv.len=huge", "readv", kVal, sReadv, fileRO, iov, 2)
	rewind(fileRO)
	run("readv.count=-1", "readv", kVal, sReadv, fileRO, iov, minus1)
	run("readv.count=1025", "readv", kVal, sReadv, fileRO, iov, 1025)
	run("readv.count=0.iov=null", "readv", kVal, sReadv, fileRO, 0, 0)
	run("readv.fd=-1.iov=null", "readv", kVal, sReadv, minus1, 0, 1)
	run("readv.fd=-1.count=1025", "readv", kVal, sReadv, minus1, iov, 1025)
	run("readv.fd=pipew.iov=null", "readv", kVal, sReadv, pipeW, 0, 1)
	run("readv.fd=opath.iov=null", "readv", kVal, sReadv, opathF, 0, 1)
	seg(0, 0, 8)
	run("readv.fd=dir.base=null", "readv", kVal, sReadv, dirFD, iov, 1)
	run("readv.fd=piper.base=null", "readv", kVal, sReadv, npipeR, iov, 1)
	for _, p := range badIn(16) {
		run("writev.iov="+p.name, "writev", kVal, sWritev, fileWO, p.addr, 1)
	}
	for _, p := range badIn(16) {
		seg(0, p.addr, 8)
		run("writev.base="+p.name, "writev", kVal, sWritev, fileWO, iov, 1)
	}
	seg(0, rw+1024, 4)
	seg(1, 0, 8)
	run("writev.second=null", "writev", kVal, sWritev, fileWO, iov, 2)
	run("writev.count=1025", "writev", kVal, sWritev, fileWO, iov, 1025)
	run("writev.fd=-1.iov=null", "writev", kVal, sWritev, minus1, 0, 1)
	run("writev.fd=piper.iov=null", "writev", kVal, sWritev, pipeR, 0, 1)
	run("writev.fd=filero.count=-1", "writev", kVal, sWritev, fileRO, iov, minus1)

	// sendfile, copy_file_range, splice: offsets in guest memory.
	put64(rw+2048, 0)
	run("sendfile.ok", "sendfile", kVal, sSendfile, fileWO, fileRO, rw+2048, 4)
	for _, p := range badOut(8) {
		run("sendfile.off="+p.name, "sendfile", kVal, sSendfile, fileWO, fileRO, p.addr, 4)
	}
	run("sendfile.out=-1.off=null", "sendfile", kVal, sSendfile, minus1, fileRO, 0, 4)
	run("sendfile.out=-1.off=kernel", "sendfile", kVal, sSendfile, minus1, fileRO, kernelAddr, 4)
	run("sendfile.out=dir", "sendfile", kVal, sSendfile, dirFD, fileRO, 0, 4)
	run("sendfile.in=filewo", "sendfile", kVal, sSendfile, fileWO, fileWO, 0, 4)
	for _, p := range badOut(8) {
		run("copy_file_range.off_in="+p.name, "copy_file_range", kVal, sCopyFileRange, fileRO, p.addr, fileWO, 0, 4, 0)
	}
	run("copy_file_range.flags=1", "copy_file_range", kVal, sCopyFileRange, fileRO, 0, fileWO, 0, 4, 1)
	run("copy_file_range.fd=-1.off=kernel", "copy_file_range", kVal, sCopyFileRange, minus1, kernelAddr, fileWO, 0, 4, 0)
	run("copy_file_range.out=filero", "copy_file_range", kVal, sCopyFileRange, fileRO, 0, fileRO, 0, 4, 0)
	run("splice.empty", "splice", kVal, sSplice, npipeR, 0, fileWO, 0, 4, 2)
	for _, p := range badOut(8) {
		run("splice.off_in="+p.name, "splice", kVal, sSplice, fileRO, p.addr, npipeW, 0, 4, 0)
	}
	drain()
	run("splice.fd=-1", "splice", kVal, sSplice, minus1, 0, npipeW, 0, 4, 0)
	run("splice.nopipe", "splice", kVal, sSplice, fileRO, 0, fileWO, 0, 4, 0)
}

// ---- paths ------------------------------------------------------------------------------

func paths() {
	f, d, x, l := cstr("f"), cstr("d"), cstr("x"), cstr("l")
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'a'
	}
	toolong := cstr(string(long))
	longname := cstr(string(long[:300]))
	stat := rw + 1024

	for _, p := range badPaths() {
		run("open.path="+p.name, "open", kFD, sOpen, p.addr, syscall.O_RDONLY, 0)
	}
	run("open.ok", "open", kFD, sOpen, f, syscall.O_RDONLY, 0)
	run("open.path=empty", "open", kFD, sOpen, cstr(""), syscall.O_RDONLY, 0)
	run("open.path=missing", "open", kFD, sOpen, x, syscall.O_RDONLY, 0)
	run("open.path=toolong", "open", kFD, sOpen, toolong, syscall.O_RDONLY, 0)
	run("open.path=longname", "open", kFD, sOpen, longname, syscall.O_RDONLY, 0)
	run("open.path=notdir", "open", kFD, sOpen, cstr("f/x"), syscall.O_RDONLY, 0)
	run("open.dir.wronly", "open", kFD, sOpen, d, syscall.O_WRONLY, 0)
	run("open.file.directory", "open", kFD, sOpen, f, syscall.O_DIRECTORY, 0)
	run("open.excl", "open", kFD, sOpen, f, syscall.O_CREAT|syscall.O_EXCL|syscall.O_WRONLY, 0644)
	run("open.creat_directory", "open", kFD, sOpen, cstr("g"), syscall.O_CREAT|syscall.O_DIRECTORY, 0644)
	run("open.tmpfile.rdonly", "open", kFD, sOpen, cstr("."), 0x410000, 0600)
	run("open.tmpfile.rdonly.path=null", "open", kFD, sOpen, 0, 0x410000, 0600)
	run("open.creat_directory.path=null", "open", kFD, sOpen, 0, syscall.O_CREAT|syscall.O_DIRECTORY, 0644)
	run("open.creat_directory.path=toolong", "open", kFD, sOpen, toolong, syscall.O_CREAT|syscall.O_DIRECTORY, 0644)
	run("open.path=null.missing_ok", "open", kFD, sOpen, 0, syscall.O_RDONLY|syscall.O_CREAT, 0644)
	for _, p := range badPaths() {
		run("openat.path="+p.name, "openat", kFD, sOpenat, atFdcwd, p.addr, syscall.O_RDONLY, 0)
	}
	run("openat.dirfd=-1", "openat", kFD, sOpenat, minus1, f, syscall.O_RDONLY, 0)
	run("openat.dirfd=-1.path=null", "openat", kFD, sOpenat, minus1, 0, syscall.O_RDONLY, 0)
	run("openat.dirfd=file", "openat", kFD, sOpenat, fileRO, f, syscall.O_RDONLY, 0)
	run("openat.dirfd=opathdir", "openat", kFD, sOpenat, opathD, cstr("."), syscall.O_RDONLY, 0)
	run("openat.dirfd=opathfile", "openat", kFD, sOpenat, opathF, f, syscall.O_RDONLY, 0)
	run("openat.dirfd=closed", "openat", kFD, sOpenat, closedFD, f, syscall.O_RDONLY, 0)

	for _, p := range badPaths() {
		run("stat.path="+p.name, "stat", kVal, sStat, p.addr, stat)
	}
	for _, p := range badOut(144) {
		run("stat.buf="+p.name, "stat", kVal, sStat, f, p.addr)
	}
	run("stat.ok", "stat", kVal, sStat, f, stat)
	run("stat.missing.buf=null", "stat", kVal, sStat, x, 0)
	for _, p := range badPaths() {
		run("lstat.path="+p.name, "lstat", kVal, sLstat, p.addr, stat)
	}
	run("lstat.ok", "lstat", kVal, sLstat, l, stat)
	run("lstat.buf=null", "lstat", kVal, sLstat, l, 0)
	for _, k := range fdKinds(true) {
		run("fstat.fd="+k.name, "fstat", kVal, sFstat, k.fd, stat)
	}
	for _, p := range badOut(144) {
		run("fstat.buf="+p.name, "fstat", kVal, sFstat, fileRO, p.addr)
	}
	run("fstat.fd=-1.buf=null", "fstat", kVal, sFstat, minus1, 0)
	for _, p := range badPaths() {
		run("newfstatat.path="+p.name, "newfstatat", kVal, sNewfstatat, atFdcwd, p.addr, stat, 0)
	}
	for _, p := range badOut(144) {
		run("newfstatat.buf="+p.name, "newfstatat", kVal, sNewfstatat, atFdcwd, f, p.addr, 0)
	}
	run("newfstatat.flags=bad", "newfstatat", kVal, sNewfstatat, atFdcwd, f, stat, 0x1)
	run("newfstatat.flags=bad.path=null", "newfstatat", kVal, sNewfstatat, atFdcwd, 0, stat, 0x1)
	run("newfstatat.empty_path.null", "newfstatat", kVal, sNewfstatat, fileRO, 0, stat, 0x1000)
	run("newfstatat.empty_path.null.fd=-1", "newfstatat", kVal, sNewfstatat, minus1, 0, stat, 0x1000)
	run("newfstatat.empty_path.null.fdcwd", "newfstatat", kVal, sNewfstatat, atFdcwd, 0, stat, 0x1000)
	run("newfstatat.empty_path.kernel", "newfstatat", kVal, sNewfstatat, fileRO, kernelAddr, stat, 0x1000)
	run("newfstatat.empty_path.opath", "newfstatat", kVal, sNewfstatat, opathF, cstr(""), stat, 0x1000)
	run("newfstatat.empty_path.buf=null", "newfstatat", kVal, sNewfstatat, fileRO, cstr(""), 0, 0x1000)
	run("newfstatat.dirfd=file", "newfstatat", kVal, sNewfstatat, fileRO, f, stat, 0)
	run("newfstatat.dirfd=-1", "newfstatat", kVal, sNewfstatat, minus1, f, stat, 0)

	for _, p := range badPaths() {
		run("access.path="+p.name, "access", kVal, sAccess, p.addr, 0)
	}
	run("access.ok", "access", kVal, sAccess, f, 4)
	run("access.mode=bad", "access", kVal, sAccess, f, 8)
	run("access.mode=bad.path=null", "access", kVal, sAccess, 0, 8)
	run("access.missing", "access", kVal, sAccess, x, 0)
	for _, p := range badPaths() {
		run("faccessat.path="+p.name, "faccessat", kVal, sFaccessat, atFdcwd, p.addr, 0)
	}
	run("faccessat.dirfd=file", "faccessat", kVal, sFaccessat, fileRO, f, 0)
	run("faccessat.dirfd=-1.path=null", "faccessat", kVal, sFaccessat, minus1, 0, 0)
	run("faccessat2.flags=bad", "faccessat2", kVal, sFaccessat2, atFdcwd, f, 0, 0x1)
	run("faccessat2.flags=bad.path=null", "faccessat2", kVal, sFaccessat2, atFdcwd, 0, 0, 0x1)
	run("faccessat2.mode=bad.path=null", "faccessat2", kVal, sFaccessat2, atFdcwd, 0, 8, 0)
	run("faccessat2.empty_path", "faccessat2", kVal, sFaccessat2, fileRO, cstr(""), 4, 0x1000)
	run("faccessat2.eaccess", "faccessat2", kVal, sFaccessat2, atFdcwd, f, 4, 0x200)

	for _, p := range badPaths() {
		run("readlink.path="+p.name, "readlink", kVal, sReadlink, p.addr, rw+1024, 64)
	}
	for _, p := range badOut(64) {
		run("readlink.buf="+p.name, "readlink", kVal, sReadlink, l, p.addr, 64)
	}
	run("readlink.ok", "readlink", kVal, sReadlink, l, rw+1024, 64)
	run("readlink.bufsiz=0", "readlink", kVal, sReadlink, l, rw+1024, 0)
	run("readlink.bufsiz=0.path=null", "readlink", kVal, sReadlink, 0, rw+1024, 0)
	run("readlink.notlink", "readlink", kVal, sReadlink, f, rw+1024, 64)
	run("readlink.notlink.buf=null", "readlink", kVal, sReadlink, f, 0, 64)
	run("readlink.buf=straddle.len=1", "readlink", kVal, sReadlink, l, none-1, 64)
	run("readlinkat.dirfd=file", "readlinkat", kVal, sReadlinkat, fileRO, l, rw+1024, 64)
	run("readlinkat.dirfd=-1.path=null", "readlinkat", kVal, sReadlinkat, minus1, 0, rw+1024, 64)
	run("readlinkat.empty_path.opath", "readlinkat", kVal, sReadlinkat, opathF, cstr(""), rw+1024, 64)

	for _, p := range badPaths() {
		run("mkdir.path="+p.name, "mkdir", kVal, sMkdir, p.addr, 0755)
	}
	run("mkdir.exists", "mkdir", kVal, sMkdir, f, 0755)
	run("mkdir.missing_parent", "mkdir", kVal, sMkdir, cstr("x/y"), 0755)
	run("mkdirat.dirfd=file", "mkdirat", kVal, sMkdirat, fileRO, cstr("y"), 0755)
	run("mkdirat.dirfd=-1.path=null", "mkdirat", kVal, sMkdirat, minus1, 0, 0755)
	for _, p := range badPaths() {
		run("rmdir.path="+p.name, "rmdir", kVal, sRmdir, p.addr)
	}
	run("rmdir.file", "rmdir", kVal, sRmdir, f)
	run("rmdir.dot", "rmdir", kVal, sRmdir, cstr("."))
	run("rmdir.missing", "rmdir", kVal, sRmdir, x)
	for _, p := range badPaths() {
		run("unlink.path="+p.name, "unlink", kVal, sUnlink, p.addr)
	}
	run("unlink.dir", "unlink", kVal, sUnlink, d)
	run("unlink.missing", "unlink", kVal, sUnlink, x)
	run("unlinkat.flags=bad", "unlinkat", kVal, sUnlinkat, atFdcwd, x, 0x1)
	run("unlinkat.flags=bad.path=null", "unlinkat", kVal, sUnlinkat, atFdcwd, 0, 0x1)
	run("unlinkat.removedir.file", "unlinkat", kVal, sUnlinkat, atFdcwd, f, 0x200)
	run("unlinkat.dirfd=-1.path=null", "unlinkat", kVal, sUnlinkat, minus1, 0, 0)

	for _, p := range badPaths() {
		run("rename.old="+p.name, "rename", kVal, sRename, p.addr, x)
	}
	for _, p := range badPaths() {
		run("rename.new="+p.name, "rename", kVal, sRename, x, p.addr)
	}
	run("rename.missing", "rename", kVal, sRename, x, cstr("y"))
	run("rename.file_over_dir", "rename", kVal, sRename, f, d)
	run("renameat.dirfd=file", "renameat", kVal, sRenameat, fileRO, x, atFdcwd, cstr("y"))
	run("renameat2.flags=bad", "renameat2", kVal, sRenameat2, atFdcwd, x, atFdcwd, cstr("y"), 0x100)
	run("renameat2.flags=bad.path=null", "renameat2", kVal, sRenameat2, atFdcwd, 0, atFdcwd, 0, 0x100)
	run("renameat2.exchange_noreplace.path=null", "renameat2", kVal, sRenameat2, atFdcwd, 0, atFdcwd, 0, 3)
	run("renameat2.noreplace", "renameat2", kVal, sRenameat2, atFdcwd, d, atFdcwd, cstr("e"), 1)
	run("renameat2.noreplace.new=null", "renameat2", kVal, sRenameat2, atFdcwd, x, atFdcwd, 0, 1)

	for _, p := range badPaths() {
		run("linkat.old="+p.name, "linkat", kVal, sLinkat, atFdcwd, p.addr, atFdcwd, cstr("y"), 0)
	}
	run("linkat.flags=bad", "linkat", kVal, sLinkat, atFdcwd, f, atFdcwd, cstr("y"), 0x1)
	run("linkat.flags=bad.path=null", "linkat", kVal, sLinkat, atFdcwd, 0, atFdcwd, 0, 0x1)
	run("linkat.exists", "linkat", kVal, sLinkat, atFdcwd, f, atFdcwd, l, 0)
	run("linkat.new=null", "linkat", kVal, sLinkat, atFdcwd, f, atFdcwd, 0, 0)
	run("linkat.dirfd=-1", "linkat", kVal, sLinkat, minus1, f, atFdcwd, cstr("y"), 0)
	for _, p := range badPaths() {
		run("symlinkat.target="+p.name, "symlinkat", kVal, sSymlinkat, p.addr, atFdcwd, cstr("y"))
	}
	for _, p := range badPaths() {
		run("symlinkat.new="+p.name, "symlinkat", kVal, sSymlinkat, f, atFdcwd, p.addr)
	}
	run("symlinkat.exists", "symlinkat", kVal, sSymlinkat, f, atFdcwd, l)
	run("symlinkat.target=empty", "symlinkat", kVal, sSymlinkat, cstr(""), atFdcwd, cstr("y"))
	run("symlinkat.dirfd=file", "symlinkat", kVal, sSymlinkat, f, fileRO, cstr("y"))

	for _, p := range badPaths() {
		run("chdir.path="+p.name, "chdir", kVal, sChdir, p.addr)
	}
	run("chdir.file", "chdir", kVal, sChdir, f)
	run("chdir.missing", "chdir", kVal, sChdir, x)
	run("chdir.dot", "chdir", kVal, sChdir, cstr("."))
	for _, p := range badPaths() {
		run("truncate.path="+p.name, "truncate", kVal, sTruncate, p.addr, 0)
	}
	run("truncate.dir", "truncate", kVal, sTruncate, d, 0)
	run("truncate.missing", "truncate", kVal, sTruncate, x, 0)
	run("truncate.len=-1", "truncate", kVal, sTruncate, cstr("w"), minus1)
	run("truncate.len=-1.path=null", "truncate", kVal, sTruncate, 0, minus1)
	for _, p := range badPaths() {
		run("chown.path="+p.name, "chown", kVal, sChown, p.addr, minus1, minus1)
	}
	run("chown.same", "chown", kVal, sChown, f, minus1, minus1)
	run("lchown.path=null", "lchown", kVal, sLchown, 0, minus1, minus1)
	run("lchown.same", "lchown", kVal, sLchown, l, minus1, minus1)
	run("fchownat.flags=bad", "fchownat", kVal, sFchownat, atFdcwd, f, minus1, minus1, 0x1)
	run("fchownat.flags=bad.path=null", "fchownat", kVal, sFchownat, atFdcwd, 0, minus1, minus1, 0x1)
	run("fchownat.empty_path", "fchownat", kVal, sFchownat, fileRO, cstr(""), minus1, minus1, 0x1000)
	run("fchmodat.path=null", "fchmodat", kVal, sFchmodat, atFdcwd, 0, 0644)
	run("fchmodat.ok", "fchmodat", kVal, sFchmodat, atFdcwd, f, 0644)
	run("fchmodat.dirfd=-1", "fchmodat", kVal, sFchmodat, minus1, f, 0644)
	for _, p := range badPaths() {
		run("mknod.path="+p.name, "mknod", kVal, sMknod, p.addr, syscall.S_IFIFO|0644, 0)
	}
	run("mknod.exists", "mknod", kVal, sMknod, f, syscall.S_IFIFO|0644, 0)
	run("mknod.type=bad", "mknod", kVal, sMknod, cstr("y"), 0170000|0644, 0)
	run("mknodat.dirfd=file", "mknodat", kVal, sMknodat, fileRO, cstr("y"), syscall.S_IFIFO|0644, 0)

	times := rw + 1536
	put64(times, 0, 0, 0, 0)
	for _, p := range badIn(32) {
		run("utimensat.times="+p.name, "utimensat", kVal, sUtimensat, atFdcwd, f, p.addr, 0)
	}
	for _, p := range badPaths() {
		run("utimensat.path="+p.name, "utimensat", kVal, sUtimensat, atFdcwd, p.addr, times, 0)
	}
	run("utimensat.ok", "utimensat", kVal, sUtimensat, atFdcwd, f, times, 0)
	run("utimensat.flags=bad", "utimensat", kVal, sUtimensat, atFdcwd, f, 0, 0x1)
	run("utimensat.flags=bad.path=kernel", "utimensat", kVal, sUtimensat, atFdcwd, kernelAddr, 0, 0x1)
	run("utimensat.fd.path=null", "utimensat", kVal, sUtimensat, fileWO, 0, 0, 0)
	run("utimensat.fd=-1.path=null", "utimensat", kVal, sUtimensat, minus1, 0, 0, 0)
	run("utimensat.fdcwd.path=null", "utimensat", kVal, sUtimensat, atFdcwd, 0, 0, 0)
	run("utimensat.fd.path=null.flags=nofollow", "utimensat", kVal, sUtimensat, fileWO, 0, 0, 0x100)
	put64(times, 0, 2000000000, 0, 0)
	run("utimensat.nsec=bad", "utimensat", kVal, sUtimensat, atFdcwd, f, times, 0)
	run("utimensat.nsec=bad.path=kernel", "utimensat", kVal, sUtimensat, atFdcwd, kernelAddr, times, 0)
	run("utimensat.times=bad.fd=-1", "utimensat", kVal, sUtimensat, minus1, f, kernelAddr, 0)

	for _, p := range badOut(256) {
		run("getcwd.buf="+p.name, "getcwd", kOK, sGetcwd, p.addr, 256)
	}
	run("getcwd.ok", "getcwd", kOK, sGetcwd, rw+1024, 1024)
	run("getcwd.size=1", "getcwd", kOK, sGetcwd, rw+1024, 1)
	run("getcwd.size=0.buf=null", "getcwd", kOK, sGetcwd, 0, 0)

	for _, p := range badPaths() {
		run("execve.path="+p.name, "execve", kVal, sExecve, p.addr, 0, 0)
	}
	run("execve.missing", "execve", kVal, sExecve, x, 0, 0)
	run("execve.dir", "execve", kVal, sExecve, d, 0, 0)
	run("execve.noexec.argv=kernel", "execve", kVal, sExecve, f, kernelAddr, 0)
	run("execveat.flags=bad", "execveat", kVal, sExecveat, atFdcwd, f, 0, 0, 0x1)
	run("execveat.flags=bad.path=null", "execveat", kVal, sExecveat, atFdcwd, 0, 0, 0, 0x1)
	run("execveat.dirfd=-1", "execveat", kVal, sExecveat, minus1, f, 0, 0, 0)
	run("execveat.empty_path.dir", "execveat", kVal, sExecveat, dirFD, cstr(""), 0, 0, 0x1000)
}

// ---- descriptors: dup, fcntl, ioctl, sync, truncate, getdents, ... -------------------------

func fdcalls() {
	for _, k := range []fdk{{"-1", minus1}, {"closed", closedFD}, {"big", bigFD}} {
		run("close.fd="+k.name, "close", kVal, sClose, k.fd)
	}
	for _, k := range fdKinds(false) {
		run("dup.fd="+k.name, "dup", kFD, sDup, k.fd)
	}
	run("dup2.old=-1", "dup2", kFD, sDup2, minus1, closedFD)
	run("dup2.new=-1", "dup2", kFD, sDup2, fileRO, minus1)
	run("dup2.new=big", "dup2", kFD, sDup2, fileRO, bigFD)
	run("dup2.same", "dup2", kOK, sDup2, fileRO, fileRO)
	run("dup2.same.closed", "dup2", kOK, sDup2, closedFD, closedFD)
	run("dup3.same", "dup3", kFD, sDup3, fileRO, fileRO, 0)
	run("dup3.flags=bad", "dup3", kFD, sDup3, fileRO, closedFD, 1)
	run("dup3.old=-1", "dup3", kFD, sDup3, minus1, closedFD, 0)

	for _, p := range badOut(8) {
		run("pipe.fds="+p.name, "pipe", kVal, sPipe, p.addr)
	}
	for _, p := range badOut(8) {
		run("pipe2.fds="+p.name, "pipe2", kVal, sPipe2, p.addr, syscall.O_CLOEXEC)
	}
	run("pipe2.flags=bad", "pipe2", kVal, sPipe2, rw, 1)
	run("pipe2.flags=bad.fds=null", "pipe2", kVal, sPipe2, 0, 1)
	run("eventfd2.flags=bad", "eventfd2", kFD, sEventfd2, 0, 1)
	run("eventfd.ok", "eventfd", kFD, sEventfd, 0)
	run("epoll_create1.flags=bad", "epoll_create1", kFD, sEpollCreate1, 1)
	run("epoll_create.size=0", "epoll_create", kFD, 213, 0)
	run("epoll_create.size=-1", "epoll_create", kFD, 213, minus1)

	for _, k := range fdKinds(false) {
		run("lseek.fd="+k.name, "lseek", kVal, sLseek, k.fd, 0, 0)
	}
	run("lseek.whence=bad", "lseek", kVal, sLseek, fileRO, 0, 7)
	run("lseek.off=-1", "lseek", kVal, sLseek, fileRO, minus1, 0)
	for _, k := range fdKinds(false) {
		run("fsync.fd="+k.name, "fsync", kVal, sFsync, k.fd)
	}
	for _, k := range fdKinds(false) {
		run("fdatasync.fd="+k.name, "fdatasync", kVal, sFdatasync, k.fd)
	}
	for _, k := range fdKinds(false) {
		run("ftruncate.fd="+k.name, "ftruncate", kVal, sFtruncate, k.fd, 0)
	}
	run("ftruncate.len=-1", "ftruncate", kVal, sFtruncate, fileWO, minus1)
	for _, k := range fdKinds(false) {
		run("fchdir.fd="+k.name, "fchdir", kVal, sFchdir, k.fd)
	}
	run("fchdir.cwd", "fchdir", kVal, sFchdir, cwdFD)
	for _, k := range fdKinds(false) {
		run("fchmod.fd="+k.name, "fchmod", kVal, sFchmod, k.fd, 0755)
	}
	for _, k := range fdKinds(false) {
		run("fchown.fd="+k.name, "fchown", kVal, sFchown, k.fd, minus1, minus1)
	}
	for _, k := range fdKinds(false) {
		run("flock.fd="+k.name, "flock", kVal, sFlock, k.fd, syscall.LOCK_SH|syscall.LOCK_NB)
		raw(sFlock, k.fd, syscall.LOCK_UN)
	}
	run("flock.op=bad", "flock", kVal, sFlock, fileRO, 0)
	for _, k := range fdKinds(false) {
		run("fallocate.fd="+k.name, "fallocate", kVal, sFallocate, k.fd, 0, 0, 4096)
	}
	run("fallocate.mode=bad", "fallocate", kVal, sFallocate, fileWO, 0x100, 0, 4096)
	run("fallocate.len=0", "fallocate", kVal, sFallocate, fileWO, 0, 0, 0)

	// fcntl
	for _, k := range fdKinds(false) {
		run("fcntl.getfd.fd="+k.name, "fcntl", kVal, sFcntl, k.fd, syscall.F_GETFD)
	}
	for _, k := range fdKinds(false) {
		run("fcntl.getfl.fd="+k.name, "fcntl", kHex, sFcntl, k.fd, syscall.F_GETFL)
	}
	lk := rw + 1024
	setlk := func(typ uint16) { fill(lk, 32, 0); *(*uint16)(unsafe.Pointer(lk)) = typ }
	for _, p := range badOut(32) {
		run("fcntl.getlk.arg="+p.name, "fcntl", kVal, sFcntl, fileRO, syscall.F_GETLK, p.addr)
	}
	for _, p := range badIn(32) {
		run("fcntl.setlk.arg="+p.name, "fcntl", kVal, sFcntl, fileRO, syscall.F_SETLK, p.addr)
	}
	run("fcntl.setlk.arg=rdonly", "fcntl", kVal, sFcntl, fileRO, syscall.F_SETLK, ro)
	setlk(syscall.F_UNLCK)
	run("fcntl.getlk.fd=-1.arg=null", "fcntl", kVal, sFcntl, minus1, syscall.F_GETLK, 0)
	run("fcntl.setlk.fd=-1.arg=null", "fcntl", kVal, sFcntl, minus1, syscall.F_SETLK, 0)
	run("fcntl.setlk.fd=opath.arg=null", "fcntl", kVal, sFcntl, opathF, syscall.F_SETLK, 0)
	run("fcntl.ofd_getlk.fd=closed.arg=null", "fcntl", kVal, sFcntl, closedFD, 36, 0)
	setlk(syscall.F_RDLCK)
	run("fcntl.getlk.ok", "fcntl", kVal, sFcntl, fileRO, syscall.F_GETLK, lk)
	run("fcntl.getlk.fd=opath", "fcntl", kVal, sFcntl, opathF, syscall.F_GETLK, lk)
	run("fcntl.setlk.wrlck.filero", "fcntl", kVal, sFcntl, fileRO, syscall.F_SETLK, func() uintptr { setlk(syscall.F_WRLCK); return lk }())
	run("fcntl.setlk.type=bad", "fcntl", kVal, sFcntl, fileRO, syscall.F_SETLK, func() uintptr { setlk(9); return lk }())
	run("fcntl.cmd=bad", "fcntl", kVal, sFcntl, fileRO, 9999, 0)
	run("fcntl.cmd=bad.fd=-1", "fcntl", kVal, sFcntl, minus1, 9999, 0)
	run("fcntl.setfl.fd=opath", "fcntl", kVal, sFcntl, opathF, syscall.F_SETFL, 0)
	run("fcntl.dupfd.fd=opath", "fcntl", kFD, sFcntl, opathF, syscall.F_DUPFD, 0)
	run("fcntl.dupfd.arg=big", "fcntl", kFD, sFcntl, fileRO, syscall.F_DUPFD, bigFD)
	run("fcntl.getpipe_sz.file", "fcntl", kVal, sFcntl, fileRO, 1032)

	// ioctl
	const tcgets, tcsets, tiocgwinsz, fionread, fionbio, fioclex = 0x5401, 0x5402, 0x5413, 0x541b, 0x5421, 0x5451
	for _, k := range fdKinds(false) {
		run("ioctl.tcgets.fd="+k.name, "ioctl", kVal, sIoctl, k.fd, tcgets, rw+1024)
	}
	run("ioctl.tcgets.file.arg=null", "ioctl", kVal, sIoctl, fileRO, tcgets, 0)
	run("ioctl.tcsets.file.arg=null", "ioctl", kVal, sIoctl, fileRO, tcsets, 0)
	run("ioctl.tcsets.fd=-1.arg=null", "ioctl", kVal, sIoctl, minus1, tcsets, 0)
	run("ioctl.tiocgwinsz.pipe.arg=null", "ioctl", kVal, sIoctl, npipeR, tiocgwinsz, 0)
	for _, p := range badOut(4) {
		run("ioctl.fionread.pipe.arg="+p.name, "ioctl", kVal, sIoctl, npipeR, fionread, p.addr)
	}
	for _, p := range badOut(4) {
		run("ioctl.fionread.file.arg="+p.name, "ioctl", kVal, sIoctl, fileRO, fionread, p.addr)
	}
	run("ioctl.fionread.fd=-1.arg=null", "ioctl", kVal, sIoctl, minus1, fionread, 0)
	run("ioctl.fionread.dir", "ioctl", kVal, sIoctl, dirFD, fionread, rw+1024)
	for _, p := range badIn(4) {
		run("ioctl.fionbio.arg="+p.name, "ioctl", kVal, sIoctl, fileRO, fionbio, p.addr)
	}
	run("ioctl.fionbio.fd=-1.arg=null", "ioctl", kVal, sIoctl, minus1, fionbio, 0)
	run("ioctl.fionbio.fd=opath.arg=null", "ioctl", kVal, sIoctl, opathF, fionbio, 0)
	run("ioctl.fionbio.arg=rdonly", "ioctl", kVal, sIoctl, fileRO, fionbio, ro)
	run("ioctl.fioclex.fd=opath", "ioctl", kVal, sIoctl, opathF, fioclex, 0)
	run("ioctl.fioclex.fd=-1", "ioctl", kVal, sIoctl, minus1, fioclex, 0)
	run("ioctl.unknown.file", "ioctl", kVal, sIoctl, fileRO, 0x1234, 0)
	run("ioctl.unknown.fd=-1", "ioctl", kVal, sIoctl, minus1, 0x1234, 0)

	// getdents64 on "d" (".", ".." only: 48 bytes)
	for _, k := range fdKinds(false) {
		rewind(dirFD)
		run("getdents64.fd="+k.name, "getdents64", kVal, sGetdents64, k.fd, rw+1024, 1024)
	}
	for _, p := range badOut(4096) {
		rewind(dirFD)
		run("getdents64.buf="+p.name, "getdents64", kVal, sGetdents64, dirFD, p.addr, 1024)
	}
	rewind(dirFD)
	run("getdents64.buf=straddle.room=32", "getdents64", kVal, sGetdents64, dirFD, none-32, 1024)
	run("getdents64.buf=straddle.room=32.again", "getdents64", kVal, sGetdents64, dirFD, none-32, 1024)
	run("getdents64.buf=straddle.room=32.eof", "getdents64", kVal, sGetdents64, dirFD, none-32, 1024)
	rewind(dirFD)
	run("getdents64.buf=straddle.room=16", "getdents64", kVal, sGetdents64, dirFD, none-16, 1024)
	rewind(dirFD)
	run("getdents64.count=1", "getdents64", kVal, sGetdents64, dirFD, rw+1024, 1)
	run("getdents64.count=1.buf=null", "getdents64", kVal, sGetdents64, dirFD, 0, 1)
	raw(sLseek, dirFD, 0x7fffffffffffffff, 0)
	run("getdents64.eof.buf=null", "getdents64", kVal, sGetdents64, dirFD, 0, 1024)
	rewind(dirFD)
	run("getdents64.fd=-1.buf=null", "getdents64", kVal, sGetdents64, minus1, 0, 1024)
	run("getdents64.fd=file.buf=kernel", "getdents64", kVal, sGetdents64, fileRO, kernelAddr, 1024)
}

// ---- memory ----------------------------------------------------------------------------------

func memory() {
	p := must(raw(sMmap, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS, minus1, 0))
	anon := uintptr(syscall.MAP_PRIVATE | syscall.MAP_ANONYMOUS)
	run("mmap.len=0", "mmap", kAddr, sMmap, 0, 0, syscall.PROT_READ, anon, minus1, 0)
	run("mmap.flags=notype", "mmap", kAddr, sMmap, 0, page, syscall.PROT_READ, syscall.MAP_ANONYMOUS, minus1, 0)
	run("mmap.off=unaligned", "mmap", kAddr, sMmap, 0, page, syscall.PROT_READ, anon, minus1, 1)
	run("mmap.fixed.unaligned", "mmap", kAddr, sMmap, p+1, page, syscall.PROT_READ, anon|syscall.MAP_FIXED, minus1, 0)
	run("mmap.fixed.kernel", "mmap", kAddr, sMmap, kernelAddr, page, syscall.PROT_READ, anon|syscall.MAP_FIXED, minus1, 0)
	run("mmap.fixed_noreplace.taken", "mmap", kAddr, sMmap, p, page, syscall.PROT_READ, anon|0x100000, minus1, 0)
	run("mmap.len=huge", "mmap", kAddr, sMmap, 0, 1<<62, syscall.PROT_READ, anon, minus1, 0)
	file := uintptr(syscall.MAP_PRIVATE)
	for _, k := range fdKinds(false) {
		run("mmap.fd="+k.name, "mmap", kAddr, sMmap, 0, page, syscall.PROT_READ, file, k.fd, 0)
	}
	run("mmap.shared.write.filero", "mmap", kAddr, sMmap, 0, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED, fileRO, 0)
	run("mmap.anon.ok", "mmap", kAddr, sMmap, 0, page, syscall.PROT_READ, anon, minus1, 0)
	run("mprotect.unaligned", "mprotect", kVal, sMprotect, p+1, page, syscall.PROT_READ)
	run("mprotect.unmapped", "mprotect", kVal, sMprotect, unmapped, page, syscall.PROT_READ)
	run("mprotect.kernel", "mprotect", kVal, sMprotect, kernelAddr, page, syscall.PROT_READ)
	run("mprotect.prot=bad", "mprotect", kVal, sMprotect, p, page, 0x10)
	run("mprotect.prot=sem", "mprotect", kVal, sMprotect, p, page, syscall.PROT_READ|syscall.PROT_WRITE|0x8)
	run("mprotect.len=0.unaligned", "mprotect", kVal, sMprotect, p+1, 0, syscall.PROT_READ)
	run("mprotect.len=0.kernel", "mprotect", kVal, sMprotect, kernelAddr, 0, syscall.PROT_READ)
	run("munmap.unaligned", "munmap", kVal, sMunmap, p+1, page)
	run("munmap.len=0", "munmap", kVal, sMunmap, p, 0)
	run("munmap.kernel", "munmap", kVal, sMunmap, kernelAddr, page)
	run("munmap.unmapped", "munmap", kVal, sMunmap, unmapped, page)
	run("madvise.advice=bad", "madvise", kVal, sMadvise, p, page, 999)
	run("madvise.unmapped", "madvise", kVal, sMadvise, unmapped, page, syscall.MADV_DONTNEED)
	run("madvise.unaligned", "madvise", kVal, sMadvise, p+1, page, syscall.MADV_DONTNEED)
	run("madvise.kernel", "madvise", kVal, sMadvise, kernelAddr, page, syscall.MADV_DONTNEED)
	run("madvise.dontneed", "madvise", kVal, sMadvise, p, page, syscall.MADV_DONTNEED)
	run("msync.unmapped", "msync", kVal, sMsync, unmapped, page, syscall.MS_ASYNC)
	run("msync.flags=bad", "msync", kVal, sMsync, p, page, 0x100)
	run("msync.flags=both", "msync", kVal, sMsync, p, page, syscall.MS_ASYNC|syscall.MS_SYNC)
	run("msync.unaligned", "msync", kVal, sMsync, p+1, page, syscall.MS_ASYNC)
	run("msync.kernel", "msync", kVal, sMsync, kernelAddr, page, syscall.MS_ASYNC)
	run("mremap.unmapped", "mremap", kAddr, sMremap, unmapped, page, 2*page, 0, 0)
	run("mremap.flags=bad", "mremap", kAddr, sMremap, p, page, page, 0x100, 0)
	run("mremap.fixed_without_maymove", "mremap", kAddr, sMremap, p, page, page, 2, p+2*page)
	run("mremap.new_len=0", "mremap", kAddr, sMremap, p, page, 0, 0, 0)
	run("mremap.unaligned", "mremap", kAddr, sMremap, p+1, page, page, 0, 0)
	run("mremap.kernel", "mremap", kAddr, sMremap, kernelAddr, page, page, 0, 0)
	raw(sMunmap, p, 4*page)
}

// ---- signals -------------------------------------------------------------------------------

func signals() {
	const usr1, kill = 10, 9
	for _, p := range badIn(32) {
		run("rt_sigaction.act="+p.name, "rt_sigaction", kVal, sRtSigaction, usr1, p.addr, 0, 8)
	}
	for _, p := range badOut(32) {
		run("rt_sigaction.oact="+p.name, "rt_sigaction", kVal, sRtSigaction, usr1, 0, p.addr, 8)
	}
	run("rt_sigaction.sig=0", "rt_sigaction", kVal, sRtSigaction, 0, 0, rw+1024, 8)
	run("rt_sigaction.sig=65", "rt_sigaction", kVal, sRtSigaction, 65, 0, rw+1024, 8)
	run("rt_sigaction.sig=0.act=null", "rt_sigaction", kVal, sRtSigaction, 0, 0, 0, 8)
	run("rt_sigaction.sig=0.act=kernel", "rt_sigaction", kVal, sRtSigaction, 0, kernelAddr, 0, 8)
	run("rt_sigaction.sigkill.oact", "rt_sigaction", kVal, sRtSigaction, kill, 0, rw+1024, 8)
	run("rt_sigaction.sigkill.act=kernel", "rt_sigaction", kVal, sRtSigaction, kill, kernelAddr, 0, 8)
	run("rt_sigaction.sigkill.act=rdonly", "rt_sigaction", kVal, sRtSigaction, kill, ro, 0, 8)
	run("rt_sigaction.size=4", "rt_sigaction", kVal, sRtSigaction, usr1, 0, rw+1024, 4)
	run("rt_sigaction.size=4.act=kernel", "rt_sigaction", kVal, sRtSigaction, usr1, kernelAddr, 0, 4)
	for _, p := range badIn(8) {
		run("rt_sigprocmask.set="+p.name, "rt_sigprocmask", kVal, sRtSigprocmask, sigBlock, p.addr, 0, 8)
	}
	for _, p := range badOut(8) {
		run("rt_sigprocmask.oset="+p.name, "rt_sigprocmask", kVal, sRtSigprocmask, sigBlock, 0, p.addr, 8)
	}
	run("rt_sigprocmask.how=bad.set=null", "rt_sigprocmask", kVal, sRtSigprocmask, 7, 0, rw+1024, 8)
	run("rt_sigprocmask.how=bad", "rt_sigprocmask", kVal, sRtSigprocmask, 7, ro, 0, 8)
	run("rt_sigprocmask.how=bad.set=kernel", "rt_sigprocmask", kVal, sRtSigprocmask, 7, kernelAddr, 0, 8)
	run("rt_sigprocmask.size=4", "rt_sigprocmask", kVal, sRtSigprocmask, sigBlock, 0, rw+1024, 4)
	for _, p := range badIn(24) {
		run("sigaltstack.ss="+p.name, "sigaltstack", kVal, sSigaltstack, p.addr, 0)
	}
	for _, p := range badOut(24) {
		run("sigaltstack.old="+p.name, "sigaltstack", kVal, sSigaltstack, 0, p.addr)
	}
	ss := rw + 1024
	put64(ss, uint64(rw+page), 5, page)
	run("sigaltstack.flags=bad", "sigaltstack", kVal, sSigaltstack, ss, 0)
	put64(ss, uint64(rw+page), 0, 16)
	run("sigaltstack.size=small", "sigaltstack", kVal, sSigaltstack, ss, 0)
	pid, _ := raw(sGetpid)
	tid, _ := raw(sGettid)
	run("kill.self.sig=0", "kill", kVal, sKill, pid, 0)
	run("kill.self.sig=65", "kill", kVal, sKill, pid, 65)
	run("kill.nopid", "kill", kVal, sKill, 0x3ffffff0, 0)
	run("tgkill.self.sig=0", "tgkill", kVal, sTgkill, pid, tid, 0)
	run("tgkill.tgid=0", "tgkill", kVal, sTgkill, 0, tid, 0)
	run("tgkill.notid", "tgkill", kVal, sTgkill, pid, 0x3ffffff0, 0)
	run("tgkill.sig=65", "tgkill", kVal, sTgkill, pid, tid, 65)
	run("tkill.notid", "tkill", kVal, 200, 0x3ffffff0, 0)
	run("tkill.sig=65", "tkill", kVal, 200, tid, 65)
	run("set_robust_list.len=bad", "set_robust_list", kVal, 273, 0, 23)
	run("pidfd_send_signal.fd=-1", "pidfd_send_signal", kVal, sPidfdSendSignal, minus1, 0, 0, 0)
	for _, p := range badIn(128) {
		run("pidfd_send_signal.fd=-1.info="+p.name, "pidfd_send_signal", kVal, sPidfdSendSignal, minus1, 0, p.addr, 0)
	}
	run("pidfd_send_signal.fd=file.info=kernel", "pidfd_send_signal", kVal, sPidfdSendSignal, fileRO, 0, kernelAddr, 0)
	run("pidfd_send_signal.flags=bad", "pidfd_send_signal", kVal, sPidfdSendSignal, minus1, 0, 0, 0x100)
	pfd, e := raw(sPidfdOpen, pid, 0)
	if e == 0 {
		run("pidfd_send_signal.self.sig=0", "pidfd_send_signal", kVal, sPidfdSendSignal, pfd, 0, 0, 0)
		for _, p := range badIn(128) {
			run("pidfd_send_signal.self.info="+p.name, "pidfd_send_signal", kVal, sPidfdSendSignal, pfd, 0, p.addr, 0)
		}
		raw(sClose, pfd)
	}
	run("pidfd_open.pid=0", "pidfd_open", kFD, sPidfdOpen, 0, 0)
	run("pidfd_open.flags=bad", "pidfd_open", kFD, sPidfdOpen, pid, 1)
	run("pidfd_open.nopid", "pidfd_open", kFD, sPidfdOpen, 0x3ffffff0, 0)
	run("pidfd_open.self", "pidfd_open", kFD, sPidfdOpen, pid, 0)
}

// ---- poll, ppoll, epoll --------------------------------------------------------------------

func polling() {
	pfd := rw + 1024
	put32(pfd, uint32(npipeR), 1) // events POLLIN, revents 0
	for _, p := range badIn(8) {
		run("poll.fds="+p.name, "poll", kVal, sPoll, p.addr, 1, 0)
	}
	run("poll.fds=rdonly", "poll", kVal, sPoll, ro, 1, 0)
	run("poll.nfds=0.fds=kernel", "poll", kVal, sPoll, kernelAddr, 0, 0)
	run("poll.ok", "poll", kVal, sPoll, pfd, 1, 0)
	run("poll.nfds=huge", "poll", kVal, sPoll, pfd, 0x7fffffff, 0)
	put32(pfd, closedFD, 1)
	run("poll.fd=closed", "poll", kVal, sPoll, pfd, 1, 0)
	put32(pfd, uint32(opathF), 1)
	run("poll.fd=opath", "poll", kVal, sPoll, pfd, 1, 0)
	put32(pfd, uint32(npipeR), 1)
	ts := rw + 1536
	put64(ts, 0, 0)
	for _, p := range badIn(8) {
		run("ppoll.fds="+p.name, "ppoll", kVal, sPpoll, p.addr, 1, ts, 0, 8)
	}
	for _, p := range badIn(16) {
		run("ppoll.tmo="+p.name, "ppoll", kVal, sPpoll, pfd, 1, p.addr, 0, 8)
	}
	for _, p := range badIn(8) {
		run("ppoll.mask="+p.name, "ppoll", kVal, sPpoll, pfd, 1, ts, p.addr, 8)
	}
	run("ppoll.ok", "ppoll", kVal, sPpoll, pfd, 1, ts, ro, 8)
	run("ppoll.size=7", "ppoll", kVal, sPpoll, pfd, 1, ts, ro, 7)
	run("ppoll.size=7.mask=null", "ppoll", kVal, sPpoll, pfd, 1, ts, 0, 7)
	run("ppoll.size=7.tmo=kernel", "ppoll", kVal, sPpoll, pfd, 1, kernelAddr, ro, 7)
	run("ppoll.size=7.fds=kernel", "ppoll", kVal, sPpoll, kernelAddr, 1, ts, ro, 7)
	put64(ts, 0, 2000000000)
	run("ppoll.tmo=bad", "ppoll", kVal, sPpoll, pfd, 1, ts, 0, 8)
	run("ppoll.tmo=bad.mask=kernel", "ppoll", kVal, sPpoll, pfd, 1, ts, kernelAddr, 8)
	put64(ts, 0, 0)
	run("ppoll.nfds=huge.mask=kernel", "ppoll", kVal, sPpoll, pfd, 0x7fffffff, ts, kernelAddr, 8)

	ev := rw + 1024
	put32(ev, syscall.EPOLLIN, 0)
	put64(ev+4, 1)
	for _, p := range badIn(12) {
		run("epoll_ctl.event="+p.name, "epoll_ctl", kVal, sEpollCtl, epFD, syscall.EPOLL_CTL_ADD, npipeR, p.addr)
	}
	run("epoll_ctl.del.event=null", "epoll_ctl", kVal, sEpollCtl, epFD, syscall.EPOLL_CTL_DEL, npipeR, 0)
	run("epoll_ctl.op=bad.event=null", "epoll_ctl", kVal, sEpollCtl, epFD, 99, npipeR, 0)
	run("epoll_ctl.op=bad", "epoll_ctl", kVal, sEpollCtl, epFD, 99, npipeR, ev)
	run("epoll_ctl.epfd=-1.event=null", "epoll_ctl", kVal, sEpollCtl, minus1, syscall.EPOLL_CTL_ADD, npipeR, 0)
	run("epoll_ctl.epfd=-1.del", "epoll_ctl", kVal, sEpollCtl, minus1, syscall.EPOLL_CTL_DEL, npipeR, 0)
	for _, k := range fdKinds(false) {
		run("epoll_ctl.add.fd="+k.name, "epoll_ctl", kVal, sEpollCtl, epFD, syscall.EPOLL_CTL_ADD, k.fd, ev)
		raw(sEpollCtl, epFD, syscall.EPOLL_CTL_DEL, k.fd, 0)
	}
	run("epoll_ctl.epfd=file", "epoll_ctl", kVal, sEpollCtl, fileRO, syscall.EPOLL_CTL_ADD, npipeR, ev)
	for _, p := range badOut(12) {
		run("epoll_wait.empty.events="+p.name, "epoll_wait", kVal, sEpollWait, epFD, p.addr, 1, 0)
	}
	for _, p := range badOut(12) {
		run("epoll_wait.ready.events="+p.name, "epoll_wait", kVal, sEpollWait, epRd, p.addr, 1, 0)
	}
	run("epoll_wait.ready.events=straddle.max=2", "epoll_wait", kVal, sEpollWait, epRd, none-12, 2, 0)
	run("epoll_wait.ready.ok", "epoll_wait", kVal, sEpollWait, epRd, ev, 4, 0)
	run("epoll_wait.epfd=-1.events=null", "epoll_wait", kVal, sEpollWait, minus1, 0, 1, 0)
	run("epoll_wait.epfd=-1.events=kernel", "epoll_wait", kVal, sEpollWait, minus1, kernelAddr, 1, 0)
	run("epoll_wait.epfd=file", "epoll_wait", kVal, sEpollWait, fileRO, ev, 1, 0)
	run("epoll_wait.max=0", "epoll_wait", kVal, sEpollWait, epFD, ev, 0, 0)
	run("epoll_wait.max=0.epfd=-1", "epoll_wait", kVal, sEpollWait, minus1, ev, 0, 0)
	run("epoll_wait.max=huge", "epoll_wait", kVal, sEpollWait, epFD, ev, 0x7fffffff, 0)
	for _, p := range badIn(8) {
		run("epoll_pwait.mask="+p.name, "epoll_pwait", kVal, sEpollPwait, epFD, ev, 1, 0, p.addr, 8)
	}
	run("epoll_pwait.mask=rdonly", "epoll_pwait", kVal, sEpollPwait, epFD, ev, 1, 0, ro, 8)
	run("epoll_pwait.size=7", "epoll_pwait", kVal, sEpollPwait, epFD, ev, 1, 0, ro, 7)
	run("epoll_pwait.size=7.mask=null", "epoll_pwait", kVal, sEpollPwait, epFD, ev, 1, 0, 0, 7)
	run("epoll_pwait.epfd=-1.mask=kernel", "epoll_pwait", kVal, sEpollPwait, minus1, 0, 0, 0, kernelAddr, 8)
}

// ---- sockets -------------------------------------------------------------------------------

func sockets() {
	addr := rw + 512
	alen := unixAddr(addr, "nosuch")
	lenp := rw + 1000
	run("socket.domain=bad", "socket", kFD, sSocket, 9999, syscall.SOCK_STREAM, 0)
	run("socket.type=bad", "socket", kFD, sSocket, syscall.AF_UNIX, 99, 0)
	run("socket.proto=bad", "socket", kFD, sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM, 5)
	run("socket.flags=bad", "socket", kFD, sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM|0x10000000, 0)
	for _, p := range badOut(8) {
		run("socketpair.sv="+p.name, "socketpair", kVal, sSocketpair, syscall.AF_UNIX, syscall.SOCK_STREAM, 0, p.addr)
	}
	run("socketpair.domain=inet", "socketpair", kVal, sSocketpair, syscall.AF_INET, syscall.SOCK_STREAM, 0, rw+1024)

	for _, p := range badIn(16) {
		run("connect.addr="+p.name, "connect", kVal, sConnect, usock, p.addr, alen)
	}
	run("connect.missing", "connect", kVal, sConnect, usock, addr, alen)
	run("connect.fd=-1.addr=null", "connect", kVal, sConnect, minus1, 0, 16)
	run("connect.fd=file.addr=null", "connect", kVal, sConnect, fileRO, 0, 16)
	run("connect.fd=file", "connect", kVal, sConnect, fileRO, addr, alen)
	run("connect.fd=opath.addr=null", "connect", kVal, sConnect, opathF, 0, 16)
	run("connect.len=129", "connect", kVal, sConnect, usock, addr, 129)
	run("connect.len=-1", "connect", kVal, sConnect, usock, addr, minus1)
	run("connect.len=0", "connect", kVal, sConnect, usock, 0, 0)
	for _, p := range badIn(16) {
		run("bind.addr="+p.name, "bind", kVal, sBind, usock, p.addr, alen)
	}
	run("bind.fd=-1.addr=null", "bind", kVal, sBind, minus1, 0, 16)
	run("bind.fd=file.addr=null", "bind", kVal, sBind, fileRO, 0, 16)
	run("bind.fd=file.len=129", "bind", kVal, sBind, fileRO, addr, 129)
	run("bind.len=129", "bind", kVal, sBind, usock, addr, 129)
	run("listen.fd=-1", "listen", kVal, sListen, minus1, 1)
	run("listen.fd=file", "listen", kVal, sListen, fileRO, 1)
	run("shutdown.fd=-1", "shutdown", kVal, sShutdown, minus1, 0)
	run("shutdown.fd=file", "shutdown", kVal, sShutdown, fileRO, 0)
	run("shutdown.how=bad", "shutdown", kVal, sShutdown, sockA, 7)

	for _, k := range fdKinds(false) {
		run("accept.fd="+k.name, "accept", kFD, sAccept, k.fd, 0, 0)
	}
	run("accept.fd=listen.empty.addr=kernel", "accept", kFD, sAccept, lsock, kernelAddr, kernelAddr)
	run("accept4.flags=bad", "accept4", kFD, sAccept4, lsock, 0, 0, 1)
	run("accept4.flags=bad.fd=-1", "accept4", kFD, sAccept4, minus1, 0, 0, 1)
	put32(lenp, 110)
	sun := unixAddr(rw+1536, "sock")
	for _, p := range badOut(16) {
		c := must(raw(sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0))
		must(raw(sConnect, c, rw+1536, sun))
		put32(lenp, 110)
		run("accept.pending.addr="+p.name, "accept", kFD, sAccept, lsock, p.addr, lenp)
		raw(sClose, c)
	}
	c := must(raw(sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0))
	must(raw(sConnect, c, rw+1536, sun))
	run("accept.pending.addr=ok.len=null", "accept", kFD, sAccept, lsock, rw+1024, 0)
	raw(sClose, c)
	c = must(raw(sSocket, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0))
	must(raw(sConnect, c, rw+1536, sun))
	put32(lenp, minus1Len)
	run("accept.pending.len=-1", "accept", kFD, sAccept, lsock, rw+1024, lenp)
	raw(sClose, c)
	for {
		if _, e := raw(sAccept4, lsock, 0, 0, syscall.O_CLOEXEC); e != 0 {
			break
		}
	}

	for _, f := range []struct {
		name string
		nr   uintptr
		fd   uintptr
	}{{"getsockname", sGetsockname, sockA}, {"getpeername", sGetpeername, sockA}} {
		run(f.name+".fd=-1", f.name, kVal, f.nr, minus1, 0, 0)
		run(f.name+".fd=file", f.name, kVal, f.nr, fileRO, 0, 0)
		run(f.name+".null.null", f.name, kVal, f.nr, f.fd, 0, 0)
		put32(lenp, 0)
		run(f.name+".addr=null.len=0", f.name, kVal, f.nr, f.fd, 0, lenp)
		for _, p := range badOut(16) {
			put32(lenp, 16)
			run(f.name+".addr="+p.name, f.name, kVal, f.nr, f.fd, p.addr, lenp)
		}
		for _, p := range badOut(4) {
			run(f.name+".len="+p.name, f.name, kVal, f.nr, f.fd, rw+1024, p.addr)
		}
		put32(lenp, minus1Len)
		run(f.name+".len=-1", f.name, kVal, f.nr, f.fd, rw+1024, lenp)
	}
	run("getpeername.unconnected", "getpeername", kVal, sGetpeername, usock, 0, 0)

	const solSocket, soReuseaddr, soType = 1, 2, 3
	put32(rw+1024, 1)
	run("setsockopt.fd=-1.val=null", "setsockopt", kVal, sSetsockopt, minus1, solSocket, soReuseaddr, 0, 4)
	run("setsockopt.fd=file.val=null", "setsockopt", kVal, sSetsockopt, fileRO, solSocket, soReuseaddr, 0, 4)
	run("setsockopt.fd=-1.level=bad", "setsockopt", kVal, sSetsockopt, minus1, 9999, 1, rw+1024, 4)
	for _, p := range badIn(4) {
		run("setsockopt.val="+p.name, "setsockopt", kVal, sSetsockopt, sockA, solSocket, soReuseaddr, p.addr, 4)
	}
	run("setsockopt.len=2", "setsockopt", kVal, sSetsockopt, sockA, solSocket, soReuseaddr, rw+1024, 2)
	run("setsockopt.len=2.val=null", "setsockopt", kVal, sSetsockopt, sockA, solSocket, soReuseaddr, 0, 2)
	run("setsockopt.len=-1", "setsockopt", kVal, sSetsockopt, sockA, solSocket, soReuseaddr, rw+1024, minus1)
	run("setsockopt.ok", "setsockopt", kVal, sSetsockopt, sockA, solSocket, soReuseaddr, rw+1024, 4)
	run("setsockopt.opt=bad", "setsockopt", kVal, sSetsockopt, sockA, solSocket, 9999, rw+1024, 4)
	run("setsockopt.level=tcp.unix", "setsockopt", kVal, sSetsockopt, sockA, 6, 1, rw+1024, 4)
	run("setsockopt.level=bad.unix", "setsockopt", kVal, sSetsockopt, sockA, 9999, 1, rw+1024, 4)
	put32(lenp, 4)
	run("getsockopt.fd=-1.len=null", "getsockopt", kVal, sGetsockopt, minus1, solSocket, soType, 0, 0)
	run("getsockopt.fd=file.len=null", "getsockopt", kVal, sGetsockopt, fileRO, solSocket, soType, 0, 0)
	for _, p := range badOut(4) {
		put32(lenp, 4)
		run("getsockopt.val="+p.name, "getsockopt", kVal, sGetsockopt, sockA, solSocket, soType, p.addr, lenp)
	}
	for _, p := range badOut(4) {
		run("getsockopt.len="+p.name, "getsockopt", kVal, sGetsockopt, sockA, solSocket, soType, rw+1024, p.addr)
	}
	put32(lenp, minus1Len)
	run("getsockopt.len=-1", "getsockopt", kVal, sGetsockopt, sockA, solSocket, soType, rw+1024, lenp)
	put32(lenp, 0)
	run("getsockopt.len=0.val=null", "getsockopt", kVal, sGetsockopt, sockA, solSocket, soType, 0, lenp)
	put32(lenp, 4)
	run("getsockopt.opt=bad", "getsockopt", kVal, sGetsockopt, sockA, solSocket, 9999, rw+1024, lenp)
	run("getsockopt.level=bad.unix", "getsockopt", kVal, sGetsockopt, sockA, 9999, 1, rw+1024, lenp)

	// sendto/recvfrom/sendmsg/recvmsg
	for _, p := range badIn(16) {
		run("sendto.buf="+p.name, "sendto", kVal, sSendto, sockA, p.addr, 16, 0, 0, 0)
	}
	drain()
	run("sendto.fd=-1.buf=null", "sendto", kVal, sSendto, minus1, 0, 16, 0, 0, 0)
	run("sendto.fd=-1.buf=kernel", "sendto", kVal, sSendto, minus1, kernelAddr, 16, 0, 0, 0)
	run("sendto.fd=file", "sendto", kVal, sSendto, fileRO, rw, 16, 0, 0, 0)
	run("sendto.fd=pipew", "sendto", kVal, sSendto, npipeW, rw, 16, 0, 0, 0)
	run("sendto.addr=kernel", "sendto", kVal, sSendto, sockA, rw, 16, 0, kernelAddr, 16)
	run("sendto.addrlen=129", "sendto", kVal, sSendto, sockA, rw, 16, 0, addr, 129)
	run("sendto.fd=-1.addr=kernel", "sendto", kVal, sSendto, minus1, rw, 16, 0, kernelAddr, 16)
	run("sendto.ok", "sendto", kVal, sSendto, sockA, rw, 16, 0, 0, 0)
	drain()
	for _, p := range badOut(16) {
		run("recvfrom.empty.buf="+p.name, "recvfrom", kVal, sRecvfrom, sockB, p.addr, 16, 0, 0, 0)
	}
	for _, p := range badOut(16) {
		raw(sWrite, sockA, rw, 16)
		run("recvfrom.data.buf="+p.name, "recvfrom", kVal, sRecvfrom, sockB, p.addr, 16, 0, 0, 0)
		drain()
	}
	raw(sWrite, sockA, rw, 16)
	run("recvfrom.data.buf=straddle.len=4096", "recvfrom", kVal, sRecvfrom, sockB, straddle(4096), 4096, 0, 0, 0)
	drain()
	for _, p := range badOut(4) {
		raw(sWrite, sockA, rw, 16)
		run("recvfrom.data.addrlen="+p.name, "recvfrom", kVal, sRecvfrom, sockB, rw+1024, 16, 0, rw+512, p.addr)
		drain()
	}
	run("recvfrom.fd=-1.buf=null", "recvfrom", kVal, sRecvfrom, minus1, 0, 16, 0, 0, 0)
	run("recvfrom.fd=file", "recvfrom", kVal, sRecvfrom, fileRO, rw, 16, 0, 0, 0)
	run("recvfrom.fd=piper", "recvfrom", kVal, sRecvfrom, pipeR, rw, 16, 0, 0, 0)
	run("recvfrom.fd=piper.nb", "recvfrom", kVal, sRecvfrom, npipeR, rw, 16, 0, 0, 0)
	run("recvfrom.dontwait", "recvfrom", kVal, sRecvfrom, usock, rw, 16, syscall.MSG_DONTWAIT, 0, 0)

	msg := rw + 1280 // struct msghdr (56 bytes) and one iovec after it
	miov := msg + 64
	setmsg := func(name, namelen, iov, iovlen, control, controllen uint64) {
		fill(msg, 56, 0)
		put64(msg, name)
		put32(msg+8, uint32(namelen))
		put64(msg+16, iov, iovlen, control, controllen)
	}
	put64(miov, uint64(rw+1536), 8)
	for _, p := range badIn(56) {
		run("sendmsg.msg="+p.name, "sendmsg", kVal, sSendmsg, sockA, p.addr, 0)
	}
	run("sendmsg.fd=-1.msg=null", "sendmsg", kVal, sSendmsg, minus1, 0, 0)
	run("sendmsg.fd=file.msg=null", "sendmsg", kVal, sSendmsg, fileRO, 0, 0)
	for _, p := range badIn(16) {
		setmsg(0, 0, uint64(p.addr), 1, 0, 0)
		run("sendmsg.iov="+p.name, "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	}
	setmsg(0, 0, uint64(miov), 1025, 0, 0)
	run("sendmsg.iovlen=1025", "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	setmsg(0, 0, uint64(miov), 1, uint64(kernelAddr), 16)
	run("sendmsg.control=kernel", "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	setmsg(0, 0, uint64(miov), 1, uint64(rw+1536), 1<<30)
	run("sendmsg.controllen=huge", "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	setmsg(uint64(kernelAddr), 16, uint64(miov), 1, 0, 0)
	run("sendmsg.name=kernel", "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	setmsg(0, 0, uint64(miov), 1, 0, 0)
	run("sendmsg.ok", "sendmsg", kVal, sSendmsg, sockA, msg, 0)
	drain()
	for _, p := range badOut(56) {
		raw(sWrite, sockA, rw, 8)
		setmsg(0, 0, uint64(miov), 1, 0, 0)
		run("recvmsg.msg="+p.name, "recvmsg", kVal, sRecvmsg, sockB, p.addr, 0)
		drain()
	}
	run("recvmsg.fd=-1.msg=null", "recvmsg", kVal, sRecvmsg, minus1, 0, 0)
	setmsg(0, 0, uint64(miov), 1, 0, 0)
	run("recvmsg.empty", "recvmsg", kVal, sRecvmsg, sockB, msg, 0)
	for _, p := range badOut(16) {
		raw(sWrite, sockA, rw, 8)
		put64(miov, uint64(p.addr), 8)
		setmsg(0, 0, uint64(miov), 1, 0, 0)
		run("recvmsg.base="+p.name, "recvmsg", kVal, sRecvmsg, sockB, msg, 0)
		drain()
	}
	put64(miov, 0, 8)
	setmsg(0, 0, uint64(miov), 1, 0, 0)
	run("recvmsg.empty.base=null", "recvmsg", kVal, sRecvmsg, sockB, msg, 0)
	put64(miov, uint64(rw+1536), 8)
	raw(sWrite, sockA, rw, 8)
	setmsg(uint64(kernelAddr), 16, uint64(miov), 1, 0, 0)
	run("recvmsg.name=kernel", "recvmsg", kVal, sRecvmsg, sockB, msg, 0)
	drain()
	raw(sWrite, sockA, rw, 8)
	setmsg(0, 0, uint64(miov), 1, 0, 0)
	run("recvmsg.ok", "recvmsg", kVal, sRecvmsg, sockB, msg, 0)
	drain()
}

const minus1Len = 0xffffffff

// ---- processes -----------------------------------------------------------------------------

func processes() {
	const wnohang, wexited = 1, 4
	for _, p := range badOut(4) {
		run("wait4.status="+p.name, "wait4", kVal, sWait4, minus1, p.addr, wnohang, 0)
	}
	run("wait4.rusage=kernel", "wait4", kVal, sWait4, minus1, 0, wnohang, kernelAddr)
	run("wait4.options=bad", "wait4", kVal, sWait4, minus1, 0, 0x10000000, 0)
	run("wait4.options=bad.status=kernel", "wait4", kVal, sWait4, minus1, kernelAddr, 0x10000000, 0)
	for _, p := range badOut(128) {
		run("waitid.info="+p.name, "waitid", kVal, sWaitid, 0, 0, p.addr, wexited|wnohang, 0)
	}
	run("waitid.options=0", "waitid", kVal, sWaitid, 0, 0, rw+1024, 0, 0)
	run("waitid.idtype=bad", "waitid", kVal, sWaitid, 99, 0, rw+1024, wexited|wnohang, 0)
	run("waitid.pidfd=-1", "waitid", kVal, sWaitid, 3, minus1, rw+1024, wexited|wnohang, 0)
	run("waitid.pidfd=file", "waitid", kVal, sWaitid, 3, fileRO, rw+1024, wexited|wnohang, 0)
	for _, p := range badIn(88) {
		run("clone3.args="+p.name, "clone3", kVal, sClone3, p.addr, 88)
	}
	run("clone3.size=8", "clone3", kVal, sClone3, rw+1024, 8)
	run("clone3.size=huge", "clone3", kVal, sClone3, rw+1024, 5000)
	run("clone3.size=8.args=kernel", "clone3", kVal, sClone3, kernelAddr, 8)
	fill(rw+1024, 88, 0)
	put64(rw+1024+8*4, 99) // exit_signal 99
	run("clone3.exit_signal=bad", "clone3", kVal, sClone3, rw+1024, 88)
}

// ---- time, randomness, identity, limits, prctl ------------------------------------------------

func timeAndIds() {
	ts := rw + 1024
	for _, p := range badOut(16) {
		run("clock_gettime.tp="+p.name, "clock_gettime", kVal, sClockGettime, 1, p.addr)
	}
	run("clock_gettime.clk=bad", "clock_gettime", kVal, sClockGettime, 99, ts)
	run("clock_gettime.clk=bad.tp=null", "clock_gettime", kVal, sClockGettime, 99, 0)
	run("clock_gettime.clk=negative", "clock_gettime", kVal, sClockGettime, minus1, ts)
	for _, p := range badOut(16) {
		run("clock_getres.res="+p.name, "clock_getres", kVal, sClockGetres, 1, p.addr)
	}
	run("clock_getres.clk=bad", "clock_getres", kVal, sClockGetres, 99, ts)
	put64(ts, 0, 0)
	for _, p := range badIn(16) {
		run("nanosleep.req="+p.name, "nanosleep", kVal, sNanosleep, p.addr, 0)
	}
	run("nanosleep.rem=kernel", "nanosleep", kVal, sNanosleep, ts, kernelAddr)
	put64(ts, 0, 2000000000)
	run("nanosleep.req=bad", "nanosleep", kVal, sNanosleep, ts, 0)
	put64(ts, minus1Len<<32|minus1Len, 0)
	run("nanosleep.req=negative", "nanosleep", kVal, sNanosleep, ts, 0)
	put64(ts, 0, 0)
	for _, p := range badIn(16) {
		run("clock_nanosleep.req="+p.name, "clock_nanosleep", kVal, sClockNanosleep, 1, 0, p.addr, 0)
	}
	run("clock_nanosleep.clk=bad", "clock_nanosleep", kVal, sClockNanosleep, 99, 0, ts, 0)
	run("clock_nanosleep.clk=bad.req=null", "clock_nanosleep", kVal, sClockNanosleep, 99, 0, 0, 0)
	run("clock_nanosleep.clk=thread", "clock_nanosleep", kVal, sClockNanosleep, 3, 0, ts, 0)
	run("clock_nanosleep.abstime", "clock_nanosleep", kVal, sClockNanosleep, 1, 1, ts, kernelAddr)
	run("clock_nanosleep.flags=bad", "clock_nanosleep", kVal, sClockNanosleep, 1, 0x10, ts, 0)
	for _, p := range badOut(16) {
		run("gettimeofday.tv="+p.name, "gettimeofday", kVal, sGettimeofday, p.addr, 0)
	}
	for _, p := range badOut(8) {
		run("gettimeofday.tz="+p.name, "gettimeofday", kVal, sGettimeofday, 0, p.addr)
	}
	run("gettimeofday.null", "gettimeofday", kVal, sGettimeofday, 0, 0)
	for _, p := range badOut(8) {
		if p.name != "null" {
			run("time.t="+p.name, "time", kOK, sTime, p.addr)
		}
	}
	run("time.null", "time", kOK, sTime, 0)
	for _, p := range badOut(16) {
		run("getrandom.buf="+p.name, "getrandom", kVal, sGetrandom, p.addr, 16, 0)
	}
	run("getrandom.flags=bad", "getrandom", kVal, sGetrandom, rw+1024, 16, 0x100)
	run("getrandom.flags=bad.buf=null", "getrandom", kVal, sGetrandom, 0, 16, 0x100)
	run("getrandom.len=0.buf=kernel", "getrandom", kVal, sGetrandom, kernelAddr, 0, 0)
	run("getrandom.random_insecure", "getrandom", kVal, sGetrandom, rw+1024, 16, 6)
	run("getrandom.buf=straddle.len=4096", "getrandom", kVal, sGetrandom, straddle(4096), 4096, 1)

	for _, p := range badOut(390) {
		run("uname.buf="+p.name, "uname", kVal, sUname, p.addr)
	}
	for _, p := range badOut(112) {
		run("sysinfo.info="+p.name, "sysinfo", kVal, sSysinfo, p.addr)
	}
	for _, p := range badOut(16) {
		run("getrlimit.rlim="+p.name, "getrlimit", kVal, sGetrlimit, 7, p.addr)
	}
	run("getrlimit.res=bad", "getrlimit", kVal, sGetrlimit, 99, rw+1024)
	run("getrlimit.res=bad.rlim=null", "getrlimit", kVal, sGetrlimit, 99, 0)
	for _, p := range badIn(16) {
		run("setrlimit.rlim="+p.name, "setrlimit", kVal, sSetrlimit, 7, p.addr)
	}
	run("setrlimit.res=bad.rlim=null", "setrlimit", kVal, sSetrlimit, 99, 0)
	for _, p := range badOut(16) {
		run("prlimit64.old="+p.name, "prlimit64", kVal, sPrlimit64, 0, 7, 0, p.addr)
	}
	for _, p := range badIn(16) {
		run("prlimit64.new="+p.name, "prlimit64", kVal, sPrlimit64, 0, 7, p.addr, 0)
	}
	run("prlimit64.res=bad", "prlimit64", kVal, sPrlimit64, 0, 99, 0, rw+1024)
	run("prlimit64.res=bad.new=kernel", "prlimit64", kVal, sPrlimit64, 0, 99, kernelAddr, 0)
	run("prlimit64.nopid", "prlimit64", kVal, sPrlimit64, 0x3ffffff0, 7, 0, rw+1024)
	run("prlimit64.nopid.res=bad", "prlimit64", kVal, sPrlimit64, 0x3ffffff0, 99, 0, rw+1024)
	put64(rw+1024, 2, 1)
	run("prlimit64.cur_above_max", "prlimit64", kVal, sPrlimit64, 0, 7, rw+1024, 0)

	for _, p := range badOut(4) {
		run("getresuid.ruid="+p.name, "getresuid", kVal, sGetresuid, p.addr, rw+1024, rw+1028)
	}
	for _, p := range badOut(4) {
		run("getresgid.sgid="+p.name, "getresgid", kVal, sGetresgid, rw+1024, rw+1028, p.addr)
	}
	run("getgroups.size=-1", "getgroups", kVal, sGetgroups, minus1, 0)
	run("getpgid.nopid", "getpgid", kVal, sGetpgid, 0x3ffffff0)
	run("getsid.nopid", "getsid", kVal, sGetsid, 0x3ffffff0)
	// Only cpumask_size() bytes are read, and whether a readable mask is accepted depends on
	// the machine's CPUs: no straddling mask here.
	for _, p := range badIn(128)[:4] {
		run("sched_setaffinity.mask="+p.name, "sched_setaffinity", kVal, sSchedSetaffinity, 0, 128, p.addr)
	}
	run("sched_setaffinity.mask=zero", "sched_setaffinity", kVal, sSchedSetaffinity, 0, 128, ro)
	run("sched_setaffinity.nopid", "sched_setaffinity", kVal, sSchedSetaffinity, 0x3ffffff0, 128, ro)
	run("sched_setaffinity.nopid.mask=kernel", "sched_setaffinity", kVal, sSchedSetaffinity, 0x3ffffff0, 128, kernelAddr)
	for _, p := range badOut(128) {
		run("sched_getaffinity.mask="+p.name, "sched_getaffinity", kOK, sSchedGetaffinity, 0, 128, p.addr)
	}
	run("sched_getaffinity.len=7", "sched_getaffinity", kOK, sSchedGetaffinity, 0, 7, rw+1024)
	run("sched_getaffinity.nopid", "sched_getaffinity", kOK, sSchedGetaffinity, 0x3ffffff0, 128, rw+1024)

	const prSetName, prGetName, prGetPdeathsig, prGetTsc, prGetChildSubreaper, prGetTidAddress = 15, 16, 2, 25, 37, 40
	for _, p := range badIn(16) {
		run("prctl.set_name.arg="+p.name, "prctl", kVal, sPrctl, prSetName, p.addr)
	}
	for _, p := range badOut(16) {
		run("prctl.get_name.arg="+p.name, "prctl", kVal, sPrctl, prGetName, p.addr)
	}
	for _, p := range badOut(4) {
		run("prctl.get_pdeathsig.arg="+p.name, "prctl", kVal, sPrctl, prGetPdeathsig, p.addr)
	}
	for _, p := range badOut(4) {
		run("prctl.get_tsc.arg="+p.name, "prctl", kVal, sPrctl, prGetTsc, p.addr)
	}
	for _, p := range badOut(4) {
		run("prctl.get_child_subreaper.arg="+p.name, "prctl", kVal, sPrctl, prGetChildSubreaper, p.addr)
	}
	for _, p := range badOut(8) {
		run("prctl.get_tid_address.arg="+p.name, "prctl", kVal, sPrctl, prGetTidAddress, p.addr)
	}
	run("prctl.option=bad", "prctl", kVal, sPrctl, 9999, 0)
	for _, p := range badOut(8) {
		run("arch_prctl.get_fs.arg="+p.name, "arch_prctl", kVal, sArchPrctl, 0x1003, p.addr)
	}
	run("arch_prctl.code=bad", "arch_prctl", kVal, sArchPrctl, 0x9999, rw+1024)
	run("arch_prctl.set_fs.kernel", "arch_prctl", kVal, sArchPrctl, 0x1002, kernelAddr)

	fut := rw + 1024
	put32(fut, 5)
	const fwait, fwake, fpriv = 0, 1, 128
	for _, p := range badIn(4) {
		run("futex.wait.uaddr="+p.name, "futex", kVal, sFutex, p.addr, fwait|fpriv, 0, 0)
	}
	run("futex.wait.rdonly.mismatch", "futex", kVal, sFutex, ro, fwait|fpriv, 1, 0)
	run("futex.wait.mismatch", "futex", kVal, sFutex, fut, fwait|fpriv, 1, 0)
	run("futex.wait.unaligned", "futex", kVal, sFutex, fut+1, fwait|fpriv, 5, 0)
	for _, p := range badIn(16) {
		run("futex.wait.timeout="+p.name, "futex", kVal, sFutex, fut, fwait|fpriv, 1, p.addr)
	}
	for _, p := range badIn(4) {
		run("futex.wake.private.uaddr="+p.name, "futex", kVal, sFutex, p.addr, fwake|fpriv, 1, 0)
	}
	for _, p := range badIn(4) {
		run("futex.wake.shared.uaddr="+p.name, "futex", kVal, sFutex, p.addr, fwake, 1, 0)
	}
	run("futex.wake.shared.rdonly", "futex", kVal, sFutex, ro, fwake, 1, 0)
	run("futex.op=bad", "futex", kVal, sFutex, fut, 99|fpriv, 0, 0)
	run("rseq.null", "rseq", kVal, sRseq, 0, 0, 0, 0)
}
