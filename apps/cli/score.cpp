// attune score: anxiety and avoidance (and every subscale) per respondent.
// CSV and JSON outputs stream: the file is read, scored and written a chunk at a time, so memory
// does not grow with the file. The table output holds every row (to align the columns).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "attune/core/error.hpp"
#include "attune/analyses/scoring.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct score_cli_options {
  input_options in;
  bool summary = false;
  std::size_t chunk_rows = 0;  // 0: cache_friendly_chunk_rows(items)
};

// Header: id, then per subscale "<name>,<name>_answered", then composites.
std::string csv_header(const instrument& inst, bool with_id) {
  std::string h = with_id ? "id" : "";
  auto add = [&](const std::string& name) {
    if (!h.empty()) h += ',';
    h += csv_field(name);
  };
  for (const auto& s : inst.subscales) {
    add(s.name);
    add(s.name + "_answered");
  }
  for (const auto& c : inst.composites) add(c.name);
  return h + "\n";
}

// The shortest text that reads back exactly (std::to_chars), remembered for the last number seen
// in each of 4,096 slots. Scores are means of a few small integers, so a file holds few distinct
// values (at most a few thousand for 36 items on 1-7), and std::to_chars costs about 80 ns per
// score: a fifth of the CPU time of `attune score` before this cache (perf). Any value is
// still formatted by std::to_chars the first time it occupies a slot, so the text is the same.
class number_text_cache {
 public:
  static constexpr std::size_t kMaxText = 24;  // the longest double from std::to_chars

  // Writes x at p (room for kMaxText characters needed); returns the end.
  char* put(char* p, double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    slot& s = slots_[(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kSlotBits)];  // Fibonacci hashing
    if (!s.filled || s.bits != bits) {
      s.size = static_cast<std::uint8_t>(std::to_chars(s.text, s.text + kMaxText, x).ptr - s.text);
      s.bits = bits;
      s.filled = true;
    }
    std::memcpy(p, s.text, kMaxText);
    return p + s.size;
  }

 private:
  static constexpr int kSlotBits = 12;
  struct slot {
    std::uint64_t bits = 0;
    bool filled = false;
    std::uint8_t size = 0;
    char text[kMaxText] = {};
  };
  std::vector<slot> slots_ = std::vector<slot>(std::size_t{1} << kSlotBits);
};

// Formats a chunk into one buffer through a plain pointer and writes it with one call: strings
// per field, appends and stream insertions cost more than the scoring itself
// (bench/compare_scoring.sh).
void write_csv_rows(std::ostream& os, const instrument& inst, const responses& chunk, const score_table& t,
                    number_text_cache& numbers, std::string& buffer) {
  const std::size_t n_sub = inst.subscales.size();
  const std::size_t n_comp = inst.composites.size();
  constexpr std::size_t kMaxNumber = number_text_cache::kMaxText;
  const std::size_t numbers_per_row = 2 * n_sub + n_comp;
  std::size_t used = 0;
  for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
    const std::string_view id = chunk.row_ids.empty() ? std::string_view() : chunk.row_ids[static_cast<std::size_t>(i)];
    const std::size_t room = 2 * id.size() + 3 + numbers_per_row * (kMaxNumber + 1);
    if (buffer.size() < used + room) buffer.resize(std::max(2 * buffer.size(), used + room));
    char* p = buffer.data() + used;
    bool first = true;
    auto separate = [&] {
      if (!first) *p++ = ',';
      first = false;
    };
    auto put_score = [&](double x) {  // empty for NaN (not scoreable)
      separate();
      if (!std::isnan(x)) p = numbers.put(p, x);
    };
    if (!chunk.row_ids.empty()) {
      separate();
      p = put_csv_field(p, id);
    }
    for (std::size_t s = 0; s < n_sub; ++s) {
      put_score(t.scores(i, static_cast<Eigen::Index>(s)));
      separate();
      p = std::to_chars(p, p + kMaxNumber, t.answered(i, static_cast<Eigen::Index>(s))).ptr;
    }
    for (std::size_t c = 0; c < n_comp; ++c) put_score(t.scores(i, static_cast<Eigen::Index>(n_sub + c)));
    *p++ = '\n';
    used = static_cast<std::size_t>(p - buffer.data());
  }
  os.write(buffer.data(), static_cast<std::streamsize>(used));
}

