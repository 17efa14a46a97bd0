#include "results/report/table_cells.h"

#include <optional>

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

}  // namespace ipclab::results
