// SVG plots (report/svg.hpp). Deterministic text: every number goes through `fixed`, which
// prints with std::to_chars (locale-independent, shortest-free fixed notation).
#include "attune/report/svg.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

ATTUNE_BEGIN_NAMESPACE

namespace {

// Okabe-Ito palette (Okabe & Ito 2008).
constexpr const char* oi_orange = "#E69F00";
constexpr const char* oi_sky = "#56B4E9";
constexpr const char* oi_green = "#009E73";
constexpr const char* oi_blue = "#0072B2";
constexpr const char* oi_vermillion = "#D55E00";
constexpr const char* oi_purple = "#CC79A7";
constexpr const char* oi_yellow = "#F0E442";

// Coordinates: a non-finite value (only from degenerate input) is drawn at 0.
std::string fixed(double x, int decimals = 1) { return std::isfinite(x) ? fixed_number(x, decimals) : "0"; }

const char* style_colour(attachment_style s) {
  switch (s) {
    case attachment_style::secure: return oi_green;
    case attachment_style::preoccupied: return oi_orange;
    case attachment_style::dismissing: return oi_sky;
    case attachment_style::fearful: return oi_purple;
    default: return "#999999";
  }
}

const char* style_label(attachment_style s) {
  switch (s) {
    case attachment_style::secure: return "Secure";
    case attachment_style::preoccupied: return "Preoccupied";
    case attachment_style::dismissing: return "Dismissing";
    case attachment_style::fearful: return "Fearful";
    default: return "Unclassified";
  }
}

// The plotting frame: data [x0, x1] x [y0, y1] onto the pixel box inside the margins.
struct frame {
  double width = 480, height = 400;
  double left = 60, right = 20, top = 40, bottom = 52;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  [[nodiscard]] double px(double x) const { return left + (x - x0) / (x1 - x0) * (width - left - right); }
  [[nodiscard]] double py(double y) const { return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom); }
  [[nodiscard]] double pw() const { return width - left - right; }
  [[nodiscard]] double ph() const { return height - top - bottom; }
};

std::string open_svg(const frame& f, const std::string& title, const std::string& desc) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(f.width, 0) + "\" height=\"" +
                  fixed(f.height, 0) + "\" viewBox=\"0 0 " + fixed(f.width, 0) + " " + fixed(f.height, 0) +
                  "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<title>" + xml_escape(title) + "</title>\n<desc>" + xml_escape(desc) + "</desc>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  s += "<text x=\"" + fixed(f.width / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" +
       xml_escape(title) + "</text>\n";
  return s;
}

std::string text(double x, double y, const std::string& t, const char* anchor = "middle", const char* extra = "") {
  return "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" +
         xml_escape(t) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1,
                 const char* dash = nullptr) {
  std::string s = "<line x1=\"" + fixed(x1) + "\" y1=\"" + fixed(y1) + "\" x2=\"" + fixed(x2) + "\" y2=\"" + fixed(y2) +
                  "\" stroke=\"" + stroke + "\" stroke-width=\"" + fixed(width) + "\"";
  if (dash) s += std::string(" stroke-dasharray=\"") + dash + "\"";
  return s + "/>\n";
}

std::string rect(double x, double y, double w, double h, const char* fill, const char* extra = "") {
  return "<rect x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" width=\"" + fixed(std::max(w, 0.0)) + "\" height=\"" +
         fixed(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"" + extra + "/>\n";
}

// "Nice" tick step for a range (1, 2 or 5 times a power of ten).
double tick_step(double span, int target = 6) {
  if (!(span > 0)) return 1.0;
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

int decimals_for(double step) { return step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9)); }

