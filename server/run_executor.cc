#include "server/run_executor.h"

#include <time.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "results/model/expectations.h"
#include "results/model/run_defaults.h"
#include "results/model/summary.h"
#include "workloads/host_checks.h"
#include "workloads/host_info.h"
#include "workloads/registry.h"

namespace ipclab::server {
namespace {

using google::protobuf::util::TimeUtil;

// One turn of one case: `repetitions` measured repetitions numbered from
// `first_repetition`, after `warmup` unmeasured ones.
struct Turn {
  uint32_t warmup = 0;
  uint32_t first_repetition = 0;
  uint32_t repetitions = 0;
};

v1::WorkerRequest MakeWorkerRequest(const ExecutorOptions& options, const std::string& run_id,
                                    const v1::RunRequest& request, const v1::Case& c,
                                    const Turn& turn) {
  v1::WorkerRequest worker_request;
  worker_request.set_workload(request.workload());
  *worker_request.mutable_case_() = c;
  worker_request.set_repetitions(turn.repetitions);
  worker_request.set_first_repetition(turn.first_repetition);
  worker_request.set_warmup(turn.warmup);
  worker_request.set_verify(request.verify());
  worker_request.set_scratch_tmpfs(options.scratch_tmpfs);
  worker_request.set_scratch_disk(options.scratch_disk);
  worker_request.set_min_time_seconds(request.min_time_seconds());  // resolved in ExecuteRun
  // The worker waits after each repetition until the event is relayed
  // (RelayWorker acks it), so the relay never runs while roles measure.
  worker_request.set_ack_repetitions(true);
  // Everything the worker creates carries this instance and run, so what an
  // unclean exit leaves is removed by mark (Wait), or by the next instance.
  const workloads::OwnerMark owner = workloads::OwnerMark::For(options.instance, run_id);
  if (owner.owned()) *worker_request.mutable_owner() = owner.ToProto();
  return worker_request;
}

// How far the run is, in repetitions (warm-ups included), for progress.
struct RunCount {
  uint32_t done = 0;
  uint32_t total = 0;
};

// Relays the worker's events until it is done; returns the turn's outcome.
absl::Status RelayWorker(WorkerProcess* worker, const v1::Case& c, uint32_t case_count,
                         const RunEventCallback& emit, RunCount* count, v1::CaseResult* result) {
  absl::Status stream_status;
  for (;;) {
    absl::StatusOr<std::optional<v1::WorkerEvent>> next = worker->NextEvent();
    if (!next.ok()) {
      stream_status = next.status();
      break;
    }
    if (!next->has_value()) break;
    v1::WorkerEvent& worker_event = **next;
    if (worker_event.has_progress()) {
      v1::RunEvent event = NewRunEvent();
      v1::Progress* progress = event.mutable_progress();
      *progress = std::move(*worker_event.mutable_progress());
      progress->set_case_index(c.index());
      progress->set_case_count(case_count);
      progress->set_done_repetitions(count->done);
      progress->set_total_repetitions(count->total);
      emit(std::move(event));
    } else if (worker_event.has_repetition()) {
      v1::RepetitionResult& repetition = *worker_event.mutable_repetition();
      repetition.set_case_index(c.index());
      if (!repetition.warmup()) *result->add_repetitions() = repetition;
      ++count->done;
      v1::RunEvent event = NewRunEvent();
      *event.mutable_repetition() = std::move(repetition);
      emit(std::move(event));
      // Relayed: the worker may start the next repetition.
      worker->Ack();
    }
    // `error` and `done` only decide the exit status, which Wait reports.
  }
  absl::Status exit_status = worker->Wait();
  return stream_status.ok() ? exit_status : stream_status;
}

// Runs one turn of case `c` in a fresh worker; its measured repetitions are
// appended to `result`.
absl::Status RunTurn(const ExecutorOptions& options, const std::string& run_id,
                     const v1::RunRequest& request, const v1::Case& c, const Turn& turn,
                     uint32_t case_count, RunCancellation* cancellation,
                     const RunEventCallback& emit, RunCount* count, v1::CaseResult* result) {
  absl::Status status;
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker = WorkerProcess::Spawn(
      options.worker_path, MakeWorkerRequest(options, run_id, request, c, turn));
  if (!worker.ok()) {
    status = worker.status();
  } else {
    if (!cancellation->Attach(worker->get())) (*worker)->Kill();
    status = RelayWorker(worker->get(), c, case_count, emit, count, result);
    cancellation->Detach();
  }
  if (cancellation->cancelled()) {
    const std::string reason = cancellation->reason();
    status = reason.empty() ? absl::CancelledError("run cancelled")
                            : absl::DeadlineExceededError(reason);
  }
  return status;
}

// The turn of round `round` of `rounds` (results::ShareOfRound); warm-ups in
// the first.
Turn TurnOf(uint32_t round, uint32_t rounds, uint32_t repetitions, uint32_t warmup) {
  Turn turn;
  turn.warmup = round == 0 ? warmup : 0;
  const results::RoundShare share = results::ShareOfRound(round, rounds, repetitions);
  turn.first_repetition = share.first;
  turn.repetitions = share.count;
  return turn;
}

// The preflight sample (workloads/host_checks.h) watches /proc for 200 ms.
// Runs that start within kHostSampleReuse of the last sample (the runs of a
// matrix, a CI job's runs) share it: 13 runs of 200 ms each are 2.6 s of a 60 s matrix.
constexpr absl::Duration kHostSampleWindow = absl::Milliseconds(200);
constexpr absl::Duration kHostSampleReuse = absl::Seconds(30);

class HostSampleCache final {
 public:
  void AddTo(v1::HostInfo* host) ABSL_LOCKS_EXCLUDED(mutex_) {
    absl::MutexLock lock(&mutex_);
    if (absl::Now() - sampled_at_ > kHostSampleReuse) {
      sample_ = *host;
      workloads::AddHostChecks(kHostSampleWindow, &sample_);
      sampled_at_ = absl::Now();
    }
    host->set_load_average_1m(sample_.load_average_1m());
    host->set_cpu_governor(sample_.cpu_governor());
    host->set_cpu_boost(sample_.cpu_boost());
    host->set_steal_share(sample_.steal_share());
    host->set_clocksource(sample_.clocksource());
    *host->mutable_smt_siblings() = sample_.smt_siblings();
    host->set_memlock_limit_bytes(sample_.memlock_limit_bytes());
    *host->mutable_busy_processes() = sample_.busy_processes();
    host->clear_checks();
    for (v1::HostCheck& check : workloads::JudgeHost(*host)) *host->add_checks() = std::move(check);
  }

