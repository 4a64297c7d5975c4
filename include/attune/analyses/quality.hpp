/// @file quality.hpp
/// Careless and invalid responding: per-respondent screening indices and a data validation report.
///
/// The indices follow the R package careless 1.2.2 (Yentes & Wilhelm; `ryentes/careless@0a84caf`)
/// where it has them (longstring, irv, mahad, evenodd, psychsyn, psychant), with psych::outlier
/// (psych 2.2.9) for the Mahalanobis distance; `reversal` is attune's own. Every index takes the
/// raw answers (rows = respondents, columns = items, NaN = missing); the ones that need it also take
/// the subscales, reverse keys and item ranges in a `quality_design`. docs/quality.md gives the
/// formulas, the default cut-offs and why, and the missing-data rules.
///
/// Person fit for the graded response model needs calibrated item parameters: `person_fit_lz` in
/// analyses/irt.hpp computes lz, and `study_quality` (study/quality.hpp) adds it as the index
/// `quality_index::lz` when it is given an item bank. `assess_quality` never sets that flag.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/moments.hpp"
#include "attune/core/config.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// One subscale as the quality indices see it.
struct ATTUNE_EXPORT quality_subscale {
  std::string name;                 ///< e.g. "anxiety"
  std::vector<Eigen::Index> items;  ///< 0-based data columns, in instrument order
  std::vector<bool> reversed;       ///< per entry of `items`: reverse keyed in this subscale
};

/// What the indices need to know about the k items.
struct ATTUNE_EXPORT quality_design {
  std::vector<std::string> item_ids;  ///< k ids, for messages and reports
  Eigen::VectorXd item_min;           ///< k lowest allowed answers
  Eigen::VectorXd item_max;           ///< k highest allowed answers
  std::vector<quality_subscale> subscales;

  /// Checks the design against k items. @throws attune::error (invalid_argument) naming the
  /// field and value: sizes that differ from k, min >= max, an item index outside 0..k-1, a
  /// `reversed` list whose length differs from `items`, an item listed twice in one subscale.
  void validate(Eigen::Index k) const;
};

/// The design of an instrument: its subscales (reverse keys per subscale, as
/// `instrument::is_reversed`) and each item's range (`range` overrides every item's, as
/// `scoring_options::range`; otherwise the item's own range, otherwise the instrument's).
/// Cost O(items x subscale items).
/// @throws attune::error (bad_input) when a subscale names an item the instrument lacks.
ATTUNE_EXPORT quality_design make_quality_design(const instrument& inst,
                                                 const std::optional<response_range>& range = {});

/// The indices, as bits of `quality_report::flags`.
enum class quality_index : std::uint32_t {
  longstring = 1U << 0U,
  irv = 1U << 1U,
  mahalanobis = 1U << 2U,
  evenodd = 1U << 3U,
  psychsyn = 1U << 4U,
  psychant = 1U << 5U,
  reversal = 1U << 6U,
  /// Person fit lz of the graded response model (Drasgow, Levine & Williams 1985): set by
  /// `study_quality` with an item bank, never by `assess_quality`.
  lz = 1U << 7U,
};
/// "longstring", "irv", ... (the output column names).
ATTUNE_EXPORT std::string_view to_string(quality_index i) noexcept;
/// Parses a name of `to_string(quality_index)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<quality_index> parse_quality_index(std::string_view s) noexcept;
/// All indices in output order (`lz` last).
ATTUNE_EXPORT const std::vector<quality_index>& all_quality_indices() noexcept;
/// "longstring|mahalanobis" for a flag mask (indices in output order); "" for none.
ATTUNE_EXPORT std::string flag_names(std::uint32_t flags);

/// How a row with missing answers gets its D^2.
enum class mahalanobis_method {
  /// z_o' (S_oo)^-1 z_o over the answered items o: the D^2 of the answered sub-vector, chi-square
  /// with df = items answered under multivariate normality (default).
  observed,
  /// psych::outlier / careless `mahad`: the answered terms of z' S^-1 z with the full inverse.
  psych,
};
/// "observed", "psych".
ATTUNE_EXPORT std::string_view to_string(mahalanobis_method m) noexcept;
/// Parses a name of `to_string(mahalanobis_method)` (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<mahalanobis_method> parse_mahalanobis_method(std::string_view s) noexcept;

