// How a process ended, in words: shared by the worker's roles and the
// server's worker launcher.
#ifndef IPCLAB_BASE_EXIT_STATUS_H_
#define IPCLAB_BASE_EXIT_STATUS_H_

#include <string>

namespace ipclab::base {

// "signal 11 (SIGSEGV: Segmentation fault)".
std::string DescribeSignal(int signal_number);

// How a process ended.
struct ExitInfo {
  bool signaled = false;
  int code = 0;    // exit status when !signaled
  int signal = 0;  // terminating signal when signaled
  bool ok() const { return !signaled && code == 0; }
  // "exited with status 3", "killed by signal 11 (SIGSEGV: Segmentation fault)"
  std::string Describe() const;
};

// From a waitpid() status.
ExitInfo ExitInfoFromWaitStatus(int wait_status);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_EXIT_STATUS_H_
