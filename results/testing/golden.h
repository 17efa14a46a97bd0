// Test-only: compare text with a golden file under results/report/testdata,
// or rewrite the file when IPCLAB_UPDATE_GOLDEN=1 (then review the diff):
//   IPCLAB_UPDATE_GOLDEN=1 build/tests/results_report_test
#ifndef IPCLAB_RESULTS_TESTING_GOLDEN_H_
#define IPCLAB_RESULTS_TESTING_GOLDEN_H_

#include <string>

namespace ipclab::results::testing {

// A gtest failure naming the file when `actual` differs from its contents.
void ExpectGolden(const std::string& file, const std::string& actual);

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_GOLDEN_H_
