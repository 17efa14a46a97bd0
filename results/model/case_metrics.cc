#include "results/model/case_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/size.h"
#include "results/format/format.h"
#include "results/model/phases.h"

namespace ipclab::results {
namespace {

constexpr uint64_t kDefaultPageSize = 4096;

bool IsEdgePhase(const std::string& name) { return name == "setup" || name == "teardown"; }

double Throughput(const v1::PhaseResult& phase) {
  if (phase.throughput_bytes_per_sec() > 0) return phase.throughput_bytes_per_sec();
  if (phase.wall_ns() <= 0) return 0.0;
  return static_cast<double>(phase.bytes()) * 1e9 / static_cast<double>(phase.wall_ns());
}

// The region the case maps, from its parameters; nullopt if it names none.
std::optional<uint64_t> RegionBytes(const v1::CaseResult& result) {
  for (const char* name : {"region_bytes", "ring_bytes"}) {
    auto it = result.case_().params().find(name);
    if (it == result.case_().params().end()) continue;
    if (absl::StatusOr<uint64_t> bytes = base::ParseSize(it->second); bytes.ok()) return *bytes;
  }
  return std::nullopt;
}

// Whether the case pre-faults its memory in setup (populate=true).
bool Populates(const v1::CaseResult& result) {
  auto it = result.case_().params().find("populate");
  return it != result.case_().params().end() && it->second == "true";
}

std::optional<double> FaultsPerPage(const v1::RepetitionResult& repetition,
                                    std::optional<uint64_t> region_bytes, uint64_t page_size,
                                    bool count_setup) {
  double faults = 0.0;
  double moved = 0.0;
  bool counted = false;
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (IsEdgePhase(phase.name()) && !(count_setup && phase.name() == "setup")) continue;
    counted = true;
    moved += static_cast<double>(phase.bytes());
    for (const v1::RoleMeasurement& role : phase.roles()) {
      faults += static_cast<double>(role.counters().minor_faults());
    }
  }
  const double bytes = region_bytes.has_value() ? static_cast<double>(*region_bytes) : moved;
  if (!counted || bytes <= 0) return std::nullopt;
  return faults / (bytes / static_cast<double>(page_size));
}

std::optional<double> RssGrowth(const v1::RepetitionResult& repetition) {
  // Per role: VmRSS + HugetlbPages (hugetlb memory is not in VmRSS) before
  // its first phase and after its last phase before teardown.
  std::map<std::string, std::pair<uint64_t, uint64_t>> roles;  // role -> (first, last)
  bool measured = false;
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (phase.name() == "teardown") continue;
    for (const v1::RoleMeasurement& role : phase.roles()) {
      const uint64_t before =
          role.memory_before().vm_rss_bytes() + role.memory_before().hugetlb_bytes();
      const uint64_t after =
          role.memory_after().vm_rss_bytes() + role.memory_after().hugetlb_bytes();
      measured |= before > 0 || after > 0;
      auto [it, inserted] = roles.try_emplace(role.role(), before, after);
      if (!inserted) it->second.second = after;
    }
  }
  if (!measured) return std::nullopt;
  double growth = 0.0;
  for (const auto& [role, rss] : roles) {
    growth += static_cast<double>(rss.second) - static_cast<double>(rss.first);
  }
  return growth;
}

}  // namespace

const std::vector<CaseMetric>& CaseMetrics() {
  static const auto* const kMetrics = new std::vector<CaseMetric>{
      {"throughput", "throughput", "bytes/s", Direction::kHigherIsBetter, 0.0},
      {"p50", "latency p50", "ns", Direction::kLowerIsBetter, 0.0},
      {"p99", "latency p99", "ns", Direction::kLowerIsBetter, 0.0},
      {"ns_per_page", "ns/page", "ns", Direction::kLowerIsBetter, 0.0},
      {"faults_per_page", "faults/page", "faults/page", Direction::kLowerIsBetter, 0.001},
      {"rss_growth", "RSS growth", "bytes", Direction::kLowerIsBetter, 256.0 * 1024},
  };
  return *kMetrics;
}

