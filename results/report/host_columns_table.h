// The result of a fleet run (the same request on several hosts at once) side
// by side: one column per host, the change of every other host against the
// reference host, and the host facts that differ listed above the table.
#ifndef IPCLAB_RESULTS_REPORT_HOST_COLUMNS_TABLE_H_
#define IPCLAB_RESULTS_REPORT_HOST_COLUMNS_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "ipclab/v1/ipclab.pb.h"
#include "results/compare/compare.h"

namespace ipclab::results {

// A host of the fleet that produced no result, and why.
struct FleetFailure {
  std::string server;  // the address as the user gave it (or as resolved)
  std::string error;
};

// What one fleet run produced.
struct FleetOutcome {
  std::string fleet_id;
  std::vector<std::string> servers;  // every host asked, in command-line order
  std::vector<v1::RunResult> runs;   // their results (RunResult.server names the host)
  std::vector<FleetFailure> failures;
  std::string reference_server;  // one of `servers`; "" : the first with a result
};

// The servers that have results, in `servers` order, the reference first.
std::vector<std::string> FleetColumns(const FleetOutcome& fleet);

// What a host is called in the table: its hostname when the hosts with
// results all have different hostnames, else the server address.
std::vector<std::string> FleetHostLabels(const FleetOutcome& fleet,
                                         const std::vector<std::string>& columns);

// The host facts that differ between the hosts with results, one line each
// ("kernel: a 6.1.0, b 6.18.4"): kernel, architecture, CPU model and count,
// allowed CPUs, THP enabled/defrag/shmem, container, cgroup memory and CPU
// limits, /dev/shm size, ipclab version. Empty when they all agree.
std::vector<std::string> FleetHostDifferences(const FleetOutcome& fleet);

// Prints:
//   fleet <id>  <workload(s)>  <n> hosts, reference <label>
//   hosts differ in:            (or "hosts alike: <the shared host line>")
//     <one line per differing fact>
//   <hosts: label = server address, when labels are hostnames>
//   case  metric  <host 1>  <host 2>  vs <host 1>  <host 3>  vs <host 1>
//   one row per (run, case, metric): throughput, latency p50 and p99 when
//   measured, faults_per_page for cases with a region_bytes parameter.
//   Cells are medians over the measured repetitions; "vs" cells the change
//   against the reference host and its verdict (CompareSamples with
//   `options`: better, worse, same, noisy). A case that failed on a host
//   shows its status there.
//   failed hosts (not in the table):
//     <server>: <why>
void PrintHostColumnsTable(const FleetOutcome& fleet, const CompareOptions& options,
                           std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_HOST_COLUMNS_TABLE_H_
