#include "attune/data/responses.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <cctype>
#include <cstdint>

#include "attune/core/error.hpp"
#include "detail/quote.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A 1-based position "12", or nullopt.
std::optional<std::size_t> parse_position(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// Column position of a name (exact, then case-insensitive), or of a 1-based position.
std::optional<std::size_t> find_column(const std::vector<std::string>& header, std::string_view token,
                                       bool allow_position) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) == token) return i;
  }
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (iequals(trim(header[i]), token)) return i;
  }
  if (allow_position) {
    if (auto pos = parse_position(token); pos && *pos >= 1 && *pos <= header.size()) return *pos - 1;
  }
  return std::nullopt;
}

std::vector<std::string> split_list(const std::vector<std::string>& selectors) {
  std::vector<std::string> out;
  for (const auto& s : selectors) {
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t comma = s.find(',', start);
      const std::size_t stop = comma == std::string::npos ? s.size() : comma;
      const std::string_view token = trim(std::string_view(s).substr(start, stop - start));
      if (!token.empty()) out.emplace_back(token);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// A user's missing code (`--missing 0,99`) is compared with the number read, not the text.
bool is_missing_code(double x, const std::vector<double>& codes) noexcept {
  return std::find(codes.begin(), codes.end(), x) != codes.end();
}

// parse_cell for the common cell, 1-9 ASCII digits and nothing else, parsed without from_chars;
// any other cell goes to parse_cell. Gives exactly parse_cell's value (an integer below 1e9 is
// exact in a double) and applies the missing codes the same way.
inline bool parse_cell_fast(std::string_view cell, const std::vector<double>& missing_codes,
                            double& value) noexcept {
  const std::size_t n = cell.size();
  if (n == 0) {
    value = kNaN;
    return true;
  }
  if (n <= 9) {
    std::uint32_t x = 0;
    std::size_t i = 0;
    for (; i < n; ++i) {
      const auto d = static_cast<std::uint32_t>(static_cast<unsigned char>(cell[i])) - std::uint32_t{'0'};
      if (d > 9) break;
      x = x * 10 + d;
    }
    if (i == n) {
      const auto v = static_cast<double>(x);
      value = is_missing_code(v, missing_codes) ? kNaN : v;
      return true;
    }
  }
  return parse_cell(cell, missing_codes, value);
}

// The cells of one row as numbers when every cell is one digit or empty (NaN), the usual row;
// returns false, leaving `row` partly written, at the first other cell (then parse_cell_fast
// decides). Missing codes are the caller's to apply. A separate function with plain pointers so that the loop runs in registers: this
// loop and the CSV split are most of the time of `attune score`.
bool convert_plain_cells(const std::string_view* fields, const std::size_t* columns, std::size_t k,
                         double* row) noexcept {
  for (std::size_t j = 0; j < k; ++j) {
    const std::string_view cell = fields[columns[j]];
    if (cell.size() == 1) {
      const auto d = static_cast<unsigned>(static_cast<unsigned char>(cell[0])) - unsigned{'0'};
      if (d > 9) return false;
      row[j] = static_cast<double>(d);
    } else if (cell.empty()) {
      row[j] = kNaN;
    } else {
      return false;
    }
  }
  return true;
}

// Why a cell is not a number, for the message: a number too large for a double (1e400; from_chars
// reports out of range) or text.
// A cell that reads as a number too large (or too small) for a double, such as 1e400.
bool number_out_of_range(std::string_view cell) {
  cell = trim(cell);
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  double x = 0.0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
  return ec == std::errc::result_out_of_range && ptr == cell.data() + cell.size();
}

}  // namespace

std::string responses::where(Eigen::Index r) const {
  std::string s = source.empty() ? std::string("data") : source;
  s += ", row " + std::to_string(first_row + static_cast<std::size_t>(r));
  if (static_cast<std::size_t>(r) < lines.size()) s += " (line " + std::to_string(lines[static_cast<std::size_t>(r)]) + ")";
  return s;
}

error_details responses::at(Eigen::Index r) const {
  error_details d;
  if (!source.empty()) d.source = source;
  d.row = first_row + static_cast<std::size_t>(r);
  if (static_cast<std::size_t>(r) < lines.size()) d.line = lines[static_cast<std::size_t>(r)];
  return d;
}

bool parse_cell(std::string_view cell, const std::vector<double>& missing_codes, double& value) noexcept {
  cell = trim(cell);
  if (cell.empty() || cell == "NA" || cell == "na" || cell == "NaN" || cell == "." ) {
    value = kNaN;
    return true;
  }
  const char* first = cell.data();
  const char* last = cell.data() + cell.size();
  if (*first == '+') ++first;
  double x = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, x);
  if (ec != std::errc() || ptr != last || !std::isfinite(x)) return false;
  value = is_missing_code(x, missing_codes) ? kNaN : x;
  return true;
}

