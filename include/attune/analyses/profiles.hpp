/// @file profiles.hpp
/// Latent profile analysis: Gaussian mixtures with mclust's covariance models, fitted by EM from
/// a model-based hierarchical start and seeded random starts, with BIC, ICL, entropy and a
/// bootstrap likelihood-ratio test for the number of profiles, each respondent's posterior
/// probabilities, and a rule that names the profiles of the attachment plane.
///
/// **Model.** Respondent i (a row of an N x d matrix: the two attachment scores, any score
/// columns, or items) has density f(x_i) = sum_k pi_k phi(x_i; mu_k, Sigma_k), k = 1..K profiles.
/// The covariance matrices follow the eigenvalue decomposition Sigma_k = lambda_k D_k A_k D_k^T
/// (volume lambda_k, orientation D_k orthogonal, shape A_k diagonal with |A_k| = 1) of Banfield &
/// Raftery (1993) and Celeux & Govaert (1995, Pattern Recognition 28:781-793); each of the three
/// is Equal across profiles, Variable, or the Identity, which gives mclust's 14 names (Fraley &
/// Raftery 2002, JASA 97:611-631; Scrucca, Fop, Murphy & Raftery 2016, R Journal 8:289-317):
///
/// | model | Sigma_k              | covariance parameters (mclust's nVarParams) | tidyLPA |
/// |-------|----------------------|---------------------------------------------|---------|
/// | EII   | lambda I             | 1                                           |         |
/// | VII   | lambda_k I           | K                                           |         |
/// | EEI   | lambda A             | d                                           | model 1 |
/// | VEI   | lambda_k A           | K + d - 1                                   |         |
/// | EVI   | lambda A_k           | 1 + K (d - 1)                               |         |
/// | VVI   | lambda_k A_k         | K d                                         | model 2 |
/// | EEE   | lambda D A D^T       | d (d + 1) / 2                               | model 3 |
/// | VEE   | lambda_k D A D^T     | K + d (d + 1) / 2 - 1                       |         |
/// | EVE   | lambda D A_k D^T     | 1 + K (d - 1) + d (d - 1) / 2               |         |
/// | VVE   | lambda_k D A_k D^T   | K d + d (d - 1) / 2                         |         |
/// | EEV   | lambda D_k A D_k^T   | d + K d (d - 1) / 2                         |         |
/// | VEV   | lambda_k D_k A D_k^T | K + d - 1 + K d (d - 1) / 2                 |         |
/// | EVV   | lambda D_k A_k D_k^T | 1 + K (d (d + 1) / 2 - 1)                   |         |
/// | VVV   | Sigma_k              | K d (d + 1) / 2                             | model 6 |
///
/// df = (K - 1) + K d + covariance parameters (mclust's nMclustParams).
///
/// **Fit.** EM (Dempster, Laird & Rubin 1977) as mclust's `me*` routines run it: an M-step from
/// the start's memberships, then E- and M-steps until the relative change of the
/// log-likelihood |l_t - l_{t-1}| / (1 + |l_t|) is at most `mixture_options::tolerance`. The
/// M-steps are Celeux & Govaert's (1995): closed form for EII, VII, EEI, EVI, VVI, EEE, EEV,
/// EVV and VVV; alternating for VEI, VEE and VEV; the majorisation-minimisation algorithms of
/// Browne & McNicholas (2014, Adv Data Anal Classif 8:217-226) for the common orientation of
/// EVE and VVE. Each inner loop runs until its objective changes by at most sqrt(machine eps)
/// relative (mclust's `emControl()$tol[2]`), from the previous iteration's solution. With one
/// hierarchical start and mclust's tolerance 1e-5, attune reproduces mclust 6.0.0's
/// log-likelihoods to 1e-15 (closed-form M-steps) and 2e-8 (VEI, VEE, VEV, EVE) relative. VVE
/// differs on purpose: mclust's orientation step minimises sum_k tr(D A_k^-1 D^T W_k), leaving
/// out the volumes lambda_k, so its EM does not maximise the VVE likelihood; attune's step
/// minimises sum_k tr(D A_k^-1 D^T W_k) / lambda_k and reaches higher log-likelihoods.
///
/// **Starts.** Start 0 is mclust's default: model-based hierarchical agglomeration (Fraley 1998,
/// SIAM J Sci Comput 20:270-281; the unconstrained "VVV" criterion with mclust's regularisation
/// alpha = tr(W) / (n d), beta = 1) on the data standardised and rotated as mclust's
/// `hc(use = "SVD")` does, on all rows when N <= `hierarchical_subset` (2000, mclust's
/// `mclust.options("subset")`) and otherwise on a seeded random subset (then an M-step on the
/// subset and EM on all rows, as mclust). Starts 1, 2, ... are random: k-means++ seeds (Arthur &
/// Vassilvitskii 2007) on the standardised data, each respondent in the profile of the nearest
/// seed. Start s draws from its own random stream (`stream_seed(seed, s)`), so results never
/// depend on the thread count. The fit kept is the start with the highest log-likelihood;
/// `starts_at_best` counts the starts within `best_tolerance` (relative) of it: when only one
/// start reaches the best, the optimum is not replicated (Mplus's warning) and more starts are
/// advised.
///
/// **Degeneracy.** A profile whose expected size sum_i z_ik falls to sqrt(eps) or whose
/// covariance has an eigenvalue at or below `collapse_tolerance` times the largest eigenvalue of
/// the sample covariance (or that is not positive definite) has collapsed: the likelihood would
/// grow without bound. That start stops and is counted in `starts_collapsed`; it never supplies a
/// likelihood. When every start of a model and K collapses, the fit has no log-likelihood
/// (`loglik` empty) and a warning that says so. The optional conjugate prior (`mixture_prior`,
/// Fraley & Raftery 2007, J Classification 24:155-181; mclust's `priorControl()` defaults)
/// regularises the covariances so that they cannot collapse.
///
/// **Missing values.** Rows with a missing (NaN) value are left out of the fit (listwise); the
/// result counts them (`n_missing`) and its per-respondent outputs mark them. This is what mclust
/// does after `na.omit`; full-information estimation is not offered.
///
/// All functions are pure and thread-safe. Errors are `attune::error`. docs/profiles.md explains
/// the choices (BIC, ICL, entropy, BLRT) and why profiles are not attachment "types".
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attune/analyses/classify.hpp"
#include "attune/core/config.hpp"
#include "attune/core/progress.hpp"
#include "attune/keys/instrument.hpp"

