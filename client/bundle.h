// A baseline for ephemeral CI runners: `results export --bundle FILE`
// writes stored runs with their tags into one self-contained JSON file
//   {"ipclabBundle": 1, "runs": [{"tags": {"k": "v"}, "run": <RunResult>}]}
// (RunResult in the proto3 JSON mapping) that a CI cache or artifact
// carries to the next job, and `results import FILE` stores them again.
// Import is idempotent: a run whose id is stored already is skipped.
#ifndef IPCLAB_CLIENT_BUNDLE_H_
#define IPCLAB_CLIENT_BUNDLE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/command_io.h"
#include "client/exit_codes.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/run_filter.h"

namespace ipclab::client {

struct BundledRun {
  v1::RunResult run;
  results::Tags tags;
};

// The bundle's text.
std::string BundleJson(const std::vector<BundledRun>& runs);

// Parses a bundle. INVALID_ARGUMENT naming the file for anything else.
absl::StatusOr<std::vector<BundledRun>> ParseBundle(const std::string& json,
                                                    const std::string& path);

struct BundleExportOptions {
  std::string db;
  std::vector<std::string> runs;     // RUN specs; none: every stored run
  std::vector<std::string> filters;  // `results list --filter` terms
  std::string bundle_file;
};

// Writes the selected stored runs and their tags to bundle_file (atomically).
ExitCode BundleExportCommand(const BundleExportOptions& options, const CommandIo& io);

struct BundleImportOptions {
  std::string db;
  std::string bundle_file;
};

// Stores every run of the bundle not stored yet (the database is created if
// missing); prints how many were added and skipped.
ExitCode BundleImportCommand(const BundleImportOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_BUNDLE_H_
