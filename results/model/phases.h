// Phases of a measured case: finding one by name, and the one rule for the
// phase a case's headline numbers come from. The table, the comparison, the
// gate, the exports, the store and the HTML report all use this rule, so
// they always talk about the same phase.
#ifndef IPCLAB_RESULTS_MODEL_PHASES_H_
#define IPCLAB_RESULTS_MODEL_PHASES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// The phase called `name` in `repetition`, or nullptr.
const v1::PhaseResult* FindPhase(const v1::RepetitionResult& repetition, absl::string_view name);

// The headline phase (README: "medians of each case's steady phase (or,
// without one, its first touch phase)"), over the phases of the case's
// repetitions in first-seen order:
//   "steady" if any repetition has it;
//   else "child_write" if any has it (cow_private: the copy-on-write the
//   workload exists for, not the parent's first touch);
//   else the first phase that moved bytes (page_fault's "write"/"read");
//   else the first phase other than "setup" and "teardown";
//   else the first phase; "" for a case without phases.
std::string HeadlinePhase(const v1::CaseResult& result);

// Whether the case measures page touches rather than a transfer: no
// repetition has a "steady" phase and some inner phase counted messages,
// which page_fault and cow_private set to the 4 KiB pages touched. Its
// headline is ns per page and faults per second, never bytes per second.
bool TouchesPages(const v1::CaseResult& result);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_MODEL_PHASES_H_
