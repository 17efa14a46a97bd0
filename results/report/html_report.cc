#include "results/report/html_report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/size.h"
#include "google/protobuf/util/time_util.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/model/expectations.h"
#include "results/model/noise.h"
#include "results/model/phases.h"
#include "results/report/comparison_report.h"
#include "results/report/svg_chart.h"
#include "results/report/table_reporter.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

constexpr size_t kMostCasesPerPhaseChart = 24;
constexpr size_t kMostChangeBars = 60;

constexpr char kStyle[] = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
       margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.45; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin-top: 24px; }
.meta { color: #57606a; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; height: auto; margin: 8px 0; border: 1px solid #eaeef2; }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: 12px; }
.MATCHED { color: #1a7f37; } .DEVIATED { color: #cf222e; font-weight: 600; }
.warning { color: #9a6700; }
)css";

std::string Escape(absl::string_view text) { return SvgEscape(text); }

std::string ShortId(const std::string& id) { return id.size() > 8 ? id.substr(0, 8) : id; }

std::string Time(const v1::RunResult& run) {
  return run.has_started_at() ? google::protobuf::util::TimeUtil::ToString(run.started_at()) : "-";
}

std::string Param(const v1::CaseResult& result, const std::string& name) {
  auto it = result.case_().params().find(name);
  return it == result.case_().params().end() ? "" : it->second;
}

// Names of parameters whose values differ between the cases of `runs` that
// share a workload.
std::set<std::string> VaryingParams(const std::vector<v1::RunResult>& runs) {
  std::map<std::string, std::map<std::string, std::set<std::string>>> values;  // workload, name
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      for (const auto& [name, value] : result.case_().params()) {
        values[run.workload()][name].insert(value);
      }
    }
  }
  std::set<std::string> names;
  for (const auto& [workload, params] : values) {
    for (const auto& [name, seen] : params) {
      if (seen.size() > 1) names.insert(name);
    }
  }
  return names;
}

// A case of a run, as charts list them.
struct ChartedCase {
  const v1::RunResult* run;
  const v1::CaseResult* result;
};

// Short labels for charted cases: the workload when there are several, the
// run's short id when a workload has several runs, then only the values of
// the parameters a run sweeps that differ between the charted cases ("64KiB
// pingpong"), and name=value for those that differ between runs only.
std::vector<std::string> ShortLabels(const std::vector<ChartedCase>& cases) {
  std::map<std::string, std::set<std::string>> runs_by_workload;
  std::map<std::string, std::set<std::string>> values;
  for (const ChartedCase& c : cases) {
    runs_by_workload[c.run->workload()].insert(c.run->run_id());
    for (const auto& [name, value] : c.result->case_().params()) values[name].insert(value);
  }
  auto label = [&](const ChartedCase& c, bool with_run) {
    std::vector<std::string> parts;
    if (runs_by_workload.size() > 1) parts.push_back(c.run->workload());
    if (with_run) parts.push_back(ShortId(c.run->run_id()));
    // The swept parameters' values, in the case name's order.
    for (absl::string_view assignment : absl::StrSplit(c.result->case_().name(), ',')) {
      const std::string name(assignment.substr(0, assignment.find('=')));
      auto value = c.result->case_().params().find(name);
      if (value != c.result->case_().params().end() && values[name].size() > 1) {
        parts.push_back(value->second);
      }
    }
    // Parameters fixed in each run but different between runs: with names.
    for (const auto& [name, value] : c.result->case_().params()) {
      if (values[name].size() > 1 &&
          c.result->case_().name().find(name + "=") == std::string::npos) {
        parts.push_back(absl::StrCat(name, "=", value));
      }
    }
    if (parts.empty()) parts.push_back(c.run->workload());
    return absl::StrJoin(parts, " ");
  };
  std::vector<std::string> labels;
  for (const ChartedCase& c : cases) labels.push_back(label(c, false));
  // The run's id only where the parameters leave two cases alike.
  std::map<std::string, int> seen;
  for (const std::string& text : labels) ++seen[text];
  for (size_t i = 0; i < cases.size(); ++i) {
    if (seen[labels[i]] > 1) labels[i] = label(cases[i], true);
  }
  return labels;
}

std::string CaseLabel(const v1::RunResult& run, const v1::CaseResult& result) {
  return absl::StrCat(run.workload(), " ",
                      result.case_().name().empty() ? "(single case)" : result.case_().name());
}

