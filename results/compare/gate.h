// The CI gate: from a Comparison (made with threshold = the largest
// regression allowed), decide pass, fail or inconclusive, check by check.
// The decisions are data (outcome, reason, the numbers behind it); the
// sentences, Markdown and JUnit XML are report/gate_report.h's.
//
// Per (case, metric), with "regression" the difference in the metric's worse
// direction, band = max(max_regression * |base median|, negligible) and
// floor = the comparison's noise floor (compare.h, docs/GATE.md):
//   fail          significant (Mann-Whitney p, Benjamini-Hochberg adjusted
//                 over all metric checks of the gate, below alpha, and the
//                 CI excludes 0), even the smallest regression the 95% CI
//                 allows exceeds the band, and the regression of the
//                 medians exceeds the noise floor;
//   pass          the worse end of the CI is within the band and the
//                 repetitions are enough for the test to reach alpha (so a
//                 pass is evidence, not absence of data);
//   inconclusive  otherwise: too few repetitions, variation too high (with
//                 the repetitions per side that would decide, when more
//                 would help), within the noise floor, or a repetition of
//                 the case was marked disturbed by the timing harness.
// Per case: a candidate case that failed where the base succeeded fails; a
// base case that failed, or one missing from the candidate, is inconclusive.
// Cases only in the candidate are new and decide nothing.
// The gate fails if any check fails, else is inconclusive if any check is,
// else passes.
#ifndef IPCLAB_RESULTS_COMPARE_GATE_H_
#define IPCLAB_RESULTS_COMPARE_GATE_H_

#include <optional>
#include <string>
#include <vector>

#include "results/compare/compare.h"

namespace ipclab::results {

enum class GateOutcome { kPass, kFail, kInconclusive };

// The words of an outcome, defined once: its name ("pass", "fail",
// "inconclusive") and the heading a report gives it ("PASSED", "FAILED:
// regression", "INCONCLUSIVE").
struct GateOutcomeWords {
  const char* name;
  const char* heading;
};
GateOutcomeWords WordsOf(GateOutcome outcome);
inline const char* GateOutcomeName(GateOutcome outcome) { return WordsOf(outcome).name; }

// A passing check whose CI's worst end reaches past this many times the
// limit (or the noise floor that stored runs set) had **low power**: its
// noise could hide a regression of twice the limit. It passes and says so;
// with GateOptions::require_power it is inconclusive instead.
inline constexpr double kPassCiReach = 2.0;

struct GateOptions {
  // Low-power checks are inconclusive instead of passing (`--require-power`).
  bool require_power = false;
};

// Why a check came out as it did. The gate decides; report/gate_report.h
// turns a check into its sentence ("regressed by 20.0% (...); the limit is
// 5.0%").
enum class GateReason {
  kBaseCaseFailed,           // the base case did not succeed: nothing to compare
  kCandidateCaseFailed,      // the candidate case did not succeed where the base did
  kMissingFromCandidate,     // in the base but not in the candidate
  kComparisonSaysWhy,        // MetricComparison::reason says it (unavailable, too few
                             // repetitions, variation too high)
  kRegressed,                // fail: significant, and even the CI's least regression
                             // exceeds the band
  kNoRegression,             // pass: the CI allows no regression at all
  kWithinLimit,              // pass: the CI's worst regression is within the band
  kMedianWithinLimit,        // pass: the medians' regression is within the band (the CI
                             // reaches past it, but nothing says the change is real)
  kWithinOwnNoise,           // pass, low power: past the limit but within the noise floor
                             // of the case's own repetitions, rounds or pooled runs (a change
                             // there could never fail, however many repetitions)
  kWithinRunToRunNoise,      // pass: past the limit, but within the noise floor that the
                             // spread between stored runs of the case on this host sets
  kNotSignificantAmongMany,  // would fail alone, but not after Benjamini-Hochberg
  kWithinNoiseFloor,         // significant and past the limit, but within the noise floor
                             // (--require-power; else kWithinOwnNoise)
  kDisturbed,  // over kMaxDisturbedShareToDrop of a side's repetitions marked "disturbed"
               // (case_error: which side and why, from its results)
  kChangedButCiPastLimit,  // a significant change whose CI reaches past the limit
  kCiPastLimit,            // not significant and the CI reaches past the limit
};

struct GateCheck {
  std::string case_name;
  std::string workload;
  std::string what;  // the metric's title, or "status" / "presence" for case-level checks
  GateOutcome outcome = GateOutcome::kPass;
  GateReason reason = GateReason::kNoRegression;
  // kRegressed, kNotSignificantAmongMany: the regression of the medians;
  // kWithinLimit: the worst regression the CI allows. In the metric's unit,
  // positive means worse.
  double regression = 0.0;
  size_t family_size = 0;  // kNotSignificantAmongMany: metric checks in the gate
  // Disturbed repetitions, both sides: kDisturbed when more than
  // kMaxDisturbedShareToDrop of a side's; else left out of the check.
  uint32_t disturbed = 0;
  std::string case_status;  // kBaseCaseFailed, kCandidateCaseFailed: "failed", ...
  std::string case_error;   // and the case's error text
  std::optional<MetricComparison> comparison;  // for metric checks
  // A pass whose CI's worst end (worst_regression) reaches past kPassCiReach
  // x the limit or the stored runs' noise: it could not have shown a
  // regression of that size.
  bool low_power = false;
  double worst_regression = 0.0;  // the CI's worst end, in the metric's unit, + is worse
};

struct GateReport {
  GateOutcome outcome = GateOutcome::kPass;
  std::vector<GateCheck> checks;
  int passed = 0;
  int failed = 0;
  int inconclusive = 0;
  int low_power = 0;  // of the passed: checks that passed with low power
  GateOptions gate_options;
  // The most repetitions per side any inconclusive check asks for (0: none
  // or unknown).
  int repetitions_needed = 0;
  // The options of the comparison the gate judged (threshold = the limit).
  CompareOptions options;
  // Run ids on both sides: a gate of a run against itself shows nothing.
  std::vector<std::string> same_runs;
};

GateReport EvaluateGate(const Comparison& comparison, const GateOptions& options = {});

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_COMPARE_GATE_H_
