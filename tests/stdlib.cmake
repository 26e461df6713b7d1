# The Go standard library's own tests as an external suite: for each package, a fixture
# builds its test binary with the host Go toolchain (stdlib.build.<pkg>), and stdlib.<pkg>
# runs it under goemu with -test.short in the package's source directory (tests read their
# testdata/ files). Both are skipped (exit 77) when the toolchain is missing. Label "stdlib".

set(GOEMU_STDLIB_GO /usr/local/go/bin/go CACHE FILEPATH "Go toolchain that builds the stdlib test binaries")
set(GOEMU_STDLIB_PACKAGES strings strconv sort bytes unicode/utf8 math bufio sync
    fmt errors encoding/json container/heap hash/crc32)
get_filename_component(_stdlib_sh ${CMAKE_CURRENT_LIST_DIR}/../testdata/stdlib.sh ABSOLUTE)
set(_stdlib_out ${CMAKE_BINARY_DIR}/stdlib)

foreach(_pkg ${GOEMU_STDLIB_PACKAGES})
  add_test(NAME stdlib.build.${_pkg}
           COMMAND bash ${_stdlib_sh} build ${GOEMU_STDLIB_GO} ${_pkg} ${_stdlib_out})
  set_tests_properties(stdlib.build.${_pkg} PROPERTIES
                       FIXTURES_SETUP stdlib.${_pkg} SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS stdlib)

  add_test(NAME stdlib.${_pkg}
           COMMAND bash ${_stdlib_sh} run ${GOEMU_STDLIB_GO} $<TARGET_FILE:goemu> ${_pkg} ${_stdlib_out})
  set_tests_properties(stdlib.${_pkg} PROPERTIES
                       FIXTURES_REQUIRED stdlib.${_pkg} SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS stdlib)
endforeach()
