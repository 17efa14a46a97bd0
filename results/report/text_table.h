// A column-aligned plain-text table: the one layout every table reporter
// uses, so widths are computed in one place.
#ifndef IPCLAB_RESULTS_REPORT_TEXT_TABLE_H_
#define IPCLAB_RESULTS_REPORT_TEXT_TABLE_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ipclab::results {

// The width of UTF-8 text on a terminal, counted in code points ("µs" is 2).
// Good enough for the symbols ipclab prints (µ, ±, →, –); no wide glyphs.
size_t DisplayWidth(absl::string_view text);

class TextTable final {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    // When the table must fit a width, columns with the highest drop_priority
    // go first (the rightmost of equal priority first); 0: never dropped.
    int drop_priority = 0;
  };

  explicit TextTable(std::vector<Column> columns);

  // A row of cells, one per column; missing trailing cells are blank and
  // extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  bool empty() const { return rows_.empty(); }

  // Whether a rule of dashes follows the header (default: yes).
  void set_rule(bool rule) { rule_ = rule; }

  // Writes the header, a rule of dashes as wide as the table, and the rows,
  // every line prefixed by `indent`. Columns are two spaces apart; lines carry
  // no trailing spaces.
  void Print(std::ostream* out, absl::string_view indent = "") const;

  // Print, but with droppable columns left out (highest drop_priority first)
  // until every line, indent included, is at most `max_width` display
  // columns; 0: no limit. Returns the headers of the columns left out, in
  // table order, so the caller can say that --wide shows them.
  std::vector<std::string> PrintFitted(std::ostream* out, size_t max_width,
                                       absl::string_view indent = "") const;

  // The display width of the widest line Print would write (indent excluded).
  size_t Width() const;

 private:
  std::vector<size_t> ColumnWidths() const;
  void PrintColumns(std::ostream* out, absl::string_view indent,
                    const std::vector<bool>& shown) const;

  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
  bool rule_ = true;
};

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_TEXT_TABLE_H_
