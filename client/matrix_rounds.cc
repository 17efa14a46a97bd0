#include "client/matrix_rounds.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "results/model/run_defaults.h"
#include "server/run_executor.h"

namespace ipclab::client {
namespace {

// FAILED over CANCELLED over SUCCEEDED.
int Severity(v1::RunStatus status) {
  switch (status) {
    case v1::FAILED:
      return 2;
    case v1::CANCELLED:
      return 1;
    default:
      return 0;
  }
}

// The status FinishCase turns back into `result`'s status and error.
absl::Status CaseStatus(const v1::CaseResult& result) {
  switch (result.status()) {
    case v1::FAILED:
      return absl::UnknownError(result.error());
    case v1::CANCELLED:
      return absl::CancelledError(result.error());
    default:
      return absl::OkStatus();
  }
}

bool SameCases(const v1::RunResult& a, const v1::RunResult& b) {
  if (a.cases_size() != b.cases_size()) return false;
  for (int i = 0; i < a.cases_size(); ++i) {
    if (a.cases(i).case_().name() != b.cases(i).case_().name()) return false;
  }
  return true;
}

}  // namespace

uint32_t RoundsInMatrix(const v1::RunRequest& request) {
  if (request.has_rounds()) return results::EffectiveRounds(request);
  return std::min(results::kDefaultRounds, results::EffectiveRepetitions(request));
}

std::vector<RoundPart> SplitIntoRounds(const std::vector<v1::RunRequest>& requests) {
  uint32_t most = 1;
  for (const v1::RunRequest& request : requests) {
    most = std::max(most, RoundsInMatrix(request));
  }
  std::vector<RoundPart> parts;
  for (uint32_t round = 0; round < most; ++round) {
    for (size_t run = 0; run < requests.size(); ++run) {
      const v1::RunRequest& request = requests[run];
      const uint32_t rounds = RoundsInMatrix(request);
      if (round >= rounds) continue;
      const results::RoundShare share =
          results::ShareOfRound(round, rounds, results::EffectiveRepetitions(request));
      RoundPart part;
      part.run = run;
      part.round = round;
      part.rounds = rounds;
      part.request = request;
      part.request.set_repetitions(share.count);
      part.request.set_warmup(round == 0 ? results::EffectiveWarmup(request) : 0);
      part.request.set_rounds(1);
      parts.push_back(std::move(part));
    }
  }
  return parts;
}

RoundJoiner::RoundJoiner(v1::RunRequest request)
    : request_(std::move(request)), rounds_(RoundsInMatrix(request_)) {}

absl::Status RoundJoiner::Add(v1::RunResult part) {
  if (!joined_.has_value()) {
    joined_ = std::move(part);
    // The run as requested; the server resolved the rest (min_time).
    v1::RunRequest* request = joined_->mutable_request();
    request->set_repetitions(results::EffectiveRepetitions(request_));
    request->set_warmup(results::EffectiveWarmup(request_));
    request->set_rounds(rounds_);
    joined_->set_rounds_across_matrix(rounds_ > 1);
    rounds_added_ = 1;
    return absl::OkStatus();
  }
  if (!SameCases(*joined_, part)) {
    return absl::InternalError(absl::StrCat("round ", rounds_added_ + 1, " of run ",
                                            joined_->run_id(), " (", joined_->workload(),
                                            ") came back with other cases than its first round"));
  }
  for (int i = 0; i < part.cases_size(); ++i) {
    v1::CaseResult& into = *joined_->mutable_cases(i);
    v1::CaseResult& from = *part.mutable_cases(i);
    // A case that failed takes no further turns (as in the server's rounds):
    // what later rounds measured of it is left out.
    if (into.status() != v1::SUCCEEDED) continue;
    for (v1::RepetitionResult& repetition : *from.mutable_repetitions()) {
      repetition.set_repetition(static_cast<uint32_t>(into.repetitions_size()));
      *into.add_repetitions() = std::move(repetition);
    }
    if (from.status() != v1::SUCCEEDED) {
      into.set_status(from.status());
      into.set_error(from.error());
    }
  }
  if (Severity(part.status()) > Severity(joined_->status())) joined_->set_status(part.status());
  if (joined_->error().empty()) joined_->set_error(part.error());
  *joined_->mutable_finished_at() = part.finished_at();
  ++rounds_added_;
  return absl::OkStatus();
}

bool RoundJoiner::AllCasesFailed() const {
  if (!joined_.has_value() || joined_->cases_size() == 0) return false;
  for (const v1::CaseResult& result : joined_->cases()) {
    if (result.status() == v1::SUCCEEDED) return false;
  }
  return true;
}

v1::RunResult RoundJoiner::Finish() {
  v1::RunResult run = *std::move(joined_);
  joined_.reset();
  for (v1::CaseResult& result : *run.mutable_cases()) {
    server::FinishCase(run.request(), run.host(), CaseStatus(result), result);
  }
  if (rounds_added_ + rounds_skipped_ < rounds_) {
    run.set_status(v1::FAILED);
    run.set_error(absl::StrCat("only ", rounds_added_, " of its ", rounds_,
                               " rounds ran (the matrix stopped)", run.error().empty() ? "" : ": ",
                               run.error()));
  }
  return run;
}

}  // namespace ipclab::client