/// Options of `assess_quality`: each index's parameters and its default flag rule, each default
/// taken from a published recommendation where there is one (docs/quality.md gives the reasons
/// and the share each rule flags on the real ECR data). A NaN threshold switches that flag rule off.
///
/// Sources: Curran, P. G. (2016). Methods for the detection of carelessly invalid responses in
/// survey data. J. Exp. Soc. Psychol. 66, 4-19. Meade, A. W. & Craig, S. B. (2012). Identifying
/// careless responses in survey data. Psychol. Methods 17, 437-455. Johnson, J. A. (2005).
/// Ascertaining the validity of individual protocols from web-based personality inventories.
/// J. Res. Pers. 39, 103-129. Dunn, A. M. et al. (2018), J. Bus. Psychol. 33, 105-121.
struct ATTUNE_EXPORT quality_options {
  /// longstring: flag when the longest run of identical answers is at least
  /// ceil(longstring_share * k): half the scale's length, Curran's (2016) conservative rule of
  /// thumb (Johnson 2005 set per-answer cut-offs from the scree of the run lengths instead).
  double longstring_share = 0.5;
  /// irv: number of consecutive blocks (careless `num.split`, blocks cut as R `cut(seq_along(x), n)`).
  int irv_blocks = 3;
  /// irv: flag when the SD over all answered items, or over a block with at least 3 answers, is
  /// at most this (0: no variation at all = straight-lining there; Dunn et al. 2018).
  double irv_min = 0.0;
  /// irv: flag when the SD over all answered items exceeds this (random responding, Marjanovic et al.
  /// 2015); off by default because its cut-off depends on the response scale and the sample.
  double irv_max = std::numeric_limits<double>::quiet_NaN();
  /// mahalanobis: flag when D^2 > qchisq(confidence, df = items answered). Default .999, i.e. the
  /// chi-square p < .001 of Meade & Craig (2012) and Curran (2016) for multivariate outliers
  /// (careless `mahad` uses .99, which flags ~10% of the real 5-point ECR answers; set 0.99 to
  /// reproduce it).
  double mahalanobis_confidence = 0.999;
  /// mahalanobis: D^2 of rows with missing answers (see `mahalanobis_method`).
  mahalanobis_method mahalanobis_missing = mahalanobis_method::observed;
  /// evenodd (careless >= 1.2 sign, higher = more careless): flag when evenodd > this, i.e. the
  /// Spearman-Brown corrected even-odd correlation is below .30 (Johnson 2005; Curran 2016).
  double evenodd_max = -0.30;
  /// evenodd: flag only when at least this many subscales gave both an even and an odd mean (a
  /// correlation over 2 or 3 points says nothing).
  int evenodd_min_subscales = 6;
  /// psychsyn: item pairs whose sample correlation exceeds this are synonyms (r > .60, Meade &
  /// Craig 2012; careless default).
  double psychsyn_critical = 0.60;
  /// psychant: item pairs whose sample correlation is below this are antonyms (r < -.60, the
  /// mirror of the synonyms' rule; careless default).
  double psychant_critical = -0.60;
  /// psychsyn: flag when the within-person correlation over the synonym pairs is below this: a
  /// respondent who answers the sample's synonyms against each other. No published cut-off exists
  /// (Meade & Craig 2012 and Curran 2016 read the index as "lower = more careless"); 0 is the
  /// conservative point where the answers stop agreeing at all.
  double psychsyn_min = 0.0;
  /// psychant: flag when the within-person correlation over the antonym pairs is above this (the
  /// mirror of `psychsyn_min`).
  double psychant_max = 0.0;
  /// reversal (attune's own index, no published cut-off): flag when the keyed/reversed
  /// inconsistency (0..1) is at least this, i.e. keyed and reversed items answered alike at
  /// three quarters of the range or more.
  double reversal_max = 0.5;
  /// Validation: minimum share of each subscale's items answered (as scoring's rule), in (0, 1].
  double min_answered = 0.8;

  /// @throws attune::error (invalid_argument) naming the field, value and rule.
  void validate() const;
};

/// longstring per respondent (careless `longstring(x, avg = TRUE)`: R `rle` over the row).
struct ATTUNE_EXPORT longstring_result {
  Eigen::VectorXd longest;  ///< longest run of identical answers; NaN for a row with no answer
  Eigen::VectorXd average;  ///< mean run length; a missing answer is a run of length 1 (as `rle`)
};
/// Runs of identical answers per row. Cost O(N k).
ATTUNE_EXPORT longstring_result longstring(const Eigen::MatrixXd& values);

