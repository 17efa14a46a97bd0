#include "client/bundle.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/output.h"
#include "client/run_sources.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "results/report/json_reporter.h"
#include "results/report/json_writer.h"
#include "results/store/history.h"
#include "base/status_macros.h"

namespace ipclab::client {
namespace {

constexpr int kBundleVersion = 1;

absl::Status NotABundle(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", path, "\" is not an ipclab bundle (", why,
                   "); write one with `ipclab results export --bundle FILE`"));
}

absl::StatusOr<std::vector<BundledRun>> SelectRuns(const BundleExportOptions& options) {
  RunSource source(options.db);
  IPCLAB_ASSIGN_OR_RETURN(results::ResultStore * store, source.Store());
  std::vector<v1::RunResult> runs;
  if (options.runs.empty()) {
    IPCLAB_ASSIGN_OR_RETURN(results::RunFilter filter,
                            results::ParseRunFilter(options.filters, absl::Now()));
    IPCLAB_ASSIGN_OR_RETURN(runs, results::LoadRuns(*store, filter));
  } else {
    for (const std::string& spec : options.runs) {
      IPCLAB_ASSIGN_OR_RETURN(std::vector<v1::RunResult> more, source.Resolve(spec));
      for (v1::RunResult& run : more) runs.push_back(std::move(run));
    }
  }
  std::vector<BundledRun> bundled;
  std::set<std::string> seen;
  for (v1::RunResult& run : runs) {
    if (!seen.insert(run.run_id()).second) continue;
    absl::StatusOr<results::Tags> tags = store->TagsOf(run.run_id());
    bundled.push_back(BundledRun{std::move(run), tags.ok() ? *tags : results::Tags()});
  }
  return bundled;
}

}  // namespace

std::string BundleJson(const std::vector<BundledRun>& runs) {
  std::string json = absl::StrCat("{\"ipclabBundle\": ", kBundleVersion, ", \"runs\": [");
  for (size_t i = 0; i < runs.size(); ++i) {
    std::ostringstream tags;
    results::JsonWriter writer(&tags);
    writer.BeginObject();
    for (const auto& [key, value] : runs[i].tags) writer.Key(key).String(value);
    writer.EndObject();
    absl::StrAppend(&json, i == 0 ? "\n" : ",\n", "{\"tags\": ", tags.str(),
                    ", \"run\": ", results::ToJson(runs[i].run), "}");
  }
  absl::StrAppend(&json, "\n]}\n");
  return json;
}

absl::StatusOr<std::vector<BundledRun>> ParseBundle(const std::string& json,
                                                    const std::string& path) {
  google::protobuf::Struct bundle;
  if (!google::protobuf::util::JsonStringToMessage(json, &bundle).ok()) {
    return NotABundle(path, "not a JSON object");
  }
  const auto& fields = bundle.fields();
  auto version = fields.find("ipclabBundle");
  if (version == fields.end() || !version->second.has_number_value()) {
    return NotABundle(path, "no \"ipclabBundle\" version");
  }
  if (version->second.number_value() != kBundleVersion) {
    return NotABundle(path, absl::StrCat("version ", version->second.number_value(),
                                         "; this ipclab reads ", kBundleVersion));
  }
  auto runs = fields.find("runs");
  if (runs == fields.end() || !runs->second.has_list_value()) {
    return NotABundle(path, "no \"runs\" array");
  }
  std::vector<BundledRun> parsed;
  for (const google::protobuf::Value& entry : runs->second.list_value().values()) {
    if (!entry.has_struct_value()) return NotABundle(path, "a run entry is not an object");
    const auto& entry_fields = entry.struct_value().fields();
    auto run = entry_fields.find("run");
    if (run == entry_fields.end()) return NotABundle(path, "a run entry has no \"run\"");
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(run->second, &text);
    absl::StatusOr<v1::RunResult> result = results::RunResultFromJson(text);
    if (!result.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", path, "\": ", result.status().message()));
    }
    BundledRun bundled{*std::move(result), {}};
    auto tags = entry_fields.find("tags");
    if (tags != entry_fields.end() && tags->second.has_struct_value()) {
      for (const auto& [key, value] : tags->second.struct_value().fields()) {
        bundled.tags.emplace_back(key, value.string_value());
      }
      std::sort(bundled.tags.begin(), bundled.tags.end());
    }
    parsed.push_back(std::move(bundled));
  }
  return parsed;
}

ExitCode BundleExportCommand(const BundleExportOptions& options, const CommandIo& io) {
  absl::Status writable = CheckOutputPath(options.bundle_file);
  if (!writable.ok()) return ReportError(writable, io.err);
  absl::StatusOr<std::vector<BundledRun>> runs = SelectRuns(options);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  absl::Status written = WriteFileAtomically(options.bundle_file, BundleJson(*runs));
  if (!written.ok()) return ReportError(written, io.err);
  *io.out << "ipclab: " << runs->size() << " run(s) with their tags in " << options.bundle_file
          << "\n";
  io.out->flush();
  return kExitSuccess;
}

ExitCode BundleImportCommand(const BundleImportOptions& options, const CommandIo& io) {
  std::ifstream in(options.bundle_file, std::ios::binary);
  if (!in) {
    return ReportError(
        absl::NotFoundError(absl::StrCat("cannot read \"", options.bundle_file, "\"")), io.err);
  }
  std::stringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<std::vector<BundledRun>> runs = ParseBundle(contents.str(), options.bundle_file);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  absl::StatusOr<std::string> path = StorePath(options.db);
  if (!path.ok()) return ReportError(path.status(), io.err);
  absl::StatusOr<std::unique_ptr<results::ResultStore>> store =
      results::ResultStore::Open(*path, results::ResultStore::Mode::kCreate);
  if (!store.ok()) return ReportError(store.status(), io.err);
  int added = 0;
  int skipped = 0;
  for (const BundledRun& bundled : *runs) {
    absl::Status saved = (*store)->Save(bundled.run, bundled.tags);
    if (absl::IsAlreadyExists(saved)) {
      ++skipped;
    } else if (!saved.ok()) {
      return ReportError(saved, io.err);
    } else {
      ++added;
    }
  }
  *io.out << "ipclab: imported " << added << " run(s), " << skipped << " already stored, into "
          << *path << "\n";
  io.out->flush();
  return kExitSuccess;
}

}  // namespace ipclab::client
