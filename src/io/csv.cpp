#include "attune/io/csv.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "attune/core/error.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace {

// The buffer starts at 64 KiB and doubles after each read that does not end the input, up to 1 MiB, the block size of a long
// file; beyond that it grows only for longer records. Reading a header (or a small file) thus
// neither reads nor zero-fills a whole MiB: that was about 0.5 ms of every run that reads a
// file's header before streaming it.
constexpr std::size_t kInitialBuffer = std::size_t{1} << 16;
constexpr std::size_t kBlockBuffer = std::size_t{1} << 20;

std::string where(const std::string& source, std::size_t line) {
  return source + ", line " + std::to_string(line);
}

char detect_delimiter(std::string_view line) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++comma;
    if (c == ';') ++semicolon;
    if (c == '\t') ++tab;
  }
  if (tab > comma && tab >= semicolon) return '\t';
  if (semicolon > comma) return ';';
  return ',';
}

// Splits [p, end) at `delim` up to the first '\n' into `fields` (all but the last field, which
// ends at the '\n'), 16 bytes at a time where SSE2 is available. Returns the '\n', or nullptr when
// no '\n' is buffered or a '"' comes before it (then `fields` is left partly filled: the caller's
// general parser clears it).
const char* split_plain(const char* p, const char* end, char delim, std::vector<std::string_view>& fields) {
  fields.clear();
  const char* field = p;
#if defined(__SSE2__)
  const __m128i vd = _mm_set1_epi8(delim);
  const __m128i vn = _mm_set1_epi8('\n');
  const __m128i vq = _mm_set1_epi8('"');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto md = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd)));
    const auto mn = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)));
    const auto mq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)));
    const unsigned before = mn != 0 ? (mn & (0u - mn)) - 1u : 0xFFFFu;  // bytes before the first '\n'
    if ((mq & before) != 0) return nullptr;
    md &= before;
    while (md != 0) {
      const char* q = p + std::countr_zero(md);
      fields.emplace_back(field, static_cast<std::size_t>(q - field));
      field = q + 1;
      md &= md - 1;
    }
    if (mn != 0) return p + std::countr_zero(mn);
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '\n') return p;
    if (c == '"') return nullptr;
    if (c == delim) {
      fields.emplace_back(field, static_cast<std::size_t>(p - field));
      field = p + 1;
    }
  }
  return nullptr;
}

}  // namespace

csv_reader::csv_reader(std::istream& in, std::string source, csv_options options)
    : in_(&in), source_(std::move(source)), delimiter_(options.delimiter),
      max_record_bytes_(options.max_record_bytes), max_columns_(options.max_columns) {
  if (delimiter_ != '\0' && delimiter_ != ',' && delimiter_ != ';' && delimiter_ != '\t') {
    throw error(errc::invalid_argument, "csv_options.delimiter '" + std::string(1, delimiter_) +
                                            "' is not supported: use ',', ';' or tab");
  }
  if (max_record_bytes_ < 64) {
    throw error(errc::invalid_argument, "csv_options.max_record_bytes = " + std::to_string(max_record_bytes_) +
                                            "; must be at least 64", {.option = "csv_options.max_record_bytes"});
  }
  if (max_columns_ < 1) {
    throw error(errc::invalid_argument, "csv_options.max_columns = 0; must be at least 1", {.option = "csv_options.max_columns"});
  }
  buffer_.resize(std::min(kInitialBuffer, max_record_bytes_));
  fill();
  // UTF-8 byte-order mark.
  if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
  // CR-only line ends (classic Mac OS): a CR outside quotes, before the first LF, not followed by
  // LF. Said here in words, before the whole file is taken as one line ("header column 43 has no
  // name") or as a record over the length limit.
  {
    bool quoted = false;
    for (std::size_t p = begin_; p < end_ && (quoted || buffer_[p] != '\n'); ++p) {
      if (buffer_[p] == '"') quoted = !quoted;
      if (!quoted && buffer_[p] == '\r' && p + 1 < end_ && buffer_[p + 1] != '\n') {
        throw error(errc::bad_input, where(source_, 1) +
                                         ": the lines end with CR only (classic Mac OS text); convert the line ends "
                                         "to LF or CRLF (e.g. tr '\\r' '\\n')");
      }
    }
  }
  if (delimiter_ == '\0') {
    // Detect from the first line (quotes respected; a header with a newline in quotes is rare).
    // When the buffer ends without a newline, read on; at the end of the input the whole header
    // is the first line (issue 10, F1: a header of exactly 1 MiB skipped detection).
    while (true) {
      const char* start = buffer_.data() + begin_;
      const void* nl = std::memchr(start, '\n', end_ - begin_);
      if (nl != nullptr || eof_) {
        const std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
        delimiter_ = detect_delimiter(std::string_view(start, len));
        break;
      }
      fill();  // false only at the end of the input, which the next pass sees as eof_
    }
  }
  std::vector<std::string_view> fields;
  if (!parse_record(fields)) throw error(errc::bad_input, source_ + ": the file is empty (no header row)");
  if (fields.size() > max_columns_) {
    throw error(errc::bad_input,
                where(source_, record_line_) + ": the header has " + std::to_string(fields.size()) +
                    " columns, more than the limit of " + std::to_string(max_columns_) +
                    " (csv_options.max_columns); raise it for a file this wide",
                {.source = source_, .line = record_line_, .option = "csv_options.max_columns", .rule = "too_many_columns"});
  }
  header_.assign(fields.begin(), fields.end());
  row_ = 0;
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i].empty() && header_.size() > 1) {
      throw error(errc::bad_input, where(source_, record_line_) + ": header column " +
                                       std::to_string(i + 1) + " has no name");
    }
  }
}

