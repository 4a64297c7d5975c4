# Driver of the packaging tests (cmake -P). Variables (-D):
#   STEP              install | find_package | add_subdirectory | pkg_config
#   ATTUNE_BINARY_DIR the build tree to install (install)
#   ATTUNE_SOURCE_DIR the source tree (add_subdirectory)
#   CONFIG            the build configuration to install
#   PREFIX            the install prefix shared by the steps
#   WORK_DIR          a scratch directory of this step (removed first)
#   CONSUMER_DIR      tests/package/consumer
#   GENERATOR, CXX_COMPILER, CXX_FLAGS, EXE_LINKER_FLAGS: as the project's, passed to the consumer
#   C_COMPILER        the C compiler (c_api)
#   C_API_TEST, C_API_EXAMPLE, ABI_SYMBOLS: the C test program, the C example, the committed symbol
#                     list (c_api)
#   CONSUMER_BUILD_TYPE: build type of the consumer (add_subdirectory builds the library too, so it
#                     uses no optimisation to keep the test fast)
cmake_minimum_required(VERSION 3.24)

function(run)
  cmake_parse_arguments(R "" "WORKING_DIRECTORY" "COMMAND;ENVIRONMENT" ${ARGN})
  if(NOT R_WORKING_DIRECTORY)
    set(R_WORKING_DIRECTORY ${WORK_DIR})
  endif()
  list(JOIN R_COMMAND " " shown)
  message(STATUS "run: ${shown}")
  if(R_ENVIRONMENT)
    set(R_COMMAND ${CMAKE_COMMAND} -E env ${R_ENVIRONMENT} ${R_COMMAND})
  endif()
  execute_process(COMMAND ${R_COMMAND} WORKING_DIRECTORY ${R_WORKING_DIRECTORY}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${shown}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

function(check_consumer_output)
  if(NOT run_output MATCHES "consumer: OK")
    message(FATAL_ERROR "the consumer did not print 'consumer: OK'")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(consumer_cache
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
  -DCMAKE_BUILD_TYPE=${CONSUMER_BUILD_TYPE})

if(STEP STREQUAL "install")
  file(REMOVE_RECURSE ${PREFIX})
  run(COMMAND ${CMAKE_COMMAND} --install ${ATTUNE_BINARY_DIR} --prefix ${PREFIX} --config ${CONFIG})
  # What a consumer needs must be there, including the generated headers.
  file(GLOB_RECURSE config_files ${PREFIX}/*/attuneConfig.cmake)
  file(GLOB_RECURSE pc_files ${PREFIX}/*/attune.pc)
  foreach(f include/attune/attune.hpp include/attune/export.hpp include/attune/core/version.hpp
            include/attune/analyses/scoring.hpp bin/attune)
    if(NOT EXISTS ${PREFIX}/${f})
      message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
    endif()
  endforeach()
  if(NOT config_files OR NOT pc_files)
    message(FATAL_ERROR "attuneConfig.cmake or attune.pc not installed under ${PREFIX}")
  endif()
  if(EXISTS ${PREFIX}/include/attune/core/version.hpp.in)
    message(FATAL_ERROR "the version.hpp template was installed")
  endif()
  # The installed command line runs (for a shared build: it finds the library by its RPATH).
  run(COMMAND ${PREFIX}/bin/attune instruments)
  if(NOT run_output MATCHES "ecr-r")
    message(FATAL_ERROR "the installed attune instruments did not list ecr-r")
  endif()

elseif(STEP STREQUAL "find_package")
  run(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} ${consumer_cache}
              -DATTUNE_CONSUMER_MODE=find_package -DCMAKE_PREFIX_PATH=${PREFIX})
  run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run(COMMAND ${WORK_DIR}/build/app)
  check_consumer_output()

elseif(STEP STREQUAL "add_subdirectory")
  run(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} ${consumer_cache}
              -DATTUNE_CONSUMER_MODE=add_subdirectory -DATTUNE_SOURCE_DIR=${ATTUNE_SOURCE_DIR})
  run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build --target app --parallel 2)
  run(COMMAND ${WORK_DIR}/build/app)
  check_consumer_output()

