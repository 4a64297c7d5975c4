// Item banks (include/attune/keys/item_bank.hpp): parse, and an accepted bank writes JSON that
// reads back to the same bank (same fingerprint).
#include <string>

#include "attune/keys/item_bank.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, false);
  attune_fuzz::accepted([&] {
    const attune::item_bank bank = attune::item_bank_from_json(in.text, "fuzz.json");
    (void)bank.scales();
    std::string text;
    if (!attune_fuzz::accepted([&] { text = attune::item_bank_to_json(bank); })) return;
    const attune::item_bank back = attune::item_bank_from_json(text, "written.json");
    attune_fuzz::invariant(back.items.size() == bank.items.size(), "item bank JSON keeps the items");
    if (bank.parameterisation == attune::irt_parameterisation::slope_intercept) {
      attune_fuzz::invariant(attune::item_bank_fingerprint(back) == attune::item_bank_fingerprint(bank),
                             "a slope-intercept bank reads back bit for bit");
    }
  });
  return 0;
}
