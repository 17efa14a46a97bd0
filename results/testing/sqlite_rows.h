// Test-only: what a SQLite results file holds, read with SQLite itself (not
// through the store under test).
#ifndef IPCLAB_RESULTS_TESTING_SQLITE_ROWS_H_
#define IPCLAB_RESULTS_TESTING_SQLITE_ROWS_H_

#include <string>

namespace ipclab::results::testing {

// Rows of `runs` in the SQLite file at `path`; -1 if it cannot be read.
int StoredRuns(const std::string& path);

}  // namespace ipclab::results::testing

#endif  // IPCLAB_RESULTS_TESTING_SQLITE_ROWS_H_