ATTUNE_BEGIN_NAMESPACE

/// mclust's covariance models (see the file comment for Sigma_k and the parameter counts).
enum class covariance_model { EII, VII, EEI, VEI, EVI, VVI, EEE, VEE, EVE, VVE, EEV, VEV, EVV, VVV };

/// The 14 models in mclust's order (`mclust.options("emModelNames")`).
inline constexpr std::array<covariance_model, 14> all_covariance_models = {
    covariance_model::EII, covariance_model::VII, covariance_model::EEI, covariance_model::VEI,
    covariance_model::EVI, covariance_model::VVI, covariance_model::EEE, covariance_model::VEE,
    covariance_model::EVE, covariance_model::VVE, covariance_model::EEV, covariance_model::VEV,
    covariance_model::EVV, covariance_model::VVV};

/// tidyLPA's models 1, 2, 3 and 6 (the default of `mixture_options::models`).
inline constexpr std::array<covariance_model, 4> tidylpa_covariance_models = {
    covariance_model::EEI, covariance_model::VVI, covariance_model::EEE, covariance_model::VVV};

/// mclust's name: "EII", "VII", ..., "VVV".
ATTUNE_EXPORT std::string_view to_string(covariance_model m) noexcept;
/// Parses an mclust model name (case-insensitive: "vvv" too); nullopt when unknown.
ATTUNE_EXPORT std::optional<covariance_model> parse_covariance_model(std::string_view s) noexcept;

/// The number of free covariance parameters of `model` with `k` profiles in `d` dimensions
/// (mclust 6.0.0 `nVarParams`; the table in the file comment).
ATTUNE_EXPORT std::size_t covariance_parameter_count(covariance_model model, std::size_t d,
                                                     std::size_t k) noexcept;
/// The number of free parameters of the mixture, df = (k - 1) + k d + covariance parameters
/// (mclust 6.0.0 `nMclustParams` with unequal proportions, no noise component).
ATTUNE_EXPORT std::size_t mixture_parameter_count(covariance_model model, std::size_t d,
                                                  std::size_t k) noexcept;

