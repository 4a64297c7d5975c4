// attune: the command-line tool. Parses arguments, dispatches to a command, maps errors to exit
// status 0 (success), 1 (bad input or usage; message on stderr) and 2 (internal failure).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "attune/core/error.hpp"
#include "attune/core/version.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

int main(int argc, char** argv) {
  CLI::App app{"attune: score adult attachment questionnaires, measure their reliability, classify styles"};
  app.set_version_flag("--version", std::string("attune ") + attune::version_string);
  app.require_subcommand(1);
  app.fallthrough(false);
  attune::cli::add_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : 1;
  } catch (const attune::error& e) {
    std::cerr << "attune: error: " << attune::cli::message_with_hint(e) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "attune: internal error: " << e.what() << "\n";
    return 2;
  } catch (...) {
    std::cerr << "attune: internal error\n";
    return 2;
  }
  return 0;
}
