module goemu.test/panicexit

go 1.19
