// sigkill sends itself SIGKILL, which cannot be caught: the process dies at once and a
// shell reports status 137 (128+9).
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	fmt.Println("sigkill: sending SIGKILL to myself")
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	time.Sleep(5 * time.Second)
	fmt.Println("sigkill: still alive (wrong)")
}
