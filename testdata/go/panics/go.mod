module goemu.test/panics

go 1.19
