// The preflight facts that make timings noisy (load, other busy processes,
// frequency governor and boost, steal, clocksource, SMT siblings, memlock)
// and one OK/INFO/WARN check per concern with what to do about it. The
// server adds them to every HostInfo it hands out, so they are stored with
// every run; `ipclab doctor` prints the checks.
#ifndef IPCLAB_WORKLOADS_HOST_CHECKS_H_
#define IPCLAB_WORKLOADS_HOST_CHECKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::workloads {

// Reads the preflight facts into `host` (fields 30-37), sampling /proc/stat
// and every /proc/PID/stat over `window` (sleeps that long), then fills
// `host->checks` from them and the facts ReadHostInfo already set. The
// caller's own process is not counted as busy. Never fails: an unreadable
// fact stays zero and its check says so.
void AddHostChecks(absl::Duration window, v1::HostInfo* host);

// The checks for the facts in `host` (pure; AddHostChecks uses it).
std::vector<v1::HostCheck> JudgeHost(const v1::HostInfo& host);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_HOST_CHECKS_H_
