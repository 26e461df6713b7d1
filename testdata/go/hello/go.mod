module goemu.test/hello

go 1.19
