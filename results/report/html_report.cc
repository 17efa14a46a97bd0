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
#include "results/report/matrix_summary.h"
#include "results/report/svg_chart.h"
#include "results/report/table_reporter.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

constexpr size_t kMostCasesPerPhaseChart = 24;
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

// One colour per transport and per kind of page, the same in every panel
// (Okabe-Ito: distinct for colour-blind readers too).
std::string TransportColour(const std::string& workload) {
  static const std::map<std::string, std::string> kColours = {{"pipe", "#0072B2"},
                                                              {"unix_socket", "#E69F00"},
                                                              {"shm_posix", "#009E73"},
                                                              {"shm_sysv", "#D55E00"},
                                                              {"mmap_file", "#CC79A7"}};
  auto it = kColours.find(workload);
  return it == kColours.end() ? "" : it->second;
}

// `colour` ("#RRGGBB") halfway to white: the same transport's later run.
std::string Lighter(const std::string& colour) {
  if (colour.size() != 7 || colour[0] != '#') return colour;
  std::string lighter = "#";
  for (size_t i = 1; i < 7; i += 2) {
    const int value = std::stoi(colour.substr(i, 2), nullptr, 16);
    absl::StrAppend(&lighter, absl::StrFormat("%02X", (value + 255) / 2));
  }
  return lighter;
}

std::string PageKindColour(const std::string& kind) {
  if (kind == "4 KiB") return "#0072B2";
  if (kind == "THP") return "#E69F00";
  if (kind == "hugetlb") return "#009E73";
  return "#CC79A7";
}

std::string Escape(absl::string_view text) { return SvgEscape(text); }

std::string ShortId(const std::string& id) { return id.size() > 8 ? id.substr(0, 8) : id; }

std::string Time(const v1::RunResult& run) {
  return run.has_started_at() ? google::protobuf::util::TimeUtil::ToString(run.started_at()) : "-";
}

