#include "workloads/catalog.h"

#include <memory>

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/sys/mapping.h"
#include "workloads/transfer.h"

namespace ipclab::workloads {
namespace {

// One role's ends: it sends on `out` and receives on `in` (pingpong uses
// both; in stream mode the producer only sends, the consumer only receives).
//
// splice=vmsplice: Send maps the sender's pages into the pipe instead of
// copying them (the receiver's read() is then the only copy). Those pages
// stay referenced by the pipe until the receiver has read them, so the
// sender must not write them before that. SPLICE_F_GIFT would not help (the
// kernel ignores it for vmsplice into a pipe), so the stream producer writes
// each message into the next of `rotation_slots` message-sized slots
// (SendBuffer), where rotation_slots = ceil(capacity / message) + 2: when
// vmsplice of message n-1 has returned, the pipe holds at most `capacity`
// bytes (capacity / 4 KiB slots of at most 4 KiB each), all of them from the
// newest messages, so message n - rotation_slots, whose slot message n
// reuses, was followed by more than `capacity` bytes and has been read. In
// pingpong each side reuses its buffer only after the other side has read
// the message it sent and answered, so no rotation is needed.
class PipeEndpoint final {
 public:
  PipeEndpoint(int in, int out, bool vmsplice, size_t rotation_slots, size_t slot_bytes)
      : in_(in),
        out_(out),
        vmsplice_(vmsplice),
        rotation_slots_(rotation_slots),
        slot_bytes_(slot_bytes) {}

  absl::Status Setup() {  // the pipes exist before the fork
    if (rotation_slots_ == 0) return absl::OkStatus();
    IPCLAB_ASSIGN_OR_RETURN(rotation_, sys::Mapping::Anonymous(rotation_slots_ * slot_bytes_));
    std::memset(rotation_.data(), 0x5a, rotation_.size());  // touched now, like the message buffers
    return absl::OkStatus();
  }

  char* SendBuffer(char* buffer, size_t size) {
    (void)size;  // at most slot_bytes_
    if (rotation_slots_ == 0) return buffer;
    char* slot = rotation_.data() + next_slot_ * slot_bytes_;
    if (++next_slot_ == rotation_slots_) next_slot_ = 0;
    return slot;
  }

