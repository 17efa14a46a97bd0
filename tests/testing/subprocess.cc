#include "tests/testing/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "base/posix_call.h"

extern char** environ;

namespace ipclab::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

void CloseIfOpen(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

std::string BinDir() {
  const char* dir = getenv("IPCLAB_BIN_DIR");
  return dir != nullptr ? dir : "";
}

std::string BinaryPath(const std::string& name) {
  const std::string dir = BinDir();
  return dir.empty() ? "" : dir + "/" + name;
}

std::vector<std::string> EnvironmentWith(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    if (overrides.count(name) == 0) environment.push_back(text);
  }
  for (const auto& [name, value] : overrides) environment.push_back(name + "=" + value);
  return environment;
}

Subprocess::Subprocess(const std::vector<std::string>& argv,
                       const std::vector<std::string>& environment, const SpawnOptions& options) {
  const bool capture_stderr = options.stderr_mode == StderrMode::kCapture;
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || (capture_stderr && pipe2(err_pipe, O_CLOEXEC) != 0)) {
    error_ = std::string("pipe2: ") + strerror(errno);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      if (fd >= 0) close(fd);
    }
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, options.stdin_fd, STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  if (capture_stderr) posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  if (options.stderr_mode == StderrMode::kIntoStdout) {
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDERR_FILENO);
  }
  for (const auto& [parent_fd, child_fd] : options.fds) {
    posix_spawn_file_actions_adddup2(&actions, parent_fd, child_fd);
  }

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (const std::string& entry : environment) env.push_back(const_cast<char*>(entry.c_str()));
  env.push_back(nullptr);

  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (capture_stderr) close(err_pipe[1]);
  if (spawn_error != 0) {
    error_ = "posix_spawn(" + argv[0] + "): " + strerror(spawn_error);
    close(out_pipe[0]);
    if (capture_stderr) close(err_pipe[0]);
    return;
  }
  pid_ = pid;
  out_fd_ = out_pipe[0];
  err_fd_ = capture_stderr ? err_pipe[0] : -1;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    int status = 0;
    base::RetryOnEintr([&] { return waitpid(pid_, &status, 0); });
  }
  CloseIfOpen(&out_fd_);
  CloseIfOpen(&err_fd_);
}

bool Subprocess::Pump(std::chrono::milliseconds timeout) {
  pollfd fds[2];
  int count = 0;
  for (int fd : {out_fd_, err_fd_}) {
    if (fd >= 0) fds[count++] = pollfd{fd, POLLIN, 0};
  }
  if (count == 0) return false;
  const int ready = poll(fds, count, static_cast<int>(timeout.count()));
  if (ready <= 0) return true;
  for (int i = 0; i < count; ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char buffer[16384];
    const ssize_t n = base::RetryOnEintr([&] { return read(fds[i].fd, buffer, sizeof(buffer)); });
    const bool is_out = fds[i].fd == out_fd_;
    if (n <= 0) {
      CloseIfOpen(is_out ? &out_fd_ : &err_fd_);
      continue;
    }
    (is_out ? out_ : err_).append(buffer, static_cast<size_t>(n));
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

std::string Subprocess::ReadLineContaining(const std::string& text,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (size_t newline = out_.find('\n', out_consumed_); newline != std::string::npos;
         newline = out_.find('\n', out_consumed_)) {
      std::string line = out_.substr(out_consumed_, newline - out_consumed_);
      out_consumed_ = newline + 1;
      if (line.find(text) != std::string::npos) return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || out_fd_ < 0) return "";
    Pump(left);
  }
}

void Subprocess::Signal(int signo) {
  if (pid_ > 0 && !reaped_) kill(pid_, signo);
}

ProcessResult Subprocess::Wait(std::chrono::milliseconds timeout) {
  ProcessResult result;
  if (pid_ <= 0) {
    result.err = error_;
    return result;
  }
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid_, SIGKILL);
      base::RetryOnEintr([&] { return waitpid(pid_, &status, 0); });
      break;
    }
    // Drain the pipes first so a chatty child never blocks on a full pipe.
    const bool open = Pump(std::min(left, std::chrono::milliseconds(50)));
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      // What is still in the pipes; a grandchild holding them open must not
      // make us wait past the deadline.
      while (Clock::now() < deadline && Pump(std::chrono::milliseconds(100))) {
      }
      break;
    }
    if (!open && done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reaped_ = true;
  result.exit_code = ExitCodeOf(status);
  result.wait_status = status;
  result.out = out_.substr(out_consumed_);
  result.err = err_;
  return result;
}

ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& environment,
                         std::chrono::milliseconds timeout) {
  Subprocess process(argv, environment);
  return process.Wait(timeout);
}

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ipclab-it-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);  // bound but never listening, now closed: connections are refused
  return port;
}

}  // namespace ipclab::testing
