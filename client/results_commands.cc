#include "client/results_commands.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "client/output.h"
#include "client/run_sources.h"
#include "results/report/exporters.h"
#include "results/report/json_writer.h"
#include "results/report/reporters.h"
#include "results/report/text_table.h"
#include "workloads/registry.h"

namespace ipclab::client {
namespace {

std::string TimeText(int64_t unix_us) {
  if (unix_us == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(unix_us), absl::UTCTimeZone());
}

std::string TagsText(const results::Tags& tags) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : tags) parts.push_back(absl::StrCat(key, "=", value));
  return absl::StrJoin(parts, ",");
}

// The fleet id a run was stored with (its tag fleet=ID), or "".
std::string FleetOf(const results::StoredRun& run) {
  for (const auto& [key, value] : run.tags) {
    if (key == results::kFleetTag) return value;
  }
  return "";
}

// The tags but the fleet id, which has a column of its own.
results::Tags TagsButFleet(const results::Tags& tags) {
  results::Tags rest;
  for (const auto& tag : tags) {
    if (tag.first != results::kFleetTag) rest.push_back(tag);
  }
  return rest;
}

void PrintListTable(const std::vector<results::StoredRun>& runs, std::ostream* out) {
  using Align = results::TextTable::Align;
  // A fleet column (and the server, which tells a fleet's hosts apart) only
  // when a listed run belongs to a fleet run.
  const bool fleets = std::any_of(runs.begin(), runs.end(), [](const results::StoredRun& run) {
    return !FleetOf(run).empty();
  });
  std::vector<results::TextTable::Column> columns = {{"run"},
                                                     {"started (UTC)"},
                                                     {"workload"},
                                                     {"status"},
                                                     {"cases", Align::kRight},
                                                     {"reps", Align::kRight},
                                                     {"label"},
                                                     {"tags"},
                                                     {"host"}};
  if (fleets) {
    columns.push_back({"server"});
    columns.push_back({"fleet"});
  }
  results::TextTable table(std::move(columns));
  for (const results::StoredRun& run : runs) {
    table.AddRow({run.run_id, TimeText(run.started_at_us), run.workload, run.status,
                  absl::StrCat(run.case_count), absl::StrCat(run.repetitions), run.label,
                  TagsText(fleets ? TagsButFleet(run.tags) : run.tags), run.hostname, run.server,
                  FleetOf(run)});
  }
  table.Print(out);
}

void PrintListJson(const std::vector<results::StoredRun>& runs, std::ostream* out) {
  results::JsonWriter json(out);
  json.BeginArray();
  for (const results::StoredRun& run : runs) {
    json.BeginObject();
    json.Key("runId").String(run.run_id);
    json.Key("startedAt")
        .String(run.started_at_us == 0
                    ? ""
                    : absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(run.started_at_us),
                                       absl::UTCTimeZone()));
    json.Key("workload").String(run.workload);
    json.Key("status").String(run.status);
    json.Key("cases").Integer(run.case_count);
    json.Key("repetitions").Integer(run.repetitions);
    json.Key("label").String(run.label);
    json.Key("tags").BeginObject();
    for (const auto& [key, value] : run.tags) json.Key(key).String(value);
    json.EndObject();
    json.Key("server").String(run.server);
    json.Key("hostname").String(run.hostname);
    json.Key("kernelRelease").String(run.kernel_release);
    json.Key("fleetId").String(FleetOf(run));
    json.EndObject();
  }
  json.EndArray();
}

// Writes `text` to `out_file` atomically, or to stdout.
ExitCode Emit(const std::string& text, const std::string& out_file, const CommandIo& io) {
  if (out_file.empty()) {
    *io.out << text;
    io.out->flush();
    return kExitSuccess;
  }
  return ReportError(WriteFileAtomically(out_file, text), io.err);
}

}  // namespace