csv_reader::csv_reader(const csv_reader& like, std::vector<char> text, std::size_t line, std::size_t row)
    : in_(nullptr), source_(like.source_), delimiter_(like.delimiter_), header_(like.header_),
      buffer_(std::move(text)), end_(buffer_.size()), eof_(true), max_record_bytes_(like.max_record_bytes_),
      max_columns_(like.max_columns_), line_(line), record_line_(line), row_(row) {}

std::vector<char> csv_reader::release_text() noexcept {
  begin_ = end_ = 0;
  return std::move(buffer_);
}

// The end of the record that starts at `from` (blank lines are records of their own here): the
// position of its terminating '\n', or npos when the buffered data end first. Follows the quotes
// as parse_record does: a '"' that opens a field starts a quoted part, in which "" is a quote and a
// '\n' is part of the field (counted in `newlines`); a '"' inside an unquoted field is literal.
// After malformed text (a character after a closing quote) the record is ended at the next line
// end, and parse_record reports the error when the record is parsed.
std::size_t csv_reader::record_end(std::size_t from, std::size_t& newlines) const {
  const char* data = buffer_.data();
  const char delim = delimiter_;
  newlines = 0;
  bool field_start = true;
  std::size_t p = from;
  while (p < end_) {
    const char c = data[p];
    if (c == '\n') return p;
    if (field_start && c == '"') {
      // Quoted part: up to the closing quote ("" is an escaped quote).
      ++p;
      while (true) {
        const void* q = std::memchr(data + p, '"', end_ - p);
        if (q == nullptr) return std::string::npos;
        const auto qp = static_cast<std::size_t>(static_cast<const char*>(q) - data);
        newlines += static_cast<std::size_t>(std::count(data + p, data + qp, '\n'));
        if (qp + 1 >= end_) return std::string::npos;  // cannot tell "" from the closing quote yet
        if (data[qp + 1] == '"') {
          p = qp + 2;
          continue;
        }
        p = qp + 1;
        break;
      }
      field_start = false;
      continue;
    }
    field_start = c == delim;
    ++p;
  }
  return std::string::npos;
}