void RunsTable(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  *out << "<table><tr><th>run</th><th>workload</th><th>started</th><th>host</th><th>kernel</th>"
          "<th>THP</th><th>CPU</th><th>cases</th><th>label</th><th>status</th></tr>\n";
  for (const v1::RunResult& run : runs) {
    const v1::HostInfo& host = run.host();
    *out << "<tr><td><code>" << Escape(run.run_id()) << "</code></td><td>" << Escape(run.workload())
         << "</td><td>" << Escape(Time(run)) << "</td><td>" << Escape(host.hostname())
         << "</td><td>" << Escape(host.kernel_release()) << "</td><td>"
         << Escape(host.thp_enabled()) << "</td><td>" << Escape(host.cpu_model()) << " ×"
         << host.cpu_count() << "</td><td class=\"num\">" << run.cases_size() << "</td><td>"
         << Escape(run.request().label()) << "</td><td>" << v1::RunStatus_Name(run.status())
         << "</td></tr>\n";
  }
  *out << "</table>\n";
}

void ThroughputSection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  const CaseMetric& throughput = *FindCaseMetric("throughput");
  std::set<std::string> varying = VaryingParams(runs);
  varying.erase("message_size");
  const bool several_same_workload = [&] {
    std::set<std::string> seen;
    for (const v1::RunResult& run : runs) {
      if (!seen.insert(run.workload()).second) return true;
    }
    return false;
  }();
  std::map<std::string, ChartSeries> series;
  std::vector<std::string> order;
  std::set<double> sizes;
  std::vector<BarGroup> bars;
  std::vector<ChartedCase> charted;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      const std::vector<double> values =
          MetricSamples(result, throughput, run.host().page_size_bytes());
      if (values.empty()) continue;
      const auto [min, max] = std::minmax_element(values.begin(), values.end());
      std::vector<std::string> parts = {run.workload()};
      for (const std::string& name : varying) {
        const std::string value = Param(result, name);
        if (!value.empty()) parts.push_back(absl::StrCat(name, "=", value));
      }
      if (several_same_workload) parts.push_back(absl::StrCat("(", ShortId(run.run_id()), ")"));
      const std::string key = absl::StrJoin(parts, " ");
      if (series.count(key) == 0) order.push_back(key);
      series[key].name = key;
      BarGroup group;
      group.values.push_back(Median(values));
      group.ranges.push_back(std::make_pair(*min, *max));
      bars.push_back(group);
      charted.push_back({&run, &result});
      if (absl::StatusOr<uint64_t> size = base::ParseSize(Param(result, "message_size"));
          size.ok()) {
        sizes.insert(static_cast<double>(*size));
        series[key].points.push_back({static_cast<double>(*size), Median(values), *min, *max});
      }
    }
  }
  *out << "<h2>Throughput</h2>\n";
  if (bars.empty()) {
    *out << "<p class=\"meta\">No case moved bytes.</p>\n";
    return;
  }
  const ChartAxis y{"throughput (median; whiskers: min–max)", AxisScale::kLinear,
                    [](double v) { return FormatThroughput(v); }};
  if (sizes.size() >= 2) {
    std::vector<ChartSeries> lines;
    for (const std::string& key : order) {
      if (!series[key].points.empty()) lines.push_back(series[key]);
    }
    const ChartAxis x{"message size", AxisScale::kLog2, [](double v) { return FormatBytes(v); }};
    *out << LineChartSvg("Throughput against message size", x, y, lines);
  } else {
    const std::vector<std::string> labels = ShortLabels(charted);
    for (size_t i = 0; i < bars.size(); ++i) bars[i].label = labels[i];
    *out << BarChartSvg("Throughput per case", {"median throughput"}, bars, y);
  }
}

void LatencySection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  struct Percentile {
    const char* name;
    double (v1::LatencySummary::*value)() const;
  };
  static constexpr Percentile kPercentiles[] = {{"p50", &v1::LatencySummary::p50_ns},
                                                {"p90", &v1::LatencySummary::p90_ns},
                                                {"p99", &v1::LatencySummary::p99_ns},
                                                {"p99.9", &v1::LatencySummary::p999_ns}};
  std::vector<BarGroup> groups;
  std::vector<ChartedCase> charted;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      const std::string headline = HeadlinePhase(result);
      BarGroup group;
      bool any = false;
      for (const Percentile& percentile : kPercentiles) {
        std::vector<double> values;
        for (const v1::RepetitionResult& repetition : result.repetitions()) {
          const v1::PhaseResult* phase = FindPhase(repetition, headline);
          if (repetition.warmup() || phase == nullptr || phase->latency().count() == 0) continue;
          values.push_back((phase->latency().*percentile.value)());
        }
        any |= !values.empty();
        group.values.push_back(values.empty() ? std::nullopt
                                              : std::optional<double>(Median(values)));
      }
      if (!any) continue;
      groups.push_back(group);
      charted.push_back({&run, &result});
    }
  }
  if (groups.empty()) return;
  const std::vector<std::string> labels = ShortLabels(charted);
  for (size_t i = 0; i < groups.size(); ++i) groups[i].label = labels[i];
  *out << "<h2>Latency</h2>\n";
  std::vector<std::string> names;
  for (const Percentile& percentile : kPercentiles) names.push_back(percentile.name);
  const ChartAxis y{"round-trip latency (median over repetitions, log scale)", AxisScale::kLog10,
                    [](double v) { return FormatDuration(v); }};
  *out << BarChartSvg("Latency percentiles", names, groups, y);
}

