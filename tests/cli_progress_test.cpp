// The command line's progress bar: drawn on standard error only when it is a terminal, never with
// --quiet (a global flag, accepted before or after the command), and never in redirected output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_support.hpp"

namespace {

using attune::test::run_cli;

const std::string kSample = "'" + attune::test::source_path("examples/data/ecr-r-sample.csv") + "'";
const std::string kBootstrap = " --instrument ecr-r --ci bootstrap_percentile --bootstrap 300 --seed 3 --format json";

TEST(CliProgress, NothingIsDrawnWhenStandardErrorIsNotATerminal) {
  const auto r = run_cli("reliability " + kSample + kBootstrap);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bootstrap ["), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
}

TEST(CliProgress, QuietIsAcceptedBeforeAndAfterEveryCommandAndChangesNothingElse) {
  const auto plain = run_cli("reliability " + kSample + kBootstrap);
  const auto before = run_cli("--quiet reliability " + kSample + kBootstrap);
  const auto after = run_cli("reliability " + kSample + kBootstrap + " --quiet");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(before.out, plain.out);
  EXPECT_EQ(after.out, plain.out);
  EXPECT_EQ(after.err, plain.err);
  for (const std::string command : {"instruments", "irt info --help", "cat simulate --help", "simulate --help"}) {
    const auto r = run_cli(command + " --quiet");
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
  }
}

// With a pseudo-terminal (util-linux `script`), the bar appears on standard error and --quiet
// removes it; skipped where `script` is absent.
std::string on_a_terminal(const std::string& args) {
  const std::string log = attune::test::temp_path("cli_progress_pty.txt");
  const std::string cmd = "script -qec \"'" + std::string(ATTUNE_CLI_PATH) + "' " + args + " >/dev/null\" /dev/null > '" +
                          log + "' 2>&1 </dev/null";
  if (std::system(cmd.c_str()) != 0) return "<failed>";
  return attune::test::read_file(log);
}

TEST(CliProgress, ABarIsDrawnOnATerminalUnlessQuiet) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "util-linux `script` is not installed";
  const std::string drawn = on_a_terminal("reliability " + kSample + kBootstrap);
  if (drawn == "<failed>") GTEST_SKIP() << "`script` cannot open a pseudo-terminal here";
  EXPECT_NE(drawn.find("bootstrap ["), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("100% 300/300"), std::string::npos) << drawn;
  const std::string quiet = on_a_terminal("reliability " + kSample + kBootstrap + " --quiet");
  EXPECT_EQ(quiet.find("bootstrap"), std::string::npos) << quiet;
}

// Reading the data file draws a bar too (stage "read": bytes of the file), for the streaming
// commands (score, reliability) and those that read the whole file (correlate, report).
TEST(CliProgress, ReadingTheDataFileDrawsABar) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "util-linux `script` is not installed";
  for (const std::string& command : {"score " + kSample + " --instrument ecr-r --format csv",
                                    "reliability " + kSample + " --instrument ecr-r --format json",
                                    "correlate " + kSample + " --instrument ecr-r --method pearson --format json"}) {
    const std::string drawn = on_a_terminal(command);
    if (drawn == "<failed>") GTEST_SKIP() << "`script` cannot open a pseudo-terminal here";
    EXPECT_NE(drawn.find("read ["), std::string::npos) << command << ": " << drawn;
    EXPECT_NE(drawn.find("100% "), std::string::npos) << command << ": " << drawn;
  }
}

}  // namespace
