// `ipclab report --html`: one self-contained HTML file (inline CSS and SVG,
// no scripts, no fonts or images from the network) that shows one or more
// runs:
//   - the runs: id, workload, time, host, kernel, THP, CPU, label, status;
//   - throughput against message size, one line per transport and setting
//     (workload plus the parameters that vary, other than message_size),
//     whiskers from the slowest to the fastest repetition; a bar per case
//     when no run sweeps message_size;
//   - latency percentiles (p50, p90, p99, p99.9) of every case with latency;
//   - minor faults and RSS growth per phase, per run, one bar per case;
//   - with two or more runs, each later run against the first: the change
//     of every metric with its 95% CI, coloured by verdict (compare.h);
//   - the expectations of every case and the run tables as text.
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
