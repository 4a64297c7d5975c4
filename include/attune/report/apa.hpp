/// @file apa.hpp
/// Results paragraphs in APA style (7th edition), drawn from the same result structs as `to_json`
/// and `to_table`, so that no number can differ between them.
///
/// Numbers follow APA 7 (Publication Manual, sections 6.36 and 6.38): two decimals; no leading
/// zero for a statistic that cannot exceed 1 in absolute value (alpha, omega, correlations,
/// proportions); an exact p to three decimals, and p < .001 below that.
#pragma once

#include <string>

#include "attune/core/config.hpp"
#include "attune/study/reliability.hpp"

ATTUNE_BEGIN_NAMESPACE

/// `x` rounded to `decimals` places; `bounded` (|x| <= 1 by definition) drops the leading zero
/// (".94", "-.13"). NaN gives "NA".
ATTUNE_EXPORT std::string apa_number(double x, int decimals = 2, bool bounded = false);
/// "p = .012", "p < .001" (and "p > .999" for p = 1 after rounding); NaN gives "p = NA".
ATTUNE_EXPORT std::string apa_p(double p);

/// One paragraph per scale: items and N (and how missing answers were handled, read from the
/// counts), Cronbach's alpha with the first interval computed (its method and level named),
/// McDonald's omega total of the one-factor model and omega hierarchical of psych's bifactor
/// model, each with its interval when one was computed, and ordinal alpha when computed.
ATTUNE_EXPORT std::string to_apa(const reliability_study& study);

ATTUNE_END_NAMESPACE
