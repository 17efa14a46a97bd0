#include "results/model/expectations.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "results/model/summary.h"

namespace ipclab::results {
namespace {

const v1::MetricSummary* FindSummary(const std::vector<v1::MetricSummary>& summaries,
                                     const std::string& name) {
  for (const v1::MetricSummary& summary : summaries) {
    if (summary.name() == name) return &summary;
  }
  return nullptr;
}

}  // namespace

std::string FormatMeasurement(double value) {
  if (std::isfinite(value) && std::fabs(value) < 1e15 &&
      (value == std::round(value) || std::fabs(value) >= 1000)) {
    return absl::StrCat(static_cast<int64_t>(std::llround(value)));
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", value);
  return text;
}

std::vector<v1::Expectation> Judge(std::vector<v1::Expectation> expected,
                                   const std::vector<v1::MetricSummary>& summaries) {
  return Judge(std::move(expected), summaries, {});
}

std::vector<v1::Expectation> Judge(std::vector<v1::Expectation> expected,
                                   const std::vector<v1::MetricSummary>& summaries,
                                   const std::vector<v1::RepetitionResult>& measured) {
  // Each measured repetition summarized alone: its "median" is its value.
  std::vector<std::vector<v1::MetricSummary>> per_repetition;
  for (const v1::RepetitionResult& repetition : measured) {
    if (!repetition.warmup()) per_repetition.push_back(SummarizeCase({repetition}));
  }
  for (v1::Expectation& expectation : expected) {
    expectation.clear_repetitions_judged();
    expectation.clear_repetitions_out_of_band();
    expectation.clear_measured();
    expectation.clear_reason();
    const v1::MetricSummary* summary = FindSummary(summaries, expectation.metric());
    if (summary == nullptr || summary->n() == 0) {
      expectation.set_verdict(v1::VERDICT_UNSPECIFIED);
      expectation.set_reason(
          absl::StrCat(expectation.metric(), " was not measured",
                       expectation.counter().empty()
                           ? ""
                           : absl::StrCat(" (", expectation.counter(), " not available)")));
      continue;
    }
    const double median = summary->median();
    expectation.set_measured(median);
    auto in_band = [&](double value) {
      return value >= expectation.lower() && value <= expectation.upper();
    };
    std::vector<double> outliers;
    for (const std::vector<v1::MetricSummary>& repetition : per_repetition) {
      const v1::MetricSummary* value = FindSummary(repetition, expectation.metric());
      if (value == nullptr || value->n() == 0) continue;
      expectation.set_repetitions_judged(expectation.repetitions_judged() + 1);
      if (!in_band(value->median())) outliers.push_back(value->median());
    }
    expectation.set_repetitions_out_of_band(static_cast<uint32_t>(outliers.size()));
    if (in_band(median) && outliers.empty()) {
      expectation.set_verdict(v1::MATCHED);
      continue;
    }
    expectation.set_verdict(v1::DEVIATED);
    std::string reason;
    if (in_band(median)) {
      std::vector<std::string> values;
      for (double value : outliers) values.push_back(FormatMeasurement(value));
      reason = absl::StrCat(outliers.size(), " of ", expectation.repetitions_judged(),
                            " repetitions out of band (measured ", absl::StrJoin(values, ", "),
                            "; median ", FormatMeasurement(median), "), expected ",
                            FormatMeasurement(expectation.lower()), " to ",
                            FormatMeasurement(expectation.upper()));
    } else {
      reason = absl::StrCat("measured ", FormatMeasurement(median), " (median of ", summary->n(),
                            "), ", median < expectation.lower() ? "below" : "above",
                            " the expected ", FormatMeasurement(expectation.lower()), " to ",
                            FormatMeasurement(expectation.upper()));
      if (expectation.repetitions_judged() > 0) {
        absl::StrAppend(&reason, "; ", outliers.size(), " of ", expectation.repetitions_judged(),
                        " repetitions out of band");
      }
    }
    if (!expectation.if_deviated().empty())
      absl::StrAppend(&reason, ": ", expectation.if_deviated());
    expectation.set_reason(std::move(reason));
  }
  return expected;
}

v1::Verdict OverallVerdict(const std::vector<v1::Expectation>& judged) {
  bool matched = false;
  for (const v1::Expectation& expectation : judged) {
    if (expectation.verdict() == v1::DEVIATED) return v1::DEVIATED;
    matched |= expectation.verdict() == v1::MATCHED;
  }
  return matched ? v1::MATCHED : v1::VERDICT_UNSPECIFIED;
}

}  // namespace ipclab::results
