#include "results/testing/matrix_fixture.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/model/summary.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results::testing {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kSpread[] = {0.99, 1.0, 1.01};

struct Role {
  std::string name;
  int cpu;
  double minor_faults = 0;
  double context_switches = 0;
  double user_ns = 0;
  double system_ns = 0;
};

struct Phase {
  std::string name;
  double wall_ns;
  double bytes = 0;
  double messages = 0;
  double p50_ns = 0;  // pingpong only
  std::vector<Role> roles;
};

// A case whose repetitions have `phases`, each figure times kSpread[r]
// (wall times and counts; throughput follows from bytes / wall).
v1::CaseResult MakeCase(const std::map<std::string, std::string>& params,
                        const std::vector<std::string>& swept, const std::vector<Phase>& phases) {
  v1::CaseResult result;
  std::vector<std::string> name;
  for (const std::string& param : swept) name.push_back(absl::StrCat(param, "=", params.at(param)));
  result.mutable_case_()->set_name(absl::StrJoin(name, ","));
  for (const auto& [key, value] : params) (*result.mutable_case_()->mutable_params())[key] = value;
  result.set_status(v1::SUCCEEDED);
  std::vector<v1::RepetitionResult> repetitions;
  for (int r = 0; r < 3; ++r) {
    v1::RepetitionResult repetition;
    repetition.set_repetition(r);
    auto placement = params.find("placement");
    if (placement != params.end()) repetition.mutable_placement()->set_requested(placement->second);
    for (const Phase& phase : phases) {
      v1::PhaseResult* out = repetition.add_phases();
      out->set_name(phase.name);
      const double wall = phase.wall_ns * kSpread[r];
      out->set_wall_ns(static_cast<int64_t>(wall));
      out->set_bytes(static_cast<uint64_t>(phase.bytes));
      out->set_messages(static_cast<uint64_t>(phase.messages));
      if (phase.bytes > 0) out->set_throughput_bytes_per_sec(phase.bytes / wall * 1e9);
      if (phase.messages > 0) out->set_messages_per_sec(phase.messages / wall * 1e9);
      if (phase.p50_ns > 0) {
        v1::LatencySummary* latency = out->mutable_latency();
        latency->set_count(static_cast<uint64_t>(phase.messages));
        latency->set_p50_ns(phase.p50_ns * kSpread[r]);
        latency->set_p90_ns(phase.p50_ns * 1.3 * kSpread[r]);
        latency->set_p99_ns(phase.p50_ns * 2 * kSpread[r]);
        latency->set_p999_ns(phase.p50_ns * 4 * kSpread[r]);
        latency->set_max_ns(phase.p50_ns * 10);
      }
      for (const Role& role : phase.roles) {
        v1::RoleMeasurement* measurement = out->add_roles();
        measurement->set_role(role.name);
        measurement->add_cpus(role.cpu);
        v1::ProcessCounters* counters = measurement->mutable_counters();
        counters->set_minor_faults(static_cast<uint64_t>(role.minor_faults));
        counters->set_voluntary_context_switches(static_cast<uint64_t>(role.context_switches));
        counters->set_user_cpu_ns(static_cast<int64_t>(role.user_ns));
        counters->set_system_cpu_ns(static_cast<int64_t>(role.system_ns));
        measurement->mutable_memory_before()->set_vm_rss_bytes(4 << 20);
        measurement->mutable_memory_after()->set_vm_rss_bytes(4 << 20);
        if (r == 0 && placement != params.end()) {
          bool listed = false;
          for (const v1::RolePlacement& p : repetition.placement().roles()) {
            listed |= p.role() == role.name;
          }
          if (!listed) {
            v1::RolePlacement* role_placement = repetition.mutable_placement()->add_roles();
            role_placement->set_role(role.name);
            role_placement->add_observed_cpus(role.cpu);
          }
        }
      }
    }
    repetitions.push_back(repetition);
  }
  for (const v1::RepetitionResult& repetition : repetitions) *result.add_repetitions() = repetition;
  for (v1::MetricSummary& summary : SummarizeCase(repetitions)) {
    *result.add_summaries() = std::move(summary);
  }
  return result;
}

v1::RunResult MakeRun(const std::string& id, const std::string& workload,
                      const std::string& hostname, std::map<std::string, std::string> request,
                      std::vector<v1::CaseResult> cases) {
  v1::HostInfo host = SyntheticHost();
  host.set_hostname(hostname);
  v1::RunResult run;
  run.set_run_id(id);
  run.set_workload(workload);
  run.set_server("embedded");
  run.set_status(v1::SUCCEEDED);
  *run.mutable_host() = host;
  run.mutable_request()->set_workload(workload);
  run.mutable_request()->set_repetitions(3);
  for (const auto& [key, value] : request) (*run.mutable_request()->mutable_params())[key] = value;
  run.mutable_started_at()->set_seconds(1714557600);
  for (v1::CaseResult& c : cases) *run.add_cases() = std::move(c);
  return run;
}

// A stream case moving 64 MiB at `gbps` with `switches_per_mib` context
// switches per MiB (split between the roles) and `system_share` of the CPU
// time in the kernel.
v1::CaseResult Stream(const std::string& placement, double gbps, double switches_per_mib,
                      double system_share) {
  const double bytes = 64 * kMiB;
  const double wall = bytes / gbps;  // ns
  const double switches = switches_per_mib * 64 / 2;
  const int second_cpu = placement == "cross" ? 1 : 0;
  Role producer{"producer", 0, 0, switches, wall * (1 - system_share), wall * system_share};
  Role consumer{"consumer",         second_cpu, 0, switches, wall * (1 - system_share),
                wall * system_share};
  return MakeCase({{"message_size", "64KiB"}, {"mode", "stream"}, {"placement", placement}},
                  {"placement"},
                  {{"setup", 200e3, 0, 0, 0, {producer, consumer}},
                   {"steady", wall, bytes, bytes / 65536, 0, {producer, consumer}},
                   {"teardown", 40e3, 0, 0, 0, {producer, consumer}}});
}

