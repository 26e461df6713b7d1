// chanbench is a goroutine- and channel-bound benchmark: a ring of goroutines passing a token
// (unbuffered channel handoffs, so every step is a park and a wake in the scheduler), then a
// worker pool fed through a buffered channel whose results are merged under a mutex. It
// prints the ring's final token and the pool's checksum. An optional argument scales both
// (default 6: about 0.2 s natively).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

// ring passes a counter around n goroutines, laps times, and returns it.
func ring(n, laps int) int {
	first := make(chan int)
	in := first
	for i := 0; i < n-1; i++ {
		out := make(chan int)
		go func(in <-chan int, out chan<- int) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(in, out)
		in = out
	}
	last := in
	v := 0
	for l := 0; l < laps; l++ {
		first <- v
		v = <-last
	}
	close(first)
	for range last {
	}
	return v
}

// pool hashes jobs on workers goroutines and sums the results under a mutex.
func pool(workers, jobs int) uint64 {
	work := make(chan uint64, 64)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var sum uint64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				h := j*0x9e3779b97f4a7c15 + 1
				for k := 0; k < 64; k++ {
					h ^= h >> 29
					h *= 0xbf58476d1ce4e5b9
				}
				mu.Lock()
				sum += h
				mu.Unlock()
			}
		}()
	}
	for j := 0; j < jobs; j++ {
		work <- uint64(j)
	}
	close(work)
	wg.Wait()
	return sum
}

func main() {
	scale := 6
	if len(os.Args) > 1 {
		if n, err := strconv.Atoi(os.Args[1]); err == nil && n > 0 {
			scale = n
		}
	}
	fmt.Println("ring:", ring(100, 1000*scale))
	fmt.Printf("pool: %#x\n", pool(8, 100000*scale))
}
