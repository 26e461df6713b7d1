module goemu.test/abuse

go 1.19
