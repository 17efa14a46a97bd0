// CSV for spreadsheets and scripts: one row per (case, metric summary).
#ifndef IPCLAB_RESULTS_REPORT_CSV_REPORTER_H_
#define IPCLAB_RESULTS_REPORT_CSV_REPORTER_H_

#include <ostream>

#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// Header "run_id,server,host,workload,case,mode,placement,params,metric,unit,n,
// median,mean,min,max,stddev,cv", then a row per summary of every case, in
// case order and summary order. mode and placement are the case's parameters
// ("" for a workload without them); params is every resolved parameter, fixed
// or swept, "name=value;..." sorted by name.
// `server` is RunResult.server (the address the client used, or "embedded"),
// so the rows of runs on several servers stay apart.
// Fields are quoted per RFC 4180 when they contain a comma, a double quote,
// CR or LF (case names such as "message_size=64KiB,mode=stream" always are);
// quotes inside are doubled. Lines end with "\n". Numbers are printed in the
// shortest form that reads back to the same double, without exponent
// ("4620000000", "0.0123"). Cases without summaries (failed) have no rows.
void PrintRunCsv(const v1::RunResult& run, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_CSV_REPORTER_H_
