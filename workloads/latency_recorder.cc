#include "workloads/latency_recorder.h"

#include <sys/mman.h>

#include <algorithm>

#include "base/quantiles.h"
#include "base/status_macros.h"

namespace ipclab::workloads {

absl::Status LatencyRecorder::Reserve(size_t max_samples) {
  count_ = 0;
  if (max_samples <= capacity_) return absl::OkStatus();
  IPCLAB_ASSIGN_OR_RETURN(storage_,
                          sys::Mapping::Anonymous(max_samples * sizeof(int64_t), MAP_POPULATE));
  samples_ = reinterpret_cast<int64_t*>(storage_.data());
  capacity_ = max_samples;
  return absl::OkStatus();
}

LatencyStats LatencyRecorder::TakeStats() {
  LatencyStats stats;
  if (count_ == 0) return stats;
  std::sort(samples_, samples_ + count_);
  double sum = 0;
  for (size_t i = 0; i < count_; ++i) sum += static_cast<double>(samples_[i]);
  stats.count = count_;
  stats.min_ns = static_cast<double>(samples_[0]);
  stats.max_ns = static_cast<double>(samples_[count_ - 1]);
  stats.mean_ns = sum / static_cast<double>(count_);
  stats.p50_ns = base::SortedQuantile(samples_, count_, 0.50);
  stats.p90_ns = base::SortedQuantile(samples_, count_, 0.90);
  stats.p99_ns = base::SortedQuantile(samples_, count_, 0.99);
  stats.p999_ns = base::SortedQuantile(samples_, count_, 0.999);
  count_ = 0;
  return stats;
}

}  // namespace ipclab::workloads
