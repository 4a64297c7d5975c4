#include "attune/core/limits.hpp"

#include <atomic>
#include <string>

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
std::atomic<int> json_depth{default_json_depth_limit};
}  // namespace

int json_depth_limit() noexcept { return json_depth.load(std::memory_order_relaxed); }

void set_json_depth_limit(int levels) {
  if (levels < 1 || levels > max_json_depth_limit) {
    throw error(errc::invalid_argument,
                "JSON depth limit " + std::to_string(levels) + " is outside [1, " + std::to_string(max_json_depth_limit) + "]",
                {.value = std::to_string(levels), .option = "json_depth_limit"});
  }
  json_depth.store(levels, std::memory_order_relaxed);
}

ATTUNE_END_NAMESPACE
