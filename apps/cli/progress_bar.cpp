#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

namespace attune::cli {
namespace {

bool quiet = false;
std::atomic<bool> interrupted{false};
bool bar_drawn = false;
bool drawing = false;            // stderr is a terminal and no --quiet
bool catching_interrupt = false;  // Ctrl-C sets `interrupted` (during a long computation only)

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

// The library's progress line, redrawn in place with a carriage return.
void draw(const progress_event& e) {
  using clock = std::chrono::steady_clock;
  static clock::time_point last_draw;
  static std::string last_stage;
  const auto now = clock::now();
  const bool ends = e.total > 0 && e.done >= e.total;
  // At most 10 redraws a second, except for a new stage and a stage's end.
  if (bar_drawn && std::string(e.stage) == last_stage && !ends && now - last_draw < std::chrono::milliseconds(100)) return;
  last_draw = now;
  last_stage = e.stage;
  const std::string line = "\r\033[K" + progress_text(e);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  bar_drawn = true;
}

// Every report of the library: the first one (a long computation has started, and it reads the
// cancel flag) makes Ctrl-C cancel it; end_progress gives Ctrl-C back its default.
void on_event(const progress_event& e) {
  if (!catching_interrupt) {
    std::signal(SIGINT, on_interrupt);
    catching_interrupt = true;
  }
  if (drawing) draw(e);
}

}  // namespace

void add_quiet_flag(CLI::App& app) {
  app.add_flag("--quiet", quiet, "no progress bar (it is drawn on standard error only when that is a terminal)");
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) add_quiet_flag(*sub);
}

progress_options terminal_progress() {
  progress_options p;
  drawing = !quiet && ::isatty(STDERR_FILENO) != 0;
  p.cancel = &interrupted;
  p.callback = on_event;
  return p;
}

void end_progress() {
  if (catching_interrupt && !interrupted.load()) std::signal(SIGINT, SIG_DFL);
  catching_interrupt = false;
  if (!bar_drawn) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  bar_drawn = false;
}

}  // namespace attune::cli
