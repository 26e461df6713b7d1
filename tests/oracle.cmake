# goemu-oracle: differential tests of goemu's instruction handlers against this machine's CPU
# (src/oracle/, docs/oracle.md). The quick suite runs 200,000 cases over every implemented
# mnemonic with a fixed seed and fails on any mismatch.
# goemu_native (src/oracle/native.c) runs instruction bytes on the host CPU; the oracle and the
# instruction unit tests (through goemu_test_harness) share it.
add_library(goemu_native STATIC ${CMAKE_SOURCE_DIR}/src/oracle/native.c)
target_link_libraries(goemu_native PUBLIC goemu_core)

file(GLOB ORACLE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/oracle/*.c)
list(FILTER ORACLE_SOURCES EXCLUDE REGEX "/native\\.c$")
add_executable(goemu-oracle ${ORACLE_SOURCES})
target_link_libraries(goemu-oracle goemu_native goemu_core)

add_test(NAME oracle.quick COMMAND goemu-oracle --cases 200000 --seed 1)
set_tests_properties(oracle.quick PROPERTIES LABELS oracle TIMEOUT 300)
# The same cases with every block run as translated code (tier 2): both tiers match the CPU.
add_test(NAME oracle.quick.tier2 COMMAND goemu-oracle --cases 200000 --seed 1 --tier 2)
set_tests_properties(oracle.quick.tier2 PROPERTIES LABELS oracle TIMEOUT 300)
