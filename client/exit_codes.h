// The CLI's exit codes (DESIGN.md, "CLI contract") and the one place where a
// failure's status code becomes an exit code.
//
//   0    success
//   1    gate failed (a regression); reserved for `ipclab gate`
//   2    usage or input error: a command line CLI11 refuses, a malformed -p or
//        --sweep, and the server's INVALID_ARGUMENT, NOT_FOUND,
//        FAILED_PRECONDITION and OUT_OF_RANGE (unknown workload or parameter,
//        a value out of range, huge pages not reserved ...)
//   3    inconclusive (too noisy to decide); reserved for compare/gate
//   4    server or transport error: UNAVAILABLE (unreachable server),
//        DEADLINE_EXCEEDED, INTERNAL, RESOURCE_EXHAUSTED (queue full) and every
//        other code, and a run the server finished as FAILED or CANCELLED
//        (e.g. a worker crashed)
//   130  interrupted by SIGINT (the run was cancelled on the server); 143 and
//        129 for SIGTERM and SIGHUP, as a shell reports a signal
#ifndef IPCLAB_CLIENT_EXIT_CODES_H_
#define IPCLAB_CLIENT_EXIT_CODES_H_

#include <ostream>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace ipclab::client {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitGateFailed = 1,
  kExitUsage = 2,
  kExitInconclusive = 3,
  kExitServerError = 4,
  kExitInterrupted = 130,
};

// The exit code for a failed status (kExitSuccess for OK). CANCELLED maps to
// kExitInterrupted: the client only cancels on SIGINT.
ExitCode ExitCodeFor(const absl::Status& status);

// The worse of two exit codes, for commands that talk to several servers:
// interrupted > server error > usage error > success.
ExitCode WorseExitCode(ExitCode a, ExitCode b);

// A gRPC status as an absl::Status with the same code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Prints "ipclab: <message>" (the status message only, as the server wrote
// it) on `err` and returns ExitCodeFor(status).
ExitCode ReportError(const absl::Status& status, std::ostream* err);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_EXIT_CODES_H_