std::string Param(const v1::CaseResult& result, const std::string& name) {
  auto it = result.case_().params().find(name);
  return it == result.case_().params().end() ? "" : it->second;
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

// Which CPUs a placement asks for, as panel titles say it.
std::string PlacementTitle(const std::string& placement) {
  if (placement == "same") return "1 CPU (placement=same)";
  if (placement == "cross") return "2 CPUs (placement=cross)";
  if (placement.empty() || placement == "none") return "CPUs as scheduled";
  return absl::StrCat("placement=", placement);
}

int PlacementOrder(const std::string& placement) {
  return placement == "same" ? 0 : placement == "cross" ? 1 : 2;
}

std::vector<std::string> Hosts(const std::vector<v1::RunResult>& runs) {
  std::vector<std::string> hosts;
  for (const v1::RunResult& run : runs) {
    if (std::find(hosts.begin(), hosts.end(), run.host().hostname()) == hosts.end()) {
      hosts.push_back(run.host().hostname());
    }
  }
  return hosts;
}

// The transfer cases of `runs` in `mode`, by panel: (host, placement order,
// placement) -> cases.
using PanelKey = std::tuple<size_t, int, std::string>;
std::map<PanelKey, std::vector<ChartedCase>> TransferPanels(const std::vector<v1::RunResult>& runs,
                                                            const std::string& mode) {
  const std::vector<std::string> hosts = Hosts(runs);
  std::map<PanelKey, std::vector<ChartedCase>> panels;
  for (const v1::RunResult& run : runs) {
    const size_t host = static_cast<size_t>(
        std::find(hosts.begin(), hosts.end(), run.host().hostname()) - hosts.begin());
    for (const v1::CaseResult& result : run.cases()) {
      if (Param(result, "mode") != mode || result.status() != v1::SUCCEEDED) continue;
      const std::string placement = Param(result, "placement");
      panels[{host, PlacementOrder(placement), placement}].push_back({&run, &result});
    }
  }
  return panels;
}

// The series a transfer case belongs to within its panel: the workload, the
// parameters that vary between the panel's cases of that workload (other
// than message size, placement and mode), and the run when a workload has
// several runs in the panel that the parameters do not tell apart.
std::vector<std::string> SeriesNames(const std::vector<ChartedCase>& cases) {
  std::map<std::string, std::map<std::string, std::set<std::string>>> values;
  std::map<std::string, std::set<std::string>> run_ids;
  for (const ChartedCase& c : cases) {
    run_ids[c.run->workload()].insert(c.run->run_id());
    for (const auto& [name, value] : c.result->case_().params()) {
      values[c.run->workload()][name].insert(value);
    }
  }
  std::vector<std::string> names;
  for (const ChartedCase& c : cases) {
    std::vector<std::string> parts = {c.run->workload()};
    for (const auto& [name, seen] : values[c.run->workload()]) {
      if (seen.size() < 2 || name == "message_size" || name == "placement" || name == "mode") {
        continue;
      }
      parts.push_back(absl::StrCat(name, "=", Param(*c.result, name)));
    }
    names.push_back(absl::StrJoin(parts, " "));
  }
  // Two runs of one workload and setting: the run's short id as well.
  std::map<std::string, std::set<std::string>> runs_per_name;
  for (size_t i = 0; i < cases.size(); ++i) runs_per_name[names[i]].insert(cases[i].run->run_id());
  for (size_t i = 0; i < cases.size(); ++i) {
    if (runs_per_name[names[i]].size() > 1) {
      absl::StrAppend(&names[i], " (", ShortId(cases[i].run->run_id()), ")");
    }
  }
  return names;
}

// The colour of each of `cases`' series: its transport's, lighter for every
// further run of that transport in the same panel (two matrices compared).
std::vector<std::string> SeriesColours(const std::vector<ChartedCase>& cases) {
  std::map<std::string, std::string> first_run;  // workload -> run id
  std::vector<std::string> colours;
  for (const ChartedCase& c : cases) {
    auto [it, inserted] = first_run.emplace(c.run->workload(), c.run->run_id());
    const std::string colour = TransportColour(c.run->workload());
    colours.push_back(inserted || it->second == c.run->run_id() ? colour : Lighter(colour));
  }
  return colours;
}

std::string PanelTitle(const std::string& what, const PanelKey& key,
                       const std::vector<std::string>& hosts) {
  std::string title = absl::StrCat(what, ", ", PlacementTitle(std::get<2>(key)));
  if (hosts.size() > 1) absl::StrAppend(&title, " — ", hosts[std::get<0>(key)]);
  return title;
}

// Panels in a grid, a row per placement and a column per host when the runs
// span hosts (so hosts stand side by side), else two to a row.
void PrintPanels(std::vector<std::pair<PanelKey, std::string>> panels, size_t host_count,
                 std::ostream* out) {
  std::stable_sort(panels.begin(), panels.end(), [](const auto& a, const auto& b) {
    return std::make_pair(std::get<1>(a.first), std::get<0>(a.first)) <
           std::make_pair(std::get<1>(b.first), std::get<0>(b.first));
  });
  if (host_count > 1) {
    int row = -1;
    for (const auto& [key, svg] : panels) {
      if (std::get<1>(key) != row) {
        if (row != -1) *out << "</div>\n";
        *out << "<div class=\"hosts\">\n";
        row = std::get<1>(key);
      }
      *out << "<div>" << svg << "</div>\n";
    }
    if (row != -1) *out << "</div>\n";
    return;
  }
  *out << "<div class=\"grid\">\n";
  for (const auto& [key, svg] : panels) *out << "<div>" << svg << "</div>\n";
  *out << "</div>\n";
}

// A section of the transfer cases of `runs` in `mode`: `heading` (HTML), then
// the panels `panel` draws, one per placement (and host), an SVG each (none
// where it returns ""). False, printing nothing, without such cases.
bool TransferSection(
    const std::vector<v1::RunResult>& runs, const std::string& mode, absl::string_view heading,
    const std::function<std::string(const PanelKey&, const std::vector<ChartedCase>&,
                                    const std::vector<std::string>&)>& panel,
    std::ostream* out) {
  const auto panels = TransferPanels(runs, mode);
  if (panels.empty()) return false;
  const std::vector<std::string> hosts = Hosts(runs);
  *out << heading;
  std::vector<std::pair<PanelKey, std::string>> svgs;
  for (const auto& [key, cases] : panels) {
    std::string svg = panel(key, cases, hosts);
    if (!svg.empty()) svgs.emplace_back(key, std::move(svg));
  }
  PrintPanels(svgs, hosts.size(), out);
  return true;
}

// Stream bandwidth: a panel per placement (and host), throughput against
// message size on a log axis, a line per transport in its own colour.
bool StreamSection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  const CaseMetric& throughput = *FindCaseMetric("throughput");
  const auto panel = [&](const PanelKey& key, const std::vector<ChartedCase>& cases,
                         const std::vector<std::string>& hosts) -> std::string {
    const std::vector<std::string> names = SeriesNames(cases);
    const std::vector<std::string> colours = SeriesColours(cases);
    std::vector<ChartSeries> series;
    std::set<double> sizes;
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::vector<double> values =
          MetricSamples(*cases[i].result, throughput, cases[i].run->host().page_size_bytes());
      absl::StatusOr<uint64_t> size = base::ParseSize(Param(*cases[i].result, "message_size"));
      if (values.empty() || !size.ok()) continue;
      auto it = std::find_if(series.begin(), series.end(),
                             [&](const ChartSeries& s) { return s.name == names[i]; });
      if (it == series.end()) {
        series.push_back({names[i], {}, colours[i]});
        it = series.end() - 1;
      }
      const auto [min, max] = std::minmax_element(values.begin(), values.end());
      it->points.push_back({static_cast<double>(*size), Median(values), *min, *max});
      sizes.insert(static_cast<double>(*size));
    }
    if (series.empty()) return "";
    // Transports in the catalog's order, so legends read alike.
    std::stable_sort(series.begin(), series.end(), [](const ChartSeries& a, const ChartSeries& b) {
      return a.colour.empty() < b.colour.empty();
    });
    const ChartAxis y{"throughput (median; whiskers: min–max)", AxisScale::kLinear,
                      [](double v) { return FormatThroughput(v); }};
    if (sizes.size() >= 2) {
      const ChartAxis x{"message size (log scale)", AxisScale::kLog2,
                        [](double v) { return FormatBytes(v); }};
      return LineChartSvg(PanelTitle("Stream", key, hosts), x, y, series, kPanelWidth);
    }
    std::vector<std::string> series_names;
    std::vector<std::string> bar_colours;
    BarGroup group;
    group.label = FormatBytes(*sizes.begin());
    for (const ChartSeries& s : series) {
      series_names.push_back(s.name);
      bar_colours.push_back(s.colour);
      group.values.push_back(s.points.front().y);
      group.ranges.push_back(std::make_pair(*s.points.front().low, *s.points.front().high));
    }
    return BarChartSvg(PanelTitle("Stream", key, hosts), series_names, {group}, y, kPanelWidth,
                       bar_colours);
  };
  return TransferSection(
      runs, "stream",
      "<h2 id=\"stream\">Stream bandwidth</h2>\n<p class=\"meta\">Median payload bytes per "
      "second of the steady phase (1 GB/s = 10<sup>9</sup> B/s); whiskers from the slowest "
      "to the fastest repetition. One panel per placement, so one CPU and two CPUs are never "
      "mixed; each transport keeps its colour in every panel.</p>\n",
      panel, out);
}

