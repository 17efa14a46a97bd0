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

// Connects to the server of `options` for one unary call that takes no
// arguments.
template <typename Request, typename Response>
absl::StatusOr<Response> OpenAndFetch(const InfoOptions& options,
                                      grpc::Status (v1::IpcLab::StubInterface::*call)(
                                          grpc::ClientContext*, const Request&, Response*)) {
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(options.server, options.security);
  if (!connection.ok()) return connection.status();
  return FetchFromServer(**connection, call, kInfoDeadline);
}

// `message` as JSON, or as the table `print_table` writes.
template <typename Message>
void PrintInFormat(const Message& message, void (*print_table)(const Message&, std::ostream*),
                   OutputFormat format, const CommandIo& io) {
  if (format == OutputFormat::kJson) {
    *io.out << results::ToJson(message);
  } else {
    print_table(message, io.out);
  }
  io.out->flush();
}

}  // namespace

ExitCode ListCommand(const InfoOptions& options, const CommandIo& io) {
  absl::StatusOr<v1::ListWorkloadsResponse> catalog =
      OpenAndFetch(options, &v1::IpcLab::StubInterface::ListWorkloads);
  if (!catalog.ok()) return ReportError(catalog.status(), io.err);
  PrintInFormat(*catalog, results::PrintCatalog, options.format, io);
  return kExitSuccess;
}

// `host` and `doctor` print two views of the server's HostInfo.
ExitCode HostCommand(const InfoOptions& options, const CommandIo& io) {
  if (options.check) return DoctorCommand(options, io);
  absl::StatusOr<v1::HostInfo> host =
      OpenAndFetch(options, &v1::IpcLab::StubInterface::GetHostInfo);
  if (!host.ok()) return ReportError(host.status(), io.err);
  PrintInFormat(*host, results::PrintHost, options.format, io);
  return kExitSuccess;
}

ExitCode DoctorCommand(const InfoOptions& options, const CommandIo& io) {
  absl::StatusOr<v1::HostInfo> host =
      OpenAndFetch(options, &v1::IpcLab::StubInterface::GetHostInfo);
  if (!host.ok()) return ReportError(host.status(), io.err);
  PrintInFormat(*host, results::PrintHostChecks, options.format, io);
  const bool warned =
      std::any_of(host->checks().begin(), host->checks().end(),
                  [](const v1::HostCheck& c) { return c.level() == v1::HostCheck::WARN; });
  return options.strict && warned ? kExitGateFailed : kExitSuccess;
}

}  // namespace ipclab::client
