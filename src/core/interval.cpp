#include "attune/core/interval.hpp"

#include <cmath>

ATTUNE_BEGIN_NAMESPACE

bool confidence_interval::finite() const noexcept { return std::isfinite(lower) && std::isfinite(upper); }

ATTUNE_END_NAMESPACE
