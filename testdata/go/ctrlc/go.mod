module goemu.test/ctrlc

go 1.19