// Round trips: a panel per placement (and host), the latency percentiles of
// each transport on a log axis.
bool LatencySection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  struct Percentile {
    const char* name;
    double (v1::LatencySummary::*value)() const;
  };
  static constexpr Percentile kPercentiles[] = {{"p50", &v1::LatencySummary::p50_ns},
                                                {"p90", &v1::LatencySummary::p90_ns},
                                                {"p99", &v1::LatencySummary::p99_ns},
                                                {"p99.9", &v1::LatencySummary::p999_ns}};
  const auto panel = [](const PanelKey& key, const std::vector<ChartedCase>& cases,
                        const std::vector<std::string>& hosts) -> std::string {
    const std::vector<std::string> names = SeriesNames(cases);
    const std::vector<std::string> case_colours = SeriesColours(cases);
    std::vector<std::string> series_names;
    std::vector<std::string> colours;
    std::vector<BarGroup> groups(std::size(kPercentiles));
    for (size_t p = 0; p < std::size(kPercentiles); ++p) groups[p].label = kPercentiles[p].name;
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string headline = HeadlinePhase(*cases[i].result);
      std::vector<std::optional<double>> medians;
      bool any = false;
      for (const Percentile& percentile : kPercentiles) {
        std::vector<double> values;
        for (const v1::RepetitionResult& repetition : cases[i].result->repetitions()) {
          const v1::PhaseResult* phase = FindPhase(repetition, headline);
          if (repetition.warmup() || phase == nullptr || phase->latency().count() == 0) continue;
          values.push_back((phase->latency().*percentile.value)());
        }
        any |= !values.empty();
        medians.push_back(values.empty() ? std::nullopt : std::optional<double>(Median(values)));
      }
      if (!any) continue;
      std::string name = names[i];
      const std::string size = Param(*cases[i].result, "message_size");
      if (!size.empty()) absl::StrAppend(&name, " ", size, " B");
      series_names.push_back(name);
      colours.push_back(case_colours[i]);
      for (size_t p = 0; p < medians.size(); ++p) groups[p].values.push_back(medians[p]);
    }
    if (series_names.empty()) return "";
    const ChartAxis y{"round trip (log scale)", AxisScale::kLog10,
                      [](double v) { return FormatDuration(v); }};
    return BarChartSvg(PanelTitle("Round trip", key, hosts), series_names, groups, y, kPanelWidth,
                       colours);
  };
  return TransferSection(
      runs, "pingpong",
      "<h2 id=\"latency\">Round-trip latency</h2>\n<p class=\"meta\">Pingpong: the time "
      "for one message there and back, percentiles over the round trips of a repetition "
      "(median over repetitions), log scale. Lower is better.</p>\n",
      panel, out);
}

