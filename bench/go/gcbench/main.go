// gcbench is an allocation- and GC-bound benchmark in the style of binary-trees: many
// short-lived trees around one long-lived tree. It prints the node counts and a checksum.
// An optional argument sets the maximum depth (default 15).
package main

import (
	"fmt"
	"os"
	"strconv"
)

type node struct{ left, right *node }

func build(d int) *node {
	if d == 0 {
		return &node{}
	}
	return &node{build(d - 1), build(d - 1)}
}

func (n *node) count() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.count() + n.right.count()
}

func main() {
	maxDepth := 15
	if len(os.Args) > 1 {
		maxDepth, _ = strconv.Atoi(os.Args[1])
	}
	const minDepth = 4
	sum := build(maxDepth + 1).count()
	fmt.Printf("stretch tree of depth %d\t check: %d\n", maxDepth+1, sum)
	long := build(maxDepth)
	for d := minDepth; d <= maxDepth; d += 2 {
		iters := 1 << uint(maxDepth-d+minDepth)
		chk := 0
		for i := 0; i < iters; i++ {
			chk += build(d).count()
		}
		sum += chk
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", iters, d, chk)
	}
	sum += long.count()
	fmt.Printf("long lived tree of depth %d\t check: %d\n", maxDepth, long.count())
	fmt.Printf("gcbench checksum %d\n", sum)
}
