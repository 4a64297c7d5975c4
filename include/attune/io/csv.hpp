/// @file csv.hpp
/// A streaming CSV/TSV reader (io layer).
///
/// Reads RFC 4180-style text: a header row; comma, semicolon or tab delimiters (detected from the
/// header or given); double-quoted fields with `""` escapes and embedded delimiters or newlines;
/// LF or CRLF line ends; an optional UTF-8 byte-order mark. Blank lines are skipped. A record with
/// more or fewer fields than the header is an error naming the file and line; so are CR-only line
/// ends (old Mac files), and an input that ends just after a delimiter (cut off: a final empty
/// field must be followed by a line end).
/// Memory is bounded by the longest record, not by the file: the reader keeps one buffer, and a
/// record longer than `csv_options::max_record_bytes` (16 MiB by default) is an error before it
/// costs more memory (so /dev/zero or a file without line ends ends in a clear error).
#pragma once

#include <cstddef>
#include <exception>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `csv_reader`.
struct ATTUNE_EXPORT csv_options {
  /// Field delimiter: ',', ';' or a tab; the NUL character detects it from the header line (the most frequent
  /// of the three outside quotes; ',' when none occurs).
  char delimiter = '\0';
  /// Longest record accepted, in bytes with its line end (quoted newlines included): a longer one
  /// is a bad_input error naming the line. At least 64; 16 MiB by default.
  std::size_t max_record_bytes = std::size_t{16} << 20;
  /// Most columns accepted in the header: a wider header is a bad_input error (rule
  /// `too_many_columns`) before any row is read. At least 1; 10,000 by default (the most items a
  /// serialized state holds, `max_serialized_items`), so a hostile header of 100,000 columns is
  /// refused at once. Raise it for wider files (command line: `--max-columns`).
  std::size_t max_columns = 10000;
};

/// Reads one record at a time from a stream. Not copyable; cheap to move.
class ATTUNE_EXPORT csv_reader {
 public:
  /// Reads the header row at once. `source` names the input in error messages (a path or "<stdin>").
  /// @throws attune::error (bad_input) on an empty input or a malformed header.
  csv_reader(std::istream& in, std::string source, csv_options options = {});

  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;
  csv_reader(csv_reader&&) noexcept = default;
  csv_reader& operator=(csv_reader&&) noexcept = default;
  ~csv_reader() = default;

  /// The column names, as written (quotes removed, surrounding spaces kept).
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  /// The delimiter in use (given or detected).
  [[nodiscard]] char delimiter() const noexcept { return delimiter_; }
  /// The name given for the input.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// A reader of `text`, a run of whole records cut from the input of `like` by `take_records`,
  /// that continues where `like` stood when it cut them: the same source, delimiter, header and
  /// limits, with line() and row() counting on from `line` (the text's first line) and `row` (the
  /// records before it). `next` then gives exactly the fields, errors and line and row numbers that
  /// `like.next` would have given for these records. Parsing several such texts on several threads
  /// (one reader each) is how a file is read in parallel (src/data/chunk_pipeline.hpp).
  csv_reader(const csv_reader& like, std::vector<char> text, std::size_t line, std::size_t row);

  /// Cuts the next records (at most `max_records`, fewer at the end of the input) out of the input,
  /// unparsed: appends their text, line ends and blank lines included, to `text`, and advances
  /// line() and row() past them as `next` would. Record boundaries are found as `next` finds them
  /// (a line end inside a quoted field belongs to the field). Returns the number of records cut
  /// (0 at the end). The scan is cheap (a search for line ends; quotes are followed only where
  /// they occur); parsing is left to a reader made with the constructor above.
  /// @throws attune::error (bad_input) for a record longer than `max_record_bytes`; (io_error)
  ///         when the stream fails.
  std::size_t take_records(std::size_t max_records, std::vector<char>& text);

  /// The text of a reader made from a text (the constructor above), handed back for reuse; the
  /// reader is then at its end.
  std::vector<char> release_text() noexcept;

  /// Reads the next record into `fields` (one view per column). The views stay valid until the
  /// next call. Returns false at the end of the input.
  /// @throws attune::error (bad_input) on a record with the wrong number of fields or an
  ///         unterminated quote; (io_error) when the stream fails.
  bool next(std::vector<std::string_view>& fields);

  /// The 1-based line of the input on which the last record (or the header) began.
  [[nodiscard]] std::size_t line() const noexcept { return record_line_; }
  /// The 1-based line of the input where reading goes on (after the last record and the line
  /// ends consumed with it).
  [[nodiscard]] std::size_t next_line() const noexcept { return line_; }
  /// The 1-based number of the last data record (the header is record 0).
  [[nodiscard]] std::size_t row() const noexcept { return row_; }

 private:
  bool parse_record(std::vector<std::string_view>& fields);
  bool fill();
  std::size_t record_end(std::size_t from, std::size_t& newlines) const;

  std::istream* in_;
  std::string source_;
  char delimiter_;
  std::vector<std::string> header_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // start of unparsed data in buffer_
  std::size_t end_ = 0;    // end of valid data in buffer_
  bool eof_ = false;
  std::exception_ptr deferred_error_;  // take_records: an error met after records were cut, thrown next call
  std::size_t max_record_bytes_;
  std::size_t max_columns_;
  std::vector<std::string> unquoted_;  // storage for fields that needed unescaping
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
  std::size_t row_ = 0;
};

ATTUNE_END_NAMESPACE
