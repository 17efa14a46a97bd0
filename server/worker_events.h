// Reading the worker's event stream (protos/ipclab/v1/worker.proto): bytes
// from the event pipe in, whole length-delimited WorkerEvents out. The
// stream comes from another process, which may crash mid-write or be
// something else altogether, so every byte is untrusted: a malformed size,
// an oversized event or an unparsable one is an error, never a crash
// (fuzz/worker_events_fuzzer.cc).
#ifndef IPCLAB_SERVER_WORKER_EVENTS_H_
#define IPCLAB_SERVER_WORKER_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/worker.pb.h"

namespace ipclab::server {

// Events are small; anything bigger than this is a corrupt stream.
inline constexpr uint32_t kMaxWorkerEventBytes = 64 << 20;

class WorkerEventDecoder final {
 public:
  // Adds bytes read from the pipe.
  void Append(absl::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

  // The next complete event; nullopt while it is incomplete; INTERNAL for
  // a malformed size, an event over kMaxWorkerEventBytes or one that does
  // not parse (the stream is then beyond repair).
  absl::StatusOr<std::optional<v1::WorkerEvent>> Next();

  // Bytes of an incomplete event (after the last complete one).
  size_t pending_bytes() const { return buffer_.size(); }
  void Clear() { buffer_.clear(); }

 private:
  std::string buffer_;
};

// The status a worker's `error` event reports. A code outside absl's
// canonical range, or OK, becomes UNKNOWN (a failure must stay a failure).
absl::Status WorkerErrorStatus(const v1::WorkerError& error);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_WORKER_EVENTS_H_
