// ctrlc waits for SIGINT through signal.Notify, as a program handling Ctrl-C does. Without
// arguments it sends SIGINT to itself (the golden program test); with "wait" it prints
// "ready" and waits for a SIGINT from outside (tests/ctrlc.sh sends one to goemu's host
// process); with "default" it waits with no handler, so SIGINT kills it (status 130).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	if mode == "default" {
		fmt.Println("ready")
		time.Sleep(60 * time.Second)
		fmt.Println("ctrlc: timeout (wrong)")
		os.Exit(1)
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	if mode == "wait" {
		fmt.Println("ready")
	} else {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	}
	select {
	case s := <-c:
		fmt.Printf("ctrlc: got %v\n", s)
	case <-time.After(60 * time.Second):
		fmt.Println("ctrlc: timeout (wrong)")
		os.Exit(1)
	}
}
