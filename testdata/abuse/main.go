// abuse — a guest that tries to escape or exhaust goemu, one class of abuse per scenario
// (tests/run_abuse.sh, docs/isolation.md "Guest-abuse suite"). Usage: abuse SCENARIO.
//
// Every scenario prints lines that do not depend on the run (no addresses, times, pids or
// counts that vary), so tests/run_abuse.sh can compare the output under goemu with the
// native run's, or with a committed expected file where goemu refuses on purpose. Lines on
// stderr starting with "info:" are for the log only. Setup steps that fail end the program
// with status 2. Everything is done with raw syscalls, so the result is the kernel's own.
package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const (
	page     = 4096
	gib      = uintptr(1) << 30
	tib      = uintptr(1) << 40
	unmapped = 0x6f0000000000     // nothing maps here, natively or under goemu (checked; Go's heap is below 64 TiB)
	kernel   = 0xffff800000000000 // the first kernel address
	atFdcwd  = ^uintptr(99)       // -100

	protNone  = 0
	protRead  = 1
	protWrite = 2
	protRW    = protRead | protWrite

	mapShared         = 0x01
	mapPrivate        = 0x02
	mapFixed          = 0x10
	mapAnon           = 0x20
	mapNoreserve      = 0x4000
	mapFixedNoreplace = 0x100000
	mremapMaymove     = 1

	// Requests Linux refuses and goemu reports as unimplemented on its own stderr.
	badIoctl = 0x1234
	badPrctl = 999
)

var errnames = map[syscall.Errno]string{
	1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG",
	8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES",
	14: "EFAULT", 16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR",
	22: "EINVAL", 23: "ENFILE", 24: "EMFILE", 25: "ENOTTY", 26: "ETXTBSY", 29: "ESPIPE",
	32: "EPIPE", 34: "ERANGE", 36: "ENAMETOOLONG", 38: "ENOSYS", 40: "ELOOP", 75: "EOVERFLOW",
	88: "ENOTSOCK", 89: "EDESTADDRREQ", 92: "ENOPROTOOPT", 95: "EOPNOTSUPP",
	97: "EAFNOSUPPORT", 107: "ENOTCONN",
}

func errname(e syscall.Errno) string {
	if n, ok := errnames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno%d", int(e))
}

func raw(nr uintptr, a ...uintptr) (uintptr, syscall.Errno) {
	var v [6]uintptr
	copy(v[:], a)
	r, _, e := syscall.RawSyscall6(nr, v[0], v[1], v[2], v[3], v[4], v[5])
	return r, e
}

// res is "ok", or the errno's name.
func res(_ uintptr, e syscall.Errno) string {
	if e != 0 {
		return errname(e)
	}
	return "ok"
}

// val is the result as a number, or the errno's name.
func val(r uintptr, e syscall.Errno) string {
	if e != 0 {
		return errname(e)
	}
	return strconv.FormatInt(int64(r), 10)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func out(format string, a ...interface{}) { fmt.Printf(format+"\n", a...) }

func info(format string, a ...interface{}) { fmt.Fprintf(os.Stderr, "info: "+format+"\n", a...) }

// must is a setup step that has to work.
func must(r uintptr, e syscall.Errno) uintptr {
	if e != 0 {
		_, _, line, _ := runtime.Caller(1)
		fmt.Fprintf(os.Stderr, "abuse: setup at line %d: %v\n", line, e)
		os.Exit(2)
	}
	return r
}

func fatal(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "abuse: "+format+"\n", a...)
	os.Exit(2)
}

var keep [][]byte

// cstr is a NUL-terminated copy of s that stays put.
func cstr(s string) uintptr {
	b := append([]byte(s), 0)
	keep = append(keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

func bufp(b []byte) uintptr { return addr(unsafe.Pointer(&b[0])) }

// sink makes everything passed to addr escape to the heap, so the compiler assumes a syscall
// may have written it (it cannot see raw's uintptr arguments as pointers).
var sink []unsafe.Pointer

// addr is p as a syscall argument, for memory the kernel writes.
//
//go:noinline
func addr(p unsafe.Pointer) uintptr {
	sink = append(sink[:0], p)
	return uintptr(p)
}

func mmap(addr, n uintptr, prot, flags int) (uintptr, syscall.Errno) {
	return raw(syscall.SYS_MMAP, addr, n, uintptr(prot), uintptr(flags), ^uintptr(0), 0)
}

func bytesAt(a uintptr, n int) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(a)), n) }

// The time class of a call that must return at once: "fast" below 200 ms, which no
// correct implementation comes near even under sanitizers, "slow" otherwise.
func class(d time.Duration) string {
	if d < 200*time.Millisecond {
		return "fast"
	}
	return "slow"
}

func timed(f func() (uintptr, syscall.Errno)) (uintptr, syscall.Errno, string) {
	t := time.Now()
	r, e := f()
	return r, e, class(time.Since(t))
}

// ---- /proc/self/maps -------------------------------------------------------------------

type mapping struct {
	lo, hi uintptr
	perm   string
	name   string
}

func parseMaps(text string) []mapping {
	var ms []mapping
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(l)
		if len(f) < 5 {
			continue
		}
		r := strings.SplitN(f[0], "-", 2)
		lo, err1 := strconv.ParseUint(r[0], 16, 64)
		hi, err2 := strconv.ParseUint(r[1], 16, 64)
		if err1 != nil || err2 != nil {
			fatal("maps line %q", l)
		}
		m := mapping{lo: uintptr(lo), hi: uintptr(hi), perm: f[1]}
		if len(f) >= 6 {
			m.name = strings.Join(f[5:], " ")
		}
		ms = append(ms, m)
	}
	return ms
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fatal("%v", err)
	}
	return string(b)
}

func selfMaps() []mapping { return parseMaps(readFile("/proc/self/maps")) }

func inMaps(ms []mapping, a uintptr) bool {
	for _, m := range ms {
		if a >= m.lo && a < m.hi {
			return true
		}
	}
	return false
}

func overlaps(ms []mapping, lo, hi uintptr) bool {
	for _, m := range ms {
		if lo < m.hi && m.lo < hi {
			return true
		}
	}
	return false
}

// exePath is the absolute path of this program, as the runner passes it.
func exePath() string {
	p, err := filepath.Abs(os.Args[0])
	if err != nil {
		fatal("%v", err)
	}
	return p
}

// ---- proc-mem: /proc/self/mem reaches the guest's memory and nothing else --------------

var target = [16]byte{'o', 'r', 'i', 'g', 'i', 'n', 'a', 'l', '-', 'v', 'a', 'l', 'u', 'e', '!', '!'}

const (
	origValue = "original-value!!"
	newValue  = "WRITTEN-BY-MEM!!"
)

func targetAddr() uintptr { return uintptr(unsafe.Pointer(&target)) }

// targetNow reads the variable from memory (not from a copy the compiler kept).
func targetNow() string { return string(bytesAt(targetAddr(), 16)) }

func resetTarget() { copy(bytesAt(targetAddr(), 16), origValue) }

//go:noinline
func seven() int { return 7 }

// memRW reads and writes the variable through an open mem fd and prints what happened.
func memRW(label string, fd uintptr) {
	buf := make([]byte, 16)
	r, e := raw(syscall.SYS_PREAD64, fd, bufp(buf), 16, targetAddr())
	read := val(r, e)
	if e == 0 && r == 16 {
		read = "ok:" + yes(string(buf) == origValue)
	}
	msg := []byte(newValue)
	r, e = raw(syscall.SYS_PWRITE64, fd, bufp(msg), 16, targetAddr())
	write := val(r, e)
	if e == 0 && r == 16 {
		write = "ok"
	}
	changed := targetNow() == newValue
	resetTarget()
	out("%s: read=%s write=%s variable-changed=%s", label, read, write, yes(changed))
}

func openMem(label, path string, flags int) {
	fd, e := raw(syscall.SYS_OPEN, cstr(path), uintptr(flags|syscall.O_CLOEXEC))
	if e != 0 {
		out("%s: open=%s", label, errname(e))
		return
	}
	memRW(label, fd)
	raw(syscall.SYS_CLOSE, fd)
}

