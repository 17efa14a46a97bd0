#include "results/report/html_charts.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/size.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/model/case_view.h"
#include "results/model/phases.h"
#include "results/model/summary.h"
#include "results/report/svg_chart.h"
#include "results/stats/statistics.h"

namespace ipclab::results::html {

namespace {

constexpr size_t kMostCasesPerPhaseChart = 24;

}  // namespace

std::string ShortId(const std::string& id) { return id.size() > 8 ? id.substr(0, 8) : id; }

namespace {

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

}  // namespace

std::string Param(const v1::CaseResult& result, const std::string& name) {
  auto it = result.case_().params().find(name);
  return it == result.case_().params().end() ? "" : it->second;
}

namespace {

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

}  // namespace

std::vector<std::string> Hosts(const std::vector<v1::RunResult>& runs) {
  std::vector<std::string> hosts;
  for (const v1::RunResult& run : runs) {
    if (std::find(hosts.begin(), hosts.end(), run.host().hostname()) == hosts.end()) {
      hosts.push_back(run.host().hostname());
    }
  }
  return hosts;
}

namespace {

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

}  // namespace

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

namespace {

std::string PageKind(const v1::CaseResult& result) {
  const std::string huge = Param(result, "huge_pages");
  if (huge.empty() || huge == "none") return "4 KiB";
  if (huge == "thp") return "THP";
  if (huge == "hugetlb_1g") return "1 GiB hugetlb";
  return huge;
}

}  // namespace

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

namespace {

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

}  // namespace

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
  *out << "<h3>" << XmlEscape(run.workload()) << " <code>" << XmlEscape(run.run_id())
       << "</code></h3>\n";
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

}  // namespace ipclab::results::html
