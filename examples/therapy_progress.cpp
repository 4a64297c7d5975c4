// A client tracked over four administrations of the ECR-R during therapy.
//
// For each session the client's 36 answers are scored (anxiety, avoidance), placed on the
// anxiety x avoidance plane, and compared with the previous session and with intake using the
// reliable change index (Jacobson & Truax 1991): RCI = (x2 - x1) / (SD * sqrt(2) * sqrt(1 - r)).
// |RCI| > 1.96 is a change larger than measurement error would make in 95% of cases. Lower
// anxiety and avoidance count as improvement (toward security).
//
// IMPORTANT: no published ECR-R norms could be confirmed (Fraley, Waller & Brennan 2000). The SD,
// reliability and functional/dysfunctional norms below are ILLUSTRATIVE placeholders; a clinic
// would use those of its own reference groups (a JSON norm table, docs/change.md).
#include <attune/analyses/change.hpp>
#include <attune/analyses/classify.hpp>
#include <attune/keys/instrument.hpp>
#include <attune/analyses/scoring.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// 36 answers (1-7) whose keyed anxiety and avoidance means are close to the targets: each
// subscale gets round(18 * target) spread over its 18 items; reversed items get 8 - x.
std::vector<double> answers_for(const attune::instrument& inst, double anxiety, double avoidance) {
  std::vector<double> answers(inst.items.size());
  for (const auto& sub : inst.subscales) {
    const double target = sub.name == "anxiety" ? anxiety : avoidance;
    const auto k = static_cast<int>(sub.items.size());
    const int total = static_cast<int>(std::lround(target * k));
    const int base = total / k;
    int extra = total - base * k;
    for (const auto& id : sub.items) {
      const double keyed = base + (extra-- > 0 ? 1 : 0);
      const auto i = static_cast<std::size_t>(inst.item_index(id));
      answers[i] = inst.is_reversed(sub, id) ? 8.0 - keyed : keyed;
    }
  }
  return answers;
}

}  // namespace

int main() {
  const attune::instrument* ecrr = attune::find_builtin("ecr-r");
  if (ecrr == nullptr) {
    std::printf("ECR-R is not in this build's registry\n");
    return 1;
  }
  // The client's answers at intake, session 6, session 12 and the end of therapy.
  const char* when[] = {"intake", "session 6", "session 12", "end"};
  const double targets[4][2] = {{5.6, 4.9}, {5.0, 4.7}, {4.1, 4.2}, {3.2, 3.6}};
  std::vector<Eigen::MatrixXd> waves;
  for (const auto& t : targets) {
    const auto answers = answers_for(*ecrr, t[0], t[1]);
    const auto s = attune::score_respondent(*ecrr, answers);  // names: anxiety, avoidance
    Eigen::MatrixXd w(1, 2);
    w << s.scores[0], s.scores[1];
    waves.push_back(w);
  }

  // Illustrative reference values (see the note at the top).
  attune::rci_options rci;
  rci.sd = 1.1;
  rci.reliability = 0.90;
  const attune::scale_norm functional_anx{"anxiety", 3.2, 1.0, 300, "illustrative community sample", "illustrative", {}};
  const attune::scale_norm clinic_anx{"anxiety", 4.9, 1.1, 150, "illustrative outpatient sample", "illustrative", {}};
  const attune::scale_norm functional_avo{"avoidance", 2.9, 1.0, 300, "illustrative community sample", "illustrative", {}};
  const attune::scale_norm clinic_avo{"avoidance", 4.3, 1.1, 150, "illustrative outpatient sample", "illustrative", {}};
  const auto cut_anx = attune::jacobson_truax_cutoffs(functional_anx, clinic_anx, attune::change_direction::lower_is_better);
  const auto cut_avo = attune::jacobson_truax_cutoffs(functional_avo, clinic_avo, attune::change_direction::lower_is_better);

  attune::trajectory_options options;
  options.scales = {"anxiety", "avoidance"};
  options.rci = {rci, rci};
  options.cutoffs = {cut_anx.c, cut_avo.c};
  const auto tr = attune::compute_trajectories(waves, options);

  std::printf("ECR-R over four administrations (SD %.2f, reliability %.2f: S_diff = %.3f; ILLUSTRATIVE values)\n\n",
              rci.sd, rci.reliability, attune::standard_error_of_difference(rci.sd, rci.reliability));
  std::printf("  %-11s %8s %10s  %-12s %10s %10s\n", "", "anxiety", "avoidance", "style", "RCI anx", "RCI avo");
  for (std::size_t w = 0; w < waves.size(); ++w) {
    attune::classify_options co;
    co.method = attune::classify_method::midpoint;
    co.range = ecrr->range;
    const auto style = attune::classify(waves[w].col(0), waves[w].col(1), co).styles[0];
    std::string r_anx = "", r_avo = "";
    if (w > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%+.2f", tr.step_rci[w - 1](0, 0));
      r_anx = buf;
      std::snprintf(buf, sizeof buf, "%+.2f", tr.step_rci[w - 1](0, 1));
      r_avo = buf;
    }
    std::printf("  %-11s %8.2f %10.2f  %-12s %10s %10s\n", when[w], waves[w](0, 0), waves[w](0, 1),
                std::string(attune::to_string(style)).c_str(), r_anx.c_str(), r_avo.c_str());
  }
  std::printf("\n  (RCI between consecutive sessions: no single step is reliable on its own.)\n\n");
  std::printf("Intake to end of therapy:\n");
  const char* names[] = {"anxiety", "avoidance"};
  const attune::clinical_cutoffs cuts[] = {cut_anx, cut_avo};
  for (std::size_t s = 0; s < 2; ++s) {
    const auto si = static_cast<Eigen::Index>(s);
    std::printf("  %-9s change %+.2f, RCI %+.2f: %s; cut-off c = %.2f (a %.2f, b %.2f): %s\n", names[s],
                tr.total_change(0, si), tr.total_rci(0, si),
                std::string(attune::to_string(tr.total_category[s][0])).c_str(), cuts[s].c, cuts[s].a, cuts[s].b,
                std::string(attune::to_string(tr.clinical[s][0])).c_str());
  }
  std::printf("\n'recovered' = reliably improved AND past the cut-off c (closer to the functional than to the\n"
              "dysfunctional mean, in SD units); 'improved' = reliably improved but not past it.\n");
  std::printf("Note: %s\n", std::string(attune::dimensional_use_note()).c_str());
  return 0;
}
