// How the server reads a worker's event stream (server/worker_events.h) and
// what it does with the events (server/run_executor.cc: the error status,
// the case summary, the expectations judged on it), on any bytes arriving
// in any chunking: never crashes, and an `error` event never reads as OK.
//
// Input: one byte choosing the chunk size, then the stream; the input's
// length chooses the workload whose expectations judge the repetitions.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/model/expectations.h"
#include "results/model/summary.h"
#include "server/worker_events.h"
#include "workloads/registry.h"

namespace {

struct DefaultCase {
  const ipclab::workloads::Workload* workload;
  ipclab::v1::Case c;
};

// The default case of every workload, resolved once.
const std::vector<DefaultCase>& DefaultCases() {
  static const auto* const kCases = [] {
    auto* cases = new std::vector<DefaultCase>();
    // A named copy: a range over a temporary's member would dangle.
    const ipclab::v1::ListWorkloadsResponse catalog = ipclab::workloads::Catalog();
    for (const ipclab::v1::WorkloadSpec& spec : catalog.workloads()) {
      ipclab::v1::RunRequest request;
      request.set_workload(spec.name());
      absl::StatusOr<std::vector<ipclab::v1::Case>> resolved =
          ipclab::workloads::ResolveCases(request);
      absl::StatusOr<const ipclab::workloads::Workload*> workload =
          ipclab::workloads::FindWorkload(spec.name());
      if (resolved.ok() && !resolved->empty() && workload.ok()) {
        cases->push_back({*workload, resolved->front()});
      }
    }
    return cases;
  }();
  return *kCases;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + (data[0] & 0x3f);
  ipclab::server::WorkerEventDecoder decoder;
  std::vector<ipclab::v1::RepetitionResult> measured;
  bool broken = false;
  for (size_t offset = 1; offset < size && !broken; offset += chunk) {
    const size_t length = std::min(chunk, size - offset);
    decoder.Append(absl::string_view(reinterpret_cast<const char*>(data + offset), length));
    for (;;) {
      absl::StatusOr<std::optional<ipclab::v1::WorkerEvent>> event = decoder.Next();
      if (!event.ok()) {
        broken = true;
        break;
      }
      if (!event->has_value()) break;
      const ipclab::v1::WorkerEvent& worker_event = **event;
      if (worker_event.has_error() &&
          ipclab::server::WorkerErrorStatus(worker_event.error()).ok()) {
        __builtin_trap();
      }
      if (worker_event.has_repetition() && !worker_event.repetition().warmup() &&
          measured.size() < 64) {
        measured.push_back(worker_event.repetition());
      }
    }
  }
  if (measured.empty()) return 0;
  // What the executor does with a case's repetitions.
  const std::vector<ipclab::v1::MetricSummary> summaries = ipclab::results::SummarizeCase(measured);
  (void)ipclab::results::DisturbedRepetitions(measured);
  const std::vector<DefaultCase>& cases = DefaultCases();
  if (cases.empty()) return 0;
  const DefaultCase& chosen = cases[size % cases.size()];
  const std::vector<ipclab::v1::Expectation> judged = ipclab::results::Judge(
      chosen.workload->Expect(ipclab::workloads::CaseParams::FromCase(chosen.c),
                              ipclab::v1::HostInfo()),
      summaries, measured);
  (void)ipclab::results::OverallVerdict(judged);
  return 0;
}
