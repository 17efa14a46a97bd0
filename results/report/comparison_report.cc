#include "results/report/comparison_report.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "results/format/format.h"
#include "results/report/json_writer.h"
#include "results/report/text_table.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

std::string SignedPercent(double fraction) {
  const std::string text = FormatPercent(fraction);
  return fraction > 0 && text != "0.0%" ? absl::StrCat("+", text) : text;
}

std::string SignedValue(const CaseMetric& metric, double value) {
  const std::string text = FormatMetricValue(metric, value);
  return value > 0 ? absl::StrCat("+", text) : text;
}

std::string RunLine(const RunSummary& run) {
  std::vector<std::string> parts = {run.run_id.empty() ? "(no id)" : run.run_id, run.workload};
  if (!run.started_at.empty()) parts.push_back(run.started_at);
  if (!run.hostname.empty()) parts.push_back(absl::StrCat("host ", run.hostname));
  if (!run.kernel_release.empty()) parts.push_back(absl::StrCat("Linux ", run.kernel_release));
  if (!run.label.empty()) parts.push_back(absl::StrCat("label ", run.label));
  return absl::StrJoin(parts, "  ");
}

std::string CountsText(const MetricComparison& c) {
  return absl::StrCat(c.base.n, "/", c.candidate.n);
}

// The explanation printed under the table.
std::string Legend(const Comparison& comparison) {
  const CompareOptions& options = comparison.options;
  return absl::StrCat(
      "n: measured repetitions (base/candidate); change: of the candidate's median against the "
      "base's; 95% CI: bootstrap of the change of the medians (",
      options.bootstrap.resamples, " resamples); p: Mann-Whitney U, two-sided, ",
      "Benjamini-Hochberg adjusted over all the comparison's checks.\n",
      "better/worse: significant (p < ", options.alpha, "), the whole CI beyond ±",
      FormatPercent(options.threshold, 0), " and the change beyond the noise floor (",
      options.noise_k, " x the largest robust spread of the log repetitions, or of the per-run ",
      "medians of ", kRunsForRunSpread, "+ pooled runs); same: the CI lies within ±",
      FormatPercent(options.threshold, 0), "; noisy: neither (see below).\n");
}

struct Row {
  std::string case_name;
  const MetricComparison* metric;
};

std::vector<std::string> Cells(const Row& row) {
  const MetricComparison& c = *row.metric;
  return {row.case_name,       c.metric->title, MedianText(c, false),
          MedianText(c, true), CountsText(c),   ChangeText(c),
          ConfidenceText(c),   PValueText(c),   ChangeVerdictName(c.verdict)};
}

std::vector<Row> Rows(const Comparison& comparison) {
  std::vector<Row> rows;
  for (const CaseComparison& case_comparison : comparison.cases) {
    bool first = true;
    for (const MetricComparison& metric : case_comparison.metrics) {
      rows.push_back({first ? case_comparison.name : "", &metric});
      first = false;
    }
  }
  return rows;
}

// Case-level facts: failures, and cases without any comparable metric.
std::vector<std::string> CaseNotes(const Comparison& comparison) {
  std::vector<std::string> notes;
  for (const CaseComparison& c : comparison.cases) {
    if (c.base_status != "ok") {
      notes.push_back(absl::StrCat(c.name, ": ", c.base_status, " in the base",
                                   c.base_error.empty() ? "" : ": ", c.base_error));
    }
    if (c.candidate_status != "ok") {
      notes.push_back(absl::StrCat(c.name, ": ", c.candidate_status, " in the candidate",
                                   c.candidate_error.empty() ? "" : ": ", c.candidate_error));
    }
    if (c.metrics.empty() && c.base_status == "ok" && c.candidate_status == "ok") {
      notes.push_back(absl::StrCat(c.name, ": no comparable metric"));
    }
    if (!c.base_noise.empty()) notes.push_back(absl::StrCat(c.name, ": base ", c.base_noise));
    if (!c.candidate_noise.empty()) {
      notes.push_back(absl::StrCat(c.name, ": candidate ", c.candidate_noise));
    }
  }
  return notes;
}

std::vector<std::string> NoisyNotes(const Comparison& comparison) {
  std::vector<std::string> notes;
  for (const CaseComparison& c : comparison.cases) {
    for (const MetricComparison& metric : c.metrics) {
      if (metric.reason.empty()) continue;
      notes.push_back(absl::StrCat(c.name, " ", metric.metric->title, ": ", metric.reason));
    }
  }
  return notes;
}

