#include "workloads/expectation_bands.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/metric_names.h"
#include "workloads/params.h"

namespace ipclab::workloads {

v1::Expectation ExpectBand(std::string metric, std::string description, double expected,
                           double lower, double upper, absl::string_view counter,
                           std::string if_deviated) {
  v1::Expectation expectation;
  expectation.set_metric(std::move(metric));
  expectation.set_description(std::move(description));
  expectation.set_expected(expected);
  expectation.set_lower(lower);
  expectation.set_upper(upper);
  expectation.set_counter(std::string(counter));
  expectation.set_if_deviated(std::move(if_deviated));
  return expectation;
}

v1::Expectation ExpectNear(std::string metric, std::string description, double expected,
                           double relative, double absolute, absl::string_view counter,
                           std::string if_deviated) {
  const double slack = relative * std::fabs(expected) + absolute;
  return ExpectBand(std::move(metric), std::move(description), expected, expected - slack,
                    expected + slack, counter, std::move(if_deviated));
}

void AppendFaultBands(absl::string_view phase, absl::string_view role, double count,
                      const std::string& why, const std::string& if_deviated, bool perf,
                      std::vector<v1::Expectation>& out) {
  out.push_back(ExpectNear(base::MetricName(phase, role, "minor_faults"), why, count,
                           kFaultRelative, kFaultAbsolute, kCounterGetrusage, if_deviated));
  if (perf) {
    out.push_back(ExpectNear(base::MetricName(phase, role, "perf_page_faults"), why, count,
                             kFaultRelative, kFaultAbsolute, kCounterPerfEvent, if_deviated));
  }
}

v1::Expectation ExpectMemoryNear(absl::string_view phase, absl::string_view role,
                                 absl::string_view metric, double bytes, std::string why,
                                 std::string if_deviated) {
  const bool smaps_rollup = metric == "pss_delta_bytes" || metric == "anon_huge_pages_delta_bytes";
  return ExpectNear(base::MetricName(phase, role, metric), std::move(why), bytes, kMemoryRelative,
                    kMemoryAbsolute, smaps_rollup ? kCounterSmapsRollup : kCounterProcStatus,
                    std::move(if_deviated));
}

}  // namespace ipclab::workloads
