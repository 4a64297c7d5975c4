// Only attune::error leaves the library (issue 10): every public entry point gets degenerate data
// (constant answers, perfect agreement, one or two rows, no rows, infinities, NaN everywhere,
// denormals, huge and tiny magnitudes, the largest double) and must return (with warnings) or throw
// attune::error, nothing else. Under the asan preset this also checks for memory errors and
// undefined behaviour on each of these inputs.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "attune/attune.hpp"
#include "test_support.hpp"

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_v = std::numeric_limits<double>::infinity();

struct data_case {
  std::string name;
  Eigen::MatrixXd x;
};

// Likert-like 1..5 answers (on one factor), then transformed into the degenerate cases.
Eigen::MatrixXd likert(Eigen::Index n, Eigen::Index k, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double f = z(g);
    for (Eigen::Index j = 0; j < k; ++j) x(i, j) = std::clamp(std::round(3 + 0.8 * f + 0.7 * z(g)), 1.0, 5.0);
  }
  return x;
}

std::vector<data_case> degenerate_cases(Eigen::Index k) {
  std::vector<data_case> c;
  const Eigen::MatrixXd base = likert(12, k, 3);
  c.push_back({"ordinary", base});
  c.push_back({"constant", Eigen::MatrixXd::Constant(12, k, 3.0)});
  {
    Eigen::MatrixXd x(12, k);  // every item the same as the first: perfect agreement
    for (Eigen::Index j = 0; j < k; ++j) x.col(j) = base.col(0);
    c.push_back({"perfect agreement", x});
  }
  {
    Eigen::MatrixXd x = base;  // perfectly correlated, shifted items
    for (Eigen::Index j = 0; j < k; ++j) x.col(j) = base.col(0).array() + static_cast<double>(j);
    c.push_back({"shifted copies", x});
  }
  c.push_back({"one row", base.topRows(1)});
  c.push_back({"two rows", base.topRows(2)});
  c.push_back({"no rows", Eigen::MatrixXd(0, k)});
  {
    Eigen::MatrixXd x = base;
    x(3, 1) = inf_v;
    c.push_back({"an infinity", x});
    x(3, 1) = -inf_v;
    c.push_back({"a minus infinity", x});
  }
  c.push_back({"all NaN", Eigen::MatrixXd::Constant(12, k, nan_v)});
  {
    Eigen::MatrixXd x = base;
    x.col(0).setConstant(nan_v);
    c.push_back({"an unanswered item", x});
    x = base;
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, i % k) = nan_v;
    c.push_back({"one missing per row", x});
  }
  c.push_back({"denormals", base * 4.9406564584124654e-324});
  c.push_back({"tiny", base * 1e-170});
  c.push_back({"huge", base * 1e200});
  c.push_back({"largest double", base / 5.0 * std::numeric_limits<double>::max()});
  {
    Eigen::MatrixXd x = base;
    x(0, 0) = -0.0;
    x(1, 0) = 1e308;
    c.push_back({"mixed magnitudes", x});
  }
  return c;
}

// Set while the "ordinary" case runs: there every call must return (so the test exercises the
// entry points, not only their first check).
bool must_return = false;

// Runs `f`; anything thrown that is not attune::error fails the test, naming the call and the case.
void returns_or_attune_error(const std::string& what, const std::function<void()>& f) {
  try {
    f();
  } catch (const attune::error& e) {
    EXPECT_FALSE(std::string(e.what()).empty()) << what;
    EXPECT_FALSE(must_return) << what << " failed on ordinary data: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": threw a non-attune exception: " << e.what();
  } catch (...) {
    ADD_FAILURE() << what << ": threw something that is not an exception";
  }
}

Eigen::MatrixXd correlation_of(const Eigen::MatrixXd& x) {
  attune::pairwise_moments pm(x.cols());
  pm.add(x);
  return pm.correlation();
}

