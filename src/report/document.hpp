// Private to the report layer: JSON documents as text, and the one streaming row writer.
#pragma once

#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "attune/report/format.hpp"
#include "attune/report/rows.hpp"
#include "detail/csv_writer.hpp"
#include "detail/number_text.hpp"
#include "report/json_fields.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// Text tables: `s` padded to width `w`, right-aligned (numbers) or left-aligned (labels).
inline std::string pad(const std::string& s, std::size_t w, bool left = false) {
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}
/// `x` with `d` decimals, right-aligned in width `w`; a value as wide as `w` or wider (a minus
/// sign, a total above 99.99) gets one leading space, so that it never runs into the column
/// before it ("0.471-15.13").
inline std::string num(double x, int d, std::size_t w) {
  std::string t = fixed_text(x, d);
  return t.size() < w ? pad(t, w) : " " + t;
}

/// The width text tables wrap to: the `COLUMNS` environment variable when it holds a number of at
/// least 20, else 80 (R's default `width` option; a pipe or a file has no terminal to ask).
std::size_t table_width();

/// One text table laid out as R prints a wide matrix or data frame: every column right-aligned to
/// the wider of its name and its cells (so a minus sign has room and never touches a neighbour),
/// `gap` between columns; when the columns do not fit `width`, they are printed in blocks of
/// columns whose lines stay shorter than `width` (as R does), one after the other, the first `label_columns` columns (row names, id) repeated
/// in every block. Label columns are left-aligned when `left_labels`. Rows may be shorter than the
/// header (missing cells are blank).
std::string block_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        std::size_t label_columns, bool left_labels, std::string_view gap, std::size_t width);

/// A document: `"format": "attune/1"` and `"study": study` first, then the members of `body` (an
/// object). Pretty-printed with an indent of 2, ending with a newline. Text that is not UTF-8 is
/// an attune::error (bad_input) naming where it sits (JSON requires UTF-8).
std::string document_text(std::string_view study, const json& body);

/// The first lines of a document written in pieces: "{", the format and study members and the
/// members of `head`, each line ending with ",". Then the rows, then `document_tail`.
std::string document_head(std::string_view study, const json& head);
/// The members of `tail` (each on its own line, the first preceded by ",") and the closing "}".
std::string document_tail(const json& tail);

/// One column of per-respondent rows.
struct row_column {
  std::string name;
  int decimals = 3;  ///< digits after the point in the readable table (-1: an integer or text)
};

/// The one writer of per-respondent rows (score, classify, quality, change), for every format:
/// - csv: a header line with the column names, then one line per row (NaN = empty cell);
/// - json: the rows as objects {"column": value, ...}, one per line, inside the document's
///   "respondents" array (NaN = null); `begin` writes the document head, `end` its tail;
/// - table: the rows aligned right under their names (NaN = NA), kept until `end`, which writes
///   them and then the footer text.
/// Cells are given in column order between `begin_row` and `end_row`.
class row_writer {
 public:
  row_writer(std::ostream& out, output_format format, std::vector<row_column> columns);
  /// A fragment writer: the columns, selection and format of `like`, writing into `buffer` (its
  /// text is dropped, its capacity reused) instead of a stream. It makes the text of some rows on
  /// any thread (a fragment shares nothing with `like`); `take` hands the text over, and
  /// `like.append` writes it as if `like` had written those rows itself. Every JSON row of a
  /// fragment starts with "," (`append` drops it for the output's first row); table cells are
  /// kept as length-prefixed text.
  row_writer(const row_writer& like, std::string&& buffer);
  row_writer(const row_writer&) = delete;
  row_writer& operator=(const row_writer&) = delete;
  ~row_writer() = default;

  /// Writes only the first column (the id or row) and the columns named in `names` (in the
  /// output's order); empty: every column. Call it before `begin`. `study` names the output in
  /// the error. @throws attune::error (invalid_argument, option `row_options.columns`, rule
  /// `unknown_output_column`) for a name that is not a column, listing the columns.
  void select(const std::vector<std::string>& names, std::string_view study);
  /// Starts the output; `json_head` is the document's head (`document_head`), used in json only.
  void begin(const std::string& json_head);
  void begin_row();
  void text(std::string_view s);
  void number(double x);
  void integer(std::int64_t x);
  void boolean(bool b);
  void null();
  /// `row_label` names the row in an error (a text that is not UTF-8 in JSON output).
  void end_row(std::string_view row_label = {});
  /// Flushes the rows written since the last call (call it per chunk; `end` calls it too).
  void flush();
  /// A fragment's text (see the fragment constructor) into `text`; the fragment is then empty.
  void take(std::string& text);
  /// Writes the text a fragment of this writer made (`take`), in the output's order.
  void append(std::string_view text);
  /// Ends the output: json the document's tail (`document_tail`), table the footer text.
  void end(const std::string& json_tail, const std::string& table_footer);

