module goemu.test/faultexit

go 1.19
