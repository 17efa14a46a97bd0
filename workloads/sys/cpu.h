// CPU affinity: which CPUs this process may use, pinning, where it runs now.
#ifndef IPCLAB_WORKLOADS_SYS_CPU_H_
#define IPCLAB_WORKLOADS_SYS_CPU_H_

#include <vector>

#include "absl/status/statusor.h"

namespace ipclab::sys {

// sched_getaffinity of the calling thread, ascending.
absl::StatusOr<std::vector<int>> AllowedCpus();

// sched_setaffinity to exactly `cpu`.
absl::Status PinToCpu(int cpu);

// sched_getcpu(), -1 if unknown.
int CurrentCpu();

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_CPU_H_
