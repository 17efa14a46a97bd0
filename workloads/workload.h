// The one interface every workload implements (fio's engines: one file per
// workload, found by name in registry.cc).
#ifndef IPCLAB_WORKLOADS_WORKLOAD_H_
#define IPCLAB_WORKLOADS_WORKLOAD_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ipclab/v1/ipclab.pb.h"
#include "workloads/owner_mark.h"
#include "workloads/params.h"

namespace ipclab::workloads {

// What a repetition needs besides its parameters.
struct RunContext {
  bool verify = false;        // checksum the data end to end
  std::string scratch_tmpfs;  // directories for file-backed workloads
  std::string scratch_disk;
  // Steady transfer phases are extended in whole passes of total_bytes until
  // they last at least this long (the clock is read between passes only);
  // 0: one pass.
  double min_time_seconds = 0;
  // The instance and run every shm name, SysV key and scratch file of the
  // repetition carries (owner_mark.h); unowned: the creator's pid.
  OwnerMark owner;
};

class Workload {
 public:
  virtual ~Workload() = default;

  // Name, summary, parameters (with defaults and ranges), roles and phases.
  virtual const v1::WorkloadSpec& Spec() const = 0;

  // Cross-parameter checks, after every value passed its own spec
  // (e.g. message_size <= total_bytes). INVALID_ARGUMENT names the values.
  virtual absl::Status Validate(const CaseParams& params) const = 0;

  // What the kernel should do for this case on this host (faults, RSS growth,
  // huge pages ...), as bands over named case metrics; results::Judge fills in
  // the measurements and verdicts. Empty when nothing can be predicted.
  virtual std::vector<v1::Expectation> Expect(const CaseParams& params,
                                              const v1::HostInfo& host) const {
    (void)params;
    (void)host;
    return {};
  }

  // Runs one repetition. Called in `ipclab-worker`, a single-threaded process,
  // so implementations may fork their roles. Returns the phases with their
  // per-role measurements and the placement; case_index/repetition/warmup are
  // filled in by the caller.
  virtual absl::StatusOr<v1::RepetitionResult> RunRepetition(const CaseParams& params,
                                                             const RunContext& context) const = 0;
};

// A workload as its four parts (fio's ops table per engine): each workload
// file writes these as functions and exports them as one table (catalog.h).
struct WorkloadOps {
  v1::WorkloadSpec spec;
  std::function<absl::Status(const CaseParams& params)> validate;
  std::function<std::vector<v1::Expectation>(const CaseParams& params, const v1::HostInfo& host)>
      expect;
  std::function<absl::StatusOr<v1::RepetitionResult>(const CaseParams& params,
                                                     const RunContext& context)>
      run_repetition;
};

// The Workload that answers with `ops`.
std::unique_ptr<Workload> WorkloadFromOps(WorkloadOps ops);

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_WORKLOAD_H_
