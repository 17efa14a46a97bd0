// What the commands print on stdout and store with --out. Formatting itself
// belongs to results/ (tables, CSV, the proto3 JSON mapping); this file
// decides which reporter a command uses and how several results are joined.
#ifndef IPCLAB_CLIENT_OUTPUT_H_
#define IPCLAB_CLIENT_OUTPUT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/report/table_options.h"

namespace ipclab::client {

enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json", "csv" (the CLI restricts the choice per command).
OutputFormat ParseOutputFormat(absl::string_view name);

// Run results on `out`:
// - table: with `comparison` (a matrix), one PrintMatrixReport over all;
//   otherwise PrintRunReport per result, separated by a blank line;
// - json: RunResultsJson(results, as_array);
// - csv: PrintRunCsv per result, the header line only once.
// `table` says how much detail and how wide (--brief/--detail, --wide); JSON
// and CSV are the same whatever it says.
void PrintRunResults(const std::vector<v1::RunResult>& results, OutputFormat format,
                     bool comparison, bool as_array, std::ostream* out,
                     const results::TableOptions& table = results::TableOptions{
                         results::Detail::kFull, 0});

// Exactly one JSON document: the single result's object, or (as_array, or
// more than one result) an array of them. Ends with "\n".
std::string RunResultsJson(const std::vector<v1::RunResult>& results, bool as_array);

// Fails early (before a long run) if `path` could not be written: its
// directory must exist and be writable. INVALID_ARGUMENT naming the path.
absl::Status CheckOutputPath(const std::string& path);

// Writes `contents` to `path` + ".tmp", flushes it to disk and renames it
// over `path`, so readers see the old file or the whole new one, never a
// part. The temporary file is removed on failure. INVALID_ARGUMENT naming
// the path and the failing call.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_OUTPUT_H_
