#include "client/exit_codes.h"

namespace ipclab::client {
namespace {

int Severity(ExitCode code) {
  switch (code) {
    case kExitSuccess:
      return 0;
    case kExitUsage:
      return 1;
    case kExitInconclusive:
      return 2;
    case kExitGateFailed:
      return 3;
    case kExitServerError:
      return 4;
    case kExitInterrupted:
      return 5;
  }
  return 4;
}

}  // namespace

ExitCode ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitSuccess;
    // The request itself is wrong: nothing ran, fixing the command line helps.
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    // Over a limit of the server (memory, duration, cases): ask for less.
    case absl::StatusCode::kResourceExhausted:
      return kExitUsage;
    case absl::StatusCode::kCancelled:
      return kExitInterrupted;
    // UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN,
    // UNAUTHENTICATED, PERMISSION_DENIED ...: the server or the way to it.
    default:
      return kExitServerError;
  }
}

ExitCode WorseExitCode(ExitCode a, ExitCode b) { return Severity(a) >= Severity(b) ? a : b; }

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

ExitCode ReportError(const absl::Status& status, std::ostream* err) {
  if (status.ok()) return kExitSuccess;
  *err << "ipclab: " << status.message() << "\n";
  return ExitCodeFor(status);
}

}  // namespace ipclab::client
