#include "client/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "results/model/run_defaults.h"

namespace ipclab::client {
namespace {

// Case names list every parameter that varies (or every one, when nothing
// does); on an 80-column terminal the repetition and phase must stay visible.
constexpr size_t kMaxCaseNameChars = 36;

std::string AbbreviatedCaseName(const std::string& name) {
  if (name.size() <= kMaxCaseNameChars) return name;
  return name.substr(0, kMaxCaseNameChars - 3) + "...";
}

}  // namespace

RunProgress::RunProgress(const v1::RunRequest& request)
    : repetitions_(results::EffectiveRepetitions(request)),
      warmup_(results::EffectiveWarmup(request)) {}

void RunProgress::Apply(const v1::RunEvent& event) {
  switch (event.event_case()) {
    case v1::RunEvent::kAccepted:
      queue_position_ = event.accepted().queue_position();
      break;
    case v1::RunEvent::kStarted:
      started_ = true;
      queue_position_ = 0;
      case_names_.clear();
      for (const v1::Case& c : event.started().cases()) case_names_.push_back(c.name());
      break;
    case v1::RunEvent::kProgress:
      have_progress_ = true;
      progress_ = event.progress();
      queue_position_ = progress_.queue_position();
      break;
    default:
      break;
  }
}

std::optional<double> RunProgress::Fraction() const {
  if (!have_progress_) return std::nullopt;
  if (progress_.total_repetitions() > 0) {
    // The server's count: with rounds, cases take turns.
    return std::clamp(static_cast<double>(progress_.done_repetitions()) /
                          static_cast<double>(progress_.total_repetitions()),
                      0.0, 1.0);
  }
  const uint32_t case_count = progress_.case_count() != 0
                                  ? progress_.case_count()
                                  : static_cast<uint32_t>(case_names_.size());
  const double per_case = static_cast<double>(repetitions_) + warmup_;
  if (case_count == 0 || per_case <= 0) return std::nullopt;
  const double in_case =
      progress_.warmup() ? progress_.repetition() : warmup_ + progress_.repetition();
  const double done = progress_.case_index() * per_case + in_case;
  return std::clamp(done / (case_count * per_case), 0.0, 1.0);
}

std::string RunProgress::Text() const {
  if (!started_ && !have_progress_) {
    return queue_position_ > 0 ? absl::StrCat("queued: position ", queue_position_)
                               : std::string("submitted");
  }
  if (!have_progress_) return "started";
  const uint32_t case_count = progress_.case_count() != 0
                                  ? progress_.case_count()
                                  : static_cast<uint32_t>(case_names_.size());
  std::string text = absl::StrCat("[case ", progress_.case_index() + 1, "/", case_count);
  if (progress_.case_index() < case_names_.size() && !case_names_[progress_.case_index()].empty()) {
    absl::StrAppend(&text, " ", AbbreviatedCaseName(case_names_[progress_.case_index()]));
  }
  absl::StrAppend(&text, "] ");
  if (progress_.warmup()) {
    absl::StrAppend(&text, "warmup ", progress_.repetition() + 1, "/", warmup_);
  } else {
    absl::StrAppend(&text, "rep ", progress_.repetition() + 1, "/", repetitions_);
  }
  if (!progress_.phase().empty()) absl::StrAppend(&text, " ", progress_.phase());
  if (queue_position_ > 0) absl::StrAppend(&text, "   queued: position ", queue_position_);
  if (!progress_.waiting().empty()) absl::StrAppend(&text, "   waiting: ", progress_.waiting());
  return text;
}

namespace {

std::string ClockText(absl::Duration duration) {
  const int64_t seconds = std::max<int64_t>(0, absl::ToInt64Seconds(duration));
  if (seconds >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return absl::StrFormat("%d:%02d", seconds / 60, seconds % 60);
}

}  // namespace

std::string ProgressBarText(double fraction, absl::Duration elapsed, size_t bar_width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const size_t filled = static_cast<size_t>(fraction * static_cast<double>(bar_width) + 1e-9);
  std::string text = absl::StrCat(
      "[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "] ",
      absl::StrFormat("%3.0f%%", std::floor(fraction * 100)), "  ", ClockText(elapsed), " elapsed");
  if (fraction >= 0.02 && fraction < 1.0) {
    absl::StrAppend(&text, ", ETA ", ClockText(elapsed * ((1.0 - fraction) / fraction)));
  }
  return text;
}

ProgressLine::ProgressLine(std::ostream* out, bool enabled, size_t width,
                           std::vector<std::string> slot_labels)
    : out_(out),
      enabled_(enabled),
      width_(width),
      labels_(std::move(slot_labels)),
      start_(absl::Now()),
      texts_(labels_.size()),
      fractions_(labels_.size()) {}

void ProgressLine::Update(size_t slot, std::string text, std::optional<double> fraction) {
  if (!enabled_) return;
  absl::MutexLock lock(&mu_);
  if (slot >= texts_.size()) return;
  texts_[slot] = std::move(text);
  if (fraction.has_value()) fractions_[slot] = fraction;
  DrawLocked();
}

void ProgressLine::Clear() {
  if (!enabled_) return;
  absl::MutexLock lock(&mu_);
  if (!drawn_) return;
  *out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

void ProgressLine::DrawLocked() {
  std::string line;
  double done = 0;
  bool any_fraction = false;
  for (const std::optional<double>& fraction : fractions_) {
    any_fraction |= fraction.has_value();
    done += fraction.value_or(0.0);
  }
  if (any_fraction) {
    // Every slot's share counts the same: hosts run the same requests.
    line = ProgressBarText(done / static_cast<double>(fractions_.size()), absl::Now() - start_);
    line += "  ";
  }
  const size_t prefix = line.size();
  for (size_t i = 0; i < texts_.size(); ++i) {
    if (texts_[i].empty()) continue;
    if (line.size() > prefix) line += " | ";
    if (labels_.size() > 1) absl::StrAppend(&line, labels_[i], ": ");
    line += texts_[i];
  }
  // Cut to the terminal (counted in code points: no wide glyphs here).
  if (width_ > 1 && line.size() > width_ - 1) line.resize(width_ - 1);
  // "\r" returns to column 0, ESC[K erases what a longer previous line left.
  *out_ << "\r" << line << "\x1b[K" << std::flush;
  drawn_ = true;
}

bool ProgressWanted(bool quiet) { return !quiet && isatty(STDERR_FILENO) == 1; }

size_t TableWidth() {
  constexpr size_t kTableWidth = 100;
  struct winsize size {};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    return std::clamp<size_t>(size.ws_col, 60, kTableWidth);
  }
  return kTableWidth;
}

size_t TerminalWidth() {
  struct winsize size {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace ipclab::client
