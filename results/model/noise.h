// How noisy a case's measurement was: repetitions the worker marked
// disturbed (other load on the roles' CPUs, steal) and phases whose roles
// started noticeably apart (release skew). Every output says so through
// these texts; the gate reads DisturbedShare.
#ifndef IPCLAB_RESULTS_MODEL_NOISE_H_
#define IPCLAB_RESULTS_MODEL_NOISE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// Measured repetitions marked disturbed: CaseResult.disturbed_repetitions,
// or counted from the repetitions when that was not filled in.
uint32_t DisturbedCount(const v1::CaseResult& result);

// DisturbedCount / measured repetitions; 0 without repetitions.
double DisturbedShare(const v1::CaseResult& result);

// Compare and gate leave a case's disturbed repetitions out of its samples
// while they are at most this share of its measured repetitions (2 of the
// default 10); above it the case cannot be judged (gate: inconclusive).
inline constexpr double kMaxDisturbedShareToDrop = 0.2;

// Whether the timing harness marked `repetition` disturbed (its
// interference, or an older note "disturbed": "true").
bool IsDisturbed(const v1::RepetitionResult& repetition);

// `result` without its disturbed measured repetitions.
v1::CaseResult WithoutDisturbed(const v1::CaseResult& result);

// "3 of 5 repetitions disturbed: other load on CPU 0" (the first disturbed
// repetition's reason), empty when none was.
std::string DisturbedText(const v1::CaseResult& result);

// One line per phase skewed in some measured repetition:
// "phase warm skewed in 2 of 5 repetitions (release skew up to 20.1 µs)".
std::vector<std::string> SkewTexts(const v1::CaseResult& result);

// DisturbedText (if any) then SkewTexts.
std::vector<std::string> NoiseLines(const v1::CaseResult& result);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_NOISE_H_
