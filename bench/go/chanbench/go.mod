module goemu.test/chanbench

go 1.19