/// Which start a fit came from.
enum class mixture_start { hierarchical, random, given };
/// "hierarchical", "random", "given".
ATTUNE_EXPORT std::string_view to_string(mixture_start s) noexcept;
/// Parses a start name (case-insensitive); nullopt when unknown.
ATTUNE_EXPORT std::optional<mixture_start> parse_mixture_start(std::string_view s) noexcept;

/// Where the cuts that name profiles lie.
enum class label_reference {
  midpoint,     ///< the midpoint of the response range (e.g. 4 on 1-7)
  sample_mean,  ///< the sample mean of each score over the respondents fitted
};
/// "midpoint", "sample_mean".
ATTUNE_EXPORT std::string_view to_string(label_reference r) noexcept;
/// Parses a reference name (case-insensitive; also "sample-mean", "mean"); nullopt when unknown.
ATTUNE_EXPORT std::optional<label_reference> parse_label_reference(std::string_view s) noexcept;

/// How profiles are named on the attachment plane (`label_profiles`).
struct ATTUNE_EXPORT profile_label_options {
  std::size_t anxiety_column = 0;    ///< the data column (0-based) that holds anxiety
  std::size_t avoidance_column = 1;  ///< the data column that holds avoidance
  label_reference reference = label_reference::midpoint;
  /// The response range of the scores: required for `midpoint` (cut = its midpoint).
  std::optional<response_range> range;
  /// @throws attune::error (invalid_argument) for equal columns, a missing or empty range.
  void validate() const;
};

/// The attachment names of a fit's profiles.
///
/// Rule: profile k's mean anxiety and mean avoidance are compared with the cuts (`reference`):
/// above a cut is high; the quadrant style follows `quadrant_style(high_anxiety,
/// high_avoidance)` (low/low secure, high/low preoccupied, low/high dismissing, high/high
/// fearful). A mean exactly on a cut is a tie (quadrant `unclassified`). The profiles are
/// labelled only when there are exactly four, no mean is on a cut, and the four lie in four
/// different quadrants; otherwise `labelled` is false, every style is `unclassified` and
/// `reason` says why. The quadrants are given either way.
struct ATTUNE_EXPORT profile_labels {
  label_reference reference = label_reference::midpoint;
  double anxiety_cut = 0.0;
  double avoidance_cut = 0.0;
  std::vector<attachment_style> quadrant;  ///< per profile: where its mean lies
  bool labelled = false;
  std::vector<attachment_style> styles;    ///< per profile: the name, or unclassified when not labelled
  std::optional<std::string> reason;       ///< why the profiles are unlabelled
};

/// Names profiles by their means (rows = profiles, columns = the data's columns) with the cuts
/// `anxiety_cut` and `avoidance_cut` (see `profile_labels` for the rule).
/// @throws attune::error (invalid_argument) for a column outside `means` or non-finite cuts.
ATTUNE_EXPORT profile_labels label_profiles(const Eigen::Ref<const Eigen::MatrixXd>& means,
                                            const profile_label_options& options,
                                            double anxiety_cut, double avoidance_cut);

