// intbench is an integer-bound benchmark: a sieve of Eratosthenes, a multiplicative hash
// over the primes, an insertion-heavy sort and a CRC-style bit loop. It prints a checksum.
// An optional argument sets the number of rounds (default 8).
package main

import (
	"fmt"
	"os"
	"strconv"
)

func sieve(n int) []bool {
	composite := make([]bool, n+1)
	for i := 2; i*i <= n; i++ {
		if !composite[i] {
			for j := i * i; j <= n; j += i {
				composite[j] = true
			}
		}
	}
	return composite
}

func mix(h uint64) uint64 { // splitmix64 finaliser
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

func crc32(data []byte) uint32 {
	crc := ^uint32(0)
	for _, b := range data {
		crc ^= uint32(b)
		for k := 0; k < 8; k++ {
			crc = crc>>1 ^ 0xedb88320&-(crc&1)
		}
	}
	return ^crc
}

func shellSort(a []uint32) {
	for gap := len(a) / 2; gap > 0; gap /= 2 {
		for i := gap; i < len(a); i++ {
			v := a[i]
			j := i
			for ; j >= gap && a[j-gap] > v; j -= gap {
				a[j] = a[j-gap]
			}
			a[j] = v
		}
	}
}

func main() {
	rounds := 8
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	var sum uint64
	for r := 0; r < rounds; r++ {
		const n = 2000000
		comp := sieve(n)
		primes := 0
		var h uint64
		for i := 2; i <= n; i++ {
			if !comp[i] {
				primes++
				h = mix(h + uint64(i))
			}
		}
		a := make([]uint32, 200000)
		x := uint32(12345 + r)
		for i := range a {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			a[i] = x
		}
		shellSort(a)
		buf := make([]byte, 300000)
		for i := range buf {
			buf[i] = byte(a[i%len(a)] >> 7)
		}
		c := crc32(buf)
		sum += uint64(primes) + h + uint64(a[len(a)/2]) + uint64(c)
		if r == rounds-1 {
			fmt.Printf("primes=%d hash=%016x median=%d crc=%08x\n", primes, h, a[len(a)/2], c)
		}
	}
	fmt.Printf("intbench checksum %016x\n", sum)
}
