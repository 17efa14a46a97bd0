#include "results/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "results/format/format.h"
#include "results/model/case_view.h"
#include "results/model/noise.h"
#include "results/stats/false_discovery.h"
#include "results/stats/noise.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

constexpr int kMostRepetitionsWorthSuggesting = 1000;

// A case of one side with where it came from.
struct SideCase {
  const v1::CaseResult* result;
  const v1::RunResult* run;
};

// Adds the names of the parameters whose values differ between cases of one
// workload on one side (and the names a run sweeps): what tells cases apart.
void AddVaryingParams(const std::vector<v1::RunResult>& runs, std::set<std::string>* names) {
  std::map<std::string, std::vector<const v1::CaseResult*>> by_workload;
  for (const v1::RunResult& run : runs) {
    for (const v1::Sweep& sweep : run.request().sweeps()) {
      if (sweep.values_size() > 1) names->insert(sweep.name());
    }
    for (const v1::CaseResult& result : run.cases()) by_workload[run.workload()].push_back(&result);
  }
  for (const auto& [workload, cases] : by_workload) {
    std::map<std::string, std::string> first;
    for (const v1::CaseResult* result : cases) {
      for (const auto& [name, value] : result->case_().params()) {
        auto [it, inserted] = first.emplace(name, value);
        if (!inserted && it->second != value) names->insert(name);
      }
    }
    // A parameter some cases lack varies too.
    for (const v1::CaseResult* result : cases) {
      for (const auto& [name, value] : first) {
        if (result->case_().params().count(name) == 0) names->insert(name);
      }
    }
  }
}

std::string CaseKey(const v1::CaseResult& result, const v1::RunResult& run,
                    const std::set<std::string>& varying, bool with_workload, bool by_host) {
  const std::string& workload = run.workload();
  std::vector<std::string> parts;
  for (const std::string& name : varying) {  // std::set: sorted
    auto it = result.case_().params().find(name);
    parts.push_back(absl::StrCat(name, "=", it == result.case_().params().end() ? "" : it->second));
  }
  std::string key = absl::StrJoin(parts, ",");
  if (with_workload) key = absl::StrCat(workload, "/", key);
  if (by_host) key = absl::StrCat(run.host().hostname(), ":", key);
  return key;
}

// The case's name, else its matching parameters; with the workload in front
// when sides hold several runs.
std::string DisplayName(const SideCase& side, const std::set<std::string>& varying,
                        bool with_workload) {
  std::string shown = side.result->case_().name();
  if (shown.empty()) shown = CaseKey(*side.result, *side.run, varying, false, false);
  if (shown.empty()) shown = "(single case)";
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
      // Different workloads have different parameters: only shared ones count.
      const bool one_sided = b == base_params.end() || c == candidate_params.end();
      if (one_sided && base.run->workload() != candidate.run->workload()) continue;
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
  // Beyond the band: the CI must clear the band; within: it must fit in it.
  const double margin = distance > c.band ? distance - c.band : c.band - distance;
  const int current = static_cast<int>(std::max(c.base.n, c.candidate.n));
  if (!(margin > 0.0) || !(half_width > 0.0)) return 0;
  const double scale = half_width / margin;
  const double needed = std::ceil(static_cast<double>(current) * scale * scale);
  if (needed > kMostRepetitionsWorthSuggesting) return 0;
  return std::max({static_cast<int>(needed), current + 1, minimum});
}

// One case as a side holds it: the same case from one run or, pooled, from
// several runs of one configuration (their repetitions together).
struct PooledCase {
  std::vector<SideCase> parts;

  // One vector of samples per pooled run.
  std::vector<std::vector<double>> SamplesPerRun(const CaseMetric& metric) const {
    std::vector<std::vector<double>> samples;
    for (const SideCase& part : parts) {
      std::vector<double> more =
          MetricSamples(*part.result, metric, part.run->host().page_size_bytes());
      if (!more.empty()) samples.push_back(std::move(more));
    }
    return samples;
  }

  // Repetitions the timing harness marked as disturbed (its
  // RepetitionResult.interference, or an older note "disturbed": "true").
  uint32_t Disturbed() const {
    uint32_t count = 0;
    for (const SideCase& part : parts) {
      for (const v1::RepetitionResult& repetition : part.result->repetitions()) {
        auto it = repetition.notes().find("disturbed");
        if ((it != repetition.notes().end() && it->second == "true") ||
            (!repetition.warmup() && repetition.interference().disturbed())) {
          ++count;
        }
      }
    }
    return count;
  }

