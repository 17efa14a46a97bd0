#include "client/run_command.h"

#include <algorithm>
#include <map>
#include <set>

#include <signal.h>
#include <string.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "client/connection.h"
#include "client/fleet.h"
#include "client/interrupt.h"
#include "client/matrix.h"
#include "client/matrix_rounds.h"
#include "client/progress.h"
#include "client/run_stream.h"
#include "client/suggest.h"
#include "grpcpp/client_context.h"
#include "results/model/run_defaults.h"

namespace ipclab::client {
namespace {

constexpr std::chrono::seconds kHostInfoDeadline(30);

// The requests to send to this server: the one built from the command line,
// or the matrix for this server's host with the user's flags applied.
absl::StatusOr<std::vector<v1::RunRequest>> RequestsFor(const RunOptions& options,
                                                        Connection& connection,
                                                        InterruptCanceller* canceller) {
  IPCLAB_ASSIGN_OR_RETURN(v1::ListWorkloadsResponse catalog,
                          FetchFromServer(connection, &v1::IpcLab::StubInterface::ListWorkloads,
                                          kHostInfoDeadline, canceller));
  if (options.matrix.empty()) {
    IPCLAB_ASSIGN_OR_RETURN(v1::RunRequest request,
                            BuildRunRequest(options.workload, options.flags));
    // Names are checked against this server's catalog before anything runs,
    // with a suggestion for a typo.
    IPCLAB_RETURN_IF_ERROR(CheckAgainstCatalog(request, catalog));
    return std::vector<v1::RunRequest>{std::move(request)};
  }
  IPCLAB_ASSIGN_OR_RETURN(v1::HostInfo host,
                          FetchFromServer(connection, &v1::IpcLab::StubInterface::GetHostInfo,
                                          kHostInfoDeadline, canceller));
  IPCLAB_ASSIGN_OR_RETURN(std::vector<v1::RunRequest> requests,
                          MatrixRequests(options.matrix, host));
  // A matrix mixes workloads: -p/--sweep go to those that take the parameter;
  // a name none of them takes is a usage error, as for a single workload.
  std::map<std::string, int> not_taken;
  for (v1::RunRequest& request : requests) {
    std::set<std::string> accepted;
    for (const v1::WorkloadSpec& spec : catalog.workloads()) {
      if (spec.name() != request.workload()) continue;
      for (const v1::ParamSpec& param : spec.params()) accepted.insert(param.name());
    }
    std::set<std::string> unused;
    IPCLAB_RETURN_IF_ERROR(ApplyRunFlagsWhereAccepted(options.flags, accepted, &request, &unused));
    for (const std::string& name : unused) ++not_taken[name];
  }
  std::vector<std::string> every_param;
  for (const v1::WorkloadSpec& spec : catalog.workloads()) {
    for (const v1::ParamSpec& param : spec.params()) every_param.push_back(param.name());
  }
  for (const auto& [name, count] : not_taken) {
    if (count == static_cast<int>(requests.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter \"", name, "\": no workload of matrix ", options.matrix,
                       " takes it", DidYouMean(name, every_param), " (see `ipclab list`)"));
    }
  }
  for (const v1::RunRequest& request : requests) {
    IPCLAB_RETURN_IF_ERROR(CheckAgainstCatalog(request, catalog));
  }
  return requests;
}

// Connects to one server (empty address: embedded) and runs the requests
// one after another, stopping at the first error or on SIGINT.
HostOutcome RunOnTarget(const RunOptions& options, const std::string& address, size_t slot,
                        InterruptCanceller* canceller, ProgressLine* progress) {
  HostOutcome outcome;
  progress->Update(slot, address.empty() ? "starting the embedded server" : "connecting");
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(address, options.security);
  if (!connection.ok()) {
    outcome.error = connection.status();
    return outcome;
  }
  absl::StatusOr<std::vector<v1::RunRequest>> requests =
      RequestsFor(options, **connection, canceller);
  if (!requests.ok()) {
    outcome.error = requests.status();
    return outcome;
  }
  // A matrix runs round by round (client/matrix_rounds.h): round 1 of every
  // run, then round 2, ...; each run's rounds are joined into its result.
  // One run alone keeps its rounds inside one Run call.
  const bool by_rounds = requests->size() > 1;
  std::vector<RoundPart> parts;
  if (by_rounds) {
    parts = SplitIntoRounds(*requests);
  } else {
    parts.push_back(RoundPart{0, 0, 1, requests->front()});
  }
  // The work of each part in repetitions (warm-ups included), known up
  // front from its sweeps, so the bar moves evenly over a matrix.
  std::vector<double> units;
  double total_units = 0;
  for (const RoundPart& part : parts) {
    double cases = 1;
    for (const v1::Sweep& sweep : part.request.sweeps()) cases *= std::max(1, sweep.values_size());
    units.push_back(cases * (results::EffectiveRepetitions(part.request) +
                             results::EffectiveWarmup(part.request)));
    total_units += units.back();
  }
  std::vector<RoundJoiner> joiners;
  if (by_rounds) {
    for (const v1::RunRequest& request : *requests) joiners.emplace_back(request);
  }
  double units_done = 0;
  std::optional<double> fraction;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (canceller->interrupted()) {
      outcome.error = absl::CancelledError("cancelled");
      break;
    }
    const RoundPart& part = parts[i];
    // A run whose every case failed takes no further turns: the server
    // would run its cases again only for the client to leave them out.
    if (by_rounds && joiners[part.run].AllCasesFailed()) {
      joiners[part.run].SkipRound();
      units_done += units[i];
      continue;
    }
    // In a matrix, say which round and run of how many and which workload.
    const std::string prefix =
        by_rounds ? absl::StrCat("round ", part.round + 1, "/", part.rounds, " run ", part.run + 1,
                                 "/", requests->size(), " ", part.request.workload(), " ")
                  : std::string();
    absl::StatusOr<v1::RunResult> result =
        StreamRun((*connection)->stub(), part.request, (*connection)->label(), canceller,
                  [&](const std::string& text) { progress->Update(slot, prefix + text, fraction); },
                  [&](double run_fraction) {
                    if (total_units > 0)
                      fraction = (units_done + run_fraction * units[i]) / total_units;
                  });
    units_done += units[i];
    if (!result.ok()) {
      outcome.error = result.status();
      break;
    }
    if (!by_rounds) {
      outcome.results.push_back(*std::move(result));
      continue;  // the only part
    }
    if (absl::Status added = joiners[part.run].Add(*std::move(result)); !added.ok()) {
      outcome.error = added;
      break;
    }
  }
  if (by_rounds) {
    // What ran is kept, even when the matrix stopped early: a run missing
    // rounds is FAILED and says how many ran.
    for (RoundJoiner& joiner : joiners) {
      if (!joiner.empty()) outcome.results.push_back(joiner.Finish());
    }
  }
  return outcome;
}

}  // namespace

