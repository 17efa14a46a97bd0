#include "results/comparison_reporter.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "results/case_view.h"
#include "results/format.h"
#include "results/summary.h"
#include "results/text_table.h"

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
  const std::string size = ParamOf(result, "message_size");
  if (!size.empty()) group = group.empty() ? size : absl::StrCat(group, " ", size);
  return group.empty() ? "-" : group;
}

// One label per run: the workload, "@host" when the runs span hosts, "#i"
// when that still leaves two runs alike.
std::vector<std::string> RunLabels(const std::vector<v1::RunResult>& runs) {
  std::set<std::string> hosts;
  for (const v1::RunResult& run : runs) hosts.insert(run.host().hostname());
  std::vector<std::string> labels;
  for (const v1::RunResult& run : runs) {
    std::string label = run.workload().empty() ? "-" : run.workload();
    if (hosts.size() > 1) absl::StrAppend(&label, "@", run.host().hostname());
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

std::string MedianText(const CaseView& view, const std::string& metric,
                       std::string (*format)(double)) {
  const std::optional<double> median = view.Median(metric);
  return median.has_value() ? format(*median) : "-";
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

}  // namespace

void PrintComparisonTable(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  const std::vector<std::string> labels = RunLabels(runs);
  TextTable legend(
      {{"#", Align::kRight}, {"run"}, {"run id"}, {"server"}, {"host"}, {"kernel"}, {"status"}});
  for (size_t i = 0; i < runs.size(); ++i) {
    const v1::RunResult& run = runs[i];
    legend.AddRow(
        {absl::StrCat(i + 1), labels[i], run.run_id(), run.server(), run.host().hostname(),
         run.host().kernel_release(),
         run.status() == v1::RUN_STATUS_UNSPECIFIED ? "-" : v1::RunStatus_Name(run.status())});
  }
  legend.Print(out);
  *out << "\n";

  // Rows grouped by (mode, message_size), groups in first-seen order.
  std::vector<std::string> group_order;
  std::vector<std::pair<std::string, Row>> rows;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const v1::CaseResult& result : runs[i].cases()) {
      Row row{labels[i], std::make_unique<CaseView>(result), std::nullopt};
      if (row.view->succeeded()) {
        row.throughput =
            row.view->Median(MetricName(row.view->headline_phase(), "throughput_bytes_per_sec"));
      }
      const std::string group = GroupOf(result);
      if (std::find(group_order.begin(), group_order.end(), group) == group_order.end()) {
        group_order.push_back(group);
      }
      rows.emplace_back(group, std::move(row));
    }
  }

  TextTable table({{"mode size"},
                   {"run"},
                   {"case"},
                   {"placement"},
                   {"throughput", Align::kRight},
                   {"±cv", Align::kRight},
                   {"p50", Align::kRight},
                   {"p99", Align::kRight},
                   {"minflt", Align::kRight},
                   {"vs best", Align::kRight}});
  for (const std::string& group : group_order) {
    double best = 0.0;
    for (const auto& [row_group, row] : rows) {
      if (row_group == group && row.throughput.has_value()) best = std::max(best, *row.throughput);
    }
    bool first_row = true;
    for (const auto& [row_group, row] : rows) {
      if (row_group != group) continue;
      const CaseView& view = *row.view;
      const std::string group_cell = first_row ? group : "";
      first_row = false;
      if (!view.succeeded()) {
        table.AddRow({group_cell, row.label, view.name(), view.PlacementText(), view.StatusText(),
                      "-", "-", "-", "-", "-"});
        continue;
      }
      const std::string& phase = view.headline_phase();
      const v1::MetricSummary* throughput =
          view.Metric(MetricName(phase, "throughput_bytes_per_sec"));
      const std::optional<double> faults = MinorFaults(view, phase);
      table.AddRow(
          {group_cell, row.label, view.name(), view.PlacementText(),
           MedianText(view, MetricName(phase, "throughput_bytes_per_sec"), FormatThroughput),
           throughput != nullptr && throughput->n() > 1
               ? absl::StrCat("±", FormatPercent(throughput->cv()))
               : "-",
           MedianText(view, MetricName(phase, "latency_p50_ns"), FormatDuration),
           MedianText(view, MetricName(phase, "latency_p99_ns"), FormatDuration),
           faults.has_value() ? FormatCount(*faults) : "-",
           row.throughput.has_value() && best > 0 ? absl::StrFormat("%.2fx", *row.throughput / best)
                                                  : "-"});
    }
  }
  table.Print(out);
  *out << "medians of each case's steady phase; minflt: sum over roles; "
          "vs best: throughput / best of the same mode and size\n";
}

}  // namespace ipclab::results