v1::CaseResult Pingpong(const std::string& placement, double p50_ns) {
  const double trips = 10000;
  const int second_cpu = placement == "cross" ? 1 : 0;
  Role producer{"producer", 0, 0, trips, trips * p50_ns * 0.3, trips * p50_ns * 0.5};
  Role consumer{"consumer", second_cpu, 0, trips, trips * p50_ns * 0.3, trips * p50_ns * 0.5};
  return MakeCase(
      {{"message_size", "64"}, {"mode", "pingpong"}, {"placement", placement}}, {"placement"},
      {{"setup", 200e3, 0, 0, 0, {producer, consumer}},
       {"steady", trips * p50_ns * 1.05, trips * 64, trips, p50_ns, {producer, consumer}},
       {"teardown", 40e3, 0, 0, 0, {producer, consumer}}});
}

// page_fault over 64 MiB (16384 pages): `ns_per_page` in the access phase,
// `faults` taken there.
v1::CaseResult Fault(const std::string& access, const std::string& huge_pages, double ns_per_page,
                     double faults, bool populate = false, double setup_ns_per_page = 0,
                     double setup_faults = 2) {
  const double pages = 16384;
  const std::string phase = access == "read" ? "read" : "write";
  Role toucher{"toucher", 0, faults, 0, 0, pages * ns_per_page * 0.9};
  Role setup_toucher{"toucher", 0, setup_faults, 0, 0, 0};
  std::vector<std::string> swept = {"access", "huge_pages"};
  if (populate) swept.clear();
  return MakeCase({{"access", access},
                   {"huge_pages", huge_pages},
                   {"populate", populate ? "true" : "false"},
                   {"region_bytes", "64MiB"}},
                  swept,
                  {{"setup", populate ? pages * setup_ns_per_page : 20e3, 0, 0, 0, {setup_toucher}},
                   {phase, pages * ns_per_page, pages * 4096, pages, 0, {toucher}},
                   {"teardown", 900e3, 0, 0, 0, {Role{"toucher", 0}}}});
}

v1::CaseResult Cow(const std::string& backing, double ns_per_page) {
  const double pages = 16384;
  Role parent{"parent", 0, 16384, 0, 0, 0};  // its first write
  Role waiting_parent{"parent", 0, 0, 0, 0, 0};
  Role child{"child", 1, 16384, 0, 0, pages * ns_per_page * 0.9};
  return MakeCase(
      {{"backing", backing}, {"region_bytes", "64MiB"}}, {"backing"},
      {{"setup", 20e3, 0, 0, 0, {parent}},
       {"parent_write", pages * 250, pages * 4096, pages, 0, {parent}},
       {"fork", 300e3, 0, 0, 0, {waiting_parent, child}},
       {"child_write", pages * ns_per_page, pages * 4096, pages, 0, {waiting_parent, child}},
       {"teardown", 900e3, 0, 0, 0, {parent}}});
}

}  // namespace

std::vector<v1::RunResult> MakeMatrix(const std::string& prefix, const std::string& hostname,
                                      double scale) {
  int n = 0;
  auto id = [&] { return absl::StrCat(prefix, "-", ++n); };
  std::vector<v1::RunResult> runs;
  runs.push_back(
      MakeRun(id(), "pipe", hostname, {{"mode", "stream"}},
              {Stream("same", 2 * scale, 40, 0.6), Stream("cross", 1.5 * scale, 40, 0.6)}));
  runs.push_back(MakeRun(id(), "pipe", hostname, {{"mode", "pingpong"}},
                         {Pingpong("same", 5000 / scale), Pingpong("cross", 12000 / scale)}));
  runs.push_back(
      MakeRun(id(), "shm_posix", hostname, {{"mode", "stream"}},
              {Stream("same", 5 * scale, 1, 0.05), Stream("cross", 6 * scale, 1, 0.05)}));
  runs.push_back(MakeRun(id(), "shm_posix", hostname, {{"mode", "pingpong"}},
                         {Pingpong("same", 3000 / scale), Pingpong("cross", 8000 / scale)}));
  runs.push_back(
      MakeRun(id(), "page_fault", hostname, {{"region_bytes", "64MiB"}},
              {Fault("write", "none", 250 / scale, 16384), Fault("write", "thp", 40 / scale, 32),
               Fault("read", "none", 60 / scale, 16384), Fault("read", "thp", 5 / scale, 32)}));
  runs.push_back(MakeRun(id(), "page_fault", hostname,
                         {{"access", "write"}, {"populate", "true"}, {"region_bytes", "64MiB"}},
                         {Fault("write", "none", 20 / scale, 0, true, 200 / scale, 16384)}));
  runs.push_back(MakeRun(id(), "cow_private", hostname, {{"region_bytes", "64MiB"}},
                         {Cow("anon", 400 / scale), Cow("file", 500 / scale)}));
  return runs;
}

std::vector<v1::RunResult> MakeTwoHostMatrix() {
  std::vector<v1::RunResult> runs = MakeMatrix("a", "lab1");
  for (v1::RunResult& run : MakeMatrix("b", "lab2", 2.0)) runs.push_back(run);
  return runs;
}

}  // namespace ipclab::results::testing
