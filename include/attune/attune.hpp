/// @file attune.hpp
/// Everything in attune's public API.
#pragma once

#include "attune/analyses/cfa.hpp"
#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/analyses/cluster.hpp"
#include "attune/io/csv.hpp"
#include "attune/core/error.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/profiles.hpp"
#include "attune/analyses/quality.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/data/responses.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/core/version.hpp"
