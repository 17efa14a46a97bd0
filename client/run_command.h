// `ipclab run`: one workload (or a named matrix of runs) on the embedded
// server or on one or more remote servers at once, with a progress line on a
// terminal and the results on stdout (and in --out).
#ifndef IPCLAB_CLIENT_RUN_COMMAND_H_
#define IPCLAB_CLIENT_RUN_COMMAND_H_

#include <string>
#include <vector>

#include "client/client_auth.h"
#include "client/command_io.h"
#include "client/exit_codes.h"
#include "client/output.h"
#include "client/results_commands.h"
#include "client/run_request.h"

namespace ipclab::client {

struct RunOptions {
  std::string workload;  // exactly one of workload and matrix is set
  std::string matrix;
  RunFlags flags;
  // Remote servers ("host:port"), each running the same requests at once;
  // empty: the embedded server.
  std::vector<std::string> servers;
  // --fleet dns:///NAME:PORT (repeatable): every address NAME resolves to
  // joins `servers`. Two or more hosts make a fleet run (client/fleet.h).
  std::vector<std::string> fleet_targets;
  std::string reference_host;  // --reference-host: the fleet's reference
  bool quiet = false;          // --quiet: no progress, no per-host lines
  OutputFormat format = OutputFormat::kTable;
  // --brief / --detail / --wide; max_width comes from CommandIo.table_width
  // unless --wide.
  results::TableOptions table;
  std::string out_file;     // also store the JSON here; empty: don't
  StoreFlags store;         // where the results database keeps every run
  ClientSecurity security;  // TLS and token for remote servers
};

// Runs the command and returns its exit code (see exit_codes.h); a fleet
// run (several hosts) prints and exits as ReportFleetRun (client/fleet.h)
// says. Otherwise:
// 0 when every run SUCCEEDED; 2 for a malformed flag, an unknown matrix or a
// request the server refuses; 4 when a server is unreachable or fails, or a
// run finished FAILED/CANCELLED on the server (its result is still printed);
// every result that arrived is stored in the results database (unless
// --no-store): a database that cannot be opened is a usage error (2) before
// anything runs, and a failed save prints "ipclab: result not stored: ..."
// and exits 2 after the results are printed;
// 130 after SIGINT ("ipclab: cancelled", nothing printed on stdout; 143 and
// 129 for SIGTERM and SIGHUP). Installs the handlers of interrupt.h for the
// duration of the runs.
ExitCode RunCommand(const RunOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RUN_COMMAND_H_
