# The test python_pip_install (cmake -P): pip installs the package into TARGET_DIR with the
# documented command, then a fresh interpreter imports it from there and scores a respondent.
file(REMOVE_RECURSE ${TARGET_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -E env ATTUNE_BUILD_DIR=${BUILD_DIR} PIP_NO_INDEX=1
                        ${PYTHON} -m pip install --no-build-isolation --no-deps --target ${TARGET_DIR} ./bindings/python
                WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pip install failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${TARGET_DIR}
                        ${PYTHON} -c "import attune, sys; s = attune.score_respondent('ecr-r', [4.0] * 36); assert attune.__file__.startswith(sys.argv[1]), attune.__file__; assert s == {'anxiety': 4.0, 'avoidance': 4.0}, s; print('installed attune', attune.__version__, 'from', attune.__file__)" ${TARGET_DIR}
                WORKING_DIRECTORY ${TARGET_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed package does not work (${rc})")
endif()
