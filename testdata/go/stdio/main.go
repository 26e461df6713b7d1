// stdio reads standard input line by line and echoes it upper-cased with line numbers,
// then exercises the file system in a fresh temporary directory: create, write, chmod,
// stat, append, seek, read back, readdir, rename, remove, and a missing file's error.
// The temporary path itself is never printed.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: unexpected error\n", what)
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

func echoStdin() {
	sc := bufio.NewScanner(os.Stdin)
	n, bytesIn := 0, 0
	for sc.Scan() {
		n++
		bytesIn += len(sc.Bytes())
		fmt.Printf("%3d: %s\n", n, strings.ToUpper(sc.Text()))
	}
	check("scan stdin", sc.Err())
	fmt.Printf("stdin: %d lines, %d bytes without newlines\n", n, bytesIn)
}

func files() {
	dir, err := os.MkdirTemp("", "goemu-stdio-")
	check("MkdirTemp", err)
	defer os.RemoveAll(dir)
	fi, err := os.Stat(dir)
	check("stat dir", err)
	fmt.Printf("tempdir: IsDir=%v\n", fi.IsDir())

	name := filepath.Join(dir, "data.txt")
	f, err := os.Create(name)
	check("create", err)
	content := []byte("line one\nline two\nline three\n")
	nw, err := f.Write(content)
	check("write", err)
	check("close", f.Close())
	fmt.Printf("write: %d bytes\n", nw)

	check("chmod", os.Chmod(name, 0640))
	fi, err = os.Stat(name)
	check("stat", err)
	fmt.Printf("stat: name=%s size=%d regular=%v perm=%v\n", fi.Name(), fi.Size(), fi.Mode().IsRegular(), fi.Mode().Perm())

	f, err = os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	check("open append", err)
	_, err = f.WriteString("line four\n")
	check("append", err)
	check("close append", f.Close())

	back, err := os.ReadFile(name)
	check("readfile", err)
	fmt.Printf("readback: %d bytes, %d lines, prefix ok=%v\n", len(back), bytes.Count(back, []byte("\n")), bytes.HasPrefix(back, content))

	f, err = os.Open(name)
	check("open", err)
	off, err := f.Seek(9, io.SeekStart)
	check("seek", err)
	buf := make([]byte, 8)
	_, err = io.ReadFull(f, buf)
	check("read", err)
	fmt.Printf("seek: offset=%d read=%q\n", off, buf)
	at := make([]byte, 10)
	_, err = f.ReadAt(at, int64(len(content)))
	check("readat", err)
	fmt.Printf("readat: %q\n", at)
	_, err = f.Seek(0, io.SeekEnd)
	check("seek end", err)
	nr, err := f.Read(buf)
	fmt.Printf("read at EOF: n=%d io.EOF=%v\n", nr, err == io.EOF)
	check("close read", f.Close())

	check("mkdir", os.Mkdir(filepath.Join(dir, "sub"), 0755))
	check("write b", os.WriteFile(filepath.Join(dir, "b.txt"), []byte("bee"), 0600))
	renamed := filepath.Join(dir, "a.txt")
	check("rename", os.Rename(name, renamed))
	ents, err := os.ReadDir(dir)
	check("readdir", err)
	for _, e := range ents {
		fmt.Printf("readdir: %s dir=%v\n", e.Name(), e.IsDir())
	}

	check("remove", os.Remove(renamed))
	_, err = os.Stat(renamed)
	fmt.Printf("after remove: ErrNotExist=%v\n", errors.Is(err, fs.ErrNotExist))
	_, err = os.Open(filepath.Join(dir, "never-created"))
	var pe *fs.PathError
	fmt.Printf("open missing: ErrNotExist=%v PathError=%v op=%s\n", errors.Is(err, fs.ErrNotExist), errors.As(err, &pe), pe.Op)
	err = os.Mkdir(filepath.Join(dir, "sub"), 0755)
	fmt.Printf("mkdir existing: ErrExist=%v\n", errors.Is(err, fs.ErrExist))
	err = os.Remove(filepath.Join(dir, "sub", "nothing"))
	fmt.Printf("remove missing: ErrNotExist=%v\n", errors.Is(err, fs.ErrNotExist))

	check("removeall", os.RemoveAll(dir))
	_, err = os.Stat(dir)
	fmt.Printf("tempdir removed: %v\n", errors.Is(err, fs.ErrNotExist))
}

func main() {
	echoStdin()
	files()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "buffered: %s\n", strings.Repeat("ab", 5))
	check("flush", w.Flush())
	fmt.Println("stdio: done")
}
