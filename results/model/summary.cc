#include "results/model/summary.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "results/model/phases.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

// The phases and, per phase, the roles of a case, each in first-seen order
// over the repetitions.
struct PhaseLayout {
  std::string name;
  std::vector<std::string> roles;
  bool has_bytes = false;
  bool has_messages = false;
  bool has_latency = false;
};

std::vector<PhaseLayout> LayoutOf(const std::vector<const v1::RepetitionResult*>& repetitions) {
  std::vector<PhaseLayout> layout;
  for (const v1::RepetitionResult* repetition : repetitions) {
    for (const v1::PhaseResult& phase : repetition->phases()) {
      auto it = std::find_if(layout.begin(), layout.end(),
                             [&](const PhaseLayout& p) { return p.name == phase.name(); });
      if (it == layout.end()) {
        layout.push_back(PhaseLayout{phase.name(), {}, false, false, false});
        it = layout.end() - 1;
      }
      it->has_bytes |= phase.bytes() > 0;
      it->has_messages |= phase.messages() > 0;
      it->has_latency |= phase.latency().count() > 0;
      for (const v1::RoleMeasurement& role : phase.roles()) {
        if (std::find(it->roles.begin(), it->roles.end(), role.role()) == it->roles.end()) {
          it->roles.push_back(role.role());
        }
      }
    }
  }
  return layout;
}

const v1::RoleMeasurement* FindRole(const v1::PhaseResult& phase, const std::string& role) {
  for (const v1::RoleMeasurement& measurement : phase.roles()) {
    if (measurement.role() == role) return &measurement;
  }
  return nullptr;
}

double PerSecond(double amount, int64_t wall_ns) {
  return wall_ns > 0 ? amount * 1e9 / static_cast<double>(wall_ns) : 0.0;
}

double Throughput(const v1::PhaseResult& phase) {
  if (phase.throughput_bytes_per_sec() > 0) return phase.throughput_bytes_per_sec();
  return PerSecond(static_cast<double>(phase.bytes()), phase.wall_ns());
}

double MessageRate(const v1::PhaseResult& phase) {
  if (phase.messages_per_sec() > 0) return phase.messages_per_sec();
  return PerSecond(static_cast<double>(phase.messages()), phase.wall_ns());
}

// Wall time per page touched (page_fault and cow_private count the 4 KiB
// pages they touch as messages).
double NsPerPage(const v1::PhaseResult& phase) {
  if (phase.messages() == 0) return 0.0;
  return static_cast<double>(phase.wall_ns()) / static_cast<double>(phase.messages());
}

double PhaseBytes(const v1::PhaseResult& phase) { return static_cast<double>(phase.bytes()); }

// Minor faults of every role per second of the phase.
double FaultsPerSecond(const v1::PhaseResult& phase) {
  double faults = 0.0;
  for (const v1::RoleMeasurement& role : phase.roles()) {
    faults += static_cast<double>(role.counters().minor_faults());
  }
  return PerSecond(faults, phase.wall_ns());
}

double Delta(uint64_t before, uint64_t after) {
  return static_cast<double>(after) - static_cast<double>(before);
}

using PhaseValue = double (*)(const v1::PhaseResult&);
using RoleValue = double (*)(const v1::RoleMeasurement&);

struct PhaseMetric {
  const char* name;
  const char* unit;
  PhaseValue value;
};

struct RoleMetric {
  const char* name;
  const char* unit;
  RoleValue value;
};

// A role's counter over the phase, e.g. RoleCounter<&v1::ProcessCounters::minor_faults>.
template <auto kCounter>
double RoleCounter(const v1::RoleMeasurement& r) {
  return static_cast<double>((r.counters().*kCounter)());
}

// How much a role's memory figure grew over the phase (negative: shrank).
template <uint64_t (v1::MemorySnapshot::*kFigure)() const>
double RoleMemoryDelta(const v1::RoleMeasurement& r) {
  return Delta((r.memory_before().*kFigure)(), (r.memory_after().*kFigure)());
}

constexpr RoleMetric kRoleMetrics[] = {
    {"minor_faults", "count", RoleCounter<&v1::ProcessCounters::minor_faults>},
    {"major_faults", "count", RoleCounter<&v1::ProcessCounters::major_faults>},
    {"voluntary_context_switches", "count",
     RoleCounter<&v1::ProcessCounters::voluntary_context_switches>},
    {"involuntary_context_switches", "count",
     RoleCounter<&v1::ProcessCounters::involuntary_context_switches>},
    {"user_cpu_ns", "ns", RoleCounter<&v1::ProcessCounters::user_cpu_ns>},
    {"system_cpu_ns", "ns", RoleCounter<&v1::ProcessCounters::system_cpu_ns>},
    {"rss_anon_delta_bytes", "bytes", RoleMemoryDelta<&v1::MemorySnapshot::rss_anon_bytes>},
    {"vm_rss_delta_bytes", "bytes", RoleMemoryDelta<&v1::MemorySnapshot::vm_rss_bytes>},
    {"rss_shmem_delta_bytes", "bytes", RoleMemoryDelta<&v1::MemorySnapshot::rss_shmem_bytes>},
    {"anon_huge_pages_delta_bytes", "bytes",
     RoleMemoryDelta<&v1::MemorySnapshot::anon_huge_pages_bytes>},
    {"hugetlb_delta_bytes", "bytes", RoleMemoryDelta<&v1::MemorySnapshot::hugetlb_bytes>},
    {"pss_delta_bytes", "bytes", RoleMemoryDelta<&v1::MemorySnapshot::pss_bytes>},
};

