// Builders for Workload::Expect: an Expectation is a band over one case
// metric, named as results/summary.h names them ("<phase>.<role>.<metric>"),
// with the counter the number comes from and what a deviation would mean.
#ifndef IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_
#define IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::workloads {

// Where numbers come from (Expectation.counter).
inline constexpr char kCounterGetrusage[] = "getrusage";
inline constexpr char kCounterPerfEvent[] = "perf_event";  // PERF_COUNT_SW_PAGE_FAULTS
inline constexpr char kCounterProcStatus[] = "/proc/PID/status";
inline constexpr char kCounterSmapsRollup[] = "/proc/PID/smaps_rollup";

// [lower, upper] around `expected`.
v1::Expectation ExpectBand(std::string metric, std::string description, double expected,
                           double lower, double upper, absl::string_view counter,
                           std::string if_deviated);

// expected ± (relative * |expected| + absolute).
v1::Expectation ExpectNear(std::string metric, std::string description, double expected,
                           double relative, double absolute, absl::string_view counter,
                           std::string if_deviated);

// The tolerances of the memory workloads (page_fault, cow_private). Fault
// counts: ±1%, +4 for the stray faults a process can take on its own (a new
// stack page, the lambda's frame); a 2 MiB range that falls back to 4 KiB
// pages adds 511 faults, far outside the band. Memory deltas: ±1%, + 256 KiB
// because the kernel's RSS counters are per-CPU batched (up to 32 pages per
// CPU may be unaccounted at any instant).
inline constexpr double kFaultRelative = 0.01;
inline constexpr double kFaultAbsolute = 4;
inline constexpr double kMemoryRelative = 0.01;
inline constexpr double kMemoryAbsolute = 256 << 10;

// `count` faults of `role` in `phase` within the fault tolerances: by
// getrusage ("minor_faults") and, with `perf`, by the perf event
// ("perf_page_faults") too. Appended to `out`.
void AppendFaultBands(absl::string_view phase, absl::string_view role, double count,
                      const std::string& why, const std::string& if_deviated, bool perf,
                      std::vector<v1::Expectation>& out);

// A memory delta `metric` ("rss_anon_delta_bytes") of `role` in `phase`
// within the memory tolerances, counted by smaps_rollup (pss,
// anon_huge_pages) or /proc/PID/status (the rest).
v1::Expectation ExpectMemoryNear(absl::string_view phase, absl::string_view role,
                                 absl::string_view metric, double bytes, std::string why,
                                 std::string if_deviated);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_
