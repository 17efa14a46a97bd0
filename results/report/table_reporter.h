// Tables for people: the result of one run (the catalog, the host and the
// doctor's checks are info_report.h). Everything is written to an std::ostream so tests compare
// golden text. Reporters compute no statistics: they read CaseResult.summaries (and only fall back
// to SummarizeCase when a result carries none).
#ifndef IPCLAB_RESULTS_REPORT_TABLE_REPORTER_H_
#define IPCLAB_RESULTS_REPORT_TABLE_REPORTER_H_

#include <ostream>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/report/table_options.h"

namespace ipclab::results {

// What `ipclab run` prints: a header saying where the numbers came from
// (workload, run id, start time and duration, server, host, kernel, CPU, THP,
// repetitions and warm-up, the parameters every case shares), a table with
// one row per case (placement, status, steady throughput median and ±cv,
// messages/s, latency p50/p99, and the verdict when the cases carry
// expectations), then per case the workload's notes (e.g. the pipe capacity
// the kernel granted), a table of phases and roles (median faults, context
// switches, CPU time, wall time), a memory table (RssAnon, RssShmem, VmRSS
// before→after of the last measured repetition, with the median delta) and
// its expectations (metric, measured median, expected band, counter; the
// reason below each one that deviated or was not measured). Failed cases
// show their error.
void PrintRunTable(const v1::RunResult& run, std::ostream* out);

// What `ipclab run` prints for one run, as much as `options.detail` asks:
// kBrief the header and the case table; kNormal also the legend, the noise
// and errors, and every expectation that DEVIATED with its reason; kFull all
// of PrintRunTable. The case table drops columns by priority (msgs/s first)
// to fit options.max_width and names them.
void PrintRunReport(const v1::RunResult& run, const TableOptions& options, std::ostream* out);

// Where a run's numbers came from, as PrintRunTable's header shows it
// (without the server), for reporters that print it once for several runs:
//   "host lab1  Linux 6.1.0-18-amd64 x86_64  ipclab 0.1.0"
//   "cpu Intel(R) Xeon(R) ...  2 CPUs (allowed 0-1)  THP enabled=madvise defrag=madvise"
std::vector<std::string> HostLines(const v1::HostInfo& host);

// Bytes where one page matters (a ring of 1 MiB plus a 4 KiB header page):
// FormatBytes, except that whole KiB below 10,000 KiB that FormatBytes would
// round are written exactly: 1052672 -> "1,028 KiB" (not "1.00 MiB"),
// 65536 -> "64 KiB", -1052672 -> "-1,028 KiB", 66175631.36 -> "63.1 MiB".
std::string FormatPageBytes(double bytes);

// "5 measured repetitions per case after 1 warm-up", "1 measured repetition
// per case, no warm-up": the counts the server used (its defaults, 5 and 1,
// when the request left them unset).
std::string RepetitionsLine(const v1::RunResult& run);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_TABLE_REPORTER_H_
