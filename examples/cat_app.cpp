// An adaptive ECR, driven the way a stateless web server would drive it: every answer is a new
// request that restores the session from the JSON saved after the previous one, records the
// answer, picks the next item and saves the session again. Nothing but that JSON string survives
// between requests.
//
// The bank is examples/data/ecr-openpsychometrics-bank.json: graded response model parameters
// calibrated by scripts/calibrate-ecr-bank.sh on the open openpsychometrics.org ECR data (an online
// sample answering on a 1-5 scale; not the ECR authors' calibration). The "respondent" is simulated
// from the bank's own model with a seed, so the run is the same everywhere.
#include <attune/attune.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace {

int run() {
  const attune::item_bank bank =
      attune::load_item_bank(std::string(ATTUNE_EXAMPLES_DIR) + "/data/ecr-openpsychometrics-bank.json");
  const attune::instrument& ecr = *attune::find_builtin("ecr");
  std::printf("%s: %zu items, scales", bank.instrument.c_str(), bank.items.size());
  for (const auto& s : bank.scales()) std::printf(" %s", s.c_str());
  std::printf("\n%s\n\n", bank.provenance.sample.c_str());

  // A respondent with anxiety 1.2 and avoidance -0.5 (the bank's scales in bank order), answering
  // every item of the bank from the model; the CAT will ask only some of them.
  const std::vector<std::string> scales = bank.scales();
  Eigen::MatrixXd theta(1, static_cast<Eigen::Index>(scales.size()));
  for (std::size_t s = 0; s < scales.size(); ++s) theta(0, static_cast<Eigen::Index>(s)) = scales[s] == "anxiety" ? 1.2 : -0.5;
  const Eigen::MatrixXd answers = attune::simulate_graded(bank, theta, /*seed=*/2026);

  attune::cat_options options;
  options.selection = attune::cat_selection::mfi;
  options.balance = attune::cat_balance::alternate;  // anxiety, avoidance, anxiety, ...
  options.stop.se = 0.32;
  options.stop.min_items = 3;
  options.stop.max_items = 12;

  // Request 0: a new session, saved before the first item is shown.
  std::string saved = attune::cat_session(bank, options).save();
  int requests = 0;
  for (;;) {
    // One request: restore, choose the item to show (or finish), answer, save.
    attune::cat_session session = attune::cat_session::restore(bank, saved);
    const std::optional<std::string> item = session.next_item();
    if (!item) break;
    const auto j = static_cast<Eigen::Index>(bank.item_index(*item));
    const double value = answers(0, j);  // what the respondent taps in the app
    session.answer(*item, value);
    saved = session.save();
    ++requests;
    const attune::cat_response& last = session.history().back();
    const std::ptrdiff_t k = ecr.item_index(*item);
    std::printf("%2d  %-4s %-9s answer %g  theta %6.3f  SE %.3f  %s\n", requests, item->c_str(), last.scale.c_str(),
                value, last.theta, last.se, k >= 0 ? ecr.items[static_cast<std::size_t>(k)].text.c_str() : "");
  }

  const attune::cat_session final_state = attune::cat_session::restore(bank, saved);
  const auto rule = final_state.stop_rule();
  std::printf("\n%zu of %zu items asked; stop rule: %s\n", final_state.history().size(), bank.items.size(),
              rule ? std::string(attune::to_string(*rule)).c_str() : "none");
  for (const auto& s : final_state.scales()) {
    std::printf("  %-9s theta %6.3f  SE %.3f  (%d items, %s)\n", s.name.c_str(), s.theta, s.se, s.items,
                s.stop ? std::string(attune::to_string(*s.stop)).c_str() : "open");
  }
  std::printf("saved session: %zu bytes of JSON\n", saved.size());
  // The checks the test suite relies on: the session finished, by a stop rule, within the limits.
  if (!final_state.done() || !rule) return 1;
  for (const auto& s : final_state.scales()) {
    if (s.items < options.stop.min_items || s.items > *options.stop.max_items) return 1;
    if (!std::isfinite(s.theta) || !(s.se > 0)) return 1;
  }
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const attune::error& e) {
    std::fprintf(stderr, "cat_app: %s\n", e.what());
    return 1;
  }
}