/// The conjugate prior of Fraley & Raftery (2007, J Classification 24:155-181) on the means and
/// covariances, with mclust 6.0.0's `priorControl()` / `defaultPrior` hyperparameters: normal
/// prior on mu_k given Sigma_k with mean `mean` and precision `shrinkage` (kappa_P), inverse
/// Wishart (inverse gamma for spherical and diagonal models) on the covariances with `dof`
/// (nu_P) and `scale` (Lambda_P). The M-step then gives the posterior mode (mclust's formulas):
///   mu_k    = (n_k xbar_k + kappa mu_P) / (n_k + kappa),  c_k = kappa n_k / (n_k + kappa),
///   VVV     Sigma_k = (Lambda_P + W_k + c_k d_k d_k^T) / (nu_P + n_k + d + 2),
///   EEE     Sigma   = (Lambda_P + sum_k [W_k + c_k d_k d_k^T]) / (nu_P + n + d + 1 + K),
///   VVI     Sigma_k,jj = (s_P + W_k,jj + c_k d_kj^2) / (nu_P + n_k + 3),
///   EEI     Sigma_jj   = (s_P + sum_k [W_k,jj + c_k d_kj^2]) / (nu_P + n + 2),
///   VII     sigma_k^2  = (s_P + tr W_k + c_k |d_k|^2) / (nu_P + n_k d + d + 2),
///   EII     sigma^2    = (s_P + sum_k [tr W_k + c_k |d_k|^2]) / (nu_P + (n + K) d + 2)
/// with d_k = xbar_k - mu_P, W_k the weighted scatter about xbar_k and n_k = sum_i z_ik
/// (for kappa = 0 the "+ K", "+ 1" and "+ d" terms drop, as in mclust). Where mclust 6.0.0
/// departs from the posterior mode, attune keeps to it: mclust leaves s_P out of its EII M-step,
/// does not shrink the EEI means towards mu_P, and divides the EEI covariance for K = 1 by
/// nu_P + n + 3 (its other K: nu_P + n + 2). VII, VVI, EEE and VVV equal mclust's to 1e-6. The log-likelihood, BIC and the other
/// criteria are those of the posterior-mode estimates (as mclust reports them). The other eight
/// models have no prior here (mclust has none for EVE, VEE, VVE, EVV either): asking for one is
/// an error.
struct ATTUNE_EXPORT mixture_prior {
  double shrinkage = 0.01;              ///< kappa_P (mclust's default 0.01); 0 = no prior on the means
  std::optional<Eigen::VectorXd> mean;  ///< mu_P; default: the column means of the data fitted
  std::optional<double> dof;            ///< nu_P; default: d + 2
  /// Lambda_P: d x d for EEE and VVV, its mean diagonal s_P for the other models. Default
  /// (mclust): K^(-2/d) S for EEE and VVV, K^(-2/d) tr(S) / d otherwise, S the sample covariance
  /// (n - 1 denominator) of the data fitted.
  std::optional<Eigen::MatrixXd> scale;
};

/// Options of `fit_profiles`.
struct ATTUNE_EXPORT mixture_options {
  static constexpr std::size_t max_k = 20;                ///< the largest number of profiles
  static constexpr std::size_t max_starts = 1000;         ///< the largest `starts`
  static constexpr std::size_t max_bootstrap = 10000;     ///< the largest `bootstrap_lrt`
  static constexpr std::size_t max_hierarchical_subset = 10000;  ///< O(m^2) memory: m = 10000 is 400 MB

  /// The covariance models to fit (no duplicates). Default: tidyLPA's models 1, 2, 3, 6.
  std::vector<covariance_model> models{tidylpa_covariance_models.begin(), tidylpa_covariance_models.end()};
  std::size_t k_min = 1;  ///< fewest profiles (>= 1)
  std::size_t k_max = 6;  ///< most profiles (k_min..max_k)
  /// Starts per model and K (1..max_starts): start 0 is the hierarchical one when
  /// `hierarchical_start`, the others random. K = 1 has one start (all starts coincide).
  std::size_t starts = 10;
  bool hierarchical_start = true;
  /// The hierarchical start uses all rows when N <= this, else a seeded random subset of this
  /// many rows (mclust's `mclust.options("subset")` = 2000); 2..max_hierarchical_subset.
  std::size_t hierarchical_subset = 2000;
  std::uint64_t seed = 20240614;  ///< seed of the random starts, the subset and the bootstrap
  /// EM stops when |l_t - l_{t-1}| / (1 + |l_t|) <= tolerance (mclust's criterion; its default
  /// 1e-5 often stops about 1e-4 relative short of the maximum, so attune's default is tighter).
  double tolerance = 1e-8;
  std::size_t max_iterations = 10000;  ///< EM iterations per start (>= 1; not converged after them)
  /// A start has reached the best log-likelihood l* when l* - l_s <= best_tolerance * max(1, |l*|).
  double best_tolerance = 1e-6;
  /// A profile has collapsed when an eigenvalue of its covariance is <= collapse_tolerance times
  /// the largest eigenvalue of the sample covariance ([0, 1e-2]).
  double collapse_tolerance = 1e-10;
  /// The conjugate prior (regularisation); none by default, as in mclust.
  std::optional<mixture_prior> prior;
  /// Bootstrap likelihood-ratio test of K against K - 1 (McLachlan 1987): replicates
  /// (0 = no test; at most max_bootstrap).
  std::size_t bootstrap_lrt = 0;
  /// The model tested; default: the best model.
  std::optional<covariance_model> bootstrap_model;
  /// Random starts added to the start at the estimates when a replicate is fitted with K
  /// profiles (0..max_starts; mclust uses none, Mplus several).
  std::size_t bootstrap_random_starts = 2;
  /// When set, every fit's profiles are named on the attachment plane (`profile_labels`).
  std::optional<profile_label_options> labels;
  int threads = 0;  ///< 0 = all cores; results never depend on it
  /// Reports ("profiles": one unit per start of every model and K; "bootstrap_lrt": replicates)
  /// and cancel flag, read every EM iteration (core/progress.hpp).
  progress_options progress;