std::vector<std::size_t> select_columns(const std::vector<std::string>& header,
                                        const std::vector<std::string>& selectors) {
  std::vector<std::size_t> out;
  for (const std::string& token : split_list(selectors)) {
    if (auto col = find_column(header, token, true)) {
      out.push_back(*col);
      continue;
    }
    // A range "A-B": try every '-' as the split point (names may contain '-').
    bool matched = false;
    for (std::size_t dash = token.find('-'); dash != std::string::npos; dash = token.find('-', dash + 1)) {
      const std::string_view a = trim(std::string_view(token).substr(0, dash));
      const std::string_view b = trim(std::string_view(token).substr(dash + 1));
      auto from = find_column(header, a, true);
      auto to = find_column(header, b, true);
      if (!from || !to) continue;
      if (*from > *to) {
        throw error(errc::invalid_argument,
                    "item column range " + detail::quoted(token) + ": " + detail::quoted(a) + " comes after " +
                        detail::quoted(b) + " in the header",
                    {.value = token, .option = "read_options.items", .rule = "reversed_range"});
      }
      for (std::size_t i = *from; i <= *to; ++i) out.push_back(i);
      matched = true;
      break;
    }
    if (!matched) {
      // "Q1-Q36" on a header that stops at Q29: name the first column of the range that is absent
      for (std::size_t dash = token.find('-'); dash != std::string::npos; dash = token.find('-', dash + 1)) {
        const std::string a(trim(std::string_view(token).substr(0, dash))), b(trim(std::string_view(token).substr(dash + 1)));
        const auto digits_at = [](const std::string& s) { return s.find_last_not_of("0123456789") + 1; };
        const std::size_t da = digits_at(a), db = digits_at(b);
        if (da == 0 || db == 0 || da >= a.size() || db >= b.size() || a.substr(0, da) != b.substr(0, db)) continue;
        if (!find_column(header, a, true) || a.size() - da > 9 || b.size() - db > 9) continue;
        const std::string prefix = a.substr(0, da);
        const long first = std::stol(a.substr(da)), last = std::stol(b.substr(db));
        for (long n = first; n <= last; ++n) {
          const std::string name = prefix + std::to_string(n);
          if (find_column(header, name, false)) continue;
          throw error(errc::invalid_argument,
                      "item columns " + detail::quoted(token) + ": the header has no column " + detail::quoted(name) +
                          " (the first of the range that is missing; the header has " + std::to_string(header.size()) +
                          " columns, the last " + detail::quoted(header.back()) + ")",
                      {.column = name, .value = token, .option = "read_options.items", .rule = "unknown_column"});
        }
      }
      throw error(errc::invalid_argument,
                  "item columns " + detail::quoted(token) + ": no such column (by name, range such as Q1-Q36, or 1-based position " +
                      "1-" + std::to_string(header.size()) + ")",
                  {.value = token, .option = "read_options.items", .rule = "unknown_column"});
    }
  }
  return out;
}

