// Test-only (ipclab_subprocess_testing): run the real binaries as child
// processes (posix_spawn), capture their output, and keep an `ipclabd` on a
// loopback port for the length of a test. Nothing here outlives its object:
// children are killed and reaped, temporary directories removed.
#ifndef IPCLAB_TESTS_TESTING_SUBPROCESS_H_
#define IPCLAB_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ipclab::testing {

// The directory of the built executables: $IPCLAB_BIN_DIR (set by
// ipclab_add_test), or "" if unset.
std::string BinDir();

// BinDir() + "/" + name, or "" if IPCLAB_BIN_DIR is unset.
std::string BinaryPath(const std::string& name);

struct ProcessResult {
  int exit_code = -1;   // the exit status, or 128 + signal number
  int wait_status = 0;  // as waitpid() returned it
  bool timed_out = false;
  std::string out;
  std::string err;
};

// The environment of this process with `overrides` applied.
std::vector<std::string> EnvironmentWith(const std::map<std::string, std::string>& overrides);

// Where a child's stderr goes.
enum class StderrMode {
  kCapture,     // its own pipe: ProcessResult::err
  kInherit,     // this process's stderr (a long-lived server whose log nobody drains)
  kIntoStdout,  // the stdout pipe, interleaved as written
};

struct SpawnOptions {
  SpawnOptions() = default;
  explicit SpawnOptions(StderrMode mode) : stderr_mode(mode) {}

  StderrMode stderr_mode = StderrMode::kCapture;
  int stdin_fd = -1;  // the child's stdin; -1: /dev/null
  // (fd in this process, fd in the child): further descriptors the child
  // gets, e.g. a worker's event pipe on fd 3.
  std::vector<std::pair<int, int>> fds;
};

// A child process with stdout (and stderr) captured through pipes.
class Subprocess final {
 public:
  // Spawns argv[0] (a path) with `environment` ("NAME=value" entries). On
  // failure pid() is -1 and error() says why.
  Subprocess(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
             const SpawnOptions& options = {});
  // Kills (SIGKILL) and reaps the child if it still runs.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& error() const { return error_; }

  // Reads stdout until it holds a line containing `text` or `timeout`
  // passes; returns that line ("" on timeout or EOF). Data after the line
  // stays buffered for Wait().
  std::string ReadLineContaining(const std::string& text, std::chrono::milliseconds timeout);

  void Signal(int signo);

  // Collects the remaining output and waits for the exit; after `timeout`
  // the child is killed and timed_out is set.
  ProcessResult Wait(std::chrono::milliseconds timeout);

 private:
  // Reads what is available on both pipes, waiting up to `timeout`; false
  // once both are at EOF.
  bool Pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  size_t out_consumed_ = 0;  // bytes of out_ returned by ReadLineContaining
  std::string error_;
  bool reaped_ = false;
};

// Runs a command to completion (see Subprocess::Wait).
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& environment,
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A fresh directory under $TMPDIR (or /tmp), removed with its contents by
// the destructor.
class TempDir final {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago and has no listener.
int ClosedLoopbackPort();

}  // namespace ipclab::testing

#endif  // IPCLAB_TESTS_TESTING_SUBPROCESS_H_
