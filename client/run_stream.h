// One Run RPC: send the request, follow the event stream (feeding progress),
// and return the RunResult carried by the final `finished` event.
#ifndef IPCLAB_CLIENT_RUN_STREAM_H_
#define IPCLAB_CLIENT_RUN_STREAM_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "client/interrupt.h"
#include "ipclab/v1/ipclab.grpc.pb.h"

namespace ipclab::client {

// Called with each new progress text (see RunProgress::Text).
using ProgressCallback = std::function<void(const std::string& text)>;
// Called before it with the share of the run done (RunProgress::Fraction).
using FractionCallback = std::function<void(double fraction)>;

// Runs `request` through `stub` and returns the finished RunResult, with its
// status/error taken from the `finished` event when the result lacks them and
// `server_label` stored in RunResult.server. A run the server finished as
// FAILED is still a result (the caller decides the exit code).
// Errors: the RPC's status (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE ...);
// CANCELLED if `canceller` saw SIGINT; INTERNAL if the stream ended OK but
// without a `finished` event. `canceller` may be null.
absl::StatusOr<v1::RunResult> StreamRun(v1::IpcLab::StubInterface& stub,
                                        const v1::RunRequest& request,
                                        const std::string& server_label,
                                        InterruptCanceller* canceller,
                                        const ProgressCallback& on_progress,
                                        const FractionCallback& on_fraction = {});

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RUN_STREAM_H_
