// `ipclab report RUN... --html FILE`: one self-contained HTML page with SVG
// charts of the runs (results/report/html_report.h), the first run the baseline of
// the comparisons.
#ifndef IPCLAB_CLIENT_REPORT_COMMAND_H_
#define IPCLAB_CLIENT_REPORT_COMMAND_H_

#include <string>
#include <vector>

#include "client/command_io.h"
#include "client/exit_codes.h"

namespace ipclab::client {

struct ReportCommandOptions {
  std::vector<std::string> runs;  // ids, prefixes, tag:K=V or files (run_sources.h)
  std::string db;
  std::string html_file;  // written whole or not at all; "-" : stdout
  std::string title = "ipclab report";
};

// 0 when written; 2 for an unknown run, a malformed file or an unwritable
// path.
ExitCode ReportCommand(const ReportCommandOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_REPORT_COMMAND_H_
