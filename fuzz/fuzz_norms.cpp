// Norm tables (include/attune/keys/norms.hpp): parse, and an accepted table writes JSON that reads
// back to the same text.
#include <string>

#include "attune/keys/norms.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, false);
  attune_fuzz::accepted([&] {
    const attune::norm_table table = attune::norm_table_from_json(in.text, "fuzz.json");
    std::string text;
    if (!attune_fuzz::accepted([&] { text = attune::norm_table_to_json(table); })) return;
    const attune::norm_table back = attune::norm_table_from_json(text, "written.json");
    attune_fuzz::invariant(attune::norm_table_to_json(back) == text, "norm table JSON round-trips");
  });
  return 0;
}
