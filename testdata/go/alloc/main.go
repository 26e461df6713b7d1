// alloc exercises the garbage collector and the heap: binary trees, a large map
// checksummed in sorted key order, slice growth, a large allocation, strings,
// runtime.GC, debug.FreeOSMemory and runtime.ReadMemStats.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

type node struct{ left, right *node }

func bottomUp(depth int) *node {
	if depth <= 0 {
		return &node{}
	}
	return &node{bottomUp(depth - 1), bottomUp(depth - 1)}
}

func (n *node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

func binaryTrees() {
	const minDepth, maxDepth = 4, 16
	fmt.Printf("trees: stretch depth %d check %d\n", maxDepth+1, bottomUp(maxDepth+1).check())
	long := bottomUp(maxDepth)
	for d := minDepth; d <= maxDepth; d += 4 {
		iters := 1 << uint(maxDepth-d)
		chk := 0
		for i := 0; i < iters; i++ {
			chk += bottomUp(d).check()
		}
		fmt.Printf("trees: %d trees of depth %d check %d\n", iters, d, chk)
	}
	fmt.Printf("trees: long lived depth %d check %d\n", maxDepth, long.check())
}

func bigMap() {
	const n = 200000
	m := make(map[uint64]uint64)
	for i := uint64(0); i < n; i++ {
		k := (i * 2654435761) % (1 << 32) // odd multiplier: a bijection mod 2^32
		m[k] = i ^ (k << 7)
	}
	deleted := 0
	for i := uint64(0); i < n; i += 7 {
		delete(m, (i*2654435761)%(1<<32))
		deleted++
	}
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	var h uint64 = 14695981039346656037
	for _, k := range keys {
		h = (h ^ k) * 1099511628211
		h = (h ^ m[k]) * 1099511628211
	}
	fmt.Printf("map: inserted=%d deleted=%d len=%d min=%d max=%d checksum=%016x\n",
		n, deleted, len(m), keys[0], keys[len(keys)-1], h)

	sm := make(map[string]int)
	for i := 0; i < 20000; i++ {
		sm["key-"+strconv.Itoa(i*31%20000)] += i
	}
	skeys := make([]string, 0, len(sm))
	for k := range sm {
		skeys = append(skeys, k)
	}
	sort.Strings(skeys)
	sh := 0
	for i, k := range skeys {
		sh = (sh*131 + len(k)*7 + sm[k] + i) % 1000000007
	}
	fmt.Printf("map: string keys len=%d first=%s last=%s checksum=%d\n", len(sm), skeys[0], skeys[len(skeys)-1], sh)
}

func slices() {
	var s []int
	for i := 0; i < 1000000; i++ {
		s = append(s, i*3)
	}
	sum := 0
	for _, v := range s {
		sum += v
	}
	fmt.Printf("slice: len=%d sum=%d\n", len(s), sum)

	big := make([]byte, 64<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = byte(i >> 12)
	}
	bs := 0
	for i := 0; i < len(big); i += 4096 {
		bs += int(big[i])
	}
	fmt.Printf("large: %d MiB, page sum=%d\n", len(big)>>20, bs)

	var b strings.Builder
	for i := 0; i < 10000; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte(',')
	}
	str := b.String()
	fmt.Printf("strings: builder len=%d commas=%d has \"9999,\"=%v\n", len(str), strings.Count(str, ","), strings.HasSuffix(str, "9999,"))
	parts := strings.Split(str, ",")
	fmt.Printf("strings: split parts=%d joined len=%d upper=%q\n", len(parts), len(strings.Join(parts, ";")), strings.ToUpper("garbage collected"))
}

func main() {
	binaryTrees()
	bigMap()
	slices()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("memstats: NumGC>0=%v HeapAlloc>0=%v\n", ms.NumGC > 0, ms.HeapAlloc > 0)
	fmt.Println("alloc: done")
}
