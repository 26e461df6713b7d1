module goemu.test/alloc

go 1.19
