#include "results/report/csv_reporter.h"

#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace ipclab::results {
namespace {

// RFC 4180: quote a field holding a comma, a quote or a line break, and
// double the quotes inside.
std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// The shortest fixed-notation text that reads back to `value`.
std::string CsvNumber(double value) {
  char buffer[512];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  if (result.ec != std::errc()) return absl::StrCat(value);
  return std::string(buffer, result.ptr);
}

}  // namespace

void PrintRunCsv(const v1::RunResult& run, std::ostream* out) {
  *out << "run_id,server,workload,case,metric,unit,n,median,mean,min,max,stddev,cv\n";
  for (const v1::CaseResult& result : run.cases()) {
    for (const v1::MetricSummary& summary : result.summaries()) {
      const std::vector<std::string> fields = {
          CsvField(run.run_id()),          CsvField(run.server()),      CsvField(run.workload()),
          CsvField(result.case_().name()), CsvField(summary.name()),    CsvField(summary.unit()),
          absl::StrCat(summary.n()),       CsvNumber(summary.median()), CsvNumber(summary.mean()),
          CsvNumber(summary.min()),        CsvNumber(summary.max()),    CsvNumber(summary.stddev()),
          CsvNumber(summary.cv()),
      };
      *out << absl::StrJoin(fields, ",") << "\n";
    }
  }
}

}  // namespace ipclab::results
