#include "results/store/history.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ipclab::results {

absl::StatusOr<std::vector<v1::RunResult>> LoadRuns(const ResultStore& store,
                                                    const RunFilter& filter) {
  IPCLAB_ASSIGN_OR_RETURN(std::vector<StoredRun> listed, store.List(filter));
  if (listed.empty()) {
    std::string what;
    for (const auto& [key, value] : filter.tags) absl::StrAppend(&what, " tag ", key, "=", value);
    if (!filter.workload.empty()) absl::StrAppend(&what, " workload ", filter.workload);
    return absl::NotFoundError(
        absl::StrCat("no stored run with", what, " in \"", store.path(), "\""));
  }
  std::reverse(listed.begin(), listed.end());  // List is newest first
  std::vector<v1::RunResult> runs;
  runs.reserve(listed.size());
  for (const StoredRun& row : listed) {
    IPCLAB_ASSIGN_OR_RETURN(v1::RunResult run, store.Load(row.run_id));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace ipclab::results
