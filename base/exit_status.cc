#include "base/exit_status.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace ipclab::base {

std::string DescribeSignal(int signal_number) {
  const char* abbrev = ::sigabbrev_np(signal_number);
  const char* description = ::strsignal(signal_number);
  return absl::StrCat("signal ", signal_number, " (", abbrev ? "SIG" : "", abbrev ? abbrev : "?",
                      ": ", description ? description : "unknown signal", ")");
}

std::string ExitInfo::Describe() const {
  if (!signaled) return absl::StrCat("exited with status ", code);
  return absl::StrCat("killed by ", DescribeSignal(signal));
}

ExitInfo ExitInfoFromWaitStatus(int wait_status) {
  ExitInfo info;
  if (WIFSIGNALED(wait_status)) {
    info.signaled = true;
    info.signal = WTERMSIG(wait_status);
  } else {
    info.code = WEXITSTATUS(wait_status);
  }
  return info;
}

}  // namespace ipclab::base
