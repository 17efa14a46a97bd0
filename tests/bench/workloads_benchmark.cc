// Reproduces the speed figures of the workloads without any gRPC: each
// benchmark iteration is one repetition of one case, timed by the workload's
// own steady phase (manual time). Counters: bytes_per_second (steady),
// rtt_p50_us / rtt_p99_us (pingpong), faults per role in the steady phase.
// A memcpy baseline on prefaulted memory (like shared/reference membw) runs in
// the same process so ratios can be taken from one run:
//   ipclab_benchmark --benchmark_filter='memcpy|shm_posix/stream'
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "workloads/registry.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {
namespace {

using Params = std::map<std::string, std::string>;

// Runs the first case of `params` once per iteration of `state`, timed by its
// phase `timed_phase` (manual time), and hands that phase to `on_phase`. A
// failure skips the benchmark with its message and returns false.
bool RunTimedPhase(benchmark::State& state, const std::string& name, const Params& params,
                   const std::string& timed_phase,
                   const std::function<void(const v1::PhaseResult&)>& on_phase) {
  v1::RunRequest request;
  request.set_workload(name);
  request.mutable_params()->insert(params.begin(), params.end());
  absl::StatusOr<std::vector<v1::Case>> cases = ResolveCases(request);
  if (!cases.ok()) {
    state.SkipWithError(std::string(cases.status().message()).c_str());
    return false;
  }
  const Workload* workload = FindWorkload(name).value();
  const CaseParams case_params = CaseParams::FromCase(cases->front());
  for (auto _ : state) {
    absl::StatusOr<v1::RepetitionResult> result =
        workload->RunRepetition(case_params, RunContext());
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return false;
    }
    for (const v1::PhaseResult& phase : result->phases()) {
      if (phase.name() != timed_phase) continue;
      state.SetIterationTime(static_cast<double>(phase.wall_ns()) / 1e9);
      on_phase(phase);
    }
  }
  return true;
}

// Transports: the steady phase's bytes and (pingpong) round-trip quantiles.
void RunCase(benchmark::State& state, const std::string& name, const Params& params) {
  uint64_t bytes = 0;
  double p50_sum = 0, p99_sum = 0;
  const bool ran = RunTimedPhase(state, name, params, "steady", [&](const v1::PhaseResult& phase) {
    bytes += phase.bytes();
    p50_sum += phase.latency().p50_ns();
    p99_sum += phase.latency().p99_ns();
  });
  if (!ran) return;
  const double iterations = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  if (p50_sum > 0) {
    state.counters["rtt_p50_us"] = p50_sum / iterations / 1e3;
    state.counters["rtt_p99_us"] = p99_sum / iterations / 1e3;
  }
}

