#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::bad_input: return "bad_input";
    case errc::io_error: return "io_error";
    case errc::insufficient_data: return "insufficient_data";
    case errc::numerical_issue: return "numerical_issue";
    case errc::no_convergence: return "no_convergence";
  }
  return "unknown";
}

ATTUNE_END_NAMESPACE
