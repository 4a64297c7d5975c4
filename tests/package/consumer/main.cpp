// A tiny program that uses attune the way a downstream project would: it includes the umbrella
// header and scores one ECR-R respondent. Built by tests/package/ from an install prefix
// (find_package), from the source tree (add_subdirectory) and with pkg-config flags.
#include <attune/attune.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  const attune::instrument* ecr_r = attune::find_builtin("ecr-r");
  if (ecr_r == nullptr) return 1;
  // Anxiety items 1-18 all 5 except the reversed items 9 and 11 (answered 3 -> 1 + 7 - 3 = 5);
  // avoidance items 19-36 all 2, the reversed ones answered 6 (-> 2). One answer missing.
  std::vector<double> answers(36, 0.0);
  for (int i = 1; i <= 36; ++i) {
    const bool reversed = ecr_r->items[static_cast<std::size_t>(i - 1)].reversed;
    answers[static_cast<std::size_t>(i - 1)] = i <= 18 ? (reversed ? 3.0 : 5.0) : (reversed ? 6.0 : 2.0);
  }
  answers[35] = std::nan("");
  const attune::respondent_scores r = attune::score_respondent(*ecr_r, answers);
  std::printf("attune %s: anxiety %.2f (%d answered), avoidance %.2f (%d answered)\n", attune::version_string,
              r.scores[0], r.answered[0], r.scores[1], r.answered[1]);
  const bool ok = r.scores[0] == 5.0 && r.scores[1] == 2.0 && r.answered[0] == 18 && r.answered[1] == 17;
  std::printf("%s\n", ok ? "consumer: OK" : "consumer: WRONG SCORES");
  return ok ? 0 : 1;
}
