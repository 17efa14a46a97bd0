#include "results/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/compare/sides.h"
#include "results/format/format.h"
#include "results/stats/change_points.h"
#include "results/stats/false_discovery.h"
#include "results/stats/noise.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

using compare_internal::AddVaryingParams;
using compare_internal::DisplayName;
using compare_internal::FingerprintWarnings;
using compare_internal::ParameterWarnings;
using compare_internal::Pool;
using compare_internal::PooledCase;
using compare_internal::SideCase;
using compare_internal::Summarize;
using compare_internal::Workloads;

constexpr int kMostRepetitionsWorthSuggesting = 1000;

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

// floor_worse/floor_better: noise_k times the largest spread c knows (the
// repetitions, the per-run medians of pooled sides, stored history).
void SetNoiseFloors(const CompareOptions& options, MetricComparison* c) {
  const double spread =
      std::max({c->base.spread, c->candidate.spread, c->base.run_spread, c->candidate.run_spread,
                c->base.round_spread, c->candidate.round_spread, c->history_spread});
  const bool higher_is_better = c->metric->direction == Direction::kHigherIsBetter;
  c->floor_worse = NoiseFloor(spread, options.noise_k, higher_is_better);
  c->floor_better = NoiseFloor(spread, options.noise_k, !higher_is_better);
}

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
  SetNoiseFloors(options, &c);
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

namespace {

// The median of each non-empty group.
std::vector<double> MediansOf(const std::vector<std::vector<double>>& groups) {
  std::vector<double> medians;
  for (const std::vector<double>& group : groups) {
    if (!group.empty()) medians.push_back(Median(group));
  }
  return medians;
}

// The spread of medians of independent measurements of one case (stored
// runs, or the rounds of a run): the larger of the robust spread (MAD) and
// the widest swing of one median from theirs, over noise_k, so that the
// floor covers every level the case has shown. (MAD alone ignores a
// minority: a futex ring across CPUs on a VM runs at one of two speeds, 4x
// apart, and the slower one in one run of five is no regression.)
// `level_error`, the error of one of those medians as an estimate of its
// level (ln), widens the swing: noise_k of it join the floor, so a
// candidate at a level one median showed is within the floor even when it
// measured that level a little further out.
double LevelSpread(const std::vector<double>& medians, double noise_k, double level_error = 0.0) {
  double spread = RobustLogSpread(medians);
  const double center = Median(medians);
  if (center > 0.0 && noise_k > 0.0 &&
      std::all_of(medians.begin(), medians.end(), [](double m) { return m > 0.0; })) {
    for (double m : medians) {
      spread = std::max(spread, std::fabs(std::log(m / center)) / noise_k + level_error);
    }
  }
  return spread;
}

// The error of one round's median as the level of that round (ln): the
// robust spread of the repetitions around their own round's median (so the
// levels between rounds do not count), over the square root of the
// repetitions per round. 0 with fewer than four repetitions in rounds of two
// or more.
double RoundLevelError(const std::vector<std::vector<double>>& rounds) {
  std::vector<double> deviations;
  size_t rounds_counted = 0;
  for (const std::vector<double>& round : rounds) {
    if (round.size() < 2) continue;
    const double median = Median(round);
    if (median <= 0.0) continue;
    ++rounds_counted;
    for (double value : round) {
      if (value > 0.0) deviations.push_back(std::fabs(std::log(value / median)));
    }
  }
  if (deviations.size() < 4) return 0.0;
  const double per_round = static_cast<double>(deviations.size()) / rounds_counted;
  return kNormalConsistency * Median(deviations) / std::sqrt(per_round);
}

// The level spread of a case's per-run medians in stored history (oldest
// first), over the runs after the last change point.
std::pair<double, uint32_t> HistorySpread(const std::vector<std::vector<double>>& runs,
                                          double noise_k) {
  std::vector<double> medians = MediansOf(runs);
  const std::vector<ChangePoint> changes = EDivisiveChangePoints(medians, ChangePointOptions());
  size_t first = 0;
  for (const ChangePoint& change : changes) first = std::max(first, change.index);
  medians.erase(medians.begin(), medians.begin() + static_cast<std::ptrdiff_t>(first));
  if (medians.size() < kRunsForHistorySpread) return {0.0, 0};
  return {LevelSpread(medians, noise_k), static_cast<uint32_t>(medians.size())};
}

// The level spread of a side's per-round medians: a run's rounds ran in
// workers of their own, seconds apart, so their medians show the levels the
// host moves the case between within a run (on this VM a unix socket
// stream switches between ~0.8 and ~1.15 GB/s from round to round while the
// two repetitions of a round mostly agree within a few percent).
void SetRoundSpread(const PooledCase& side, const CaseMetric& metric, double noise_k,
                    SideStatistics* statistics) {
  const std::vector<std::vector<double>> rounds = side.SamplesPerRound(metric);
  const std::vector<double> medians = MediansOf(rounds);
  if (medians.size() < kRoundsForRoundSpread) return;
  statistics->round_spread = LevelSpread(medians, noise_k, RoundLevelError(rounds));
  statistics->rounds = static_cast<uint32_t>(medians.size());
}

// The spread between stored runs of c's case (SetNoiseFloors then counts it).
void AddHistoryNoise(const PooledCase& history, const CompareOptions& options,
                     MetricComparison* c) {
  std::vector<std::vector<double>> runs = history.SamplesPerRun(*c->metric);
  std::reverse(runs.begin(), runs.end());  // oldest first
  std::tie(c->history_spread, c->history_runs) = HistorySpread(runs, options.noise_k);
}

}  // namespace

