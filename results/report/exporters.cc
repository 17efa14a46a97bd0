#include "results/report/exporters.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "results/model/case_metrics.h"
#include "results/model/phases.h"
#include "results/report/json_writer.h"
#include "results/stats/statistics.h"

namespace ipclab::results {
namespace {

// One measured repetition in Google Benchmark's terms.
struct BenchmarkEntry {
  double iterations = 1;
  double real_time_ns = 0;
  double cpu_time_ns = 0;
  std::optional<double> bytes_per_second;
  std::optional<double> items_per_second;
  // User counters, in output order.
  std::vector<std::pair<const char*, double>> counters;
};

std::optional<BenchmarkEntry> EntryFor(const v1::CaseResult& result,
                                       const v1::RepetitionResult& repetition,
                                       const std::string& headline, uint64_t page_size) {
  const v1::PhaseResult* phase = FindPhase(repetition, headline);
  if (phase == nullptr) return std::nullopt;
  BenchmarkEntry entry;
  entry.iterations = phase->messages() > 0 ? static_cast<double>(phase->messages()) : 1.0;
  double cpu_ns = 0;
  for (const v1::RoleMeasurement& role : phase->roles()) {
    cpu_ns += static_cast<double>(role.counters().user_cpu_ns() + role.counters().system_cpu_ns());
  }
  entry.real_time_ns = static_cast<double>(phase->wall_ns()) / entry.iterations;
  entry.cpu_time_ns = cpu_ns / entry.iterations;
  const double wall_s = static_cast<double>(phase->wall_ns()) / 1e9;
  if (phase->bytes() > 0 && !TouchesPages(result)) {  // never "841 GB/s" of page touches
    entry.bytes_per_second = phase->throughput_bytes_per_sec() > 0
                                 ? phase->throughput_bytes_per_sec()
                                 : (wall_s > 0 ? static_cast<double>(phase->bytes()) / wall_s : 0);
  }
  if (phase->messages() > 0) {
    entry.items_per_second =
        phase->messages_per_sec() > 0
            ? phase->messages_per_sec()
            : (wall_s > 0 ? static_cast<double>(phase->messages()) / wall_s : 0);
  }
  static constexpr std::pair<const char*, const char*> kCounters[] = {
      {"latency_p50_ns", "p50"},
      {"latency_p99_ns", "p99"},
      {"faults_per_page", "faults_per_page"},
      {"rss_growth_bytes", "rss_growth"}};
  for (const auto& [counter, key] : kCounters) {
    const CaseMetric* metric = FindCaseMetric(key);
    if (std::optional<double> value = RepetitionValue(result, repetition, *metric, page_size)) {
      entry.counters.emplace_back(counter, *value);
    }
  }
  return entry;
}

void WriteFields(JsonWriter& json, const BenchmarkEntry& entry) {
  json.Key("iterations").Number(entry.iterations);
  json.Key("real_time").Number(entry.real_time_ns);
  json.Key("cpu_time").Number(entry.cpu_time_ns);
  json.Key("time_unit").String("ns");
  if (entry.bytes_per_second) json.Key("bytes_per_second").Number(*entry.bytes_per_second);
  if (entry.items_per_second) json.Key("items_per_second").Number(*entry.items_per_second);
  for (const auto& [name, value] : entry.counters) json.Key(name).Number(value);
}

// An aggregate over the entries: each field through `statistic`.
BenchmarkEntry Aggregate(const std::vector<BenchmarkEntry>& entries,
                         double (*statistic)(const std::vector<double>&)) {
  auto over = [&](auto field) {
    std::vector<double> values;
    for (const BenchmarkEntry& entry : entries) {
      if (std::optional<double> value = field(entry)) values.push_back(*value);
    }
    return values.empty() ? std::nullopt : std::optional<double>(statistic(values));
  };
  BenchmarkEntry aggregate;
  aggregate.iterations = static_cast<double>(entries.size());
  aggregate.real_time_ns =
      *over([](const BenchmarkEntry& e) { return std::optional<double>(e.real_time_ns); });
  aggregate.cpu_time_ns =
      *over([](const BenchmarkEntry& e) { return std::optional<double>(e.cpu_time_ns); });
  aggregate.bytes_per_second = over([](const BenchmarkEntry& e) { return e.bytes_per_second; });
  aggregate.items_per_second = over([](const BenchmarkEntry& e) { return e.items_per_second; });
  for (const auto& [name, ignored] : entries.front().counters) {
    const std::string counter = name;
    if (std::optional<double> value = over([&](const BenchmarkEntry& e) -> std::optional<double> {
          for (const auto& [n, v] : e.counters) {
            if (counter == n) return v;
          }
          return std::nullopt;
        })) {
      aggregate.counters.emplace_back(name, *value);
    }
  }
  return aggregate;
}

// The context of the first run; a multi-run file lists every run id, and
// its executable names every workload.
void WriteContext(JsonWriter& json, const std::vector<v1::RunResult>& runs) {
  static const v1::RunResult kNone;
  const v1::RunResult& run = runs.empty() ? kNone : runs.front();
  std::vector<std::string> workloads;
  std::vector<std::string> run_ids;
  for (const v1::RunResult& each : runs) {
    if (std::find(workloads.begin(), workloads.end(), each.workload()) == workloads.end()) {
      workloads.push_back(each.workload());
    }
    run_ids.push_back(each.run_id());
  }
  json.Key("context").BeginObject();
  json.Key("date").String(
      run.has_started_at() ? google::protobuf::util::TimeUtil::ToString(run.started_at()) : "");
  json.Key("host_name").String(run.host().hostname());
  json.Key("executable").String(absl::StrCat("ipclab ", absl::StrJoin(workloads, ",")));
  json.Key("num_cpus").Integer(run.host().cpu_count());
  json.Key("mhz_per_cpu").Integer(0);
  json.Key("cpu_scaling_enabled").Bool(false);
  json.Key("caches").BeginArray().EndArray();
  json.Key("load_avg").BeginArray().EndArray();
  json.Key("library_build_type").String("release");
  json.Key("ipclab_run_id").String(absl::StrJoin(run_ids, ","));
  json.Key("kernel_release").String(run.host().kernel_release());
  json.Key("thp_enabled").String(run.host().thp_enabled());
  json.EndObject();
}

// value, lower_value, upper_value: the median, min and max.
void WriteBencherMeasure(JsonWriter& json, const char* measure, const std::vector<double>& values) {
  if (values.empty()) return;
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  json.Key(measure).BeginObject();
  json.Key("value").Number(Median(values));
  json.Key("lower_value").Number(*min);
  json.Key("upper_value").Number(*max);
  json.EndObject();
}

}  // namespace

std::string BenchmarkName(const v1::RunResult& run, const v1::CaseResult& result,
                          const v1::ListWorkloadsResponse& catalog) {
  const auto& params = result.case_().params();
  std::vector<std::string> parts;
  const v1::WorkloadSpec* spec = nullptr;
  for (const v1::WorkloadSpec& workload : catalog.workloads()) {
    if (workload.name() == run.workload()) spec = &workload;
  }
  if (spec == nullptr) {  // no catalog entry: every parameter, sorted by name
    std::map<std::string, std::string> sorted(params.begin(), params.end());
    for (const auto& [name, value] : sorted) parts.push_back(absl::StrCat(name, "=", value));
  } else {
    for (const v1::ParamSpec& param : spec->params()) {
      auto it = params.find(param.name());
      if (it == params.end()) continue;
      if (it->second != param.default_value() || param.name() == "placement") {
        parts.push_back(absl::StrCat(param.name(), "=", it->second));
      }
    }
  }
  if (parts.empty()) return run.workload();
  return absl::StrCat(run.workload(), "/", absl::StrJoin(parts, ","));
}

namespace {

// One name per case of every run, in order, duplicates numbered "#2", ...
std::vector<std::vector<std::string>> UniqueNames(const std::vector<v1::RunResult>& runs,
                                                  const v1::ListWorkloadsResponse& catalog) {
  std::map<std::string, int> seen;
  std::vector<std::vector<std::string>> names;
  for (const v1::RunResult& run : runs) {
    names.emplace_back();
    for (const v1::CaseResult& result : run.cases()) {
      std::string name = BenchmarkName(run, result, catalog);
      const int count = ++seen[name];
      if (count > 1) absl::StrAppend(&name, "#", count);
      names.back().push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace

void PrintGoogleBenchmarkJson(const std::vector<v1::RunResult>& runs,
                              const v1::ListWorkloadsResponse& catalog, std::ostream* out) {
  JsonWriter json(out);
  json.BeginObject();
  WriteContext(json, runs);
  json.Key("benchmarks").BeginArray();
  const std::vector<std::vector<std::string>> names = UniqueNames(runs, catalog);
  int family = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    const v1::RunResult& run = runs[r];
    const uint64_t page_size = run.host().page_size_bytes();
    for (int index = 0; index < run.cases_size(); ++index, ++family) {
      const v1::CaseResult& result = run.cases(index);
      const std::string& name = names[r][static_cast<size_t>(index)];
      std::vector<BenchmarkEntry> entries;
      const std::string headline = HeadlinePhase(result);
      for (const v1::RepetitionResult& repetition : result.repetitions()) {
        if (repetition.warmup()) continue;
        if (std::optional<BenchmarkEntry> entry =
                EntryFor(result, repetition, headline, page_size)) {
          entries.push_back(*std::move(entry));
        }
      }
      auto begin = [&](const std::string& entry_name, const char* run_type) {
        json.BeginObject();
        json.Key("name").String(entry_name);
        json.Key("family_index").Integer(family);
        json.Key("per_family_instance_index").Integer(0);
        json.Key("run_name").String(name);
        json.Key("run_type").String(run_type);
        json.Key("repetitions").Integer(static_cast<int64_t>(entries.size()));
        json.Key("threads").Integer(1);
      };
      if (result.status() != v1::SUCCEEDED || entries.empty()) {
        begin(name, "iteration");
        json.Key("error_occurred").Bool(true);
        json.Key("error_message")
            .String(result.error().empty() ? "no measured repetition" : result.error());
        json.EndObject();
        continue;
      }
      for (size_t r = 0; r < entries.size(); ++r) {
        begin(name, "iteration");
        json.Key("repetition_index").Integer(static_cast<int64_t>(r));
        WriteFields(json, entries[r]);
        json.EndObject();
      }
      static constexpr std::pair<const char*, double (*)(const std::vector<double>&)>
          kAggregates[] = {{"mean", Mean},
                           {"median", Median},
                           {"stddev", SampleStdDev},
                           {"cv", CoefficientOfVariation}};
      for (const auto& [aggregate_name, statistic] : kAggregates) {
        begin(absl::StrCat(name, "_", aggregate_name), "aggregate");
        json.Key("aggregate_name").String(aggregate_name);
        json.Key("aggregate_unit")
            .String(std::string(aggregate_name) == "cv" ? "percentage" : "time");
        WriteFields(json, Aggregate(entries, statistic));
        json.EndObject();
      }
    }
  }
  json.EndArray();
  json.EndObject();
}

void PrintBencherMetricFormat(const std::vector<v1::RunResult>& runs,
                              const v1::ListWorkloadsResponse& catalog, std::ostream* out) {
  JsonWriter json(out);
  json.BeginObject();
  const std::vector<std::vector<std::string>> names = UniqueNames(runs, catalog);
  for (size_t r = 0; r < runs.size(); ++r) {
    const v1::RunResult& run = runs[r];
    const uint64_t page_size = run.host().page_size_bytes();
    for (int index = 0; index < run.cases_size(); ++index) {
      const v1::CaseResult& result = run.cases(index);
      if (result.status() != v1::SUCCEEDED || result.repetitions_size() == 0) continue;
      std::vector<double> messages_per_second;
      const std::string headline = HeadlinePhase(result);
      for (const v1::RepetitionResult& repetition : result.repetitions()) {
        if (repetition.warmup()) continue;
        const v1::PhaseResult* phase = FindPhase(repetition, headline);
        if (phase == nullptr || phase->messages() == 0) continue;
        messages_per_second.push_back(phase->messages_per_sec() > 0
                                          ? phase->messages_per_sec()
                                          : (phase->wall_ns() > 0
                                                 ? static_cast<double>(phase->messages()) * 1e9 /
                                                       static_cast<double>(phase->wall_ns())
                                                 : 0.0));
      }
      json.Key(names[r][static_cast<size_t>(index)]).BeginObject();
      WriteBencherMeasure(json, "throughput", messages_per_second);
      static constexpr std::pair<const char*, const char*> kMeasures[] = {
          {"latency", "p50"},
          {"latency-p99", "p99"},
          {"bytes-per-second", "throughput"},
          {"ns-per-page", "ns_per_page"},
          {"faults-per-page", "faults_per_page"},
          {"rss-growth", "rss_growth"}};
      for (const auto& [measure, key] : kMeasures) {
        WriteBencherMeasure(json, measure, MetricSamples(result, *FindCaseMetric(key), page_size));
      }
      json.EndObject();
    }
  }
  json.EndObject();
}

}  // namespace ipclab::results
