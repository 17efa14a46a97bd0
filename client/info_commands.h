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
};

// Both return the exit code after printing the answer or "ipclab: <error>".
ExitCode ListCommand(const InfoOptions& options, const CommandIo& io);
ExitCode HostCommand(const InfoOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_INFO_COMMANDS_H_
