module goemu.test/sigterm

go 1.19