std::string summary_text(const instrument& inst, const score_summary& summary, const std::vector<std::string>& warnings) {
  std::ostringstream os;
  os << inst.id << " (" << inst.name << "): " << summary.n_rows() << " respondents\n";
  os << "  score                 scored  unscored     mean       sd      min      max\n";
  for (const auto& c : summary.columns()) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-20s %7zu %9zu %8s %8s %8s %8s\n", c.name.c_str(), c.n_scored, c.n_unscored,
                  format_fixed(c.mean, 3).c_str(), format_fixed(c.sd, 3).c_str(), format_fixed(c.min, 3).c_str(),
                  format_fixed(c.max, 3).c_str());
    os << buf;
  }
  for (const auto& w : warnings) os << "  warning: " << w << "\n";
  return os.str();
}

nlohmann::json summary_json(const score_summary& summary) {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : summary.columns()) {
    cols.push_back({{"name", c.name},
                    {"n_scored", c.n_scored},
                    {"n_unscored", c.n_unscored},
                    {"mean", json_number(c.mean)},
                    {"sd", json_number(c.sd)},
                    {"min", json_number(c.min)},
                    {"max", json_number(c.max)}});
  }
  return cols;
}

void run(const score_cli_options& o) {
  const instrument inst = resolve_instrument(o.in.instrument);
  const scoring_options scoring = make_scoring_options(o.in);
  const read_options reading = make_read_options(o.in);
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string source = "<stdin>";
  if (o.in.data != "-") {
    file.open(o.in.data, std::ios::binary);
    if (!file) throw error(errc::io_error, o.in.data + ": cannot open the file for reading");
    in = &file;
    source = o.in.data;
  }
  response_reader reader(*in, source, inst.item_ids(), reading);
  score_summary summary(inst.score_names());
  const bool with_id = !o.in.id.empty();
  const std::size_t chunk_rows = o.chunk_rows > 0 ? o.chunk_rows : cache_friendly_chunk_rows(inst.items.size());
  responses chunk;

  if (o.in.format == "csv") {
    output_file out(o.in.output, protect_inputs(o.in));
    out.stream() << csv_header(inst, with_id);
    number_text_cache numbers;
    std::string buffer;
    while (reader.read(chunk, chunk_rows)) {
      const score_table t = score(inst, chunk, scoring);
      summary.add(t);
      write_csv_rows(out.stream(), inst, chunk, t, numbers, buffer);
    }
    out.commit();
    const std::vector<std::string> warnings = summary.warnings();
    if (o.summary) std::cerr << summary_text(inst, summary, warnings);
    else for (const auto& w : warnings) std::cerr << "attune: warning: " << w << "\n";
    return;
  }

  const auto names = inst.score_names();
  const std::size_t n_sub = inst.subscales.size();
  if (o.in.format == "json") {
    // Streams like CSV: the respondents are written a chunk at a time, one per line, and the
    // members known only at the end (counts, summary, warnings) follow them.
    // One respondent: {"id" (or "row"), "scores", "answered"}, on one line.
    auto respondent_text = [&](const score_table& t, Eigen::Index i) {
      nlohmann::json row;
      if (with_id) row["id"] = chunk.row_ids[static_cast<std::size_t>(i)];
      else row["row"] = chunk.first_row + static_cast<std::size_t>(i);
      nlohmann::json scores, answered;
      for (std::size_t c = 0; c < names.size(); ++c) {
        scores[names[c]] = json_number(t.scores(i, static_cast<Eigen::Index>(c)));
        if (c < n_sub) answered[names[c]] = t.answered(i, static_cast<Eigen::Index>(c));
      }
      row["scores"] = std::move(scores);
      row["answered"] = std::move(answered);
      try {
        return json_text(row, -1);
      } catch (const error& e) {
        throw error(e.code(), chunk.where(i) + ": " + e.what());
      }
    };
    output_file out(o.in.output, protect_inputs(o.in));
    std::ostream& os = out.stream();
    const response_range range = scoring.range.value_or(inst.range);
    os << "{\n  \"instrument\": " << nlohmann::json(inst.id).dump()
       << ",\n  \"range\": " << nlohmann::json({{"min", range.min}, {"max", range.max}}).dump()
       << ",\n  \"min_answered\": " << nlohmann::json(scoring.min_answered).dump() << ",\n  \"respondents\": [";
    std::string text;
    bool first = true;
    while (reader.read(chunk, chunk_rows)) {
      const score_table t = score(inst, chunk, scoring);
      summary.add(t);
      text.clear();
      for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
        text += first ? "\n    " : ",\n    ";
        first = false;
        text += respondent_text(t, i);
      }
      os << text;
    }
    os << (first ? "]" : "\n  ]") << ",\n  \"n_rows\": " << summary.n_rows()
       << ",\n  \"n_out_of_range\": " << summary.n_out_of_range()
       << ",\n  \"summary\": " << summary_json(summary).dump()
       << ",\n  \"warnings\": " << nlohmann::json(summary.warnings()).dump() << "\n}\n";
    out.commit();
    return;
  }

  // The table is aligned over all rows, so it keeps them (it is meant for reading, not for
  // large files).
  std::vector<std::vector<std::string>> table_rows;
  while (reader.read(chunk, chunk_rows)) {
    const score_table t = score(inst, chunk, scoring);
    summary.add(t);
    for (Eigen::Index i = 0; i < t.scores.rows(); ++i) {
      std::vector<std::string> cells;
      cells.push_back(with_id ? chunk.row_ids[static_cast<std::size_t>(i)]
                              : std::to_string(chunk.first_row + static_cast<std::size_t>(i)));
      for (std::size_t c = 0; c < names.size(); ++c) {
        cells.push_back(format_fixed(t.scores(i, static_cast<Eigen::Index>(c)), 3));
        if (c < n_sub) cells.push_back(std::to_string(t.answered(i, static_cast<Eigen::Index>(c))));
      }
      table_rows.push_back(std::move(cells));
    }
  }
  const std::vector<std::string> warnings = summary.warnings();
  // table
  std::vector<std::string> header = {with_id ? "id" : "row"};
  for (std::size_t c = 0; c < names.size(); ++c) {
    header.push_back(names[c]);
    if (c < n_sub) header.push_back(names[c] + "_answered");
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t j = 0; j < header.size(); ++j) width[j] = header[j].size();
  for (const auto& r : table_rows) {
    for (std::size_t j = 0; j < r.size(); ++j) width[j] = std::max(width[j], r[j].size());
  }
  std::ostringstream os;
  auto print_row = [&](const std::vector<std::string>& r) {
    for (std::size_t j = 0; j < r.size(); ++j) {
      os << (j == 0 ? "" : "  ") << std::string(width[j] - r[j].size(), ' ') << r[j];
    }
    os << "\n";
  };
  print_row(header);
  for (const auto& r : table_rows) print_row(r);
  os << "\n" << summary_text(inst, summary, warnings);
  write_output_file(o.in.output, os.str(), protect_inputs(o.in));
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto o = std::make_shared<score_cli_options>();
  auto* cmd = app.add_subcommand("score", "score respondents on an instrument's subscales (anxiety, avoidance...)");
  add_input_options(*cmd, o->in, {"csv", "json", "table"});
  cmd->add_flag("--summary", o->summary, "with CSV output: print a summary (n, mean, SD, min, max) on standard error");
  cmd->add_option("--chunk-rows", o->chunk_rows,
                  "rows read and scored at a time (bounds memory; default: about 1 MiB of answers, "
                  "3,640 rows of 36 items)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
