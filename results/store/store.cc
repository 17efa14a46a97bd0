#include "results/store/store.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "results/store/postgres_store.h"
#include "results/store/sqlite_store.h"
#include "base/status_macros.h"

namespace ipclab::results {

bool IsPostgresLocation(absl::string_view location) {
  return absl::StartsWith(location, "postgresql://") || absl::StartsWith(location, "postgres://");
}

absl::StatusOr<std::unique_ptr<ResultStore>> OpenResultStore(const std::string& location,
                                                             ResultStore::Mode mode) {
  if (IsPostgresLocation(location)) {
    IPCLAB_ASSIGN_OR_RETURN(std::unique_ptr<PostgresResultStore> store,
                            PostgresResultStore::Open(location, mode));
    return std::unique_ptr<ResultStore>(std::move(store));
  }
  IPCLAB_ASSIGN_OR_RETURN(std::unique_ptr<SqliteResultStore> store,
                          SqliteResultStore::Open(location, mode));
  return std::unique_ptr<ResultStore>(std::move(store));
}

absl::StatusOr<std::unique_ptr<ResultStore>> ResultStore::Open(const std::string& location,
                                                               Mode mode) {
  return OpenResultStore(location, mode);
}

absl::StatusOr<v1::RunResult> ResultStore::LoadLatestWithTag(absl::string_view key,
                                                             absl::string_view value,
                                                             absl::string_view workload) const {
  RunFilter filter;
  filter.tags.emplace_back(std::string(key), std::string(value));
  filter.workload = std::string(workload);
  filter.limit = 1;
  IPCLAB_ASSIGN_OR_RETURN(std::vector<StoredRun> runs, List(filter));
  if (runs.empty()) {
    return absl::NotFoundError(absl::StrCat("no stored run with tag ", key, "=", value,
                                            workload.empty() ? "" : " and workload ", workload,
                                            " in \"", path(), "\""));
  }
  return Load(runs.front().run_id);
}

absl::StatusOr<std::string> DefaultStorePath() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && data_home[0] == '/') {
    return absl::StrCat(data_home, "/ipclab/results.db");
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') {
    return absl::StrCat(home, "/.local/share/ipclab/results.db");
  }
  return absl::FailedPreconditionError(
      "no place for the results database: neither XDG_DATA_HOME nor HOME is set; use --db PATH "
      "or --no-store");
}

}  // namespace ipclab::results