func procMem() {
	runtime.LockOSThread()
	pid, tid := os.Getpid(), syscall.Gettid()
	dir, err := os.MkdirTemp("", "abuse")
	if err != nil {
		fatal("%v", err)
	}
	defer os.RemoveAll(dir)

	// Every name of the guest's own mem file.
	openMem("/proc/self/mem", "/proc/self/mem", syscall.O_RDWR)
	openMem("/proc/PID/mem", fmt.Sprintf("/proc/%d/mem", pid), syscall.O_RDWR)
	openMem("/proc/thread-self/mem", "/proc/thread-self/mem", syscall.O_RDWR)
	openMem("/proc/self/task/TID/mem", fmt.Sprintf("/proc/self/task/%d/mem", tid), syscall.O_RDWR)
	openMem("/proc/PID/task/TID/mem", fmt.Sprintf("/proc/%d/task/%d/mem", pid, tid), syscall.O_RDWR)
	openMem("//proc/./self/../self//mem", "//proc/./self/../self//mem", syscall.O_RDWR)
	openMem("/proc/self/root/proc/self/mem", "/proc/self/root/proc/self/mem", syscall.O_RDWR)
	if err := os.Symlink("/proc/self/mem", dir+"/link"); err != nil {
		fatal("%v", err)
	}
	openMem("symlink to /proc/self/mem", dir+"/link", syscall.O_RDWR)
	if err := os.Symlink("/proc/self", dir+"/dirlink"); err != nil {
		fatal("%v", err)
	}
	openMem("symlink to /proc/self, /mem", dir+"/dirlink/mem", syscall.O_RDWR)
	openMem("/proc/self/mem read-only", "/proc/self/mem", syscall.O_RDONLY)

	d := must(raw(syscall.SYS_OPEN, cstr("/proc/self"), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC))
	fd, e := raw(syscall.SYS_OPENAT, d, cstr("mem"), syscall.O_RDWR|syscall.O_CLOEXEC)
	if e == 0 {
		memRW("openat(/proc/self dirfd, mem)", fd)
		raw(syscall.SYS_CLOSE, fd)
	} else {
		out("openat(/proc/self dirfd, mem): open=%s", errname(e))
	}
	raw(syscall.SYS_CLOSE, d)
	d = must(raw(syscall.SYS_OPEN, cstr("/proc"), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC))
	fd, e = raw(syscall.SYS_OPENAT, d, cstr("self/mem"), syscall.O_RDWR|syscall.O_CLOEXEC)
	if e == 0 {
		memRW("openat(/proc dirfd, self/mem)", fd)
		raw(syscall.SYS_CLOSE, fd)
	} else {
		out("openat(/proc dirfd, self/mem): open=%s", errname(e))
	}
	raw(syscall.SYS_CLOSE, d)
	cwd, _ := os.Getwd()
	must(raw(syscall.SYS_CHDIR, cstr("/proc/self")))
	openMem("chdir /proc/self, open mem", "mem", syscall.O_RDWR)
	must(raw(syscall.SYS_CHDIR, cstr(cwd)))

	mem := must(raw(syscall.SYS_OPEN, cstr("/proc/self/mem"), syscall.O_RDWR|syscall.O_CLOEXEC))
	openMem("/proc/self/fd/N of a mem fd", fmt.Sprintf("/proc/self/fd/%d", mem), syscall.O_RDWR)
	openMem("/dev/fd/N of a mem fd", fmt.Sprintf("/dev/fd/%d", mem), syscall.O_RDWR)

	// The file position is an address.
	r, e := raw(syscall.SYS_LSEEK, mem, targetAddr(), 0)
	out("lseek to the variable: %s", yes(e == 0 && r == targetAddr()))
	buf := make([]byte, 64)
	r, e = raw(syscall.SYS_READ, mem, bufp(buf), 16)
	out("read at the position: %s matches=%s", val(r, e), yes(string(buf[:16]) == origValue))
	r, e = raw(syscall.SYS_LSEEK, mem, 0, 2)
	out("lseek SEEK_END: %s", val(r, e))

	// Pages the guest cannot access itself are reachable with ptrace's rights.
	for _, pr := range []struct {
		name string
		prot int
	}{{"PROT_NONE", protNone}, {"PROT_READ", protRead}} {
		p := must(mmap(0, page, pr.prot, mapPrivate|mapAnon))
		msg := []byte("forced")
		r, e := raw(syscall.SYS_PWRITE64, mem, bufp(msg), 6, p+100)
		rb, eb := raw(syscall.SYS_PREAD64, mem, bufp(buf), 6, p+100)
		must(raw(syscall.SYS_MPROTECT, p, page, protRead))
		out("%s page: write=%s read=%s:%s direct=%q", pr.name, val(r, e), val(rb, eb),
			yes(string(buf[:6]) == "forced"), string(bytesAt(p+100, 6)))
		raw(syscall.SYS_MUNMAP, p, page)
	}
	// A read-only shared file mapping cannot be written even so.
	f := dir + "/shared"
	if err := os.WriteFile(f, []byte("file contents"), 0o600); err != nil {
		fatal("%v", err)
	}
	ffd := must(raw(syscall.SYS_OPEN, cstr(f), syscall.O_RDONLY|syscall.O_CLOEXEC))
	p := must(raw(syscall.SYS_MMAP, 0, page, protRead, mapShared, ffd, 0))
	msg := []byte("XXXX")
	r, e = raw(syscall.SYS_PWRITE64, mem, bufp(msg), 4, p)
	rb, eb := raw(syscall.SYS_PREAD64, mem, bufp(buf), 4, p)
	out("read-only MAP_SHARED file page: write=%s read=%s:%q file=%q", val(r, e), val(rb, eb),
		string(buf[:4]), readFile(f))
	raw(syscall.SYS_MUNMAP, p, page)
	raw(syscall.SYS_CLOSE, ffd)

	// A transfer running into an unmapped page stops there.
	p = must(mmap(0, 2*page, protRW, mapPrivate|mapAnon))
	must(raw(syscall.SYS_MUNMAP, p+page, page))
	r, e = raw(syscall.SYS_PREAD64, mem, bufp(buf), 16, p+page-8)
	out("read running into an unmapped page: %s", val(r, e))
	r, e = raw(syscall.SYS_PWRITE64, mem, bufp(buf), 16, p+page-8)
	out("write running into an unmapped page: %s", val(r, e))
	raw(syscall.SYS_MUNMAP, p, page)

	// Addresses the guest has not mapped.
	for _, a := range []struct {
		name string
		addr uintptr
	}{{"null", 0}, {"low", 0x1000}, {"unmapped", unmapped}, {"last user page", 0x7ffffffff000},
		{"non-canonical", 0x800000000000}, {"kernel", kernel}, {"vsyscall", 0xffffffffff600000}} {
		if a.name == "unmapped" && inMaps(selfMaps(), a.addr) {
			fatal("%#x is mapped", a.addr)
		}
		r, e := raw(syscall.SYS_PREAD64, mem, bufp(buf), 8, a.addr)
		rw, ew := raw(syscall.SYS_PWRITE64, mem, bufp(buf), 8, a.addr)
		if a.name == "vsyscall" { // natively readable or not depending on vsyscall=
			out("%s: write=%s", a.name, val(rw, ew))
			continue
		}
		out("%s: read=%s write=%s", a.name, val(r, e), val(rw, ew))
	}

	// Every 64 GiB of the 47-bit address space that /proc/self/maps does not list is EIO.
	ms := selfMaps()
	n, bad := 0, 0
	for a := uintptr(0); a < 1<<47; a += 1 << 36 {
		if inMaps(ms, a) {
			continue
		}
		n++
		if _, e := raw(syscall.SYS_PREAD64, mem, bufp(buf), 1, a); e != syscall.EIO {
			bad++
			fmt.Fprintf(os.Stderr, "abuse: read at %#x: %v\n", a, e)
		}
	}
	out("sweep of the address space outside the maps: all EIO=%s", yes(bad == 0))
	info("proc-mem: %d sweep addresses outside the guest's maps", n)

	// What the host says this process maps (a native child reads /proc/<pid>/maps: under
	// goemu, goemu's own text, heap, libraries, sanitizer shadow) that /proc/self/maps does
	// not list is not reachable through /proc/self/mem.
	hostText, err := exec.Command("/bin/cat", fmt.Sprintf("/proc/%d/maps", pid)).Output()
	if err != nil {
		fatal("cat: %v", err)
	}
	ms = selfMaps()
	n, bad = 0, 0
	var probed uintptr
	for _, h := range parseMaps(string(hostText)) {
		if overlaps(ms, h.lo, h.hi) {
			continue
		}
		n++
		probed += h.hi - h.lo
		want := syscall.EIO // an address the guest has not mapped
		if h.lo >= 1<<63 {
			want = syscall.EINVAL // a negative offset, natively too ("kernel" above)
		}
		for _, a := range []uintptr{h.lo, h.lo + (h.hi-h.lo)/2&^(page-1), h.hi - 8} {
			if _, e := raw(syscall.SYS_PREAD64, mem, bufp(buf), 8, a); e != want {
				bad++
				fmt.Fprintf(os.Stderr, "abuse: read of host mapping %#x (%s): %v\n", a, h.name, e)
			}
		}
		if _, e := raw(syscall.SYS_PWRITE64, mem, bufp(buf), 1, h.lo); e != want {
			bad++
			fmt.Fprintf(os.Stderr, "abuse: write to host mapping %#x (%s): %v\n", h.lo, h.name, e)
		}
	}
	out("host mappings not in /proc/self/maps: all EIO (EINVAL above 2^63)=%s", yes(bad == 0))
	info("proc-mem: %d host-only mappings (%d MiB) probed", n, probed>>20)

	// Code changed through mem runs: the emulator must not keep running the old code.
	sum := 0
	for i := 0; i < 100; i++ {
		sum += seven()
	}
	fn := seven
	code := **(**uintptr)(unsafe.Pointer(&fn))
	insn := make([]byte, 6)
	must(raw(syscall.SYS_PREAD64, mem, bufp(insn), 6, code))
	if !bytes.Equal(insn, []byte{0xb8, 7, 0, 0, 0, 0xc3}) { // MOVL $7, AX; RET
		fatal("seven() is % x", insn)
	}
	insn[1] = 9
	r, e = raw(syscall.SYS_PWRITE64, mem, bufp(insn[1:2]), 1, code+1)
	after := 0
	for i := 0; i < 100; i++ {
		after += seven()
	}
	out("patch seven() through mem: write=%s, ran %d before, %d after", val(r, e), sum, after)
	raw(syscall.SYS_CLOSE, mem)
}

