// The rows of the `repetitions` table, as data, so both backends store the
// same numbers: RepetitionRows() follows today's metric rules
// (results/model); migration 2 keeps its own frozen copy (migration_2.h).
// And a row of the runs list, read the same way from both backends.
#ifndef IPCLAB_RESULTS_STORE_STORE_ROWS_H_
#define IPCLAB_RESULTS_STORE_STORE_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/store.h"

namespace ipclab::results::schema {

// One measured repetition of one case.
struct RepetitionRow {
  int case_index = 0;
  int repetition = 0;  // among the measured ones, from 0
  std::string headline_phase;
  std::optional<int64_t> wall_ns;
  // throughput_bytes_per_sec, latency_p50_ns, latency_p99_ns,
  // faults_per_page, rss_growth_bytes: in the table's column order.
  std::optional<double> metrics[5];
};

// Every measured repetition of `run`, with today's metric rules.
std::vector<RepetitionRow> RepetitionRows(const v1::RunResult& run);

// A row of the runs list from its columns, by index: run_id, workload,
// status, started_at_us, label, server, hostname, kernel_release, case_count,
// repetition_count, and the tags as key<US>value pairs joined by <RS>.
// The run `id_or_prefix` names, from `ids`: the run with that id (first) and
// up to six whose ids start with it. NOT_FOUND for none, INVALID_ARGUMENT
// for a prefix of several; `store_path` says where the runs were looked up.
absl::StatusOr<std::string> OneRunId(absl::string_view id_or_prefix,
                                     const std::vector<std::string>& ids,
                                     absl::string_view store_path);

StoredRun ListedRun(absl::FunctionRef<std::string(int)> text,
                    absl::FunctionRef<int64_t(int)> integer);

}  // namespace ipclab::results::schema

#endif  // IPCLAB_RESULTS_STORE_STORE_ROWS_H_
