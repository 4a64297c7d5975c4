#include "attune/core/warning.hpp"

#include <ostream>

ATTUNE_BEGIN_NAMESPACE

namespace {
bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }
}  // namespace

std::string option_named_in(std::string_view text) {
  constexpr std::string_view marker = "_options.";
  for (std::size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && word_char(text[begin - 1])) --begin;
    std::size_t end = at + marker.size();
    while (end < text.size() && (word_char(text[end]) || (text[end] == '.' && end + 1 < text.size() && word_char(text[end + 1])))) {
      ++end;
    }
    if (end > at + marker.size()) return std::string(text.substr(begin, end - begin));
  }
  return {};
}

warning::warning(std::string text) : message(std::move(text)), option(option_named_in(message)) {}
warning::warning(const char* text) : warning(std::string(text)) {}
warning::warning(std::string text, std::string option_field) : message(std::move(text)), option(std::move(option_field)) {}

std::vector<std::string> messages(const std::vector<warning>& warnings) {
  std::vector<std::string> out;
  out.reserve(warnings.size());
  for (const auto& w : warnings) out.push_back(w.message);
  return out;
}

void append_warnings(std::vector<warning>& warnings, const std::vector<std::string>& texts, std::string_view prefix) {
  for (const auto& t : texts) warnings.emplace_back(std::string(prefix) + t);
}

std::ostream& operator<<(std::ostream& os, const warning& w) { return os << w.message; }

ATTUNE_END_NAMESPACE
