#include "results/report/host_columns_table.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/model/case_view.h"
#include "results/report/table_cells.h"
#include "results/report/text_table.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

// The runs of `server`, in the order they arrived.
std::vector<const v1::RunResult*> RunsOf(const FleetOutcome& fleet, const std::string& server) {
  std::vector<const v1::RunResult*> runs;
  for (const v1::RunResult& run : fleet.runs) {
    if (run.server() == server) runs.push_back(&run);
  }
  return runs;
}

// The first run of `server`, or nullptr.
const v1::RunResult* FirstRunOf(const FleetOutcome& fleet, const std::string& server) {
  for (const v1::RunResult& run : fleet.runs) {
    if (run.server() == server) return &run;
  }
  return nullptr;
}

// The run of `runs` matching the `occurrence`-th run of `workload` (a
// matrix may run one workload several times: pipe stream, pipe pingpong).
const v1::RunResult* MatchingRun(const std::vector<const v1::RunResult*>& runs,
                                 const std::string& workload, int occurrence) {
  int seen = 0;
  for (const v1::RunResult* run : runs) {
    if (run->workload() != workload) continue;
    if (seen++ == occurrence) return run;
  }
  return nullptr;
}

const v1::CaseResult* CaseNamed(const v1::RunResult* run, const std::string& name) {
  if (run == nullptr) return nullptr;
  for (const v1::CaseResult& result : run->cases()) {
    if (result.case_().name() == name) return &result;
  }
  return nullptr;
}

bool HasParam(const v1::CaseResult& result, const char* name) {
  return result.case_().params().count(name) > 0;
}

std::string CpuText(const v1::HostInfo& host) {
  std::string text = absl::StrCat(OrDash(host.cpu_model()), ", ", host.cpu_count(), " CPUs");
  if (host.allowed_cpus_size() > 0) {
    absl::StrAppend(&text, " (allowed ", FormatCpuList(host.allowed_cpus()), ")");
  }
  return text;
}

std::string LimitText(uint64_t value, std::string (*format)(double)) {
  return value == 0 ? "none" : format(static_cast<double>(value));
}

std::string MillicpusText(double millicpus) { return absl::StrCat(millicpus / 1000.0, " CPUs"); }

// The facts compared between hosts: a name and how to write it for a host.
struct HostFact {
  const char* name;
  std::function<std::string(const v1::HostInfo&)> text;
};

const std::vector<HostFact>& HostFacts() {
  static const auto* const kFacts = new std::vector<HostFact>{
      {"kernel", [](const v1::HostInfo& h) { return OrDash(h.kernel_release()); }},
      {"architecture", [](const v1::HostInfo& h) { return OrDash(h.architecture()); }},
      {"cpu", CpuText},
      {"thp",
       [](const v1::HostInfo& h) {
         return absl::StrCat("enabled=", OrDash(h.thp_enabled()),
                             " defrag=", OrDash(h.thp_defrag()),
                             " shmem=", OrDash(h.thp_shmem_enabled()));
       }},
      {"container",
       [](const v1::HostInfo& h) {
         return h.in_container() ? absl::StrCat("yes (", OrDash(h.container_runtime()), ")")
                                 : std::string("no");
       }},
      {"cgroup memory limit",
       [](const v1::HostInfo& h) { return LimitText(h.cgroup_memory_limit_bytes(), FormatBytes); }},
      {"cgroup cpu limit",
       [](const v1::HostInfo& h) {
         return LimitText(h.cgroup_cpu_limit_millicpus(), MillicpusText);
       }},
      {"/dev/shm",
       [](const v1::HostInfo& h) {
         return h.dev_shm_size_bytes() == 0
                    ? std::string("-")
                    : FormatBytes(static_cast<double>(h.dev_shm_size_bytes()));
       }},
      {"page size",
       [](const v1::HostInfo& h) { return FormatBytes(static_cast<double>(h.page_size_bytes())); }},
      {"ipclab", [](const v1::HostInfo& h) { return OrDash(h.ipclab_version()); }},
  };
  return *kFacts;
}

