#include "results/report/side_by_side_table.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/size.h"
#include "results/format/format.h"
#include "results/model/case_view.h"
#include "results/model/noise.h"
#include "results/model/phases.h"
#include "results/model/summary.h"
#include "results/report/matrix_summary.h"
#include "results/report/table_cells.h"
#include "results/report/table_reporter.h"
#include "results/report/text_table.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

struct Row {
  std::string label;  // which run: workload, and host or index when needed
  std::unique_ptr<CaseView> view;
  std::optional<double> throughput;
};

std::string ParamOf(const v1::CaseResult& result, const char* name) {
  const auto& params = result.case_().params();
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

// "stream 64KiB": the case parameters that make rows comparable.
std::string GroupOf(const v1::CaseResult& result) {
  std::string group = ParamOf(result, "mode");
  std::string size = ParamOf(result, "message_size");
  if (absl::StatusOr<uint64_t> bytes = base::ParseSize(size); bytes.ok()) {
    size = FormatBytes(static_cast<double>(*bytes));  // "64" -> "64 B"
  }
  if (!size.empty()) group = group.empty() ? size : absl::StrCat(group, " ", size);
  if (!group.empty()) return group;
  // Not a transfer (page_fault, cow_private): cases compare by the phase
  // their headline numbers come from ("write phase", "child_write phase").
  const std::string phase = CaseView(result).headline_phase();
  return phase.empty() ? "-" : absl::StrCat(phase, " phase");
}

std::set<std::string> RunHosts(const std::vector<v1::RunResult>& runs) {
  std::set<std::string> hosts;
  for (const v1::RunResult& run : runs) hosts.insert(run.host().hostname());
  return hosts;
}

// One label per run: the workload, "@host" when the runs span hosts, "#i"
// when that still leaves two runs alike.
std::vector<std::string> RunLabels(const std::vector<v1::RunResult>& runs) {
  const bool several_hosts = RunHosts(runs).size() > 1;
  std::vector<std::string> labels;
  for (const v1::RunResult& run : runs) {
    std::string label = OrDash(run.workload());
    if (several_hosts) absl::StrAppend(&label, "@", run.host().hostname());
    labels.push_back(std::move(label));
  }
  std::vector<std::string> unique = labels;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (std::count(labels.begin(), labels.end(), labels[i]) > 1) {
      unique[i] = absl::StrCat(labels[i], " #", i + 1);
    }
  }
  return unique;
}

// The sum of the roles' median minor faults in `phase`, if any role has one.
std::optional<double> MinorFaults(const CaseView& view, const std::string& phase) {
  std::optional<double> total;
  for (const auto& [name, roles] : view.phases()) {
    if (name != phase) continue;
    for (const std::string& role : roles) {
      if (auto median = view.Median(MetricName(phase, role, "minor_faults"))) {
        total = total.value_or(0.0) + *median;
      }
    }
  }
  return total;
}

// "1", "1, 3": run numbers as the legend shows them.
std::string RunNumbers(const std::vector<size_t>& indexes) {
  std::vector<std::string> numbers;
  for (size_t index : indexes) numbers.push_back(absl::StrCat(index + 1));
  return absl::StrJoin(numbers, ", ");
}

// Where the numbers came from: the host lines and the repetition counts,
// once when every run shares them, else once per group of runs that do.
// `line` as is when it fits `width` (0: any), else broken at its
// double-space separators, continuation lines indented two more spaces.
void PrintFittedLine(const std::string& prefix, const std::string& line, size_t width,
                     std::ostream* out) {
  if (width == 0 || DisplayWidth(prefix) + DisplayWidth(line) <= width) {
    *out << prefix << line << "\n";
    return;
  }
  std::string current = prefix;
  bool first = true;
  for (absl::string_view part : absl::StrSplit(line, "  ", absl::SkipEmpty())) {
    if (!first && DisplayWidth(current) + 2 + DisplayWidth(part) > width) {
      *out << current << "\n";
      current = prefix + "  ";
      first = true;
    }
    if (!first) current += "  ";
    absl::StrAppend(&current, part);
    first = false;
  }
  *out << current << "\n";
}

