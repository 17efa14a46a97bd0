// "Did you mean ...?" for names a person typed: subcommands, flags,
// workloads, parameters and their values.
#ifndef IPCLAB_CLIENT_SUGGEST_H_
#define IPCLAB_CLIENT_SUGGEST_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ipclab::client {

// The edit distance between `a` and `b` (insertions, deletions,
// substitutions and swaps of two neighbours count one each; ASCII case is
// ignored): "rnu" -> "run" is 1.
size_t EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `word` if it is close enough to be what was
// meant: at most 1 edit for words of up to 4 characters, 2 up to 8, else 3;
// or the only candidate that starts with `word` (at least 3 characters).
// Ties go to the first candidate.
std::optional<std::string> ClosestMatch(absl::string_view word,
                                        const std::vector<std::string>& candidates);

// " (did you mean \"run\"?)", or "" when nothing is close.
std::string DidYouMean(absl::string_view word, const std::vector<std::string>& candidates);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_SUGGEST_H_
