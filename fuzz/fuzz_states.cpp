// Serialized states: the first byte picks the reader. Bit 2 (value 4): a state file
// (read_reliability_state, or with bit 4 (value 16) read_correlate_state, bit 5 (value 32)
// read_factor_state, bit 6 (value 64) read_quality_state, then merged with itself and analysed:
// study/state.hpp); bit 3 (value 8):
// exact sums (exact_moments::deserialize); otherwise bit 0 picks pairwise_moments::deserialize or
// reliability_accumulator::deserialize. An accepted state serializes back to a state that reads
// back, and the analyses that take it return or throw attune::error.
#include <string>

#include "attune/analyses/exact_moments.hpp"
#include "attune/analyses/moments.hpp"
#include "attune/analyses/polychoric.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/study/state.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  if ((in.options & 4) && (in.options & 32)) {
    attune_fuzz::accepted([&] {
      const auto st = attune::read_factor_state(in.text, "fuzz.state");
      const std::string text = attune::serialize_state(st);
      attune_fuzz::invariant(attune::serialize_state(attune::read_factor_state(text, "again")) == text,
                             "factor state file round-trips");
      attune_fuzz::accepted([&] {
        auto merged = st;
        attune::merge_state(merged, st);
        (void)attune::study_factor(merged);
      });
    });
  } else if ((in.options & 4) && (in.options & 64)) {
    attune_fuzz::accepted([&] {
      const auto st = attune::read_quality_state(in.text, "fuzz.state");
      const std::string text = attune::serialize_state(st);
      attune_fuzz::invariant(attune::serialize_state(attune::read_quality_state(text, "again")) == text,
                             "quality state file round-trips");
      attune_fuzz::accepted([&] {
        auto merged = st;
        attune::merge_state(merged, st);
        (void)attune::study_quality_sample(merged);
      });
    });
  } else if ((in.options & 4) && (in.options & 16)) {
    attune_fuzz::accepted([&] {
      const auto st = attune::read_correlate_state(in.text, "fuzz.state");
      const std::string text = attune::serialize_state(st);
      attune_fuzz::invariant(attune::serialize_state(attune::read_correlate_state(text, "again")) == text,
                             "correlate state file round-trips");
      attune_fuzz::accepted([&] {
        auto merged = st;
        attune::merge_state(merged, st);
        (void)attune::study_correlate(merged);
      });
    });
  } else if (in.options & 4) {
    attune_fuzz::accepted([&] {
      const auto st = attune::read_reliability_state(in.text, "fuzz.state");
      const std::string text = attune::serialize_state(st);
      attune_fuzz::invariant(attune::serialize_state(attune::read_reliability_state(text, "again")) == text,
                             "state file round-trips");
      attune_fuzz::accepted([&] {
        auto merged = st;
        attune::merge_state(merged, st);
        (void)attune::study_reliability(merged);
      });
    });
  } else if (in.options & 128) {
    attune_fuzz::accepted([&] {
      const auto tables = attune::polychoric_tables::deserialize(in.text);
      const std::string text = tables.serialize();
      attune_fuzz::invariant(attune::polychoric_tables::deserialize(text).serialize() == text,
                             "polychoric tables round-trip");
      attune_fuzz::accepted([&] {
        auto merged = tables;
        merged.merge(tables);
        (void)attune::polychoric(merged);
      });
    });
  } else if (in.options & 8) {
    attune_fuzz::accepted([&] {
      const auto em = attune::exact_moments::deserialize(in.text);
      const std::string text = em.serialize();
      attune_fuzz::invariant(attune::exact_moments::deserialize(text).serialize() == text, "exact sums round-trip");
      attune_fuzz::accepted([&] { (void)em.to_moments().correlation(); });
    });
  } else if (in.options & 1) {
    attune_fuzz::accepted([&] {
      const auto pm = attune::pairwise_moments::deserialize(in.text);
      const std::string text = pm.serialize();
      attune_fuzz::invariant(attune::pairwise_moments::deserialize(text).serialize() == text, "moments round-trip");
      attune_fuzz::accepted([&] { (void)pm.correlation(); });
    });
  } else {
    attune_fuzz::accepted([&] {
      const auto acc = attune::reliability_accumulator::deserialize(in.text);
      const std::string text = acc.serialize();
      attune_fuzz::invariant(attune::reliability_accumulator::deserialize(text).serialize() == text,
                             "accumulator round-trips");
      attune::reliability_options o;
      o.split_half = false;
      if (in.options & 2) o.missing = attune::missing_method::listwise;
      attune_fuzz::accepted([&] { (void)attune::analyze_reliability(acc, o); });
    });
  }
  return 0;
}
