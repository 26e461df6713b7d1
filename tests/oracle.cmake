# goemu-oracle: differential tests of goemu's instruction handlers against this machine's CPU
# (src/oracle/, docs/oracle.md). The quick suite runs 200,000 cases over every implemented
# mnemonic with a fixed seed and fails on any mismatch.
file(GLOB ORACLE_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/oracle/*.c)
add_executable(goemu-oracle ${ORACLE_SOURCES})
target_link_libraries(goemu-oracle goemu_core)

add_test(NAME oracle.quick COMMAND goemu-oracle --cases 200000 --seed 1)
set_tests_properties(oracle.quick PROPERTIES LABELS oracle TIMEOUT 300)
