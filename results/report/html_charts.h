// The charts of the HTML report (html_report.h), as inline SVG: the small
// multiples - a panel per placement and, when the runs span hosts, a column
// per host - of stream throughput, round-trip percentiles and fault cost per
// page, and a run's per-phase faults and RSS; plus the few helpers the rest
// of the page shares with them. Internal to results/report.
#ifndef IPCLAB_RESULTS_REPORT_HTML_CHARTS_H_
#define IPCLAB_RESULTS_REPORT_HTML_CHARTS_H_

#include <ostream>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results::html {

// The first 8 characters of a run id.
std::string ShortId(const std::string& id);
// The case's value of parameter `name`; "" if it has none.
std::string Param(const v1::CaseResult& result, const std::string& name);
// The runs' hostnames, each once, in the order the runs name them.
std::vector<std::string> Hosts(const std::vector<v1::RunResult>& runs);

// The sections of small multiples; each writes its heading and returns
// whether the runs had anything for it (nothing is written otherwise).
bool StreamSection(const std::vector<v1::RunResult>& runs, std::ostream* out);
bool LatencySection(const std::vector<v1::RunResult>& runs, std::ostream* out);
bool FaultSection(const std::vector<v1::RunResult>& runs, std::ostream* out);

// Minor faults and RSS growth per phase for the first cases of `run`, a
// bar per phase.
void PhaseSection(const v1::RunResult& run, std::ostream* out);

}  // namespace ipclab::results::html

#endif  // IPCLAB_RESULTS_REPORT_HTML_CHARTS_H_
