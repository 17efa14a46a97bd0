#include "results/testing/synthetic_runs.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/model/summary.h"
#include "results/stats/significance.h"

namespace ipclab::results::testing {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kSteadyBytes = 64 * kMiB;
constexpr uint64_t kBaseRss = 10 * kMiB;

void AddRole(v1::PhaseResult* phase, const std::string& role, uint64_t minor_faults,
             uint64_t rss_before, uint64_t rss_after) {
  v1::RoleMeasurement* measurement = phase->add_roles();
  measurement->set_role(role);
  measurement->mutable_counters()->set_minor_faults(minor_faults);
  measurement->mutable_counters()->set_user_cpu_ns(phase->wall_ns() / 4);
  measurement->mutable_counters()->set_system_cpu_ns(phase->wall_ns() / 2);
  measurement->mutable_memory_before()->set_vm_rss_bytes(rss_before);
  measurement->mutable_memory_after()->set_vm_rss_bytes(rss_after);
  measurement->mutable_memory_before()->set_rss_anon_bytes(rss_before / 2);
  measurement->mutable_memory_after()->set_rss_anon_bytes(rss_after / 2);
}

double At(const std::vector<double>& values, size_t index, double otherwise) {
  return index < values.size() ? values[index] : otherwise;
}

}  // namespace

v1::HostInfo SyntheticHost() {
  v1::HostInfo host;
  host.set_hostname("lab1");
  host.set_kernel_release("6.1.0-18-amd64");
  host.set_architecture("x86_64");
  host.set_cpu_model("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz");
  host.set_cpu_count(2);
  host.add_allowed_cpus(0);
  host.add_allowed_cpus(1);
  host.set_page_size_bytes(4096);
  host.set_thp_enabled("madvise");
  host.set_thp_defrag("madvise");
  host.set_ipclab_version("0.1.0");
  return host;
}

v1::RunResult MakeSyntheticRun(const std::string& run_id, const std::string& workload,
                               const std::vector<SyntheticCase>& cases, const v1::HostInfo& host,
                               int minutes_later) {
  v1::RunResult run;
  run.set_run_id(run_id);
  run.set_workload(workload);
  run.set_server("embedded");
  *run.mutable_host() = host;
  run.mutable_request()->set_workload(workload);
  run.mutable_started_at()->set_seconds(1714557600 + 60 * minutes_later);
  run.mutable_finished_at()->set_seconds(1714557600 + 60 * minutes_later + 30);
  run.set_status(v1::SUCCEEDED);

  std::map<std::string, std::set<std::string>> values;
  for (const SyntheticCase& c : cases) {
    for (const auto& [name, value] : c.params) values[name].insert(value);
  }
  for (const auto& [name, seen] : values) {
    if (seen.size() < 2) {
      (*run.mutable_request()->mutable_params())[name] = *seen.begin();
      continue;
    }
    v1::Sweep* sweep = run.mutable_request()->add_sweeps();
    sweep->set_name(name);
    for (const std::string& value : seen) sweep->add_values(value);
  }
  run.mutable_request()->set_repetitions(
      cases.empty() ? 0 : static_cast<uint32_t>(cases.front().throughput.size()));

  for (size_t index = 0; index < cases.size(); ++index) {
    const SyntheticCase& c = cases[index];
    v1::CaseResult* result = run.add_cases();
    result->mutable_case_()->set_index(static_cast<uint32_t>(index));
    std::vector<std::string> name;
    for (const auto& [param, value] : c.params) {
      (*result->mutable_case_()->mutable_params())[param] = value;
      if (values[param].size() > 1) name.push_back(absl::StrCat(param, "=", value));
    }
    result->mutable_case_()->set_name(absl::StrJoin(name, ","));
    result->set_status(c.status);
    result->set_error(c.error);
    if (c.status != v1::SUCCEEDED) {
      run.set_status(v1::FAILED);
      continue;
    }
    for (size_t r = 0; r < c.throughput.size(); ++r) {
      v1::RepetitionResult* repetition = result->add_repetitions();
      repetition->set_case_index(static_cast<uint32_t>(index));
      repetition->set_repetition(static_cast<uint32_t>(r));
      repetition->mutable_placement()->set_requested("none");

      v1::PhaseResult* setup = repetition->add_phases();
      setup->set_name("setup");
      setup->set_wall_ns(200000);
      AddRole(setup, "producer", 120, kBaseRss - kMiB, kBaseRss);
      AddRole(setup, "consumer", 90, kBaseRss - kMiB, kBaseRss);

      v1::PhaseResult* steady = repetition->add_phases();
      steady->set_name("steady");
      const double throughput = c.throughput[r];
      steady->set_wall_ns(static_cast<int64_t>(std::llround(kSteadyBytes * 1e9 / throughput)));
      steady->set_bytes(kSteadyBytes);
      steady->set_messages(kSteadyBytes / (64 * 1024));
      steady->set_throughput_bytes_per_sec(throughput);
      steady->set_messages_per_sec(static_cast<double>(steady->messages()) * 1e9 /
                                   static_cast<double>(steady->wall_ns()));
      if (!c.p99_ns.empty()) {
        const double p99 = At(c.p99_ns, r, c.p99_ns.back());
        v1::LatencySummary* latency = steady->mutable_latency();
        latency->set_count(steady->messages());
        latency->set_min_ns(p99 / 4);
        latency->set_mean_ns(p99 / 1.8);
        latency->set_p50_ns(p99 / 2);
        latency->set_p90_ns(p99 * 0.8);
        latency->set_p99_ns(p99);
        latency->set_p999_ns(p99 * 1.5);
        latency->set_max_ns(p99 * 3);
        latency->set_what("round_trip");
      }
      const double growth = At(c.rss_growth_bytes, r, 0.0);
      AddRole(steady, "producer", static_cast<uint64_t>(At(c.steady_minor_faults, r, 0.0)),
              kBaseRss, kBaseRss + static_cast<uint64_t>(growth));
      AddRole(steady, "consumer", 0, kBaseRss, kBaseRss);

      v1::PhaseResult* teardown = repetition->add_phases();
      teardown->set_name("teardown");
      teardown->set_wall_ns(50000);
      AddRole(teardown, "producer", 0, kBaseRss + static_cast<uint64_t>(growth), kBaseRss - kMiB);
      AddRole(teardown, "consumer", 0, kBaseRss, kBaseRss - kMiB);
    }
    const std::vector<v1::RepetitionResult> repetitions(result->repetitions().begin(),
                                                        result->repetitions().end());
    for (v1::MetricSummary& summary : SummarizeCase(repetitions)) {
      *result->add_summaries() = std::move(summary);
    }
  }
  return run;
}

