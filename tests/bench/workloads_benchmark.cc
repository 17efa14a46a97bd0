// Reproduces the speed figures of the workloads without any gRPC: each
// benchmark iteration is one repetition of one case, timed by the workload's
// own steady phase (manual time). Counters: bytes_per_second (steady),
// rtt_p50_us / rtt_p99_us (pingpong), faults per role in the steady phase.
// A memcpy baseline on prefaulted memory (like shared/reference membw) runs in
// the same process so ratios can be taken from one run:
//   ipclab_benchmark --benchmark_filter='memcpy|shm_posix/stream'
#include <sys/mman.h>

#include <cstring>
#include <map>
#include <string>

#include "benchmark/benchmark.h"
#include "workloads/registry.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {
namespace {

using Params = std::map<std::string, std::string>;

void RunCase(benchmark::State& state, const std::string& name, const Params& params) {
  v1::RunRequest request;
  request.set_workload(name);
  request.mutable_params()->insert(params.begin(), params.end());
  absl::StatusOr<std::vector<v1::Case>> cases = ResolveCases(request);
  if (!cases.ok()) {
    state.SkipWithError(std::string(cases.status().message()).c_str());
    return;
  }
  const Workload* workload = FindWorkload(name).value();
  const CaseParams case_params = CaseParams::FromCase(cases->front());
  uint64_t bytes = 0;
  double p50_sum = 0, p99_sum = 0;
  int iterations = 0;
  for (auto _ : state) {
    absl::StatusOr<v1::RepetitionResult> result = workload->RunRepetition(case_params, RunContext());
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    for (const v1::PhaseResult& phase : result->phases()) {
      if (phase.name() != "steady") continue;
      state.SetIterationTime(static_cast<double>(phase.wall_ns()) / 1e9);
      bytes += phase.bytes();
      p50_sum += phase.latency().p50_ns();
      p99_sum += phase.latency().p99_ns();
    }
    ++iterations;
  }
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

void Register(const std::string& label, const std::string& workload, const Params& params,
              int repetitions) {
  benchmark::RegisterBenchmark(label.c_str(), [workload, params](benchmark::State& state) {
    RunCase(state, workload, params);
  })
      ->UseManualTime()
      ->Iterations(repetitions)
      ->Unit(benchmark::kMillisecond);
}

void RegisterAll() {
  for (const char* placement : {"same", "cross"}) {
    const std::string at = std::string("/placement:") + placement;
    Register("pipe/stream/64KiB" + at, "pipe",
             {{"message_size", "64KiB"}, {"total_bytes", "1GiB"}, {"placement", placement}}, 5);
    Register("pipe/stream/64KiB/capacity:1MiB" + at, "pipe",
             {{"message_size", "64KiB"}, {"total_bytes", "1GiB"}, {"pipe_capacity", "1MiB"},
              {"placement", placement}},
             5);
    Register("pipe/pingpong/1B" + at, "pipe",
             {{"message_size", "1"}, {"total_bytes", "200000"}, {"mode", "pingpong"},
              {"placement", placement}},
             5);
    Register("shm_posix/stream/64KiB/ring:1MiB" + at, "shm_posix",
             {{"message_size", "64KiB"}, {"total_bytes", "1GiB"}, {"ring_bytes", "1MiB"},
              {"placement", placement}},
             5);
    Register("shm_posix/stream/64KiB/ring:1MiB/spin" + at, "shm_posix",
             {{"message_size", "64KiB"}, {"total_bytes", "1GiB"}, {"ring_bytes", "1MiB"},
              {"sync", "spin"}, {"placement", placement}},
             5);
    Register("shm_posix/pingpong/64B/spin" + at, "shm_posix",
             {{"message_size", "64"}, {"total_bytes", "12800000"}, {"mode", "pingpong"},
              {"sync", "spin"}, {"placement", placement}},
             5);
  }
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