std::size_t csv_reader::take_records(std::size_t max_records, std::vector<char>& text) {
  std::size_t taken = 0;
  // An error while reading on (a record too long, a read error, a cancellation from the stream)
  // comes after the records already cut: they are returned first, and the next call throws the
  // same error. It is kept rather than met again: a stream whose buffer threw is left bad, and
  // reading it again would throw the stream's own failure instead of the error.
  if (deferred_error_) std::rethrow_exception(deferred_error_);
  bool deferred = false;
  auto fill_or_defer = [&] {
    try {
      return fill();
    } catch (...) {
      if (taken == 0) throw;
      deferred_error_ = std::current_exception();
      deferred = true;
      return false;
    }
  };
  while (taken < max_records && !deferred) {
    if (begin_ == end_ && !fill_or_defer()) break;
    // Records wholly buffered, from begin_; appended to `text` in one piece below.
    const std::size_t start = begin_;
    const char* data = buffer_.data();
    // The next '"' at or after begin_ (end_ when none): records before it are plain text.
    std::size_t quote_at = begin_;
    auto find_quote = [&] {
      const void* q = std::memchr(data + begin_, '"', end_ - begin_);
      quote_at = q ? static_cast<std::size_t>(static_cast<const char*>(q) - data) : end_;
    };
    find_quote();
    bool need_more = false;
    while (taken < max_records && begin_ < end_) {
      if (quote_at < begin_) find_quote();
      std::size_t nl = std::string::npos, quoted_newlines = 0;
      const void* plain = std::memchr(data + begin_, '\n', end_ - begin_);
      const std::size_t plain_nl = plain ? static_cast<std::size_t>(static_cast<const char*>(plain) - data) : end_;
      if (plain_nl < quote_at) {
        if (plain != nullptr) nl = plain_nl;
      } else {
        nl = record_end(begin_, quoted_newlines);
      }
      if (nl == std::string::npos) {
        need_more = true;
        break;
      }
      const bool blank = nl == begin_ || (nl == begin_ + 1 && data[begin_] == '\r');
      if (!blank) {
        ++taken;
        ++row_;
        record_line_ = line_;
      }
      line_ += quoted_newlines + 1;
      begin_ = nl + 1;
    }
    text.insert(text.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(start),
                buffer_.begin() + static_cast<std::ptrdiff_t>(begin_));
    if (!need_more) continue;
    // The record at begin_ is not wholly buffered: read on (fill grows the buffer up to the record
    // limit and names the record's line beyond it); at the end of the input it is the last record.
    if (eof_) {
      if (begin_ < end_) {
        text.insert(text.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
                    buffer_.begin() + static_cast<std::ptrdiff_t>(end_));
        std::size_t newlines = 0;
        (void)record_end(begin_, newlines);
        ++taken;
        ++row_;
        record_line_ = line_;
        line_ += newlines;
        begin_ = end_;
      }
      break;
    }
    if (!fill_or_defer() && deferred) break;
  }
  return taken;
}

// Moves unparsed data to the front and reads more; grows the buffer when it is full.
// Returns false when nothing more could be read.
bool csv_reader::fill() {
  if (eof_ || in_ == nullptr) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    // The buffer holds one unfinished record: grow it, up to the record limit (issue 10, F16).
    if (buffer_.size() >= max_record_bytes_) {
      throw error(errc::bad_input,
                  where(source_, line_) + ": a record longer than " + std::to_string(max_record_bytes_) +
                      " bytes (csv_options.max_record_bytes); is this a CSV file with line ends?",
                  {.source = source_, .line = line_, .option = "csv_options.max_record_bytes", .rule = "record_too_long"});
    }
    buffer_.resize(std::min(buffer_.size() * 2, max_record_bytes_));
  }
  in_->read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
  const auto got = static_cast<std::size_t>(in_->gcount());
  if (in_->bad()) throw error(errc::io_error, source_ + ": read error");
  end_ += got;
  if (got == 0 || in_->eof()) {
    eof_ = true;
  } else if (buffer_.size() < kBlockBuffer && buffer_.size() < max_record_bytes_) {
    buffer_.resize(std::min({buffer_.size() * 2, kBlockBuffer, max_record_bytes_}));  // the input goes on
  }
  return got > 0;
}

bool csv_reader::next(std::vector<std::string_view>& fields) {
  if (!parse_record(fields)) return false;
  ++row_;
  if (fields.size() != header_.size()) {
    throw error(errc::bad_input, where(source_, record_line_) + " (row " + std::to_string(row_) +
                                     "): " + std::to_string(fields.size()) + " field" +
                                     (fields.size() == 1 ? "" : "s") + ", but the header has " +
                                     std::to_string(header_.size()));
  }
  return true;
}

