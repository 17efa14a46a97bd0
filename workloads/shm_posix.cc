#include "workloads/shm_posix.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "workloads/shm_ring.h"
#include "workloads/status_macros.h"
#include "workloads/sys/mapping.h"
#include "workloads/sys/shm_object.h"
#include "workloads/transfer.h"
#include "workloads/worker.h"

namespace ipclab::workloads {
namespace {

// Two rings in one segment: [forward ring][backward ring]; the backward one
// carries echoes in pingpong and stays untouched (no faults) in stream mode.
class ShmEndpoint final {
 public:
  ShmEndpoint(std::string name, size_t ring_bytes, RingSync sync, bool producer)
      : name_(std::move(name)), ring_bytes_(ring_bytes), sync_(sync), producer_(producer) {}

  absl::Status Setup() {
    IPCLAB_ASSIGN_OR_RETURN(sys::ShmObject object, sys::ShmObject::Open(name_));
    IPCLAB_ASSIGN_OR_RETURN(mapping_, sys::Mapping::Map(2 * RingFootprint(ring_bytes_),
                                                        PROT_READ | PROT_WRITE, MAP_SHARED,
                                                        object.fd(), 0, name_.c_str()));
    ShmRing forward(mapping_.data(), ring_bytes_, sync_);
    ShmRing backward(mapping_.data() + RingFootprint(ring_bytes_), ring_bytes_, sync_);
    out_ = producer_ ? forward : backward;
    in_ = producer_ ? backward : forward;
    return absl::OkStatus();  // the fd closes here; the mapping keeps the memory
  }

  absl::Status Send(const char* data, size_t size) {
    out_.Write(data, size);
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> Receive(char* data, size_t max) {
    in_.Read(data, max);
    return max;
  }

  void Teardown() { mapping_.Reset(); }

 private:
  std::string name_;
  size_t ring_bytes_;
  RingSync sync_;
  bool producer_;
  sys::Mapping mapping_;
  ShmRing out_{nullptr, 0, RingSync::kFutex};
  ShmRing in_{nullptr, 0, RingSync::kFutex};
};

std::string NextShmName() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat(ShmNamePrefix(::getpid()), counter.fetch_add(1));
}

}  // namespace

ShmPosixWorkload::ShmPosixWorkload() {
  spec_.set_name("shm_posix");
  spec_.set_summary(
      "POSIX shared memory ring (shm_open + mmap MAP_SHARED) between two processes; the producer "
      "copies each message into the ring, the consumer copies it out");
  for (v1::ParamSpec& param : TransferParamSpecs()) *spec_.add_params() = std::move(param);
  *spec_.add_params() = SizeParam("ring_bytes", 1 << 20, 4096, uint64_t{1} << 30,
                                  "data bytes of the ring in each direction; a multiple of the "
                                  "page size");
  *spec_.add_params() = EnumParam(
      "sync", "futex", {"futex", "spin"},
      "how a side waits for data or space: futex (sleep, woken only when it announced itself) or "
      "spin (busy-poll, yielding the CPU every 64 polls)");
  spec_.add_roles("producer");
  spec_.add_roles("consumer");
  for (const std::string& phase : TransferPhases()) spec_.add_phases(phase);
}

absl::Status ShmPosixWorkload::Validate(const CaseParams& params) const {
  IPCLAB_RETURN_IF_ERROR(ValidateTransfer(params));
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  if (params.Size("ring_bytes") % page != 0) {
    return absl::InvalidArgumentError(absl::StrCat("parameter ring_bytes=",
                                                   params.Text("ring_bytes"),
                                                   " is not a multiple of the page size; allowed: "
                                                   "multiples of ",
                                                   page, " from 4KiB to 1GiB"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RepetitionResult> ShmPosixWorkload::RunRepetition(
    const CaseParams& params, const RunContext& context) const {
  const std::string& placement = params.Text("placement");
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> cpus, PlacementCpus(placement, 2));
  IPCLAB_ASSIGN_OR_RETURN(RingSync sync, ParseRingSync(params.Text("sync")));
  const size_t ring_bytes = params.Size("ring_bytes");
  const TransferPlan plan = MakeTransferPlan(params, ring_bytes, context.verify);

  // The coordinator creates the object; each role opens and maps it by name in
  // its setup phase; the name is unlinked as soon as both have mapped it, so a
  // crash later leaves nothing in /dev/shm.
  IPCLAB_ASSIGN_OR_RETURN(sys::ShmObject object,
                          sys::ShmObject::Create(NextShmName(), 2 * RingFootprint(ring_bytes)));
  std::vector<RoleSpec> roles(2);
  for (int r = 0; r < 2; ++r) {
    const bool producer = r == 0;
    roles[r].name = producer ? "producer" : "consumer";
    roles[r].pinned_cpu = cpus[r];
    roles[r].body = [&, producer](RoleContext& role) {
      ShmEndpoint endpoint(object.name(), ring_bytes, sync, producer);
      return RunTransferRole(role, plan, producer, endpoint);
    };
  }
  RoleHooks hooks;
  hooks.after_phase = [&](int index) {
    return index == 0 ? object.Unlink() : absl::OkStatus();
  };
  if (context.on_phase) {
    hooks.before_phase = [&](int index) { context.on_phase(TransferPhases()[index]); };
  }
  IPCLAB_ASSIGN_OR_RETURN(RolesOutcome outcome, RunRoles(TransferPhases(), placement, std::move(roles), hooks));
  v1::RepetitionResult result = std::move(outcome.result);
  (*result.mutable_notes())["shm_name"] = object.name();
  if (plan.verify) IPCLAB_RETURN_IF_ERROR(CheckChecksums(outcome, &result));
  return result;
}

}  // namespace ipclab::workloads
