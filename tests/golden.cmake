# Golden startup traces (goemu --trace-startup; docs/boot.md): the trace of hello and
# hello-stripped of every Go release under testdata/bin/<release>/ must equal
# testdata/golden/<release>/<binary>.trace byte for byte (test golden.<release>.<binary>);
# stripped and unstripped traces must agree after the header (golden.<release>.stripped-same);
# two runs of the newest and oldest release must give identical traces in every format
# (golden.<release>.twice). Label "golden". After an intended change:
#   tests/run_golden.sh --rebase build/goemu     and review the diff like code.

get_filename_component(GOEMU_GOLDEN ${CMAKE_CURRENT_LIST_DIR}/../testdata/golden ABSOLUTE)
get_filename_component(GOEMU_GOLDEN_BIN ${CMAKE_CURRENT_LIST_DIR}/../testdata/bin ABSOLUTE)
set(GOEMU_RUN_GOLDEN ${CMAKE_CURRENT_LIST_DIR}/run_golden.sh)

file(GLOB _golden_releases LIST_DIRECTORIES true CONFIGURE_DEPENDS ${GOEMU_GOLDEN_BIN}/go*)
foreach(_reldir ${_golden_releases})
  if(NOT IS_DIRECTORY ${_reldir} OR NOT EXISTS ${_reldir}/hello)
    continue()
  endif()
  get_filename_component(_release ${_reldir} NAME)
  foreach(_bin hello hello-stripped)
    if(NOT EXISTS ${_reldir}/${_bin})
      continue()
    endif()
    set(_test golden.${_release}.${_bin})
    add_test(NAME ${_test}
             COMMAND bash ${GOEMU_RUN_GOLDEN} check $<TARGET_FILE:goemu> ${_reldir}/${_bin}
                     ${GOEMU_GOLDEN}/${_release}/${_bin}.trace)
    set_tests_properties(${_test} PROPERTIES TIMEOUT 120 LABELS golden ENVIRONMENT
        "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/golden-out/${_release}")
    add_test(NAME tier2.${_test}
             COMMAND bash ${GOEMU_RUN_GOLDEN} check $<TARGET_FILE:goemu> ${_reldir}/${_bin}
                     ${GOEMU_GOLDEN}/${_release}/${_bin}.trace)
    set_tests_properties(tier2.${_test} PROPERTIES TIMEOUT 120 LABELS tier2 ENVIRONMENT
        "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/golden-out-tier2/${_release};GOEMU_OPTS=--tier=2")
  endforeach()
  if(EXISTS ${_reldir}/hello-stripped)
    add_test(NAME golden.${_release}.stripped-same
             COMMAND bash ${GOEMU_RUN_GOLDEN} same-events ${GOEMU_GOLDEN}/${_release}/hello.trace
                     ${GOEMU_GOLDEN}/${_release}/hello-stripped.trace)
    set_tests_properties(golden.${_release}.stripped-same PROPERTIES TIMEOUT 30 LABELS golden)
  endif()
  add_test(NAME golden.${_release}.twice
           COMMAND bash ${GOEMU_RUN_GOLDEN} twice $<TARGET_FILE:goemu> ${_reldir}/hello)
  set_tests_properties(golden.${_release}.twice PROPERTIES TIMEOUT 120 LABELS golden)
endforeach()
