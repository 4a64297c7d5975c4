// attune instruments: the built-in instruments, their keys' sources and confirmation levels.
#include <iostream>
#include <sstream>

#include "attune/keys/instrument.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace attune::cli {
namespace {

struct instruments_options {
  std::string format = "table";
  std::string show;
  std::string output;
};

std::string range_text(const response_range& r) { return format_number(r.min) + "-" + format_number(r.max); }

nlohmann::json instrument_summary(const instrument& inst) {
  nlohmann::json j;
  j["id"] = inst.id;
  j["name"] = inst.name;
  j["citation"] = inst.citation;
  j["items"] = inst.items.size();
  j["range"] = {{"min", inst.range.min}, {"max", inst.range.max}};
  j["scoring"] = std::string(to_string(inst.scoring));
  nlohmann::json subs = nlohmann::json::array();
  for (const auto& s : inst.subscales) {
    std::vector<std::string> rev;
    for (const auto& id : s.items) {
      if (inst.is_reversed(s, id)) rev.push_back(id);
    }
    subs.push_back({{"name", s.name}, {"items", s.items}, {"reversed", rev}});
  }
  j["subscales"] = subs;
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : inst.composites) comps.push_back({{"name", c.name}, {"label", c.label}});
  j["composites"] = comps;
  j["key_confirmation"] = std::string(to_string(inst.key_confirmation));
  j["key_source"] = inst.key_source;
  j["wording_licence"] = inst.wording_licence;
  bool has_text = false;
  for (const auto& it : inst.items) has_text = has_text || !it.text.empty();
  j["wording_included"] = has_text;
  return j;
}

void run(const instruments_options& o) {
  if (!o.show.empty()) {  // one instrument's full definition, in the instrument-file format
    write_output_file(o.output, instrument_to_json(resolve_instrument(o.show)), {{o.show}});
    return;
  }
  if (o.format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& inst : builtin_instruments()) all.push_back(instrument_summary(inst));
    write_output_file(o.output, json_text(all) + "\n");
    return;
  }
  std::ostringstream os;
  for (const auto& inst : builtin_instruments()) {
    os << inst.id << ": " << inst.name << "\n";
    os << "  items: " << inst.items.size() << ", range " << range_text(inst.range) << ", " << to_string(inst.scoring)
       << " scoring\n";
    for (const auto& s : inst.subscales) {
      std::string rev;
      for (const auto& id : s.items) {
        if (inst.is_reversed(s, id)) rev += (rev.empty() ? "" : " ") + id;
      }
      os << "  " << s.name << ": " << s.items.size() << " items" << (rev.empty() ? "" : ", reversed " + rev)
         << "\n";
    }
    for (const auto& c : inst.composites) os << "  " << c.name << ": " << c.label << "\n";
    os << "  key: " << to_string(inst.key_confirmation) << " (" << inst.key_source << ")\n";
    os << "  wording: " << inst.wording_licence << "\n";
    os << "  source: " << inst.citation << "\n\n";
  }
  os << "Confirmation levels: author = read on the author's page; empirical = checked against public raw data;\n"
        "secondary = third-party sources only; unconfirmed = no source or conflicting sources.\n"
        "`attune instruments --show ID` prints an instrument as an instrument file (docs/instrument-format.md).\n";
  write_output_file(o.output, os.str());
}

}  // namespace

void add_instruments_command(CLI::App& app) {
  auto o = std::make_shared<instruments_options>();
  auto* cmd = app.add_subcommand("instruments", "list the built-in instruments with their keys and sources");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->default_val("table");
  cmd->add_option("--show", o->show, "print one instrument (built-in id or file) as an instrument file (JSON)");
  cmd->add_option("-o,--output", o->output, "write to FILE instead of standard output");
  cmd->callback([o] { run(*o); });
}

}  // namespace attune::cli