// The metrics shown for a case on the reference host.
std::vector<const CaseMetric*> MetricsFor(const v1::CaseResult& result) {
  std::vector<const CaseMetric*> metrics = {FindCaseMetric("throughput"), FindCaseMetric("p50"),
                                            FindCaseMetric("p99")};
  if (HasParam(result, "region_bytes")) metrics.push_back(FindCaseMetric("faults_per_page"));
  return metrics;
}

std::vector<double> SamplesOf(const v1::RunResult* run, const v1::CaseResult* result,
                              const CaseMetric& metric) {
  if (run == nullptr || result == nullptr || result->status() != v1::SUCCEEDED) return {};
  return MetricSamples(*result, metric, run->host().page_size_bytes());
}

// A host's cell: the median, or why there is none.
std::string ValueCell(const v1::CaseResult* result, const std::vector<double>& samples,
                      const CaseMetric& metric) {
  if (result == nullptr) return "-";
  if (result->status() != v1::SUCCEEDED) return CaseView(*result).StatusText();
  if (samples.empty()) return "-";
  return FormatMetricValue(metric, Median(samples));
}

// "+8.1% better", "-0.3% same", "n/a".
std::string ChangeCell(const std::vector<double>& reference, const std::vector<double>& samples,
                       const CaseMetric& metric, const CompareOptions& options) {
  if (reference.empty() || samples.empty()) return "-";
  const MetricComparison comparison = CompareSamples(metric, reference, samples, options);
  const std::string verdict = ChangeVerdictName(comparison.verdict);
  if (!comparison.change.has_value()) return verdict;
  const double change = *comparison.change;
  return absl::StrCat(change >= 0 ? "+" : "-", FormatPercent(std::abs(change)), " ", verdict);
}

std::string WorkloadsText(const FleetOutcome& fleet) {
  std::vector<std::string> workloads;
  for (const v1::RunResult& run : fleet.runs) {
    if (std::find(workloads.begin(), workloads.end(), run.workload()) == workloads.end()) {
      workloads.push_back(run.workload());
    }
  }
  return workloads.empty() ? "-" : absl::StrJoin(workloads, ", ");
}

}  // namespace

std::vector<std::string> FleetColumns(const FleetOutcome& fleet) {
  std::vector<std::string> columns;
  for (const std::string& server : fleet.servers) {
    if (FirstRunOf(fleet, server) == nullptr) continue;
    if (std::find(columns.begin(), columns.end(), server) != columns.end()) continue;
    columns.push_back(server);
  }
  auto reference = std::find(columns.begin(), columns.end(), fleet.reference_server);
  if (reference != columns.end()) std::rotate(columns.begin(), reference, reference + 1);
  return columns;
}

std::vector<std::string> FleetHostLabels(const FleetOutcome& fleet,
                                         const std::vector<std::string>& columns) {
  std::vector<std::string> hostnames;
  for (const std::string& server : columns) {
    hostnames.push_back(FirstRunOf(fleet, server)->host().hostname());
  }
  const std::set<std::string> distinct(hostnames.begin(), hostnames.end());
  const bool by_hostname = distinct.size() == hostnames.size() && distinct.count("") == 0;
  return by_hostname ? hostnames : columns;
}

std::vector<std::string> FleetHostDifferences(const FleetOutcome& fleet) {
  const std::vector<std::string> columns = FleetColumns(fleet);
  const std::vector<std::string> labels = FleetHostLabels(fleet, columns);
  std::vector<std::string> lines;
  for (const HostFact& fact : HostFacts()) {
    std::vector<std::string> texts;
    for (const std::string& server : columns) {
      texts.push_back(fact.text(FirstRunOf(fleet, server)->host()));
    }
    if (std::set<std::string>(texts.begin(), texts.end()).size() <= 1) continue;
    std::vector<std::string> parts;
    for (size_t i = 0; i < texts.size(); ++i) {
      parts.push_back(absl::StrCat(labels[i], " ", texts[i]));
    }
    lines.push_back(absl::StrCat(fact.name, ": ", absl::StrJoin(parts, "; ")));
  }
  return lines;
}