namespace {

SyntheticCase Case(const std::string& size, const std::string& mode, std::vector<double> gbps,
                   std::vector<double> p99_us = {}) {
  SyntheticCase c;
  c.params = {{"message_size", size}, {"mode", mode}, {"pipe_capacity", "1MiB"}};
  for (double value : gbps) c.throughput.push_back(value * 1e9);
  for (double value : p99_us) c.p99_ns.push_back(value * 1e3);
  c.rss_growth_bytes.assign(c.throughput.size(), 65536);
  return c;
}

std::vector<double> Scaled(const std::vector<double>& values, const std::vector<double>& factors) {
  std::vector<double> scaled;
  for (size_t i = 0; i < values.size(); ++i)
    scaled.push_back(values[i] * factors[i % factors.size()]);
  return scaled;
}

const std::vector<double> kStream64K = {4.50, 4.52, 4.48, 4.55, 4.47, 4.51, 4.49, 4.53};
const std::vector<double> kStream4K = {1.20, 1.21, 1.19, 1.22, 1.18, 1.20, 1.21, 1.19};
const std::vector<double> kPingpong = {0.012,  0.0121, 0.0119, 0.0122,
                                       0.0118, 0.012,  0.0121, 0.0119};
const std::vector<double> kPingpongP99 = {8.2, 8.3, 8.1, 8.4, 8.0, 8.2, 8.3, 8.1};
const std::vector<double> kNoisy = {1.0, 2.0, 3.0, 1.5, 2.5, 1.2, 2.8, 1.8};

}  // namespace

v1::RunResult ScenarioBase() {
  return MakeSyntheticRun("a1b2c3d4e5f60718", "pipe",
                          {Case("64KiB", "stream", kStream64K), Case("4KiB", "stream", kStream4K),
                           Case("64B", "pingpong", kPingpong, kPingpongP99),
                           Case("1MiB", "stream", kNoisy), Case("256KiB", "stream", kStream64K)});
}

v1::RunResult ScenarioCandidate() {
  v1::HostInfo host = SyntheticHost();
  host.set_kernel_release("6.5.0-0.deb12.4-amd64");
  return MakeSyntheticRun("f0e1d2c3b4a59687", "pipe",
                          {Case("64KiB", "stream", Scaled(kStream64K, {0.80, 0.79, 0.81, 0.80})),
                           Case("4KiB", "stream", Scaled(kStream4K, {1.002, 0.998, 1.001, 0.999})),
                           Case("64B", "pingpong", Scaled(kPingpong, {1.4, 1.41, 1.39}),
                                Scaled(kPingpongP99, {0.7, 0.69, 0.71})),
                           Case("1MiB", "stream", {1.4, 2.6, 1.1, 2.9, 1.7, 2.2, 3.1, 1.3}),
                           Case("16KiB", "stream", kStream4K)},
                          host, 90);
}

v1::RunResult MakeLargeRun(const std::string& run_id, int cases, int repetitions, double scale,
                           uint64_t seed) {
  SplitMix64 random(seed);
  auto jitter = [&] { return 0.98 + 0.04 * static_cast<double>(random.Below(1000001)) / 1e6; };
  std::vector<SyntheticCase> synthetic;
  for (int c = 0; c < cases; ++c) {
    SyntheticCase one;
    one.params["message_size"] = absl::StrCat(c + 1, "KiB");
    one.params["mode"] = "pingpong";
    for (int r = 0; r < repetitions; ++r) {
      one.throughput.push_back(1e9 * scale * jitter());
      one.p99_ns.push_back(20000 / scale * jitter());
      one.steady_minor_faults.push_back(std::round(10 * jitter()));
      one.rss_growth_bytes.push_back(4096 * std::round(16 * jitter()));
    }
    synthetic.push_back(std::move(one));
  }
  return MakeSyntheticRun(run_id, "pipe", synthetic);
}

}  // namespace ipclab::results::testing
