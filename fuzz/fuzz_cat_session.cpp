// Saved CAT sessions (cat_session::restore, include/attune/analyses/cat.hpp) against the example
// bank: restore, then drive a few steps with answers from the input's first byte, save and
// restore again (the saved text reads back to the same text).
#include <fstream>
#include <sstream>
#include <string>

#include "attune/analyses/cat.hpp"
#include "attune/keys/item_bank.hpp"
#include "fuzz_support.hpp"

namespace {
const attune::item_bank& bank() {
  static const attune::item_bank b = attune::load_item_bank(ATTUNE_FUZZ_BANK);
  return b;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  attune_fuzz::accepted([&] {
    attune::cat_session s = attune::cat_session::restore(bank(), in.text);
    for (int step = 0; step < (in.options & 3) && !s.done(); ++step) {
      const auto next = s.next_item();
      if (!next) break;
      const auto& cats = bank().items[static_cast<std::size_t>(bank().item_index(*next))].categories;
      s.answer(*next, cats[static_cast<std::size_t>(in.options >> 2) % cats.size()]);
    }
    (void)s.theta();
    (void)s.scales();
    const std::string saved = s.save();
    const attune::cat_session back = attune::cat_session::restore(bank(), saved);
    attune_fuzz::invariant(back.save() == saved, "a saved session restores to the same state");
  });
  return 0;
}
