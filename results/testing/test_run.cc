#include "results/testing/test_run.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "results/model/summary.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results::testing {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

v1::ParamSpec Param(const std::string& name, v1::ParamSpec::Type type,
                    const std::string& default_value, const std::string& min,
                    const std::string& max, const std::vector<std::string>& allowed,
                    const std::string& doc) {
  v1::ParamSpec spec;
  spec.set_name(name);
  spec.set_type(type);
  spec.set_default_value(default_value);
  spec.set_min(min);
  spec.set_max(max);
  for (const std::string& value : allowed) spec.add_allowed(value);
  spec.set_unit(type == v1::ParamSpec::SIZE ? "bytes" : "");
  spec.set_doc(doc);
  return spec;
}

// What one role did in one phase; memory grows by `rss_growth` anonymous and
// `shmem_growth` shared bytes.
void AddRole(v1::PhaseResult* phase, const std::string& role, uint64_t minor_faults,
             uint64_t voluntary, uint64_t involuntary, int64_t user_ns, int64_t system_ns,
             uint64_t rss_anon_before, int64_t rss_growth, uint64_t shmem_before,
             int64_t shmem_growth) {
  v1::RoleMeasurement* measurement = phase->add_roles();
  measurement->set_role(role);
  v1::ProcessCounters* counters = measurement->mutable_counters();
  counters->set_minor_faults(minor_faults);
  counters->set_major_faults(0);
  counters->set_voluntary_context_switches(voluntary);
  counters->set_involuntary_context_switches(involuntary);
  counters->set_user_cpu_ns(user_ns);
  counters->set_system_cpu_ns(system_ns);
  const uint64_t file_bytes = 3 * kMiB;
  v1::MemorySnapshot* before = measurement->mutable_memory_before();
  before->set_rss_anon_bytes(rss_anon_before);
  before->set_rss_shmem_bytes(shmem_before);
  before->set_rss_file_bytes(file_bytes);
  before->set_vm_rss_bytes(rss_anon_before + shmem_before + file_bytes);
  before->set_pss_bytes(rss_anon_before + shmem_before / 2 + file_bytes / 4);
  before->set_vm_hwm_bytes(before->vm_rss_bytes());
  v1::MemorySnapshot* after = measurement->mutable_memory_after();
  after->set_rss_anon_bytes(rss_anon_before + rss_growth);
  after->set_rss_shmem_bytes(shmem_before + shmem_growth);
  after->set_rss_file_bytes(file_bytes);
  after->set_vm_rss_bytes(after->rss_anon_bytes() + after->rss_shmem_bytes() + file_bytes);
  after->set_pss_bytes(after->rss_anon_bytes() + after->rss_shmem_bytes() / 2 + file_bytes / 4);
  after->set_vm_hwm_bytes(std::max(before->vm_hwm_bytes(), after->vm_rss_bytes()));
  measurement->add_cpus(role == "producer" ? 0 : 1);
}

v1::PhaseResult* AddPhase(v1::RepetitionResult* repetition, const std::string& name,
                          int64_t wall_ns, uint64_t bytes, uint64_t messages) {
  v1::PhaseResult* phase = repetition->add_phases();
  phase->set_name(name);
  phase->set_wall_ns(wall_ns);
  phase->set_bytes(bytes);
  phase->set_messages(messages);
  if (bytes > 0) phase->set_throughput_bytes_per_sec(static_cast<double>(bytes) * 1e9 / wall_ns);
  if (messages > 0) phase->set_messages_per_sec(static_cast<double>(messages) * 1e9 / wall_ns);
  return phase;
}

