#include "server/worker_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/errno_status.h"
#include "base/exit_status.h"
#include "base/posix_call.h"
#include "base/status_macros.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "workloads/leftovers.h"
#include "workloads/scratch_files.h"
#include "workloads/worker.h"

extern char** environ;

namespace ipclab::server {
namespace {

// Pipe fds are kept above the standard ones and fd 3, so the spawn's dup2
// calls can never overwrite a source fd.
constexpr int kMinPipeFd = workloads::kWorkerEventFd + 1;

// Moves `fd` to a close-on-exec descriptor >= kMinPipeFd.
absl::StatusOr<base::Fd> RaiseFd(base::Fd fd) {
  if (fd.get() >= kMinPipeFd) return fd;
  const int raised = fcntl(fd.get(), F_DUPFD_CLOEXEC, kMinPipeFd);
  if (raised < 0) return base::ErrnoStatus("fcntl(F_DUPFD_CLOEXEC)", errno);
  return base::Fd(raised);
}

// A close-on-exec pipe whose ends are both >= kMinPipeFd.
absl::StatusOr<base::Pipe> MakeRaisedPipe() {
  IPCLAB_ASSIGN_OR_RETURN(base::Pipe pipe, base::MakePipe());
  IPCLAB_ASSIGN_OR_RETURN(pipe.read_end, RaiseFd(std::move(pipe.read_end)));
  IPCLAB_ASSIGN_OR_RETURN(pipe.write_end, RaiseFd(std::move(pipe.write_end)));
  return pipe;
}

// posix_spawn attributes: own process group, default signal handling and an
// empty signal mask (the server blocks SIGTERM/SIGINT for its signalfd, and
// masks and ignored dispositions survive exec).
class SpawnAttributes final {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnAttributes() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&actions_);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;

