module goemu.test/subprocess

go 1.19
