module goemu.test/floatbench

go 1.19