TEST(Robustness, ReliabilityModules) {
  for (const auto& c : degenerate_cases(4)) {
    SCOPED_TRACE(c.name);
    must_return = c.name == "ordinary";
    const Eigen::MatrixXd& x = c.x;
    returns_or_attune_error("analyze_reliability", [&] { (void)attune::analyze_reliability(x); });
    returns_or_attune_error("analyze_reliability (every interval, bootstrap, listwise)", [&] {
      attune::reliability_options o;
      o.intervals = {attune::ci_method::feldt, attune::ci_method::feldt_1965, attune::ci_method::normal_theory,
                     attune::ci_method::adf, attune::ci_method::bonett_wright, attune::ci_method::bootstrap_percentile,
                     attune::ci_method::bootstrap_bca};
      o.bootstrap = 50;
      o.threads = 2;
      for (auto m : {attune::missing_method::pairwise, attune::missing_method::listwise}) {
        o.missing = m;
        returns_or_attune_error("  missing method", [&] { (void)attune::analyze_reliability(x, o); });
      }
    });
    returns_or_attune_error("accumulator", [&] {
      attune::reliability_accumulator acc(x.cols());
      acc.add(x);
      const auto copy = attune::reliability_accumulator::deserialize(acc.serialize());
      (void)attune::analyze_reliability(copy);
    });
    returns_or_attune_error("analyze_reliability_from_matrix", [&] {
      attune::pairwise_moments pm(x.cols());
      pm.add(x);
      (void)attune::analyze_reliability_from_matrix(pm.covariance(), static_cast<double>(x.rows()));
    });
    returns_or_attune_error("split_half", [&] { (void)attune::split_half(correlation_of(x)); });
    returns_or_attune_error("analyze_icc", [&] { (void)attune::analyze_icc(x); });
    returns_or_attune_error("bootstrap_alpha", [&] { (void)attune::bootstrap_alpha(x, 20, 1, 2); });
    returns_or_attune_error("jackknife_alpha", [&] { (void)attune::jackknife_alpha(x); });
  }
  for (double n : {nan_v, inf_v, -1.0, 0.0, 2.0, 1e300}) {
    returns_or_attune_error("from_matrix n", [&] { (void)attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Identity(3, 3), n); });
  }
  returns_or_attune_error("from_matrix NaN", [&] {
    (void)attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Constant(3, 3, nan_v), 10);
  });
  returns_or_attune_error("from_matrix huge", [&] {
    (void)attune::analyze_reliability_from_matrix(Eigen::MatrixXd::Identity(3, 3) * 1e300, 10);
  });
  for (double v : {nan_v, inf_v, -inf_v, 0.0, 1.0, 2.0}) {
    returns_or_attune_error("spearman_brown", [&] { (void)attune::spearman_brown(v, v); });
    returns_or_attune_error("length_for_reliability", [&] { (void)attune::length_for_reliability(v, 0.9); });
    returns_or_attune_error("percentile_interval", [&] { (void)attune::percentile_interval({v, v, 1.0}, 0.95); });
    returns_or_attune_error("bca_interval", [&] { (void)attune::bca_interval({1.0, 2.0, 3.0}, v, {v, 1.0, 2.0}, 0.95); });
  }
}

