#include "client/run_sources.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/errno_status.h"
#include "base/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "results/report/json_reporter.h"
#include "results/store/history.h"
#include "results/store/postgres_sql.h"

namespace ipclab::client {
namespace {

bool LooksLikeFile(const std::string& spec) {
  struct stat info;
  return stat(spec.c_str(), &info) == 0 || absl::EndsWith(spec, ".json") ||
         spec.find('/') != std::string::npos;
}

absl::Status CheckHoldsARun(const v1::RunResult& run, const std::string& path) {
  if (run.cases_size() == 0 && run.workload().empty() && run.run_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", path, "\" holds no ipclab run (write one with `ipclab run --out`)"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsFileSpec(const std::string& spec) {
  return !absl::StartsWith(spec, "tag:") && !absl::StartsWith(spec, "fleet:") &&
         LooksLikeFile(spec);
}

absl::StatusOr<std::string> StorePath(const std::string& flag) {
  if (!flag.empty()) {
    WarnIfPasswordInCommandLine(flag);
    return flag;
  }
  const char* environment = std::getenv("IPCLAB_DB");
  if (environment != nullptr && *environment != '\0') return std::string(environment);
  return results::DefaultStorePath();
}

void WarnIfPasswordInCommandLine(const std::string& location) {
  static std::set<std::string>* const warned = new std::set<std::string>();
  if (!results::IsPostgresLocation(location) || results::pg::PasswordOf(location).empty()) return;
  if (!warned->insert(location).second) return;
  std::cerr << "ipclab: warning: the connection string \"" << results::pg::RedactLocation(location)
            << "\" holds a password, which the process list shows to every user of this "
               "machine; put it in ~/.pgpass (or PGPASSFILE) instead\n";
}

absl::StatusOr<std::vector<v1::RunResult>> ReadRunsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    struct stat info;
    if (stat(path.c_str(), &info) != 0) {
      return absl::NotFoundError(absl::StrCat("no such file: \"", path, "\""));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read \"", path,
                     "\": ", base::ErrnoMessage(absl::StrCat("open(\"", path, "\")"), error)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  const std::string json = contents.str();
  std::vector<v1::RunResult> runs;
  google::protobuf::ListValue list;
  const bool array = absl::StartsWith(absl::StripLeadingAsciiWhitespace(json), "[");
  if (array) {
    const auto status = google::protobuf::util::JsonStringToMessage(json, &list);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", path, "\" is not valid JSON: ", std::string(status.message())));
    }
  } else if (absl::StrContains(json, "\"fleetId\"")) {
    // A fleet run's document (client/fleet.h): its runs.
    google::protobuf::Struct fleet;
    if (google::protobuf::util::JsonStringToMessage(json, &fleet).ok() &&
        fleet.fields().count("fleetId") > 0 && fleet.fields().count("runs") > 0) {
      list = fleet.fields().at("runs").list_value();
    }
  }
  if (array || list.values_size() > 0) {
    for (const google::protobuf::Value& element : list.values()) {
      std::string text;
      (void)google::protobuf::util::MessageToJsonString(element, &text);
      absl::StatusOr<v1::RunResult> run = results::RunResultFromJson(text);
      if (!run.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("\"", path, "\": ", run.status().message()));
      }
      IPCLAB_RETURN_IF_ERROR(CheckHoldsARun(*run, path));
      runs.push_back(*std::move(run));
    }
    if (runs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", path, "\" holds an empty array"));
    }
    return runs;
  }
  absl::StatusOr<v1::RunResult> run = results::RunResultFromJson(json);
  if (!run.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", path, "\": ", run.status().message()));
  }
  IPCLAB_RETURN_IF_ERROR(CheckHoldsARun(*run, path));
  runs.push_back(*std::move(run));
  return runs;
}

absl::StatusOr<results::ResultStore*> RunSource::Store() {
  if (store_ == nullptr) {
    IPCLAB_ASSIGN_OR_RETURN(std::string path, StorePath(db_flag_));
    IPCLAB_ASSIGN_OR_RETURN(
        store_, results::ResultStore::Open(path, results::ResultStore::Mode::kReadWrite));
  }
  return store_.get();
}

absl::StatusOr<std::vector<v1::RunResult>> RunSource::ResolveFleet(const std::string& spec) {
  IPCLAB_ASSIGN_OR_RETURN(results::RunFilter filter, results::ParseRunFilter({spec}, absl::Now()));
  IPCLAB_ASSIGN_OR_RETURN(results::ResultStore * store, Store());
  IPCLAB_ASSIGN_OR_RETURN(std::vector<results::StoredRun> stored, store->List(filter));
  if (stored.empty()) {
    return absl::NotFoundError(absl::StrCat("no stored run of ", spec, " in \"", store->path(),
                                            "\" (see `ipclab results list`)"));
  }
  std::vector<v1::RunResult> runs;
  for (auto it = stored.rbegin(); it != stored.rend(); ++it) {  // oldest first
    IPCLAB_ASSIGN_OR_RETURN(v1::RunResult run, store->Load(it->run_id));
    runs.push_back(std::move(run));
  }
  return runs;
}

absl::StatusOr<std::vector<v1::RunResult>> RunSource::Resolve(const std::string& spec) {
  if (spec.empty()) return absl::InvalidArgumentError("an empty RUN argument");
  absl::string_view tag = spec;
  if (absl::StartsWith(spec, "fleet:")) return ResolveFleet(spec);
  if (absl::ConsumePrefix(&tag, "tag:")) {
    IPCLAB_ASSIGN_OR_RETURN(auto key_value, results::ParseTag(tag));
    IPCLAB_ASSIGN_OR_RETURN(results::ResultStore * store, Store());
    results::RunFilter filter;
    filter.tags.push_back(std::move(key_value));
    return results::LoadRuns(*store, filter);  // every run with the tag, oldest first
  }
  if (LooksLikeFile(spec)) return ReadRunsFile(spec);
  if (spec.find(',') != std::string::npos) {  // a list of ids
    std::vector<v1::RunResult> runs;
    for (absl::string_view id : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
      IPCLAB_ASSIGN_OR_RETURN(std::vector<v1::RunResult> more, Resolve(std::string(id)));
      for (v1::RunResult& run : more) runs.push_back(std::move(run));
    }
    return runs;
  }
  IPCLAB_ASSIGN_OR_RETURN(results::ResultStore * store, Store());
  IPCLAB_ASSIGN_OR_RETURN(v1::RunResult run, store->Load(spec));
  return std::vector<v1::RunResult>{std::move(run)};
}

}  // namespace ipclab::client
