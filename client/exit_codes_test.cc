#include "client/exit_codes.h"

#include <sstream>

#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

TEST(ExitCodeFor, RequestErrorsAreUsageErrors) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitSuccess);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::OutOfRangeError("x")), kExitUsage);
}

TEST(ExitCodeFor, EverythingElseIsAServerError) {
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("x")), kExitServerError);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("x")), kExitServerError);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("x")), kExitServerError);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(absl::UnknownError("x")), kExitServerError);
  EXPECT_EQ(ExitCodeFor(absl::CancelledError("x")), kExitInterrupted);
}

TEST(FromGrpcStatus, KeepsCodeAndMessage) {
  absl::Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown workload"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "unknown workload");
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(WorseExitCode, OrdersBySeverity) {
  EXPECT_EQ(WorseExitCode(kExitSuccess, kExitUsage), kExitUsage);
  EXPECT_EQ(WorseExitCode(kExitServerError, kExitUsage), kExitServerError);
  EXPECT_EQ(WorseExitCode(kExitServerError, kExitInterrupted), kExitInterrupted);
  EXPECT_EQ(WorseExitCode(kExitSuccess, kExitSuccess), kExitSuccess);
}

TEST(ReportError, PrintsTheMessageWithThePrefix) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(absl::InvalidArgumentError("parameter message_size=\"12XB\""), &err),
            kExitUsage);
  EXPECT_EQ(err.str(), "ipclab: parameter message_size=\"12XB\"\n");
}

}  // namespace
}  // namespace ipclab::client
