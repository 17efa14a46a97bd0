#include "server/stream_budget.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ipclab::server {
namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxValueBytes = 256;
constexpr size_t kMaxLabelBytes = 4096;
constexpr size_t kMaxSweepValues = 4096;
constexpr size_t kQuotedPrefix = 32;

absl::Status TooLong(absl::string_view what, absl::string_view value, size_t limit) {
  return absl::InvalidArgumentError(absl::StrCat(what, " \"", value.substr(0, kQuotedPrefix),
                                                 "...\" is ", value.size(),
                                                 " bytes long; allowed: at most ", limit));
}

}  // namespace

bool StreamBudget::Add(const v1::RunEvent& event) {
  const size_t size = event.ByteSizeLong();
  if (bytes_ + size > limit_) return false;
  bytes_ += size;
  return true;
}

void StreamBudget::Remove(const v1::RunEvent& event) {
  const size_t size = event.ByteSizeLong();
  bytes_ = size > bytes_ ? 0 : bytes_ - size;
}

absl::Status StreamBudget::OverflowMessage() const {
  return absl::ResourceExhaustedError(absl::StrCat("the client did not read its events: ", bytes_,
                                                   " bytes waited (limit ", limit_,
                                                   "); the run was cancelled"));
}

absl::Status BoundedStatus(const absl::Status& status) {
  if (status.message().size() <= kMaxStatusMessageBytes) return status;
  return absl::Status(status.code(),
                      absl::StrCat(status.message().substr(0, kMaxStatusMessageBytes), "..."));
}

absl::Status CheckRequestSizes(const v1::RunRequest& request) {
  if (request.workload().size() > kMaxNameBytes) {
    return TooLong("workload", request.workload(), kMaxNameBytes);
  }
  for (const auto& [name, value] : request.params()) {
    if (name.size() > kMaxNameBytes) return TooLong("parameter name", name, kMaxNameBytes);
    if (value.size() > kMaxValueBytes) {
      return TooLong(absl::StrCat("value of ", name), value, kMaxValueBytes);
    }
  }
  for (const v1::Sweep& sweep : request.sweeps()) {
    if (sweep.name().size() > kMaxNameBytes) {
      return TooLong("swept parameter name", sweep.name(), kMaxNameBytes);
    }
    if (static_cast<size_t>(sweep.values_size()) > kMaxSweepValues) {
      return absl::InvalidArgumentError(
          absl::StrCat("sweep of ", sweep.name(), " has ", sweep.values_size(),
                       " values; allowed: at most ", kMaxSweepValues));
    }
    for (const std::string& value : sweep.values()) {
      if (value.size() > kMaxValueBytes) {
        return TooLong(absl::StrCat("swept value of ", sweep.name()), value, kMaxValueBytes);
      }
    }
  }
  if (request.label().size() > kMaxLabelBytes)
    return TooLong("label", request.label(), kMaxLabelBytes);
  return absl::OkStatus();
}

}  // namespace ipclab::server
