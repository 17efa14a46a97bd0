// The baseline of `gate --history N`: from stored runs, the newest N that
// measured each candidate case the same way - same workload, same value of
// every parameter, same host fingerprint (hostname, kernel, CPU model and
// count, THP mode) - pooled per case. Pure: selection only; loading is
// store/history.h's.
#ifndef IPCLAB_RESULTS_COMPARE_HISTORY_H_
#define IPCLAB_RESULTS_COMPARE_HISTORY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// "host|kernel|cpu model|cpu count|thp" of a run.
std::string HostFingerprint(const v1::RunResult& run);

// For every case of `candidate`, the newest `n` runs of `pool` (newest
// first) that hold the same case on the same host fingerprint, excluding the
// candidate's own runs. Each selected run is returned with only the matching
// cases; runs keep `pool`'s order. n = 0 selects every comparable run.
std::vector<v1::RunResult> ComparableHistory(const std::vector<v1::RunResult>& pool,
                                             const std::vector<v1::RunResult>& candidate, size_t n);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_COMPARE_HISTORY_H_
