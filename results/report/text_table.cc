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

std::vector<size_t> TextTable::ColumnWidths() const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) widths[c] = DisplayWidth(columns_[c].header);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  return widths;
}

size_t TextTable::Width() const {
  const std::vector<size_t> widths = ColumnWidths();
  size_t total = 0;
  for (size_t width : widths) total += width;
  return total + (columns_.empty() ? 0 : 2 * (columns_.size() - 1));
}

void TextTable::PrintColumns(std::ostream* out, absl::string_view indent,
                             const std::vector<bool>& shown) const {
  const std::vector<size_t> widths = ColumnWidths();
  auto print_line = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    bool first = true;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!shown[c]) continue;
      if (!first) line.append("  ");
      first = false;
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
  size_t count = 0;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!shown[c]) continue;
    total += widths[c];
    ++count;
  }
  total += count == 0 ? 0 : 2 * (count - 1);
  if (rule_) *out << indent << std::string(total, '-') << "\n";
  for (const auto& row : rows_) print_line(row);
}

void TextTable::Print(std::ostream* out, absl::string_view indent) const {
  PrintColumns(out, indent, std::vector<bool>(columns_.size(), true));
}

std::vector<std::string> TextTable::PrintFitted(std::ostream* out, size_t max_width,
                                                absl::string_view indent) const {
  std::vector<bool> shown(columns_.size(), true);
  const std::vector<size_t> widths = ColumnWidths();
  size_t total = DisplayWidth(indent) + Width();
  while (max_width > 0 && total > max_width) {
    // The droppable column of highest priority, rightmost first.
    size_t victim = columns_.size();
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!shown[c] || columns_[c].drop_priority == 0) continue;
      if (victim == columns_.size() ||
          columns_[c].drop_priority >= columns_[victim].drop_priority) {
        victim = c;
      }
    }
    if (victim == columns_.size()) break;  // nothing left to drop
    shown[victim] = false;
    total -= widths[victim] + 2;
  }
  PrintColumns(out, indent, shown);
  std::vector<std::string> dropped;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!shown[c]) dropped.push_back(columns_[c].header);
  }
  return dropped;
}

}  // namespace ipclab::results