// `text` broken at spaces to `width` columns (0: any), continuation lines
// indented two spaces.
void PrintWrappedWords(const std::string& text, size_t width, std::ostream* out) {
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (width > 0 && !line.empty() && line != "  " &&
        DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
      *out << line << "\n";
      line = "  ";
    }
    if (!line.empty() && line != "  ") line += " ";
    absl::StrAppend(&line, word);
  }
  *out << line << "\n";
}

void PrintProvenance(const std::vector<v1::RunResult>& runs, std::ostream* out, size_t width = 0) {
  std::vector<std::vector<std::string>> groups;  // lines of each distinct provenance
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> lines = HostLines(runs[i].host());
    lines.push_back(RepetitionsLine(runs[i]));
    auto it = std::find(groups.begin(), groups.end(), lines);
    if (it == groups.end()) {
      groups.push_back(std::move(lines));
      members.emplace_back();
      it = groups.end() - 1;
    }
    members[static_cast<size_t>(it - groups.begin())].push_back(i);
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    const bool several = groups.size() > 1;
    if (several) {
      *out << (members[g].size() == 1 ? "run " : "runs ") << RunNumbers(members[g]) << ":\n";
    }
    for (const std::string& line : groups[g]) {
      PrintFittedLine(several ? "  " : "", line, width, out);
    }
  }
}

// One text per role joined by "/", with a unit they share written once:
// {"+128 KiB", "0 B"} -> "+128/0 KiB", {"12", "3"} -> "12/3",
// {"64 KiB", "2 MiB"} -> "64 KiB/2 MiB". Zeros fit any unit.
std::string JoinRoleTexts(const std::vector<std::string>& texts) {
  std::string unit;
  bool shared = true;
  std::vector<std::string> numbers;
  for (const std::string& text : texts) {
    const size_t space = text.rfind(' ');
    if (space == std::string::npos) {
      shared = false;  // no unit (a count, or "-")
      break;
    }
    const std::string number = text.substr(0, space);
    numbers.push_back(number);
    if (number == "0") continue;
    const std::string this_unit = text.substr(space + 1);
    if (unit.empty()) unit = this_unit;
    shared &= this_unit == unit;
  }
  if (!shared) return absl::StrJoin(texts, "/");
  const std::string joined = absl::StrJoin(numbers, "/");
  return unit.empty() ? joined : absl::StrCat(joined, " ", unit);
}

// "+1,028 KiB", "-128 KiB", "0 B": a change of memory, exact to the page.
std::string PageBytesDelta(double bytes) {
  return bytes > 0 ? absl::StrCat("+", FormatPageBytes(bytes)) : FormatPageBytes(bytes);
}

// The median of `<phase>.<role>.<metric>` for each role, formatted, joined.
std::string RoleMedians(const CaseView& view, const std::string& phase,
                        const std::vector<std::string>& roles, const char* metric,
                        std::string (*format)(double)) {
  std::vector<std::string> texts;
  for (const std::string& role : roles) {
    texts.push_back(MedianText(view, MetricName(phase, role, metric), format));
  }
  return JoinRoleTexts(texts);
}

