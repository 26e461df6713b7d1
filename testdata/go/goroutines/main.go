// goroutines exercises threads, futexes and timers: a worker pool over channels,
// WaitGroup, a contended Mutex, RWMutex, Once, sync/atomic, select with time.After,
// a Ticker and time.Sleep. Only results that do not depend on scheduling are printed;
// timing is checked as lower bounds only.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func workerPool() {
	const workers, jobs = 8, 1000
	jobCh := make(chan int)
	resCh := make(chan int, 16)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobCh {
				resCh <- j * j % 1009
			}
		}()
	}
	go func() {
		for i := 1; i <= jobs; i++ {
			jobCh <- i
		}
		close(jobCh)
	}()
	go func() {
		wg.Wait()
		close(resCh)
	}()
	sum, n := 0, 0
	for r := range resCh {
		sum += r
		n++
	}
	fmt.Printf("pool: workers=%d jobs=%d results=%d sum=%d\n", workers, jobs, n, sum)
}

func contendedMutex() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for g := 0; g < 300; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				mu.Lock()
				counter++
				if i%10 == 0 {
					runtime.Gosched()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("mutex: 300 goroutines x 100 increments = %d\n", counter)
}

func rwMutex() {
	var mu sync.RWMutex
	var wg sync.WaitGroup
	data := make([]int, 64)
	var reads int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if (i+g)%4 == 0 {
					mu.Lock()
					for k := range data {
						data[k]++
					}
					mu.Unlock()
				} else {
					mu.RLock()
					s := 0
					for _, v := range data {
						s += v
					}
					if s%len(data) != 0 {
						panic("rwmutex: torn read")
					}
					mu.RUnlock()
					atomic.AddInt64(&reads, 1)
				}
			}
		}(g)
	}
	wg.Wait()
	fmt.Printf("rwmutex: data[0]=%d data[63]=%d reads=%d\n", data[0], data[63], reads)
}

func atomics() {
	var plain int64
	var typed atomic.Int64
	var u32 atomic.Uint32
	var flag atomic.Bool
	var maxSeen int64
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				atomic.AddInt64(&plain, 1)
				typed.Add(int64(i))
				u32.Add(3)
			}
			for { // CAS loop keeping the maximum goroutine index seen
				old := atomic.LoadInt64(&maxSeen)
				if int64(g) <= old || atomic.CompareAndSwapInt64(&maxSeen, old, int64(g)) {
					break
				}
			}
			flag.Store(true)
		}(g)
	}
	wg.Wait()
	var sw int32 = 5
	prev := atomic.SwapInt32(&sw, 9)
	fmt.Printf("atomic: add=%d typed=%d u32=%d max=%d flag=%v swap=%d->%d\n",
		atomic.LoadInt64(&plain), typed.Load(), u32.Load(), maxSeen, flag.Load(), prev, sw)
}

func once() {
	var o sync.Once
	var calls int32
	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Do(func() { atomic.AddInt32(&calls, 1) })
		}()
	}
	wg.Wait()
	fmt.Printf("once: calls=%d\n", calls)
}

func pingPong() {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, open := <-pong
	fmt.Printf("pingpong: v=%d pong open after close=%v\n", v, open)
}

func pipeline() {
	src := make(chan int, 8)
	sq := make(chan int, 8)
	go func() {
		for i := 0; i < 500; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Printf("pipeline: sum of squares 0..499 = %d\n", total)
}

func selects() {
	never := make(chan int)
	start := time.Now()
	select {
	case <-never:
		fmt.Println("select: impossible receive")
	case <-time.After(15 * time.Millisecond):
		fmt.Printf("select: time.After fired, waited>=15ms: %v\n", time.Since(start) >= 15*time.Millisecond)
	}

	ready := make(chan int, 1)
	go func() { ready <- 42 }()
	select {
	case v := <-ready:
		fmt.Printf("select: received %d before timeout\n", v)
	case <-time.After(60 * time.Second):
		fmt.Println("select: unexpected timeout")
	}

	select {
	case v := <-never:
		fmt.Println("select: impossible", v)
	default:
		fmt.Println("select: default taken")
	}
}

func ticker() {
	start := time.Now()
	t := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range t.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	t.Stop()
	fmt.Printf("ticker: ticks=%d elapsed>=30ms: %v\n", ticks, time.Since(start) >= 30*time.Millisecond)
}

func sleep() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	el := time.Since(start)
	fmt.Printf("sleep: elapsed>=20ms: %v\n", el >= 20*time.Millisecond)

	var wg sync.WaitGroup
	var done int32
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			time.Sleep(time.Duration(g%5) * time.Millisecond)
			atomic.AddInt32(&done, 1)
		}(g)
	}
	wg.Wait()
	fmt.Printf("sleep: 20 sleeping goroutines finished=%d\n", done)
}

func main() {
	workerPool()
	contendedMutex()
	rwMutex()
	atomics()
	once()
	pingPong()
	pipeline()
	selects()
	ticker()
	sleep()
	fmt.Println("goroutines: done")
}