TEST(Robustness, FactorModules) {
  for (const auto& c : degenerate_cases(6)) {
    SCOPED_TRACE(c.name);
    must_return = c.name == "ordinary";
    const Eigen::MatrixXd& x = c.x;
    const Eigen::Index n = x.rows();
    attune::polychoric_options po;
    po.threads = 2;
    returns_or_attune_error("polychoric", [&] { (void)attune::polychoric(x, po); });
    returns_or_attune_error("tetrachoric", [&] {
      (void)attune::tetrachoric((x.array() > 3.0).cast<double>().matrix(), po);
    });
    returns_or_attune_error("ordinal_reliability", [&] { (void)attune::ordinal_reliability(x, po); });
    Eigen::MatrixXd r;
    returns_or_attune_error("correlation", [&] { r = correlation_of(x); });
    if (r.size() == 0 || !r.allFinite()) continue;
    for (auto method : {attune::factor_method::minres, attune::factor_method::ml}) {
      attune::efa_options eo;
      eo.method = method;
      eo.n_factors = 2;
      returns_or_attune_error("efa", [&] { (void)attune::exploratory_factor_analysis(r, n, eo); });
      returns_or_attune_error("omega_single_factor", [&] { (void)attune::omega_single_factor(r, n, method); });
    }
    returns_or_attune_error("omega", [&] {
      attune::omega_options oo;
      oo.n_factors = 2;
      (void)attune::omega(r, n, oo);
    });
    returns_or_attune_error("schmid_leiman", [&] { (void)attune::schmid_leiman(r, n, {.n_factors = 2}); });
    returns_or_attune_error("parallel_analysis", [&] {
      attune::parallel_options pa;
      pa.replicates = 5;
      pa.threads = 2;
      (void)attune::parallel_analysis(r, n, pa);
    });
    returns_or_attune_error("smooth_correlation", [&] { (void)attune::smooth_correlation(r); });
    returns_or_attune_error("squared_multiple_correlations", [&] { (void)attune::squared_multiple_correlations(r); });
    returns_or_attune_error("rotate_loadings", [&] {
      for (auto rot : {attune::factor_rotation::varimax, attune::factor_rotation::oblimin, attune::factor_rotation::geomin})
        (void)attune::rotate_loadings(x.leftCols(2).topRows(std::min<Eigen::Index>(n, 6)), rot);
    });
    returns_or_attune_error("omega_bootstrap", [&] {
      attune::omega_bootstrap_options bo;
      bo.omega.n_factors = 2;
      bo.replicates = 8;
      bo.jackknife_groups = 4;
      bo.threads = 2;
      (void)attune::omega_bootstrap(x, bo);
    });
    returns_or_attune_error("study_reliability", [&] {
      attune::responses d;
      d.values = x;
      for (Eigen::Index j = 0; j < x.cols(); ++j) {
        d.item_ids.push_back("V" + std::to_string(j + 1));
        d.columns.push_back(d.item_ids.back());
      }
      attune::reliability_study_options so;
      so.omega_bootstrap = 4;
      so.ordinal = true;
      so.reliability.threads = 2;
      (void)attune::study_reliability(nullptr, d, so);
    });
    returns_or_attune_error("cfa", [&] {
      attune::cfa_model m;
      m.factors = {"a", "b"};
      m.factor_of_item = {0, 0, 0, 1, 1, 1};
      (void)attune::confirmatory_factor_analysis(x, m);
    });
  }
  for (double v : {nan_v, inf_v, -inf_v, 0.0, 1e308}) {
    returns_or_attune_error("bivariate_normal_cdf", [&] { (void)attune::bivariate_normal_cdf(v, v, v); });
    returns_or_attune_error("polychoric_table", [&] { (void)attune::polychoric_table(Eigen::MatrixXd::Constant(3, 3, v)); });
  }
}

