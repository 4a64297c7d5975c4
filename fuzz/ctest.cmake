# Included by tests/CMakeLists.txt: the fuzzing smoke runs (label `fuzz`, docs/fuzzing.md). The
# fixture test builds the `fuzz` preset with clang into build/fuzz; then each harness runs 30 s
# (two at a time under ctest -j2) with the fixed libFuzzer seed ATTUNE_FUZZ_SEED. Where clang or
# libFuzzer is missing all of them skip, saying so.
set(ATTUNE_FUZZ_SEED 18 CACHE STRING "libFuzzer -seed of the 30-s fuzz smoke runs (0 = random)")
set(ATTUNE_FUZZ_MARKER "${CMAKE_CURRENT_BINARY_DIR}/fuzz_skipped.txt")
add_test(NAME fuzz_build
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DMARKER=${ATTUNE_FUZZ_MARKER}
                 -P ${PROJECT_SOURCE_DIR}/fuzz/build.cmake)
set_tests_properties(fuzz_build PROPERTIES FIXTURES_SETUP attune_fuzz LABELS fuzz PROCESSORS 2 TIMEOUT 1800
                                           SKIP_REGULAR_EXPRESSION "fuzz: skipped")
foreach(harness csv responses instrument norms item_bank cat_session states capi_study)
  add_test(NAME fuzz_${harness}
           COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DMARKER=${ATTUNE_FUZZ_MARKER}
                   -DHARNESS=${harness} -DSECONDS=30 -DSEED=${ATTUNE_FUZZ_SEED} -P ${PROJECT_SOURCE_DIR}/fuzz/run.cmake)
  set_tests_properties(fuzz_${harness} PROPERTIES FIXTURES_REQUIRED attune_fuzz LABELS fuzz TIMEOUT 300
                                                  SKIP_REGULAR_EXPRESSION "fuzz: skipped")
endforeach()
