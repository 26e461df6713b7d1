// faultexit reads through a deliberately bad pointer made with unsafe, without
// debug.SetPanicOnFault: the runtime reports "unexpected fault address 0xdead0000", then
// "fatal error: fault" and "[signal SIGSEGV: segmentation violation code=0x1
// addr=0xdead0000 pc=...]", and exits with status 2.
package main

import (
	"fmt"
	"unsafe"
)

var sink int64

//go:noinline
func load(p *int64) int64 {
	return *p
}

func main() {
	fmt.Println("faultexit: reading 0xdead0000")
	sink = load((*int64)(unsafe.Pointer(uintptr(0xdead0000))))
	fmt.Println("faultexit: not reached")
}
