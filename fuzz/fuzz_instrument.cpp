// Instrument JSON (include/attune/keys/instrument.hpp): parse, and an accepted instrument writes
// JSON that reads back to the same text.
#include <string>

#include "attune/keys/instrument.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, false);
  attune_fuzz::accepted([&] {
    const attune::instrument inst = attune::instrument_from_json(in.text, "fuzz.json");
    std::string text;
    if (!attune_fuzz::accepted([&] { text = attune::instrument_to_json(inst); })) return;  // e.g. not UTF-8
    const attune::instrument back = attune::instrument_from_json(text, "written.json");
    attune_fuzz::invariant(attune::instrument_to_json(back) == text, "instrument JSON round-trips");
  });
  return 0;
}