// Axes with ticks and labels.
std::string axes(const frame& f, const std::string& x_label, const std::string& y_label) {
  std::string s;
  s += line(f.left, f.height - f.bottom, f.left + f.pw(), f.height - f.bottom, "#000000");
  s += line(f.left, f.top, f.left, f.height - f.bottom, "#000000");
  const double xs = tick_step(f.x1 - f.x0), ys = tick_step(f.y1 - f.y0);
  for (double t = std::ceil(f.x0 / xs - 1e-9) * xs; t <= f.x1 + 1e-9 * xs; t += xs) {
    const double x = f.px(t);
    s += line(x, f.height - f.bottom, x, f.height - f.bottom + 4, "#000000");
    s += text(x, f.height - f.bottom + 16, fixed(t, decimals_for(xs)));
  }
  for (double t = std::ceil(f.y0 / ys - 1e-9) * ys; t <= f.y1 + 1e-9 * ys; t += ys) {
    const double y = f.py(t);
    s += line(f.left - 4, y, f.left, y, "#000000");
    s += text(f.left - 6, y + 4, fixed(t, decimals_for(ys)), "end");
  }
  s += text(f.left + f.pw() / 2, f.height - 12, x_label);
  s += "<text x=\"14\" y=\"" + fixed(f.top + f.ph() / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " +
       fixed(f.top + f.ph() / 2) + ")\">" + xml_escape(y_label) + "</text>\n";
  return s;
}

// The style `classify` would give the point (anxiety, avoidance) under a model-defined rule.
attachment_style model_style(const classification& c, const response_range& range, double anx, double avo) {
  if (c.method == classify_method::fisher) {
    if (c.rescaled && range.max > range.min) {
      anx = 1 + 6 * (anx - range.min) / (range.max - range.min);
      avo = 1 + 6 * (avo - range.min) / (range.max - range.min);
    }
    const auto v = fisher_values(anx, avo);
    const auto best = static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
    return all_styles[best];
  }
  // kmeans / prototypes: the nearest centre (Euclidean on the scores, as classify does).
  attachment_style best = attachment_style::unclassified;
  double best_d = std::numeric_limits<double>::infinity();
  for (const auto& p : c.centers) {
    const double d = (p.anxiety - anx) * (p.anxiety - anx) + (p.avoidance - avo) * (p.avoidance - avo);
    if (d < best_d) best_d = d, best = p.style;
  }
  return best;
}

}  // namespace

std::string fixed_number(double x, int decimals) {
  if (!std::isfinite(x)) return "NA";
  if (std::abs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;  // no "-0.0"
  std::array<char, 64> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, decimals);
  return {buf.data(), r.ptr};
}

std::string xml_escape(const std::string& t) {
  std::string s;
  s.reserve(t.size());
  for (char c : t) {
    switch (c) {
      case '&': s += "&amp;"; break;
      case '<': s += "&lt;"; break;
      case '>': s += "&gt;"; break;
      case '"': s += "&quot;"; break;
      case '\'': s += "&#39;"; break;
      default: s += c;
    }
  }
  return s;
}

