/// @file svg.hpp
/// Plots as SVG text: the attachment plane, histograms, item bars, the scree plot, loadings,
/// before against after, and information curves.
///
/// Every function returns a complete `<svg>` element (no XML prolog, so it can be inlined in
/// HTML or written as an .svg file). The output is deterministic: coordinates are printed with a
/// fixed number of decimals by `std::to_chars` (locale-independent), so golden tests can hold the
/// text. Plots are accessible: each has a `<title>` and a `<desc>` (read by screen readers), axes
/// and categories carry text labels, and colours come from the Okabe-Ito palette (safe for the
/// common colour-vision deficiencies; Okabe & Ito 2008, "Color Universal Design"), with shape or
/// dash differences wherever colour alone would carry meaning.
///
/// Functions are pure and thread-safe; they throw nothing but `std::bad_alloc`.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "attune/analyses/classify.hpp"
#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// Options of `svg_attachment_plane`.
struct ATTUNE_EXPORT plane_plot_options {
  std::string title = "Attachment plane";
  /// Above this many scored respondents the points are drawn as a hexagonal-bin density
  /// instead of a scatter (a scatter of 100,000 points is unreadable and megabytes large).
  std::size_t scatter_max = 2000;
  /// Hexagons across the plot in the density view.
  int hex_columns = 24;
  /// Cells per axis of the grid on which model-defined regions (`fisher`, `kmeans`,
  /// `prototypes`) are shaded: each cell takes the style the classification rule gives its centre.
  int region_grid = 60;
};

/// The anxiety x avoidance plane of a classification: avoidance on x, anxiety on y (as in
/// Fraley & Shaver's drawings), both over `range`. Draws
/// - the four style regions, shaded and labelled, exactly as `classify` decides them: for split
///   methods the rectangles at `classification::anxiety_cut` / `avoidance_cut`; for `fisher`
///   the cells where each of Brennan, Clark & Shaver's functions is highest (`fisher_values`,
///   after the same 1-7 rescaling as `classify` when `rescaled`); for `kmeans`/`prototypes` the
///   nearest centre's region;
/// - the scale midpoint lines (dashed), labelled;
/// - the respondents: circles (scatter) up to `scatter_max`, else hexbin density; respondents
///   who could change style within one SEM (`could_flip`) are drawn as crosses in the scatter,
///   and counted in the description.
ATTUNE_EXPORT std::string svg_attachment_plane(const classification& result, const response_range& range,
                                               const plane_plot_options& options = {});

/// A histogram of `values` (NaN skipped) with `bins` equal bins over [lo, hi].
ATTUNE_EXPORT std::string svg_histogram(const Eigen::Ref<const Eigen::VectorXd>& values, double lo, double hi,
                                        int bins, const std::string& title, const std::string& x_label);

/// One bar of `svg_bars`.
struct ATTUNE_EXPORT svg_bar {
  std::string label;      ///< the row label (an item id)
  double value = 0.0;     ///< the bar's length
  bool highlight = false;  ///< drawn in vermillion with a hatched outline and "!" after the label
};

/// Horizontal bars from 0 (or `lo` when negative) to each value over [lo, hi], an optional
/// dashed reference line (e.g. the scale's alpha, or a 0.30 cut) with its label.
ATTUNE_EXPORT std::string svg_bars(const std::vector<svg_bar>& bars, double lo, double hi, const std::string& title,
                                   const std::string& x_label, std::optional<double> reference = std::nullopt,
                                   const std::string& reference_label = {});

/// Scree plot: observed eigenvalues (solid, circles) and the parallel-analysis eigenvalues of
/// simulated data (dashed, squares; empty = none), against their rank.
ATTUNE_EXPORT std::string svg_scree(const Eigen::Ref<const Eigen::VectorXd>& observed,
                                    const Eigen::Ref<const Eigen::VectorXd>& simulated, const std::string& title);

/// Before against after for N respondents (NaN pairs skipped) over [lo, hi] on both axes, the
/// no-change diagonal and the band |after - before| < `band_half_width` (the reliable-change
/// band: critical value x the standard error of the difference) shaded; points outside the
/// band are drawn as triangles (up: increase, down: decrease).
ATTUNE_EXPORT std::string svg_before_after(const Eigen::Ref<const Eigen::VectorXd>& before,
                                           const Eigen::Ref<const Eigen::VectorXd>& after, double lo, double hi,
                                           double band_half_width, const std::string& title);

/// Curves y_j(x) over a common x grid (one column of `y` per curve, named by `names`), e.g.
/// item information curves and, as the last column, the test information.
/// `emphasise_last` draws the last curve thick and black.
ATTUNE_EXPORT std::string svg_curves(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
                                     const std::vector<std::string>& names, const std::string& title,
                                     const std::string& x_label, const std::string& y_label, bool emphasise_last = false);

/// One profile of `svg_profile_plane`.
struct ATTUNE_EXPORT svg_profile {
  std::string label;          ///< e.g. "1 secure": drawn beside the centre
  double anxiety = 0.0;       ///< the profile's mean anxiety score (y)
  double avoidance = 0.0;     ///< its mean avoidance score (x)
  double proportion = 0.0;    ///< its mixing proportion: the centre's area grows with it
  attachment_style style = attachment_style::unclassified;  ///< its name's colour (unclassified: by number)
  /// Var(anxiety), Var(avoidance), Cov(anxiety, avoidance) within the profile, when the profiles
  /// were fitted to these two scores: drawn as the ellipse that holds half of a bivariate normal
  /// profile (Mahalanobis radius sqrt(2 ln 2), the chi-square(2) median).
  std::optional<std::array<double, 3>> covariance;
};

/// Latent profiles on the attachment plane (avoidance on x, anxiety on y, both over `range`, as
/// `svg_attachment_plane`): the midpoint lines, the quadrant names, and per profile its centre
/// (a numbered circle whose area is proportional to its share), its label and, when given, its
/// 50% ellipse.
ATTUNE_EXPORT std::string svg_profile_plane(const std::vector<svg_profile>& profiles, const response_range& range,
                                            const std::string& title);

/// `x` in fixed notation with `decimals` places, locale-independent (std::to_chars); "-0.0" is
/// printed as "0.0"; a non-finite `x` gives "NA".
ATTUNE_EXPORT std::string fixed_number(double x, int decimals);

/// `text` with &, <, >, " and ' escaped for XML/HTML.
ATTUNE_EXPORT std::string xml_escape(const std::string& text);

ATTUNE_END_NAMESPACE