std::string PageKind(const v1::CaseResult& result) {
  const std::string huge = Param(result, "huge_pages");
  if (huge.empty() || huge == "none") return "4 KiB";
  if (huge == "thp") return "THP";
  if (huge == "hugetlb_1g") return "1 GiB hugetlb";
  return huge;
}

// Page faults and copy-on-write: ns per 4 KiB page touched, per access
// pattern, a bar per kind of page, log scale; a panel per host.
bool FaultSection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  const std::vector<std::string> hosts = Hosts(runs);
  std::vector<std::pair<PanelKey, std::string>> svgs;
  for (size_t h = 0; h < hosts.size(); ++h) {
    for (const char* workload : {"page_fault", "cow_private"}) {
      std::vector<std::string> kinds;
      std::vector<std::string> rows;
      std::map<std::pair<std::string, std::string>, const v1::MetricSummary*> cells;
      std::vector<std::unique_ptr<CaseView>> views;
      for (const v1::RunResult& run : runs) {
        if (run.host().hostname() != hosts[h] || run.workload() != workload) continue;
        for (const v1::CaseResult& result : run.cases()) {
          if (result.status() != v1::SUCCEEDED) continue;
          views.push_back(std::make_unique<CaseView>(result));
          std::string row;
          std::string phase = "child_write";
          if (run.workload() == "cow_private") {
            row = Param(result, "backing").empty() ? "anon" : Param(result, "backing");
          } else {
            const std::string access = Param(result, "access");
            phase = access == "read" ? "read" : "write";
            row = access == "read"              ? "read (zero page)"
                  : access == "read_then_write" ? "write after read"
                                                : "write";
            if (Param(result, "populate") == "true") row += ", populated";
          }
          const v1::MetricSummary* summary = views.back()->Metric(MetricName(phase, "ns_per_page"));
          if (summary == nullptr || summary->n() == 0) continue;
          const std::string kind = PageKind(result);
          if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
          if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
          cells[{row, kind}] = summary;
        }
      }
      if (rows.empty()) continue;
      std::vector<std::string> colours;
      for (const std::string& kind : kinds) colours.push_back(PageKindColour(kind));
      std::vector<BarGroup> groups;
      for (const std::string& row : rows) {
        BarGroup group;
        group.label = row;
        for (const std::string& kind : kinds) {
          auto it = cells.find({row, kind});
          if (it == cells.end()) {
            group.values.push_back(std::nullopt);
            group.ranges.push_back(std::nullopt);
            continue;
          }
          group.values.push_back(it->second->median());
          group.ranges.push_back(std::make_pair(it->second->min(), it->second->max()));
        }
        groups.push_back(std::move(group));
      }
      const bool cow = std::string(workload) == "cow_private";
      std::string title = cow ? "Copy-on-write after fork: the child's writes"
                              : "Page faults: cost per 4 KiB page touched";
      if (hosts.size() > 1) absl::StrAppend(&title, " — ", hosts[h]);
      const ChartAxis y{"ns per 4 KiB page (log scale; whiskers: min–max)", AxisScale::kLog10,
                        [](double v) { return FormatDuration(v); }};
      svgs.emplace_back(PanelKey{h, cow ? 1 : 0, workload},
                        BarChartSvg(title, kinds, groups, y, kPanelWidth, colours));
    }
  }
  if (svgs.empty()) return false;
  *out << "<h2 id=\"faults\">Page faults and copy-on-write</h2>\n<p class=\"meta\">Wall time "
          "per 4 KiB page touched (one touch per 4 KiB page, also in huge mappings), median "
          "over repetitions. A read of untouched memory maps the shared zero page; a huge page "
          "is one fault that zeroes 2 MiB; populated mappings paid their faults in setup.</p>\n";
  PrintPanels(svgs, hosts.size(), out);
  return true;
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
    folded << "<details><summary>" << Escape(runs[candidate].workload()) << " <code>"
           << Escape(ShortId(runs[candidate].run_id())) << "</code> against <code>"
           << Escape(ShortId(runs[base].run_id())) << "</code>";
    for (const std::string& warning : comparison.warnings) {
      folded << " <span class=\"warning\">(" << Escape(warning) << ")</span>";
    }
    std::ostringstream text;
    PrintComparisonText(comparison, &text);
    folded << "</summary><pre>" << Escape(text.str()) << "</pre></details>\n";
  }
  *out << "<h2 id=\"comparison\">Comparison</h2>\n<p>" << pairs.size()
       << (pairs.size() == 1 ? " run" : " runs")
       << " compared with the earlier run of the same workload and parameters (like with like)";
  if (base_hosts != candidate_hosts) {
    *out << ": " << Escape(absl::StrJoin(candidate_hosts, ", ")) << " against "
         << Escape(absl::StrJoin(base_hosts, ", "));
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
  for (const v1::HostInfo* host : hosts) *out << "<th>" << Escape(host->hostname()) << "</th>";
  *out << "</tr>\n";
  for (const Fact& fact : kFacts) {
    *out << "<tr><th>" << fact.name << "</th>";
    for (const v1::HostInfo* host : hosts) *out << "<td>" << Escape(fact.value(*host)) << "</td>";
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
       << "<title>" << Escape(options.title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n";
  const std::vector<std::string> hosts = Hosts(runs);
  *out << "<h1>" << Escape(options.title) << "</h1>\n<p class=\"meta\">" << runs.size()
       << (runs.size() == 1 ? " run" : " runs") << " on " << Escape(absl::StrJoin(hosts, ", "));
  if (!options.generated_at.empty()) *out << " · generated " << Escape(options.generated_at);
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
    body << "<pre>" << Escape(summary.str()) << "</pre>\n";
    contents.emplace_back("answers", "Answers (as `ipclab run` prints them)");
  }
  if (StreamSection(runs, &body)) contents.emplace_back("stream", "Stream bandwidth");
  if (LatencySection(runs, &body)) contents.emplace_back("latency", "Round-trip latency");
  if (FaultSection(runs, &body)) contents.emplace_back("faults", "Page faults and copy-on-write");
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
    for (const std::string& line : noise) body << "<li>" << Escape(line) << "</li>\n";
    body << "</ul></details>\n";
    contents.emplace_back("noise", "Noise");
  }
  body << "<h2 id=\"phases\">Faults and memory per phase</h2>\n";
  for (const v1::RunResult& run : runs) {
    body << "<details><summary>" << Escape(run.workload()) << " <code>" << Escape(run.run_id())
         << "</code></summary>\n";
    PhaseSection(run, &body);
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
    body << "<details><summary>" << Escape(run.workload()) << " <code>" << Escape(run.run_id())
         << "</code></summary><pre>" << Escape(table.str()) << "</pre></details>\n";
  }
  contents.emplace_back("tables", "Run tables");

  *out << "<nav class=\"toc\"><strong>Contents</strong><ol>\n";
  for (const auto& [id, title] : contents) {
    *out << "<li><a href=\"#" << id << "\">" << Escape(title) << "</a></li>\n";
  }
  *out << "</ol></nav>\n" << body.str() << "</body>\n</html>\n";
}

}  // namespace ipclab::results