std::string svg_attachment_plane(const classification& c, const response_range& range,
                                 const plane_plot_options& options) {
  frame f;
  f.width = 520, f.height = 500;
  f.x0 = range.min, f.x1 = range.max, f.y0 = range.min, f.y1 = range.max;
  const Eigen::Index n = std::min(c.anxiety.size(), c.avoidance.size());
  std::size_t scored = 0;
  for (Eigen::Index i = 0; i < n; ++i) scored += std::isfinite(c.anxiety[i]) && std::isfinite(c.avoidance[i]);
  const bool density = scored > options.scatter_max;
  const bool split = std::isfinite(c.anxiety_cut) && std::isfinite(c.avoidance_cut);
  std::string desc = "Anxiety (vertical) against avoidance (horizontal) for " + std::to_string(scored) +
                     " respondents, classified by the " + std::string(to_string(c.method)) + " rule";
  if (split) desc += " (cuts: anxiety " + fixed(c.anxiety_cut, 2) + ", avoidance " + fixed(c.avoidance_cut, 2) + ")";
  desc += ". Secure " + std::to_string(c.counts[0]) + ", preoccupied " + std::to_string(c.counts[1]) +
          ", dismissing " + std::to_string(c.counts[2]) + ", fearful " + std::to_string(c.counts[3]) +
          ", unclassified " + std::to_string(c.n_unclassified) + "; " + std::to_string(c.n_near_boundary) +
          " within one SEM of a boundary. " + (density ? "Shown as a hexagonal-bin density." : "Shown as points.");
  std::string s = open_svg(f, options.title, desc);

  // Regions.
  s += "<g class=\"regions\" fill-opacity=\"0.18\">\n";
  if (split) {
    const double ax = std::clamp(c.avoidance_cut, range.min, range.max);
    const double ay = std::clamp(c.anxiety_cut, range.min, range.max);
    s += rect(f.px(range.min), f.py(ay), f.px(ax) - f.px(range.min), f.py(range.min) - f.py(ay), style_colour(attachment_style::secure));
    s += rect(f.px(range.min), f.py(range.max), f.px(ax) - f.px(range.min), f.py(ay) - f.py(range.max), style_colour(attachment_style::preoccupied));
    s += rect(f.px(ax), f.py(ay), f.px(range.max) - f.px(ax), f.py(range.min) - f.py(ay), style_colour(attachment_style::dismissing));
    s += rect(f.px(ax), f.py(range.max), f.px(range.max) - f.px(ax), f.py(ay) - f.py(range.max), style_colour(attachment_style::fearful));
  } else if (c.method == classify_method::fisher || !c.centers.empty()) {
    // Each grid row as runs of equal style (fewer rectangles than cells).
    const int g = std::max(options.region_grid, 2);
    const double step = (range.max - range.min) / g;
    for (int r = 0; r < g; ++r) {
      const double anx = range.min + (r + 0.5) * step;
      int start = 0;
      attachment_style run = model_style(c, range, anx, range.min + 0.5 * step);
      for (int col = 1; col <= g; ++col) {
        const attachment_style here =
            col < g ? model_style(c, range, anx, range.min + (col + 0.5) * step) : attachment_style::unclassified;
        if (col == g || here != run) {
          const double xa = f.px(range.min + start * step), xb = f.px(range.min + col * step);
          const double ya = f.py(range.min + (r + 1) * step), yb = f.py(range.min + r * step);
          s += rect(xa, ya, xb - xa, yb - ya, style_colour(run));
          start = col, run = here;
        }
      }
    }
  }
  s += "</g>\n";
  // Region labels at the centre of each style's cells (split: quadrant centres).
  {
    std::array<double, 4> sx{}, sy{}, cnt{};
    const int g = 40;
    const double step = (range.max - range.min) / g;
    for (int r = 0; r < g; ++r) {
      for (int col = 0; col < g; ++col) {
        const double anx = range.min + (r + 0.5) * step, avo = range.min + (col + 0.5) * step;
        attachment_style st = attachment_style::unclassified;
        if (split) st = quadrant_style(anx > c.anxiety_cut, avo > c.avoidance_cut);
        else if (c.method == classify_method::fisher || !c.centers.empty()) st = model_style(c, range, anx, avo);
        for (std::size_t k = 0; k < 4; ++k) {
          if (all_styles[k] == st) sx[k] += avo, sy[k] += anx, cnt[k] += 1;
        }
      }
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (cnt[k] == 0) continue;
      s += text(f.px(sx[k] / cnt[k]), f.py(sy[k] / cnt[k]), style_label(all_styles[k]), "middle",
                " font-size=\"15\" font-weight=\"bold\" fill=\"#333333\" fill-opacity=\"0.75\"");
    }
  }
  // Midpoint lines.
  const double mid = 0.5 * (range.min + range.max);
  s += line(f.px(mid), f.py(range.max), f.px(mid), f.py(range.min), "#555555", 1, "6 4");
  s += line(f.px(range.min), f.py(mid), f.px(range.max), f.py(mid), "#555555", 1, "6 4");
  s += text(f.px(mid) + 4, f.py(range.max) + 12, "midpoint " + fixed(mid, 1), "start", " font-size=\"10\" fill=\"#555555\"");
  if (split && (std::abs(c.anxiety_cut - mid) > 1e-12 || std::abs(c.avoidance_cut - mid) > 1e-12)) {
    s += line(f.px(c.avoidance_cut), f.py(range.max), f.px(c.avoidance_cut), f.py(range.min), "#000000", 1.5);
    s += line(f.px(range.min), f.py(c.anxiety_cut), f.px(range.max), f.py(c.anxiety_cut), "#000000", 1.5);
  }

  // Respondents.
  if (!density) {
    std::string near;
    s += "<g class=\"points\" fill=\"" + std::string(oi_blue) + "\" fill-opacity=\"0.55\">\n";
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(c.anxiety[i]) || !std::isfinite(c.avoidance[i])) continue;
      const double x = f.px(c.avoidance[i]), y = f.py(c.anxiety[i]);
      const bool flip = static_cast<std::size_t>(i) < c.could_flip.size() && c.could_flip[i].value_or(false);
      if (flip) {
        near += "<path d=\"M" + fixed(x - 3) + " " + fixed(y - 3) + "l6 6m0 -6l-6 6\"/>\n";
      } else {
        s += "<circle cx=\"" + fixed(x) + "\" cy=\"" + fixed(y) + "\" r=\"2.5\"/>\n";
      }
    }
    s += "</g>\n";
    if (!near.empty()) {
      s += "<g class=\"near-boundary\" stroke=\"" + std::string(oi_vermillion) + "\" stroke-width=\"1.5\" fill=\"none\">\n" +
           near + "</g>\n";
    }
  } else {
    // Pointy-top hexagons in offset rows; counts per hexagon; opacity by count / max.
    const int cols = std::max(options.hex_columns, 4);
    const double w = f.pw() / cols;                // hexagon width (pixels)
    const double rad = w / std::sqrt(3.0);         // circumradius
    const double dy = 1.5 * rad;                   // row step
    const int rows = static_cast<int>(std::ceil(f.ph() / dy)) + 1;
    std::map<std::pair<int, int>, std::size_t> counts;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(c.anxiety[i]) || !std::isfinite(c.avoidance[i])) continue;
      const double x = f.px(c.avoidance[i]) - f.left, y = f.height - f.bottom - f.py(c.anxiety[i]);
      // Nearest centre among the two candidate rows.
      const int r0 = static_cast<int>(std::floor(y / dy));
      double best = std::numeric_limits<double>::infinity();
      std::pair<int, int> key{0, 0};
      for (int r = r0; r <= r0 + 1; ++r) {
        const double off = (r % 2 != 0) ? 0.5 * w : 0.0;
        const int col = static_cast<int>(std::floor((x - off) / w + 0.5));
        const double cx = col * w + off, cy = r * dy;
        const double d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
        if (d < best) best = d, key = {r, col};
      }
      ++counts[key];
    }
    std::size_t max_count = 1;
    for (const auto& kv : counts) max_count = std::max(max_count, kv.second);
    s += "<g class=\"hexbin\" fill=\"" + std::string(oi_blue) + "\">\n";
    for (const auto& [key, count] : counts) {
      const auto [r, col] = key;
      if (r < 0 || r > rows) continue;
      const double off = (r % 2 != 0) ? 0.5 * w : 0.0;
      const double cx = f.left + col * w + off, cy = f.height - f.bottom - r * dy;
      std::string d = "M";
      for (int k = 0; k < 6; ++k) {
        const double a = (60.0 * k - 90.0) * 3.14159265358979323846 / 180.0;
        d += (k ? "L" : "") + fixed(cx + rad * std::cos(a)) + " " + fixed(cy + rad * std::sin(a));
      }
      const double opacity = 0.1 + 0.85 * std::sqrt(static_cast<double>(count) / static_cast<double>(max_count));
      s += "<path d=\"" + d + "Z\" fill-opacity=\"" + fixed(opacity, 2) + "\"><title>" + std::to_string(count) +
           " respondents</title></path>\n";
    }
    s += "</g>\n";
    s += text(f.left + f.pw(), f.top - 6, "darker = more respondents (max " + std::to_string(max_count) + " per hexagon)",
              "end", " font-size=\"10\"");
  }
  s += axes(f, "Avoidance", "Anxiety");
  if (!density && c.n_near_boundary > 0) {
    s += text(f.left, f.top - 6, "x = within one SEM of a boundary (" + std::to_string(c.n_near_boundary) + ")", "start",
              " font-size=\"10\" fill=\"#D55E00\"");
  }
  return s + "</svg>\n";
}

