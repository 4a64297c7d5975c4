// attune: the command-line tool. Parses arguments, dispatches to a command, maps errors to exit
// status 0 (success), 1 (bad input or usage; message on stderr) and 2 (internal failure).
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/core/version.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/progress_bar.hpp"

namespace {

// Levenshtein distance, for the closest command to a mistyped one.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "attune scroe ...": CLI11 would say "A subcommand is required"; name the commands and the closest.
bool unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string given = argv[1];
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  if (std::find(names.begin(), names.end(), given) != names.end()) return false;
  std::string closest, list;
  std::size_t best = std::string::npos;
  for (const auto& n : names) {
    list += (list.empty() ? "" : ", ") + n;
    const std::size_t d = edit_distance(given, n);
    if (d < best) {
      best = d;
      closest = n;
    }
  }
  std::cerr << "attune: error: unknown command '" << given << "'";
  if (best <= std::max<std::size_t>(2, given.size() / 3)) std::cerr << "; did you mean '" << closest << "'?";
  std::cerr << "\n  commands: " << list << " (attune COMMAND --help for each)\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD) && defined(M_TOP_PAD)
  // The streaming commands allocate and free the same chunk-sized buffers over and over: without
  // this, glibc gives them back to the kernel after each chunk and takes them again, and page
  // faults cost about a third of `attune reliability`'s CPU time on 1,000,000 x 36 (issue 18).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
  CLI::App app{"attune: score adult attachment questionnaires, measure their reliability, classify styles"};
  app.set_version_flag("--version", std::string("attune ") + attune::version_string);
  app.require_subcommand(1);
  app.fallthrough(false);
  attune::cli::add_commands(app, argc > 1 ? argv[1] : "");
  attune::cli::add_quiet_flag(app);
  attune::cli::remember_flags(app);
  if (unknown_command(app, argc, argv)) return 1;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : 1;
  } catch (const attune::error& e) {
    attune::cli::end_progress();
    std::cerr << "attune: error: " << attune::cli::message_with_hint(e) << "\n";
    return 1;
  } catch (const std::exception& e) {
    attune::cli::end_progress();
    std::cerr << "attune: internal error: " << e.what() << "\n";
    return 2;
  } catch (...) {
    std::cerr << "attune: internal error\n";
    return 2;
  }
  attune::cli::end_progress();
  return 0;
}