// ---- proc-mem-child: another process's mem -------------------------------------------

// childResult is what a forked child reports through a pipe.
type childResult struct{ open, write, read uint64 }

// forkChild runs f in a child made by a raw fork (clone with SIGCHLD only: the child has one
// thread and may use raw syscalls and no Go runtime service) and returns its report.
func forkChild(f func(*childResult)) childResult {
	var p [2]int32
	must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&p)), syscall.O_CLOEXEC))
	var rep childResult
	pid, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 {
		fatal("clone: %v", e)
	}
	if pid == 0 {
		f(&rep)
		syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p[1]), uintptr(unsafe.Pointer(&rep)), unsafe.Sizeof(rep))
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	raw(syscall.SYS_CLOSE, uintptr(p[1]))
	var st syscall.WaitStatus
	must(raw(syscall.SYS_WAIT4, pid, addr(unsafe.Pointer(&st)), 0, 0))
	r, e := raw(syscall.SYS_READ, uintptr(p[0]), addr(unsafe.Pointer(&rep)), unsafe.Sizeof(rep))
	if e != 0 || r != unsafe.Sizeof(rep) || !st.Exited() || st.ExitStatus() != 0 {
		fatal("child: read %d %v, status %#x", r, e, st)
	}
	raw(syscall.SYS_CLOSE, uintptr(p[0]))
	return rep
}

func repName(v uint64) string {
	if v == 0 {
		return "ok"
	}
	return errname(syscall.Errno(v))
}

var (
	childPath uintptr
	childMsg  = []byte("WRITTEN-BY-CHILD")
	childBuf  = make([]byte, 16)
)

// childWritesParent is the child's half: open the parent's mem, write and read its variable.
//
//go:nosplit
func childWritesParent(rep *childResult) {
	fd, _, e := syscall.RawSyscall(syscall.SYS_OPEN, childPath, syscall.O_RDWR, 0)
	rep.open = uint64(e)
	if e != 0 {
		return
	}
	_, _, e = syscall.RawSyscall6(syscall.SYS_PWRITE64, fd, uintptr(unsafe.Pointer(&childMsg[0])), 16, uintptr(unsafe.Pointer(&target)), 0, 0)
	rep.write = uint64(e)
	_, _, e = syscall.RawSyscall6(syscall.SYS_PREAD64, fd, uintptr(unsafe.Pointer(&childBuf[0])), 16, uintptr(unsafe.Pointer(&target)), 0, 0)
	rep.read = uint64(e)
}

func procMemChild() {
	childPath = cstr(fmt.Sprintf("/proc/%d/mem", os.Getpid()))
	rep := forkChild(childWritesParent)
	out("forked child opens /proc/PARENT/mem: %s", repName(rep.open))
	if rep.open == 0 {
		out("forked child writes the parent's variable: %s", repName(rep.write))
		out("forked child reads it back: %s", repName(rep.read))
	}
	out("parent's variable changed: %s", yes(targetNow() != origValue))
	resetTarget()

	// The other way round: the parent opens a (stopped) forked child's mem. goemu numbers
	// guest threads after its own pid (pid+1, pid+2...) without taking those host pids, so a
	// child forked soon after often gets a guest thread's number and /proc/<child> names that
	// thread. Short-lived processes first move the host's next pid past them.
	for i := 0; i < 16; i++ {
		if err := exec.Command("/bin/true").Run(); err != nil {
			fatal("%v", err)
		}
	}
	var p [2]int32
	must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&p)), syscall.O_CLOEXEC))
	pid, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 {
		fatal("clone: %v", e)
	}
	if pid == 0 {
		var b [1]byte
		syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(p[1]), 0, 0)
		syscall.RawSyscall(syscall.SYS_READ, uintptr(p[0]), uintptr(unsafe.Pointer(&b[0])), 1)
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	fd, e := raw(syscall.SYS_OPEN, cstr(fmt.Sprintf("/proc/%d/mem", pid)), syscall.O_RDWR|syscall.O_CLOEXEC)
	out("parent opens /proc/CHILD/mem: %s", res(fd, e))
	if e == 0 {
		buf := make([]byte, 16)
		r, e := raw(syscall.SYS_PREAD64, fd, bufp(buf), 16, targetAddr())
		out("parent reads the child's variable: %s matches=%s", val(r, e), yes(string(buf) == origValue))
		raw(syscall.SYS_CLOSE, fd)
	}
	raw(syscall.SYS_CLOSE, uintptr(p[1]))
	var st syscall.WaitStatus
	must(raw(syscall.SYS_WAIT4, pid, addr(unsafe.Pointer(&st)), 0, 0))
	raw(syscall.SYS_CLOSE, uintptr(p[0]))

	// A native child's mem stays open to the guest, as on Linux.
	cmd := exec.Command("/bin/cat")
	in, err := cmd.StdinPipe()
	if err != nil {
		fatal("%v", err)
	}
	if err := cmd.Start(); err != nil {
		fatal("%v", err)
	}
	fd, e = raw(syscall.SYS_OPEN, cstr(fmt.Sprintf("/proc/%d/mem", cmd.Process.Pid)), syscall.O_RDONLY|syscall.O_CLOEXEC)
	out("guest opens a native child's /proc/PID/mem: %s", res(fd, e))
	if e == 0 {
		raw(syscall.SYS_CLOSE, fd)
	}
	in.Close()
	cmd.Wait()
}

// ---- proc-self: the other /proc/self files describe the guest --------------------------

