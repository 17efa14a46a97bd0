// What `ipclab compare` prints: a Comparison as an aligned table for people,
// a Markdown table (for pull requests and CI job summaries) or JSON for
// machines. Printers compute nothing; every number comes from compare.h.
#ifndef IPCLAB_RESULTS_REPORT_COMPARISON_REPORT_H_
#define IPCLAB_RESULTS_REPORT_COMPARISON_REPORT_H_

#include <optional>
#include <ostream>
#include <string>

#include "results/compare/compare.h"

namespace ipclab::results {

// Who is compared (one line per run of each side), the warnings, a table
// with a row per (case, metric): medians, repetitions, change, 95% CI of the
// change, p-value, verdict; then the cases found on one side only, what the
// columns mean, and why each noisy verdict is noisy.
void PrintComparisonText(const Comparison& comparison, std::ostream* out);

// The same as GitHub-flavoured Markdown.
void PrintComparisonMarkdown(const Comparison& comparison, std::ostream* out);

// Every field of the Comparison as one JSON object (lowerCamelCase names as
// in the proto3 mapping; ratios as fractions, 0.05 for 5%).
void PrintComparisonJson(const Comparison& comparison, std::ostream* out);

// Cell texts shared with the gate report:
// "+3.1%" (relative) or "+12 faults/page" (absolute, when the base is 0).
std::string ChangeText(const MetricComparison& c);
// "[-4.0%, +1.2%]" or absolute; "-" without a CI.
std::string ConfidenceText(const MetricComparison& c);
// "0.029", "0.700", "2.1e-05"; "-" for metrics measured on one side only.
std::string PValueText(const MetricComparison& c);
// "4.54 GB/s" or "-" when n = 0.
std::string MedianText(const MetricComparison& c, bool candidate);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_COMPARISON_REPORT_H_
