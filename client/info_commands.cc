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
// arguments, and prints the answer as JSON or as the table `print_table`
// writes. The answer, or why there is none (then nothing is printed).
template <typename Request, typename Response>
absl::StatusOr<Response> FetchAndPrint(const InfoOptions& options,
                                       grpc::Status (v1::IpcLab::StubInterface::*call)(
                                           grpc::ClientContext*, const Request&, Response*),
                                       void (*print_table)(const Response&, std::ostream*),
                                       const CommandIo& io) {
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(options.server, options.security);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<Response> response = FetchFromServer(**connection, call, kInfoDeadline);
  if (!response.ok()) return response;
  if (options.format == OutputFormat::kJson) {
    *io.out << results::ToJson(*response);
  } else {
    print_table(*response, io.out);
  }
  io.out->flush();
  return response;
}

}  // namespace

ExitCode ListCommand(const InfoOptions& options, const CommandIo& io) {
  const absl::StatusOr<v1::ListWorkloadsResponse> catalog =
      FetchAndPrint(options, &v1::IpcLab::StubInterface::ListWorkloads, results::PrintCatalog, io);
  return catalog.ok() ? kExitSuccess : ReportError(catalog.status(), io.err);
}

// `host` and `doctor` print two views of the server's HostInfo.
ExitCode HostCommand(const InfoOptions& options, const CommandIo& io) {
  if (options.check) return DoctorCommand(options, io);
  const absl::StatusOr<v1::HostInfo> host =
      FetchAndPrint(options, &v1::IpcLab::StubInterface::GetHostInfo, results::PrintHost, io);
  return host.ok() ? kExitSuccess : ReportError(host.status(), io.err);
}

ExitCode DoctorCommand(const InfoOptions& options, const CommandIo& io) {
  const absl::StatusOr<v1::HostInfo> host =
      FetchAndPrint(options, &v1::IpcLab::StubInterface::GetHostInfo, results::PrintHostChecks, io);
  if (!host.ok()) return ReportError(host.status(), io.err);
  const bool warned =
      std::any_of(host->checks().begin(), host->checks().end(),
                  [](const v1::HostCheck& c) { return c.level() == v1::HostCheck::WARN; });
  return options.strict && warned ? kExitGateFailed : kExitSuccess;
}

}  // namespace ipclab::client