func procSelf() {
	runtime.LockOSThread()
	exe := exePath()
	pid, tid := os.Getpid(), syscall.Gettid()
	link, err := os.Readlink("/proc/self/exe")
	out("readlink /proc/self/exe is the program: %s (%v)", yes(link == exe), err)
	link, _ = os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	out("readlink /proc/PID/exe is the program: %s", yes(link == exe))
	var a, b syscall.Stat_t
	must(raw(syscall.SYS_STAT, cstr("/proc/self/exe"), addr(unsafe.Pointer(&a))))
	must(raw(syscall.SYS_STAT, cstr(exe), addr(unsafe.Pointer(&b))))
	out("stat /proc/self/exe is the program: %s", yes(a.Dev == b.Dev && a.Ino == b.Ino))
	content, err := os.ReadFile("/proc/self/exe")
	orig, _ := os.ReadFile(exe)
	out("contents of /proc/self/exe are the program: %s (%v)", yes(bytes.Equal(content, orig)), err)
	self, _ := os.Readlink("/proc/self")
	out("readlink /proc/self is the pid: %s", yes(self == strconv.Itoa(pid)))
	ts, _ := os.Readlink("/proc/thread-self")
	out("readlink /proc/thread-self is pid/task/tid: %s", yes(ts == fmt.Sprintf("%d/task/%d", pid, tid)))

	// maps: the program's segments, anonymous memory and the stack; nothing names goemu.
	ms := selfMaps()
	names := map[string]bool{}
	var segs []string
	for _, m := range ms {
		switch m.name {
		case "[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]": // goemu has no vDSO (docs/architecture.md)
			continue
		case exe:
			segs = append(segs, fmt.Sprintf("%#x %s", m.lo, m.perm))
			names["PROGRAM"] = true
		default:
			names[m.name] = true
		}
	}
	var ns []string
	for n := range names {
		if n == "" {
			n = "(anonymous)"
		}
		ns = append(ns, n)
	}
	sort.Strings(ns)
	out("maps names: %s", strings.Join(ns, ", "))
	out("maps segments of the program: %s", strings.Join(segs, ", "))
	fn := procSelf
	mainPC := **(**uintptr)(unsafe.Pointer(&fn))
	for _, m := range ms {
		if mainPC >= m.lo && mainPC < m.hi {
			out("code of procSelf is in: %s %s", m.perm, map[bool]string{true: "PROGRAM", false: m.name}[m.name == exe])
		}
		if targetAddr() >= m.lo && targetAddr() < m.hi {
			out("a global variable is in: %s %s", m.perm, map[bool]string{true: "PROGRAM", false: m.name}[m.name == exe])
		}
	}
	sm := readFile("/proc/self/smaps")
	d := strings.Count(sm, "KernelPageSize:") - len(ms)
	out("smaps has a KernelPageSize line per maps line (give or take 2): %s", yes(d >= -2 && d <= 2))

	cmdline := readFile("/proc/self/cmdline")
	out("cmdline is argv: %s", yes(cmdline == strings.Join(os.Args, "\x00")+"\x00"))
	environ := readFile("/proc/self/environ")
	env := strings.Join(os.Environ(), "\x00")
	if env != "" {
		env += "\x00"
	}
	out("environ is the environment: %s", yes(environ == env))

	auxv := []byte(readFile("/proc/self/auxv"))
	aux := map[uint64]uint64{}
	for i := 0; i+16 <= len(auxv); i += 16 {
		k := *(*uint64)(unsafe.Pointer(&auxv[i]))
		aux[k] = *(*uint64)(unsafe.Pointer(&auxv[i+8]))
		if k == 0 {
			out("auxv ends with AT_NULL: %s", yes(i+16 == len(auxv)))
		}
	}
	ef, err := elf.Open(exe)
	if err != nil {
		fatal("%v", err)
	}
	var phdr uint64
	for _, p := range ef.Progs {
		if p.Type == elf.PT_PHDR {
			phdr = p.Vaddr
		}
	}
	out("auxv AT_PAGESZ=%d AT_ENTRY is the ELF entry: %s AT_PHDR: %s AT_PHNUM: %s", aux[6],
		yes(aux[9] == ef.Entry), yes(aux[3] == phdr), yes(aux[5] == uint64(len(ef.Progs))))
	out("auxv AT_UID/EUID/GID/EGID are the ids: %s AT_SECURE=%d", yes(aux[11] == uint64(os.Getuid()) &&
		aux[12] == uint64(os.Geteuid()) && aux[13] == uint64(os.Getgid()) && aux[14] == uint64(os.Getegid())), aux[23])
	execfn := ""
	if aux[31] != 0 {
		for a := uintptr(aux[31]); *(*byte)(unsafe.Pointer(a)) != 0; a++ {
			execfn += string(*(*byte)(unsafe.Pointer(a)))
		}
	}
	out("auxv AT_EXECFN is argv[0]: %s; AT_RANDOM is readable: %s", yes(execfn == os.Args[0]),
		yes(aux[25] != 0 && len(append([]byte(nil), bytesAt(uintptr(aux[25]), 16)...)) == 16))

	status := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile("/proc/self/status")))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			status[k] = strings.TrimSpace(v)
		}
	}
	base := filepath.Base(exe)
	if len(base) > 15 {
		base = base[:15]
	}
	uid := strings.Fields(status["Uid"] + " x")[0]
	threads, _ := strconv.Atoi(status["Threads"])
	out("status Name: %s Pid: %s Tgid: %s PPid: %s Uid: %s Threads>=1: %s VmRSS: %s",
		yes(status["Name"] == base), yes(status["Pid"] == strconv.Itoa(pid)),
		yes(status["Tgid"] == strconv.Itoa(pid)), yes(status["PPid"] == strconv.Itoa(os.Getppid())),
		yes(uid == strconv.Itoa(os.Getuid())), yes(threads >= 1), yes(strings.HasSuffix(status["VmRSS"], " kB")))
	st := readFile("/proc/self/stat")
	f := strings.Fields(st[strings.LastIndexByte(st, ')')+2:])
	out("stat pid: %s comm: %s ppid: %s fields: %d", yes(strings.HasPrefix(st, strconv.Itoa(pid)+" (")),
		yes(strings.Contains(st, "("+base+")")), yes(f[1] == strconv.Itoa(os.Getppid())), len(f)+2)
	out("comm: %s", yes(readFile("/proc/self/comm") == base+"\n"))
	out("task/TID/comm: %s", yes(readFile(fmt.Sprintf("/proc/self/task/%d/comm", tid)) == base+"\n"))
	for _, name := range []string{"syscall", "stack", "pagemap", "personality"} {
		fd, e := raw(syscall.SYS_OPEN, cstr("/proc/self/"+name), syscall.O_RDONLY|syscall.O_CLOEXEC)
		if e == 0 {
			raw(syscall.SYS_CLOSE, fd)
		}
		info("proc-self: open /proc/self/%s: %s", name, res(fd, e))
	}
}

// ---- mem-huge: absurd sizes cost nothing and fail at once where Linux fails -------------

func memHuge() {
	step := func(name string, f func() (uintptr, syscall.Errno)) uintptr {
		r, e, c := timed(f)
		out("%s: %s %s", name, res(r, e), c)
		if e != 0 {
			return 0
		}
		return r
	}
	touch := func(a uintptr) { *(*byte)(unsafe.Pointer(a)) = 1 }

	// Sizes are at most 32 TiB wherever a mapping must succeed: Go 1.26 puts its heap at a
	// random address below 64 TiB, so a 64 TiB hole is not always there.
	//
	// A free 32 TiB range at a fixed address, first: once huge mappings have come and gone,
	// the runtime's own mappings may have been placed anywhere below them.
	ms := selfMaps()
	fixed := uintptr(0)
	for c := tib; c+32*tib < 1<<47; c += 4 * tib {
		if !overlaps(ms, c, c+32*tib) {
			fixed = c
			break
		}
	}
	if fixed == 0 {
		fatal("no free 32 TiB range:\n%s", readFile("/proc/self/maps"))
	}
	p := step("mmap 32 TiB MAP_FIXED_NOREPLACE", func() (uintptr, syscall.Errno) {
		return mmap(fixed, 32*tib, protNone, mapPrivate|mapAnon|mapNoreserve|mapFixedNoreplace)
	})
	out("  at the address asked for: %s", yes(p == fixed))
	step("mmap 4 KiB MAP_FIXED_NOREPLACE inside it", func() (uintptr, syscall.Errno) {
		return mmap(fixed+16*tib, page, protRW, mapPrivate|mapAnon|mapFixedNoreplace)
	})
	step("mmap 4 KiB MAP_FIXED inside it", func() (uintptr, syscall.Errno) {
		return mmap(fixed+16*tib, page, protRW, mapPrivate|mapAnon|mapFixed)
	})
	touch(fixed + 16*tib)
	step("munmap 32 TiB at a fixed address", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MUNMAP, fixed, 32*tib)
	})
	step("munmap 32 TiB of nothing", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MUNMAP, fixed, 32*tib)
	})
	step("mprotect 32 TiB of nothing", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MPROTECT, fixed, 32*tib, protRead)
	})

	// 1 TiB reservations: PROT_NONE, then read-write, touched in three places.
	p = step("mmap 1 TiB PROT_NONE NORESERVE", func() (uintptr, syscall.Errno) {
		return mmap(0, tib, protNone, mapPrivate|mapAnon|mapNoreserve)
	})
	if p != 0 {
		step("mprotect 1 TiB read-write", func() (uintptr, syscall.Errno) {
			return raw(syscall.SYS_MPROTECT, p, tib, protRW)
		})
		for _, off := range []uintptr{0, tib / 2, tib - page} {
			touch(p + off)
		}
		step("madvise 1 TiB DONTNEED", func() (uintptr, syscall.Errno) {
			return raw(syscall.SYS_MADVISE, p, tib, 4)
		})
		step("madvise 1 TiB WILLNEED", func() (uintptr, syscall.Errno) {
			return raw(syscall.SYS_MADVISE, p, tib, 3)
		})
		step("mprotect 1 TiB PROT_NONE", func() (uintptr, syscall.Errno) {
			return raw(syscall.SYS_MPROTECT, p, tib, protNone)
		})
		step("munmap 1 TiB", func() (uintptr, syscall.Errno) { return raw(syscall.SYS_MUNMAP, p, tib) })
	}
	p = step("mmap 1 TiB read-write NORESERVE", func() (uintptr, syscall.Errno) {
		return mmap(0, tib, protRW, mapPrivate|mapAnon|mapNoreserve)
	})
	if p != 0 {
		for _, off := range []uintptr{0, tib / 3 &^ (page - 1), tib - page} {
			touch(p + off)
		}
		step("munmap it", func() (uintptr, syscall.Errno) { return raw(syscall.SYS_MUNMAP, p, tib) })
	}
	step("mmap 1 TiB read-write, accounted", func() (uintptr, syscall.Errno) {
		return mmap(0, tib, protRW, mapPrivate|mapAnon)
	})

	// 32 TiB, three times over.
	for i := 0; i < 3; i++ {
		p = step("mmap 32 TiB PROT_NONE NORESERVE", func() (uintptr, syscall.Errno) {
			return mmap(0, 32*tib, protNone, mapPrivate|mapAnon|mapNoreserve)
		})
		if p != 0 {
			step("mprotect a 64 GiB part read-write", func() (uintptr, syscall.Errno) {
				return raw(syscall.SYS_MPROTECT, p+tib, 64*gib, protRW)
			})
			touch(p + tib + 63*gib)
			step("munmap 32 TiB", func() (uintptr, syscall.Errno) { return raw(syscall.SYS_MUNMAP, p, 32*tib) })
		}
	}
	step("mmap 128 TiB", func() (uintptr, syscall.Errno) {
		return mmap(0, 128*tib, protNone, mapPrivate|mapAnon|mapNoreserve)
	})
	step("mmap 2^63 bytes", func() (uintptr, syscall.Errno) {
		return mmap(0, 1<<63, protNone, mapPrivate|mapAnon|mapNoreserve)
	})
	step("mmap 2^64-4096 bytes", func() (uintptr, syscall.Errno) {
		return mmap(0, ^uintptr(page-1), protNone, mapPrivate|mapAnon|mapNoreserve)
	})
	step("mmap at a kernel address, MAP_FIXED", func() (uintptr, syscall.Errno) {
		return mmap(kernel, page, protRW, mapPrivate|mapAnon|mapFixed)
	})

	// mremap: growth is checked before anything moves.
	small := must(mmap(0, page, protRW, mapPrivate|mapAnon))
	touch(small)
	step("mremap 4 KiB -> 64 TiB, accounted", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MREMAP, small, page, 64*tib, mremapMaymove)
	})
	step("mremap 4 KiB -> 256 TiB", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MREMAP, small, page, 256*tib, mremapMaymove)
	})
	step("mremap 4 KiB -> 2^63", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MREMAP, small, page, 1<<63, mremapMaymove)
	})
	step("mremap 4 KiB -> 64 TiB in place", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MREMAP, small, page, 64*tib, 0)
	})
	out("  the 4 KiB mapping is intact: %s", yes(*(*byte)(unsafe.Pointer(small)) == 1))
	raw(syscall.SYS_MUNMAP, small, page)
	nr := must(mmap(0, page, protRW, mapPrivate|mapAnon|mapNoreserve))
	touch(nr)
	big := step("mremap 4 KiB NORESERVE -> 32 TiB", func() (uintptr, syscall.Errno) {
		return raw(syscall.SYS_MREMAP, nr, page, 32*tib, mremapMaymove)
	})
	if big != 0 {
		out("  contents moved: %s", yes(*(*byte)(unsafe.Pointer(big)) == 1))
		touch(big + 31*tib)
		step("mremap 32 TiB -> 4 KiB", func() (uintptr, syscall.Errno) {
			return raw(syscall.SYS_MREMAP, big, 32*tib, page, 0)
		})
		raw(syscall.SYS_MUNMAP, big, page)
	} else {
		raw(syscall.SYS_MUNMAP, nr, page)
	}

	// brk: a break that cannot grow stays where it is.
	cur, _ := raw(syscall.SYS_BRK, 0)
	for _, d := range []struct {
		name  string
		delta uintptr
	}{{"+256 GiB", 256 * gib}, {"+64 TiB", 64 * tib}, {"to a kernel address", kernel - cur},
		{"to the last user page", 0x7ffffffff000 - cur}, {"-1 GiB", ^(gib - 1)}} {
		r, e, c := timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_BRK, cur+d.delta) })
		now, _ := raw(syscall.SYS_BRK, 0)
		out("brk %s: moved=%s %s%s", d.name, yes(r != cur || now != cur), c, map[bool]string{true: "", false: " " + res(r, e)}[e == 0])
	}
	r, _, c := timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_BRK, cur+64*1024) })
	if r == cur+64*1024 {
		touch(cur + 64*1024 - 1)
	}
	out("brk +64 KiB: moved=%s %s", yes(r == cur+64*1024), c)
	r, _ = raw(syscall.SYS_BRK, cur)
	out("brk back: %s", yes(r == cur))
}

