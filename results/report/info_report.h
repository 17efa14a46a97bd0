// What `ipclab list`, `ipclab host` and `ipclab doctor` print: the workload
// catalog, the host facts and the preflight checks, as text for people
// (golden-text tests).
#ifndef IPCLAB_RESULTS_REPORT_INFO_REPORT_H_
#define IPCLAB_RESULTS_REPORT_INFO_REPORT_H_

#include <ostream>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// Per workload: its name and summary, roles and phases, then a table of its
// parameters (name, type, default, range or allowed values, doc).
void PrintCatalog(const v1::ListWorkloadsResponse& catalog, std::ostream* out);

// The host facts as aligned "key: value" lines.
void PrintHost(const v1::HostInfo& host, std::ostream* out);

// The preflight checks of `host` (`ipclab doctor`): one row per check with
// OK/INFO/WARN, what was found and what to do, then a count of warnings.
void PrintHostChecks(const v1::HostInfo& host, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_INFO_REPORT_H_