Comparison CompareRuns(const std::vector<v1::RunResult>& base,
                       const std::vector<v1::RunResult>& candidate, const CompareOptions& options,
                       const std::vector<v1::RunResult>& noise_history) {
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
  // History: the runs of neither side, keyed like the sides.
  std::set<std::string> side_ids;
  for (const auto* runs : {&base, &candidate}) {
    for (const v1::RunResult& run : *runs) side_ids.insert(run.run_id());
  }
  std::vector<v1::RunResult> history_runs;
  for (const v1::RunResult& run : noise_history) {
    if (side_ids.count(run.run_id()) == 0) history_runs.push_back(run);
  }
  const std::vector<std::pair<std::string, PooledCase>> history_cases =
      Pool(history_runs, varying, true, options.by_host);
  std::map<std::string, const PooledCase*> history_by_key;
  for (const auto& [key, pooled] : history_cases) history_by_key.emplace(key, &pooled);

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
    const double base_disturbed_share = base_case.DisturbedShareOfSide();
    const double candidate_disturbed_share = candidate_case.DisturbedShareOfSide();
    for (const CaseMetric* metric : metrics) {
      const std::vector<std::vector<double>> base_samples = base_case.SamplesPerRun(*metric);
      const std::vector<std::vector<double>> candidate_samples =
          candidate_case.SamplesPerRun(*metric);
      if (base_samples.empty() && candidate_samples.empty()) continue;
      MetricComparison metric_comparison =
          CompareSamples(*metric, base_samples, candidate_samples, options);
      SetRoundSpread(base_case, *metric, options.noise_k, &metric_comparison.base);
      SetRoundSpread(candidate_case, *metric, options.noise_k, &metric_comparison.candidate);
      if (auto history = history_by_key.find(key); history != history_by_key.end()) {
        AddHistoryNoise(*history->second, options, &metric_comparison);
      }
      // The floors over every spread; the verdict follows Benjamini-Hochberg below.
      SetNoiseFloors(options, &metric_comparison);
      metric_comparison.base.disturbed = base_disturbed;
      metric_comparison.candidate.disturbed = candidate_disturbed;
      metric_comparison.base.disturbed_share = base_disturbed_share;
      metric_comparison.candidate.disturbed_share = candidate_disturbed_share;
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