// ---- fd-exhaust: EMFILE exactly at the guest's limit, lowest numbers first --------------

type rlimit struct{ cur, max uint64 }

func setNofile(n uint64) {
	l := new(rlimit)
	must(raw(syscall.SYS_PRLIMIT64, 0, syscall.RLIMIT_NOFILE, 0, addr(unsafe.Pointer(l))))
	l.cur = n
	must(raw(syscall.SYS_PRLIMIT64, 0, syscall.RLIMIT_NOFILE, addr(unsafe.Pointer(l)), 0))
}

func isOpen(fd int) bool {
	_, e := raw(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD)
	return e == 0
}

// fillTo opens /dev/null until the kernel says no: whether the numbers were exactly the
// free ones below limit in increasing order, and the error at the end.
func fillTo(limit int) (bool, string) {
	var want []int
	for fd := 0; fd < limit; fd++ {
		if !isOpen(fd) {
			want = append(want, fd)
		}
	}
	devnull := cstr("/dev/null")
	var got []int
	var e syscall.Errno
	for len(got) <= limit {
		var fd uintptr
		fd, e = raw(syscall.SYS_OPEN, devnull, syscall.O_RDONLY|syscall.O_CLOEXEC)
		if e != 0 {
			break
		}
		got = append(got, int(fd))
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == want[i]
	}
	return ok, errname(e)
}

func countOpen(limit int) int {
	n := 0
	for fd := 0; fd < limit; fd++ {
		if isOpen(fd) {
			n++
		}
	}
	return n
}

// procFdCount lists /proc/self/fd with raw getdents64 (one fd for the directory).
func procFdCount() (int, string) {
	d, e := raw(syscall.SYS_OPEN, cstr("/proc/self/fd"), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC)
	if e != 0 {
		return -1, errname(e)
	}
	buf := make([]byte, 1<<16)
	n := 0
	for {
		r, e := raw(syscall.SYS_GETDENTS64, d, bufp(buf), uintptr(len(buf)))
		if e != 0 || r == 0 {
			break
		}
		for at := 0; at < int(r); {
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[at+16])))
			if buf[at+19] != '.' {
				n++
			}
			at += reclen
		}
	}
	raw(syscall.SYS_CLOSE, d)
	return n, "ok"
}

// onlyStdio closes every fd but 0, 1 and 2, so counts do not depend on what was inherited.
func onlyStdio() int {
	must(raw(436, 3, ^uintptr(0), 0))
	if countOpen(64) != 3 {
		fatal("fds 0, 1, 2 must be open")
	}
	return 3
}

