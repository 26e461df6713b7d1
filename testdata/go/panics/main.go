// panics recovers from every run-time panic a signal or a check produces: nil pointer
// reads and writes at small offsets (SIGSEGV SEGV_MAPERR, si_addr < 0x1000), a nil map
// write, index and slice bounds, integer division by zero (Go's explicit check, and a real
// #DE from DIVQ/IDIVQ in div_amd64.s: SIGFPE FPE_INTDIV), closing a closed channel, a custom
// panic, and with debug.SetPanicOnFault bad pointers made with unsafe (an unmapped address,
// SEGV_MAPERR, and a read-only page, SEGV_ACCERR).
package main

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

type node struct {
	a, b, c int64
	next    *node
}

type big struct {
	pad [3000]byte
	x   int64
}

// divq and idivq are DIVQ and IDIVQ with no checks (div_amd64.s).
func divq(a, b uint64) uint64
func idivq(a, b int64) int64

var (
	nilNode *node
	nilBig  *big
	sink    int64
	zero    = 0
	five    = 5
	// hideAddr: the fault address is an mmap result, which differs between runs.
	hideAddr bool
)

// try runs f and prints what it panicked with: the message, whether it is a runtime.Error,
// and the fault address when the error carries one (Go 1.17+ addressable errors).
func try(name string, f func()) {
	defer func() {
		r := recover()
		if r == nil {
			fmt.Printf("%-22s no panic\n", name)
			return
		}
		kind := "value"
		if _, ok := r.(runtime.Error); ok {
			kind = "runtime.Error"
		} else if _, ok := r.(error); ok {
			kind = "error"
		}
		extra := ""
		if a, ok := r.(interface{ Addr() uintptr }); ok && !hideAddr {
			extra = fmt.Sprintf(" addr=%#x", a.Addr())
		}
		fmt.Printf("%-22s %s: %v%s\n", name, kind, r, extra)
	}()
	f()
}

func main() {
	try("nil read +0", func() { sink = nilNode.a })
	try("nil read +8", func() { sink = nilNode.b })
	try("nil read +0x18", func() { sink = int64(uintptr(unsafe.Pointer(nilNode.next))) })
	try("nil write +0x10", func() { nilNode.c = 7 })
	try("nil write +0", func() { nilNode.a = 1 })
	try("nil read large off", func() { sink = nilBig.x })
	try("nil func call", func() {
		var f func()
		f()
	})
	try("nil map write", func() {
		var m map[string]int
		m["x"] = 1
	})
	try("index out of range", func() {
		s := []int{1, 2, 3}
		sink = int64(s[five])
	})
	try("slice bounds", func() {
		s := make([]int, 3)
		sink = int64(len(s[:five]))
	})
	try("divide by zero", func() { sink = int64(five / zero) })
	try("DIVQ by zero (#DE)", func() { sink = int64(divq(10, 0)) })
	try("IDIVQ overflow (#DE)", func() { sink = idivq(-1<<63, -1) })
	fmt.Printf("%-22s %d %d\n", "DIVQ/IDIVQ ok", divq(100, 7), idivq(-100, 7))
	try("close closed channel", func() {
		c := make(chan int)
		close(c)
		close(c)
	})
	try("custom panic", func() { panic("custom: something went wrong") })
	try("custom error panic", func() { panic(errors.New("custom error value")) })
	try("type assertion", func() {
		var i interface{} = "str"
		sink = int64(i.(int))
	})

	old := debug.SetPanicOnFault(true)
	fmt.Printf("SetPanicOnFault(true), was %v\n", old)
	try("unsafe 0xdead0000", func() {
		p := (*int64)(unsafe.Pointer(uintptr(0xdead0000)))
		sink = *p
	})
	try("unsafe nil+0x10", func() {
		p := (*int64)(unsafe.Pointer(uintptr(0x10)))
		*p = 3
	})
	// A page mapped read-only: the write is SEGV_ACCERR at that exact address.
	page, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Println("mmap:", err)
		return
	}
	at := uintptr(unsafe.Pointer(&page[0])) + 0x48
	hideAddr = true
	try("write read-only page", func() {
		defer func() {
			r := recover()
			a, ok := r.(interface{ Addr() uintptr })
			fmt.Printf("  fault address is the written byte: %v\n", ok && a.Addr() == at)
			panic(r)
		}()
		*(*int64)(unsafe.Pointer(at)) = 1
	})
	syscall.Munmap(page)
	try("read unmapped page", func() {
		defer func() {
			r := recover()
			a, ok := r.(interface{ Addr() uintptr })
			fmt.Printf("  fault address is the read byte: %v\n", ok && a.Addr() == at)
			panic(r)
		}()
		sink = *(*int64)(unsafe.Pointer(at))
	})
	debug.SetPanicOnFault(false)
	fmt.Println("panics: done")
}
