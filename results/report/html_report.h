// `ipclab report --html`: one self-contained HTML file (inline CSS and SVG,
// no scripts, no fonts or images from the network) that shows one or more
// runs, a table of contents first, then:
//   - Comparison (with two or more runs): every run against the earlier run
//     of the same workload and request (like with like: a matrix against a
//     matrix pairs pipe stream with pipe stream, never with run #1), one
//     chart of each case's headline change (throughput, round-trip p50 or ns
//     per page) with its 95% CI coloured by verdict, the counts of verdicts,
//     and each pair's full comparison folded;
//   - Answers: the matrix summary as `ipclab run` prints it;
//   - small multiples, a panel per placement (1 CPU, 2 CPUs) and, when the
//     runs span hosts, a column per host side by side: stream throughput
//     against message size (log axis), round-trip percentiles (log axis),
//     page faults and copy-on-write in ns per page per kind of page; every
//     transport and kind of page keeps one Okabe-Ito colour throughout;
//   - noise, faults and RSS per phase (folded per run), expectations, the
//     hosts side by side and the runs, and the run tables as text (folded).
#ifndef IPCLAB_RESULTS_REPORT_HTML_REPORT_H_
#define IPCLAB_RESULTS_REPORT_HTML_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/compare/compare.h"

namespace ipclab::results {

struct ReportOptions {
  std::string title = "ipclab report";
  std::string generated_at;  // shown in the header; "" leaves it out (golden tests)
  CompareOptions compare;
};

void PrintHtmlReport(const std::vector<v1::RunResult>& runs, const ReportOptions& options,
                     std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_HTML_REPORT_H_