std::string svg_histogram(const Eigen::Ref<const Eigen::VectorXd>& values, double lo, double hi, int bins,
                          const std::string& title, const std::string& x_label) {
  bins = std::max(bins, 1);
  if (!(hi > lo)) hi = lo + 1;
  std::vector<std::size_t> counts(static_cast<std::size_t>(bins), 0);
  std::size_t n = 0;
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) continue;
    int b = static_cast<int>(std::floor((v - lo) / (hi - lo) * bins));
    b = std::clamp(b, 0, bins - 1);
    ++counts[static_cast<std::size_t>(b)];
    ++n;
  }
  const std::size_t max_count = std::max<std::size_t>(1, *std::max_element(counts.begin(), counts.end()));
  frame f;
  f.x0 = lo, f.x1 = hi, f.y0 = 0, f.y1 = static_cast<double>(max_count) * 1.05;
  std::string s = open_svg(f, title, "Histogram of " + std::to_string(n) + " scores in " + std::to_string(bins) +
                                         " bins from " + fixed(lo, 2) + " to " + fixed(hi, 2) + "; tallest bin " +
                                         std::to_string(max_count) + ".");
  s += "<g class=\"bars\" fill=\"" + std::string(oi_blue) + "\" stroke=\"#ffffff\">\n";
  for (int b = 0; b < bins; ++b) {
    const double a = lo + (hi - lo) * b / bins, e = lo + (hi - lo) * (b + 1) / bins;
    const double cnt = static_cast<double>(counts[static_cast<std::size_t>(b)]);
    s += rect(f.px(a), f.py(cnt), f.px(e) - f.px(a), f.py(0) - f.py(cnt), oi_blue);
  }
  s += "</g>\n";
  s += axes(f, x_label, "Respondents");
  return s + "</svg>\n";
}