func fdExhaust() {
	base := onlyStdio()
	setNofile(256)
	ok, e := fillTo(256)
	out("limit 256: every free number below it, lowest first: %s; then %s", yes(ok), e)
	out("open fds below 300: all %d below the limit: %s", countOpen(300), yes(countOpen(300) == 256))
	for _, c := range []struct {
		name string
		nr   uintptr
		a    []uintptr
	}{
		{"open /dev/null", syscall.SYS_OPEN, []uintptr{cstr("/dev/null"), 0}},
		{"open /proc/self/status", syscall.SYS_OPEN, []uintptr{cstr("/proc/self/status"), 0}},
		{"open /proc/self/maps", syscall.SYS_OPEN, []uintptr{cstr("/proc/self/maps"), 0}},
		{"open /proc/self/mem", syscall.SYS_OPEN, []uintptr{cstr("/proc/self/mem"), 0}},
		{"open /proc/self/exe", syscall.SYS_OPEN, []uintptr{cstr("/proc/self/exe"), 0}},
		{"dup 0", syscall.SYS_DUP, []uintptr{0}},
		{"fcntl F_DUPFD 0", syscall.SYS_FCNTL, []uintptr{0, syscall.F_DUPFD, 0}},
		{"fcntl F_DUPFD 256", syscall.SYS_FCNTL, []uintptr{0, syscall.F_DUPFD, 256}},
		{"fcntl F_DUPFD 1024", syscall.SYS_FCNTL, []uintptr{0, syscall.F_DUPFD, 1024}},
		{"dup2 0 256", syscall.SYS_DUP2, []uintptr{0, 256}},
		{"dup3 0 1024", syscall.SYS_DUP3, []uintptr{0, 1024, 0}},
		{"pipe2", syscall.SYS_PIPE2, []uintptr{bufp(make([]byte, 8)), 0}},
		{"socket", syscall.SYS_SOCKET, []uintptr{syscall.AF_UNIX, syscall.SOCK_STREAM, 0}},
		{"socketpair", syscall.SYS_SOCKETPAIR, []uintptr{syscall.AF_UNIX, syscall.SOCK_STREAM, 0, bufp(make([]byte, 8))}},
		{"eventfd2", syscall.SYS_EVENTFD2, []uintptr{0, 0}},
		{"epoll_create1", syscall.SYS_EPOLL_CREATE1, []uintptr{0}},
		{"pidfd_open self", 434, []uintptr{uintptr(os.Getpid()), 0}},
	} {
		out("at the limit: %s: %s", c.name, val(raw(c.nr, c.a...)))
	}
	raw(syscall.SYS_CLOSE, 100)
	r, e2 := raw(syscall.SYS_OPEN, cstr("/dev/null"), syscall.O_RDONLY)
	out("close 100, open: %s", val(r, e2))
	r, e2 = raw(syscall.SYS_DUP2, 0, 255)
	out("dup2 0 255 (open): %s", val(r, e2))

	// Above goemu's block of private fds (1024 at startup): still the lowest free numbers.
	setNofile(2100)
	ok, e = fillTo(2100)
	out("limit 2100: every free number below it, lowest first: %s; then %s", yes(ok), e)
	out("open fds below 2200: %s", yes(countOpen(2200) == 2100))
	raw(syscall.SYS_CLOSE, 1500)
	n, lerr := procFdCount()
	out("/proc/self/fd lists the open fds and itself: %s (%s)", yes(n == 2100), lerr)
	r, e2 = raw(syscall.SYS_OPEN, cstr("/proc/self/fd/1030"), syscall.O_RDONLY|syscall.O_CLOEXEC)
	out("open /proc/self/fd/1030: %s", res(r, e2))
	if e2 == 0 {
		raw(syscall.SYS_CLOSE, r)
	}
	r, e2 = raw(syscall.SYS_OPEN, cstr("/dev/null"), syscall.O_RDONLY)
	out("close 1500, open: %s", val(r, e2))

	// Lowered below what is open.
	setNofile(64)
	for _, c := range []struct {
		name string
		nr   uintptr
		a    []uintptr
	}{
		{"open", syscall.SYS_OPEN, []uintptr{cstr("/dev/null"), 0}},
		{"dup2 3 100", syscall.SYS_DUP2, []uintptr{3, 100}},
		{"dup2 3 63", syscall.SYS_DUP2, []uintptr{3, 63}},
		{"fcntl F_DUPFD 10", syscall.SYS_FCNTL, []uintptr{3, syscall.F_DUPFD, 10}},
		{"close 2000", syscall.SYS_CLOSE, []uintptr{2000}},
		{"fcntl 2001 F_GETFD", syscall.SYS_FCNTL, []uintptr{2001, syscall.F_GETFD}},
		{"read 2002", syscall.SYS_READ, []uintptr{2002, bufp(make([]byte, 8)), 8}},
	} {
		out("limit 64: %s: %s", c.name, val(raw(c.nr, c.a...)))
	}
	raw(syscall.SYS_CLOSE, 10)
	r, e2 = raw(syscall.SYS_OPEN, cstr("/dev/null"), syscall.O_RDONLY)
	out("limit 64: close 10, open: %s", val(r, e2))

	r, e2 = raw(436, uintptr(base), ^uintptr(0), 0) // close_range
	out("close_range(first, ~0): %s; open fds left: %s", val(r, e2), yes(countOpen(4096) == base))
	setNofile(1024)
	r, e2 = raw(syscall.SYS_OPEN, cstr("/dev/null"), syscall.O_RDONLY)
	out("open after: %s", yes(e2 == 0 && int(r) == base))
}

// ---- fd-clobber: the guest closes and overwrites every fd number it can name ------------

func fdClobber() {
	base := onlyStdio()
	r, e := raw(436, 3, ^uintptr(0), 0)
	out("close_range(3, ~0): %s", val(r, e))
	targets := []uintptr{}
	for fd := uintptr(1000); fd <= 1100; fd++ {
		targets = append(targets, fd)
	}
	targets = append(targets, 2000, 2048, 4095, 4096, 8191)
	closed := 0
	for _, fd := range targets {
		if !isOpen(int(fd)) {
			closed++
		}
	}
	out("before: %d of %d target numbers closed", closed, len(targets))
	okN := 0
	for _, fd := range targets {
		if r, e := raw(syscall.SYS_DUP2, 1, fd); e == 0 && r == fd {
			okN++
		}
	}
	out("dup2 stdout onto 1000..1100, 2000, 2048, 4095, 4096, 8191: %d ok", okN)
	for _, fd := range []uintptr{1024, 1040, 2000, 8191} {
		msg := []byte(fmt.Sprintf("written through fd %d\n", fd))
		r, e := raw(syscall.SYS_WRITE, fd, bufp(msg), uintptr(len(msg)))
		if e != 0 || int(r) != len(msg) {
			out("write through fd %d: %s", fd, val(r, e))
		}
	}
	a, _ := os.Readlink("/proc/self/fd/1")
	b, _ := os.Readlink("/proc/self/fd/1024")
	out("/proc/self/fd/1024 is stdout: %s", yes(a == b && a != ""))
	r, e = raw(syscall.SYS_FCNTL, 0, syscall.F_DUPFD, 1030)
	out("fcntl F_DUPFD 1030: %s", val(r, e))
	out("open fds below 10000: %d", countOpen(10000)-base)
	r, e = raw(436, 3, ^uintptr(0), 0)
	out("close_range(3, ~0): %s; open fds below 10000 after: %d", val(r, e), countOpen(10000)-base)

	// stderr pointed at a pipe, then closed: goemu's diagnostics (tests/run_abuse.sh looks for
	// them) still go to the stderr goemu was started with, never into the guest's pipe.
	saved := must(raw(syscall.SYS_DUP, 2))
	var p [2]int32
	must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&p)), syscall.O_NONBLOCK|syscall.O_CLOEXEC))
	must(raw(syscall.SYS_DUP2, uintptr(p[1]), 2))
	r, e = raw(syscall.SYS_IOCTL, uintptr(p[0]), badIoctl, 0)
	out("ioctl %#x with stderr a pipe: %s", badIoctl, val(r, e))
	msg := []byte("to the pipe")
	raw(syscall.SYS_WRITE, 2, bufp(msg), uintptr(len(msg)))
	buf := make([]byte, 4096)
	r, e = raw(syscall.SYS_READ, uintptr(p[0]), bufp(buf), uintptr(len(buf)))
	out("the pipe holds only the guest's words: %s", yes(e == 0 && string(buf[:r]) == "to the pipe"))
	must(raw(syscall.SYS_CLOSE, 2))
	r, e = raw(syscall.SYS_PRCTL, badPrctl, 0, 0, 0, 0)
	out("prctl %d with stderr closed: %s", badPrctl, val(r, e))
	must(raw(syscall.SYS_DUP2, saved, 2))
	raw(syscall.SYS_CLOSE, saved)
	raw(syscall.SYS_CLOSE, uintptr(p[0]))
	raw(syscall.SYS_CLOSE, uintptr(p[1]))
	fmt.Fprintln(os.Stderr, "fd-clobber: stderr restored")
	out("done")
}

// ---- bad-pointers: every pointer the guest cannot use is EFAULT, not goemu's problem -----

