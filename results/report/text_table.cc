#include "results/report/text_table.h"

#include <algorithm>
#include <utility>

namespace ipclab::results {

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::Print(std::ostream* out, absl::string_view indent) const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) widths[c] = DisplayWidth(columns_[c].header);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }

  auto print_line = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line.append("  ");
      const size_t padding = widths[c] - DisplayWidth(cells[c]);
      if (columns_[c].align == Align::kRight) line.append(padding, ' ');
      line.append(cells[c]);
      if (columns_[c].align == Align::kLeft) line.append(padding, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    *out << line << "\n";
  };

  std::vector<std::string> headers;
  headers.reserve(columns_.size());
  for (const Column& column : columns_) headers.push_back(column.header);
  print_line(headers);
  size_t total = 0;
  for (size_t width : widths) total += width;
  total += columns_.empty() ? 0 : 2 * (columns_.size() - 1);
  *out << indent << std::string(total, '-') << "\n";
  for (const auto& row : rows_) print_line(row);
}

}  // namespace ipclab::results
