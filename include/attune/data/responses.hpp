/// @file responses.hpp
/// Questionnaire answers as numbers (data layer): N respondents x k items, NaN = missing.
///
/// `response_reader` turns a CSV/TSV file into `responses`, choosing the item columns by name,
/// by range (`Q1-Q36`) or by position, in instrument order. Empty cells and `NA` are missing;
/// so are the user's missing codes (`--missing 0,99`). A cell that is not a number is an error
/// naming the file, row, line, column and value. Large files are read in chunks of bounded size.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/io/csv.hpp"
#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Answers of N respondents to k items. Rows are respondents, columns items, NaN = missing.
struct ATTUNE_EXPORT responses {
  Eigen::MatrixXd values;             ///< N x k answers, NaN = missing
  std::vector<std::string> item_ids;  ///< the k item ids (instrument order)
  std::vector<std::string> columns;   ///< the data column that holds each item
  std::vector<std::string> row_ids;   ///< the id column's value per row (empty without `id_column`)
  /// The columns of `read_options::extra_columns`, as the header names them.
  std::vector<std::string> extra_columns;
  /// `extra[c][r]`: the text (trimmed) of extra column `c` at row `r`, carried through unparsed.
  std::vector<std::vector<std::string>> extra;
  std::vector<std::size_t> lines;     ///< the input line of each row (empty for data built in code)
  std::string source;                 ///< the input's name, for messages
  std::size_t first_row = 1;          ///< the 1-based data row number of row 0 (chunks)

  [[nodiscard]] Eigen::Index n_rows() const noexcept { return values.rows(); }
  [[nodiscard]] Eigen::Index n_items() const noexcept { return values.cols(); }
  /// "data.csv, row 12 (line 13)" for row `r` of this block, for error messages.
  [[nodiscard]] std::string where(Eigen::Index r) const;
  /// The same as an error's fields: source, 1-based data row and line.
  [[nodiscard]] error_details at(Eigen::Index r) const;
};

/// Options for reading responses.
struct ATTUNE_EXPORT read_options {
  csv_options csv;                        ///< delimiter
  std::vector<double> missing_codes;      ///< numbers that mean "no answer" (empty cells and NA always do)
  /// Which columns hold the items, in item order. Each entry is a column name, a range of names
  /// (`Q1-Q36`, by header position), a 1-based position (`5`) or a range of positions (`3-38`);
  /// an entry may itself be a comma-separated list. Empty: the columns named like the item ids
  /// (case-insensitive).
  std::vector<std::string> items;
  std::string id_column;                  ///< the respondent id column; empty for none
  /// Other columns carried through as text, each a column name or a 1-based position (e.g. the
  /// RQ forced choice): read in the same pass as the items, so that nothing reads the input twice.
  std::vector<std::string> extra_columns;
  /// Records right after the header that are not data, skipped unread: survey platforms' extra
  /// header rows (a Qualtrics CSV export has 2: the question texts and the ImportId entries). The
  /// data rows keep their numbers in the file (the first data row after 2 skipped rows is row 3).
  std::size_t skip_rows = 0;
};

/// Reads responses from a CSV/TSV stream, a chunk at a time.
class ATTUNE_EXPORT response_reader {
 public:
  /// Reads the header and resolves the item and id columns.
  /// @param in the CSV/TSV text
  /// @param source the input's name in messages (a path, "<stdin>")
  /// @param options the delimiter, missing codes, item selectors and id column
  /// @param item_ids the ids of the items expected (instrument order); with empty
  ///        `options.items` columns are matched to these names.
  /// @throws attune::error (bad_input) when a column cannot be found or `items` selects the
  ///         wrong number of columns; (invalid_argument) for a malformed `items` entry.
  response_reader(std::istream& in, std::string source, std::vector<std::string> item_ids,
                  read_options options);

  /// Reads up to `max_rows` rows into `chunk` (replacing its contents). Returns false when no
  /// row was left. @throws attune::error (bad_input) for a cell that is not a number.
  bool read(responses& chunk, std::size_t max_rows);

  /// The raw text of the next rows, cut from the input by `take_chunk` and parsed by
  /// `parse_chunk`, possibly on another thread (src/data/chunk_pipeline.hpp reads a file so).
  struct chunk_text {
    std::vector<char> text;       ///< whole records with their line ends
    std::size_t first_line = 0;   ///< the input line the text starts on
    std::size_t rows_before = 0;  ///< data rows before it
    std::size_t rows = 0;         ///< data rows in it
  };
  /// Cuts the text of the next `max_rows` rows (fewer at the end) into `out` (replacing its
  /// contents), unparsed. Returns false when no row was left.
  /// @throws attune::error (bad_input) for a record longer than `csv_options::max_record_bytes`;
  ///         (io_error) when the stream fails.
  bool take_chunk(chunk_text& out, std::size_t max_rows);
  /// Parses a text cut by `take_chunk` into `chunk`: the same rows, row and line numbers, and the
  /// same errors as `read(chunk, max_rows)` at that point would have given. Safe to call on
  /// several threads at once (each with its own text and chunk) while this reader is not used
  /// otherwise. `text.text` is consumed and handed back for reuse.
  void parse_chunk(chunk_text& text, responses& chunk) const;

  /// The data file's header.
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return csv_.header(); }
  /// The header positions (0-based) of the item columns, in item order.
  [[nodiscard]] const std::vector<std::size_t>& item_columns() const noexcept { return item_columns_; }

 private:
  csv_reader csv_;
  std::vector<std::string> item_ids_;
  read_options options_;
  std::vector<std::size_t> item_columns_;
  std::ptrdiff_t id_column_ = -1;
  std::vector<std::size_t> extra_columns_;
  std::vector<std::string_view> fields_;
  response_reader(const response_reader& like, csv_reader fragment);
  /// The rows after `fields_` read ahead on an error path (to recognise a survey export).
  [[nodiscard]] bool survey_export_ahead();
};

/// Rows per `response_reader::read` call that keep a chunk's answers (rows x items doubles) within
/// about 1 MiB, so that reading, checking and scoring a chunk run in the CPU cache: 3,640 rows of
/// 36 items; never fewer than 256 or more than 65,536 rows. Chunks of 65,536 x 36 (18 MiB) took
/// `attune score` about 1.4x the CPU time (docs/performance.md).
ATTUNE_EXPORT std::size_t cache_friendly_chunk_rows(std::size_t n_items) noexcept;

/// Reads a whole stream. @see response_reader
ATTUNE_EXPORT responses read_responses(std::istream& in, const std::string& source,
                                       const std::vector<std::string>& item_ids,
                                       const read_options& options = {});

/// Reads a whole file; `path` "-" reads standard input.
/// @throws attune::error (io_error) when the file cannot be opened.
ATTUNE_EXPORT responses read_responses_file(const std::string& path,
                                            const std::vector<std::string>& item_ids,
                                            const read_options& options = {});

/// Resolves column selectors (see `read_options::items`) against a header: 0-based positions.
/// @throws attune::error (invalid_argument) naming the selector that matches nothing.
ATTUNE_EXPORT std::vector<std::size_t> select_columns(const std::vector<std::string>& header,
                                                      const std::vector<std::string>& selectors);

/// Parses one cell: NaN for empty, `NA` or a missing code; the number otherwise.
/// @returns false when the cell is not a number.
ATTUNE_EXPORT bool parse_cell(std::string_view cell, const std::vector<double>& missing_codes,
                              double& value) noexcept;

ATTUNE_END_NAMESPACE
