// The rounds of a matrix, spread over the whole matrix (issue 8).
//
// A run's rounds (RunRequest.rounds) let its cases take turns, so a case's
// repetitions span the run. A matrix is 13 runs of a few seconds each: the
// rounds of one run span those few seconds, and a state of the host that
// lasts longer (a VM's vCPUs moved, a busy neighbour) catches every
// repetition of a case at once. Measured on a 2-vCPU VM: the p99 round trip
// of one run sat at 8 us in one matrix and at 24 us in every repetition of
// the next, a minute later.
//
// So the client runs a matrix round by round: round 1 of every run, then
// round 2 of every run, and so on. Each round of a run is a Run call of its
// own (its share of the repetitions, the warm-ups in round 1, rounds=1), and
// the client joins a run's rounds into the one RunResult the run would have
// been, its summaries and verdicts taken over every repetition by the
// server's own FinishCase. The gate's round spread (results/compare/sides.h)
// then sees the host's drift over the whole matrix.
#ifndef IPCLAB_CLIENT_MATRIX_ROUNDS_H_
#define IPCLAB_CLIENT_MATRIX_ROUNDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::client {

// One Run call of a matrix: round `round` of `rounds` of run `run`.
struct RoundPart {
  size_t run = 0;  // index into the matrix's requests
  uint32_t round = 0;
  uint32_t rounds = 1;
  v1::RunRequest request;  // the round's share of repetitions, rounds=1
};

// The rounds of `request` in a matrix: `rounds` when the request says,
// else results::kDefaultRounds (at most its repetitions), also for a run of
// one case: in a matrix it takes turns with the other runs.
uint32_t RoundsInMatrix(const v1::RunRequest& request);

// The parts of `requests` in the order to run them: round 1 of every run,
// then round 2, ... A run of fewer rounds (RoundsInMatrix) has no part in
// the later ones.
std::vector<RoundPart> SplitIntoRounds(const std::vector<v1::RunRequest>& requests);

// Joins the parts of one run, in round order, into one RunResult.
class RoundJoiner final {
 public:
  // `request`: the run's request as the matrix made it (before the split).
  explicit RoundJoiner(v1::RunRequest request);

  // Adds the result of the run's next round. INTERNAL if its cases are not
  // the first round's (the server resolved the same request differently).
  absl::Status Add(v1::RunResult part);

  // Whether any round was added.
  bool empty() const { return !joined_.has_value(); }
  uint32_t rounds_added() const { return rounds_added_; }

  // Whether every case of the run has failed, so that its later rounds
  // would measure nothing the joined run keeps.
  bool AllCasesFailed() const;
  // Records that the run's next round was not sent (AllCasesFailed).
  void SkipRound() { ++rounds_skipped_; }

  // The joined run: measured repetitions of every round numbered on, every
  // case finished over all of them, the run's status the worst of its rounds'
  // (FAILED when fewer than all its rounds ran or were skipped: the matrix
  // stopped). Call once, after the last Add; requires !empty().
  v1::RunResult Finish();

 private:
  const v1::RunRequest request_;
  const uint32_t rounds_;
  std::optional<v1::RunResult> joined_;
  uint32_t rounds_added_ = 0;
  uint32_t rounds_skipped_ = 0;
};

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_MATRIX_ROUNDS_H_
