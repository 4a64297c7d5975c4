#include "attune/core/error.hpp"

#include "detail/enum_names.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<errc, 7> errc_names{{
    {errc::invalid_argument, "invalid_argument"},
    {errc::bad_input, "bad_input"},
    {errc::io_error, "io_error"},
    {errc::insufficient_data, "insufficient_data"},
    {errc::numerical_issue, "numerical_issue"},
    {errc::no_convergence, "no_convergence"},
    {errc::cancelled, "cancelled"},
}};

// `value` cut to 80 characters (at a UTF-8 character boundary), so that an error never carries
// a 150 MB cell.
std::optional<std::string> bounded(std::optional<std::string> value) {
  constexpr std::size_t kMax = 80;
  if (!value || value->size() <= kMax) return value;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>((*value)[cut]) & 0xC0U) == 0x80U) --cut;
  value->resize(cut);
  return value;
}
}  // namespace

std::string_view to_string(errc code) noexcept { return detail::enum_name(errc_names, code); }
std::optional<errc> parse_errc(std::string_view name) noexcept { return detail::enum_parse(errc_names, name); }

error::error(errc code, const std::string& message, error_details details)
    : std::runtime_error(message), code_(code), details_(std::move(details)) {
  details_.value = bounded(std::move(details_.value));
}

error error::with_context(std::string_view prefix, const error_details& extra) const {
  error_details d = details_;
  if (!d.source) d.source = extra.source;
  if (!d.row) d.row = extra.row;
  if (!d.line) d.line = extra.line;
  if (!d.column) d.column = extra.column;
  if (!d.item) d.item = extra.item;
  if (!d.value) d.value = extra.value;
  if (!d.option) d.option = extra.option;
  if (!d.rule) d.rule = extra.rule;
  return error(code_, std::string(prefix) + what(), std::move(d));
}

ATTUNE_END_NAMESPACE
