module goemu.test/signotify

go 1.19
