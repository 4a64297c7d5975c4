// Private helper of the analyses: running out of memory as an attune::error.
#pragma once

#include <cstddef>
#include <new>
#include <string>

#include "attune/core/error.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Runs `f`; std::bad_alloc becomes attune::error (invalid_argument: the request is too large for
/// this machine) naming the analysis, its k and the memory its k x k matrices take (issue 10,
/// F16: reliability of 10,000 items ended in "internal error: std::bad_alloc"). `matrices` is
/// about how many k x k matrices of doubles the analysis holds at once.
template <class F>
auto out_of_memory_as_error(const char* analysis, long long k, double matrices, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    const double gb = matrices * 8.0 * static_cast<double>(k) * static_cast<double>(k) / 1e9;
    throw error(errc::invalid_argument, std::string(analysis) + ": not enough memory for k = " + std::to_string(k) +
                                            " items (about " + number_text(gb, 3) + " GB of k x k matrices)");
  }
}

}  // namespace detail
ATTUNE_END_NAMESPACE
