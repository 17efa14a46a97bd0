// `ipclab results list|show|export`: reading the results database, and
// `SaveRuns`, which `ipclab run` uses to store what it measured.
#ifndef IPCLAB_CLIENT_RESULTS_COMMANDS_H_
#define IPCLAB_CLIENT_RESULTS_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/command_io.h"
#include "client/exit_codes.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/store.h"

namespace ipclab::client {

// How `ipclab run` stores its results (--db, --no-store, --tag).
struct StoreFlags {
  std::string db;  // "" : the default database
  bool no_store = false;
  std::vector<std::string> tags;  // KEY=VALUE
};

// Checks the flags and opens (creating if needed) the database, before
// anything runs; nullptr with --no-store. INVALID_ARGUMENT for a malformed
// tag, FAILED_PRECONDITION for a file that is not an ipclab database.
absl::StatusOr<std::unique_ptr<results::ResultStore>> OpenStoreForRun(const StoreFlags& flags);

// Saves every run with the flags' tags; the first error stops.
absl::Status SaveRuns(results::ResultStore* store, const StoreFlags& flags,
                      const std::vector<v1::RunResult>& runs);

struct ResultsListOptions {
  std::string db;
  std::vector<std::string> filters;  // see results::ParseRunFilter
  int limit = 0;
  std::string format = "table";  // table | json
};

// One line per stored run, newest first: id, start time (UTC), workload,
// status, cases, repetitions, label, tags, host.
ExitCode ResultsListCommand(const ResultsListOptions& options, const CommandIo& io);

struct ResultsShowOptions {
  std::string db;
  std::string run;               // id, prefix, tag:K=V or file
  std::string format = "table";  // table | json | csv
};

// The run as `ipclab run` printed it, with its tags.
ExitCode ResultsShowCommand(const ResultsShowOptions& options, const CommandIo& io);

struct ResultsExportOptions {
  std::string db;
  std::string run;
  std::string format = "json";  // json | csv | gbench | bmf
  std::string out_file;         // "" : stdout
};

// The run as proto JSON, CSV, Google Benchmark JSON or Bencher BMF.
ExitCode ResultsExportCommand(const ResultsExportOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RESULTS_COMMANDS_H_
