# Golden-output tests: every Go test program built by testdata/build.sh, for every Go release
# under testdata/bin/<release>/, runs under goemu and must reproduce the native run's stdout,
# stderr and exit status byte for byte (expected files in testdata/go/<name>/, written by
# testdata/expect.sh --rebase). Test names: program.<release>.<binary>, label "program".
# <name>-stripped binaries are checked against <name>'s expected output. Options in the
# program's directory: args, env (ENVIRONMENT), stdin, stderr_lines and
# expected.stderr.<release> (only the first N lines of stderr, per-release expectations;
# see run_program.sh). ctrlc.<release> sends SIGINT to goemu from outside (ctrlc.sh).

get_filename_component(GOEMU_TESTDATA ${CMAKE_CURRENT_LIST_DIR}/../testdata ABSOLUTE)

# The program and golden tests run again with every block translated before it first runs
# (GOEMU_OPTS=--tier=2, label "tier2"): both tiers must give the same output and
# byte-identical traces.
set(GOEMU_RUN_PROGRAM ${CMAKE_CURRENT_LIST_DIR}/run_program.sh)

file(GLOB _goemu_releases LIST_DIRECTORIES true CONFIGURE_DEPENDS ${GOEMU_TESTDATA}/bin/go*)
foreach(_reldir ${_goemu_releases})
  if(NOT IS_DIRECTORY ${_reldir})
    continue()
  endif()
  get_filename_component(_release ${_reldir} NAME)
  file(GLOB _bins CONFIGURE_DEPENDS ${_reldir}/*)
  foreach(_bin ${_bins})
    get_filename_component(_binname ${_bin} NAME)
    string(REGEX REPLACE "-stripped$" "" _prog ${_binname})
    set(_dir ${GOEMU_TESTDATA}/go/${_prog})
    if(NOT EXISTS ${_dir}/expected.stdout)
      message(WARNING "programs.cmake: no ${_dir}/expected.stdout for ${_release}/${_binname}; not tested")
      continue()
    endif()

    set(_args "")
    if(EXISTS ${_dir}/args)          # one argument per line
      file(STRINGS ${_dir}/args _args)
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_dir}/args)
    endif()
    set(_env "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/program-out/${_release}/${_binname}")
    if(EXISTS ${_dir}/env)           # NAME=value per line, no semicolons
      file(STRINGS ${_dir}/env _extra_env)
      list(APPEND _env ${_extra_env})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_dir}/env)
    endif()

    set(_test program.${_release}.${_binname})
    add_test(NAME ${_test}
             COMMAND bash ${GOEMU_RUN_PROGRAM} $<TARGET_FILE:goemu> ${_bin} ${_dir} ${_args})
    set_tests_properties(${_test} PROPERTIES TIMEOUT 300 LABELS program ENVIRONMENT "${_env}")
    add_test(NAME tier2.${_test}
             COMMAND bash ${GOEMU_RUN_PROGRAM} $<TARGET_FILE:goemu> ${_bin} ${_dir} ${_args})
    set(_env2 "GOEMU_TEST_OUTDIR=${CMAKE_CURRENT_BINARY_DIR}/program-out-tier2/${_release}/${_binname}"
              "GOEMU_OPTS=--tier=2")
    if(EXISTS ${_dir}/env)
      list(APPEND _env2 ${_extra_env})
    endif()
    set_tests_properties(tier2.${_test} PROPERTIES TIMEOUT 300 LABELS tier2
                         ENVIRONMENT "${_env2}")
  endforeach()

  # Ctrl-C: SIGINT sent to goemu's host process must reach the guest as it reaches the
  # native program (tests/ctrlc.sh runs both).
  if(EXISTS ${_reldir}/ctrlc)
    add_test(NAME ctrlc.${_release}
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ctrlc.sh $<TARGET_FILE:goemu> ${_reldir}/ctrlc)
    set_tests_properties(ctrlc.${_release} PROPERTIES TIMEOUT 300 LABELS program)
  endif()
endforeach()
