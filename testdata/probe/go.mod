module goemu.test/probe

go 1.19