  /// @throws attune::error (invalid_argument) naming the field, its value and the rule.
  void validate() const;
};

/// The fit of one model with K profiles (the best of its starts).
///
/// Criteria (n = respondents fitted, l = log-likelihood, df = `mixture_parameter_count`):
/// - `bic`     = 2 l - df log n (mclust's convention: higher is better; Schwarz 1978),
/// - `bic_min` = -2 l + df log n (Mplus's and tidyLPA's: lower is better),
/// - `aic`     = -2 l + 2 df (Akaike 1974; lower is better),
/// - `icl`     = bic + 2 sum_i log z_i,c(i), c(i) the modal profile (mclust's `icl`; Biernacki,
///               Celeux & Govaert 2000; higher is better),
/// - `entropy` = 1 - sum_i sum_k (-z_ik log z_ik) / (n log K) (relative entropy, Ramaswamy et al.
///               1993, as Mplus and tidyLPA print it; 1 = perfectly separated; empty for K = 1).
/// Every criterion is empty when no start gave a fit (all collapsed, or too few distinct rows).
struct ATTUNE_EXPORT mixture_fit {
  covariance_model model = covariance_model::VVV;
  std::size_t k = 1;
  std::size_t df = 0;
  std::optional<double> loglik;
  std::optional<double> bic;
  std::optional<double> bic_min;
  std::optional<double> aic;
  std::optional<double> icl;
  std::optional<double> entropy;
  std::vector<double> proportions;       ///< mixing proportions pi_k
  std::vector<std::size_t> sizes;        ///< respondents whose modal profile is k
  std::optional<std::size_t> smallest;   ///< the smallest of `sizes`
  Eigen::MatrixXd means;                 ///< K x d: profile k's means in row k
  std::vector<Eigen::MatrixXd> covariances;  ///< K matrices, d x d
  bool converged = false;                ///< the best start met `tolerance` within `max_iterations`
  std::size_t iterations = 0;            ///< EM iterations of the best start
  std::size_t starts = 0;                ///< starts run
  std::size_t starts_at_best = 0;        ///< starts within `best_tolerance` of the best log-likelihood
  std::size_t starts_collapsed = 0;      ///< starts stopped because a profile collapsed
  std::optional<std::size_t> best_start;       ///< the start kept (0-based)
  std::optional<mixture_start> best_start_kind;
  std::optional<profile_labels> labels;  ///< when `mixture_options::labels` is set
  std::vector<std::string> warnings;
};

/// Which fit is best, and by which rule.
struct ATTUNE_EXPORT mixture_choice {
  covariance_model model = covariance_model::VVV;
  std::size_t k = 1;
  std::size_t fit = 0;  ///< index into `mixture_result::fits`
  /// "highest bic" (mclust's rule: the largest 2 l - df log n over all models and K fitted;
  /// ties go to the earlier fit, i.e. fewer profiles, then the model order given).
  std::string rule;
};

/// Per-respondent posterior probabilities under one fit.
struct ATTUNE_EXPORT profile_membership {
  /// N x K: z_ik = pi_k phi_k(x_i) / sum_j pi_j phi_j(x_i); input rows in order, NaN rows for
  /// respondents left out (a missing value).
  Eigen::MatrixXd posterior;
  /// The modal profile, 1..K (first on ties); empty for respondents left out.
  std::vector<std::optional<int>> profile;
  /// Classification uncertainty 1 - max_k z_ik (mclust's `uncertainty`); NaN when left out.
  Eigen::VectorXd uncertainty;
  /// K x K: row j = the mean posterior probabilities of the respondents whose modal profile is j
  /// (Mplus's "average latent class probabilities for most likely latent class membership"; the
  /// diagonal near 1 means well separated profiles). NaN rows for empty modal profiles.
  Eigen::MatrixXd average_posterior;
  std::size_t n = 0;  ///< respondents classified
};

