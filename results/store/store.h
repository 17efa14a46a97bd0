// The results store: every run the CLI makes, behind one interface with two
// backends - an SQLite file for one engineer (sqlite_store.h) and a
// PostgreSQL database for a team (postgres_store.h). OpenResultStore picks
// one by the location's form.
//
// A run is saved whole (the RunResult proto bytes, so nothing is lost) plus
// queryable columns: id, workload, status, times, label, tags, the host
// fingerprint (hostname, kernel, THP mode, CPU model and count), every
// case's parameters and, per measured repetition, the metrics of
// case_metrics.h. One transaction per run: it is stored fully or not at all.
//
// Both backends carry the same schema version and apply the same ordered
// migrations (store_schema.h, postgres_schema.h) once, when a client opens
// an older store. A store that is not an ipclab store, or one from a newer
// ipclab, is refused with FAILED_PRECONDITION before anything is written.
//
// Thread-compatible: one ResultStore per thread; many processes may share
// one store.
#ifndef IPCLAB_RESULTS_STORE_STORE_H_
#define IPCLAB_RESULTS_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/run_filter.h"

namespace ipclab::results {

// The schema version this ipclab writes.
inline constexpr int kStoreSchemaVersion = 3;
// PRAGMA application_id of an ipclab database: "IPCL".
inline constexpr int32_t kStoreApplicationId = 0x4950434C;

// One row of `results list`.
struct StoredRun {
  std::string run_id;
  std::string workload;
  std::string status;         // "SUCCEEDED", "FAILED", "CANCELLED"
  int64_t started_at_us = 0;  // Unix time in microseconds; 0 if unknown
  std::string label;
  Tags tags;  // sorted by key
  std::string server;
  std::string hostname;
  std::string kernel_release;
  int case_count = 0;
  int repetitions = 0;  // measured repetitions, all cases
};

class ResultStore {
 public:
  enum class Mode {
    kReadWrite,  // the store must exist (list, show, export, compare)
    kCreate,     // created if missing (run, push); a PostgreSQL database
                 // must exist, its tables are created
  };

  // OpenResultStore(location, mode).
  static absl::StatusOr<std::unique_ptr<ResultStore>> Open(const std::string& location, Mode mode);

  virtual ~ResultStore() = default;
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Saves `run` with `tags` in one transaction. ALREADY_EXISTS when a run
  // with its id is stored (nothing is written then); INVALID_ARGUMENT for a
  // run without an id.
  virtual absl::Status Save(const v1::RunResult& run, const Tags& tags) = 0;

  // Stored runs matching `filter`, newest first.
  virtual absl::StatusOr<std::vector<StoredRun>> List(const RunFilter& filter) const = 0;

  // The full id of the run whose id is `id_or_prefix` or starts with it.
  // NOT_FOUND when none does, INVALID_ARGUMENT (listing the candidates) when
  // several do.
  virtual absl::StatusOr<std::string> ResolveId(absl::string_view id_or_prefix) const = 0;

  // The stored run with this full id or unique prefix.
  virtual absl::StatusOr<v1::RunResult> Load(absl::string_view id_or_prefix) const = 0;

  // The newest run carrying tag key=value (and of `workload` if not empty).
  absl::StatusOr<v1::RunResult> LoadLatestWithTag(absl::string_view key, absl::string_view value,
                                                  absl::string_view workload = "") const;

  // The tags stored with a run (full id), sorted by key.
  virtual absl::StatusOr<Tags> TagsOf(absl::string_view run_id) const = 0;

  // Where the store is, for messages: the file's path, or the connection
  // URI without its password.
  const std::string& path() const { return path_; }

 protected:
  explicit ResultStore(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// True for a libpq connection URI ("postgresql://..." or "postgres://...").
bool IsPostgresLocation(absl::string_view location);

// Opens the store at `location`: a PostgreSQL database for a connection URI
// (PostgresResultStore), else the SQLite file at that path
// (SqliteResultStore), creating or migrating it as needed.
//   NOT_FOUND            kReadWrite and no store there;
//   FAILED_PRECONDITION  not an ipclab store, or a newer schema;
//   INVALID_ARGUMENT     the file or its directory cannot be created/opened;
//   UNAVAILABLE          the PostgreSQL server cannot be reached.
absl::StatusOr<std::unique_ptr<ResultStore>> OpenResultStore(const std::string& location,
                                                             ResultStore::Mode mode);

// The default database: $XDG_DATA_HOME/ipclab/results.db, else
// $HOME/.local/share/ipclab/results.db. FAILED_PRECONDITION when neither
// variable is set.
absl::StatusOr<std::string> DefaultStorePath();

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_STORE_H_