// Per phase of `result`: the median over repetitions of the sum over roles.
std::map<std::string, double> PerPhase(const v1::CaseResult& result,
                                       double (*value)(const v1::RoleMeasurement&)) {
  std::map<std::string, std::vector<double>> sums;
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    if (repetition.warmup()) continue;
    for (const v1::PhaseResult& phase : repetition.phases()) {
      double sum = 0;
      for (const v1::RoleMeasurement& role : phase.roles()) sum += value(role);
      sums[phase.name()].push_back(sum);
    }
  }
  std::map<std::string, double> medians;
  for (const auto& [phase, values] : sums) medians[phase] = Median(values);
  return medians;
}

void PhaseSection(const v1::RunResult& run, std::ostream* out) {
  std::vector<std::string> phases;
  std::vector<ChartedCase> charted;
  for (const v1::CaseResult& result : run.cases()) {
    if (result.repetitions_size() == 0) continue;
    if (charted.size() < kMostCasesPerPhaseChart) charted.push_back({&run, &result});
    for (const v1::PhaseResult& phase : result.repetitions(0).phases()) {
      if (std::find(phases.begin(), phases.end(), phase.name()) == phases.end()) {
        phases.push_back(phase.name());
      }
    }
  }
  if (charted.empty()) return;
  struct Measure {
    const char* title;
    ChartAxis axis;
    double (*value)(const v1::RoleMeasurement&);
  };
  static const Measure kMeasures[] = {
      {"Minor faults per phase",
       {"minor faults, all roles (median)", AxisScale::kLinear,
        [](double v) { return FormatCount(v); }},
       [](const v1::RoleMeasurement& r) {
         return static_cast<double>(r.counters().minor_faults());
       }},
      {"RSS growth per phase",
       {"VmRSS after − before, all roles (median)", AxisScale::kLinear,
        [](double v) { return FormatBytes(v); }, /*binary=*/true},
       [](const v1::RoleMeasurement& r) {
         return static_cast<double>(r.memory_after().vm_rss_bytes()) -
                static_cast<double>(r.memory_before().vm_rss_bytes());
       }},
  };
  *out << "<h3>" << Escape(run.workload()) << " <code>" << Escape(run.run_id()) << "</code></h3>\n";
  const std::vector<std::string> labels = ShortLabels(charted);
  for (const Measure& measure : kMeasures) {
    std::vector<BarGroup> groups;  // one per case, a bar per phase
    for (size_t i = 0; i < charted.size(); ++i) {
      const std::map<std::string, double> medians = PerPhase(*charted[i].result, measure.value);
      BarGroup group;
      group.label = labels[i];
      for (const std::string& phase : phases) {
        auto it = medians.find(phase);
        group.values.push_back(it == medians.end() ? std::nullopt
                                                   : std::optional<double>(it->second));
      }
      groups.push_back(group);
    }
    *out << BarChartSvg(measure.title, phases, groups, measure.axis);
  }
  if (run.cases_size() > static_cast<int>(charted.size())) {
    *out << "<p class=\"meta\">First " << charted.size() << " of " << run.cases_size()
         << " cases shown.</p>\n";
  }
}