func badPointers() {
	ptrs := []struct {
		name string
		addr uintptr
	}{
		{"low", 0x1000}, {"unmapped", unmapped}, {"pie-text", 0x555555556000},
		{"libs", 0x7ffff7fc3000}, {"asan-shadow", 0x10007fff8000},
		{"non-canonical", 0x800000000000}, {"kernel", kernel}, {"top", ^uintptr(page - 1)},
	}
	ms := selfMaps()
	for _, p := range ptrs {
		if inMaps(ms, p.addr) {
			fatal("%s pointer %#x is mapped", p.name, p.addr)
		}
	}
	dir, err := os.MkdirTemp("", "abuse")
	if err != nil {
		fatal("%v", err)
	}
	defer os.RemoveAll(dir)
	file := dir + "/f"
	if err := os.WriteFile(file, []byte("twelve bytes"), 0o600); err != nil {
		fatal("%v", err)
	}
	ffd := must(raw(syscall.SYS_OPEN, cstr(file), syscall.O_RDWR|syscall.O_CLOEXEC))
	dfd := must(raw(syscall.SYS_OPEN, cstr(dir), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC))
	var pp [2]int32
	must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&pp)), syscall.O_NONBLOCK|syscall.O_CLOEXEC))
	pr, pw := uintptr(pp[0]), uintptr(pp[1])
	one := []byte("x")
	must(raw(syscall.SYS_WRITE, pw, bufp(one), 1))
	var sv [2]int32
	must(raw(syscall.SYS_SOCKETPAIR, syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0, addr(unsafe.Pointer(&sv))))
	sa, sb := uintptr(sv[0]), uintptr(sv[1])
	must(raw(syscall.SYS_WRITE, sb, bufp(one), 1))
	ep := must(raw(syscall.SYS_EPOLL_CREATE1, syscall.EPOLL_CLOEXEC))
	ev := make([]byte, 16)
	*(*uint32)(unsafe.Pointer(&ev[0])) = syscall.EPOLLIN
	must(raw(syscall.SYS_EPOLL_CTL, ep, syscall.EPOLL_CTL_ADD, pr, bufp(ev)))
	good := make([]byte, 4096)
	gp := bufp(good)
	lenp := bufp(make([]byte, 8))
	zero := bufp(make([]byte, 64)) // a zero timespec, a zero sigset

	type call struct {
		name string
		nr   uintptr
		a    func(p uintptr) []uintptr
	}
	calls := []call{
		{"read pipe", syscall.SYS_READ, func(p uintptr) []uintptr { return []uintptr{pr, p, 1} }},
		{"read file", syscall.SYS_PREAD64, func(p uintptr) []uintptr { return []uintptr{ffd, p, 12, 0} }},
		{"write pipe", syscall.SYS_WRITE, func(p uintptr) []uintptr { return []uintptr{pw, p, 1} }},
		{"pwrite64 file", syscall.SYS_PWRITE64, func(p uintptr) []uintptr { return []uintptr{ffd, p, 4, 0} }},
		{"readv iovec", syscall.SYS_READV, func(p uintptr) []uintptr { return []uintptr{ffd, p, 1} }},
		{"writev iovec", syscall.SYS_WRITEV, func(p uintptr) []uintptr { return []uintptr{pw, p, 1} }},
		{"open path", syscall.SYS_OPEN, func(p uintptr) []uintptr { return []uintptr{p, 0} }},
		{"openat path", syscall.SYS_OPENAT, func(p uintptr) []uintptr { return []uintptr{atFdcwd, p, 0} }},
		{"stat path", syscall.SYS_STAT, func(p uintptr) []uintptr { return []uintptr{p, gp} }},
		{"stat buf", syscall.SYS_STAT, func(p uintptr) []uintptr { return []uintptr{cstr("/"), p} }},
		{"fstat buf", syscall.SYS_FSTAT, func(p uintptr) []uintptr { return []uintptr{ffd, p} }},
		{"newfstatat buf", syscall.SYS_NEWFSTATAT, func(p uintptr) []uintptr { return []uintptr{dfd, cstr("f"), p, 0} }},
		{"access path", syscall.SYS_ACCESS, func(p uintptr) []uintptr { return []uintptr{p, 0} }},
		{"readlink buf", syscall.SYS_READLINK, func(p uintptr) []uintptr { return []uintptr{cstr("/proc/self/exe"), p, 64} }},
		{"readlink path", syscall.SYS_READLINK, func(p uintptr) []uintptr { return []uintptr{p, gp, 64} }},
		{"getcwd", syscall.SYS_GETCWD, func(p uintptr) []uintptr { return []uintptr{p, 4096} }},
		{"chdir", syscall.SYS_CHDIR, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"mkdir", syscall.SYS_MKDIR, func(p uintptr) []uintptr { return []uintptr{p, 0o700} }},
		{"unlink", syscall.SYS_UNLINK, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"rename", syscall.SYS_RENAME, func(p uintptr) []uintptr { return []uintptr{p, p} }},
		{"utimensat times", syscall.SYS_UTIMENSAT, func(p uintptr) []uintptr { return []uintptr{dfd, cstr("f"), p, 0} }},
		{"getdents64", syscall.SYS_GETDENTS64, func(p uintptr) []uintptr { return []uintptr{dfd, p, 4096} }},
		{"execve path", syscall.SYS_EXECVE, func(p uintptr) []uintptr { return []uintptr{p, 0, 0} }},
		{"execve argv", syscall.SYS_EXECVE, func(p uintptr) []uintptr { return []uintptr{cstr("/bin/true"), p, 0} }},
		{"uname", syscall.SYS_UNAME, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"sysinfo", syscall.SYS_SYSINFO, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"gettimeofday", syscall.SYS_GETTIMEOFDAY, func(p uintptr) []uintptr { return []uintptr{p, 0} }},
		{"clock_gettime", syscall.SYS_CLOCK_GETTIME, func(p uintptr) []uintptr { return []uintptr{0, p} }},
		{"clock_getres", syscall.SYS_CLOCK_GETRES, func(p uintptr) []uintptr { return []uintptr{0, p} }},
		{"time", syscall.SYS_TIME, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"nanosleep", syscall.SYS_NANOSLEEP, func(p uintptr) []uintptr { return []uintptr{p, 0} }},
		{"clock_nanosleep", syscall.SYS_CLOCK_NANOSLEEP, func(p uintptr) []uintptr { return []uintptr{1, 0, p, 0} }},
		{"getrlimit", syscall.SYS_GETRLIMIT, func(p uintptr) []uintptr { return []uintptr{syscall.RLIMIT_NOFILE, p} }},
		{"prlimit64 new", syscall.SYS_PRLIMIT64, func(p uintptr) []uintptr { return []uintptr{0, syscall.RLIMIT_NOFILE, p, 0} }},
		{"prlimit64 old", syscall.SYS_PRLIMIT64, func(p uintptr) []uintptr { return []uintptr{0, syscall.RLIMIT_NOFILE, 0, p} }},
		{"pipe", syscall.SYS_PIPE, func(p uintptr) []uintptr { return []uintptr{p} }},
		{"pipe2", syscall.SYS_PIPE2, func(p uintptr) []uintptr { return []uintptr{p, 0} }},
		{"socketpair", syscall.SYS_SOCKETPAIR, func(p uintptr) []uintptr { return []uintptr{syscall.AF_UNIX, syscall.SOCK_STREAM, 0, p} }},
		{"rt_sigaction new", syscall.SYS_RT_SIGACTION, func(p uintptr) []uintptr { return []uintptr{uintptr(syscall.SIGUSR2), p, 0, 8} }},
		{"rt_sigaction old", syscall.SYS_RT_SIGACTION, func(p uintptr) []uintptr { return []uintptr{uintptr(syscall.SIGUSR2), 0, p, 8} }},
		{"rt_sigprocmask new", syscall.SYS_RT_SIGPROCMASK, func(p uintptr) []uintptr { return []uintptr{0, p, 0, 8} }},
		{"rt_sigprocmask old", syscall.SYS_RT_SIGPROCMASK, func(p uintptr) []uintptr { return []uintptr{0, 0, p, 8} }},
		{"sigaltstack old", syscall.SYS_SIGALTSTACK, func(p uintptr) []uintptr { return []uintptr{0, p} }},
		{"getrandom", 318, func(p uintptr) []uintptr { return []uintptr{p, 16, 0} }},
		{"sched_getaffinity", syscall.SYS_SCHED_GETAFFINITY, func(p uintptr) []uintptr { return []uintptr{0, 128, p} }},
		{"sched_setaffinity", syscall.SYS_SCHED_SETAFFINITY, func(p uintptr) []uintptr { return []uintptr{0, 128, p} }},
		{"poll", syscall.SYS_POLL, func(p uintptr) []uintptr { return []uintptr{p, 1, 0} }},
		{"ppoll", 271, func(p uintptr) []uintptr { return []uintptr{p, 1, zero, 0, 8} }},
		{"epoll_ctl event", syscall.SYS_EPOLL_CTL, func(p uintptr) []uintptr { return []uintptr{ep, syscall.EPOLL_CTL_MOD, pr, p} }},
		{"epoll_wait events", syscall.SYS_EPOLL_WAIT, func(p uintptr) []uintptr { return []uintptr{ep, p, 1, 0} }},
		{"epoll_pwait sigmask", syscall.SYS_EPOLL_PWAIT, func(p uintptr) []uintptr { return []uintptr{ep, gp, 1, 0, p, 8} }},
		{"futex wait", syscall.SYS_FUTEX, func(p uintptr) []uintptr { return []uintptr{p, 0, 0, zero} }},
		{"futex wake", syscall.SYS_FUTEX, func(p uintptr) []uintptr { return []uintptr{p, 1, 1} }},
		{"prctl PR_GET_TID_ADDRESS", syscall.SYS_PRCTL, func(p uintptr) []uintptr { return []uintptr{40, p} }},
		{"arch_prctl ARCH_GET_FS", syscall.SYS_ARCH_PRCTL, func(p uintptr) []uintptr { return []uintptr{0x1003, p} }},
		{"getgroups", syscall.SYS_GETGROUPS, func(p uintptr) []uintptr { return []uintptr{64, p} }},
		{"getresuid", syscall.SYS_GETRESUID, func(p uintptr) []uintptr { return []uintptr{p, p, p} }},
		{"wait4 status", syscall.SYS_WAIT4, func(p uintptr) []uintptr { return []uintptr{^uintptr(0), p, syscall.WNOHANG, 0} }},
		{"waitid info", syscall.SYS_WAITID, func(p uintptr) []uintptr { return []uintptr{0, 0, p, syscall.WEXITED | syscall.WNOHANG, 0} }},
		{"sendto buf", syscall.SYS_SENDTO, func(p uintptr) []uintptr { return []uintptr{sa, p, 1, 0, 0, 0} }},
		{"recvfrom buf", syscall.SYS_RECVFROM, func(p uintptr) []uintptr { return []uintptr{sa, p, 1, 0, 0, 0} }},
		{"sendmsg msghdr", syscall.SYS_SENDMSG, func(p uintptr) []uintptr { return []uintptr{sa, p, 0} }},
		{"recvmsg msghdr", syscall.SYS_RECVMSG, func(p uintptr) []uintptr { return []uintptr{sa, p, 0} }},
		{"connect addr", syscall.SYS_CONNECT, func(p uintptr) []uintptr { return []uintptr{sa, p, 16} }},
		{"bind addr", syscall.SYS_BIND, func(p uintptr) []uintptr { return []uintptr{sa, p, 16} }},
		{"getsockname addr", syscall.SYS_GETSOCKNAME, func(p uintptr) []uintptr { return []uintptr{sa, p, lenp} }},
		{"getsockname len", syscall.SYS_GETSOCKNAME, func(p uintptr) []uintptr { return []uintptr{sa, gp, p} }},
		{"setsockopt value", syscall.SYS_SETSOCKOPT, func(p uintptr) []uintptr { return []uintptr{sa, syscall.SOL_SOCKET, syscall.SO_RCVBUF, p, 4} }},
		{"getsockopt value", syscall.SYS_GETSOCKOPT, func(p uintptr) []uintptr { return []uintptr{sa, syscall.SOL_SOCKET, syscall.SO_TYPE, p, lenp} }},
		{"ioctl FIONREAD", syscall.SYS_IOCTL, func(p uintptr) []uintptr { return []uintptr{pr, syscall.TIOCINQ, p} }},
		{"fcntl F_GETLK", syscall.SYS_FCNTL, func(p uintptr) []uintptr { return []uintptr{ffd, syscall.F_GETLK, p} }},
		{"sendfile offset", syscall.SYS_SENDFILE, func(p uintptr) []uintptr { return []uintptr{pw, ffd, p, 1} }},
		{"copy_file_range offset", 326, func(p uintptr) []uintptr { return []uintptr{ffd, p, ffd, 0, 1, 0} }},
		{"clone3 args", 435, func(p uintptr) []uintptr { return []uintptr{p, 88} }},
	}
	before := countOpen(4096)
	for _, c := range calls {
		var rs []string
		for _, p := range ptrs {
			// The iovec and msghdr cases point a valid structure at the bad address.
			a := c.a(p.addr)
			switch c.name {
			case "readv iovec", "writev iovec":
				iov := make([]uintptr, 2)
				iov[0], iov[1] = p.addr, 1
				a[1] = addr(unsafe.Pointer(&iov[0]))
				keep = append(keep, bytesAt(a[1], 16))
			case "sendmsg msghdr", "recvmsg msghdr":
				iov := make([]uintptr, 2)
				iov[0], iov[1] = p.addr, 1
				msg := make([]uintptr, 7) // name, namelen, iov, iovlen, control, controllen, flags
				msg[2], msg[3] = addr(unsafe.Pointer(&iov[0])), 1
				a[1] = addr(unsafe.Pointer(&msg[0]))
				keep = append(keep, bytesAt(addr(unsafe.Pointer(&iov[0])), 16), bytesAt(a[1], 56))
			}
			r, e := raw(c.nr, a...)
			if e == 0 && c.nr == syscall.SYS_PIPE2 || e == 0 && c.nr == syscall.SYS_PIPE {
				fatal("%s %s succeeded", c.name, p.name)
			}
			rs = append(rs, p.name+"="+val(r, e))
			runtime.KeepAlive(a)
		}
		out("%s: %s", c.name, strings.Join(rs, " "))
	}
	out("open fds unchanged: %s", yes(countOpen(4096) == before))
	out("pipe still holds its byte: %s", yes(func() bool {
		r, e := raw(syscall.SYS_READ, pr, gp, 8)
		return e == 0 && r == 1
	}()))
}

