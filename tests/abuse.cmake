# The guest-abuse suite (testdata/abuse, built by testdata/build.sh with the newest Go release):
# each scenario tries one way out of, or around, goemu (/proc/self/mem, huge mappings, fd
# exhaustion and clobbering, bad pointers, wrong pipe ends) under goemu and natively;
# tests/run_abuse.sh compares the outputs, and kills and fails a run that outlives its timeout
# or whose resident memory passes the cap. Labels "abuse" and "program" (so the sanitizer
# stage runs it too); ASan's own memory is allowed for by scaling the cap.
get_filename_component(GOEMU_ABUSE_DIR ${CMAKE_CURRENT_LIST_DIR}/../testdata/abuse ABSOLUTE)
if(EXISTS ${GOEMU_ABUSE_DIR}/bin/abuse)
  set(_abuse_env "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/abuse-out")
  if(GOEMU_SANITIZE)
    list(APPEND _abuse_env "GOEMU_ABUSE_RSS_SCALE=3")
  endif()
  add_test(NAME abuse.scenarios
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_abuse.sh $<TARGET_FILE:goemu>
                   ${GOEMU_ABUSE_DIR}/bin/abuse ${GOEMU_ABUSE_DIR}/expected)
  set_tests_properties(abuse.scenarios PROPERTIES TIMEOUT 60 LABELS "abuse;program"
                       ENVIRONMENT "${_abuse_env}")
else()
  message(WARNING "abuse.cmake: no ${GOEMU_ABUSE_DIR}/bin/abuse (testdata/build.sh abuse); not tested")
endif()