// Each role's VmRSS before→after `phase` in the last measured repetition:
// "2.43→2.63 MiB", or one value when it did not change.
std::string VmRssText(const CaseView& view, const std::string& phase,
                      const std::vector<std::string>& roles) {
  const v1::RepetitionResult& last = *view.result().repetitions().rbegin();
  std::vector<std::string> texts;
  for (const std::string& role : roles) {
    const v1::RoleMeasurement* measurement = nullptr;
    for (const v1::PhaseResult& candidate : last.phases()) {
      if (candidate.name() != phase) continue;
      for (const v1::RoleMeasurement& r : candidate.roles()) {
        if (r.role() == role) measurement = &r;
      }
    }
    if (measurement == nullptr) {
      texts.push_back("-");
      continue;
    }
    const uint64_t before = measurement->memory_before().vm_rss_bytes();
    const uint64_t after = measurement->memory_after().vm_rss_bytes();
    if (before == after) {
      texts.push_back(FormatBytes(static_cast<double>(after)));
      continue;
    }
    const std::string from = FormatBytes(static_cast<double>(before));
    const std::string to = FormatBytes(static_cast<double>(after));
    const size_t from_space = from.rfind(' ');
    const size_t to_space = to.rfind(' ');
    texts.push_back(from.substr(from_space) == to.substr(to_space)
                        ? absl::StrCat(from.substr(0, from_space), "→", to)
                        : absl::StrCat(from, "→", to));
  }
  return absl::StrJoin(texts, "/");
}

// Below the comparison, what each case's phases cost: one row per phase with
// a value per role in each cell, under a line naming the run, the case and
// its roles. One table for all, so the columns line up from case to case.
void PrintPhaseSection(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  const bool several_hosts = RunHosts(runs).size() > 1;
  std::vector<TextTable::Column> columns = {{"phase"}, {"wall", Align::kRight}};
  AppendCounterColumns(&columns);
  columns.insert(columns.end(), {{"RssAnon Δ", Align::kRight},
                                 {"RssShmem Δ", Align::kRight},
                                 {"VmRSS before→after", Align::kRight}});
  TextTable table(std::move(columns));
  // Each block: its heading and how many table rows follow it.
  std::vector<std::pair<std::string, size_t>> blocks;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const v1::CaseResult& result : runs[i].cases()) {
      if (result.repetitions_size() == 0) continue;  // nothing measured (failed early)
      const CaseView view(result);
      std::set<std::string> role_set;
      std::vector<std::string> roles;
      for (const auto& [phase, phase_roles] : view.phases()) {
        for (const std::string& role : phase_roles) {
          if (role_set.insert(role).second) roles.push_back(role);
        }
      }
      // "#3 pipe": the legend's number says which run; no "pipe #3" twice.
      std::string heading = absl::StrCat("#", i + 1, " ", OrDash(runs[i].workload()));
      if (several_hosts) absl::StrAppend(&heading, "@", runs[i].host().hostname());
      absl::StrAppend(&heading, "  ", view.name());
      if (!roles.empty()) absl::StrAppend(&heading, "  roles ", absl::StrJoin(roles, "/"));
      if (!view.succeeded()) absl::StrAppend(&heading, "  ", view.StatusText());
      size_t rows = 0;
      for (const auto& [phase, phase_roles] : view.phases()) {
        std::vector<std::string> cells = {
            phase, MedianText(view, MetricName(phase, "wall_ns"), FormatDuration)};
        for (const CounterColumn& counter : kCounterColumns) {
          cells.push_back(RoleMedians(view, phase, roles, counter.metric, FormatCount));
        }
        cells.insert(cells.end(),
                     {RoleMedians(view, phase, roles, "rss_anon_delta_bytes", PageBytesDelta),
                      RoleMedians(view, phase, roles, "rss_shmem_delta_bytes", PageBytesDelta),
                      VmRssText(view, phase, roles)});
        table.AddRow(std::move(cells));
        ++rows;
      }
      blocks.emplace_back(std::move(heading), rows);
    }
  }
  if (blocks.empty()) return;

  std::ostringstream rendered;
  table.Print(&rendered, "  ");
  const std::vector<std::string> lines = absl::StrSplit(rendered.str(), '\n');
  *out << "\nper phase: medians over the measured repetitions; a/b: one value per role, in the "
          "order of \"roles\"\n";
  *out << lines[0] << "\n" << lines[1] << "\n";  // header and rule
  size_t next = 2;
  for (const auto& [heading, rows] : blocks) {
    *out << heading << "\n";
    for (size_t r = 0; r < rows; ++r) *out << lines[next++] << "\n";
  }
  *out << "Δ: median change over the phase; VmRSS: before→after in the last measured "
          "repetition\n";
}

