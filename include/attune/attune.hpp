/// @file attune.hpp
/// Everything in attune's public API.
#pragma once

#include "attune/csv.hpp"
#include "attune/error.hpp"
#include "attune/instrument.hpp"
#include "attune/responses.hpp"
#include "attune/scoring.hpp"
#include "attune/simulate.hpp"
#include "attune/version.hpp"