void PrintHostColumnsTable(const FleetOutcome& fleet, const CompareOptions& options,
                           std::ostream* out) {
  const std::vector<std::string> columns = FleetColumns(fleet);
  const std::vector<std::string> labels = FleetHostLabels(fleet, columns);
  *out << "fleet " << OrDash(fleet.fleet_id) << "  " << WorkloadsText(fleet) << "  "
       << fleet.servers.size() << (fleet.servers.size() == 1 ? " host" : " hosts");
  if (!fleet.failures.empty()) *out << " (" << fleet.failures.size() << " failed)";
  if (!columns.empty()) *out << ", reference " << labels[0];
  *out << "\n";

  if (!columns.empty()) {
    const std::vector<std::string> differences = FleetHostDifferences(fleet);
    if (differences.empty()) {
      std::vector<std::string> shared;
      for (const HostFact& fact : HostFacts()) {
        shared.push_back(
            absl::StrCat(fact.name, " ", fact.text(FirstRunOf(fleet, columns[0])->host())));
      }
      *out << "hosts alike: " << absl::StrJoin(shared, "; ") << "\n";
    } else {
      *out << "hosts differ in:\n";
      for (const std::string& line : differences) *out << "  " << line << "\n";
    }
    if (labels != columns) {
      std::vector<std::string> names;
      for (size_t i = 0; i < columns.size(); ++i) {
        names.push_back(absl::StrCat(labels[i], " = ", columns[i]));
      }
      *out << "hosts: " << absl::StrJoin(names, ", ") << "\n";
    }
    *out << "medians of the measured repetitions; vs: change against " << labels[0]
         << " (better/worse/same/noisy: 95% bootstrap interval against ±"
         << FormatPercent(options.threshold, 0) << ")\n\n";

    std::vector<TextTable::Column> table_columns = {{"case"}, {"metric"}};
    for (size_t i = 0; i < columns.size(); ++i) {
      table_columns.push_back({labels[i], Align::kRight});
      if (i > 0) table_columns.push_back({absl::StrCat("vs ", labels[0]), Align::kRight});
    }
    TextTable table(std::move(table_columns));
    std::vector<std::vector<const v1::RunResult*>> host_runs;
    for (const std::string& server : columns) host_runs.push_back(RunsOf(fleet, server));
    const bool several_runs = host_runs[0].size() > 1;
    std::map<std::string, int> occurrences;
    for (const v1::RunResult* reference_run : host_runs[0]) {
      const int occurrence = occurrences[reference_run->workload()]++;
      std::vector<const v1::RunResult*> matched;
      for (const auto& runs : host_runs) {
        matched.push_back(MatchingRun(runs, reference_run->workload(), occurrence));
      }
      for (const v1::CaseResult& reference_case : reference_run->cases()) {
        const std::string& name = reference_case.case_().name();
        std::string case_label = OrDash(name);
        if (several_runs) case_label = absl::StrCat(reference_run->workload(), " ", case_label);
        for (const CaseMetric* metric : MetricsFor(reference_case)) {
          std::vector<std::string> cells = {case_label, metric->title};
          std::vector<double> reference_samples;
          bool any_value = false;
          for (size_t i = 0; i < columns.size(); ++i) {
            const v1::CaseResult* result = CaseNamed(matched[i], name);
            const std::vector<double> samples = SamplesOf(matched[i], result, *metric);
            any_value |= !samples.empty();
            if (i == 0) reference_samples = samples;
            cells.push_back(ValueCell(result, samples, *metric));
            if (i > 0) cells.push_back(ChangeCell(reference_samples, samples, *metric, options));
          }
          // Latency rows only where latency was measured; a failed case
          // keeps its throughput row to show the status.
          if (!any_value && metric != MetricsFor(reference_case).front()) continue;
          table.AddRow(std::move(cells));
          case_label.clear();  // the case name once, on its first row
        }
      }
    }
    table.Print(out);
  }

  if (!fleet.failures.empty()) {
    *out << (columns.empty() ? "" : "\n") << "failed hosts (not in the table):\n";
    for (const FleetFailure& failure : fleet.failures) {
      *out << "  " << failure.server << ": " << failure.error << "\n";
    }
  }
}

}  // namespace ipclab::results