void WriteSide(JsonWriter& json, const SideStatistics& side) {
  json.BeginObject();
  json.Key("n").Integer(side.n);
  json.Key("median").Number(side.median);
  json.Key("cv").Number(side.cv);
  json.Key("robustLogSpread").Number(side.spread);
  json.Key("runs").Integer(side.runs);
  if (side.runs >= kRunsForRunSpread) json.Key("runSpread").Number(side.run_spread);
  if (side.disturbed > 0) json.Key("disturbed").Integer(side.disturbed);
  json.EndObject();
}

void WriteRuns(JsonWriter& json, const std::vector<RunSummary>& runs) {
  json.BeginArray();
  for (const RunSummary& run : runs) {
    json.BeginObject();
    json.Key("runId").String(run.run_id);
    json.Key("workload").String(run.workload);
    json.Key("label").String(run.label);
    json.Key("startedAt").String(run.started_at);
    json.Key("hostname").String(run.hostname);
    json.Key("kernelRelease").String(run.kernel_release);
    json.EndObject();
  }
  json.EndArray();
}

void WriteStrings(JsonWriter& json, const std::vector<std::string>& values) {
  json.BeginArray();
  for (const std::string& value : values) json.String(value);
  json.EndArray();
}

void WriteInterval(JsonWriter& json, const Interval& interval) {
  json.BeginArray().Number(interval.lower).Number(interval.upper).EndArray();
}

}  // namespace

std::string ChangeText(const MetricComparison& c) {
  if (c.verdict == ChangeVerdict::kUnavailable) return "-";
  if (c.change.has_value()) return SignedPercent(*c.change);
  return SignedValue(*c.metric, c.difference);
}

std::string ConfidenceText(const MetricComparison& c) {
  if (c.verdict == ChangeVerdict::kUnavailable) return "-";
  if (c.change_ci.has_value()) {
    return absl::StrCat("[", SignedPercent(c.change_ci->lower), ", ",
                        SignedPercent(c.change_ci->upper), "]");
  }
  return absl::StrCat("[", SignedValue(*c.metric, c.difference_ci.lower), ", ",
                      SignedValue(*c.metric, c.difference_ci.upper), "]");
}

std::string PValueText(const MetricComparison& c) {
  if (c.verdict == ChangeVerdict::kUnavailable) return "-";
  const double p = c.p_adjusted;  // Benjamini-Hochberg over the comparison's checks
  if (p >= 0.001) return absl::StrFormat("%.3f", p);
  return absl::StrFormat("%.1e", p);
}

std::string MedianText(const MetricComparison& c, bool candidate) {
  const SideStatistics& side = candidate ? c.candidate : c.base;
  return side.n == 0 ? "-" : FormatMetricValue(*c.metric, side.median);
}

void PrintComparisonText(const Comparison& comparison, std::ostream* out) {
  for (const RunSummary& run : comparison.base_runs) *out << "base       " << RunLine(run) << "\n";
  for (const RunSummary& run : comparison.candidate_runs) {
    *out << "candidate  " << RunLine(run) << "\n";
  }
  for (const std::string& warning : comparison.warnings) *out << "warning: " << warning << "\n";
  *out << "\n";
  TextTable table({{"case"},
                   {"metric"},
                   {"base", Align::kRight},
                   {"candidate", Align::kRight},
                   {"n", Align::kRight},
                   {"change", Align::kRight},
                   {"95% CI", Align::kRight},
                   {"p", Align::kRight},
                   {"verdict"}});
  for (const Row& row : Rows(comparison)) table.AddRow(Cells(row));
  if (table.empty()) {
    *out << "no case measured on both sides\n";
  } else {
    table.Print(out);
  }
  for (const std::string& note : CaseNotes(comparison)) *out << note << "\n";
  for (const std::string& name : comparison.only_in_base) *out << "only in base: " << name << "\n";
  for (const std::string& name : comparison.only_in_candidate) {
    *out << "only in candidate: " << name << "\n";
  }
  *out << Legend(comparison);
  for (const std::string& note : NoisyNotes(comparison)) *out << "  " << note << "\n";
}

