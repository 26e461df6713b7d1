module goemu.test/stdio

go 1.19
