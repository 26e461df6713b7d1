// preempt needs asynchronous preemption (Go 1.14+): with GOMAXPROCS=1 (the test's env
// file) a goroutine spins in a loop with no function calls, so it never reaches a
// cooperative preemption point. sysmon sees it running for more than 10 ms and sends its
// thread SIGURG (tgkill); the handler redirects it into runtime.asyncPreempt, and main,
// which slept meanwhile, gets the only P back and finishes.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

var counter uint64
var started int32

//go:noinline
func spin() {
	atomic.StoreInt32(&started, 1)
	n := uint64(0)
	for {
		n++
		if n&0xffff == 0 {
			atomic.StoreUint64(&counter, n)
		}
	}
}

func main() {
	fmt.Printf("GOMAXPROCS=%d\n", runtime.GOMAXPROCS(0))
	go spin()
	for atomic.LoadInt32(&started) == 0 {
		runtime.Gosched()
	}
	fmt.Println("spinner started; main sleeps")
	time.Sleep(30 * time.Millisecond)
	fmt.Printf("main woke up while the spinner runs: counter>0 %v\n", atomic.LoadUint64(&counter) > 0)
	for i := 0; i < 3; i++ {
		time.Sleep(5 * time.Millisecond)
		fmt.Printf("main: round %d\n", i)
	}
	fmt.Println("preempt: done")
}
