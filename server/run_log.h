// One line per run on the server's stderr, for operators:
//   ipclabd: run 3f2a9c0d1e2b4f56 client ipv4:10.0.0.7:51234 workload pipe cases 3
//   outcome SUCCEEDED duration 1.234s
#ifndef IPCLAB_SERVER_RUN_LOG_H_
#define IPCLAB_SERVER_RUN_LOG_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::server {

// Longest piece of client-supplied text (workload name, error) a log line
// quotes.
inline constexpr size_t kMaxLoggedText = 200;

// Formats the line (without newline); values are cut to kMaxLoggedText.
std::string FormatRunLogLine(absl::string_view run_id, absl::string_view peer,
                             absl::string_view workload, size_t cases, absl::string_view outcome,
                             absl::Duration duration);

// Writes FormatRunLogLine(...) and a newline to stderr in one write.
void LogRun(absl::string_view run_id, absl::string_view peer, absl::string_view workload,
            size_t cases, absl::string_view outcome, absl::Duration duration);

// What one Run stream learns about its run, logged once when it closes.
// Not thread-safe (the stream's lock guards it).
class RunRecord final {
 public:
  RunRecord(bool enabled, std::string peer, std::string workload)
      : enabled_(enabled),
        peer_(std::move(peer)),
        workload_(std::move(workload)),
        start_(absl::Now()) {}
  // Picks the run id, case count and outcome out of the stream's events.
  void Observe(const v1::RunEvent& event);
  // An outcome that overrides the run's (a refusal, a stalled client).
  void SetOutcome(const absl::Status& status);
  // Writes the line, once.
  void Log();

 private:
  bool enabled_;
  std::string peer_;
  std::string workload_;
  absl::Time start_;
  std::string run_id_;
  size_t cases_ = 0;
  std::string outcome_ = "UNKNOWN";
  bool outcome_fixed_ = false;
  bool logged_ = false;
};

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_RUN_LOG_H_
