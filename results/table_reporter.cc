#include "results/table_reporter.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "results/case_view.h"
#include "results/format.h"
#include "results/summary.h"
#include "results/text_table.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

std::string OrDash(absl::string_view text) { return text.empty() ? "-" : std::string(text); }

std::string MedianText(const CaseView& view, const std::string& metric,
                       std::string (*format)(double)) {
  const std::optional<double> median = view.Median(metric);
  return median.has_value() ? format(*median) : "-";
}

std::string TypeName(v1::ParamSpec::Type type) {
  switch (type) {
    case v1::ParamSpec::SIZE:
      return "size";
    case v1::ParamSpec::INT:
      return "int";
    case v1::ParamSpec::ENUM:
      return "enum";
    case v1::ParamSpec::BOOL:
      return "bool";
    default:
      return "-";
  }
}

// "1..1GiB" for sizes and integers, "stream|pingpong" for enums and bools.
std::string RangeText(const v1::ParamSpec& spec) {
  if (spec.allowed_size() > 0) return absl::StrJoin(spec.allowed(), "|");
  if (!spec.min().empty() && !spec.max().empty()) return absl::StrCat(spec.min(), "..", spec.max());
  if (!spec.min().empty()) return absl::StrCat(">=", spec.min());
  if (!spec.max().empty()) return absl::StrCat("<=", spec.max());
  return "-";
}

std::string Timestamp(const google::protobuf::Timestamp& time) {
  return google::protobuf::util::TimeUtil::ToString(time);
}

// The warm-up count the server used: an explicit value, or the default 1.
uint32_t WarmupCount(const v1::RunRequest& request) {
  return request.warmup_set() || request.warmup() > 0 ? request.warmup() : 1;
}

// The measured repetitions per case: the most any case has, else the
// request's count (default 5).
uint32_t RepetitionCount(const v1::RunResult& run) {
  int most = 0;
  for (const v1::CaseResult& result : run.cases()) most = std::max(most, result.repetitions_size());
  if (most > 0) return static_cast<uint32_t>(most);
  return run.request().repetitions() > 0 ? run.request().repetitions() : 5;
}

std::string RunStatusText(v1::RunStatus status) {
  return status == v1::RUN_STATUS_UNSPECIFIED ? "-" : v1::RunStatus_Name(status);
}

void PrintRunHeader(const v1::RunResult& run, std::ostream* out) {
  const v1::HostInfo& host = run.host();
  std::string first = absl::StrCat(OrDash(run.workload()), "  run ", OrDash(run.run_id()), "  ",
                                   RunStatusText(run.status()));
  if (run.has_started_at()) {
    absl::StrAppend(&first, "  ", Timestamp(run.started_at()));
    if (run.has_finished_at()) {
      const int64_t took_ns = google::protobuf::util::TimeUtil::DurationToNanoseconds(
          run.finished_at() - run.started_at());
      absl::StrAppend(&first, " (took ", FormatDuration(static_cast<double>(took_ns)), ")");
    }
  }
  *out << first << "\n";
  *out << "server " << OrDash(run.server()) << "  host " << OrDash(host.hostname()) << "  Linux "
       << OrDash(host.kernel_release()) << " " << OrDash(host.architecture()) << "  ipclab "
       << OrDash(host.ipclab_version()) << "\n";
  *out << "cpu " << OrDash(host.cpu_model()) << "  " << host.cpu_count() << " CPUs";
  if (host.allowed_cpus_size() > 0)
    *out << " (allowed " << FormatCpuList(host.allowed_cpus()) << ")";
  *out << "  THP enabled=" << OrDash(host.thp_enabled()) << " defrag=" << OrDash(host.thp_defrag())
       << "\n";
  *out << RepetitionCount(run) << " measured repetitions per case after "
       << WarmupCount(run.request()) << " warm-up";
  if (!run.request().label().empty()) *out << "  label " << run.request().label();
  *out << "\n";
  if (!run.error().empty()) *out << "error: " << run.error() << "\n";
}

