#include "report/document.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <utility>

#include "attune/core/error.hpp"
#include "detail/json_text.hpp"
#include "detail/number_text.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

namespace {

json with_format(std::string_view study, const json& body) {
  json doc = json::object();
  doc["format"] = std::string(json_document_format);
  doc["study"] = std::string(study);
  for (auto it = body.begin(); it != body.end(); ++it) doc[it.key()] = it.value();
  return doc;
}

// Appends `s` as a JSON string; false when it is not valid UTF-8 (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF).
bool append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out += esc;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0U) == 0xC0U) {
      len = 2;
      cp = c & 0x1FU;
    } else if ((c & 0xF0U) == 0xE0U) {
      len = 3;
      cp = c & 0x0FU;
    } else if ((c & 0xF8U) == 0xF0U) {
      len = 4;
      cp = c & 0x07U;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0U) != 0x80U) return false;
      cp = (cp << 6U) | (cc & 0x3FU);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.append(s.substr(i, len));
    i += len;
  }
  out += '"';
  return true;
}

}  // namespace

std::string document_text(std::string_view study, const json& body) {
  try {
    return pretty_json_text(with_format(study, body)) + "\n";
  } catch (const error&) {
    (void)json_text(with_format(study, body));  // names where the text that is not UTF-8 sits
    throw;
  }
}

std::string document_head(std::string_view study, const json& head) {
  std::string text = pretty_json_text(with_format(study, head));  // "{\n  ...\n}"
  text.resize(text.size() - 2);                                    // drop "\n}"
  return text + ",\n  \"respondents\": [";
}

std::string document_tail(const json& tail) {
  if (tail.empty()) return "\n}\n";
  std::string text = pretty_json_text(tail);  // "{\n  ...\n}"
  text[0] = ',';
  return text + "\n";
}

namespace {

// The number texts of the rows written on this thread (a fragment writer may run on any thread).
number_cache& thread_numbers() {
  thread_local number_cache numbers;
  return numbers;
}

// A table fragment's cells as text: per row, its number of cells, then each cell's length and
// bytes (lengths as 8 bytes, native order: the text never leaves the process).
void put_size(std::string& out, std::size_t n) { out.append(reinterpret_cast<const char*>(&n), sizeof n); }
std::size_t get_size(std::string_view& in) {
  std::size_t n = 0;
  std::memcpy(&n, in.data(), sizeof n);
  in.remove_prefix(sizeof n);
  return n;
}

}  // namespace

row_writer::row_writer(std::ostream& out, output_format format, std::vector<row_column> columns)
    : out_(&out), format_(format), columns_(std::move(columns)) {
  for (const auto& c : columns_) {
    std::string key;
    if (!append_json_string(key, c.name)) {
      throw error(errc::bad_input, "a column name is not valid UTF-8, which JSON requires: '" + escape_non_ascii(c.name) + "'",
                  {.column = c.name, .rule = "not_utf8"});
    }
    json_keys_.push_back(key + ":");
  }
}

row_writer::row_writer(const row_writer& like, std::string&& buffer)
    : out_(nullptr), format_(like.format_), columns_(like.columns_), json_keys_(like.json_keys_),
      buffer_(std::move(buffer)), shown_(like.shown_), first_row_(false) {}

void row_writer::take(std::string& text) {
  if (format_ == output_format::table) {
    text.clear();
    for (const auto& row : table_rows_) {
      put_size(text, row.size());
      for (const auto& cell : row) {
        put_size(text, cell.size());
        text += cell;
      }
    }
    table_rows_.clear();
    return;
  }
  buffer_.resize(used_);
  text = std::move(buffer_);
  buffer_.clear();
  used_ = 0;
}

void row_writer::append(std::string_view text) {
  if (text.empty()) return;
  if (format_ == output_format::table) {
    while (!text.empty()) {
      auto& row = table_rows_.emplace_back();
      row.resize(get_size(text));
      for (auto& cell : row) {
        const std::size_t n = get_size(text);
        cell.assign(text.data(), n);
        text.remove_prefix(n);
      }
    }
    return;
  }
  if (format_ == output_format::json && first_row_) text.remove_prefix(1);  // the first row has no ","
  first_row_ = false;
  flush();
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
}