response_reader::response_reader(std::istream& in, std::string source, std::vector<std::string> item_ids,
                                 read_options options)
    : csv_(in, std::move(source), options.csv), item_ids_(std::move(item_ids)), options_(std::move(options)) {
  const auto& header = csv_.header();
  const std::string& src = csv_.source();
  // One pass with a hash map: the pairwise comparison was O(columns^2), 52 s for a header of
  // 100,000 columns (issue 18, item 7).
  std::unordered_map<std::string_view, std::size_t> first_at;
  first_at.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view name = trim(header[i]);
    if (name.empty()) continue;
    if (const auto [at, inserted] = first_at.emplace(name, i); !inserted) {
      const std::size_t j = at->second;
      throw error(errc::bad_input,
                  src + ": the header names column " + detail::quoted(name) + " twice, at positions " + std::to_string(j + 1) +
                      " and " + std::to_string(i + 1) + "; rename one (which is meant cannot be guessed)",
                  {.source = src, .row = 0, .line = 1, .column = std::string(name), .rule = "duplicate_column"});
    }
  }
  if (options_.items.empty()) {
    for (const auto& id : item_ids_) {
      auto col = find_column(header, id, false);
      if (!col) {
        throw error(errc::bad_input,
                    src + ": no column named " + detail::quoted(id) + " (an item of the instrument)" +
                        (header.size() == 1 ? "; the header reads as a single column " + detail::quoted(header[0]) +
                                                  ": is the delimiter ',', ';' or tab?"
                                            : std::string()),
                    {.source = src, .row = 0, .line = 1, .column = id, .item = id,
                     .option = header.size() == 1 ? "csv_options.delimiter" : "read_options.items",
                     .rule = header.size() == 1 ? "single_column_header" : "missing_column"});
      }
      item_columns_.push_back(*col);
    }
  } else {
    item_columns_ = select_columns(header, options_.items);
    if (!item_ids_.empty() && item_columns_.size() != item_ids_.size()) {
      throw error(errc::bad_input,
                  src + ": the item columns selected are " + std::to_string(item_columns_.size()) +
                      ", but the instrument has " + std::to_string(item_ids_.size()) + " items",
                  {.source = src, .option = "read_options.items", .rule = "item_count"});
    }
    if (item_ids_.empty()) {
      for (auto c : item_columns_) item_ids_.push_back(header[c]);
    }
  }
  if (options_.items.empty()) {  // (linear: a flag per header column)
    std::vector<bool> used(header.size(), false);
    for (const std::size_t c : item_columns_) {
      if (used[c]) throw error(errc::bad_input, src + ": column " + detail::quoted(header[c]) + " is used for two items");
      used[c] = true;
    }
  }
  if (!options_.id_column.empty()) {
    auto col = find_column(header, options_.id_column, false);
    if (!col) throw error(errc::bad_input, src + ": no id column named " + detail::quoted(options_.id_column));
    id_column_ = static_cast<std::ptrdiff_t>(*col);
  }
  for (std::size_t r = 0; r < options_.skip_rows; ++r) {
    if (!csv_.next(fields_)) break;  // fewer records than rows to skip: no data rows
  }
  for (const auto& name : options_.extra_columns) {
    auto col = find_column(header, name, true);
    if (!col) {
      throw error(errc::bad_input, src + ": no column '" + name + "' (by name or 1-based position 1-" +
                                       std::to_string(header.size()) + ")",
                  {.source = src, .column = name, .option = "read_options.extra_columns", .rule = "unknown_extra_column"});
    }
    extra_columns_.push_back(*col);
  }
}

response_reader::response_reader(const response_reader& like, csv_reader fragment)
    : csv_(std::move(fragment)), item_ids_(like.item_ids_), options_(like.options_), item_columns_(like.item_columns_),
      id_column_(like.id_column_), extra_columns_(like.extra_columns_) {}

