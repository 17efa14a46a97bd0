// The answers first: what a matrix of runs (`ipclab run --matrix default`)
// says, in a few short tables that fit 80 columns, before any detail.
//
//   Stream bandwidth       GB/s per transport, a row per message size and
//                          CPU count (placement same = 1, cross = 2; never
//                          mixed in one ranking), the fastest named.
//   Round trip             pingpong p50 per transport, a row per CPU count,
//                          the fastest (lowest) named.
//   Page faults            ns per 4 KiB page touched and per fault taken,
//                          4 KiB pages beside THP, per access pattern, and
//                          what MAP_POPULATE moves into setup.
//   Copy-on-write          ns per 4 KiB page the child writes, per backing.
//
// Each table ends with one line of "why" from measured facts: context
// switches per MiB and the share of system CPU time for streams, context
// switches per round trip, faults per page for faults. Runs from several
// hosts get a summary each (never pooled); where one host has two runs of
// one kind (two matrices), the later run's figures are shown. Sections without data are left
// out; nothing is printed when no section has data. Reporters compute no
// statistics: every figure is a median from the cases' summaries.
#ifndef IPCLAB_RESULTS_REPORT_MATRIX_SUMMARY_H_
#define IPCLAB_RESULTS_REPORT_MATRIX_SUMMARY_H_

#include <ostream>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

void PrintMatrixSummary(const std::vector<v1::RunResult>& runs, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_MATRIX_SUMMARY_H_
