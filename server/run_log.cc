#include "server/run_log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ipclab::server {
namespace {

// At most kMaxLoggedText bytes, one line.
std::string Bounded(absl::string_view text) {
  std::string bounded(text.substr(0, kMaxLoggedText));
  for (char& c : bounded) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() > kMaxLoggedText) bounded += "...";
  return bounded.empty() ? "-" : bounded;
}

}  // namespace

std::string FormatRunLogLine(absl::string_view run_id, absl::string_view peer,
                             absl::string_view workload, size_t cases, absl::string_view outcome,
                             absl::Duration duration) {
  return absl::StrFormat("ipclabd: run %s client %s workload %s cases %d outcome %s duration %.3fs",
                         run_id.empty() ? "-" : std::string(run_id), Bounded(peer),
                         Bounded(workload), cases, Bounded(outcome),
                         absl::ToDoubleSeconds(duration));
}

void LogRun(absl::string_view run_id, absl::string_view peer, absl::string_view workload,
            size_t cases, absl::string_view outcome, absl::Duration duration) {
  const std::string line =
      FormatRunLogLine(run_id, peer, workload, cases, outcome, duration) + "\n";
  // One write, so lines of concurrent runs do not interleave.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

void RunRecord::Observe(const v1::RunEvent& event) {
  if (event.has_accepted()) run_id_ = event.accepted().run_id();
  if (event.has_started()) cases_ = static_cast<size_t>(event.started().cases_size());
  if (event.has_finished() && !outcome_fixed_) {
    outcome_ = v1::RunStatus_Name(event.finished().status());
    if (!event.finished().error().empty())
      absl::StrAppend(&outcome_, " (", event.finished().error(), ")");
  }
}

void RunRecord::SetOutcome(const absl::Status& status) {
  if (outcome_fixed_) return;
  outcome_fixed_ = true;
  outcome_ = absl::StrCat(absl::StatusCodeToString(status.code()), " (", status.message(), ")");
}

void RunRecord::Log() {
  if (!enabled_ || logged_) return;
  logged_ = true;
  LogRun(run_id_, peer_, workload_, cases_, outcome_, absl::Now() - start_);
}

}  // namespace ipclab::server
