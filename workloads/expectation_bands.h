// Builders for Workload::Expect: an Expectation is a band over one case
// metric, named as results/summary.h names them ("<phase>.<role>.<metric>"),
// with the counter the number comes from and what a deviation would mean.
#ifndef IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_
#define IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_

#include <cstdint>
#include <string>

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

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_EXPECTATION_BANDS_H_
