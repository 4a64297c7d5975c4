// Serialized states (pairwise_moments::deserialize, reliability_accumulator::deserialize): the
// first byte picks the reader; an accepted state serializes back to a state that reads back, and
// the analyses that take it return or throw attune::error.
#include <string>

#include "attune/analyses/moments.hpp"
#include "attune/analyses/reliability.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  if (in.options & 1) {
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
