// What `results list --filter` and `--tag` accept: the filter terms and the
// key=value tags, parsed into a RunFilter the store turns into SQL.
#ifndef IPCLAB_RESULTS_STORE_RUN_FILTER_H_
#define IPCLAB_RESULTS_STORE_RUN_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ipclab::results {

using Tags = std::vector<std::pair<std::string, std::string>>;

// The tag under which the runs of one fleet run share their fleet id
// (RunResult.fleet_id): `fleet:ID` selects them as tag:fleet=ID does.
inline constexpr char kFleetTag[] = "fleet";

// What `results list --filter` selects; every condition must hold.
struct RunFilter {
  std::string workload;             // exact
  std::string label;                // exact
  Tags tags;                        // each key=value present
  std::optional<int64_t> since_us;  // started at or after
  std::string status;               // exact, upper case
  int limit = 0;                    // newest N; 0: all
};

// Parses filter terms: "workload=pipe", "label=nightly", "tag:commit=abc",
// "since=2024-05-01", "since=2024-05-01T10:00:00Z", "since=7d" / "12h" /
// "30m" (before `now`), "status=failed", "fleet:ID" (the runs of one fleet
// run: tag fleet=ID). INVALID_ARGUMENT naming a
// malformed term and the accepted forms.
absl::StatusOr<RunFilter> ParseRunFilter(const std::vector<std::string>& terms, absl::Time now);

// Parses "key=value" as given to --tag: a non-empty key of letters, digits,
// '_', '-', '.', '/'; the value may be empty.
absl::StatusOr<std::pair<std::string, std::string>> ParseTag(absl::string_view text);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_STORE_RUN_FILTER_H_
