module goemu.test/preempt

go 1.19
