// The side-by-side view of several runs (e.g. `pipe` and `shm_posix` swept
// over the same message sizes and modes): what the README's main command
// shows.
#ifndef IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_
#define IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_

#include <ostream>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/report/table_options.h"

namespace ipclab::results {

// What `ipclab run --matrix` prints, as much as `options.detail` asks for:
//   - always the answers first (PrintMatrixSummary, matrix_summary.h);
//   - kNormal: then where the numbers came from (host, kernel, CPU model,
//     allowed CPUs, THP, repetitions: once when every run shares them, else
//     per group of runs), a count of the runs (the ones that did not succeed
//     named), and one table with a row per (run, case), grouped like with
//     like: transfers by mode, message size and placement (1 or 2 CPUs),
//     page faults by access (and populate), copy-on-write on its own, and by
//     host when the runs span hosts. Each group is ranked by the metric that
//     matters for it (throughput for streams, round-trip p50 for pingpong, ns
//     per page for faults), best first; "vs best" says how many times slower
//     than the group's best a row is. Columns: group, run, case (parameters
//     outside the group), CPUs the roles ran on, median, cv, p99, faults, vs
//     best, verdict (when cases carry expectations). Columns are dropped by
//     priority to fit options.max_width (and named below the table); a legend
//     explains every column; noise lines follow;
//   - kFull: also the runs with their ids, and per phase of every measured
//     case (under a line "#<run> <workload> <case>  roles producer/consumer"):
//     wall time, minor and major faults, voluntary and involuntary context
//     switches, RssAnon and RssShmem change (medians; "a/b" holds one value
//     per role), and each role's VmRSS before→after in the last measured
//     repetition.
void PrintMatrixReport(const std::vector<v1::RunResult>& runs, const TableOptions& options,
                       std::ostream* out);

// PrintMatrixReport with every detail and no width limit.
void PrintComparisonTable(const std::vector<v1::RunResult>& runs, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_SIDE_BY_SIDE_TABLE_H_