void row_writer::select(const std::vector<std::string>& names, std::string_view study) {
  if (names.empty()) {
    shown_.clear();
    return;
  }
  shown_.assign(columns_.size(), 0);
  if (!shown_.empty()) shown_[0] = 1;  // the id (or row) column names every row
  for (const auto& name : names) {
    std::size_t j = 0;
    while (j < columns_.size() && columns_[j].name != name) ++j;
    if (j == columns_.size()) {
      std::string valid;
      for (const auto& c : columns_) valid += (valid.empty() ? "" : ", ") + c.name;
      throw error(errc::invalid_argument,
                  "row_options.columns: the " + std::string(study) + " output has no column '" + name.substr(0, 80) +
                      "'; its columns are " + valid,
                  {.value = name, .option = "row_options.columns", .rule = "unknown_output_column"});
    }
    shown_[j] = 1;
  }
}

void row_writer::begin(const std::string& json_head) {
  if (format_ == output_format::json) {
    *out_ << json_head;
  } else if (format_ == output_format::csv) {
    std::string line;
    bool first = true;
    for (std::size_t j = 0; j < columns_.size(); ++j) {
      if (!shown_.empty() && shown_[j] == 0) continue;
      if (!first) line += ',';
      first = false;
      line += csv_field(columns_[j].name);
    }
    *out_ << line << '\n';
  }
}

char* row_writer::room(std::size_t n) {
  if (buffer_.size() < used_ + n) buffer_.resize(std::max(2 * buffer_.size(), used_ + n + 4096));
  return buffer_.data() + used_;
}

void row_writer::begin_row() {
  cell_ = 0;
  written_ = 0;
  if (format_ == output_format::table) {
    table_rows_.emplace_back();
    table_rows_.back().reserve(columns_.size());
    return;
  }
  if (format_ == output_format::json) {
    const std::string_view open = first_row_ ? "\n    {" : ",\n    {";
    std::memcpy(room(open.size()), open.data(), open.size());
    used_ += open.size();
  }
  first_row_ = false;
}

void row_writer::separate() {
  if (format_ == output_format::csv) {
    if (written_ > 0) *room(1) = ',', ++used_;
  } else if (format_ == output_format::json) {
    const std::string& key = json_keys_.at(cell_);
    char* p = room(key.size() + 1);
    if (written_ > 0) *p++ = ',', ++used_;
    std::memcpy(p, key.data(), key.size());
    used_ += key.size();
  }
  ++cell_;
  ++written_;
}

void row_writer::text(std::string_view s) {
  if (skipped()) return;
  if (format_ == output_format::table) {
    table_rows_.back().emplace_back(s);
    ++cell_;
    return;
  }
  separate();
  if (format_ == output_format::csv) {
    used_ = static_cast<std::size_t>(put_csv_field(room(2 * s.size() + 2), s) - buffer_.data());
    return;
  }
  std::string quoted;
  if (!append_json_string(quoted, s)) {
    throw error(errc::bad_input,
                "JSON output: the text '" + escape_non_ascii(std::string(s.substr(0, 80))) + "' in column '" +
                    columns_[cell_ - 1].name +
                    "' is not valid UTF-8, which JSON requires: the input is probably in another encoding (convert it, "
                    "e.g. iconv -f latin1 -t utf-8 data.csv > data-utf8.csv)",
                {.column = columns_[cell_ - 1].name, .value = std::string(s), .rule = "not_utf8"});
  }
  std::memcpy(room(quoted.size()), quoted.data(), quoted.size());
  used_ += quoted.size();
}

void row_writer::number(double x) {
  if (skipped()) return;
  if (format_ == output_format::table) {
    const int d = columns_.at(cell_).decimals;
    table_rows_.back().push_back(fixed_text(x, d < 0 ? 0 : d));
    ++cell_;
    return;
  }
  if (!std::isfinite(x)) {
    null();
    return;
  }
  separate();
  used_ = static_cast<std::size_t>(thread_numbers().put(room(number_cache::kMaxText), x) - buffer_.data());
}

void row_writer::integer(std::int64_t x) {
  if (skipped()) return;
  if (format_ == output_format::table) {
    table_rows_.back().push_back(std::to_string(x));
    ++cell_;
    return;
  }
  separate();
  char* p = room(24);
  used_ = static_cast<std::size_t>(std::to_chars(p, p + 24, x).ptr - buffer_.data());
}

void row_writer::boolean(bool b) {
  if (skipped()) return;
  if (format_ == output_format::table) {
    table_rows_.back().emplace_back(b ? "yes" : "no");
    ++cell_;
    return;
  }
  separate();
  const std::string_view t = format_ == output_format::json ? (b ? "true" : "false") : (b ? "1" : "0");
  std::memcpy(room(t.size()), t.data(), t.size());
  used_ += t.size();
}

