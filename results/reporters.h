// All reporters in one include, for the CLI and the server.
#ifndef IPCLAB_RESULTS_REPORTERS_H_
#define IPCLAB_RESULTS_REPORTERS_H_

#include "results/comparison_reporter.h"  // IWYU pragma: export
#include "results/csv_reporter.h"         // IWYU pragma: export
#include "results/json_reporter.h"        // IWYU pragma: export
#include "results/table_reporter.h"       // IWYU pragma: export

#endif  // IPCLAB_RESULTS_REPORTERS_H_
