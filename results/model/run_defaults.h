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

// `request` with repetitions and warmup set to their effective values.
v1::RunRequest WithRunDefaults(v1::RunRequest request);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_RUN_DEFAULTS_H_
