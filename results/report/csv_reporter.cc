#include "results/report/csv_reporter.h"

#include <charconv>
#include <map>
#include <string>
#include <vector>

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
  // mode and placement get their own columns (the two a spreadsheet filters
  // on most); params holds every resolved parameter of the case, fixed or
  // swept, as name=value;... sorted by name.
  *out << "run_id,server,host,workload,case,mode,placement,params,metric,unit,n,median,mean,min,"
          "max,stddev,cv\n";
  for (const v1::CaseResult& result : run.cases()) {
    const auto& params = result.case_().params();
    const std::map<std::string, std::string> sorted(params.begin(), params.end());
    std::vector<std::string> pairs;
    for (const auto& [name, value] : sorted) pairs.push_back(absl::StrCat(name, "=", value));
    auto param = [&](const char* name) {
      auto it = sorted.find(name);
      return it == sorted.end() ? std::string() : it->second;
    };
    for (const v1::MetricSummary& summary : result.summaries()) {
      const std::vector<std::string> fields = {
          CsvField(run.run_id()),          CsvField(run.server()),
          CsvField(run.host().hostname()), CsvField(run.workload()),
          CsvField(result.case_().name()), CsvField(param("mode")),
          CsvField(param("placement")),    CsvField(absl::StrJoin(pairs, ";")),
          CsvField(summary.name()),        CsvField(summary.unit()),
          absl::StrCat(summary.n()),       CsvNumber(summary.median()),
          CsvNumber(summary.mean()),       CsvNumber(summary.min()),
          CsvNumber(summary.max()),        CsvNumber(summary.stddev()),
          CsvNumber(summary.cv()),
      };
      *out << absl::StrJoin(fields, ",") << "\n";
    }
  }
}

}  // namespace ipclab::results
