#include "client/matrix.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ipclab::client {
namespace {

struct ParamValue {
  const char* name;
  const char* value;
};

struct SweepValues {
  const char* name;
  std::vector<const char*> values;
};

// One row of a matrix: a workload, its fixed parameters and its sweeps.
// Placement (same,cross when the host allows two CPUs) is added per host to
// the rows that move bytes between two processes (see MatrixRequests).
struct MatrixEntry {
  const char* workload;
  std::vector<ParamValue> params;
  std::vector<SweepValues> sweeps;
  bool sweep_placement = true;
  uint32_t repetitions = 0;  // 0: the server's default
};

// The default comparison: every transport streaming 4 KiB, 64 KiB and 1 MiB
// messages and ping-ponging 64-byte ones, at placement same and cross, plus
// the page-fault variants and copy-on-write. Sizes are chosen so the whole
// matrix (10 measured, 20 for page faults, + 1 warm-up repetitions per case,
// cases taking turns over 5 rounds) stays about 60 s on a
// 2-CPU host:
// - stream: 64 MiB per repetition, enough that the steady phase dominates
//   process start-up even at 4 GB/s;
// - pingpong: 64-byte messages, 5,000 round trips (~4 us on one CPU, 13-40 us
//   across CPUs on a virtual machine: 20-200 ms, past --min-time; p99 from
//   50 round trips). The rings shrink to 64 KiB so the warm
//   phase (one pass through the ring) stays short.
// The shared-memory rings use `sync=futex`: `spin` with both roles on one CPU
// would measure the scheduler's time slice, not the ring.
constexpr char kStreamTotal[] = "64MiB";
constexpr char kPingpongMessage[] = "64";
constexpr char kPingpongTotal[] = "320000";
// Page faults of one region are the subject, so a repetition stays one
// region (~20 ms): more of them instead. At ten, one or two THP write
// repetitions stalled 7-10x in compaction in every run, and the CI of the
// median could not exclude a 20% change.
constexpr uint32_t kFaultRepetitions = 20;
constexpr char kPingpongRing[] = "64KiB";

const std::vector<MatrixEntry>& DefaultMatrix() {
  static const auto* const kEntries = [] {
    auto* entries = new std::vector<MatrixEntry>;
    const SweepValues sizes{"message_size", {"4KiB", "64KiB", "1MiB"}};
    for (const char* transport : {"pipe", "unix_socket", "shm_posix", "shm_sysv", "mmap_file"}) {
      const std::string name = transport;
      const bool ring = name == "shm_posix" || name == "shm_sysv" || name == "mmap_file";
      MatrixEntry stream{transport, {{"mode", "stream"}, {"total_bytes", kStreamTotal}}, {sizes}};
      MatrixEntry pingpong{transport,
                           {{"mode", "pingpong"},
                            {"message_size", kPingpongMessage},
                            {"total_bytes", kPingpongTotal}},
                           {}};
      if (ring) {
        stream.params.push_back({"sync", "futex"});
        pingpong.params.push_back({"sync", "futex"});
        pingpong.params.push_back({"ring_bytes", kPingpongRing});
      }
      entries->push_back(std::move(stream));
      entries->push_back(std::move(pingpong));
    }
    // Anonymous faults: 4 KiB pages vs THP, write vs read (zero page) vs
    // read then write; and MAP_POPULATE paying in setup.
    entries->push_back(
        {"page_fault",
         {},
         {{"access", {"write", "read", "read_then_write"}}, {"huge_pages", {"none", "thp"}}},
         false,
         kFaultRepetitions});
    entries->push_back(
        {"page_fault", {{"access", "write"}, {"populate", "true"}}, {}, false, kFaultRepetitions});
    // Copy-on-write after fork: anonymous vs file-backed private mappings.
    entries->push_back({"cow_private", {}, {{"backing", {"anon", "file"}}}, false});
    return entries;
  }();
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
    request.set_repetitions(entry.repetitions);
    for (const ParamValue& param : entry.params) {
      (*request.mutable_params())[param.name] = param.value;
    }
    for (const SweepValues& values : entry.sweeps) {
      v1::Sweep* sweep = request.add_sweeps();
      sweep->set_name(values.name);
      for (const char* value : values.values) sweep->add_values(value);
    }
    if (entry.sweep_placement) {
      if (two_cpus) {
        v1::Sweep* placement = request.add_sweeps();
        placement->set_name("placement");
        placement->add_values("same");
        placement->add_values("cross");
      } else {
        (*request.mutable_params())["placement"] = "same";
      }
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

std::vector<std::string> DescribeMatrix(absl::string_view name) {
  v1::HostInfo two_cpus;
  two_cpus.add_allowed_cpus(0);
  two_cpus.add_allowed_cpus(1);
  absl::StatusOr<std::vector<v1::RunRequest>> requests = MatrixRequests(name, two_cpus);
  if (!requests.ok()) return {};
  std::vector<std::string> lines;
  for (const v1::RunRequest& request : *requests) {
    const std::map<std::string, std::string> params(request.params().begin(),
                                                    request.params().end());
    std::vector<std::string> sweeps;
    for (const v1::Sweep& sweep : request.sweeps()) {
      sweeps.push_back(absl::StrCat(sweep.name(), " ", absl::StrJoin(sweep.values(), "|")));
    }
    std::string line = absl::StrCat(request.workload(), "  ",
                                    absl::StrJoin(params, " ", absl::PairFormatter("=")));
    if (!sweeps.empty()) {
      absl::StrAppend(&line, params.empty() ? "" : "; ", absl::StrJoin(sweeps, " x "));
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace ipclab::client