void PrintCaseTable(const std::vector<std::unique_ptr<CaseView>>& views, std::ostream* out) {
  TextTable table({{"case"},
                   {"placement"},
                   {"status"},
                   {"wall", Align::kRight},
                   {"throughput", Align::kRight},
                   {"±cv", Align::kRight},
                   {"msgs/s", Align::kRight},
                   {"p50", Align::kRight},
                   {"p99", Align::kRight}});
  std::vector<std::string> headline_phases;
  for (const auto& view : views) {
    const std::string& phase = view->headline_phase();
    if (!view->succeeded() || phase.empty()) {
      table.AddRow(
          {view->name(), view->PlacementText(), view->StatusText(), "-", "-", "-", "-", "-", "-"});
      continue;
    }
    if (std::find(headline_phases.begin(), headline_phases.end(), phase) == headline_phases.end()) {
      headline_phases.push_back(phase);
    }
    const v1::MetricSummary* throughput =
        view->Metric(MetricName(phase, "throughput_bytes_per_sec"));
    const v1::MetricSummary* wall = view->Metric(MetricName(phase, "wall_ns"));
    const v1::MetricSummary* spread = throughput != nullptr ? throughput : wall;
    table.AddRow(
        {view->name(), view->PlacementText(), view->StatusText(),
         MedianText(*view, MetricName(phase, "wall_ns"), FormatDuration),
         MedianText(*view, MetricName(phase, "throughput_bytes_per_sec"), FormatThroughput),
         spread != nullptr && spread->n() > 1 ? absl::StrCat("±", FormatPercent(spread->cv()))
                                              : "-",
         MedianText(*view, MetricName(phase, "messages_per_sec"), FormatRate),
         MedianText(*view, MetricName(phase, "latency_p50_ns"), FormatDuration),
         MedianText(*view, MetricName(phase, "latency_p99_ns"), FormatDuration)});
  }
  table.Print(out);
  if (!headline_phases.empty()) {
    *out << "medians of phase " << absl::StrJoin(headline_phases, ", ")
         << " over the measured repetitions; ±cv: coefficient of variation (throughput, else "
            "wall)\n";
  }
  for (const auto& view : views) {
    if (!view->result().error().empty()) {
      *out << view->StatusText() << " " << view->name() << ": " << view->result().error() << "\n";
    }
  }
}

void PrintPhaseTables(const CaseView& view, std::ostream* out) {
  *out << "\ncase " << view.name() << " (" << view.result().repetitions_size()
       << " measured repetitions, medians)\n";
  TextTable counters({{"phase"},
                      {"wall", Align::kRight},
                      {"role"},
                      {"minflt", Align::kRight},
                      {"majflt", Align::kRight},
                      {"vcsw", Align::kRight},
                      {"ivcsw", Align::kRight},
                      {"user", Align::kRight},
                      {"sys", Align::kRight}});
  TextTable memory({{"phase"}, {"role"}, {"RssAnon"}, {"RssShmem"}, {"VmRSS"}});
  const v1::RepetitionResult& last = *view.result().repetitions().rbegin();

  for (const auto& [phase, roles] : view.phases()) {
    const std::string wall = MedianText(view, MetricName(phase, "wall_ns"), FormatDuration);
    if (roles.empty()) counters.AddRow({phase, wall, "-"});
    const v1::PhaseResult* last_phase = nullptr;
    for (const v1::PhaseResult& candidate : last.phases()) {
      if (candidate.name() == phase) last_phase = &candidate;
    }
    bool first_row = true;
    for (const std::string& role : roles) {
      auto median = [&](const char* metric, std::string (*format)(double)) {
        return MedianText(view, MetricName(phase, role, metric), format);
      };
      counters.AddRow(
          {first_row ? phase : "", first_row ? wall : "", role, median("minor_faults", FormatCount),
           median("major_faults", FormatCount), median("voluntary_context_switches", FormatCount),
           median("involuntary_context_switches", FormatCount),
           median("user_cpu_ns", FormatDuration), median("system_cpu_ns", FormatDuration)});

      const v1::RoleMeasurement* measurement = nullptr;
      if (last_phase != nullptr) {
        for (const v1::RoleMeasurement& candidate : last_phase->roles()) {
          if (candidate.role() == role) measurement = &candidate;
        }
      }
      // "2 MiB→2.25 MiB (+256 KiB)", or just "2 MiB" when nothing changed.
      auto memory_cell = [&](uint64_t (v1::MemorySnapshot::*field)() const, const char* delta) {
        if (measurement == nullptr) return std::string("-");
        const uint64_t before = (measurement->memory_before().*field)();
        const uint64_t after = (measurement->memory_after().*field)();
        const std::optional<double> median_delta = view.Median(MetricName(phase, role, delta));
        if (before == after && median_delta.value_or(0.0) == 0.0) {
          return FormatBytes(static_cast<double>(before));
        }
        return absl::StrCat(FormatBytes(static_cast<double>(before)), "→",
                            FormatBytes(static_cast<double>(after)), " (",
                            median_delta.has_value() ? FormatBytesDelta(*median_delta) : "-", ")");
      };
      memory.AddRow({first_row ? phase : "", role,
                     memory_cell(&v1::MemorySnapshot::rss_anon_bytes, "rss_anon_delta_bytes"),
                     memory_cell(&v1::MemorySnapshot::rss_shmem_bytes, "rss_shmem_delta_bytes"),
                     memory_cell(&v1::MemorySnapshot::vm_rss_bytes, "vm_rss_delta_bytes")});
      first_row = false;
    }
  }
  counters.Print(out, "  ");
  if (!memory.empty()) {
    *out << "  memory: before→after in the last repetition (median change over all)\n";
    memory.Print(out, "  ");
  }
}

}  // namespace