std::string svg_bars(const std::vector<svg_bar>& bars, double lo, double hi, const std::string& title,
                     const std::string& x_label, std::optional<double> reference, const std::string& reference_label) {
  frame f;
  f.left = 90;
  const double row = 16;
  f.height = f.top + f.bottom + row * static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  f.x0 = lo, f.x1 = hi, f.y0 = 0, f.y1 = static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  std::size_t flagged = 0;
  for (const auto& b : bars) flagged += b.highlight;
  std::string s = open_svg(f, title, std::to_string(bars.size()) + " bars; " + std::to_string(flagged) +
                                         " highlighted (vermillion, marked !)" +
                                         (reference ? "; reference line at " + fixed(*reference, 2) : std::string()) + ".");
  const double zero = std::clamp(0.0, lo, hi);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = f.top + row * static_cast<double>(i);
    const double v = std::clamp(b.value, lo, hi);
    const double xa = f.px(std::min(zero, v)), xb = f.px(std::max(zero, v));
    s += rect(xa, y + 2, xb - xa, row - 4, b.highlight ? oi_vermillion : oi_blue,
              b.highlight ? " stroke=\"#000000\" stroke-width=\"1\"" : "");
    s += text(f.left - 6, y + row - 4, b.label + (b.highlight ? " !" : ""), "end",
              b.highlight ? " font-weight=\"bold\"" : "");
    s += text(xb + 3, y + row - 4, fixed(b.value, 2), "start", " font-size=\"10\"");
  }
  if (reference) {
    const double x = f.px(std::clamp(*reference, lo, hi));
    s += line(x, f.top, x, f.height - f.bottom, "#000000", 1, "4 3");
    s += text(x, f.top - 4, reference_label.empty() ? fixed(*reference, 2) : reference_label, "middle", " font-size=\"10\"");
  }
  // x axis only (the rows are labelled).
  s += line(f.left, f.height - f.bottom, f.left + f.pw(), f.height - f.bottom, "#000000");
  const double xs = tick_step(hi - lo);
  for (double t = std::ceil(lo / xs - 1e-9) * xs; t <= hi + 1e-9 * xs; t += xs) {
    s += line(f.px(t), f.height - f.bottom, f.px(t), f.height - f.bottom + 4, "#000000");
    s += text(f.px(t), f.height - f.bottom + 16, fixed(t, decimals_for(xs)));
  }
  s += text(f.left + f.pw() / 2, f.height - 12, x_label);
  return s + "</svg>\n";
}

