// Progress of running runs, shown on a terminal as one line that rewrites
// itself ("\r[######------]  42%  0:31 elapsed, ETA 0:43  [case 2/4
// message_size=64KiB] rep 3/5 steady") and is cleared when the runs end. Nothing is written when
// the line is disabled (stderr is not a terminal, or --quiet), so scripts see only results and
// errors.
#ifndef IPCLAB_CLIENT_PROGRESS_H_
#define IPCLAB_CLIENT_PROGRESS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::client {

// Where one run stands, from its event stream. Pure; not thread-safe.
class RunProgress final {
 public:
  // `request` supplies the repetition and warm-up counts shown as "rep 3/5".
  explicit RunProgress(const v1::RunRequest& request);

  void Apply(const v1::RunEvent& event);

  // One line without a newline, e.g.
  //   "[case 2/4 message_size=64KiB] rep 3/5 steady"
  //   "[case 1/1] warmup 1/1 setup"
  //   "queued: position 2"
  // Case names longer than 36 characters are cut and end in "...".
  std::string Text() const;

  // The share of the run's repetitions (warm-ups included, over all cases)
  // that have finished, 0..1; nullopt before the first progress event.
  std::optional<double> Fraction() const;

 private:
  uint32_t repetitions_;
  uint32_t warmup_;
  std::vector<std::string> case_names_;
  bool started_ = false;
  bool have_progress_ = false;
  v1::Progress progress_;
  uint32_t queue_position_ = 0;
};

// The single updating stderr line for one or more concurrent runs, one slot
// per server ("127.0.0.1:7557: [case 1/2] rep 2/5 steady | embedded: ...").
// Thread-safe: each run's thread updates its own slot.
class ProgressLine final {
 public:
  // `out` must outlive this object. `width` is the terminal width; the line
  // is cut to width - 1 so it never wraps (a wrapped line cannot be redrawn).
  ProgressLine(std::ostream* out, bool enabled, size_t width, std::vector<std::string> slot_labels);
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }

  // Sets slot `slot`'s text (and, if given, the share of its work done,
  // 0..1) and redraws the line. With any share known, the line starts with
  // a bar, the percentage over all slots, the elapsed time and an estimate
  // of the time left.
  void Update(size_t slot, std::string text, std::optional<double> fraction = std::nullopt);

  // Erases the line (if anything was drawn). Idempotent.
  void Clear();

 private:
  void DrawLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::ostream* const out_;
  const bool enabled_;
  const size_t width_;
  const std::vector<std::string> labels_;
  const absl::Time start_;
  absl::Mutex mu_;
  std::vector<std::string> texts_ ABSL_GUARDED_BY(mu_);
  std::vector<std::optional<double>> fractions_ ABSL_GUARDED_BY(mu_);
  bool drawn_ ABSL_GUARDED_BY(mu_) = false;
};

// "[#######-------]  42%  0:31 elapsed, ETA 0:43": a bar of `bar_width`
// cells for `fraction` (clamped to 0..1) of the work after `elapsed`; the
// estimate assumes the rest goes at the pace so far and is left out below
// 2% done. Times print as M:SS, or H:MM:SS from an hour.
std::string ProgressBarText(double fraction, absl::Duration elapsed, size_t bar_width = 20);

// Whether progress should be drawn: stderr is a terminal and not --quiet.
bool ProgressWanted(bool quiet);

// The width of the terminal on stderr, or 80 if unknown.
size_t TerminalWidth();

// How wide tables on stdout may be: 100 columns, or the width of the
// terminal stdout is when that is narrower (but at least 60).
size_t TableWidth();

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_PROGRESS_H_