/// Intra-individual response variability: N x (1 + blocks); column 0 the SD (n - 1) over the
/// row's answered items, then one column per block of consecutive items (careless `irv(x,
/// na.rm = TRUE, split = TRUE, num.split = blocks)`). NaN where fewer than 2 answers.
/// @throws attune::error (invalid_argument) for blocks < 1 or blocks > k.
struct ATTUNE_EXPORT irv_options {
  int blocks = 3;  ///< consecutive item blocks (careless `num.split`), 1..k
};
ATTUNE_EXPORT Eigen::MatrixXd irv(const Eigen::MatrixXd& values, const irv_options& options = {});

/// The block (0-based) of each of k items, as R `cut(seq_along(x), blocks, labels = FALSE)`.
ATTUNE_EXPORT std::vector<int> irv_block_of_items(Eigen::Index k, int blocks);

/// The statistics the indices take from the whole sample, accumulated chunk by chunk so that a
/// file can be screened in two passes (`study_quality` streams a file with it): the
/// pairwise-complete moments of the answers (the covariance of the Mahalanobis distance, the item
/// correlations that choose the psychsyn/psychant pairs) and each item's sum and count of answers
/// (the Mahalanobis centre, sum / count). Feed it the answers with those outside their item's range
/// already missing (`in_range_answers`), as `assess_quality` does.
///
/// Sums are added per block of 4096 rows (the block of `pairwise_moments::add`) and the blocks'
/// sums in order, so that chunks of 4096 rows added to fresh accumulators and merged in file order
/// give exactly (bit for bit) what one `add` of the whole matrix gives. `merge` is that update;
/// merging in another order changes the result only by rounding. Memory: O(k^2), never N.
/// Thread safety: const members may be called concurrently; mutation needs exclusive access.
class ATTUNE_EXPORT quality_sample {
 public:
  /// An empty accumulator for k items (k = 0: taken from the first `add` or `merge`).
  explicit quality_sample(Eigen::Index k = 0);
  /// Adds rows (respondents; NaN = missing). @throws as `pairwise_moments::add`.
  void add(const Eigen::Ref<const Eigen::MatrixXd>& answers);
  /// Merges an accumulator over later rows. @throws attune::error (invalid_argument) when both
  /// have items and their k differ.
  void merge(const quality_sample& other);
  [[nodiscard]] Eigen::Index n_items() const { return moments_.n_items(); }
  /// Rows added (with or without answers).
  [[nodiscard]] double n_rows() const { return moments_.n_rows(); }
  /// The pairwise-complete moments (covariance, correlation).
  [[nodiscard]] const pairwise_moments& moments() const { return moments_; }
  /// Per item: the sum of its answers (per block, blocks summed in order) and their count.
  [[nodiscard]] const Eigen::VectorXd& sums() const { return sums_; }
  [[nodiscard]] const Eigen::VectorXd& counts() const { return counts_; }
  /// Text form, exact round trip (hexadecimal floating point): a first line
  /// `attune-quality-sample 1 <k>`, the sums and counts, then `pairwise_moments::serialize`.
  [[nodiscard]] std::string serialize() const;
  /// Reads `serialize()` output. @throws attune::error (bad_input) naming the line and token on
  /// malformed text.
  static quality_sample deserialize(std::string_view text);

 private:
  pairwise_moments moments_;
  Eigen::VectorXd sums_, counts_;
};

/// `values` with each answer outside its item's range (`design.item_min`/`item_max`; also a
/// non-finite one) set missing: what the indices and `quality_sample` take.
ATTUNE_EXPORT Eigen::MatrixXd in_range_answers(const Eigen::MatrixXd& values, const quality_design& design);

