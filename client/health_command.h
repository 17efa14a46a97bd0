// `ipclab health [--server ADDR] [--service NAME] [--timeout SECONDS]`: one
// grpc.health.v1 Check against an ipclabd (its main port, or the plaintext
// --health-listen port). For container HEALTHCHECKs and scripts.
#ifndef IPCLAB_CLIENT_HEALTH_COMMAND_H_
#define IPCLAB_CLIENT_HEALTH_COMMAND_H_

#include <string>

#include "client/command_io.h"
#include "client/exit_codes.h"

namespace ipclab::client {

struct HealthOptions {
  std::string server = "127.0.0.1:7557";  // ipclabd's default --listen
  std::string service;                    // "": the server as a whole
  double timeout_seconds = 5;             // connect + answer
};

// Prints "SERVING (ADDR)" on `out` and returns 0 when the server answers
// SERVING; otherwise prints "ipclab: health: ..." on `err` (unreachable, no
// answer in time, NOT_SERVING, unknown service) and returns kExitServerError.
ExitCode HealthCommand(const HealthOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_HEALTH_COMMAND_H_
