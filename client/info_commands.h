// `ipclab list` (the workload catalog) and `ipclab host` (the server's host
// facts): one unary RPC each, printed as a table or as proto3 JSON.
#ifndef IPCLAB_CLIENT_INFO_COMMANDS_H_
#define IPCLAB_CLIENT_INFO_COMMANDS_H_

#include <string>

#include "client/client_auth.h"
#include "client/command_io.h"
#include "client/exit_codes.h"
#include "client/output.h"

namespace ipclab::client {

struct InfoOptions {
  std::string server;                          // "host:port"; empty: embedded server
  OutputFormat format = OutputFormat::kTable;  // table or json
  ClientSecurity security;                     // TLS and token for a remote server
  bool check = false;                          // host: print the preflight checks (doctor)
  bool strict = false;                         // doctor: exit 1 on any WARN
};

// Both return the exit code after printing the answer or "ipclab: <error>".
ExitCode ListCommand(const InfoOptions& options, const CommandIo& io);
ExitCode HostCommand(const InfoOptions& options, const CommandIo& io);

// `ipclab doctor` (= `ipclab host --check`): the server's preflight checks
// as a table (or its HostInfo as JSON). Exit 0 whatever they say, 1 with
// `strict` when any is WARN, 4 when the server cannot be reached.
ExitCode DoctorCommand(const InfoOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_INFO_COMMANDS_H_