bool response_reader::take_chunk(chunk_text& out, std::size_t max_rows) {
  out.text.clear();
  out.first_line = csv_.next_line();
  out.rows_before = csv_.row();
  out.rows = csv_.take_records(max_rows, out.text);
  return out.rows > 0;
}

void response_reader::parse_chunk(chunk_text& text, responses& chunk) const {
  response_reader part(*this, csv_reader(csv_, std::move(text.text), text.first_line, text.rows_before));
  part.read(chunk, std::max<std::size_t>(text.rows, 1));
  text.text = part.csv_.release_text();
}

bool response_reader::read(responses& chunk, std::size_t max_rows) {
  const std::size_t k = item_columns_.size();
  chunk.item_ids = item_ids_;
  chunk.columns.clear();
  for (auto c : item_columns_) chunk.columns.push_back(csv_.header()[c]);
  chunk.source = csv_.source();
  chunk.first_row = csv_.row() + 1;
  chunk.row_ids.clear();
  chunk.lines.clear();
  chunk.extra_columns.clear();
  for (auto c : extra_columns_) chunk.extra_columns.push_back(csv_.header()[c]);
  chunk.extra.assign(extra_columns_.size(), {});
  // Cells are staged row-major in a small block (in cache), then spread into the column-major
  // matrix a column at a time: writing each row's k cells straight into k columns whose distance
  // is a power of two would make them compete for the same cache sets. A chunk of the same size
  // as the last reuses its memory; capacity grows by doubling when max_rows is larger than the
  // first allocation, and the matrix is cut to the rows read at the end.
  constexpr std::size_t kBlockRows = 128;
  // At most 65,536 rows and about 16 MiB of answers at first (65,536 rows of 10,000 items would be
  // 5 GB before the first row is read); capacity then doubles.
  const std::size_t first_rows = std::max<std::size_t>(1, (std::size_t{2} << 20) / std::max<std::size_t>(k, 1));
  std::size_t capacity = std::min({max_rows, std::size_t{1} << 16, first_rows});
  if (static_cast<std::size_t>(chunk.values.rows()) != capacity || static_cast<std::size_t>(chunk.values.cols()) != k) {
    chunk.values.resize(static_cast<Eigen::Index>(capacity), static_cast<Eigen::Index>(k));
  }
  chunk.lines.reserve(capacity);
  if (id_column_ >= 0) chunk.row_ids.reserve(capacity);
  std::vector<double> block(kBlockRows * k);
  std::size_t n = 0;       // rows read
  std::size_t staged = 0;  // the last `staged` rows are still in `block`
  auto flush = [&] {
    const std::size_t first = n - staged;
    double* values = chunk.values.data();
    for (std::size_t j = 0; j < k; ++j) {
      double* dst = values + j * capacity + first;
      const double* src = block.data() + j;
      for (std::size_t r = 0; r < staged; ++r) dst[r] = src[r * k];
    }
    staged = 0;
  };
  const std::size_t* columns = item_columns_.data();
  const std::vector<double>& codes = options_.missing_codes;
  while (n < max_rows && csv_.next(fields_)) {
    if (n == capacity) {
      flush();
      capacity = std::min(max_rows, capacity * 2);
      chunk.values.conservativeResize(static_cast<Eigen::Index>(capacity), static_cast<Eigen::Index>(k));
    }
    double* row = block.data() + staged * k;
    if (convert_plain_cells(fields_.data(), columns, k, row)) {
      for (std::size_t j = 0; j < k && !codes.empty(); ++j) {
        if (is_missing_code(row[j], codes)) row[j] = kNaN;
      }
    } else {
      for (std::size_t j = 0; j < k; ++j) {
        const std::string_view cell = fields_[columns[j]];
        if (!parse_cell_fast(cell, codes, row[j])) {
          const std::string& column = csv_.header()[item_columns_[j]];
          const bool overflow = number_out_of_range(cell);
          const std::string cell_text(cell);  // survey_export_ahead reads on and moves the fields
          const std::size_t at_row = csv_.row(), at_line = csv_.line();
          if (!overflow && options_.skip_rows == 0 && at_row <= 2 && survey_export_ahead()) {
            throw error(errc::bad_input,
                        csv_.source() + ", row " + std::to_string(at_row) + " (line " + std::to_string(at_line) +
                            "), column " + detail::quoted(column) + ": value " + detail::quoted(cell_text) +
                            " is not a number; this looks like a Qualtrics export (a row of ImportId entries "
                            "follows the header): skip its 2 extra header rows with read_options.skip_rows = 2",
                        {.source = csv_.source(), .row = at_row, .line = at_line, .column = column,
                         .value = cell_text, .option = "read_options.skip_rows", .rule = "survey_export_rows"});
          }
          throw error(errc::bad_input,
                      csv_.source() + ", row " + std::to_string(at_row) + " (line " + std::to_string(at_line) +
                          "), column " + detail::quoted(column) + ": value " + detail::quoted(cell_text) +
                          (overflow ? " is a number outside the range of a double (magnitudes up to about 1.8e308, "
                                      "down to 4.9e-324)"
                                    : " is not a number (missing answers: empty, NA or a missing code)"),
                      {.source = csv_.source(), .row = at_row, .line = at_line, .column = column,
                       .item = j < item_ids_.size() ? std::optional<std::string>(item_ids_[j]) : std::nullopt,
                       .value = cell_text, .option = "read_options.missing_codes",
                       .rule = overflow ? "number_overflow" : "not_a_number"});
        }
      }
    }
    if (id_column_ >= 0) chunk.row_ids.emplace_back(trim(fields_[static_cast<std::size_t>(id_column_)]));
    for (std::size_t c = 0; c < extra_columns_.size(); ++c) chunk.extra[c].emplace_back(trim(fields_[extra_columns_[c]]));
    chunk.lines.push_back(csv_.line());
    ++n;
    if (++staged == kBlockRows) flush();
  }
  flush();
  if (n != capacity) chunk.values.conservativeResize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
  return n > 0;
}

