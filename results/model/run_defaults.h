// The one reading of a RunRequest's counts. The server resolves the defaults
// once (WithRunDefaults) and stores the effective values in the RunResult's
// request; the CLI's progress lines and the tables read requests through the
// same functions, so a request means the same thing everywhere.
#ifndef IPCLAB_RESULTS_MODEL_RUN_DEFAULTS_H_
#define IPCLAB_RESULTS_MODEL_RUN_DEFAULTS_H_

#include <cstdint>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

inline constexpr uint32_t kDefaultRepetitions = 10;
inline constexpr uint32_t kDefaultWarmup = 1;

// Measured repetitions per case: `repetitions`, or 10 when it is 0 (docs/GATE.md: ten per side let
// the gate decide among many checks).
uint32_t EffectiveRepetitions(const v1::RunRequest& request);

// Warm-up repetitions per case: `warmup` when present (0 included), else 1.
uint32_t EffectiveWarmup(const v1::RunRequest& request);

// Minimum duration of each measured steady transfer phase, in seconds, when
// the request does not say: long enough that a phase spans many scheduler
// ticks and several passes (1-25 ms single passes spread far more than their
// CV), short enough that the default matrix stays about a minute on 2 cores.
inline constexpr double kDefaultMinTimeSeconds = 0.05;

// `min_time_seconds` when present (0 included: one pass), else the default.
double EffectiveMinTime(const v1::RunRequest& request);

// Rounds when the request does not say and it has two or more cases: each
// case's measured repetitions are spread over this many turns (two each at the
// default ten). Measured on a 2-vCPU VM: pipe 64KiB/1MiB x same/cross, six
// runs back to back, spread of the medians (max/min) 1.09-1.23 back to back
// against 1.07-1.14 interleaved over five rounds.
inline constexpr uint32_t kDefaultRounds = 5;

// Rounds: `rounds` when present (clamped to 1..repetitions), else
// kDefaultRounds (at most the repetitions) for a request that sweeps to two
// or more cases, else 1.
uint32_t EffectiveRounds(const v1::RunRequest& request);

// The measured repetitions of round `round` (0-based) of `rounds`:
// `repetitions` split as evenly as whole numbers allow, the larger shares
// last. The server's turns, the client's matrix rounds and the gate's
// round medians all split this way.
struct RoundShare {
  uint32_t first = 0;  // index of the round's first measured repetition
  uint32_t count = 0;
};
RoundShare ShareOfRound(uint32_t round, uint32_t rounds, uint32_t repetitions);

// `request` with repetitions, warmup, min_time_seconds and rounds set to
// their effective values.
v1::RunRequest WithRunDefaults(v1::RunRequest request);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_RUN_DEFAULTS_H_
