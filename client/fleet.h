// Fleet runs: `ipclab run ... --server A --server B` or `--fleet
// dns:///NAME:PORT` sends the same request to every host at once. Each host
// measures alone (its server queues runs one at a time); the runs share one
// fleet id (RunResult.fleet_id, stored as the tag fleet=ID so `fleet:ID`
// selects them); the table shows the hosts side by side
// (results/report/host_columns_table.h); a host that fails is reported and
// the others still count.
//
// JSON (`--format json` and `--out`), one document:
//   {
//     "fleetId": "f-3c9a1e07b2d4",
//     "referenceServer": "10.0.0.1:7557",
//     "servers": ["10.0.0.1:7557", "10.0.0.2:7557", "10.0.0.3:7557"],
//     "failures": [{"server": "10.0.0.3:7557", "error": "cannot connect ..."}],
//     "runs": [<RunResult>, <RunResult>]    // proto3 JSON, each with "server"
//   }                                       // and "fleetId"
// `compare`, `report` and `results` read such a file as its runs.
#ifndef IPCLAB_CLIENT_FLEET_H_
#define IPCLAB_CLIENT_FLEET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "client/command_io.h"
#include "client/exit_codes.h"
#include "client/output.h"
#include "client/results_commands.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/report/host_columns_table.h"
#include "results/store/store.h"

namespace ipclab::client {

// What one server produced: the results of the requests that ran, and the
// error that stopped the sequence (OK if none did).
struct HostOutcome {
  std::vector<v1::RunResult> results;
  absl::Status error;
};

// Every "IP:PORT" that `target` resolves to, in resolver order without
// duplicates ("[v6]:PORT" for IPv6). `target` is "dns:///NAME:PORT" (also
// "dns:NAME:PORT"); NAME may be a host name or an address. A headless
// Kubernetes Service resolves to one address per ready pod.
// INVALID_ARGUMENT for another form or a missing port; UNAVAILABLE naming
// the name when it does not resolve.
absl::StatusOr<std::vector<std::string>> ResolveFleetTarget(absl::string_view target);

// A fresh fleet id: "f-" and 12 random hex digits.
std::string NewFleetId();

// The hosts' completion lines on stderr, one per host as it finishes
// ("fleet f-..: 10.0.0.1:7557 done: 1 run (3.2 s)"), so a fleet's progress
// shows also where no progress line is drawn (on a terminal the host's slot
// of the progress line says it instead). Thread-safe.
class FleetProgress final {
 public:
  // `err` must outlive this object; nothing is written when !enabled.
  FleetProgress(std::ostream* err, bool enabled, std::string fleet_id);
  void HostFinished(const std::string& server, const HostOutcome& outcome, double seconds);

  // "done: 1 run (3.2 s)" or "FAILED: <why> (0.1 s)".
  static std::string Summary(const HostOutcome& outcome, double seconds);

 private:
  absl::Mutex mu_;  // one host's line at a time
  std::ostream* const err_ ABSL_PT_GUARDED_BY(mu_);
  const bool enabled_;
  const std::string fleet_id_;
};

// How the fleet's results are printed and kept.
struct FleetReportOptions {
  std::string fleet_id;
  std::vector<std::string> servers;  // as asked, in command-line order
  std::string reference_host;        // --reference-host: server or hostname; "" : first
  OutputFormat format = OutputFormat::kTable;
  std::string out_file;
  StoreFlags store;
  bool announce_stored = false;  // "stored run ..." lines on stderr
};

// Stamps the fleet id on every result, prints the side-by-side table (or the
// JSON document above, or CSV rows), names every failed host on stderr,
// writes --out and stores the runs with the tag fleet=ID.
// Exit code: 0 when every host succeeded; 4 when some hosts failed (or
// finished a run FAILED) and others did not; when all failed, the worst of
// their codes. A failed save adds 2 as RunCommand does.
ExitCode ReportFleetRun(const FleetReportOptions& options, std::vector<HostOutcome> outcomes,
                        results::ResultStore* store, const CommandIo& io);

// The JSON document above.
std::string FleetJson(const results::FleetOutcome& fleet);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_FLEET_H_
