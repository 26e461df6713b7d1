// sigterm sends itself SIGTERM with no signal.Notify: the runtime's handler finds nobody
// wants it and re-raises it with the default action (dieFromSignal), so the process dies by
// SIGTERM and a shell reports status 143 (128+15), with nothing on stderr.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	fmt.Println("sigterm: sending SIGTERM to myself")
	os.Stdout.Sync()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	time.Sleep(5 * time.Second)
	fmt.Println("sigterm: still alive (wrong)")
}
