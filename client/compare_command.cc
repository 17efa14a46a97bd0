#include "client/compare_command.h"

#include <future>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "client/output.h"
#include "client/run_sources.h"
#include "results/compare/gate.h"
#include "results/compare/history.h"
#include "results/report/comparison_report.h"
#include "results/report/gate_report.h"
#include "results/store/history.h"

namespace ipclab::client {
namespace {

struct Sides {
  std::vector<v1::RunResult> base;
  std::vector<v1::RunResult> candidate;
};

// Both sides' runs. Files are parsed in parallel (the proto3 JSON parser
// takes about a second for a 100-case, 30-repetition run); stored runs are
// read one after another from the one database connection.
absl::StatusOr<Sides> LoadSides(const std::string& db, const std::vector<std::string>& base,
                                const std::vector<std::string>& candidate) {
  std::vector<std::string> specs = base;
  specs.insert(specs.end(), candidate.begin(), candidate.end());
  std::vector<std::future<absl::StatusOr<std::vector<v1::RunResult>>>> files(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (IsFileSpec(specs[i])) files[i] = std::async(std::launch::async, ReadRunsFile, specs[i]);
  }
  RunSource source(db);
  Sides sides;
  absl::Status first_error;
  for (size_t i = 0; i < specs.size(); ++i) {
    absl::StatusOr<std::vector<v1::RunResult>> resolved =
        files[i].valid() ? files[i].get() : source.Resolve(specs[i]);
    if (!resolved.ok()) {
      if (first_error.ok()) first_error = resolved.status();
      continue;
    }
    std::vector<v1::RunResult>& side = i < base.size() ? sides.base : sides.candidate;
    for (v1::RunResult& run : *resolved) side.push_back(std::move(run));
  }
  if (!first_error.ok()) return first_error;
  return sides;
}

// Runs kept per case for the noise between runs: enough for a stable MAD,
// few enough that an old state of the host does not count.
constexpr size_t kNoiseHistoryRuns = 20;
// Stored runs read per workload to find them.
constexpr int kNoiseHistoryScan = 200;

// Stored runs of the candidate's cases on the candidate's host (newest
// first), for the noise floor between runs (results::CompareRuns). Empty when
// there is no database to read (sides given as files only).
std::vector<v1::RunResult> NoiseHistory(const std::string& db,
                                        const std::vector<v1::RunResult>& candidate) {
  RunSource source(db);
  absl::StatusOr<results::ResultStore*> store = source.Store();
  if (!store.ok()) return {};
  std::set<std::string> workloads;
  for (const v1::RunResult& run : candidate) workloads.insert(run.workload());
  std::vector<v1::RunResult> pool;
  for (const std::string& workload : workloads) {
    results::RunFilter filter;
    filter.workload = workload;
    filter.limit = kNoiseHistoryScan;
    absl::StatusOr<std::vector<v1::RunResult>> runs = results::LoadRuns(**store, filter);
    if (!runs.ok()) continue;  // none stored: no history
    pool.insert(pool.end(), std::make_move_iterator(runs->rbegin()),
                std::make_move_iterator(runs->rend()));
  }
  return results::ComparableHistory(pool, candidate, kNoiseHistoryRuns);
}

absl::StatusOr<results::CompareOptions> Options(absl::string_view flag,
                                                const std::string& threshold,
                                                const std::string& metrics) {
  results::CompareOptions options;
  IPCLAB_ASSIGN_OR_RETURN(options.threshold, ParseFraction(flag, threshold));
  IPCLAB_ASSIGN_OR_RETURN(options.metrics, results::ParseMetricList(metrics));
  if (metrics.empty()) options.metrics.clear();  // "all", also in the reports
  return options;
}

absl::Status CheckSomethingInCommon(const results::Comparison& comparison) {
  if (comparison.workloads_disjoint) {
    std::set<std::string> base;
    std::set<std::string> candidate;
    for (const results::RunSummary& run : comparison.base_runs) base.insert(run.workload);
    for (const results::RunSummary& run : comparison.candidate_runs) candidate.insert(run.workload);
    return absl::InvalidArgumentError(absl::StrCat(
        "the sides measure different workloads (", absl::StrJoin(base, ", "), " against ",
        absl::StrJoin(candidate, ", "),
        "); a gate or comparison pairs a workload only with itself - compare transports with "
        "`ipclab run --matrix` tables instead"));
  }
  if (comparison.verify_differs) {
    return absl::InvalidArgumentError(
        "one side ran with --verify and the other without: --verify checksums every byte "
        "inside the timed loop (throughput drops several times), so its timings compare only "
        "with other --verify runs");
  }
  if (!comparison.cases.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("the two sides have no case in common (", comparison.only_in_base.size(),
                   " only in the base, ", comparison.only_in_candidate.size(),
                   " only in the candidate); cases match by the parameters they sweep"));
}

}  // namespace

absl::StatusOr<double> ParseFraction(absl::string_view flag, absl::string_view text) {
  absl::string_view number = absl::StripAsciiWhitespace(text);
  const bool percent = absl::ConsumeSuffix(&number, "%");
  double value = 0;
  if (!absl::SimpleAtod(number, &value) || !(value >= 0) || (!percent && value > 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " \"", text, "\": expected a percentage such as 5% or a fraction such as 0.05"));
  }
  return percent ? value / 100 : value;
}