// What a group of rows is ranked by, and in which direction.
struct GroupMetric {
  const char* metric;  // "<headline phase>.<metric>"
  bool higher_is_better;
  std::string (*format)(double);
};

std::string FormatNsPerPage(double ns) { return absl::StrCat(FormatDuration(ns), "/page"); }

GroupMetric MetricOf(const v1::CaseResult& result) {
  if (TouchesPages(result)) return {"ns_per_page", false, FormatNsPerPage};
  if (ParamOf(result, "mode") == "pingpong") return {"latency_p50_ns", false, FormatDuration};
  if (CaseView(result).Metric(MetricName(HeadlinePhase(result), "throughput_bytes_per_sec"))) {
    return {"throughput_bytes_per_sec", true, FormatThroughput};
  }
  return {"wall_ns", false, FormatDuration};
}

// "1 CPU", "2 CPUs": the placement a group holds (both roles on one CPU, on
// two), or "" when the case has none.
std::string CpusText(const std::string& placement) {
  if (placement == "same") return "1 CPU";
  if (placement == "cross") return "2 CPUs";
  if (placement == "none") return "any CPU";
  return placement;
}

// The parameters a group key holds; the case column shows the others.
bool InGroupKey(const std::string& name) {
  return name == "mode" || name == "message_size" || name == "placement" || name == "access" ||
         name == "populate";
}

// What rows of one group have in common, so that "vs best" compares like
// with like: the kind of measurement (stream or pingpong and the message
// size; the access of a page fault; copy-on-write), the placement, and the
// host when the runs span hosts.
std::string GroupKey(const v1::RunResult& run, const v1::CaseResult& result, bool several_hosts) {
  std::string group;
  if (run.workload() == "page_fault") {
    std::string access = ParamOf(result, "access");
    auto request_param = [&](const char* name) {
      auto it = run.request().params().find(name);
      return it == run.request().params().end() ? std::string() : it->second;
    };
    if (access.empty()) access = request_param("access");
    if (access.empty()) access = "write";
    if (access == "read_then_write") access = "write after read";
    group = absl::StrCat("faults ", access);
    std::string populate = ParamOf(result, "populate");
    if (populate.empty()) populate = request_param("populate");
    if (populate == "true") absl::StrAppend(&group, " populated");
  } else if (run.workload() == "cow_private") {
    group = "copy-on-write";
  } else {
    group = GroupOf(result);
    const std::string cpus = CpusText(ParamOf(result, "placement"));
    if (!cpus.empty()) absl::StrAppend(&group, " ", cpus);
  }
  if (several_hosts) absl::StrAppend(&group, " @", run.host().hostname());
  return group;
}

// The phase a row's figures come from: the headline phase, except for a
// write after read, whose cost is its write (the read maps the zero page).
std::string MeasuredPhase(const CaseView& view) {
  if (ParamOf(view.result(), "access") == "read_then_write") {
    for (const auto& [phase, roles] : view.phases()) {
      if (phase == "write") return phase;
    }
  }
  return view.headline_phase();
}

// The case's parameters outside the group key ("huge_pages=thp"), or "-".
std::string CaseText(const v1::CaseResult& result) {
  std::vector<std::string> parts;
  for (absl::string_view assignment : absl::StrSplit(result.case_().name(), ',')) {
    const size_t equals = assignment.find('=');
    if (equals == absl::string_view::npos) continue;
    if (InGroupKey(std::string(assignment.substr(0, equals)))) continue;
    parts.emplace_back(assignment);
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ",");
}

// "p:0 c:1": the CPUs each role ran on (the group says what was asked).
std::string CpusRan(const CaseView& view) {
  const std::string text = view.PlacementText();
  const std::string requested = ParamOf(view.result(), "placement");
  if (!requested.empty() && absl::StartsWith(text, requested + " ")) {
    return text.substr(requested.size() + 1);
  }
  return text;
}

}  // namespace

void PrintComparisonTable(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  PrintMatrixReport(runs, TableOptions{Detail::kFull, 0}, out);
}

