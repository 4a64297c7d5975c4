// Shared by the libFuzzer harnesses of fuzz/ (docs/fuzzing.md). A harness feeds one parser of
// untrusted text; attune::error is the expected way to refuse an input, anything else escaping (a
// std::exception, a crash, a sanitizer report) is a finding. `invariant` aborts on a broken promise
// of the API (such as a written file that does not read back), so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "attune/core/error.hpp"

namespace attune_fuzz {

inline void invariant(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

// The input as text, and a few option bits taken from its first byte (0 when empty).
struct input {
  std::uint8_t options = 0;
  std::string_view text;
  input(const std::uint8_t* data, std::size_t size, bool take_option_byte) {
    if (take_option_byte && size > 0) {
      options = data[0];
      ++data;
      --size;
    }
    text = std::string_view(reinterpret_cast<const char*>(data), size);
  }
};

// Runs `f`; attune::error is a refusal (returns false), other exceptions escape to libFuzzer.
template <class F>
bool accepted(F&& f) {
  try {
    f();
    return true;
  } catch (const attune::error&) {
    return false;
  }
}

}  // namespace attune_fuzz
