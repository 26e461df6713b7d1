module goemu.test/goroutines

go 1.19