// One measured repetition. `speed` scales the transfer times (shm is faster
// than a pipe); `rep` varies the numbers a little between repetitions.
v1::RepetitionResult MakeRepetition(uint32_t case_index, uint32_t rep, uint64_t message_size,
                                    bool pingpong, bool shared_memory, double speed) {
  v1::RepetitionResult repetition;
  repetition.set_case_index(case_index);
  repetition.set_repetition(rep);
  const uint64_t shm = shared_memory ? 2 * kMiB : 0;
  const uint64_t anon = 2 * kMiB;

  v1::PhaseResult* setup = AddPhase(&repetition, "setup", 180000 + 20000 * rep, 0, 0);
  AddRole(setup, "producer", 120 + 2 * rep, 1, 0, 50000, 120000, anon, 256 * kKiB, 0, 0);
  AddRole(setup, "consumer", 95, 1, 0, 40000, 90000, anon, 192 * kKiB, 0, 0);

  const uint64_t total = pingpong ? 1000 * message_size : 64 * kMiB;
  const uint64_t messages = total / message_size;
  const auto transfer_ns = [&](double base_ns) {
    return static_cast<int64_t>(base_ns / speed * (1.0 + 0.04 * rep));
  };
  v1::PhaseResult* warm =
      AddPhase(&repetition, "warm", transfer_ns(pingpong ? 9.1e6 : 21.0e6), total, messages);
  AddRole(warm, "producer", shared_memory ? 512 : 18, pingpong ? 1000 : 40 + rep, 1 + rep, 1200000,
          8500000, anon + 256 * kKiB, 64 * kKiB, 0, static_cast<int64_t>(shm));
  AddRole(warm, "consumer", shared_memory ? 512 : 17, pingpong ? 1000 : 52, 2, 900000, 7900000,
          anon + 192 * kKiB, 64 * kKiB, 0, static_cast<int64_t>(shm));

  v1::PhaseResult* steady =
      AddPhase(&repetition, "steady", transfer_ns(pingpong ? 5.2e6 : 14.5e6), total, messages);
  if (pingpong) {
    v1::LatencySummary* latency = steady->mutable_latency();
    const double scale = (1.0 + 0.04 * rep) / speed;
    latency->set_count(messages);
    latency->set_min_ns(3900 * scale);
    latency->set_mean_ns(5200 * scale);
    latency->set_p50_ns(5100 * scale);
    latency->set_p90_ns(5600 * scale);
    latency->set_p99_ns(8200 * scale);
    latency->set_p999_ns(12000 * scale);
    latency->set_max_ns(15000 * scale + 1000 * rep);
    latency->set_what("round_trip");
  }
  AddRole(steady, "producer", rep, pingpong ? 1000 : 36 + rep, rep, 1100000, 7800000,
          anon + 320 * kKiB, 0, shm, 0);
  AddRole(steady, "consumer", 0, pingpong ? 1000 : 49, 1, 850000, 7300000, anon + 256 * kKiB, 0,
          shm, 0);

  v1::PhaseResult* teardown = AddPhase(&repetition, "teardown", 42000 + 1000 * rep, 0, 0);
  AddRole(teardown, "producer", 0, 0, 0, 1000, 30000, anon + 320 * kKiB,
          -static_cast<int64_t>(320 * kKiB), shm, -static_cast<int64_t>(shm));
  AddRole(teardown, "consumer", 0, 0, 0, 1000, 25000, anon + 256 * kKiB,
          -static_cast<int64_t>(256 * kKiB), shm, -static_cast<int64_t>(shm));

  v1::Placement* placement = repetition.mutable_placement();
  placement->set_requested("cross");
  v1::RolePlacement* producer = placement->add_roles();
  producer->set_role("producer");
  producer->set_pinned_cpu(0);
  producer->add_observed_cpus(0);
  v1::RolePlacement* consumer = placement->add_roles();
  consumer->set_role("consumer");
  consumer->set_pinned_cpu(1);
  consumer->add_observed_cpus(1);
  return repetition;
}

struct CaseShape {
  const char* name;
  const char* message_size;
  uint64_t message_bytes;
  const char* mode;
};

constexpr CaseShape kCases[] = {
    {"message_size=64KiB,mode=stream", "64KiB", 64 * kKiB, "stream"},
    {"message_size=64B,mode=pingpong", "64B", 64, "pingpong"},
    {"message_size=1MiB,mode=stream", "1MiB", kMiB, "stream"},
};