  /// The text of some consecutive cells of a row, to be written again in a later row whose cells
  /// at the same columns would be the same (a report whose cells are a function of a few values
  /// remembers their text instead of formatting them again: classify's row tail).
  struct cells_text {
    std::string text;
    std::size_t cells = 0;    // columns passed (selected or not)
    std::size_t written = 0;  // cells written (the selected ones)
  };
  /// Where the next cell goes.
  struct position {
    std::size_t used = 0, cell = 0, written = 0;
  };
  /// Whether cells can be remembered and repeated: csv and json (the table keeps cells apart).
  [[nodiscard]] bool repeats() const { return format_ != output_format::table; }
  [[nodiscard]] position here() const { return {used_, cell_, written_}; }
  /// The cells given since `from` (a position in this row), into `out`.
  void copy_since(const position& from, cells_text& out) const {
    out.text.assign(buffer_.data() + from.used, used_ - from.used);
    out.cells = cell_ - from.cell;
    out.written = written_ - from.written;
  }
  /// Writes cells remembered by `copy_since` from another row, at the same column as there.
  void repeat(const cells_text& t) {
    if (!t.text.empty()) std::memcpy(room(t.text.size()), t.text.data(), t.text.size());
    used_ += t.text.size();
    cell_ += t.cells;
    written_ += t.written;
  }

 private:
  void separate();
  char* room(std::size_t n);
  /// True (and the cell passed over) when the current cell's column is not selected.
  bool skipped() {
    if (shown_.empty() || shown_[cell_] != 0) return false;
    ++cell_;
    return true;
  }

  std::ostream* out_;  // null: a fragment
  output_format format_;
  std::vector<row_column> columns_;
  std::vector<std::string> json_keys_;  // "\"name\":" per column
  std::string buffer_;
  std::size_t used_ = 0;
  std::size_t cell_ = 0;     // the column of the next cell
  std::size_t written_ = 0;  // cells of this row written (the selected ones)
  std::vector<char> shown_;  // per column: selected (empty: every column)
  bool first_row_ = true;
  std::vector<std::vector<std::string>> table_rows_;
};

/// The kept columns (`input_options::keep`) of a per-respondent report, after its id or row
/// column: their names as columns, and row `row`'s values as text cells.
inline void add_kept_columns(std::vector<row_column>& columns, const std::vector<std::string>& names) {
  for (const auto& n : names) columns.push_back({n, -1});
}
inline void write_kept(row_writer& w, const std::vector<std::vector<std::string>>& values, std::size_t row) {
  for (const auto& column : values) w.text(column[row]);
}

/// A whole per-respondent study through one `row_writer`: the rows that `rows(writer)` writes,
/// with the document's `head()` and `tail()` around them in JSON and `footer()` (the summary)
/// below them in the table. Each of head, tail and footer is computed only for the format that
/// uses it.
template <class Head, class Rows, class Tail, class Footer>
void write_row_report(std::ostream& out, output_format format, std::string_view study, std::vector<row_column> columns,
                      Head head, Rows rows, Tail tail, Footer footer, const row_options& options = {}) {
  row_writer w(out, format, std::move(columns));
  w.select(options.columns, study);
  w.begin(format == output_format::json ? document_head(study, head()) : std::string());
  rows(w);
  w.end(format == output_format::json ? document_tail(tail()) : std::string(),
        format == output_format::table ? footer() : std::string());
}

/// What `write_report(out, format, study)` writes, as text (`to_json`, `to_table`).
template <class Study>
std::string report_text(const Study& study, output_format format) {
  std::ostringstream os;
  write_report(os, format, study);
  return os.str();
}

}  // namespace detail
ATTUNE_END_NAMESPACE
