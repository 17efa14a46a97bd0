#include "client/info_commands.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "client/connection.h"
#include "grpcpp/client_context.h"
#include "results/report/reporters.h"

namespace ipclab::client {
namespace {

// Unary calls answer from memory; anything slower is a stuck server.
constexpr std::chrono::seconds kInfoDeadline(30);

// The server's HostInfo (`host` and `doctor` print two views of it).
absl::StatusOr<v1::HostInfo> FetchHostInfo(const InfoOptions& options) {
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(options.server, options.security);
  if (!connection.ok()) return connection.status();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kInfoDeadline);
  v1::HostInfo host;
  const grpc::Status status =
      (*connection)->stub().GetHostInfo(&context, v1::GetHostInfoRequest(), &host);
  if (!status.ok()) return FromGrpcStatus(status);
  return host;
}

}  // namespace

ExitCode ListCommand(const InfoOptions& options, const CommandIo& io) {
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(options.server, options.security);
  if (!connection.ok()) return ReportError(connection.status(), io.err);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kInfoDeadline);
  v1::ListWorkloadsResponse catalog;
  const grpc::Status status =
      (*connection)->stub().ListWorkloads(&context, v1::ListWorkloadsRequest(), &catalog);
  if (!status.ok()) return ReportError(FromGrpcStatus(status), io.err);
  if (options.format == OutputFormat::kJson) {
    *io.out << results::ToJson(catalog);
  } else {
    results::PrintCatalog(catalog, io.out);
  }
  io.out->flush();
  return kExitSuccess;
}

ExitCode HostCommand(const InfoOptions& options, const CommandIo& io) {
  if (options.check) return DoctorCommand(options, io);
  absl::StatusOr<v1::HostInfo> host = FetchHostInfo(options);
  if (!host.ok()) return ReportError(host.status(), io.err);
  if (options.format == OutputFormat::kJson) {
    *io.out << results::ToJson(*host);
  } else {
    results::PrintHost(*host, io.out);
  }
  io.out->flush();
  return kExitSuccess;
}

ExitCode DoctorCommand(const InfoOptions& options, const CommandIo& io) {
  absl::StatusOr<v1::HostInfo> host = FetchHostInfo(options);
  if (!host.ok()) return ReportError(host.status(), io.err);
  if (options.format == OutputFormat::kJson) {
    *io.out << results::ToJson(*host);
  } else {
    results::PrintHostChecks(*host, io.out);
  }
  io.out->flush();
  const bool warned =
      std::any_of(host->checks().begin(), host->checks().end(),
                  [](const v1::HostCheck& c) { return c.level() == v1::HostCheck::WARN; });
  return options.strict && warned ? kExitGateFailed : kExitSuccess;
}

}  // namespace ipclab::client
