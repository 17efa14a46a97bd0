// The side-by-side view of several runs (e.g. `pipe` and `shm_posix` swept
// over the same message sizes and modes): what the README's main command
// shows.
#ifndef IPCLAB_RESULTS_COMPARISON_REPORTER_H_
#define IPCLAB_RESULTS_COMPARISON_REPORTER_H_

#include <ostream>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// One line per run (index, workload, run id, server, host), then one table
// with a row per (run, case). Rows are grouped by the cases' `mode` and
// `message_size` parameters (groups in first-seen order, rows within a group
// in run order), and each row shows the steady throughput median ±cv, latency
// p50/p99, steady-phase minor faults (sum of the roles' medians), placement,
// and "vs best": the throughput median divided by the best one in its group
// ("1.00x" for the best). Failed cases show their status instead of numbers.
void PrintComparisonTable(const std::vector<v1::RunResult>& runs, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_COMPARISON_REPORTER_H_
