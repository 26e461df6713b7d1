module goemu.test/args

go 1.19
