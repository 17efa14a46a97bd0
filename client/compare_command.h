// `ipclab compare BASE CANDIDATE` and `ipclab gate --baseline B --candidate
// C`: both load two sides (run_sources.h), compare them case by case
// (results/compare/compare.h); the gate then decides pass, fail or inconclusive
// (results/compare/gate.h) and says so in its exit code.
#ifndef IPCLAB_CLIENT_COMPARE_COMMAND_H_
#define IPCLAB_CLIENT_COMPARE_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command_io.h"
#include "client/exit_codes.h"

namespace ipclab::client {

struct CompareCommandOptions {
  std::string base;
  std::string candidate;
  std::string db;
  std::string format = "table";   // table | json | markdown
  std::string threshold = "10%";  // the change that matters
  std::string metrics;            // "throughput,p99"; "" : all
  bool by_host = false;
};

// Prints the comparison; 0 whatever the verdicts, 2 for unusable input
// (unknown run, malformed file, corrupt database, bad flag, nothing in
// common).
ExitCode CompareCommand(const CompareCommandOptions& options, const CommandIo& io);

struct GateCommandOptions {
  // Each side: one RUN or several; runs of one configuration are pooled
  // (e.g. runs interleaved in time with the other side's).
  std::vector<std::string> baseline;
  std::vector<std::string> candidate;
  std::string db;
  std::string max_regression = "10%";
  std::string metrics;
  std::string false_discovery_rate = "5%";
  double noise_k = 3.0;
  bool by_host = false;
  bool require_power = false;  // low-power checks are inconclusive, not passes
  // > 0: the baseline is, per candidate case, the newest N comparable runs
  // of the baseline selection (results/compare/history.h).
  int history = 0;
  std::string markdown_file;  // "" : the Markdown summary goes to stdout
  std::string junit_file;     // "" : none
};

// 0 pass, 1 a significant regression beyond --max-regression, 3
// inconclusive, 2 unusable input (as for compare).
ExitCode GateCommand(const GateCommandOptions& options, const CommandIo& io);

// "5%" -> 0.05, "0.05" -> 0.05, "12.5%" -> 0.125. INVALID_ARGUMENT for
// anything else, negative values and plain numbers above 1 ("5": write 5%).
absl::StatusOr<double> ParseFraction(absl::string_view flag, absl::string_view text);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_COMPARE_COMMAND_H_
