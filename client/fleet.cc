#include "client/fleet.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "results/report/json_reporter.h"
#include "results/report/json_writer.h"

namespace ipclab::client {
namespace {

constexpr char kFleetTargetForms[] =
    "expected dns:///NAME:PORT (e.g. dns:///ipclabd.ipclab.svc:7557)";

// RAII for getaddrinfo's list.
struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

std::string NumericAddress(const sockaddr* address, socklen_t length, const std::string& port) {
  char host[NI_MAXHOST];
  if (getnameinfo(address, length, host, sizeof(host), nullptr, 0, NI_NUMERICHOST) != 0) return "";
  return address->sa_family == AF_INET6 ? absl::StrCat("[", host, "]:", port)
                                        : absl::StrCat(host, ":", port);
}

bool Succeeded(const HostOutcome& outcome) {
  return outcome.error.ok() && !outcome.results.empty() &&
         std::all_of(outcome.results.begin(), outcome.results.end(),
                     [](const v1::RunResult& run) { return run.status() == v1::SUCCEEDED; });
}

// Why a host did not succeed: its error, or its runs that did not.
std::string FailureText(const HostOutcome& outcome) {
  if (!outcome.error.ok()) return std::string(outcome.error.message());
  std::vector<std::string> parts;
  for (const v1::RunResult& run : outcome.results) {
    if (run.status() == v1::SUCCEEDED) continue;
    parts.push_back(absl::StrCat("run ", run.run_id(), " ", v1::RunStatus_Name(run.status()),
                                 run.error().empty() ? "" : ": ", run.error()));
  }
  return parts.empty() ? "no result" : absl::StrJoin(parts, "; ");
}

// The server --reference-host names: a server address, else the hostname of
// a host with results. "" when none matches.
std::string ReferenceServer(const std::string& wanted, const results::FleetOutcome& fleet) {
  if (wanted.empty()) return "";
  for (const std::string& server : results::FleetColumns(fleet)) {
    if (server == wanted) return server;
  }
  for (const v1::RunResult& run : fleet.runs) {
    if (run.host().hostname() == wanted) return run.server();
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveFleetTarget(absl::string_view target) {
  absl::string_view rest = target;
  if (!absl::ConsumePrefix(&rest, "dns:///") && !absl::ConsumePrefix(&rest, "dns:")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fleet \"", target, "\": ", kFleetTargetForms));
  }
  std::string name;
  std::string port;
  if (absl::ConsumePrefix(&rest, "[")) {  // [v6 address]:port
    const size_t close = rest.find("]:");
    if (close != absl::string_view::npos) {
      name = std::string(rest.substr(0, close));
      port = std::string(rest.substr(close + 2));
    }
  } else {
    const size_t colon = rest.rfind(':');
    if (colon != absl::string_view::npos) {
      name = std::string(rest.substr(0, colon));
      port = std::string(rest.substr(colon + 1));
    }
  }
  int port_number = 0;
  if (name.empty() || !absl::SimpleAtoi(port, &port_number) || port_number < 1 ||
      port_number > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--fleet \"", target, "\": needs a name and a port 1-65535; ", kFleetTargetForms));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int code = getaddrinfo(name.c_str(), port.c_str(), &hints, &found);
  if (code != 0) {
    return absl::UnavailableError(
        absl::StrCat("--fleet ", target, ": cannot resolve \"", name, "\": ", gai_strerror(code)));
  }
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  std::vector<std::string> addresses;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    const std::string address = NumericAddress(entry->ai_addr, entry->ai_addrlen, port);
    if (address.empty()) continue;
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
      addresses.push_back(address);
    }
  }
  if (addresses.empty()) {
    return absl::UnavailableError(
        absl::StrCat("--fleet ", target, ": \"", name, "\" resolves to no address"));
  }
  return addresses;
}

std::string NewFleetId() {
  std::random_device device;
  const uint64_t bits = (uint64_t{device()} << 32) ^ device();
  return absl::StrFormat("f-%012x", bits & 0xffffffffffffULL);
}

FleetProgress::FleetProgress(std::ostream* err, bool enabled, std::string fleet_id)
    : err_(err), enabled_(enabled), fleet_id_(std::move(fleet_id)) {}

std::string FleetProgress::Summary(const HostOutcome& outcome, double seconds) {
  std::string text;
  if (Succeeded(outcome)) {
    text = absl::StrCat("done: ", outcome.results.size(),
                        outcome.results.size() == 1 ? " run" : " runs");
  } else {
    text = absl::StrCat("FAILED: ", FailureText(outcome));
  }
  return absl::StrCat(text, absl::StrFormat(" (%.1f s)", seconds));
}

void FleetProgress::HostFinished(const std::string& server, const HostOutcome& outcome,
                                 double seconds) {
  if (!enabled_) return;
  const std::string line =
      absl::StrCat("fleet ", fleet_id_, ": ", server, " ", Summary(outcome, seconds), "\n");
  absl::MutexLock lock(&mu_);
  *err_ << line;
  err_->flush();
}

