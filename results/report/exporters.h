// Exports of a stored run for other tools. (Proto JSON and CSV live in
// json_reporter.h and csv_reporter.h.)
//
// Google Benchmark JSON, as `--benchmark_format=json` writes it, so its
// tools/compare.py (Debian: libbenchmark-tools) can compare two ipclab runs:
//   context:    date, host_name, executable ("ipclab <workload>"), num_cpus,
//               mhz_per_cpu 0, cpu_scaling_enabled false, caches [],
//               load_avg [], library_build_type "release", plus ipclab_run_id,
//               kernel_release, thp_enabled;
//   benchmarks: per case of every run (names below), one entry per measured repetition
//               (run_type "iteration", repetition_index) and then the mean,
//               median, stddev and cv aggregates. A "iteration" is one
//               message (one pass over the region when nothing is sent):
//               real_time = headline-phase wall time / iterations, cpu_time =
//               the roles' user+system CPU in that phase / iterations,
//               time_unit "ns"; bytes_per_second and items_per_second (when
//               messages moved) and the counters latency_p50_ns,
//               latency_p99_ns, faults_per_page, rss_growth_bytes (when
//               measured) ride along as Google Benchmark user counters do.
//               A failed case is one entry with error_occurred and
//               error_message.
//
// Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format):
//   { "<benchmark name>": { "<measure>": {value, lower_value, upper_value} } }
//   with value = median and lower/upper = min/max over the measured
//   repetitions, measures "throughput" (messages/s, Bencher's built-in
//   operations/second), "latency" (p50 ns, built-in), "latency-p99" (ns),
//   "bytes-per-second", "faults-per-page" and "rss-growth" (bytes), each
//   only when measured. Failed cases are left out.
#ifndef IPCLAB_RESULTS_REPORT_EXPORTERS_H_
#define IPCLAB_RESULTS_REPORT_EXPORTERS_H_

#include <ostream>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// Both exports take every run of a result file or selection (a matrix: one
// run per workload). Benchmark names are stable and unique across runs:
// "<workload>/<param>=<value>,..." with every parameter whose value differs
// from the catalog's default, and placement always (when the workload has
// one), in the catalog's parameter order; the workload alone when nothing
// differs. The same name twice (e.g. two runs of one case) gets "#2", "#3"
// in run order, so a tool never merges two measurements silently.
// `catalog` may be empty: then every parameter of the case is named.
void PrintGoogleBenchmarkJson(const std::vector<v1::RunResult>& runs,
                              const v1::ListWorkloadsResponse& catalog, std::ostream* out);

void PrintBencherMetricFormat(const std::vector<v1::RunResult>& runs,
                              const v1::ListWorkloadsResponse& catalog, std::ostream* out);

// The name of one case, before duplicates are numbered.
std::string BenchmarkName(const v1::RunResult& run, const v1::CaseResult& result,
                          const v1::ListWorkloadsResponse& catalog);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_EXPORTERS_H_
