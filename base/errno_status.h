// errno becomes a Status in one place, naming the call and its argument
// (leveldb's PosixError): `shm_open("/ipclab-42-0"): Permission denied`.
#ifndef IPCLAB_BASE_ERRNO_STATUS_H_
#define IPCLAB_BASE_ERRNO_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ipclab::base {

// "<call>: <strerror(error_number)>" with a code that follows errno
// (EACCES -> PERMISSION_DENIED, ENOMEM/EMFILE/ENFILE/ENOSPC ->
// RESOURCE_EXHAUSTED, ENOENT -> NOT_FOUND, EINVAL -> INVALID_ARGUMENT, ...).
absl::Status ErrnoStatus(absl::string_view call, int error_number);

// A cause the user can act on, for one errno of one call (EINVAL from a
// kernel without the feature, EPERM over a limit).
struct KnownErrno {
  int error_number;
  absl::StatusCode code;
  absl::string_view cause;
};

// ErrnoStatus, but where `error_number` is `known`'s: its code and
// "<call>: <strerror(error_number)>: <cause>".
absl::Status ErrnoStatus(absl::string_view call, int error_number, const KnownErrno& known);

// Just the text, "<call>: <strerror(error_number)>", for callers that put
// it under a code and a context of their own ("cannot read the results
// database: read("x.db"): Is a directory").
std::string ErrnoMessage(absl::string_view call, int error_number);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_ERRNO_STATUS_H_
