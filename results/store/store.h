// The results store: every run the CLI makes, in one SQLite file.
//
// A run is saved whole (the RunResult proto bytes, so nothing is lost) plus
// queryable columns: id, workload, status, times, label, tags, the host
// fingerprint (hostname, kernel, THP mode, CPU model and count), every
// case's parameters and, per measured repetition, the metrics of
// case_metrics.h. One transaction per run: it is stored fully or not at all.
// WAL journal, so `results list` reads while a run is being saved.
//
// The schema carries a version (PRAGMA user_version) and an application id;
// opening an older ipclab database migrates it forward in one transaction.
// A file that is not an ipclab database (not SQLite at all, corrupt, another
// program's database, or one from a newer ipclab) is refused with
// FAILED_PRECONDITION before anything is written to it: its bytes stay as
// they were.
//
// Thread-compatible: one ResultStore per thread; several processes may share
// the file (writers wait up to 5 s for each other).
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

struct sqlite3;

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

class ResultStore final {
 public:
  enum class Mode {
    kReadWrite,  // the file must exist (list, show, export, compare)
    kCreate,     // created with its directory if missing (run)
  };

  // Opens (and if needed creates or migrates) the database at `path`.
  //   NOT_FOUND            kReadWrite and no file at `path`;
  //   FAILED_PRECONDITION  not an ipclab database, or a newer schema;
  //   INVALID_ARGUMENT     the directory cannot be created, the file cannot
  //                        be opened.
  static absl::StatusOr<std::unique_ptr<ResultStore>> Open(const std::string& path, Mode mode);

  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Saves `run` with `tags` in one transaction. ALREADY_EXISTS when a run
  // with its id is stored; INVALID_ARGUMENT for a run without an id.
  absl::Status Save(const v1::RunResult& run, const Tags& tags);

  // Stored runs matching `filter`, newest first.
  absl::StatusOr<std::vector<StoredRun>> List(const RunFilter& filter) const;

  // The full id of the run whose id is `id_or_prefix` or starts with it.
  // NOT_FOUND when none does, INVALID_ARGUMENT (listing the candidates) when
  // several do.
  absl::StatusOr<std::string> ResolveId(absl::string_view id_or_prefix) const;

  // The stored run with this full id or unique prefix.
  absl::StatusOr<v1::RunResult> Load(absl::string_view id_or_prefix) const;

  // The newest run carrying tag key=value (and of `workload` if not empty).
  absl::StatusOr<v1::RunResult> LoadLatestWithTag(absl::string_view key, absl::string_view value,
                                                  absl::string_view workload = "") const;

  // The tags stored with a run (full id), sorted by key.
  absl::StatusOr<Tags> TagsOf(absl::string_view run_id) const;

  const std::string& path() const { return path_; }

 private:
  ResultStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  sqlite3* db_;
};

// The default database: $XDG_DATA_HOME/ipclab/results.db, else
// $HOME/.local/share/ipclab/results.db. FAILED_PRECONDITION when neither
// variable is set.
absl::StatusOr<std::string> DefaultStorePath();

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_STORE_H_
