// panicexit dies of an unrecovered nil pointer dereference, as a Go program does natively:
// exit status 2, "panic: runtime error: invalid memory address or nil pointer dereference"
// then "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=...]" on stderr, where
// pc is the faulting instruction (the sigcontext rip goemu reports).
package main

import "fmt"

type node struct {
	val  int
	next *node
}

//go:noinline
func walk(n *node) int {
	return n.val
}

func main() {
	fmt.Println("panicexit: about to dereference nil")
	var n *node
	fmt.Println(walk(n))
	fmt.Println("panicexit: not reached")
}
