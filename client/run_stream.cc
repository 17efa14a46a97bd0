#include "client/run_stream.h"

#include <memory>
#include <optional>

#include "client/exit_codes.h"
#include "client/progress.h"
#include "grpcpp/client_context.h"

namespace ipclab::client {

absl::StatusOr<v1::RunResult> StreamRun(v1::IpcLab::StubInterface& stub,
                                        const v1::RunRequest& request,
                                        const std::string& server_label,
                                        InterruptCanceller* canceller,
                                        const ProgressCallback& on_progress,
                                        const FractionCallback& on_fraction) {
  // No deadline: a run may wait in the server's queue and take minutes.
  grpc::ClientContext context;
  ScopedCancellation cancellation(canceller, &context);
  std::unique_ptr<grpc::ClientReaderInterface<v1::RunEvent>> reader = stub.Run(&context, request);

  RunProgress progress(request);
  std::optional<v1::Finished> finished;
  v1::RunEvent event;
  while (reader->Read(&event)) {
    if (event.has_finished()) {
      finished = std::move(*event.mutable_finished());
      continue;
    }
    progress.Apply(event);
    if (on_fraction) {
      if (std::optional<double> fraction = progress.Fraction()) on_fraction(*fraction);
    }
    if (on_progress && (event.has_accepted() || event.has_started() || event.has_progress())) {
      on_progress(progress.Text());
    }
  }
  const grpc::Status rpc_status = reader->Finish();
  if (canceller != nullptr && canceller->interrupted()) {
    return absl::CancelledError("cancelled");
  }
  if (!rpc_status.ok()) return FromGrpcStatus(rpc_status);
  if (!finished.has_value()) {
    return absl::InternalError("the server ended the run without a result");
  }
  v1::RunResult result = std::move(*finished->mutable_result());
  if (result.status() == v1::RUN_STATUS_UNSPECIFIED) result.set_status(finished->status());
  if (result.error().empty()) result.set_error(finished->error());
  result.set_server(server_label);
  return result;
}

}  // namespace ipclab::client
