#include "results/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "results/format.h"
#include "results/statistics.h"

namespace ipclab::results {
namespace {

constexpr int kMostRepetitionsWorthSuggesting = 1000;

// A case of one side with where it came from.
struct SideCase {
  const v1::CaseResult* result;
  const v1::RunResult* run;
};

std::string StatusText(const v1::CaseResult& result) {
  switch (result.status()) {
    case v1::SUCCEEDED:
      return "ok";
    case v1::FAILED:
      return "FAILED";
    case v1::CANCELLED:
      return "CANCELLED";
    default:
      return "-";
  }
}

// Names of the parameters whose values differ between the cases of `run`,
// plus the names it sweeps.
void AddVaryingParams(const v1::RunResult& run, std::set<std::string>* names) {
  for (const v1::Sweep& sweep : run.request().sweeps()) {
    if (sweep.values_size() > 1) names->insert(sweep.name());
  }
  std::map<std::string, std::string> first;
  for (const v1::CaseResult& result : run.cases()) {
    for (const auto& [name, value] : result.case_().params()) {
      auto [it, inserted] = first.emplace(name, value);
      if (!inserted && it->second != value) names->insert(name);
    }
  }
  // A parameter some cases lack varies too.
  for (const v1::CaseResult& result : run.cases()) {
    for (const auto& [name, value] : first) {
      if (result.case_().params().count(name) == 0) names->insert(name);
    }
  }
}

std::string CaseKey(const v1::CaseResult& result, const std::string& workload,
                    const std::set<std::string>& varying, bool with_workload) {
  std::vector<std::string> parts;
  for (const std::string& name : varying) {  // std::set: sorted
    auto it = result.case_().params().find(name);
    parts.push_back(absl::StrCat(name, "=", it == result.case_().params().end() ? "" : it->second));
  }
  const std::string key = absl::StrJoin(parts, ",");
  return with_workload ? absl::StrCat(workload, "/", key) : key;
}

std::string DisplayName(const SideCase& side, const std::string& key, bool with_workload) {
  const std::string& name = side.result->case_().name();
  const std::string shown = name.empty() ? (key.empty() ? "(single case)" : key) : name;
  return with_workload ? absl::StrCat(side.run->workload(), " ", shown) : shown;
}

RunSummary Summarize(const v1::RunResult& run) {
  RunSummary summary;
  summary.run_id = run.run_id();
  summary.workload = run.workload();
  summary.label = run.request().label();
  if (run.has_started_at()) {
    summary.started_at = google::protobuf::util::TimeUtil::ToString(run.started_at());
  }
  summary.hostname = run.host().hostname();
  summary.kernel_release = run.host().kernel_release();
  return summary;
}

// "kernel: 6.1.0 (base) vs 6.5.0 (candidate)" when the sets of values differ.
void WarnIfDiffers(const std::string& what, const std::set<std::string>& base,
                   const std::set<std::string>& candidate, std::vector<std::string>* warnings) {
  if (base == candidate) return;
  auto text = [](const std::set<std::string>& values) {
    std::vector<std::string> shown;
    for (const std::string& value : values) shown.push_back(value.empty() ? "(unknown)" : value);
    return absl::StrJoin(shown, ", ");
  };
  warnings->push_back(
      absl::StrCat(what, " differs: ", text(base), " (base) vs ", text(candidate), " (candidate)"));
}

void FingerprintWarnings(const std::vector<v1::RunResult>& base,
                         const std::vector<v1::RunResult>& candidate,
                         std::vector<std::string>* warnings) {
  struct Field {
    const char* what;
    std::string (*value)(const v1::RunResult&);
  };
  static constexpr Field kFields[] = {
      {"workload", [](const v1::RunResult& r) { return r.workload(); }},
      {"host", [](const v1::RunResult& r) { return r.host().hostname(); }},
      {"kernel", [](const v1::RunResult& r) { return r.host().kernel_release(); }},
      {"THP mode",
       [](const v1::RunResult& r) {
         return absl::StrCat("enabled=", r.host().thp_enabled(), " defrag=", r.host().thp_defrag());
       }},
      {"CPU model", [](const v1::RunResult& r) { return r.host().cpu_model(); }},
      {"CPU count", [](const v1::RunResult& r) { return absl::StrCat(r.host().cpu_count()); }},
  };
  for (const Field& field : kFields) {
    std::set<std::string> base_values;
    std::set<std::string> candidate_values;
    for (const v1::RunResult& run : base) base_values.insert(field.value(run));
    for (const v1::RunResult& run : candidate) candidate_values.insert(field.value(run));
    WarnIfDiffers(field.what, base_values, candidate_values, warnings);
  }
}

// Parameters that differ between matched cases, one warning per parameter.
void ParameterWarnings(const std::vector<std::pair<SideCase, SideCase>>& matched,
                       std::vector<std::string>* warnings) {
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> differing;
  for (const auto& [base, candidate] : matched) {
    const auto& base_params = base.result->case_().params();
    const auto& candidate_params = candidate.result->case_().params();
    std::set<std::string> names;
    for (const auto& [name, value] : base_params) names.insert(name);
    for (const auto& [name, value] : candidate_params) names.insert(name);
    for (const std::string& name : names) {
      auto b = base_params.find(name);
      auto c = candidate_params.find(name);
      const std::string base_value = b == base_params.end() ? "(none)" : b->second;
      const std::string candidate_value = c == candidate_params.end() ? "(none)" : c->second;
      if (base_value == candidate_value) continue;
      differing[name].first.insert(base_value);
      differing[name].second.insert(candidate_value);
    }
  }
  for (const auto& [name, values] : differing) {
    WarnIfDiffers(absl::StrCat("parameter ", name), values.first, values.second, warnings);
  }
}

// About how many repetitions per side would shrink the CI enough to decide.
int RepetitionsToDecide(const MetricComparison& c, int minimum) {
  const double half_width = (c.difference_ci.upper - c.difference_ci.lower) / 2.0;
  const double distance = std::fabs(c.difference);
  // Beyond the band: the CI must exclude 0; within: it must fit in the band.
  const double margin = distance > c.band ? distance : c.band - distance;
  const int current = static_cast<int>(std::max(c.base.n, c.candidate.n));
  if (!(margin > 0.0) || !(half_width > 0.0)) return 0;
  const double scale = half_width / margin;
  const double needed = std::ceil(static_cast<double>(current) * scale * scale);
  if (needed > kMostRepetitionsWorthSuggesting) return 0;
  return std::max({static_cast<int>(needed), current + 1, minimum});
}

}  // namespace

const char* ChangeVerdictName(ChangeVerdict verdict) {
  switch (verdict) {
    case ChangeVerdict::kBetter:
      return "better";
    case ChangeVerdict::kWorse:
      return "worse";
    case ChangeVerdict::kSame:
      return "same";
    case ChangeVerdict::kNoisy:
      return "noisy";
    case ChangeVerdict::kUnavailable:
      break;
  }
  return "n/a";
}

MetricComparison CompareSamples(const CaseMetric& metric, const std::vector<double>& base,
                                const std::vector<double>& candidate,
                                const CompareOptions& options) {
  MetricComparison c;
  c.metric = &metric;
  c.base = {static_cast<uint32_t>(base.size()), Median(base), CoefficientOfVariation(base)};
  c.candidate = {static_cast<uint32_t>(candidate.size()), Median(candidate),
                 CoefficientOfVariation(candidate)};
  if (base.empty() || candidate.empty()) {
    c.reason = base.empty() ? "not measured in the base" : "not measured in the candidate";
    return c;
  }
  c.difference = c.candidate.median - c.base.median;
  c.difference_ci = BootstrapMedianDifference(base, candidate, options.bootstrap);
  if (c.base.median != 0.0) {
    const double scale = std::fabs(c.base.median);
    c.change = c.difference / scale;
    c.change_ci = Interval{c.difference_ci.lower / scale, c.difference_ci.upper / scale};
  }
  c.band = std::max(options.threshold * std::fabs(c.base.median), metric.negligible);
  c.test = MannWhitneyU(base, candidate);
  c.significant = c.test.p_value < options.alpha &&
                  (c.difference_ci.lower > 0.0 || c.difference_ci.upper < 0.0);
  c.enough_repetitions =
      SmallestPossiblePValue(static_cast<int>(base.size()), static_cast<int>(candidate.size())) <
      options.alpha;

  const bool higher_is_better = metric.direction == Direction::kHigherIsBetter;
  if (c.significant && std::fabs(c.difference) > c.band) {
    c.verdict = (c.difference > 0) == higher_is_better ? ChangeVerdict::kBetter
                                                       : ChangeVerdict::kWorse;
    return c;
  }
  const bool within_band = c.difference_ci.lower >= -c.band && c.difference_ci.upper <= c.band;
  if (within_band && c.enough_repetitions) {
    c.verdict = ChangeVerdict::kSame;
    return c;
  }
  c.verdict = ChangeVerdict::kNoisy;
  const int minimum = MinimumRepetitionsPerSide(options.alpha);
  if (!c.enough_repetitions) {
    c.repetitions_needed = minimum;
    c.reason = absl::StrCat("too few repetitions (", c.base.n, " and ", c.candidate.n,
                            ") for the test to reach p < ", options.alpha, "; needs at least ",
                            minimum, " per side");
    return c;
  }
  c.repetitions_needed = RepetitionsToDecide(c, minimum);
  c.reason = absl::StrCat("variation too high to decide (cv ", FormatPercent(c.base.cv), " and ",
                          FormatPercent(c.candidate.cv), ")");
  if (c.repetitions_needed > 0) {
    absl::StrAppend(&c.reason, "; about ", c.repetitions_needed,
                    " repetitions per side would decide");
  } else {
    absl::StrAppend(&c.reason, "; more repetitions alone are unlikely to decide");
  }
  return c;
}

Comparison CompareRuns(const std::vector<v1::RunResult>& base,
                       const std::vector<v1::RunResult>& candidate, const CompareOptions& options) {
  Comparison comparison;
  comparison.options = options;
  for (const v1::RunResult& run : base) comparison.base_runs.push_back(Summarize(run));
  for (const v1::RunResult& run : candidate) comparison.candidate_runs.push_back(Summarize(run));
  FingerprintWarnings(base, candidate, &comparison.warnings);

  std::set<std::string> varying;
  for (const v1::RunResult& run : base) AddVaryingParams(run, &varying);
  for (const v1::RunResult& run : candidate) AddVaryingParams(run, &varying);
  const bool with_workload = base.size() > 1 || candidate.size() > 1;

  std::vector<std::pair<std::string, SideCase>> base_cases;
  std::map<std::string, SideCase> candidate_by_key;
  std::vector<std::pair<std::string, SideCase>> candidate_cases;
  for (const v1::RunResult& run : base) {
    for (const v1::CaseResult& result : run.cases()) {
      base_cases.emplace_back(CaseKey(result, run.workload(), varying, with_workload),
                              SideCase{&result, &run});
    }
  }
  for (const v1::RunResult& run : candidate) {
    for (const v1::CaseResult& result : run.cases()) {
      const std::string key = CaseKey(result, run.workload(), varying, with_workload);
      candidate_cases.emplace_back(key, SideCase{&result, &run});
      candidate_by_key.emplace(key, SideCase{&result, &run});
    }
  }

  std::vector<const CaseMetric*> metrics = options.metrics;
  if (metrics.empty()) {
    for (const CaseMetric& metric : CaseMetrics()) metrics.push_back(&metric);
  }
  std::vector<std::pair<SideCase, SideCase>> matched;
  std::set<std::string> matched_keys;
  for (const auto& [key, base_case] : base_cases) {
    auto it = candidate_by_key.find(key);
    if (it == candidate_by_key.end() || !matched_keys.insert(key).second) {
      comparison.only_in_base.push_back(DisplayName(base_case, key, with_workload));
      continue;
    }
    const SideCase& candidate_case = it->second;
    matched.emplace_back(base_case, candidate_case);
    CaseComparison case_comparison;
    case_comparison.name = DisplayName(base_case, key, with_workload);
    case_comparison.key = key;
    case_comparison.workload = base_case.run->workload();
    case_comparison.base_status = StatusText(*base_case.result);
    case_comparison.candidate_status = StatusText(*candidate_case.result);
    case_comparison.base_error = base_case.result->error();
    case_comparison.candidate_error = candidate_case.result->error();
    for (const CaseMetric* metric : metrics) {
      const std::vector<double> base_samples =
          MetricSamples(*base_case.result, *metric, base_case.run->host().page_size_bytes());
      const std::vector<double> candidate_samples = MetricSamples(
          *candidate_case.result, *metric, candidate_case.run->host().page_size_bytes());
      if (base_samples.empty() && candidate_samples.empty()) continue;
      case_comparison.metrics.push_back(
          CompareSamples(*metric, base_samples, candidate_samples, options));
    }
    comparison.cases.push_back(std::move(case_comparison));
  }
  for (const auto& [key, candidate_case] : candidate_cases) {
    if (matched_keys.count(key) == 0) {
      comparison.only_in_candidate.push_back(DisplayName(candidate_case, key, with_workload));
    }
  }
  ParameterWarnings(matched, &comparison.warnings);
  return comparison;
}

}  // namespace ipclab::results
