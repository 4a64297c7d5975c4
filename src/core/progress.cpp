#include "attune/core/progress.hpp"

#include <algorithm>
#include <string>

ATTUNE_BEGIN_NAMESPACE

std::string progress_text(const progress_event& e, int bar_width) {
  std::string line = std::string(e.stage) + " ";
  if (e.total == 0) return line + std::to_string(e.done);
  const double share = std::min(1.0, static_cast<double>(e.done) / static_cast<double>(e.total));
  const int filled = static_cast<int>(share * bar_width);
  const std::string percent = std::to_string(static_cast<int>(share * 100.0));
  return line + "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(bar_width - filled), '-') + "] " +
         std::string(3 - std::min<std::size_t>(3, percent.size()), ' ') + percent + "% " + std::to_string(e.done) +
         "/" + std::to_string(e.total);
}

ATTUNE_END_NAMESPACE