std::string svg_scree(const Eigen::Ref<const Eigen::VectorXd>& observed, const Eigen::Ref<const Eigen::VectorXd>& simulated,
                      const std::string& title) {
  frame f;
  const Eigen::Index k = observed.size();
  double ymax = 1.0;
  for (Eigen::Index i = 0; i < k; ++i) ymax = std::max(ymax, observed[i]);
  for (Eigen::Index i = 0; i < simulated.size(); ++i) ymax = std::max(ymax, simulated[i]);
  f.x0 = 0.5, f.x1 = static_cast<double>(std::max<Eigen::Index>(k, 1)) + 0.5, f.y0 = std::min(0.0, observed.size() ? observed.minCoeff() : 0.0);
  f.y1 = ymax * 1.08;
  std::string s = open_svg(f, title, "Eigenvalues of " + std::to_string(k) + " components or factors" +
                                         (simulated.size() ? std::string(", with those of simulated random data (parallel analysis)") : "") +
                                         "; largest " + fixed(observed.size() ? observed.maxCoeff() : 0.0, 2) + ".");
  s += line(f.px(f.x0), f.py(1), f.px(f.x1), f.py(1), "#999999", 1, "2 3");
  s += text(f.px(f.x1) - 2, f.py(1) - 4, "eigenvalue 1", "end", " font-size=\"10\" fill=\"#666666\"");
  auto polyline = [&](const Eigen::Ref<const Eigen::VectorXd>& v, const char* colour, const char* dash) {
    std::string p = "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"2\"";
    if (dash) p += std::string(" stroke-dasharray=\"") + dash + "\"";
    p += " points=\"";
    for (Eigen::Index i = 0; i < v.size(); ++i) p += (i ? " " : "") + fixed(f.px(static_cast<double>(i + 1))) + "," + fixed(f.py(v[i]));
    return p + "\"/>\n";
  };
  if (simulated.size()) {
    s += polyline(simulated, oi_vermillion, "6 4");
    for (Eigen::Index i = 0; i < simulated.size(); ++i) {
      s += rect(f.px(static_cast<double>(i + 1)) - 3, f.py(simulated[i]) - 3, 6, 6, oi_vermillion);
    }
  }
  s += polyline(observed, oi_blue, nullptr);
  for (Eigen::Index i = 0; i < k; ++i) {
    s += "<circle cx=\"" + fixed(f.px(static_cast<double>(i + 1))) + "\" cy=\"" + fixed(f.py(observed[i])) + "\" r=\"3.5\" fill=\"" + oi_blue + "\"/>\n";
  }
  // Legend.
  s += line(f.left + f.pw() - 150, f.top + 8, f.left + f.pw() - 125, f.top + 8, oi_blue, 2);
  s += text(f.left + f.pw() - 120, f.top + 12, "observed", "start");
  if (simulated.size()) {
    s += line(f.left + f.pw() - 150, f.top + 26, f.left + f.pw() - 125, f.top + 26, oi_vermillion, 2, "6 4");
    s += text(f.left + f.pw() - 120, f.top + 30, "simulated (parallel)", "start");
  }
  s += axes(f, "Factor number", "Eigenvalue");
  return s + "</svg>\n";
}

std::string svg_before_after(const Eigen::Ref<const Eigen::VectorXd>& before, const Eigen::Ref<const Eigen::VectorXd>& after,
                             double lo, double hi, double band, const std::string& title) {
  frame f;
  f.width = 440, f.height = 440;
  f.x0 = lo, f.x1 = hi, f.y0 = lo, f.y1 = hi;
  const Eigen::Index n = std::min(before.size(), after.size());
  std::size_t up = 0, down = 0, same = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(before[i]) || !std::isfinite(after[i])) continue;
    const double d = after[i] - before[i];
    if (d >= band) ++up;
    else if (d <= -band) ++down;
    else ++same;
  }
  std::string s = open_svg(f, title, "After against before for " + std::to_string(up + down + same) +
                                         " respondents; the shaded band (half-width " + fixed(band, 2) +
                                         ") holds changes that are not reliable: " + std::to_string(same) + " inside, " +
                                         std::to_string(up) + " reliably higher, " + std::to_string(down) + " reliably lower.");
  // Band polygon between the lines after = before +- band, clipped to the square.
  auto clip = [&](double v) { return std::clamp(v, lo, hi); };
  const std::array<std::pair<double, double>, 4> corners = {
      std::pair{lo, clip(lo + band)}, std::pair{clip(hi - band), hi}, std::pair{hi, clip(hi - band)}, std::pair{clip(lo + band), lo}};
  // Order: (lo,lo) -> (lo,lo+b) -> (hi-b,hi) -> (hi,hi) -> (hi,hi-b) -> (lo+b,lo).
  const std::string pts = fixed(f.px(lo)) + "," + fixed(f.py(lo)) + " " + fixed(f.px(corners[0].first)) + "," + fixed(f.py(corners[0].second)) + " " +
        fixed(f.px(corners[1].first)) + "," + fixed(f.py(corners[1].second)) + " " + fixed(f.px(hi)) + "," + fixed(f.py(hi)) + " " +
        fixed(f.px(corners[2].first)) + "," + fixed(f.py(corners[2].second)) + " " + fixed(f.px(corners[3].first)) + "," +
        fixed(f.py(corners[3].second));
  s += "<polygon class=\"band\" points=\"" + pts + "\" fill=\"" + oi_yellow + "\" fill-opacity=\"0.35\"/>\n";
  s += line(f.px(lo), f.py(lo), f.px(hi), f.py(hi), "#555555", 1, "6 4");
  s += "<g class=\"points\">\n";
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(before[i]) || !std::isfinite(after[i])) continue;
    const double x = f.px(before[i]), y = f.py(after[i]), d = after[i] - before[i];
    if (d >= band) {
      s += "<path d=\"M" + fixed(x) + " " + fixed(y - 4) + "l4 7h-8Z\" fill=\"" + oi_vermillion + "\"/>\n";
    } else if (d <= -band) {
      s += "<path d=\"M" + fixed(x) + " " + fixed(y + 4) + "l4 -7h-8Z\" fill=\"" + oi_green + "\"/>\n";
    } else {
      s += "<circle cx=\"" + fixed(x) + "\" cy=\"" + fixed(y) + "\" r=\"2.5\" fill=\"" + oi_blue + "\" fill-opacity=\"0.6\"/>\n";
    }
  }
  s += "</g>\n";
  s += text(f.left + 6, f.top + 12, "triangle up: reliably higher; down: reliably lower", "start", " font-size=\"10\"");
  s += axes(f, "Before", "After");
  return s + "</svg>\n";
}

