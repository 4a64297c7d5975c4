/// @file html.hpp
/// The report of `study_report` as one self-contained HTML page (inline CSS and SVG, no
/// script, no external asset) or as Markdown with its SVG files beside it. Every number is
/// read from the result structs of `report_study`, the same ones `to_json` prints.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "attune/core/config.hpp"
#include "attune/study/report.hpp"

ATTUNE_BEGIN_NAMESPACE

/// The complete HTML document.
ATTUNE_EXPORT std::string to_html(const report_study& report);

/// Markdown and the SVG files it links to.
struct ATTUNE_EXPORT markdown_report {
  std::string markdown;  ///< the Markdown text
  /// (file name, SVG text); the Markdown links `image_prefix + name`.
  std::vector<std::pair<std::string, std::string>> images;
};
/// The report as Markdown; images are linked as `image_prefix` + file name (e.g. "report_files/").
ATTUNE_EXPORT markdown_report to_markdown(const report_study& report, const std::string& image_prefix);

/// The methods box's lines: the instrument and files, what counted as a missing answer, the
/// out-of-range rule, the minimum-answered rule (per subscale), pairwise or listwise deletion,
/// which intervals at which level with which N, which omega, and the methods of the styles,
/// structure, IRT and profiles parts, all read from `report.options` and the results.
ATTUNE_EXPORT std::vector<std::string> report_methods(const report_study& report);

/// Every warning of the report's parts (the report's own, reliability, styles, IRT, profiles).
ATTUNE_EXPORT std::vector<warning> report_warnings(const report_study& report);

/// The attachment plane of the report's classification (the README's picture).
ATTUNE_EXPORT std::string report_plane_svg(const report_study& report);

ATTUNE_END_NAMESPACE
