// Bounds on what the server holds or echoes for one client: the events
// buffered for a slow reader, and the length of status messages.
#ifndef IPCLAB_SERVER_STREAM_BUDGET_H_
#define IPCLAB_SERVER_STREAM_BUDGET_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::server {

// Events of one stream waiting for the client; past this the run is
// cancelled (the client does not read).
inline constexpr size_t kMaxBufferedEventBytes = size_t{64} << 20;
// Status messages longer than this are cut (gRPC carries them in a header,
// and clients should never get their own megabytes back).
inline constexpr size_t kMaxStatusMessageBytes = 2048;

// Counts the bytes of queued events. Not thread-safe (the sink's lock).
class StreamBudget final {
 public:
  explicit StreamBudget(size_t limit = kMaxBufferedEventBytes) : limit_(limit) {}
  // Counts `event`; false (counting nothing) if the limit would be passed.
  bool Add(const v1::RunEvent& event);
  // Uncounts an event that left the queue.
  void Remove(const v1::RunEvent& event);
  size_t bytes() const { return bytes_; }
  // RESOURCE_EXHAUSTED saying the client fell behind and the run stops.
  absl::Status OverflowMessage() const;

 private:
  const size_t limit_;
  size_t bytes_ = 0;
};

// `status` with its message cut to kMaxStatusMessageBytes.
absl::Status BoundedStatus(const absl::Status& status);

// INVALID_ARGUMENT for a request whose text fields are longer than any valid
// one (quoting at most a short prefix), so later messages stay short.
absl::Status CheckRequestSizes(const v1::RunRequest& request);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_STREAM_BUDGET_H_