ExitCode CompareCommand(const CompareCommandOptions& options, const CommandIo& io) {
  absl::StatusOr<results::CompareOptions> compare_options =
      Options("--threshold", options.threshold, options.metrics);
  if (!compare_options.ok()) return ReportError(compare_options.status(), io.err);
  compare_options->by_host = options.by_host;
  absl::StatusOr<Sides> sides = LoadSides(options.db, {options.base}, {options.candidate});
  if (!sides.ok()) return ReportError(sides.status(), io.err);
  const results::Comparison comparison = results::CompareRuns(
      sides->base, sides->candidate, *compare_options, NoiseHistory(options.db, sides->candidate));
  absl::Status common = CheckSomethingInCommon(comparison);
  if (!common.ok()) return ReportError(common, io.err);
  std::ostringstream text;
  if (options.format == "json") {
    results::PrintComparisonJson(comparison, &text);
  } else if (options.format == "markdown") {
    results::PrintComparisonMarkdown(comparison, &text);
  } else {
    results::PrintComparisonText(comparison, &text);
  }
  *io.out << text.str();
  io.out->flush();
  return kExitSuccess;
}

ExitCode GateCommand(const GateCommandOptions& options, const CommandIo& io) {
  absl::StatusOr<results::CompareOptions> compare_options =
      Options("--max-regression", options.max_regression, options.metrics);
  if (!compare_options.ok()) return ReportError(compare_options.status(), io.err);
  for (const std::string* file : {&options.markdown_file, &options.junit_file}) {
    if (file->empty()) continue;
    absl::Status writable = CheckOutputPath(*file);
    if (!writable.ok()) return ReportError(writable, io.err);
  }
  absl::StatusOr<double> fdr = ParseFraction("--fdr", options.false_discovery_rate);
  if (!fdr.ok()) return ReportError(fdr.status(), io.err);
  if (!(*fdr > 0.0) || !(options.noise_k >= 0.0) || options.history < 0) {
    return ReportError(
        absl::InvalidArgumentError("--fdr must be above 0, --noise-k and --history 0 or more"),
        io.err);
  }
  compare_options->alpha = *fdr;
  compare_options->noise_k = options.noise_k;
  compare_options->by_host = options.by_host;
  absl::StatusOr<Sides> sides = LoadSides(options.db, options.baseline, options.candidate);
  if (!sides.ok()) return ReportError(sides.status(), io.err);
  if (options.history > 0) {
    // Newest first, then the newest N comparable runs per candidate case.
    std::vector<v1::RunResult> pool(sides->base.rbegin(), sides->base.rend());
    sides->base =
        results::ComparableHistory(pool, sides->candidate, static_cast<size_t>(options.history));
    if (sides->base.empty()) {
      return ReportError(
          absl::InvalidArgumentError(
              "--history: no baseline run measured a candidate case with the same parameters on "
              "the same host (hostname, kernel, CPU, THP mode)"),
          io.err);
    }
  }
  const results::Comparison comparison = results::CompareRuns(
      sides->base, sides->candidate, *compare_options, NoiseHistory(options.db, sides->candidate));
  absl::Status common = CheckSomethingInCommon(comparison);
  if (!common.ok()) return ReportError(common, io.err);
  results::GateOptions gate_options;
  gate_options.require_power = options.require_power;
  const results::GateReport report = results::EvaluateGate(comparison, gate_options);

  std::ostringstream markdown;
  results::PrintGateMarkdown(report, comparison, &markdown);
  if (options.markdown_file.empty()) {
    *io.out << markdown.str();
  } else {
    absl::Status written = WriteFileAtomically(options.markdown_file, markdown.str());
    if (!written.ok()) return ReportError(written, io.err);
    *io.out << "ipclab gate: " << results::GateOutcomeName(report.outcome) << " (" << report.failed
            << " failed, " << report.inconclusive << " inconclusive, " << report.passed << " passed"
            << (report.low_power > 0 ? absl::StrCat(", ", report.low_power, " with low power") : "")
            << "); summary in " << options.markdown_file << "\n";
  }
  io.out->flush();
  if (!options.junit_file.empty()) {
    std::ostringstream junit;
    results::PrintGateJUnit(report, comparison, &junit);
    absl::Status written = WriteFileAtomically(options.junit_file, junit.str());
    if (!written.ok()) return ReportError(written, io.err);
  }
  switch (report.outcome) {
    case results::GateOutcome::kPass:
      return kExitSuccess;
    case results::GateOutcome::kFail:
      return kExitGateFailed;
    case results::GateOutcome::kInconclusive:
      break;
  }
  return kExitInconclusive;
}

}  // namespace ipclab::client
