// Cells the text tables share: how a missing value, a case's median and the
// process counters of a phase show, so every table prints them alike.
#ifndef IPCLAB_RESULTS_REPORT_TABLE_CELLS_H_
#define IPCLAB_RESULTS_REPORT_TABLE_CELLS_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "results/model/case_view.h"
#include "results/report/text_table.h"

namespace ipclab::results {

// `text`, or "-" when it is empty.
std::string OrDash(absl::string_view text);

// The case's median of `metric` (a summary name, e.g. "steady.wall_ns")
// through `format`, or "-" when the case has none.
std::string MedianText(const CaseView& view, const std::string& metric,
                       std::string (*format)(double));

// The process counters a per-phase table shows for each role, in column
// order: the header and the role metric behind it (getrusage deltas).
struct CounterColumn {
  const char* header;
  const char* metric;
};
inline constexpr CounterColumn kCounterColumns[] = {
    {"minflt", "minor_faults"},
    {"majflt", "major_faults"},
    {"vcsw", "voluntary_context_switches"},
    {"ivcsw", "involuntary_context_switches"},
};

// Appends one right-aligned column per kCounterColumns entry.
void AppendCounterColumns(std::vector<TextTable::Column>* columns);

// `text` broken at spaces into lines of at most `width` display columns
// (a longer word gets a line of its own), the first line starting with
// `first`, the others with `rest`.
void PrintWrapped(absl::string_view first, absl::string_view rest, absl::string_view text,
                  size_t width, std::ostream* out);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_TABLE_CELLS_H_
