/// @file attune.hpp
/// Everything in attune's public API, layer by layer (DESIGN.md): core, io, data, keys,
/// analyses, study, report. tests/headers_test.cpp checks that every public header is here.
#pragma once

#include "attune/core/config.hpp"
#include "attune/core/error.hpp"
#include "attune/core/interval.hpp"
#include "attune/core/version.hpp"

#include "attune/io/csv.hpp"
#include "attune/io/output_file.hpp"

#include "attune/data/responses.hpp"

#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/keys/norms.hpp"

#include "attune/analyses/bootstrap.hpp"
#include "attune/analyses/cat.hpp"
#include "attune/analyses/cfa.hpp"
#include "attune/analyses/change.hpp"
#include "attune/analyses/classify.hpp"
#include "attune/analyses/cluster.hpp"
#include "attune/analyses/correlation.hpp"
#include "attune/analyses/descriptives.hpp"
#include "attune/analyses/factor.hpp"
#include "attune/analyses/factor_fit.hpp"
#include "attune/analyses/factor_scores.hpp"
#include "attune/analyses/icc.hpp"
#include "attune/analyses/irt.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/omega.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/profiles.hpp"
#include "attune/analyses/quality.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/analyses/scoring.hpp"
#include "attune/analyses/simulate.hpp"
#include "attune/analyses/split_half.hpp"

#include "attune/study/change.hpp"
#include "attune/study/classify.hpp"
#include "attune/study/correlate.hpp"
#include "attune/study/factor.hpp"
#include "attune/study/input.hpp"
#include "attune/study/irt.hpp"
#include "attune/study/measurement.hpp"
#include "attune/study/profiles.hpp"
#include "attune/study/quality.hpp"
#include "attune/study/reliability.hpp"
#include "attune/study/score.hpp"

#include "attune/report/apa.hpp"
#include "attune/report/format.hpp"
#include "attune/report/json.hpp"
#include "attune/report/rows.hpp"
#include "attune/report/table.hpp"
