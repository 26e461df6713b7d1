module goemu.test/sigkill

go 1.19
