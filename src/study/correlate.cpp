#include "attune/study/correlate.hpp"

#include "attune/analyses/scoring.hpp"

ATTUNE_BEGIN_NAMESPACE

void correlate_study_options::validate() const {
  input.scoring.validate();
  correlation.validate();
}

correlate_study study_correlate(const instrument* given, responses data, const correlate_study_options& options) {
  options.validate();
  const instrument custom = given == nullptr ? columns_as_scale(data, options.input) : instrument{};
  const instrument& inst = given != nullptr ? *given : custom;
  correlate_study out;
  if (given != nullptr) out.instrument = inst.id;
  out.items = data.columns;
  out.n_rows = static_cast<std::size_t>(data.n_rows());
  out.n_out_of_range = apply_range_rule(inst, data, options.input.scoring);
  if (out.n_out_of_range > 0) {
    out.warnings.push_back(std::to_string(out.n_out_of_range) +
                           " answer(s) outside the response range were treated as missing");
  }
  check_answers(inst, data, options.input, out.warnings);
  out.correlation = correlate(data.values, options.correlation);
  return out;
}

correlate_study study_correlate(const instrument* inst, const std::string& path, const correlate_study_options& options) {
  return study_correlate(inst, read_study_data(path, inst, options.input), options);
}

ATTUNE_END_NAMESPACE