// The phase-level metrics that apply to `layout`, in the documented order.
std::vector<PhaseMetric> PhaseMetricsFor(const PhaseLayout& layout, bool touches_pages) {
  std::vector<PhaseMetric> metrics;
  metrics.push_back(
      {"wall_ns", "ns", [](const v1::PhaseResult& p) { return static_cast<double>(p.wall_ns()); }});
  if (touches_pages && layout.has_messages) {
    if (layout.has_bytes) {
      metrics.push_back({"bytes", "bytes", PhaseBytes});
    }
    metrics.push_back({"ns_per_page", "ns", NsPerPage});
    metrics.push_back({"faults_per_sec", "faults/s", FaultsPerSecond});
    return metrics;
  }
  if (layout.has_bytes) {
    metrics.push_back({"bytes", "bytes", PhaseBytes});
    metrics.push_back({"throughput_bytes_per_sec", "bytes/s", Throughput});
  }
  if (layout.has_messages) metrics.push_back({"messages_per_sec", "msg/s", MessageRate});
  return metrics;
}

struct LatencyMetric {
  const char* name;
  double (v1::LatencySummary::*value)() const;
};

constexpr LatencyMetric kLatencyMetrics[] = {
    {"latency_p50_ns", &v1::LatencySummary::p50_ns},
    {"latency_p90_ns", &v1::LatencySummary::p90_ns},
    {"latency_p99_ns", &v1::LatencySummary::p99_ns},
    {"latency_p999_ns", &v1::LatencySummary::p999_ns},
    {"latency_max_ns", &v1::LatencySummary::max_ns},
};

}  // namespace

v1::MetricSummary Summarize(std::string name, std::string unit, std::vector<double> values) {
  v1::MetricSummary summary;
  summary.set_name(std::move(name));
  summary.set_unit(std::move(unit));
  summary.set_n(static_cast<uint32_t>(values.size()));
  if (values.empty()) return summary;
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  summary.set_min(*min);
  summary.set_max(*max);
  summary.set_median(Median(values));
  summary.set_mean(Mean(values));
  summary.set_stddev(SampleStdDev(values));
  summary.set_mad(MedianAbsoluteDeviation(values));
  summary.set_cv(CoefficientOfVariation(values));
  return summary;
}

std::vector<v1::MetricSummary> SummarizeCase(const std::vector<v1::RepetitionResult>& measured) {
  std::vector<const v1::RepetitionResult*> repetitions;
  for (const v1::RepetitionResult& repetition : measured) {
    if (!repetition.warmup()) repetitions.push_back(&repetition);
  }

  const std::vector<PhaseLayout> layouts = LayoutOf(repetitions);
  const bool touches_pages =
      std::none_of(layouts.begin(), layouts.end(),
                   [](const PhaseLayout& layout) { return layout.name == "steady"; });
  std::vector<v1::MetricSummary> summaries;
  for (const PhaseLayout& layout : layouts) {
    for (const PhaseMetric& metric : PhaseMetricsFor(layout, touches_pages)) {
      std::vector<double> values;
      for (const v1::RepetitionResult* repetition : repetitions) {
        if (const v1::PhaseResult* phase = FindPhase(*repetition, layout.name)) {
          values.push_back(metric.value(*phase));
        }
      }
      summaries.push_back(
          Summarize(MetricName(layout.name, metric.name), metric.unit, std::move(values)));
    }
    if (layout.has_latency) {
      for (const LatencyMetric& metric : kLatencyMetrics) {
        std::vector<double> values;
        for (const v1::RepetitionResult* repetition : repetitions) {
          const v1::PhaseResult* phase = FindPhase(*repetition, layout.name);
          if (phase != nullptr && phase->latency().count() > 0) {
            values.push_back((phase->latency().*metric.value)());
          }
        }
        summaries.push_back(
            Summarize(MetricName(layout.name, metric.name), "ns", std::move(values)));
      }
    }
    for (const std::string& role : layout.roles) {
      for (const RoleMetric& metric : kRoleMetrics) {
        std::vector<double> values;
        for (const v1::RepetitionResult* repetition : repetitions) {
          const v1::PhaseResult* phase = FindPhase(*repetition, layout.name);
          if (phase == nullptr) continue;
          if (const v1::RoleMeasurement* measurement = FindRole(*phase, role)) {
            values.push_back(metric.value(*measurement));
          }
        }
        summaries.push_back(
            Summarize(MetricName(layout.name, role, metric.name), metric.unit, std::move(values)));
      }
      // The perf software counter, only from repetitions where it was read.
      std::vector<double> perf_faults;
      for (const v1::RepetitionResult* repetition : repetitions) {
        const v1::PhaseResult* phase = FindPhase(*repetition, layout.name);
        const v1::RoleMeasurement* measurement =
            phase != nullptr ? FindRole(*phase, role) : nullptr;
        if (measurement != nullptr && measurement->counters().perf_available()) {
          perf_faults.push_back(static_cast<double>(measurement->counters().perf_page_faults()));
        }
      }
      if (!perf_faults.empty()) {
        summaries.push_back(Summarize(MetricName(layout.name, role, "perf_page_faults"), "count",
                                      std::move(perf_faults)));
      }
    }
  }
  return summaries;
}

uint32_t DisturbedRepetitions(const std::vector<v1::RepetitionResult>& measured) {
  return static_cast<uint32_t>(
      std::count_if(measured.begin(), measured.end(), [](const v1::RepetitionResult& repetition) {
        return !repetition.warmup() && repetition.interference().disturbed();
      }));
}

const v1::MetricSummary* FindMetric(const v1::CaseResult& result, absl::string_view name) {
  for (const v1::MetricSummary& summary : result.summaries()) {
    if (summary.name() == name) return &summary;
  }
  return nullptr;
}

}  // namespace ipclab::results
