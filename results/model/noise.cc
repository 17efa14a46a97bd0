#include "results/model/noise.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "results/format/format.h"

namespace ipclab::results {
namespace {

uint32_t MeasuredCount(const v1::CaseResult& result) {
  return static_cast<uint32_t>(
      std::count_if(result.repetitions().begin(), result.repetitions().end(),
                    [](const v1::RepetitionResult& repetition) { return !repetition.warmup(); }));
}

}  // namespace

uint32_t DisturbedCount(const v1::CaseResult& result) {
  if (result.disturbed_repetitions() > 0) return result.disturbed_repetitions();
  return static_cast<uint32_t>(
      std::count_if(result.repetitions().begin(), result.repetitions().end(),
                    [](const v1::RepetitionResult& repetition) {
                      return !repetition.warmup() && repetition.interference().disturbed();
                    }));
}

bool IsDisturbed(const v1::RepetitionResult& repetition) {
  if (repetition.warmup()) return false;
  auto it = repetition.notes().find("disturbed");
  return (it != repetition.notes().end() && it->second == "true") ||
         repetition.interference().disturbed();
}

v1::CaseResult WithoutDisturbed(const v1::CaseResult& result) {
  v1::CaseResult clean = result;
  clean.clear_repetitions();
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    if (!IsDisturbed(repetition)) *clean.add_repetitions() = repetition;
  }
  clean.set_disturbed_repetitions(0);
  return clean;
}

double DisturbedShare(const v1::CaseResult& result) {
  const uint32_t measured = std::max(MeasuredCount(result), result.disturbed_repetitions());
  if (measured == 0) return 0.0;
  return static_cast<double>(DisturbedCount(result)) / static_cast<double>(measured);
}

std::string DisturbedText(const v1::CaseResult& result) {
  const uint32_t disturbed = DisturbedCount(result);
  if (disturbed == 0) return "";
  const uint32_t measured = std::max(MeasuredCount(result), disturbed);
  std::string text = absl::StrCat(disturbed, " of ", measured, " repetition",
                                  measured == 1 ? "" : "s", " disturbed");
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    if (repetition.warmup() || !repetition.interference().disturbed()) continue;
    if (!repetition.interference().reason().empty()) {
      absl::StrAppend(&text, ": ", repetition.interference().reason());
    }
    break;
  }
  return text;
}

std::vector<std::string> SkewTexts(const v1::CaseResult& result) {
  // Setup and teardown are said only in the result (PhaseResult.skewed):
  // their roles do not work together, so a late start there skews no rate.
  // phase -> (skewed repetitions, max skew), in first-seen order.
  std::vector<std::pair<std::string, std::pair<uint32_t, int64_t>>> phases;
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    if (repetition.warmup()) continue;
    for (const v1::PhaseResult& phase : repetition.phases()) {
      if (!phase.skewed() || phase.name() == "setup" || phase.name() == "teardown") continue;
      auto it = std::find_if(phases.begin(), phases.end(),
                             [&](const auto& entry) { return entry.first == phase.name(); });
      if (it == phases.end()) {
        phases.push_back({phase.name(), {0, 0}});
        it = phases.end() - 1;
      }
      ++it->second.first;
      it->second.second = std::max(it->second.second, phase.max_release_skew_ns());
    }
  }
  const uint32_t measured = MeasuredCount(result);
  std::vector<std::string> texts;
  for (const auto& [phase, skew] : phases) {
    texts.push_back(absl::StrCat("phase ", phase, " skewed in ", skew.first, " of ", measured,
                                 " repetition", measured == 1 ? "" : "s", " (release skew up to ",
                                 FormatDuration(static_cast<double>(skew.second)), ")"));
  }
  return texts;
}

std::vector<std::string> NoiseLines(const v1::CaseResult& result) {
  std::vector<std::string> lines;
  if (std::string disturbed = DisturbedText(result); !disturbed.empty()) {
    lines.push_back(std::move(disturbed));
  }
  for (std::string& skew : SkewTexts(result)) lines.push_back(std::move(skew));
  return lines;
}

}  // namespace ipclab::results