TEST(Robustness, ClassificationChangeAndQuality) {
  const attune::instrument inst = attune::resolve_instrument("ecr-rs");
  const attune::quality_design design = attune::make_quality_design(inst);
  const auto k = static_cast<Eigen::Index>(inst.items.size());
  for (const auto& c : degenerate_cases(k)) {
    SCOPED_TRACE(c.name);
    must_return = c.name == "ordinary";
    const Eigen::MatrixXd& x = c.x;
    const Eigen::VectorXd anx = x.col(0), avo = x.col(1);
    for (auto m : {attune::classify_method::fisher, attune::classify_method::midpoint, attune::classify_method::median,
                   attune::classify_method::norms, attune::classify_method::kmeans, attune::classify_method::prototypes}) {
      attune::classify_options o;
      o.method = m;
      o.sem_anxiety = o.sem_avoidance = 0.4;
      if (m == attune::classify_method::fisher || m == attune::classify_method::midpoint) o.range = attune::response_range{1, 7};
      o.norm_anxiety_mean = 3;
      o.norm_avoidance_mean = 3;
      o.prototypes = {{attune::attachment_style::secure, 2, 2}, {attune::attachment_style::fearful, 4, 4}};
      returns_or_attune_error("classify " + std::string(attune::to_string(m)), [&] { (void)attune::classify(anx, avo, o); });
    }
    returns_or_attune_error("classify_rq", [&] { (void)attune::classify_rq(x.leftCols(4)); });
    returns_or_attune_error("classify_raas", [&] { (void)attune::classify_raas(anx, avo); });
    returns_or_attune_error("sample_sd, sample_median", [&] {
      (void)attune::sample_sd(anx);
      (void)attune::sample_median(anx);
    });
    returns_or_attune_error("norm_scores", [&] {
      attune::scale_norm norm{"anxiety", 3, 1, 100, "p", "s", {{1, 10}, {5, 90}}};
      (void)attune::norm_scores(anx, norm);
    });
    returns_or_attune_error("trajectories", [&] {
      attune::trajectory_options t;
      t.scales = {"a", "b"};
      t.rci = {attune::rci_options{1, 0.8}, attune::rci_options{1, 0.8}};
      (void)attune::compute_trajectories({x.leftCols(2), x.middleCols(2, 2)}, t);
    });
    returns_or_attune_error("longstring, irv", [&] {
      (void)attune::longstring(x);
      (void)attune::irv(x, {.blocks = 3});
    });
    for (auto mm : {attune::mahalanobis_method::observed, attune::mahalanobis_method::psych})
      returns_or_attune_error("mahalanobis", [&] { (void)attune::mahalanobis(x, {.method = mm}); });
    returns_or_attune_error("psych_pairs, psychsyn", [&] {
      const auto pairs = attune::psych_pairs(x, 0.6, false);
      (void)attune::psychsyn(x, pairs);
    });
    returns_or_attune_error("reverse_key, reversal, evenodd", [&] {
      (void)attune::evenodd(attune::reverse_key(x, design), design.subscales);
      (void)attune::reversal(x, design);
    });
    returns_or_attune_error("validate_data, assess_quality", [&] {
      (void)attune::validate_data(x, {}, design);
      (void)attune::assess_quality(x, design);
    });
    returns_or_attune_error("score", [&] {
      attune::responses d;
      d.values = x;
      d.item_ids = inst.item_ids();
      (void)attune::score(inst, d);
      attune::scoring_options so;
      so.out_of_range = attune::out_of_range_policy::set_missing;
      (void)attune::score(inst, d, so);
      if (x.rows() > 0) {
        const Eigen::VectorXd row = x.row(0).transpose();
        (void)attune::score_respondent(inst, std::span<const double>(row.data(), static_cast<std::size_t>(row.size())));
      }
    });
  }
  for (double v : {nan_v, inf_v, -inf_v, 0.0, 1.0, 1e308}) {
    returns_or_attune_error("change", [&] {
      (void)attune::reliable_change_index(v, 1.0, v, v);
      (void)attune::assess_change(v, v, attune::rci_options{1, 0.5});
      (void)attune::standard_error_of_measurement(v, v);
      (void)attune::clinical_significance(v, 1.0, attune::rci_options{1, 0.5}, v);
      (void)attune::jacobson_truax_cutoffs({"a", v, v, 10, "p", "s", {}}, {"a", 5, 1, 10, "p", "s", {}},
                                           attune::change_direction::lower_is_better);
    });
  }
}

