#include "attune/study/measurement.hpp"

#include <algorithm>
#include <cmath>

#include "attune/analyses/descriptives.hpp"
#include "attune/analyses/reliability.hpp"
#include "attune/core/error.hpp"
#include "detail/number_text.hpp"
#include "detail/option_builders.hpp"

ATTUNE_BEGIN_NAMESPACE

std::optional<double> score_values::find(std::string_view score, std::string_view role) const {
  if (auto it = by_score.find(score); it != by_score.end()) return it->second;
  if (!role.empty() && role != score) {
    if (auto it = by_score.find(role); it != by_score.end()) return it->second;
  }
  return all;
}

void score_values::validate(std::string_view field, const std::function<bool(double)>& ok,
                            std::string_view rule) const {
  auto check = [&](double v, const std::string& key, const std::string& suffix) {
    if (std::isfinite(v) && ok(v)) return;
    const std::string value = detail::number_text(v);
    throw error(errc::invalid_argument,
                std::string(field) + key + " = " + value + suffix + ": " + std::string(rule),
                {.value = value, .option = std::string(field)});
  };
  for (const auto& [name, v] : by_score) check(v, "['" + name + "']", "");
  if (all) check(*all, "", " (every score)");
}

option_info score_values_option(std::string name, std::string field, std::string help, score_values& member) {
  auto set = [&member, name, field](const std::vector<std::string>& entries) {
    score_values out;
    for (const auto& e : entries) {
      const auto eq = e.find('=');
      const std::string score = eq == std::string::npos ? std::string() : e.substr(0, eq);
      double v = 0.0;
      if ((eq != std::string::npos && score.empty()) ||
          !parse_cell(eq == std::string::npos ? e : e.substr(eq + 1), {}, v) || !std::isfinite(v)) {
        detail::refuse_option_text(name, field, e, "expected NAME=NUMBER (e.g. anxiety=0.91) or a number");
      }
      if (eq == std::string::npos) {
        out.all = v;
      } else {
        out.by_score[score] = v;
      }
    }
    member = std::move(out);
  };
  return detail::parsed_option(std::move(name), std::move(field), std::move(help), set, std::nullopt, /*list=*/true,
                               "NAME=VALUE");
}

option_info norm_table_option(std::string name, std::string field, std::string help, std::optional<norm_table>& member) {
  auto set = [&member, name, field](const std::vector<std::string>& t) {
    const std::string text = t.empty() ? std::string() : t.front();
    try {
      member = resolve_norm_table(text, name);  // its messages start with the option's name
    } catch (const error& e) {
      error_details d = e.details();
      if (!d.value) d.value = text;
      if (!d.option) d.option = field;
      if (!d.rule) d.rule = "option_text";
      throw error(e.code(), e.what(), d);
    }
  };
  return detail::parsed_option(std::move(name), std::move(field), std::move(help), set, std::nullopt, false,
                               "ID|FILE.json");
}

std::vector<const subscale*> subscales_of(const instrument& inst, std::string_view score) {
  std::vector<const subscale*> out;
  std::function<void(std::string_view)> collect = [&](std::string_view name) {
    if (const subscale* s = inst.find_subscale(name)) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      return;
    }
    for (const auto& c : inst.composites) {
      if (c.name == name) {
        for (const auto& p : c.parts) collect(p);
        return;
      }
    }
    throw error(errc::invalid_argument, "instrument '" + inst.id + "' has no score '" + std::string(name) + "'",
                {.value = std::string(name), .rule = "unknown_score"});
  };
  collect(score);
  return out;
}

Eigen::MatrixXd score_items(const instrument& inst, std::string_view score, const Eigen::MatrixXd& values,
                            const scoring_options& scoring) {
  std::vector<Eigen::MatrixXd> blocks;
  Eigen::Index k = 0;
  for (const subscale* s : subscales_of(inst, score)) {
    blocks.push_back(keyed_items(inst, *s, values, scoring));
    k += blocks.back().cols();
  }
  Eigen::MatrixXd items(values.rows(), k);
  Eigen::Index at = 0;
  for (const auto& b : blocks) {
    items.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  return items;
}

std::optional<double> sample_alpha(const instrument& inst, std::string_view score, const responses& data,
                                   const scoring_options& scoring, std::string* why) {
  const Eigen::MatrixXd items = score_items(inst, score, data.values, scoring);
  const Eigen::Index k = items.cols();
  if (k < 2) {
    if (why != nullptr) *why = std::to_string(k) + " item(s)";
    return std::nullopt;
  }
  try {
    reliability_options o;
    o.intervals.clear();
    o.split_half = false;
    return analyze_reliability(items, o).alpha;
  } catch (const error& e) {
    if (why != nullptr) *why = e.what();
    return std::nullopt;
  }
}

score_sem estimate_sem(const instrument& inst, const std::string& score, std::string_view role,
                       const Eigen::Ref<const Eigen::VectorXd>& scores, const responses& data,
                       const scoring_options& scoring, const score_values& reliability, const score_values& sd,
                       std::vector<warning>& warnings) {
  return estimate_sem(
      score, role, [&](std::string* why) { return sample_alpha(inst, score, data, scoring, why); },
      [&] { return sample_sd(scores); }, reliability, sd, warnings);
}

score_sem estimate_sem(const std::string& score, std::string_view role,
                       const std::function<std::optional<double>(std::string*)>& alpha_in_sample,
                       const std::function<double()>& sd_in_sample, const score_values& reliability,
                       const score_values& sd, std::vector<warning>& warnings) {
  score_sem s;
  s.score = score;
  if (auto r = reliability.find(score, role)) {
    s.reliability = *r;
    s.reliability_source = "given";
  } else {
    s.reliability_source = "alpha in this sample";
    std::string why;
    s.reliability = alpha_in_sample(&why);
    if (!s.reliability) {
      warnings.push_back("the reliability of '" + score + "' cannot be estimated in this sample (" + why +
                         "): no SEM unless it is given");
    } else if (*s.reliability < 0.0) {
      warnings.push_back("alpha of '" + score + "' is negative (" + detail::fixed_text(*s.reliability, 3) +
                         "): check the reverse keys; no SEM");
      s.reliability.reset();
    }
  }
  if (auto v = sd.find(score, role)) {
    s.sd = *v;
    s.sd_source = "given";
  } else {
    s.sd_source = "this sample";
    const double x = sd_in_sample();
    if (x > 0.0) {
      s.sd = x;
    } else {
      warnings.push_back("the SD of '" + score + "' cannot be estimated from this sample: no SEM unless it is given");
    }
  }
  if (s.sd && s.reliability) {
    if (*s.reliability < 1.0) {
      s.sem = standard_error_of_measurement(*s.sd, *s.reliability);
    } else {
      warnings.push_back("the reliability of '" + score + "' is 1, so its SEM is 0: no distances in SEM units");
    }
  }
  return s;
}

ATTUNE_END_NAMESPACE
