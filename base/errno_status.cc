#include "base/errno_status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ipclab::base {

absl::Status ErrnoStatus(absl::string_view call, int error_number) {
  absl::StatusCode code = absl::ErrnoToStatusCode(error_number);
  switch (error_number) {
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case ENOSPC:
      code = absl::StatusCode::kResourceExhausted;
      break;
    default:
      break;
  }
  return absl::Status(code, ErrnoMessage(call, error_number));
}

absl::Status ErrnoStatus(absl::string_view call, int error_number, const KnownErrno& known) {
  if (error_number != known.error_number) return ErrnoStatus(call, error_number);
  return absl::Status(known.code,
                      absl::StrCat(ErrnoMessage(call, error_number), ": ", known.cause));
}

std::string ErrnoMessage(absl::string_view call, int error_number) {
  return absl::StrCat(call, ": ", std::strerror(error_number));
}

}  // namespace ipclab::base