 private:
  absl::Mutex mutex_;
  absl::Time sampled_at_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  v1::HostInfo sample_ ABSL_GUARDED_BY(mutex_);
};

void AddRecentHostChecks(v1::HostInfo* host) {
  static HostSampleCache* const cache = new HostSampleCache;
  cache->AddTo(host);
}

}  // namespace

void FinishCase(const v1::RunRequest& request, const v1::HostInfo& host, const absl::Status& status,
                v1::CaseResult& result) {
  result.clear_summaries();
  result.clear_expectations();
  result.clear_disturbed_repetitions();
  result.clear_verdict();
  std::vector<v1::RepetitionResult> measured(result.repetitions().begin(),
                                             result.repetitions().end());
  if (!measured.empty()) {
    std::vector<v1::MetricSummary> summaries = results::SummarizeCase(measured);
    result.set_disturbed_repetitions(results::DisturbedRepetitions(measured));
    // What the kernel should have done, beside what it did.
    absl::StatusOr<const workloads::Workload*> workload =
        workloads::FindWorkload(request.workload());
    if (workload.ok()) {
      std::vector<v1::Expectation> judged =
          results::Judge((*workload)->Expect(workloads::CaseParams::FromCase(result.case_()), host),
                         summaries, measured);
      result.set_verdict(results::OverallVerdict(judged));
      for (v1::Expectation& expectation : judged)
        *result.add_expectations() = std::move(expectation);
    }
    for (v1::MetricSummary& summary : summaries) *result.add_summaries() = std::move(summary);
  }
  if (status.ok()) {
    result.set_status(v1::SUCCEEDED);
  } else {
    result.set_status(absl::IsCancelled(status) ? v1::CANCELLED : v1::FAILED);
    result.set_error(status.message().empty() ? status.ToString() : std::string(status.message()));
  }
}

void RunCancellation::Cancel() {
  absl::MutexLock lock(&mutex_);
  cancelled_ = true;
  if (worker_ != nullptr) worker_->Kill();
}

void RunCancellation::Cancel(const std::string& reason) {
  absl::MutexLock lock(&mutex_);
  if (!cancelled_) reason_ = reason;
  cancelled_ = true;
  if (worker_ != nullptr) worker_->Kill();
}

std::string RunCancellation::reason() const {
  absl::MutexLock lock(&mutex_);
  return reason_;
}

bool RunCancellation::cancelled() const {
  absl::MutexLock lock(&mutex_);
  return cancelled_;
}

bool RunCancellation::Attach(WorkerProcess* worker) {
  absl::MutexLock lock(&mutex_);
  if (cancelled_) return false;
  worker_ = worker;
  return true;
}

void RunCancellation::Detach() {
  absl::MutexLock lock(&mutex_);
  worker_ = nullptr;
}

google::protobuf::Timestamp NowTimestamp() {
  timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(now.tv_sec);
  timestamp.set_nanos(static_cast<int32_t>(now.tv_nsec));
  return timestamp;
}

v1::RunEvent NewRunEvent() {
  v1::RunEvent event;
  *event.mutable_time() = NowTimestamp();
  return event;
}

v1::RunResult ExecuteRun(const ExecutorOptions& options, const std::string& run_id,
                         const v1::RunRequest& requested, const std::vector<v1::Case>& cases,
                         RunCancellation* cancellation, const RunEventCallback& emit) {
  // The defaults are resolved here, once: the worker runs these counts and
  // the RunResult records them.
  const v1::RunRequest request = results::WithRunDefaults(requested);
  v1::RunResult run;
  run.set_run_id(run_id);
  run.set_workload(request.workload());
  *run.mutable_request() = request;
  *run.mutable_host() = workloads::ReadHostInfo();
  AddRecentHostChecks(run.mutable_host());
  *run.mutable_started_at() = NowTimestamp();
  {
    v1::RunEvent event = NewRunEvent();
    v1::Started* started = event.mutable_started();
    started->set_run_id(run_id);
    for (const v1::Case& c : cases) *started->add_cases() = c;
    *started->mutable_host() = run.host();
    emit(std::move(event));
  }

  // Rounds (RunRequest.rounds): each round runs every case in turn, starting
  // one case further each round so no case always follows the same one. A
  // case that failed takes no further turns. The CaseSummary events follow
  // the last round, in case order.
  const auto case_count = static_cast<uint32_t>(cases.size());
  const uint32_t rounds = std::max<uint32_t>(1, request.rounds());
  std::vector<v1::CaseResult> results(cases.size());
  std::vector<absl::Status> statuses(cases.size());
  std::vector<bool> ran(cases.size(), false);
  std::vector<bool> took_last_turn(cases.size(), false);
  RunCount count;
  count.total = case_count * (request.repetitions() + request.warmup());
  for (uint32_t round = 0; round < rounds && !cancellation->cancelled(); ++round) {
    const Turn turn = TurnOf(round, rounds, request.repetitions(), request.warmup());
    for (uint32_t k = 0; k < case_count && !cancellation->cancelled(); ++k) {
      const uint32_t i = (round + k) % case_count;
      if (!statuses[i].ok()) continue;
      if (turn.repetitions == 0 && turn.warmup == 0) continue;
      v1::CaseResult& result = results[i];
      if (!ran[i]) *result.mutable_case_() = cases[i];
      ran[i] = true;
      statuses[i] = RunTurn(options, run_id, request, cases[i], turn, case_count, cancellation,
                            emit, &count, &result);
      took_last_turn[i] = round + 1 == rounds;
      if (!statuses[i].ok()) {
        // Its remaining turns will not run: the progress skips them.
        count.total -= request.repetitions() - (turn.first_repetition + turn.repetitions);
      }
    }
  }
  bool any_failed = false;
  for (uint32_t i = 0; i < case_count; ++i) {
    if (!ran[i]) break;  // cancelled before this case's first turn
    if (statuses[i].ok() && !took_last_turn[i]) {
      // Cancelled between its turns: what it measured is kept, as CANCELLED.
      const std::string reason = cancellation->reason();
      statuses[i] = reason.empty() ? absl::CancelledError("run cancelled")
                                   : absl::DeadlineExceededError(reason);
    }
    v1::CaseResult& result = results[i];
    FinishCase(request, run.host(), statuses[i], result);
    if (result.status() == v1::FAILED && !any_failed) {
      any_failed = true;
      run.set_error(result.error());
    }
    v1::RunEvent event = NewRunEvent();
    event.mutable_case_summary()->set_case_index(cases[i].index());
    *event.mutable_case_summary()->mutable_result() = result;
    *run.add_cases() = std::move(result);
    emit(std::move(event));
  }

  if (cancellation->cancelled() && !cancellation->reason().empty()) {
    run.set_status(v1::FAILED);
    run.set_error(cancellation->reason());
  } else if (cancellation->cancelled()) {
    run.set_status(v1::CANCELLED);
    run.set_error("run cancelled");
  } else {
    run.set_status(any_failed ? v1::FAILED : v1::SUCCEEDED);
  }
  *run.mutable_finished_at() = NowTimestamp();
  v1::RunEvent event = NewRunEvent();
  v1::Finished* finished = event.mutable_finished();
  finished->set_status(run.status());
  finished->set_error(run.error());
  *finished->mutable_result() = run;
  emit(std::move(event));
  return run;
}

}  // namespace ipclab::server
