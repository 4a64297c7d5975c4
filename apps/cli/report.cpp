// attune report: one self-contained HTML page (or Markdown with SVG files) with the whole
// attachment analysis of a data set (study_report, rendered by report/html.hpp).
#include <filesystem>

#include "attune/io/output_file.hpp"
#include "attune/report/html.hpp"
#include "attune/study/report.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {

void add_report_command(CLI::App& app) {
  struct options { input_flags in; report_study_options ro; };
  auto o = std::make_shared<options>();
  auto* cmd = app.add_subcommand(
      "report", "one HTML page (or Markdown and SVG files) with the data summary, Table 1, reliability, item "
                "analysis, score distributions, styles, structure, IRT, latent profiles, change and an APA paragraph");
  add_input_flags(*cmd, o->in, {"html", "md"});
  add_options(*cmd, describe_options(o->ro));
  cmd->callback([o, cmd] {
    report_study_options& ro = o->ro;
    refuse_keep(o->in, "report");
    if (o->in.output.empty()) throw error(errc::invalid_argument, "attune report needs -o FILE (report.html or report.md)");
    ro.input = make_input_options(o->in);
    ro.reliability.threads = o->in.threads;
    std::string line = "attune report";  // as given (CLI11 keeps the parsed arguments), for the methods box
    for (const auto* opt : cmd->get_options()) {
      // One name per option (--output, not "-o,--output"); a flag is its name alone.
      const std::string name = opt->get_name().rfind("DATA", 0) == 0 ? "" : " " + opt->get_name();
      if (opt->count() > 0 && (opt->get_expected_max() == 0 || opt->results() == std::vector<std::string>{"true"})) {
        line += name;
      } else if (opt->count() > 0) {
        for (const auto& v : opt->results()) line += name + " " + v;
      }
    }
    ro.command_line = line;
    const report_study study = study_report(resolve_instrument(o->in.instrument), o->in.data, ro);
    print_warnings(study.warnings);
    const std::vector<std::string> more = ro.after.empty() ? std::vector<std::string>{} : std::vector{ro.after};
    if (o->in.format == "md") {
      // report.md and its pictures in report_files/ beside it.
      const std::filesystem::path md(o->in.output), dir = md.parent_path() / (md.stem().string() + "_files");
      const auto result = to_markdown(study, dir.filename().string() + "/");
      std::filesystem::create_directories(dir);
      for (const auto& [name, svg] : result.images) write_output_file((dir / name).string(), svg);
      write_text(o->in, result.markdown, more);
    } else {
      write_text(o->in, to_html(study), more);
    }
  });
}

}  // namespace attune::cli