  // "ok" when every part succeeded, else the first failure and its error.
  // (disturbed share over all parts, noise text of the parts that have one)
  std::pair<double, std::string> Noise() const {
    double disturbed = 0.0;
    double measured = 0.0;
    std::vector<std::string> lines;
    for (const SideCase& part : parts) {
      const double share = DisturbedShare(*part.result);
      const double n = static_cast<double>(part.result->repetitions_size());
      disturbed += share * n;
      measured += n;
      for (std::string& line : NoiseLines(*part.result)) lines.push_back(std::move(line));
    }
    return {measured > 0 ? disturbed / measured : 0.0, absl::StrJoin(lines, "; ")};
  }

  std::pair<std::string, std::string> Status() const {
    for (const SideCase& part : parts) {
      if (part.result->status() != v1::SUCCEEDED) {
        return {CaseStatusText(*part.result), part.result->error()};
      }
    }
    return {"ok", ""};
  }
};

std::set<std::string> Workloads(const std::vector<v1::RunResult>& runs) {
  std::set<std::string> workloads;
  for (const v1::RunResult& run : runs) workloads.insert(run.workload());
  return workloads;
}

// The cases of a side by key, in first-seen order, runs of one case pooled.
std::vector<std::pair<std::string, PooledCase>> Pool(const std::vector<v1::RunResult>& runs,
                                                     const std::set<std::string>& varying,
                                                     bool with_workload, bool by_host) {
  std::vector<std::pair<std::string, PooledCase>> pooled;
  std::map<std::string, size_t> index;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      const std::string key = CaseKey(result, run, varying, with_workload, by_host);
      auto [it, inserted] = index.emplace(key, pooled.size());
      if (inserted) pooled.emplace_back(key, PooledCase());
      pooled[it->second].second.parts.push_back(SideCase{&result, &run});
    }
  }
  return pooled;
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
  std::vector<std::vector<double>> base_runs;
  std::vector<std::vector<double>> candidate_runs;
  if (!base.empty()) base_runs.push_back(base);
  if (!candidate.empty()) candidate_runs.push_back(candidate);
  return CompareSamples(metric, base_runs, candidate_runs, options);
}

namespace {

SideStatistics Describe(const std::vector<std::vector<double>>& runs, std::vector<double>* pooled) {
  std::vector<double> medians;
  for (const std::vector<double>& run : runs) {
    pooled->insert(pooled->end(), run.begin(), run.end());
    medians.push_back(Median(run));
  }
  SideStatistics side;
  side.n = static_cast<uint32_t>(pooled->size());
  side.median = Median(*pooled);
  side.cv = CoefficientOfVariation(*pooled);
  side.spread = RobustLogSpread(*pooled);
  side.runs = static_cast<uint32_t>(runs.size());
  if (side.runs >= kRunsForRunSpread) side.run_spread = RobustLogSpread(medians);
  return side;
}

}  // namespace

MetricComparison CompareSamples(const CaseMetric& metric,
                                const std::vector<std::vector<double>>& base_runs,
                                const std::vector<std::vector<double>>& candidate_runs,
                                const CompareOptions& options) {
  MetricComparison c;
  c.metric = &metric;
  std::vector<double> base;
  std::vector<double> candidate;
  c.base = Describe(base_runs, &base);
  c.candidate = Describe(candidate_runs, &candidate);
  if (base.empty() || candidate.empty()) {
    c.reason = base.empty() ? "not measured in the base" : "not measured in the candidate";
    return c;
  }
  c.difference = c.candidate.median - c.base.median;
  const BootstrapIntervals bootstrap = BootstrapMedians(base, candidate, options.bootstrap);
  c.difference_ci = bootstrap.difference;
  if (c.base.median != 0.0) {
    const double scale = std::fabs(c.base.median);
    c.change = c.difference / scale;
    // The relative interval when it exists (a throughput cannot fall by more
    // than 100%), in absolute units too, so every decision uses one interval.
    c.change_ci = bootstrap.relative.value_or(
        Interval{c.difference_ci.lower / scale, c.difference_ci.upper / scale});
    c.difference_ci = Interval{c.change_ci->lower * scale, c.change_ci->upper * scale};
  }
  c.band = std::max(options.threshold * std::fabs(c.base.median), metric.negligible);
  c.test = MannWhitneyU(base, candidate);
  c.p_adjusted = c.test.p_value;
  const double spread =
      std::max({c.base.spread, c.candidate.spread, c.base.run_spread, c.candidate.run_spread});
  const bool higher_is_better = metric.direction == Direction::kHigherIsBetter;
  c.floor_worse = NoiseFloor(spread, options.noise_k, higher_is_better);
  c.floor_better = NoiseFloor(spread, options.noise_k, !higher_is_better);
  c.enough_repetitions = SmallestPossiblePValue(static_cast<int>(base.size()),
                                                static_cast<int>(candidate.size())) < options.alpha;
  DecideVerdict(options, &c);
  return c;
}

