// Score one respondent at a time, as an app or a web service would after each completed
// questionnaire: one answer vector in (instrument item order, NaN = not answered), scores out.
// `score_respondent` obeys the same rules as scoring a whole file:
//   - reverse keying with the response range (min + max - x);
//   - a subscale score only when enough items are answered (default: 80%, i.e. 5 of 6 for the
//     ECR-S), otherwise NaN - never a score silently biased by missing answers;
//   - an answer outside the response range is an error (attune::error, code bad_input) naming the
//     item and value, unless the options say to treat it as missing.
// The instrument here is the 12-item ECR-S (Wei et al., 2007; 1-7 scale).
#include <attune/attune.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();

void print(const char* who, const attune::respondent_scores& r) {
  std::printf("%-34s", who);
  for (std::size_t s = 0; s < r.names.size(); ++s) {
    if (std::isnan(r.scores[s])) std::printf("  %s: no score (%d answered)", r.names[s].c_str(), r.answered[s]);
    else std::printf("  %s = %.3f (%d answered)", r.names[s].c_str(), r.scores[s], r.answered[s]);
  }
  if (r.n_out_of_range > 0) std::printf("  [%zu out-of-range answer(s) ignored]", r.n_out_of_range);
  std::printf("\n");
}

int run() {
  // Look the instrument up once (the registry is immutable and thread-safe).
  const attune::instrument& ecrs = *attune::find_builtin("ecr-s");
  std::printf("%s: items %s..%s, range %g-%g\n\n", ecrs.name.c_str(), ecrs.items.front().id.c_str(),
              ecrs.items.back().id.c_str(), ecrs.range.min, ecrs.range.max);
  const attune::scoring_options options;  // defaults: instrument range, 80% answered, errors on bad values

  // 1. A complete questionnaire. Anxiety = Q2, Q4, Q6, Q8 (reversed), Q10, Q12;
  //    avoidance = Q1 (reversed), Q3, Q5 (reversed), Q7, Q9 (reversed), Q11.
  const std::array<double, 12> complete = {2, 6, 1, 5, 3, 6, 2, 2, 6, 7, 1, 5};
  const auto r1 = attune::score_respondent(ecrs, complete, options);
  print("complete answers:", r1);
  // anxiety = (6 + 5 + 6 + (8 - 2) + 7 + 5) / 6 = 35 / 6
  if (std::abs(r1.scores[0] - 35.0 / 6.0) > 1e-12) return 1;

  // 2. One anxiety answer skipped: 5 of 6 is enough; the mean is over the five answered.
  std::array<double, 12> one_missing = complete;
  one_missing[11] = na;  // Q12
  print("Q12 skipped:", attune::score_respondent(ecrs, one_missing, options));

  // 3. Too few answers: two avoidance items skipped leaves 4 of 6 (< 5): no avoidance score. The
  //    app should ask the respondent to complete the form rather than show a number.
  std::array<double, 12> too_few = complete;
  too_few[0] = na;  // Q1
  too_few[2] = na;  // Q3
  const auto r3 = attune::score_respondent(ecrs, too_few, options);
  print("Q1 and Q3 skipped:", r3);
  if (!std::isnan(r3.scores[1]) || r3.answered[1] != 4) return 1;

  // 4. An answer outside 1-7 (a typo, or a form that used 0-6) is an error, not a silent score.
  std::array<double, 12> typo = complete;
  typo[6] = 9;  // Q7
  try {
    attune::score_respondent(ecrs, typo, options);
    std::printf("an answer of 9 was accepted\n");
    return 1;
  } catch (const attune::error& e) {
    std::printf("%-34s  error (%s): %s\n", "Q7 = 9:", std::string(attune::to_string(e.code())).c_str(),
                e.what());
    if (e.code() != attune::errc::bad_input) return 1;
  }
  // ... or, when the app prefers, treated as missing and counted.
  attune::scoring_options lenient = options;
  lenient.out_of_range = attune::out_of_range_policy::set_missing;
  const auto r4 = attune::score_respondent(ecrs, typo, lenient);
  print("Q7 = 9, set_missing:", r4);
  if (r4.n_out_of_range != 1 || r4.answered[1] != 5) return 1;

  // 5. A wrong number of answers is a programming error (invalid_argument).
  const std::array<double, 11> short_form = {};
  try {
    attune::score_respondent(ecrs, short_form, options);
    return 1;
  } catch (const attune::error& e) {
    std::printf("%-34s  error (%s): %s\n", "11 answers:", std::string(attune::to_string(e.code())).c_str(),
                e.what());
  }
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const attune::error& e) {
    std::fprintf(stderr, "app_single_respondent: %s\n", e.what());
    return 1;
  }
}
