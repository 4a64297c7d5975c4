# ctest fixture `fuzz_build` (fuzz/ctest.cmake): configures and builds the `fuzz` preset (clang,
# libFuzzer, ASan + UBSan) into build/fuzz, only the library and the harnesses. Where clang or
# libFuzzer is missing it writes MARKER with the reason and prints "fuzz: skipped", which ctest
# reports as a skip (the harness tests then skip too).
#   cmake -DSOURCE_DIR=... -DMARKER=... -P fuzz/build.cmake
file(REMOVE "${MARKER}")
function(skip reason)
  file(WRITE "${MARKER}" "${reason}")
  message("fuzz: skipped: ${reason}")
  return()
endfunction()

find_program(CLANGXX clang++-14)
if(NOT CLANGXX)
  skip("clang++-14 not found (apt-get install clang-14 libfuzzer-14-dev)")
  return()
endif()
# libFuzzer: a one-line harness must link with -fsanitize=fuzzer.
set(probe_dir "${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe")
file(MAKE_DIRECTORY "${probe_dir}")
file(WRITE "${probe_dir}/probe.cpp"
     "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
execute_process(COMMAND ${CLANGXX} -fsanitize=fuzzer,address,undefined probe.cpp -o probe
                WORKING_DIRECTORY "${probe_dir}" RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_VARIABLE probe_err)
if(NOT probe_rc EQUAL 0)
  skip("clang++-14 cannot link -fsanitize=fuzzer (apt-get install libfuzzer-14-dev): ${probe_err}")
  return()
endif()

execute_process(COMMAND ${CMAKE_COMMAND} --preset fuzz WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --preset fuzz failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build --preset fuzz WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --build --preset fuzz failed (${rc})")
endif()
