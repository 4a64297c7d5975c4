#include "attune/report/format.hpp"

#include "detail/enum_names.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {
constexpr detail::enum_table<output_format, 4> names{{{output_format::json, "json"},
                                                      {output_format::table, "table"},
                                                      {output_format::csv, "csv"},
                                                      {output_format::apa, "apa"}}};
}

std::string_view to_string(output_format f) noexcept { return detail::enum_name(names, f); }
std::optional<output_format> parse_output_format(std::string_view name) noexcept { return detail::enum_parse(names, name); }

ATTUNE_END_NAMESPACE
