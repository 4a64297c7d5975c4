// The report of the built-in instruments: their definitions (JSON) and a readable list.
#include <sstream>

#include "attune/report/json.hpp"
#include "attune/report/table.hpp"
#include "detail/number_text.hpp"
#include "report/analyses_json.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE

std::string to_json(const std::vector<instrument>& instruments) {
  detail::json body = detail::json::object();
  body["instruments"] = instruments;
  return detail::document_text("instruments", body);
}

std::string to_table(const std::vector<instrument>& instruments) {
  std::ostringstream os;
  auto range_text = [](const response_range& r) { return detail::number_text(r.min) + "-" + detail::number_text(r.max); };
  for (const auto& inst : instruments) {
    os << inst.id << ": " << inst.name << "\n";
    os << "  items: " << inst.items.size() << ", range " << range_text(inst.range) << ", " << to_string(inst.scoring)
       << " scoring\n";
    for (const auto& s : inst.subscales) {
      std::string rev;
      for (const auto& id : s.items) {
        if (inst.is_reversed(s, id)) rev += (rev.empty() ? "" : " ") + id;
      }
      os << "  " << s.name << ": " << s.items.size() << " items" << (rev.empty() ? "" : ", reversed " + rev) << "\n";
    }
    for (const auto& c : inst.composites) os << "  " << c.name << ": " << c.label << "\n";
    os << "  key: " << to_string(inst.key_confirmation) << " (" << inst.key_source << ")\n";
    os << "  wording: " << inst.wording_licence << "\n";
    os << "  source: " << inst.citation << "\n\n";
  }
  os << "Confirmation levels: author = read on the author's page; empirical = checked against public raw data;\n"
        "secondary = third-party sources only; unconfirmed = no source or conflicting sources.\n"
        "`attune instruments --show ID` prints an instrument as an instrument file (docs/instrument-format.md).\n";
  return os.str();
}

ATTUNE_END_NAMESPACE
