// Writes the generated seeds of fuzz/corpus/ (docs/fuzzing.md): what the library itself writes,
// so the fuzzers start from valid inputs of every format. Run from the source directory:
//   build/fuzz/fuzz/fuzz_make_seeds fuzz/corpus
// The hand-written seeds next to them (NAME.seed files) are kept as they are.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "attune/analyses/cat.hpp"
#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/keys/instrument.hpp"
#include "attune/keys/item_bank.hpp"
#include "attune/keys/norms.hpp"
#include "attune/study/state.hpp"

namespace {
std::string root;

// One seed file; `option` is the harness's option byte, written first where the harness takes one.
void seed(const std::string& harness, const std::string& name, const std::string& text, int option = -1) {
  std::ofstream out(root + "/" + harness + "/" + name, std::ios::binary);
  if (option >= 0) out.put(static_cast<char>(option));
  out << text;
  if (!out) {
    std::cerr << "cannot write " << root << "/" << harness << "/" << name << "\n";
    std::exit(1);
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds CORPUS_ROOT\n";
    return 2;
  }
  root = argv[1];
  for (const auto& inst : attune::builtin_instruments()) seed("instrument", "gen_" + inst.id + ".json", attune::instrument_to_json(inst));
  for (const auto& t : attune::builtin_norm_tables()) seed("norms", "gen_" + t.id + ".json", attune::norm_table_to_json(t));
  const attune::item_bank bank = attune::load_item_bank(ATTUNE_FUZZ_BANK);
  attune::item_bank small = bank;
  small.items.resize(4);
  seed("item_bank", "gen_ecr_4_items.json", attune::item_bank_to_json(small));
  // A session part-way, with a pending item, under each selection rule.
  int option = 0;
  for (auto sel : {attune::cat_selection::mfi, attune::cat_selection::mpwi, attune::cat_selection::kl}) {
    attune::cat_options o;
    o.selection = sel;
    o.randomesque = 3;
    o.stop.max_items = 8;
    attune::cat_session s(bank, o);
    for (int i = 0; i < 3; ++i) s.answer(*s.next_item(), 1 + i);
    (void)s.next_item();
    seed("cat_session", "gen_" + std::string(attune::to_string(sel)) + ".json", s.save(), option++ % 4 + 4);
  }
  Eigen::MatrixXd x(6, 3);
  x << 1, 2, 3, 2, 3, 3, 4, 4, 5, 5, 4, 4, 3, 2, std::nan(""), 1, 1, 2;
  attune::pairwise_moments pm;
  pm.add(x);
  seed("states", "gen_moments.txt", pm.serialize(), 1);
  for (auto m : {attune::missing_method::pairwise, attune::missing_method::listwise}) {
    attune::reliability_accumulator acc(3, m);
    acc.add(x);
    seed("states", "gen_accumulator_" + std::string(attune::to_string(m)) + ".txt", acc.serialize(),
         m == attune::missing_method::listwise ? 2 : 0);
  }
  attune::exact_moments em(3);
  em.add(x);
  seed("states", "gen_exact.txt", em.serialize(), 8);
  attune::polychoric_tables tables(3);
  tables.add(x);
  seed("states", "gen_polychoric_tables.txt", tables.serialize(), 128);
  // A state file of a 3-item scale (study/state.hpp), from a small CSV written here.
  const std::string csv = root + "/states/.seed_data.csv";
  {
    std::ofstream data(csv, std::ios::binary);
    data << "a,b,c\n1,2,3\n2,3,3\n4,4,5\n5,4,4\n3,2,\n1,1,2\n";
  }
  attune::reliability_study_options ro;
  ro.input.read.items = {"a", "b", "c"};
  ro.input.scoring.range = attune::response_range{1, 5};
  seed("states", "gen_state_file.txt", attune::serialize_state(attune::accumulate_reliability(nullptr, csv, ro)), 4);
  attune::correlate_study_options co;
  co.input = ro.input;
  seed("states", "gen_correlate_state_file.txt",
       attune::serialize_state(attune::accumulate_correlate(nullptr, csv, co)), 4 | 16);
  co.correlation.method = attune::correlation_kind::polychoric;
  seed("states", "gen_correlate_polychoric_state_file.txt",
       attune::serialize_state(attune::accumulate_correlate(nullptr, csv, co)), 4 | 16);
  std::remove(csv.c_str());
  // Factor and quality states need an instrument: the 12 items of ecr-s, 40 rows of 1..7.
  const attune::instrument ecrs = attune::resolve_instrument("ecr-s");
  const std::string items_csv = root + "/states/.seed_items.csv";
  {
    std::ofstream data(items_csv, std::ios::binary);
    for (std::size_t j = 0; j < ecrs.items.size(); ++j) data << (j ? "," : "") << ecrs.items[j].id;
    data << "\n";
    for (int i = 0; i < 40; ++i) {
      for (std::size_t j = 0; j < ecrs.items.size(); ++j) {
        data << (j ? "," : "") << 1 + (i * 3 + static_cast<int>(j) * (i % 5 + 1)) % 7;
      }
      data << "\n";
    }
  }
  seed("states", "gen_factor_state_file.txt", attune::serialize_state(attune::accumulate_factor(ecrs, items_csv)), 4 | 32);
  attune::factor_study_options fo;
  fo.polychoric = true;
  seed("states", "gen_factor_polychoric_state_file.txt",
       attune::serialize_state(attune::accumulate_factor(ecrs, items_csv, fo)), 4 | 32);
  seed("states", "gen_quality_state_file.txt", attune::serialize_state(attune::accumulate_quality(ecrs, items_csv)), 4 | 64);
  std::remove(items_csv.c_str());
  return 0;
}
