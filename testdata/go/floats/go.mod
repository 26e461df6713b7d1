module goemu.test/floats

go 1.19