void PrintCatalog(const v1::ListWorkloadsResponse& catalog, std::ostream* out) {
  bool first = true;
  for (const v1::WorkloadSpec& workload : catalog.workloads()) {
    if (!first) *out << "\n";
    first = false;
    *out << workload.name() << ": " << workload.summary() << "\n";
    *out << "  roles: " << OrDash(absl::StrJoin(workload.roles(), ", "))
         << "  phases: " << OrDash(absl::StrJoin(workload.phases(), ", ")) << "\n";
    TextTable table({{"parameter"}, {"type"}, {"default"}, {"range"}, {"doc"}});
    for (const v1::ParamSpec& param : workload.params()) {
      table.AddRow({param.name(), TypeName(param.type()), OrDash(param.default_value()),
                    RangeText(param), param.doc()});
    }
    table.Print(out, "  ");
  }
}

void PrintHost(const v1::HostInfo& host, std::ostream* out) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("hostname", OrDash(host.hostname()));
  lines.emplace_back(
      "kernel", absl::StrCat(OrDash(host.kernel_release()), " ", OrDash(host.kernel_version())));
  lines.emplace_back("architecture", OrDash(host.architecture()));
  lines.emplace_back("cpu model", OrDash(host.cpu_model()));
  lines.emplace_back("cpus", absl::StrCat(host.cpu_count(), " online, allowed ",
                                          OrDash(FormatCpuList(host.allowed_cpus()))));
  lines.emplace_back("page size", FormatBytes(static_cast<double>(host.page_size_bytes())));
  for (const v1::HugePagePool& pool : host.huge_page_pools()) {
    lines.emplace_back(
        absl::StrCat("huge pages ", FormatBytes(static_cast<double>(pool.page_size_bytes()))),
        absl::StrCat(pool.total_pages(), " total, ", pool.free_pages(), " free, ",
                     pool.reserved_pages(), " reserved"));
  }
  lines.emplace_back("thp enabled", OrDash(host.thp_enabled()));
  lines.emplace_back("thp defrag", OrDash(host.thp_defrag()));
  lines.emplace_back(
      "memory",
      absl::StrCat(FormatBytes(static_cast<double>(host.mem_total_bytes())), " total, ",
                   FormatBytes(static_cast<double>(host.mem_available_bytes())), " available"));
  lines.emplace_back(
      "/dev/shm",
      absl::StrCat(FormatBytes(static_cast<double>(host.dev_shm_size_bytes())), " size, ",
                   FormatBytes(static_cast<double>(host.dev_shm_free_bytes())), " free"));
  lines.emplace_back("cgroup memory limit",
                     host.cgroup_memory_limit_bytes() == 0
                         ? "none"
                         : FormatBytes(static_cast<double>(host.cgroup_memory_limit_bytes())));
  lines.emplace_back("container", host.in_container()
                                      ? absl::StrCat("yes (", OrDash(host.container_runtime()), ")")
                                      : "no");
  lines.emplace_back("perf events",
                     absl::StrCat(host.perf_events_allowed() ? "allowed" : "not allowed",
                                  " (perf_event_paranoid ", host.perf_event_paranoid(), ")"));
  lines.emplace_back("ipclab version", OrDash(host.ipclab_version()));

  size_t width = 0;
  for (const auto& [key, value] : lines) width = std::max(width, key.size());
  for (const auto& [key, value] : lines) {
    *out << key << ":" << std::string(width - key.size() + 1, ' ') << value << "\n";
  }
}

void PrintRunTable(const v1::RunResult& run, std::ostream* out) {
  PrintRunHeader(run, out);
  std::vector<std::unique_ptr<CaseView>> views;
  for (const v1::CaseResult& result : run.cases())
    views.push_back(std::make_unique<CaseView>(result));
  *out << "\n";
  PrintCaseTable(views, out);
  for (const auto& view : views) {
    if (view->result().repetitions_size() > 0) PrintPhaseTables(*view, out);
  }
}

}  // namespace ipclab::results
