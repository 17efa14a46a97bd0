// errno becomes a Status in one place, naming the call and its argument:
// `shm_open("/ipclab-42-0"): Permission denied`.
#ifndef IPCLAB_WORKLOADS_SYS_ERRNO_STATUS_H_
#define IPCLAB_WORKLOADS_SYS_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ipclab::sys {

// The code follows errno (EACCES -> PERMISSION_DENIED, ENOMEM/EMFILE/ENOSPC ->
// RESOURCE_EXHAUSTED, ENOENT -> NOT_FOUND, EINVAL -> INVALID_ARGUMENT, ...).
absl::Status ErrnoStatus(absl::string_view call, int error_number);

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_ERRNO_STATUS_H_
