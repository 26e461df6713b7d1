module goemu.test/gcbench

go 1.19
