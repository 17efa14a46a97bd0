#include "server/worker_events.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"

namespace ipclab::server {

absl::StatusOr<std::optional<v1::WorkerEvent>> WorkerEventDecoder::Next() {
  if (buffer_.empty()) return std::nullopt;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(buffer_.data()),
                                            static_cast<int>(std::min<size_t>(buffer_.size(), 16)));
  uint32_t size = 0;
  if (!in.ReadVarint32(&size)) {
    // A varint32 takes at most 5 bytes; fewer may just be incomplete.
    if (buffer_.size() < 5) return std::nullopt;
    return absl::InternalError("malformed event size from worker");
  }
  if (size > kMaxWorkerEventBytes) {
    return absl::InternalError(absl::StrCat("oversized event from worker (", size, " bytes)"));
  }
  const size_t header = static_cast<size_t>(in.CurrentPosition());
  if (buffer_.size() < header + size) return std::nullopt;
  v1::WorkerEvent event;
  if (!event.ParseFromArray(buffer_.data() + header, static_cast<int>(size))) {
    return absl::InternalError("malformed event from worker");
  }
  buffer_.erase(0, header + size);
  return event;
}

absl::Status WorkerErrorStatus(const v1::WorkerError& error) {
  const int code = error.code();
  if (code <= 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    return absl::UnknownError(error.message().empty() ? "worker error" : error.message());
  }
  return absl::Status(static_cast<absl::StatusCode>(code), error.message());
}

}  // namespace ipclab::server