/// A bootstrap likelihood-ratio test of K profiles against K - 1 (McLachlan 1987, Applied
/// Statistics 36:318-324; mclust's `mclustBootstrapLRT`): statistic = 2 (l_K - l_{K-1});
/// each replicate draws n respondents from the fitted K - 1 profile mixture, fits K - 1 profiles
/// from those estimates and K profiles from the K-profile estimates (plus
/// `bootstrap_random_starts` random starts), p = (1 + #{replicate >= statistic}) / (B + 1).
/// A replicate whose fits collapse is drawn again (at most B more draws), counted in `redrawn`.
struct ATTUNE_EXPORT bootstrap_lrt_test {
  covariance_model model = covariance_model::VVV;
  std::size_t k = 2;              ///< K (against K - 1)
  double statistic = 0.0;
  std::size_t replicates = 0;     ///< replicates used (B)
  std::size_t redrawn = 0;
  double p_value = 1.0;
  std::vector<double> bootstrap;  ///< the replicates' statistics, in replicate order
  std::vector<std::string> warnings;
};

/// The result of `fit_profiles`.
struct ATTUNE_EXPORT mixture_result {
  std::size_t n = 0;          ///< respondents fitted (rows without a missing value)
  std::size_t n_rows = 0;     ///< input rows
  std::size_t n_missing = 0;  ///< rows left out because a value is missing
  std::size_t d = 0;          ///< columns
  std::size_t n_distinct = 0; ///< distinct rows among those fitted
  std::vector<mixture_fit> fits;  ///< per model (options order), then K = k_min..k_max
  std::optional<mixture_choice> best;       ///< empty when no fit succeeded
  std::optional<profile_membership> membership;  ///< of the best fit
  std::vector<bootstrap_lrt_test> bootstrap_lrt;  ///< K = k_min + 1..k_max of the tested model
  std::vector<std::string> warnings;
};

/// Fits every model in `options.models` with K = k_min..k_max profiles to the rows of `data`
/// (N x d, rows = respondents, NaN = missing: such rows are left out and counted).
/// Cost: the hierarchical start O(m^2 d^3) time and O(m^2) memory (m = min(N, hierarchical_subset));
/// each EM iteration O(N K d^2) (VEI, VEE, VEV, EVE, VVE: plus inner iterations of O(K d^3));
/// starts, models and K run in parallel.
/// @throws attune::error (invalid_argument) for bad options, a prior for a model without one,
///         a prior of the wrong size; (bad_input) for an infinite value (naming row and column);
///         (insufficient_data) for fewer than 2 complete rows or fewer than k_min distinct rows.
ATTUNE_EXPORT mixture_result fit_profiles(const Eigen::Ref<const Eigen::MatrixXd>& data,
                                          const mixture_options& options = {});

/// The posterior probabilities of the rows of `data` under a fit (its proportions, means and
/// covariances), e.g. for a fit other than the best, or for new respondents. Cost O(N K d^2).
/// @throws attune::error (invalid_argument) when the fit has no estimates or the columns differ.
ATTUNE_EXPORT profile_membership classify_profiles(const Eigen::Ref<const Eigen::MatrixXd>& data,
                                                   const mixture_fit& fit);

/// The hierarchical start on its own: mclust's model-based agglomeration (`hc(data, modelName =
/// "VVV", use = "SVD")`, see the file comment) of the complete rows of `data`, cut into k = 2..k_max
/// clusters as mclust's `hclass`: element k - 2 holds one label 1..k per complete row (rows with a
/// missing value are skipped), clusters numbered in the order of their first row. Ties between
/// equal merge costs resolve as in mclust's Fortran (the last pair in its order of cluster
/// slots): agglomeration is chaotic on data with many equal distances (the ECR scores' grid of
/// 1/18ths; reversing the rows changes mclust's own partitions), and this keeps attune's equal
/// to mclust's there too.
/// Cost O(m^2 d^3) time, O(m^2) memory for m complete rows (at most
/// `mixture_options::max_hierarchical_subset`).
/// @throws attune::error (invalid_argument) for k_max < 2 or too many rows; (insufficient_data)
///         for fewer than k_max complete rows.
ATTUNE_EXPORT std::vector<std::vector<int>> model_based_partitions(const Eigen::Ref<const Eigen::MatrixXd>& data,
                                                                   std::size_t k_max, int threads = 0);

ATTUNE_END_NAMESPACE
