// How compare.cc sees the two sides of a comparison: each side's cases
// pooled by key (workload + the parameters that tell cases apart, + host when
// asked), who each run is, and the warnings when the sides differ in host,
// kernel, THP mode or parameters. Internal to results/compare.
#ifndef IPCLAB_RESULTS_COMPARE_SIDES_H_
#define IPCLAB_RESULTS_COMPARE_SIDES_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/compare/compare.h"
#include "results/model/case_metrics.h"
#include "results/model/case_view.h"
#include "results/model/noise.h"
#include "results/model/run_defaults.h"

namespace ipclab::results::compare_internal {

// A case of one side with where it came from.
struct SideCase {
  const v1::CaseResult* result;
  const v1::RunResult* run;
};

// One case as a side holds it: the same case from one run or, pooled, from
// several runs of one configuration (their repetitions together).
struct PooledCase {
  std::vector<SideCase> parts;

  // One vector of samples per pooled run. Disturbed repetitions are left
  // out while the side's disturbed share is at most kMaxDisturbedShareToDrop
  // (above it the gate calls the case inconclusive and compare says so).
  std::vector<std::vector<double>> SamplesPerRun(const CaseMetric& metric) const {
    const bool drop = DropsDisturbed();
    std::vector<std::vector<double>> samples;
    for (const SideCase& part : parts) {
      const uint64_t page = part.run->host().page_size_bytes();
      std::vector<double> more = drop ? MetricSamples(WithoutDisturbed(*part.result), metric, page)
                                      : MetricSamples(*part.result, metric, page);
      if (!more.empty()) samples.push_back(std::move(more));
    }
    return samples;
  }

  // One vector of samples per round of each pooled run (RunRequest.rounds:
  // every round of a case ran in a worker of its own, seconds apart from
  // the others), for runs of kRoundsForRoundSpread rounds or more whose
  // measured repetitions are all there. Disturbed repetitions are left out
  // as in SamplesPerRun.
  std::vector<std::vector<double>> SamplesPerRound(const CaseMetric& metric) const {
    const bool drop = DropsDisturbed();
    std::vector<std::vector<double>> samples;
    for (const SideCase& part : parts) {
      const v1::RunRequest& request = part.run->request();
      const uint64_t rounds = request.has_rounds() ? request.rounds() : 1;
      const uint64_t repetitions = request.repetitions();
      std::vector<const v1::RepetitionResult*> measured;
      for (const v1::RepetitionResult& repetition : part.result->repetitions()) {
        if (!repetition.warmup()) measured.push_back(&repetition);
      }
      if (rounds < kRoundsForRoundSpread || measured.size() != repetitions) continue;
      const uint64_t page = part.run->host().page_size_bytes();
      for (uint64_t round = 0; round < rounds; ++round) {
        const RoundShare share =
            ShareOfRound(static_cast<uint32_t>(round), static_cast<uint32_t>(rounds),
                         static_cast<uint32_t>(repetitions));
        std::vector<double> values;
        for (uint64_t i = share.first; i < share.first + share.count; ++i) {
          if (drop && IsDisturbed(*measured[i])) continue;
          if (std::optional<double> value =
                  RepetitionValue(*part.result, *measured[i], metric, page)) {
            values.push_back(*value);
          }
        }
        if (!values.empty()) samples.push_back(std::move(values));
      }
    }
    return samples;
  }

  // Measured repetitions the timing harness marked as disturbed.
  uint32_t Disturbed() const {
    uint32_t count = 0;
    for (const SideCase& part : parts) {
      for (const v1::RepetitionResult& repetition : part.result->repetitions()) {
        if (IsDisturbed(repetition)) ++count;
      }
    }
    return count;
  }

  // Disturbed() over the measured repetitions of every part.
  double DisturbedShareOfSide() const {
    uint32_t measured = 0;
    for (const SideCase& part : parts) {
      for (const v1::RepetitionResult& repetition : part.result->repetitions()) {
        if (!repetition.warmup()) ++measured;
      }
    }
    return measured == 0 ? 0.0 : static_cast<double>(Disturbed()) / measured;
  }

  // Whether the samples leave the disturbed repetitions out: some are, and
  // no more than kMaxDisturbedShareToDrop of the side's.
  bool DropsDisturbed() const {
    const double share = DisturbedShareOfSide();
    return share > 0.0 && share <= kMaxDisturbedShareToDrop;
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

// Adds the names of the parameters whose values differ between cases of one
// workload on one side (and the names a run sweeps): what tells cases apart.
void AddVaryingParams(const std::vector<v1::RunResult>& runs, std::set<std::string>* names);

// The key a case pairs by: its varying parameters, with the workload and
// the host in front when asked.
std::string CaseKey(const v1::CaseResult& result, const v1::RunResult& run,
                    const std::set<std::string>& varying, bool with_workload, bool by_host);

// The case's name, else its matching parameters; with the workload in front
// when sides hold several runs.
std::string DisplayName(const SideCase& side, const std::set<std::string>& varying,
                        bool with_workload);

RunSummary Summarize(const v1::RunResult& run);

// Host, kernel, THP, CPU differences between the sides, one warning each.
void FingerprintWarnings(const std::vector<v1::RunResult>& base,
                         const std::vector<v1::RunResult>& candidate,
                         std::vector<std::string>* warnings);

// Parameters that differ between matched cases, one warning per parameter.
void ParameterWarnings(const std::vector<std::pair<SideCase, SideCase>>& matched,
                       std::vector<std::string>* warnings);

std::set<std::string> Workloads(const std::vector<v1::RunResult>& runs);

// The cases of a side by key, in first-seen order, runs of one case pooled.
std::vector<std::pair<std::string, PooledCase>> Pool(const std::vector<v1::RunResult>& runs,
                                                     const std::set<std::string>& varying,
                                                     bool with_workload, bool by_host);

}  // namespace ipclab::results::compare_internal

#endif  // IPCLAB_RESULTS_COMPARE_SIDES_H_