TEST(Robustness, ReadingAndParsingDegenerateText) {
  const std::vector<std::string> texts = {"", "\n", "\r", "\"", ",", "a,b\n1,", std::string(3, '\0'), "\xEF\xBB\xBF",
                                          "a\n\"1\n", "a,a\n1,2\n", "Q1\n1e400\n", "Q1\n-nan\n", "Q1\n0x1p3\n",
                                          std::string(1000, '[') + std::string(1000, ']'), "{\"a\":1e999}"};
  for (const auto& t : texts) {
    SCOPED_TRACE(t.substr(0, 20));
    returns_or_attune_error("csv", [&] {
      std::istringstream in(t);
      attune::csv_reader r(in, "t");
      std::vector<std::string_view> f;
      while (r.next(f)) {
      }
    });
    returns_or_attune_error("responses", [&] {
      std::istringstream in(t);
      (void)attune::read_responses(in, "t", {"Q1"});
    });
    returns_or_attune_error("instrument", [&] { (void)attune::instrument_from_json(t, "t"); });
    returns_or_attune_error("norms", [&] { (void)attune::norm_table_from_json(t, "t"); });
    returns_or_attune_error("moments", [&] { (void)attune::pairwise_moments::deserialize(t); });
    returns_or_attune_error("accumulator", [&] { (void)attune::reliability_accumulator::deserialize(t); });
    returns_or_attune_error("parse_ci_method", [&] { (void)attune::parse_ci_method(t); });
    returns_or_attune_error("select_columns", [&] { (void)attune::select_columns({"a", "b"}, {t}); });
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Hostile files through the command line (issue 18, item 7): each gets exit status 1, a short
// message naming the rule (and the flag that raises a limit), in bounded memory and time; the
// input is never changed and no output file is left. The big inputs are generated here.

namespace hostile {

namespace fs = std::filesystem;

struct run_result {
  int exit_code = -1;
  std::string err;
  long peak_rss_kb = 0;  // of the attune process (getrusage of the waited child)
};

// Runs `attune <args>` (through sh, stdout discarded), measuring the child's peak RSS.
run_result run(const std::string& args) {
  const std::string err_path = attune::test::temp_path("hostile.err");
  const std::string cmd = "exec '" + std::string(ATTUNE_CLI_PATH) + "' " + args + " > /dev/null 2> '" + err_path + "'";
  run_result r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peak_rss_kb = usage.ru_maxrss;
  r.err = attune::test::read_file(err_path);
  fs::remove(err_path);
  return r;
}

std::string fresh_dir(const std::string& name) {
  const std::string d = attune::test::temp_path(name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string ecr_header() {
  std::string h;
  for (int j = 1; j <= 36; ++j) h += (j > 1 ? ",Q" : "Q") + std::to_string(j);
  return h + "\n";
}

std::string ecr_row(int r) {
  std::string s;
  for (int j = 1; j <= 36; ++j) s += (j > 1 ? "," : "") + std::to_string(1 + (r * 5 + j * 3) % 7);
  return s + "\n";
}

// Checks the common promises: exit 1, every fragment in the message, a short message, the input
// unchanged and nothing but the input in its folder.
void expect_refused(const run_result& r, std::initializer_list<std::string> fragments, const std::string& dir,
                    const std::string& input, const std::string& input_before) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const auto& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "missing '" << f << "' in: " << r.err;
  EXPECT_LT(r.err.size(), 1000u) << r.err.substr(0, 1000);
  EXPECT_EQ(attune::test::read_file(input), input_before);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{fs::path(input).filename().string()});
}

}  // namespace hostile

TEST(CliHostile, HundredMegabyteFieldIsRefusedInBoundedMemory) {
  const std::string d = hostile::fresh_dir("hostile_field");
  const std::string data = d + "/big.csv";
  {
    std::ofstream out(data, std::ios::binary);
    out << hostile::ecr_header() << std::string(100u << 20, '7') << hostile::ecr_row(1).substr(1);
  }
  const std::size_t size = std::filesystem::file_size(data);
  const auto r = hostile::run("score '" + data + "' --instrument ecr-r -o '" + d + "/out.csv'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("big.csv, line 2: a record longer than 16777216 bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-record-bytes"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 1000u);
  // The reader stops at its 16 MiB buffer: far below the 100 MB field.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // (their shadow memory counts in the RSS)
  EXPECT_LT(r.peak_rss_kb, 64 * 1024) << "peak RSS " << r.peak_rss_kb << " kB";
#endif
  EXPECT_EQ(std::filesystem::file_size(data), size);
  EXPECT_FALSE(std::filesystem::exists(d + "/out.csv"));
  // Raised past the field, the value is what is wrong: a number too large, quoted in 80 characters at most.
  const auto raised = hostile::run("score '" + data + "' --instrument ecr-r --max-record-bytes 200000000");
  EXPECT_EQ(raised.exit_code, 1) << raised.err.substr(0, 1000);
  EXPECT_NE(raised.err.find("row 1"), std::string::npos) << raised.err.substr(0, 1000);
  EXPECT_LT(raised.err.size(), 1000u) << raised.err.substr(0, 1000);
}

TEST(CliHostile, HundredThousandColumnsAreRefusedAtTheHeader) {
  const std::string d = hostile::fresh_dir("hostile_columns");
  const std::string data = d + "/wide.csv";
  std::string text;
  for (int j = 1; j <= 100000; ++j) text += (j > 1 ? ",V" : "V") + std::to_string(j);
  text += "\n";
  for (int j = 1; j <= 100000; ++j) text += (j > 1 ? ",3" : "3");
  text += "\n";
  attune::test::write_file(data, text);
  const auto r = hostile::run("reliability '" + data + "' --items 1-36 --scale 1-7 -o '" + d + "/out.json'");
  hostile::expect_refused(r, {"wide.csv, line 1: the header has 100000 columns, more than the limit of 10000",
                              "hint: if the file really is this wide, raise the limit with --max-columns N"},
                          d, data, text);
  // Raised, the file is read (one respondent: too few for reliability, said in words).
  const auto raised = hostile::run("reliability '" + data + "' --items 1-36 --scale 1-7 --max-columns 100000");
  EXPECT_EQ(raised.exit_code, 1) << raised.err;
  EXPECT_EQ(raised.err.find("columns, more than the limit"), std::string::npos) << raised.err;
  const auto zero = hostile::run("reliability '" + data + "' --items 1-36 --max-columns 0");
  EXPECT_EQ(zero.exit_code, 1) << zero.err;
  EXPECT_NE(zero.err.find("--max-columns"), std::string::npos) << zero.err;
}

TEST(CliHostile, NulBytesAndInvalidUtf8GiveAClearError) {
  const std::string d = hostile::fresh_dir("hostile_bytes");
  const std::string data = d + "/nul.csv";
  std::string nul = hostile::ecr_header() + hostile::ecr_row(1);
  nul[nul.size() - 2] = '\0';  // the last answer is a NUL byte
  attune::test::write_file(data, nul);
  auto r = hostile::run("score '" + data + "' --instrument ecr-r -o '" + d + "/out.csv'");
  hostile::expect_refused(r, {"nul.csv, row 1 (line 2), column 'Q36': value '\\x00' is not a number"}, d, data, nul);
  EXPECT_EQ(r.err.find('\0'), std::string::npos) << "a NUL byte is not echoed raw";
  nul += std::string(64, '\0') + "\n";  // a line of NUL bytes
  attune::test::write_file(data, nul);
  r = hostile::run("score '" + data + "' --instrument ecr-r -o '" + d + "/out.csv'");
  hostile::expect_refused(r, {"nul.csv, line 3 (row 2): 1 field, but the header has 36"}, d, data, nul);
  // Invalid UTF-8 in the header: an item column whose name is broken is not found by it; an item
  // named by position cannot be written as JSON, which requires UTF-8. Both exit 1 with a message.
  std::filesystem::remove(data);
  const std::string bad = d + "/utf8.csv";
  std::string text = "id,\xff\xfe\xc3name," + hostile::ecr_header().substr(3);  // Q1 is now the broken name
  for (int row = 0; row < 5; ++row) text += "r" + std::to_string(row) + "," + hostile::ecr_row(row);
  attune::test::write_file(bad, text);
  r = hostile::run("score '" + bad + "' --instrument ecr-r --format json -o '" + d + "/out.json'");
  hostile::expect_refused(r, {"utf8.csv: no column named 'Q1'"}, d, bad, text);
  r = hostile::run("reliability '" + bad + "' --items 2-6 --scale 1-7 --format json -o '" + d + "/out.json'");
  hostile::expect_refused(r, {"('\\xFF\\xFE\\xC3name') is not valid UTF-8", "iconv"}, d, bad, text);
}

TEST(CliHostile, DeeplyNestedJsonIsRefusedAndTheLimitCanBeRaised) {
  const std::string d = hostile::fresh_dir("hostile_json");
  const std::string data = attune::test::source_path("examples/data/ecr-r-sample.csv");
  const std::string inst = d + "/deep.json";
  const std::string text = "{\"id\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  attune::test::write_file(inst, text);
  auto r = hostile::run("score '" + data + "' --instrument '" + inst + "'");
  hostile::expect_refused(r, {"deep.json, line 1, column 71: JSON nested deeper than 64 levels",
                              "hint: if the file really nests this deep, raise the limit with --max-json-depth N"},
                          d, inst, text);
  // 70 levels pass a limit of 100 and fail on the format instead.
  const std::string seventy = "{\"id\": " + std::string(69, '[') + std::string(69, ']') + "}";
  attune::test::write_file(inst, seventy);
  r = hostile::run("score '" + data + "' --instrument '" + inst + "' --max-json-depth 100");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find("nested deeper"), std::string::npos) << r.err;
  r = hostile::run("score '" + data + "' --instrument '" + inst + "' --max-json-depth 100000");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--max-json-depth"), std::string::npos) << r.err;
  // Norm tables and item banks have the same limit.
  attune::test::write_file(inst, text);
  r = hostile::run("classify '" + data + "' --instrument ecr-r --method norms --norms '" + inst + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("JSON nested deeper than 64 levels"), std::string::npos) << r.err;
  r = hostile::run("cat simulate --bank '" + inst + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nested deeper than 64 levels"), std::string::npos) << r.err;
}

TEST(CliHostile, TruncatedFilesAndStdinClosingEarly) {
  const std::string d = hostile::fresh_dir("hostile_truncated");
  std::string full = hostile::ecr_header();
  for (int r = 0; r < 200; ++r) full += hostile::ecr_row(r);
  const std::string out = d + "/scores.csv";
  attune::test::write_file(out, "previous scores\n");
  // Cut in the middle of a record, just after a delimiter, and inside a quoted field.
  for (const std::string& cut : {full.substr(0, full.size() / 2 + 3), full.substr(0, full.rfind(',') + 1),
                                 full.substr(0, full.size() - 40) + "\"4"}) {
    const std::string data = d + "/cut.csv";
    attune::test::write_file(data, cut);
    const auto r = hostile::run("score '" + data + "' --instrument ecr-r -o '" + out + "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("cut.csv, line"), std::string::npos) << r.err;
    EXPECT_EQ(attune::test::read_file(out), "previous scores\n") << "the old output is kept";
    EXPECT_EQ(attune::test::read_file(data), cut);
    std::filesystem::remove(data);
  }
  // Standard input that closes early: a writer that stops half-way, and no input at all.
  const std::string half = d + "/half.csv";
  attune::test::write_file(half, full.substr(0, full.size() / 2 + 3));
  auto r = hostile::run("score - --instrument ecr-r -o '" + out + "' < '" + half + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("<stdin>, line"), std::string::npos) << r.err;
  r = hostile::run("score - --instrument ecr-r -o '" + out + "' <&-");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("<stdin>"), std::string::npos) << r.err;
  r = hostile::run("score - --instrument ecr-r -o '" + out + "' < /dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("<stdin>: the file is empty"), std::string::npos) << r.err;
  EXPECT_EQ(attune::test::read_file(out), "previous scores\n");
  std::filesystem::remove(half);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(d)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"scores.csv"}) << "no temporary file is left";
}