void row_writer::null() {
  if (skipped()) return;
  if (format_ == output_format::table) {
    table_rows_.back().emplace_back("NA");
    ++cell_;
    return;
  }
  separate();
  if (format_ == output_format::json) {
    std::memcpy(room(4), "null", 4);
    used_ += 4;
  }
}

void row_writer::end_row(std::string_view row_label) {
  if (cell_ != columns_.size()) {
    throw error(errc::invalid_argument, "row_writer: " + std::to_string(cell_) + " cells given for " +
                                            std::to_string(columns_.size()) + " columns" +
                                            (row_label.empty() ? std::string() : " (" + std::string(row_label) + ")"));
  }
  if (format_ == output_format::table) return;
  *room(1) = format_ == output_format::json ? '}' : '\n';
  ++used_;
  if (out_ != nullptr && used_ >= (std::size_t{1} << 20)) flush();
}

void row_writer::flush() {
  if (out_ == nullptr) return;  // a fragment keeps its text for `take`
  if (used_ > 0) out_->write(buffer_.data(), static_cast<std::streamsize>(used_));
  used_ = 0;
}

void row_writer::end(const std::string& json_tail, const std::string& table_footer) {
  flush();
  if (format_ == output_format::json) {
    *out_ << (first_row_ ? "]" : "\n  ]") << json_tail;
    return;
  }
  if (format_ != output_format::table) return;
  std::vector<std::string> header;
  header.reserve(columns_.size());
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    if (shown_.empty() || shown_[j] != 0) header.push_back(columns_[j].name);
  }
  // The first column (the id, or `row`) names each row in every block of a wrapped table.
  const std::string text = block_table(header, table_rows_, 1, false, "  ", table_width());
  *out_ << text;
  if (!table_footer.empty()) *out_ << '\n' << table_footer;
}

std::size_t table_width() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read only, nothing in attune sets the environment.
  const char* columns = std::getenv("COLUMNS");
  if (columns != nullptr) {
    char* end = nullptr;
    const long w = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && w >= 20) return static_cast<std::size_t>(w);
  }
  return 80;
}

std::string block_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        std::size_t label_columns, bool left_labels, std::string_view gap, std::size_t width) {
  const std::size_t n = header.size();
  label_columns = std::min(label_columns, n);
  std::vector<std::size_t> w(n);
  for (std::size_t j = 0; j < n; ++j) w[j] = header[j].size();
  for (const auto& r : rows) {
    for (std::size_t j = 0; j < r.size() && j < n; ++j) w[j] = std::max(w[j], r[j].size());
  }
  std::size_t label_width = 0;
  for (std::size_t j = 0; j < label_columns; ++j) label_width += (j > 0 ? gap.size() : 0) + w[j];
  // Blocks of the other columns: as many as keep a line shorter than `width` after the labels, at
  // least one each (R's printMatrix: `width + w[jmax] < R_print.width`).
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  for (std::size_t first = label_columns; first < n || blocks.empty();) {
    std::size_t used = label_width;
    std::size_t last = first;
    while (last < n) {
      const std::size_t more = (used > 0 ? gap.size() : 0) + w[last];
      if (last > first && used + more >= width) break;
      used += more;
      ++last;
    }
    blocks.emplace_back(first, last);
    if (last == first) break;  // only label columns
    first = last;
  }
  std::string text;
  auto line = [&](const std::vector<std::string>& cells, std::size_t first, std::size_t last) {
    bool start = true;
    auto cell = [&](std::size_t j, bool left) {
      const std::string_view c = j < cells.size() ? std::string_view(cells[j]) : std::string_view();
      if (!start) text += gap;
      start = false;
      if (!left) text.append(w[j] - std::min(w[j], c.size()), ' ');
      text += c;
      if (left) text.append(w[j] - std::min(w[j], c.size()), ' ');
    };
    for (std::size_t j = 0; j < label_columns; ++j) cell(j, left_labels);
    for (std::size_t j = first; j < last; ++j) cell(j, false);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += '\n';
  };
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (b > 0) text += '\n';
    line(header, blocks[b].first, blocks[b].second);
    for (const auto& r : rows) line(r, blocks[b].first, blocks[b].second);
  }
  return text;
}

}  // namespace detail
ATTUNE_END_NAMESPACE
