// Tables for people: the workload catalog, the host facts and the result of
// one run. Everything is written to an std::ostream so tests compare golden
// text. Reporters compute no statistics: they read CaseResult.summaries (and
// only fall back to SummarizeCase when a result carries none).
#ifndef IPCLAB_RESULTS_TABLE_REPORTER_H_
#define IPCLAB_RESULTS_TABLE_REPORTER_H_

#include <ostream>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// Per workload: its name and summary, roles and phases, then a table of its
// parameters (name, type, default, range or allowed values, doc).
void PrintCatalog(const v1::ListWorkloadsResponse& catalog, std::ostream* out);

// The host facts as aligned "key: value" lines.
void PrintHost(const v1::HostInfo& host, std::ostream* out);

// What `ipclab run` prints: a header saying where the numbers came from
// (workload, server, host, kernel, CPU, THP, run id, repetitions and warm-up),
// a table with one row per case (placement, status, steady throughput median
// and ±cv, messages/s, latency p50/p99), then per case a table of phases and
// roles (median faults, context switches, CPU time, wall time) and a memory
// table (RssAnon, RssShmem, VmRSS before→after of the last measured repetition,
// with the median delta). Failed cases show their error.
void PrintRunTable(const v1::RunResult& run, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_TABLE_REPORTER_H_