ExitCode RunCommand(const RunOptions& options, const CommandIo& io) {
  // Usage errors first, before connecting or starting anything.
  if (options.matrix.empty()) {
    absl::StatusOr<v1::RunRequest> request = BuildRunRequest(options.workload, options.flags);
    if (!request.ok()) return ReportError(request.status(), io.err);
  } else {
    absl::StatusOr<std::vector<v1::RunRequest>> known =
        MatrixRequests(options.matrix, v1::HostInfo());
    if (!known.ok()) return ReportError(known.status(), io.err);
    v1::RunRequest probe;
    absl::Status flags = ApplyRunFlags(options.flags, &probe);
    if (!flags.ok()) return ReportError(flags, io.err);
  }
  if (!options.out_file.empty()) {
    absl::Status writable = CheckOutputPath(options.out_file);
    if (!writable.ok()) return ReportError(writable, io.err);
  }

  // The database is opened (and checked) before anything runs.
  absl::StatusOr<std::unique_ptr<results::ResultStore>> store = OpenStoreForRun(options.store);
  if (!store.ok()) return ReportError(store.status(), io.err);

  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  if (!canceller.ok()) return ReportError(canceller.status(), io.err);

  std::vector<std::string> addresses = options.servers;
  for (const std::string& target : options.fleet_targets) {
    absl::StatusOr<std::vector<std::string>> resolved = ResolveFleetTarget(target);
    if (!resolved.ok()) return ReportError(resolved.status(), io.err);
    addresses.insert(addresses.end(), resolved->begin(), resolved->end());
  }
  const bool fleet = addresses.size() > 1 || !options.fleet_targets.empty();
  if (fleet) {  // one column per host: each host once
    std::vector<std::string> unique;
    for (const std::string& address : addresses) {
      if (std::find(unique.begin(), unique.end(), address) == unique.end()) {
        unique.push_back(address);
      }
    }
    addresses = std::move(unique);
  } else if (!options.reference_host.empty()) {
    return ReportError(
        absl::InvalidArgumentError("--reference-host needs a fleet (several --server, or --fleet)"),
        io.err);
  }
  if (addresses.empty()) addresses.push_back("");  // the embedded server
  const std::string fleet_id = fleet ? NewFleetId() : std::string();
  FleetProgress fleet_progress(io.err, fleet && !options.quiet && !io.progress, fleet_id);
  std::vector<std::string> labels;
  for (const std::string& address : addresses) {
    labels.push_back(address.empty() ? kEmbeddedLabel : address);
  }

  std::vector<HostOutcome> outcomes(addresses.size());
  {
    ProgressLine progress(io.err, io.progress, io.terminal_width, labels);
    if (addresses.size() == 1 && !fleet) {
      outcomes[0] = RunOnTarget(options, addresses[0], 0, canceller->get(), &progress);
    } else {
      std::vector<std::thread> threads;
      for (size_t i = 0; i < addresses.size(); ++i) {
        threads.emplace_back([&, i] {
          const absl::Time start = absl::Now();
          outcomes[i] = RunOnTarget(options, addresses[i], i, canceller->get(), &progress);
          const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
          if (fleet && !(*canceller)->interrupted()) {
            progress.Update(i, FleetProgress::Summary(outcomes[i], seconds));
            fleet_progress.HostFinished(addresses[i], outcomes[i], seconds);
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
    }
  }  // the progress line is cleared here, before anything else is printed
  const int signal_number = (*canceller)->signal_number();
  canceller->reset();

  if (signal_number != 0) {
    // Nothing on stdout: a partial matrix is not a result to compare.
    *io.err << "ipclab: cancelled"
            << (signal_number == SIGINT ? "" : absl::StrCat(" (", strsignal(signal_number), ")"))
            << "\n";
    return static_cast<ExitCode>(128 + signal_number);  // 130 for SIGINT
  }

  if (fleet) {
    FleetReportOptions report;
    report.fleet_id = fleet_id;
    report.servers = addresses;
    report.reference_host = options.reference_host;
    report.format = options.format;
    report.out_file = options.out_file;
    report.store = options.store;
    report.announce_stored = !options.quiet;
    return ReportFleetRun(report, std::move(outcomes), store->get(), io);
  }

  ExitCode exit_code = kExitSuccess;
  std::vector<v1::RunResult> all_results;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    for (v1::RunResult& result : outcomes[i].results) all_results.push_back(std::move(result));
  }
  const bool several = !options.matrix.empty() || addresses.size() > 1;
  if (!all_results.empty()) {
    PrintRunResults(all_results, options.format, /*comparison=*/!options.matrix.empty(),
                    /*as_array=*/several, io.out, options.table);
  }
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].error.ok()) continue;
    const std::string where = addresses.size() > 1 ? absl::StrCat(labels[i], ": ") : "";
    *io.err << "ipclab: " << where << outcomes[i].error.message() << "\n";
    exit_code = WorseExitCode(exit_code, ExitCodeFor(outcomes[i].error));
  }
  for (const v1::RunResult& result : all_results) {
    if (result.status() == v1::SUCCEEDED) continue;
    *io.err << "ipclab: run " << result.run_id() << " (" << result.workload() << " on "
            << result.server() << ") "
            << (result.status() == v1::CANCELLED ? "was cancelled by the server"
                                                 : "failed on the server")
            << (result.error().empty() ? "" : ": ") << result.error() << "\n";
    exit_code = WorseExitCode(exit_code, kExitServerError);
  }
  if (!options.out_file.empty() && !all_results.empty()) {
    absl::Status written =
        WriteFileAtomically(options.out_file, RunResultsJson(all_results, several));
    if (!written.ok()) exit_code = WorseExitCode(exit_code, ReportError(written, io.err));
  }
  if (*store != nullptr && !all_results.empty()) {
    absl::Status saved = SaveRuns(store->get(), options.store, all_results);
    if (!saved.ok()) {
      *io.err << "ipclab: result not stored: " << saved.message() << "\n";
      exit_code = WorseExitCode(exit_code, kExitUsage);
    } else if (io.progress) {
      if (all_results.size() == 1) {
        *io.err << "stored run " << all_results.front().run_id() << " in " << (*store)->path()
                << "\n";
      } else {  // a matrix: one line, not thirteen
        *io.err << "stored " << all_results.size() << " runs in " << (*store)->path()
                << " (`ipclab results list`)\n";
      }
    }
  }
  return exit_code;
}

}  // namespace ipclab::client
