// Where `compare`, `gate`, `report` and `results` find runs. A RUN argument
// is one of:
//   - a JSON file written by `ipclab run --out` (one RunResult, or an array
//     of them from --matrix or several servers): used when a file of that
//     name exists, or the argument ends in ".json" or holds a '/';
//   - tag:KEY=VALUE: the newest stored run carrying that tag;
//   - fleet:ID: every stored run of that fleet run, oldest first (a fleet
//     run's --out file holds them too);
//   - a stored run id, or a prefix of one that only one run has.
// The store is opened on first use, so file-only commands need no database.
#ifndef IPCLAB_CLIENT_RUN_SOURCES_H_
#define IPCLAB_CLIENT_RUN_SOURCES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/store.h"

namespace ipclab::client {

// `flag` (--db) if given, else results::DefaultStorePath().
absl::StatusOr<std::string> StorePath(const std::string& flag);

// Reads a `run --out` file: one RunResult, an array of them, or a fleet
// run's document (its "runs").
// INVALID_ARGUMENT naming the file for malformed JSON or JSON that holds no
// run; NOT_FOUND when the file does not exist.
absl::StatusOr<std::vector<v1::RunResult>> ReadRunsFile(const std::string& path);

// True when Resolve() reads `spec` as a file (not tag:, not an id).
bool IsFileSpec(const std::string& spec);

class RunSource final {
 public:
  // `db_flag`: the --db value ("" for the default database).
  explicit RunSource(std::string db_flag) : db_flag_(std::move(db_flag)) {}

  // The runs `spec` names (see above).
  absl::StatusOr<std::vector<v1::RunResult>> Resolve(const std::string& spec);

  // The store, opened (never created) on first use.
  absl::StatusOr<results::ResultStore*> Store();

 private:
  absl::StatusOr<std::vector<v1::RunResult>> ResolveFleet(const std::string& spec);

  std::string db_flag_;
  std::unique_ptr<results::ResultStore> store_;
};

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RUN_SOURCES_H_
