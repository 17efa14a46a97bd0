#include "workloads/transfer.h"

#include "absl/strings/str_cat.h"
#include "base/metric_names.h"
#include "workloads/expectation_bands.h"

namespace ipclab::workloads {

std::vector<v1::ParamSpec> TransferParamSpecs() {
  return {
      SizeParam("message_size", 64 << 10, 1, uint64_t{64} << 20,
                "bytes per write (stream) or per message each way (pingpong)"),
      SizeParam("total_bytes", 256 << 20, 1, uint64_t{1} << 40,
                "bytes the producer sends in the steady phase; in pingpong, "
                "total_bytes / message_size round trips"),
      EnumParam("mode", "stream", {"stream", "pingpong"},
                "stream: one-way bulk transfer; pingpong: round trips, latency per round trip"),
      EnumParam("placement", "none", {"none", "same", "cross"},
                "none: the scheduler decides; same: both roles pinned to one CPU; "
                "cross: pinned to two different CPUs"),
  };
}

std::vector<RoleSpec> TransferRoles(const std::vector<int>& cpus, std::vector<int> producer_fds,
                                    std::vector<int> consumer_fds,
                                    std::function<absl::Status(RoleContext&, bool producer)> body) {
  std::vector<RoleSpec> roles(2);
  for (int r = 0; r < 2; ++r) {
    const bool producer = r == 0;
    roles[r].name = producer ? "producer" : "consumer";
    roles[r].pinned_cpu = cpus[r];
    roles[r].keep_fds = producer ? std::move(producer_fds) : std::move(consumer_fds);
    roles[r].body = [body, producer](RoleContext& role) { return body(role, producer); };
  }
  return roles;
}

v1::WorkloadSpec TransferSpec(absl::string_view name, absl::string_view summary,
                              std::vector<v1::ParamSpec> params) {
  v1::WorkloadSpec spec;
  spec.set_name(std::string(name));
  spec.set_summary(std::string(summary));
  for (v1::ParamSpec& param : params) *spec.add_params() = std::move(param);
  spec.add_roles("producer");
  spec.add_roles("consumer");
  for (const std::string& phase : TransferPhases()) spec.add_phases(phase);
  return spec;
}

absl::Status ValidateTransfer(const CaseParams& params) {
  const uint64_t message_size = params.Size("message_size");
  const uint64_t total_bytes = params.Size("total_bytes");
  if (message_size > total_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter message_size=", params.Text("message_size"), " is larger than total_bytes=",
        params.Text("total_bytes"), "; allowed: message_size <= total_bytes"));
  }
  if (params.Text("mode") == "pingpong" && total_bytes / message_size > kMaxRoundTrips) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameters total_bytes=", params.Text("total_bytes"),
        " and message_size=", params.Text("message_size"), " make ", total_bytes / message_size,
        " round trips; allowed: at most ", kMaxRoundTrips, " (total_bytes / message_size)"));
  }
  return absl::OkStatus();
}

TransferPlan MakeTransferPlan(const CaseParams& params, uint64_t window, bool verify) {
  TransferPlan plan;
  plan.message_size = params.Size("message_size");
  plan.total_bytes = params.Size("total_bytes");
  plan.pingpong = params.Text("mode") == "pingpong";
  plan.verify = verify;
  // The warm phase is the first pass through the whole window, so the steady
  // phase (which continues at the ring position warm left) touches no page
  // for the first time. Its size does not depend on total_bytes.
  if (plan.pingpong) {
    const uint64_t window_trips = (window + plan.message_size - 1) / plan.message_size;
    const uint64_t round_trips =
        std::min(std::max(kWarmRoundTrips, window_trips), kMaxWarmRoundTrips);
    plan.warm_bytes = round_trips * plan.message_size;
  } else {
    plan.warm_bytes = std::max(window, plan.message_size);
  }
  return plan;
}

void FillPattern(char* data, size_t size, uint64_t position) {
  for (size_t i = 0; i < size; ++i) {
    const uint64_t at = position + i;
    data[i] = static_cast<char>((at * 131) ^ (at >> 9));
  }
}

namespace {

// Compares the two roles' checksums and fills `result->verified`.
absl::Status CheckChecksums(const std::vector<uint64_t>& checksums, v1::RepetitionResult* result) {
  if (checksums.size() != 2 || checksums[0] != checksums[1]) {
    return absl::DataLossError(absl::StrCat(
        "data verification failed: the producer's checksum ", checksums.empty() ? 0 : checksums[0],
        " differs from the consumer's ", checksums.size() < 2 ? 0 : checksums[1]));
  }
  result->set_verified(true);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RepetitionResult> RunTransfer(const TransferPlan& plan,
                                                 const std::string& placement,
                                                 std::vector<RoleSpec> roles,
                                                 const RoleHooks& hooks) {
  IPCLAB_ASSIGN_OR_RETURN(RolesOutcome outcome,
                          RunRoles(TransferPhases(), placement, std::move(roles), hooks));
  if (plan.verify) IPCLAB_RETURN_IF_ERROR(CheckChecksums(outcome.checksums, &outcome.result));
  return std::move(outcome.result);
}

v1::Expectation NoFaultsExpectation(const std::string& phase, const std::string& role,
                                    const std::string& why, const std::string& if_deviated) {
  return ExpectBand(base::MetricName(phase, role, "minor_faults"), why, 0, 0, kFaultNoise,
                    kCounterGetrusage, if_deviated);
}

std::vector<v1::Expectation> CopyTransportExpectations(const std::string& transport) {
  std::vector<v1::Expectation> expectations;
  for (const char* phase : {"warm", "steady"}) {
    for (const char* role : {"producer", "consumer"}) {
      expectations.push_back(NoFaultsExpectation(
          phase, role,
          absl::StrCat("the ", transport,
                       " copies between the message buffers (touched in setup) and kernel "
                       "memory: no page faults in ",
                       phase),
          absl::StrCat("the ", role,
                       " faulted while moving data: its message buffer was not resident (reclaimed "
                       "or swapped out under memory pressure?) or it ran code for the first time "
                       "in this phase")));
    }
  }
  return expectations;
}

}  // namespace ipclab::workloads