/// Mahalanobis D^2 per respondent.
struct ATTUNE_EXPORT mahalanobis_result {
  Eigen::VectorXd d2;        ///< NaN for a row with no answer
  Eigen::VectorXi df;        ///< items answered (the chi-square df of attune's flag)
  Eigen::VectorXd p_value;   ///< upper tail of chi-square(df) at d2
  Eigen::MatrixXd covariance;  ///< the pairwise covariance it used
  std::vector<std::string> warnings;
};
/// D^2 of each row against the sample. `psych`: as psych::outlier (2.2.9) used by careless `mahad`:
/// S = cov(x, use = "pairwise"), centred by the column means of the answered values, and
/// D^2 = sum over answered i, j of (x_i - m_i) (S^-1)_ij (x_j - m_j), with S^-1 the inverse of
/// the full matrix. `observed` (default): the same on complete rows; a row with missing answers
/// gets z_o' (S_oo)^-1 z_o (one factorization per missing pattern). Cost O(N k^2 + P k^3) for P
/// patterns.
/// @throws attune::error (insufficient_data) when a pair of items has fewer than 2 joint answers,
///         (numerical_issue) when S is singular.
struct ATTUNE_EXPORT mahalanobis_options {
  mahalanobis_method method = mahalanobis_method::observed;  ///< D^2 of rows with missing answers
};
ATTUNE_EXPORT mahalanobis_result mahalanobis(const Eigen::MatrixXd& values, const mahalanobis_options& options = {});

/// Even-odd consistency per respondent, careless >= 1.2 sign: higher = more careless.
struct ATTUNE_EXPORT evenodd_result {
  Eigen::VectorXd value;     ///< -(Spearman-Brown corrected r), in [-1, 1]; NaN when not defined
  Eigen::VectorXi subscales; ///< subscales with both an even and an odd mean (careless `diag`)
};
/// Johnson (2005) even-odd consistency, careless `evenodd(x, factors)`: per subscale the mean of
/// the keyed answers at even positions and at odd positions (1-based, in subscale order; missing
/// skipped), their Pearson r across subscales (pairwise complete), r' = 2r / (1 + r) floored at
/// -1, returned negated. `keyed` must already be reverse keyed (see `reverse_key`).
/// @throws attune::error (insufficient_data) for fewer than 2 subscales.
ATTUNE_EXPORT evenodd_result evenodd(const Eigen::MatrixXd& keyed,
                                     const std::vector<quality_subscale>& subscales);

/// The answers with each subscale's reverse-keyed items mapped x -> min + max - x (an item
/// reversed in any subscale is reversed; items outside every subscale are kept).
ATTUNE_EXPORT Eigen::MatrixXd reverse_key(const Eigen::MatrixXd& values, const quality_design& design);

/// An item pair (0-based columns) and its sample correlation.
struct ATTUNE_EXPORT item_pair {
  Eigen::Index first = 0;   ///< the later column (R's row index in the lower triangle)
  Eigen::Index second = 0;  ///< the earlier column
  double r = 0.0;
};
/// Item pairs with sample correlation (`cor(x, use = "pairwise")`) above `critical` (synonyms)
/// or, with `antonyms`, below `critical` (careless `get_item_pairs`, which uses |critval|).
/// Cost O(N k^2).
ATTUNE_EXPORT std::vector<item_pair> psych_pairs(const Eigen::MatrixXd& values, double critical,
                                                 bool antonyms);

/// The same pairs from accumulated moments (`quality_sample::moments`): equal to the above when
/// the moments were accumulated over `values`.
ATTUNE_EXPORT std::vector<item_pair> psych_pairs(const pairwise_moments& moments, double critical, bool antonyms);

/// psychsyn / psychant per respondent.
struct ATTUNE_EXPORT psychsyn_result {
  Eigen::VectorXd value;  ///< within-person r over the pairs; NaN with <= 2 pairs or zero variance
  Eigen::VectorXi pairs;  ///< pairs answered on both items (careless `diag`)
};
/// careless `psychsyn(x, resample_na = FALSE)`: Pearson r across the `pairs` of each row,
/// over the pairs answered on both items, when more than 2. careless's default
/// `resample_na = TRUE` reshuffles a zero-variance row at random; attune returns NaN instead.
ATTUNE_EXPORT psychsyn_result psychsyn(const Eigen::MatrixXd& values, const std::vector<item_pair>& pairs);

/// attune's keyed/reversed inconsistency per respondent, in [0, 1] (NaN when no subscale has an
/// answered keyed and an answered reversed item): per subscale, with p = (x - min) / (max - min)
/// on the raw answers, |mean p(keyed) + mean p(reversed) - 1|, averaged over subscales. 0 = the
/// reversed answers mirror the keyed ones; 1 = the respondent agrees (or disagrees) fully with
/// an item and with its reversal.
ATTUNE_EXPORT Eigen::VectorXd reversal(const Eigen::MatrixXd& values, const quality_design& design);

