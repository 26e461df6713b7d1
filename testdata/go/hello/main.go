// hello is the smallest test program: runtime start-up, one write(2), exit 0.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