std::string svg_profile_plane(const std::vector<svg_profile>& profiles, const response_range& range,
                              const std::string& title) {
  frame f;
  f.width = 520, f.height = 500;
  f.x0 = range.min, f.x1 = range.max, f.y0 = range.min, f.y1 = range.max;
  std::string desc = std::to_string(profiles.size()) + " latent profiles on the attachment plane (anxiety vertical, avoidance horizontal):";
  for (const auto& p : profiles) {
    desc += " " + p.label + " at anxiety " + fixed(p.anxiety, 2) + ", avoidance " + fixed(p.avoidance, 2) + " (" +
            fixed(100 * p.proportion, 1) + "%);";
  }
  std::string s = open_svg(f, title, desc);
  const double mid = 0.5 * (range.min + range.max);
  // Quadrant names, faint, in the corners (the midpoint split).
  const double q1 = range.min + 0.25 * (range.max - range.min), q3 = range.min + 0.75 * (range.max - range.min);
  const char* faint = " font-size=\"13\" fill=\"#777777\" fill-opacity=\"0.8\"";
  s += text(f.px(q1), f.py(range.min) - 8, style_label(attachment_style::secure), "middle", faint);
  s += text(f.px(q1), f.py(range.max) + 16, style_label(attachment_style::preoccupied), "middle", faint);
  s += text(f.px(q3), f.py(range.min) - 8, style_label(attachment_style::dismissing), "middle", faint);
  s += text(f.px(q3), f.py(range.max) + 16, style_label(attachment_style::fearful), "middle", faint);
  s += line(f.px(mid), f.py(range.max), f.px(mid), f.py(range.min), "#555555", 1, "6 4");
  s += line(f.px(range.min), f.py(mid), f.px(range.max), f.py(mid), "#555555", 1, "6 4");
  s += text(f.px(mid) + 4, f.py(range.max) + 30, "midpoint " + fixed(mid, 1), "start", " font-size=\"10\" fill=\"#555555\"");
  static constexpr std::array<const char*, 6> by_number = {oi_blue, oi_orange, oi_green, oi_purple, oi_sky, oi_vermillion};
  auto colour = [&](std::size_t k) {
    return profiles[k].style == attachment_style::unclassified ? by_number[k % by_number.size()] : style_colour(profiles[k].style);
  };
  // Ellipses first, so that every centre stays visible.
  const double sx = f.pw() / (f.x1 - f.x0), sy = f.ph() / (f.y1 - f.y0);
  const double radius = std::sqrt(2.0 * std::log(2.0));  // chi-square(2) median: P(D^2 <= 2 ln 2) = 1/2
  s += "<g class=\"ellipses\" fill-opacity=\"0.15\" stroke-width=\"1.5\">\n";
  for (std::size_t k = 0; k < profiles.size(); ++k) {
    if (!profiles[k].covariance) continue;
    const auto& [v_anx, v_avo, c] = *profiles[k].covariance;
    // The covariance in pixels (x = avoidance, y = anxiety pointing down), its eigen decomposition
    // in closed form: lambda = (a + d) / 2 +- sqrt(((a - d) / 2)^2 + b^2), angle = atan2(2b, a - d) / 2.
    const double a = sx * sx * v_avo, d = sy * sy * v_anx, b = -sx * sy * c + 0.0;  // + 0.0: no -0
    const double half = 0.5 * (a + d), diff = std::sqrt(0.25 * (a - d) * (a - d) + b * b);
    const double l1 = std::max(half + diff, 0.0), l2 = std::max(half - diff, 0.0);
    const double angle = 0.5 * std::atan2(2 * b, a - d) * 180.0 / 3.14159265358979323846;
    const double cx = f.px(profiles[k].avoidance), cy = f.py(profiles[k].anxiety);
    s += "<ellipse cx=\"" + fixed(cx) + "\" cy=\"" + fixed(cy) + "\" rx=\"" + fixed(radius * std::sqrt(l1)) + "\" ry=\"" +
         fixed(radius * std::sqrt(l2)) + "\" transform=\"rotate(" + fixed(angle) + " " + fixed(cx) + " " + fixed(cy) +
         ")\" fill=\"" + colour(k) + "\" stroke=\"" + colour(k) + "\"/>\n";
  }
  s += "</g>\n";
  s += "<g class=\"centres\" stroke=\"#000000\" stroke-width=\"1\">\n";
  for (std::size_t k = 0; k < profiles.size(); ++k) {
    const double cx = f.px(profiles[k].avoidance), cy = f.py(profiles[k].anxiety);
    const double r = std::clamp(4.0 + 24.0 * std::sqrt(std::max(profiles[k].proportion, 0.0)), 4.0, 20.0);
    s += "<circle cx=\"" + fixed(cx) + "\" cy=\"" + fixed(cy) + "\" r=\"" + fixed(r) + "\" fill=\"" + colour(k) +
         "\"><title>" + xml_escape(profiles[k].label + ": " + fixed(100 * profiles[k].proportion, 1) + "%") + "</title></circle>\n";
    s += text(cx, cy + 4, std::to_string(k + 1), "middle", " font-size=\"11\" font-weight=\"bold\" stroke=\"none\" fill=\"#000000\"");
    s += text(cx + r + 3, cy - r, profiles[k].label, "start", " font-size=\"11\" stroke=\"none\" fill=\"#000000\"");
  }
  s += "</g>\n";
  s += axes(f, "Avoidance", "Anxiety");
  return s + "</svg>\n";
}

