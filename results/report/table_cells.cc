#include "results/report/table_cells.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ipclab::results {

std::string OrDash(absl::string_view text) { return text.empty() ? "-" : std::string(text); }

std::string MedianText(const CaseView& view, const std::string& metric,
                       std::string (*format)(double)) {
  const std::optional<double> median = view.Median(metric);
  return median.has_value() ? format(*median) : "-";
}

void AppendCounterColumns(std::vector<TextTable::Column>* columns) {
  for (const CounterColumn& counter : kCounterColumns) {
    columns->push_back({counter.header, TextTable::Align::kRight});
  }
}

void PrintWrapped(absl::string_view first, absl::string_view rest, absl::string_view text,
                  size_t width, std::ostream* out) {
  std::string line(first);
  size_t prefix = line.size();
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line.size() > prefix && DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
      *out << line << "\n";
      line = std::string(rest);
      prefix = line.size();
    }
    if (line.size() > prefix) line += " ";
    absl::StrAppend(&line, word);
  }
  *out << line << "\n";
}

}  // namespace ipclab::results