const CaseMetric* FindCaseMetric(absl::string_view key) {
  static const auto* const kAliases =
      new std::map<std::string, std::string, std::less<>>{{"latency_p50", "p50"},
                                                          {"latency_p99", "p99"},
                                                          {"faults", "faults_per_page"},
                                                          {"rss", "rss_growth"}};
  auto alias = kAliases->find(key);
  if (alias != kAliases->end()) key = alias->second;
  for (const CaseMetric& metric : CaseMetrics()) {
    if (key == metric.key) return &metric;
  }
  return nullptr;
}

absl::StatusOr<std::vector<const CaseMetric*>> ParseMetricList(absl::string_view text) {
  std::vector<const CaseMetric*> metrics;
  for (absl::string_view key : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    key = absl::StripAsciiWhitespace(key);
    const CaseMetric* metric = FindCaseMetric(key);
    if (metric == nullptr) {
      std::vector<std::string> known;
      for (const CaseMetric& m : CaseMetrics()) known.push_back(m.key);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown metric \"", key, "\"; known: ", absl::StrJoin(known, ", ")));
    }
    if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) {
      metrics.push_back(metric);
    }
  }
  if (metrics.empty()) {
    for (const CaseMetric& metric : CaseMetrics()) metrics.push_back(&metric);
  }
  return metrics;
}

namespace {

// What RepetitionValue needs of the case, worked out once.
struct CaseFacts {
  std::string headline;
  std::optional<uint64_t> region;
  uint64_t page_size;
  bool touches_pages;  // ns/page instead of bytes/s
  bool populates;      // faults/page counts setup
};

CaseFacts FactsOf(const v1::CaseResult& result, uint64_t page_size_bytes) {
  return CaseFacts{HeadlinePhase(result), RegionBytes(result),
                   page_size_bytes > 0 ? page_size_bytes : kDefaultPageSize, TouchesPages(result),
                   Populates(result)};
}

std::optional<double> ValueOf(const v1::RepetitionResult& repetition, const CaseMetric& metric,
                              const CaseFacts& facts) {
  const absl::string_view key = metric.key;
  if (key == "throughput" || key == "p50" || key == "p99" || key == "ns_per_page") {
    const v1::PhaseResult* phase = FindPhase(repetition, facts.headline);
    if (phase == nullptr) return std::nullopt;
    if (key == "throughput") {
      if (phase->bytes() == 0 || facts.touches_pages) return std::nullopt;
      return Throughput(*phase);
    }
    if (key == "ns_per_page") {
      if (!facts.touches_pages || phase->messages() == 0) return std::nullopt;
      return static_cast<double>(phase->wall_ns()) / static_cast<double>(phase->messages());
    }
    if (phase->latency().count() == 0) return std::nullopt;
    return key == "p50" ? phase->latency().p50_ns() : phase->latency().p99_ns();
  }
  if (key == "faults_per_page") {
    return FaultsPerPage(repetition, facts.region, facts.page_size, facts.populates);
  }
  if (key == "rss_growth") return RssGrowth(repetition);
  return std::nullopt;
}

}  // namespace

std::optional<double> RepetitionValue(const v1::CaseResult& result,
                                      const v1::RepetitionResult& repetition,
                                      const CaseMetric& metric, uint64_t page_size_bytes) {
  return ValueOf(repetition, metric, FactsOf(result, page_size_bytes));
}

std::vector<double> MetricSamples(const v1::CaseResult& result, const CaseMetric& metric,
                                  uint64_t page_size_bytes) {
  std::vector<double> values;
  const CaseFacts facts = FactsOf(result, page_size_bytes);
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    if (repetition.warmup()) continue;
    if (std::optional<double> value = ValueOf(repetition, metric, facts)) {
      values.push_back(*value);
    }
  }
  return values;
}

std::string FormatMetricValue(const CaseMetric& metric, double value) {
  const std::string unit = metric.unit;
  if (unit == "bytes/s") return FormatThroughput(value);
  if (unit == "ns") return FormatDuration(value);
  if (unit == "bytes") return FormatBytes(value);
  if (value == 0.0) return "0";
  if (std::abs(value) >= 100) return FormatCount(value);
  return absl::StrFormat("%.3g", value);
}

}  // namespace ipclab::results
