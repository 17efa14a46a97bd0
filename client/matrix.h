// Named run matrices: a fixed list of RunRequests that together answer one
// question, run one after another through one server and printed as one
// comparison table. `default` compares every transport (pipe, unix_socket,
// shm_posix, shm_sysv, mmap_file) streaming 4 KiB, 64 KiB and 1 MiB messages
// and ping-ponging 64-byte ones, on one CPU and (if the host allows two)
// across two CPUs, plus the page_fault variants and cow_private.
#ifndef IPCLAB_CLIENT_MATRIX_H_
#define IPCLAB_CLIENT_MATRIX_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::client {

// The names `--matrix` accepts, for --help and error messages.
std::vector<std::string> MatrixNames();

// The requests of matrix `name` for a host like `host` (its allowed CPUs
// decide whether placement sweeps same,cross or stays at same). NOT_FOUND,
// listing the known names, for an unknown matrix. The requests carry no
// repetitions/warm-up (the server's defaults, 5 and 1) and no label.
absl::StatusOr<std::vector<v1::RunRequest>> MatrixRequests(absl::string_view name,
                                                           const v1::HostInfo& host);

// What matrix `name` runs, one line per request, from the same table
// MatrixRequests uses (so --help cannot go stale): "pipe  mode=stream
// total_bytes=64MiB; message_size 4KiB|64KiB|1MiB x placement same|cross".
// Empty for an unknown matrix.
std::vector<std::string> DescribeMatrix(absl::string_view name);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_MATRIX_H_
