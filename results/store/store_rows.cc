#include "results/store/store_rows.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "results/model/case_metrics.h"
#include "results/model/phases.h"

namespace ipclab::results::schema {

std::vector<RepetitionRow> RepetitionRows(const v1::RunResult& run) {
  static const char* const kKeys[] = {"throughput", "p50", "p99", "faults_per_page", "rss_growth"};
  const uint64_t page_size = run.host().page_size_bytes();
  std::vector<RepetitionRow> rows;
  for (int index = 0; index < run.cases_size(); ++index) {
    const v1::CaseResult& result = run.cases(index);
    const std::string headline = HeadlinePhase(result);
    int measured = 0;
    for (const v1::RepetitionResult& repetition : result.repetitions()) {
      if (repetition.warmup()) continue;
      RepetitionRow row;
      row.case_index = index;
      row.repetition = measured++;
      row.headline_phase = headline;
      if (const v1::PhaseResult* phase = FindPhase(repetition, headline)) {
        row.wall_ns = phase->wall_ns();
      }
      for (int k = 0; k < 5; ++k) {
        row.metrics[k] = RepetitionValue(result, repetition, *FindCaseMetric(kKeys[k]), page_size);
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

absl::StatusOr<std::string> OneRunId(absl::string_view id_or_prefix,
                                     const std::vector<std::string>& ids,
                                     absl::string_view store_path) {
  if (ids.empty()) {
    return absl::NotFoundError(absl::StrCat("no stored run with id \"", id_or_prefix, "\" in \"",
                                            store_path, "\" (see `ipclab results list`)"));
  }
  if (ids.front() == id_or_prefix || ids.size() == 1) return ids.front();
  return absl::InvalidArgumentError(absl::StrCat("run id prefix \"", id_or_prefix,
                                                 "\" is ambiguous: ", absl::StrJoin(ids, ", "),
                                                 ids.size() > 5 ? ", ..." : ""));
}

StoredRun ListedRun(absl::FunctionRef<std::string(int)> text,
                    absl::FunctionRef<int64_t(int)> integer) {
  StoredRun run;
  run.run_id = text(0);
  run.workload = text(1);
  run.status = text(2);
  run.started_at_us = integer(3);
  run.label = text(4);
  run.server = text(5);
  run.hostname = text(6);
  run.kernel_release = text(7);
  run.case_count = static_cast<int>(integer(8));
  run.repetitions = static_cast<int>(integer(9));
  const std::string tags = text(10);
  for (absl::string_view pair : absl::StrSplit(tags, '\x1e', absl::SkipEmpty())) {
    std::pair<std::string, std::string> tag = absl::StrSplit(pair, absl::MaxSplits('\x1f', 1));
    run.tags.push_back(std::move(tag));
  }
  std::sort(run.tags.begin(), run.tags.end());
  return run;
}

}  // namespace ipclab::results::schema