void DecideVerdict(const CompareOptions& options, MetricComparison* out) {
  MetricComparison& c = *out;
  c.reason.clear();
  c.repetitions_needed = 0;
  if (c.base.n == 0 || c.candidate.n == 0) {
    c.verdict = ChangeVerdict::kUnavailable;
    c.reason = c.base.n == 0 ? "not measured in the base" : "not measured in the candidate";
    return;
  }
  c.significant =
      c.p_adjusted < options.alpha && (c.difference_ci.lower > 0.0 || c.difference_ci.upper < 0.0);
  const bool higher_is_better = c.metric->direction == Direction::kHigherIsBetter;
  const bool up = c.difference > 0;
  const bool worse = up != higher_is_better;
  // The change of the medians against the floor in its own direction; a
  // base median of 0 has no relative change and no relative floor.
  const double floor = worse ? c.floor_worse : c.floor_better;
  const bool beyond_floor = !c.change.has_value() || std::fabs(*c.change) > floor;
  // Beyond the band with confidence: the whole CI, not just the median.
  const bool beyond_band = c.difference_ci.lower > c.band || c.difference_ci.upper < -c.band;
  if (c.significant && beyond_band && beyond_floor) {
    c.verdict = worse ? ChangeVerdict::kWorse : ChangeVerdict::kBetter;
    return;
  }
  const bool within_band = c.difference_ci.lower >= -c.band && c.difference_ci.upper <= c.band;
  if (within_band && c.enough_repetitions) {
    c.verdict = ChangeVerdict::kSame;
    return;
  }
  c.verdict = ChangeVerdict::kNoisy;
  const int minimum = MinimumRepetitionsPerSide(options.alpha);
  if (!c.enough_repetitions) {
    c.repetitions_needed = minimum;
    c.reason = absl::StrCat("too few repetitions (", c.base.n, " and ", c.candidate.n,
                            ") for the test to reach p < ", options.alpha, "; needs at least ",
                            minimum, " per side");
    return;
  }
  if (c.significant && beyond_band) {
    c.reason =
        absl::StrCat("the change (", FormatPercent(c.change.value_or(0.0)),
                     ") is within the noise floor (", FormatPercent(floor), " = ", options.noise_k,
                     " x the largest robust spread); runs interleaved in time or "
                     "--history would measure the noise between runs");
    return;
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
}

Comparison CompareRuns(const std::vector<v1::RunResult>& base,
                       const std::vector<v1::RunResult>& candidate, const CompareOptions& options) {
  Comparison comparison;
  comparison.options = options;
  for (const v1::RunResult& run : base) comparison.base_runs.push_back(Summarize(run));
  for (const v1::RunResult& run : candidate) comparison.candidate_runs.push_back(Summarize(run));
  FingerprintWarnings(base, candidate, &comparison.warnings);

  std::set<std::string> varying;
  AddVaryingParams(base, &varying);
  AddVaryingParams(candidate, &varying);
  // The workload is always part of the pairing (pipe is never shm_posix);
  // it is shown in the names only when a side holds several.
  const std::set<std::string> base_workloads = Workloads(base);
  const std::set<std::string> candidate_workloads = Workloads(candidate);
  const bool with_workload = base_workloads.size() > 1 || candidate_workloads.size() > 1;
  comparison.workloads_disjoint =
      !base.empty() && !candidate.empty() &&
      std::none_of(base_workloads.begin(), base_workloads.end(),
                   [&](const std::string& w) { return candidate_workloads.count(w) > 0; });
  const auto any_verify = [](const std::vector<v1::RunResult>& runs, bool verify) {
    return std::any_of(runs.begin(), runs.end(),
                       [&](const v1::RunResult& run) { return run.request().verify() == verify; });
  };
  comparison.verify_differs = (any_verify(base, true) && any_verify(candidate, false)) ||
                              (any_verify(base, false) && any_verify(candidate, true));
  std::set<std::string> base_ids;
  for (const v1::RunResult& run : base) {
    if (!run.run_id().empty()) base_ids.insert(run.run_id());
  }
  std::set<std::string> same_ids;
  for (const v1::RunResult& run : candidate) {
    if (base_ids.count(run.run_id()) > 0) same_ids.insert(run.run_id());
  }
  comparison.same_runs.assign(same_ids.begin(), same_ids.end());
  if (!comparison.same_runs.empty()) {
    comparison.warnings.push_back(absl::StrCat(
        comparison.same_runs.size(), " run(s) on both sides (",
        absl::StrJoin(comparison.same_runs, ", "), "): the comparison measures nothing"));
  }
  const std::vector<std::pair<std::string, PooledCase>> base_cases =
      Pool(base, varying, true, options.by_host);
  const std::vector<std::pair<std::string, PooledCase>> candidate_cases =
      Pool(candidate, varying, true, options.by_host);
  std::map<std::string, const PooledCase*> candidate_by_key;
  for (const auto& [key, pooled] : candidate_cases) candidate_by_key.emplace(key, &pooled);

  std::vector<const CaseMetric*> metrics = options.metrics;
  if (metrics.empty()) {
    for (const CaseMetric& metric : CaseMetrics()) metrics.push_back(&metric);
  }
  std::vector<std::pair<SideCase, SideCase>> matched;
  for (const auto& [key, base_case] : base_cases) {
    auto it = candidate_by_key.find(key);
    if (it == candidate_by_key.end()) {
      comparison.only_in_base.push_back(
          DisplayName(base_case.parts.front(), varying, with_workload));
      continue;
    }
    const PooledCase& candidate_case = *it->second;
    matched.emplace_back(base_case.parts.front(), candidate_case.parts.front());
    CaseComparison case_comparison;
    case_comparison.name = DisplayName(base_case.parts.front(), varying, with_workload);
    case_comparison.key = key;
    case_comparison.workload = base_case.parts.front().run->workload();
    std::tie(case_comparison.base_status, case_comparison.base_error) = base_case.Status();
    std::tie(case_comparison.candidate_status, case_comparison.candidate_error) =
        candidate_case.Status();
    std::tie(case_comparison.base_disturbed_share, case_comparison.base_noise) = base_case.Noise();
    std::tie(case_comparison.candidate_disturbed_share, case_comparison.candidate_noise) =
        candidate_case.Noise();
    const uint32_t base_disturbed = base_case.Disturbed();
    const uint32_t candidate_disturbed = candidate_case.Disturbed();
    for (const CaseMetric* metric : metrics) {
      const std::vector<std::vector<double>> base_samples = base_case.SamplesPerRun(*metric);
      const std::vector<std::vector<double>> candidate_samples =
          candidate_case.SamplesPerRun(*metric);
      if (base_samples.empty() && candidate_samples.empty()) continue;
      MetricComparison metric_comparison =
          CompareSamples(*metric, base_samples, candidate_samples, options);
      metric_comparison.base.disturbed = base_disturbed;
      metric_comparison.candidate.disturbed = candidate_disturbed;
      case_comparison.metrics.push_back(std::move(metric_comparison));
    }
    comparison.cases.push_back(std::move(case_comparison));
  }
  for (const auto& [key, candidate_case] : candidate_cases) {
    if (std::none_of(base_cases.begin(), base_cases.end(),
                     [&key = key](const auto& entry) { return entry.first == key; })) {
      comparison.only_in_candidate.push_back(
          DisplayName(candidate_case.parts.front(), varying, with_workload));
    }
  }
  ParameterWarnings(matched, &comparison.warnings);
  // One false discovery rate over every metric check of the comparison.
  std::vector<double> p_values;
  for (const CaseComparison& c : comparison.cases) {
    for (const MetricComparison& m : c.metrics) {
      if (m.verdict != ChangeVerdict::kUnavailable) p_values.push_back(m.test.p_value);
    }
  }
  const std::vector<double> adjusted = BenjaminiHochbergAdjust(p_values);
  size_t next = 0;
  for (CaseComparison& c : comparison.cases) {
    for (MetricComparison& m : c.metrics) {
      if (m.verdict == ChangeVerdict::kUnavailable) continue;
      m.p_adjusted = adjusted[next++];
      DecideVerdict(options, &m);
    }
  }
  return comparison;
}

}  // namespace ipclab::results
