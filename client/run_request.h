// Turning the `run` command line (-p, --sweep, --repetitions, --warmup,
// --verify, --label) into a v1::RunRequest. Only the syntax is checked here;
// names and values are validated by the server, which knows the catalog.
#ifndef IPCLAB_CLIENT_RUN_REQUEST_H_
#define IPCLAB_CLIENT_RUN_REQUEST_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::client {

// The run options as given on the command line.
struct RunFlags {
  std::vector<std::string> params;  // "-p NAME=VALUE", in order
  std::vector<std::string> sweeps;  // "--sweep NAME=V1,V2,...", in order
  std::optional<uint32_t> repetitions;
  std::optional<uint32_t> warmup;
  std::optional<double> min_time_seconds;  // --min-time; absent: the server's default
  std::optional<uint32_t> rounds;          // --rounds; absent: the server's default
  bool verify = false;
  std::string label;
};

// One "NAME=VALUE". INVALID_ARGUMENT (a usage error) without '=' or a name.
struct ParamAssignment {
  std::string name;
  std::string value;
};
absl::StatusOr<ParamAssignment> ParseParamFlag(absl::string_view text);

// One "NAME=V1,V2,...". INVALID_ARGUMENT without '=', a name, or with an
// empty value ("a=1,,2", "a=").
absl::StatusOr<v1::Sweep> ParseSweepFlag(absl::string_view text);

// The request for `workload`. INVALID_ARGUMENT for a malformed flag or a name
// given twice (as -p twice, as --sweep twice, or as both).
absl::StatusOr<v1::RunRequest> BuildRunRequest(absl::string_view workload, const RunFlags& flags);

// Applies the user's -p/--sweep/--repetitions/... on top of a predefined
// request (the matrix): a user -p replaces the predefined value or sweep of
// that name, a user --sweep replaces the predefined value or sweep of that
// name, other predefined entries stay. Same errors as BuildRunRequest.
absl::Status ApplyRunFlags(const RunFlags& flags, v1::RunRequest* request);

// For matrices: -p and --sweep apply only to the requests whose workload takes
// that parameter (`accepted` holds its parameter names); the other flags apply
// to all. Names that no request accepts are added to `unused`.
absl::Status ApplyRunFlagsWhereAccepted(const RunFlags& flags,
                                        const std::set<std::string>& accepted,
                                        v1::RunRequest* request, std::set<std::string>* unused);

// The names in `request` checked against the server's catalog before
// anything runs, each refusal with a suggestion when a known name is close:
// NOT_FOUND for an unknown workload ("unknown workload \"pipee\"; known
// workloads: pipe, ... (did you mean \"pipe\"?)"), INVALID_ARGUMENT for an
// unknown parameter (naming the ones the workload takes) or an enum/bool
// value outside its allowed values. Sizes and ranges are the server's to
// check.
absl::Status CheckAgainstCatalog(const v1::RunRequest& request,
                                 const v1::ListWorkloadsResponse& catalog);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RUN_REQUEST_H_
