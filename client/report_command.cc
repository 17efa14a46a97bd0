#include "client/report_command.h"

#include <sstream>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/output.h"
#include "client/run_sources.h"
#include "results/report/html_report.h"

namespace ipclab::client {

ExitCode ReportCommand(const ReportCommandOptions& options, const CommandIo& io) {
  const bool to_stdout = options.html_file == "-";
  if (!to_stdout) {
    absl::Status writable = CheckOutputPath(options.html_file);
    if (!writable.ok()) return ReportError(writable, io.err);
  }
  RunSource source(options.db);
  std::vector<v1::RunResult> runs;
  for (const std::string& spec : options.runs) {
    absl::StatusOr<std::vector<v1::RunResult>> resolved = source.Resolve(spec);
    if (!resolved.ok()) return ReportError(resolved.status(), io.err);
    for (v1::RunResult& run : *resolved) runs.push_back(std::move(run));
  }
  results::ReportOptions report;
  report.title = options.title;
  report.generated_at = absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::Now(), absl::UTCTimeZone());
  std::ostringstream html;
  results::PrintHtmlReport(runs, report, &html);
  if (to_stdout) {
    *io.out << html.str();
    io.out->flush();
    return kExitSuccess;
  }
  absl::Status written = WriteFileAtomically(options.html_file, html.str());
  if (!written.ok()) return ReportError(written, io.err);
  if (io.progress) *io.err << "wrote " << options.html_file << "\n";
  return kExitSuccess;
}

}  // namespace ipclab::client
