/// @file attune.hpp
/// Everything in attune's public API.
#pragma once

#include "attune/cfa.hpp"
#include "attune/change.hpp"
#include "attune/classify.hpp"
#include "attune/csv.hpp"
#include "attune/error.hpp"
#include "attune/factor.hpp"
#include "attune/instrument.hpp"
#include "attune/moments.hpp"
#include "attune/omega.hpp"
#include "attune/polychoric.hpp"
#include "attune/quality.hpp"
#include "attune/reliability.hpp"
#include "attune/responses.hpp"
#include "attune/scoring.hpp"
#include "attune/simulate.hpp"
#include "attune/version.hpp"