// Parses one record starting at begin_. When the record runs past the buffered data, more is
// read and the record is parsed again from its start (offsets, not pointers, survive a refill).
bool csv_reader::parse_record(std::vector<std::string_view>& fields) {
  // Splits the buffered record at begin_ if it is plain (a '\n' is buffered, no '"' before it).
  auto split_plain_record = [this](std::vector<std::string_view>& out) -> const char* {
    const char* start = buffer_.data() + begin_;
    const char* nl = split_plain(start, buffer_.data() + end_, delimiter_, out);
    if (nl != nullptr) {
      const char* stop = nl;
      if (stop > start && stop[-1] == '\r') --stop;
      const char* last = out.empty() ? start : out.back().data() + out.back().size() + 1;
      out.emplace_back(last, static_cast<std::size_t>(stop - last));
    }
    return nl;
  };
  while (true) {
    // Skip blank lines (LF or CRLF).
    while (true) {
      if (begin_ == end_ && !fill()) return false;
      const char c = buffer_[begin_];
      if (c == '\n') {
        ++begin_;
        ++line_;
      } else if (c == '\r' && (begin_ + 1 < end_ || fill()) && begin_ + 1 < end_ &&
                 buffer_[begin_ + 1] == '\n') {
        begin_ += 2;
        ++line_;
      } else {
        break;
      }
    }
    // Fast path: the whole record is buffered, ends with '\n' and holds no quote. Same fields as
    // the general loop below: split at the delimiter; one '\r' before the '\n' is dropped.
    if (const char* nl = split_plain_record(fields)) {
      record_line_ = line_;
      ++line_;
      begin_ = static_cast<std::size_t>(nl + 1 - buffer_.data());
      return true;
    }
    fields.clear();
    std::size_t n_unquoted = 0;
    std::size_t pos = begin_;
    std::size_t newlines = 0;
    bool need_more = false;
    const char delim = delimiter_;
    const char* data = buffer_.data();
    while (true) {
      if (pos < end_ && data[pos] == '"') {
        // Quoted field: "" is an escaped quote; delimiters and newlines are literal.
        std::string& out = n_unquoted < unquoted_.size() ? unquoted_[n_unquoted] : unquoted_.emplace_back();
        out.clear();
        std::size_t p = pos + 1;
        bool closed = false;
        while (p < end_) {
          const char c = data[p];
          if (c == '"') {
            if (p + 1 >= end_) break;  // cannot tell "" from the closing quote yet
            if (data[p + 1] == '"') {
              out.push_back('"');
              p += 2;
              continue;
            }
            closed = true;
            ++p;
            break;
          }
          if (c == '\n') ++newlines;
          out.push_back(c);
          ++p;
        }
        if (!closed) {
          if (eof_ && p + 1 >= end_ && p < end_ && data[p] == '"') {
            closed = true;  // closing quote is the last byte of the input
            ++p;
          } else {
            need_more = true;
            break;
          }
        }
        // After the closing quote: optional spaces, then a delimiter or the end of the line.
        while (p < end_ && data[p] == ' ') ++p;
        if (p >= end_ && !eof_) {
          need_more = true;
          break;
        }
        if (p < end_ && data[p] != delim && data[p] != '\n' && data[p] != '\r') {
          throw error(errc::bad_input, where(source_, line_ + newlines) +
                                           ": unexpected character after a closing quote");
        }
        ++n_unquoted;
        fields.emplace_back();  // null data marks a quoted field, patched below, once unquoted_ no longer reallocates
        pos = p;
      } else {
        std::size_t p = pos;
        while (p < end_ && data[p] != delim && data[p] != '\n') ++p;
        if (p >= end_ && !eof_) {
          need_more = true;
          break;
        }
        std::size_t stop = p;
        if (stop > pos && data[stop - 1] == '\r' && (p >= end_ || data[p] == '\n')) --stop;
        fields.emplace_back(data + pos, stop - pos);
        pos = p;
      }
      if (pos >= end_) {  // end of input ends the record
        break;
      }
      if (data[pos] == delim) {
        ++pos;
        if (pos >= end_ && !eof_) {
          need_more = true;
          break;
        }
        if (pos >= end_) {
          // The input ends just after a delimiter: most likely cut off (an upload or a pipe that
          // stopped), not a last field that is deliberately empty (issue 10).
          throw error(errc::bad_input, where(source_, line_ + newlines) +
                                           ": the input ends just after a delimiter, so the last record looks cut "
                                           "off; if its last field is empty, end the record with a line end");
        }
        continue;
      }
      if (data[pos] == '\r') ++pos;
      if (pos < end_ && data[pos] == '\n') ++pos;
      ++newlines;
      break;
    }
    if (need_more) {
      const bool at_eof = eof_;
      if (!fill() && at_eof) {
        throw error(errc::bad_input, where(source_, line_) + ": unterminated quoted field");
      }
      if (eof_ && begin_ == end_) return false;
      continue;
    }
    // Point the quoted fields at their unescaped text.
    std::size_t q = 0;
    for (auto& f : fields) {
      if (f.data() == nullptr) {
        f = unquoted_[q++];
      }
    }
    record_line_ = line_;
    line_ += newlines;
    begin_ = pos;
    return true;
  }
}

ATTUNE_END_NAMESPACE