std::string FleetJson(const results::FleetOutcome& fleet) {
  std::ostringstream head;
  {
    results::JsonWriter json(&head);
    json.BeginObject();
    json.Key("fleetId").String(fleet.fleet_id);
    json.Key("referenceServer").String(fleet.reference_server);
    json.Key("servers").BeginArray();
    for (const std::string& server : fleet.servers) json.String(server);
    json.EndArray();
    json.Key("failures").BeginArray();
    for (const results::FleetFailure& failure : fleet.failures) {
      json.BeginObject();
      json.Key("server").String(failure.server);
      json.Key("error").String(failure.error);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  // The runs are proto3 JSON, written by protobuf: splice them in as the
  // last member.
  std::string text(absl::StripSuffix(absl::StripTrailingAsciiWhitespace(head.str()), "}"));
  text = std::string(absl::StripTrailingAsciiWhitespace(text));
  absl::StrAppend(&text, ",\n  \"runs\": [");
  for (size_t i = 0; i < fleet.runs.size(); ++i) {
    absl::StrAppend(&text, i == 0 ? "\n" : ",\n",
                    absl::StripSuffix(results::ToJson(fleet.runs[i]), "\n"));
  }
  absl::StrAppend(&text, fleet.runs.empty() ? "]\n}\n" : "\n  ]\n}\n");
  return text;
}

ExitCode ReportFleetRun(const FleetReportOptions& options, std::vector<HostOutcome> outcomes,
                        results::ResultStore* store, const CommandIo& io) {
  results::FleetOutcome fleet;
  fleet.fleet_id = options.fleet_id;
  fleet.servers = options.servers;
  size_t failed = 0;
  ExitCode all_failed_code = kExitSuccess;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    for (v1::RunResult& run : outcomes[i].results) {
      run.set_fleet_id(options.fleet_id);
      fleet.runs.push_back(run);  // a copy: the outcome is judged below
    }
    const HostOutcome& outcome = outcomes[i];
    if (Succeeded(outcome)) continue;
    ++failed;
    all_failed_code = WorseExitCode(
        all_failed_code, outcome.error.ok() ? kExitServerError : ExitCodeFor(outcome.error));
    // A host whose run finished FAILED keeps its column; one without any
    // result is listed under the table.
    if (!outcome.error.ok() || outcome.results.empty()) {
      fleet.failures.push_back({options.servers[i], FailureText(outcome)});
    }
  }
  fleet.reference_server = ReferenceServer(options.reference_host, fleet);
  if (!options.reference_host.empty() && fleet.reference_server.empty() && !fleet.runs.empty()) {
    *io.err << "ipclab: --reference-host " << options.reference_host
            << " is no host with results; the first one is the reference\n";
  }
  const std::vector<std::string> columns = results::FleetColumns(fleet);
  if (fleet.reference_server.empty() && !columns.empty()) fleet.reference_server = columns[0];

  switch (options.format) {
    case OutputFormat::kJson:
      *io.out << FleetJson(fleet);
      break;
    case OutputFormat::kCsv:
      PrintRunResults(fleet.runs, options.format, /*comparison=*/false, /*as_array=*/true, io.out);
      break;
    case OutputFormat::kTable:
      results::PrintHostColumnsTable(fleet, results::CompareOptions(), io.out);
      break;
  }
  io.out->flush();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (Succeeded(outcomes[i])) continue;
    *io.err << "ipclab: " << options.servers[i] << ": " << FailureText(outcomes[i]) << "\n";
  }

  ExitCode exit_code = kExitSuccess;
  if (failed == outcomes.size()) {
    exit_code = all_failed_code;
  } else if (failed > 0) {
    exit_code = kExitServerError;
  }
  if (!options.out_file.empty()) {
    absl::Status written = WriteFileAtomically(options.out_file, FleetJson(fleet));
    if (!written.ok()) exit_code = WorseExitCode(exit_code, ReportError(written, io.err));
  }
  if (store != nullptr && !fleet.runs.empty()) {
    StoreFlags flags = options.store;
    flags.tags.erase(std::remove_if(flags.tags.begin(), flags.tags.end(),
                                    [](const std::string& tag) {
                                      return absl::StartsWith(
                                          tag, absl::StrCat(results::kFleetTag, "="));
                                    }),
                     flags.tags.end());
    flags.tags.push_back(absl::StrCat(results::kFleetTag, "=", options.fleet_id));
    absl::Status saved = SaveRuns(store, flags, fleet.runs);
    if (!saved.ok()) {
      *io.err << "ipclab: result not stored: " << saved.message() << "\n";
      exit_code = WorseExitCode(exit_code, kExitUsage);
    } else if (options.announce_stored) {
      *io.err << "stored " << fleet.runs.size() << (fleet.runs.size() == 1 ? " run" : " runs")
              << " of fleet " << options.fleet_id << " in " << store->path()
              << " (select with fleet:" << options.fleet_id << ")\n";
    }
  }
  return exit_code;
}

}  // namespace ipclab::client