  absl::Status Send(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t written = base::RetryOnEintr([&] {
        if (!vmsplice_) return ::write(out_, data, size);
        iovec pages{const_cast<char*>(data), size};
        return ::vmsplice(out_, &pages, 1, 0);
      });
      if (written < 0) {
        return base::ErrnoStatus(vmsplice_ ? "vmsplice(pipe)" : "write(pipe)", errno);
      }
      data += written;
      size -= static_cast<size_t>(written);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> Receive(char* data, size_t max) {
    const ssize_t got = base::RetryOnEintr([&] { return ::read(in_, data, max); });
    if (got > 0) return static_cast<size_t>(got);
    if (got == 0) return absl::AbortedError("read(pipe): the peer closed the pipe");
    return base::ErrnoStatus("read(pipe)", errno);
  }

  void Teardown() {
    if (in_ >= 0) ::close(in_);
    if (out_ >= 0) ::close(out_);
    in_ = out_ = -1;
    rotation_.Reset();
  }

 private:
  int in_;
  int out_;
  bool vmsplice_;
  size_t rotation_slots_;
  size_t slot_bytes_;
  sys::Mapping rotation_;
  size_t next_slot_ = 0;
};

absl::StatusOr<int> SetCapacity(const base::Pipe& pipe, uint64_t capacity) {
  if (capacity > 0 && ::fcntl(pipe.write_end.get(), F_SETPIPE_SZ, static_cast<int>(capacity)) < 0) {
    const int error = errno;
    return base::ErrnoStatus(absl::StrCat("fcntl(F_SETPIPE_SZ, ", capacity, ")"), error,
                             {EPERM, absl::StatusCode::kPermissionDenied,
                              "above /proc/sys/fs/pipe-max-size for an unprivileged user"});
  }
  const int actual = ::fcntl(pipe.write_end.get(), F_GETPIPE_SZ);
  if (actual < 0) return base::ErrnoStatus("fcntl(F_GETPIPE_SZ)", errno);
  return actual;
}

v1::WorkloadSpec PipeSpec() {
  std::vector<v1::ParamSpec> params = TransferParamSpecs();
  params.push_back(SizeParam("pipe_capacity", 0, 0, uint64_t{1} << 30,
                             "pipe buffer size set with F_SETPIPE_SZ (the kernel rounds up to "
                             "a power of two pages); 0 keeps the kernel default (64KiB)"));
  params.push_back(EnumParam(
      "splice", "none", {"none", "vmsplice"},
      "none: write() copies the producer's buffer into the pipe; vmsplice: the producer's pages "
      "are mapped into the pipe (one copy fewer), each message in a fresh slot of a buffer larger "
      "than the pipe so no page is rewritten before the consumer has read it"));
  return TransferSpec(
      "pipe",
      "anonymous pipe between two processes: write() by the producer, read() by the consumer",
      std::move(params));
}

absl::Status ValidatePipe(const CaseParams& params) {
  IPCLAB_RETURN_IF_ERROR(ValidateTransfer(params));
  const uint64_t capacity = params.Size("pipe_capacity");
  if (capacity != 0 && capacity < 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter pipe_capacity=", params.Text("pipe_capacity"),
                     " is too small; allowed: 0 or 4KiB to 1GiB"));
  }
  return absl::OkStatus();
}

std::vector<v1::Expectation> ExpectPipe(const CaseParams& params, const v1::HostInfo& host) {
  (void)host;
  if (params.Text("splice") == "none") return CopyTransportExpectations("pipe");
  std::vector<v1::Expectation> expectations;
  for (const char* phase : {"warm", "steady"}) {
    for (const char* role : {"producer", "consumer"}) {
      expectations.push_back(NoFaultsExpectation(
          phase, role,
          absl::StrCat("vmsplice hands the producer's pages (touched in setup) to the pipe and the "
                       "consumer's read copies them into its buffer: no page faults in ",
                       phase),
          "a role faulted while moving data: its buffers were not resident, or a vmspliced page "
          "was written while the pipe still referenced it (the kernel does not copy it on write)"));
    }
  }
  return expectations;
}

absl::StatusOr<v1::RepetitionResult> RunPipeRepetition(const CaseParams& params,
                                                       const RunContext& context) {
  const std::string& placement = params.Text("placement");
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> cpus, PlacementCpus(placement, 2));
  // Producer -> consumer always; consumer -> producer for the echo in pingpong.
  IPCLAB_ASSIGN_OR_RETURN(base::Pipe forward, base::MakePipe());
  IPCLAB_ASSIGN_OR_RETURN(int capacity, SetCapacity(forward, params.Size("pipe_capacity")));
  base::Pipe backward;
  const bool pingpong = params.Text("mode") == "pingpong";
  if (pingpong) {
    IPCLAB_ASSIGN_OR_RETURN(backward, base::MakePipe());
    IPCLAB_RETURN_IF_ERROR(SetCapacity(backward, params.Size("pipe_capacity")).status());
  }
  TransferPlan plan = MakeTransferPlan(params, static_cast<uint64_t>(capacity), context.verify);
  plan.min_time_ns = static_cast<int64_t>(context.min_time_seconds * 1e9);

  const bool vmsplice = params.Text("splice") == "vmsplice";
  // See PipeEndpoint: slots for the stream producer's messages under vmsplice.
  const size_t slot_bytes = plan.message_size;
  const size_t rotation_slots =
      vmsplice && !pingpong ? (static_cast<size_t>(capacity) + slot_bytes - 1) / slot_bytes + 2 : 0;

  const int producer_in = pingpong ? backward.read_end.get() : -1;
  const int consumer_out = pingpong ? backward.write_end.get() : -1;
  std::vector<RoleSpec> roles = TransferRoles(
      cpus, {forward.write_end.get(), producer_in}, {forward.read_end.get(), consumer_out},
      [&](RoleContext& role, bool producer) {
        PipeEndpoint endpoint =
            producer ? PipeEndpoint(producer_in, forward.write_end.get(), vmsplice, rotation_slots,
                                    slot_bytes)
                     : PipeEndpoint(forward.read_end.get(), consumer_out, vmsplice, 0, 0);
        return RunTransferRole(role, plan, producer, endpoint);
      });
  IPCLAB_ASSIGN_OR_RETURN(v1::RepetitionResult result,
                          RunTransfer(plan, placement, std::move(roles)));
  (*result.mutable_notes())["pipe_capacity_actual"] =
      base::FormatSize(static_cast<uint64_t>(capacity));
  if (rotation_slots > 0) {
    (*result.mutable_notes())["vmsplice_buffer"] =
        absl::StrCat(rotation_slots, " slots of ", base::FormatSize(slot_bytes));
  }
  return result;
}

}  // namespace

WorkloadOps PipeOps() { return {PipeSpec(), ValidatePipe, ExpectPipe, RunPipeRepetition}; }

}  // namespace ipclab::workloads
