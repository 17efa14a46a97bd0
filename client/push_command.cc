#include "client/push_command.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/run_sources.h"
#include "results/store/store.h"

namespace ipclab::client {
namespace {

// Counts what a push did.
struct Pushed {
  int copied = 0;
  int skipped = 0;
};

absl::Status Copy(const v1::RunResult& run, const results::Tags& tags,
                  results::ResultStore* destination, Pushed* pushed) {
  absl::Status saved = destination->Save(run, tags);
  if (absl::IsAlreadyExists(saved)) {
    ++pushed->skipped;
    return absl::OkStatus();
  }
  if (saved.ok()) ++pushed->copied;
  return saved;
}

// The runs `options` select from `source`, copied one at a time.
absl::Status PushAll(const ResultsPushOptions& options, RunSource* source,
                     results::ResultStore* destination, Pushed* pushed) {
  if (!options.runs.empty()) {
    for (const std::string& spec : options.runs) {
      absl::StatusOr<std::vector<v1::RunResult>> runs = source->Resolve(spec);
      if (!runs.ok()) return runs.status();
      for (const v1::RunResult& run : *runs) {
        results::Tags tags;
        if (!IsFileSpec(spec)) {
          absl::StatusOr<results::ResultStore*> store = source->Store();
          if (!store.ok()) return store.status();
          absl::StatusOr<results::Tags> stored = (*store)->TagsOf(run.run_id());
          if (!stored.ok()) return stored.status();
          tags = *std::move(stored);
        }
        if (absl::Status copied = Copy(run, tags, destination, pushed); !copied.ok()) {
          return copied;
        }
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<results::RunFilter> filter = results::ParseRunFilter(options.filters, absl::Now());
  if (!filter.ok()) return filter.status();
  filter->limit = options.limit;
  absl::StatusOr<results::ResultStore*> store = source->Store();
  if (!store.ok()) return store.status();
  absl::StatusOr<std::vector<results::StoredRun>> listed = (*store)->List(*filter);
  if (!listed.ok()) return listed.status();
  std::reverse(listed->begin(), listed->end());  // oldest first, as they were made
  for (const results::StoredRun& stored : *listed) {
    absl::StatusOr<v1::RunResult> run = (*store)->Load(stored.run_id);
    if (!run.ok()) return run.status();
    if (absl::Status copied = Copy(*run, stored.tags, destination, pushed); !copied.ok()) {
      return copied;
    }
  }
  return absl::OkStatus();
}

}  // namespace

ExitCode ResultsPushCommand(const ResultsPushOptions& options, const CommandIo& io) {
  if (!options.runs.empty() && (!options.filters.empty() || options.limit > 0)) {
    return ReportError(
        absl::InvalidArgumentError("give either RUN arguments or --filter/--limit, not both"),
        io.err);
  }
  WarnIfPasswordInCommandLine(options.to);
  absl::StatusOr<std::unique_ptr<results::ResultStore>> destination =
      results::OpenResultStore(options.to, results::ResultStore::Mode::kCreate);
  if (!destination.ok()) return ReportError(destination.status(), io.err);
  RunSource source(options.db);
  Pushed pushed;
  absl::Status status = PushAll(options, &source, destination->get(), &pushed);
  const std::string summary =
      absl::StrCat("pushed ", pushed.copied, pushed.copied == 1 ? " run" : " runs", " to ",
                   (*destination)->path(), " (", pushed.skipped, " already there, skipped)");
  if (!status.ok()) {
    *io.err << "ipclab: " << summary << " before an error\n";
    return ReportError(status, io.err);
  }
  *io.out << summary << "\n";
  io.out->flush();
  return kExitSuccess;
}

}  // namespace ipclab::client
