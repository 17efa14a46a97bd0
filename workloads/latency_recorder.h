// Per-message latency samples of one role, kept in memory reserved (and
// touched) before any timed region, and their statistics.
#ifndef IPCLAB_WORKLOADS_LATENCY_RECORDER_H_
#define IPCLAB_WORKLOADS_LATENCY_RECORDER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {

struct LatencyStats {
  uint64_t count = 0;
  double min_ns = 0, mean_ns = 0, p50_ns = 0, p90_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
};

// Per-message samples in memory reserved and touched before any timed region.
class LatencyRecorder final {
 public:
  absl::Status Reserve(size_t max_samples);
  void Record(int64_t ns) {
    if (count_ < capacity_) samples_[count_++] = ns;
  }
  size_t count() const { return count_; }
  // Sorts the samples, computes the statistics and forgets the samples.
  LatencyStats TakeStats();

 private:
  sys::Mapping storage_;
  int64_t* samples_ = nullptr;
  size_t capacity_ = 0;
  size_t count_ = 0;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_LATENCY_RECORDER_H_
