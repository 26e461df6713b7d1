// signotify: os/signal delivers signals the process sends itself. SIGUSR1 and SIGTERM are
// routed to a channel with signal.Notify and sent with syscall.Kill(os.Getpid(), ...) (a
// process-directed kill(2)) and syscall.Tgkill to the sending thread; after signal.Ignore a
// SIGUSR2 is dropped; after signal.Reset... nothing is sent (that would kill us).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func expect(c chan os.Signal, want os.Signal) {
	select {
	case got := <-c:
		fmt.Printf("received %v (want %v): %v\n", got, want, got == want)
	case <-time.After(10 * time.Second):
		fmt.Printf("timeout waiting for %v\n", want)
	}
}

func main() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGTERM)
	pid := os.Getpid()

	fmt.Println("kill(getpid(), SIGUSR1)")
	syscall.Kill(pid, syscall.SIGUSR1)
	expect(c, syscall.SIGUSR1)

	fmt.Println("kill(getpid(), SIGTERM)")
	syscall.Kill(pid, syscall.SIGTERM)
	expect(c, syscall.SIGTERM)

	// Thread-directed: the signal must reach this very thread's handler.
	runtime.LockOSThread()
	fmt.Println("tgkill(getpid(), gettid(), SIGUSR1)")
	syscall.Tgkill(pid, syscall.Gettid(), syscall.SIGUSR1)
	expect(c, syscall.SIGUSR1)
	runtime.UnlockOSThread()

	// Two different signals back to back, both queued on the buffered channel.
	syscall.Kill(pid, syscall.SIGTERM)
	syscall.Kill(pid, syscall.SIGUSR1)
	got := map[os.Signal]bool{}
	for i := 0; i < 2; i++ {
		select {
		case s := <-c:
			got[s] = true
		case <-time.After(10 * time.Second):
		}
	}
	fmt.Printf("two signals back to back: SIGTERM %v SIGUSR1 %v\n", got[syscall.SIGTERM], got[syscall.SIGUSR1])

	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(pid, syscall.SIGUSR2)
	time.Sleep(10 * time.Millisecond)
	fmt.Println("SIGUSR2 ignored, still alive")

	signal.Stop(c)
	signal.Notify(c, syscall.SIGHUP)
	syscall.Kill(pid, syscall.SIGHUP)
	expect(c, syscall.SIGHUP)
	fmt.Println("signotify: done")
}
