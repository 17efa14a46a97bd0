#include "results/store/store_rows.h"

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

}  // namespace ipclab::results::schema
