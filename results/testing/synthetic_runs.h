// Test-only: RunResults with chosen per-repetition numbers, for the compare,
// gate, export, store and report tests and the results benchmark. Every
// repetition has phases setup, steady and teardown with roles producer and
// consumer; the steady phase moves 64 MiB at the given throughput.
#ifndef IPCLAB_RESULTS_TESTING_SYNTHETIC_RUNS_H_
#define IPCLAB_RESULTS_TESTING_SYNTHETIC_RUNS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results::testing {

struct SyntheticCase {
  std::map<std::string, std::string> params;  // the case name lists them in order
  std::vector<double> throughput;             // bytes/s per measured repetition
  std::vector<double> p99_ns;  // optional; p50 = p99 / 2, p90 = 0.8 p99, p99.9 = 1.5 p99
  std::vector<double> steady_minor_faults;  // optional, producer's
  std::vector<double> rss_growth_bytes;     // optional, producer's steady growth
  v1::RunStatus status = v1::SUCCEEDED;
  std::string error;
};

// A host with a fixed fingerprint ("lab1", Linux 6.1.0-18-amd64, THP
// madvise, 2 CPUs, 4 KiB pages).
v1::HostInfo SyntheticHost();

// A SUCCEEDED run (FAILED if a case failed) started at 2024-05-01T10:00:00Z
// plus `minutes_later` minutes. Case names list the params in map order
// ("message_size=64KiB,mode=stream"); swept params are every param whose
// values differ between the cases.
v1::RunResult MakeSyntheticRun(const std::string& run_id, const std::string& workload,
                               const std::vector<SyntheticCase>& cases,
                               const v1::HostInfo& host = SyntheticHost(), int minutes_later = 0);

// The comparison scenario of the golden tests, pipe with 8 repetitions:
//   message_size=64KiB,mode=stream   candidate 20% slower        (worse)
//   message_size=4KiB,mode=stream    within 0.3%                 (same)
//   message_size=64B,mode=pingpong   latency 30% lower, faster   (better)
//   message_size=1MiB,mode=stream    spread 1-3 GB/s both sides  (noisy)
//   message_size=256KiB,mode=stream  base only
//   message_size=16KiB,mode=stream   candidate only
// and the candidate on another kernel.
v1::RunResult ScenarioBase();
v1::RunResult ScenarioCandidate();

// `cases` cases ("message_size=<k>KiB") of `repetitions` repetitions with
// throughput around 1 GB/s times `scale`, spread +-2% by a fixed generator
// seeded with `seed`, and latency: for benchmarks.
v1::RunResult MakeLargeRun(const std::string& run_id, int cases, int repetitions, double scale,
                           uint64_t seed);

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_SYNTHETIC_RUNS_H_