v1::RunResult MakeRun(const std::string& workload, bool shared_memory, double speed,
                      bool fail_last_case) {
  v1::RunResult run;
  run.set_run_id(absl::StrCat("20240501T100000-", workload));
  run.set_workload(workload);
  run.set_server("embedded");
  v1::RunRequest* request = run.mutable_request();
  request->set_workload(workload);
  request->set_repetitions(2);
  request->set_warmup(1);
  v1::Sweep* sweep = request->add_sweeps();
  sweep->set_name("message_size");
  for (const CaseShape& shape : kCases) sweep->add_values(shape.message_size);
  *run.mutable_host() = MakeTestHost();
  run.mutable_started_at()->set_seconds(1714557600);  // 2024-05-01T10:00:00Z
  run.mutable_finished_at()->set_seconds(1714557612);
  run.mutable_finished_at()->set_nanos(500000000);

  uint32_t index = 0;
  for (const CaseShape& shape : kCases) {
    v1::CaseResult* result = run.add_cases();
    v1::Case* c = result->mutable_case_();
    c->set_index(index);
    c->set_name(shape.name);
    auto& params = *c->mutable_params();
    params["message_size"] = shape.message_size;
    params["mode"] = shape.mode;
    params["total_bytes"] = "64MiB";
    params["placement"] = "cross";
    if (shared_memory) {
      params["ring_bytes"] = "1MiB";
      params["sync"] = "futex";
    } else {
      params["pipe_capacity"] = "64KiB";
    }
    if (fail_last_case && index == 2) {
      result->set_status(v1::FAILED);
      result->set_error("worker killed by SIGSEGV in phase warm (repetition 0)");
      ++index;
      continue;
    }
    const bool pingpong = std::string(shape.mode) == "pingpong";
    for (uint32_t rep = 0; rep < 2; ++rep) {
      *result->add_repetitions() =
          MakeRepetition(index, rep, shape.message_bytes, pingpong, shared_memory, speed);
    }
    for (v1::MetricSummary& summary : SummarizeCase(std::vector<v1::RepetitionResult>(
             result->repetitions().begin(), result->repetitions().end()))) {
      *result->add_summaries() = std::move(summary);
    }
    result->set_status(v1::SUCCEEDED);
    ++index;
  }
  run.set_status(fail_last_case ? v1::FAILED : v1::SUCCEEDED);
  if (fail_last_case) run.set_error("1 of 3 cases failed");
  return run;
}

}  // namespace

v1::ListWorkloadsResponse MakeTestCatalog() {
  v1::ListWorkloadsResponse catalog;
  v1::WorkloadSpec* pipe = catalog.add_workloads();
  pipe->set_name("pipe");
  pipe->set_summary("anonymous pipe between two processes");
  *pipe->add_params() =
      Param("message_size", v1::ParamSpec::SIZE, "64KiB", "1", "1GiB", {}, "bytes per write");
  *pipe->add_params() = Param("total_bytes", v1::ParamSpec::SIZE, "64MiB", "1", "64GiB", {},
                              "bytes moved in the steady phase");
  *pipe->add_params() = Param("mode", v1::ParamSpec::ENUM, "stream", "", "", {"stream", "pingpong"},
                              "one-way stream, or request/response round trips");
  *pipe->add_params() = Param("placement", v1::ParamSpec::ENUM, "cross", "", "",
                              {"none", "same", "cross"}, "CPUs of the two roles");
  *pipe->add_params() =
      Param("repeat_pause_ms", v1::ParamSpec::INT, "0", "0", "", {}, "pause between repetitions");
  for (const char* role : {"producer", "consumer"}) pipe->add_roles(role);
  for (const char* phase : {"setup", "warm", "steady", "teardown"}) pipe->add_phases(phase);

  v1::WorkloadSpec* faults = catalog.add_workloads();
  faults->set_name("page_fault");
  faults->set_summary("anonymous page faults: write, read (zero page), read-then-write");
  *faults->add_params() = Param("region_bytes", v1::ParamSpec::SIZE, "1GiB", "4KiB", "64GiB", {},
                                "size of the mapping");
  *faults->add_params() = Param("populate", v1::ParamSpec::BOOL, "false", "", "", {"true", "false"},
                                "MAP_POPULATE at mmap time");
  faults->add_roles("toucher");
  for (const char* phase : {"setup", "first_touch", "teardown"}) faults->add_phases(phase);
  return catalog;
}

v1::HostInfo MakeTestHost() {
  // The synthetic runs' host, with everything else a real one reports.
  v1::HostInfo host = SyntheticHost();
  host.set_kernel_version("#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)");
  v1::HugePagePool* pool_2m = host.add_huge_page_pools();
  pool_2m->set_page_size_bytes(2 * kMiB);
  pool_2m->set_total_pages(64);
  pool_2m->set_free_pages(60);
  pool_2m->set_reserved_pages(2);
  v1::HugePagePool* pool_1g = host.add_huge_page_pools();
  pool_1g->set_page_size_bytes(kGiB);
  host.set_mem_total_bytes(8 * kGiB);
  host.set_mem_available_bytes(5 * kGiB + 512 * kMiB + 12345);
  host.set_dev_shm_size_bytes(4 * kGiB);
  host.set_dev_shm_free_bytes(4 * kGiB - kMiB);
  host.set_in_container(true);
  host.set_container_runtime("docker");
  host.set_perf_events_allowed(false);
  host.set_perf_event_paranoid(2);
  return host;
}

v1::RunResult MakePipeRun() { return MakeRun("pipe", /*shared_memory=*/false, 1.0, true); }

v1::RunResult MakeShmRun() { return MakeRun("shm_posix", /*shared_memory=*/true, 2.5, false); }

}  // namespace ipclab::results::testing
