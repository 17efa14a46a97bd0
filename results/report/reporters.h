// All reporters in one include, for the CLI and the server.
#ifndef IPCLAB_RESULTS_REPORT_REPORTERS_H_
#define IPCLAB_RESULTS_REPORT_REPORTERS_H_

#include "results/report/csv_reporter.h"        // IWYU pragma: export
#include "results/report/info_report.h"         // IWYU pragma: export
#include "results/report/json_reporter.h"       // IWYU pragma: export
#include "results/report/matrix_summary.h"      // IWYU pragma: export
#include "results/report/side_by_side_table.h"  // IWYU pragma: export
#include "results/report/table_reporter.h"      // IWYU pragma: export

#endif  // IPCLAB_RESULTS_REPORT_REPORTERS_H_
