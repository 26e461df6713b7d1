// subprocess runs itself as a child process through os/exec, the way Go's own tests re-run
// their binary: fork and exec, wait, exit statuses, stdout and stderr captured through pipes,
// stdin from the parent, the environment, argv[0], the working directory, process groups
// and sessions, a grandchild, children killed by signals, children started in parallel, a
// shell script (not a Go binary), and commands that cannot be started at all.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		os.Exit(child(os.Args[2:]))
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Println("os.Executable:", err)
		os.Exit(1)
	}
	parent(self)
}

// child does what its first argument says and returns its exit status.
func child(args []string) int {
	switch args[0] {
	case "exit":
		var code int
		fmt.Sscan(args[1], &code)
		return code
	case "echo":
		fmt.Println(strings.Join(args[1:], " "))
		fmt.Fprintln(os.Stderr, "echo to stderr")
	case "env":
		v, ok := os.LookupEnv("GOEMU_SUBPROCESS_VAR")
		fmt.Printf("GOEMU_SUBPROCESS_VAR=%q set=%v\n", v, ok)
	case "argv0":
		fmt.Printf("argv0=%q args=%q\n", os.Args[0], os.Args[1:])
	case "upper":
		in, _ := io.ReadAll(os.Stdin)
		fmt.Print(strings.ToUpper(string(in)))
	case "pwd":
		wd, _ := os.Getwd()
		fmt.Println("wd:", wd)
	case "pgid":
		pgid, _ := syscall.Getpgid(0)
		fmt.Println("own process group:", pgid == os.Getpid())
	case "sid":
		sid, _, _ := syscall.RawSyscall(syscall.SYS_GETSID, 0, 0, 0)
		fmt.Println("session leader:", int(sid) == os.Getpid())
	case "direct":
		fmt.Println("written by the child straight to the inherited stdout")
	case "grandchild":
		self, _ := os.Executable()
		out, err := exec.Command(self, "child", "echo", "from", "the", "grandchild").Output()
		fmt.Printf("grandchild said %q, err=%v\n", out, err)
	case "suicide":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case "block":
		fmt.Println("ready")
		io.ReadAll(os.Stdin) // until the parent kills us
	}
	return 0
}

func report(name string, cmd *exec.Cmd, err error) {
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	fmt.Printf("%s: err=%v exit=%d\n", name, err, code)
}

func parent(self string) {
	fmt.Println("self:", filepath.Base(self))

	cmd := exec.Command(self, "child", "exit", "0")
	report("exit 0", cmd, cmd.Run())
	cmd = exec.Command(self, "child", "exit", "3")
	err := cmd.Run()
	var ee *exec.ExitError
	report("exit 3", cmd, err)
	fmt.Println("  is ExitError:", errors.As(err, &ee), "success:", cmd.ProcessState.Success())

	var stdout, stderr bytes.Buffer
	cmd = exec.Command(self, "child", "echo", "hello", "world")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	report("echo", cmd, cmd.Run())
	fmt.Printf("  stdout=%q stderr=%q\n", stdout.String(), stderr.String())

	cmd = exec.Command(self, "child", "env")
	cmd.Env = append(os.Environ(), "GOEMU_SUBPROCESS_VAR=set by the parent")
	out, err := cmd.Output()
	fmt.Printf("env: %q err=%v\n", out, err)
	cmd = exec.Command(self, "child", "env")
	cmd.Env = []string{}
	out, err = cmd.Output()
	fmt.Printf("empty env: %q err=%v\n", out, err)

	cmd = &exec.Cmd{Path: self, Args: []string{"renamed-child", "child", "argv0", "x y"}}
	out, err = cmd.Output()
	fmt.Printf("argv0: %q err=%v\n", out, err)

	cmd = exec.Command(self, "child", "upper")
	cmd.Stdin = strings.NewReader("line one\nline two\n")
	out, err = cmd.Output()
	fmt.Printf("stdin: %q err=%v\n", out, err)

	cmd = exec.Command(self, "child", "upper")
	w, _ := cmd.StdinPipe()
	r, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Println("start:", err)
	}
	fmt.Fprintln(w, "through a pipe")
	w.Close()
	line, _ := bufio.NewReader(r).ReadString('\n')
	fmt.Printf("pipes: %q wait=%v\n", line, cmd.Wait())

	cmd = exec.Command(self, "child", "pwd")
	cmd.Dir = "/"
	out, err = cmd.Output()
	fmt.Printf("dir: %q err=%v\n", out, err)

	cmd = exec.Command(self, "child", "pgid")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err = cmd.Output()
	fmt.Printf("setpgid: %q err=%v\n", out, err)
	cmd = exec.Command(self, "child", "sid")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err = cmd.Output()
	fmt.Printf("setsid: %q err=%v\n", out, err)

	cmd = exec.Command(self, "child", "direct")
	cmd.Stdout = os.Stdout
	report("inherited stdout", cmd, cmd.Run())

	out, err = exec.Command(self, "child", "grandchild").Output()
	fmt.Printf("grandchild: %q err=%v\n", out, err)

	cmd = exec.Command(self, "child", "suicide")
	report("killed itself", cmd, cmd.Run())

	cmd = exec.Command(self, "child", "block")
	pr, _ := cmd.StdoutPipe()
	cmd.StdinPipe() // left open: the child blocks reading it
	if err := cmd.Start(); err != nil {
		fmt.Println("start:", err)
	}
	ready, _ := bufio.NewReader(pr).ReadString('\n')
	fmt.Printf("block: child said %q\n", ready)
	fmt.Println("  kill:", cmd.Process.Kill())
	report("killed by the parent", cmd, cmd.Wait())

	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := exec.Command(self, "child", "echo", "parallel", fmt.Sprint(i)).Output()
			results[i] = fmt.Sprintf("%q %v", out, err)
		}(i)
	}
	wg.Wait()
	for i, r := range results {
		fmt.Printf("parallel %d: %s\n", i, r)
	}

	out, err = exec.Command("/bin/sh", "-c", "echo from sh; exit 4").Output()
	fmt.Printf("sh: %q err=%v\n", out, err)

	err = exec.Command("/nonexistent/goemu-subprocess").Run()
	fmt.Println("missing path:", err, "| not exist:", errors.Is(err, fs.ErrNotExist))
	err = exec.Command("goemu-surely-missing-command").Run()
	fmt.Println("missing command:", err, "| ErrNotFound:", errors.Is(err, exec.ErrNotFound))
	f, _ := os.CreateTemp("", "goemu-subprocess-")
	f.Close()
	defer os.Remove(f.Name())
	err = exec.Command(f.Name()).Run()
	fmt.Println("not executable: permission:", errors.Is(err, fs.ErrPermission))
	fmt.Println("done")
}
