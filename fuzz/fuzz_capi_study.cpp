// Options JSON through the C API (attune_study_json, include/attune/attune.h): the first byte
// picks the study; the rest is the options text, applied to a small fixed data set (20 respondents
// of the built-in ECR-R, or 4 columns without an instrument). Every call returns a status; a
// status other than OK carries a message; ATTUNE_INTERNAL_ERROR is a finding.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "attune/attune.h"
#include "fuzz_support.hpp"

namespace {
const char* const studies[] = {"score", "reliability", "correlate", "factor", "classify", "change", "quality", "reliability"};

// Deterministic answers 1..7 with some structure (two blocks of items) and a few missing.
std::vector<double> answers(std::size_t rows, std::size_t cols) {
  std::vector<double> x(rows * cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      x[r * cols + c] = (r * 7 + c * 3) % 11 == 5 ? NAN : static_cast<double>(1 + (r * (c % 2 ? 3 : 5) + c / 9) % 7);
  return x;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  static attune_instrument* ecr = [] {
    attune_instrument* inst = nullptr;
    attune_error err;
    attune_fuzz::invariant(attune_instrument_builtin("ecr-r", &inst, &err) == ATTUNE_OK, "built-in ecr-r");
    return inst;
  }();
  const char* study = studies[in.options & 7];
  const bool no_instrument = (in.options & 8) && (std::strcmp(study, "reliability") == 0 || std::strcmp(study, "correlate") == 0);
  const std::size_t rows = 20, cols = no_instrument ? 4 : 36;
  static const std::vector<double> x36 = answers(rows, 36), x4 = answers(rows, 4);
  const std::string options(in.text);  // NUL-terminated; an embedded NUL ends the text early
  char* doc = nullptr;
  attune_error err;
  std::memset(&err, 0, sizeof err);
  const attune_status st = attune_study_json(study, no_instrument ? nullptr : ecr, (no_instrument ? x4 : x36).data(),
                                             rows, cols, options.c_str(), &doc, &err);
  attune_fuzz::invariant(st != ATTUNE_INTERNAL_ERROR, "no internal error");
  if (st == ATTUNE_OK) {
    attune_fuzz::invariant(doc != nullptr && doc[0] == '{', "a JSON document");
  } else {
    attune_fuzz::invariant(err.message[0] != '\0' && err.code == st, "an error carries its message and code");
  }
  attune_free(doc);
  return 0;
}
