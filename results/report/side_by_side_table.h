// The side-by-side view of several runs (e.g. `pipe` and `shm_posix` swept
// over the same message sizes and modes): what the README's main command
// shows.
#ifndef IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_
#define IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_

#include <ostream>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// First where the numbers came from (host, kernel, CPU model, allowed CPUs,
// THP enabled/defrag, repetitions and warm-ups): once when every run shares
// them, else once per group of runs ("runs 1, 3:"). Then one line per run
// (index, workload, run id, server, host, status), then one table with a row
// per (run, case). Rows are grouped by the cases' `mode` and `message_size`
// parameters (groups in first-seen order, rows within a group in run order),
// and each row shows the placement (requested, and the CPUs each role ran
// on), the steady throughput median ±cv, latency p50/p99, steady-phase minor
// faults (sum of the roles' medians), "vs best": the throughput median
// divided by the best one in its group ("1.00x" for the best), and the
// verdict when cases carry expectations. Failed cases show their status
// instead of numbers.
//
// Below, per phase of every measured case (under a line "#<run> <workload>
// <case>  roles producer/consumer"): wall time, minor and major faults,
// voluntary and involuntary context switches, RssAnon and RssShmem change
// (medians; "a/b" holds one value per role), and each role's VmRSS
// before→after in the last measured repetition.
void PrintComparisonTable(const std::vector<v1::RunResult>& runs, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_