/// The data validation report.
struct ATTUNE_EXPORT validation_report {
  struct cell {
    Eigen::Index row = 0;
    Eigen::Index item = 0;
    double value = 0.0;
  };
  std::vector<cell> out_of_range;         ///< answers outside their item's range (or non-finite)
  Eigen::VectorXi missing_per_item;       ///< k counts
  Eigen::VectorXi missing_per_respondent; ///< N counts
  std::vector<std::vector<Eigen::Index>> duplicate_ids;  ///< rows sharing a non-empty id, per id
  std::vector<Eigen::Index> constant_rows;   ///< rows whose >= 2 answers are all identical
  std::vector<Eigen::Index> no_answer_rows;  ///< rows without any answer
  std::vector<Eigen::Index> below_min_answered;  ///< rows below the rule in at least one subscale
  std::vector<int> required;              ///< per subscale: answers needed, ceil(min_answered * k_s)
  std::size_t n_with_missing = 0;         ///< respondents with at least one missing answer
};
/// Checks the data: ranges, missing answers, duplicate ids (`row_ids` may be empty), constant
/// rows, the minimum-answered rule per subscale (all items as one subscale when there is none).
ATTUNE_EXPORT validation_report validate_data(const Eigen::MatrixXd& values,
                                              const std::vector<std::string>& row_ids,
                                              const quality_design& design,
                                              const quality_options& options = {});

/// Everything `assess_quality` computes.
struct ATTUNE_EXPORT quality_report {
  Eigen::VectorXd longstring;      ///< longest run
  Eigen::VectorXd longstring_avg;  ///< mean run length
  Eigen::VectorXd irv;             ///< SD over all answered items
  Eigen::MatrixXd irv_blocks;      ///< N x irv_blocks
  Eigen::VectorXd mahalanobis;     ///< D^2
  Eigen::VectorXi mahalanobis_df;  ///< items answered
  Eigen::VectorXd mahalanobis_p;   ///< chi-square(df) upper tail
  Eigen::VectorXd evenodd;         ///< careless sign (higher = careless)
  Eigen::VectorXi evenodd_subscales;
  Eigen::VectorXd psychsyn;
  Eigen::VectorXi psychsyn_pairs;
  Eigen::VectorXd psychant;
  Eigen::VectorXi psychant_pairs;
  Eigen::VectorXd reversal;
  std::vector<item_pair> synonyms;  ///< the synonym pairs found
  std::vector<item_pair> antonyms;  ///< the antonym pairs found
  std::vector<std::uint32_t> flags; ///< per respondent: bits of `quality_index`
  int longstring_cutoff = 0;        ///< the run length flagged
  Eigen::Index n_flagged = 0;       ///< respondents with at least one flag
  std::vector<Eigen::Index> flagged_by;  ///< per index (output order): respondents flagged
  validation_report validation;
  Eigen::Index n = 0;               ///< respondents with at least one answer
  std::vector<std::string> warnings;
};

/// All indices, their flags and the validation report. Answers outside their item's range are
/// reported and treated as missing by the indices (never silently: a warning says how many).
/// An index that cannot be computed on these data (no synonym pairs, fewer than 2 subscales,
/// a singular covariance) is NaN for everyone with a warning naming why; the others still run.
/// @throws attune::error (invalid_argument) for bad options or a design that does not fit.
ATTUNE_EXPORT quality_report assess_quality(const Eigen::MatrixXd& values, const quality_design& design,
                                            const quality_options& options = {},
                                            const std::vector<std::string>& row_ids = {});

/// `assess_quality` of some rows (a chunk of a file) against the statistics of the whole sample
/// (`sample`, accumulated over every row's `in_range_answers` in a first pass): the per-respondent
/// indices and flags of these rows, and the validation report and counts of these rows (row
/// indices 0-based in `values`; no duplicate-id check). With `sample` accumulated over `values`
/// alone, this is `assess_quality(values, design, options)`.
/// @throws as `assess_quality`.
ATTUNE_EXPORT quality_report assess_quality(const Eigen::MatrixXd& values, const quality_sample& sample,
                                            const quality_design& design, const quality_options& options = {});

ATTUNE_END_NAMESPACE
