# A test that cannot run here: prints why, and the marker ctest's SKIP_REGULAR_EXPRESSION matches.
message("${REASON}")
message(FATAL_ERROR "ATTUNE_TEST_SKIPPED")