bool response_reader::survey_export_ahead() {
  // A Qualtrics export: row 1 the question texts, row 2 {"ImportId":"QID1"} entries. Look at the
  // current row and, when it is row 1, the next one.
  const auto has_import_id = [&] {
    return std::any_of(fields_.begin(), fields_.end(),
                       [](std::string_view f) { return f.find("ImportId") != std::string_view::npos; });
  };
  if (has_import_id()) return true;
  return csv_.row() == 1 && csv_.next(fields_) && has_import_id();
}

std::size_t cache_friendly_chunk_rows(std::size_t n_items) noexcept {
  constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  const std::size_t rows = kChunkBytes / (sizeof(double) * std::max<std::size_t>(n_items, 1));
  return std::clamp<std::size_t>(rows, 256, 65536);
}

responses read_responses(std::istream& in, const std::string& source, const std::vector<std::string>& item_ids,
                         const read_options& options) {
  response_reader reader(in, source, item_ids, options);
  responses all;
  try {
    reader.read(all, std::numeric_limits<std::size_t>::max());
  } catch (const std::bad_alloc&) {
    // Endless or huge input read whole (issue 10, F16): an error that says what, not bad_alloc.
    throw error(errc::io_error, source + ": the data (" + std::to_string(reader.item_columns().size()) +
                                    " items per row) do not fit in memory; read them in chunks with response_reader");
  }
  return all;
}

responses read_responses_file(const std::string& path, const std::vector<std::string>& item_ids,
                              const read_options& options) {
  if (path == "-") return read_responses(std::cin, "<stdin>", item_ids, options);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": cannot open the file for reading");
  return read_responses(in, path, item_ids, options);
}

ATTUNE_END_NAMESPACE
