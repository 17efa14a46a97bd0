// Names of case metrics, shared by the workloads (which write expectations
// against them) and results (which summarizes and judges them):
// "<phase>.<metric>" for a phase ("steady.wall_ns") and
// "<phase>.<role>.<metric>" for one role ("steady.producer.minor_faults").
#ifndef IPCLAB_BASE_METRIC_NAMES_H_
#define IPCLAB_BASE_METRIC_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ipclab::base {

// "steady.wall_ns".
std::string MetricName(absl::string_view phase, absl::string_view metric);

// "steady.producer.minor_faults".
std::string MetricName(absl::string_view phase, absl::string_view role, absl::string_view metric);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_METRIC_NAMES_H_