void ComparisonSection(const std::vector<v1::RunResult>& runs, const CompareOptions& options,
                       std::ostream* out) {
  if (runs.size() < 2) return;
  *out << "<h2>Comparison against the first run</h2>\n";
  for (size_t i = 1; i < runs.size(); ++i) {
    const Comparison comparison = CompareRuns({runs[0]}, {runs[i]}, options);
    std::vector<ChangeBar> bars;
    for (const CaseComparison& c : comparison.cases) {
      for (const MetricComparison& m : c.metrics) {
        if (!m.change.has_value() || !m.change_ci.has_value() || bars.size() >= kMostChangeBars) {
          continue;
        }
        bars.push_back(
            {absl::StrCat(c.name, " ", m.metric->title), *m.change, m.change_ci->lower,
             m.change_ci->upper, ChangeVerdictName(m.verdict),
             absl::StrCat(ChangeText(m), " ", ChangeVerdictName(m.verdict), " p=", PValueText(m))});
      }
    }
    *out << "<h3>" << Escape(runs[i].workload()) << " <code>" << Escape(runs[i].run_id())
         << "</code> against <code>" << Escape(runs[0].run_id()) << "</code></h3>\n";
    for (const std::string& warning : comparison.warnings) {
      *out << "<p class=\"warning\">warning: " << Escape(warning) << "</p>\n";
    }
    if (!bars.empty()) {
      *out << ChangeChartSvg(
          absl::StrCat("Change against the baseline (bars: median change; whiskers: 95% CI; "
                       "grey band: ±",
                       FormatPercent(options.threshold, 0), ")"),
          bars, options.threshold);
    }
    std::ostringstream text;
    PrintComparisonText(comparison, &text);
    *out << "<details><summary>Comparison table</summary><pre>" << Escape(text.str())
         << "</pre></details>\n";
  }
}

void ExpectationRows(const std::vector<v1::RunResult>& runs, bool deviations_only,
                     std::ostream* out) {
  *out << "<table><tr><th>case</th><th>metric</th><th>what the kernel should do</th>"
          "<th>band</th><th>measured</th><th>verdict</th></tr>\n";
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      for (const v1::Expectation& e : result.expectations()) {
        if (deviations_only && e.verdict() == v1::MATCHED) continue;
        const std::string verdict = v1::Verdict_Name(e.verdict());
        *out << "<tr><td>" << Escape(CaseLabel(run, result)) << "</td><td><code>"
             << Escape(e.metric()) << "</code></td><td>" << Escape(e.description())
             << (e.reason().empty() ? "" : "<br><em>") << Escape(e.reason())
             << (e.reason().empty() ? "" : "</em>") << "</td><td class=\"num\">"
             << FormatMeasurement(e.lower()) << " – " << FormatMeasurement(e.upper())
             << "</td><td class=\"num\">" << FormatMeasurement(e.measured()) << "</td><td class=\""
             << verdict << "\">" << verdict << "</td></tr>\n";
      }
    }
  }
  *out << "</table>\n";
}

// What the kernel should have done against what it did: the deviations in
// the open, every expectation in a folded table.
void ExpectationSection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  int total = 0;
  int matched = 0;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      for (const v1::Expectation& e : result.expectations()) {
        ++total;
        matched += e.verdict() == v1::MATCHED ? 1 : 0;
      }
    }
  }
  if (total == 0) return;
  *out << "<h2>Expectations</h2>\n<p>" << total << " expectations: " << matched << " matched, "
       << total - matched << " deviated or not measured.</p>\n";
  if (matched < total) ExpectationRows(runs, /*deviations_only=*/true, out);
  *out << "<details><summary>All expectations</summary>\n";
  ExpectationRows(runs, /*deviations_only=*/false, out);
  *out << "</details>\n";
}

}  // namespace

void PrintHtmlReport(const std::vector<v1::RunResult>& runs, const ReportOptions& options,
                     std::ostream* out) {
  *out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<title>" << Escape(options.title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n";
  *out << "<h1>" << Escape(options.title) << "</h1>\n<p class=\"meta\">" << runs.size()
       << (runs.size() == 1 ? " run" : " runs");
  if (!options.generated_at.empty()) *out << " · generated " << Escape(options.generated_at);
  *out << " · medians over the measured repetitions</p>\n";
  *out << "<h2>Runs</h2>\n";
  RunsTable(runs, out);
  // Disturbed repetitions and skewed phases, before any figure is read.
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      for (const std::string& line : NoiseLines(result)) {
        *out << "<p class=\"warning\">" << Escape(run.workload()) << " "
             << Escape(result.case_().name()) << ": " << Escape(line) << "</p>\n";
      }
    }
  }
  ThroughputSection(runs, out);
  LatencySection(runs, out);
  *out << "<h2>Faults and memory per phase</h2>\n";
  for (const v1::RunResult& run : runs) PhaseSection(run, out);
  ComparisonSection(runs, options.compare, out);
  ExpectationSection(runs, out);
  *out << "<h2>Run tables</h2>\n";
  for (const v1::RunResult& run : runs) {
    std::ostringstream table;
    PrintRunTable(run, &table);
    *out << "<details><summary>" << Escape(run.workload()) << " <code>" << Escape(run.run_id())
         << "</code></summary><pre>" << Escape(table.str()) << "</pre></details>\n";
  }
  *out << "</body>\n</html>\n";
}

}  // namespace ipclab::results