void PrintMatrixReport(const std::vector<v1::RunResult>& runs, const TableOptions& options,
                       std::ostream* out) {
  PrintMatrixSummary(runs, out);
  if (options.detail == Detail::kBrief) return;
  *out << "\n";
  const bool several_hosts = RunHosts(runs).size() > 1;
  // Rows name their run by workload (and host); "#<n>" only where a group
  // holds the same workload and case twice. The full legend numbers them all.
  std::vector<std::string> labels;
  for (const v1::RunResult& run : runs) {
    labels.push_back(several_hosts
                         ? absl::StrCat(OrDash(run.workload()), "@", run.host().hostname())
                         : OrDash(run.workload()));
  }
  PrintProvenance(runs, out, options.max_width);
  if (options.detail == Detail::kFull) {
    *out << "\n";
    TextTable legend({{"#", Align::kRight}, {"run"}, {"run id"}, {"server"}, {"host"}, {"status"}});
    const std::vector<std::string> numbered = RunLabels(runs);
    for (size_t i = 0; i < runs.size(); ++i) {
      const v1::RunResult& run = runs[i];
      legend.AddRow({absl::StrCat(i + 1), numbered[i], run.run_id(), run.server(),
                     run.host().hostname(), RunStatusText(run.status())});
    }
    legend.Print(out);
  } else {
    int succeeded = 0;
    for (const v1::RunResult& run : runs) succeeded += run.status() == v1::SUCCEEDED ? 1 : 0;
    *out << runs.size() << (runs.size() == 1 ? " run, " : " runs, ") << succeeded
         << " SUCCEEDED; run ids with --detail or `ipclab results list`\n";
    for (size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].status() == v1::SUCCEEDED) continue;
      *out << "  " << labels[i] << " " << runs[i].run_id() << ": "
           << RunStatusText(runs[i].status()) << "\n";
    }
  }
  *out << "\n";

  // Rows grouped like with like, groups in first-seen order, each group
  // ranked by its metric, best first; failed cases last.
  struct GroupRow {
    size_t run;
    std::unique_ptr<CaseView> view;
    GroupMetric metric;
    std::optional<double> value;
  };
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<GroupRow>> groups;
  bool verdicts = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const v1::CaseResult& result : runs[i].cases()) {
      verdicts |= result.expectations_size() > 0;
      GroupRow row{i, std::make_unique<CaseView>(result), MetricOf(result), std::nullopt};
      if (row.view->succeeded()) {
        row.value = row.view->Median(MetricName(MeasuredPhase(*row.view), row.metric.metric));
      }
      const std::string group = GroupKey(runs[i], result, several_hosts);
      if (groups.count(group) == 0) group_order.push_back(group);
      groups[group].push_back(std::move(row));
    }
  }

  std::vector<TextTable::Column> columns = {{"group"},
                                            {"run"},
                                            {"case"},
                                            {"cpus", Align::kLeft, 4},
                                            {"median", Align::kRight},
                                            {"cv", Align::kRight, 3},
                                            {"p99", Align::kRight, 5},
                                            {"faults", Align::kRight, 6},
                                            {"vs best", Align::kRight}};
  if (verdicts) columns.push_back({"verdict", Align::kLeft, 2});
  TextTable table(std::move(columns));
  for (const std::string& group : group_order) {
    std::vector<GroupRow>& rows = groups[group];
    std::stable_sort(rows.begin(), rows.end(), [](const GroupRow& a, const GroupRow& b) {
      if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
      if (!a.value.has_value()) return false;
      return a.metric.higher_is_better ? *a.value > *b.value : *a.value < *b.value;
    });
    const std::optional<double> best = rows.front().value;
    // Two rows alike in one group (the same workload and case twice): the
    // run's number tells them apart.
    std::map<std::string, int> seen;
    for (const GroupRow& row : rows) ++seen[labels[row.run] + CaseText(row.view->result())];
    bool first_row = true;
    for (const GroupRow& row : rows) {
      const CaseView& view = *row.view;
      std::string label = labels[row.run];
      if (seen[label + CaseText(view.result())] > 1) {
        absl::StrAppend(&label, " #", row.run + 1);
      }
      const std::string group_cell = first_row ? group : "";
      first_row = false;
      if (!view.succeeded()) {
        table.AddRow({group_cell, label, CaseText(view.result()), CpusRan(view), view.StatusText(),
                      "-", "-", "-", "-", view.VerdictText()});
        continue;
      }
      const std::string phase = MeasuredPhase(view);
      const v1::MetricSummary* summary = view.Metric(MetricName(phase, row.metric.metric));
      const std::optional<double> faults = MinorFaults(view, phase);
      std::string versus = "-";
      if (row.value.has_value() && best.has_value() && *row.value > 0 && *best > 0) {
        versus = absl::StrFormat(
            "%.2fx", row.metric.higher_is_better ? *best / *row.value : *row.value / *best);
      }
      table.AddRow({group_cell, label, CaseText(view.result()), CpusRan(view),
                    row.value.has_value() ? row.metric.format(*row.value) : "-",
                    summary != nullptr && summary->n() > 1 ? FormatPercent(summary->cv()) : "-",
                    MedianText(view, MetricName(phase, "latency_p99_ns"), FormatDuration),
                    faults.has_value() ? FormatCount(*faults) : "-", versus, view.VerdictText()});
    }
  }
  const std::vector<std::string> dropped = table.PrintFitted(out, options.max_width);
  *out << "Legend: rows are grouped like with like and ranked best first.\n"
          "  median   of the measured phase: stream = payload bytes/s (1 GB/s = 1e9 B/s),\n"
          "           pingpong = round-trip p50, faults and copy-on-write = wall time\n"
          "           per 4 KiB page touched (write after read: its write phase)\n"
          "  cpus     CPUs each role ran on: p producer, c consumer or child, t toucher\n"
          "  cv       coefficient of variation of the repetitions (a spread, not an\n"
          "           error bar)\n"
          "  p99      pingpong round trip, 99th percentile\n"
          "  faults   minor page faults of all roles in the measured phase\n"
          "  vs best  how many times slower than the best row of its group (1.00x)\n";
  if (verdicts) {
    *out << "  verdict  whether the kernel's counts fell in their expected bands\n";
  }
  if (!dropped.empty()) {
    PrintWrappedWords(absl::StrCat("Columns left out to fit ", options.max_width, " columns: ",
                                   absl::StrJoin(dropped, ", "), " (--wide shows them)"),
                      options.max_width, out);
  }
  // Noise: every line with --detail; otherwise how many cases, and the first
  // few, so a busy host is said but does not bury the table.
  constexpr size_t kNoiseLinesShown = 3;
  std::vector<std::string> noise;
  size_t noisy_cases = 0;
  size_t cases = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const v1::CaseResult& result : runs[i].cases()) {
      ++cases;
      const std::vector<std::string> lines = NoiseLines(result);
      noisy_cases += lines.empty() ? 0 : 1;
      for (const std::string& line : lines) {
        noise.push_back(absl::StrCat(labels[i], " ", result.case_().name(), ": ", line));
      }
    }
  }
  const bool all_noise = options.detail == Detail::kFull || noise.size() <= kNoiseLinesShown + 1;
  if (!all_noise) {
    PrintWrappedWords(
        absl::StrCat("noise: ", noisy_cases, " of ", cases,
                     " cases had disturbed repetitions or skewed phases (other work on their "
                     "CPUs); the first ",
                     kNoiseLinesShown, " of ", noise.size(), " notes (--detail: all):"),
        options.max_width, out);
  }
  for (size_t n = 0; n < noise.size() && (all_noise || n < kNoiseLinesShown); ++n) {
    PrintWrappedWords(noise[n], options.max_width, out);
  }
  if (options.detail == Detail::kFull) PrintPhaseSection(runs, out);
}

}  // namespace ipclab::results
