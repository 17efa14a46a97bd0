#include "workloads/worker.h"

#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/posix_call.h"
#include "base/status_macros.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "workloads/host_lock.h"
#include "workloads/registry.h"

namespace ipclab::workloads {
namespace {

absl::Status WriteEvent(int event_fd, const v1::WorkerEvent& event) {
  if (!google::protobuf::util::SerializeDelimitedToFileDescriptor(event, event_fd)) {
    return absl::UnavailableError("cannot write to the event pipe (the server went away?)");
  }
  return absl::OkStatus();
}

// Waits for the server's ack byte on `ack_fd`: the repetition's event was
// relayed, so the server is idle again.
absl::Status AwaitAck(int ack_fd) {
  char ack = 0;
  const ssize_t n = base::RetryOnEintr([&] { return ::read(ack_fd, &ack, 1); });
  if (n == 1) return absl::OkStatus();
  return absl::UnavailableError("the server closed the ack pipe (it went away?)");
}

absl::Status RunAll(const v1::WorkerRequest& request, int event_fd, int ack_fd) {
  IPCLAB_ASSIGN_OR_RETURN(const Workload* workload, FindWorkload(request.workload()));
  const CaseParams params = CaseParams::FromCase(request.case_());
  // The server validated the case already; validate again so a worker run by
  // hand refuses nonsense too.
  for (const v1::ParamSpec& spec : workload->Spec().params()) {
    if (!params.Has(spec.name())) {
      return absl::InvalidArgumentError(absl::StrCat("the case lacks parameter ", spec.name()));
    }
    IPCLAB_RETURN_IF_ERROR(CanonicalValue(spec, params.Text(spec.name())).status());
  }
  IPCLAB_RETURN_IF_ERROR(workload->Validate(params));

  // One measurement per host (host_lock.h), held for the whole case. A
  // waiting worker tells the client why through a progress event.
  absl::Status wait_status = absl::OkStatus();
  IPCLAB_ASSIGN_OR_RETURN(HostLock host_lock, HostLock::Acquire([&](const std::string& why) {
                            v1::WorkerEvent event;
                            event.mutable_progress()->set_case_index(request.case_().index());
                            event.mutable_progress()->set_waiting(why);
                            wait_status = WriteEvent(event_fd, event);
                          }));
  IPCLAB_RETURN_IF_ERROR(wait_status);

  const uint32_t total = request.warmup() + request.repetitions();
  for (uint32_t n = 0; n < total; ++n) {
    const bool warmup = n < request.warmup();
    const uint32_t repetition = warmup ? n : request.first_repetition() + n - request.warmup();
    RunContext context;
    context.verify = request.verify();
    context.scratch_tmpfs = request.scratch_tmpfs();
    context.scratch_disk = request.scratch_disk();
    context.min_time_seconds = request.min_time_seconds();
    context.owner = OwnerMark::FromProto(request);
    // One progress event before the repetition, none during it: nothing of
    // ipclab (serialization, the server's relay) runs while the roles measure.
    {
      v1::WorkerEvent event;
      v1::Progress* progress = event.mutable_progress();
      progress->set_case_index(request.case_().index());
      progress->set_repetition(repetition);
      progress->set_warmup(warmup);
      IPCLAB_RETURN_IF_ERROR(WriteEvent(event_fd, event));
    }
    IPCLAB_ASSIGN_OR_RETURN(v1::RepetitionResult result, workload->RunRepetition(params, context));
    result.set_case_index(request.case_().index());
    result.set_repetition(repetition);
    result.set_warmup(warmup);
    v1::WorkerEvent event;
    *event.mutable_repetition() = std::move(result);
    IPCLAB_RETURN_IF_ERROR(WriteEvent(event_fd, event));
    if (request.ack_repetitions()) IPCLAB_RETURN_IF_ERROR(AwaitAck(ack_fd));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ShmNamePrefix(pid_t worker_pid) {
  return absl::StrCat("/", OwnerNamePrefix(OwnerMark(), worker_pid));
}

int RemoveLeftoverShm(pid_t worker_pid) {
  // "/ipclab-42-" names the file "ipclab-42-..." in /dev/shm.
  const std::string prefix = ShmNamePrefix(worker_pid).substr(1);
  DIR* dir = ::opendir("/dev/shm");
  if (dir == nullptr) return 0;
  int removed = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (absl::StartsWith(entry->d_name, prefix) &&
        ::shm_unlink(absl::StrCat("/", entry->d_name).c_str()) == 0) {
      ++removed;
    }
  }
  ::closedir(dir);
  return removed;
}

absl::Status RunWorkerRequest(const v1::WorkerRequest& request, int event_fd, int ack_fd) {
  absl::Status status = RunAll(request, event_fd, ack_fd);
  v1::WorkerEvent last;
  if (status.ok()) {
    last.set_done(true);
  } else {
    last.mutable_error()->set_code(static_cast<int>(status.code()));
    last.mutable_error()->set_message(std::string(status.message()));
  }
  absl::Status written = WriteEvent(event_fd, last);
  return status.ok() ? written : status;
}

int WorkerMain(int request_fd, int event_fd) {
  v1::WorkerRequest request;
  google::protobuf::io::FileInputStream input(request_fd);
  bool clean_eof = false;
  if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&request, &input, &clean_eof)) {
    std::fprintf(stderr, "ipclab-worker: %s\n",
                 clean_eof ? "no request on stdin" : "malformed request on stdin");
    return 2;
  }
  const absl::Status status = RunWorkerRequest(request, event_fd, request_fd);
  if (!status.ok()) {
    std::fprintf(stderr, "ipclab-worker: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace ipclab::workloads
