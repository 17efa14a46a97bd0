#include "client/matrix.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ipclab::client {
namespace {

struct ParamValue {
  const char* name;
  const char* value;
};

// One row of a matrix: a workload and its fixed parameters. Placement is
// added per host (see MatrixRequests).
struct MatrixEntry {
  const char* workload;
  std::vector<ParamValue> params;
};

// The default comparison. Sizes are chosen so the whole matrix (8 cases with
// placement same,cross; 5 measured + 1 warm-up repetitions each) finishes in
// under 30 s on a 2-CPU host (measured: 25 s on a 2-vCPU virtual machine):
// - stream: 256 MiB in 64 KiB messages, long enough (20-250 ms per
//   repetition) that the steady phase dominates process start-up;
// - pingpong: 64-byte messages, 50,000 round trips (3,200,000 bytes). A round
//   trip costs two wake-ups: ~4 us on one CPU, 13-40 us across CPUs on a
//   virtual machine, so a cross-CPU repetition takes up to ~2 s and the
//   pingpong half dominates the matrix. 100,000 round trips would double it.
// shm_posix uses `sync=futex` explicitly: `spin` with both roles on one CPU
// would measure the scheduler's time slice, not the ring.
constexpr char kStreamMessage[] = "64KiB";
constexpr char kStreamTotal[] = "256MiB";
constexpr char kPingpongMessage[] = "64";
constexpr char kPingpongTotal[] = "3200000";

const std::vector<MatrixEntry>& DefaultMatrix() {
  static const auto* const kEntries = new std::vector<MatrixEntry>{
      {"pipe",
       {{"mode", "stream"}, {"message_size", kStreamMessage}, {"total_bytes", kStreamTotal}}},
      {"shm_posix",
       {{"mode", "stream"},
        {"message_size", kStreamMessage},
        {"total_bytes", kStreamTotal},
        {"sync", "futex"}}},
      {"pipe",
       {{"mode", "pingpong"}, {"message_size", kPingpongMessage}, {"total_bytes", kPingpongTotal}}},
      {"shm_posix",
       {{"mode", "pingpong"},
        {"message_size", kPingpongMessage},
        {"total_bytes", kPingpongTotal},
        {"sync", "futex"}}},
  };
  return *kEntries;
}

}  // namespace

std::vector<std::string> MatrixNames() { return {"default"}; }

absl::StatusOr<std::vector<v1::RunRequest>> MatrixRequests(absl::string_view name,
                                                           const v1::HostInfo& host) {
  if (name != "default") {
    return absl::NotFoundError(
        absl::StrCat("unknown matrix \"", name, "\"; known: ", absl::StrJoin(MatrixNames(), ", ")));
  }
  const bool two_cpus = host.allowed_cpus_size() >= 2;
  std::vector<v1::RunRequest> requests;
  for (const MatrixEntry& entry : DefaultMatrix()) {
    v1::RunRequest request;
    request.set_workload(entry.workload);
    for (const ParamValue& param : entry.params) {
      (*request.mutable_params())[param.name] = param.value;
    }
    if (two_cpus) {
      v1::Sweep* placement = request.add_sweeps();
      placement->set_name("placement");
      placement->add_values("same");
      placement->add_values("cross");
    } else {
      (*request.mutable_params())["placement"] = "same";
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

}  // namespace ipclab::client
