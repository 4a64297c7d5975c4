// Define your own instrument in code, check it, save it as JSON, load it back and score with it.
//
// The questionnaire below is invented for this example (a lab's 8-item screening form on a 1-5
// scale, with our own wording): two subscales of four items, one reverse-keyed item in each, and
// a composite. The same JSON file can be given to the command line:
//
//   attune score answers.csv --instrument my-screen.json
//
// A questionnaire whose key is not built in (e.g. RSQ or ASQ, whose published keys conflict) is
// defined the same way, with the key you have checked. Schema: docs/instrument-format.md.
#include <attune/attune.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>

namespace {

attune::instrument make_screen() {
  attune::instrument inst;
  inst.id = "my-screen";
  inst.name = "Closeness screening form (example)";
  inst.citation = "Invented for the attune examples; not a published instrument.";
  inst.range = {1.0, 5.0};  // 1 = strongly disagree ... 5 = strongly agree
  inst.scoring = attune::scoring_method::mean;
  inst.key_confirmation = attune::confirmation::author;  // we wrote it, so we know its key
  inst.key_source = "examples/custom_instrument.cpp";
  inst.wording_licence = "Public domain (example text).";
  // items: id, wording, reverse keyed?
  inst.items = {
      {"worry1", "I worry that people I love will leave me.", false, std::nullopt},
      {"worry2", "I need to hear often that I am loved.", false, std::nullopt},
      {"worry3", "I rarely worry about being left.", true, std::nullopt},
      {"worry4", "I get upset when someone close is not there for me.", false, std::nullopt},
      {"close1", "I keep my feelings to myself.", false, std::nullopt},
      {"close2", "I find it easy to rely on others.", true, std::nullopt},
      {"close3", "I pull back when someone gets close.", false, std::nullopt},
      {"close4", "I prefer not to depend on anyone.", false, std::nullopt},
  };
  inst.subscales = {
      {"anxiety", "Worry about rejection", {"worry1", "worry2", "worry3", "worry4"}, std::nullopt},
      {"avoidance", "Discomfort with closeness", {"close1", "close2", "close3", "close4"}, std::nullopt},
  };
  attune::composite insecurity;
  insecurity.name = "insecurity";
  insecurity.label = "Mean of anxiety and avoidance";
  insecurity.method = attune::composite::rule::mean;
  insecurity.parts = {"anxiety", "avoidance"};
  inst.composites = {insecurity};
  inst.anxiety = "anxiety";
  inst.avoidance = "avoidance";
  return inst;
}

int run() {
  // 1. Define and check. validate() throws attune::error naming the broken rule.
  attune::instrument inst = make_screen();
  inst.validate();
  std::printf("defined '%s': %zu items, %zu subscales, %zu composite\n", inst.id.c_str(), inst.items.size(),
              inst.subscales.size(), inst.composites.size());

  // A mistake is caught before any data are scored: here a subscale names an item that does not exist.
  attune::instrument broken = inst;
  broken.subscales[1].items.back() = "close5";
  try {
    broken.validate();
    std::printf("a broken definition was accepted\n");
    return 1;
  } catch (const attune::error& e) {
    std::printf("validate() on a broken copy: %s\n", e.what());
  }

  // 2. Save as JSON (written atomically) and load it back.
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "attune-example-my-screen.json";
  attune::save_instrument(inst, file.string());
  const attune::instrument loaded = attune::load_instrument(file.string());
  std::filesystem::remove(file);
  const bool same = attune::instrument_to_json(loaded) == attune::instrument_to_json(inst);
  std::printf("saved and reloaded %s: %s\n", file.filename().string().c_str(),
              same ? "identical" : "DIFFERENT");
  if (!same) return 1;
  std::printf("\n%s\n\n", attune::instrument_to_json(loaded).c_str());

  // 3. Score three respondents with the loaded definition (rows = respondents, columns = items in
  //    the instrument's order, NaN = no answer). The default rule needs ceil(0.8 * 4) = 4 answers
  //    of a 4-item subscale; scoring_options::min_answered = 0.75 would accept 3.
  const double na = std::numeric_limits<double>::quiet_NaN();
  attune::responses data;
  data.item_ids = loaded.item_ids();
  data.columns = data.item_ids;
  data.source = "three respondents";
  data.values.resize(3, 8);
  data.values << 5, 4, 1, 5, 1, 5, 2, 1,   // worried, comfortable with closeness
      2, 1, 4, 2, 5, 1, 4, 5,              // not worried, avoidant
      3, 2, 3, 3, 2, na, na, 3;            // two avoidance answers missing: 2 of 4 < 80% -> no score
  const attune::score_table t = attune::score(loaded, data);
  std::printf("%-12s", "respondent");
  for (const auto& name : t.names) std::printf(" %11s", name.c_str());
  std::printf("\n");
  for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
    std::printf("%-12ld", static_cast<long>(i + 1));
    for (Eigen::Index c = 0; c < t.scores.cols(); ++c) {
      if (std::isnan(t.scores(i, c))) std::printf(" %11s", "-");
      else std::printf(" %11.2f", t.scores(i, c));
    }
    std::printf("\n");
  }
  for (const auto& w : t.warnings) std::printf("warning: %s\n", w.c_str());
  // Respondent 1: anxiety = (5 + 4 + (1+5-1) + 5) / 4 = 4.75; avoidance = (1 + (6-5) + 2 + 1) / 4 = 1.25.
  if (std::abs(t.scores(0, 0) - 4.75) > 1e-12 || std::abs(t.scores(0, 1) - 1.25) > 1e-12) return 1;
  if (!std::isnan(t.scores(2, 1)) || !std::isnan(t.scores(2, 2))) return 1;
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const attune::error& e) {
    std::fprintf(stderr, "custom_instrument: %s\n", e.what());
    return 1;
  }
}
