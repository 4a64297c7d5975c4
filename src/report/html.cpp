// The report renderer (report/html.hpp). The sections are built once, as neutral blocks
// (paragraphs, tables, figures), and then written as HTML or Markdown, so both formats carry
// the same numbers.
#include "attune/report/html.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "attune/report/apa.hpp"
#include "attune/report/svg.hpp"

ATTUNE_BEGIN_NAMESPACE

namespace {

struct block {
  enum kind_t { paragraph, table, figure, note } kind = paragraph;
  std::string text;                              // paragraph / note; figure: file name
  std::vector<std::string> header;               // table
  std::vector<std::vector<std::string>> rows;    // table
  std::vector<bool> highlight;                   // table: per row
  std::string svg;                               // figure
};

struct section {
  std::string id, title, plain_words;
  std::vector<block> blocks;
};

block para(std::string t) { return block{block::paragraph, std::move(t), {}, {}, {}, {}}; }
block note(std::string t) { return block{block::note, std::move(t), {}, {}, {}, {}}; }
block fig(std::string name, std::string svg) { return block{block::figure, std::move(name), {}, {}, {}, std::move(svg)}; }

std::string num(double x, int d = 2) { return fixed_number(x, d); }
std::string count(std::size_t n) { return std::to_string(n); }
std::string interval(const std::optional<confidence_interval>& ci) {
  if (!ci || !ci->finite()) return "";
  return " [" + num(ci->lower) + ", " + num(ci->upper) + "]";
}
std::string slug(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

const confidence_interval* first_interval(const reliability_result& r) {
  for (const auto& ci : r.intervals) {
    if (ci.finite()) return &ci;
  }
  return nullptr;
}

// r.drop below this is "weak" (a common rule of thumb: Nunnally & Bernstein 1994 use .30 for
// item-total correlations); below 0 the item probably was not reversed.
constexpr double weak_item_rest = 0.30;

// The shortest text of `x` (1e-08), locale-independent.
std::string general_number(double x) {
  std::array<char, 32> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return {buf.data(), res.ptr};
}

// An enum's name as words: "equally_spaced" -> "equally spaced".
std::string words(std::string_view name) {
  std::string t(name);
  std::replace(t.begin(), t.end(), '_', ' ');
  return t;
}

std::string list_of(const std::vector<std::string>& v) {
  std::string t;
  for (std::size_t i = 0; i < v.size(); ++i) t += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
  return t;
}

}  // namespace

std::vector<std::string> report_methods(const report_study& r) {
  const auto& o = r.options;
  const auto& sc = o.input.scoring;
  const auto& rel = o.reliability;
  const auto& range = r.styles.range;
  const bool pairwise = rel.missing == missing_method::pairwise;
  std::vector<std::string> lines;
  lines.push_back("Instrument: " + r.instrument + "; data: " + r.source +
                  (r.after_source ? "; second time point: " + *r.after_source : ""));
  // Missing answers: what counted as one, the range rule, and how each analysis used the rest.
  std::vector<std::string> codes;
  for (double c : o.input.read.missing_codes) codes.push_back(fixed_number(c, c == std::floor(c) ? 0 : 2));
  std::string missing = "Missing answers: empty cells and NA" + (codes.empty() ? std::string() : ", and the code" +
                        std::string(codes.size() == 1 ? " " : "s ") + list_of(codes)) + ". Response range " +
                        num(range.min, 0) + "-" + num(range.max, 0) +
                        (sc.range ? " (declared for this file)" : " (the instrument's)") + "; an answer outside it " +
                        (sc.out_of_range == out_of_range_policy::set_missing
                             ? "is treated as missing (" + count(r.reliability.n_out_of_range) + " were)"
                             : std::string("stops the report with an error naming the cell"));
  lines.push_back(missing + ".");
  std::vector<std::string> needed;
  for (std::size_t j = 0; j < r.scores.subscales.size() && j < r.scores.scores.required.size() &&
                          j < r.scores.scores.n_items.size();
       ++j) {
    needed.push_back(r.scores.subscales[j] + " " + std::to_string(r.scores.scores.required[j]) + " of " +
                     std::to_string(r.scores.scores.n_items[j]));
  }
  lines.push_back("Scores: the mean of the answered items when at least " + num(100 * sc.min_answered, 0) +
                  "% of a scale's items are answered (" + list_of(needed) + "); otherwise no score.");
  const std::string n_text = rel.n_for_intervals == interval_n::effective
                                 ? (pairwise ? "the harmonic mean of the pairwise counts" : "the respondents answering every item")
                                 : "the number of rows, including those with missing answers (psych's choice)";
  std::vector<std::string> intervals;
  for (auto m : rel.intervals) intervals.emplace_back(to_string(m));
  lines.push_back(std::string("Alpha: Cronbach's, from the covariances ") +
                  (pairwise ? "of each pair of items over the respondents answering both (pairwise deletion)"
                            : "of the respondents answering every item of the scale (listwise deletion)") +
                  "; intervals: " + (intervals.empty() ? std::string("none") : list_of(intervals)) + " at " +
                  num(100 * rel.level, 0) + "% (Table 1 shows the first), with N = " + n_text + ".");
  lines.push_back(std::string("Omega: omega total of a one-factor model (minres, psych omega(nfactors = 1)) and omega "
                              "hierarchical of psych's default bifactor model (3 group factors, Schmid-Leiman), both from "
                              "the ") + (pairwise ? "pairwise" : "listwise") +
                  " Pearson correlations alpha uses; no omega interval (the report runs no omega bootstrap).");
  lines.push_back("Styles: " + std::string(r.styles.result ? to_string(r.styles.result->method) : "none") +
                  "; near a boundary = within one SEM (SEM from alpha).");
  lines.push_back("Structure: CFA, one factor per subscale, maximum likelihood on the complete rows (as lavaan::cfa, "
                  "std.lv = FALSE); scree of factor eigenvalues (SMC diagonal) with parallel analysis (" +
                  std::to_string(o.parallel_replicates) + " replicates, seed " + std::to_string(o.seed) + ").");
  if (r.irt && !r.irt->fit.scales.empty()) {
    const auto& g = r.irt->fit.scales.front();
    lines.push_back("IRT: Samejima's graded response model per subscale, marginal maximum likelihood by EM (Bock & Aitkin "
                    "1981; start " + std::string(to_string(g.start_values)) + ") over " + std::to_string(g.quadrature_points) +
                    " " + words(to_string(g.quadrature)) + " quadrature points, N(0, 1) population; SEs: " +
                    (g.se_method == standard_error_method::louis ? std::string("the observed information (Louis 1982)")
                                                                 : words(to_string(g.se_method))) +
                    "; item fit S-X2 (Orlando & Thissen 2000); "
                    "marginal reliability from the test information (Thissen & Wainer 2001); a missing answer drops out "
                    "of that respondent's likelihood.");
  }
  if (r.profiles) {
    const auto& m = r.profiles->mixture;
    std::vector<std::string> names;
    for (auto c : m.models) names.emplace_back(to_string(c));
    lines.push_back("Profiles: Gaussian mixtures of the " + list_of(r.profiles->columns) + " scores (mclust's covariance "
                    "models " + list_of(names) + ", K " + count(m.k_min) + "-" + count(m.k_max) + ", " + count(m.starts) +
                    " starts each, seed " + std::to_string(m.seed) + ", EM to a relative change of " +
                    general_number(m.tolerance) + "), the highest BIC chosen (mclust); respondents "
                    "without both scores are left out.");
  }
  lines.push_back("attune " + r.attune_version + (r.command_line.empty() ? "" : "; command: " + r.command_line));
  return lines;
}

// Every warning of the report's parts, in one place (the parts' own vocabularies).
std::vector<warning> report_warnings(const report_study& r) {
  std::vector<warning> warns = r.warnings;
  auto add = [&warns](const std::string& prefix, const auto& list) {
    for (const auto& w : list) {
      warning copy{w};
      copy.message = prefix + copy.message;
      warns.push_back(std::move(copy));
    }
  };
  add("", r.reliability.warnings);
  add("", all_warnings(r.styles));
  if (r.irt) {
    add("irt: ", r.irt->fit.warnings);
    for (const auto& g : r.irt->fit.scales) add("irt " + g.name + ": ", g.warnings);
  }
  if (r.profiles) add("profiles: ", r.profiles->warnings);
  return warns;
}

namespace {

std::vector<section> build(const report_study& r) {
  std::vector<section> out;
  const auto& range = r.styles.range;

  // Data summary.
  {
    section s{"data", "Data summary",
              "How many people answered, how much is missing, and whether some answer patterns look careless "
              "(the same answer again and again, or answers that do not fit the person's other answers).",
              {}};
    const auto& q = r.quality.report;
    s.blocks.push_back(para("Rows read: " + count(r.quality.n_rows) + ". Respondents with at least one answer: " +
                            std::to_string(q.n) + ". Answers outside the response range " + num(range.min, 0) + "-" +
                            num(range.max, 0) + " (treated as missing): " + count(r.reliability.n_out_of_range) + "."));
    block t{block::table, {}, {"Scale", "Items", "Rows", "Rows answering every item", "Item with most missing", "Missing share"}, {}, {}, {}};
    for (const auto& sc : r.reliability.scales) {
      const auto& rel = sc.reliability;
      const item_statistics* worst = nullptr;
      for (const auto& it : rel.items) {
        if (!worst || it.missing_share > worst->missing_share) worst = &it;
      }
      t.rows.push_back({sc.name, std::to_string(rel.n_items), num(rel.n_rows, 0), num(rel.n_complete, 0),
                        worst ? worst->item : "", worst ? num(100 * worst->missing_share, 1) + "%" : ""});
      t.highlight.push_back(false);
    }
    s.blocks.push_back(t);
    block qt{block::table, {}, {"Screening rule", "Respondents flagged"}, {}, {}, {}};
    for (std::size_t i = 0; i < r.quality.rules.size() && i < q.flagged_by.size(); ++i) {
      qt.rows.push_back({r.quality.rules[i].rule, std::to_string(q.flagged_by[i])});
      qt.highlight.push_back(q.flagged_by[i] > 0);
    }
    qt.rows.push_back({"any rule", std::to_string(q.n_flagged)});
    qt.highlight.push_back(false);
    s.blocks.push_back(qt);
    out.push_back(std::move(s));
  }

  // Table 1.
  {
    section s{"table1", "Table 1",
              "The usual first table of a paper: for each scale how many people have a score, its average and spread, "
              "and how consistently its items measure the same thing (alpha and omega, 0 to 1, higher is more "
              "consistent; the brackets give the range the true value probably lies in).",
              {}};
    block t{block::table, {}, {"Scale", "N", "Mean", "SD", "Alpha [CI]", "Omega total [CI]"}, {}, {}, {}};
    for (const auto& sc : r.reliability.scales) {
      const auto& rel = sc.reliability;
      const confidence_interval* ci = first_interval(rel);
      std::string n = "", mean = "", sd = "";
      for (const auto& col : r.scores.summary) {
        if (col.name == sc.name) n = count(col.n_scored), mean = num(col.mean), sd = num(col.sd);
      }
      std::string omega = "not fitted";
      if (sc.omega) omega = num(sc.omega->total) + interval(sc.omega->total_ci);
      t.rows.push_back({sc.name, n, mean, sd, num(rel.alpha) + (ci ? interval(*ci) : ""), omega});
      t.highlight.push_back(false);
    }
    s.blocks.push_back(t);
    if (r.correlation) {
      const auto& c = *r.correlation;
      s.blocks.push_back(para("Correlation of " + c.first + " and " + c.second + ": r = " + num(c.r) + ", " +
                              num(100 * c.ci.level, 0) + "% CI [" + num(c.ci.lower) + ", " + num(c.ci.upper) +
                              "] (Fisher z), N = " + count(c.n) + "."));
    }
    const auto* any = r.reliability.scales.empty() ? nullptr : first_interval(r.reliability.scales[0].reliability);
    s.blocks.push_back(note(std::string("Alpha interval: ") + (any ? any->method + ", " + num(100 * any->level, 0) + "%" : "none") +
                            ". Omega total: one-factor model of the scale's items (McDonald); its interval needs the "
                            "bootstrap (attune reliability --omega-ci) and is omitted when not computed."));
    out.push_back(std::move(s));
  }

  // Per scale.
  for (const auto& sc : r.reliability.scales) {
    const auto& rel = sc.reliability;
    section s{"scale_" + slug(sc.name), "Scale: " + sc.name,
              "Each item should go with the rest of its scale. The item-rest correlation (r.drop) says how well an "
              "item agrees with the other items; below .30 it is weak, below 0 the item was probably not reverse "
              "scored. Alpha if deleted higher than the scale's alpha means the scale would be more consistent "
              "without that item.",
              {}};
    const confidence_interval* ci = first_interval(rel);
    s.blocks.push_back(para("Alpha " + num(rel.alpha) + (ci ? interval(*ci) : "") + ", standardized alpha " +
                            num(rel.alpha_std) + ", average inter-item r " + num(rel.average_r) + ", N (harmonic mean of "
                            "pairwise counts) " + num(rel.n, 1) + ", SEM " + num(rel.sem) + "."));
    block t{block::table, {}, {"Item", "Reversed", "n", "Mean", "SD", "r.drop", "Alpha if deleted", "Flag"}, {}, {}, {}};
    std::vector<svg_bar> rdrop, aid;
    for (const auto& it : rel.items) {
      const bool rev = std::find(sc.reversed.begin(), sc.reversed.end(), it.item) != sc.reversed.end();
      const bool unreversed = it.r_drop < 0;
      const bool weak = it.r_drop < weak_item_rest;
      const bool raises = it.alpha_if_deleted > rel.alpha;
      std::string flag = unreversed ? "probably not reversed" : weak ? "weak" : "";
      if (raises) flag += std::string(flag.empty() ? "" : "; ") + "alpha rises without it";
      t.rows.push_back({it.item, rev ? "yes" : "", num(it.n, 0), num(it.mean), num(it.sd), num(it.r_drop), num(it.alpha_if_deleted), flag});
      t.highlight.push_back(!flag.empty());
      rdrop.push_back({it.item, it.r_drop, weak});
      aid.push_back({it.item, it.alpha_if_deleted, raises});
    }
    s.blocks.push_back(t);
    double lo = 0;
    for (const auto& b : rdrop) lo = std::min(lo, std::floor(b.value * 10) / 10);
    s.blocks.push_back(fig("item_rest_" + slug(sc.name) + ".svg",
                           svg_bars(rdrop, lo, 1.0, sc.name + ": item-rest correlations", "r.drop", weak_item_rest, ".30")));
    double alo = 1;
    for (const auto& b : aid) alo = std::min(alo, std::floor(b.value * 10) / 10);
    s.blocks.push_back(fig("alpha_if_deleted_" + slug(sc.name) + ".svg",
                           svg_bars(aid, std::min(alo, std::floor(rel.alpha * 10) / 10), 1.0, sc.name + ": alpha if deleted",
                                    "alpha without the item", rel.alpha, "alpha " + num(rel.alpha))));
    out.push_back(std::move(s));
  }

  // Scores.
  {
    section s{"scores", "Score distributions",
              "How the scores spread: each bar counts the people whose score falls in its range.", {}};
    for (std::size_t j = 0; j < r.scores.names.size() && static_cast<Eigen::Index>(j) < r.scores.scores.scores.cols(); ++j) {
      const auto& name = r.scores.names[j];
      s.blocks.push_back(fig("histogram_" + slug(name) + ".svg",
                             svg_histogram(r.scores.scores.scores.col(static_cast<Eigen::Index>(j)), range.min, range.max,
                                           static_cast<int>(std::lround((range.max - range.min) * 4)), name, name + " score")));
    }
    out.push_back(std::move(s));
  }

  // Styles.
  if (r.styles.result) {
    const auto& c = *r.styles.result;
    section s{"styles", "Attachment styles",
              "Each person is a point: how anxious about relationships (up) and how avoidant of closeness (right). "
              "The four corners are the usual style names. People near a line could be called the other style if "
              "they filled in the questionnaire again.",
              {}};
    s.blocks.push_back(fig("attachment_plane.svg", report_plane_svg(r)));
    block t{block::table, {}, {"Style", "Respondents", "Share"}, {}, {}, {}};
    for (std::size_t k = 0; k < 4; ++k) {
      t.rows.push_back({std::string(to_string(all_styles[k])), count(c.counts[k]),
                        c.n ? num(100.0 * static_cast<double>(c.counts[k]) / static_cast<double>(c.n), 1) + "%" : ""});
      t.highlight.push_back(false);
    }
    t.rows.push_back({"unclassified", count(c.n_unclassified), ""});
    t.highlight.push_back(false);
    s.blocks.push_back(t);
    s.blocks.push_back(para("Method: " + std::string(to_string(c.method)) + " (" + r.styles.provenance.source + "). " +
                            count(c.n_near_boundary) + " of " + count(c.n) +
                            " respondents are within one standard error of measurement of a boundary."));
    s.blocks.push_back(note(c.note.empty() ? std::string(dimensional_use_note()) : c.note));
    out.push_back(std::move(s));
  }

  // Structure.
  {
    section s{"structure", "Structure",
              "Does each item belong to the scale it is meant for? The loadings say how strongly each item reflects "
              "its factor (0 to 1). CFI near 1 and RMSEA below about .06-.08 mean the two-factor model fits well. The "
              "scree plot shows how many factors the data hold: those above the dashed line of random data count.",
              {}};
    if (r.structure && r.structure->cfa) {
      const auto& cfa = *r.structure->cfa;
      const auto& f = cfa.fit;
      block t{block::table, {}, {"chi-square", "df", "p", "CFI", "TLI", "RMSEA [90% CI]", "SRMR"}, {}, {}, {}};
      t.rows.push_back({num(f.chisq), num(f.df, 0), apa_p(f.pvalue), num(f.cfi, 3), num(f.tli, 3),
                        num(f.rmsea, 3) + " [" + num(f.rmsea_lower, 3) + ", " + num(f.rmsea_upper, 3) + "]", num(f.srmr, 3)});
      t.highlight.push_back(false);
      s.blocks.push_back(t);
      std::vector<svg_bar> bars;
      for (Eigen::Index i = 0; i < cfa.std_loadings.rows(); ++i) {
        double v = 0;
        for (Eigen::Index j = 0; j < cfa.std_loadings.cols(); ++j) {
          if (cfa.loadings(i, j) != 0) v = cfa.std_loadings(i, j);
        }
        const auto& name = static_cast<std::size_t>(i) < r.structure->items.size() ? r.structure->items[static_cast<std::size_t>(i)] : std::to_string(i + 1);
        const auto& sub = static_cast<std::size_t>(i) < r.structure->item_subscales.size() ? r.structure->item_subscales[static_cast<std::size_t>(i)] : "";
        bars.push_back({name + " (" + sub.substr(0, 3) + ")", v, v < 0.4});
      }
      double lo = 0;
      for (const auto& b : bars) lo = std::min(lo, std::floor(b.value * 10) / 10);
      s.blocks.push_back(fig("cfa_loadings.svg", svg_bars(bars, lo, 1.0, "CFA standardized loadings", "loading (std.all)", 0.4, ".40")));
    } else {
      s.blocks.push_back(para("The CFA was not fitted (see the warnings)."));
    }
    if (r.scree && r.scree->parallel) {
      const auto& p = *r.scree->parallel;
      s.blocks.push_back(fig("scree.svg", svg_scree(p.observed_factors, p.simulated_factors, "Scree plot with parallel analysis")));
      s.blocks.push_back(para("Parallel analysis (" + std::to_string(r.scree->parallel_replicates) +
                              " simulated data sets, 95th percentile) suggests " + std::to_string(p.suggested_factors) +
                              " factors."));
    }
    out.push_back(std::move(s));
  }

  // IRT: the graded response model of each scale.
  if (r.irt) {
    section s{"irt", "Item response theory",
              "Item response theory describes each item by how sharply it separates people low and high on the "
              "trait (the discrimination a: above about 1.35 is high, below .65 low) and where on the trait its "
              "answer categories change (the thresholds b, in standard deviations of the population). The "
              "information curves show where on the trait a scale measures precisely: the higher the curve, the "
              "smaller the error. Marginal reliability is the reliability these curves imply for the population, "
              "read like alpha.",
              {}};
    for (std::size_t j = 0; j < r.irt->fit.scales.size(); ++j) {
      const auto& g = r.irt->fit.scales[j];
      const irt_info_scale* info = nullptr;
      if (r.irt_information) {
        for (const auto& sc : r.irt_information->scales) {
          if (sc.name == g.name) info = &sc;
        }
      }
      std::string text = g.name + ": graded response model of " + count(g.items.size()) + " items, N = " + count(g.n) +
                         " respondents (" + count(g.patterns) + " response patterns); log-likelihood " + num(g.loglik) +
                         ", BIC " + num(g.bic) + "; EM " + (g.converged ? "converged" : "did NOT converge") + " after " +
                         std::to_string(g.iterations) + " iterations. Marginal reliability " +
                         num(g.marginal_reliability) + ", empirical reliability (of the EAP scores) " +
                         num(g.empirical_reliability) + ".";
      if (info != nullptr) {
        // Conditional reliability 1 - 1/I(theta) >= .80 where I >= 5 (an SE of at most 1/sqrt(5)).
        const auto& t = info->information;
        double lo = NAN, hi = NAN;
        for (Eigen::Index i = 0; i < t.theta.size(); ++i) {
          if (t.test[i] >= 5.0) {
            if (std::isnan(lo)) lo = t.theta[i];
            hi = t.theta[i];
          }
        }
        text += " Test information peaks at " + num(info->max_information) + " at theta " + num(info->theta_at_max) + "; ";
        text += std::isnan(lo) ? std::string("it never reaches 5 (a conditional reliability of .80) on the grid.")
                               : "it is at least 5 (conditional reliability 1 - 1/I of .80 or more) from theta " + num(lo) +
                                     " to " + num(hi) + ".";
      }
      s.blocks.push_back(para(text));
      std::size_t nb = 0;
      for (const auto& it : g.items) nb = std::max(nb, it.b.size());
      block t{block::table, {}, {"Item", "Reversed", "a", "SE(a)"}, {}, {}, {}};
      for (std::size_t k = 0; k < nb; ++k) t.header.push_back("b" + std::to_string(k + 1));
      t.header.insert(t.header.end(), {"S-X2 p", "Flag"});
      for (const auto& it : g.items) {
        std::vector<std::string> row = {it.item, it.reversed ? "yes" : "", num(it.slope), num(it.se.slope)};
        for (std::size_t k = 0; k < nb; ++k) row.push_back(k < it.b.size() ? num(it.b[k]) : "");
        row.push_back(it.fit ? apa_p(it.fit->p) : "");
        // Baker (2001): discrimination below .65 is low; S-X2 p < .001 is misfit worth a look.
        std::string flag = it.slope < 0.65 ? "low discrimination" : "";
        if (it.fit && it.fit->p < 0.001) flag += std::string(flag.empty() ? "" : "; ") + "S-X2 misfit";
        row.push_back(flag);
        t.highlight.push_back(!flag.empty());
        t.rows.push_back(std::move(row));
      }
      s.blocks.push_back(t);
      if (info != nullptr) {
        const auto& inf = info->information;
        s.blocks.push_back(fig("item_information_" + slug(g.name) + ".svg",
                               svg_curves(inf.theta, inf.items, info->items, g.name + ": item information", "theta",
                                          "information")));
        s.blocks.push_back(fig("test_information_" + slug(g.name) + ".svg",
                               svg_curves(inf.theta, inf.test, {"test information"}, g.name + ": test information",
                                          "theta", "information", true)));
      }
    }
    out.push_back(std::move(s));
  }

  // Profiles: Gaussian mixtures of the scores.
  if (r.profiles && r.profiles->best) {
    const auto& p = *r.profiles;
    const auto& best = *p.best;
    const auto& fit = p.fits[best.fit];
    section s{"profiles", "Latent profiles",
              "Instead of cutting the plane into four fixed quadrants, a mixture model lets the data say how many "
              "groups of similar people there are and where they lie. The number of groups is chosen by BIC (higher "
              "is better here); each person gets a probability of belonging to each group, and the uncertainty says "
              "how unsure the assignment is (0 = certain).",
              {}};
    std::string text = "Chosen: " + std::string(to_string(best.model)) + " with " + count(best.k) + " profile" +
                       (best.k == 1 ? "" : "s") + " (" + best.rule + " over " + count(p.fits.size()) + " fits), N = " +
                       count(p.n) + " respondents with both scores (" + count(p.n_missing) + " left out).";
    if (fit.entropy) text += " Entropy " + num(*fit.entropy) + ".";
    if (p.membership) {
      double sum = 0;
      std::size_t n = 0, unsure = 0;
      for (Eigen::Index i = 0; i < p.membership->uncertainty.size(); ++i) {
        const double u = p.membership->uncertainty[i];
        if (!std::isfinite(u)) continue;
        sum += u, ++n, unsure += u > 0.2 ? 1 : 0;
      }
      if (n > 0) {
        text += " Mean classification uncertainty " + num(sum / static_cast<double>(n)) + "; " + count(unsure) +
                " respondents (" + num(100.0 * static_cast<double>(unsure) / static_cast<double>(n), 1) +
                "%) have an uncertainty above .20.";
      }
    }
    for (const auto& a : p.agreement) {
      if (a.ari) text += " Adjusted Rand index with the " + a.with + " styles: " + num(*a.ari) + " (N = " + count(a.n) + ").";
    }
    s.blocks.push_back(para(text));
    // BIC per model (columns) and K (rows).
    std::vector<covariance_model> models;
    std::vector<std::size_t> ks;
    for (const auto& f : p.fits) {
      if (std::find(models.begin(), models.end(), f.model) == models.end()) models.push_back(f.model);
      if (std::find(ks.begin(), ks.end(), f.k) == ks.end()) ks.push_back(f.k);
    }
    std::sort(ks.begin(), ks.end());
    block bt{block::table, {}, {"K"}, {}, {}, {}};
    for (auto m : models) bt.header.emplace_back(to_string(m));
    for (auto k : ks) {
      std::vector<std::string> row = {count(k)};
      for (auto m : models) {
        std::string cell = "";
        for (std::size_t i = 0; i < p.fits.size(); ++i) {
          if (p.fits[i].model == m && p.fits[i].k == k) {
            cell = p.fits[i].bic ? num(*p.fits[i].bic, 1) : "not fitted";
            if (i == best.fit) cell += " (best)";
          }
        }
        row.push_back(cell);
      }
      bt.highlight.push_back(k == best.k);
      bt.rows.push_back(std::move(row));
    }
    s.blocks.push_back(para("BIC of every model and number of profiles K (mclust's sign: higher is better):"));
    s.blocks.push_back(bt);
    // The profiles of the chosen fit.
    const bool plane = p.plane_means.rows() == static_cast<Eigen::Index>(best.k) && p.plane_means.cols() == 2;
    block pt{block::table, {}, {"Profile", "Name", "Share", "Respondents (modal)", "Mean anxiety", "Mean avoidance", "Mean posterior of its members"}, {}, {}, {}};
    std::vector<svg_profile> points;
    // The anxiety and avoidance columns of the fitted data, for the ellipses.
    std::optional<std::size_t> ia, iv;
    if (p.on == profile_data::scores && r.styles.scores.size() == 2) {
      for (std::size_t c = 0; c < p.columns.size(); ++c) {
        if (p.columns[c] == r.styles.scores[0]) ia = c;
        if (p.columns[c] == r.styles.scores[1]) iv = c;
      }
    }
    for (std::size_t k = 0; k < best.k; ++k) {
      const auto kk = static_cast<Eigen::Index>(k);
      std::string name;
      attachment_style style = attachment_style::unclassified;
      if (fit.labels) {
        if (fit.labels->labelled && k < fit.labels->styles.size()) {
          style = fit.labels->styles[k];
          name = std::string(to_string(style));
        } else if (k < fit.labels->quadrant.size()) {
          name = "(in the " + std::string(to_string(fit.labels->quadrant[k])) + " quadrant)";
        }
      }
      const double share = k < fit.proportions.size() ? fit.proportions[k] : NAN;
      const double anx = plane ? p.plane_means(kk, 0) : NAN, avo = plane ? p.plane_means(kk, 1) : NAN;
      const double own = p.membership && kk < p.membership->average_posterior.rows() ? p.membership->average_posterior(kk, kk) : NAN;
      pt.rows.push_back({count(k + 1), name, num(100 * share, 1) + "%", k < fit.sizes.size() ? count(fit.sizes[k]) : "",
                         num(anx), num(avo), num(own)});
      pt.highlight.push_back(false);
      if (plane) {
        svg_profile sp{count(k + 1) + (name.empty() || name[0] == '(' ? "" : " " + name), anx, avo, share, style, std::nullopt};
        if (ia && iv && k < fit.covariances.size()) {
          const auto& c = fit.covariances[k];
          const auto a = static_cast<Eigen::Index>(*ia), v = static_cast<Eigen::Index>(*iv);
          if (c.rows() > std::max(a, v) && c.cols() > std::max(a, v)) sp.covariance = std::array<double, 3>{c(a, a), c(v, v), c(a, v)};
        }
        points.push_back(std::move(sp));
      }
    }
    s.blocks.push_back(pt);
    if (!points.empty()) {
      s.blocks.push_back(fig("profiles_plane.svg", svg_profile_plane(points, range, r.instrument + ": " + count(best.k) +
                                                                                        " latent profiles (" +
                                                                                        std::string(to_string(best.model)) + ")")));
    }
    if (!p.label_rule.empty()) s.blocks.push_back(note("Names: " + p.label_rule + "."));
    s.blocks.push_back(note("Profiles are groups the model finds in this sample; like the four styles they simplify a "
                            "dimensional reality, and a different sample may give a different number."));
    out.push_back(std::move(s));
  }

  // Change.
  if (r.change && r.change->scores.size() >= 2) {
    const auto& ch = *r.change;
    section s{"change", "Change",
              "Who changed between the two time points. Points in the shaded band changed by less than the "
              "measurement error could explain (the reliable change index, Jacobson & Truax 1991); triangles changed "
              "reliably.",
              {}};
    block t{block::table, {}, {"Scale", "Pairs", "Mean before", "Mean after", "Mean change [CI]", "p"}, {}, {}, {}};
    for (std::size_t j = 0; j < ch.scales.size(); ++j) {
      const auto& sc = ch.scales[j];
      const auto& g = sc.group;
      t.rows.push_back({sc.name, count(g.n_pairs), num(g.mean_before), num(g.mean_after),
                        num(g.mean_change) + interval(g.mean_change_ci), apa_p(g.p)});
      t.highlight.push_back(false);
      const auto col = static_cast<Eigen::Index>(j);
      if (col < ch.scores[0].cols() && col < ch.scores[1].cols()) {
        s.blocks.push_back(fig("change_" + slug(sc.name) + ".svg",
                               svg_before_after(ch.scores[0].col(col), ch.scores[1].col(col), range.min, range.max,
                                                sc.rci.critical * sc.s_diff, sc.name + ": before and after")));
      }
    }
    s.blocks.insert(s.blocks.begin(), t);
    out.push_back(std::move(s));
  }

  // APA paragraph.
  {
    section s{"apa", "Results paragraph (APA style)",
              "A paragraph you can paste into a paper; its numbers are the ones above.", {}};
    s.blocks.push_back(para(to_apa(r.reliability)));
    out.push_back(std::move(s));
  }

  // Methods.
  {
    section s{"methods", "Methods", "Exactly how the numbers were computed, so that someone else can repeat them.", {}};
    for (auto& l : report_methods(r)) s.blocks.push_back(para(l));
    for (const auto& w : report_warnings(r)) s.blocks.push_back(note("Warning: " + w.message));
    out.push_back(std::move(s));
  }
  return out;
}

constexpr const char* css = R"(body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
th{background:#f2f2f2}tr.flag td{background:#fbe3d6;font-weight:bold}
.plain{background:#eef6fb;border-left:4px solid #0072B2;padding:.4rem .8rem}
.note{font-size:.9rem;color:#444;font-style:italic}
figure{margin:1rem 0}svg{max-width:100%;height:auto}
.methods{background:#f7f7f7;border:1px solid #ccc;padding:.5rem 1rem}
)";

std::string html_escape(const std::string& s) { return xml_escape(s); }

}  // namespace

std::string report_plane_svg(const report_study& r) {
  if (!r.styles.result) return {};
  plane_plot_options po;
  po.title = r.instrument + ": anxiety and avoidance (N = " + std::to_string(r.styles.result->n) + ")";
  return svg_attachment_plane(*r.styles.result, r.styles.range, po);
}

std::string to_html(const report_study& r) {
  const auto sections = build(r);
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>attune report: " +
                  html_escape(r.instrument) + "</title>\n<style>\n" + css + "</style>\n</head>\n<body>\n";
  h += "<h1>attune report: " + html_escape(r.instrument) + "</h1>\n<p>Data: " + html_escape(r.source) + "</p>\n<nav><ul>\n";
  for (const auto& s : sections) h += "<li><a href=\"#" + s.id + "\">" + html_escape(s.title) + "</a></li>\n";
  h += "</ul></nav>\n";
  for (const auto& s : sections) {
    h += std::string("<section id=\"") + s.id + "\"" + (s.id == "methods" ? " class=\"methods\"" : "") + ">\n<h2>" +
         html_escape(s.title) + "</h2>\n<p class=\"plain\">" + html_escape(s.plain_words) + "</p>\n";
    for (const auto& b : s.blocks) {
      switch (b.kind) {
        case block::paragraph: h += "<p>" + html_escape(b.text) + "</p>\n"; break;
        case block::note: h += "<p class=\"note\">" + html_escape(b.text) + "</p>\n"; break;
        case block::figure: h += "<figure>\n" + b.svg + "</figure>\n"; break;
        case block::table:
          h += "<table>\n<tr>";
          for (const auto& c : b.header) h += "<th>" + html_escape(c) + "</th>";
          h += "</tr>\n";
          for (std::size_t i = 0; i < b.rows.size(); ++i) {
            h += i < b.highlight.size() && b.highlight[i] ? "<tr class=\"flag\">" : "<tr>";
            for (const auto& c : b.rows[i]) h += "<td>" + html_escape(c) + "</td>";
            h += "</tr>\n";
          }
          h += "</table>\n";
      }
    }
    h += "</section>\n";
  }
  return h + "</body>\n</html>\n";
}

markdown_report to_markdown(const report_study& r, const std::string& image_prefix) {
  markdown_report out;
  const auto sections = build(r);
  std::string& m = out.markdown;
  m = "# attune report: " + r.instrument + "\n\nData: " + r.source + "\n";
  for (const auto& s : sections) {
    m += "\n## " + s.title + "\n\n> " + s.plain_words + "\n";
    for (const auto& b : s.blocks) {
      switch (b.kind) {
        case block::paragraph: m += "\n" + b.text + "\n"; break;
        case block::note: m += "\n*" + b.text + "*\n"; break;
        case block::figure:
          m += "\n![" + b.text + "](" + image_prefix + b.text + ")\n";
          out.images.emplace_back(b.text, b.svg);
          break;
        case block::table: {
          m += "\n|";
          for (const auto& c : b.header) m += " " + c + " |";
          m += "\n|";
          for (std::size_t i = 0; i < b.header.size(); ++i) m += " --- |";
          m += "\n";
          for (std::size_t i = 0; i < b.rows.size(); ++i) {
            const bool flag = i < b.highlight.size() && b.highlight[i];
            m += "|";
            for (const auto& c : b.rows[i]) m += " " + (flag && !c.empty() ? "**" + c + "**" : c) + " |";
            m += "\n";
          }
        }
      }
    }
  }
  return out;
}

ATTUNE_END_NAMESPACE
