# Runs one libFuzzer harness of fuzz/ for SECONDS (docs/fuzzing.md):
#   cmake -DSOURCE_DIR=<repo> -DHARNESS=csv -DSECONDS=30 [-DSEED=N] [-DMARKER=<skip marker>] -P fuzz/run.cmake
# SEED is libFuzzer's -seed: the ctest smoke runs give a fixed one (fuzz/ctest.cmake), so a run
# mutates the same way each time; unset or 0, libFuzzer picks one at random (printed in its log),
# as long runs want.
# The harness starts from the committed seeds (fuzz/corpus/HARNESS) and the inputs of tests/data
# that suit it, and writes what it finds to build/fuzz/corpus/HARNESS (kept between runs). A crash,
# a leak, a timeout (a unit over 25 s) or a unit over 2 GB fails the run; the input is saved as
# build/fuzz/artifacts/HARNESS-crash-<sha1> (make it a regression test: tests/fuzz_regression_test.cpp).
if(MARKER AND EXISTS "${MARKER}")
  file(READ "${MARKER}" reason)
  message("fuzz: skipped: ${reason}")
  return()
endif()
set(build "${SOURCE_DIR}/build/fuzz")
set(bin "${build}/fuzz/fuzz_${HARNESS}")
if(NOT EXISTS "${bin}")
  message(FATAL_ERROR "${bin} is not built: cmake --preset fuzz && cmake --build --preset fuzz")
endif()
if(NOT SECONDS)
  set(SECONDS 30)
endif()
if(NOT SEED)
  set(SEED 0)
endif()
# Longest input tried: CSV and responses need a few records; JSON documents are larger.
set(max_len 4096)
set(seed_dirs "${SOURCE_DIR}/fuzz/corpus/${HARNESS}")
if(HARNESS STREQUAL "csv" OR HARNESS STREQUAL "responses")
  list(APPEND seed_dirs "${SOURCE_DIR}/tests/data/change" "${SOURCE_DIR}/tests/data/classify")
elseif(HARNESS STREQUAL "instrument" OR HARNESS STREQUAL "norms" OR HARNESS STREQUAL "item_bank")
  set(max_len 65536)
elseif(HARNESS STREQUAL "cat_session")
  set(max_len 16384)
elseif(HARNESS STREQUAL "states")
  list(APPEND seed_dirs "${SOURCE_DIR}/tests/data/fuzz")
endif()
set(work "${build}/corpus/${HARNESS}")
file(MAKE_DIRECTORY "${work}" "${build}/artifacts")
execute_process(
  COMMAND "${bin}" -max_total_time=${SECONDS} -max_len=${max_len} -timeout=25 -rss_limit_mb=2048 -seed=${SEED}
          -print_final_stats=1 "-artifact_prefix=${build}/artifacts/${HARNESS}-" "${work}" ${seed_dirs}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
# The last lines of the log hold the final stats (execs, coverage).
string(REGEX MATCHALL "#[0-9]+[^\n]*(DONE|INITED)[^\n]*|stat::[^\n]*" stats "${out}")
string(REPLACE ";" "\n" stats "${stats}")
message("fuzz_${HARNESS}, ${SECONDS} s, seed ${SEED}:\n${stats}")
if(NOT rc EQUAL 0)
  string(LENGTH "${out}" n)
  math(EXPR from "${n} - 6000")
  if(from LESS 0)
    set(from 0)
  endif()
  string(SUBSTRING "${out}" ${from} -1 tail)
  message(FATAL_ERROR "fuzz_${HARNESS} found a problem (exit ${rc}); the input is in ${build}/artifacts:\n${tail}")
endif()
