# The syscall probe (testdata/probe, built by testdata/build.sh with the newest Go release):
# run natively and under goemu on this machine by tests/run_probe.sh, outputs compared line by
# line; known differences are listed with their reason in testdata/probe/allowlist. Labels
# "probe" and "program" (so the sanitizer stage runs it too).
get_filename_component(GOEMU_PROBE_DIR ${CMAKE_CURRENT_LIST_DIR}/../testdata/probe ABSOLUTE)
if(EXISTS ${GOEMU_PROBE_DIR}/bin/probe)
  add_test(NAME probe.syscalls
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_probe.sh $<TARGET_FILE:goemu>
                   ${GOEMU_PROBE_DIR}/bin/probe ${GOEMU_PROBE_DIR}/allowlist)
  set_tests_properties(probe.syscalls PROPERTIES TIMEOUT 60 LABELS "probe;program"
                       ENVIRONMENT "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/probe-out")
else()
  message(WARNING "probe.cmake: no ${GOEMU_PROBE_DIR}/bin/probe (testdata/build.sh probe); not tested")
endif()
