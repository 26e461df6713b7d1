module goemu.test/intbench

go 1.19