void PrintComparisonMarkdown(const Comparison& comparison, std::ostream* out) {
  *out << "### ipclab compare\n\n";
  for (const RunSummary& run : comparison.base_runs) {
    *out << "- base: `" << MarkdownCell(RunLine(run)) << "`\n";
  }
  for (const RunSummary& run : comparison.candidate_runs) {
    *out << "- candidate: `" << MarkdownCell(RunLine(run)) << "`\n";
  }
  for (const std::string& warning : comparison.warnings) {
    *out << "- **warning:** " << MarkdownCell(warning) << "\n";
  }
  *out << "\n";
  const std::vector<Row> rows = Rows(comparison);
  if (rows.empty()) {
    *out << "No case was measured on both sides.\n";
  } else {
    *out << "| case | metric | base | candidate | n | change | 95% CI | p | verdict |\n";
    *out << "|---|---|--:|--:|--:|--:|--:|--:|---|\n";
    for (const Row& row : rows) {
      std::vector<std::string> cells = Cells(row);
      for (std::string& cell : cells) cell = MarkdownCell(cell);
      const ChangeVerdict verdict = row.metric->verdict;
      if (verdict == ChangeVerdict::kWorse || verdict == ChangeVerdict::kBetter) {
        cells.back() = absl::StrCat("**", cells.back(), "**");
      }
      *out << "| " << absl::StrJoin(cells, " | ") << " |\n";
    }
  }
  *out << "\n";
  for (const std::string& note : CaseNotes(comparison)) *out << "- " << MarkdownCell(note) << "\n";
  for (const std::string& name : comparison.only_in_base) {
    *out << "- only in base: " << MarkdownCell(name) << "\n";
  }
  for (const std::string& name : comparison.only_in_candidate) {
    *out << "- only in candidate: " << MarkdownCell(name) << "\n";
  }
  for (const std::string& note : NoisyNotes(comparison)) *out << "- " << MarkdownCell(note) << "\n";
  *out << "\n" << absl::StrReplaceAll(Legend(comparison), {{"\n", "\n\n"}});
}

void PrintComparisonJson(const Comparison& comparison, std::ostream* out) {
  const CompareOptions& options = comparison.options;
  JsonWriter json(out);
  json.BeginObject();
  json.Key("base");
  WriteRuns(json, comparison.base_runs);
  json.Key("candidate");
  WriteRuns(json, comparison.candidate_runs);
  json.Key("threshold").Number(options.threshold);
  json.Key("alpha").Number(options.alpha);
  json.Key("noiseK").Number(options.noise_k);
  json.Key("bootstrapResamples").Integer(options.bootstrap.resamples);
  json.Key("bootstrapSeed").Integer(static_cast<int64_t>(options.bootstrap.seed));
  json.Key("warnings");
  WriteStrings(json, comparison.warnings);
  json.Key("cases").BeginArray();
  for (const CaseComparison& c : comparison.cases) {
    json.BeginObject();
    json.Key("case").String(c.name);
    json.Key("key").String(c.key);
    json.Key("workload").String(c.workload);
    json.Key("baseStatus").String(c.base_status);
    json.Key("candidateStatus").String(c.candidate_status);
    if (!c.base_error.empty()) json.Key("baseError").String(c.base_error);
    if (!c.candidate_error.empty()) json.Key("candidateError").String(c.candidate_error);
    if (!c.base_noise.empty()) {
      json.Key("baseDisturbedShare").Number(c.base_disturbed_share);
      json.Key("baseNoise").String(c.base_noise);
    }
    if (!c.candidate_noise.empty()) {
      json.Key("candidateDisturbedShare").Number(c.candidate_disturbed_share);
      json.Key("candidateNoise").String(c.candidate_noise);
    }
    json.Key("metrics").BeginArray();
    for (const MetricComparison& m : c.metrics) {
      json.BeginObject();
      json.Key("metric").String(m.metric->key);
      json.Key("unit").String(m.metric->unit);
      json.Key("higherIsBetter").Bool(m.metric->direction == Direction::kHigherIsBetter);
      json.Key("base");
      WriteSide(json, m.base);
      json.Key("candidate");
      WriteSide(json, m.candidate);
      json.Key("verdict").String(ChangeVerdictName(m.verdict));
      if (m.verdict != ChangeVerdict::kUnavailable) {
        json.Key("difference").Number(m.difference);
        json.Key("differenceCi");
        WriteInterval(json, m.difference_ci);
        if (m.change.has_value()) json.Key("change").Number(*m.change);
        if (m.change_ci.has_value()) {
          json.Key("changeCi");
          WriteInterval(json, *m.change_ci);
        }
        json.Key("band").Number(m.band);
        json.Key("u").Number(m.test.u);
        json.Key("pValue").Number(m.test.p_value);
        json.Key("pAdjusted").Number(m.p_adjusted);
        json.Key("noiseFloorWorse").Number(m.floor_worse);
        json.Key("noiseFloorBetter").Number(m.floor_better);
        json.Key("exactTest").Bool(m.test.exact);
        json.Key("significant").Bool(m.significant);
      }
      if (!m.reason.empty()) json.Key("reason").String(m.reason);
      if (m.repetitions_needed > 0) json.Key("repetitionsNeeded").Integer(m.repetitions_needed);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.Key("onlyInBase");
  WriteStrings(json, comparison.only_in_base);
  json.Key("onlyInCandidate");
  WriteStrings(json, comparison.only_in_candidate);
  json.EndObject();
}

}  // namespace ipclab::results
