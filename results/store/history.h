// Whole selections of stored runs, for `gate`/`compare`/`report` sides
// (every run a tag selects) and for `gate --history` and `ipclab history`.
// Built on ResultStore's List and Load only, so any store backend serves it.
#ifndef IPCLAB_RESULTS_STORE_HISTORY_H_
#define IPCLAB_RESULTS_STORE_HISTORY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/run_filter.h"
#include "results/store/store.h"

namespace ipclab::results {

// Every stored run matching `filter`, oldest first (the order they ran).
// NOT_FOUND naming the filter when none does.
absl::StatusOr<std::vector<v1::RunResult>> LoadRuns(const ResultStore& store,
                                                    const RunFilter& filter);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_HISTORY_H_
