#include "client/run_request.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "client/suggest.h"

namespace ipclab::client {
namespace {

// Splits "NAME=REST" at the first '='.
absl::StatusOr<std::pair<std::string, std::string>> SplitAssignment(absl::string_view flag,
                                                                    absl::string_view text,
                                                                    absl::string_view expected) {
  const size_t equals = text.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", flag, " \"", text, "\": expected ", expected));
  }
  absl::string_view name = absl::StripAsciiWhitespace(text.substr(0, equals));
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", flag, " \"", text, "\": the parameter name is empty"));
  }
  return std::make_pair(std::string(name), std::string(text.substr(equals + 1)));
}

void RemoveSweep(absl::string_view name, v1::RunRequest* request) {
  auto* sweeps = request->mutable_sweeps();
  for (int i = 0; i < sweeps->size(); ++i) {
    if (sweeps->Get(i).name() == name) {
      sweeps->DeleteSubrange(i, 1);
      return;
    }
  }
}

}  // namespace

absl::StatusOr<ParamAssignment> ParseParamFlag(absl::string_view text) {
  IPCLAB_ASSIGN_OR_RETURN(auto parts,
                          SplitAssignment("-p", text, "NAME=VALUE, e.g. -p message_size=64KiB"));
  return ParamAssignment{std::move(parts.first), std::move(parts.second)};
}

absl::StatusOr<v1::Sweep> ParseSweepFlag(absl::string_view text) {
  IPCLAB_ASSIGN_OR_RETURN(
      auto parts,
      SplitAssignment("--sweep", text, "NAME=V1,V2,..., e.g. --sweep message_size=4KiB,64KiB"));
  v1::Sweep sweep;
  sweep.set_name(parts.first);
  for (absl::string_view value : absl::StrSplit(parts.second, ',')) {
    value = absl::StripAsciiWhitespace(value);
    if (value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed --sweep \"", text, "\": empty value in the list"));
    }
    sweep.add_values(std::string(value));
  }
  return sweep;
}

namespace {

// `accepted` null: every name applies.
absl::Status ApplyFlags(const RunFlags& flags, const std::set<std::string>* accepted,
                        v1::RunRequest* request, std::set<std::string>* unused) {
  std::set<std::string> given;  // names the user set, to refuse duplicates
  auto applies = [&](const std::string& name) {
    if (accepted == nullptr || accepted->count(name) > 0) return true;
    if (unused != nullptr) unused->insert(name);
    return false;
  };
  for (const std::string& text : flags.params) {
    IPCLAB_ASSIGN_OR_RETURN(ParamAssignment param, ParseParamFlag(text));
    if (!given.insert(param.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter ", param.name, " is given more than once"));
    }
    if (!applies(param.name)) continue;
    RemoveSweep(param.name, request);
    (*request->mutable_params())[param.name] = param.value;
  }
  for (const std::string& text : flags.sweeps) {
    IPCLAB_ASSIGN_OR_RETURN(v1::Sweep sweep, ParseSweepFlag(text));
    if (!given.insert(sweep.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter ", sweep.name(), " is given more than once (-p or --sweep)"));
    }
    if (!applies(sweep.name())) continue;
    request->mutable_params()->erase(sweep.name());
    RemoveSweep(sweep.name(), request);
    *request->add_sweeps() = std::move(sweep);
  }
  if (flags.repetitions.has_value()) request->set_repetitions(*flags.repetitions);
  if (flags.warmup.has_value()) request->set_warmup(*flags.warmup);
  if (flags.min_time_seconds.has_value()) request->set_min_time_seconds(*flags.min_time_seconds);
  if (flags.rounds.has_value()) request->set_rounds(*flags.rounds);
  if (flags.verify) request->set_verify(true);
  if (!flags.label.empty()) request->set_label(flags.label);
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyRunFlags(const RunFlags& flags, v1::RunRequest* request) {
  return ApplyFlags(flags, nullptr, request, nullptr);
}

absl::Status ApplyRunFlagsWhereAccepted(const RunFlags& flags,
                                        const std::set<std::string>& accepted,
                                        v1::RunRequest* request, std::set<std::string>* unused) {
  return ApplyFlags(flags, &accepted, request, unused);
}

absl::Status CheckAgainstCatalog(const v1::RunRequest& request,
                                 const v1::ListWorkloadsResponse& catalog) {
  const v1::WorkloadSpec* spec = nullptr;
  std::vector<std::string> workloads;
  for (const v1::WorkloadSpec& candidate : catalog.workloads()) {
    workloads.push_back(candidate.name());
    if (candidate.name() == request.workload()) spec = &candidate;
  }
  if (spec == nullptr) {
    return absl::NotFoundError(absl::StrCat("unknown workload \"", request.workload(),
                                            "\"; known workloads: ", absl::StrJoin(workloads, ", "),
                                            DidYouMean(request.workload(), workloads)));
  }
  std::vector<std::string> names;
  for (const v1::ParamSpec& param : spec->params()) names.push_back(param.name());
  auto check = [&](const std::string& name, const std::string& value) -> absl::Status {
    const v1::ParamSpec* param = nullptr;
    for (const v1::ParamSpec& candidate : spec->params()) {
      if (candidate.name() == name) param = &candidate;
    }
    if (param == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown parameter \"", name, "\" for workload ", spec->name(), DidYouMean(name, names),
          "; it takes: ", absl::StrJoin(names, ", "), " (see `ipclab list`)"));
    }
    // Values past this length are the server's to refuse, with its limit.
    constexpr size_t kLongestCheckedValue = 256;
    if (param->allowed_size() == 0 || value.size() > kLongestCheckedValue) {
      return absl::OkStatus();
    }
    const std::vector<std::string> allowed(param->allowed().begin(), param->allowed().end());
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", name, "=\"", value, "\" of workload ", spec->name(),
                     " is not one of ", absl::StrJoin(allowed, "|"), DidYouMean(value, allowed)));
  };
  for (const auto& [name, value] : request.params()) IPCLAB_RETURN_IF_ERROR(check(name, value));
  for (const v1::Sweep& sweep : request.sweeps()) {
    for (const std::string& value : sweep.values()) {
      IPCLAB_RETURN_IF_ERROR(check(sweep.name(), value));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RunRequest> BuildRunRequest(absl::string_view workload, const RunFlags& flags) {
  v1::RunRequest request;
  request.set_workload(std::string(workload));
  IPCLAB_RETURN_IF_ERROR(ApplyRunFlags(flags, &request));
  return request;
}

}  // namespace ipclab::client
