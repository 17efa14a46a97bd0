// How much a table reporter prints and how wide it may be: the run command's
// --brief / --detail and --wide.
#ifndef IPCLAB_RESULTS_REPORT_TABLE_OPTIONS_H_
#define IPCLAB_RESULTS_REPORT_TABLE_OPTIONS_H_

#include <cstddef>

namespace ipclab::results {

enum class Detail {
  kBrief,   // the answers only (the summary of a matrix, the case table of a run)
  kNormal,  // the answers, then the case table with its legend
  kFull,    // and every phase of every case
};

struct TableOptions {
  Detail detail = Detail::kNormal;
  // Tables drop their least important columns to fit this many display
  // columns (and say which, and that --wide shows them); 0: no limit.
  size_t max_width = 100;
};

// The default line width of tables on a terminal and in files.
inline constexpr size_t kDefaultTableWidth = 100;

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_TABLE_OPTIONS_H_
