// args checks the initial stack goemu builds: argv (including argv[0]), the environment
// as seen through os.Getenv and os.Environ, a line on stderr, and a non-zero exit status
// taken from the last argument.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	fmt.Printf("argv0 base=%q\n", filepath.Base(os.Args[0]))
	fmt.Printf("nargs=%d\n", len(os.Args)-1)
	for i, a := range os.Args[1:] {
		fmt.Printf("arg[%d]=%q\n", i+1, a)
	}

	v, ok := os.LookupEnv("GOEMU_TEST_VAR")
	fmt.Printf("Getenv(GOEMU_TEST_VAR)=%q set=%v\n", v, ok)
	found := false
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOEMU_TEST_VAR=") {
			found = kv == "GOEMU_TEST_VAR="+v
		}
	}
	fmt.Printf("Environ has GOEMU_TEST_VAR: %v\n", found)
	_, ok = os.LookupEnv("GOEMU_SURELY_UNSET_VAR")
	fmt.Printf("GOEMU_SURELY_UNSET_VAR set=%v\n", ok)

	code := 0
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[len(os.Args)-1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "args: last argument is not a number: %v\n", err)
			os.Exit(2)
		}
		code = n
	}
	fmt.Fprintf(os.Stderr, "args: exiting with status %d\n", code)
	os.Exit(code)
}