elseif(STEP STREQUAL "pkg_config")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf)
  if(NOT PKG_CONFIG)
    message("pkg-config is not installed: test skipped")
    # ctest marks the test skipped on this output (SKIP_REGULAR_EXPRESSION)
    message(FATAL_ERROR "ATTUNE_TEST_SKIPPED")
  endif()
  file(GLOB_RECURSE pc_files ${PREFIX}/*/attune.pc)
  list(GET pc_files 0 pc_file)
  get_filename_component(pc_dir ${pc_file} DIRECTORY)
  # Only the install prefix (and the system's own .pc files, for eigen3) are searched.
  run(COMMAND ${PKG_CONFIG} --cflags --libs attune ENVIRONMENT PKG_CONFIG_PATH=${pc_dir})
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  # The include directory (relative to the .pc file's place) must be the prefix's.
  file(REAL_PATH ${PREFIX}/include prefix_include)
  set(found_include FALSE)
  foreach(f IN LISTS flags)
    if(f MATCHES "^-I(.*)")
      file(REAL_PATH ${CMAKE_MATCH_1} dir)
      if(dir STREQUAL prefix_include)
        set(found_include TRUE)
      endif()
    endif()
  endforeach()
  if(NOT found_include)
    message(FATAL_ERROR "pkg-config --cflags does not point into the install prefix ${PREFIX}: ${flags}")
  endif()
  file(GLOB_RECURSE static_libs ${PREFIX}/*/libattune.a)
  if(static_libs AND NOT flags MATCHES "-DATTUNE_STATIC_DEFINE")
    message(FATAL_ERROR "static library, but pkg-config --cflags lacks -DATTUNE_STATIC_DEFINE: ${flags}")
  endif()
  # The project's warning flags apply to the consumer too; -Werror is dropped because eigen3.pc
  # gives Eigen as a plain -I (not a system include), so Eigen's own warnings are not ours.
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${EXE_LINKER_FLAGS}")
  list(REMOVE_ITEM cxx_flags -Werror)
  set(libdir)
  foreach(f IN LISTS flags)
    if(f MATCHES "^-L(.*)")
      set(libdir ${CMAKE_MATCH_1})
    endif()
  endforeach()
  run(COMMAND ${CXX_COMPILER} -std=c++20 ${cxx_flags} ${CONSUMER_DIR}/main.cpp -o ${WORK_DIR}/app ${flags}
              -Wl,-rpath,${libdir})
  run(COMMAND ${WORK_DIR}/app)
  check_consumer_output()

elseif(STEP STREQUAL "c_api")
  # The C API from the install prefix: its header compiles as C99 with every warning an error, the
  # test program and the example link against the installed library and pass, and the library
  # exports exactly the committed list of C symbols.
  file(GLOB_RECURSE libs ${PREFIX}/*/libattune.so ${PREFIX}/*/libattune.a)
  list(GET libs 0 lib)
  get_filename_component(libdir ${lib} DIRECTORY)
  if(NOT EXISTS ${PREFIX}/include/attune/attune.h)
    message(FATAL_ERROR "not installed: ${PREFIX}/include/attune/attune.h")
  endif()
  # The sanitizers of the project's flags (asan preset) apply to the C program too.
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
  set(sanitizers)
  foreach(f IN LISTS cxx_flags)
    if(f MATCHES "^-f(no-)?sanitize|^-fno-omit-frame-pointer")
      list(APPEND sanitizers ${f})
    endif()
  endforeach()
  set(c_flags -std=c99 -Wall -Wextra -Werror -pedantic -O1 -g ${sanitizers})
  separate_arguments(link_flags UNIX_COMMAND "${EXE_LINKER_FLAGS}")
  foreach(program capi_test:${C_API_TEST} c_example:${C_API_EXAMPLE})
    string(REPLACE ":" ";" parts ${program})
    list(GET parts 0 name)
    list(GET parts 1 source)
    run(COMMAND ${C_COMPILER} ${c_flags} -I${PREFIX}/include -c ${source} -o ${WORK_DIR}/${name}.o)
    # A C++ library: the C++ compiler driver links it (libstdc++), as any C program's build would.
    run(COMMAND ${CXX_COMPILER} ${link_flags} ${sanitizers} ${WORK_DIR}/${name}.o -o ${WORK_DIR}/${name} ${lib} -pthread -lm
                -Wl,-rpath,${libdir})
  endforeach()
  run(COMMAND ${WORK_DIR}/capi_test ${ATTUNE_SOURCE_DIR})
  if(NOT run_output MATCHES ", 0 failed")
    message(FATAL_ERROR "capi_test did not pass")
  endif()
  run(COMMAND ${WORK_DIR}/c_example ${ATTUNE_SOURCE_DIR}/examples/data/ecr-r-sample.csv)

  # The ABI: the C symbols the library exports, against the committed list.
  find_program(NM NAMES nm)
  if(lib MATCHES "[.]so$")
    run(COMMAND ${NM} -D --defined-only ${lib})
  else()
    run(COMMAND ${NM} -g --defined-only ${lib})
  endif()
  string(REGEX MATCHALL "[0-9a-fA-F]+ T attune_[a-z_0-9]+" found "${run_output}")
  set(symbols)
  foreach(f IN LISTS found)
    string(REGEX REPLACE ".* T " "" f "${f}")
    list(APPEND symbols ${f})
  endforeach()
  list(REMOVE_DUPLICATES symbols)
  list(SORT symbols)
  file(STRINGS ${ABI_SYMBOLS} expected REGEX "^[^#]")
  list(SORT expected)
  if(NOT symbols STREQUAL expected)
    string(REPLACE ";" "\n  " a "${symbols}")
    string(REPLACE ";" "\n  " b "${expected}")
    message(FATAL_ERROR "the library exports these C symbols:\n  ${a}\nbut ${ABI_SYMBOLS} lists:\n  ${b}\n"
                        "Change the list only with the header (and ATTUNE_C_ABI_VERSION for an incompatible change).")
  endif()
  list(LENGTH symbols n)
  message(STATUS "ABI: ${n} C symbols, as listed")

else()
  message(FATAL_ERROR "STEP '${STEP}': use install, find_package, add_subdirectory, pkg_config or c_api")
endif()
