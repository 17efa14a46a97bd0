// Test-only: a small default-matrix-shaped set of runs with chosen numbers,
// for the summary, comparison-table and HTML report tests. Every case has
// real repetitions (phases, roles, counters) and the summaries the server
// would compute from them.
#ifndef IPCLAB_RESULTS_TESTING_MATRIX_FIXTURE_H_
#define IPCLAB_RESULTS_TESTING_MATRIX_FIXTURE_H_

#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results::testing {

// On host `hostname` (the other host facts of SyntheticHost), runs in the
// default matrix's order:
//   pipe, shm_posix    stream 64KiB at placement same and cross
//                      (pipe 2 and 1.5 GB/s, 40 context switches per MiB;
//                      shm_posix 5 and 6 GB/s, 1 per MiB), times `scale`;
//   pipe, shm_posix    pingpong 64 B at same and cross (p50 pipe 5 and 12 µs,
//                      shm_posix 3 and 8 µs), divided by `scale`;
//   page_fault         access write|read x huge_pages none|thp over 64 MiB
//                      (write: 250 ns/page and one fault per page with 4 KiB
//                      pages, 40 ns/page and a fault per 512 pages with THP;
//                      read: 60 and 5 ns/page);
//   page_fault         write after populate (setup 200 ns/page, write 20);
//   cow_private        backing anon|file (child_write 400 and 500 ns/page).
// Each case has 3 measured repetitions at +-1% around its figure. Run ids
// are "<prefix>-<n>".
std::vector<v1::RunResult> MakeMatrix(const std::string& prefix, const std::string& hostname,
                                      double scale = 1.0);

// A fleet of two: MakeMatrix("a", "lab1") followed by MakeMatrix("b",
// "lab2", 2.0), whose streams are twice as fast and round trips half as long.
std::vector<v1::RunResult> MakeTwoHostMatrix();

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_MATRIX_FIXTURE_H_
