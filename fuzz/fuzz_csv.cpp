// The CSV reader (include/attune/io/csv.hpp) on arbitrary bytes. The first byte picks the
// delimiter (auto, ',', ';', tab), a small record limit (to reach the limit's paths) and the
// column limit.
#include <sstream>
#include <string>
#include <vector>

#include "attune/io/csv.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  attune::csv_options o;
  constexpr char delimiters[] = {'\0', ',', ';', '\t'};
  o.delimiter = delimiters[in.options & 3];
  if (in.options & 4) o.max_record_bytes = 64 + (in.options >> 3) * 97;
  if (in.options & 8) o.max_columns = 1 + (in.options >> 4);
  std::istringstream stream{std::string(in.text)};
  attune_fuzz::accepted([&] {
    attune::csv_reader reader(stream, "fuzz.csv", o);
    attune_fuzz::invariant(!reader.header().empty(), "a header was read");
    std::vector<std::string_view> fields;
    std::size_t rows = 0;
    while (reader.next(fields)) {
      attune_fuzz::invariant(fields.size() == reader.header().size(), "every record has the header's width");
      attune_fuzz::invariant(++rows == reader.row(), "row() counts the records");
    }
  });
  return 0;
}