std::string svg_curves(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
                       const std::vector<std::string>& names, const std::string& title, const std::string& x_label,
                       const std::string& y_label, bool emphasise_last) {
  frame f;
  f.width = 520;
  f.x0 = x.size() ? x.minCoeff() : 0.0, f.x1 = x.size() ? x.maxCoeff() : 1.0;
  if (!(f.x1 > f.x0)) f.x1 = f.x0 + 1;
  f.y0 = 0, f.y1 = (y.size() ? std::max(y.maxCoeff(), 1e-9) : 1.0) * 1.08;
  std::string s = open_svg(f, title, std::to_string(y.cols()) + " curves over " + std::to_string(x.size()) + " points" +
                                         (emphasise_last && y.cols() ? "; the thick black one is " + (names.empty() ? std::string("the last") : names.back()) : std::string()) +
                                         "; highest value " + fixed(y.size() ? y.maxCoeff() : 0.0, 2) + ".");
  static constexpr std::array<const char*, 6> colours = {oi_blue, oi_orange, oi_green, oi_vermillion, oi_purple, oi_sky};
  for (Eigen::Index j = 0; j < y.cols(); ++j) {
    const bool last = emphasise_last && j + 1 == y.cols();
    std::string p = "<polyline fill=\"none\" stroke=\"" + std::string(last ? "#000000" : colours[static_cast<std::size_t>(j) % colours.size()]) +
                    "\" stroke-width=\"" + (last ? "2.5" : "1.2") + "\" points=\"";
    for (Eigen::Index i = 0; i < x.size(); ++i) p += (i ? " " : "") + fixed(f.px(x[i])) + "," + fixed(f.py(y(i, j)));
    s += p + "\"><title>" + xml_escape(static_cast<std::size_t>(j) < names.size() ? names[static_cast<std::size_t>(j)] : std::to_string(j + 1)) +
         "</title></polyline>\n";
  }
  if (emphasise_last && y.cols() && !names.empty()) {
    s += text(f.left + f.pw(), f.top + 10, "thick black: " + names.back(), "end", " font-size=\"10\"");
  }
  s += axes(f, x_label, y_label);
  return s + "</svg>\n";
}

ATTUNE_END_NAMESPACE