// ---- pipe-wrong-end: wrong-way transfers fail at once ----------------------------------

func pipeWrongEnd() {
	buf := make([]byte, 16)
	bp := bufp(buf)
	for _, nb := range []bool{false, true} {
		var p [2]int32
		fl := uintptr(syscall.O_CLOEXEC)
		name := "blocking"
		if nb {
			fl |= syscall.O_NONBLOCK
			name = "non-blocking"
		}
		must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&p)), fl))
		r, w := uintptr(p[0]), uintptr(p[1])
		iov := []uintptr{bp, 1}
		iovp := addr(unsafe.Pointer(&iov[0]))
		for _, c := range []struct {
			name string
			nr   uintptr
			a    []uintptr
		}{
			{"read the write end", syscall.SYS_READ, []uintptr{w, bp, 1}},
			{"readv the write end", syscall.SYS_READV, []uintptr{w, iovp, 1}},
			{"write the read end", syscall.SYS_WRITE, []uintptr{r, bp, 1}},
			{"writev the read end", syscall.SYS_WRITEV, []uintptr{r, iovp, 1}},
			{"read 0 bytes of the empty pipe", syscall.SYS_READ, []uintptr{r, bp, 0}},
			{"read 0 bytes of the write end", syscall.SYS_READ, []uintptr{w, bp, 0}},
			{"pread64 the read end", syscall.SYS_PREAD64, []uintptr{r, bp, 1, 0}},
			{"recvfrom the read end", syscall.SYS_RECVFROM, []uintptr{r, bp, 1, 0, 0, 0}},
			{"accept the read end", syscall.SYS_ACCEPT, []uintptr{r, 0, 0}},
			{"sendto the write end", syscall.SYS_SENDTO, []uintptr{w, bp, 1, 0, 0, 0}},
			{"lseek the read end", syscall.SYS_LSEEK, []uintptr{r, 0, 0}},
			{"ftruncate the write end", syscall.SYS_FTRUNCATE, []uintptr{w, 0}},
		} {
			rr, e, cl := timed(func() (uintptr, syscall.Errno) { return raw(c.nr, c.a...) })
			out("%s pipe: %s: %s %s", name, c.name, val(rr, e), cl)
		}
		raw(syscall.SYS_CLOSE, w)
		rr, e, cl := timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_READ, r, bp, 1) })
		out("%s pipe: read with the write end closed: %s %s", name, val(rr, e), cl)
		raw(syscall.SYS_CLOSE, r)
	}
	var p [2]int32
	must(raw(syscall.SYS_PIPE2, addr(unsafe.Pointer(&p)), syscall.O_CLOEXEC))
	raw(syscall.SYS_CLOSE, uintptr(p[0]))
	signalIgnore(syscall.SIGPIPE)
	rr, e, cl := timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_WRITE, uintptr(p[1]), bp, 1) })
	out("write with the read end closed: %s %s", val(rr, e), cl)
	raw(syscall.SYS_CLOSE, uintptr(p[1]))

	ep := must(raw(syscall.SYS_EPOLL_CREATE1, syscall.EPOLL_CLOEXEC))
	rr, e, cl = timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_READ, ep, bp, 8) })
	out("read an epoll fd: %s %s", val(rr, e), cl)
	ev := must(raw(syscall.SYS_EVENTFD2, 0, syscall.O_CLOEXEC))
	rr, e, cl = timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_READ, ev, bp, 4) })
	out("read 4 bytes of an eventfd: %s %s", val(rr, e), cl)
	rr, e, cl = timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_WRITE, ev, bp, 4) })
	out("write 4 bytes to an eventfd: %s %s", val(rr, e), cl)
	pfd := must(raw(434, uintptr(os.Getpid()), 0))
	rr, e, cl = timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_READ, pfd, bp, 8) })
	out("read a pidfd: %s %s", val(rr, e), cl)
	d := must(raw(syscall.SYS_OPEN, cstr("/"), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC))
	rr, e, cl = timed(func() (uintptr, syscall.Errno) { return raw(syscall.SYS_READ, d, bp, 8) })
	out("read a directory: %s %s", val(rr, e), cl)
}

// signalIgnore sets SIG_IGN with a raw rt_sigaction (no os/signal goroutine).
func signalIgnore(sig syscall.Signal) {
	act := [4]uintptr{1, 0x04000000, 0, 0} // SIG_IGN, SA_RESTORER
	must(raw(syscall.SYS_RT_SIGACTION, uintptr(sig), addr(unsafe.Pointer(&act)), 0, 8))
}

var scenarios = map[string]func(){
	"noop":           func() { out("noop") },
	"proc-mem":       procMem,
	"proc-mem-child": procMemChild,
	"proc-self":      procSelf,
	"mem-huge":       memHuge,
	"fd-exhaust":     fdExhaust,
	"fd-clobber":     fdClobber,
	"bad-pointers":   badPointers,
	"pipe-wrong-end": pipeWrongEnd,
}

func main() {
	if len(os.Args) != 2 || scenarios[os.Args[1]] == nil {
		var names []string
		for n := range scenarios {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: abuse SCENARIO\nscenarios: %s\n", strings.Join(names, " "))
		os.Exit(2)
	}
	scenarios[os.Args[1]]()
}
