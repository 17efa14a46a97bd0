// Where `compare`, `gate`, `report` and `results` find runs. A RUN argument
// is one of:
//   - a JSON file written by `ipclab run --out` (one RunResult, or an array
//     of them from --matrix or several servers): used when a file of that
//     name exists, or the argument ends in ".json" or holds a '/';
//   - tag:KEY=VALUE: every stored run carrying that tag, oldest first (a
//     matrix tagged once is all of its runs);
//   - fleet:ID: every stored run of that fleet run, oldest first (a fleet
//     run's --out file holds them too);
//   - a stored run id, or a prefix of one that only one run has;
//   - ids separated by commas ("3f2a,77b0").
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

// Where the store is: `flag` (--db) if given, else $IPCLAB_DB if set, else
// results::DefaultStorePath(). A file path or a postgresql:// URI.
absl::StatusOr<std::string> StorePath(const std::string& flag);

// Warns on stderr (once per process and location) when `location` is a
// PostgreSQL URI given on the command line with a password in it: the
// process list shows it to every user of the machine.
void WarnIfPasswordInCommandLine(const std::string& location);

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
