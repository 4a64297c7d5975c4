// Reading responses with options (include/attune/data/responses.hpp): item columns chosen by id,
// missing codes, an id column, extra columns, skipped rows, in small chunks. The first byte picks
// the options.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "attune/data/responses.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const attune_fuzz::input in(data, size, true);
  attune::read_options o;
  std::vector<std::string> items = {"Q1", "Q2", "Q3"};
  if (in.options & 1) o.missing_codes = {-9, 99};
  if (in.options & 2) o.id_column = "id";
  if (in.options & 4) o.extra_columns = {"group"};
  if (in.options & 8) o.items = {"2-4"};  // columns by position
  if (in.options & 16) o.skip_rows = 1;
  if (in.options & 32) o.csv.delimiter = ';';
  const std::size_t chunk_rows = 1 + (in.options >> 6);
  std::istringstream stream{std::string(in.text)};
  attune_fuzz::accepted([&] {
    attune::response_reader reader(stream, "fuzz.csv", items, o);
    attune::responses chunk;
    std::size_t first_row = 0;  // rows keep their numbers in the file: skipped rows count
    while (reader.read(chunk, chunk_rows)) {
      if (first_row == 0) first_row = chunk.first_row;
      attune_fuzz::invariant(chunk.n_items() == static_cast<Eigen::Index>(items.size()), "one column per item");
      attune_fuzz::invariant(chunk.n_rows() >= 1 && static_cast<std::size_t>(chunk.n_rows()) <= chunk_rows, "chunk size");
      attune_fuzz::invariant(chunk.first_row == first_row, "chunks are consecutive");
      first_row += static_cast<std::size_t>(chunk.n_rows());
      for (Eigen::Index r = 0; r < chunk.n_rows(); ++r) (void)chunk.where(r);
    }
  });
  // The whole-file reader agrees on what it accepts.
  std::istringstream again{std::string(in.text)};
  attune_fuzz::accepted([&] { (void)attune::read_responses(again, "fuzz.csv", items, o); });
  return 0;
}