// glibc memcpy of prefaulted memory: the physical limit a one-copy transfer
// approaches (shared/reference/c-programs/membw.c).
void BM_memcpy_prefaulted(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  auto source = sys::Mapping::Anonymous(size, MAP_POPULATE);
  auto destination = sys::Mapping::Anonymous(size, MAP_POPULATE);
  if (!source.ok() || !destination.ok()) {
    state.SkipWithError("mmap failed");
    return;
  }
  std::memset(source->data(), 1, size);
  std::memset(destination->data(), 2, size);
  std::memcpy(destination->data(), source->data(), size);
  for (auto _ : state) {
    std::memcpy(destination->data(), source->data(), size);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_memcpy_prefaulted)->Arg(256 << 20)->Unit(benchmark::kMillisecond)->Iterations(10);

// `run` as a benchmark of `repetitions` iterations in manual time.
void RegisterTimed(const std::string& label, std::function<void(benchmark::State&)> run,
                   int repetitions) {
  benchmark::RegisterBenchmark(label.c_str(), std::move(run))
      ->UseManualTime()
      ->Iterations(repetitions)
      ->Unit(benchmark::kMillisecond);
}

void Register(const std::string& label, const std::string& workload, const Params& params,
              int repetitions) {
  RegisterTimed(
      label, [workload, params](benchmark::State& state) { RunCase(state, workload, params); },
      repetitions);
}

// Memory workloads (page_fault, cow_private): one timed touch phase per
// iteration; ns_per_page is comparable with shared/reference/c-programs/
// pagefault's figure for the same mode, faults are the getrusage minor faults
// of the role that touched (the most faulting role of the phase).
void RunTouchPhase(benchmark::State& state, const std::string& name, const Params& params,
                   const std::string& timed_phase) {
  double wall_ns = 0, pages = 0, faults = 0;
  const bool ran =
      RunTimedPhase(state, name, params, timed_phase, [&](const v1::PhaseResult& phase) {
        wall_ns += static_cast<double>(phase.wall_ns());
        pages += static_cast<double>(phase.messages());
        uint64_t most = 0;
        for (const v1::RoleMeasurement& role : phase.roles()) {
          most = std::max<uint64_t>(most, role.counters().minor_faults());
        }
        faults += static_cast<double>(most);
      });
  if (!ran) return;
  if (pages > 0) state.counters["ns_per_page"] = wall_ns / pages;
  state.counters["faults"] = benchmark::Counter(faults, benchmark::Counter::kAvgIterations);
}

void RegisterTouch(const std::string& label, const std::string& workload, const Params& params,
                   const std::string& timed_phase, int repetitions) {
  RegisterTimed(
      label,
      [workload, params, timed_phase](benchmark::State& state) {
        RunTouchPhase(state, workload, params, timed_phase);
      },
      repetitions);
}

// 64 B pingpong messages (12.8 MB in all) through a ring, spinning (a
// shared-memory ring's lowest latency).
Params SpinPingpong64B(const std::string& placement) {
  return {{"message_size", "64"},
          {"total_bytes", "12800000"},
          {"mode", "pingpong"},
          {"sync", "spin"},
          {"placement", placement}};
}

void RegisterAll() {
  for (const char* placement : {"same", "cross"}) {
    const std::string at = std::string("/placement:") + placement;
    Register("pipe/stream/64KiB" + at, "pipe",
             {{"message_size", "64KiB"}, {"total_bytes", "1GiB"}, {"placement", placement}}, 5);
    Register("pipe/stream/64KiB/capacity:1MiB" + at, "pipe",
             {{"message_size", "64KiB"},
              {"total_bytes", "1GiB"},
              {"pipe_capacity", "1MiB"},
              {"placement", placement}},
             5);
    Register("pipe/pingpong/1B" + at, "pipe",
             {{"message_size", "1"},
              {"total_bytes", "200000"},
              {"mode", "pingpong"},
              {"placement", placement}},
             5);
    Register("shm_posix/stream/64KiB/ring:1MiB" + at, "shm_posix",
             {{"message_size", "64KiB"},
              {"total_bytes", "1GiB"},
              {"ring_bytes", "1MiB"},
              {"placement", placement}},
             5);
    Register("shm_posix/stream/64KiB/ring:1MiB/spin" + at, "shm_posix",
             {{"message_size", "64KiB"},
              {"total_bytes", "1GiB"},
              {"ring_bytes", "1MiB"},
              {"sync", "spin"},
              {"placement", placement}},
             5);
    Register("shm_posix/pingpong/64B/spin" + at, "shm_posix", SpinPingpong64B(placement), 5);
  }
  // Every transport streaming 1 GiB in 64 KiB and 1 MiB messages (rings of
  // 1 MiB), and the shared-memory rings' spin pingpong at 64 B, at each
  // placement: compare with lmbench bw_pipe / bw_unix, c-programs/pipe_bw and
  // membw, and ipc-bench shm, measured at the same placement.
  const std::vector<std::pair<std::string, Params>> transports = {
      {"pipe", {}},
      {"pipe/capacity:1MiB", {{"pipe_capacity", "1MiB"}}},
      {"pipe/vmsplice", {{"splice", "vmsplice"}}},
      {"pipe/vmsplice/capacity:1MiB", {{"splice", "vmsplice"}, {"pipe_capacity", "1MiB"}}},
      {"unix_socket", {}},
      {"shm_posix", {}},
      {"shm_posix/spin", {{"sync", "spin"}}},
      {"shm_posix/eventfd", {{"sync", "eventfd"}}},
      {"shm_sysv", {}},
      {"mmap_file/tmpfs", {}},
      {"mmap_file/disk", {{"location", "disk"}}},
  };
  for (const char* placement : {"none", "same", "cross"}) {
    const std::string at = std::string("/placement:") + placement;
    for (const char* size : {"64KiB", "1MiB"}) {
      for (const auto& [label, options] : transports) {
        Params params = options;
        params.insert({{"message_size", size}, {"total_bytes", "1GiB"}, {"placement", placement}});
        const std::string workload = label.substr(0, label.find('/'));
        Register("transport/" + label + "/stream/" + size + at, workload, params, 5);
      }
    }
    for (const char* workload : {"shm_posix", "shm_sysv", "mmap_file"}) {
      Register(std::string("transport/") + workload + "/spin/pingpong/64B" + at, workload,
               SpinPingpong64B(placement), 5);
    }
  }
  // The modes of shared/reference/c-programs/pagefault, at its 1 GiB; the
  // hugetlb ones need 512 free 2 MiB pages (they skip otherwise).
  const Params gib = {{"region_bytes", "1GiB"}};
  auto with = [&gib](Params extra) {
    extra.insert(gib.begin(), gib.end());
    return extra;
  };
  RegisterTouch("page_fault/a_write/1GiB", "page_fault", gib, "write", 5);
  RegisterTouch("page_fault/b_read_write:read/1GiB", "page_fault",
                with({{"access", "read_then_write"}}), "read", 5);
  RegisterTouch("page_fault/b_read_write:write/1GiB", "page_fault",
                with({{"access", "read_then_write"}}), "write", 5);
  RegisterTouch("page_fault/c_populate:setup/1GiB", "page_fault", with({{"populate", "true"}}),
                "setup", 5);
  RegisterTouch("page_fault/c_populate:write/1GiB", "page_fault", with({{"populate", "true"}}),
                "write", 5);
  RegisterTouch("page_fault/d_thp/1GiB", "page_fault", with({{"huge_pages", "thp"}}), "write", 5);
  RegisterTouch("page_fault/e_hugetlb/1GiB", "page_fault", with({{"huge_pages", "hugetlb"}}),
                "write", 5);
  RegisterTouch("page_fault/shared/1GiB", "page_fault", with({{"shared", "true"}}), "write", 5);
  RegisterTouch("cow_private/f_cow_write:child_write/256MiB", "cow_private",
                {{"region_bytes", "256MiB"}}, "child_write", 5);
  RegisterTouch("cow_private/file:child_write/256MiB", "cow_private",
                {{"region_bytes", "256MiB"}, {"backing", "file"}, {"parent_writes", "false"}},
                "child_write", 5);
}

}  // namespace
}  // namespace ipclab::workloads

int main(int argc, char** argv) {
  ipclab::workloads::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