absl::StatusOr<std::unique_ptr<results::ResultStore>> OpenStoreForRun(const StoreFlags& flags) {
  for (const std::string& tag : flags.tags) {
    IPCLAB_RETURN_IF_ERROR(results::ParseTag(tag).status());
  }
  if (flags.no_store) return std::unique_ptr<results::ResultStore>();
  IPCLAB_ASSIGN_OR_RETURN(std::string path, StorePath(flags.db));
  return results::ResultStore::Open(path, results::ResultStore::Mode::kCreate);
}

absl::Status SaveRuns(results::ResultStore* store, const StoreFlags& flags,
                      const std::vector<v1::RunResult>& runs) {
  if (store == nullptr) return absl::OkStatus();
  results::Tags tags;
  for (const std::string& tag : flags.tags) {
    IPCLAB_ASSIGN_OR_RETURN(auto key_value, results::ParseTag(tag));
    tags.push_back(std::move(key_value));
  }
  for (const v1::RunResult& run : runs) IPCLAB_RETURN_IF_ERROR(store->Save(run, tags));
  return absl::OkStatus();
}

ExitCode ResultsListCommand(const ResultsListOptions& options, const CommandIo& io) {
  absl::StatusOr<results::RunFilter> filter = results::ParseRunFilter(options.filters, absl::Now());
  if (!filter.ok()) return ReportError(filter.status(), io.err);
  filter->limit = options.limit;
  RunSource source(options.db);
  absl::StatusOr<results::ResultStore*> store = source.Store();
  if (!store.ok()) return ReportError(store.status(), io.err);
  absl::StatusOr<std::vector<results::StoredRun>> runs = (*store)->List(*filter);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  std::ostringstream text;
  if (options.format == "json") {
    PrintListJson(*runs, &text);
  } else if (runs->empty()) {
    *io.err << "ipclab: no stored run matches\n";
  } else {
    PrintListTable(*runs, &text);
  }
  *io.out << text.str();
  io.out->flush();
  return kExitSuccess;
}

ExitCode ResultsShowCommand(const ResultsShowOptions& options, const CommandIo& io) {
  RunSource source(options.db);
  absl::StatusOr<std::vector<v1::RunResult>> runs = source.Resolve(options.run);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  if (options.format == "table") {
    for (size_t i = 0; i < runs->size(); ++i) {
      if (i > 0) *io.out << "\n";
      results::PrintRunTable((*runs)[i], io.out);
      absl::StatusOr<results::ResultStore*> store = source.Store();
      if (store.ok()) {
        absl::StatusOr<results::Tags> tags = (*store)->TagsOf((*runs)[i].run_id());
        if (tags.ok() && !tags->empty()) *io.out << "tags " << TagsText(*tags) << "\n";
      }
    }
    io.out->flush();
    return kExitSuccess;
  }
  PrintRunResults(*runs, ParseOutputFormat(options.format), /*comparison=*/false,
                  /*as_array=*/runs->size() > 1, io.out);
  return kExitSuccess;
}

ExitCode ResultsExportCommand(const ResultsExportOptions& options, const CommandIo& io) {
  if (!options.out_file.empty()) {
    absl::Status writable = CheckOutputPath(options.out_file);
    if (!writable.ok()) return ReportError(writable, io.err);
  }
  RunSource source(options.db);
  absl::StatusOr<std::vector<v1::RunResult>> runs = source.Resolve(options.run);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  std::ostringstream text;
  if (options.format == "json" || options.format == "csv") {
    PrintRunResults(*runs, ParseOutputFormat(options.format), /*comparison=*/false,
                    /*as_array=*/runs->size() > 1, &text);
    return Emit(text.str(), options.out_file, io);
  }
  // Names leave out parameters at their catalog default (this binary's).
  const v1::ListWorkloadsResponse catalog = workloads::Catalog();
  if (options.format == "gbench") {
    results::PrintGoogleBenchmarkJson(*runs, catalog, &text);
  } else {
    results::PrintBencherMetricFormat(*runs, catalog, &text);
  }
  return Emit(text.str(), options.out_file, io);
}

}  // namespace ipclab::client