  absl::Status Configure(int stdin_fd, int event_fd, int stderr_fd) {
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig :
         {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGXFSZ}) {
      sigaddset(&defaults, sig);
    }
    int error = posix_spawnattr_setflags(
        &attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (error == 0) error = posix_spawnattr_setpgroup(&attr_, 0);
    if (error == 0) error = posix_spawnattr_setsigmask(&attr_, &empty);
    if (error == 0) error = posix_spawnattr_setsigdefault(&attr_, &defaults);
    if (error == 0) error = posix_spawn_file_actions_adddup2(&actions_, stdin_fd, STDIN_FILENO);
    if (error == 0) {
      error = posix_spawn_file_actions_addopen(&actions_, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    }
    if (error == 0) error = posix_spawn_file_actions_adddup2(&actions_, stderr_fd, STDERR_FILENO);
    if (error == 0) {
      error = posix_spawn_file_actions_adddup2(&actions_, event_fd, workloads::kWorkerEventFd);
    }
    if (error != 0) return base::ErrnoStatus("posix_spawn attributes", error);
    return absl::OkStatus();
  }

  const posix_spawnattr_t* attr() const { return &attr_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerProcess>> WorkerProcess::Spawn(
    const std::string& worker_path, const v1::WorkerRequest& request) {
  if (access(worker_path.c_str(), X_OK) != 0) {
    const int error = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("worker executable ", worker_path, " is not usable (",
                     base::ErrnoMessage(absl::StrCat("access(\"", worker_path, "\", X_OK)"), error),
                     "); install ipclab-worker beside the server or pass --worker"));
  }
  std::string request_bytes;
  {
    google::protobuf::io::StringOutputStream out(&request_bytes);
    if (!google::protobuf::util::SerializeDelimitedToZeroCopyStream(request, &out)) {
      return absl::InternalError("cannot serialize the worker request");
    }
  }

  IPCLAB_ASSIGN_OR_RETURN(base::Pipe stdin_pipe, MakeRaisedPipe());
  IPCLAB_ASSIGN_OR_RETURN(base::Pipe event_pipe, MakeRaisedPipe());
  IPCLAB_ASSIGN_OR_RETURN(base::Pipe stderr_pipe, MakeRaisedPipe());

  // The whole request goes into the pipe before the worker exists, so a
  // worker that dies early cannot raise SIGPIPE here.
  if (request_bytes.size() > 65536 &&
      fcntl(stdin_pipe.write_end.get(), F_SETPIPE_SZ, static_cast<int>(request_bytes.size())) < 0) {
    return base::ErrnoStatus("fcntl(F_SETPIPE_SZ) for the worker request", errno);
  }
  IPCLAB_RETURN_IF_ERROR(base::WriteAll(stdin_pipe.write_end.get(), request_bytes));
  // With ack_repetitions the write end stays open for the acks; otherwise
  // the worker sees end of file after the request.
  if (!request.ack_repetitions()) stdin_pipe.write_end.Reset();

  SpawnAttributes spawn;
  IPCLAB_RETURN_IF_ERROR(spawn.Configure(stdin_pipe.read_end.get(), event_pipe.write_end.get(),
                                         stderr_pipe.write_end.get()));
  char* argv[] = {const_cast<char*>(worker_path.c_str()), nullptr};
  pid_t pid = -1;
  int error = posix_spawn(&pid, worker_path.c_str(), spawn.actions(), spawn.attr(), argv, environ);
  if (error != 0) return base::ErrnoStatus(absl::StrCat("posix_spawn(", worker_path, ")"), error);

  // pidfd lets the reader notice the worker's death even while roles it
  // forked still hold fd 3 open. Kernels before 5.3 fall back to EOF.
  int pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto worker = std::unique_ptr<WorkerProcess>(
      new WorkerProcess(pid, std::move(event_pipe.read_end), std::move(stderr_pipe.read_end),
                        base::Fd(pid_fd), std::move(stdin_pipe.write_end)));
  workloads::RunContext context;
  context.scratch_tmpfs = request.scratch_tmpfs();
  context.scratch_disk = request.scratch_disk();
  for (const char* location : {"tmpfs", "disk"}) {
    worker->scratch_dirs_.push_back(workloads::ScratchDirectory(context, location));
  }
  worker->owner_ = workloads::OwnerMark::FromProto(request);
  return worker;
}

void WorkerProcess::RemoveLeftovers() {
  removed_ = workloads::RemoveRunLeftovers(owner_, pid_, scratch_dirs_);
}

WorkerProcess::WorkerProcess(pid_t pid, base::Fd event_fd, base::Fd stderr_fd, base::Fd pid_fd,
                             base::Fd ack_fd)
    : pid_(pid),
      event_fd_(std::move(event_fd)),
      stderr_fd_(std::move(stderr_fd)),
      pid_fd_(std::move(pid_fd)),
      ack_fd_(std::move(ack_fd)) {}

void WorkerProcess::Ack() {
  if (!ack_fd_.valid()) return;
  // SIGPIPE blocked on this thread for the write: a dead worker gives EPIPE
  // (the pending signal is then consumed), never a process-wide signal.
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  const char ack = 'A';
  const ssize_t n = base::RetryOnEintr([&] { return ::write(ack_fd_.get(), &ack, 1); });
  if (n < 0 && errno == EPIPE) {
    const timespec zero{0, 0};
    base::RetryOnEintr([&] { return sigtimedwait(&pipe_only, nullptr, &zero); });
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (n != 1) ack_fd_.Reset();
}

WorkerProcess::~WorkerProcess() {
  bool reaped;
  {
    absl::MutexLock lock(&mutex_);
    reaped = reaped_;
  }
  if (!reaped) {
    Kill();
    Wait().IgnoreError();
  }
}

void WorkerProcess::Kill() {
  absl::MutexLock lock(&mutex_);
  if (reaped_) return;
  killed_ = true;
  kill(-pid_, SIGKILL);
}

void WorkerProcess::KillGroup() {
  absl::MutexLock lock(&mutex_);
  // Until the leader is reaped its pid cannot be reused, so -pid_ is ours.
  if (!reaped_) kill(-pid_, SIGKILL);
}

absl::StatusOr<std::optional<v1::WorkerEvent>> WorkerProcess::NextEvent() {
  for (;;) {
    absl::StatusOr<std::optional<v1::WorkerEvent>> event = decoder_.Next();
    if (!event.ok()) {
      KillGroup();  // not Kill(): the failure is the worker's, not a cancellation
      return event.status();
    }
    if (event->has_value()) {
      const v1::WorkerEvent& worker_event = **event;
      if (worker_event.has_done()) saw_done_ = true;
      if (worker_event.has_error() && !reported_error_.has_value()) {
        reported_error_ = WorkerErrorStatus(worker_event.error());
      }
      return event;
    }
    if (!event_fd_.valid()) {
      if (decoder_.pending_bytes() > 0) {
        decoder_.Clear();
        return absl::InternalError("worker event stream ended inside an event");
      }
      return std::nullopt;
    }
    PollOnce();
  }
}

bool WorkerProcess::PollOnce() {
  pollfd fds[3];
  int count = 0;
  for (const base::Fd* fd : {&event_fd_, &stderr_fd_, &pid_fd_}) {
    if (fd->valid()) fds[count++] = pollfd{fd->get(), POLLIN, 0};
  }
  if (count == 0) return false;
  // On failure the caller polls again.
  if (base::RetryOnEintr([&] { return poll(fds, static_cast<nfds_t>(count), -1); }) < 0) {
    return true;
  }
  for (int i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    if (fds[i].fd == pid_fd_.get()) {
      // The worker exited: kill roles it may have left running so that
      // every write end of our pipes closes.
      KillGroup();
      pid_fd_.Reset();
    } else if (fds[i].fd == stderr_fd_.get()) {
      ReadStderr();
    } else if (fds[i].fd == event_fd_.get()) {
      char chunk[65536];
      const ssize_t n =
          base::RetryOnEintr([&] { return read(event_fd_.get(), chunk, sizeof(chunk)); });
      if (n > 0) {
        decoder_.Append(absl::string_view(chunk, static_cast<size_t>(n)));
      } else if (n == 0 || errno != EAGAIN) {
        event_fd_.Reset();
      }
    }
  }
  return true;
}

void WorkerProcess::ReadStderr() {
  char chunk[kStderrTailBytes];
  const ssize_t n =
      base::RetryOnEintr([&] { return read(stderr_fd_.get(), chunk, sizeof(chunk)); });
  if (n > 0) {
    stderr_tail_.append(chunk, static_cast<size_t>(n));
    if (stderr_tail_.size() > kStderrTailBytes) {
      stderr_tail_.erase(0, stderr_tail_.size() - kStderrTailBytes);
    }
  } else if (n == 0 || errno != EAGAIN) {
    stderr_fd_.Reset();
  }
}

void WorkerProcess::AwaitExit() {
  // Drain both pipes so the worker never blocks writing to them; unread
  // events are dropped.
  while (PollOnce()) decoder_.Clear();
  siginfo_t info;
  base::RetryOnEintr(
      [&] { return waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT); });
}

absl::Status WorkerProcess::Wait() {
  {
    absl::MutexLock lock(&mutex_);
    if (reaped_) return absl::FailedPreconditionError("worker already waited for");
  }
  AwaitExit();
  int wait_status = 0;
  {
    absl::MutexLock lock(&mutex_);
    kill(-pid_, SIGKILL);  // stragglers of the group; the zombie keeps the pgid ours
    base::RetryOnEintr([&] { return waitpid(pid_, &wait_status, 0); });
    reaped_ = true;
  }
  ack_fd_.Reset();
  RemoveLeftovers();
  return ExitStatus(wait_status);
}

absl::Status WorkerProcess::ExitStatus(int wait_status) const {
  bool killed;
  {
    absl::MutexLock lock(&mutex_);
    killed = killed_;
  }
  const absl::string_view tail = absl::StripAsciiWhitespace(stderr_tail_);
  const std::string stderr_note = tail.empty() ? "" : absl::StrCat("; stderr: ", tail);
  if (WIFSIGNALED(wait_status)) {
    if (killed) return absl::CancelledError("worker cancelled");
    return absl::InternalError(absl::StrCat(
        "worker killed by ", base::DescribeSignal(WTERMSIG(wait_status)), stderr_note));
  }
  const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (code == 0 && saw_done_) return absl::OkStatus();
  if (reported_error_.has_value()) return *reported_error_;
  if (killed) return absl::CancelledError("worker cancelled");
  if (code == 0) {
    return absl::InternalError("worker exited without reporting a result" + stderr_note);
  }
  return absl::InternalError(absl::StrCat("worker exited with status ", code, stderr_note));
}

}  // namespace ipclab::server
