#include "results/model/expectations.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

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
  for (v1::Expectation& expectation : expected) {
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
    if (median >= expectation.lower() && median <= expectation.upper()) {
      expectation.set_verdict(v1::MATCHED);
      continue;
    }
    expectation.set_verdict(v1::DEVIATED);
    std::string reason = absl::StrCat(
        "measured ", FormatMeasurement(median), " (median of ", summary->n(), "), ",
        median < expectation.lower() ? "below" : "above", " the expected ",
        FormatMeasurement(expectation.lower()), " to ", FormatMeasurement(expectation.upper()));
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
