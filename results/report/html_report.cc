#include "results/report/html_report.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/size.h"
#include "google/protobuf/util/time_util.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/model/case_view.h"
#include "results/model/expectations.h"
#include "results/model/noise.h"
#include "results/model/phases.h"
#include "results/model/summary.h"
#include "results/report/comparison_report.h"
#include "results/report/html_charts.h"
#include "results/report/matrix_summary.h"
#include "results/report/svg_chart.h"
#include "results/report/table_reporter.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

using html::Hosts;
using html::Param;
using html::ShortId;

constexpr size_t kMostChangeBars = 60;

constexpr char kStyle[] = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
       margin: 0 auto; max-width: 1360px; padding: 24px; line-height: 1.45; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin-top: 24px; }
.meta { color: #57606a; }
nav.toc { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px 16px; margin: 12px 0; }
nav.toc ol { margin: 4px 0; padding-left: 22px; columns: 2; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; height: auto; margin: 4px 0; border: 1px solid #eaeef2; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px; }
.grid > div { min-width: 0; }
.hosts { display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 12px; }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: 12px; }
.MATCHED { color: #1a7f37; } .DEVIATED { color: #cf222e; font-weight: 600; }
.better { color: #007a5a; } .worse { color: #b34700; font-weight: 600; } .noisy { color: #6e6e6e; }
.warning { color: #9a6700; }
)css";

std::string Time(const v1::RunResult& run) {
  return run.has_started_at() ? google::protobuf::util::TimeUtil::ToString(run.started_at()) : "-";
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
    *out << "<tr><td><code>" << XmlEscape(run.run_id()) << "</code></td><td>"
         << XmlEscape(run.workload()) << "</td><td>" << XmlEscape(Time(run)) << "</td><td>"
         << XmlEscape(host.hostname()) << "</td><td>" << XmlEscape(host.kernel_release())
         << "</td><td>" << XmlEscape(host.thp_enabled()) << "</td><td>"
         << XmlEscape(host.cpu_model()) << " ×" << host.cpu_count() << "</td><td class=\"num\">"
         << run.cases_size() << "</td><td>" << XmlEscape(run.request().label()) << "</td><td>"
         << v1::RunStatus_Name(run.status()) << "</td></tr>\n";
  }
  *out << "</table>\n";
}

// What makes two runs comparable: the workload and the request's
// parameters and sweeps (labels, tags and repetition counts aside).
std::string LikeKey(const v1::RunResult& run) {
  const std::map<std::string, std::string> params(run.request().params().begin(),
                                                  run.request().params().end());
  std::map<std::string, std::string> sweeps;
  for (const v1::Sweep& sweep : run.request().sweeps()) {
    sweeps[sweep.name()] = absl::StrJoin(sweep.values(), ",");
  }
  return absl::StrCat(run.workload(), "|", absl::StrJoin(params, " ", absl::PairFormatter("=")),
                      "|", absl::StrJoin(sweeps, " ", absl::PairFormatter("=")));
}

// Like with like: every run against the first run given with the same
// workload and request (so a matrix against a matrix pairs pipe stream with
// pipe stream, never cow_private with pipe); a run with no such twin is
// compared with the first earlier run of its workload and mode that fixes
// and sweeps the same parameters (two pipe runs that differ in, say,
// pipe_capacity); never across workloads or kinds of run.
// Pairs in the order of the later run.
std::vector<std::pair<size_t, size_t>> LikePairs(const std::vector<v1::RunResult>& runs) {
  std::map<std::string, size_t> first_exact;
  std::map<std::string, size_t> first_of_kind;
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t i = 0; i < runs.size(); ++i) {
    // The same workload, mode, and names of fixed and swept parameters.
    auto mode = runs[i].request().params().find("mode");
    std::set<std::string> names;
    for (const auto& [name, value] : runs[i].request().params()) names.insert(name);
    std::set<std::string> swept;
    for (const v1::Sweep& sweep : runs[i].request().sweeps()) swept.insert(sweep.name());
    const std::string kind = absl::StrCat(
        runs[i].workload(), "|", mode == runs[i].request().params().end() ? "" : mode->second, "|",
        absl::StrJoin(names, ","), "|", absl::StrJoin(swept, ","));
    auto [exact, new_exact] = first_exact.emplace(LikeKey(runs[i]), i);
    auto [of_kind, new_kind] = first_of_kind.emplace(kind, i);
    if (!new_exact) {
      pairs.emplace_back(exact->second, i);
    } else if (!new_kind) {
      pairs.emplace_back(of_kind->second, i);
    }
  }
  return pairs;
}

// The metric a case is judged by: ns per page for faults, the round-trip
// p50 for pingpong, else throughput.
bool IsHeadlineMetric(const v1::RunResult& run, const CaseComparison& c,
                      const MetricComparison& m) {
  for (const v1::CaseResult& result : run.cases()) {
    if (result.case_().name() != c.name) continue;
    if (TouchesPages(result)) return std::string(m.metric->key) == "ns_per_page";
    if (Param(result, "mode") == "pingpong") return std::string(m.metric->key) == "p50";
    return std::string(m.metric->key) == "throughput";
  }
  return std::string(m.metric->key) == "throughput";
}

// "pipe 64KiB,cross": a case's parameter values without their names.
std::string CompactCase(const v1::RunResult& run, const std::string& name) {
  std::vector<std::string> values;
  for (absl::string_view assignment : absl::StrSplit(name, ',')) {
    const size_t equals = assignment.find('=');
    values.emplace_back(equals == absl::string_view::npos ? assignment
                                                          : assignment.substr(equals + 1));
  }
  std::string text = run.workload();
  auto mode = run.request().params().find("mode");
  if (mode != run.request().params().end()) absl::StrAppend(&text, " ", mode->second);
  if (name != run.workload()) absl::StrAppend(&text, " ", absl::StrJoin(values, ","));
  return text;
}

// At the top: each run against its like (LikePairs), one chart of every
// case's headline change with its 95% CI, counts of the verdicts, and the
// full comparison of each pair folded.
bool ComparisonSection(const std::vector<v1::RunResult>& runs, const CompareOptions& options,
                       std::ostream* out) {
  const std::vector<std::pair<size_t, size_t>> pairs = LikePairs(runs);
  if (pairs.empty()) return false;
  std::vector<ChangeBar> bars;
  std::map<std::string, int> verdicts;
  std::set<std::string> base_hosts, candidate_hosts;
  std::ostringstream folded;
  for (const auto& [base, candidate] : pairs) {
    base_hosts.insert(runs[base].host().hostname());
    candidate_hosts.insert(runs[candidate].host().hostname());
    const Comparison comparison = CompareRuns({runs[base]}, {runs[candidate]}, options);
    for (const CaseComparison& c : comparison.cases) {
      for (const MetricComparison& m : c.metrics) {
        if (!IsHeadlineMetric(runs[base], c, m)) continue;
        ++verdicts[ChangeVerdictName(m.verdict)];
        if (!m.change.has_value() || !m.change_ci.has_value() || bars.size() >= kMostChangeBars) {
          continue;
        }
        bars.push_back(
            {absl::StrCat(CompactCase(runs[base], c.name), " ", m.metric->title), *m.change,
             m.change_ci->lower, m.change_ci->upper, ChangeVerdictName(m.verdict),
             absl::StrCat(ChangeText(m), " ", ChangeVerdictName(m.verdict), " p=", PValueText(m))});
      }
    }
    folded << "<details><summary>" << XmlEscape(runs[candidate].workload()) << " <code>"
           << XmlEscape(ShortId(runs[candidate].run_id())) << "</code> against <code>"
           << XmlEscape(ShortId(runs[base].run_id())) << "</code>";
    for (const std::string& warning : comparison.warnings) {
      folded << " <span class=\"warning\">(" << XmlEscape(warning) << ")</span>";
    }
    std::ostringstream text;
    PrintComparisonText(comparison, &text);
    folded << "</summary><pre>" << XmlEscape(text.str()) << "</pre></details>\n";
  }
  *out << "<h2 id=\"comparison\">Comparison</h2>\n<p>" << pairs.size()
       << (pairs.size() == 1 ? " run" : " runs")
       << " compared with the earlier run of the same workload and parameters (like with like)";
  if (base_hosts != candidate_hosts) {
    *out << ": " << XmlEscape(absl::StrJoin(candidate_hosts, ", ")) << " against "
         << XmlEscape(absl::StrJoin(base_hosts, ", "));
  }
  *out << ". Each case by the metric that matters for it (throughput for streams, round-trip "
          "p50 for pingpong, ns per page for faults):";
  for (const char* verdict : {"better", "worse", "same", "noisy", "n/a"}) {
    auto it = verdicts.find(verdict);
    if (it != verdicts.end()) {
      *out << " <span class=\"" << verdict << "\">" << it->second << " " << verdict << "</span>";
    }
  }
  *out << ".</p>\n";
  if (!bars.empty()) {
    *out << ChangeChartSvg(
        absl::StrCat("Change against the baseline (bars: median change; whiskers: 95% CI; "
                     "grey band: ±",
                     FormatPercent(options.threshold, 0), ")"),
        bars, options.threshold);
  }
  *out << "<p class=\"meta\">Every metric of every pair:</p>\n" << folded.str();
  return true;
}

// The host facts side by side, a column per host: what to read the figures
// against.
void HostsTable(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  std::vector<const v1::HostInfo*> hosts;
  for (const v1::RunResult& run : runs) {
    if (std::none_of(hosts.begin(), hosts.end(), [&](const v1::HostInfo* h) {
          return h->hostname() == run.host().hostname();
        })) {
      hosts.push_back(&run.host());
    }
  }
  struct Fact {
    const char* name;
    std::string (*value)(const v1::HostInfo&);
  };
  static const Fact kFacts[] = {
      {"kernel", [](const v1::HostInfo& h) { return h.kernel_release(); }},
      {"CPU", [](const v1::HostInfo& h) { return h.cpu_model(); }},
      {"CPUs",
       [](const v1::HostInfo& h) {
         return absl::StrCat(h.cpu_count(), " (allowed ", FormatCpuList(h.allowed_cpus()), ")");
       }},
      {"THP",
       [](const v1::HostInfo& h) {
         return absl::StrCat("enabled=", h.thp_enabled(), " defrag=", h.thp_defrag());
       }},
      {"memory",
       [](const v1::HostInfo& h) { return FormatBytes(static_cast<double>(h.mem_total_bytes())); }},
      {"container",
       [](const v1::HostInfo& h) {
         return h.in_container() ? absl::StrCat("yes (", h.container_runtime(), ")")
                                 : std::string("no");
       }},
      {"ipclab", [](const v1::HostInfo& h) { return h.ipclab_version(); }},
  };
  *out << "<table><tr><th></th>";
  for (const v1::HostInfo* host : hosts) *out << "<th>" << XmlEscape(host->hostname()) << "</th>";
  *out << "</tr>\n";
  for (const Fact& fact : kFacts) {
    *out << "<tr><th>" << fact.name << "</th>";
    for (const v1::HostInfo* host : hosts)
      *out << "<td>" << XmlEscape(fact.value(*host)) << "</td>";
    *out << "</tr>\n";
  }
  *out << "</table>\n";
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
        *out << "<tr><td>" << XmlEscape(CaseLabel(run, result)) << "</td><td><code>"
             << XmlEscape(e.metric()) << "</code></td><td>" << XmlEscape(e.description())
             << (e.reason().empty() ? "" : "<br><em>") << XmlEscape(e.reason())
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
  *out << "<h2 id=\"expectations\">Expectations</h2>\n<p>" << total << " expectations: " << matched
       << " matched, " << total - matched << " deviated or not measured.</p>\n";
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
       << "<title>" << XmlEscape(options.title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n";
  const std::vector<std::string> hosts = Hosts(runs);
  *out << "<h1>" << XmlEscape(options.title) << "</h1>\n<p class=\"meta\">" << runs.size()
       << (runs.size() == 1 ? " run" : " runs") << " on " << XmlEscape(absl::StrJoin(hosts, ", "));
  if (!options.generated_at.empty()) *out << " · generated " << XmlEscape(options.generated_at);
  *out << " · medians over the measured repetitions</p>\n";

  // The sections are written first so the table of contents lists only
  // those with something to show.
  std::vector<std::pair<std::string, std::string>> contents;  // id, title
  std::ostringstream body;
  if (ComparisonSection(runs, options.compare, &body)) {
    contents.emplace_back("comparison", "Comparison with 95% confidence intervals");
  }
  std::ostringstream summary;
  PrintMatrixSummary(runs, &summary);
  if (!summary.str().empty()) {
    body << "<h2 id=\"answers\">Answers</h2>\n";
    if (!LikePairs(runs).empty()) {
      body << "<p class=\"meta\">Of the later run of each kind (the comparison above says how "
              "it differs from the earlier).</p>\n";
    }
    body << "<pre>" << XmlEscape(summary.str()) << "</pre>\n";
    contents.emplace_back("answers", "Answers (as `ipclab run` prints them)");
  }
  if (html::StreamSection(runs, &body)) contents.emplace_back("stream", "Stream bandwidth");
  if (html::LatencySection(runs, &body)) contents.emplace_back("latency", "Round-trip latency");
  if (html::FaultSection(runs, &body))
    contents.emplace_back("faults", "Page faults and copy-on-write");
  // Disturbed repetitions and skewed phases.
  std::vector<std::string> noise;
  size_t noisy_cases = 0;
  size_t cases = 0;
  for (const v1::RunResult& run : runs) {
    for (const v1::CaseResult& result : run.cases()) {
      ++cases;
      noisy_cases += NoiseLines(result).empty() ? 0 : 1;
      for (const std::string& line : NoiseLines(result)) {
        noise.push_back(absl::StrCat(run.workload(), " ", result.case_().name(), ": ", line));
      }
    }
  }
  if (!noise.empty()) {
    body << "<h2 id=\"noise\">Noise</h2>\n<p class=\"warning\">" << noisy_cases << " of " << cases
         << " cases were measured with other work on their CPUs or with skewed phases; their "
            "figures may not hold from run to run.</p>\n<details><summary>"
         << noise.size() << " notes</summary><ul>\n";
    for (const std::string& line : noise) body << "<li>" << XmlEscape(line) << "</li>\n";
    body << "</ul></details>\n";
    contents.emplace_back("noise", "Noise");
  }
  body << "<h2 id=\"phases\">Faults and memory per phase</h2>\n";
  for (const v1::RunResult& run : runs) {
    body << "<details><summary>" << XmlEscape(run.workload()) << " <code>"
         << XmlEscape(run.run_id()) << "</code></summary>\n";
    html::PhaseSection(run, &body);
    body << "</details>\n";
  }
  contents.emplace_back("phases", "Faults and memory per phase");
  std::ostringstream expectations;
  ExpectationSection(runs, &expectations);
  if (!expectations.str().empty()) {
    body << expectations.str();
    contents.emplace_back("expectations", "Expectations");
  }
  body << "<h2 id=\"runs\">Runs and hosts</h2>\n";
  HostsTable(runs, &body);
  RunsTable(runs, &body);
  contents.emplace_back("runs", "Runs and hosts");
  body << "<h2 id=\"tables\">Run tables</h2>\n";
  for (const v1::RunResult& run : runs) {
    std::ostringstream table;
    PrintRunTable(run, &table);
    body << "<details><summary>" << XmlEscape(run.workload()) << " <code>"
         << XmlEscape(run.run_id()) << "</code></summary><pre>" << XmlEscape(table.str())
         << "</pre></details>\n";
  }
  contents.emplace_back("tables", "Run tables");

  *out << "<nav class=\"toc\"><strong>Contents</strong><ol>\n";
  for (const auto& [id, title] : contents) {
    *out << "<li><a href=\"#" << id << "\">" << XmlEscape(title) << "</a></li>\n";
  }
  *out << "</ol></nav>\n" << body.str() << "</body>\n</html>\n";
}

}  // namespace ipclab::results
